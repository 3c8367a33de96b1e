"""Property-based tests over core: for any valid parameters the exact truths hold, every output is
finite and correctly shaped, and any invalid parameter raises ValueError — never another type.

Hypothesis runs derandomised (the same examples every run) with bounded example counts, so the
file is deterministic and takes a few seconds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import core
from core.numerics import make_rng
from tests.core.catalogue import repeated_estimates
from tests.core.test_exact_values import finite_difference_gradient

PROPERTY = settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# -- valid parameters -----------------------------------------------------------------------------

thetas = st.floats(-50.0, 50.0)
rewards = st.floats(-100.0, 100.0)
sigmas = st.floats(1e-3, 1e3)
moderate = st.floats(-3.0, 3.0)


def vectors(elements, size):
    return st.lists(elements, min_size=size, max_size=size).map(tuple)


bandits = st.builds(core.Bandit, thetas, vectors(rewards, 2))
softmax_bandits = st.integers(2, 6).flatmap(
    lambda k: st.builds(core.SoftmaxBandit, vectors(thetas, k), vectors(rewards, k))
)
episodes = st.tuples(st.integers(1, 8), st.integers(2, 4)).flatmap(
    lambda ts: st.builds(
        core.Episodes,
        st.just(ts[0]),
        vectors(thetas, ts[1]),
        vectors(rewards, ts[1]),
        st.sampled_from(core.CREDITS),
    )
)
named_costs = st.sampled_from(core.COSTS)
gaussians = st.builds(
    lambda mu, sigma, cost, k: core.Gaussian(mu, sigma, cost, None if cost == "bump" else k),
    st.floats(-20.0, 20.0),
    sigmas,
    named_costs,
    st.floats(-3.0, 3.0),
)
policies = st.integers(1, 4).flatmap(
    lambda d: st.builds(
        core.LinearGaussianPolicy, vectors(moderate, d), vectors(moderate, d), sigmas
    )
)
discrete_problems = st.one_of(bandits, softmax_bandits, episodes)
all_problems = st.one_of(bandits, softmax_bandits, episodes, gaussians, policies)


def _estimators_for(problem):
    if isinstance(problem, core.Gaussian):
        names = ["score", "measure_valued"]
        if problem.cost_name != "step":
            names.append("pathwise")
        return names
    if isinstance(problem, core.LinearGaussianPolicy):
        return ["score", "pathwise"]
    return ["score"]


# -- the score has mean exactly zero --------------------------------------------------------------


@PROPERTY
@given(discrete_problems)
def test_the_score_has_mean_zero_by_enumeration(problem):
    """Σ_x p(x) ∇θ log p(x|θ) = ∇θ Σ_x p(x) = 0, summed over the whole support."""
    xs, probabilities = problem.support()
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-12)
    scores = problem.score(xs)
    mean = probabilities @ scores
    # each |score| ≤ T (one step at most contributes a − σ ∈ (−1, 1)), so rounding is ~T·ε
    bound = 1e-12 * max(1.0, np.abs(scores).max())
    np.testing.assert_allclose(mean, 0.0, rtol=0, atol=bound)


@PROPERTY
@given(discrete_problems)
def test_the_fisher_information_is_the_enumerated_covariance_of_the_score(problem):
    xs, probabilities = problem.support()
    scores = problem.score(xs)
    enumerated = (scores * probabilities[:, None]).T @ scores
    np.testing.assert_allclose(problem.fisher_information(), enumerated, rtol=1e-9, atol=1e-15)


# -- outputs are finite and correctly shaped -------------------------------------------------------


@PROPERTY
@given(all_problems, st.sampled_from([1, 2, 17]), st.integers(0, 2**32 - 1))
def test_every_output_is_finite_and_correctly_shaped(problem, n, seed):
    d = problem.dim
    x = problem.sample(make_rng(seed), n)
    assert len(x) == n
    for name, value, shape in [
        ("log_prob", problem.log_prob(x), (n,)),
        ("score", problem.score(x), (n, d)),
        ("f", problem.f(x), (n,)),
        ("exact_gradient", problem.exact_gradient(), (d,)),
        ("fisher_information", problem.fisher_information(), (d, d)),
        ("optimal_baseline", problem.optimal_baseline(), (d,)),
    ]:
        assert np.shape(value) == shape, name
        assert np.all(np.isfinite(value)), f"{name} of {problem!r}: {value}"
    assert math.isfinite(problem.expected_value())
    for estimator in _estimators_for(problem):
        baselines = [None, 0.5, "mean", "optimal"] + (["loo"] if n >= 2 else [])
        for baseline in baselines if estimator == "score" else [None]:
            terms = core.gradient_terms(
                problem, n, rng=make_rng(seed), estimator=estimator, baseline=baseline
            )
            assert terms.shape == (n, d)
            assert np.all(np.isfinite(terms)), f"{estimator}/{baseline} on {problem!r}"
            if baseline != "loo":
                variance = core.per_sample_variance(problem, estimator, baseline)
                assert variance.shape == (d,) and np.all(np.isfinite(variance))
                assert np.all(variance >= 0)
            mean, variance = core.estimate_moments(problem, max(n, 2), estimator, baseline)
            assert mean.shape == variance.shape == (d,)
            assert np.all(np.isfinite(mean)) and np.all(np.isfinite(variance))


@PROPERTY
@given(all_problems, st.integers(0, 2**32 - 1))
def test_repeated_estimates_are_finite_and_shaped(problem, seed):
    estimates = repeated_estimates(problem, 3, 4, rng=make_rng(seed))
    assert estimates.shape == (4, problem.dim) and np.all(np.isfinite(estimates))


# -- exact gradients agree with finite differences of the exact objective --------------------------


def _check_against_finite_differences(problem, scale):
    step = 1e-5 * scale
    # O(h²) truncation plus rounding ε|J|/h, with room for curvature at the scale of the problem
    tolerance = 1e-6 * (1 + abs(problem.expected_value())) / scale
    np.testing.assert_allclose(
        problem.exact_gradient(),
        finite_difference_gradient(problem, step),
        rtol=1e-5,
        atol=tolerance,
    )


@PROPERTY
@given(
    st.one_of(
        st.builds(core.Bandit, moderate, vectors(st.floats(-10, 10), 2)),
        st.integers(2, 5).flatmap(
            lambda k: st.builds(
                core.SoftmaxBandit, vectors(moderate, k), vectors(st.floats(-10, 10), k)
            )
        ),
        st.builds(
            core.Episodes,
            st.integers(1, 6),
            vectors(moderate, 3),
            vectors(st.floats(-10, 10), 3),
            st.sampled_from(core.CREDITS),
        ),
        st.builds(
            core.LinearGaussianPolicy,
            vectors(moderate, 2),
            vectors(moderate, 2),
            st.floats(0.1, 3.0),
        ),
    )
)
def test_exact_gradient_matches_finite_differences_of_the_objective(problem):
    _check_against_finite_differences(problem, 1.0)


@PROPERTY
@given(st.floats(-3.0, 3.0), st.floats(0.2, 3.0), named_costs, st.floats(0.1, 2.0))
def test_gaussian_exact_gradient_matches_finite_differences(mu, sigma, cost, k):
    problem = core.Gaussian(mu, sigma, cost, k)
    _check_against_finite_differences(problem, min(sigma, 1.0))


# -- invalid parameters raise ValueError, and nothing else ----------------------------------------

non_finite = st.sampled_from([math.nan, math.inf, -math.inf])
not_numbers = st.one_of(
    st.none(),
    st.text(max_size=5),
    st.booleans(),
    st.just(1 + 2j),
    st.just(object()),
    st.just({"a": 1}),
)
bad_scalars = st.one_of(non_finite, not_numbers, st.just([1.0, 2.0]), st.just([[1.0]]))
bad_pairs = st.one_of(non_finite, not_numbers, st.just([[1.0, 2.0]]), st.just([1.0, math.nan]))
non_positive = st.one_of(st.floats(max_value=0.0, allow_nan=False), non_finite)
bad_counts = st.one_of(
    st.integers(max_value=0),
    st.floats(0.1, 100).filter(lambda v: not float(v).is_integer()),
    non_finite,
    not_numbers,
)


def _constructors():
    """Each entry builds one problem or runs one call with a single invalid argument."""
    bandit, gaussian = core.Bandit(), core.Gaussian(0.0, 1.0, "square")
    rng = make_rng(0)
    return [
        st.builds(lambda t: core.Bandit(t), bad_scalars),
        st.builds(lambda r: core.Bandit(0.0, r), st.one_of(bad_pairs, vectors(rewards, 3))),
        st.builds(lambda r: core.Bandit(0.0, (1.0, r)), bad_scalars.filter(_not_pair)),
        st.builds(lambda v: core.SoftmaxBandit(v, (1.0, 2.0)), bad_pairs),
        st.builds(lambda v: core.SoftmaxBandit((v, 0.0), (1.0, 2.0)), bad_scalars),
        st.builds(lambda: core.SoftmaxBandit((0.0,), (1.0,))),
        st.builds(lambda r: core.SoftmaxBandit((0.0, 0.0), r), vectors(rewards, 3)),
        st.builds(lambda m: core.Gaussian(m, 1.0), bad_scalars),
        st.builds(lambda s: core.Gaussian(0.0, s), st.one_of(bad_scalars, non_positive)),
        st.builds(lambda c: core.Gaussian(0.0, 1.0, c), st.one_of(st.text(max_size=8), st.none())),
        st.builds(lambda k: core.Gaussian(0.0, 1.0, "cos", k), bad_scalars.filter(_not_none)),
        st.builds(lambda k: core.Gaussian(0.0, 1.0, "bump", k), st.floats(max_value=0.0)),
        st.builds(lambda c: core.Gaussian(0.0, 1.0, c), st.sampled_from(["1/x", "x.real", "y"])),
        st.builds(lambda w: core.LinearGaussianPolicy(w), st.one_of(bad_pairs, st.just(()))),
        st.builds(lambda t: core.LinearGaussianPolicy((0.0, 0.0), t), vectors(moderate, 3)),
        st.builds(lambda s: core.LinearGaussianPolicy(sigma=s), non_positive),
        st.builds(lambda h: core.Episodes(h), st.one_of(st.integers(-5, 0), st.integers(13, 99))),
        st.builds(lambda h: core.Episodes(h), st.one_of(st.floats(1, 5), not_numbers)),
        st.builds(lambda c: core.Episodes(3, credit=c), st.one_of(st.text(max_size=6), st.none())),
        st.builds(lambda t: core.Episodes(3, t), st.one_of(bad_pairs, st.just((0.0,)))),
        st.builds(lambda r: core.Episodes(3, (0.0, 0.0), r), vectors(rewards, 3)),
        st.builds(lambda n: core.score_function(bandit, n, rng=rng), bad_counts),
        st.builds(lambda n: core.pathwise(gaussian, n, rng=rng), bad_counts),
        st.builds(lambda n: core.measure_valued(gaussian, n, rng=rng), bad_counts),
        st.builds(
            lambda b: core.score_function(bandit, 5, rng=rng, baseline=b),
            st.one_of(non_finite, st.text(max_size=6).filter(_not_baseline), st.just([1.0])),
        ),
        st.builds(
            lambda e: core.gradient_terms(bandit, 5, rng=rng, estimator=e),
            st.one_of(st.text(max_size=8).filter(lambda e: e not in core.ESTIMATORS), st.none()),
        ),
        st.builds(lambda e: core.gradient_terms(bandit, 5, rng=rng, estimator=e), _discrete()),
        st.builds(lambda b: core.per_sample_variance(bandit, "score", b), st.just("loo")),
        st.builds(lambda n: core.estimate_moments(bandit, n), bad_counts),
        st.builds(lambda n: core.variance_curve(bandit, [n], 3), bad_counts),
        st.builds(lambda t: bandit.with_theta(t), st.one_of(non_finite, st.just("a"))),
        st.builds(lambda t: gaussian.with_theta(t), st.one_of(vectors(moderate, 3), st.just(()))),
        st.builds(lambda t: gaussian.with_theta(t), st.tuples(moderate, non_positive)),
        st.builds(lambda ns: core.variance_curve(bandit, ns, 10), st.just([])),
        st.builds(
            lambda r: core.variance_curve(bandit, [10], r), st.one_of(st.just(1), bad_counts)
        ),
        st.builds(lambda ns: core.variance_curve(bandit, ns, 10), st.lists(bad_counts, min_size=1)),
        st.builds(lambda n: core.score_check(bandit, n), st.one_of(st.just(1), bad_counts)),
        st.builds(lambda n: core.estimator_comparison(bandit, n), bad_counts),
        st.builds(lambda lr: core.gradient_ascent(bandit, 3, 5, lr), non_positive),
        st.builds(lambda s: core.gradient_ascent(bandit, s, 5, 0.1), bad_counts),
        st.builds(lambda h: core.horizon_study(h), st.just([0])),
        st.builds(lambda v: core.objective_curve(bandit, v), st.just([math.nan])),
        st.builds(lambda p: core.objective_curve(bandit, [0.0], p), st.integers(1, 5)),
        st.builds(lambda b: core.baseline_variance_curve(bandit, b), st.just([math.inf])),
        st.builds(lambda c: core.baseline_comparison(bandit, 5, 10, constant=c), non_finite),
        st.builds(lambda n: core.sample_table(bandit, n), bad_counts),
    ]


def _not_pair(value):
    return value != [1.0, 2.0]


def _not_none(value):
    return value is not None


def _not_baseline(value):
    return value not in core.BASELINES


def _discrete():
    return st.sampled_from(["pathwise", "measure_valued"])


@PROPERTY
@given(st.data())
def test_invalid_parameters_raise_value_error_and_nothing_else(data):
    calls = _constructors()
    index = data.draw(st.integers(0, len(calls) - 1), label="which call")
    with pytest.raises(ValueError) as caught:
        data.draw(calls[index], label="call")
    assert str(caught.value), "the message must say what is wrong"


@pytest.mark.parametrize("index", range(len(_constructors())))
def test_each_invalid_call_raises_value_error(index):
    """Every entry above, on its own examples: each invalid argument gets a ValueError."""

    @settings(derandomize=True, max_examples=15, deadline=None)
    @given(st.data())
    def check(data):
        with pytest.raises(ValueError):
            data.draw(_constructors()[index])

    check()


def test_valid_extremes_never_warn():
    """θ = ±50 and ±700 and σ at 1e-3 and 1e3 stay finite without a floating-point warning."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow to 0 is fine
        for theta in (-700.0, -50.0, 50.0, 700.0):
            problem = core.Bandit(theta)
            assert np.all(np.isfinite(problem.exact_gradient()))
            assert np.all(np.isfinite(core.per_sample_variance(problem, "score", "optimal")))
            episodes_problem = core.Episodes(4, (theta, -theta, theta))
            assert np.all(np.isfinite(episodes_problem.exact_gradient()))
        for sigma in (1e-3, 1e3):
            for cost in core.COSTS:
                problem = core.Gaussian(0.5, sigma, cost)
                assert np.all(np.isfinite(problem.exact_gradient())), cost


def test_a_diverging_gradient_descent_stops_with_a_marker_not_overflow_error():
    """Found by fuzzing the Baselines page: a constant baseline far from f with σ clamped near 0
    makes the score-function steps explode; Python's float power then raised OverflowError.
    The run now stops where it diverged and says so (issue 16)."""
    run = core.gradient_ascent(
        core.Gaussian(0.0, 1.0, "square"), 50, 10, 0.2, baseline=5.0, maximize=False, seed=0
    )
    assert run.attrs["diverged_at"] == run["step"].max() + 1
    assert np.all(np.isfinite(run["expected_value"]))
