"""Sweeps split into seeded tasks give the same numbers on any executor."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import core
from core._engine import TASK_SAMPLES, plan_tasks
from core.numerics import make_rng
from core.variance_studies import size_stream
from tests.core.catalogue import repeated_estimates

# n·reps well above TASK_SAMPLES, so the large sizes are split into several tasks.
SIZES = [10, 1_000, 200_000]
REPS = 30


@pytest.mark.parametrize(
    "problem, estimator, method",
    [
        (core.Bandit(0.4), "score", "per_sample"),
        (core.Bandit(0.4), "score", "counts"),
        (core.Gaussian(0.5, 1.2, "cos"), "measure_valued", "auto"),
    ],
)
def test_a_process_pool_gives_exactly_the_in_process_numbers(
    two_processes, problem, estimator, method
):
    def curve(executor):
        return core.variance_curve(
            problem, SIZES, REPS, estimator=estimator, method=method, seed=7, executor=executor
        )

    in_process = curve(None)
    assert in_process.equals(curve(two_processes))
    with ThreadPoolExecutor(3) as threads:
        assert in_process.equals(curve(threads))


def test_a_process_pool_runs_a_parsed_expression_cost_with_the_in_process_numbers(two_processes):
    """Problems travel to workers as their constructor fields; a parsed cost as its text."""
    problem = core.Gaussian(0.2, 0.9, core.parse_expression("sin(3*x) + (x > 0.5)"))

    def curve(executor):
        return core.variance_curve(problem, [2_000], 3_000, seed=1, executor=executor)

    assert curve(None).equals(curve(two_processes))


def _plan(problem, sizes, reps, seed):
    streams = [size_stream(seed, n) for n in sizes]
    return plan_tasks(problem, sizes, reps, streams, "score", None, "auto")


def test_the_task_plan_depends_on_the_study_alone_and_covers_every_repetition():
    plan = _plan(core.Gaussian(), SIZES, REPS, seed=3)
    assert [sum(task.reps for task in tasks) for tasks in plan] == [REPS] * len(SIZES)
    largest = plan[-1]
    assert len(largest) > 1
    assert all(task.reps * task.n <= TASK_SAMPLES for task in largest)
    seeds = [tuple(task.seed.generate_state(4)) for tasks in plan for task in tasks]
    assert len(set(seeds)) == len(seeds), "every task draws from its own stream"


def test_a_size_that_fits_one_task_equals_repeated_estimates_on_its_own_stream():
    """Each size keeps the numbers of one generator seeded by (seed, n) alone."""
    problem, sizes = core.Gaussian(0.1, 0.7, "abs"), [5, 50]
    _, draws = core.variance_curve(problem, sizes, 30, seed=4, return_estimates=True)
    for n in sizes:
        expected = repeated_estimates(problem, n, 30, rng=make_rng(size_stream(4, n)))
        for j, param in enumerate(problem.params):
            shown = draws[(draws["n"] == n) & (draws["param"] == param)]["estimate"]
            np.testing.assert_array_equal(shown.to_numpy(), expected[:, j])


def test_progress_reports_every_task_in_order():
    calls = []
    core.variance_curve(
        core.Bandit(), SIZES, REPS, method="per_sample", progress=lambda *a: calls.append(a)
    )
    total = calls[-1][1]
    assert calls == [(done, total) for done in range(1, total + 1)]
    assert total > len(SIZES)


def test_sweep_arguments_are_checked_before_any_work():
    with pytest.raises(ValueError, match="at least one sample size"):
        core.variance_curve(core.Bandit(), [], 10)
    with pytest.raises(ValueError, match="leave-one-out"):
        core.variance_curve(core.Bandit(), [1, 10], 10, baseline="loo")
