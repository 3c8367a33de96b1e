"""AppTest of the Bandit derivation page: defaults, every control, links that restore a view."""

import math

import pytest

import core
from tests.app.page_runner import (
    assert_healthy,
    open_code_blocks,
    run_page,
    shown_tables,
    shown_text,
)

PAGE = "pages/1_Bandit_derivation.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def test_defaults_show_the_exact_gradient_one_and_a_quarter_and_every_check_passes(default_page):
    assert_healthy(default_page)
    metrics = {metric.label: metric.value for metric in default_page.metric}
    assert metrics["Exact ∇J(θ), closed form"] == "1.25"
    latex = "\n".join(element.value for element in default_page.latex)
    assert r"\mathbf{1.25}" in latex
    assert "(10 - 5) \\cdot 0.25" in latex
    badges = [element.value for element in default_page.success]
    assert any("vs exact: agrees with the exact value" in text for text in badges)
    assert any("|FD − exact|" in text for text in badges)


def test_defaults_show_the_first_ten_draws_with_their_running_mean(default_page):
    table = shown_tables(default_page)[0].value
    assert len(table) == 10
    assert list(table.columns) == [
        "draw",
        "a",
        "r(a)",
        "∇θ log π(a)",
        "r(a)·∇θ log π(a)",
        "running mean",
    ]
    assert set(table["∇θ log π(a)"]) <= {0.5, -0.5}


def test_defaults_offer_every_result_for_download_with_its_core_call(default_page):
    code = "\n".join(element.value for element in open_code_blocks(default_page).code)
    assert "= running_estimate(problem, 1000, seed=0)" in code
    assert "core.objective_curve(problem" in code
    assert "core.gradient_ascent(problem, steps=40, n=10, learning_rate=0.5, seed=0)" in code
    assert "core.Bandit(theta=0.0, rewards=(5.0, 10.0))" in code


@pytest.mark.parametrize(
    ("kind", "key", "value"),
    [
        ("slider", "theta", 2.0),
        ("slider", "theta", -6.0),
        ("number_input", "r0", -20.0),
        ("number_input", "r1", 5.0),
        ("number_input", "n", 2),
        ("number_input", "n", 100_000),
        ("number_input", "seed", 12345),
        ("slider", "steps", 200),
        ("slider", "batch", 1),
        ("slider", "lr", 5.0),
    ],
)
def test_page_runs_after_changing_each_control(kind, key, value):
    app = run_page(PAGE)
    getattr(app, kind)(key=key).set_value(value).run()
    assert not app.exception, [e.value for e in app.exception]
    if key in ("theta", "r0", "r1"):
        theta = app.slider(key="theta").value
        rewards = (app.number_input(key="r0").value, app.number_input(key="r1").value)
        exact = core.Bandit(theta, rewards).exact_gradient()[0]
        assert f"{exact:.6g}" in shown_text(app)


def test_equal_rewards_give_a_zero_gradient_that_every_check_confirms():
    app = run_page(PAGE, {"r0": 3.0, "r1": 3.0})
    assert_healthy(app)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Exact ∇J(θ), closed form"] == "0"


def test_zero_rewards_give_every_draw_the_gradient_so_no_plus_minus_is_shown():
    """r(0) = r(1) = 0: every term r(a)·∇θ log π(a) is 0, the estimate is deterministic."""
    app = run_page(PAGE, {"r0": 0.0, "r1": 0.0})
    assert_healthy(app)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Monte Carlo from n = 1,000 draws"] == "0.0000 (no spread)"
    assert not any("±" in value for value in metrics.values())


def test_a_garbage_link_value_for_a_section_control_is_named_in_that_section():
    # steps sits in section 5's fragment, drawn after the page's own link check.
    app = run_page(PAGE, {"steps": "lots", "theta": "x"})
    assert not app.exception
    notices = [element.value for element in app.main.info if "link carried" in element.value]
    assert len(notices) == 2 and "**theta=x**" in notices[0] and "**steps=lots**" in notices[1]
    assert app.slider(key="steps").value == 40


def test_a_link_restores_every_control_and_the_numbers():
    query = {"theta": 1.5, "r0": 2.0, "r1": 7.0, "n": 500, "seed": 3, "steps": 12}
    query |= {"batch": 25, "lr": 0.25}
    app = run_page(PAGE, query)
    assert_healthy(app)
    assert app.slider(key="theta").value == 1.5
    assert (app.number_input(key="r0").value, app.number_input(key="r1").value) == (2.0, 7.0)
    assert (app.number_input(key="n").value, app.number_input(key="seed").value) == (500, 3)
    assert (app.slider(key="steps").value, app.slider(key="batch").value) == (12, 25)
    assert app.slider(key="lr").value == 0.25
    exact = core.Bandit(1.5, (2.0, 7.0)).exact_gradient()[0]
    assert f"{exact:.6g}" in shown_text(app)
    table = core.derivation.running_estimate(core.Bandit(1.5, (2.0, 7.0)), 500, seed=3)
    assert f"{table['running_mean'].iloc[-1]:.4f}" in shown_text(app)


def test_garbage_link_values_fall_back_to_defaults_with_a_notice():
    app = run_page(PAGE, {"theta": "abc", "r0": "1e9", "n": "-5", "seed": "nan"})
    assert not app.exception
    assert app.slider(key="theta").value == 0.0
    assert app.number_input(key="r0").value == 5.0
    assert app.number_input(key="n").value == 1000
    notice = "\n".join(element.value for element in app.info)
    assert "theta=abc" in notice and "r0=1e9" in notice
    assert "1.25" in shown_text(app)


def test_a_link_with_default_values_shows_no_notice():
    app = run_page(PAGE, {"theta": "0.0", "r1": "10"})
    assert not app.info
    assert math.isclose(app.slider(key="theta").value, 0.0)


def test_what_the_log_buys_shows_three_routes_with_the_issues_numbers(default_page):
    metrics = {metric.label: metric.value for metric in default_page.metric}
    assert metrics["Exact sum Σₐ r(a)∇π(a)"] == "1.25"
    naive_label = "Naive mean of r(a)∇π(a), n = 1,000"
    log_label = "Log-derivative mean of r(a)∇log π(a), n = 1,000"
    routes = core.log_derivative.log_derivative_routes(core.Bandit(), 1_000, seed=0)
    naive_row, log_row = routes.iloc[1], routes.iloc[2]
    assert metrics[naive_label].startswith(f"{naive_row['estimate']:.5g} ± ")
    assert metrics[log_label].startswith(f"{log_row['estimate']:.5g} ± ")
    latex = "\n".join(element.value for element in default_page.latex)
    assert "10 \\cdot 0.25 + 5 \\cdot (-0.25)" in latex and r"\mathbf{1.25}" in latex
    assert "= 0.625" in latex
    deltas = [metric.proto.delta for metric in default_page.metric]
    assert "exact bias -0.625" in deltas
    badges = [element.value for element in default_page.success]
    assert any("vs its own exact mean Σₐ π(a) r(a) ∇π(a) = 0.625" in text for text in badges)
    assert any(
        text.startswith("vs exact ∇J = 1.25: agrees with the exact value") for text in badges
    )
    code = "\n".join(element.value for element in open_code_blocks(default_page).code)
    assert "routes = log_derivative_routes(problem, 1000, seed=0)" in code


def test_what_the_log_buys_follows_the_visitors_rewards():
    app = run_page(PAGE, {"theta": 1.0, "r0": 2.0, "r1": -3.0})
    assert_healthy(app)
    bandit = core.Bandit(1.0, (2.0, -3.0))
    table = core.log_derivative.action_table(bandit)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Exact sum Σₐ r(a)∇π(a)"] == f"{table['exact_summand'].sum():.6g}"
    latex = "\n".join(element.value for element in app.latex)
    assert f"= {table['naive_summand'].sum():.6g}" in latex


def test_two_draws_on_the_same_arm_with_zero_spread_pass_the_exact_check():
    """θ = 2, n = 2, seed 0: both draws on arm 1 give 1.1920 — an outcome of probability
    σ(2)² = 78%, which the exact Binomial law passes (the plug-in SE of 0 used to fail it), and
    the ± beside it is the exact SE σ/√2, not the sample's 0."""
    app = run_page(PAGE, {"theta": 2.0, "n": 2, "seed": 0})
    assert_healthy(app)
    metrics = {metric.label: metric.value for metric in app.metric}
    # σ² of one term r(a)·(a − p) by enumerating the two arms: p = σ(2), r = (5, 10).
    p = 1 / (1 + math.exp(-2.0))
    terms = {1: 10 * (1 - p), 0: 5 * (0 - p)}
    mean = p * terms[1] + (1 - p) * terms[0]
    variance = p * (terms[1] - mean) ** 2 + (1 - p) * (terms[0] - mean) ** 2
    assert metrics["Monte Carlo from n = 2 draws"] == f"1.1920 ± {math.sqrt(variance / 2):.2g}"
    assert metrics["Monte Carlo from n = 2 draws"] == "1.1920 ± 1.3"
    badges = [element.value for element in app.success]
    assert any("vs exact: agrees with the exact value" in text for text in badges)
    assert not app.error
