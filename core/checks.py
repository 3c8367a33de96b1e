"""Agreement of a Monte Carlo number with its exact value, stated as a test with a tolerance."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

DEFAULT_TOLERANCE_SE = 4.0
ROUNDING = 1e-12


@dataclass(frozen=True)
class Agreement:
    """|estimate − exact| measured in standard errors, and whether it is within tolerance.

    Under the null (the estimator is unbiased and the SE is right), the estimate is ~normal, so
    the chance of a false alarm at a tolerance of k SE is P(|Z| > k) = erfc(k/√2)
    (6.3e-5 at k = 4).
    """

    estimate: float
    exact: float
    standard_error: float
    tolerance_se: float
    distance_se: float
    passed: bool

    @property
    def false_alarm_rate(self) -> float:
        """P(|Z| > k) = erfc(k/√2) for the tolerance k in SE."""
        return math.erfc(self.tolerance_se / math.sqrt(2.0))

    def label(self) -> str:
        """e.g. '|MC − exact| = 0.8 SE ✓ (within 4 SE)'."""
        mark = "✓" if self.passed else "✗"
        if math.isinf(self.distance_se):
            return f"MC ≠ exact with zero spread {mark}"
        return f"|MC − exact| = {self.distance_se:.1f} SE {mark} (within {self.tolerance_se:g} SE)"


def check_agreement(
    estimate: float,
    exact: float,
    standard_error: float,
    tolerance_se: float = DEFAULT_TOLERANCE_SE,
) -> Agreement:
    """Compare a Monte Carlo estimate with its exact value: pass iff |est − exact| ≤ k·SE.

    Gaps within rounding (1e-12 relative) count as zero, so a zero-spread estimator (the optimal
    baseline on the binary bandit, whose every term equals the exact gradient) passes exactly
    when it agrees to rounding.
    """
    estimate, exact, standard_error = float(estimate), float(exact), float(standard_error)
    # Gaps below floating-point rounding are not evidence of anything: with a zero-variance
    # estimator the SE itself is rounding-sized and would otherwise magnify them.
    rounding = ROUNDING * max(1.0, abs(exact), abs(estimate))
    excess = max(abs(estimate - exact) - rounding, 0.0)
    if standard_error > 0:
        distance = excess / standard_error
    else:
        distance = 0.0 if excess == 0 else math.inf
    return Agreement(
        estimate=estimate,
        exact=exact,
        standard_error=standard_error,
        tolerance_se=float(tolerance_se),
        distance_se=distance,
        passed=bool(distance <= tolerance_se),
    )


def mean_standard_error(values: np.ndarray) -> np.ndarray:
    """SE of the sample mean over axis 0: s/√n with the unbiased s."""
    values = np.asarray(values, dtype=np.float64)
    return values.std(axis=0, ddof=1) / math.sqrt(values.shape[0])


def variance_standard_error(values: np.ndarray) -> np.ndarray:
    """SE of the sample variance over axis 0: √((m₄ − m₂² (R−3)/(R−1))/R), m₂ and m₄ the second
    and fourth central sample moments — Var[s²] = (μ₄ − σ⁴ (R−3)/(R−1))/R exactly (e.g. Cramér
    1946, §27.4) with plug-ins.

    The (R−3)/(R−1) factor matters when μ₄ ≈ σ⁴ — a symmetric two-point distribution, such as
    the bandit's one-sample terms at θ = 0 — where dropping it gives an SE of about zero and a
    correct variance then fails its check.
    """
    return sample_statistics(values)[3]


def sample_statistics(values: np.ndarray, axis: int = 0) -> tuple[np.ndarray, ...]:
    """(mean, variance with ddof = 1, `mean_standard_error`, `variance_standard_error`) over
    `axis`, from one centred pass: bit for bit what NumPy's mean, var and std give (the
    variance and its mean's SE are NaN for a single row). A stack of equal blocks along
    another axis gives each block's own numbers, as if it were summed alone."""
    values = np.asarray(values, dtype=np.float64)
    reps = values.shape[axis]
    mean = values.sum(axis=axis) / reps
    centred = values - np.expand_dims(mean, axis)
    square_sum = np.square(centred).sum(axis=axis)
    variance = square_sum / (reps - 1) if reps > 1 else np.full_like(square_sum, np.nan)
    second, fourth = square_sum / reps, (centred**4).sum(axis=axis) / reps
    shrink = (reps - 3) / max(reps - 1, 1)
    variance_se = np.sqrt(np.maximum(fourth - shrink * second**2, 0.0) / reps)
    return mean, variance, np.sqrt(variance) / math.sqrt(reps), variance_se
