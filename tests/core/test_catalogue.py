"""core.catalogue: one registry whose defaults and controls build the problems themselves."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import core
from core.catalogue import PROBLEMS

ENTRIES = sorted(PROBLEMS)


@pytest.mark.parametrize("name", ENTRIES)
def test_the_registry_s_arguments_are_the_constructor_s_with_its_defaults(name: str) -> None:
    entry = PROBLEMS[name]
    signature = inspect.signature(entry.problem)
    assert [p.name for p in entry.parameters] == [
        p.name for p in signature.parameters.values() if p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    for parameter in entry.parameters:
        default = signature.parameters[parameter.name].default
        assert parameter.default == default, parameter.name
        assert parameter.help, f"{name}.{parameter.name} needs a help line for its flag"


@pytest.mark.parametrize("name", ENTRIES)
def test_the_defaults_build_the_default_problem_whose_repr_rebuilds_it(name: str) -> None:
    entry = PROBLEMS[name]
    built = entry.build(**{p.name: p.default for p in entry.parameters})
    rebuilt = eval(repr(built), {"core": core})  # noqa: S307 - our own repr
    assert type(built) is entry.problem
    assert built == entry.problem() == rebuilt and hash(built) == hash(rebuilt)
    np.testing.assert_array_equal(rebuilt.exact_gradient(), built.exact_gradient())
    np.testing.assert_array_equal(rebuilt.fisher_information(), built.fisher_information())


@pytest.mark.parametrize("name", ENTRIES)
def test_every_control_starts_inside_its_range_and_sets_a_known_argument(name: str) -> None:
    entry = PROBLEMS[name]
    arguments = {p.name for p in entry.parameters}
    for use, controls in entry.controls.items():
        keys = [p.key for p in controls.parameters]
        assert len(set(keys)) == len(keys) and all(keys), f"{name}/{use}: URL keys unique"
        values: dict[str, object] = {}
        for parameter in controls.parameters:
            if parameter.widget == "choice":
                assert parameter.default in parameter.choices
            elif parameter.default is not None:
                assert parameter.low <= parameter.default <= parameter.high, parameter.key
            if parameter.index is None:
                values[parameter.name] = parameter.default
            else:
                values.setdefault(parameter.name, []).append(parameter.default)
        if controls.count:
            count = values[controls.count]
            values = {k: v[:count] if isinstance(v, list) else v for k, v in values.items()}
        values |= controls.fixed(values)
        shown = {k: v for k, v in values.items() if k in arguments}
        assert set(values) - arguments <= {controls.count, "dim"}, f"{name}/{use}"
        problem = entry.build(**shown)  # the defaults of every use make a valid problem
        assert eval(repr(problem), {"core": core}) == problem, f"{name}/{use}"  # noqa: S307


def test_a_custom_cost_builds_a_problem_whose_repr_parses_its_text_again() -> None:
    problem = PROBLEMS["gaussian"].build(
        mu=0.5, sigma=2.0, cost=core.parse_expression("abs(x - 1)")
    )
    assert repr(problem) == (
        "core.Gaussian(mu=0.5, sigma=2.0, cost=core.parse_expression('abs(x - 1)'))"
    )
    assert eval(repr(problem), {"core": core}) == problem  # noqa: S307 - our own repr
    named = core.Gaussian(0.5, 2.0, "abs", 1.0)
    np.testing.assert_allclose(problem.exact_gradient(), named.exact_gradient(), rtol=1e-7)


def test_values_core_refuses_raise_its_message() -> None:
    with pytest.raises(ValueError, match=r"the bump cost exp\(−k x²\) needs k > 0, got -1.0"):
        PROBLEMS["gaussian"].build(mu=0.0, sigma=1.0, cost="bump", k=-1.0)


def test_an_unknown_argument_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="bandit takes no argument logits"):
        PROBLEMS["bandit"].build(logits=(1.0, 2.0))


def test_the_registry_says_which_problems_climb_a_reward_and_which_lower_a_cost() -> None:
    """Gradient ascent climbs the bandits', policy's and episodes' rewards; the Gaussian's f is
    a cost, which descent lowers (the Baselines page reads this to pick the sign)."""
    assert {name: entry.maximize for name, entry in PROBLEMS.items()} == {
        "bandit": True,
        "softmax": True,
        "gaussian": False,
        "policy": True,
        "episodes": True,
    }
