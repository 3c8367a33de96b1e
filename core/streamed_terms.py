"""Per-sample gradient terms at the random-number limit: chunked, in place, one output array.

`streamed_gradient_terms` returns the same terms as `core.gradient_terms` — the bandits' terms
from the very same uniforms, the Gaussian's score and pathwise terms from the very same normals
(equal to rounding) — but draws ≤ CHUNK_SIZE variates at a time into reused buffers and
writes each chunk's terms straight into the (n, d) result. Batch baselines ("mean", "loo")
need Σf over the whole batch first, so they take a second pass over the stored result.
"""

from __future__ import annotations

import math

import numpy as np

from core.bandits import Bandit, SoftmaxBandit
from core.estimators import (
    Baseline,
    check_baseline,
    check_baseline_fits,
    check_estimator,
    gradient_terms,
    score_function_terms,
)
from core.gaussian import Gaussian
from core.numerics import CHUNK_SIZE, check_sample_count
from core.problem import Problem
from core.sampling import GaussianWorkspace

_LOCATION_CONSTANT = 1.0 / math.sqrt(2.0 * math.pi)


def streamed_gradient_terms(
    problem: Problem,
    n: int,
    *,
    rng: np.random.Generator,
    estimator: str = "score",
    baseline: Baseline = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Per-sample terms of `estimator`, shape (n, d), whose mean estimates ∇θ E[f].

    Same terms as `core.gradient_terms(problem, n, rng=rng, estimator=..., baseline=...)`
    (score: (f(x_i) − b_i) ∇θ log p(x_i|θ)); `out`, if given, is an (n, d) float64 array to
    fill. Fast paths: Bandit and SoftmaxBandit (score), Gaussian (all three estimators); any
    other problem falls back to `gradient_terms`. The Gaussian's measure-valued terms use the
    coupled draw of `core.sampling` (same distribution, other variates than gradient_terms).
    """
    n = check_sample_count(n)
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    check_baseline_fits(baseline, n)
    if out is None:
        out = np.empty((n, problem.dim), order="F" if isinstance(problem, Gaussian) else "C")
    elif out.shape != (n, problem.dim) or out.dtype != np.float64:
        raise ValueError(
            f"out must be a float64 array of shape ({n}, {problem.dim}), "
            f"got {out.dtype} {out.shape}"
        )
    if isinstance(problem, (Bandit, SoftmaxBandit)) and estimator == "score":
        _bandit_terms(problem, rng, baseline, out)
    elif isinstance(problem, Gaussian):
        if estimator == "pathwise":
            problem.pathwise_terms(np.random.default_rng(0), 1)  # raises with the reason
        _GaussianTerms(problem, estimator, baseline).fill(rng, out)
    else:
        out[:] = gradient_terms(problem, n, rng=rng, estimator=estimator, baseline=baseline)
    return out


def _chunks(n: int):
    for start in range(0, n, CHUNK_SIZE):
        yield start, min(start + CHUNK_SIZE, n)


def _bandit_terms(
    problem: Bandit | SoftmaxBandit,
    rng: np.random.Generator,
    baseline: float | str | None,
    out: np.ndarray,
) -> None:
    """Each pull is drawn as in `sample` (a = 1[u < σ(θ)], or the arm by inverse CDF); a term
    depends only on the arm, so it is looked up in a (K, d) table of score_function_terms.

    Batch baselines first store the arms, count them for Σf, then look up the table that
    count implies (leave-one-out: one row per arm, b = (Σf − r(a))/(n − 1)).
    """
    n = out.shape[0]
    arms_of_support, _ = problem.support()
    rewards_size = arms_of_support.size
    batch = baseline in ("mean", "loo")
    two_arms = isinstance(problem, Bandit)
    uniforms = np.empty(CHUNK_SIZE)
    arms = np.empty(n, dtype=np.intp if not two_arms else bool) if batch else None
    pulled_one = np.empty(CHUNK_SIZE, dtype=bool)
    cumulative = None if two_arms else np.cumsum(problem.probabilities)[:-1]
    table = None if batch else score_function_terms(problem, arms_of_support, baseline)

    def draw(start: int, stop: int) -> np.ndarray:
        u = rng.random(out=uniforms[: stop - start])
        if two_arms:
            return np.less(u, problem.p_one, out=pulled_one[: stop - start])
        return np.searchsorted(cumulative, u, side="right")

    def write(chunk_arms: np.ndarray, start: int, stop: int, terms: np.ndarray) -> None:
        if two_arms:  # t(a) = t(0) + a·(t(1) − t(0)), within one rounding of the table entry
            column = out[start:stop, 0]
            np.multiply(chunk_arms, terms[1, 0] - terms[0, 0], out=column)
            column += terms[0, 0]
        else:
            np.take(terms, chunk_arms, axis=0, out=out[start:stop])

    for start, stop in _chunks(n):
        chunk_arms = draw(start, stop)
        if batch:
            arms[start:stop] = chunk_arms
        else:
            write(chunk_arms, start, stop, table)
    if not batch:
        return
    if two_arms:
        ones = np.count_nonzero(arms)
        counts = np.array([n - ones, ones])
    else:
        counts = np.bincount(arms, minlength=rewards_size)
    rewards = problem.f(arms_of_support)
    total = counts @ rewards
    if baseline == "mean":
        baselines = np.full(rewards.size, total / n)
    else:
        baselines = (total - rewards) / (n - 1)
    table = problem.credited_score(arms_of_support) - baselines[:, None] * problem.score(
        arms_of_support
    )
    for start, stop in _chunks(n):
        write(arms[start:stop], start, stop, table)


class _GaussianTerms:
    """x = μ + σz; score terms (f − b)·(z, z² − 1)/σ, pathwise f′(x)·(1, z), measure-valued
    (f(μ + σy) − f(μ − σy))/(σ√(2π)) and (f(μ + σM) − f(μ + σN))/σ with the variates of
    `core.sampling.GaussianWorkspace`; each chunk is written into `out`."""

    def __init__(self, problem: Gaussian, estimator: str, baseline: float | str | None) -> None:
        self.problem, self.estimator, self.baseline = problem, estimator, baseline
        self.sigma = problem.sigma
        self.space = GaussianWorkspace(problem)

    def fill(self, rng: np.random.Generator, out: np.ndarray) -> None:
        n, space = out.shape[0], self.space
        if self.estimator == "score" and self.baseline in ("mean", "loo"):
            self._score_with_batch_baseline(rng, out)
            return
        first = second = 0.0
        if self.baseline == "optimal":
            first, second = self.problem.optimal_baseline()
        elif self.baseline is not None:
            first = second = self.baseline
        for start, stop in _chunks(n):
            chunk, size = out[start:stop], stop - start
            if self.estimator == "measure_valued":
                self._measure_valued(*space.measure_valued_variates(rng, size), chunk)
                continue
            z = rng.standard_normal(out=space.normals[:size])
            if self.estimator == "pathwise":
                np.copyto(chunk[:, 0], space.slope_at(z))
                np.multiply(chunk[:, 0], z, out=chunk[:, 1])
            else:
                self._score_terms(z, space.value_at(z), first, second, chunk)

    def _measure_valued(self, radius, maxwell, coupled, out: np.ndarray) -> None:
        """A polynomial cost f(μ + σz) = Σ_k c_k z^k is evaluated on the variates directly:
        f(μ + σy) − f(μ − σy) = 2 Σ_{k odd} c_k y^k and f(μ + σM) − f(μ + σN) = p(M) − p(N)
        with p = f − c_0, each already scaled by its constant; any other cost is evaluated at
        the points."""
        location_scale, scale_scale = _LOCATION_CONSTANT / self.sigma, 1.0 / self.sigma
        coefficients = getattr(self.space.cost, "coefficients", None)
        if coefficients is None:
            location = self.space.value_at(radius)
            location -= self.space.value_at(np.negative(radius, out=radius))
            np.multiply(location, location_scale, out=out[:, 0])
            scale = self.space.value_at(maxwell)
            scale -= self.space.value_at(coupled)
            np.multiply(scale, scale_scale, out=out[:, 1])
            return
        c = np.asarray(coefficients(self.space.mu, self.space.sigma), dtype=np.float64)
        powers = np.arange(c.size)
        _polynomial(radius, np.where(powers % 2 == 1, 2.0 * location_scale * c, 0.0), out[:, 0])
        without_constant = np.where(powers > 0, scale_scale * c, 0.0)
        _polynomial(maxwell, without_constant, out[:, 1])
        out[:, 1] -= _polynomial(coupled, without_constant, radius)

    def _score_terms(self, z, f: np.ndarray, first, second, out: np.ndarray) -> None:
        """out = ((f − b₁)·z, (f − b₂)·(z² − 1))/σ; b a number, or per sample (leave-one-out)."""
        weight = f if np.isscalar(first) and first == 0.0 else np.subtract(f, first, out=f)
        if self.sigma != 1.0:
            weight /= self.sigma
        np.multiply(weight, z, out=out[:, 0])
        if second is not first:
            weight += (first - second) / self.sigma
        squared = np.multiply(z, z, out=self.space.work[: z.size])
        squared -= 1.0
        np.multiply(weight, squared, out=out[:, 1])

    def _score_with_batch_baseline(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Pass 1 stores f in column 0 and z in column 1 and adds up Σf; pass 2 turns each
        chunk into terms with b = Σf/n ("mean") or b_i = (Σf − f_i)/(n − 1) ("loo")."""
        n, total, space = out.shape[0], 0.0, self.space
        for start, stop in _chunks(n):
            z = rng.standard_normal(out=space.normals[: stop - start])
            out[start:stop, 1] = z
            out[start:stop, 0] = space.value_at(z)
            total += out[start:stop, 0].sum()
        for start, stop in _chunks(n):
            z = np.copy(out[start:stop, 1])
            f = np.copy(out[start:stop, 0])
            if self.baseline == "mean":
                first = total / n
            else:
                first = (total - f) / (n - 1)
            self._score_terms(z, f, first, first, out[start:stop])


def _polynomial(values: np.ndarray, coefficients: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Σ_k c_k values^k into `out` by Horner's rule, skipping zero terms (an odd or
    constant-free polynomial costs one pass per non-zero coefficient)."""
    c = np.trim_zeros(coefficients, "b")
    if c.size < 2:
        out.fill(c[0] if c.size else 0.0)
        return out
    np.multiply(values, c[-1], out=out)
    for coefficient in c[-2:0:-1]:  # c_{n−1} … c_1
        if coefficient:
            out += coefficient
        out *= values
    if c[0]:
        out += c[0]
    return out
