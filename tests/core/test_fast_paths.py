"""The fast routes give the estimates the slow ones would: same draws where they share them, the
same distribution where they do not (exact mean and variance, and a two-sample test)."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import stats

import core
from core.fast_paths import outcome_table, resolve_method
from core.numerics import CHUNK_SIZE, make_rng

TOLERANCE_SE = 5.0
TWO_SAMPLE_LEVEL = 1e-3


def _two_sample_p_value(first: np.ndarray, second: np.ndarray) -> float:
    """Kolmogorov–Smirnov p-value; values are rounded to 10 digits first, because a discrete
    problem's estimates sit on a lattice and two routes may land on one point ±1 ulp apart."""
    return stats.ks_2samp(np.round(first, 10), np.round(second, 10)).pvalue


def _assert_matches_exact_moments(problem, n, estimates, estimator="score", baseline=None):
    """Mean within 5 SE of the exact mean; variance within 5 SE of the exact variance."""
    exact_mean, exact_variance = core.estimate_moments(problem, n, estimator, baseline)
    mean_gap = np.abs(estimates.mean(axis=0) - exact_mean)
    assert np.all(mean_gap <= TOLERANCE_SE * core.mean_standard_error(estimates) + 1e-12)
    variance_gap = np.abs(estimates.var(axis=0, ddof=1) - exact_variance)
    assert np.all(variance_gap <= TOLERANCE_SE * core.variance_standard_error(estimates) + 1e-12)


COUNTABLE = [
    pytest.param(core.Bandit(0.3), id="bandit"),
    pytest.param(core.Bandit(-1.5, rewards=(2.0, -4.0)), id="bandit-negative-reward"),
    pytest.param(core.SoftmaxBandit((0.2, -0.4, 0.9), (1.0, 2.5, 4.0)), id="softmax-3"),
    pytest.param(core.Episodes(4, (0.3, -0.2, 0.5), credit="reward_to_go"), id="episodes-T4"),
]


@pytest.mark.parametrize("problem", COUNTABLE)
@pytest.mark.parametrize("baseline", [None, 3.0, "mean", "loo"])
def test_counts_and_per_sample_routes_give_the_same_distribution(problem, baseline):
    n, reps = 12, 4000
    by_counts = core.repeated_estimates(
        problem, n, reps, rng=make_rng(11), baseline=baseline, method="counts"
    )
    by_samples = core.repeated_estimates(
        problem, n, reps, rng=make_rng(12), baseline=baseline, method="per_sample"
    )
    for estimates in (by_counts, by_samples):
        _assert_matches_exact_moments(problem, n, estimates, baseline=baseline)
    for j in range(problem.dim):
        assert _two_sample_p_value(by_counts[:, j], by_samples[:, j]) > TWO_SAMPLE_LEVEL, j


def test_the_two_sample_test_notices_a_bandit_whose_p_moved_by_a_few_percent():
    """The two-sample check above has power: σ(θ) from 0.574 to 0.599 is flagged."""
    n, reps = 12, 4000
    near = core.repeated_estimates(core.Bandit(0.3), n, reps, rng=make_rng(11), method="counts")
    moved = core.repeated_estimates(
        core.Bandit(0.4), n, reps, rng=make_rng(12), method="per_sample"
    )
    assert _two_sample_p_value(near[:, 0], moved[:, 0]) < TWO_SAMPLE_LEVEL


def test_a_repetition_from_counts_costs_the_same_at_a_trillion_samples():
    """O(1) in n: 2000 estimates at n = 10^12 (10^15 pulls by sampling) match the exact moments."""
    bandit, n = core.Bandit(0.7, rewards=(1.0, 3.0)), 10**12
    estimates = core.repeated_estimates(bandit, n, 2000, rng=make_rng(5), method="counts")
    _assert_matches_exact_moments(bandit, n, estimates)


@pytest.mark.parametrize("n", [37, CHUNK_SIZE + 1234])
def test_the_per_sample_bandit_route_uses_exactly_the_pulls_of_sample(n):
    """a = 1[u < σ(θ)] on the generator's uniforms, chunked or not: the estimate equals the mean
    of core.score_function's terms drawn from the same seed."""
    bandit = core.Bandit(0.4)
    estimate = core.repeated_estimates(bandit, n, 1, rng=make_rng(3), method="per_sample")
    terms = core.score_function(bandit, n, rng=make_rng(3))
    np.testing.assert_allclose(estimate[0], terms.mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("estimator", ["score", "pathwise"])
@pytest.mark.parametrize("cost", ["square", "cos"])
def test_the_per_sample_gaussian_route_uses_exactly_the_normals_of_sample(estimator, cost):
    gaussian, n = core.Gaussian(0.4, 1.7, cost), CHUNK_SIZE + 999
    estimate = core.repeated_estimates(gaussian, n, 1, rng=make_rng(8), estimator=estimator)
    terms = core.gradient_terms(gaussian, n, rng=make_rng(8), estimator=estimator)
    np.testing.assert_allclose(estimate[0], terms.mean(axis=0), rtol=1e-9)


@pytest.mark.parametrize(
    "estimator, baseline",
    [("score", None), ("score", "loo"), ("score", "optimal"), ("pathwise", None)]
    + [("measure_valued", None)],
)
def test_power_sums_for_a_polynomial_cost_equal_evaluating_the_cost(estimator, baseline):
    """The square cost is summed through Σz^j; the same cost as a plain function is evaluated
    sample by sample. Same draws, so the estimates agree to rounding."""
    named = core.Gaussian(0.3, 1.4, "square", k=0.5)
    as_function = core.Gaussian(
        0.3, 1.4, lambda x: (x - 0.5) ** 2, derivative=lambda x: 2.0 * (x - 0.5)
    )
    estimates = [
        core.repeated_estimates(
            problem, 40, 300, rng=make_rng(4), estimator=estimator, baseline=baseline
        )
        for problem in (named, as_function)
    ]
    np.testing.assert_allclose(estimates[0], estimates[1], rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize(
    "cost, k, function",
    [("square", 0.5, lambda x: (x - 0.5) ** 2), ("linear", None, lambda x: 1.0 * x)],
)
def test_streamed_measure_valued_terms_of_a_polynomial_cost_equal_evaluating_it(cost, k, function):
    """Horner on the variates (2 Σ_odd c_k y^k and p(M) − p(N)) gives the evaluated terms."""
    named, as_function = core.Gaussian(0.3, 1.4, cost, k=k), core.Gaussian(0.3, 1.4, function)
    terms = [
        core.streamed_gradient_terms(
            problem, CHUNK_SIZE + 77, rng=make_rng(2), estimator="measure_valued"
        )
        for problem in (named, as_function)
    ]
    np.testing.assert_allclose(terms[0], terms[1], rtol=1e-9, atol=1e-12)


def test_the_coupled_measure_valued_draw_has_the_law_of_gradient_terms():
    """M = sign(N)√(N² + 2E) with N as U·M replaces Gamma(3/2) and a uniform: per coordinate,
    the terms match core.measure_valued in distribution and the estimates the exact moments."""
    gaussian = core.Gaussian(0.2, 0.8, "cos", k=1.5)
    fast = core.streamed_gradient_terms(
        gaussian, 20_000, rng=make_rng(21), estimator="measure_valued"
    )
    reference = core.measure_valued(gaussian, 20_000, rng=make_rng(22))
    for j in range(2):
        assert _two_sample_p_value(fast[:, j], reference[:, j]) > TWO_SAMPLE_LEVEL
    estimates = core.repeated_estimates(
        gaussian, 10, 5000, rng=make_rng(23), estimator="measure_valued"
    )
    _assert_matches_exact_moments(gaussian, 10, estimates, "measure_valued")


def test_auto_draws_counts_only_where_they_are_cheaper():
    def chosen(problem, n, estimator="score"):
        table = outcome_table(problem) if estimator == "score" else None
        return resolve_method(problem, n, estimator, "auto", table)

    assert chosen(core.Bandit(), 1) == "counts"
    assert chosen(core.SoftmaxBandit((0.0, 1.0, 2.0), (1.0, 2.0, 3.0)), 5) == "counts"
    assert chosen(core.Gaussian(), 10**6) == "per_sample"
    long_episodes = core.Episodes(12, (0.0, 0.0, 0.0))  # 4096 outcomes
    assert chosen(long_episodes, 10) == "per_sample"
    assert chosen(long_episodes, 1000) == "counts"


def test_impossible_methods_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="finite support"):
        core.repeated_estimates(core.Gaussian(), 10, 5, rng=make_rng(0), method="counts")
    with pytest.raises(ValueError, match="unknown method"):
        core.repeated_estimates(core.Bandit(), 10, 5, rng=make_rng(0), method="fast")


@pytest.mark.parametrize("method", ["counts", "per_sample"])
def test_the_same_seed_gives_the_same_estimates_and_another_seed_others(method):
    bandit = core.Bandit(0.2)
    first, again, other = (
        core.repeated_estimates(bandit, 500, 50, rng=make_rng(seed), method=method)
        for seed in (1, 1, 2)
    )
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize(
    "problem, estimator",
    [(core.Bandit(0.3), "score"), (core.Gaussian(0.0, 1.0, "cos"), "measure_valued")],
)
def test_no_reps_by_n_array_is_ever_built(problem, estimator):
    """8 × 10^6 samples would need 64 MB as one array; the chunked route stays under 16 MB."""
    tracemalloc.start()
    try:
        core.repeated_estimates(
            problem, 1_000_000, 8, rng=make_rng(0), estimator=estimator, method="per_sample"
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * 2**20, f"peak traced allocation {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("theta", [-700.0, -50.0, 50.0, 700.0])
@pytest.mark.parametrize("method", ["counts", "per_sample"])
def test_extreme_logits_stay_finite_and_silent(theta, method):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            for baseline in (None, "mean", "loo", "optimal"):
                estimates = core.repeated_estimates(
                    core.Bandit(theta), 10, 20, rng=make_rng(0), baseline=baseline, method=method
                )
                assert np.all(np.isfinite(estimates))


# --- streamed per-sample terms --------------------------------------------------------------

BASELINES = [None, 2.0, "mean", "loo", "optimal"]


@pytest.mark.parametrize(
    "problem",
    [core.Bandit(0.6), core.SoftmaxBandit((0.3, -0.1, 0.4, 0.0), (1.0, -2.0, 0.5, 3.0))],
)
@pytest.mark.parametrize("baseline", BASELINES)
def test_streamed_bandit_terms_are_the_terms_of_score_function(problem, baseline):
    n = 2 * CHUNK_SIZE + 17
    streamed = core.streamed_gradient_terms(problem, n, rng=make_rng(6), baseline=baseline)
    reference = core.score_function(problem, n, rng=make_rng(6), baseline=baseline)
    scale = np.abs(reference).max()
    np.testing.assert_allclose(streamed, reference, rtol=0, atol=4 * np.finfo(float).eps * scale)


@pytest.mark.parametrize(
    "estimator, baseline", [("score", b) for b in BASELINES] + [("pathwise", None)]
)
def test_streamed_gaussian_terms_are_the_terms_of_gradient_terms(estimator, baseline):
    gaussian, n = core.Gaussian(-0.3, 0.9, "bump", k=0.7), CHUNK_SIZE + 4321
    streamed = core.streamed_gradient_terms(
        gaussian, n, rng=make_rng(9), estimator=estimator, baseline=baseline
    )
    reference = core.gradient_terms(
        gaussian, n, rng=make_rng(9), estimator=estimator, baseline=baseline
    )
    np.testing.assert_allclose(streamed, reference, rtol=1e-9, atol=1e-12)


def test_streamed_terms_fill_a_given_array_and_refuse_a_wrong_one():
    bandit = core.Bandit()
    out = np.full((100, 1), np.nan)
    assert core.streamed_gradient_terms(bandit, 100, rng=make_rng(0), out=out) is out
    assert np.all(np.isfinite(out))
    with pytest.raises(ValueError, match=r"shape \(100, 1\)"):
        core.streamed_gradient_terms(bandit, 100, rng=make_rng(0), out=np.empty((100, 2)))
