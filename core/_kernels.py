"""Chunk kernels any problem may hand the engine: chunked, in place, into preallocated buffers.

Two kinds, one protocol each (`core._engine` runs them; a problem picks them in its
`term_kernel` and `sum_kernel` methods):

- a *term kernel* fills an (n, d) array with per-sample gradient terms, ≤ CHUNK_SIZE samples at
  a time: `kernel.order` ("C" or "F", the layout it writes fastest) and `kernel.fill(rng, out)`;
- a *sum kernel* reduces chunks of `block` repetitions × `length` samples to per-repetition
  totals that add across chunks: `kernel.width`, `kernel(rng, block, length, totals)` and
  `kernel.finish(totals, n)`, which returns (ΣA, ΣS, Σf, ΣfS) per repetition for the score
  estimator and Σ terms for the others.

Here are the kernels that need nothing but the problem's public methods (`SampledTerms`,
`SampledSums`) and those of a finite support drawn by outcome index (`OutcomeTableTerms`,
`OutcomeCountSums`). A problem with a faster route (the Gaussian) defines its own beside its maths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from core.numerics import CHUNK_SIZE


@dataclass(frozen=True)
class OutcomeTable:
    """A finite support's probabilities p_k, shape (K,), and statistics (A, S, f, fS), (K, 3d+1)."""

    probabilities: np.ndarray
    statistics: np.ndarray

    @property
    def size(self) -> int:
        return self.probabilities.size


def chunks(n: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of consecutive runs of ≤ CHUNK_SIZE samples covering 0..n."""
    for start in range(0, n, CHUNK_SIZE):
        yield start, min(start + CHUNK_SIZE, n)


def batch_baseline(total_f: float, f: np.ndarray | float, n: int, baseline: str):
    """b = Σf/n ("mean", the same for every sample) or b_i = (Σf − f_i)/(n − 1) ("loo")."""
    if baseline == "mean":
        return total_f / n
    return (total_f - f) / (n - 1)


def add_row_sums(values: np.ndarray, block: int, into: np.ndarray) -> None:
    """into[r] += Σ of the r-th of `block` equal consecutive runs of `values` (pairwise sums)."""
    if block == 1:
        into[0] += values.sum()
    else:
        into += values.reshape(block, -1).sum(axis=1)


def owned(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """values as a writeable float64 array of its own: a custom function may hand back its input
    (f(x) = x) or a read-only view, and the kernels reuse `points` and write into results."""
    values = np.asarray(values)
    if (
        values.dtype != np.float64
        or not values.flags.writeable
        or np.may_share_memory(values, points)
    ):
        return np.array(values, dtype=np.float64)
    return values


# --- any problem: draw samples chunk by chunk ---------------------------------------------------


class SampledTerms:
    """Terms from the problem's own `sample`, `score_terms`, `pathwise_terms` and
    `measure_valued_terms`, one chunk at a time.

    The batch baselines need Σf over all n samples before the first term: the generator's state
    is saved, a first pass adds up f, the state is restored and the same samples are drawn again
    (O(chunk) memory whatever n; the generator ends where one pass would leave it).
    """

    order = "C"

    def __init__(self, problem, estimator: str, baseline: float | str | None) -> None:
        self.problem, self.estimator, self.baseline = problem, estimator, baseline

    def fill(self, rng: np.random.Generator, out: np.ndarray) -> None:
        problem, n = self.problem, out.shape[0]
        if self.estimator == "pathwise":
            for start, stop in chunks(n):
                out[start:stop] = problem.pathwise_terms(rng, stop - start)
            return
        if self.estimator == "measure_valued":
            for start, stop in chunks(n):
                out[start:stop] = problem.measure_valued_terms(rng, stop - start)
            return
        if self.baseline not in ("mean", "loo"):
            for start, stop in chunks(n):
                out[start:stop] = problem.score_terms(
                    problem.sample(rng, stop - start), self.baseline
                )
            return
        state = rng.bit_generator.state
        total = 0.0
        for start, stop in chunks(n):
            total += problem.f(problem.sample(rng, stop - start)).sum()
        rng.bit_generator.state = state
        for start, stop in chunks(n):
            x = problem.sample(rng, stop - start)
            b = batch_baseline(total, problem.f(x), n, self.baseline)
            out[start:stop] = problem.credited_score(x) - np.reshape(b, (-1, 1)) * problem.score(x)


class SampledSums:
    """Any problem: the per-sample statistics (A, S, f, fS) or terms of a chunk, summed per
    repetition."""

    def __init__(self, problem, estimator: str) -> None:
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
            rows = self.problem.score_statistics(self.problem.sample(rng, size))
        totals += rows.reshape(block, length, -1).sum(axis=1)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        return totals


# --- a finite support drawn by outcome index ----------------------------------------------------

OutcomeDraw = Callable[[np.random.Generator, int], np.ndarray]


class ThresholdDraw:
    """Outcome 1[u < p] of u ~ U(0, 1), as booleans: a two-outcome support (index 0 or 1)."""

    def __init__(self, probability_of_one: float) -> None:
        self.threshold = probability_of_one
        self.uniforms = self.ones = np.empty(0)

    def __call__(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.uniforms.size < size:  # one chunk's buffers, sized by the first request
            self.uniforms, self.ones = np.empty(size), np.empty(size, dtype=bool)
        uniforms = rng.random(out=self.uniforms[:size])
        return np.less(uniforms, self.threshold, out=self.ones[:size])

    def into(self, rng: np.random.Generator, column: np.ndarray) -> np.ndarray:
        """The same outcomes written as 0.0/1.0 straight into a float64 column."""
        if self.uniforms.size < column.size:
            self.uniforms, self.ones = np.empty(column.size), np.empty(column.size, dtype=bool)
        uniforms = rng.random(out=self.uniforms[: column.size])
        return np.less(uniforms, self.threshold, out=column)


class InverseCdfDraw:
    """Outcome k = number of cumulative probabilities below u ~ U(0, 1) (inverse CDF)."""

    def __init__(self, cumulative: np.ndarray) -> None:
        self.cumulative = cumulative
        self.uniforms = np.empty(0)

    def __call__(self, rng: np.random.Generator, size: int) -> np.ndarray:
        if self.uniforms.size < size:
            self.uniforms = np.empty(size)
        uniforms = rng.random(out=self.uniforms[:size])
        return np.searchsorted(self.cumulative, uniforms, side="right")


def draw_samples(draw: OutcomeDraw, rng: np.random.Generator, n: int) -> np.ndarray:
    """n outcome indices drawn chunk by chunk, as float64 (the sample layout of the bandits)."""
    samples = np.empty(n)
    for start, stop in chunks(n):
        samples[start:stop] = draw(rng, stop - start)
    return samples


def outcome_terms(statistics: np.ndarray, d: int, baseline: np.ndarray | float) -> np.ndarray:
    """Per-outcome terms A_k − b S_k, shape (K, d), from the statistics (A, S, f, fS); b
    broadcasts against (K, d): one number, per parameter (d,) or per outcome (K, 1)."""
    if np.ndim(baseline) == 0 and baseline == 0.0:
        return statistics[:, :d]
    return statistics[:, :d] - baseline * statistics[:, d : 2 * d]


class OutcomeTableTerms:
    """Terms of a finite support looked up by outcome: each draw's term is a row of a (K, d)
    table of A − b S. Two outcomes: t(a) = t(0) + a·(t(1) − t(0)), within one rounding of the
    table entry. Batch baselines ("mean", "loo") first store the outcomes in column 0 and count
    them for Σf, then look up the table that count implies (leave-one-out: b_k = (Σf − f_k)/(n − 1)).
    `terms` is the table for any other baseline, built once by the problem (`outcome_terms`).
    """

    order = "C"

    def __init__(
        self, draw: OutcomeDraw, table: OutcomeTable, d: int, baseline, terms: np.ndarray | None
    ) -> None:
        self.draw, self.statistics, self.d, self.baseline = draw, table.statistics, d, baseline
        self.size, self.terms = table.size, terms
        self.batch = terms is None

    def _write(self, outcomes: np.ndarray, terms: np.ndarray, out: np.ndarray) -> None:
        if self.size == 2:
            column = out[:, 0]
            np.multiply(outcomes, terms[1, 0] - terms[0, 0], out=column)
            column += terms[0, 0]
        else:
            np.take(terms, outcomes, axis=0, out=out)

    def fill(self, rng: np.random.Generator, out: np.ndarray) -> None:
        n = out.shape[0]
        into = getattr(self.draw, "into", None)  # outcomes written as floats: one pass less
        if not self.batch and self.size == 2 and into is not None:
            low, step = self.terms[0, 0], self.terms[1, 0] - self.terms[0, 0]
            for start, stop in chunks(n):
                column = into(rng, out[start:stop, 0])
                column *= step
                column += low
            return
        if not self.batch:
            for start, stop in chunks(n):
                self._write(self.draw(rng, stop - start), self.terms, out[start:stop])
            return
        counts = np.zeros(self.size)
        for start, stop in chunks(n):
            outcomes = self.draw(rng, stop - start)
            out[start:stop, 0] = outcomes
            if self.size == 2:
                counts[1] += np.count_nonzero(outcomes)
            else:
                counts += np.bincount(outcomes, minlength=self.size)
        if self.size == 2:
            counts[0] = n - counts[1]
        rewards = self.statistics[:, 2 * self.d]
        per_outcome = batch_baseline(counts @ rewards, rewards, n, self.baseline)
        terms = outcome_terms(
            self.statistics, self.d, np.broadcast_to(per_outcome, rewards.shape)[:, None]
        )
        indices = np.empty(min(n, CHUNK_SIZE), dtype=np.intp)
        for start, stop in chunks(n):
            chunk = out[start:stop]
            if self.size == 2:
                self._write(chunk[:, 0], terms, chunk)
            else:
                outcomes = indices[: stop - start]
                np.copyto(outcomes, chunk[:, 0], casting="unsafe")
                self._write(outcomes, terms, chunk)


# Below this many repetitions per chunk, counting each repetition's run with count_nonzero (a
# fast popcount) beats one reduction along a (block, n) axis, which is slow for long rows.
_ROW_LOOP_LIMIT = 32


class OutcomeCountSums:
    """A finite support: each sample is drawn by outcome index and only counted; the sums are
    counts @ statistics."""

    def __init__(self, draw: OutcomeDraw, table: OutcomeTable) -> None:
        self.draw, self.statistics = draw, table.statistics
        self.two_outcomes = table.size == 2
        self.width = 1 if self.two_outcomes else table.size  # two: the ones; zeros are n − ones
        self._offsets: tuple[int, int, np.ndarray] | None = None

    def _outcome_offsets(self, block: int, length: int) -> np.ndarray:
        """Repetition r's outcomes are counted in bins r·K … r·K + K − 1 (kept between chunks)."""
        if self._offsets is None or self._offsets[:2] != (block, length):
            offsets = np.repeat(np.arange(block) * self.width, length)
            self._offsets = (block, length, offsets)
        return self._offsets[2]

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        outcomes = self.draw(rng, block * length)
        if not self.two_outcomes:
            if block > 1:
                outcomes += self._outcome_offsets(block, length)
            totals += np.bincount(outcomes, minlength=block * self.width).reshape(block, self.width)
            return
        if block <= _ROW_LOOP_LIMIT:
            for row in range(block):
                totals[row, 0] += np.count_nonzero(outcomes[row * length : (row + 1) * length])
        else:
            totals[:, 0] += outcomes.reshape(block, length).sum(axis=1)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        if not self.two_outcomes:
            return totals @ self.statistics
        counts = np.column_stack([n - totals[:, 0], totals[:, 0]])
        return counts @ self.statistics  # as the counts route computes it, to the last bit
