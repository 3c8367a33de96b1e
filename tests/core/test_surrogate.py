"""The surrogate loss: its gradient is the estimator per sample, the attached baseline's bias,
and the loss value's expectation — each against an independent route."""

import math

import numpy as np
import pytest

import core
from core.numerics import make_rng
from core.surrogate import attached_baseline, expected_loss, loss_value_run, surrogate_gradient

SOFTMAX = core.SoftmaxBandit((1.0, 0.0, -1.0), (1.0, 2.0, 3.0))


def _sigmoid(theta):
    return 1.0 / (1.0 + math.exp(-theta))


@pytest.mark.parametrize("baseline", [0.0, 7.5, -3.0])
def test_minus_the_loss_gradient_is_the_binary_bandits_estimator_term_for_every_sample(baseline):
    theta, rewards = 0.4, (5.0, 10.0)
    result = surrogate_gradient(core.Bandit(theta, rewards), 50, baseline=baseline, seed=3)
    samples = result.samples
    assert samples["passed"].all()
    # Independent route to the term: ∂θ log π(a) = a − σ(θ), written here by hand.
    a = samples["action"].to_numpy()
    by_hand = (np.where(a == 1, rewards[1], rewards[0]) - baseline) * (a - _sigmoid(theta))
    np.testing.assert_allclose(samples["estimator_term"], by_hand, rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(samples["minus_loss_gradient"], by_hand, rtol=1e-10, atol=1e-10)
    assert samples["difference"].abs().max() < 1e-10
    summary = result.summary.iloc[0]
    assert summary["minus_loss_gradient"] == pytest.approx(by_hand.mean(), abs=1e-10)
    assert summary["passed"]


def test_minus_the_loss_gradient_is_the_softmax_estimator_term_in_every_coordinate():
    result = surrogate_gradient(SOFTMAX, 40, baseline=2.0, seed=5)
    samples = result.samples
    assert samples["passed"].all() and set(samples["param"]) == set(SOFTMAX.params)
    pi = np.exp(SOFTMAX.logits) / np.exp(SOFTMAX.logits).sum()
    for _, row in samples.iterrows():
        j, a = int(row["param"].split("_")[1]), int(row["action"])
        term = (SOFTMAX.rewards[a] - 2.0) * ((a == j) - pi[j])
        assert row["minus_loss_gradient"] == pytest.approx(term, abs=1e-10)


def test_the_optimiser_step_on_the_loss_as_written_climbs_and_without_its_sign_descends():
    step = surrogate_gradient(core.Bandit(0.0), 10, seed=0, learning_rate=0.5).step
    written, dropped = step.iloc[0], step.iloc[1]
    # At seed 0 the batch has more arm-1 draws, ĝ = 2 > 0: the written loss moves θ up.
    assert written["loss_gradient"] == pytest.approx(-2.0, abs=1e-9)
    assert written["theta_after"] == pytest.approx(1.0, abs=1e-9)
    assert written["expected_value_after"] == pytest.approx(5 + 5 * _sigmoid(1.0), rel=1e-12)
    assert dropped["theta_after"] == pytest.approx(-1.0, abs=1e-9)
    assert dropped["expected_value_after"] < written["expected_value_before"]


@pytest.mark.parametrize("theta", [-1.5, 0.0, 0.8])
def test_attached_baseline_mean_is_gradient_times_one_plus_entropy_by_enumeration(theta):
    problem = core.Bandit(theta, (5.0, 10.0))
    summary = attached_baseline(problem, 20, seed=1).summary.set_index("baseline")
    p = _sigmoid(theta)
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    gradient = 5.0 * p * (1 - p)
    assert summary.loc["attached", "exact_mean"] == pytest.approx(
        gradient * (1 + entropy), rel=1e-12
    )
    assert summary.loc["attached", "exact_mean_closed_form"] == pytest.approx(
        summary.loc["attached", "exact_mean"], rel=1e-12
    )
    assert summary.loc["attached", "exact_bias"] == pytest.approx(gradient * entropy, rel=1e-12)
    assert summary.loc["detached", "exact_bias"] == pytest.approx(0.0, abs=1e-15)


def test_attached_baseline_per_sample_gradients_match_finite_differences_of_the_attached_loss():
    samples = attached_baseline(SOFTMAX, 30, seed=2).samples
    assert samples["passed"].all()
    assert (samples["attached_term"] != samples["detached_term"]).all()


@pytest.mark.parametrize("problem", [core.Bandit(0.9, (5.0, 10.0)), SOFTMAX])
def test_attached_and_detached_sample_means_are_within_five_exact_standard_errors(problem):
    summary = attached_baseline(problem, 40_000, seed=11).summary
    z = (summary["estimate"] - summary["exact_mean"]).abs() / summary["exact_standard_error"]
    assert (z < 5).all(), summary


def test_expected_loss_matches_the_closed_form_and_shifts_by_minus_b_times_entropy():
    theta, b = 0.6, 4.0
    problem = core.Bandit(theta, (5.0, 10.0))
    p = _sigmoid(theta)
    closed = -((1 - p) * math.log(1 - p) * (5.0 - b) + p * math.log(p) * (10.0 - b))
    assert expected_loss(problem, b)[0] == pytest.approx(closed, rel=1e-12)
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    assert expected_loss(problem, b)[0] == pytest.approx(
        expected_loss(problem, 0.0)[0] - b * entropy, rel=1e-12
    )


def test_sampled_loss_is_within_five_exact_standard_errors_of_its_expectation():
    for problem, b in ((core.Bandit(-0.4, (5.0, 10.0)), 3.0), (SOFTMAX, 0.0)):
        summary = surrogate_gradient(problem, 50_000, baseline=b, seed=4).summary.iloc[0]
        assert abs(summary["loss"] - summary["expected_loss"]) < 5 * summary["loss_standard_error"]
        # The same draws' gradient against ∇J.
        for _, row in surrogate_gradient(problem, 50_000, baseline=b, seed=4).summary.iterrows():
            assert abs(row["estimate"] - row["exact_gradient"]) < 5 * row["exact_standard_error"]


def test_sampled_loss_along_a_run_stays_within_five_standard_errors_at_every_step():
    result = loss_value_run(core.Bandit(0.0), 20, 4_000, 0.05, baseline=10.0, seed=8)
    run = result.run.dropna(subset=["loss"])
    z = (run["loss"] - run["expected_loss"]).abs() / run["loss_standard_error"]
    assert (z < 5).all()
    # With b above every reward the expected loss is ≤ 0 and rises while J rises.
    assert (result.run["expected_loss"] <= 0).all()
    assert result.run["expected_value"].iloc[-1] > result.run["expected_value"].iloc[0]
    assert result.run["expected_loss"].iloc[-1] > result.run["expected_loss"].iloc[0]


def test_every_constant_baseline_leaves_the_gradients_expectation_at_the_exact_gradient():
    for problem in (core.Bandit(0.3, (5.0, 10.0)), SOFTMAX):
        at_start = loss_value_run(problem, 1, 5, 0.1, compare=(0.0, 5.0, 10.0)).at_start
        np.testing.assert_allclose(
            at_start["expected_gradient"], at_start["exact_gradient"], rtol=1e-12, atol=1e-15
        )
        assert at_start["expected_loss"].nunique() == 3


def test_loss_value_run_draws_each_steps_batch_as_the_problem_samples_it():
    problem = core.Bandit(0.2)
    run = loss_value_run(problem, 1, 6, 0.5, baseline=1.0, seed=9).run
    actions = problem.sample(make_rng(9), 6)
    loss = float(np.mean(-problem.log_prob(actions) * (problem.f(actions) - 1.0)))
    assert run["loss"].iloc[0] == pytest.approx(loss, rel=1e-15)


def test_surrogate_studies_refuse_problems_that_are_not_bandits():
    with pytest.raises(ValueError, match="bandits"):
        surrogate_gradient(core.Gaussian(), 10)


@pytest.mark.parametrize(
    "problem",
    [
        core.Bandit(6.0, (-100.0, 100.0)),
        core.Bandit(-6.0, (100.0, -100.0)),
        core.SoftmaxBandit((5.0, -5.0, 0.0, 5.0, -5.0), (-30.0, -10.0, 10.0, 30.0, 50.0)),
    ],
)
def test_finite_differences_agree_within_their_tolerance_at_the_controls_extremes(problem):
    assert surrogate_gradient(problem, 300, baseline=100.0, seed=2).samples["passed"].all()
    assert attached_baseline(problem, 300, seed=2).samples["passed"].all()
