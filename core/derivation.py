"""The bandit derivation with numbers, running estimates, and the finite-difference check.

These back the derivation page: every line of ∇J = E[r(a) ∇θ log π(a)] evaluated at the user's
θ, r(0), r(1); a running Monte Carlo mean beside its exact error band; and an independent route
to the gradient (central differences of the exact J) to check the closed form against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bandits import Bandit
from core.estimators import Baseline
from core.exact import per_sample_variance
from core.numerics import check_positive, log_sigmoid
from core.problem import Problem
from core.studies import sample_table

# Machine epsilon of float64: the rounding floor of any difference of two computed J values.
_EPSILON = float(np.finfo(np.float64).eps)


@dataclass(frozen=True)
class BanditDerivation:
    """Each quantity on the way from π_θ to ∇J for the two-armed bandit, at one θ.

    π(1) = σ(θ), π(0) = 1 − σ(θ); log π(1) = log σ(θ), log π(0) = log σ(−θ);
    ∇ log π(1) = 1 − σ(θ), ∇ log π(0) = −σ(θ);
    ∇J = π(1) r(1) ∇log π(1) + π(0) r(0) ∇log π(0) = (r(1) − r(0)) σ(θ)(1 − σ(θ)).
    """

    theta: float
    reward_zero: float
    reward_one: float
    prob_one: float
    prob_zero: float
    log_prob_one: float
    log_prob_zero: float
    score_one: float
    score_zero: float
    weighted_term_one: float  # π(1) r(1) ∇log π(1)
    weighted_term_zero: float  # π(0) r(0) ∇log π(0)
    reward_gap: float  # r(1) − r(0)
    sigmoid_slope: float  # σ(θ)(1 − σ(θ))
    expected_value: float
    gradient: float


def bandit_derivation(problem: Bandit) -> BanditDerivation:
    """Every number of the derivation ∇J = E[r(a) ∇θ log π(a)] for a two-armed bandit.

    Uses the stable forms log σ(±θ) and σ(−θ) so each line stays finite at |θ| = 700.
    """
    if not isinstance(problem, Bandit):
        raise ValueError(f"the bandit derivation needs a core.Bandit, got {type(problem).__name__}")
    theta = float(problem.theta[0])
    r0, r1 = (float(r) for r in problem.rewards)
    p1, p0 = problem.p_one, problem.p_zero
    return BanditDerivation(
        theta=theta,
        reward_zero=r0,
        reward_one=r1,
        prob_one=p1,
        prob_zero=p0,
        log_prob_one=float(log_sigmoid(theta)),
        log_prob_zero=float(log_sigmoid(-theta)),
        score_one=p0,
        score_zero=-p1,
        weighted_term_one=p1 * r1 * p0,
        weighted_term_zero=p0 * r0 * -p1,
        reward_gap=r1 - r0,
        sigmoid_slope=p1 * p0,
        expected_value=float(problem.expected_value()),
        gradient=float(problem.exact_gradient()[0]),
    )


def running_estimate(
    problem: Problem, n: int, *, seed: int = 0, baseline: Baseline = None
) -> pd.DataFrame:
    """`core.sample_table` plus the standard error of the running mean, measured and exact.

    standard_error after k draws is s_k/√k, s_k the sample standard deviation of the first k
    terms (NaN at k = 1); exact_standard_error is σ/√k with σ² the exact per-sample variance of
    the first parameter's term (`per_sample_variance`; for the "mean" and "loo" baselines the
    population-mean baseline, the large-n band). Columns: draw, x, f, score, term,
    running_mean, exact_gradient, standard_error, exact_standard_error.
    """
    table = sample_table(problem, n, seed=seed, baseline=baseline)
    draws = table["draw"].to_numpy(dtype=np.float64)
    # Sums of squares about the exact gradient, not zero, so the variance does not cancel.
    centred = table["term"].to_numpy() - table["exact_gradient"].to_numpy()
    sums, squares = np.cumsum(centred), np.cumsum(centred**2)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.maximum(squares - sums**2 / draws, 0.0) / (draws - 1.0)
    variance[0] = np.nan
    table["standard_error"] = np.sqrt(variance / draws)
    band_baseline = "mean" if baseline == "loo" else baseline
    sigma_squared = float(per_sample_variance(problem, "score", band_baseline)[0])
    table["exact_standard_error"] = np.sqrt(sigma_squared / draws)
    return table


def finite_difference_gradient(problem: Problem, step: float = 1e-5) -> np.ndarray:
    """Central differences of the exact objective, shape (d,): an independent route to ∇J.

    ∂J/∂θ_j ≈ [J(θ + h_j e_j) − J(θ − h_j e_j)] / (2 h_j) with h_j = step · max(1, |θ_j|);
    truncation error (h²/6)|J'''|, rounding error ≈ ε|J|/h. For a parameter that must stay
    positive (σ), h_j is capped at half its value so both evaluations stay valid.
    """
    theta = problem.theta.astype(np.float64)
    steps = _difference_steps(problem, step)
    gradient = np.empty(problem.dim)
    for j, h in enumerate(steps):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        gradient[j] = (
            problem.with_theta(up).expected_value() - problem.with_theta(down).expected_value()
        ) / (2.0 * h)
    return gradient


def _difference_steps(problem: Problem, step: float) -> np.ndarray:
    """h_j = step · max(1, |θ_j|), capped at θ_j/2 for σ so θ_j − h_j stays positive."""
    step = check_positive(step, "step")
    theta = problem.theta.astype(np.float64)
    steps = step * np.maximum(1.0, np.abs(theta))
    for j, name in enumerate(problem.params):
        if name == "sigma":
            steps[j] = min(steps[j], 0.5 * theta[j])
    return steps


def finite_difference_check(
    problem: Problem, step: float = 1e-5, relative_tolerance: float = 1e-6
) -> pd.DataFrame:
    """The closed-form gradient beside its central finite difference, with a stated tolerance.

    Passes iff |FD − exact| ≤ rtol · max(1, |exact|) + 10 ε max(1, |J|) / h, the second term the
    rounding floor of a difference quotient with step h (ε = 2.2e-16). Deterministic: no false
    alarms, and a wrong closed form is caught whenever it is off by more than the tolerance.
    Columns: param, finite_difference, exact_gradient, abs_error, tolerance, passed, step.
    """
    check_positive(relative_tolerance, "relative_tolerance")
    estimate = finite_difference_gradient(problem, step)
    exact = problem.exact_gradient()
    value = abs(problem.expected_value())
    rows = []
    for j, (name, h) in enumerate(
        zip(problem.params, _difference_steps(problem, step), strict=True)
    ):
        tolerance = (
            relative_tolerance * max(1.0, abs(exact[j])) + 10 * _EPSILON * max(1.0, value) / h
        )
        error = abs(estimate[j] - exact[j])
        rows.append(
            {
                "param": name,
                "finite_difference": estimate[j],
                "exact_gradient": exact[j],
                "abs_error": error,
                "tolerance": tolerance,
                "passed": bool(error <= tolerance),
                "step": h,
            }
        )
    return pd.DataFrame(rows)
