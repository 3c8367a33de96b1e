"""Chart builders of pages 4–6, checked through their Vega-Lite specs (`chart.to_dict()`)."""

import altair as alt
import numpy as np
import pandas as pd
import pytest

import core
from tests.ui.vega_spec import marked_views as views
from ui import charts


def rows(spec):
    """All data rows the chart ships (every dataset, concatenated)."""
    return pd.DataFrame([row for data in spec["datasets"].values() for row in data])


def layer_rows(spec, layer):
    frame = rows(spec)
    return frame[frame["layer"] == layer]


def titles(spec):
    """Every channel title; one drawn on several lines (ui.charts.base.axis_title) as one line."""
    return {
        " ".join(channel["title"]) if isinstance(channel["title"], list) else channel["title"]
        for view in views(spec)
        for channel in view.get("encoding", {}).values()
        if isinstance(channel, dict) and channel.get("title")
    }


def assert_every_mark_has_a_tooltip(spec):
    marks = views(spec)
    assert marks
    assert all("tooltip" in view.get("encoding", {}) for view in marks)


@pytest.fixture(scope="module")
def bandit_comparison():
    return core.baseline_comparison(core.Bandit(), 10, 200, constant=5.0, seed=0)


@pytest.fixture(scope="module")
def bandit_summary():
    bandit = core.Bandit()
    return pd.DataFrame(
        {
            "param": bandit.params,
            "exact_gradient": bandit.exact_gradient(),
            "optimal_baseline": bandit.optimal_baseline(),
            "expected_value": bandit.expected_value(),
        }
    )


def test_estimates_chart_shows_estimates_with_two_se_bars_and_black_exact_ticks(bandit_comparison):
    spec = charts.estimates_vs_exact_chart(
        bandit_comparison,
        "baseline",
        category_title="baseline",
        value_title="bias (reward per unit θ)",
        estimate="bias",
        standard_error="mean_standard_error",
        exact="exact_bias",
    ).to_dict()
    assert spec["facet"]["column"]["field"] == "param"
    assert [view["mark"]["type"] for view in views(spec)] == ["rule", "point", "tick"]
    assert views(spec)[2]["mark"]["color"] == "black"
    assert "color" not in views(spec)[2]["encoding"]
    assert "bias (reward per unit θ)" in titles(spec)
    assert_every_mark_has_a_tooltip(spec)
    data = rows(spec)
    assert list(data["baseline"]) == list(bandit_comparison["baseline"])
    np.testing.assert_allclose(data["low"], data["estimate"] - 2 * data["standard_error"])
    np.testing.assert_allclose(data["high"], data["estimate"] + 2 * data["standard_error"])
    x = views(spec)[0]["encoding"]["x"]
    assert x["sort"] == list(bandit_comparison["baseline"])
    assert x["axis"]["labelOverlap"] is False


def test_estimator_chart_has_a_row_per_quantity_and_leaves_out_unavailable_estimators():
    problem = core.Gaussian(cost="step")
    frames = [
        core.variance_curve(problem, [1], 500, estimator=name, seed=0).assign(estimator=name)
        for name in ("score", "measure_valued")
    ]
    table = pd.concat(
        [*frames, pd.DataFrame({"estimator": ["pathwise"] * 2, "param": list(problem.params)})],
        ignore_index=True,
    )
    spec = charts.estimator_comparison_chart(
        table, gradient_title="gradient (cost per unit θ)", variance_title="variance (cost²)"
    ).to_dict()
    assert spec["facet"]["row"]["field"] == "quantity"
    assert spec["facet"]["row"]["sort"] == ["gradient (cost per unit θ)", "variance (cost²)"]
    assert spec["resolve"]["scale"]["y"] == "independent"
    data = rows(spec)
    assert set(data["estimator"]) == {"score", "measure_valued"}
    assert len(data) == 2 * 2 * 2  # estimators × params × quantities
    gradient = data[data["quantity"] == "gradient (cost per unit θ)"]
    np.testing.assert_allclose(
        sorted(gradient["exact"]), sorted(np.tile(problem.exact_gradient(), 2))
    )
    assert_every_mark_has_a_tooltip(spec)


def test_parabola_puts_each_baseline_where_it_sits_and_scales_by_n(
    bandit_comparison, bandit_summary
):
    bandit = core.Bandit()
    curve = core.baseline_variance_curve(bandit, np.linspace(-2.0, 10.0, 49))
    spec = charts.baseline_parabola_chart(
        curve, bandit_comparison, bandit_summary, n=10, constant=5.0
    ).to_dict()
    points = layer_rows(spec, "point").set_index("baseline")
    assert points.loc["none", "b"] == 0.0
    assert points.loc["constant b = 5", "b"] == 5.0
    assert points.loc["optimal b*", "b"] == 7.5
    assert points.loc["batch mean", "b"] == points.loc["leave-one-out", "b"] == 7.5  # E[f]
    # The three baselines at b = 7.5 are drawn side by side around it; the others where they sit.
    shown = points.loc[["batch mean", "leave-one-out", "optimal b*"], "b_shown"]
    assert shown.nunique() == 3 and shown.mean() == pytest.approx(7.5)
    assert shown.max() - shown.min() >= 0.02 * 12  # visibly apart on the 12-wide b axis
    assert points.loc["none", "b_shown"] == 0.0 and points.loc["constant b = 5", "b_shown"] == 5.0
    # n·Var[ĝ_n] of a constant baseline is the per-sample variance on the parabola: 14.0625 at 0.
    assert points.loc["none", "exact"] == pytest.approx(14.0625)
    assert points.loc["optimal b*", "exact"] == 0.0
    assert list(layer_rows(spec, "optimal")["b"]) == [7.5]
    assert len(layer_rows(spec, "curve")) == 49
    assert "constant baseline b (reward units)" in titles(spec)
    assert "per-sample variance n·Var[ĝₙ] (gradient units²)" in titles(spec)
    assert [view["mark"]["type"] for view in views(spec)] == [
        "line",
        "rule",
        "rule",
        "point",
        "point",
    ]
    assert_every_mark_has_a_tooltip(spec)


def test_parabola_panels_fit_the_main_column_for_every_parameter_count(bandit_comparison):
    softmax = core.SoftmaxBandit()
    summary = pd.DataFrame(
        {
            "param": softmax.params,
            "optimal_baseline": softmax.optimal_baseline(),
            "expected_value": softmax.expected_value(),
        }
    )
    comparison = core.baseline_comparison(softmax, 10, 50, constant=1.0, seed=1)
    curve = core.baseline_variance_curve(softmax, np.linspace(0.0, 4.0, 9))
    spec = charts.baseline_parabola_chart(curve, comparison, summary, n=10, constant=1.0).to_dict()
    assert spec["spec"]["width"] * 3 <= 640
    assert set(layer_rows(spec, "optimal")["param"]) == set(softmax.params)


def test_ascent_chart_draws_the_objective_and_each_parameter_per_run():
    runs = pd.concat(
        [
            core.gradient_ascent(core.Bandit(), 20, 10, 0.5, baseline=baseline, seed=0).assign(
                run=label
            )
            for label, baseline in (("no baseline", None), ("leave-one-out", "loo"))
        ],
        ignore_index=True,
    )
    spec = charts.ascent_chart(runs, objective_title="exact J(θ) (reward units)").to_dict()
    top, bottom = spec["vconcat"]
    assert top["encoding"]["y"]["field"] == "expected_value"
    assert top["encoding"]["y"]["title"] == "exact J(θ) (reward units)"
    assert bottom["encoding"]["strokeDash"]["field"] == "param"
    assert top["encoding"]["color"]["field"] == bottom["encoding"]["color"]["field"] == "run"
    assert_every_mark_has_a_tooltip(spec)


def test_ascent_chart_thins_long_runs_to_the_row_cap():
    steps = 12_000
    runs = pd.DataFrame(
        {
            "step": np.arange(steps),
            "param": "theta",
            "value": np.linspace(0, 1, steps),
            "gradient_estimate": 0.0,
            "exact_gradient": 0.0,
            "expected_value": np.linspace(5, 10, steps),
            "run": "no baseline",
        }
    )
    with alt.data_transformers.disable_max_rows():  # Altair's own cap is 5k; Streamlit has none
        spec = charts.ascent_chart(runs, objective_title="J").to_dict()
    assert max(len(data) for data in spec["datasets"].values()) <= charts.MAX_CHART_ROWS


def test_cost_chart_draws_the_cost_over_the_density_on_two_axes():
    x = np.linspace(-4, 4, 81)
    problem = core.Gaussian(cost="step")
    grid = pd.DataFrame({"x": x, "cost": problem.f(x), "density": np.exp(problem.log_prob(x))})
    spec = charts.cost_density_chart(grid, cost_title="cost f(x)").to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent"
    assert [view["mark"]["type"] for view in views(spec)] == ["area", "line"]
    assert {"x (sample value)", "density p(x|θ) (per unit x)", "cost f(x)"} <= titles(spec)
    assert_every_mark_has_a_tooltip(spec)


def test_horizon_chart_is_log_scaled_drops_zero_variances_and_clips_error_bars():
    exact = core.horizon_study([1, 2, 3])
    monte_carlo = pd.concat(
        [
            core.variance_curve(core.Episodes(t, credit=credit), [1], 300, seed=0).assign(
                credit=credit, horizon=t
            )
            for t in (1, 2, 3)
            for credit in core.CREDITS
        ],
        ignore_index=True,
    )
    spec = charts.horizon_variance_chart(exact, monte_carlo).to_dict()
    line = views(spec)[0]
    assert line["encoding"]["y"]["scale"]["type"] == "log"
    assert "horizon T (steps per episode)" in titles(spec)
    lines, points = layer_rows(spec, "exact"), layer_rows(spec, "monte_carlo")
    assert (lines["exact_variance"] > 0).all()
    assert (points["variance"] > 0).all()
    # θ_2 cannot be reached in one step: its zero variance is left off the log axis.
    assert not ((lines["horizon"] == 1) & (lines["param"] == "theta_2")).any()
    assert (points["low"] > 0).all()
    assert set(points["credit_title"]) == set(charts.CREDIT_TITLES.values())
    assert_every_mark_has_a_tooltip(spec)
