"""PPO/GRPO-style sample reuse against an independent route: every action sequence a₁…a_n of a
small group enumerated, each run through the clipped-surrogate epochs sample by sample (the min of
the two surrogate terms, not the sign rule of core), and seeded Monte Carlo within 5 exact SE."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import core
from core.group_baselines import GroupSettings, group_moments
from core.sample_reuse import REUSE_QUANTITIES, sample_reuse
from tests.core.test_group_baselines import _advantages, _policy

SMALL_BATCH = GroupSettings(batch_groups=2)


def _surrogate_gradient(problem, theta, actions, advantages, pi_old, epsilon):
    """∇θ (1/n) Σ min(ρ_i A_i, clip(ρ_i) A_i), term by term: the min's gradient is ρ_i A_i s_i
    where ρ_i A_i is the smaller (or equal) term and 0 where the constant clipped term is."""
    pi, scores = _policy(problem.with_theta(theta))
    ratio = pi[actions] / pi_old[actions]
    unclipped = ratio * advantages
    clipped = np.clip(ratio, 1 - epsilon, 1 + epsilon) * advantages
    flows = unclipped <= clipped
    gradient = (np.where(flows, unclipped, 0.0)[:, None] * scores[actions]).mean(axis=0)
    importance = (unclipped[:, None] * scores[actions]).mean(axis=0)
    return pi, scores, ratio, ~flows, gradient, importance


def _brute_force(problem, group_size, estimator, epochs, rate, epsilon, settings):
    """{quantity: (E, Var)} per epoch, summed over all K^n action sequences."""
    pi_old, _ = _policy(problem)
    rewards = np.asarray(problem.rewards, dtype=float)
    n = group_size * (settings.batch_groups if estimator == "standardised" else 1)
    per_epoch = [dict() for _ in range(epochs + 1)]
    probabilities = []
    for sequence in itertools.product(range(pi_old.size), repeat=n):
        actions = np.array(sequence)
        probabilities.append(np.prod(pi_old[actions]))
        advantages = _advantages(rewards[actions], estimator, settings)
        theta = np.array(problem.theta, dtype=float)
        for epoch in range(epochs + 1):
            pi, scores, ratio, clipped, gradient, importance = _surrogate_gradient(
                problem, theta, actions, advantages, pi_old, epsilon
            )
            true_gradient = problem.with_theta(theta).exact_gradient()
            values = {
                "objective": [pi @ rewards],
                "ratio": pi / pi_old,
                "clipped_ratio": np.clip(pi / pi_old, 1 - epsilon, 1 + epsilon),
                "effective_sample_size": [ratio.sum() ** 2 / (ratio**2).sum()],
                "clipped_fraction": [clipped.mean()],
                "true_gradient": true_gradient,
                "is_gradient": importance,
                "clipped_gradient": gradient,
                "clipping_bias": gradient - importance,
                "bias": gradient - true_gradient,
            }
            for name, value in values.items():
                per_epoch[epoch].setdefault(name, []).append(np.asarray(value, dtype=float))
            theta = theta + rate * gradient
    probabilities = np.array(probabilities)
    moments = []
    for state in per_epoch:
        moments.append({})
        for name, values in state.items():
            values = np.array(values)
            mean = probabilities @ values
            moments[-1][name] = (mean, probabilities @ (values - mean) ** 2)
    return moments


CASES = [
    (core.Bandit(), 4, "grpo", 3, 0.5, 0.2),
    (core.Bandit(0.7, (-1.0, 2.5)), 3, "none", 4, 1.0, 0.1),
    (core.Bandit(-1.3, (5.0, 10.0)), 6, "loo", 3, 2.0, 0.3),
    (core.SoftmaxBandit((0.2, -0.5, 0.1), (1.0, 3.0, 2.0)), 3, "mean", 3, 2.0, 0.2),
    (core.SoftmaxBandit((0.2, -0.5, 0.1), (1.0, 3.0, 2.0)), 4, "grpo", 2, 1.0, 0.2),
    (core.SoftmaxBandit((0.0, 1.0, -1.0), (0.0, 1.0, 4.0)), 2, "standardised", 3, 1.5, 0.2),
]


@pytest.mark.parametrize(("problem", "group_size", "estimator", "epochs", "rate", "eps"), CASES)
def test_reuse_moments_match_every_action_sequence_enumerated(
    problem, group_size, estimator, epochs, rate, eps
):
    table = sample_reuse(
        problem, group_size, estimator, epochs=epochs, learning_rate=rate, clip_epsilon=eps,
        reps=10, settings=SMALL_BATCH,
    )  # fmt: skip
    expected = _brute_force(problem, group_size, estimator, epochs, rate, eps, SMALL_BATCH)
    for (epoch, quantity), rows in table.groupby(["epoch", "quantity"], sort=False):
        mean, variance = expected[epoch][quantity]
        np.testing.assert_allclose(rows.exact, mean, rtol=1e-9, atol=1e-12, err_msg=quantity)
        np.testing.assert_allclose(
            rows.exact_variance, variance, rtol=1e-7, atol=1e-12, err_msg=quantity
        )
    # the epochs moved the policy and clipped some terms: the cases test the clip, not ρ ≡ 1
    last = table[table.epoch == epochs]
    assert last[last.quantity == "clipped_fraction"].exact.iloc[0] > 0


def test_the_surrogate_gradient_of_the_reference_is_its_finite_difference():
    """The reference's term-wise gradient of the min is the surrogate's central difference."""
    problem, epsilon = core.SoftmaxBandit((0.2, -0.5, 0.1), (1.0, 3.0, 2.0)), 0.2
    pi_old, _ = _policy(problem)
    actions = np.array([0, 1, 1, 2])
    advantages = _advantages(np.asarray(problem.rewards)[actions], "grpo", GroupSettings())
    theta = np.array([0.05, -0.2, 0.15])  # moved off θ_old: some ratios are clipped

    def surrogate(at):
        pi, _ = _policy(problem.with_theta(at))
        ratio = pi[actions] / pi_old[actions]
        clip = np.clip(ratio, 1 - epsilon, 1 + epsilon)
        return np.minimum(ratio * advantages, clip * advantages).mean()

    *_, clipped, gradient, _ = _surrogate_gradient(
        problem, theta, actions, advantages, pi_old, epsilon
    )
    assert clipped.any() and not clipped.all()
    h = 1e-6
    differences = [
        (surrogate(theta + h * e) - surrogate(theta - h * e)) / (2 * h) for e in np.eye(3)
    ]
    np.testing.assert_allclose(gradient, differences, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    ("problem", "estimator"),
    [(core.Bandit(), "grpo"), (core.SoftmaxBandit((0.3, -0.2, 0.0), (1.0, 2.0, 5.0)), "loo")],
)
def test_monte_carlo_reuse_is_within_5_exact_se(problem, estimator):
    table = sample_reuse(problem, 8, estimator, epochs=4, learning_rate=1.0, reps=20_000, seed=3)
    checks = [
        core.check_agreement(row.monte_carlo, row.exact, row.standard_error, tolerance_se=5.0)
        for row in table.itertuples()
    ]
    failed = [
        (row.epoch, row.quantity)
        for row, c in zip(table.itertuples(), checks, strict=True)
        if not c.passed
    ]
    assert not failed, failed


def test_the_first_epoch_is_the_plain_group_estimate_with_full_sample_size():
    table = sample_reuse(core.Bandit(), 4, "grpo", epochs=2, learning_rate=0.5, reps=10)
    first = table[table.epoch == 0].set_index(["quantity", "position"]).exact
    assert first["ratio"].tolist() == pytest.approx([1.0, 1.0])
    assert first["effective_sample_size", 0] == pytest.approx(4.0)
    assert first["clipped_fraction", 0] == 0.0
    grpo = group_moments(core.Bandit(), 4, "grpo").mean[0]
    assert first["clipped_gradient", 0] == pytest.approx(grpo, rel=1e-12)
    assert first["true_gradient", 0] == pytest.approx(1.25, rel=1e-12)
    assert [name for name, _ in REUSE_QUANTITIES] == list(dict.fromkeys(table.quantity))


def test_clipping_stops_the_reused_updates_of_the_good_arm():
    """Once ρ(1) > 1 + ε for every positive-advantage draw, the surrogate's gradient is zero."""
    table = sample_reuse(core.Bandit(), 4, "grpo", epochs=6, learning_rate=1.0, reps=10)
    last = table[table.epoch == 6].set_index(["quantity", "position"]).exact
    assert last["clipped_fraction", 0] == pytest.approx(7 / 8)  # all but the all-equal groups
    assert last["clipped_gradient", 0] == pytest.approx(0.0, abs=1e-15)
    assert last["clipping_bias", 0] < 0


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({"epochs": -1}, "epochs must be"),
        ({"clip_epsilon": 0.0}, "clip_epsilon must be"),
        ({"clip_epsilon": 1.5}, "clip_epsilon must be"),
        ({"learning_rate": float("nan")}, "learning_rate must be"),
        ({"reps": 0}, "reps must be"),
    ],
)
def test_reuse_errors_speak_to_the_person(keywords, message):
    with pytest.raises(ValueError, match=message):
        sample_reuse(core.Bandit(), 4, **keywords)
