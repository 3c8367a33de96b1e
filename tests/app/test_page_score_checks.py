"""AppTest of the Score checks page: every distribution, every control, links that restore it."""

import pytest

import core
from tests.app import page_runner
from tests.app.page_runner import assert_healthy, run_page, shown_text
from ui.format import interval_text

PAGE = "pages/2_Score_checks.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_defaults_check_mean_zero_and_fisher_for_the_bandit(default_page):
    assert_healthy(default_page)
    tables = [element.value for element in page_runner.shown_tables(default_page)]
    means, fisher = tables[0], tables[1]
    assert list(means["exact E[s]"]) == [0.0]
    # I(0) = σ(0)(1 − σ(0)) = 0.25 for the Bernoulli-logit default.
    assert list(fisher["exact I(θ)"]) == [0.25]
    badges = "\n".join(element.value for element in default_page.success)
    assert "E[s] = 0" in badges and "Cov[s] = I(θ)" in badges
    assert "agrees with the exact value" in badges and "false-alarm" not in badges


def test_defaults_draw_the_histogram_running_mean_and_fisher_curve(default_page):
    assert len(default_page.get("vega_lite_chart")) == 3
    code = "\n".join(element.value for element in page_runner.open_code_blocks(default_page).code)
    assert "core.score_check(problem, 5000, seed=0)" in code
    assert "= score_trace(problem, 5000, seed=0)" in code
    assert (
        "= fisher_curve(\n    problem, np.linspace(-6.0, 6.0, 9).round(10), 5000, parameter=0, seed=0\n)"
        in code
    )


@pytest.mark.parametrize(
    ("query", "exact_fisher"),
    [
        ({"problem": "Gaussian", "sigma": 2.0}, {("mu", "mu"): 0.25, ("sigma", "sigma"): 0.5}),
        ({"problem": "Linear-Gaussian", "noise": 0.5, "dim": 3}, {("w_0", "w_0"): 4.0}),
        ({"problem": "Softmax", "arms": 2, "l0": 0.0, "l1": 0.0}, {("logit_0", "logit_1"): -0.25}),
    ],
)
def test_vector_parameters_show_exact_and_estimated_fisher_side_by_side(query, exact_fisher):
    app = run_page(PAGE, query)
    assert_healthy(app)
    exact = page_runner.shown_tables(app)[1].value
    for (row, col), value in exact_fisher.items():
        assert exact.loc[row, col] == pytest.approx(value, rel=1e-12)
    estimated = page_runner.shown_tables(app)[2].value
    assert list(estimated.index) == list(exact.index)
    checks = page_runner.shown_tables(app)[3].value
    assert checks.map(lambda text: text.startswith("[") and "✓" in text).all().all()


@pytest.mark.parametrize(
    ("setup", "kind", "key", "value"),
    [
        ({}, "selectbox", "problem", "Softmax"),
        ({}, "selectbox", "problem", "Gaussian"),
        ({}, "selectbox", "problem", "Linear-Gaussian"),
        ({}, "slider", "theta", 5.5),
        ({}, "number_input", "n", 100),
        ({}, "number_input", "n", 200_000),
        ({}, "number_input", "seed", 99),
        ({"problem": "Softmax"}, "slider", "arms", 5),
        ({"problem": "Softmax"}, "slider", "l1", -5.0),
        ({"problem": "Softmax"}, "selectbox", "sweep", "logit_2"),
        ({"problem": "Gaussian"}, "slider", "sigma", 0.1),
        ({"problem": "Gaussian"}, "selectbox", "sweep", "sigma"),
        ({"problem": "Gaussian"}, "selectbox", "cost", "step"),
        ({"problem": "Linear-Gaussian"}, "slider", "dim", 1),
        ({"problem": "Linear-Gaussian"}, "slider", "noise", 3.0),
    ],
)
def test_page_runs_after_changing_each_control(setup, kind, key, value):
    app = run_page(PAGE, setup)
    getattr(app, kind)(key=key).set_value(value).run()
    assert not app.exception, [e.value for e in app.exception]
    assert getattr(app, kind)(key=key).value == value
    assert "E[s] = 0" in shown_text(app)


def test_a_link_restores_every_control_and_the_numbers():
    query = {"problem": "Gaussian", "mu": 0.5, "sigma": 1.5, "cost": "cos", "n": 2000}
    query |= {"seed": 7, "sweep": "sigma"}
    app = run_page(PAGE, query)
    assert_healthy(app)
    assert app.selectbox(key="problem").value == "Gaussian"
    assert (app.slider(key="mu").value, app.slider(key="sigma").value) == (0.5, 1.5)
    assert app.selectbox(key="cost").value == "cos"
    assert (app.number_input(key="n").value, app.number_input(key="seed").value) == (2000, 7)
    assert app.selectbox(key="sweep").value == "sigma"
    check = core.score_check(core.Gaussian(0.5, 1.5, "cos"), 2000, seed=7)
    mu_mean = check[(check["quantity"] == "mean score") & (check["row"] == "mu")]
    expected = interval_text(mu_mean["estimate"].iloc[0], mu_mean["standard_error"].iloc[0])
    assert page_runner.shown_tables(app)[0].value.iloc[0, 1] == expected


def test_the_bandit_score_check_has_no_reward_controls_because_the_score_ignores_rewards():
    app = run_page(PAGE)
    assert [widget.key for widget in app.number_input] == ["n", "seed"]


def test_garbage_link_values_fall_back_to_defaults_with_a_notice():
    app = run_page(PAGE, {"problem": "Cauchy", "n": "lots", "sweep": "nope", "seed": "-1"})
    assert not app.exception
    assert app.selectbox(key="problem").value == "Bernoulli-logit"
    assert app.number_input(key="n").value == 5000
    assert app.selectbox(key="sweep").value == "theta"
    notice = "\n".join(element.value for element in app.info)
    assert "problem=Cauchy" in notice and "n=lots" in notice


def test_the_swept_parameter_reruns_only_the_fisher_curve_section():
    app = run_page(PAGE, {"problem": "Gaussian"})
    page_runner.rerun_section(app, "selectbox", "sweep", "sigma")
    assert_healthy(app)
    # Only section 4 was drawn again: the page's other sections were not sent.
    assert [header.value for header in app.header] == ["4 · Fisher information as sigma varies"]
    assert not app.latex and "Monte Carlo I(sigma) at 9 values" in shown_text(app)
    assert app.selectbox(key="sweep").value == "sigma"
