"""Every closed form checked by an independent route: finite differences, enumeration, quadrature."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

import core
from core.gaussian_costs import Cost
from core.numerics import make_rng
from tests.core.catalogue import GAUSSIAN_SETTINGS, PROBLEMS


def finite_difference_gradient(problem, step=1e-5):
    """Central differences of the exact expected value: (J(θ + h e_j) − J(θ − h e_j)) / 2h."""
    gradient = []
    for direction in np.eye(problem.dim):
        up = problem.with_theta(problem.theta + step * direction).expected_value()
        down = problem.with_theta(problem.theta - step * direction).expected_value()
        gradient.append((up - down) / (2 * step))
    return np.array(gradient)


@pytest.mark.parametrize("name", PROBLEMS)
def test_exact_gradient_matches_finite_differences_of_the_expected_value(name):
    problem = PROBLEMS[name]()
    np.testing.assert_allclose(
        problem.exact_gradient(), finite_difference_gradient(problem), rtol=1e-6, atol=1e-8
    )


def test_classic_bandit_gradient_is_five_sigma_one_minus_sigma():
    assert core.Bandit().exact_gradient() == pytest.approx([1.25], abs=1e-15)
    for theta in (-3.0, 0.7, 2.5):
        p = 1 / (1 + math.exp(-theta))
        assert core.Bandit(theta).exact_gradient()[0] == pytest.approx(5 * p * (1 - p), rel=1e-14)
        assert core.Bandit(theta).fisher_information()[0, 0] == pytest.approx(p * (1 - p))


@pytest.mark.parametrize("name", ["bandit", "softmax"])
def test_bandit_closed_forms_agree_with_enumeration(name):
    problem = PROBLEMS[name]()
    xs, probs = problem.support()
    scores = problem.score(xs)
    np.testing.assert_allclose(problem.expected_value(), probs @ problem.f(xs), rtol=1e-14)
    np.testing.assert_allclose(
        problem.exact_gradient(), probs @ (problem.f(xs)[:, None] * scores), rtol=1e-13
    )
    np.testing.assert_allclose(
        problem.fisher_information(), (scores * probs[:, None]).T @ scores, atol=1e-15
    )
    np.testing.assert_allclose(
        problem.optimal_baseline(),
        (probs @ (problem.f(xs)[:, None] * scores**2)) / (probs @ scores**2),
        rtol=1e-13,
    )


def test_softmax_probabilities_are_exponentiated_log_probabilities():
    problem = PROBLEMS["softmax"]()
    xs, probs = problem.support()
    np.testing.assert_allclose(np.exp(problem.log_prob(xs)), probs, rtol=1e-14)


@pytest.mark.parametrize("name", ["episodes-return", "episodes-advantage"])
def test_episode_value_by_dynamic_programming_matches_enumeration(name):
    problem = PROBLEMS[name]()
    xs, probs = problem.support()
    assert probs.sum() == pytest.approx(1.0, abs=1e-14)
    assert problem.expected_value() == pytest.approx(probs @ problem.f(xs), rel=1e-13)


def test_every_credit_of_an_episode_is_unbiased_for_the_same_gradient():
    base = PROBLEMS["episodes-return"]()
    xs, probs = base.support()
    for credit in core.CREDITS:
        problem = base.with_credit(credit)
        np.testing.assert_allclose(
            probs @ problem.credited_score(xs), base.exact_gradient(), rtol=1e-12, atol=1e-14
        )


def test_reward_to_go_and_advantage_cut_the_variance_of_whole_return_credit():
    base = core.Episodes(8, (0.3, -0.2, 0.1), (0.0, 0.5, 1.0))
    variances = [core.per_sample_variance(base.with_credit(c)).sum() for c in core.CREDITS]
    assert variances[0] > variances[1] > variances[2]


@pytest.mark.parametrize("cost", list(GAUSSIAN_SETTINGS))
def test_gaussian_closed_form_moments_agree_with_quadrature(cost):
    problem = core.Gaussian(*GAUSSIAN_SETTINGS[cost][:2], cost, GAUSSIAN_SETTINGS[cost][2])
    named, mu, sigma = problem.cost, problem.mu, problem.sigma
    for power in (1, 2):
        np.testing.assert_allclose(
            named.moments(mu, sigma, power, 4),
            Cost.moments(named, mu, sigma, power, 4),
            rtol=1e-9,
            atol=1e-12,
        )
    if named.differentiable:
        np.testing.assert_allclose(
            named.derivative_moments(mu, sigma, 2),
            Cost.derivative_moments(named, mu, sigma, 2),
            rtol=1e-9,
            atol=1e-12,
        )
    assert named.location_coupling_second_moment(mu, sigma) == pytest.approx(
        Cost.location_coupling_second_moment(named, mu, sigma), rel=1e-9, abs=1e-12
    )
    assert named.scale_coupling_cross_moment(mu, sigma) == pytest.approx(
        Cost.scale_coupling_cross_moment(named, mu, sigma), rel=1e-9, abs=1e-12
    )
    assert named.expected_value(mu, sigma) == pytest.approx(
        Cost.expected_value(named, mu, sigma), rel=1e-10, abs=1e-13
    )
    np.testing.assert_allclose(
        named.gradient(mu, sigma), Cost.gradient(named, mu, sigma), rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("cost", list(GAUSSIAN_SETTINGS))
def test_gaussian_expected_value_agrees_with_scipy_quadrature_over_x(cost):
    mu, sigma, k = GAUSSIAN_SETTINGS[cost]
    problem = core.Gaussian(mu, sigma, cost, k)
    density = stats.norm(mu, sigma).pdf
    breaks = [problem.cost.k] if cost in ("step", "abs") else []
    edges = [mu - 40 * sigma, *breaks, mu + 40 * sigma]
    total = sum(
        integrate.quad(lambda x: problem.f(np.array([x]))[0] * density(x), a, b, limit=200)[0]
        for a, b in zip(edges[:-1], edges[1:], strict=True)
    )
    assert problem.expected_value() == pytest.approx(total, rel=1e-8, abs=1e-12)


def test_gaussian_fisher_information_agrees_with_quadrature_of_score_products():
    problem = core.Gaussian(0.3, 1.7, "square")
    nodes, weights = np.polynomial.hermite_e.hermegauss(40)
    x = problem.mu + problem.sigma * nodes
    scores = problem.score(x)
    quadrature = (scores * (weights / math.sqrt(2 * math.pi))[:, None]).T @ scores
    np.testing.assert_allclose(problem.fisher_information(), quadrature, rtol=1e-12, atol=1e-14)


def test_policy_fisher_and_variances_agree_with_full_gauss_hermite_quadrature():
    problem = core.LinearGaussianPolicy((0.3, -0.2), (1.0, 0.5), 0.8)
    nodes, weights = np.polynomial.hermite_e.hermegauss(12)
    weights = weights / math.sqrt(2 * math.pi)
    grid = np.array(np.meshgrid(nodes, nodes, nodes, indexing="ij")).reshape(3, -1)
    weight = np.prod(np.array(np.meshgrid(weights, weights, weights, indexing="ij")), axis=0)
    weight = weight.reshape(-1)
    states = grid[:2].T
    actions = states @ problem.theta + problem.sigma * grid[2]
    x = np.column_stack([states, actions])
    scores = problem.score(x)
    terms = problem.f(x)[:, None] * scores
    np.testing.assert_allclose(
        problem.fisher_information(), (scores * weight[:, None]).T @ scores, atol=1e-12
    )
    gradient = weight @ terms
    np.testing.assert_allclose(gradient, problem.exact_gradient(), rtol=1e-12)
    np.testing.assert_allclose(
        core.per_sample_variance(problem), weight @ terms**2 - gradient**2, rtol=1e-10
    )
    pathwise = (-2 * (actions - states @ problem.target))[:, None] * states
    np.testing.assert_allclose(
        core.per_sample_variance(problem, "pathwise"),
        weight @ pathwise**2 - (weight @ pathwise) ** 2,
        rtol=1e-10,
    )


@pytest.mark.parametrize("name", PROBLEMS)
def test_optimal_baseline_minimises_the_exact_variance_parabola(name):
    problem = PROBLEMS[name]()
    best = problem.optimal_baseline()
    at_best = problem.score_term_variance(best)
    for shift in (-0.5, 0.5):
        assert np.all(problem.score_term_variance(best + shift) >= at_best - 1e-12)


def test_optimal_baseline_gives_zero_variance_on_the_binary_bandit():
    for theta in (-2.0, 0.0, 0.4, 3.0):
        bandit = core.Bandit(theta, (5.0, 10.0))
        assert core.per_sample_variance(bandit, "score", "optimal")[0] == pytest.approx(
            0, abs=1e-24
        )
        terms = core.score_function(bandit, 1000, rng=make_rng(1), baseline="optimal")
        np.testing.assert_allclose(terms[:, 0], bandit.exact_gradient()[0], rtol=1e-12)


def test_per_sample_variance_of_the_classic_bandit_in_closed_form():
    # Var[r(a) s] = E[r² s²] − g²: p(1−p)(r1²(1−p) + r0² p) − (r1−r0)² p² (1−p)²
    p = 1 / (1 + math.exp(-0.4))
    exact = p * (1 - p) * (100 * (1 - p) + 25 * p) - (5 * p * (1 - p)) ** 2
    assert core.per_sample_variance(core.Bandit(0.4))[0] == pytest.approx(exact, rel=1e-13)
    # the population-mean baseline b = E[r]: Var[(r − E r) s] = (r1 − r0)² p (1−p) ((1−p)³/... )
    mean = 5 + 5 * p
    direct = p * ((10 - mean) * (1 - p)) ** 2 + (1 - p) * ((5 - mean) * -p) ** 2
    expected = direct - (5 * p * (1 - p)) ** 2
    assert core.per_sample_variance(core.Bandit(0.4), "score", "mean")[0] == pytest.approx(
        expected, rel=1e-12
    )


def test_step_cost_has_no_pathwise_gradient_and_says_why():
    with pytest.raises(ValueError, match="not differentiable"):
        core.pathwise(core.Gaussian(0.0, 1.0, "step"), 10, rng=make_rng(0))
    with pytest.raises(ValueError, match="not differentiable"):
        core.per_sample_variance(core.Gaussian(0.0, 1.0, "step"), "pathwise")
    with pytest.raises(ValueError, match="discrete"):
        core.pathwise(core.Bandit(), 10, rng=make_rng(0))


def test_gaussian_accepts_a_vectorised_callable_with_quadrature_truths():
    problem = core.Gaussian(
        0.4, 0.9, lambda x: np.cos(1.5 * x), derivative=lambda x: -1.5 * np.sin(1.5 * x)
    )
    named = core.Gaussian(0.4, 0.9, "cos", 1.5)
    assert problem.expected_value() == pytest.approx(named.expected_value(), rel=1e-9)
    np.testing.assert_allclose(problem.exact_gradient(), named.exact_gradient(), rtol=1e-8)
    for estimator in core.ESTIMATORS:
        np.testing.assert_allclose(
            core.per_sample_variance(problem, estimator),
            core.per_sample_variance(named, estimator),
            rtol=1e-8,
        )
