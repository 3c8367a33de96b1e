"""Many independent n-sample estimates at once, streamed in chunks so memory stays bounded.

An n-sample score-function estimate depends on its samples only through the sums
ΣA, ΣS, Σf and Σ f S, whatever the baseline (the leave-one-out baseline included), so chunks of
~2^16 samples are reduced to those sums and no (reps × n) array is ever built.
"""

from __future__ import annotations

import numpy as np

from core.estimators import Baseline, check_baseline, check_estimator
from core.numerics import CHUNK_SIZE, check_sample_count
from core.problem import Problem


def _per_sample_statistics(
    problem: Problem, estimator: str, rng: np.random.Generator, count: int
) -> np.ndarray:
    """Rows of what each sample contributes to the sums: (A, S, f, fS) or the terms themselves."""
    if estimator == "pathwise":
        return problem.pathwise_terms(rng, count)
    if estimator == "measure_valued":
        return problem.measure_valued_terms(rng, count)
    x = problem.sample(rng, count)
    scores = problem.score(x)
    rewards = problem.f(x)
    return np.column_stack([problem.credited_score(x), scores, rewards, rewards[:, None] * scores])


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


def repeated_estimates(
    problem: Problem,
    n: int,
    reps: int,
    *,
    rng: np.random.Generator,
    estimator: str = "score",
    baseline: Baseline = None,
) -> np.ndarray:
    """`reps` independent n-sample estimates of ∇θ E[f], shape (reps, d), in bounded memory."""
    n, reps = check_sample_count(n), check_sample_count(reps, "reps")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    if baseline == "loo" and n < 2:
        raise ValueError("the leave-one-out baseline needs n ≥ 2 samples (it averages the others)")
    d = problem.dim
    optimal = problem.optimal_baseline() if baseline == "optimal" else None
    estimates = np.empty((reps, d))
    if n <= CHUNK_SIZE:
        per_block = max(1, CHUNK_SIZE // n)
        for start in range(0, reps, per_block):
            block = min(per_block, reps - start)
            rows = _per_sample_statistics(problem, estimator, rng, block * n)
            sums = rows.reshape(block, n, -1).sum(axis=1)
            estimates[start : start + block] = _combine(sums, n, d, estimator, baseline, optimal)
        return estimates
    for rep in range(reps):
        total = 0.0
        for start in range(0, n, CHUNK_SIZE):
            rows = _per_sample_statistics(problem, estimator, rng, min(CHUNK_SIZE, n - start))
            total = total + rows.sum(axis=0)
        estimates[rep] = _combine(np.atleast_2d(total), n, d, estimator, baseline, optimal)[0]
    return estimates
