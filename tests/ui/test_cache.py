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
