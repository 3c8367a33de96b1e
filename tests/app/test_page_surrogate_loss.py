"""AppTest of the Surrogate loss page: the numbers at the defaults beside their exact values,
the softmax's pseudo-inverse, every control, and links that restore the view."""

import math

import pytest

import core
from core.surrogate import surrogate_gradient
from tests.app.page_runner import (
    assert_healthy,
    open_code_blocks,
    run_page,
    shown_tables,
    shown_text,
)
from ui.checks import CHECK_COLUMN

PAGE = "pages/10_Surrogate_loss.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def _table_with(app, column):
    """The first table shown with `column`."""
    return next(element.value for element in shown_tables(app) if column in element.value.columns)


def test_defaults_show_the_loss_gradient_equal_to_the_estimator_per_sample(default_page):
    assert_healthy(default_page)
    samples = _table_with(default_page, "−∂ℓᵢ/∂θ (finite differences)")
    assert len(samples) == 10
    gaps = samples["−∂ℓᵢ/∂θ (finite differences)"] - samples["estimator (r − b)·∇log π(a)"]
    assert gaps.abs().max() < 1e-10
    assert samples["check"].str.startswith("✓").all()
    summary = _table_with(default_page, "exact ∇J(θ)")
    assert summary["exact ∇J(θ)"].iloc[0] == 1.25
    expected = surrogate_gradient(core.Bandit(0.0, (5.0, 10.0)), 10, seed=0).summary
    assert summary.iloc[0, 1] == expected["estimate"].iloc[0]
    badges = "\n".join(element.value for element in default_page.success)
    assert "deterministic, so no false alarms" in badges
    assert "ĝ from N = 10 draws vs exact ∇J (exact SE)" in badges


def test_defaults_show_the_minus_sign_step_the_attached_bias_and_the_loss_value(default_page):
    step = _table_with(default_page, "optimiser minimises")
    written, dropped = step.iloc[0], step.iloc[1]
    assert written["exact J after"] > written["exact J before"] > dropped["exact J after"]
    attached = _table_with(default_page, "exact bias E[−∇L] − ∇J").set_index("baseline b = J(θ)")
    # At θ = 0: H = log 2, so the attached gradient is 1.25 (1 + log 2) and its bias 1.25 log 2.
    assert attached.loc["attached", "exact bias E[−∇L] − ∇J"] == pytest.approx(
        1.25 * math.log(2.0), rel=1e-12
    )
    assert attached.loc["detached", "exact bias E[−∇L] − ∇J"] == 0.0
    text = shown_text(default_page)
    assert "5.1986" in text  # E[L] = 7.5 log 2 at b = 0
    baselines = _table_with(default_page, "exact E[L_b]")
    assert list(baselines["baseline b"]) == [0.0, 5.0, 10.0]
    assert baselines["exact E[−∇L_b] (sum over arms)"].tolist() == pytest.approx([1.25] * 3)
    assert baselines["exact E[L_b]"].iloc[2] == pytest.approx(-2.5 * math.log(2.0), rel=1e-12)


def test_defaults_show_the_natural_gradient_five_and_both_ascent_rules(default_page):
    natural = _table_with(default_page, "F⁺∇J (pseudo-inverse)")
    assert natural["F⁺∇J (pseudo-inverse)"].tolist() == pytest.approx([5.0, 5.0], rel=1e-12)
    assert natural["closed form"].tolist() == [5.0, 5.0]
    assert natural[CHECK_COLUMN].str.startswith("✓").all()
    labels = [metric.label for metric in default_page.metric]
    assert any(label.startswith("natural gradient: mean J") for label in labels)
    assert any(label.startswith("plain gradient: mean J") for label in labels)
    assert len(default_page.get("vega_lite_chart")) == 3


def test_code_blocks_show_what_people_write_and_the_calls_that_made_the_numbers(default_page):
    code = "\n".join(element.value for element in open_code_blocks(default_page).code)
    assert "loss.backward()" in code and "value.detach()" in code
    assert (
        "result = surrogate_gradient(problem, 10, baseline=0.0, learning_rate=0.5, seed=0)" in code
    )
    assert "from core.natural_gradient import natural_gradient_ascent" in code
    assert "problem = core.Bandit(theta=0.0, rewards=(5.0, 10.0))" in code


@pytest.fixture(scope="module")
def softmax_page():
    return run_page(PAGE, {"problem": "Softmax"})


def test_softmax_uses_the_pseudo_inverse_and_says_the_fisher_is_singular(softmax_page):
    app = softmax_page
    assert_healthy(app)
    assert "The softmax Fisher is singular" in shown_text(app)
    spectrum = _table_with(app, "eigenvalue of F")
    assert abs(spectrum["eigenvalue of F"].iloc[0]) < 1e-15
    natural = _table_with(app, "F⁺∇J (pseudo-inverse)")
    # Rewards 1, 2, 3: F⁺∇J = r − mean(r) = (−1, 0, 1) at any logits.
    assert natural["closed form"].tolist() == [-1.0, 0.0, 1.0]
    assert natural["F⁺∇J (pseudo-inverse)"].tolist() == pytest.approx([-1.0, 0.0, 1.0], abs=1e-9)


@pytest.mark.parametrize(
    ("setup", "kind", "key", "value"),
    [
        ({}, "slider", "theta", 2.5),
        ({}, "number_input", "b", 10.0),
        ({}, "number_input", "n", 500),
        ({}, "select_slider", "lr", 2.0),
        ({}, "selectbox", "match", "the same first step"),
        ({}, "selectbox", "ng_b", "none (b = 0)"),
        ({}, "selectbox", "ng_b", "the batch's b"),
        ({"problem": "Softmax"}, "slider", "arms", 5),
        ({"problem": "Softmax"}, "slider", "l1", -5.0),
    ],
)
def test_page_runs_after_changing_each_control(setup, kind, key, value):
    app = run_page(PAGE, setup | {"steps": 10, "runs": 20})
    getattr(app, kind)(key=key).set_value(value).run()
    assert_healthy(app)
    assert getattr(app, kind)(key=key).value == value
    assert "The loss value means nothing" in shown_text(app)


def test_a_link_restores_the_controls_and_the_numbers():
    query = {"theta": -1.0, "r0": 2.0, "r1": 8.0, "b": 3.0, "n": 40, "seed": 5, "steps": 10}
    app = run_page(PAGE, query | {"runs": 20})
    assert_healthy(app)
    assert app.number_input(key="b").value == 3.0 and app.number_input(key="seed").value == 5
    expected = surrogate_gradient(core.Bandit(-1.0, (2.0, 8.0)), 40, baseline=3.0, seed=5)
    summary = _table_with(app, "exact ∇J(θ)")
    assert summary.iloc[0, 1] == expected.summary["estimate"].iloc[0]
    natural = _table_with(app, "F⁺∇J (pseudo-inverse)")
    assert natural["closed form"].tolist() == [6.0, 6.0]


def test_garbage_link_values_fall_back_to_defaults_with_a_notice():
    app = run_page(PAGE, {"b": "lots", "match": "nope", "runs": "7"})
    assert not app.exception
    assert app.number_input(key="b").value == 0.0
    assert app.selectbox(key="match").value == "same η for both rules"
    notice = "\n".join(element.value for element in app.info)
    assert "b=lots" in notice


def test_a_request_over_the_work_cap_is_refused_with_one_click_fixes_before_any_work():
    # 2 rules × 1000 runs × 200 steps × 200 draws = 80 million samples: four times the cap. The
    # natural-gradient section (a fragment) refuses, with fixes that include sidebar controls;
    # sections 1–4 (40,030 samples) are drawn.
    app = run_page(PAGE, {"runs": 1_000, "steps": 200, "step_n": 200})
    assert not app.exception
    message = "\n".join(element.value for element in app.main.warning)
    assert "would draw 80 million random samples, more than the 20 million" in message
    assert shown_tables(app) and not [
        f for f in shown_tables(app) if "F⁺∇J (pseudo-inverse)" in f.value.columns
    ]
    assert [button.label for button in app.main.button] == [
        "Use 200 runs per rule",
        "Use 49 steps",
        "Use 49 draws per step",
    ]
    app.main.button[1].click().run()
    assert_healthy(app)
    assert not app.warning and shown_tables(app)
    assert (app.slider(key="steps").value, app.slider(key="step_n").value) == (49, 200)
