"""Monte Carlo against exact truth, with fixed seeds and tolerances of 5 standard errors.

For a mean: SE = s/√N. For a variance: SE = √((m₄ − s⁴)/N) from the sample's fourth moment.
"""

import numpy as np
import pytest

import core
from core.checks import mean_standard_error, sample_statistics, variance_standard_error
from core.numerics import CHUNK_SIZE, make_rng
from tests.core.catalogue import CONTINUOUS, PROBLEMS, repeated_estimates

N = 200_000
TOLERANCE_SE = 5.0


def assert_mean_within(samples, exact, what):
    """Each coordinate passes core.check_agreement at 5 SE (gaps below rounding count as zero)."""
    estimate, se = samples.mean(axis=0), mean_standard_error(samples)
    for j in range(estimate.size):
        agreement = core.check_agreement(estimate[j], exact[j], se[j], TOLERANCE_SE)
        assert agreement.passed, f"{what}[{j}]: {estimate[j]} vs exact {exact[j]}, SE {se[j]}"


def assert_variance_within(samples, exact, what):
    """The sample variance of each coordinate passes check_agreement at 5 SE of a variance."""
    empirical, se = samples.var(axis=0, ddof=1), variance_standard_error(samples)
    for j in range(empirical.size):
        agreement = core.check_agreement(empirical[j], exact[j], se[j], TOLERANCE_SE)
        assert agreement.passed, f"{what}[{j}]: variance {empirical[j]} vs {exact[j]}, SE {se[j]}"


@pytest.mark.parametrize("name", PROBLEMS)
def test_the_score_has_mean_zero_and_covariance_equal_to_the_fisher_information(name):
    problem = PROBLEMS[name]()
    scores = problem.score(problem.sample(make_rng(11), N))
    assert_mean_within(scores, np.zeros(problem.dim), "mean score")
    products = (scores[:, :, None] * scores[:, None, :]).reshape(N, -1)
    assert_mean_within(products, problem.fisher_information().reshape(-1), "E[s sᵀ]")


ESTIMATOR_CASES = [
    (name, "score", baseline) for name in PROBLEMS for baseline in (None, 1.5, "mean", "optimal")
] + [(name, estimator, None) for name in CONTINUOUS for estimator in ("pathwise", "measure_valued")]


def _cases_that_apply():
    for name, estimator, baseline in ESTIMATOR_CASES:
        problem = PROBLEMS[name]()
        if estimator == "measure_valued" and not isinstance(problem, core.Gaussian):
            continue
        if estimator == "pathwise" and name == "gaussian-step":
            continue
        yield pytest.param(name, estimator, baseline, id=f"{name}-{estimator}-{baseline}")


@pytest.mark.parametrize(("name", "estimator", "baseline"), list(_cases_that_apply()))
def test_per_sample_terms_have_the_exact_mean_and_the_exact_variance(name, estimator, baseline):
    """Population-level claims: E[term] = ∇E[f] and Var[term] = per_sample_variance.

    For "mean" this is the population baseline b = E[f] (a constant), which is unbiased.
    """
    problem = PROBLEMS[name]()
    constant = problem.expected_value() if baseline == "mean" else baseline
    if estimator == "score":
        terms = core.score_function(problem, N, rng=make_rng(5), baseline=constant)
    else:
        terms = core.gradient_terms(problem, N, rng=make_rng(5), estimator=estimator)
    assert_mean_within(terms, problem.exact_gradient(), f"{estimator}/{baseline} mean")
    assert_variance_within(
        terms, core.per_sample_variance(problem, estimator, baseline), f"{estimator}/{baseline}"
    )


@pytest.mark.parametrize("name", ["bandit", "softmax", "gaussian-cos", "episodes-reward-to-go"])
@pytest.mark.parametrize("baseline", ["mean", "loo"])
def test_batch_mean_baseline_is_biased_by_minus_g_over_n_and_leave_one_out_is_not(name, baseline):
    problem = PROBLEMS[name]()
    n, reps = 4, 100_000
    estimates = repeated_estimates(problem, n, reps, rng=make_rng(3), baseline=baseline)
    exact_mean, exact_variance = core.estimate_moments(problem, n, "score", baseline)
    gradient = problem.exact_gradient()
    if baseline == "loo":
        np.testing.assert_array_equal(exact_mean, gradient)
    elif name != "episodes-reward-to-go":
        np.testing.assert_allclose(exact_mean, gradient * (1 - 1 / n), rtol=1e-12)
    assert_mean_within(estimates, exact_mean, f"{baseline} mean")
    assert_variance_within(estimates, exact_variance, f"{baseline} variance")
    if baseline == "mean":
        # the bias is visible: the truth lies outside the 5-SE band around the estimate
        gap = np.abs(estimates.mean(axis=0) - gradient)
        assert np.any(gap > TOLERANCE_SE * mean_standard_error(estimates))


def test_score_function_terms_with_batch_baselines_follow_their_definitions():
    problem = core.Bandit(0.3)
    x = problem.sample(make_rng(0), 6)
    f, s = problem.f(x), problem.score(x)[:, 0]
    mean_terms = problem.score_terms(x, "mean")[:, 0]
    loo_terms = problem.score_terms(x, "loo")[:, 0]
    np.testing.assert_allclose(mean_terms, (f - f.mean()) * s)
    others = np.array([np.delete(f, i).mean() for i in range(6)])
    np.testing.assert_allclose(loo_terms, (f - others) * s)


@pytest.mark.parametrize("baseline", [None, "mean", "loo", "optimal", 2.0])
def test_repeated_estimates_equal_the_mean_of_the_per_sample_terms_from_the_same_stream(baseline):
    problem = core.Gaussian(0.2, 0.7, "bump")
    n, reps = 7, 5
    estimates = repeated_estimates(problem, n, reps, rng=make_rng(9), baseline=baseline)
    x = problem.sample(make_rng(9), n * reps).reshape(reps, n)
    for rep in range(reps):
        direct = problem.score_terms(x[rep], baseline).mean(axis=0)
        np.testing.assert_allclose(estimates[rep], direct, rtol=1e-12, atol=1e-14)


def test_repeated_estimates_stream_large_n_in_chunks_with_the_same_result():
    """n above the chunk size is summed chunk by chunk; the estimate equals the one-array mean."""
    problem = core.Gaussian(0.2, 0.7, "square")
    n = CHUNK_SIZE * 2 + 123
    estimates = repeated_estimates(problem, n, 1, rng=make_rng(4), baseline="loo")
    whole = problem.sample(make_rng(4), n)
    direct = problem.score_terms(whole, "loo").mean(axis=0)
    np.testing.assert_allclose(estimates[0], direct, rtol=1e-10)


def test_variance_curve_falls_as_one_over_n_and_matches_its_exact_column():
    table = core.variance_curve(core.Bandit(), ns=[10, 100, 1000], reps=4000, seed=2)
    assert list(table.columns[:6]) == [
        "n",
        "param",
        "mean",
        "variance",
        "exact_gradient",
        "exact_variance",
    ]
    gap = np.abs(table["variance"] - table["exact_variance"])
    assert np.all(gap <= TOLERANCE_SE * table["variance_standard_error"])
    slope = np.polyfit(np.log(table["n"]), np.log(table["exact_variance"]), 1)[0]
    assert slope == pytest.approx(-1.0, abs=1e-12)
    assert np.all(table["exact_gradient"] == 1.25)


def test_variance_standard_error_of_a_symmetric_two_point_sample_is_not_zero():
    """For ±1 with equal counts m₂ = m₄ = 1, and the exact Var[s²] = (μ₄ − σ⁴(R−3)/(R−1))/R
    = 2/(R(R−1)) is small but not zero; an SE of 0 would fail every check of a correct variance
    (the bandit's one-sample terms at θ = 0 are such a sample)."""
    reps = 1000
    values = np.repeat([-1.0, 1.0], reps // 2)[:, None]
    expected = np.sqrt(2.0 / (reps * (reps - 1)))
    assert variance_standard_error(values)[0] == pytest.approx(expected, rel=1e-9)


def _plug_in_variance_standard_error(values):
    """√((m₄ − m₂²(R−3)/(R−1))/R) written with np.mean, as core.checks had it."""
    reps = values.shape[0]
    centred = values - values.mean(axis=0)
    fourth, second = np.mean(centred**4, axis=0), np.mean(centred**2, axis=0)
    return np.sqrt(np.maximum(fourth - (reps - 3) / (reps - 1) * second**2, 0.0) / reps)


@pytest.mark.parametrize("reps, d", [(2, 1), (7, 3), (1000, 1), (1000, 2), (4097, 5)])
def test_sample_statistics_of_stacked_blocks_are_numpys_numbers_bit_for_bit(reps, d):
    """One centred pass over a stack of (reps, d) blocks gives, for each block, exactly the
    mean, var(ddof=1), s/√R and the plug-in variance SE that NumPy's mean and var give."""
    rng = make_rng(7)
    blocks = [rng.standard_normal((reps, d)) * 10.0**k + 3.0**k for k in range(-3, 4)]
    stacked = sample_statistics(np.stack(blocks), axis=1)
    for k, block in enumerate(blocks):
        expected = (
            block.mean(axis=0),
            block.var(axis=0, ddof=1),
            mean_standard_error(block),
            _plug_in_variance_standard_error(block),
        )
        for got, alone, want in zip(
            (column[k] for column in stacked), sample_statistics(block), expected, strict=True
        ):
            assert np.array_equal(got, want) and np.array_equal(alone, want)
