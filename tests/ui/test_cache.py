"""ui.cache: one cache entry per problem value — equal problems share it, another θ gets its
own — and a visitor's slow f(x) is stopped by the custom-cost time limit."""

from __future__ import annotations

import time
import warnings

import pytest

import core
from core.calls import Call
from ui import cache

RUNS: list[core.Problem] = []


def counted(problem: core.Problem) -> float:
    """E[f], counting each time the cache actually runs it."""
    RUNS.append(problem)
    return problem.expected_value()


def counting(problem: core.Problem) -> Call:
    return Call("counted", problem, module=__name__)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.compute.clear()
    RUNS.clear()
    yield
    cache.compute.clear()


def test_equal_problems_share_one_cache_entry_and_another_theta_gets_its_own() -> None:
    first = cache.compute(counting(core.Bandit(0.5)))
    again = cache.compute(counting(core.Bandit(0.5, rewards=[5, 10])))  # equal, another object
    other = cache.compute(counting(core.Bandit(0.6)))
    assert len(RUNS) == 2 and first == again != other


def test_a_custom_cost_is_keyed_by_its_formula() -> None:
    for text in ("sin(x)", " sin(x)", "cos(x)"):
        cache.compute(counting(core.Gaussian(0.0, 1.0, core.parse_expression(text))))
    cache.compute(counting(core.Gaussian(0.0, 1.0, "square")))
    cache.compute(counting(core.Gaussian(0.0, 1.0, "square", k=0.0)))  # k = 0 is the default
    assert [repr(problem.cost.function) for problem in RUNS[:2]] == [
        "core.parse_expression('sin(x)')",
        "core.parse_expression('cos(x)')",
    ]
    assert len(RUNS) == 3


def test_a_slow_custom_cost_is_stopped_by_the_time_limit(monkeypatch) -> None:
    """sin(20x) under N(2, 5²) needs seconds of quadrature; a 0.5 s limit stops it."""
    monkeypatch.setattr(cache, "CUSTOM_COST_SECONDS", 0.5)
    slow = core.Gaussian(2.0, 5.0, core.parse_expression("sin(20*x)"))
    start = time.perf_counter()
    with (
        warnings.catch_warnings(),
        pytest.raises(core.ExpressionError, match="took longer than the limit of 0.5 s"),
    ):
        warnings.simplefilter("ignore")
        cache.compute(Call.of("per_sample_variance", slow, "score"))
    assert time.perf_counter() - start < 5.0
    # outside the cache's calls the same f has no limit; a named cost never looks at it
    assert slow.f(slow.sample(core.numerics.make_rng(0), 3)).shape == (3,)
    assert (
        cache.compute(Call.of("per_sample_variance", core.Gaussian(2.0, 5.0, "cos"), "score"))[0]
        > 0
    )


def _running_mean(theta: float):
    return cache.trace(Call.of("derivation.running_estimate", core.Bandit(theta), 5_000, seed=1))


def test_a_chart_whose_numbers_change_keeps_its_spec_text_so_the_browser_swaps_the_data():
    import json

    first, second = (
        cache.chart_spec("running_mean_chart", _running_mean(theta), value_title="mean")
        for theta in (0.0, 1.0)
    )
    assert first["datasets"] != second["datasets"]
    assert list(first["datasets"]) == ["dataset-0"]  # named by order, not by a hash of the rows
    without_data = [
        json.dumps({k: v for k, v in s.items() if k != "datasets"}) for s in (first, second)
    ]
    assert without_data[0] == without_data[1]


def test_the_phone_layout_is_cached_beside_the_wide_one_and_only_changes_the_layout():
    from ui import charts

    trace = _running_mean(0.0)
    wide = cache.chart_spec("running_mean_chart", trace, value_title="mean")
    narrow = cache.chart_spec("running_mean_chart", trace, value_title="mean", narrow=True)
    assert narrow == charts.narrow_spec(
        cache.chart_spec("running_mean_chart", trace, value_title="mean")
    )
    assert narrow["datasets"] == wide["datasets"] and narrow != wide


def test_a_trace_chart_draws_at_most_trace_points_log_spaced_draws_while_the_table_keeps_its_rows():
    from ui import charts

    trace = _running_mean(0.0)
    assert len(trace) > charts.TRACE_POINTS  # the table (and its download) keeps TRACE_ROWS
    [rows] = cache.chart_spec("running_mean_chart", trace, value_title="mean")["datasets"].values()
    assert len(rows) <= charts.TRACE_POINTS
    draws = sorted(row["draw"] for row in rows)
    assert draws[0] == 1 and draws[-1] == 5_000
