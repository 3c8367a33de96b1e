"""Invalid arguments raise ValueError with a message a person can act on."""

import numpy as np
import pytest

import core
from core.numerics import make_rng

RNG = make_rng(0)

INVALID_CONSTRUCTIONS = {
    "sigma zero": (lambda: core.Gaussian(0.0, 0.0), "sigma must be > 0"),
    "sigma negative": (lambda: core.Gaussian(0.0, -1.0), "sigma must be > 0"),
    "sigma nan": (lambda: core.Gaussian(0.0, float("nan")), "sigma must be finite"),
    "mu infinite": (lambda: core.Gaussian(float("inf"), 1.0), "mu must be finite"),
    "unknown cost": (lambda: core.Gaussian(0.0, 1.0, "cube"), "unknown cost 'cube'"),
    "bump k zero": (lambda: core.Gaussian(0.0, 1.0, "bump", 0.0), "needs k > 0"),
    "cost not vectorised": (
        lambda: core.Gaussian(0.0, 1.0, lambda x: 1.0),
        "must be vectorised",
    ),
    "theta a string": (lambda: core.Bandit("0.5"), "theta must be a real number"),
    "theta nan": (lambda: core.Bandit(float("nan")), "theta must be finite"),
    "three rewards for two arms": (lambda: core.Bandit(0.0, (1, 2, 3)), "2 entries"),
    "one softmax arm": (lambda: core.SoftmaxBandit((0.0,), (1.0,)), "at least 2 arms"),
    "softmax rewards mismatch": (
        lambda: core.SoftmaxBandit((0.0, 0.0), (1.0, 2.0, 3.0)),
        "2 entries",
    ),
    "logits matrix": (lambda: core.SoftmaxBandit([[0.0, 1.0]], (1.0, 2.0)), "flat"),
    "policy target mismatch": (
        lambda: core.LinearGaussianPolicy((0.0, 0.0), (1.0,)),
        "2 entries",
    ),
    "policy sigma zero": (lambda: core.LinearGaussianPolicy(sigma=0.0), "sigma must be > 0"),
    "horizon zero": (lambda: core.Episodes(0), "between 1 and 12"),
    "horizon too long": (lambda: core.Episodes(13), "between 1 and 12"),
    "horizon fractional": (lambda: core.Episodes(2.5), "whole number"),
    "unknown credit": (lambda: core.Episodes(3, credit="future"), "unknown credit"),
    "state rewards mismatch": (
        lambda: core.Episodes(3, (0.0, 0.0), (1.0, 2.0, 3.0)),
        "2 entries",
    ),
}


@pytest.mark.parametrize("case", INVALID_CONSTRUCTIONS)
def test_invalid_problem_arguments_raise_value_error_with_a_clear_message(case):
    build, message = INVALID_CONSTRUCTIONS[case]
    with pytest.raises(ValueError, match=message):
        build()


@pytest.mark.parametrize("n", [0, -3, 2.5, "10", None, True])
def test_sample_counts_must_be_whole_numbers_of_at_least_one(n):
    with pytest.raises(ValueError, match="n must be"):
        core.score_function(core.Bandit(), n, rng=RNG)


@pytest.mark.parametrize("baseline", ["median", float("nan"), True, [1.0]])
def test_unknown_baselines_name_the_valid_choices(baseline):
    with pytest.raises(ValueError, match="baseline"):
        core.score_function(core.Bandit(), 5, rng=RNG, baseline=baseline)


def test_leave_one_out_needs_two_samples_and_has_no_per_sample_variance():
    with pytest.raises(ValueError, match="n ≥ 2"):
        core.score_function(core.Bandit(), 1, rng=RNG, baseline="loo")
    with pytest.raises(ValueError, match="depends on n"):
        core.per_sample_variance(core.Bandit(), "score", "loo")


def test_estimator_names_and_baseline_pairing_are_checked():
    with pytest.raises(ValueError, match="unknown estimator"):
        core.per_sample_variance(core.Bandit(), "reinforce++")
    with pytest.raises(ValueError, match="score-function estimator only"):
        core.variance_curve(core.Gaussian(), [10], 10, estimator="pathwise", baseline="mean")
    with pytest.raises(ValueError, match="core.Gaussian only"):
        core.measure_valued(core.Bandit(), 10, rng=RNG)


def test_samples_of_the_wrong_shape_are_rejected():
    with pytest.raises(ValueError, match="1-D"):
        core.Bandit().score(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="0..1"):
        core.Bandit().f(np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"shape \(n, 3\)"):
        core.LinearGaussianPolicy().score(np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"shape \(n, 5\)"):
        core.Episodes(5).score(np.zeros((4, 3)))


def test_studies_reject_empty_sizes_single_repetitions_and_bad_parameters():
    with pytest.raises(ValueError, match="at least one sample size"):
        core.variance_curve(core.Bandit(), [], 10)
    with pytest.raises(ValueError, match="reps must be ≥ 2"):
        core.variance_curve(core.Bandit(), [10], 1)
    with pytest.raises(ValueError, match="parameter must be an index"):
        core.objective_curve(core.Bandit(), [0.0], parameter=3)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        core.gradient_ascent(core.Bandit(), 5, 10, 0.0)
