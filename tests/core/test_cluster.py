"""The sweeps give bit-identical numbers in process, on two local processes and on a real
Dask LocalCluster (the session's `dask_client`: two worker processes on 127.0.0.1)."""

from __future__ import annotations

import pytest

import core

# Small studies: the cluster's start-up (a few seconds, once) is the cost, not the work. On the
# per-sample route the largest size is split into several tasks, so their order is checked;
# the episodes take their usual route, outcome counts, whose table travels with each task.
PROBLEMS = {
    "bandit": core.Bandit(0.4, (5.0, 10.0)),
    "gaussian": core.Gaussian(0.5, 1.2, "cos"),
    "episodes": core.Episodes(4, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0), "reward_to_go"),
}
METHOD = {"bandit": "per_sample", "gaussian": "per_sample", "episodes": "auto"}
SIZES = [10, 100, 200_000]
REPS = 40


def _three_ways(study, two_processes, dask_client):
    return study(None), study(two_processes), study(dask_client.get_executor())


@pytest.mark.parametrize("name", PROBLEMS)
def test_variance_curve_is_bit_identical_in_process_on_processes_and_on_the_cluster(
    name, two_processes, dask_client
):
    problem = PROBLEMS[name]

    def study(executor):
        return core.variance_curve(
            problem, SIZES, REPS, baseline="loo", seed=11, method=METHOD[name], executor=executor
        )

    in_process, processes, cluster = _three_ways(study, two_processes, dask_client)
    assert in_process.equals(processes)
    assert in_process.equals(cluster)


@pytest.mark.parametrize("name", PROBLEMS)
def test_baseline_comparison_is_bit_identical_in_process_on_processes_and_on_the_cluster(
    name, two_processes, dask_client
):
    problem = PROBLEMS[name]

    def study(executor):
        return core.baseline_comparison(problem, 20, 300, constant=1.0, seed=3, executor=executor)

    in_process, processes, cluster = _three_ways(study, two_processes, dask_client)
    assert in_process.equals(processes)
    assert in_process.equals(cluster)


def test_progress_on_the_cluster_counts_every_task(dask_client):
    calls = []
    core.variance_curve(
        PROBLEMS["gaussian"],
        SIZES,
        REPS,
        executor=dask_client.get_executor(),
        progress=lambda *call: calls.append(call),
    )
    total = calls[-1][1]
    assert total > len(SIZES)
    assert calls == [(done, total) for done in range(1, total + 1)]
