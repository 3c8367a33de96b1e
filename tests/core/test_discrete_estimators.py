"""Discrete estimators: every exact mean and variance against an independent route — closed
forms, enumeration of the support or of k-draw tuples, a second quadrature route, and seeded
high-precision Monte Carlo within 5 exact SE — and the biased ones' bias nonzero and exact."""

import itertools
import math

import numpy as np
import pytest

import core
from core.bernoulli_units import BernoulliUnits
from core.discrete_estimators import (
    DISCRETE_ESTIMATORS,
    _set_probability,
    discrete_comparison,
    discrete_theta_sweep,
    estimator_terms,
    estimators_for,
    exact_moments,
    relaxation_temperature_sweep,
)
from core.numerics import make_rng, sigmoid
from core.relaxations import (
    QUADRATURE_RELATIVE_TOLERANCE,
    _affine_slope_moments,
    categorical_relaxed_moments,
    relaxed_moments,
)

THETAS = (-2.3, 0.0, 0.7, 3.1)
BINARY = [BernoulliUnits((t,), "linear", (5.0, 10.0)) for t in THETAS]
TOYS = [BernoulliUnits((t,), "squared_error", target=0.499) for t in (-1.0, 0.4)]
VECTORS = [
    BernoulliUnits((0.5, -1.0, 2.0), "squared_error", target=0.45),
    BernoulliUnits((0.3, 0.3, -0.2, 1.1), "linear", (-1.0, 4.0)),
]
UNBIASED_PAIRS = ("antithetic", "arm", "disarm")


def monte_carlo_within_5_se(problem, name, n, seed, **settings):
    """Seeded Monte Carlo of `name`: mean within 5 exact SE, and the variance too where the
    exact fourth moment is known."""
    moments = exact_moments(problem, name, **settings)
    terms = estimator_terms(problem, name, n, rng=make_rng(seed), **settings)
    mean_se = np.sqrt(moments.variance / n)
    # A zero-variance estimator's spread: summing n equal terms along axis 0 rounds by ≤ n·ε.
    rounding = n * np.finfo(float).eps * np.abs(terms).max(axis=0)
    assert np.all(np.abs(terms.mean(axis=0) - moments.mean) <= 5 * mean_se + rounding), name
    if np.all(np.isfinite(moments.fourth)):
        shrink = (n - 3) / (n - 1)
        variance_se = np.sqrt(np.maximum(moments.fourth - shrink * moments.variance**2, 0) / n)
        gap = np.abs(terms.var(axis=0, ddof=1) - moments.variance)
        assert np.all(gap <= 5 * variance_se + rounding**2), name


# -- the problem ---------------------------------------------------------------------------------


def test_one_linear_unit_is_the_two_armed_bandit():
    for theta in THETAS:
        units = BernoulliUnits((theta,), "linear", (5.0, 10.0))
        bandit = core.Bandit(theta, (5.0, 10.0))
        assert units.exact_gradient() == pytest.approx(bandit.exact_gradient(), rel=1e-13)
        assert units.score_term_variance(np.zeros(1)) == pytest.approx(
            bandit.score_term_variance(np.zeros(1)), rel=1e-12
        )


def test_a_problem_is_a_value_its_repr_rebuilds():
    problem = VECTORS[0]
    assert eval(repr(problem), {"core": core}) == problem
    assert hash(eval(repr(problem), {"core": core})) == hash(problem)


def test_bad_problems_are_refused_with_a_reason():
    with pytest.raises(ValueError, match="units D must be 1…10"):
        BernoulliUnits((0.0,) * 11)
    with pytest.raises(ValueError, match="unknown reward"):
        BernoulliUnits((0.0,), "cubic")


# -- score function and the pair estimators: cells of u against other routes ------------------


@pytest.mark.parametrize("problem", BINARY + TOYS + VECTORS, ids=repr)
def test_cell_sums_of_the_score_function_equal_enumeration_of_the_support(problem):
    for name, baseline in (("score", np.zeros(problem.dim)), ("optimal", None)):
        baseline = problem.optimal_baseline() if baseline is None else baseline
        moments = exact_moments(problem, name)
        assert moments.mean == pytest.approx(problem.exact_gradient(), rel=1e-12, abs=1e-15)
        assert moments.variance == pytest.approx(
            problem.score_term_variance(baseline), rel=1e-10, abs=1e-15
        )


@pytest.mark.parametrize("problem", BINARY + TOYS + VECTORS, ids=repr)
def test_unbiased_pair_estimators_have_the_exact_gradient_as_mean(problem):
    for name in UNBIASED_PAIRS:
        mean = exact_moments(problem, name).mean
        assert mean == pytest.approx(problem.exact_gradient(), rel=1e-11, abs=1e-15), name


@pytest.mark.parametrize("problem", BINARY, ids=repr)
def test_arm_and_disarm_moments_match_their_closed_forms_on_one_unit(problem):
    # Δ = r(1) − r(0), p = σ(θ): ARM's term is ∓Δ(u − ½) on the cells where b ≠ b′, so
    # E = Δ p(1 − p), E[term²] = 2Δ²(1/8 − |p − ½|³)/3; DisARM's is ½Δσ(|θ|) there.
    delta, theta = 5.0, float(problem.theta[0])
    p = float(sigmoid(theta))
    arm = exact_moments(problem, "arm")
    assert arm.mean[0] == pytest.approx(delta * p * (1 - p), rel=1e-12)
    second = 2 * delta**2 * (1 / 8 - abs(p - 0.5) ** 3) / 3
    assert arm.variance[0] == pytest.approx(second - (delta * p * (1 - p)) ** 2, rel=1e-10)
    big, small = float(sigmoid(abs(theta))), float(sigmoid(-abs(theta)))
    disarm = exact_moments(problem, "disarm")
    assert disarm.variance[0] == pytest.approx(
        delta**2 * big**2 * small * (0.5 - small), rel=1e-10, abs=1e-15
    )


def test_antithetic_and_disarm_have_zero_variance_on_a_fair_coin_and_arm_does_not():
    problem = BINARY[1]  # θ = 0
    assert exact_moments(problem, "antithetic").variance[0] == 0
    assert exact_moments(problem, "disarm").variance[0] == 0
    assert exact_moments(problem, "arm").variance[0] == pytest.approx(25 / 48)


@pytest.mark.parametrize("problem", BINARY, ids=repr)
def test_the_antithetic_pair_with_a_leave_one_out_baseline_is_biased_by_delta_sigma_squared(
    problem,
):
    # On the cells where b ≠ b′ its term is ½Δ·1, so E = Δσ(−|θ|) against ∇J = Δσ(θ)σ(−θ):
    # the bias is Δσ(−|θ|)², nonzero at every θ (+100 % of ∇J at θ = 0).
    theta = float(problem.theta[0])
    moments = exact_moments(problem, "antithetic_loo")
    bias = moments.mean[0] - problem.exact_gradient()[0]
    assert bias == pytest.approx(5.0 * float(sigmoid(-abs(theta))) ** 2, rel=1e-11)
    assert bias > 0
    monte_carlo_within_5_se(problem, "antithetic_loo", 200_000, seed=11)


@pytest.mark.parametrize("problem", BINARY[:2] + TOYS + VECTORS, ids=repr)
def test_pair_and_score_estimators_match_monte_carlo_within_5_exact_se(problem):
    for index, name in enumerate(("score", "optimal", *UNBIASED_PAIRS, "antithetic_loo")):
        monte_carlo_within_5_se(problem, name, 100_000, seed=100 + index)


# -- RLOO ----------------------------------------------------------------------------------------


def rloo_by_enumerating_tuples(problem, k):
    """Mean, variance and fourth moment of RLOO-k over every ordered k-tuple of outcomes."""
    outcomes, probabilities = problem.support()
    f, s = problem.f(outcomes), problem.score(outcomes)
    estimates, weights = [], []
    for tuple_ in itertools.product(range(len(probabilities)), repeat=k):
        index = np.array(tuple_)
        others = (f[index].sum() - f[index]) / (k - 1)
        estimates.append(((f[index] - others)[:, None] * s[index]).mean(axis=0))
        weights.append(np.prod(probabilities[index]))
    estimates, weights = np.array(estimates), np.array(weights)
    mean = weights @ estimates
    return mean, weights @ (estimates - mean) ** 2, weights @ (estimates - mean) ** 4


@pytest.mark.parametrize(
    ("problem", "k"),
    [(BINARY[2], 2), (BINARY[0], 5), (TOYS[0], 3), (VECTORS[0], 3),
     (core.SoftmaxBandit((0.4, -0.3, 1.0), (1.0, 2.0, 3.0)), 3)],
    ids=repr,
)  # fmt: skip
def test_rloo_moments_equal_enumeration_of_the_k_draws(problem, k):
    mean, variance, fourth = rloo_by_enumerating_tuples(problem, k)
    moments = exact_moments(problem, "rloo", k=k)
    assert moments.mean == pytest.approx(mean, rel=1e-11, abs=1e-14)
    assert moments.variance == pytest.approx(variance, rel=1e-10, abs=1e-15)
    assert moments.fourth == pytest.approx(fourth, rel=1e-9, abs=1e-15)
    monte_carlo_within_5_se(problem, "rloo", 50_000, seed=7, k=k)


# -- relaxations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("problem", BINARY[1:3] + TOYS, ids=repr)
@pytest.mark.parametrize("relaxation", ["gumbel_softmax", "straight_through"])
def test_one_unit_quadrature_equals_the_affine_slope_route(problem, relaxation):
    for tau in (0.1, 0.5, 2.0):
        direct = relaxed_moments(problem, relaxation, tau)
        products = _affine_slope_moments(problem, relaxation, tau)
        assert direct.mean == pytest.approx(products.mean, rel=1e-9, abs=1e-13)
        assert direct.variance == pytest.approx(products.variance, rel=1e-8, abs=1e-13)
        assert direct.quadrature_error < 1e-9


@pytest.mark.parametrize("problem", [BINARY[1], BINARY[3], TOYS[0], VECTORS[0]], ids=repr)
def test_relaxations_match_monte_carlo_within_5_exact_se(problem):
    for index, name in enumerate(("gumbel_softmax", "straight_through")):
        for tau in (0.2, 1.0):
            monte_carlo_within_5_se(problem, name, 100_000, seed=20 + index, temperature=tau)


def test_relaxations_are_biased_and_the_gumbel_softmax_bias_shrinks_with_tau():
    problem = BINARY[1]
    gradient = problem.exact_gradient()[0]
    bias = {
        tau: exact_moments(problem, "gumbel_softmax", temperature=tau).mean[0] - gradient
        for tau in (0.05, 0.5, 2.0)
    }
    assert abs(bias[0.05]) < abs(bias[0.5]) < abs(bias[2.0])
    assert abs(bias[0.5]) > 0.1  # -0.177: far beyond rounding
    variance = {
        tau: exact_moments(problem, "gumbel_softmax", temperature=tau).variance[0]
        for tau in (0.05, 0.5)
    }
    assert variance[0.05] > 10 * variance[0.5]
    toy = TOYS[1]
    straight = exact_moments(toy, "straight_through", temperature=0.5).mean[0]
    assert abs(straight - toy.exact_gradient()[0]) > 1e-3


# -- categorical: the unordered-set estimator ----------------------------------------------------


CATEGORICAL = [
    core.SoftmaxBandit((0.0, 1.0, -0.5), (1.0, 2.0, 3.0)),
    core.SoftmaxBandit((0.3, -1.2, 0.8, 0.0, 2.0), (4.0, -1.0, 2.5, 0.0, 1.0)),
]


@pytest.mark.parametrize("problem", CATEGORICAL, ids=repr)
def test_set_probabilities_of_sampling_without_replacement_sum_to_one(problem):
    for k in range(1, problem.dim + 1):
        total = sum(
            _set_probability(problem.probabilities, subset)
            for subset in itertools.combinations(range(problem.dim), k)
        )
        assert total == pytest.approx(1.0, rel=1e-13)


@pytest.mark.parametrize("problem", CATEGORICAL, ids=repr)
@pytest.mark.parametrize(
    ("name", "smallest_k"), [("unordered_set", 1), ("unordered_set_baseline", 2)]
)
def test_the_unordered_set_estimators_are_unbiased_and_match_monte_carlo(problem, name, smallest_k):
    for k in range(smallest_k, problem.dim + 1):
        moments = exact_moments(problem, name, k=k)
        assert moments.mean == pytest.approx(problem.exact_gradient(), rel=1e-11, abs=1e-14)
        monte_carlo_within_5_se(problem, name, 50_000, seed=30 + 10 * smallest_k + k, k=k)
    # The built-in baseline needs a second draw: the rest of S estimates E[f] over the others.
    with pytest.raises(ValueError, match="k must be 2"):
        exact_moments(problem, "unordered_set_baseline", k=1)


def test_the_unordered_set_is_reinforce_with_one_draw_and_exact_with_all_arms():
    problem = CATEGORICAL[1]
    one = exact_moments(problem, "unordered_set", k=1)
    assert one.variance == pytest.approx(problem.score_term_variance(np.zeros(5)), rel=1e-11)
    assert exact_moments(problem, "unordered_set", k=5).variance == pytest.approx(
        np.zeros(5), abs=1e-24
    )
    assert "unordered_set" not in estimators_for(problem, k=6)


@pytest.mark.parametrize("problem", CATEGORICAL, ids=repr)
def test_categorical_score_moments_match_monte_carlo(problem):
    for index, name in enumerate(("score", "optimal")):
        moments = exact_moments(problem, name)
        baseline = problem.optimal_baseline() if name == "optimal" else np.zeros(problem.dim)
        assert moments.variance == pytest.approx(problem.score_term_variance(baseline), rel=1e-11)
        monte_carlo_within_5_se(problem, name, 50_000, seed=40 + index)


# -- studies -------------------------------------------------------------------------------------


def test_the_comparison_at_the_page_defaults_prices_each_estimator_by_its_evaluations():
    table = discrete_comparison(BernoulliUnits(), n=20_000, seed=0).set_index("estimator")
    assert list(table.index) == [
        name for name, e in DISCRETE_ESTIMATORS.items() if "binary" in e.kinds
    ]
    assert table.loc["score", "variance_x_evaluations"] == pytest.approx(14.0625)
    assert table.loc["rloo", "variance_x_evaluations"] == pytest.approx(3.125)
    assert table.loc["arm", "variance_x_evaluations"] == pytest.approx(25 / 24)
    assert table.loc["disarm", "variance_x_evaluations"] == 0
    assert table.loc["antithetic_loo", "bias"] == pytest.approx(1.25)
    assert bool(table.loc["gumbel_softmax", "biased"])
    for estimator, row in table.iterrows():
        gap = abs(row["mc_mean"] - row["exact_mean"])
        assert gap <= 5 * row["mean_standard_error"] + 1e-12, estimator
        gap = abs(row["mc_variance"] - row["variance"])
        assert gap <= 5 * row["variance_standard_error"] + 1e-12, estimator
    again = discrete_comparison(BernoulliUnits(), n=20_000, seed=0).set_index("estimator")
    assert again.equals(table)


def test_the_theta_sweep_and_the_temperature_sweep_share_the_comparison_s_numbers():
    problem = BernoulliUnits((0.7,), "linear", (5.0, 10.0))
    sweep = discrete_theta_sweep(BernoulliUnits(), [0.7], estimators=("arm", "disarm"))
    single = discrete_comparison(problem, n=10, estimators=("arm", "disarm"))
    assert list(sweep["variance"]) == pytest.approx(list(single["variance"]), rel=1e-14)
    temperatures = relaxation_temperature_sweep(BernoulliUnits(), [0.3, 1.0], n=1_000)
    assert list(temperatures["temperature"]) == [0.3, 0.3, 1.0, 1.0]
    exact = exact_moments(BernoulliUnits(), "gumbel_softmax", temperature=0.3)
    assert temperatures["exact_mean"].iloc[0] == pytest.approx(exact.mean[0], rel=1e-14)


def test_the_comparison_refuses_what_does_not_apply():
    with pytest.raises(ValueError, match="does not apply"):
        discrete_comparison(CATEGORICAL[0], estimators=("arm",))
    with pytest.raises(ValueError, match="k must be 2…64"):
        discrete_comparison(BernoulliUnits(), k=1)
    with pytest.raises(ValueError, match="temperature"):
        discrete_comparison(BernoulliUnits(), temperature=0.0)
    with pytest.raises(ValueError, match="takes core.BernoulliUnits or core.SoftmaxBandit"):
        discrete_comparison(core.Gaussian())


def test_the_toy_gradient_is_tiny_beside_reinforce_s_noise():
    # RELAX §6.1: t = 0.499 makes ∇J = (1 − 2t)σσ = 0.0005 at θ = 0.
    toy = BernoulliUnits((0.0,), "squared_error", target=0.499)
    table = discrete_comparison(toy, n=1_000).set_index("estimator")
    assert table.loc["score", "exact_gradient"] == pytest.approx(0.0005)
    assert table.loc["score", "signal_to_noise"] == pytest.approx(0.004, rel=1e-3)
    assert math.isinf(table.loc["disarm", "signal_to_noise"])


# -- the Gumbel-softmax of K arms ------------------------------------------------------------


@pytest.mark.parametrize(
    ("logits", "rewards", "tau"),
    [
        ((0.0, 0.0), (1.0, 2.0), 0.5),
        ((1.3, -0.4), (10.0, 5.0), 0.1),
        ((-2.0, 0.5), (3.0, -1.0), 2.0),
    ],
)
def test_two_arms_gumbel_softmax_is_the_binary_relaxation_at_the_logit_difference(
    logits, rewards, tau
):
    # b = 1 ⇔ arm 0; g_0 − g_1 is logistic; f(z) = r_1 + (r_0 − r_1) z_0.
    arms = core.SoftmaxBandit(logits, rewards)
    unit = BernoulliUnits((logits[0] - logits[1],), "linear", (rewards[1], rewards[0]))
    categorical = exact_moments(arms, "gumbel_softmax", temperature=tau)
    binary = relaxed_moments(unit, "gumbel_softmax", tau)
    # The stated accuracy (coarse vs fine rule) covers the gap to QUADPACK's 1-D route, up to
    # QUADPACK's own error (its estimate, or its requested relative tolerance).
    stated = exact_moments(arms, "gumbel_softmax", temperature=tau).note
    error = categorical_relaxed_moments(arms, tau).quadrature_error
    assert stated == f"quadrature (error ≤ {error:.0e})" and error < 1e-8
    pairs = [
        (categorical.mean[0], binary.mean[0]),
        (-categorical.mean[1], binary.mean[0]),
        (categorical.variance[0], binary.variance[0]),
        (categorical.fourth[0], binary.fourth[0]),
    ]
    for ours, theirs in pairs:
        quadpack = max(binary.quadrature_error, QUADRATURE_RELATIVE_TOLERANCE * abs(theirs))
        assert abs(ours - theirs) <= error + quadpack + 1e-14


@pytest.mark.parametrize(
    "problem",
    [
        core.SoftmaxBandit((0.0, 0.0, 0.0), (1, 2, 3)),
        core.SoftmaxBandit((1.0, -0.5, 0.2), (4, -1, 2)),
    ],
    ids=repr,
)
def test_three_arms_gumbel_softmax_matches_monte_carlo_within_5_exact_se(problem):
    for index, tau in enumerate((0.2, 1.0)):
        monte_carlo_within_5_se(
            problem, "gumbel_softmax", 400_000, seed=60 + index, temperature=tau
        )


def test_the_categorical_gumbel_softmax_is_biased_certified_and_offered_up_to_four_arms():
    problem = core.SoftmaxBandit((0.0, 0.0, 0.0), (1, 2, 3))
    moments = exact_moments(problem, "gumbel_softmax", temperature=0.5)
    assert moments.note == "quadrature (error ≤ 1e-06)"  # coarse vs fine rule, all moments
    bias = moments.mean - problem.exact_gradient()
    assert bias[0] == pytest.approx(0.0403, abs=1e-4) and bias[2] == pytest.approx(-bias[0])
    four = core.SoftmaxBandit((0.5, 0.0, -0.3, 0.1), (1, 2, 3, 4))
    assert "gumbel_softmax" in estimators_for(four)
    monte_carlo_within_5_se(four, "gumbel_softmax", 200_000, seed=70, temperature=0.5)
    assert "gumbel_softmax" not in estimators_for(core.SoftmaxBandit((0.0,) * 5, (1, 2, 3, 4, 5)))
