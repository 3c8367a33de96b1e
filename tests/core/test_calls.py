"""core.calls: a Call's printed code computes exactly what running it computes."""

from __future__ import annotations

import numpy as np
import pandas as pd

import core
from core.calls import Call, Grid, Name, code_block
from core.catalogue import PROBLEMS


def run_code(code: str) -> dict[str, object]:
    namespace: dict[str, object] = {}
    exec(compile(code, "<call>", "exec"), namespace)
    return namespace


def test_the_code_of_a_call_computes_what_the_call_computes() -> None:
    problem = PROBLEMS["softmax"].build(logits=(0.5, -1.0, 0.0), rewards=(1.0, 3.0, 2.0))
    call = Call.of("objective_curve", problem, Grid(-2.0, 2.0, 9), parameter=1)
    code = call.code("curve")
    assert "core.objective_curve(problem, np.linspace(-2.0, 2.0, 9).round(10), parameter=1)" in code
    pd.testing.assert_frame_equal(run_code(code)["curve"], call.run(), check_exact=True)


def test_a_block_of_calls_shares_one_problem_and_passes_results_by_name() -> None:
    problem = PROBLEMS["bandit"].build(theta=0.3, rewards=(1.0, 4.0))
    sweep = Call.of("variance_curve", problem, ns=(5, 50), reps=100, seed=3)
    fits = Call.of("comparisons.variance_slope_fits", None, Name("curve"))
    code = code_block([("curve", sweep), ("fits", fits)])
    assert code.count("problem = core.Bandit(theta=0.3, rewards=(1.0, 4.0))") == 1
    assert "from core.comparisons import variance_slope_fits" in code
    namespace = run_code(code)
    curve = sweep.run()
    pd.testing.assert_frame_equal(namespace["curve"], curve, check_exact=True)
    pd.testing.assert_frame_equal(
        namespace["fits"], fits.run(names={"curve": curve}), check_exact=True
    )


def test_replacing_a_keyword_keeps_the_others_in_place() -> None:
    call = Call.of("variance_curve", None, ns=(1, 2), reps=10, seed=0)
    assert call.with_keywords(ns=(2,)).keywords == (("ns", (2,)), ("reps", 10), ("seed", 0))
    assert hash(call) == hash(Call.of("variance_curve", None, ns=(1, 2), reps=10, seed=0))


def test_a_grid_is_numpy_s_linspace_rounded_to_clean_decimals() -> None:
    grid = Grid(-6.0, 6.0, 241)
    np.testing.assert_allclose(grid.values(), np.linspace(-6.0, 6.0, 241), rtol=0, atol=1e-12)
    assert grid.values()[41] == -3.95 and np.linspace(-6.0, 6.0, 241)[41] != -3.95
    assert eval(repr(grid), {"np": np}).tolist() == grid.values().tolist()


def test_a_call_is_a_value_because_its_problem_is_and_its_code_rebuilds_the_problem() -> None:
    def check(mu: float) -> Call:
        problem = core.Gaussian(mu, 1.0, core.parse_expression("x**2"))
        return Call.of("score_check", problem, 200, seed=0)

    assert check(0.0) == check(0.0) and hash(check(0.0)) == hash(check(0.0))
    assert check(0.0) != check(0.5)
    code = check(0.5).code()
    assert "problem = core.Gaussian(mu=0.5, sigma=1.0, cost=core.parse_expression('x**2'))" in code
    pd.testing.assert_frame_equal(run_code(code)["table"], check(0.5).run(), check_exact=True)
