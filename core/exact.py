"""Exact variances of the estimators, per sample and for an n-sample estimate."""

from __future__ import annotations

import numpy as np

from core.estimators import (
    Baseline,
    check_baseline,
    check_baseline_fits,
    check_estimator,
    is_batch_baseline,
)
from core.numerics import check_sample_count
from core.problem import Problem


def per_sample_variance(
    problem: Problem, estimator: str = "score", baseline: Baseline = None
) -> np.ndarray:
    """Exact variance of one sample's gradient term, shape (d,).

    score: Var[A − b S] = E[A²] − 2b E[AS] + b² E[S²] − g², with b = 0 (None), a constant,
    E[f] ("mean", the population mean) or b* = E[AS]/E[S²] ("optimal"); pathwise and
    measure_valued: E[term²] − g². The n-sample estimate has variance per_sample_variance / n.
    Each problem computes these centred (`score_term_variance`, `pathwise_variance`,
    `measure_valued_variance`), so no raw second moment has g² subtracted from it.
    """
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    if estimator == "pathwise":
        return problem.pathwise_variance()
    if estimator == "measure_valued":
        return problem.measure_valued_variance()
    if baseline == "loo":
        raise ValueError(
            "the leave-one-out baseline depends on n, so it has no per-sample variance; "
            "use core.variance_curve (or core.estimate_moments) for its variance at each n"
        )
    if baseline == "mean":
        return problem.mean_baseline_variance()
    return problem.score_term_variance(_baseline_vector(problem, baseline))


def iid_term_variance(
    problem: Problem, estimator: str = "score", baseline: Baseline = None
) -> np.ndarray | None:
    """`per_sample_variance`, (d,), where the estimate is a mean of i.i.d. terms so that
    Var[ĝ_n] = σ²/n; None for the batch baselines (`is_batch_baseline`), whose variance depends
    on n beyond the 1/n."""
    if is_batch_baseline(baseline):
        return None
    return per_sample_variance(problem, estimator, baseline)


def _baseline_vector(problem: Problem, baseline: float | str | None) -> np.ndarray:
    if baseline is None:
        return np.zeros(problem.dim)
    if baseline == "optimal":
        return problem.optimal_baseline()
    return np.full(problem.dim, float(baseline))


def estimate_moments(
    problem: Problem, n: int, estimator: str = "score", baseline: Baseline = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact mean and variance of the n-sample estimate (1/n) Σ terms, each shape (d,).

    For None, a constant or "optimal": mean g, variance per_sample_variance / n. The
    leave-one-out estimate is a U-statistic with kernel ½(A_x − f_y S_x + A_y − f_x S_y):
    Var = [4(n−2) ζ₁ + 2 ζ₂] / (n(n−1)) (Hoeffding 1948), ζ₁ = ¼ Var[A − E[f] S]. The batch-mean
    estimate is ((n−1)/n)·RLOO + (1/n)·mean(A − fS), so its mean is g − E[fS]/n.
    """
    n = check_sample_count(n)
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    gradient = problem.exact_gradient()
    if baseline not in ("loo", "mean"):
        return gradient, per_sample_variance(problem, estimator, baseline) / n
    check_baseline_fits(baseline, n)

    m = problem.score_moments()
    leave_one_out = np.zeros(problem.dim)
    if n >= 2:
        centred = problem.mean_baseline_variance()
        zeta_1 = 0.25 * centred
        # ζ₂ = E[kernel²] − g² = ½(a2 − 2μ_f a_s + E[f²] s2 + f_s² − g²), written as the sum of
        # non-negative parts ½(Var[A − μ_f S] + Var[f] E[S²] + E[fS]²) so nothing cancels.
        zeta_2 = 0.5 * (centred + problem.reward_variance() * m.s2 + m.f_s**2)
        leave_one_out = (4.0 * (n - 2) * zeta_1 + 2.0 * zeta_2) / (n * (n - 1))
    if baseline == "loo":
        return gradient, leave_one_out

    var_d, cov = _credit_difference_moments(problem, m, gradient)
    shrink = (n - 1) / n
    variance = shrink**2 * leave_one_out + var_d / n**3 + 2.0 * shrink * cov / n**2
    return gradient - m.f_s / n, np.maximum(variance, 0.0)


def _credit_difference_moments(problem: Problem, m, gradient: np.ndarray):
    """Var[D] and Cov[A − E[f] S, D] for D = A − fS, each shape (d,).

    D is zero for one-step problems; trajectories with per-step credit keep it. Over a finite
    support both are summed centred, Σ p (D − E[D])² and Σ p (T − E[T])(D − E[D]) with
    T = A − E[f] S, so nothing cancels: the raw E[A²] − 2E[AfS] + E[(fS)²] − E[D]² loses most
    of its digits when a step is nearly certain (T = 2, θ = (28, −10): 8e-4 relative). Without
    a table the raw moments are used; every continuous problem here has A = fS, so D = 0.
    """
    table = problem.outcome_table()
    if table is None:
        mu_f = m.mean_f
        mean_d = gradient - m.f_s
        var_d = np.maximum(m.a2 - 2.0 * m.a_fs + m.fs_sq - mean_d**2, 0.0)
        cov = (m.a2 - m.a_fs - mu_f * m.a_s + mu_f * m.f_s2) - gradient * mean_d
        return var_d, cov
    d, p = problem.dim, table.probabilities
    credited, scores = table.statistics[:, :d], table.statistics[:, d : 2 * d]
    rewards, reward_scores = table.statistics[:, 2 * d], table.statistics[:, 2 * d + 1 :]
    difference = credited - reward_scores
    difference -= p @ difference
    term = credited - (p @ rewards) * scores
    term -= p @ term
    return p @ difference**2, p @ (term * difference)
