"""The stated false-alarm rate of each page's main check is its real one, at every n.

For every page's main check, at its default problem, 2000 seeded runs at each
n ∈ {1, 2, 3, 5, 10, 100, 1000} (within the page's own range): the fraction of runs whose
p-value falls below α must be at most α + 3 binomial SE, at α = 0.05 (a sharp test of the
calibration) and at the app's α = core.checks.ALPHA = 6.3e-5. Counts are drawn directly
(Binomial / Multinomial) and estimates computed from them with formulas written here, so the
whole file runs in seconds. Then the exact p-values against independent routes: every draw
sequence enumerated, and SciPy's Binomial.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import core
from core import checks
from core.checks import ALPHA, DiscreteLaw, mean_p_value

SEEDS = 2000
SIZES = (1, 2, 3, 5, 10, 100, 1000)
ALPHAS = (0.05, ALPHA)
REPS = 1000  # the pages' default repetitions


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def false_alarm_rate(p_values: np.ndarray, alpha: float) -> float:
    return float(np.mean(np.asarray(p_values) < alpha))


def assert_calibrated(p_values: np.ndarray, what: str) -> None:
    """Each column of p-values (one check per column, one run per row) false-alarms at most
    α + 3 binomial SE at every α of ALPHAS.

    At α = 6.3e-5, 2000 runs expect 0.13 alarms and the 3-SE limit (5.9e-4) allows one: a
    correct check then fails it with probability 0.7% per column, which over this file's ~300
    columns would fail some correct check. There the limit is the largest count a correct
    check reaches with probability ≥ 1e-4 under Binomial(2000, α): three; four or more alarms
    (P = 1e-5 for a correct check; 2.7% for one at 10× α) fail. The sharp calibration test is
    α = 0.05; the rates at α over 2·10⁵ runs are in the branch's report.
    """
    p_values = np.asarray(p_values, dtype=np.float64).reshape(SEEDS, -1)
    assert not np.isnan(p_values).any(), what
    for alpha in ALPHAS:
        limit = alpha + 3.0 * math.sqrt(alpha * (1.0 - alpha) / SEEDS)
        if alpha * SEEDS < 1.0:
            limit = max(limit, (binomial_count_limit(alpha) + 0.5) / SEEDS)
        for column in p_values.T:
            rate = false_alarm_rate(column, alpha)
            assert rate <= limit, f"{what}: false-alarm rate {rate:.4f} at α = {alpha:.2g}"


def binomial_count_limit(alpha: float, tail: float = 1e-4) -> int:
    """The largest alarm count k with P(X ≥ k) ≥ `tail` for X ~ Binomial(SEEDS, α)."""
    from scipy.stats import binom

    k = 0
    while binom.sf(k, SEEDS, alpha) >= tail:  # sf(k) = P(X ≥ k + 1)
        k += 1
    return k


def reference(laws, j: int = 0):
    law = laws[j]
    assert law.p_values is not None, law.law
    return law.p_values


# --- page 1: the bandit's Monte Carlo gradient vs exact ----------------------------------


@pytest.mark.parametrize("theta", [0.0, 2.0])
@pytest.mark.parametrize("n", SIZES)
def test_bandit_gradient_check_of_page_one_false_alarms_at_most_at_its_stated_rate(theta, n):
    problem = core.Bandit(theta, (5.0, 10.0))
    s, (r0, r1) = sigmoid(theta), (5.0, 10.0)
    ones = np.random.default_rng([1, n, int(theta * 10)]).binomial(n, s, SEEDS)
    estimates = (ones * r1 * (1 - s) + (n - ones) * r0 * (-s)) / n
    laws = checks.mean_reference_laws(problem, n)
    assert laws[0].law == checks.EXACT_BINOMIAL
    assert_calibrated(reference(laws)(estimates), f"bandit θ={theta}, n={n}")


def test_the_plug_in_se_false_alarmed_in_a_quarter_of_bandit_runs_at_n_3_and_the_exact_law_never():
    """Before: |ĝ − ∇J| > 4 × the sample's own SE whenever all three draws hit one arm (the SE is
    then zero): P = 2/8 at θ = 0. After: the exact Binomial p-value of those runs is 1."""
    problem, n = core.Bandit(0.0, (5.0, 10.0)), 3
    ones = np.random.default_rng(3).binomial(n, 0.5, SEEDS)
    values = np.where(np.arange(n)[None, :] < ones[:, None], 5.0, -2.5)
    estimates = values.mean(axis=1)
    sample_se = values.std(axis=1, ddof=1) / math.sqrt(n)
    gap = np.abs(estimates - 1.25)
    plug_in = np.where(sample_se > 0, gap > 4 * np.where(sample_se > 0, sample_se, 1), gap > 0)
    assert abs(plug_in.mean() - 0.25) < 4 * math.sqrt(0.25 * 0.75 / SEEDS)
    exact = reference(checks.mean_reference_laws(problem, n))(estimates)
    assert false_alarm_rate(exact, ALPHA) == 0.0


def test_both_draws_on_one_arm_at_n_2_is_an_ordinary_outcome():
    """θ = 2, n = 2, both draws on arm 1: ĝ = 10·(1 − σ(2)) = 1.1920 with a sample SE of 0 —
    a 78% outcome, which the exact law passes."""
    problem = core.Bandit(2.0, (5.0, 10.0))
    check = checks.mean_checks(problem, 2, [10.0 * (1 - sigmoid(2.0))])[0]
    assert check.passed and check.p_value == pytest.approx(1.0)
    assert check.standard_error == pytest.approx(
        math.sqrt(problem.score_term_variance([0.0])[0] / 2)
    )


# --- page 2: mean score 0 and Fisher information ------------------------------------------


@pytest.mark.parametrize("n", [100, 1000])  # the page's draws start at 100
def test_score_mean_and_fisher_checks_of_page_two_false_alarm_at_most_at_their_stated_rate(n):
    problem = core.Bandit(0.0, (5.0, 10.0))
    ones = np.random.default_rng([2, n]).binomial(n, 0.5, SEEDS)
    mean_score = (ones * 0.5 + (n - ones) * -0.5) / n
    fisher = np.full(SEEDS, 0.25)  # s² = 1/4 on both arms: the Fisher check has no spread
    table = core.score_check(problem, n)
    assert set(table["law"]) == {checks.EXACT_BINOMIAL, checks.DETERMINISTIC}
    actions, probabilities = problem.support()
    scores = problem.score(actions)[:, 0]
    law = DiscreteLaw.of(scores, probabilities)
    assert_calibrated(mean_p_value(law, n, 0.0, mean_score), f"score mean, n={n}")
    fisher_law = DiscreteLaw.of(scores**2, probabilities)
    assert_calibrated(mean_p_value(fisher_law, n, 0.25, fisher), f"Fisher, n={n}")


@pytest.mark.parametrize("n", SIZES)
def test_gaussian_score_checks_of_page_two_false_alarm_at_most_at_their_stated_rate(n):
    """Both mean scores and all four Fisher entries, each from its exact law (normal, χ²_n, and
    the numerically exact law of a mean of z³ − z or (z² − 1)²), with no caveat at any n."""
    problem = core.Gaussian(0.3, 1.5)
    z = np.random.default_rng([22, n]).standard_normal((SEEDS, n))
    scores = np.stack([z, z * z - 1.0], axis=-1) / problem.sigma
    laws = checks.score_reference_laws(problem, n)
    assert len(laws) == 6
    for (quantity, row, col), law in laws.items():
        i = problem.params.index(row)
        j = i if col == "" else problem.params.index(col)
        values = (scores[..., i] if col == "" else scores[..., i] * scores[..., j]).mean(axis=1)
        assert not law.caveat, (quantity, row, col)
        if (row, col) in {("mu", "sigma"), ("sigma", "mu"), ("sigma", "sigma")}:
            assert law.law == checks.EXACT_PRODUCT_LAW
        assert_calibrated(law.p_values(values), f"Gaussian {quantity} {row}{col}, n={n}")


# --- page 3: the measured variance of N-sample estimates vs exact ------------------------


@pytest.mark.parametrize("n", SIZES)
def test_variance_check_of_page_three_false_alarms_at_most_at_its_stated_rate(n):
    problem = core.Bandit(0.0, (5.0, 10.0))
    ones = np.random.default_rng([3, n]).binomial(n, 0.5, (SEEDS, REPS))
    estimates = (ones * 5.0 + (n - ones) * -2.5) / n
    variances = estimates.var(axis=1, ddof=1)
    laws = checks.variance_reference_laws(problem, n, REPS)
    assert_calibrated(reference(laws)(variances), f"bandit variance, n={n}")


@pytest.mark.parametrize("n", [1, 10, 100])
@pytest.mark.parametrize("estimator", ["score", "pathwise"])
def test_gaussian_variance_check_false_alarms_at_most_at_its_stated_rate(n, estimator):
    problem, reps = core.Gaussian(0.0, 1.0, "square"), 100
    rng = np.random.default_rng([33, n, len(estimator)])
    z = rng.standard_normal((SEEDS, reps, n))
    x = z  # μ = 0, σ = 1, f = x²
    term = x**2 * z if estimator == "score" else 2.0 * x  # the μ component
    variances = term.mean(axis=2).var(axis=1, ddof=1)
    laws = checks.variance_reference_laws(problem, n, reps, estimator=estimator)
    assert laws[0].law == checks.SCALED_CHI_SQUARE
    if estimator == "score" and n < 100:
        # z³ terms: the scaled χ² understates s²'s right tail (measured 17× and 10× α at
        # n = 1, 10 over 2·10⁵ runs), and the check says so instead of claiming its rate.
        assert "heavy-tailed" in laws[0].caveat
        return
    assert not laws[0].caveat
    assert_calibrated(reference(laws)(variances), f"Gaussian {estimator} variance, n={n}")


# --- page 4: each baseline's bias and variance -------------------------------------------


def bandit_baseline_estimates(ones: np.ndarray, n: int, theta: float, rewards, baseline):
    """The n-sample estimate of the bandit from the count of arm-1 draws, by hand: terms
    (r(a) − b)(a − σ) with b = 0, a constant, the batch mean f̄ or the mean of the others."""
    s, (r0, r1) = sigmoid(theta), rewards
    sum_fs = ones * r1 * (1 - s) + (n - ones) * r0 * (-s)
    sum_s = ones - n * s
    total_f = ones * r1 + (n - ones) * r0
    if baseline is None:
        return sum_fs / n
    if baseline == "optimal":
        return np.full(ones.shape, (r1 - r0) * s * (1 - s))
    if baseline == "mean":
        return (sum_fs - total_f / n * sum_s) / n
    if baseline == "loo":
        return (sum_fs - (total_f * sum_s - sum_fs) / (n - 1)) / n
    return (sum_fs - baseline * sum_s) / n


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("baseline", [None, 7.5, "mean", "loo", "optimal"])
def test_baseline_checks_of_page_four_false_alarm_at_most_at_their_stated_rate(n, baseline):
    if baseline == "loo" and n < 2:
        pytest.skip("the leave-one-out baseline needs n ≥ 2")
    theta, rewards = 0.0, (5.0, 10.0)
    problem = core.Bandit(theta, rewards)
    ones = np.random.default_rng([4, n, len(str(baseline))]).binomial(n, 0.5, (SEEDS, REPS))
    estimates = bandit_baseline_estimates(ones, n, theta, rewards, baseline)
    means = checks.mean_reference_laws(problem, n, reps=REPS, baseline=baseline)
    assert_calibrated(reference(means)(estimates.mean(axis=1)), f"bias {baseline}, n={n}")
    variances = checks.variance_reference_laws(problem, n, REPS, baseline=baseline)
    assert_calibrated(
        reference(variances)(estimates.var(axis=1, ddof=1)), f"variance {baseline}, n={n}"
    )


# --- page 5: the Gaussian's and the policy's estimators ----------------------------------


@pytest.mark.parametrize(
    "problem",
    [core.Gaussian(0.0, 1.0, "square"), core.Gaussian(0.5, 1.0, "step", 0.0),
     core.LinearGaussianPolicy()],
    ids=["gaussian-square", "gaussian-step", "policy"],
)  # fmt: skip
def test_estimator_checks_of_page_five_false_alarm_at_most_at_their_stated_rate(problem):
    n = 1000  # the page's smallest n
    for estimator in ("score", "pathwise", "measure_valued"):
        try:
            terms = core.gradient_terms(
                problem, n * SEEDS, rng=np.random.default_rng(5), estimator=estimator
            )
        except ValueError:
            continue  # an estimator core declines for this problem
        means = terms.reshape(SEEDS, n, problem.dim).mean(axis=1)
        laws = checks.mean_reference_laws(problem, n, estimator=estimator)
        for j, law in enumerate(laws):
            assert not law.caveat
            assert_calibrated(law.p_values(means[:, j]), f"{problem!r} {estimator} {j}")


@pytest.mark.parametrize("n", [1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000])
def test_logistic_policy_draw_check_of_page_five_false_alarms_at_most_at_its_stated_rate(n):
    """The page's logistic policy, checked after its n draws (core.worked_examples.policy_draws
    → core.checks.mean_checks), at every n the page offers: counts over its 2 × 2 (state,
    action) outcomes drawn directly."""
    from core.logistic_policy import LogisticPolicy

    problem = LogisticPolicy(weights=(0.0, 0.5))
    table = problem.outcome_table()
    terms = table.statistics[:, : problem.dim]
    counts = np.random.default_rng([55, n]).multinomial(n, table.probabilities, SEEDS)
    for j, law in enumerate(checks.mean_reference_laws(problem, n)):
        assert not law.caveat
        assert_calibrated(law.p_values(counts @ terms[:, j] / n), f"logistic w{j}, n={n}")


# --- page 6: every credit's gradient on trajectories -------------------------------------


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("credit", core.CREDITS)
def test_trajectory_checks_of_page_six_false_alarm_at_most_at_their_stated_rate(n, credit):
    problem = core.Episodes(credit=credit)
    table = problem.outcome_table()
    terms = table.statistics[:, : problem.dim]
    counts = np.random.default_rng([6, n]).multinomial(n * REPS, table.probabilities, SEEDS)
    means = counts @ terms / (n * REPS)
    laws = checks.mean_reference_laws(problem, n, reps=REPS)
    for j, law in enumerate(laws):
        assert_calibrated(law.p_values(means[:, j]), f"{credit} θ{j}, n={n}")


@pytest.mark.parametrize("credit", core.CREDITS)
def test_per_episode_variance_checks_of_page_six_false_alarm_at_most_at_their_stated_rate(credit):
    problem, episodes = core.Episodes(credit=credit), 1000
    table = problem.outcome_table()
    terms = table.statistics[:, : problem.dim]
    counts = np.random.default_rng(66).multinomial(episodes, table.probabilities, SEEDS)
    sums, squares = counts @ terms, counts @ terms**2
    variances = (squares - sums**2 / episodes) / (episodes - 1)
    for j, law in enumerate(checks.variance_reference_laws(problem, 1, episodes)):
        assert_calibrated(law.p_values(variances[:, j]), f"{credit} θ{j} per-episode variance")


# --- page 7: the study grid's mean checks (studies/example.toml: reps 200, n 10–1000) -------


@pytest.mark.parametrize("n", [10, 100, 1000])
@pytest.mark.parametrize("baseline", [None, "loo", "optimal"])
def test_study_grid_checks_of_page_seven_false_alarm_at_most_at_their_stated_rate(n, baseline):
    theta, rewards, reps = 1.0, (5.0, 10.0), 200  # the example grid's bandit cell at θ = 1
    problem = core.Bandit(theta, rewards)
    ones = np.random.default_rng([7, n, len(str(baseline))]).binomial(
        n, sigmoid(theta), (SEEDS, reps)
    )
    estimates = bandit_baseline_estimates(ones, n, theta, rewards, baseline)
    means = checks.mean_reference_laws(problem, n, reps=reps, baseline=baseline)
    assert_calibrated(reference(means)(estimates.mean(axis=1)), f"grid {baseline}, n={n}")


# --- page 8: group baselines (n = G, the group size 2…64) ---------------------------------

GROUP_REPS = (2_000, 20_000)  # the sweep over G, and the table's default repetitions


def group_estimate_by_hand(ones, m: int, theta: float, rewards, estimator: str):
    """ĝ of a binary-bandit group of m draws with `ones` draws of arm 1 (module docstring of
    core.group_baselines): A = r, r − r̄, r − r̄₋ᵢ or (r − r̄)/(std + ε), A = 0 for a group that
    pulled one arm only (GRPO, standardised)."""
    s, (r0, r1) = sigmoid(theta), rewards
    ones = np.asarray(ones, dtype=np.float64)
    zeros = m - ones
    mean_r = (ones * r1 + zeros * r0) / m
    if estimator == "none":
        a1, a0 = np.full_like(ones, r1), np.full_like(ones, r0)
    elif estimator == "mean":
        a1, a0 = r1 - mean_r, r0 - mean_r
    elif estimator == "loo":
        total = ones * r1 + zeros * r0
        a1, a0 = r1 - (total - r1) / (m - 1), r0 - (total - r0) / (m - 1)
    else:
        epsilon = 1e-4 if estimator == "grpo" else float(np.finfo(np.float32).eps)
        std = np.sqrt((ones * (r1 - mean_r) ** 2 + zeros * (r0 - mean_r) ** 2) / (m - 1))
        one_arm = (ones == 0) | (zeros == 0)
        a1 = np.where(one_arm, 0.0, (r1 - mean_r) / (std + epsilon))
        a0 = np.where(one_arm, 0.0, (r0 - mean_r) / (std + epsilon))
    return (ones * a1 * (1 - s) + zeros * a0 * (-s)) / m


def assert_law_checks_calibrated(values, probabilities, reps, seed, what, law=None):
    """Draw, per seed, how often each value of a finite law occurs among `reps` copies
    (Multinomial), and assert the mean and s² checks of estimate_reference_laws calibrated;
    `law` (default: the drawn one) is the law core's checks use."""
    values, probabilities = np.asarray(values, float), np.asarray(probabilities, float)
    counts = np.random.default_rng(seed).multinomial(
        reps, probabilities / probabilities.sum(), SEEDS
    )
    centred = values - probabilities @ values  # s² is shift-free; centring keeps it exact
    sums, squares = counts @ centred, counts @ centred**2
    means = sums / reps + probabilities @ values
    variances = np.maximum(squares - sums**2 / reps, 0.0) / (reps - 1)
    mean_law, variance_law = checks.estimate_reference_laws(
        reps, law or DiscreteLaw.of(values, probabilities)
    )
    assert not mean_law.caveat, what
    assert_calibrated(mean_law.p_values(means), f"{what} mean ({mean_law.law})")
    if variance_law.caveat:
        # Past an excess kurtosis of 20 the check says it is rough instead of claiming its
        # rate (measured over 2·10⁵ runs at G = 2, 3 standardised and G = 10 GRPO: 0.8–2.2× α).
        assert "heavy-tailed" in variance_law.caveat
        return
    assert_calibrated(variance_law.p_values(variances), f"{what} variance ({variance_law.law})")


@pytest.mark.parametrize("group_size", [2, 3, 5, 10, 64])
@pytest.mark.parametrize("estimator", core.group_baselines.GROUP_ESTIMATORS)
def test_group_baseline_checks_of_page_eight_false_alarm_at_most_at_their_stated_rate(
    group_size, estimator
):
    from scipy.stats import binom

    from core.group_baselines import GroupSettings, group_estimate_law

    theta, rewards = 0.0, (5.0, 10.0)
    problem = core.Bandit(theta, rewards)
    m = GroupSettings().draws(estimator, group_size)
    ones = np.arange(m + 1)
    values = group_estimate_by_hand(ones, m, theta, rewards, estimator)
    probabilities = binom.pmf(ones, m, sigmoid(theta))
    weights, estimates = group_estimate_law(problem, group_size, estimator)
    law = DiscreteLaw.of(estimates[:, 0], weights)
    by_hand = DiscreteLaw.of(values, probabilities)
    np.testing.assert_allclose(law.values, by_hand.values, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(law.probabilities, by_hand.probabilities, rtol=1e-9, atol=1e-300)
    for reps in GROUP_REPS:
        assert_law_checks_calibrated(
            values, probabilities, reps, [8, group_size, reps, len(estimator)],
            f"{estimator} G={group_size} R={reps}", law,
        )  # fmt: skip


@pytest.mark.parametrize("group_size", [2, 3, 5, 10])
def test_sample_reuse_checks_of_page_eight_false_alarm_at_most_at_their_stated_rate(group_size):
    from core.group_baselines import compositions, log_multinomial
    from core.sample_reuse import REUSE_QUANTITIES, reuse_quantities

    problem, reps = core.Bandit(0.0, (5.0, 10.0)), 20_000
    counts = compositions(group_size, 2)
    weights = np.exp(log_multinomial(counts, problem.log_prob(np.array([0, 1]))))
    states = reuse_quantities(problem, counts, "grpo", 4, 0.5, 0.2)
    drawn = np.random.default_rng([88, group_size]).multinomial(
        reps, weights / weights.sum(), SEEDS
    )
    for epoch, state in enumerate(states):
        for quantity, _ in REUSE_QUANTITIES:
            values = state[quantity].reshape(counts.shape[0], -1)
            for j in range(values.shape[1]):
                law = checks.estimate_reference_laws(reps, DiscreteLaw.of(values[:, j], weights))[0]
                means = drawn @ values[:, j] / reps
                assert_calibrated(law.p_values(means), f"reuse {quantity}[{j}] k={epoch}")


# --- page 9: discrete estimators (n = the Monte Carlo estimates, 2,000 … 100,000) --------

DISCRETE_PROBLEMS = {
    "binary": core.BernoulliUnits((0.0,), "linear", (5.0, 10.0)),
    "vector": core.BernoulliUnits((0.0,) * 6, "squared_error", target=0.499),
    "categorical": core.SoftmaxBandit((0.0, 0.0, 0.0), (1.0, 2.0, 3.0)),
}


@pytest.mark.parametrize("kind", list(DISCRETE_PROBLEMS))
def test_discrete_estimator_checks_of_page_nine_false_alarm_at_most_at_their_stated_rate(kind):
    """An estimator with a finite law (score, b*, RLOO, antithetic, DisARM, unordered set): how
    often each value occurs among the n estimates, drawn directly; ARM and the relaxations
    (continuous): their terms, on the one-unit and the categorical problem (the vector's D = 6
    units run the same code per unit)."""
    from core import discrete_estimators as discrete

    problem, n = DISCRETE_PROBLEMS[kind], 2_000  # the page's smallest n
    for index, name in enumerate(discrete.estimators_for(problem)):
        moments = discrete.exact_moments(problem, name)
        if moments.laws is not None:  # as discrete_comparison's checks
            law = moments.laws[0]
            what = f"{kind} {name}"
            assert_law_checks_calibrated(law.values, law.probabilities, n, [9, index], what)
            continue
        if kind == "vector":
            continue
        terms = discrete.estimator_terms(
            problem, name, SEEDS * n, rng=np.random.default_rng([9, index])
        ).reshape(SEEDS, n, problem.dim)
        mean_law, variance_law = checks.estimate_reference_laws(
            n, moments=(moments.mean[0], moments.variance[0], moments.fourth[0])
        )
        assert mean_law.law == checks.NORMAL_EXACT_SE and not mean_law.caveat
        assert_calibrated(mean_law.p_values(terms[:, :, 0].mean(axis=1)), f"{name} mean")
        if variance_law.p_values is not None and not variance_law.caveat:
            variances = terms[:, :, 0].var(axis=1, ddof=1)
            assert_calibrated(variance_law.p_values(variances), f"{name} variance")


# --- page 10: the surrogate loss's ĝ and L, and the natural gradient ----------------------

SURROGATE_PROBLEMS = {
    "bandit": core.Bandit(0.0, (5.0, 10.0)),
    "skewed bandit": core.Bandit(-3.0, (5.0, 10.0)),
    "softmax": core.SoftmaxBandit((0.0, 0.0, 0.0), (1.0, 2.0, 3.0)),
}


def arm_counts(problem, n: int, seed) -> np.ndarray:
    _, probabilities = problem.support()
    return np.random.default_rng(seed).multinomial(n, probabilities, SEEDS)


@pytest.mark.parametrize("n", [2, 3, 5, 10, 100, 1000])  # the page's N starts at 2
@pytest.mark.parametrize("name", list(SURROGATE_PROBLEMS))
def test_surrogate_checks_of_page_ten_false_alarm_at_most_at_their_stated_rate(name, n):
    problem = SURROGATE_PROBLEMS[name]
    arms, probabilities = problem.support()
    counts = arm_counts(problem, n, [10, n, len(name)])
    rewards, log_prob = problem.f(arms), problem.log_prob(arms)
    for baseline in (0.0, 7.5):
        terms = (rewards - baseline)[:, None] * problem.score(arms)
        for j in range(problem.dim):
            law = checks.estimate_reference_laws(n, DiscreteLaw.of(terms[:, j], probabilities))[0]
            assert law.law in checks.EXACT_LAWS or n > 100, law.law
            assert_calibrated(law.p_values(counts @ terms[:, j] / n), f"{name} ĝ{j} b={baseline}")
        losses = -log_prob * (rewards - baseline)
        law = checks.estimate_reference_laws(n, DiscreteLaw.of(losses, probabilities))[0]
        assert_calibrated(law.p_values(counts @ losses / n), f"{name} L b={baseline}")


@pytest.mark.parametrize("n", [10, 100, 1000])  # the page's natural-gradient draws start at 10
@pytest.mark.parametrize("name", list(SURROGATE_PROBLEMS))
def test_natural_gradient_checks_of_page_ten_false_alarm_at_most_at_their_stated_rate(name, n):
    from core.natural_gradient import _sample_fisher_law, fisher_pseudo_inverse

    problem = SURROGATE_PROBLEMS[name]
    arms, probabilities = problem.support()
    counts = arm_counts(problem, n, [11, n, len(name)])
    natural_terms = problem.score_terms(arms) @ fisher_pseudo_inverse(problem.fisher_information())
    for j in range(problem.dim):
        law = checks.estimate_reference_laws(n, DiscreteLaw.of(natural_terms[:, j], probabilities))
        assert_calibrated(law[0].p_values(counts @ natural_terms[:, j] / n), f"{name} F⁺ĝ {j}")
    if isinstance(problem, core.Bandit):
        values, weights = _sample_fisher_law(problem, n)
        law = checks.estimate_reference_laws(1, DiscreteLaw.of(values, weights))[0]
        assert law.law in checks.EXACT_LAWS
        assert_calibrated(law.p_values(values[counts[:, 1]]), f"{name} F̂⁻¹ĝ")


def test_the_normal_approximation_false_alarmed_on_a_skewed_batch_of_two_and_the_exact_law_never():
    """Before: the surrogate page checked ĝ of N = 2 draws at θ = −5 with the normal tail on the
    exact SE: a draw of the rare arm (P ≈ 1.3% for either draw) puts ĝ 8.6 SE from ∇J, so a
    correct batch was flagged in ~1.3% of runs, 200× the stated rate. The exact Binomial law
    flags none."""
    problem, n = core.Bandit(-5.0, (5.0, 10.0)), 2
    arms, probabilities = problem.support()
    terms = problem.score_terms(arms)[:, 0]
    estimates = arm_counts(problem, n, 12) @ terms / n
    target = float(problem.exact_gradient()[0])
    se = math.sqrt(problem.score_term_variance([0.0])[0] / n)
    normal = checks.check_agreement(0.0, 0.0, 1.0)  # the old route, one value at a time
    old = [checks.check_agreement(e, target, se).p_value for e in estimates]
    assert normal.passed and 0.005 < false_alarm_rate(old, ALPHA) < 0.03
    law = checks.estimate_reference_laws(n, DiscreteLaw.of(terms, probabilities))[0]
    assert law.law == checks.EXACT_BINOMIAL
    assert false_alarm_rate(law.p_values(estimates), ALPHA) == 0.0


# --- the exact p-values against independent routes ---------------------------------------


def enumerated_tail(values, probabilities, n, target, observed):
    """P(|mean − target| ≥ |observed − target|) over every one of the K^n draw sequences."""
    total = 0.0
    for sequence in itertools.product(range(len(values)), repeat=n):
        mean = np.mean([values[k] for k in sequence])
        if abs(mean - target) >= abs(observed - target) - 1e-9:
            total += math.prod(probabilities[k] for k in sequence)
    return total


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_binomial_p_value_equals_the_sum_over_every_draw_sequence(n):
    problem = core.Bandit(0.7, (-1.0, 3.0))
    actions, probabilities = problem.support()
    values = problem.score_terms(actions)[:, 0]
    target = float(problem.exact_gradient()[0])
    law = checks.mean_reference_laws(problem, n)[0]
    observed = [(k * values[1] + (n - k) * values[0]) / n for k in range(n + 1)] + [target]
    for value in observed:
        expected = enumerated_tail(values, probabilities, n, target, value)
        assert law.p_values(np.array([value]))[0] == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("n", [1, 2, 4])
def test_multinomial_p_value_equals_the_sum_over_every_draw_sequence(n):
    problem = core.SoftmaxBandit((0.3, -0.5, 0.1), (1.0, 2.5, 4.0))
    actions, probabilities = problem.support()
    values = problem.score_terms(actions)[:, 1]
    target = float(problem.exact_gradient()[1])
    law = checks.mean_reference_laws(problem, n)[1]
    assert law.law == checks.EXACT_COUNTS
    for sequence in itertools.combinations_with_replacement(range(3), n):
        value = float(np.mean(values[list(sequence)]))
        expected = enumerated_tail(values, probabilities, n, target, value)
        assert law.p_values(np.array([value]))[0] == pytest.approx(expected, rel=1e-10)


@pytest.mark.parametrize("n", [2_000, 100_000])
def test_binomial_p_value_matches_scipy_at_large_n(n):
    from scipy.stats import binom

    p, values, target = 0.3, np.array([-2.0, 1.0]), 0.3 * 1.0 + 0.7 * -2.0
    law = DiscreteLaw.of(values, np.array([1 - p, p]))
    for k in (
        int(n * p) - 3 * int(math.sqrt(n)),
        int(n * p) + 7,
        int(n * p) + 5 * int(math.sqrt(n)),
    ):
        observed = (k * 1.0 + (n - k) * -2.0) / n
        c = abs(k - n * p)
        expected = binom.sf(n * p + c - 1e-9, n, p) + binom.cdf(n * p - c + 1e-9, n, p)
        assert mean_p_value(law, n, target, observed) == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("baseline", ["mean", "loo"])
def test_batch_baseline_law_enumerated_by_counts_matches_every_draw_sequence(baseline):
    """The law of the n-sample estimate with a batch baseline, from count vectors, against the
    problem's own score_terms on every sequence of n draws, and its moments against the closed
    forms of estimate_moments."""
    problem, n = core.SoftmaxBandit((0.2, -0.4, 0.0), (1.0, 3.0, 2.0)), 4
    actions, probabilities = problem.support()
    by_sequence: dict[float, float] = {}
    for sequence in itertools.product(range(3), repeat=n):
        x = actions[list(sequence)]
        value = round(float(problem.score_terms(x, baseline).mean(axis=0)[0]), 10)
        weight = math.prod(probabilities[k] for k in sequence)
        by_sequence[value] = by_sequence.get(value, 0.0) + weight
    law = checks.estimate_laws(problem, n, "score", baseline)[0]
    np.testing.assert_allclose(law.values, sorted(by_sequence), atol=1e-9)
    np.testing.assert_allclose(
        law.probabilities, [by_sequence[v] for v in sorted(by_sequence)], rtol=1e-10
    )
    mean, variance = core.estimate_moments(problem, n, "score", baseline)
    assert law.probabilities @ law.values == pytest.approx(mean[0], rel=1e-10)
    assert law.central_moment(2) == pytest.approx(variance[0], rel=1e-10)


def test_sample_variance_law_equals_every_sequence_of_repetitions():
    problem, reps = core.Bandit(0.4, (5.0, 10.0)), 5
    actions, probabilities = problem.support()
    values = problem.score_terms(actions)[:, 0]
    law = checks.sample_variance_law(DiscreteLaw.of(values, probabilities), reps)
    by_sequence: dict[float, float] = {}
    for sequence in itertools.product(range(2), repeat=reps):
        value = round(float(np.var(values[list(sequence)], ddof=1)), 9)
        by_sequence[value] = by_sequence.get(value, 0.0) + math.prod(
            probabilities[k] for k in sequence
        )
    np.testing.assert_allclose(law.values, sorted(by_sequence), atol=1e-8)
    np.testing.assert_allclose(law.probabilities, [by_sequence[v] for v in sorted(by_sequence)])


def test_the_exact_fourth_moment_of_the_gaussian_square_cost_is_the_normal_moment():
    """Score μ-term of f = x² at μ = 0, σ = 1 is z³: μ₄ = E[z¹²] = 11!! = 10395; pathwise
    μ-term 2z: μ₄ = 16·3 = 48."""
    problem = core.Gaussian(0.0, 1.0, "square")
    assert checks.term_fourth_moments(problem, "score")[0] == pytest.approx(10395, rel=1e-9)
    assert checks.term_fourth_moments(problem, "pathwise")[0] == pytest.approx(48, rel=1e-9)


def test_a_custom_cost_too_heavy_tailed_to_check_says_why_instead_of_failing():
    problem = core.Gaussian(0.0, 1.0, core.parse_expression("exp(2.3*x)"))
    table = core.estimator_comparison(problem, 2000, seed=0)
    assert not table["variance_law"].str.contains("Satterthwaite").any()
    score = table[table["estimator"] == "score"]
    assert score["variance_law"].str.startswith("no check").all()
    assert score["mean_law"].str.contains("rough here: the terms are heavy-tailed").all()
    assert (score["mean_p_value"] >= ALPHA).all()


def sequence_law(problem, draws: int, statistic) -> dict[float, float]:
    """{value: probability} of `statistic(actions)` over every sequence of `draws` actions."""
    actions, probabilities = problem.support()
    law: dict[float, float] = {}
    for sequence in itertools.product(range(len(actions)), repeat=draws):
        value = round(float(statistic(actions[list(sequence)])), 10)
        law[value] = law.get(value, 0.0) + math.prod(probabilities[k] for k in sequence)
    return law


def tail(law: dict[float, float], centre: float, observed: float) -> float:
    return sum(p for v, p in law.items() if abs(v - centre) >= abs(observed - centre) - 1e-9)


@pytest.mark.parametrize("estimator", ["mean", "loo", "grpo", "standardised"])
def test_group_check_p_values_equal_the_sum_over_every_sequence_of_groups(estimator):
    """R = 3 groups of G = 2 (one group of 2 in the standardised batch): the mean check's
    p-value against every one of the 2^(R·G) draw sequences, each group's ĝ by hand."""
    from core.group_baselines import GroupSettings, group_estimate_law

    theta, rewards, reps, group_size = 0.4, (5.0, 10.0), 3, 2
    problem, settings = core.Bandit(theta, rewards), GroupSettings(batch_groups=1)
    m = settings.draws(estimator, group_size)

    def mean_of_groups(actions):
        groups = actions.reshape(reps, m)
        return np.mean(
            [group_estimate_by_hand(g.sum(), m, theta, rewards, estimator) for g in groups]
        )

    by_sequence = sequence_law(problem, reps * m, mean_of_groups)
    weights, estimates = group_estimate_law(problem, group_size, estimator, settings)
    mean_law, _ = checks.estimate_reference_laws(reps, DiscreteLaw.of(estimates[:, 0], weights))
    assert mean_law.law in checks.EXACT_LAWS
    for value in by_sequence:
        expected = tail(by_sequence, mean_law.exact, value)
        assert mean_law.p_values(np.array([value]))[0] == pytest.approx(expected, rel=1e-9)


def test_sample_fisher_law_equals_every_draw_sequence():
    """F̂⁻¹ĝ = Σ r s / Σ s² of n = 5 draws: its law by counts against all 2⁵ sequences, and the
    check's p-value against the tail summed over them."""
    from core.natural_gradient import _sample_fisher_law

    problem, n = core.Bandit(-0.7, (1.0, 4.0)), 5

    def ratio(actions):
        scores = problem.score(actions)[:, 0]
        return problem.score_terms(actions)[:, 0].sum() / np.sum(scores**2)

    by_sequence = sequence_law(problem, n, ratio)
    values, weights = _sample_fisher_law(problem, n)
    law = DiscreteLaw.of(values, weights)
    np.testing.assert_allclose(law.values, sorted(by_sequence), atol=1e-9)
    np.testing.assert_allclose(law.probabilities, [by_sequence[v] for v in sorted(by_sequence)])
    check = checks.estimate_reference_laws(1, law)[0]
    for value in by_sequence:
        expected = tail(by_sequence, check.exact, value)
        assert check.p_values(np.array([value]))[0] == pytest.approx(expected, rel=1e-9)


def test_surrogate_loss_check_equals_every_draw_sequence():
    """The loss L of N = 3 draws of a 3-armed softmax bandit: the check's p-value (as
    core.surrogate stores it) against the tail over all 27 sequences."""
    problem, n, b = core.SoftmaxBandit((0.5, -0.2, 0.0), (1.0, 2.5, 4.0)), 3, 1.5
    table = core.surrogate.surrogate_gradient(problem, n, baseline=b, seed=4).summary
    by_sequence = sequence_law(
        problem, n, lambda a: np.mean(-problem.log_prob(a) * (problem.f(a) - b))
    )
    observed, exact = float(table["loss"].iloc[0]), float(table["expected_loss"].iloc[0])
    assert table["loss_p_value"].iloc[0] == pytest.approx(
        tail(by_sequence, exact, observed), rel=1e-9
    )
    assert table["loss_law"].iloc[0] == checks.EXACT_COUNTS


def test_discrete_estimators_finite_laws_match_their_draws():
    """DisARM, antithetic and RLOO on two units, and the unordered set on four arms: the
    frequency of each value among 4·10⁵ drawn estimates within 5 binomial SE of its law."""
    from core import discrete_estimators as discrete

    cases = [
        (core.BernoulliUnits((0.3, -0.8), "squared_error", target=0.45), "disarm"),
        (core.BernoulliUnits((0.3, -0.8), "squared_error", target=0.45), "antithetic"),
        (core.BernoulliUnits((0.3, -0.8), "squared_error", target=0.45), "rloo"),
        (core.SoftmaxBandit((0.2, -0.3, 0.0, 0.4), (1.0, 2.0, 3.0, 4.0)), "unordered_set"),
    ]
    draws = 400_000
    for index, (problem, name) in enumerate(cases):
        law = discrete.exact_moments(problem, name).laws[0]
        terms = discrete.estimator_terms(problem, name, draws, rng=np.random.default_rng(index))
        nearest = np.abs(terms[:, 0, None] - law.values[None, :]).argmin(axis=1)
        assert np.allclose(terms[:, 0], law.values[nearest], rtol=1e-9, atol=1e-12), name
        frequency = np.bincount(nearest, minlength=law.values.size) / draws
        se = np.sqrt(law.probabilities * (1 - law.probabilities) / draws)
        assert np.all(np.abs(frequency - law.probabilities) <= 5 * se + 1e-12), name
