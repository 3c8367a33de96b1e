"""What the log buys: ∇J three ways on a finite support — the exact sum, the naive sample
average without the log (biased), and the log-derivative estimate (unbiased).

∇J = Σ_a r(a) ∇π(a) needs every action; a sample a ~ π sees each action with weight π(a), so
averaging r(a)∇π(a) over samples estimates Σ_a π(a) r(a) ∇π(a) instead. Dividing by the weight,
∇π = π ∇log π (Williams 1992; Mohamed et al. 2020, arXiv:1906.10652, §4), gives
E[r(a) ∇log π(a)] = Σ_a r(a) ∇π(a): the log restores the sum.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.numerics import check_sample_count, make_rng
from core.problem import EnumerableProblem

ROUTES = ("exact sum", "naive: r(a)·∇π(a)", "log-derivative: r(a)·∇log π(a)")


def _require_enumerable(problem: object) -> EnumerableProblem:
    if not isinstance(problem, EnumerableProblem):
        raise ValueError(
            "the exact sum over actions needs a finite support (a bandit), got "
            f"{type(problem).__name__}"
        )
    return problem


def action_table(problem: EnumerableProblem) -> pd.DataFrame:
    """Per action a (first parameter): π(a), r(a), ∇π(a) = π(a)∇log π(a), ∇log π(a), and the
    three summands r(a)∇π(a) (exact sum), π(a)r(a)∇π(a) (naive's mean), π(a)r(a)∇log π(a).

    Columns: action, probability, reward, grad_probability, score, exact_summand,
    naive_summand, log_summand.
    """
    xs, probs = _require_enumerable(problem).support()
    score = problem.score(xs)[:, 0]
    reward = problem.f(xs)
    grad_probability = probs * score
    return pd.DataFrame(
        {
            "action": xs if xs.ndim == 1 else np.arange(len(probs)),
            "probability": probs,
            "reward": reward,
            "grad_probability": grad_probability,
            "score": score,
            "exact_summand": reward * grad_probability,
            "naive_summand": probs * reward * grad_probability,
            "log_summand": probs * reward * score,
        }
    )


def _route_terms(problem: EnumerableProblem, x: np.ndarray) -> dict[str, np.ndarray]:
    """Per-draw terms of the two sampled routes (first parameter)."""
    score = problem.score(x)[:, 0]
    reward = problem.f(x)
    probability = np.exp(problem.log_prob(x))
    return {ROUTES[1]: reward * probability * score, ROUTES[2]: reward * score}


def _route_moments(problem: EnumerableProblem) -> dict[str, tuple[float, float]]:
    """(exact mean, exact per-draw variance, centred) of each sampled route's term."""
    xs, probs = problem.support()
    moments = {}
    for route, terms in _route_terms(problem, xs).items():
        mean = float(probs @ terms)
        moments[route] = (mean, float(probs @ (terms - mean) ** 2))
    return moments


def log_derivative_routes(problem: EnumerableProblem, n: int, *, seed: int = 0) -> pd.DataFrame:
    """The three routes to ∇J (first parameter) with their exact means, biases and variances,
    and the two sampled routes' Monte Carlo means over n draws a ~ π (the draws of
    core.derivation.running_estimate at the same seed).

    exact sum: Σ_a r(a)∇π(a) = ∇J (no sampling). naive: mean of r(a)∇π(a), E = Σ_a π(a) r(a) ∇π(a),
    bias E − ∇J. log-derivative: mean of r(a)∇log π(a), E = ∇J. exact_standard_error =
    √(Var/n) with Var the exact per-draw variance. Columns: route, exact_mean, exact_gradient,
    exact_bias, per_draw_variance, estimate, exact_standard_error, n.
    """
    n = check_sample_count(n)
    problem = _require_enumerable(problem)
    gradient = float(action_table(problem)["exact_summand"].sum())
    x = problem.sample(make_rng(seed), n)
    terms = _route_terms(problem, x)
    rows = [
        {
            "route": ROUTES[0],
            "exact_mean": gradient,
            "exact_gradient": gradient,
            "exact_bias": 0.0,
            "per_draw_variance": 0.0,
            "estimate": gradient,
            "exact_standard_error": 0.0,
            "n": n,
        }
    ]
    for route, (mean, variance) in _route_moments(problem).items():
        rows.append(
            {
                "route": route,
                "exact_mean": mean,
                "exact_gradient": gradient,
                "exact_bias": mean - gradient,
                "per_draw_variance": variance,
                "estimate": float(terms[route].mean()),
                "exact_standard_error": math.sqrt(variance / n),
                "n": n,
            }
        )
    return pd.DataFrame(rows)


def log_derivative_running(problem: EnumerableProblem, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Running means of the naive and log-derivative terms over the same n draws, each beside
    its own exact mean (the naive one's is not ∇J) and exact band σ/√draw.

    Columns: route, draw, x, term, running_mean, exact_mean, exact_gradient,
    exact_standard_error.
    """
    n = check_sample_count(n)
    problem = _require_enumerable(problem)
    x = problem.sample(make_rng(seed), n)
    draws = np.arange(1, n + 1)
    gradient = float(problem.exact_gradient()[0])
    moments = _route_moments(problem)
    frames = []
    for route, terms in _route_terms(problem, x).items():
        mean, variance = moments[route]
        frames.append(
            pd.DataFrame(
                {
                    "route": route,
                    "draw": draws,
                    "x": x,
                    "term": terms,
                    "running_mean": np.cumsum(terms) / draws,
                    "exact_mean": mean,
                    "exact_gradient": gradient,
                    "exact_standard_error": np.sqrt(variance / draws),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
