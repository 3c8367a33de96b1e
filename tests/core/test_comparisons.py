"""core.comparisons and core.summaries: each table checked against an independent route."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import core
from core import comparisons, summaries

Z = 4.0  # checks at 4 standard errors, fixed seeds


def sigmoid(theta: float) -> float:
    return 1.0 / (1.0 + math.exp(-theta))


def test_monte_carlo_reduction_is_the_ratio_of_the_monte_carlo_variances() -> None:
    problem = core.Gaussian(0.3, 1.2, "square", 0.5)
    study = comparisons.baseline_study(problem, 8, 300, constant=2.0, seed=4)
    plain = core.baseline_comparison(problem, 8, 300, constant=2.0, seed=4)
    pd.testing.assert_frame_equal(study.drop(columns="monte_carlo_reduction"), plain)
    for _, row in study.iterrows():
        none = plain[(plain["baseline"] == "none") & (plain["param"] == row["param"])]
        assert row["monte_carlo_reduction"] == none["variance"].iloc[0] / row["variance"]


def test_the_binary_bandit_s_optimal_baseline_reduces_the_variance_to_rounding() -> None:
    study = comparisons.baseline_study(core.Bandit(0.4, (5.0, 10.0)), 10, 200, seed=1)
    optimal = study[study["baseline"] == "optimal b*"]
    assert optimal["variance"].abs().max() < 1e-24
    assert (optimal["monte_carlo_reduction"].fillna(np.inf) > 1e20).all()


def test_every_optimal_baseline_term_of_the_binary_bandit_is_the_exact_gradient() -> None:
    theta, r0, r1 = 0.4, 5.0, 10.0
    terms = comparisons.optimal_baseline_terms(core.Bandit(theta, (r0, r1)))
    s = sigmoid(theta)
    gradient = (r1 - r0) * s * (1 - s)
    optimal = r1 * (1 - s) + r0 * s  # b* = E[f s²]/E[s²] for the two arms
    np.testing.assert_allclose(terms["probability"], [1 - s, s], rtol=1e-15)
    np.testing.assert_allclose(terms["optimal_baseline"], optimal, rtol=1e-14)
    np.testing.assert_allclose(terms["term"], gradient, rtol=1e-13)
    np.testing.assert_allclose(terms["exact_gradient"], gradient, rtol=1e-14)
    by_hand = (terms["reward"] - optimal) * np.array([-s, 1 - s])
    np.testing.assert_allclose(terms["term"], by_hand, rtol=1e-13)


def test_estimator_comparison_sits_beside_the_exact_values_and_says_why_one_is_missing() -> None:
    problem = core.Gaussian(0.2, 1.2, "step", 0.6)
    table = comparisons.estimator_comparison(problem, 4000, seed=5)
    assert list(table.columns) == comparisons.PER_SAMPLE_COLUMNS
    pathwise = table[table["estimator"] == "pathwise"]
    assert not pathwise["available"].any()
    assert pathwise["reason"].str.contains("not differentiable").all()
    shown = table[table["available"]]
    assert set(shown["estimator"]) == {"score", "measure_valued"}
    for estimator, part in shown.groupby("estimator"):
        np.testing.assert_array_equal(part["exact_gradient"], problem.exact_gradient())
        np.testing.assert_array_equal(
            part["exact_variance"], core.per_sample_variance(problem, estimator)
        )
        assert (abs(part["mean"] - part["exact_gradient"]) <= Z * part["mean_standard_error"]).all()


def test_credit_reduction_is_the_whole_return_variance_over_each_credit_s() -> None:
    theta, rewards, n = (0.3, -0.2, 0.5), (0.0, 0.5, 1.0), 6
    table = comparisons.credit_comparison(4, theta, rewards, n, 200, seed=2)
    exact = {
        credit: core.per_sample_variance(core.Episodes(4, theta, rewards, credit)) / n
        for credit in core.CREDITS
    }
    for credit in core.CREDITS:
        part = table[table["credit"] == credit]
        np.testing.assert_allclose(part["exact_variance"], exact[credit], rtol=1e-12)
        np.testing.assert_allclose(
            part["variance_reduction"], exact["return"] / exact[credit], rtol=1e-12
        )


def test_credit_reduction_is_infinite_or_missing_where_a_variance_is_zero() -> None:
    # With T = 1 the policy at positions 1 and 2 is never used: zero gradient, zero variance.
    table = comparisons.credit_comparison(1, (0.0, 0.0, 0.0), (0.0, 0.5, 1.0), 5, 50, seed=0)
    unused = table[table["param"] != table["param"].iloc[0]]
    assert (unused["exact_variance"] == 0).all()
    assert unused["variance_reduction"].isna().all()


def test_horizon_points_are_the_same_one_horizon_at_a_time_and_check_against_exact() -> None:
    theta, rewards = (0.5, -0.3, 0.2), (0.0, 1.0, 0.5)
    whole = comparisons.horizon_monte_carlo((2, 5), theta, rewards, 3000, seed=9)
    parts = pd.concat(
        [comparisons.horizon_monte_carlo((h,), theta, rewards, 3000, seed=9) for h in (2, 5)],
        ignore_index=True,
    )
    pd.testing.assert_frame_equal(whole, parts)
    exact = core.horizon_study((2, 5), theta=theta, state_rewards=rewards)
    merged = whole.merge(exact, on=["horizon", "credit", "param"], suffixes=("", "_study"))
    np.testing.assert_array_equal(merged["exact_variance"], merged["exact_variance_study"])
    positive = merged[merged["exact_variance"] > 0]
    distance = abs(positive["variance"] - positive["exact_variance"])
    assert (distance <= Z * positive["variance_standard_error"]).all()


def test_slope_fits_recover_minus_one_and_explain_a_zero_variance() -> None:
    ns = np.array([10, 100, 1000])
    exact = 3.0 / ns
    curve = pd.DataFrame(
        {
            "estimator": "score",
            "param": np.repeat(["a", "b"], 3),
            "n": np.tile(ns, 2),
            "variance": np.concatenate([exact, np.zeros(3)]),
            "variance_standard_error": np.concatenate([0.1 * exact, np.zeros(3)]),
            "exact_variance": np.concatenate([exact, np.zeros(3)]),
        }
    )
    fits = comparisons.variance_slope_fits(curve).set_index("param")
    assert fits.loc["a", "slope"] == pytest.approx(-1.0, abs=1e-12)
    assert fits.loc["a", "exact_slope"] == pytest.approx(-1.0, abs=1e-12)
    assert fits.loc["a", "intercept"] == pytest.approx(math.log10(3.0), abs=1e-12)
    assert fits.loc["a", "note"] == ""
    assert math.isnan(fits.loc["b", "slope"]) and "zero" in fits.loc["b", "note"]


def test_exact_summary_and_baseline_range_of_the_bandit() -> None:
    theta, r0, r1 = -0.7, 2.0, 6.0
    problem = core.Bandit(theta, (r0, r1))
    summary = summaries.exact_summary(problem).iloc[0]
    s = sigmoid(theta)
    assert summary["exact_gradient"] == pytest.approx((r1 - r0) * s * (1 - s), rel=1e-14)
    assert summary["expected_value"] == pytest.approx(r0 + (r1 - r0) * s, rel=1e-14)
    assert summary["fisher_information"] == pytest.approx(s * (1 - s), rel=1e-14)
    low, high = summaries.baseline_range(problem, constant=-3.0)
    marks = [0.0, -3.0, summary["expected_value"], summary["optimal_baseline"]]
    margin = max(0.25 * (max(marks) - min(marks)), 1.0)
    assert (low, high) == (round(min(marks) - margin, 6), round(max(marks) + margin, 6))


def test_cost_and_density_draw_the_normal_density_and_the_cost() -> None:
    problem = core.Gaussian(0.5, 2.0, "square", 1.0)
    grid = summaries.cost_and_density(problem)
    x = grid["x"].to_numpy()
    assert (x[0], x[-1]) == (0.5 - 8.0, 0.5 + 8.0)
    normal = np.exp(-0.5 * ((x - 0.5) / 2.0) ** 2) / (2.0 * math.sqrt(2 * math.pi))
    np.testing.assert_allclose(grid["density"], normal, rtol=1e-12)
    np.testing.assert_allclose(grid["cost"], (x - 1.0) ** 2, rtol=1e-12)
    assert summaries.cost_formula(problem) == f"{problem.cost.formula}, k = 1"
    linear = core.Gaussian(cost="linear")
    assert summaries.cost_formula(linear) == linear.cost.formula
