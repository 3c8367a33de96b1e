"""Problems are frozen values: the repr is the Python that rebuilds them, equality and the hash
follow the constructor's arguments, and they pickle (caches and process pools key on them)."""

from __future__ import annotations

import dataclasses
import pickle

import numpy as np
import pytest

import core
from core.catalogue import PROBLEMS as REGISTRY
from tests.core.catalogue import PROBLEMS

# The repr runs after `import core` alone, as datetime's does after `import datetime`.
NAMESPACE = {"core": core}

VALUES = {
    **{name: build for name, build in PROBLEMS.items()},
    "gaussian-parsed": lambda: core.Gaussian(0.1, 0.9, core.parse_expression("sin(3*x) + x**2")),
    "gaussian-parsed-step": lambda: core.Gaussian(0.0, 1.0, core.parse_expression("(x > 0.5)")),
    **{f"registry-{name}": entry.problem for name, entry in REGISTRY.items()},
}


@pytest.mark.parametrize("name", VALUES)
def test_the_repr_rebuilds_an_equal_problem_with_the_same_hash(name):
    problem = VALUES[name]()
    rebuilt = eval(repr(problem), NAMESPACE)  # noqa: S307 — our own repr, our own names
    assert rebuilt == problem and hash(rebuilt) == hash(problem)
    assert repr(rebuilt) == repr(problem)
    np.testing.assert_array_equal(rebuilt.exact_gradient(), problem.exact_gradient())


@pytest.mark.parametrize("name", VALUES)
def test_a_problem_pickles_to_an_equal_problem_and_is_frozen(name):
    problem = VALUES[name]()
    restored = pickle.loads(pickle.dumps(problem))
    assert restored == problem and hash(restored) == hash(problem)
    field = dataclasses.fields(problem)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(problem, field, 1.0)
    with pytest.raises(ValueError, match="read-only"):
        problem.theta[0] = 5.0


def test_equal_arguments_give_equal_problems_and_other_arguments_other_ones():
    assert core.Bandit(0.3) == core.Bandit(0.3, rewards=[5, 10])
    assert core.Gaussian(0.0, 1.0, "square") == core.Gaussian(0.0, 1.0, "square", k=0.0)
    assert len({core.Bandit(0.3), core.Bandit(0.3), core.Bandit(0.4)}) == 2
    assert core.Bandit(0.3) != core.Bandit(0.3, (5.0, 11.0))
    assert core.Gaussian(k=1.0) != core.Gaussian(k=2.0)
    assert core.Episodes(3) != core.Episodes(3, credit="advantage")
    assert core.SoftmaxBandit() != core.Bandit()


def test_with_theta_gives_a_new_value_and_leaves_the_old_one():
    gaussian = core.Gaussian(0.5, 1.0, core.parse_expression("cos(x)"))
    moved = gaussian.with_theta(np.array([0.7, 2.0]))
    assert moved == core.Gaussian(0.7, 2.0, core.parse_expression("cos(x)"))
    assert gaussian.theta.tolist() == [0.5, 1.0]


def test_the_repr_is_the_call_people_type_after_import_core():
    assert repr(core.Bandit()) == "core.Bandit(theta=0.0, rewards=(5.0, 10.0))"
    assert repr(core.Gaussian(0.7, 1.3, "square", 0.5)) == (
        "core.Gaussian(mu=0.7, sigma=1.3, cost='square', k=0.5)"
    )
    assert repr(core.Gaussian(cost=core.parse_expression(" sin(x) "))) == (
        "core.Gaussian(mu=0.0, sigma=1.0, cost=core.parse_expression('sin(x)'))"
    )
    assert repr(core.Episodes(4, (0.2, -0.4, 0.5), credit="advantage")) == (
        "core.Episodes(horizon=4, theta=(0.2, -0.4, 0.5), state_rewards=(0.0, 0.5, 1.0), "
        "credit='advantage')"
    )
