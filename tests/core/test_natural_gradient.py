"""The natural gradient F⁺∇J on the bandits against closed forms, enumeration and Monte Carlo."""

import math

import numpy as np
import pytest
from scipy import stats

import core
from core.natural_gradient import (
    natural_gradient,
    natural_gradient_ascent,
    natural_gradient_check,
    natural_gradient_closed_form,
)
from core.numerics import make_rng


@pytest.mark.parametrize("theta", [-6.0, -1.3, 0.0, 2.2, 6.0])
@pytest.mark.parametrize("rewards", [(5.0, 10.0), (-2.0, 3.5)])
def test_binary_natural_gradient_is_the_reward_gap_at_every_theta(theta, rewards):
    problem = core.Bandit(theta, rewards)
    assert natural_gradient(problem)[0] == pytest.approx(rewards[1] - rewards[0], rel=1e-12)


@pytest.mark.parametrize("logits", [(0.0, 0.0, 0.0), (1.0, 0.0, -1.0), (3.0, -2.0, 0.5, 4.0)])
def test_softmax_natural_gradient_by_pseudo_inverse_is_the_centred_rewards(logits):
    rewards = np.arange(1.0, len(logits) + 1) ** 2
    problem = core.SoftmaxBandit(logits, rewards)
    fisher = problem.fisher_information()
    np.testing.assert_allclose(fisher @ np.ones(len(logits)), 0.0, atol=1e-15)
    np.testing.assert_allclose(
        natural_gradient(problem), rewards - rewards.mean(), rtol=1e-9, atol=1e-9
    )
    np.testing.assert_allclose(natural_gradient_closed_form(problem), rewards - rewards.mean())
    # Independent route: least-norm solution of F x = ∇J by lstsq.
    least_norm = np.linalg.lstsq(fisher, problem.exact_gradient(), rcond=1e-10)[0]
    np.testing.assert_allclose(natural_gradient(problem), least_norm, rtol=1e-8, atol=1e-8)


def test_softmax_spectrum_has_one_zero_eigenvalue_along_the_all_ones_direction():
    spectrum = natural_gradient_check(core.SoftmaxBandit((1.0, 0.0, -1.0)), 100).spectrum
    smallest = spectrum.iloc[0]
    assert abs(smallest["eigenvalue"]) < 1e-15
    np.testing.assert_allclose(
        np.abs(smallest[["logit_0", "logit_1", "logit_2"]].to_numpy(dtype=float)),
        1 / math.sqrt(3),
        rtol=1e-12,
    )
    assert (spectrum["eigenvalue"].iloc[1:] > 1e-3).all()


@pytest.mark.parametrize(
    "problem", [core.Bandit(0.7, (5.0, 10.0)), core.SoftmaxBandit((1.0, 0.0, -1.0))]
)
def test_exact_fisher_natural_gradient_estimate_is_within_five_exact_standard_errors(problem):
    table = natural_gradient_check(problem, 40_000, seed=6).table
    rows = table[table["estimate"] == "exact Fisher"]
    np.testing.assert_allclose(rows["exact_mean"], rows["natural_gradient"], atol=1e-12)
    z = (rows["value"] - rows["exact_mean"]).abs() / rows["exact_standard_error"]
    assert (z < 5).all(), rows


@pytest.mark.parametrize("theta", [0.0, 1.1])
def test_sample_fisher_ratios_exact_moments_match_repeated_monte_carlo(theta):
    problem, n, reps = core.Bandit(theta, (5.0, 10.0)), 12, 200_000
    row = natural_gradient_check(problem, n).table.set_index("estimate").loc["sample Fisher"]
    # Independent route: draw the count of arm 1 per repetition and form the ratio.
    p = 1 / (1 + math.exp(-theta))
    k = make_rng(3).binomial(n, p, size=reps)
    ratio = (k * 10 * (1 - p) - (n - k) * 5 * p) / (k * (1 - p) ** 2 + (n - k) * p**2)
    assert abs(ratio.mean() - row["exact_mean"]) < 5 * row["exact_standard_error"] / math.sqrt(reps)
    # The spread: s² of the ratios within 5 exact SE of the exact variance, Var[s²] =
    # (μ₄ − σ⁴ (R−3)/(R−1))/R (Cramér 1946, §27.4) with μ₄ by the sum over k = 0…n.
    counts = np.arange(n + 1)
    values = (counts * 10 * (1 - p) - (n - counts) * 5 * p) / (
        counts * (1 - p) ** 2 + (n - counts) * p**2
    )
    weights = stats.binom.pmf(counts, n, p)
    variance = row["exact_standard_error"] ** 2
    fourth = weights @ (values - weights @ values) ** 4
    variance_se = math.sqrt((fourth - variance**2 * (reps - 3) / (reps - 1)) / reps)
    assert abs(ratio.var(ddof=1) - variance) < 5 * variance_se
    if theta == 0.0:  # F̂ = 1/4 exactly at θ = 0, so the ratio is unbiased there
        assert row["exact_mean"] == pytest.approx(5.0, rel=1e-12)


def test_exact_paths_follow_the_closed_form_recursions():
    problem, eta = core.Bandit(-1.0, (5.0, 10.0)), 0.3
    table = natural_gradient_ascent(problem, 10, 5, eta, seeds=2, baseline=0.0)
    natural = table[table["method"] == "natural gradient"]["exact_path"].to_numpy()
    thetas = -1.0 + eta * 5.0 * np.arange(11)  # θ_t = θ₀ + t η (r(1) − r(0))
    np.testing.assert_allclose(natural, 5 + 5 / (1 + np.exp(-thetas)), rtol=1e-12)
    theta, plain = -1.0, []
    for _ in range(11):
        s = 1 / (1 + math.exp(-theta))
        plain.append(5 + 5 * s)
        theta += eta * 5 * s * (1 - s)
    np.testing.assert_allclose(
        table[table["method"] == "plain gradient"]["exact_path"], plain, rtol=1e-12
    )


@pytest.mark.parametrize("method", ["plain gradient", "natural gradient"])
def test_mean_value_after_one_step_matches_the_binomial_sum_within_five_standard_errors(method):
    problem, n, eta, runs = core.Bandit(0.4, (5.0, 10.0)), 6, 0.5, 20_000
    table = natural_gradient_ascent(problem, 1, n, eta, seeds=runs, baseline=0.0, seed=2)
    row = table[(table["method"] == method) & (table["step"] == 1)].iloc[0]
    p = 1 / (1 + math.exp(-0.4))
    k = np.arange(n + 1)
    gradient = (k * 10 * (1 - p) - (n - k) * 5 * p) / n
    step = gradient / (p * (1 - p)) if method == "natural gradient" else gradient
    values = 5 + 5 / (1 + np.exp(-(0.4 + eta * step)))
    weights = stats.binom.pmf(k, n, p)
    mean = weights @ values
    standard_error = math.sqrt(weights @ (values - mean) ** 2 / runs)
    assert row["exact_mean_expected_value"] == pytest.approx(mean, rel=1e-12)
    assert row["exact_standard_error"] == pytest.approx(standard_error, rel=1e-9)
    assert abs(row["mean_expected_value"] - mean) < 5 * standard_error
    # The runs' spread: their s² within 5 exact SE of Var[J(θ₁)] (Cramér 1946, §27.4).
    variance, fourth = weights @ (values - mean) ** 2, weights @ (values - mean) ** 4
    variance_se = math.sqrt((fourth - variance**2 * (runs - 3) / (runs - 1)) / runs)
    assert abs(row["standard_error"] ** 2 * runs - variance) < 5 * variance_se


def test_same_first_step_scales_the_natural_rate_by_the_gradients_length_ratio():
    problem = core.Bandit(0.0, (5.0, 10.0))
    table = natural_gradient_ascent(problem, 2, 5, 0.4, seeds=3, matching="same first step")
    rates = table.groupby("method")["learning_rate"].first()
    assert rates["natural gradient"] == pytest.approx(0.4 * 0.25, rel=1e-12)
    assert table["baseline"].iloc[0] == 7.5  # "start": J(θ₀)


def test_natural_ascent_with_the_start_value_as_baseline_reaches_the_best_arm_on_the_bandit():
    table = natural_gradient_ascent(core.Bandit(0.0), 20, 10, 0.5, seeds=100, seed=1)
    last = table[table["step"] == 20].set_index("method")
    assert last.loc["natural gradient", "mean_expected_value"] > 9.99
    assert last.loc["plain gradient", "mean_expected_value"] < 9.95


def test_natural_ascent_refuses_an_unknown_matching():
    with pytest.raises(ValueError, match="matching"):
        natural_gradient_ascent(core.Bandit(), 2, 2, 0.1, matching="equal")


def test_softmax_runs_mean_after_one_step_is_within_five_exact_standard_errors():
    problem = core.SoftmaxBandit((1.0, 0.0, -1.0), (1.0, 2.0, 3.0))
    table = natural_gradient_ascent(problem, 1, 8, 0.5, seeds=20_000, baseline=0.0, seed=4)
    first = table[table["step"] == 1]
    z = (first["mean_expected_value"] - first["exact_mean_expected_value"]).abs()
    assert (z < 5 * first["exact_standard_error"]).all(), first


def test_first_step_expectation_is_left_out_past_the_enumeration_limit():
    problem = core.SoftmaxBandit((0.0,) * 5, (1.0, 2.0, 3.0, 4.0, 5.0))
    table = natural_gradient_ascent(problem, 1, 200, 0.1, seeds=2)
    assert table[table["step"] == 1]["exact_mean_expected_value"].isna().all()
