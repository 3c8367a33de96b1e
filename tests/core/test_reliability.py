"""When the SE-based checks can be trusted: the rarest outcome must be drawn often enough."""

import numpy as np
import pytest

import core
from core.checks import mean_standard_error
from core.numerics import make_rng, sigmoid
from core.reliability import (
    rare_outcome_warning,
    rarest_outcome_probability,
    sample_variance_standard_error,
)
from tests.core.catalogue import repeated_estimates


def test_the_rarest_bandit_action_is_the_smaller_arm_probability():
    assert rarest_outcome_probability(core.Bandit(0.0)) == 0.5
    assert rarest_outcome_probability(core.Bandit(10.0)) == pytest.approx(float(sigmoid(-10.0)))
    softmax = core.SoftmaxBandit(logits=(0.0, 1.0, 2.0))
    assert rarest_outcome_probability(softmax) == pytest.approx(softmax.probabilities.min())


def test_the_step_cost_is_rare_on_the_smaller_side_of_its_jump():
    # P(x > 2) for x ~ N(0, 1) is 1 − Φ(2) ≈ 0.02275.
    step = core.Gaussian(0.0, 1.0, "step", k=2.0)
    assert rarest_outcome_probability(step) == pytest.approx(0.0227501319, rel=1e-8)
    assert rarest_outcome_probability(core.Gaussian(0.0, 1.0, "square")) is None
    assert rarest_outcome_probability(core.Episodes()) is None


def test_a_warning_only_when_the_rarest_outcome_is_expected_fewer_than_ten_times():
    assert rare_outcome_warning(core.Bandit(0.0), 20) is None
    assert rare_outcome_warning(core.Bandit(0.0), 19) is not None
    far = core.Bandit(10.0)  # p(a=0) ≈ 4.5e-5: about 0.45 expected in 10,000 draws
    message = rare_outcome_warning(far, 10_000)
    assert "expected only 0.45 times in these 10,000 draws" in message
    assert rare_outcome_warning(far, 1_000_000) is None
    assert rare_outcome_warning(core.Gaussian(), 1) is None


def test_the_warning_is_earned_draws_without_the_rare_action_fail_their_check():
    """At θ = 10, 10,000 draws miss a = 0 with probability e^−0.45 ≈ 64%. Such draws give
    identical terms, a zero spread, and a check that fails although the estimator is unbiased —
    the situation the warning describes."""
    bandit = core.Bandit(10.0)
    terms = bandit.score_terms(np.ones(10_000))[:, 0]
    check = core.check_agreement(
        terms.mean(), bandit.exact_gradient()[0], mean_standard_error(terms)
    )
    assert not check.passed
    assert rare_outcome_warning(bandit, terms.size) is not None


def test_exact_sample_variance_se_of_the_bandit_matches_the_two_point_formula():
    # One-sample terms at θ = 0 are 5 or −2.5 with probability ½: centred ±3.75, so μ₄ = σ⁴ and
    # Var[s²] = σ⁴ · 2/(R(R−1)) with σ² = 14.0625.
    reps = 1000
    expected = 14.0625 * np.sqrt(2.0 / (reps * (reps - 1)))
    se = sample_variance_standard_error(core.Bandit(), reps)
    assert se == pytest.approx([expected], rel=1e-12)
    assert sample_variance_standard_error(core.Gaussian(), reps) is None


def test_exact_sample_variance_se_is_the_spread_of_sample_variances_of_episode_terms():
    """z = (s² − σ²)/SE over 200 independent runs has mean ≈ 0 and spread ≈ 1 for 10-step
    episodes, whose terms the plug-in SE handles badly (its z runs ~1.14 wide there)."""
    problem = core.Episodes(10, credit="return")
    reps = 1000
    exact, se = (
        core.per_sample_variance(problem),
        sample_variance_standard_error(problem, reps),
    )
    z = np.array(
        [
            (repeated_estimates(problem, 1, reps, rng=make_rng(seed)).var(axis=0, ddof=1) - exact)
            / se
            for seed in range(200)
        ]
    )
    # SE of a mean of 200 unit-variance z's is 0.07; of their standard deviation about 0.05.
    assert np.all(np.abs(z.mean(axis=0)) < 5 * 0.071)
    assert np.all(np.abs(z.std(axis=0, ddof=1) - 1.0) < 5 * 0.05)
