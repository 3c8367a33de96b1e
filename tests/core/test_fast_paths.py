"""The engine's routes give the estimates the slow ones would: same draws where they share them,
the same distribution where they do not (exact mean and variance, and a two-sample test); the
streamed terms equal the per-sample formulas on the same draws, in O(chunk) extra memory; and
the engine asks a problem what it can do, so a problem defined here works with no engine edit."""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
import pytest
from scipy import stats

import core
from core._engine import countable_table, resolve_method
from core.checks import mean_standard_error, variance_standard_error
from core.numerics import CHUNK_SIZE, make_rng
from core.problem import Problem, ScoreMoments
from tests.core.catalogue import repeated_estimates

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
    assert np.all(mean_gap <= TOLERANCE_SE * mean_standard_error(estimates) + 1e-12)
    variance_gap = np.abs(estimates.var(axis=0, ddof=1) - exact_variance)
    assert np.all(variance_gap <= TOLERANCE_SE * variance_standard_error(estimates) + 1e-12)


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
    by_counts = repeated_estimates(
        problem, n, reps, rng=make_rng(11), baseline=baseline, method="counts"
    )
    by_samples = repeated_estimates(
        problem, n, reps, rng=make_rng(12), baseline=baseline, method="per_sample"
    )
    for estimates in (by_counts, by_samples):
        _assert_matches_exact_moments(problem, n, estimates, baseline=baseline)
    for j in range(problem.dim):
        assert _two_sample_p_value(by_counts[:, j], by_samples[:, j]) > TWO_SAMPLE_LEVEL, j


def test_the_two_sample_test_notices_a_bandit_whose_p_moved_by_a_few_percent():
    """The two-sample check above has power: σ(θ) from 0.574 to 0.599 is flagged."""
    n, reps = 12, 4000
    near = repeated_estimates(core.Bandit(0.3), n, reps, rng=make_rng(11), method="counts")
    moved = repeated_estimates(core.Bandit(0.4), n, reps, rng=make_rng(12), method="per_sample")
    assert _two_sample_p_value(near[:, 0], moved[:, 0]) < TWO_SAMPLE_LEVEL


def test_a_repetition_from_counts_costs_the_same_at_a_trillion_samples():
    """O(1) in n: 2000 estimates at n = 10^12 (10^15 pulls by sampling) match the exact moments."""
    bandit, n = core.Bandit(0.7, rewards=(1.0, 3.0)), 10**12
    estimates = repeated_estimates(bandit, n, 2000, rng=make_rng(5), method="counts")
    _assert_matches_exact_moments(bandit, n, estimates)


@pytest.mark.parametrize("n", [37, CHUNK_SIZE + 1234])
def test_the_per_sample_bandit_route_uses_exactly_the_pulls_of_sample(n):
    """a = 1[u < σ(θ)] on the generator's uniforms, chunked or not: the estimate equals the mean
    of the per-sample formula on `sample`'s draws from the same seed."""
    bandit = core.Bandit(0.4)
    estimate = repeated_estimates(bandit, n, 1, rng=make_rng(3), method="per_sample")
    terms = bandit.score_terms(bandit.sample(make_rng(3), n))
    np.testing.assert_allclose(estimate[0], terms.mean(axis=0), rtol=1e-12)


@pytest.mark.parametrize("estimator", ["score", "pathwise"])
@pytest.mark.parametrize("cost", ["square", "cos"])
def test_the_per_sample_gaussian_route_uses_exactly_the_normals_of_sample(estimator, cost):
    gaussian, n = core.Gaussian(0.4, 1.7, cost), CHUNK_SIZE + 999
    estimate = repeated_estimates(gaussian, n, 1, rng=make_rng(8), estimator=estimator)
    terms = core.gradient_terms(gaussian, n, rng=make_rng(8), estimator=estimator)
    np.testing.assert_allclose(estimate[0], terms.mean(axis=0), rtol=1e-9)
    if estimator == "score":  # and the streamed terms are the formula on `sample`'s draws
        x = gaussian.sample(make_rng(8), n)
        np.testing.assert_allclose(terms, gaussian.score_terms(x), rtol=1e-9, atol=1e-12)


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
        repeated_estimates(
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
        core.measure_valued(problem, CHUNK_SIZE + 77, rng=make_rng(2))
        for problem in (named, as_function)
    ]
    np.testing.assert_allclose(terms[0], terms[1], rtol=1e-9, atol=1e-12)


def _textbook_measure_valued_terms(gaussian, rng, n):
    """Mohamed et al. (2020, §6) as written: y ~ Rayleigh(1) = √(2E); M = ±√(2 Gamma(3/2)),
    U ~ U(0, 1); terms ((f(μ+σy) − f(μ−σy))/(σ√(2π)), (f(μ+σM) − f(μ+σUM))/σ)."""
    f, mu, sigma = gaussian.f, gaussian.mu, gaussian.sigma
    rayleigh = np.sqrt(2.0 * rng.standard_exponential(n))
    maxwell = np.sqrt(2.0 * rng.standard_gamma(1.5, n))
    maxwell = np.where(rng.random(n) < 0.5, -maxwell, maxwell)
    uniform = rng.random(n)
    location = (f(mu + sigma * rayleigh) - f(mu - sigma * rayleigh)) / (sigma * np.sqrt(2 * np.pi))
    scale = (f(mu + sigma * maxwell) - f(mu + sigma * uniform * maxwell)) / sigma
    return np.column_stack([location, scale])


def test_the_coupled_measure_valued_draw_has_the_law_of_the_textbook_draw():
    """M = sign(N)√(N² + 2E) with N as U·M replaces Gamma(3/2) and a uniform: per coordinate,
    the terms match the textbook draw in distribution and the estimates the exact moments."""
    gaussian = core.Gaussian(0.2, 0.8, "cos", k=1.5)
    fast = core.measure_valued(gaussian, 20_000, rng=make_rng(21))
    reference = _textbook_measure_valued_terms(gaussian, make_rng(22), 20_000)
    for j in range(2):
        assert _two_sample_p_value(fast[:, j], reference[:, j]) > TWO_SAMPLE_LEVEL
    estimates = repeated_estimates(gaussian, 10, 5000, rng=make_rng(23), estimator="measure_valued")
    _assert_matches_exact_moments(gaussian, 10, estimates, "measure_valued")


def test_auto_draws_counts_only_where_they_are_cheaper():
    def chosen(problem, n, estimator="score"):
        table = countable_table(problem, estimator, "auto")
        return resolve_method(problem, n, estimator, "auto", table)

    assert chosen(core.Bandit(), 1) == "counts"
    assert chosen(core.SoftmaxBandit((0.0, 1.0, 2.0), (1.0, 2.0, 3.0)), 5) == "counts"
    assert chosen(core.Gaussian(), 10**6) == "per_sample"
    long_episodes = core.Episodes(12, (0.0, 0.0, 0.0))  # 4096 outcomes
    assert chosen(long_episodes, 10) == "per_sample"
    assert chosen(long_episodes, 1000) == "counts"


def test_impossible_methods_are_refused_with_the_reason():
    with pytest.raises(ValueError, match="finite support"):
        repeated_estimates(core.Gaussian(), 10, 5, rng=make_rng(0), method="counts")
    with pytest.raises(ValueError, match="unknown method"):
        repeated_estimates(core.Bandit(), 10, 5, rng=make_rng(0), method="fast")


@pytest.mark.parametrize("method", ["counts", "per_sample"])
def test_the_same_seed_gives_the_same_estimates_and_another_seed_others(method):
    bandit = core.Bandit(0.2)
    first, again, other = (
        repeated_estimates(bandit, 500, 50, rng=make_rng(seed), method=method) for seed in (1, 1, 2)
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
        repeated_estimates(
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
                estimates = repeated_estimates(
                    core.Bandit(theta), 10, 20, rng=make_rng(0), baseline=baseline, method=method
                )
                assert np.all(np.isfinite(estimates))


# --- streamed per-sample terms ---------------------------------------------------------------

BASELINES = [None, 2.0, "mean", "loo", "optimal"]


@pytest.mark.parametrize(
    "problem",
    [core.Bandit(0.6), core.SoftmaxBandit((0.3, -0.1, 0.4, 0.0), (1.0, -2.0, 0.5, 3.0))],
)
@pytest.mark.parametrize("baseline", BASELINES)
def test_streamed_bandit_terms_are_the_per_sample_formula_on_the_same_pulls(problem, baseline):
    n = 2 * CHUNK_SIZE + 17
    streamed = core.score_function(problem, n, rng=make_rng(6), baseline=baseline)
    reference = problem.score_terms(problem.sample(make_rng(6), n), baseline)
    scale = np.abs(reference).max()
    np.testing.assert_allclose(streamed, reference, rtol=0, atol=4 * np.finfo(float).eps * scale)


@pytest.mark.parametrize(
    "estimator, baseline", [("score", b) for b in BASELINES] + [("pathwise", None)]
)
def test_streamed_gaussian_terms_are_the_per_sample_formula_on_the_same_normals(
    estimator, baseline
):
    gaussian, n = core.Gaussian(-0.3, 0.9, "bump", k=0.7), CHUNK_SIZE + 4321
    streamed = core.gradient_terms(
        gaussian, n, rng=make_rng(9), estimator=estimator, baseline=baseline
    )
    z = make_rng(9).standard_normal(n)
    x = gaussian.mu + gaussian.sigma * z
    if estimator == "score":
        reference = gaussian.score_terms(x, baseline)
    else:
        slope = gaussian.cost.derivative(x)
        reference = np.column_stack([slope, slope * z])
    np.testing.assert_allclose(streamed, reference, rtol=1e-9, atol=1e-12)


def test_streamed_terms_fill_a_given_array_and_refuse_a_wrong_one():
    bandit = core.Bandit()
    out = np.full((100, 1), np.nan)
    assert core.gradient_terms(bandit, 100, rng=make_rng(0), out=out) is out
    assert np.all(np.isfinite(out))
    with pytest.raises(ValueError, match=r"shape \(100, 1\)"):
        core.score_function(bandit, 100, rng=make_rng(0), out=np.empty((100, 2)))


@pytest.mark.parametrize(
    "problem, estimator, baseline",
    [
        (core.Bandit(0.3), "score", None),
        (core.Bandit(0.3), "score", "loo"),
        (core.SoftmaxBandit((0.1, 0.5, -0.2), (1.0, 2.0, 0.0)), "score", "loo"),
        (core.Gaussian(0.2, 1.1, "cos"), "score", "loo"),
        (core.Gaussian(0.2, 1.1, "cos"), "measure_valued", None),
        (core.Episodes(5, (0.1, 0.2, -0.3)), "score", "loo"),
    ],
)
def test_streamed_terms_need_only_a_chunk_of_memory_beyond_their_result(
    problem, estimator, baseline
):
    """Memory beyond the (n, d) result does not grow with n (2^18 against 2^20 terms) and stays
    within 16 chunk-sized buffers (2^16 samples each) per column of a sample, whatever the
    baseline — leave-one-out included."""

    def extra_memory(n: int) -> int:
        tracemalloc.start()
        try:
            core.gradient_terms(problem, n, rng=make_rng(0), estimator=estimator, baseline=baseline)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        return peak - n * problem.dim * 8

    extra_memory(1000)  # warm caches (outcome tables, imports) outside the measurement
    small, large = extra_memory(1 << 18), extra_memory(1 << 20)
    assert large <= 1.1 * small + 2**16, f"{small / 2**20:.1f} → {large / 2**20:.1f} MiB"
    assert large <= 16 * CHUNK_SIZE * 8 * max(problem.dim, problem.sample_width)


# --- the engine asks the problem; it never tests its class ----------------------------------------


class Coin(Problem):
    """A problem the engine has never seen: x ~ Bernoulli(q) with q = θ ∈ (0, 1), f(x) = 3x + 1.

    Score (x − θ)/(θ(1 − θ)); E[f] = 3θ + 1, ∇E[f] = 3, Fisher 1/(θ(1 − θ)). It offers no
    kernels and no outcome table, so the engine must use the defaults that only call the
    methods of `core.Problem`.
    """

    params = ("q",)

    def __init__(self, q: float) -> None:
        self.theta = np.array([q])

    def sample(self, rng, n):
        return (rng.random(n) < self.theta[0]).astype(np.float64)

    def log_prob(self, x):
        q = self.theta[0]
        return np.where(x == 1, np.log(q), np.log1p(-q))

    def score(self, x):
        q = self.theta[0]
        return ((x - q) / (q * (1 - q)))[:, None]

    def f(self, x):
        return 3.0 * x + 1.0

    def expected_value(self):
        return 3.0 * self.theta[0] + 1.0

    def exact_gradient(self):
        return np.array([3.0])

    def fisher_information(self):
        q = self.theta[0]
        return np.array([[1.0 / (q * (1 - q))]])

    def score_moments(self):
        q = self.theta[0]
        xs, probabilities = np.array([0.0, 1.0]), np.array([1 - q, q])
        f, s = self.f(xs), self.score(xs)[:, 0]

        def expect(values):
            return np.atleast_1d(probabilities @ values)

        return ScoreMoments(
            mean_f=float(probabilities @ f),
            mean_f2=float(probabilities @ f**2),
            gradient=expect(f * s),
            a2=expect((f * s) ** 2),
            a_s=expect(f * s * s),
            s2=expect(s * s),
            f_s=expect(f * s),
            f_s2=expect(f * s * s),
            a_fs=expect((f * s) ** 2),
            fs_sq=expect((f * s) ** 2),
        )

    def with_theta(self, theta):
        return Coin(float(np.asarray(theta).reshape(-1)[0]))


@pytest.mark.parametrize("baseline", [None, 1.5, "mean", "loo", "optimal"])
def test_a_problem_defined_outside_core_runs_through_the_engine_unchanged(baseline):
    coin, n = Coin(0.3), CHUNK_SIZE + 55
    terms = core.score_function(coin, n, rng=make_rng(1), baseline=baseline)
    reference = coin.score_terms(coin.sample(make_rng(1), n), baseline)
    np.testing.assert_allclose(terms, reference, rtol=1e-12)
    table = core.variance_curve(coin, [8, 40], 3000, baseline=baseline, seed=2)
    # (+1e-12: the optimal baseline leaves a zero-variance, rounding-sized spread on a coin)
    gap = (table["mean"] - table["exact_mean"]).abs()
    assert (gap <= TOLERANCE_SE * table["mean_standard_error"] + 1e-12).all()
    gap = (table["variance"] - table["exact_variance"]).abs()
    assert (gap <= TOLERANCE_SE * table["variance_standard_error"] + 1e-12).all()


def test_the_engine_never_tests_a_problems_class():
    """Routing is by what a problem offers (outcome_table, sample_width, term_kernel,
    sum_kernel): no isinstance on a problem anywhere in the engine and kernels."""
    import inspect

    from core import _engine, _kernels

    for module in (_engine, _kernels):
        assert "isinstance(problem" not in inspect.getsource(module)
