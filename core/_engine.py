"""The private engine: fills term arrays, repeats estimates, routes through counts, splits tasks.

It asks each problem what it can do — `term_kernel` and `sum_kernel` (chunk kernels, see
`core._kernels`), `outcome_table()` (None for a continuous support) and `sample_width` — and
never tests a problem's class, so a new problem needs no edit here.

An n-sample score-function estimate depends on its samples only through ΣA, ΣS, Σf and ΣfS,
whatever the baseline (leave-one-out included): with b_i = (Σf − f_i)/(n − 1),
Σ (A_i − b_i S_i) = ΣA − (Σf·ΣS − ΣfS)/(n − 1). So each repetition is reduced to those sums:

- method="counts" draws them from outcome counts (Binomial/Multinomial) for problems with a
  finite support — O(K) per repetition whatever n;
- method="per_sample" draws every sample, in chunks of CHUNK_SIZE = 2^16 through the problem's
  sum kernel, and reduces each chunk to per-repetition sums, so no (reps × n) array is built;
- method="auto" (the default) picks counts where they are cheaper, per-sample elsewhere.

Both routes give the same distribution of estimates (tests/core/test_fast_paths.py checks the
exact mean and variance and a two-sample test); a seed fixes the numbers of each route.

A sweep over sample sizes is cut into tasks of about TASK_SAMPLES sampled steps each. Size k
draws from its own stream (a SeedSequence chosen by the caller); when its repetitions need
several tasks, task i draws from stream.spawn(tasks)[i], and when one task holds them all it
draws from the stream itself. How repetitions are cut depends only on (n, reps, method) — never
on the executor — so a sweep gives the same numbers in-process, on a ProcessPoolExecutor, or on
a Dask cluster (`distributed.Client(...).get_executor()`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, as_completed
from dataclasses import dataclass

import numpy as np

from core._kernels import OutcomeTable
from core.numerics import CHUNK_SIZE, make_rng

METHODS = ("auto", "counts", "per_sample")

# Drawing one category of a multinomial costs about as much as simulating four sample steps
# (measured: ~70 ns per category against ~280 ns per 12-step episode, ~3 ns per bandit pull).
_CATEGORY_COST_IN_STEPS = 0.25

# ~4M sampled steps per task: ~15 ms at the RNG limit, long enough that a process pool's
# per-task cost (pickling a problem, ~0.1 ms) is noise, short enough to balance two workers.
TASK_SAMPLES = 1 << 22


# --- per-sample terms ----------------------------------------------------------------------------


def fill_terms(problem, n: int, rng, estimator: str, baseline, out: np.ndarray | None):
    """The problem's term kernel run into `out` (allocated in the kernel's layout if None)."""
    kernel = problem.term_kernel(estimator, baseline)
    if out is None:
        out = np.empty((n, problem.dim), order=kernel.order)
    elif out.shape != (n, problem.dim) or out.dtype != np.float64:
        raise ValueError(
            f"out must be a float64 array of shape ({n}, {problem.dim}), "
            f"got {out.dtype} {out.shape}"
        )
    kernel.fill(rng, out)
    return out


# --- repeated estimates ----------------------------------------------------------------------------


def countable_table(problem, estimator: str, method: str) -> OutcomeTable | None:
    """The outcome table when the counts route may be taken, else None."""
    if estimator != "score" or method == "per_sample":
        return None
    return problem.outcome_table()


def resolve_method(problem, n: int, estimator: str, method: str, table: OutcomeTable | None) -> str:
    """Turn "auto" into "counts" or "per_sample"; check that an explicit choice is possible.

    `table` is `countable_table(...)`. "auto" draws counts when K Binomial draws cost less than
    n·T sampled steps (K outcomes, T steps per sample), i.e. K/4 ≤ n·T: the bandits always,
    12-step episodes from n ≈ 85 on.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    countable = estimator == "score" and table is not None
    if method == "counts" and not countable:
        raise ValueError(
            f"method='counts' needs the score-function estimator on a problem with a finite "
            f"support (Bandit, SoftmaxBandit, Episodes); {type(problem).__name__} with the "
            f"{estimator} estimator must use method='per_sample' (or 'auto')"
        )
    if method != "auto":
        return method
    if not countable:
        return "per_sample"
    cheaper = repetition_cost(problem, n, "counts", table) <= repetition_cost(
        problem, n, "per_sample", table
    )
    return "counts" if cheaper else "per_sample"


def repetition_cost(problem, n: int, method: str, table: OutcomeTable | None) -> float:
    """One repetition's cost in sampled steps: n·T per sample, or K/4 for K drawn counts."""
    if method == "counts":
        return table.size * _CATEGORY_COST_IN_STEPS
    return float(n * problem.sample_width)


def draw_counts(
    rng: np.random.Generator, n: int, probabilities: np.ndarray, reps: int
) -> np.ndarray:
    """Outcome counts of `reps` independent n-sample batches, shape (reps, K), float64.

    Two outcomes: one Binomial per batch, drawn for the rarer outcome so a probability within
    rounding of 1 (σ(50) = 1 − 2e-22) still leaves the other its exact tiny chance.
    """
    if probabilities.size == 2:
        rare = int(np.argmin(probabilities))
        counts = np.empty((reps, 2))
        counts[:, rare] = rng.binomial(n, probabilities[rare], size=reps)
        np.subtract(n, counts[:, rare], out=counts[:, 1 - rare])
        return counts
    # Multinomial rejects a total above 1 by more than 1e-12; the support sums to 1 only to
    # rounding, so normalise exactly once more.
    return rng.multinomial(n, probabilities / probabilities.sum(), size=reps).astype(np.float64)


def count_sums(table: OutcomeTable, n: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Per-repetition sums (ΣA, ΣS, Σf, ΣfS), shape (reps, 3d + 1), from Multinomial counts.

    Repetitions are drawn in blocks of ≤ CHUNK_SIZE counts, so a large support (4096 episodes)
    never needs a (reps × K) array.
    """
    sums = np.empty((reps, table.statistics.shape[1]))
    per_block = max(1, CHUNK_SIZE // table.size)
    for start in range(0, reps, per_block):
        block = min(per_block, reps - start)
        counts = draw_counts(rng, n, table.probabilities, block)
        np.matmul(counts, table.statistics, out=sums[start : start + block])
    return sums


def per_sample_sums(kernel, n: int, reps: int, rng: np.random.Generator) -> np.ndarray:
    """Per-repetition sums, drawing ≤ CHUNK_SIZE samples at a time.

    n ≤ CHUNK_SIZE: a chunk holds ⌊CHUNK_SIZE/n⌋ whole repetitions; larger n: a repetition
    spans several chunks whose partial totals are added. A kernel reduces each chunk to
    per-repetition totals that add across chunks (counts, Σf z, …) and turns them into the
    sums once at the end.
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


def combine(
    sums: np.ndarray, n: int, d: int, estimator: str, baseline, optimal: np.ndarray | None
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


def estimate_block(
    problem,
    n: int,
    reps: int,
    rng: np.random.Generator,
    estimator: str,
    baseline,
    method: str,
    table: OutcomeTable | None,
) -> np.ndarray:
    """`reps` independent n-sample estimates, shape (reps, d), for checked arguments.

    `table` is `countable_table(problem, estimator, method)` (passed in so a task need not
    rebuild it).
    """
    method = resolve_method(problem, n, estimator, method, table)
    if method == "counts":
        sums = count_sums(table, n, reps, rng)
    else:
        sums = per_sample_sums(problem.sum_kernel(estimator, baseline), n, reps, rng)
    optimal = problem.optimal_baseline() if baseline == "optimal" else None
    return combine(sums, n, problem.dim, estimator, baseline, optimal)


def repeated_estimates(
    problem, n: int, reps: int, rng: np.random.Generator, estimator: str, baseline, method: str
) -> np.ndarray:
    """`estimate_block` with the table looked up: `reps` n-sample estimates of ∇θ E[f]."""
    table = countable_table(problem, estimator, method)
    return estimate_block(problem, n, reps, rng, estimator, baseline, method, table)


# --- sweeps split into tasks -----------------------------------------------------------------------


@dataclass(frozen=True)
class EstimateTask:
    """`reps` repetitions of the n-sample estimate, drawn from the generator seeded by `seed`."""

    problem: object
    n: int
    reps: int
    seed: np.random.SeedSequence
    estimator: str
    baseline: float | str | None
    method: str
    table: OutcomeTable | None


def run_task(task: EstimateTask) -> np.ndarray:
    """The task's estimates, shape (task.reps, d). Module-level so process pools can pickle it."""
    return estimate_block(
        task.problem,
        task.n,
        task.reps,
        make_rng(task.seed),
        task.estimator,
        task.baseline,
        task.method,
        task.table,
    )


def plan_tasks(
    problem,
    sizes: Sequence[int],
    reps: int,
    streams: Sequence[np.random.SeedSequence],
    estimator: str,
    baseline,
    method: str,
) -> list[list[EstimateTask]]:
    """The tasks of a sweep, one list per size; each list's repetitions add up to `reps`."""
    table = countable_table(problem, estimator, method)
    plan = []
    for n, stream in zip(sizes, streams, strict=True):
        resolved = resolve_method(problem, n, estimator, method, table)
        per_task = max(1, int(TASK_SAMPLES // repetition_cost(problem, n, resolved, table)))
        count = math.ceil(reps / per_task)
        # Ship the table only to tasks that read it: 4096 rows for 12-step episodes.
        shipped = table if resolved == "counts" else None
        plan.append(
            [
                EstimateTask(
                    problem,
                    n,
                    min(per_task, reps - i * per_task),
                    task_seed,
                    estimator,
                    baseline,
                    resolved,
                    shipped,
                )
                for i, task_seed in enumerate(stream.spawn(count) if count > 1 else [stream])
            ]
        )
    return plan


def run_plan(
    plan: list[list[EstimateTask]],
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[np.ndarray]:
    """Every task's estimates, one (reps, d) array per size in plan order.

    In this process when `executor` is None, else on `executor`; `progress(done, total)` is
    called in the calling thread each time a task finishes, in the order they finish (on an
    executor that need not be the plan's order; the blocks are put back in it).
    """
    tasks = [task for tasks in plan for task in tasks]
    if executor is None:
        finished = enumerate(map(run_task, tasks))
    else:
        futures = {executor.submit(run_task, task): k for k, task in enumerate(tasks)}
        finished = ((futures[future], future.result()) for future in as_completed(futures))
    blocks: list[np.ndarray | None] = [None] * len(tasks)
    for done, (k, block) in enumerate(finished, start=1):
        blocks[k] = block
        if progress is not None:
            progress(done, len(tasks))
    estimates, start = [], 0
    for tasks_of_n in plan:
        estimates.append(np.concatenate(blocks[start : start + len(tasks_of_n)]))
        start += len(tasks_of_n)
    return estimates
