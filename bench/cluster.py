"""Section "cluster": one large sweep in process, on 2 local processes and on a 2-worker Dask
LocalCluster (127.0.0.1, no dashboard), and the cost per task of each executor.

Wall clock, median of `rounds` interleaved rounds, workers started before timing. The sweep is
`variance_curve` on the Gaussian, per-sample path, reps = 1000, ten sizes from 10 to 10⁵ (the
benchmark's section 2 sweep): 1.56e8 samples in 46 tasks. The overhead per task is measured on a
plan of many tiny tasks (n = 1, reps = 2: no work to speak of), as (executor time − in-process
time) / tasks — what one task costs to ship, schedule and bring back.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor

import numpy as np

import core
from core import _engine
from core.variance_studies import size_stream

TINY_TASKS = 400


def _wall(function: Callable[[], object]) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def _tiny_plan(problem) -> list[list[_engine.EstimateTask]]:
    seeds = np.random.SeedSequence(0).spawn(TINY_TASKS)
    return [
        [_engine.EstimateTask(problem, 1, 2, seed, "score", None, "per_sample", None)]
        for seed in seeds
    ]


def cluster_rows(rounds: int, sweep_ns, sweep_reps) -> list[tuple[str, float, float, float]]:
    """(executor, sweep seconds, ratio to in process, overhead per task in ms), one per executor."""
    import distributed

    problem = core.Gaussian()
    plan = _engine.plan_tasks(
        problem,
        sweep_ns,
        sweep_reps,
        [size_stream(0, n) for n in sweep_ns],
        "score",
        None,
        "per_sample",
    )
    tasks = sum(len(t) for t in plan)
    tiny = _tiny_plan(problem)

    def sweep(executor: Executor | None) -> Callable[[], object]:
        return lambda: core.variance_curve(
            problem, sweep_ns, sweep_reps, method="per_sample", executor=executor
        )

    with (
        ProcessPoolExecutor(2) as pool,
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        executors = {
            "in process": None,
            "2 processes": pool,
            "LocalCluster, 2 workers": client.get_executor(),
        }
        for executor in (pool, executors["LocalCluster, 2 workers"]):
            _engine.run_plan(tiny[:4], executor)  # warm the workers and their imports
        times = {name: [] for name in executors}
        overheads = {name: [] for name in executors}
        for _ in range(rounds):
            for name, executor in executors.items():
                times[name].append(_wall(sweep(executor)))
                overheads[name].append(_wall(lambda e=executor: _engine.run_plan(tiny, e)))
    base, tiny_base = (
        statistics.median(times["in process"]),
        statistics.median(overheads["in process"]),
    )
    print(f"(the sweep: {tasks} tasks; the overhead plan: {TINY_TASKS} tiny tasks)")
    return [
        (
            name,
            statistics.median(times[name]),
            statistics.median(times[name]) / base,
            1e3 * (statistics.median(overheads[name]) - tiny_base) / TINY_TASKS,
        )
        for name in executors
    ]


def print_cluster(rows: list[tuple[str, float, float, float]]) -> None:
    print("\n## 6. One sweep on each executor (wall clock)\n")
    print("| executor | sweep | ratio to in process | overhead per task |")
    print("|---|---|---|---|")
    for name, seconds, ratio, overhead in rows:
        cost = "—" if name == "in process" else f"{overhead:.2f} ms"
        print(f"| {name} | {seconds:.2f} s | {ratio:.2f}× | {cost} |")
