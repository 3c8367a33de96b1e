"""Issue 13's worked examples, each exact value against an independent route (finite
differences, closed forms, brute-force enumeration) and each Monte Carlo number within 5 exact SE."""

import math

import numpy as np
import pytest
from scipy.stats import norm

import core
from core.derivation import finite_difference_gradient
from core.episodes import CREDITS
from core.gae import gae_study, gae_terms
from core.log_derivative import action_table, log_derivative_routes, log_derivative_running
from core.logistic_policy import LogisticPolicy, logistic_derivation
from core.numerics import sigmoid
from core.worked_examples import (
    episode_estimates,
    one_episode,
    policy_draws,
    step_cost_at,
    step_cost_autodiff,
    step_cost_draws,
)

TOLERANCE_SE = 5.0
BANDITS = [core.Bandit(), core.Bandit(0.7, (-1.0, 3.0)), core.Bandit(-2.0, (4.0, 1.5))]


@pytest.mark.parametrize("bandit", BANDITS, ids=repr)
def test_the_exact_sum_is_the_finite_difference_of_the_action_probabilities(bandit):
    table = action_table(bandit)
    h = 1e-6
    theta = float(bandit.theta[0])
    up, down = (bandit.with_theta([theta + s]).support()[1] for s in (h, -h))
    grad_probability = (up - down) / (2 * h)
    assert table["grad_probability"].to_numpy() == pytest.approx(grad_probability, abs=1e-8)
    assert table["exact_summand"].sum() == pytest.approx(
        float(bandit.rewards @ grad_probability), abs=1e-8
    )


@pytest.mark.parametrize("bandit", BANDITS, ids=repr)
def test_the_naive_average_estimates_the_doubly_weighted_sum_not_the_gradient(bandit):
    s = bandit.p_one
    r0, r1 = bandit.rewards
    slope = s * (1 - s)
    routes = log_derivative_routes(bandit, 20_000, seed=3).set_index("route")
    naive, logged = routes.iloc[1], routes.iloc[2]
    assert naive["exact_mean"] == pytest.approx(slope * (s * r1 - (1 - s) * r0), rel=1e-12)
    assert logged["exact_mean"] == pytest.approx((r1 - r0) * slope, rel=1e-12)
    assert naive["exact_bias"] == pytest.approx(naive["exact_mean"] - (r1 - r0) * slope)
    for row in (naive, logged):
        assert (
            abs(row["estimate"] - row["exact_mean"]) <= TOLERANCE_SE * row["exact_standard_error"]
        )


def test_defaults_give_the_issues_numbers():
    routes = log_derivative_routes(core.Bandit(), 1_000)
    assert routes["exact_mean"].tolist() == pytest.approx([1.25, 0.625, 1.25])
    assert routes["exact_bias"].tolist() == pytest.approx([0.0, -0.625, 0.0])


def test_the_running_means_use_the_derivation_pages_draws_and_exact_variances():
    bandit = core.Bandit(0.4, (2.0, 7.0))
    running = log_derivative_running(bandit, 4_000, seed=5)
    logged = running[running["route"] == running["route"].iloc[-1]]
    reference = core.derivation.running_estimate(bandit, 4_000, seed=5)
    assert logged["running_mean"].to_numpy() == pytest.approx(reference["running_mean"].to_numpy())
    # The exact per-draw variance against a direct two-point computation.
    s, (r0, r1) = bandit.p_one, bandit.rewards
    slope = s * (1 - s)
    naive_values = np.array([r0 * -slope, r1 * slope])
    probabilities = np.array([1 - s, s])
    mean = probabilities @ naive_values
    variance = probabilities @ (naive_values - mean) ** 2
    naive = running[running["route"] == running["route"].iloc[0]]
    assert naive["exact_standard_error"].iloc[-1] == pytest.approx(math.sqrt(variance / 4_000))


LOGISTICS = [
    LogisticPolicy(),
    LogisticPolicy(
        (0.3, -1.2, 0.8),
        ((1.0, 0.5, -1.0), (1.0, -2.0, 0.0), (0.0, 1.0, 1.0)),
        (0.2, 0.5, 0.3),
        ((1.0, -1.0), (0.5, 2.0), (-3.0, 0.0)),
    ),
]


@pytest.mark.parametrize("policy", LOGISTICS, ids=repr)
def test_logistic_gradient_by_enumeration_matches_closed_form_and_finite_differences(policy):
    z = policy.states @ policy.weights
    slope = sigmoid(z) * sigmoid(-z)
    gap = policy.rewards[:, 1] - policy.rewards[:, 0]
    closed_form = (policy.state_probabilities * slope * gap) @ policy.states
    assert policy.exact_gradient() == pytest.approx(closed_form, abs=1e-12)
    assert finite_difference_gradient(policy) == pytest.approx(closed_form, abs=1e-8)
    lines = logistic_derivation(policy)
    assert lines.groupby("param", sort=False)["summand"].sum().to_numpy() == pytest.approx(
        closed_form, abs=1e-12
    )
    assert policy.fisher_information() == pytest.approx(
        (policy.state_probabilities * slope * policy.states.T) @ policy.states, abs=1e-12
    )


@pytest.mark.parametrize("policy", [*LOGISTICS, core.LinearGaussianPolicy((0.3, -0.2), sigma=0.8)])
def test_policy_draws_running_means_land_within_5_exact_se(policy):
    draws = policy_draws(policy, 20_000, seed=11)
    last = draws[draws["draw"] == 20_000]
    assert np.all(
        np.abs(last["running_mean"] - last["exact_gradient"])
        <= TOLERANCE_SE * last["exact_standard_error"]
    )
    # The per-draw variance the SE comes from, against the draws' own sample variance.
    for param, part in draws.groupby("param"):
        terms = part["term"].to_numpy()
        j = policy.params.index(param)
        exact_variance = core.per_sample_variance(policy)[j]
        spread = np.var(terms, ddof=1)
        fourth = np.mean((terms - terms.mean()) ** 4)
        assert abs(spread - exact_variance) <= TOLERANCE_SE * math.sqrt(
            (fourth - spread**2) / len(terms)
        )


def test_linear_gaussian_draws_show_the_score_of_their_own_state_and_action():
    policy = core.LinearGaussianPolicy((0.5, 1.0), (1.0, -0.5), 1.5)
    draws = policy_draws(policy, 50, seed=2)
    x = policy.sample(core.numerics.make_rng(2), 50)
    for j, param in enumerate(policy.params):
        part = draws[draws["param"] == param]
        noise = x[:, 2] - x[:, :2] @ policy.weights
        assert part["score"].to_numpy() == pytest.approx(noise * x[:, j] / 1.5**2)
        assert part["state"].to_numpy() == pytest.approx(x[:, j])
        assert part["term"].to_numpy() == pytest.approx(
            -((x[:, 2] - x[:, :2] @ policy.target) ** 2) * noise * x[:, j] / 1.5**2
        )


@pytest.mark.parametrize(
    ("mu", "sigma", "k"), [(0.0, 1.0, 0.0), (0.3, 1.5, 0.5), (-1.0, 0.5, -0.2)]
)
def test_autodiff_of_the_step_returns_zero_and_misses_the_whole_gradient(mu, sigma, k):
    step = core.Gaussian(mu, sigma, "step", k)
    result = step_cost_autodiff(step, 20_000, seed=4).set_index("param")
    t = (k - mu) / sigma
    exact_mu = norm.pdf(t) / sigma
    h = 1e-6
    fd = (norm.cdf((mu + h - k) / sigma) - norm.cdf((mu - h - k) / sigma)) / (2 * h)
    assert result.loc["mu", "exact_gradient"] == pytest.approx(exact_mu, rel=1e-12)
    assert result.loc["mu", "exact_gradient"] == pytest.approx(fd, rel=1e-7)
    assert result["pathwise_estimate"].tolist() == [0.0, 0.0]
    assert result["pathwise_bias"].to_numpy() == pytest.approx(-result["exact_gradient"].to_numpy())
    assert np.all(
        np.abs(result["score_estimate"] - result["exact_gradient"])
        <= TOLERANCE_SE * result["score_exact_standard_error"]
    )


def test_the_step_at_the_defaults_is_one_over_root_two_pi():
    step = step_cost_at(core.Gaussian())  # the page's default square cost: the step at k = 0
    assert step.cost.name == "step" and step.cost.k == 0.0
    exact = step_cost_autodiff(step, 100)["exact_gradient"].iloc[0]
    assert exact == pytest.approx(1 / math.sqrt(2 * math.pi)) and f"{exact:.4f}" == "0.3989"
    draws = step_cost_draws(step, 5)
    assert (draws["derivative"] == 0).all() and set(draws["f"]) <= {0.0, 1.0}


@pytest.mark.parametrize("episode", [1, 2, 7, 30])
def test_one_episode_by_hand_sums_to_the_vectorised_credited_score(episode):
    problem = core.Episodes(6, (0.4, -0.3, 1.0), (1.0, -0.5, 2.0))
    steps = one_episode(problem, seed=9, episode=episode)
    rewards = steps["reward"].to_numpy()
    assert steps["reward_to_go"].to_numpy() == pytest.approx(np.cumsum(rewards[::-1])[::-1])
    assert steps["return_"].iloc[0] == pytest.approx(rewards.sum())
    # Positions follow the actions along the chain, clamped at its ends.
    assert steps["next_position"].iloc[:-1].tolist() == steps["position"].iloc[1:].tolist()
    estimates = episode_estimates(problem, seed=9, episode=episode)
    assert estimates["by_hand"].to_numpy() == pytest.approx(
        estimates["credited_score"].to_numpy(), abs=1e-12
    )
    assert set(estimates["credit"]) == set(CREDITS)


EPISODES = core.Episodes(5, (0.3, -0.4, 0.8), (0.0, 0.5, 1.0))


def test_discounted_values_match_brute_force_enumeration():
    xs, probabilities = EPISODES.support()
    rewards = EPISODES._step_scores(xs)[2]
    gamma = 0.8
    discounted = rewards @ gamma ** np.arange(EPISODES.horizon)
    assert EPISODES.values(gamma)[0, 0] == pytest.approx(probabilities @ discounted, rel=1e-12)


def test_gae_at_gamma_and_lambda_one_is_reward_to_go_minus_v():
    study = gae_study(EPISODES, gamma=1.0, lambdas=(0.0, 0.5, 1.0), critic_scale=0.3, n=500)
    exact = study[study["critic"] == "exact V"]
    # With the exact critic and γ = 1 every λ is unbiased.
    assert exact["exact_bias"].abs().max() < 1e-12
    # λ = 1: the wrong critic is only a baseline, so it is unbiased too.
    wrong_one = study[(study["critic"] != "exact V") & (study["lam"] == 1.0)]
    assert wrong_one["exact_bias"].abs().max() < 1e-12
    # λ = 0 with the wrong critic is biased.
    wrong_zero = study[(study["critic"] != "exact V") & (study["lam"] == 0.0)]
    assert wrong_zero["exact_bias"].abs().max() > 1e-3
    advantage = core.per_sample_variance(EPISODES.with_credit("advantage"))
    at_one = exact[exact["lam"] == 1.0]["exact_variance"].to_numpy()
    assert at_one == pytest.approx(advantage, rel=1e-10)


def test_gae_with_a_zero_critic_at_lambda_one_is_discounted_reward_to_go():
    xs, probabilities = EPISODES.support()
    gamma = 0.7
    zero = np.zeros((EPISODES.horizon + 1, EPISODES.dim))
    terms = gae_terms(EPISODES, xs, gamma, 1.0, zero)
    step_scores, positions, rewards = EPISODES._step_scores(xs)
    horizon = EPISODES.horizon
    to_go = np.stack(
        [rewards[:, t:] @ gamma ** np.arange(horizon - t) for t in range(horizon)], axis=1
    )
    brute = np.stack(
        [
            np.sum(np.where(positions == s, to_go * step_scores, 0.0), axis=1)
            for s in range(EPISODES.dim)
        ],
        axis=1,
    )
    assert terms == pytest.approx(brute, abs=1e-12)


def test_gae_exact_critic_bias_does_not_depend_on_lambda_and_monte_carlo_agrees():
    study = gae_study(EPISODES, gamma=0.9, critic_scale=1.6, n=20_000, seed=8)
    exact = study[study["critic"] == "exact V"]
    by_param = exact.groupby("param")["exact_bias"]
    assert (by_param.max() - by_param.min()).max() < 1e-12
    assert exact["exact_bias"].abs().max() > 1e-3  # γ < 1 biases against ∇E[R]
    reachable = study[study["exact_variance"] > 0]
    assert np.all(
        np.abs(reachable["mean"] - reachable["exact_mean"])
        <= TOLERANCE_SE * reachable["mean_standard_error"]
    )
    assert np.all(
        np.abs(reachable["variance"] - reachable["exact_variance"])
        <= TOLERANCE_SE * reachable["variance_standard_error"]
    )


def test_gae_refuses_values_outside_the_unit_interval():
    with pytest.raises(ValueError, match="between 0 and 1"):
        gae_study(EPISODES, gamma=1.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        gae_study(EPISODES, lambdas=(-0.1,))


def test_logistic_policy_is_a_value_whose_repr_rebuilds_it():
    policy = LOGISTICS[1]
    rebuilt = eval(repr(policy), {"core": core})
    assert rebuilt == policy and hash(rebuilt) == hash(policy)
    with pytest.raises(ValueError, match="sum to 1"):
        LogisticPolicy(state_probabilities=(0.5, 0.6))
