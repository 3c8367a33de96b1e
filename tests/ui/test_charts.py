"""Chart builders of pages 1–3, checked through their Vega-Lite specs (`chart.to_dict()`)."""

import numpy as np
import pandas as pd
import pytest

import core
from tests.ui.vega_spec import axis_titles, dataset_sizes, log_channels, marked_views
from ui import charts
from ui.charts.base import _log_band


def assert_every_mark_has_a_tooltip(spec):
    views = marked_views(spec)
    assert views
    for view in views:
        mark = view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]
        if mark == "rule" and "tooltip" not in view.get("encoding", {}):
            continue  # reference lines (zero, current θ) carry no data to explain
        if mark == "area":
            continue  # bands share their tooltip with the line drawn over them
        assert "tooltip" in view.get("encoding", {}), view


@pytest.fixture(scope="module")
def bandit():
    return core.Bandit(0.0, (5.0, 10.0))


def test_downsample_keeps_first_and_last_and_caps_the_rows():
    frame = pd.DataFrame({"x": np.arange(25_000)})
    thin = charts.downsample(frame, 1_000)
    assert len(thin) == 1_000
    assert thin["x"].iloc[0] == 0 and thin["x"].iloc[-1] == 24_999
    assert charts.downsample(frame.iloc[:10], 1_000) is not None
    assert len(charts.downsample(frame.iloc[:10], 1_000)) == 10


def test_log_thin_keeps_every_early_draw_and_the_last():
    frame = pd.DataFrame({"draw": np.arange(1, 100_001)})
    thin = charts.log_thin(frame, "draw", 2_000)
    assert len(thin) <= 2_000
    assert thin["draw"].iloc[:10].tolist() == list(range(1, 11))
    assert thin["draw"].iloc[-1] == 100_000


def test_log_thin_groups_thins_each_group_separately():
    frame = pd.DataFrame(
        {"param": ["a"] * 5_000 + ["b"] * 5_000, "draw": np.tile(np.arange(1, 5_001), 2)}
    )
    thin = charts.log_thin_groups(frame, "param", "draw", 500)
    assert thin.groupby("param").size().max() <= 500
    assert set(thin["param"]) == {"a", "b"}


def test_log_band_is_symmetric_on_a_log_axis_and_stays_positive():
    frame = pd.DataFrame({"v": [1.0, 0.01], "se": [2.0, 0.001]})
    band = _log_band(frame, "v", "se")
    assert (band["low"] > 0).all()
    np.testing.assert_allclose(band["v"] / band["low"], band["high"] / band["v"])


def test_running_mean_chart_has_a_log_draw_axis_an_exact_line_and_tooltips(bandit):
    table = core.derivation.running_estimate(bandit, 50_000, seed=0)
    spec = charts.running_mean_chart(table, value_title="running mean").to_dict()
    assert ("x", "draw") in log_channels(spec)
    assert "number of draws N (log scale)" in axis_titles(spec)
    assert max(dataset_sizes(spec).values()) <= 2_000
    fields = {view["encoding"]["y"]["field"] for view in marked_views(spec)}
    assert {"running_mean", "exact_gradient", "low"} <= fields
    assert_every_mark_has_a_tooltip(spec)


def test_objective_and_gradient_panels_mark_theta_and_show_each_check_with_error_bars(bandit):
    curve = core.objective_curve(bandit, np.linspace(-6, 6, 241))
    checks = pd.DataFrame(
        {
            "method": ["exact", "Monte Carlo ± 2 SE", "finite difference"],
            "gradient": [1.25, 1.3, 1.25],
            "standard_error": [0.0, 0.1, 0.0],
        }
    )
    objective = charts.objective_panel(curve, theta=0.5).to_dict()
    gradient = charts.gradient_panel(curve, checks, theta=0.5).to_dict()
    for spec in (objective, gradient):
        titles = axis_titles(spec)
        assert "θ (logit of p(a = 1), unitless)" in titles
        assert any("reward units" in title for title in titles)
        rows = [row for data in spec["datasets"].values() for row in data]
        assert any(row.get("value") == 0.5 and set(row) == {"value"} for row in rows)
        assert_every_mark_has_a_tooltip(spec)
    rows = [row for data in gradient["datasets"].values() for row in data]
    bars = [row for row in rows if row.get("method") == "Monte Carlo ± 2 SE"]
    assert bars[0]["low"] == pytest.approx(1.1) and bars[0]["high"] == pytest.approx(1.5)
    legends = [
        channel["legend"]
        for view in marked_views(gradient)
        for channel in view.get("encoding", {}).values()
        if isinstance(channel, dict) and channel.get("legend")
    ]
    assert legends and all(legend["orient"] == "bottom" for legend in legends)


def test_score_charts_facet_by_parameter_and_cap_the_rows():
    problem = core.Gaussian(0.0, 1.0)
    trace = core.score_studies.score_trace(problem, 30_000, seed=0)
    histogram = charts.score_histogram_chart(trace).to_dict()
    assert histogram["facet"]["field"] == "param"
    assert max(dataset_sizes(histogram).values()) <= charts.MAX_CHART_ROWS
    assert any(view["encoding"].get("x", {}).get("bin") for view in marked_views(histogram))
    assert_every_mark_has_a_tooltip(histogram)
    running = charts.score_running_mean_chart(trace).to_dict()
    assert ("x", "draw") in log_channels(running)
    assert max(dataset_sizes(running).values()) <= 2 * 1_000
    assert_every_mark_has_a_tooltip(running)


def test_fisher_curve_chart_lays_points_with_error_bars_over_the_exact_line():
    problem = core.Gaussian(0.0, 1.0)
    exact = core.objective_curve(problem, np.linspace(0.5, 2, 31), parameter=1)
    points = core.score_studies.fisher_curve(problem, [0.5, 1.0, 2.0], 500, parameter=1, seed=0)
    spec = charts.fisher_curve_chart(exact, points, parameter_title="σ").to_dict()
    assert "Fisher information (per unit of the parameter²)" in axis_titles(spec)
    marks = {view["mark"]["type"] for view in marked_views(spec)}
    assert {"line", "rule", "point"} <= marks
    assert_every_mark_has_a_tooltip(spec)


def test_variance_chart_is_log_log_with_exact_line_fit_and_bands():
    problem = core.Bandit(0.3)
    curve = core.variance_curve(
        problem, core.variance_studies.log_spaced_sizes(10, 1000, 4), 200, seed=0
    )
    fit = core.fit_variance_slope(curve)
    fits = pd.DataFrame(
        [{"estimator": "score", "param": "theta", "slope": fit.slope, "intercept": fit.intercept}]
    )
    spec = charts.variance_vs_n_chart(curve, fits).to_dict()
    logs = log_channels(spec)
    assert ("x", "n") in logs and ("y", "exact_variance") in logs and ("y", "variance") in logs
    assert ("y", "fitted_variance") in logs
    assert "Var[ĝ_N] (gradient units², log scale)" in axis_titles(spec)
    rows = [row for data in spec["datasets"].values() for row in data]
    fitted = [row for row in rows if row["layer"] == "fit"]
    assert len(fitted) == 4
    expected = 10 ** (fit.intercept + fit.slope * np.log10(fitted[0]["n"]))
    assert fitted[0]["fitted_variance"] == pytest.approx(expected)
    assert all(row["low"] > 0 for row in rows if row["layer"] == "points")
    assert_every_mark_has_a_tooltip(spec)


def test_variance_chart_leaves_out_zero_variances_that_a_log_axis_cannot_show():
    curve = core.variance_curve(core.Bandit(0.0), [10, 100], 50, baseline="optimal", seed=0)
    fits = pd.DataFrame(columns=["estimator", "param", "slope", "intercept"])
    spec = charts.variance_vs_n_chart(curve, fits).to_dict()
    rows = [row for data in spec.get("datasets", {}).values() for row in data]
    assert rows == []


def test_specs_build_under_altairs_default_row_guard_as_the_app_builds_them():
    # ui.cache.chart_spec builds with Altair's default transformer (5,000 rows per dataset).
    trace = core.score_studies.score_trace(
        core.SoftmaxBandit((0.1, 0.2, 0.3, 0.4, 0.5), (1, 2, 3, 4, 5)), 50_000, seed=0
    )
    for chart in (charts.score_histogram_chart(trace), charts.score_running_mean_chart(trace)):
        assert max(dataset_sizes(chart.to_dict()).values()) <= charts.SPEC_MAX_ROWS


def test_spread_chart_strips_every_n_on_one_axis_with_exact_band():
    problem = core.Bandit(0.3)
    estimates = pd.concat(
        [
            core.variance_curve(problem, [n], 5_000, seed=0, return_estimates=True)[1]
            for n in (10, 100, 1000)
        ],
        ignore_index=True,
    )
    spec = charts.spread_chart(estimates, value_title="estimate").to_dict()
    assert spec["facet"]["column"]["field"] == "estimator"
    assert sum(dataset_sizes(spec).values()) <= charts.MAX_CHART_ROWS
    views = marked_views(spec)
    assert all(view["encoding"]["x"]["field"] == "n" for view in views)
    rule = next(view for view in views if view["mark"]["type"] == "rule")
    assert (rule["encoding"]["y"]["field"], rule["encoding"]["y2"]["field"]) == ("low", "high")
    rows = [row for data in spec["datasets"].values() for row in data]
    at_ten = next(row for row in rows if row["n"] == 10)
    assert at_ten["high"] - at_ten["low"] == pytest.approx(4 * at_ten["exact_standard_error"])
    assert_every_mark_has_a_tooltip(spec)


def test_the_variance_chart_draws_a_study_table_read_back_from_its_file(tmp_path):
    """A study run elsewhere (python -m core study, on a cluster) is drawn by the app's chart."""
    from core import study_grid
    from core.comparisons import variance_slope_fits

    cells = study_grid.grid_cells(
        {"ns": [10, 100, 1000], "reps": 50, "baselines": ["none", "loo"],
         "problems": [{"name": "bandit"}]}
    )  # fmt: skip
    study_grid.run_study(cells, tmp_path / "grid")
    path = tmp_path / "grid.parquet"
    table = study_grid.table_from_bytes(path.read_bytes(), path.name)
    curves = study_grid.setting_curves(table, repr(core.Bandit()), 50)
    spec = charts.variance_vs_n_chart(curves, variance_slope_fits(curves)).to_dict()
    assert {("x", "n"), ("y", "variance"), ("y", "exact_variance")} <= log_channels(spec)
    assert "samples per estimate N (log scale)" in axis_titles(spec)
    assert sum(dataset_sizes(spec).values()) >= len(curves)  # every point, and the fits
