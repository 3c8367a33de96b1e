"""core.catalogue: one registry whose defaults, controls and code agree with the problems."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import core
from core.catalogue import PROBLEMS, Formula

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
def test_a_default_setting_builds_the_default_problem_and_its_code_rebuilds_it(name: str) -> None:
    entry = PROBLEMS[name]
    setting = entry.setting(**{p.name: p.default for p in entry.parameters})
    assert hash(setting) == hash(entry.setting(**dict(setting.arguments)))
    built, default = setting.build(), entry.problem()
    rebuilt = eval(setting.code(), {"core": core})  # noqa: S307 - our own rendered code
    for problem in (built, rebuilt):
        assert type(problem) is entry.problem
        np.testing.assert_array_equal(problem.exact_gradient(), default.exact_gradient())
        np.testing.assert_array_equal(problem.fisher_information(), default.fisher_information())


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
        entry.setting(**shown).build()  # the defaults of every use make a valid problem


def test_a_custom_cost_is_kept_as_its_text_and_parsed_when_built() -> None:
    setting = PROBLEMS["gaussian"].setting(mu=0.5, sigma=2.0, cost=Formula("abs(x - 1)"))
    assert (
        setting.code()
        == "core.Gaussian(mu=0.5, sigma=2.0, cost=core.parse_expression('abs(x - 1)'))"
    )
    problem = setting.build(time_limit=5.0)
    named = core.Gaussian(0.5, 2.0, "abs", 1.0)
    np.testing.assert_allclose(problem.exact_gradient(), named.exact_gradient(), rtol=1e-7)


def test_an_unknown_argument_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="bandit takes no argument logits"):
        PROBLEMS["bandit"].setting(logits=(1.0, 2.0))
