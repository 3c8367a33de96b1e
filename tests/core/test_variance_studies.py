"""Variance sweeps one size at a time, the log-log slope fit, and the N needed for a target."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import core
from core.variance_studies import derived_seed, log_spaced_sizes


def test_log_spaced_sizes_span_the_range_in_order_without_repeats():
    sizes = log_spaced_sizes(10, 10_000, 4)
    assert sizes == (10, 100, 1000, 10_000)
    assert log_spaced_sizes(1, 3, 10) == (1, 2, 3)
    assert log_spaced_sizes(5, 5, 3) == (5,)


@pytest.mark.parametrize(
    ("args", "match"), [((0, 10, 3), "smallest"), ((10, 5, 3), "largest"), ((1, 10, 0), "count")]
)
def test_log_spaced_sizes_reject_impossible_ranges(args, match):
    with pytest.raises(ValueError, match=match):
        log_spaced_sizes(*args)


def test_derived_seeds_differ_by_label_and_repeat_for_the_same_label():
    assert derived_seed(0, 10) == derived_seed(0, 10)
    assert len({derived_seed(0, n) for n in range(100)}) == 100
    assert derived_seed(1, 10) != derived_seed(0, 10)
    with pytest.raises(ValueError, match="≥ 0"):
        derived_seed(-1, 3)


def test_a_sizes_row_does_not_depend_on_the_other_sizes_in_the_sweep():
    problem = core.Bandit(0.4)
    whole = core.variance_curve(problem, [10, 100, 1000], 300, seed=5)
    alone = core.variance_curve(problem, [100], 300, seed=5)
    pd.testing.assert_frame_equal(whole.iloc[[1]].reset_index(drop=True), alone)
    assert set(whole["estimator"]) == {"score"} and set(whole["baseline"]) == {"none"}


def test_returned_estimates_are_exactly_the_draws_behind_each_row():
    problem = core.Gaussian(0.3, 1.2, "cos")
    row = core.variance_curve(problem, [50], 400, estimator="pathwise", seed=2)
    _, draws = core.variance_curve(
        problem, [50], 400, estimator="pathwise", seed=2, return_estimates=True
    )
    for name, group in draws.groupby("param"):
        expected = row[row["param"] == name].iloc[0]
        assert group["estimate"].var(ddof=1) == pytest.approx(expected["variance"], rel=1e-12)
        assert group["estimate"].mean() == pytest.approx(expected["mean"], rel=1e-12)
        assert group["exact_standard_error"].iloc[0] == pytest.approx(
            math.sqrt(expected["exact_variance"]), rel=1e-12
        )


def test_sweep_mean_is_within_five_standard_errors_of_the_exact_gradient():
    problem = core.SoftmaxBandit((0.2, -0.5, 0.9), (1.0, 3.0, 2.0))
    table = core.variance_curve(problem, [20, 200], 2000, baseline="loo", seed=11)
    gap = (table["mean"] - table["exact_gradient"]).abs()
    assert (gap < 5 * table["mean_standard_error"]).all()


def test_fitted_slope_is_minus_one_within_five_standard_errors_without_a_baseline():
    table = core.variance_curve(core.Bandit(0.5), log_spaced_sizes(10, 10_000, 7), 2000, seed=4)
    fit = core.fit_variance_slope(table)
    assert fit.exact_slope == pytest.approx(-1.0, abs=1e-12)
    assert abs(fit.slope + 1.0) < 5 * fit.standard_error
    assert 0.001 < fit.standard_error < 0.05
    assert fit.points == 7


def test_fitted_slope_follows_the_exact_curve_when_the_baseline_makes_it_steeper():
    # On the binary bandit b = E[f] makes every term constant, so RLOO's variance falls as 1/N².
    table = core.variance_curve(
        core.Bandit(0.0), log_spaced_sizes(10, 3000, 6), 2000, baseline="loo", seed=9
    )
    fit = core.fit_variance_slope(table)
    assert fit.exact_slope < -1.9
    assert abs(fit.slope - fit.exact_slope) < 5 * fit.standard_error


def test_slope_of_an_exact_power_law_is_recovered_exactly():
    n = np.array([10, 100, 1000])
    curve = pd.DataFrame(
        {"n": n, "variance": 3.0 / n, "variance_standard_error": 0.1 / n, "exact_variance": 3.0 / n}
    )
    fit = core.fit_variance_slope(curve)
    assert fit.slope == pytest.approx(-1.0, abs=1e-12)
    assert fit.intercept == pytest.approx(math.log10(3.0), abs=1e-12)
    # w = (v/se · ln 10)² = (30 ln 10)² per point; Σ w (x − x̄)² = 2 w.
    assert fit.standard_error == pytest.approx(1 / math.sqrt(2 * (30 * math.log(10)) ** 2))


def test_slope_fit_refuses_zero_variance_and_mixed_parameters():
    table = core.variance_curve(core.Bandit(0.0), [10, 100], 50, baseline="optimal", seed=0)
    with pytest.raises(ValueError, match="no slope"):
        core.fit_variance_slope(table)
    mixed = core.variance_curve(core.Gaussian(), [10, 100], 50, seed=0)
    with pytest.raises(ValueError, match="one parameter"):
        core.fit_variance_slope(mixed)
    with pytest.raises(ValueError, match="two different"):
        core.fit_variance_slope(mixed[mixed["param"] == "mu"].iloc[:1])


def test_samples_needed_matches_the_closed_form_without_a_baseline():
    problem = core.Bandit(0.0)
    table = core.samples_needed(problem, 0.01)
    # σ² = E[(r s)²] − g² = ½·25 + ½·6.25 − 1.5625 = 14.0625; N = σ² / (0.01 · 1.25)² = 90000.
    assert table["n_needed"].iloc[0] == 90_000
    assert table["achieved_relative_error"].iloc[0] == pytest.approx(0.01, rel=1e-12)
    assert table["signal_to_noise"].iloc[0] == pytest.approx(100.0)


@pytest.mark.parametrize("baseline", ["mean", "loo"])
def test_samples_needed_is_the_smallest_n_reaching_the_target_for_n_dependent_baselines(baseline):
    problem = core.Bandit(0.7, (1.0, 6.0))
    target = 0.02
    needed = int(core.samples_needed(problem, target, baseline=baseline)["n_needed"].iloc[0])

    def error(n):
        mean, variance = core.estimate_moments(problem, n, "score", baseline)
        return math.sqrt(variance[0] + (mean[0] - problem.exact_gradient()[0]) ** 2) / abs(
            problem.exact_gradient()[0]
        )

    assert error(needed) <= target < error(needed - 1)


def test_samples_needed_is_one_for_zero_variance_and_nan_for_a_zero_gradient():
    assert core.samples_needed(core.Bandit(0.0), 0.01, baseline="optimal")["n_needed"][0] == 1
    flat = core.samples_needed(core.Bandit(0.0, (4.0, 4.0)), 0.01)
    assert math.isnan(flat["n_needed"][0])


@pytest.mark.parametrize("estimator", ["score", "measure_valued"])
def test_samples_needed_is_unreachable_not_an_overflow_when_the_gradient_underflows(estimator):
    # Issue 15: a step at k = 3 under N(0, 0.1²) has ∇μ J = φ(30)/0.1 ≈ 1.5e-195 (so
    # (ε ∇J)² underflows to 0): N = σ²/(ε ∇J)² is far past 10¹⁵ — inf, not OverflowError.
    problem = core.Gaussian(mu=0.0, sigma=0.1, cost="step", k=3.0)
    gradient_mu = math.exp(-450.0) / math.sqrt(2 * math.pi) / 0.1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = core.samples_needed(problem, 0.05, estimator=estimator)
    assert table["exact_gradient"].iloc[0] == pytest.approx(gradient_mu, rel=1e-9)
    assert table["n_needed"].map(math.isinf).all()
    assert table["achieved_relative_error"].isna().all()


def test_samples_needed_rejects_a_non_positive_target():
    with pytest.raises(ValueError, match="relative_error"):
        core.samples_needed(core.Bandit(), 0.0)


def test_shown_draws_are_the_sweep_rows_draws_even_when_split_into_tasks():
    """Above 2^22 samples per size the sweep splits repetitions into tasks; the individual
    estimates shown beside a row must still be exactly that row's estimates."""
    problem = core.Gaussian(0.3, 1.0, "cos")
    n, reps = 5_000, 1_000
    _, draws = core.variance_curve(problem, [n], reps, seed=3, return_estimates=True)
    row = core.variance_curve(problem, [n], reps, seed=3)
    for param in problem.params:
        estimates = draws.loc[draws["param"] == param, "estimate"]
        expected = row.loc[row["param"] == param].iloc[0]
        assert estimates.mean() == pytest.approx(expected["mean"], rel=1e-12)
        assert estimates.var(ddof=1) == pytest.approx(expected["variance"], rel=1e-12)
