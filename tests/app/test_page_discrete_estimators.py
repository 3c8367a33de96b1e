"""AppTest of the Discrete estimators page: the fair comparison at its defaults, every check with
the exact SE, the trap, the toy, the closing note, a changed link and the exports."""

import pytest

from tests.app import page_runner
from tests.app.page_runner import assert_healthy, run_page, shown_text

PAGE = "pages/9_Discrete_estimators.py"
# A smaller vector and fewer estimates keep the changed run quick.
CHANGED = {"theta": 1.5, "units": 3, "k": 3, "tau": 0.2, "n": 2000, "arms": 4, "seed": 5}


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


@pytest.fixture(scope="module")
def changed_page():
    return run_page(PAGE, CHANGED)


def first_table(app):
    return page_runner.shown_tables(app)[0].value.set_index("estimator")


def test_defaults_price_every_estimator_by_its_reward_evaluations(default_page):
    assert_healthy(default_page)
    table = first_table(default_page)
    assert list(table.index) == [
        "score function", "score function, b*", "RLOO-k", "antithetic pair",
        "antithetic + leave-one-out — biased", "ARM", "DisARM", "Gumbel-softmax (τ) — biased",
        "straight-through GS (τ) — biased",
    ]  # fmt: skip
    evaluations = dict(zip(table.index, table["evaluations"], strict=True))
    assert evaluations["score function"] == 1 and evaluations["ARM"] == 2
    cost = table["Var × evaluations"]
    assert cost["score function"] == pytest.approx(14.0625)
    assert cost["RLOO-k"] == pytest.approx(3.125)
    assert cost["ARM"] == pytest.approx(25 / 24)
    assert cost["DisARM"] == 0 and cost["antithetic pair"] == 0
    assert table.loc["antithetic + leave-one-out — biased", "bias (exact)"] == pytest.approx(1.25)
    assert table.loc["Gumbel-softmax (τ) — biased", "bias (exact)"] == pytest.approx(
        -0.176991, abs=1e-6
    )


def test_defaults_check_every_monte_carlo_number_with_the_exact_se(default_page):
    for frame in page_runner.shown_tables(default_page):
        for column in frame.value.columns:
            if "check" in column:
                assert all(cell[0] in "✓—" for cell in frame.value[column]), column
    badges = [element.value for element in default_page.success]
    assert any("Binary choice: mean, Monte Carlo vs exact (exact SE) — 9 of 9" in b for b in badges)
    assert any("Toy: variance" in badge for badge in badges)


def test_defaults_show_the_trap_the_toy_and_which_to_use(default_page):
    text = shown_text(default_page)
    assert "a bias of **+1.25** (+100.0% of the gradient), exact" in text
    assert "t = 0.499" in text and "arXiv:1711.00123" in text
    assert "**Binary choice**: lowest variance per evaluation among the unbiased" in text
    assert len(default_page.get("vega_lite_chart")) == 4


def test_defaults_export_each_table_with_its_core_call(default_page):
    code = "\n".join(element.value for element in page_runner.open_code_blocks(default_page).code)
    assert "from core.discrete_estimators import discrete_comparison" in code
    assert "problem = core.BernoulliUnits(theta=(0.0,), reward='linear'" in code
    assert "discrete_theta_sweep(" in code and "relaxation_temperature_sweep(" in code
    assert "problem = core.SoftmaxBandit(logits=(0.0, 0.0, 0.0), rewards=(1.0, 2.0, 3.0))" in code


def test_a_link_changes_every_section(changed_page):
    assert_healthy(changed_page)
    table = first_table(changed_page)
    assert table.loc["score function", "E[ĝ] (exact)"] == pytest.approx(
        5 * 0.8175744761936437 * 0.18242552380635635
    )
    assert (
        len(page_runner.shown_tables(changed_page)[1].value) == 9
    )  # one unit shown: all are alike
    text = shown_text(changed_page)
    assert (
        "Vector: mean, Monte Carlo vs exact (exact SE) — 27 of 27 agree with their exact values"
        in text
    )
    assert "K = 4 arms" in text and "τ = 0.2" in text
    categorical = page_runner.shown_tables(changed_page)[-1].value
    assert {"unordered set (k w/o replacement)", "unordered set + built-in baseline"} <= set(
        categorical["estimator"]
    )
    assert "Gumbel-softmax (τ) — biased" in set(categorical["estimator"])  # K = 4: exact


def test_defaults_add_the_biased_gumbel_softmax_of_three_arms_with_its_accuracy(default_page):
    categorical = page_runner.shown_tables(default_page)[-1].value.set_index(
        ["estimator", "parameter"]
    )
    row = categorical.loc[("Gumbel-softmax (τ) — biased", "logit_0")]
    assert row["bias (exact)"] == pytest.approx(0.0403493, abs=1e-6)
    assert row["Var[ĝ] (exact)"] == pytest.approx(0.0779941, abs=1e-6)
    assert row["mean check"][0] == "✓" and row["variance check"][0] == "✓"
    text = shown_text(default_page)
    assert "certified by the largest change of any moment between two rule sizes: " in text
    assert "quadrature (error ≤ 1e-06)." in text and "For K > 4 there is no exact value" in text


def test_a_bad_link_value_is_named_and_replaced_by_the_default():
    app = run_page(PAGE, {"theta": "99", "units": 2, "n": 2000})
    assert not app.exception
    assert first_table(app).loc["score function", "E[ĝ] (exact)"] == pytest.approx(1.25)
    notices = [element.value for element in app.info]
    assert any("cannot use" in text and "theta=99" in text for text in notices), notices


def test_a_request_over_the_work_cap_is_refused_with_a_one_click_fix_before_any_work():
    # The sidebar's part (binary choice, θ and τ sweeps, toy) fits the cap and is drawn; the
    # vector of D = 10 units and the categorical problem, a section with its own controls (a
    # fragment), would take the whole view over it: only that section refuses, with fixes that
    # include the sidebar's controls.
    app = run_page(PAGE, {"n": 100_000, "units": 10, "k": 16})
    assert (
        not app.exception and len(page_runner.shown_tables(app)) == 1
    )  # the binary comparison only
    (warning,) = app.main.warning
    assert "would draw 32.4 million random samples, more than the 20 million" in warning.value
    assert [button.label for button in app.main.button] == [
        "Use D = 4 units", "Use 50,000 estimates per estimator", "Use k = 6 draws",
    ]  # fmt: skip
    fewer_units = app.main.button[0]
    fewer_units.click().run()
    assert_healthy(app)
    assert not app.warning and len(page_runner.shown_tables(app)) == 6  # the work ran
    controls = (app.select_slider(key="n"), app.slider(key="units"), app.slider(key="k"))
    assert [control.value for control in controls] == [100_000, 4, 16]


def test_five_arms_leave_out_the_gumbel_softmax_and_say_why():
    app = run_page(PAGE, {"arms": 5, "n": 2000})
    assert_healthy(app)
    assert "Gumbel-softmax (τ) — biased" not in set(
        page_runner.shown_tables(app)[-1].value["estimator"]
    )
    assert "With K = 5 the Gumbel-softmax row is omitted." in shown_text(app)


def test_the_vector_and_categorical_controls_rerun_only_their_section():
    app = run_page(PAGE, {"n": 2_000})
    page_runner.rerun_section(app, "slider", "arms", 4)
    assert_healthy(app)
    subheaders = [element.value for element in app.subheader]
    assert subheaders[0] == "A vector of D = 6 binary units, f = (mean(b) − t)²"
    assert "Categorical choice: K = 4 arms" in subheaders
    # The binary choice, the θ and τ sweeps and the trap (outside the section) were not sent.
    assert "The fair comparison: variance × evaluations at one θ" not in subheaders
    assert not app.latex
    assert app.slider(key="arms").value == 4
