"""Gradient estimators: each returns per-sample terms of shape (n, d) whose mean is the estimate.

One signature for all (after Mohamed et al., "Monte Carlo Gradient Estimation in Machine
Learning", JMLR 2020): `estimator(problem, n, *, rng, ...) -> terms`, so
`terms.mean(axis=0)` estimates ∇θ E[f(x)] and `terms.std(axis=0, ddof=1)/√n` is its standard error.

Each is the fast path: the problem's chunk kernel draws ≤ 2^16 samples at a time into reused
buffers and writes their terms straight into the (n, d) result, so the extra memory is O(chunk)
whatever n and whatever the baseline (see `core._engine`).
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING

import numpy as np

from core import _engine
from core.numerics import check_sample_count

if TYPE_CHECKING:
    from core.problem import Problem

ESTIMATORS = ("score", "pathwise", "measure_valued")
BASELINES = ("mean", "loo", "optimal")
Baseline = float | str | None


BATCH_BASELINES = ("mean", "loo")


def is_batch_baseline(baseline: Baseline) -> bool:
    """True for the baselines computed from the batch itself ("mean", "loo"): the n-sample
    estimate is then no mean of i.i.d. terms, so it has no per-sample variance σ² with
    Var[ĝ_n] = σ²/n (its variance is `core.exact.estimate_moments` at each n)."""
    return isinstance(baseline, str) and baseline in BATCH_BASELINES


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


def score_function(
    problem: Problem,
    n: int,
    *,
    rng: np.random.Generator,
    baseline: Baseline = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Score-function (REINFORCE, likelihood-ratio) terms (f(x_i) − b) ∇θ log p(x_i|θ), shape (n, d).

    Unbiased for ∇θ E[f] with baseline None, a constant, "loo" (leave-one-out, RLOO) or
    "optimal". The batch mean ("mean") includes f(x_i) in its own baseline, which correlates the
    two: E[(f_i − f̄) S_i] = (1 − 1/n) ∇θ E[f], a bias of −∇θ E[f]/n. `out`, if given, is an
    (n, d) float64 array to fill (and return).
    """
    return gradient_terms(problem, n, rng=rng, baseline=baseline, out=out)


def pathwise(
    problem: Problem, n: int, *, rng: np.random.Generator, out: np.ndarray | None = None
) -> np.ndarray:
    """Reparameterisation terms ∇θ f(g(ε, θ)) with x = g(ε, θ), shape (n, d).

    Unbiased when f is differentiable (Lipschitz suffices); raises ValueError with the reason
    where it is not (discrete samples, the step cost).
    """
    return gradient_terms(problem, n, rng=rng, estimator="pathwise", out=out)


def measure_valued(
    problem: Problem, n: int, *, rng: np.random.Generator, out: np.ndarray | None = None
) -> np.ndarray:
    """Measure-valued terms c_θ (f(x⁺) − f(x⁻)) for `core.Gaussian`, shape (n, d).

    ∂θ p = c_θ (p⁺ − p⁻) splits the density's derivative into two densities (Mohamed et al.,
    JMLR 2020, §6): a Weibull (Rayleigh) pair for μ and a double-sided Maxwell against a
    Gaussian for σ, each pair coupled by common random numbers.
    """
    return gradient_terms(problem, n, rng=rng, estimator="measure_valued", out=out)


def gradient_terms(
    problem: Problem,
    n: int,
    *,
    rng: np.random.Generator,
    estimator: str = "score",
    baseline: Baseline = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Per-sample terms of the named estimator ("score", "pathwise", "measure_valued"), (n, d).

    score: (f(x_i) − b_i) ∇θ log p(x_i|θ) (A(x_i) − b_i S(x_i) for credited trajectories);
    pathwise: ∇θ f(g(ε_i, θ)); measure_valued: c_θ (f(x_i⁺) − f(x_i⁻)). `out`, if given, is an
    (n, d) float64 array to fill (and return).
    """
    n = check_sample_count(n)
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    check_baseline_fits(baseline, n)
    return _engine.fill_terms(problem, n, rng, estimator, baseline, out)
