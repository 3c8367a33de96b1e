"""Gradient estimators: each returns per-sample terms of shape (n, d) whose mean is the estimate.

One signature for all (after Mohamed et al., "Monte Carlo Gradient Estimation in Machine
Learning", JMLR 2020): `estimator(problem, n, *, rng, ...) -> terms`, so
`terms.mean(axis=0)` estimates ∇θ E[f(x)] and `terms.std(axis=0, ddof=1)/√n` is its standard error.
"""

from __future__ import annotations

import numbers

import numpy as np

from core.numerics import check_sample_count
from core.problem import Problem

ESTIMATORS = ("score", "pathwise", "measure_valued")
BASELINES = ("mean", "loo", "optimal")
Baseline = float | str | None


def check_baseline(baseline: Baseline) -> float | str | None:
    """Return the baseline in canonical form, or raise ValueError naming the valid choices."""
    if baseline is None or (isinstance(baseline, str) and baseline in BASELINES):
        return baseline
    if isinstance(baseline, numbers.Real) and not isinstance(baseline, bool):
        if not np.isfinite(baseline):
            raise ValueError(f"a constant baseline must be finite, got {baseline}")
        return float(baseline)
    raise ValueError(
        f"unknown baseline {baseline!r}: use None, a number (a constant b), "
        "'mean' (batch mean), 'loo' (leave-one-out) or 'optimal' (variance-minimising b*)"
    )


def check_baseline_fits(baseline: Baseline, n: int) -> None:
    """The leave-one-out baseline averages the other n − 1 rewards, so it needs n ≥ 2."""
    if baseline == "loo" and n < 2:
        raise ValueError("the leave-one-out baseline needs n ≥ 2 samples (it averages the others)")


def check_estimator(estimator: str, baseline: Baseline = None) -> str:
    """Validate the estimator name and that a baseline is only paired with the score function."""
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r}: choose one of {', '.join(ESTIMATORS)}")
    if estimator != "score" and baseline is not None:
        raise ValueError(
            f"baselines apply to the score-function estimator only; the {estimator} estimator "
            "takes baseline=None"
        )
    return estimator


def score_function_terms(problem: Problem, x: np.ndarray, baseline: Baseline = None) -> np.ndarray:
    """Score-function terms A(x_i) − b_i S(x_i) for given samples x; A = f S for one-step problems.

    b_i is 0 (None), a constant, the batch mean f̄ = (1/n) Σ_j f(x_j) ("mean"), the mean of the
    others (1/(n−1)) Σ_{j≠i} f(x_j) ("loo"), or the exact b* = E[A S]/E[S²] per parameter
    ("optimal").
    """
    baseline = check_baseline(baseline)
    credited = problem.credited_score(x)
    if baseline is None:
        return credited
    scores = problem.score(x)
    if baseline == "optimal":
        return credited - problem.optimal_baseline() * scores
    if isinstance(baseline, float):
        return credited - baseline * scores
    rewards = problem.f(x)
    n = rewards.size
    if baseline == "mean":
        return credited - rewards.mean() * scores
    check_baseline_fits(baseline, n)
    others = (rewards.sum() - rewards) / (n - 1)
    return credited - others[:, None] * scores


def score_function(
    problem: Problem, n: int, *, rng: np.random.Generator, baseline: Baseline = None
) -> np.ndarray:
    """Score-function (REINFORCE, likelihood-ratio) terms (f(x_i) − b) ∇θ log p(x_i|θ), shape (n, d).

    Unbiased for ∇θ E[f] with baseline None, a constant, "loo" (leave-one-out, RLOO) or
    "optimal". The batch mean ("mean") includes f(x_i) in its own baseline, which correlates the
    two: E[(f_i − f̄) S_i] = (1 − 1/n) ∇θ E[f], a bias of −∇θ E[f]/n.
    """
    n = check_sample_count(n)
    check_baseline(baseline)
    return score_function_terms(problem, problem.sample(rng, n), baseline)


def pathwise(problem: Problem, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Reparameterisation terms ∇θ f(g(ε, θ)) with x = g(ε, θ), shape (n, d).

    Unbiased when f is differentiable (Lipschitz suffices); raises ValueError with the reason
    where it is not (discrete samples, the step cost).
    """
    n = check_sample_count(n)
    return problem.pathwise_terms(rng, n)


def measure_valued(problem: Problem, n: int, *, rng: np.random.Generator) -> np.ndarray:
    """Measure-valued terms c_θ (f(x⁺) − f(x⁻)) for `core.Gaussian`, shape (n, d).

    ∂θ p = c_θ (p⁺ − p⁻) splits the density's derivative into two densities (Mohamed et al.,
    JMLR 2020, §6): a Weibull (Rayleigh) pair for μ and a double-sided Maxwell against a
    Gaussian for σ, each pair coupled by common random numbers.
    """
    n = check_sample_count(n)
    return problem.measure_valued_terms(rng, n)


def gradient_terms(
    problem: Problem,
    n: int,
    *,
    rng: np.random.Generator,
    estimator: str = "score",
    baseline: Baseline = None,
) -> np.ndarray:
    """Per-sample terms of the named estimator ("score", "pathwise", "measure_valued")."""
    check_estimator(estimator, baseline)
    if estimator == "score":
        return score_function(problem, n, rng=rng, baseline=baseline)
    if estimator == "pathwise":
        return pathwise(problem, n, rng=rng)
    return measure_valued(problem, n, rng=rng)
