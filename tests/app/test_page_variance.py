"""AppTest of the Variance vs sample count page: sweep, slope, spread, N needed, links."""

import json

import pytest

import core
from tests.app import page_runner
from tests.app.page_runner import assert_healthy, run_page, shown_text
from ui.charts import ESTIMATOR_TITLES
from ui.checks import CHECK_COLUMN, CHECK_HELP

PAGE = "pages/3_Variance_vs_samples.py"
DEFAULT_NS = core.variance_studies.log_spaced_sizes(10, 1000, 7)


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_defaults_measure_the_bandit_variance_at_each_n_and_fit_slope_minus_one(default_page):
    assert_healthy(default_page)
    slopes = page_runner.shown_tables(default_page)[0].value
    assert list(slopes["exact slope (same fit through exact variances)"]) == [pytest.approx(-1.0)]
    assert "✓" in slopes[CHECK_COLUMN].iloc[0]
    badges = "\n".join(element.value for element in default_page.success)
    assert "fitted slope vs exact" in badges
    assert (
        "measured Var[ĝ_N] vs exact at all 7 points — 7 of 7 agree with their exact values"
        in badges
    )
    points = page_runner.shown_tables(default_page)[1].value
    assert tuple(points["N"]) == DEFAULT_NS
    expected = core.variance_curve(core.Bandit(), DEFAULT_NS, 1000, seed=0)
    shown = [
        f"{v:.5g} ± {se:.2g}"
        for v, se in zip(expected["variance"], expected["variance_standard_error"], strict=True)
    ]
    assert points["Var[ĝ_N] (MC ± SE)"].tolist() == shown


def test_every_point_is_shown_in_honest_digits_with_the_check_explained(default_page):
    """Page 3's "Every point" expander: formatted text (no raw float columns, no reps or law
    columns), and the check columns carry CHECK_HELP as their tooltip."""
    points = page_runner.shown_tables(default_page)[1]
    assert list(points.value.columns) == [
        "N", "estimator", "baseline", "parameter", "Var[ĝ_N] (MC ± SE)", "Var[ĝ_N] (exact)",
        "variance check", "E[ĝ_N] (MC ± SE)", "E[ĝ_N] (exact)", "mean check",
    ]  # fmt: skip
    assert points.value["Var[ĝ_N] (exact)"].iloc[0] == "1.4062"  # 14.0625 / 10
    assert points.value["baseline"].iloc[0] == "no baseline"
    config = json.loads(points.proto.columns)
    for column in ("variance check", "mean check"):
        assert config[column]["help"] == CHECK_HELP


def test_defaults_show_the_exact_n_for_ten_percent_relative_error(default_page):
    needed = page_runner.shown_tables(default_page)[2].value
    # σ² = 14.0625 and ∇J = 1.25 at θ = 0: N = 14.0625 / (0.1 · 1.25)² = 900.
    assert needed.iloc[0, 3] == "900"
    assert "= 900" in "\n".join(element.value for element in default_page.latex)


def test_defaults_draw_the_log_log_chart_and_the_spread_and_offer_the_csv(default_page):
    assert len(default_page.get("vega_lite_chart")) == 2
    code = "\n".join(element.value for element in page_runner.open_code_blocks(default_page).code)
    assert (
        "core.variance_curve(\n    problem,\n    ns=(10, 22, 46, 100, 215, 464, 1000),\n"
        "    reps=1000,\n    estimator='score',\n    baseline=None,\n    seed=0,\n)"
    ) in code
    assert len(default_page.get("download_button")) == 4  # 2 CSVs, each with its dictionary


@pytest.mark.parametrize(
    ("setup", "kind", "key", "value"),
    [
        ({}, "selectbox", "problem", "Gaussian"),
        ({}, "selectbox", "problem", "Softmax"),
        ({}, "selectbox", "problem", "Linear-Gaussian"),
        ({}, "selectbox", "baseline", "batch mean"),
        ({}, "selectbox", "baseline", "leave-one-out"),
        ({}, "selectbox", "baseline", "optimal b*"),
        ({}, "selectbox", "baseline", "constant b"),
        ({"baseline": "constant b"}, "number_input", "b", -100.0),
        ({}, "select_slider", "nmin", 1),
        ({}, "select_slider", "nmax", 5_000),
        ({}, "slider", "points", 2),
        ({}, "select_slider", "reps", 100),
        ({}, "number_input", "seed", 5),
        ({}, "select_slider", "target", 0.001),
        ({}, "slider", "theta", -6.0),
        ({"problem": "Gaussian"}, "selectbox", "est", "all three"),
        ({"problem": "Gaussian"}, "selectbox", "param", "sigma"),
        ({"problem": "Gaussian"}, "selectbox", "cost", "step"),
        ({"problem": "Linear-Gaussian"}, "selectbox", "est", "score vs pathwise"),
    ],
)
def test_page_runs_after_changing_each_control(setup, kind, key, value):
    app = run_page(PAGE, setup)
    getattr(app, kind)(key=key).set_value(value).run()
    assert not app.exception, [e.value for e in app.exception]
    assert getattr(app, kind)(key=key).value == value
    assert "Var[ĝ_N]" in shown_text(app)


def test_optimal_baseline_on_the_bandit_explains_the_zero_variance_instead_of_a_slope():
    app = run_page(PAGE, {"baseline": "optimal b*"})
    assert not app.exception and not app.error
    assert "zero at every N" in "\n".join(element.value for element in app.info)


def test_unavailable_estimator_and_impossible_baseline_are_explained_not_raised():
    step = run_page(PAGE, {"problem": "Gaussian", "cost": "step", "est": "score vs pathwise"})
    assert not step.exception
    assert "not differentiable" in "\n".join(element.value for element in step.error)
    assert "fitted slopes vs exact" in shown_text(step)
    loo = run_page(PAGE, {"nmin": 1, "baseline": "leave-one-out"})
    assert not loo.exception
    assert "n ≥ 2" in "\n".join(element.value for element in loo.error)


def test_work_over_the_cap_shows_where_the_results_would_be_with_one_click_fixes():
    app = run_page(PAGE, {"problem": "Gaussian", "nmax": 5_000, "reps": 5_000})
    assert not app.exception
    message = "\n".join(element.value for element in app.main.warning)
    assert "would draw 64.9 million random samples, more than the 20 million" in message
    assert "factor" not in message and not app.sidebar.warning and not page_runner.shown_tables(app)
    buttons = [button.label for button in app.main.button]
    assert buttons == ["Use 1,000 repetitions per N", "Use largest N = 1,000"]
    app.main.button[0].click().run()
    assert not app.exception and not app.warning
    assert app.select_slider(key="reps").value == 1_000
    assert app.select_slider(key="nmax").value == 5_000
    assert page_runner.shown_tables(app)  # the results are back
    assert "This link carried" not in shown_text(app)  # the fix replaced reps=5000 on purpose


def test_a_link_restores_every_control_and_the_numbers():
    query = {"problem": "Gaussian", "mu": 0.5, "cost": "cos", "est": "score vs pathwise"}
    query |= {"nmin": 5, "nmax": 300, "points": 4, "reps": 200, "seed": 3, "target": 0.05}
    query |= {"param": "sigma"}
    app = run_page(PAGE, query)
    assert_healthy(app)
    assert app.selectbox(key="problem").value == "Gaussian"
    assert app.selectbox(key="est").value == "score vs pathwise"
    assert (app.select_slider(key="nmin").value, app.select_slider(key="nmax").value) == (5, 300)
    assert (app.slider(key="points").value, app.select_slider(key="reps").value) == (4, 200)
    assert app.select_slider(key="target").value == 0.05
    assert app.selectbox(key="param").value == "sigma"
    problem = core.Gaussian(0.5, 1.0, "cos")
    ns = core.variance_studies.log_spaced_sizes(5, 300, 4)
    expected = core.variance_curve(problem, ns, 200, estimator="pathwise", seed=3)
    shown = page_runner.shown_tables(app)[1].value
    shown = shown[shown["estimator"] == ESTIMATOR_TITLES["pathwise"]]
    assert shown["Var[ĝ_N] (MC ± SE)"].tolist() == [
        f"{v:.5g} ± {se:.2g}"
        for v, se in zip(expected["variance"], expected["variance_standard_error"], strict=True)
    ]


def test_garbage_link_values_fall_back_to_defaults_with_a_notice():
    app = run_page(PAGE, {"nmax": "7", "reps": "all", "baseline": "magic", "est": "bogus"})
    assert not app.exception
    assert app.select_slider(key="nmax").value == 1000
    assert app.select_slider(key="reps").value == 1000
    assert app.selectbox(key="baseline").value == "none"
    assert app.selectbox(key="est").value == "score"
    notice = "\n".join(element.value for element in app.info)
    assert "nmax=7" in notice and "baseline=magic" in notice and "est=bogus" in notice


def test_the_notice_names_bad_link_values_even_when_the_page_stops_early():
    app = run_page(PAGE, {"problem": "Gaussian", "param": "nope", "nmax": 1_000_000})
    assert not app.exception
    assert "param=nope" in "\n".join(element.value for element in app.info)


def test_the_spread_parameter_reruns_only_the_spread_section():
    app = run_page(PAGE, {"problem": "Gaussian", "nmax": 100, "reps": 100})
    page_runner.rerun_section(app, "selectbox", "param", "sigma")
    assert_healthy(app)
    assert not app.header and not app.dataframe  # sections 1, 2 and 4 were not sent again
    assert "ĝ_N of ∂J/∂sigma" in shown_text(app)
    assert app.selectbox(key="param").value == "sigma"


def test_the_target_error_reruns_only_the_samples_needed_section():
    app = run_page(PAGE, {"nmax": 100, "reps": 100})
    page_runner.rerun_section(app, "select_slider", "target", 0.05)
    assert_healthy(app)
    assert [header.value for header in app.header] == [
        "4 · How many samples for a 5.0% relative error?"
    ]
    assert app.select_slider(key="target").value == 0.05
