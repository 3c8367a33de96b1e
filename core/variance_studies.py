"""Variance against sample count: the sweep (`variance_curve`), its log-log slope, the N needed.

`variance_curve` gives every sample size its own random stream, seeded by (seed, n) alone, so a
size's numbers never change when other sizes are added or removed, and an app can compute (and
cache) the curve one n at a time behind a progress bar while `variance_curve(problem, ns, ...)`
reproduces the whole table in one call.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core import _engine
from core.checks import estimate_check_columns, sample_statistics
from core.estimators import (
    Baseline,
    check_baseline,
    check_baseline_fits,
    check_estimator,
    is_batch_baseline,
)
from core.exact import estimate_moments
from core.numerics import check_positive, check_sample_count
from core.problem import Problem

# Beyond this N a study is not worth suggesting; the bisection stops there.
_LARGEST_SUGGESTED_N = 10**15


def derived_seed(seed: int, *keys: int) -> int:
    """An independent 64-bit seed for the stream labelled `keys` under `seed` (SeedSequence)."""
    entropy = [int(seed), *(int(k) for k in keys)]
    if any(value < 0 for value in entropy):
        raise ValueError(f"seeds and stream labels must be ≥ 0, got {entropy}")
    return int(np.random.SeedSequence(entropy).generate_state(1, np.uint64)[0])


def log_spaced_sizes(smallest: int, largest: int, count: int) -> tuple[int, ...]:
    """About `count` whole sample sizes from `smallest` to `largest`, evenly spaced in log N.

    Rounding can merge neighbours at small N, so fewer than `count` distinct sizes may return.
    """
    smallest, largest = (
        check_sample_count(smallest, "smallest"),
        check_sample_count(largest, "largest"),
    )
    count = check_sample_count(count, "count")
    if largest < smallest:
        raise ValueError(f"largest ({largest}) must be ≥ smallest ({smallest})")
    if count == 1 or largest == smallest:
        return (smallest,) if largest == smallest else (smallest, largest)
    sizes = np.unique(np.geomspace(smallest, largest, count).round().astype(np.int64))
    return tuple(int(n) for n in sizes)


def _label(estimator: str, baseline: Baseline) -> tuple[str, str]:
    return estimator, "none" if baseline is None else str(baseline)


def size_stream(seed: int, n: int) -> np.random.SeedSequence:
    """The random stream of sample size n in a sweep seeded by `seed`: depends on (seed, n) only."""
    return np.random.SeedSequence(derived_seed(seed, n)).spawn(1)[0]


def variance_curve(
    problem: Problem,
    ns: Sequence[int],
    reps: int,
    *,
    estimator: str = "score",
    baseline: Baseline = None,
    seed: int = 0,
    method: str = "auto",
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    return_estimates: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """Mean and variance across `reps` repetitions of the n-sample estimate, for each n in `ns`.

    The n-sample estimate is ĝ_N = (1/N) Σ_i term(x_i); it is unbiased, and its variance falls
    as Var[ĝ_N] = σ²/N with σ² the exact `per_sample_variance`.

    Args:
        problem: any core problem, e.g. ``core.Bandit(theta=0.0, rewards=(5.0, 10.0))``.
        ns: the sample sizes N to study, e.g. ``[10, 100, 1000]``.
        reps: independent repetitions of each N-sample estimate (≥ 2).
        estimator: "score" (score function / REINFORCE), "pathwise" or "measure_valued".
        baseline: for "score" only — None, a float (constant b), "mean" (batch mean, biased),
            "loo" (leave-one-out, unbiased) or "optimal" (the variance-minimising b*).
        seed: each N draws from its own stream seeded by (seed, N) alone
            (`size_stream(seed, n)`), so a size's rows never change when other sizes are added
            or removed, and an app can compute (and cache) the curve one N at a time.
        method: "auto" (default), "counts" (draw outcome counts: exact and O(1) in N, for
            Bandit, SoftmaxBandit, Episodes) or "per_sample" (every sample, chunked).
        executor: run the work on any concurrent.futures.Executor (a ProcessPoolExecutor, a
            Dask client's ``get_executor()``); the numbers are identical to in-process. A
            process or cluster executor needs a picklable problem (named costs and parsed
            expressions are; a lambda is not).
        progress: optional ``progress(done, total)`` in tasks, called in the calling thread as
            the work proceeds (e.g. a progress bar).
        return_estimates: also return the individual estimates behind each row.

    Returns one row per (n, param) with columns n, param, mean, variance, exact_gradient,
    exact_variance, exact_mean, mean_standard_error, variance_standard_error, reps, estimator,
    baseline. exact_variance is per_sample_variance / n (Var[ĝ_N] = σ²/N); for the
    n-dependent baselines ("mean", "loo") it is the exact U-statistic variance from
    `estimate_moments`, and exact_mean shows the batch-mean baseline's bias, −∇E[f]/n.
    With ``return_estimates=True``, returns ``(table, estimates)``: `estimates` in long format,
    one row per (n, repetition, param), with columns n, repetition, param, estimate,
    exact_gradient, exact_mean, exact_standard_error (√Var[ĝ_N] exact), estimator, baseline.

    Example (the bandit with r(0)=5, r(1)=10 at θ=0, whose exact gradient is 1.25)::

        table = core.variance_curve(core.Bandit(), ns=[10, 100], reps=1000, baseline="loo")
        print(table[["n", "mean", "exact_gradient", "variance", "exact_variance"]])
    """
    sizes = [check_sample_count(n, "each n") for n in ns]
    streams = [size_stream(seed, n) for n in sizes]
    return variance_table(
        problem, sizes, reps, streams, estimator, baseline, method, executor, progress,
        return_estimates,
    )  # fmt: skip


def variance_table(
    problem: Problem,
    sizes: Sequence[int],
    reps: int,
    streams: Sequence[np.random.SeedSequence],
    estimator: str = "score",
    baseline: Baseline = None,
    method: str = "auto",
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
    return_estimates: bool = False,
) -> pd.DataFrame | tuple[pd.DataFrame, pd.DataFrame]:
    """`variance_curve`'s table with the stream of each size given: sizes[k] draws from
    streams[k]. For core's studies that compare several choices on the same draws (one stream
    for every estimator or credit); everyone else calls `variance_curve`."""
    sizes = [check_sample_count(n, "each n") for n in sizes]
    if not sizes:
        raise ValueError("ns must list at least one sample size")
    reps = check_sample_count(reps, "reps")
    if reps < 2:
        raise ValueError("reps must be ≥ 2 to measure a variance across repetitions")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    check_baseline_fits(baseline, min(sizes))
    plan = _engine.plan_tasks(problem, sizes, reps, streams, estimator, baseline, method)
    all_estimates = _engine.run_plan(plan, executor, progress)
    # Only the batch-mean and leave-one-out moments depend on n beyond the 1/n.
    if is_batch_baseline(baseline):
        moments = [estimate_moments(problem, n, estimator, baseline) for n in sizes]
    else:
        exact_mean, one_sample = estimate_moments(problem, 1, estimator, baseline)
        moments = [(exact_mean, one_sample / n) for n in sizes]

    # Statistics per size, on that size's own (reps, d) block: the same sums, in the same order,
    # whatever else `ns` holds; one centred pass over the stacked blocks gives the mean, the
    # variance and both SEs, row-major (size, then param).
    mean, variance, mean_se, variance_se = (
        column.ravel() for column in sample_statistics(np.stack(all_estimates), axis=1)
    )

    gradient = problem.exact_gradient()
    estimator_label, baseline_label = _label(estimator, baseline)
    rows = len(sizes) * problem.dim
    table = pd.DataFrame(
        {
            "n": np.repeat(sizes, problem.dim),
            "param": list(problem.params) * len(sizes),
            "mean": mean,
            "variance": variance,
            "exact_gradient": np.tile(gradient, len(sizes)),
            "exact_variance": np.concatenate([variance for _, variance in moments]),
            "exact_mean": np.concatenate([mean for mean, _ in moments]),
            "mean_standard_error": mean_se,
            "variance_standard_error": variance_se,
            "reps": np.full(rows, reps),
            # lists, not scalars: pandas broadcasts a scalar string column ~5× more slowly
            "estimator": [estimator_label] * rows,
            "baseline": [baseline_label] * rows,
        }
    )
    table = table.assign(**_check_columns(problem, sizes, reps, table, estimator, baseline))
    if not return_estimates:
        return table
    columns = {
        "n": [],
        "repetition": [],
        "param": [],
        "estimate": [],
        "exact_gradient": [],
        "exact_mean": [],
        "exact_standard_error": [],
    }
    for n, block, (exact_mean, exact_variance) in zip(sizes, all_estimates, moments, strict=True):
        for j, name in enumerate(problem.params):
            columns["n"].append(np.full(reps, n))
            columns["repetition"].append(np.arange(reps))
            columns["param"].append(np.full(reps, name, dtype=object))
            columns["estimate"].append(block[:, j])
            columns["exact_gradient"].append(np.full(reps, gradient[j]))
            columns["exact_mean"].append(np.full(reps, exact_mean[j]))
            columns["exact_standard_error"].append(np.full(reps, math.sqrt(exact_variance[j])))
    long = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
    long["estimator"], long["baseline"] = estimator_label, baseline_label
    return table, long


def _check_columns(problem, sizes, reps, table, estimator, baseline) -> dict[str, list]:
    """`core.checks.estimate_check_columns` of each size's rows, concatenated (size-major)."""
    columns: dict[str, list] = {}
    d = problem.dim
    for k, n in enumerate(sizes):
        rows = table.iloc[k * d : (k + 1) * d]
        block = estimate_check_columns(
            problem, n, reps, rows["mean"].to_numpy(), rows["variance"].to_numpy(),
            estimator=estimator, baseline=baseline,
            sample_variance_errors=rows["variance_standard_error"].to_numpy(),
        )  # fmt: skip
        for name, values in block.items():
            columns.setdefault(name, []).extend(values)
    return columns


@dataclass(frozen=True)
class SlopeFit:
    """log10 Var = intercept + slope · log10 N, fitted by weighted least squares.

    `exact_slope`/`exact_intercept` are the same fit (same N, same weights) through the exact
    variances: −1 whenever Var[ĝ_N] = σ²/N, slightly different for the n-dependent baselines.
    """

    slope: float
    standard_error: float
    intercept: float
    exact_slope: float
    exact_intercept: float
    points: int


def fit_variance_slope(curve: pd.DataFrame) -> SlopeFit:
    """Fit log Var[ĝ_N] against log N through one parameter's rows of a variance curve.

    Weights w_i = (v_i / se_i)², the inverse variance of log v_i by the delta method
    (SE[log v] ≈ SE[v]/v); slope SE = 1/√(Σ w_i (x_i − x̄_w)²). `curve` needs the columns n,
    variance, variance_standard_error and exact_variance (as from `variance_curve`), one row per n.
    """
    required = {"n", "variance", "variance_standard_error", "exact_variance"}
    missing = required - set(curve.columns)
    if missing:
        raise ValueError(
            f"the curve lacks the columns {sorted(missing)}; pass variance_curve's table"
        )
    if curve["n"].duplicated().any():
        raise ValueError("the curve has several rows per n: pass one parameter's rows only")
    if curve["n"].nunique() < 2:
        raise ValueError("a slope needs at least two different sample sizes")
    n = curve["n"].to_numpy(dtype=np.float64)
    variance = curve["variance"].to_numpy(dtype=np.float64)
    variance_se = curve["variance_standard_error"].to_numpy(dtype=np.float64)
    exact = curve["exact_variance"].to_numpy(dtype=np.float64)
    if np.any(exact <= 0) or np.any(variance <= 0) or np.any(variance_se <= 0):
        raise ValueError(
            "the variance is zero at some N (every estimate identical, e.g. the optimal baseline "
            "on the two-armed bandit), so there is no slope on a log scale to fit"
        )
    x = np.log10(n)
    weights = (variance / variance_se * math.log(10.0)) ** 2
    slope, intercept, spread = _weighted_line(x, np.log10(variance), weights)
    exact_slope, exact_intercept, _ = _weighted_line(x, np.log10(exact), weights)
    return SlopeFit(
        slope=slope,
        standard_error=1.0 / math.sqrt(spread),
        intercept=intercept,
        exact_slope=exact_slope,
        exact_intercept=exact_intercept,
        points=len(n),
    )


def _weighted_line(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> tuple[float, float, float]:
    """Weighted least-squares line: (slope, intercept, Σ w (x − x̄_w)²)."""
    x_mean, y_mean = np.average(x, weights=w), np.average(y, weights=w)
    spread = float(np.sum(w * (x - x_mean) ** 2))
    slope = float(np.sum(w * (x - x_mean) * (y - y_mean)) / spread)
    return slope, float(y_mean - slope * x_mean), spread


def samples_needed(
    problem: Problem,
    relative_error: float,
    *,
    estimator: str = "score",
    baseline: Baseline = None,
) -> pd.DataFrame:
    """The smallest N whose estimate has RMSE ≤ relative_error · |∇J|, exactly, per parameter.

    RMSE² = Var[ĝ_N] + bias², from `estimate_moments`; equivalently signal-to-noise
    |∇J|/RMSE ≥ 1/relative_error. For N-independent per-sample variance σ² (no baseline, a
    constant, b*, other estimators): N = ⌈σ² / (ε ∇J)²⌉. For the batch-mean and leave-one-out
    baselines, bisection on N. A zero gradient has no relative error: N is NaN; an N past
    10¹⁵ — or past float range, as when ∇J underflows (a step far in the tail) — is inf.
    Columns: param, exact_gradient, relative_error, signal_to_noise, n_needed,
    achieved_relative_error.
    """
    target = check_positive(relative_error, "relative_error")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    gradient = problem.exact_gradient()
    smallest = 2 if baseline == "loo" else 1

    def error_at(n: int) -> np.ndarray:
        mean, variance = estimate_moments(problem, n, estimator, baseline)
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.sqrt(variance + (mean - gradient) ** 2) / np.abs(gradient)

    rows = []
    for j, name in enumerate(problem.params):
        if gradient[j] == 0:
            needed = math.nan
        elif is_batch_baseline(baseline):
            needed = _bisect_size(lambda n, j=j: error_at(n)[j] <= target, smallest)
        else:
            per_sample = float(estimate_moments(problem, 1, estimator, baseline)[1][j])
            needed = _size_for_ratio(per_sample, target * abs(float(gradient[j])))
        achieved = float(error_at(int(needed))[j]) if math.isfinite(needed) else math.nan
        rows.append(
            {
                "param": name,
                "exact_gradient": gradient[j],
                "relative_error": target,
                "signal_to_noise": 1.0 / target,
                "n_needed": needed,
                "achieved_relative_error": achieved,
            }
        )
    return pd.DataFrame(rows)


def _size_for_ratio(per_sample: float, tolerance: float) -> float:
    """⌈σ² / tolerance²⌉ (at least 1), or inf when it passes 10¹⁵ or float range; squared
    after dividing, so a tiny tolerance (≈ 1e-195) neither underflows to 0 nor overflows."""
    with np.errstate(over="ignore", divide="ignore"):
        ratio = float(np.square(np.float64(math.sqrt(per_sample)) / np.float64(tolerance)))
    if not ratio <= _LARGEST_SUGGESTED_N:  # inf, NaN (0/0 cannot occur: tolerance > 0) or huge
        return math.inf
    return max(1, math.ceil(ratio * (1 - 1e-12)))


def _bisect_size(good_enough, smallest: int) -> float:
    """Smallest N ≥ `smallest` with good_enough(N), assuming it stays true once reached."""
    if good_enough(smallest):
        return smallest
    low, high = smallest, smallest * 2
    while not good_enough(high):
        low, high = high, high * 2
        if high > _LARGEST_SUGGESTED_N:
            return math.inf
    while high - low > 1:
        middle = (low + high) // 2
        if good_enough(middle):
            high = middle
        else:
            low = middle
    return high
