"""Score traces and Fisher-information curves: the draws behind score_check, checked to truth."""

import numpy as np
import pytest

import core
from core.score_studies import fisher_curve, score_trace


@pytest.mark.parametrize(
    "problem",
    [core.Bandit(0.6), core.SoftmaxBandit((0.1, 0.5, -0.4)), core.Gaussian(0.2, 1.5, "cos")],
    ids=["bandit", "softmax", "gaussian"],
)
def test_score_trace_ends_at_score_checks_mean_score(problem):
    trace = score_trace(problem, 500, seed=4)
    check = core.score_check(problem, 500, seed=4)
    means = check[check["quantity"] == "mean score"].set_index("row")["estimate"]
    last = trace[trace["draw"] == 500].set_index("param")["running_mean"]
    np.testing.assert_allclose(last[list(problem.params)], means[list(problem.params)], rtol=1e-12)
    assert len(trace) == 500 * problem.dim


def test_score_trace_band_is_root_fisher_over_n_and_the_mean_sits_inside_it():
    problem = core.Gaussian(0.0, 2.0)
    trace = score_trace(problem, 40_000, seed=1)
    fisher = np.diag(problem.fisher_information())
    for j, name in enumerate(problem.params):
        rows = trace[trace["param"] == name]
        np.testing.assert_allclose(rows["exact_standard_error"], np.sqrt(fisher[j] / rows["draw"]))
        last = rows.iloc[-1]
        assert abs(last["running_mean"]) < 5 * last["exact_standard_error"]


def test_fisher_curve_points_are_within_five_standard_errors_of_the_exact_curve():
    problem = core.Gaussian(0.0, 1.0)
    curve = fisher_curve(problem, [0.5, 1.0, 2.0], 20_000, parameter=1, seed=3)
    np.testing.assert_allclose(curve["exact"], 2.0 / curve["value"] ** 2)
    assert ((curve["estimate"] - curve["exact"]).abs() < 5 * curve["standard_error"]).all()
    exact_sweep = core.objective_curve(problem, [0.5, 1.0, 2.0], parameter=1)
    np.testing.assert_allclose(curve["exact"], exact_sweep["fisher_information"])


def test_fisher_curve_points_are_independent_draws():
    # At θ = 0 every s² is ¼; at θ = 1 it depends on the draw.
    curve = fisher_curve(core.Bandit(), [1.0, 1.0], 1000, seed=0)
    assert curve["estimate"].iloc[0] != curve["estimate"].iloc[1]


def test_fisher_curve_rejects_a_parameter_index_out_of_range():
    with pytest.raises(ValueError, match="parameter"):
        fisher_curve(core.Bandit(), [0.0], 10, parameter=1)
