"""The bandit derivation's numbers, the running estimate's band and the finite-difference check."""

import math

import numpy as np
import pytest

import core
from core.checks import mean_standard_error
from core.derivation import finite_difference_check, finite_difference_gradient, running_estimate
from tests.core.catalogue import PROBLEMS


def test_derivation_at_the_worked_example_gives_the_textbook_numbers():
    steps = core.bandit_derivation(core.Bandit(0.0, (5.0, 10.0)))
    assert steps.prob_one == steps.prob_zero == 0.5
    assert steps.log_prob_one == pytest.approx(-math.log(2.0), rel=1e-15)
    assert (steps.score_one, steps.score_zero) == (0.5, -0.5)
    assert (steps.weighted_term_one, steps.weighted_term_zero) == (2.5, -1.25)
    assert steps.reward_gap * steps.sigmoid_slope == steps.gradient == 1.25
    assert steps.expected_value == 7.5


@pytest.mark.parametrize("theta", [-700.0, -50.0, -2.3, 0.7, 50.0, 700.0])
def test_every_line_of_the_derivation_agrees_with_the_problem_and_stays_finite(theta):
    problem = core.Bandit(theta, (-3.0, 4.0))
    steps = core.bandit_derivation(problem)
    scores = problem.score(np.array([1.0, 0.0]))[:, 0]
    assert (steps.score_one, steps.score_zero) == tuple(scores)
    np.testing.assert_array_equal(
        [steps.log_prob_one, steps.log_prob_zero], problem.log_prob(np.array([1.0, 0.0]))
    )
    summed = steps.weighted_term_one + steps.weighted_term_zero
    assert summed == pytest.approx(steps.gradient, rel=1e-12, abs=1e-300)
    assert steps.reward_gap * steps.sigmoid_slope == pytest.approx(steps.gradient, rel=1e-12)
    assert all(math.isfinite(v) for v in vars(steps).values())


def test_derivation_rejects_a_problem_that_is_not_the_two_armed_bandit():
    with pytest.raises(ValueError, match="core.Bandit"):
        core.bandit_derivation(core.SoftmaxBandit())


def test_running_estimate_ends_at_the_mean_of_its_terms_and_its_band_is_sigma_over_root_n():
    problem = core.Bandit(0.3)
    table = running_estimate(problem, 400, seed=7)
    assert table["running_mean"].iloc[-1] == pytest.approx(table["term"].mean(), rel=1e-12)
    sigma = math.sqrt(core.per_sample_variance(problem)[0])
    np.testing.assert_allclose(table["exact_standard_error"], sigma / np.sqrt(table["draw"]))
    assert table["standard_error"].iloc[-1] == pytest.approx(
        mean_standard_error(table["term"].to_numpy()), rel=1e-10
    )
    assert np.isnan(table["standard_error"].iloc[0])
    same = core.sample_table(problem, 400, seed=7)
    np.testing.assert_array_equal(table["term"], same["term"])


def test_running_estimate_is_within_five_standard_errors_of_the_exact_gradient():
    problem = core.Bandit(-0.8, (2.0, 9.0))
    table = running_estimate(problem, 20_000, seed=3)
    last = table.iloc[-1]
    assert abs(last["running_mean"] - last["exact_gradient"]) < 5 * last["exact_standard_error"]


@pytest.mark.parametrize("name", PROBLEMS)
def test_finite_difference_check_passes_for_every_closed_form(name):
    check = finite_difference_check(PROBLEMS[name]())
    assert check["passed"].all(), check


def test_finite_difference_check_catches_a_wrong_closed_form():
    class WrongBandit(core.Bandit):
        def exact_gradient(self):
            return super().exact_gradient() * (1 + 1e-4)

        def with_theta(self, theta):
            return WrongBandit(float(np.asarray(theta).reshape(-1)[0]), self.rewards)

    check = finite_difference_check(WrongBandit(0.2))
    assert not check["passed"].any()


def test_finite_difference_gradient_keeps_sigma_positive_near_zero():
    problem = core.Gaussian(0.0, 1e-6, "square")
    gradient = finite_difference_gradient(problem, step=1e-3)
    np.testing.assert_allclose(gradient, problem.exact_gradient(), rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("step", [0.0, -1e-5, math.nan])
def test_finite_difference_rejects_a_step_that_is_not_positive(step):
    with pytest.raises(ValueError, match="step"):
        finite_difference_gradient(core.Bandit(), step)
