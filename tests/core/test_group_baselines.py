"""Group baselines (none, batch mean, RLOO, GRPO, standardised) against an independent route:
every action sequence of a small group enumerated from the definitions, and seeded Monte Carlo."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import core
from core.group_baselines import (
    GROUP_ESTIMATORS,
    GroupSettings,
    compositions,
    group_ascent,
    group_baseline_study,
    group_exact_sweep,
    group_moments,
    learning_curves,
)

SMALL_BATCH = GroupSettings(batch_groups=2)


def _policy(problem) -> tuple[np.ndarray, np.ndarray]:
    """π and the scores ∇θ log π(a) of every arm, written from the definitions."""
    if isinstance(problem, core.Bandit):
        p_one = 1.0 / (1.0 + math.exp(-float(problem.theta[0])))
        return np.array([1.0 - p_one, p_one]), np.array([[-p_one], [1.0 - p_one]])
    logits = np.asarray(problem.logits, dtype=float)
    pi = np.exp(logits - logits.max())
    pi /= pi.sum()
    return pi, np.eye(pi.size) - pi


def _advantages(r: np.ndarray, estimator: str, settings: GroupSettings) -> np.ndarray:
    """A_i for one sequence of rewards r (the whole batch for "standardised"), by definition."""
    g = r.size
    if estimator == "none":
        return r.copy()
    if estimator == "mean":
        return r - r.mean()
    if estimator == "loo":
        return np.array([r[i] - np.delete(r, i).mean() for i in range(g)])
    if estimator == "grpo":
        ddof, eps = settings.grpo_ddof, settings.grpo_epsilon
    else:
        ddof, eps = settings.standardised_ddof, settings.standardised_epsilon
    if np.all(r == r[0]):
        return np.zeros(g)
    return (r - r.mean()) / (np.std(r, ddof=ddof) + eps)


def _brute_force(problem, group_size: int, estimator: str, settings: GroupSettings):
    """E[ĝ] and Cov[ĝ] summed over all K^n action sequences a₁…a_n, n the draws per estimate."""
    pi, scores = _policy(problem)
    rewards = np.asarray(problem.rewards, dtype=float)
    n = group_size * (settings.batch_groups if estimator == "standardised" else 1)
    probabilities, estimates = [], []
    for actions in itertools.product(range(pi.size), repeat=n):
        a = np.array(actions)
        probabilities.append(np.prod(pi[a]))
        advantages = _advantages(rewards[a], estimator, settings)
        estimates.append((advantages[:, None] * scores[a]).mean(axis=0))
    probabilities, estimates = np.array(probabilities), np.array(estimates)
    mean = probabilities @ estimates
    deviations = estimates - mean
    return mean, (deviations * probabilities[:, None]).T @ deviations


CASES = [
    (core.Bandit(), 2),
    (core.Bandit(), 4),
    (core.Bandit(0.7, (-1.0, 2.5)), 3),
    (core.Bandit(-1.3, (5.0, 10.0)), 8),
    (core.SoftmaxBandit((0.2, -0.5, 0.1), (1.0, 3.0, 2.0)), 3),
    (core.SoftmaxBandit((0.0, 1.0, -1.0, 0.5), (0.0, 1.0, 1.0, 4.0)), 2),
]


@pytest.mark.parametrize("estimator", GROUP_ESTIMATORS)
@pytest.mark.parametrize(("problem", "group_size"), CASES)
def test_exact_moments_match_every_action_sequence_enumerated(problem, group_size, estimator):
    exact = group_moments(problem, group_size, estimator, SMALL_BATCH)
    mean, covariance = _brute_force(problem, group_size, estimator, SMALL_BATCH)
    np.testing.assert_allclose(exact.mean, mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(exact.covariance, covariance, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "problem", [core.Bandit(), core.SoftmaxBandit((0.3, -0.2, 0.0), (1.0, 2.0, 5.0))]
)
def test_monte_carlo_mean_and_variance_are_within_5_exact_se(problem):
    table = group_baseline_study(problem, 4, reps=20_000, seed=11)
    for column in ("mean", "variance"):
        gap = (table[column] - table[f"exact_{column}"]).abs()
        assert (gap <= 5 * table[f"{column}_se"] + 1e-12).all(), table


def test_the_true_gradient_at_the_defaults_is_1_25():
    assert group_moments(core.Bandit(), 4, "none").gradient[0] == pytest.approx(1.25, abs=1e-15)


@pytest.mark.parametrize("group_size", [2, 4, 16, 64])
@pytest.mark.parametrize(
    "problem", [core.Bandit(), core.Bandit(1.1), core.SoftmaxBandit((0.4, 0.0, -0.7))]
)
def test_batch_mean_centring_shrinks_the_gradient_by_g_minus_1_over_g(problem, group_size):
    mean = group_moments(problem, group_size, "mean").mean
    expected = (group_size - 1) / group_size * problem.exact_gradient()
    np.testing.assert_allclose(mean, expected, rtol=1e-10, atol=1e-14)


def test_batch_mean_at_the_defaults_is_three_quarters_of_1_25():
    assert group_moments(core.Bandit(), 4, "mean").mean[0] == pytest.approx(0.9375, rel=1e-12)


@pytest.mark.parametrize("group_size", [2, 4, 16, 64])
@pytest.mark.parametrize(
    "problem", [core.Bandit(), core.Bandit(-2.0), core.SoftmaxBandit((0.4, 0.0, -0.7))]
)
def test_rloo_is_unbiased(problem, group_size):
    mean = group_moments(problem, group_size, "loo").mean
    np.testing.assert_allclose(mean, problem.exact_gradient(), rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("theta", [0.0, 0.8])
def test_grpo_mean_on_the_binary_bandit_does_not_depend_on_the_reward_gap(theta):
    """With ε = 0: A_i = sign(Δ)(a_i − ā)/std(a), so E[ĝ] is the same for every r(1) > r(0)."""
    no_epsilon = GroupSettings(grpo_epsilon=0.0)
    means = [
        group_moments(core.Bandit(theta, (5.0, r1)), 4, "grpo", no_epsilon).mean[0]
        for r1 in (5.5, 10.0, 20.0, 1000.0)
    ]
    np.testing.assert_allclose(means, means[0], rtol=1e-12)
    gradients = [core.Bandit(theta, (5.0, r1)).exact_gradient()[0] for r1 in (10.0, 20.0)]
    assert gradients[1] == pytest.approx(3 * gradients[0])  # ∇J scales with Δ = 5 → 15


def test_grpo_with_trl_epsilon_moves_only_through_epsilon_over_the_gap():
    means = [group_moments(core.Bandit(0.0, (5.0, r1)), 4, "grpo").mean[0] for r1 in (10, 100)]
    assert means[0] == pytest.approx(0.3498666, rel=1e-6)
    # A_i = Δ(a_i − ā)/(Δ std(a) + ε): the relative move is about ε/(Δ std(a)) ≈ 1e-4/(5 · ½).
    assert abs(means[1] - means[0]) < 1e-4 * means[0]


@pytest.mark.parametrize("estimator", ["grpo", "standardised"])
def test_a_group_whose_rewards_are_all_equal_gets_zero_advantage(estimator):
    moments = group_moments(core.Bandit(0.3, (2.0, 2.0)), 4, estimator)
    assert moments.mean[0] == 0.0 and moments.covariance[0, 0] == 0.0


def test_compositions_count_and_sum():
    counts = compositions(64, 5)
    assert counts.shape == (math.comb(68, 4), 5) == (814_385, 5)
    assert (counts.sum(axis=1) == 64).all() and len({tuple(c) for c in counts[:5000]}) == 5000


def test_five_arms_at_g_64_are_exact_and_aligned_with_the_gradient():
    problem = core.SoftmaxBandit((0.1, 0.2, -0.3, 0.5, 0.0), (1.0, 2.0, 3.0, 4.0, 5.0))
    moments = group_moments(problem, 64, "loo")
    np.testing.assert_allclose(moments.mean, problem.exact_gradient(), atol=1e-12)
    assert moments.cosine == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: group_moments(core.Bandit(), 1, "loo"), "group_size must be"),
        (lambda: group_moments(core.Bandit(), 65, "loo"), "group_size must be"),
        (lambda: group_moments(core.Bandit(), 4, "ppo"), "estimator must be one of"),
        (lambda: group_moments(core.Gaussian(), 4, "loo"), "core.Bandit and core.SoftmaxBandit"),
        (
            lambda: group_moments(core.SoftmaxBandit((0.0,) * 5, (1.0,) * 5), 64, "standardised"),
            "exact enumeration allows",
        ),
        (lambda: GroupSettings(grpo_epsilon=-1.0), "grpo_epsilon must be"),
        (lambda: GroupSettings(batch_groups=0), "batch_groups must be"),
    ],
)
def test_errors_speak_to_the_person(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("estimator", ["none", "loo"])
def test_log_space_weights_keep_a_tiny_gradient_at_an_extreme_theta(estimator):
    problem = core.Bandit(40.0)  # ∇J = 5 σ(40) σ(−40) ≈ 2.1e-17
    moments = group_moments(problem, 64, estimator)
    np.testing.assert_allclose(moments.mean, problem.exact_gradient(), rtol=1e-9)


def test_one_ascent_step_moves_theta_by_the_learning_rate_times_the_exact_mean():
    runs, rate = 1500, 0.1
    table = group_ascent(core.Bandit(), 4, 1, rate, runs=runs, seed=5)
    for estimator, rows in table[table.step == 1].groupby("estimator"):
        moments = group_moments(core.Bandit(), 4, estimator, GroupSettings(batch_groups=1))
        se = rate * math.sqrt(moments.variance[0] / runs)
        assert abs(rows.theta_0.mean() - rate * moments.mean[0]) <= 5 * se, estimator


def test_ascent_starts_at_the_exact_objective_and_rloo_climbs():
    table = group_ascent(core.Bandit(), 4, 30, 0.2, runs=8, seed=1)
    start = table[table.step == 0]
    np.testing.assert_allclose(start.objective, core.Bandit().expected_value())
    assert set(start.estimator) == set(GROUP_ESTIMATORS) and (start.samples == 0).all()
    rloo = table[table.estimator == "loo"]
    assert rloo[rloo.step == 30].objective.mean() > start.objective.iloc[0] + 1.0


@pytest.mark.parametrize(("problem", "group_size"), [CASES[2], CASES[4]])
def test_exact_fourth_moment_matches_every_action_sequence_enumerated(problem, group_size):
    """The exact SE of a Monte Carlo variance needs μ₄ = E[(ĝ − E ĝ)⁴]: from all K^G sequences."""
    pi, scores = _policy(problem)
    rewards = np.asarray(problem.rewards, dtype=float)
    probabilities, estimates = [], []
    for actions in itertools.product(range(pi.size), repeat=group_size):
        a = np.array(actions)
        probabilities.append(np.prod(pi[a]))
        advantages = _advantages(rewards[a], "grpo", SMALL_BATCH)
        estimates.append((advantages[:, None] * scores[a]).mean(axis=0))
    probabilities, estimates = np.array(probabilities), np.array(estimates)
    fourth = probabilities @ (estimates - probabilities @ estimates) ** 4
    moments = group_moments(problem, group_size, "grpo")
    np.testing.assert_allclose(moments.fourth_moment, fourth, rtol=1e-9, atol=1e-15)
    reps = 1000
    expected = np.sqrt((fourth - moments.variance**2 * (reps - 3) / (reps - 1)) / reps)
    np.testing.assert_allclose(moments.variance_standard_error(reps), expected, rtol=1e-9)


def test_the_study_states_exact_standard_errors():
    table = group_baseline_study(core.Bandit(), 4, reps=400, seed=2)
    for estimator, row in table.set_index("estimator").iterrows():
        moments = group_moments(core.Bandit(), 4, estimator)
        assert row.mean_se == pytest.approx(math.sqrt(moments.variance[0] / 400), rel=1e-12)


def test_exact_sweep_over_the_reward_gap_keeps_grpo_and_scales_the_gradient():
    table = group_exact_sweep(core.Bandit(), (4,), (0.0,), gap_scales=(0.2, 1.0, 4.0))
    grpo = table[table.estimator == "grpo"]
    np.testing.assert_allclose(grpo.gradient, [0.25, 1.25, 5.0], rtol=1e-12)
    # TRL's ε = 1e-4 moves it by about ε/(Δ std(a)) ≤ 1e-4/(1 · 0.5) relative at Δ = 1
    np.testing.assert_allclose(grpo.exact_mean, grpo.exact_mean.iloc[-1], rtol=2.5e-4)
    loo = table[table.estimator == "loo"]
    np.testing.assert_allclose(loo.exact_mean, loo.gradient, rtol=1e-12)
    direct = group_moments(core.Bandit(0.0, (5.0, 25.0)), 4, "mean").mean[0]
    assert table[(table.estimator == "mean")].exact_mean.iloc[-1] == pytest.approx(direct)


def test_learning_curves_summarise_the_runs_of_the_ascent():
    runs = group_ascent(core.Bandit(), 4, 5, 0.2, runs=6, seed=9)
    curves = learning_curves(core.Bandit(), 4, 5, 0.2, runs=6, seed=9)
    last = runs[(runs.step == 5) & (runs.estimator == "loo")].objective
    row = curves[(curves.step == 5) & (curves.estimator == "loo")].iloc[0]
    assert row.objective == pytest.approx(last.mean(), rel=1e-14)
    assert row.standard_error == pytest.approx(last.std(ddof=1) / math.sqrt(6), rel=1e-12)
    assert (row.low, row.high, row.runs) == (last.min(), last.max(), 6)
    start = curves[curves.step == 0]
    np.testing.assert_allclose(start.objective, core.Bandit().expected_value())
    assert (start.spread == 0).all()
