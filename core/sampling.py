"""Many independent n-sample estimates at once, in bounded memory, by one of two exact routes.

An n-sample score-function estimate depends on its samples only through the sums ΣA, ΣS, Σf
and ΣfS, whatever the baseline (leave-one-out included): with b_i = (Σf − f_i)/(n − 1),
Σ (A_i − b_i S_i) = ΣA − (Σf·ΣS − ΣfS)/(n − 1). So each repetition is reduced to those sums:

- method="counts" draws them from outcome counts (Binomial/Multinomial) for problems with a
  finite support — O(K) per repetition whatever n (`core.fast_paths`);
- method="per_sample" draws every sample, in chunks of CHUNK_SIZE = 2^16 into preallocated
  buffers (Bernoulli by u < p, normals in place), and reduces each chunk to per-repetition sums,
  so no (reps × n) array is ever built;
- method="auto" (the default) picks counts where they are cheaper, per-sample elsewhere.

Both routes give the same distribution of estimates (tests/core/test_fast_paths.py checks the
exact mean and variance and a two-sample test); a seed fixes the numbers of each route.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import polynomial

from core.bandits import Bandit, SoftmaxBandit
from core.estimators import Baseline, check_baseline, check_baseline_fits, check_estimator
from core.fast_paths import (
    OutcomeTable,
    count_sums,
    outcome_table,
    resolve_method,
    score_statistics,
)
from core.gaussian import Gaussian
from core.numerics import CHUNK_SIZE, check_sample_count
from core.problem import Problem

# c_μ = 1/(σ√(2π)) of the measure-valued mean term (Mohamed et al., JMLR 2020, §6.1).
_LOCATION_CONSTANT = 1.0 / math.sqrt(2.0 * math.pi)


def repeated_estimates(
    problem: Problem,
    n: int,
    reps: int,
    *,
    rng: np.random.Generator,
    estimator: str = "score",
    baseline: Baseline = None,
    method: str = "auto",
) -> np.ndarray:
    """`reps` independent n-sample estimates of ∇θ E[f], shape (reps, d), in bounded memory.

    Each row is (1/n) Σ_i term(x_i) for fresh samples; `method` is "auto", "counts" (finite
    supports, O(1) in n) or "per_sample" (chunked), see the module docstring.
    """
    n, reps = check_sample_count(n), check_sample_count(reps, "reps")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    table = outcome_table(problem) if wants_outcome_table(problem, estimator, method) else None
    return estimate_block(problem, n, reps, rng, estimator, baseline, method, table)


def wants_outcome_table(problem: Problem, estimator: str, method: str) -> bool:
    """Whether the counts route may be taken, or the per-sample bandit kernel needs the table."""
    if estimator != "score":
        return False
    return method != "per_sample" or isinstance(problem, (Bandit, SoftmaxBandit))


def estimate_block(
    problem: Problem,
    n: int,
    reps: int,
    rng: np.random.Generator,
    estimator: str,
    baseline: float | str | None,
    method: str,
    table: OutcomeTable | None,
) -> np.ndarray:
    """`repeated_estimates` for checked arguments and a precomputed outcome table (or None)."""
    check_baseline_fits(baseline, n)
    method = resolve_method(problem, n, estimator, method, table)
    if method == "counts":
        sums = count_sums(table, n, reps, rng)
    else:
        sums = _per_sample_sums(_chunk_kernel(problem, estimator, baseline, table), n, reps, rng)
    optimal = problem.optimal_baseline() if baseline == "optimal" else None
    return _combine(sums, n, problem.dim, estimator, baseline, optimal)


def _combine(
    sums: np.ndarray, n: int, d: int, estimator: str, baseline: float | str | None, optimal
) -> np.ndarray:
    """Turn per-repetition sums (reps, k) into estimates (reps, d)."""
    if estimator != "score":
        return sums / n
    credited, scores = sums[:, :d], sums[:, d : 2 * d]
    if baseline is None:
        return credited / n
    if baseline == "optimal":
        return (credited - optimal * scores) / n
    if isinstance(baseline, float):
        return (credited - baseline * scores) / n
    total_f, total_fs = sums[:, 2 * d : 2 * d + 1], sums[:, 2 * d + 1 :]
    if baseline == "mean":
        return (credited - total_f / n * scores) / n
    return (credited - (total_f * scores - total_fs) / (n - 1)) / n


def _per_sample_sums(kernel, n: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Per-repetition sums, drawing ≤ CHUNK_SIZE samples at a time.

    n ≤ CHUNK_SIZE: a chunk holds ⌊CHUNK_SIZE/n⌋ whole repetitions; larger n: a repetition
    spans several chunks whose partial totals are added. A kernel reduces each chunk to
    per-repetition totals that add across chunks (counts, Σf z, …) and turns them into the
    sums (ΣA, ΣS, Σf, ΣfS) once at the end.
    """
    totals = np.zeros((reps, kernel.width))
    if n <= CHUNK_SIZE:
        per_chunk = CHUNK_SIZE // n
        for start in range(0, reps, per_chunk):
            block = min(per_chunk, reps - start)
            kernel(rng, block, n, totals[start : start + block])
    else:
        for rep in range(reps):
            for start in range(0, n, CHUNK_SIZE):
                kernel(rng, 1, min(CHUNK_SIZE, n - start), totals[rep : rep + 1])
    return kernel.finish(totals, n)


def _chunk_kernel(problem: Problem, estimator: str, baseline, table: OutcomeTable | None):
    """The fastest exact per-chunk reduction this problem and estimator allow."""
    if estimator == "score" and isinstance(problem, (Bandit, SoftmaxBandit)):
        return _DrawnOutcomeCounts(problem, table)
    if isinstance(problem, Gaussian):
        if estimator == "pathwise":
            problem.pathwise_terms(np.random.default_rng(0), 1)  # raises with the reason
        coefficients_of = getattr(problem.cost, "coefficients", None)  # polynomial costs only
        if coefficients_of is not None:
            coefficients = coefficients_of(problem.mu, problem.sigma)
            return _GaussianPowerSums(problem, estimator, coefficients)
        return _GaussianSums(problem, estimator, needs_scores=baseline is not None)
    return _GenericSums(problem, estimator)


class GaussianWorkspace:
    """Reused chunk buffers for a `Gaussian`: f and f′ at μ + σ·offsets, and the variates of
    the measure-valued estimator (Mohamed et al., JMLR 2020, §6).

    Measure-valued variates: y = √(2E₁) ~ Rayleigh(1) for the mean; for the scale,
    N ~ N(0, 1) and M = sign(N)·√(N² + 2E₂). M is double-sided Maxwell (M² ~ χ²₃ with an
    independent sign) and, given M = m, N is uniform on (0, m) — exactly the law of U·M — so
    (M, N) is the coupled pair (M, UM) drawn from one normal and one exponential instead of a
    Gamma(3/2), a sign and a uniform.
    """

    def __init__(self, problem: Gaussian) -> None:
        self.mu, self.sigma, self.cost = problem.mu, problem.sigma, problem.cost
        self.normals = np.empty(CHUNK_SIZE)
        self.points = np.empty(CHUNK_SIZE)
        self.work = np.empty(CHUNK_SIZE)
        self._exponentials: tuple[np.ndarray, np.ndarray] | None = None

    def _points(self, offsets: np.ndarray) -> np.ndarray:
        points = np.multiply(offsets, self.sigma, out=self.points[: offsets.size])
        points += self.mu
        return points

    def value_at(self, offsets: np.ndarray) -> np.ndarray:
        """f(μ + σ·offsets) as an array the caller may overwrite."""
        points = self._points(offsets)
        return _owned(self.cost.value(points), points)

    def slope_at(self, offsets: np.ndarray) -> np.ndarray:
        """f′(μ + σ·offsets) as an array the caller may overwrite."""
        points = self._points(offsets)
        return _owned(self.cost.derivative(points), points)

    def measure_valued_variates(
        self, rng: np.random.Generator, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(y, M, N) for `size` samples, drawn in the order E₁, N, E₂ into reused buffers."""
        if self._exponentials is None:
            self._exponentials = (np.empty(CHUNK_SIZE), np.empty(CHUNK_SIZE))
        radius = rng.standard_exponential(out=self._exponentials[0][:size])
        np.multiply(radius, 2.0, out=radius)
        np.sqrt(radius, out=radius)
        coupled = rng.standard_normal(out=self.normals[:size])
        maxwell = rng.standard_exponential(out=self._exponentials[1][:size])
        np.multiply(maxwell, 2.0, out=maxwell)
        maxwell += np.multiply(coupled, coupled, out=self.work[:size])
        np.sqrt(maxwell, out=maxwell)
        np.copysign(maxwell, coupled, out=maxwell)
        return radius, maxwell, coupled


def _owned(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """values as a writeable float64 array of its own: a custom cost may hand back its input
    (f(x) = x) or a read-only view, and the kernels reuse `points` and write into results."""
    values = np.asarray(values)
    if (
        values.dtype != np.float64
        or not values.flags.writeable
        or np.may_share_memory(values, points)
    ):
        return np.array(values, dtype=np.float64)
    return values


# Below this many repetitions per chunk, counting each repetition's run with count_nonzero (a
# fast popcount) beats one reduction along a (block, n) axis, which is slow for long rows.
_ROW_LOOP_LIMIT = 32


def _add_row_sums(values: np.ndarray, block: int, into: np.ndarray) -> None:
    """into[r] += Σ of the r-th of `block` equal consecutive runs of `values` (pairwise sums)."""
    if block == 1:
        into[0] += values.sum()
    else:
        into += values.reshape(block, -1).sum(axis=1)


class _DrawnOutcomeCounts:
    """Bandits: each pull is drawn from u ~ U(0, 1) exactly as `sample` does — a = 1[u < σ(θ)],
    or the softmax arm by inverse CDF — and only counted; the sums are counts @ statistics."""

    def __init__(self, problem: Bandit | SoftmaxBandit, table: OutcomeTable) -> None:
        self.statistics = table.statistics
        self.uniforms = np.empty(CHUNK_SIZE)
        if isinstance(problem, Bandit):
            self.threshold = problem.p_one
            self.pulled_one = np.empty(CHUNK_SIZE, dtype=bool)
            self.width = 1  # the number of ones; the zeros are n minus it
        else:
            self.threshold = None
            self.cumulative = np.cumsum(problem.probabilities)[:-1]
            self.width = problem.dim
            self._offsets: tuple[int, int, np.ndarray] | None = None

    def _arm_offsets(self, block: int, length: int) -> np.ndarray:
        """Repetition r's pulls are counted in bins r·K … r·K + K − 1 (kept between chunks)."""
        if self._offsets is None or self._offsets[:2] != (block, length):
            offsets = np.repeat(np.arange(block) * self.width, length)
            self._offsets = (block, length, offsets)
        return self._offsets[2]

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size = block * length
        uniforms = rng.random(out=self.uniforms[:size])
        if self.threshold is None:
            arms = np.searchsorted(self.cumulative, uniforms, side="right")
            if block > 1:
                arms += self._arm_offsets(block, length)
            totals += np.bincount(arms, minlength=block * self.width).reshape(block, self.width)
            return
        ones = np.less(uniforms, self.threshold, out=self.pulled_one[:size])
        if block <= _ROW_LOOP_LIMIT:
            for row in range(block):
                totals[row, 0] += np.count_nonzero(ones[row * length : (row + 1) * length])
        else:
            totals[:, 0] += ones.reshape(block, length).sum(axis=1)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        if self.threshold is None:
            return totals @ self.statistics
        counts = np.column_stack([n - totals[:, 0], totals[:, 0]])
        return counts @ self.statistics  # as count_sums computes it, to the last bit


class _GaussianSums:
    """x = μ + σz with z drawn in place; per-repetition sums of the chosen estimator's terms.

    score: A = f·(z, z² − 1)/σ and S = (z, z² − 1)/σ, so the chunks add up Σf, Σf z, Σf z², Σz,
    Σz² and `finish` applies the 1/σ once. pathwise: Σf′(x)·(1, z). measure-valued:
    Σ(f(μ + σy) − f(μ − σy)) and Σ(f(μ + σM) − f(μ + σN)) with the variates of
    `GaussianWorkspace`, scaled by 1/(σ√(2π)) and 1/σ at the end.
    """

    def __init__(self, problem: Gaussian, estimator: str, needs_scores: bool) -> None:
        self.sigma, self.estimator, self.needs_scores = problem.sigma, estimator, needs_scores
        self.width = 5 if estimator == "score" else 2
        self.space = GaussianWorkspace(problem)

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size, space = block * length, self.space
        if self.estimator == "measure_valued":
            radius, maxwell, coupled = space.measure_valued_variates(rng, size)
            difference = space.value_at(radius)
            difference -= space.value_at(np.negative(radius, out=radius))
            _add_row_sums(difference, block, totals[:, 0])
            difference = space.value_at(maxwell)
            difference -= space.value_at(coupled)
            _add_row_sums(difference, block, totals[:, 1])
            return
        z = rng.standard_normal(out=space.normals[:size])
        if self.estimator == "pathwise":
            slope = space.slope_at(z)
            _add_row_sums(slope, block, totals[:, 0])
            _add_row_sums(np.multiply(slope, z, out=slope), block, totals[:, 1])
            return
        f = space.value_at(z)
        _add_row_sums(f, block, totals[:, 0])
        fz = np.multiply(f, z, out=space.work[:size])
        _add_row_sums(fz, block, totals[:, 1])
        _add_row_sums(np.multiply(fz, z, out=fz), block, totals[:, 2])
        if self.needs_scores:
            _add_row_sums(z, block, totals[:, 3])
            _add_row_sums(np.multiply(z, z, out=z), block, totals[:, 4])

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        if self.estimator == "pathwise":
            return totals
        if self.estimator == "measure_valued":
            return totals * np.array([_LOCATION_CONSTANT / self.sigma, 1.0 / self.sigma])
        sum_f, sum_fz, sum_fz2, sum_z, sum_z2 = totals.T
        credited = np.column_stack([sum_fz, sum_fz2 - sum_f]) / self.sigma
        scores = np.column_stack([sum_z, sum_z2 - n]) / self.sigma
        # A one-step problem credits each score with its own reward: f·S is A itself.
        return np.column_stack([credited, scores, sum_f, credited])


class _GaussianPowerSums:
    """A polynomial cost f(μ + σz) = Σ_k c_k z^k needs only power sums of the drawn variates.

    score (P_j = Σ z^j, P_0 = n): Σf = Σ_k c_k P_k, Σf z = Σ_k c_k P_{k+1}, Σf z² = Σ_k c_k P_{k+2}.
    pathwise: f′(x) = Σ_k s_k z^k with s = (d/dz c)/σ, so Σf′ = Σ_k s_k P_k, Σf′z = Σ_k s_k P_{k+1}.
    measure-valued (variates of `GaussianWorkspace`): f(μ + σy) − f(μ − σy) = 2 Σ_{k odd} c_k y^k
    and f(μ + σM) − f(μ + σN) = Σ_k c_k (M^k − N^k). Every sample is still drawn; only what
    it adds to the estimate is summed.
    """

    def __init__(self, problem: Gaussian, estimator: str, coefficients: np.ndarray) -> None:
        self.sigma, self.estimator = problem.sigma, estimator
        coefficients = np.asarray(coefficients, dtype=np.float64)
        if estimator == "pathwise":
            self.coefficients = polynomial.polyder(coefficients) / problem.sigma
        else:
            self.coefficients = coefficients
        self.degree = len(self.coefficients) - 1
        # Columns: P_1 … P_orders of z; measure-valued: Σy^k, ΣM^k, ΣN^k for k = 1 … degree.
        self.orders = {"score": self.degree + 2, "pathwise": self.degree + 1}.get(
            estimator, max(self.degree, 1)
        )
        self.width = self.orders if estimator != "measure_valued" else 3 * self.orders
        self.space = GaussianWorkspace(problem)
        self.powers = np.empty(CHUNK_SIZE)

    def _add_power_sums(
        self, values: np.ndarray, block: int, totals: np.ndarray, orders: int
    ) -> None:
        """totals[:, j − 1] += Σ values^j per repetition, j = 1 … orders."""
        _add_row_sums(values, block, totals[:, 0])
        if orders < 2:
            return
        power = np.multiply(values, values, out=self.powers[: values.size])
        _add_row_sums(power, block, totals[:, 1])
        for order in range(3, orders + 1):
            _add_row_sums(np.multiply(power, values, out=power), block, totals[:, order - 1])

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size = block * length
        if self.estimator != "measure_valued":
            normals = rng.standard_normal(out=self.space.normals[:size])
            self._add_power_sums(normals, block, totals, self.orders)
            return
        orders = self.orders
        radius, maxwell, coupled = self.space.measure_valued_variates(rng, size)
        # The mean's term keeps only odd powers of y: the even ones cancel in f(μ+σy) − f(μ−σy).
        self._add_power_sums(radius, block, totals[:, :orders], orders - (orders % 2 == 0))
        self._add_power_sums(maxwell, block, totals[:, orders : 2 * orders], orders)
        self._add_power_sums(coupled, block, totals[:, 2 * orders :], orders)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        powers = np.column_stack([np.full(len(totals), float(n)), totals])
        size = len(self.coefficients)

        def weighted(shift: int) -> np.ndarray:
            return powers[:, shift : shift + size] @ self.coefficients

        if self.estimator == "pathwise":
            return np.column_stack([weighted(0), weighted(1)])
        if self.estimator == "measure_valued":
            orders, tail = self.orders, self.coefficients[1:]
            odd = np.where(np.arange(1, size) % 2 == 1, 2.0 * tail, 0.0)
            location = totals[:, : len(tail)] @ odd * (_LOCATION_CONSTANT / self.sigma)
            maxwell = totals[:, orders : orders + len(tail)] @ tail
            coupled = totals[:, 2 * orders : 2 * orders + len(tail)] @ tail
            return np.column_stack([location, (maxwell - coupled) / self.sigma])
        sum_f, sum_fz, sum_fz2 = weighted(0), weighted(1), weighted(2)
        credited = np.column_stack([sum_fz, sum_fz2 - sum_f]) / self.sigma
        scores = np.column_stack([powers[:, 1], powers[:, 2] - n]) / self.sigma
        return np.column_stack([credited, scores, sum_f, credited])


class _GenericSums:
    """Any problem: the per-sample statistics (A, S, f, fS) or terms of a chunk, summed per
    repetition."""

    def __init__(self, problem: Problem, estimator: str) -> None:
        self.problem, self.estimator = problem, estimator
        self.width = 3 * problem.dim + 1 if estimator == "score" else problem.dim

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size = block * length
        if self.estimator == "pathwise":
            rows = self.problem.pathwise_terms(rng, size)
        elif self.estimator == "measure_valued":
            rows = self.problem.measure_valued_terms(rng, size)
        else:
            rows = score_statistics(self.problem, self.problem.sample(rng, size))
        totals += rows.reshape(block, length, -1).sum(axis=1)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        return totals
