"""Sweeps of repeated estimates split into tasks that any `concurrent.futures.Executor` can run.

A sweep over sample sizes ns is cut into tasks of about TASK_SAMPLES sampled steps each. The
k-th size draws from stream_k = SeedSequence(seed).spawn(len(ns))[k]; when its repetitions
need several tasks, task i draws from stream_k.spawn(tasks)[i] (NumPy's recommended way to
seed parallel work), and when one task holds them all it draws from stream_k itself (so a
small study equals `repeated_estimates(..., rng=make_rng(stream_k))`). How repetitions are
cut depends only on (n, reps, method) — never on the executor — so a sweep gives the same
numbers in-process, on a `ProcessPoolExecutor`, or on a Dask cluster
(`distributed.Client(...).get_executor()`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from core.estimators import Baseline, check_baseline, check_baseline_fits, check_estimator
from core.fast_paths import OutcomeTable, outcome_table, repetition_cost, resolve_method
from core.numerics import check_sample_count, make_rng
from core.problem import Problem
from core.sampling import estimate_block, wants_outcome_table

# ~4M sampled steps per task: ~15 ms at the RNG limit, long enough that a process pool's
# per-task cost (pickling a problem, ~0.1 ms) is noise, short enough to balance two workers.
TASK_SAMPLES = 1 << 22


@dataclass(frozen=True)
class EstimateTask:
    """`reps` repetitions of the n-sample estimate, drawn from the generator seeded by `seed`."""

    problem: Problem
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
    problem: Problem,
    ns: Sequence[int],
    reps: int,
    *,
    seed: int = 0,
    estimator: str = "score",
    baseline: Baseline = None,
    method: str = "auto",
) -> list[list[EstimateTask]]:
    """The tasks of a sweep, one list per n; each list's repetitions add up to `reps`."""
    table = outcome_table(problem) if wants_outcome_table(problem, estimator, method) else None
    streams = np.random.SeedSequence(seed).spawn(len(ns))
    plan = []
    for n, stream in zip(ns, streams, strict=True):
        resolved = resolve_method(problem, n, estimator, method, table)
        per_task = max(1, int(TASK_SAMPLES // repetition_cost(problem, n, resolved, table)))
        count = math.ceil(reps / per_task)
        # Ship the table only to tasks that read it: 4096 rows for 12-step episodes.
        needs_table = wants_outcome_table(problem, estimator, resolved)
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
                    table if needs_table else None,
                )
                for i, task_seed in enumerate(stream.spawn(count) if count > 1 else [stream])
            ]
        )
    return plan


def sweep_repeated_estimates(
    problem: Problem,
    ns: Sequence[int],
    reps: int,
    *,
    seed: int = 0,
    estimator: str = "score",
    baseline: Baseline = None,
    method: str = "auto",
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[np.ndarray]:
    """`reps` n-sample estimates for each n in `ns`: a list of (reps, d) arrays, in order of ns.

    The tasks run in this process when `executor` is None, else on `executor` (any
    concurrent.futures.Executor: ProcessPoolExecutor, a Dask client's get_executor(), …; a
    process or cluster executor needs a picklable problem — named costs are, a lambda is not).
    `progress`, if given, is called in the calling thread as `progress(tasks done, tasks)`.
    Numbers are identical whichever executor runs the tasks.
    """
    sizes = [check_sample_count(n, "each n") for n in ns]
    if not sizes:
        raise ValueError("ns must list at least one sample size")
    reps = check_sample_count(reps, "reps")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    check_baseline_fits(baseline, min(sizes))
    plan = plan_tasks(
        problem, sizes, reps, seed=seed, estimator=estimator, baseline=baseline, method=method
    )
    tasks = [task for tasks in plan for task in tasks]
    results = map(run_task, tasks) if executor is None else executor.map(run_task, tasks)
    blocks = []
    for done, block in enumerate(results, start=1):
        blocks.append(block)
        if progress is not None:
            progress(done, len(tasks))
    estimates, start = [], 0
    for tasks_of_n in plan:
        estimates.append(np.concatenate(blocks[start : start + len(tasks_of_n)]))
        start += len(tasks_of_n)
    return estimates
