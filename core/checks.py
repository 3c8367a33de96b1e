"""Agreement of a Monte Carlo number with its exact value, stated as a test with a p-value.

Every check measures the gap in the *exact* standard error of the estimate (from the problem's
exact variance, `core.exact.estimate_moments`), never the sample's own, and passes iff its
p-value is ≥ α (ALPHA = P(|Z| > 4) = 6.3e-5, the old 4-SE rate). The p-value comes from

- the exact law of the outcome counts where the estimate is a function of them (a finite
  support, `Problem.outcome_table`): the Binomial tail for two distinct values (any n), a sum
  over every Multinomial count vector where there are few enough (≤ COMPOSITION_LIMIT); a
  discrete law makes the false-alarm rate ≤ α;
- otherwise the normal approximation with the exact SE (means), or for a sample variance s² a
  scaled χ² matched on the exact mean and variance of s² (Satterthwaite 1946, Biometrics
  Bulletin 2(6)); each is named in the check's `law`;
- for the Gaussian's score checks (page 2), exact laws: normal, χ²_n, and the law of a mean of
  Gaussian score products computed numerically (`core.score_product_laws`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

from core.estimators import is_batch_baseline
from core.numerics import compositions as _compositions

DEFAULT_TOLERANCE_SE = 4.0
ALPHA = math.erfc(DEFAULT_TOLERANCE_SE / math.sqrt(2.0))
ROUNDING = 1e-12
# Count vectors (Multinomial outcomes) enumerated at most, per exact law, and their table's
# entries (count vectors × values: many values with few draws, e.g. one draw of a law on 40,001
# values, would otherwise build a 40,001² table).
COMPOSITION_LIMIT = 400_000
COMPOSITION_ENTRIES = 10_000_000

EXACT_COUNTS = "exact law of the outcome counts"
EXACT_BINOMIAL = "exact Binomial law of the counts"
NORMAL_EXACT_SE = "normal approximation with the exact SE"
SCALED_CHI_SQUARE = "scaled χ² matched on the exact mean and variance of s² (Satterthwaite)"
NORMAL_SAMPLE_SE = "normal approximation with the sample's own SE (no exact fourth moment)"
NORMAL_ESTIMATED_SE = "normal approximation with an estimated SE (no exact one is known)"
DETERMINISTIC = "no randomness: the estimate is the exact value"
NO_EXACT_SE = "no check: the exact variance is infinite or could not be certified"
EXACT_LAWS = (EXACT_COUNTS, EXACT_BINOMIAL, DETERMINISTIC)
ROUGH_MARK = " — rough here: "
# The scaled χ² reference of s² holds its stated rate at α = 6.3e-5 (measured over 2·10⁵ runs)
# for bounded terms up to an excess kurtosis of the n-sample estimate of ~20 (bandits: ≤ 2.8×),
# but not for unbounded heavy-tailed ones: Gaussian score terms z³ (excess kurtosis 43, 4.3,
# 0.43 at n = 1, 10, 100) false-alarm at 17×, 10× and 1× α. Past these excess kurtoses (1 for
# a continuous law, 20 for a finite one) a variance check carries a caveat.
ROUGH_EXCESS_KURTOSIS_FINITE = 20.0


@dataclass(frozen=True)
class Agreement:
    """A Monte Carlo value against its exact value: the gap in exact SEs and the p-value of a
    gap at least this large under the stated law; passes iff p_value ≥ alpha."""

    estimate: float
    exact: float
    standard_error: float
    p_value: float
    alpha: float = ALPHA
    law: str = NORMAL_EXACT_SE
    caveat: str = ""  # why this approximate check is only rough here ("" when it is not)

    @property
    def passed(self) -> bool:
        return bool(self.p_value >= self.alpha)

    @property
    def exact_law(self) -> bool:
        """True when the p-value is exact (a discrete law of counts, or no randomness)."""
        return self.law in EXACT_LAWS

    @classmethod
    def from_columns(
        cls, estimate: float, exact: float, standard_error: float, p_value: float, law: str
    ) -> Agreement:
        """The check stored in a table's columns (`check_columns`), at α = ALPHA."""
        law, _, caveat = str(law).partition(ROUGH_MARK)
        return cls(
            float(estimate), float(exact), float(standard_error), float(p_value), ALPHA, law,
            caveat,
        )  # fmt: skip

    @property
    def stored_law(self) -> str:
        """The law with the caveat, if any, after ROUGH_MARK: one text column of a table."""
        return self.law + (ROUGH_MARK + self.caveat if self.caveat else "")

    @property
    def checked(self) -> bool:
        """False when there is no honest check to make (no finite exact SE)."""
        return not self.law.startswith("no check") and not math.isnan(self.p_value)

    @property
    def gap(self) -> float:
        """|estimate − exact| less floating-point rounding."""
        rounding = ROUNDING * max(1.0, abs(self.exact), abs(self.estimate))
        return max(abs(self.estimate - self.exact) - rounding, 0.0)

    @property
    def distance_se(self) -> float:
        """|estimate − exact| / exact SE (∞ for a gap at zero SE, 0 for no gap)."""
        if self.standard_error > 0:
            return self.gap / self.standard_error
        return 0.0 if self.gap == 0 else math.inf

    @property
    def tolerance_se(self) -> float:
        """The two-sided normal quantile of alpha: 4.0 at ALPHA."""
        from scipy.special import erfcinv

        return float(math.sqrt(2.0) * erfcinv(self.alpha))

    @property
    def false_alarm_rate(self) -> float:
        """The stated false-alarm rate, alpha (an upper bound under a discrete law)."""
        return self.alpha

    def label(self) -> str:
        """Plain words: how unusual the gap is, e.g. 'agrees with the exact value: a gap this
        large happens in 37% of runs ✓'."""
        mark = "✓" if self.passed else "✗"
        if self.law == DETERMINISTIC or (self.standard_error == 0 and self.gap == 0):
            return f"equals the exact value (no spread) {mark}"
        verdict = "agrees with the exact value" if self.passed else "disagrees with the exact value"
        return f"{verdict}: a gap this large happens {how_often(self.p_value)} {mark}"

    def technical(self) -> str:
        """z, exact SE, p-value, α and the law, for a tooltip."""
        return (
            f"|MC − exact| = {self.gap:.3g} = {self.distance_se:.2f} SE "
            f"(SE {self.standard_error:.3g}); p = {self.p_value:.3g} from the {self.law}; "
            f"passes iff p ≥ α = {self.alpha:.2g}"
            + (" (false-alarm rate ≤ α)" if self.exact_law else " (false-alarm rate ≈ α)")
        )


def chance(p: float) -> str:
    """A probability in words for a badge: '37%', '1 in 2,400', 'fewer than 1 in 10¹²'."""
    if p >= 0.995:
        return "nearly all"
    if p >= 0.01:
        return f"{p:.0%}"
    if p < 1e-12:
        return "fewer than 1 in a trillion"
    return f"1 in {_round_count(1.0 / p)}"


def how_often(p: float) -> str:
    """A probability as a frequency of runs: 'in 37% of runs', 'in 1 in 2,400 runs', 'in nearly
    every run', 'in fewer than 1 in a trillion runs'."""
    if p >= 0.995:
        return "in nearly every run"
    text = chance(p)
    return f"in {text} of runs" if text.endswith("%") else f"in {text} runs"


def _round_count(value: float) -> str:
    digits = max(0, int(math.floor(math.log10(value))) - 1)
    return f"{round(value, -digits):,.0f}"


def check_agreement(
    estimate: float,
    exact: float,
    standard_error: float,
    tolerance_se: float = DEFAULT_TOLERANCE_SE,
    *,
    p_value: float | None = None,
    law: str = NORMAL_EXACT_SE,
    caveat: str = "",
) -> Agreement:
    """A check of `estimate` against `exact` at α = P(|Z| > tolerance_se).

    Without `p_value`, p = P(|Z| ≥ gap/SE) = erfc(z/√2), the normal approximation (name the SE
    in `law`: the exact SE is what makes it honest). Gaps within rounding (1e-12 relative)
    count as zero, so a zero-spread estimator passes exactly when it agrees to rounding.
    """
    estimate, exact, standard_error = float(estimate), float(exact), float(standard_error)
    alpha = math.erfc(float(tolerance_se) / math.sqrt(2.0))
    if not (math.isfinite(standard_error) and math.isfinite(exact)):
        return Agreement(estimate, exact, standard_error, math.nan, alpha, NO_EXACT_SE)
    if p_value is None:
        agreement = Agreement(estimate, exact, standard_error, 1.0, alpha, law)
        z = agreement.distance_se
        p_value = 0.0 if math.isinf(z) else math.erfc(z / math.sqrt(2.0))
    return Agreement(estimate, exact, standard_error, float(p_value), alpha, law, caveat)


# --- exact laws of counts ------------------------------------------------------------------


def _dot(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """left @ right summed by NumPy's own (pairwise) reduction, not BLAS: the same bits on any
    thread count (a Dask worker limits BLAS to one thread; a process may not)."""
    left, right = np.asarray(left, dtype=np.float64), np.asarray(right, dtype=np.float64)
    if left.ndim == 1:
        return (left[:, None] * right).sum(axis=0) if right.ndim == 2 else (left * right).sum()
    if right.ndim == 1:
        return (left * right).sum(axis=1)
    total = left[:, 0, None] * right[0]
    for k in range(1, right.shape[0]):
        total += left[:, k, None] * right[k]
    return total


def _multinomial_log_pmf(counts: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """log P(counts) under Multinomial(Σ counts, probabilities), each row; probabilities > 0."""
    from scipy.special import gammaln

    total = counts[0].sum()
    return (
        gammaln(total + 1.0)
        - gammaln(counts + 1.0).sum(axis=1)
        + _dot(counts, np.log(probabilities))
    )


def _merge(values: np.ndarray, probabilities: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values (equal to rounding) with their summed probabilities; zero-probability
    values dropped."""
    keep = probabilities > 0
    values, probabilities = values[keep], probabilities[keep]
    order = np.argsort(values, kind="stable")
    values, probabilities = values[order], probabilities[order]
    scale = max(1.0, float(np.abs(values).max(initial=0.0)))
    new = np.concatenate([[True], np.diff(values) > 1e-12 * scale])
    groups = np.cumsum(new) - 1
    return values[new], np.bincount(groups, weights=probabilities)


@dataclass(frozen=True)
class DiscreteLaw:
    """A finite law: distinct `values`, shape (K,), with `probabilities` summing to 1."""

    values: np.ndarray
    probabilities: np.ndarray

    @classmethod
    def of(cls, values: np.ndarray, probabilities: np.ndarray) -> DiscreteLaw:
        values, probabilities = _merge(np.asarray(values, float), np.asarray(probabilities, float))
        return cls(values, probabilities / probabilities.sum())

    def central_moment(self, power: int) -> float:
        centred = self.values - _dot(self.probabilities, self.values)
        return float(_dot(self.probabilities, centred**power))


def _rounding(*values: float) -> float:
    return 1e-9 * max(1.0, *(abs(v) for v in values))


def mean_p_value(
    law: DiscreteLaw, draws: int, target: float, observed: np.ndarray | float
) -> np.ndarray | None:
    """P(|mean of `draws` i.i.d. draws of `law` − target| ≥ |observed − target|), exactly:
    a Binomial tail for two values, a sum over every count vector when there are at most
    COMPOSITION_LIMIT; None when there are more. Vectorised over `observed`."""
    observed = np.asarray(observed, dtype=np.float64)
    values, probabilities = law.values, law.probabilities
    scale = float(np.abs(values).max(initial=0.0))
    gap = np.abs(observed - target) - _rounding(scale, target)
    if values.size == 1:
        return np.where(gap <= _rounding(scale, target), 1.0, 0.0)
    if draws == 1:  # the law itself: P(|X − target| ≥ gap)
        distances = np.abs(values - target)
        order = np.argsort(distances, kind="stable")
        survival = np.append(np.cumsum(probabilities[order][::-1])[::-1], 0.0)
        index = np.searchsorted(distances[order], np.maximum(gap, 0.0), side="left")
        return np.minimum(survival[index], 1.0)
    if values.size == 2:
        from scipy.special import bdtr, bdtrc

        # mean − target = a + c·Δ with c the count of the larger value.
        delta = (values[1] - values[0]) / draws
        a = values[0] - target
        gap = np.maximum(gap, 0.0)
        high = np.ceil((gap - a) / delta - 1e-9)
        low = np.floor((-gap - a) / delta + 1e-9)
        p = probabilities[1]
        start = np.maximum(high, low + 1) - 1  # P(c > start) = P(c ≥ high)
        upper = np.where(
            start < 0, 1.0, np.where(start >= draws, 0.0, bdtrc(np.clip(start, 0, draws), draws, p))
        )
        lower = np.where(
            low < 0, 0.0, np.where(low >= draws, 1.0, bdtr(np.clip(low, 0, draws), draws, p))
        )
        return np.minimum(lower + upper, 1.0)
    if not _countable(draws, values.size):
        return None
    counts = _compositions(draws, values.size)
    log_pmf = _multinomial_log_pmf(counts, probabilities)
    distances = np.abs(_dot(counts, values) / draws - target)
    order = np.argsort(distances, kind="stable")
    distances = distances[order]
    # survival[i] = P(distance ≥ distances[i]), summed from the largest distance down.
    survival = np.cumsum(np.exp(log_pmf[order])[::-1])[::-1]
    index = np.searchsorted(distances, np.maximum(gap, 0.0), side="left")
    tail = np.append(survival, 0.0)
    return np.minimum(tail[index], 1.0)


def sample_variance_law(law: DiscreteLaw, reps: int) -> DiscreteLaw | None:
    """The exact law of the sample variance s² (ddof 1) of `reps` draws of `law`, or None when
    there are more than COMPOSITION_LIMIT count vectors."""
    values = law.values
    if values.size == 1:
        return DiscreteLaw(np.zeros(1), np.ones(1))
    if not _countable(reps, values.size):
        return None
    counts = _compositions(reps, values.size)
    centred = values - _dot(law.probabilities, values)
    sums, squares = _dot(counts, centred), _dot(counts, centred**2)
    variances = np.maximum(squares - sums**2 / reps, 0.0) / (reps - 1)
    log_pmf = _multinomial_log_pmf(counts, law.probabilities)
    return DiscreteLaw.of(variances, np.exp(log_pmf - log_pmf.max()))


def equal_tailed_p_value(law: DiscreteLaw, observed: np.ndarray | float) -> np.ndarray:
    """min(1, 2·min(P(X ≤ observed), P(X ≥ observed))) under a discrete law (ties included)."""
    observed = np.asarray(observed, dtype=np.float64)
    values, cumulative = law.values, np.cumsum(law.probabilities)
    tol = _rounding(float(np.abs(values).max(initial=0.0)))
    below = np.searchsorted(values, observed + tol, side="right")
    above = np.searchsorted(values, observed - tol, side="left")
    lower = np.where(below > 0, cumulative[np.maximum(below - 1, 0)], 0.0)
    upper = np.where(above > 0, 1.0 - cumulative[np.maximum(above - 1, 0)], 1.0)
    return np.minimum(1.0, 2.0 * np.minimum(lower, upper))


def scaled_chi_square_p_value(
    mean: float, variance: float, observed: np.ndarray | float
) -> np.ndarray:
    """Equal-tailed p-value of `observed` under a·χ²_ν with aν = mean, 2a²ν = variance: the
    Satterthwaite (1946) reference law of a sample variance, exact for normal terms."""
    from scipy.special import chdtr, chdtrc

    observed = np.asarray(observed, dtype=np.float64)
    if variance <= 0 or mean <= 0:
        return np.where(np.abs(observed - mean) <= _rounding(mean), 1.0, 0.0)
    dof, scale = 2.0 * mean**2 / variance, variance / (2.0 * mean)
    x = observed / scale
    return np.minimum(1.0, 2.0 * np.minimum(chdtr(dof, x), chdtrc(dof, x)))


def sample_variance_variance(second: float, fourth: float, reps: int) -> float:
    """Var[s²] of `reps` i.i.d. values with central moments σ² = second, μ₄ = fourth:
    (μ₄ − σ⁴ (R−3)/(R−1))/R (e.g. Cramér 1946, §27.4)."""
    shrink = (reps - 3) / max(reps - 1, 1)
    return max(fourth - shrink * second**2, 0.0) / reps


# --- plug-in statistics of samples (what a table shows beside its values) -------------------


def mean_standard_error(values: np.ndarray) -> np.ndarray:
    """SE of the sample mean over axis 0: s/√n with the unbiased s."""
    values = np.asarray(values, dtype=np.float64)
    return values.std(axis=0, ddof=1) / math.sqrt(values.shape[0])


def variance_standard_error(values: np.ndarray) -> np.ndarray:
    """SE of the sample variance over axis 0: √((m₄ − m₂² (R−3)/(R−1))/R), m₂ and m₄ the second
    and fourth central sample moments — Var[s²] = (μ₄ − σ⁴ (R−3)/(R−1))/R exactly (e.g. Cramér
    1946, §27.4) with plug-ins. Shown beside s²; checks use the exact SE instead.
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


# --- checks of a problem's estimates -----------------------------------------------------


def _one_draw_terms(problem, estimator: str, baseline) -> tuple[np.ndarray, np.ndarray] | None:
    """(probabilities (K,), terms (K, d)) of one draw's term over a finite support, for the
    estimators that average one term per draw (score with no, a constant or the optimal
    baseline); None for a continuous support or a batch baseline."""
    if estimator != "score" or is_batch_baseline(baseline):
        return None
    table = problem.outcome_table()
    if table is None:
        return None
    d = problem.dim
    credited, scores = table.statistics[:, :d], table.statistics[:, d : 2 * d]
    if baseline is None:
        return table.probabilities, credited
    b = problem.optimal_baseline() if baseline == "optimal" else np.full(d, float(baseline))
    return table.probabilities, credited - b * scores


def _batch_estimates(problem, n: int, baseline: str) -> tuple[np.ndarray, np.ndarray] | None:
    """(probabilities, estimates (C, d)) of the n-sample estimate with the batch-mean ("mean")
    or leave-one-out ("loo") baseline over every count vector of n draws, or None.

    With counts c over the outcomes, ΣA = c·A, ΣS = c·S, Σf = c·f, ΣfS = c·(fS):
    mean: ΣA/n − (Σf/n)(ΣS/n); loo: ΣA/n − (Σf ΣS − ΣfS)/(n(n−1)).
    """
    table = problem.outcome_table()
    if table is None:
        return None
    keep = table.probabilities > 0
    probabilities, statistics = table.probabilities[keep], table.statistics[keep]
    if not _countable(n, probabilities.size):
        return None
    d = problem.dim
    counts = _compositions(n, probabilities.size).astype(np.float64)
    sums = _dot(counts, statistics)
    credited, scores = sums[:, :d], sums[:, d : 2 * d]
    rewards, reward_scores = sums[:, 2 * d : 2 * d + 1], sums[:, 2 * d + 1 :]
    if baseline == "mean":
        estimates = credited / n - rewards * scores / n**2
    else:
        estimates = credited / n - (rewards * scores - reward_scores) / (n * (n - 1))
    log_pmf = _multinomial_log_pmf(counts, probabilities)
    return np.exp(log_pmf), estimates


def _unit_laws(problem, n: int, estimator: str, baseline) -> tuple[list[DiscreteLaw], int] | None:
    """Exact laws, per coordinate, of the unit an estimate averages, and the draws in one unit:
    one draw's term (1) for the linear estimators, the whole n-sample estimate (n) for the batch
    baselines; None where no finite law is at hand."""
    one_draw = _one_draw_terms(problem, estimator, baseline)
    if one_draw is not None:
        probabilities, terms = one_draw
        return [DiscreteLaw.of(terms[:, j], probabilities) for j in range(problem.dim)], 1
    if estimator == "score" and is_batch_baseline(baseline):
        batch = _batch_estimates(problem, n, baseline)
        if batch is not None:
            probabilities, estimates = batch
            laws = [DiscreteLaw.of(estimates[:, j], probabilities) for j in range(problem.dim)]
            return laws, n
    return None


def _law_name(law: DiscreteLaw) -> str:
    return {1: DETERMINISTIC, 2: EXACT_BINOMIAL}.get(law.values.size, EXACT_COUNTS)


@dataclass(frozen=True)
class ReferenceLaw:
    """How one check turns an observed value into a p-value: the exact value, its exact SE, the
    law's name, a caveat ("" unless the approximation is rough) and the vectorised p-value
    function (None where the check needs the sample's own SE, or there is no check)."""

    exact: float
    standard_error: float
    law: str
    caveat: str = ""
    p_values: Callable[[np.ndarray], np.ndarray] | None = None

    def check(self, observed: float, sample_standard_error: float = math.nan) -> Agreement:
        """The Agreement of one observed value (`sample_standard_error` only where this law has
        no p-value function of its own)."""
        if self.p_values is not None:
            p_value = float(self.p_values(np.asarray([observed], dtype=np.float64))[0])
            return Agreement(
                float(observed), self.exact, self.standard_error, p_value, ALPHA, self.law,
                self.caveat,
            )  # fmt: skip
        if self.law == NORMAL_SAMPLE_SE and math.isfinite(sample_standard_error):
            return check_agreement(
                observed, self.exact, sample_standard_error, law=self.law, caveat=self.caveat
            )
        return Agreement(
            float(observed), self.exact, self.standard_error, math.nan, ALPHA, self.law,
            self.caveat,
        )  # fmt: skip


def _normal_p_values(exact: float, standard_error: float) -> Callable[[np.ndarray], np.ndarray]:
    """P(|Z| ≥ gap/SE) = erfc(z/√2), gaps within rounding counted as zero."""
    from scipy.special import erfc

    def p_values(observed: np.ndarray) -> np.ndarray:
        rounding = ROUNDING * np.maximum(1.0, np.maximum(abs(exact), np.abs(observed)))
        gap = np.maximum(np.abs(observed - exact) - rounding, 0.0)
        if standard_error > 0:
            return erfc(gap / standard_error / math.sqrt(2.0))
        return np.where(gap == 0, 1.0, 0.0)

    return p_values


def mean_reference_laws(
    problem, n: int, *, reps: int = 1, estimator: str = "score", baseline=None
) -> list[ReferenceLaw]:
    """The reference law, per coordinate, of the mean of `reps` independent n-sample estimates.

    SE = √(Var[ĝ_n]/reps) exactly (`estimate_moments`). The p-value is exact from the counts'
    law where the estimate is a function of outcome counts (`mean_p_value`), else the normal
    approximation with that SE (with a caveat where the terms' kurtosis exceeds the draws).
    """
    from core.exact import estimate_moments

    exact_mean, exact_variance = estimate_moments(problem, n, estimator, baseline)
    standard_errors = np.sqrt(np.maximum(exact_variance, 0.0) / reps)
    units = _unit_laws(problem, n, estimator, baseline)
    caveats = None
    laws = []
    for j in range(problem.dim):
        target, se = float(exact_mean[j]), float(standard_errors[j])
        if not (math.isfinite(se) and math.isfinite(target)):
            laws.append(ReferenceLaw(target, se, NO_EXACT_SE))
            continue
        if units is not None:
            unit_laws, per_unit = units
            law, count = unit_laws[j], reps * n // per_unit
            if count == 1 or law.values.size <= 2 or _countable(count, law.values.size):
                laws.append(
                    ReferenceLaw(
                        target, se, _law_name(law),
                        p_values=partial(mean_p_value, law, count, target),
                    )
                )  # fmt: skip
                continue
        if caveats is None:
            caveats = _normal_caveats(problem, n * reps, estimator, baseline)
        laws.append(
            ReferenceLaw(target, se, NORMAL_EXACT_SE, caveats[j], _normal_p_values(target, se))
        )
    return laws


def _countable(draws: int, values: int) -> bool:
    """Whether the count vectors of `draws` draws over `values` values are few enough to list:
    at most COMPOSITION_LIMIT of them, and at most COMPOSITION_ENTRIES table entries."""
    count = math.comb(draws + values - 1, values - 1)
    return count <= COMPOSITION_LIMIT and count * values <= COMPOSITION_ENTRIES


def mean_checks(
    problem,
    n: int,
    means,
    *,
    reps: int = 1,
    estimator: str = "score",
    baseline=None,
) -> list[Agreement]:
    """Checks of `means` (d,) — each the mean of `reps` independent n-sample estimates — against
    the exact mean of the estimate, one per coordinate (`mean_reference_laws`)."""
    laws = mean_reference_laws(problem, n, reps=reps, estimator=estimator, baseline=baseline)
    observed = np.asarray(means, dtype=np.float64).reshape(-1)
    return [law.check(value) for law, value in zip(laws, observed, strict=True)]


def _normal_caveats(problem, draws: int, estimator: str, baseline) -> list[str]:
    """Why the normal approximation of a mean of `draws` terms is rough, per coordinate ("" when
    it is not): the terms' kurtosis κ = μ₄/σ⁴ exceeds the draws (one rare huge term then
    dominates the mean), or — for a visitor's own cost — μ₄ could not be certified."""
    from core.exact import per_sample_variance

    fourth = term_fourth_moments(problem, estimator, baseline)
    custom = getattr(getattr(problem, "cost", None), "name", "") == "custom"
    if fourth is None:
        if custom and not is_batch_baseline(baseline) and estimator != "measure_valued":
            return [
                "the fourth moment of the terms could not be certified by quadrature, so how "
                "far the mean is from normal cannot be said"
            ] * problem.dim
        return [""] * problem.dim
    sigma2 = per_sample_variance(problem, estimator, baseline)
    caveats = []
    for mu4, s2 in zip(fourth, sigma2, strict=True):
        kurtosis = mu4 / s2**2 if s2 > 0 else 0.0
        caveats.append(
            f"the terms are heavy-tailed (kurtosis {kurtosis:.2g}, more than the {draws:,} "
            "draws): a rare huge term dominates the mean, which is then far from normal"
            if kurtosis > draws
            else ""
        )
    return caveats


def estimate_laws(problem, n: int, estimator: str, baseline) -> list[DiscreteLaw] | None:
    """Exact law of the n-sample estimate per coordinate where it is small enough, or None."""
    units = _unit_laws(problem, n, estimator, baseline)
    if units is None:
        return None
    laws, per_unit = units
    if per_unit == n:
        return laws
    estimate_laws = []
    for law in laws:
        if law.values.size == 1:
            estimate_laws.append(law)
            continue
        if not _countable(n, law.values.size):
            return None
        counts = _compositions(n, law.values.size)
        log_pmf = _multinomial_log_pmf(counts, law.probabilities)
        estimate_laws.append(DiscreteLaw.of(_dot(counts, law.values) / n, np.exp(log_pmf)))
    return estimate_laws


def term_fourth_moments(problem, estimator: str = "score", baseline=None) -> np.ndarray | None:
    """Exact fourth central moment μ₄ of one sample's term, (d,), where the problem gives it:
    over a finite support (`outcome_table`), or the problem's own `term_fourth_moment`
    (quadrature); None when no exact value is known (or it is infinite)."""
    one_draw = _one_draw_terms(problem, estimator, baseline)
    if one_draw is not None:
        probabilities, terms = one_draw
        centred = terms - _dot(probabilities, terms)
        return _dot(probabilities, centred**4)
    method = getattr(problem, "term_fourth_moment", None)
    if method is None or is_batch_baseline(baseline):
        return None
    fourth = method(estimator, baseline)
    if fourth is None or not np.all(np.isfinite(fourth)):
        return None
    return np.asarray(fourth, dtype=np.float64)


def variance_reference_laws(
    problem, n: int, reps: int, *, estimator: str = "score", baseline=None
) -> list[ReferenceLaw]:
    """The reference law, per coordinate, of s² (ddof 1) of `reps` n-sample estimates, whose
    mean is the exact Var[ĝ_n].

    The SE is the exact √Var[s²] = √((μ₄ − σ⁴ (R−3)/(R−1))/R) with σ², μ₄ the central moments
    of ĝ_n (for a mean of n terms μ₄(ĝ_n) = (μ₄ + 3(n−1)σ⁴)/n³). The p-value is equal-tailed:
    from the exact law of s² where the count vectors are few, else from the scaled χ² matched
    on the exact mean and variance of s² — no check where that SE exceeds the mean (too skewed
    for any reference law); where no exact μ₄ is known, the normal approximation with the
    sample's own SE of s², named so.
    """
    from core.exact import estimate_moments

    _, exact_variance = estimate_moments(problem, n, estimator, baseline)
    laws_of_estimate = estimate_laws(problem, n, estimator, baseline)
    fourth = None
    if laws_of_estimate is None and not is_batch_baseline(baseline):
        one = term_fourth_moments(problem, estimator, baseline)
        if one is not None:
            sigma2 = exact_variance * n
            fourth = (one + 3.0 * (n - 1) * sigma2**2) / n**3
    custom = getattr(getattr(problem, "cost", None), "name", "") == "custom"
    return [
        sample_variance_reference_law(
            float(exact_variance[j]), reps,
            law=None if laws_of_estimate is None else laws_of_estimate[j],
            fourth=None if fourth is None else float(fourth[j]), custom=custom,
        )
        for j in range(problem.dim)
    ]  # fmt: skip


def sample_variance_reference_law(
    target: float,
    reps: int,
    *,
    law: DiscreteLaw | None = None,
    fourth: float | None = None,
    custom: bool = False,
) -> ReferenceLaw:
    """The reference law of s² (ddof 1) of `reps` i.i.d. estimates with exact variance `target`,
    from the estimate's exact finite `law` where it is a function of counts, else from its exact
    fourth central moment `fourth` (see `variance_reference_laws`); `custom`: a visitor's cost,
    whose missing fourth moment is named in a caveat."""
    if not math.isfinite(target):
        return ReferenceLaw(target, math.nan, NO_EXACT_SE)
    if law is not None:
        unit_fourth = law.central_moment(4)
        se = math.sqrt(sample_variance_variance(target, unit_fourth, reps))
        s2_law = sample_variance_law(law, reps)
        if s2_law is not None:
            name = _law_name(s2_law)
            return ReferenceLaw(
                target, se, EXACT_COUNTS if name == EXACT_BINOMIAL else name,
                p_values=partial(equal_tailed_p_value, s2_law),
            )  # fmt: skip
    elif fourth is not None and math.isfinite(fourth):
        if target <= 0 and fourth <= 0:  # no spread at all: s² is exactly 0
            return ReferenceLaw(0.0, 0.0, DETERMINISTIC, p_values=_normal_p_values(0.0, 0.0))
        unit_fourth = fourth
        se = math.sqrt(sample_variance_variance(target, unit_fourth, reps))
    else:
        caveat = (
            "no exact fourth moment is known here, so the check measures the gap in the "
            "sample's own SE of s², which errs together with s² on heavy-tailed terms"
            if custom
            else ""
        )
        return ReferenceLaw(target, math.nan, NORMAL_SAMPLE_SE, caveat)
    if se > target:
        reason = (
            f"no check: the terms are so heavy-tailed that the SE of s² ({se:.2g}) exceeds "
            f"its mean ({target:.2g}) at {reps:,} samples — s² is mostly far below it and "
            "now and then far above, and no reference law is trustworthy; many more "
            "samples would make it checkable"
        )
        return ReferenceLaw(target, se, reason)
    excess = unit_fourth / target**2 - 3.0 if target > 0 else 0.0
    rough = excess > (ROUGH_EXCESS_KURTOSIS_FINITE if law is not None else 1.0)
    caveat = (
        f"the estimates are heavy-tailed (excess kurtosis {excess:.2g}), and the scaled χ² "
        "then understates how often s² lands far above its mean, so a flagged value may "
        "be a false alarm (measured: up to ~15× the stated rate); a larger n sharpens it"
        if rough
        else ""
    )
    return ReferenceLaw(
        target, se, SCALED_CHI_SQUARE, caveat,
        p_values=partial(scaled_chi_square_p_value, target, se**2),
    )  # fmt: skip


def estimate_reference_laws(
    reps: int,
    law: DiscreteLaw | None = None,
    *,
    moments: tuple[float, float, float] | None = None,
) -> tuple[ReferenceLaw, ReferenceLaw]:
    """The reference laws of the mean and of s² (ddof 1) of `reps` i.i.d. copies of one
    estimate: from its exact finite `law` where the estimate is a function of counts (group
    estimates, reused groups, a batch's mean term), else from its exact (mean, variance,
    fourth central moment) `moments`.

    Mean: SE √(σ²/R); p exact from the Multinomial law of how often each value occurs among the
    R copies (`mean_p_value`, a Binomial tail for two values) where there are at most
    COMPOSITION_LIMIT count vectors, else the normal approximation with that SE, named so (with
    a caveat where the kurtosis μ₄/σ⁴ exceeds R). s²: `sample_variance_reference_law`.
    """
    if law is not None:
        mean = float(_dot(law.probabilities, law.values))
        variance, fourth = law.central_moment(2), law.central_moment(4)
    elif moments is not None:
        mean, variance, fourth = (float(m) for m in moments)
    else:
        raise ValueError("estimate_reference_laws needs the estimate's law or its moments")
    se = math.sqrt(max(variance, 0.0) / reps)
    if not (math.isfinite(se) and math.isfinite(mean)):
        mean_law = ReferenceLaw(mean, se, NO_EXACT_SE)
    elif law is None and variance <= 0:
        mean_law = ReferenceLaw(mean, 0.0, DETERMINISTIC, p_values=_normal_p_values(mean, 0.0))
    elif law is not None and (
        reps == 1 or law.values.size <= 2 or _countable(reps, law.values.size)
    ):
        mean_law = ReferenceLaw(
            mean, se, _law_name(law), p_values=partial(mean_p_value, law, reps, mean)
        )
    else:
        kurtosis = fourth / variance**2 if variance > 0 and math.isfinite(fourth) else 0.0
        caveat = (
            f"the estimates are heavy-tailed (kurtosis {kurtosis:.2g}, more than the {reps:,} "
            "repetitions): a rare huge one dominates the mean, which is then far from normal"
            if kurtosis > reps
            else ""
        )
        mean_law = ReferenceLaw(mean, se, NORMAL_EXACT_SE, caveat, _normal_p_values(mean, se))
    if reps < 2:
        return mean_law, ReferenceLaw(variance, math.nan, NO_EXACT_SE)
    variance_law = sample_variance_reference_law(
        variance, reps, law=law, fourth=None if law is not None else fourth
    )
    return mean_law, variance_law


def variance_checks(
    problem,
    n: int,
    reps: int,
    variances,
    *,
    estimator: str = "score",
    baseline=None,
    sample_standard_errors=None,
) -> list[Agreement]:
    """Checks of `variances` (d,) — each s² (ddof 1) of `reps` n-sample estimates — against the
    exact Var[ĝ_n] (`variance_reference_laws`; `sample_standard_errors`, the sample's own SE
    of s², only where no exact fourth moment is known)."""
    laws = variance_reference_laws(problem, n, reps, estimator=estimator, baseline=baseline)
    observed = np.asarray(variances, dtype=np.float64).reshape(-1)
    sample = (
        np.full(observed.size, math.nan)
        if sample_standard_errors is None
        else np.asarray(sample_standard_errors, dtype=np.float64).reshape(-1)
    )
    return [law.check(value, se) for law, value, se in zip(laws, observed, sample, strict=True)]


def finite_mean_check(values, probabilities, draws: int, observed: float) -> Agreement:
    """The check of the mean of `draws` i.i.d. draws of the finite law (values, probabilities)
    — a function of the draws' counts — against its exact mean (`estimate_reference_laws`)."""
    law = DiscreteLaw.of(np.asarray(values, dtype=np.float64), np.asarray(probabilities))
    return estimate_reference_laws(int(draws), law)[0].check(float(observed))


def check_fields(check: Agreement, prefix: str = "") -> dict[str, object]:
    """One row's `check_columns` of one check: {prefix}exact_standard_error, {prefix}p_value,
    {prefix}law."""
    return {name: values[0] for name, values in check_columns([check], prefix).items()}


def check_columns(checks: list[Agreement], prefix: str = "") -> dict[str, list]:
    """A table's check columns for `checks`: {prefix}exact_standard_error, {prefix}p_value and
    {prefix}law (with the caveat, if any, after ROUGH_MARK; `Agreement.from_columns` reads them
    back)."""
    return {
        f"{prefix}exact_standard_error": [check.standard_error for check in checks],
        f"{prefix}p_value": [check.p_value for check in checks],
        f"{prefix}law": [check.stored_law for check in checks],
    }


def estimate_check_columns(
    problem,
    n: int,
    reps: int,
    means,
    variances,
    *,
    estimator: str = "score",
    baseline=None,
    sample_variance_errors=None,
) -> dict[str, list]:
    """The check columns of `reps` n-sample estimates' mean and variance (each (d,)):
    mean_exact_standard_error, mean_p_value, mean_law (`mean_checks`) and the same for
    variance (`variance_checks`; NaN p-values for one repetition)."""
    columns = check_columns(
        mean_checks(problem, n, means, reps=reps, estimator=estimator, baseline=baseline), "mean_"
    )
    if reps < 2:
        nothing = [math.nan] * problem.dim
        variance = {
            "variance_exact_standard_error": nothing, "variance_p_value": nothing,
            "variance_law": [NO_EXACT_SE] * problem.dim,
        }  # fmt: skip
    else:
        variance = check_columns(
            variance_checks(
                problem, n, reps, variances, estimator=estimator, baseline=baseline,
                sample_standard_errors=sample_variance_errors,
            ),
            "variance_",
        )  # fmt: skip
    return columns | variance


EXACT_NORMAL = "exact normal law (a mean of Gaussian scores)"
EXACT_CHI_SQUARE = "exact χ² law (a mean of squared Gaussian scores)"
EXACT_PRODUCT_LAW = (
    "exact law of a mean of Gaussian score products, computed numerically (moment-matched "
    "lattice and FFT; p-value within 0.5% of the truth)"
)


def _chi_square_p_values(dof: int, offset: float, scale: float):
    """P(|T − ν| ≥ |t − ν|) for T ~ χ²_ν with t = ν·(offset + scale·observed), vectorised."""
    from scipy.special import chdtr, chdtrc

    def p_values(observed: np.ndarray) -> np.ndarray:
        statistic = dof * (offset + scale * np.asarray(observed, dtype=np.float64))
        gap = np.maximum(np.abs(statistic - dof) - _rounding(dof), 0.0)
        lower = np.where(dof - gap > 0, chdtr(dof, np.maximum(dof - gap, 0.0)), 0.0)
        return np.minimum(1.0, chdtrc(dof, dof + gap) + lower)

    return p_values


def score_reference_laws(problem, n: int) -> dict[tuple[str, str, str], ReferenceLaw]:
    """The reference law of each check of `core.score_check` — the mean score (0) and each
    Fisher entry E[S_i S_j] from n draws — keyed by (quantity, row, col).

    A finite support: the exact law of the counts (`mean_p_value`). The Gaussian, S = (z,
    z² − 1)/σ: the mean of S_μ is exactly N(0, 1/(nσ²)); n(σ·mean S_σ + 1) and nσ²·mean S_μ² are
    exactly χ²_n; the products S_μS_σ = (z³ − z)/σ² and S_σ² = (z² − 1)²/σ² (Var = 10/σ⁴ and
    56/σ⁴, by E[z^2k] = (2k − 1)!!) take the exact law of the mean of n i.i.d. z³ − z or
    (z² − 1)², computed numerically (`core.score_product_laws.product_mean_law`: closed form at
    n = 1, else a moment-matched lattice convolved by FFT, p-values within 0.5%). Otherwise the
    sample's own SE, named so.
    """
    params, fisher = problem.params, problem.fisher_information()
    keys = [("mean score", name, "") for name in params] + [
        ("fisher", a, b) for a in params for b in params
    ]
    exacts = [0.0] * len(params) + [
        float(fisher[i, j]) for i in range(len(params)) for j in range(len(params))
    ]
    laws: dict[tuple[str, str, str], ReferenceLaw] = {}
    if hasattr(problem, "support"):
        actions, probabilities = problem.support()
        scores = problem.score(actions)
        for key, exact in zip(keys, exacts, strict=True):
            i = params.index(key[1])
            values = (
                scores[:, i] if key[2] == "" else scores[:, i] * scores[:, params.index(key[2])]
            )
            law = DiscreteLaw.of(values, probabilities)
            se = math.sqrt(max(law.central_moment(2), 0.0) / n)
            if law.values.size <= 2 or _countable(n, law.values.size):
                laws[key] = ReferenceLaw(
                    exact, se, _law_name(law), p_values=partial(mean_p_value, law, n, exact)
                )
            else:
                laws[key] = ReferenceLaw(
                    exact, se, NORMAL_EXACT_SE, p_values=_normal_p_values(exact, se)
                )
        return laws
    from core.gaussian import Gaussian

    if not isinstance(problem, Gaussian):
        return {
            key: ReferenceLaw(exact, math.nan, NORMAL_SAMPLE_SE)
            for key, exact in zip(keys, exacts, strict=True)
        }
    sigma = problem.sigma
    se_mu, se_sigma = 1.0 / (sigma * math.sqrt(n)), math.sqrt(2.0 / n) / sigma
    laws[keys[0]] = ReferenceLaw(0.0, se_mu, EXACT_NORMAL, p_values=_normal_p_values(0.0, se_mu))
    laws[keys[1]] = ReferenceLaw(
        0.0, se_sigma, EXACT_CHI_SQUARE, p_values=_chi_square_p_values(n, 1.0, sigma)
    )
    laws[keys[2]] = ReferenceLaw(
        exacts[2],
        se_mu * math.sqrt(2.0) / sigma,
        EXACT_CHI_SQUARE,
        p_values=_chi_square_p_values(n, 0.0, sigma**2),
    )
    from core.score_product_laws import product_mean_law

    products = (("z^3 - z", 10.0),) * 2 + (("(z^2 - 1)^2", 56.0),)
    for key, exact, (product, variance) in zip(keys[3:], exacts[3:], products, strict=True):
        law = product_mean_law(product, n)
        laws[key] = ReferenceLaw(
            exact, math.sqrt(variance / n) / sigma**2, EXACT_PRODUCT_LAW,
            p_values=partial(_scaled_p_values, law.p_values, sigma**2),
        )  # fmt: skip
    return laws


def _scaled_p_values(
    p_values: Callable[[np.ndarray], np.ndarray], scale: float, observed: np.ndarray
) -> np.ndarray:
    """p_values(scale · observed): a check on σ-free units of an estimate in σ⁻² units."""
    return p_values(scale * np.asarray(observed, dtype=np.float64))
