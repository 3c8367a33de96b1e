"""AppTest of the Baselines page: defaults, every control, the zero-variance call-out, links."""

import pytest

from tests.app.page_runner import (
    assert_healthy,
    open_code_blocks,
    run_page,
    shown_tables,
    shown_text,
)

PAGE = "pages/4_Baselines.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_defaults_show_the_bandit_gradient_and_its_optimal_baseline(default_page):
    assert_healthy(default_page)
    shown = metrics(default_page)
    assert shown["∂E[f]/∂theta (exact)"] == "1.25"
    assert shown["optimal b* for theta"] == "7.5"
    assert "final J(θ), no baseline (exact)" in shown
    assert "final J(θ), leave-one-out (exact)" in shown


def test_defaults_tabulate_every_baseline_with_its_exact_bias_and_variance(default_page):
    bias, variance, terms = (frame.value for frame in shown_tables(default_page))
    baselines = ["none", "constant b = 5", "batch mean", "leave-one-out", "optimal b*"]
    assert list(bias["baseline"]) == baselines
    assert list(variance["baseline"]) == baselines
    exact_bias = dict(zip(bias["baseline"], bias["bias (exact)"], strict=True))
    assert exact_bias["batch mean"] == pytest.approx(-1.25 / 10)
    assert exact_bias["leave-one-out"] == 0.0
    exact_variance = dict(zip(variance["baseline"], variance["Var[ĝₙ] (exact)"], strict=True))
    assert exact_variance["none"] == pytest.approx(1.40625)
    assert exact_variance["constant b = 5"] == pytest.approx(0.15625)
    assert exact_variance["optimal b*"] == 0.0
    assert all(label.startswith("✓") for label in bias.iloc[:, -1])
    assert all(label.startswith("✓") for label in variance.iloc[:, 4])
    badges = [element.value for element in default_page.success]
    assert any(
        "Bias, Monte Carlo vs exact — 5 of 5 agree with their exact values" in text
        for text in badges
    )
    assert any(
        "Variance, Monte Carlo vs exact — 5 of 5 agree with their exact values" in text
        for text in badges
    )


def test_defaults_call_out_the_zero_variance_optimal_baseline(default_page):
    terms = shown_tables(default_page)[2].value
    assert list(terms["term (r(a) − b*)·score"]) == pytest.approx([1.25, 1.25])
    assert list(terms["exact gradient"]) == pytest.approx([1.25, 1.25])
    text = shown_text(default_page)
    assert "Zero variance" in text
    assert "every** term equal to the exact gradient **1.25**" in text


def test_defaults_export_each_result_with_its_core_call(default_page):
    code = "\n".join(element.value for element in open_code_blocks(default_page).code)
    assert "problem = core.Bandit(theta=0.0, rewards=(5.0, 10.0))" in code
    assert "baseline_study(problem, n=10, reps=1000, constant=5.0, seed=0)" in code
    assert "core.baseline_variance_curve(" in code
    assert "core.gradient_ascent(\n    problem, steps=50, n=10, learning_rate=0.2" in code
    assert "baseline='loo'" in code


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("selectbox", "problem", "softmax bandit"),
        ("selectbox", "problem", "Gaussian cost"),
        ("slider", "theta", 10.0),
        ("slider", "theta", -3.5),
        ("number_input", "r0", -20.0),
        ("number_input", "r1", 5.0),
        ("slider", "b", -100.0),
        ("slider", "b", 7.5),
        ("slider", "n", 1),
        ("slider", "n", 1000),
        ("select_slider", "reps", 100),
        ("number_input", "seed", 12345),
        ("slider", "steps", 5),
        ("slider", "step_n", 2),
        ("select_slider", "lr", 2.0),
        ("selectbox", "ascent_b", "optimal b*"),
        ("selectbox", "ascent_b", "batch mean"),
        ("selectbox", "ascent_b", "constant b"),
    ],
)
def test_each_control_reruns_without_error(kind, key, value):
    app = run_page(PAGE)
    getattr(app, kind)(key=key).set_value(value).run()
    assert_healthy(app)
    assert shown_tables(app), "the bias and variance tables are missing"


@pytest.mark.parametrize("cost", ["linear", "square", "cos", "bump", "step", "abs"])
def test_every_gaussian_cost_is_compared_against_its_exact_values(cost):
    app = run_page(PAGE, {"problem": "Gaussian cost", "cost": cost, "sigma": 0.5, "mu": 1.0})
    assert_healthy(app)
    shown = metrics(app)
    assert "∂E[f]/∂mu (exact)" in shown
    assert "optimal b* for sigma" in shown


def test_softmax_bandit_shows_every_arm_and_its_exact_gradient():
    app = run_page(PAGE, {"problem": "softmax bandit"})
    assert_healthy(app)
    shown = metrics(app)
    # p = 1/3 each, J = 2: ∂J/∂logit_k = (r(k) − 2)/3.
    assert shown["∂E[f]/∂logit_0 (exact)"] == "-0.333333"
    assert shown["∂E[f]/∂logit_2 (exact)"] == "0.333333"
    assert "Zero variance" not in shown_text(app)


def test_a_cost_core_rejects_is_explained_not_raised():
    app = run_page(PAGE, {"problem": "Gaussian cost", "cost": "bump", "k": -1.0})
    assert not app.exception
    errors = [element.value for element in app.error]
    assert any("needs k > 0" in text and "How to fix" in text for text in errors)


def test_query_params_restore_the_view():
    query = {
        "problem": "Gaussian cost",
        "mu": 0.5,
        "sigma": 2.0,
        "cost": "abs",
        "b": 2.5,
        "n": 20,
        "reps": 200,
        "seed": 7,
        "lr": 0.05,
        "ascent_b": "optimal b*",
    }
    app = run_page(PAGE, query)
    assert_healthy(app)
    assert app.selectbox(key="problem").value == "Gaussian cost"
    assert app.slider(key="mu").value == 0.5
    assert app.slider(key="sigma").value == 2.0
    assert app.selectbox(key="cost").value == "abs"
    assert app.slider(key="b").value == 2.5
    assert app.slider(key="n").value == 20
    assert app.select_slider(key="reps").value == 200
    assert app.number_input(key="seed").value == 7
    assert app.select_slider(key="lr").value == 0.05
    assert app.selectbox(key="ascent_b").value == "optimal b*"
    code = "\n".join(element.value for element in open_code_blocks(app).code)
    assert "core.Gaussian(mu=0.5, sigma=2.0, cost='abs', k=0.0)" in code
    assert "n=20, reps=200, constant=2.5, seed=7" in code


def test_garbage_query_values_fall_back_to_the_defaults():
    app = run_page(
        PAGE,
        {"problem": "roulette", "theta": "NaN", "b": "1e9", "n": "-3", "reps": "7", "seed": "x"},
    )
    assert_healthy(app)
    assert app.selectbox(key="problem").value == "binary bandit"
    assert app.slider(key="theta").value == 0.0
    assert app.slider(key="b").value == 5.0
    assert app.slider(key="n").value == 10
    assert app.select_slider(key="reps").value == 1000
    assert app.number_input(key="seed").value == 0
    assert metrics(app)["∂E[f]/∂theta (exact)"] == "1.25"


def test_the_same_settings_and_seed_give_the_same_numbers():
    first, second = run_page(PAGE, {"seed": 3}), run_page(PAGE, {"seed": 3})
    assert shown_tables(first)[1].value.equals(shown_tables(second)[1].value)


def test_the_reproduce_code_gives_the_numbers_on_the_page():
    app = run_page(PAGE, {"seed": 5, "n": 12})
    namespace = {}
    (block,) = [code.value for code in open_code_blocks(app).code if "baseline_study" in code.value]
    exec(block, namespace)  # the baseline_comparison block
    table = namespace["table"]
    variance = shown_tables(app)[1].value
    assert list(variance["Var[ĝₙ] (exact)"]) == pytest.approx(list(table["exact_variance"]))
    for text, value in zip(variance["Var[ĝₙ] (MC ± SE)"], table["variance"], strict=True):
        if " ± " in text:
            assert text.split(" ± ")[0] == f"{value:.5g}"
        else:  # optimal b*: zero variance, or rounding noise below the resolution
            assert text in ("0", "0 (exact)") and abs(value) < 1e-20


def test_a_request_over_the_work_cap_is_refused_with_the_fix_before_any_work():
    # 5 baselines × 1000 × 4000 = 2e7 samples (the comparison, within the cap) plus the two
    # ascent runs (their section, a fragment): just over the cap, so that section refuses, with
    # fixes that include the sidebar's controls.
    app = run_page(PAGE, {"n": 1000, "reps": 4000, "steps": 200, "step_n": 200})
    assert not app.exception
    warnings = [element.value for element in app.main.warning]
    assert any("more than the 20 million one view may use" in text for text in warnings)
    assert not [metric for metric in app.metric if metric.label.startswith("final J(θ)")]
    assert [button.label for button in app.main.button] == [
        "Use 2,000 repetitions",
        "Use n = 996 samples per estimate",
    ]
    app.main.button[1].click().run()
    assert not app.exception and not app.warning
    assert app.slider(key="n").value == 996
    assert [metric for metric in app.metric if metric.label.startswith("final J(θ)")]


def test_the_gaussian_cost_ascent_starts_at_a_step_that_converges():
    """Issue 16: at η = 0.2 this link lost the whole page to 'gradient descent diverged'."""
    app = run_page(PAGE, {"problem": "Gaussian cost", "seed": 1})
    assert_healthy(app)
    assert [s.value for s in app.select_slider if s.key == "lr"] == [0.05]
    assert "diverged" not in shown_text(app)


def test_a_diverging_run_is_shown_with_where_it_diverged_and_a_step_that_converges():
    app = run_page(PAGE, {"problem": "Gaussian cost", "seed": 1, "lr": 0.2})
    assert_healthy(app)
    warnings = "\n".join(w.value for w in app.warning)
    assert "The run no baseline diverged at step 38** (θ = (mu = 1.21e+225" in warnings
    assert "A step of **η = 0.1** converges with this seed" in warnings
    headings = [s.value for s in app.subheader]
    for heading in ("Exact values", "Gradient ascent with and without a baseline", "Export"):
        assert heading in headings
    assert len(app.metric) >= 2 and shown_tables(app)
