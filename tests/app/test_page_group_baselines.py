"""AppTest of the Group baselines page: the defaults' exact table (checked against values worked by
hand below), a changed control that changes the view, GRPO's reward-gap invariance, bad input."""

import json
import math

import pytest

from tests.app.page_runner import (
    assert_healthy,
    open_code_blocks,
    run_page,
    shown_tables,
    shown_text,
)
from ui.checks import CHECK_HELP

PAGE = "pages/8_Group_baselines.py"


@pytest.fixture(scope="module")
def default_page():
    return run_page(PAGE)


def _estimator_table(app):
    table = shown_tables(app)[0].value
    return table.set_index("estimator")


def _grpo_mean_by_hand(epsilon: float = 1e-4) -> float:
    """θ = 0, r = (5, 10), G = 4: k = Σa ~ Bin(4, ½), r_i − r̄ = 5(a_i − ā), s_i = a_i − ½, so
    Σ(r_i − r̄)s_i = 5(k − k²/4) and std(r) = 5·√((k − k²/4)/3) (ddof 1)."""
    total = 0.0
    for k, ways in ((1, 4), (2, 6), (3, 4)):
        spread = k - k * k / 4
        total += ways / 16 * (5 * spread / 4) / (5 * math.sqrt(spread / 3) + epsilon)
    return total


def test_defaults_show_the_true_gradient_and_every_estimator_exactly(default_page):
    assert_healthy(default_page)
    metrics = {metric.label: metric.value for metric in default_page.metric}
    assert metrics["true gradient ∇J(θ) (exact)"] == "1.25"
    table = _estimator_table(default_page)
    assert list(table.index) == [
        "none (REINFORCE)",
        "batch mean (Dr. GRPO)",
        "leave-one-out (RLOO)",
        "GRPO (÷ std)",
        "standardised returns",
    ]
    mean, variance = table["E[ĝ] (exact)"], table["Var[ĝ] (exact)"]
    # by hand: k = Σa ~ Bin(4, ½); the batch-mean estimate is (5/16) k (4 − k)
    assert mean["none (REINFORCE)"] == pytest.approx(1.25, rel=1e-12)
    assert mean["leave-one-out (RLOO)"] == pytest.approx(1.25, rel=1e-12)
    assert mean["batch mean (Dr. GRPO)"] == pytest.approx(240 / 256, rel=1e-12)
    assert mean["GRPO (÷ std)"] == pytest.approx(_grpo_mean_by_hand(), rel=1e-12)
    assert variance["none (REINFORCE)"] == pytest.approx(14.0625 / 4, rel=1e-12)
    assert variance["batch mean (Dr. GRPO)"] == pytest.approx(4200 / 4096 - (240 / 256) ** 2)
    assert variance["leave-one-out (RLOO)"] == pytest.approx(16 / 9 * (4200 / 4096 - 0.87890625))
    assert table.loc["batch mean (Dr. GRPO)", "bias (exact)"] == "-0.3125"
    assert table.loc["leave-one-out (RLOO)", "bias (exact)"] == "0"
    assert table["MSE (exact)"]["batch mean (Dr. GRPO)"] == pytest.approx(
        4200 / 4096 - 0.87890625 + 0.3125**2
    )
    assert all(label.startswith("✓") for label in table["E[ĝ] check"])
    assert all(label.startswith("✓") for label in table["Var[ĝ] check"])
    badges = " ".join(element.value for element in default_page.success)
    assert "E[ĝ], Monte Carlo vs exact (exact SE) — 5 of 5 agree with their exact values" in badges
    assert "Sample reuse, Monte Carlo (20,000 reused groups) vs exact" in badges


def test_group_checks_name_their_law_and_explain_the_check_column(default_page):
    """The table's checks come from core's stored columns (the exact law of the counts where
    enumerable, else the normal approximation with the exact SE, named in the tooltip), and
    each check column carries CHECK_HELP."""
    config = json.loads(shown_tables(default_page)[0].proto.columns)
    for column in ("E[ĝ] check", "Var[ĝ] check"):
        assert config[column]["help"] == CHECK_HELP
    tooltips = " ".join(caption.proto.help for caption in default_page.caption)
    assert "sample's own SE" not in tooltips
    assert "from the normal approximation with the exact SE" in tooltips


def test_the_smallest_group_checks_its_means_in_the_exact_binomial_law():
    app = run_page(PAGE, {"G": "2", "reps": "1000", "runs": "5", "steps": "10"})
    assert_healthy(app)
    tooltips = " ".join(caption.proto.help for caption in app.caption)
    assert "from the exact Binomial law of the counts" in tooltips


def test_defaults_answer_the_three_questions_with_numbers(default_page):
    text = shown_text(default_page)
    assert "E[ĝ] = **0.9375** = 3/4 × 1.25" in text  # the (G − 1)/G shrink
    assert "E[ĝ] = **1.25** = ∇J" in text  # RLOO removes it
    assert "4/3·(r_i − r̄)" in text
    gap = next(frame.value for frame in shown_tables(default_page) if "r(1)" in frame.value.columns)
    assert list(gap["r(1)"]) == pytest.approx([5.5, 6.25, 7.5, 10.0, 15.0, 25.0, 45.0])
    assert list(gap["true ∇J"]) == pytest.approx([0.125, 0.3125, 0.625, 1.25, 2.5, 5.0, 10.0])
    grpo = gap["E[ĝ] GRPO (÷ std)"]
    # stays put while ∇J grows 80-fold: ε = 1e-4 moves it by ≤ ε/(Δ std(a)) = 1e-4/(0.5 · ½)
    assert grpo.max() - grpo.min() < 4e-4 * grpo.max()
    shrink = next(frame.value for frame in shown_tables(default_page) if "(G − 1)/G" in frame.value)
    assert list(shrink["batch mean: E[ĝ]/∇J (exact)"]) == pytest.approx(
        [(g - 1) / g for g in shrink["G"]], rel=1e-10
    )
    assert list(shrink["RLOO: E[ĝ]/∇J (exact)"]) == pytest.approx([1.0] * len(shrink))


def test_defaults_show_the_reuse_ratio_clip_and_effective_sample_size(default_page):
    reuse = next(
        frame.value
        for frame in shown_tables(default_page)
        if "exact mean of" in frame.value.columns
    ).set_index("exact mean of")
    assert reuse.loc["Kish ESS (Σρ)²/Σρ²", "k = 0"] == pytest.approx(4.0)
    assert reuse.loc["ρ = π_θ/π_θold (arm 1)", "k = 0"] == pytest.approx(1.0)
    assert reuse.loc["Kish ESS (Σρ)²/Σρ²", "k = 4"] < 4.0
    assert reuse.loc["clip(ρ, 1 − ε, 1 + ε) (arm 1)", "k = 4"] <= 1.2 + 1e-12
    assert reuse.loc["clipping bias ∇L − ∇L_IS (param 0)", "k = 4"] < 0
    code = "\n".join(element.value for element in open_code_blocks(default_page).code)
    assert "from core.sample_reuse import sample_reuse" in code
    assert "clip_epsilon=0.2" in code


def test_a_larger_group_and_a_larger_reward_change_the_view():
    app = run_page(PAGE)
    app.slider(key="G").set_value(8).run()
    assert_healthy(app)
    table = _estimator_table(app)
    assert table["E[ĝ] (exact)"]["batch mean (Dr. GRPO)"] == pytest.approx(7 / 8 * 1.25)
    assert "At G = 8" in shown_text(app)
    grpo_before = table["E[ĝ] (exact)"]["GRPO (÷ std)"]
    app.number_input(key="r1").set_value(20.0).run()
    assert_healthy(app)
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["true gradient ∇J(θ) (exact)"] == "3.75"  # Δ = 15: ∇J triples
    grpo_after = _estimator_table(app)["E[ĝ] (exact)"]["GRPO (÷ std)"]
    assert grpo_after == pytest.approx(grpo_before, rel=1e-4)  # GRPO's mean does not


def test_a_request_over_the_work_cap_is_refused_with_a_one_click_fix_before_any_work():
    app = run_page(PAGE, {"G": 64, "B": 4, "reps": 50_000, "runs": 100, "steps": 200})
    assert not app.exception
    message = "\n".join(element.value for element in app.main.warning)
    assert "would draw 35.5 million random samples, more than the 20 million" in message
    assert not shown_tables(app)
    assert [button.label for button in app.main.button] == ["Use 10,000 repetitions"]
    app.main.button[0].click().run()
    assert_healthy(app)
    assert not app.warning and shown_tables(app)
    assert app.select_slider(key="reps").value == 10_000
    assert (app.slider(key="G").value, app.select_slider(key="runs").value) == (64, 100)


def test_the_sample_reuse_section_refuses_alone_when_it_would_tip_the_view_over_the_cap():
    # The sidebar's settings draw 16.9 million; reusing standardised batches of B·G = 256
    # draws, 20,000 times, would add 5.12 million: only that section (a fragment) refuses, and
    # its fix (a sidebar control) reruns the whole page.
    query = {"G": 64, "B": 4, "reps": 20_000, "runs": 50, "steps": 200}
    app = run_page(PAGE, query | {"reuse": "standardised returns"})
    assert not app.exception
    message = "\n".join(element.value for element in app.main.warning)
    assert "would draw 22.1 million random samples, more than the 20 million" in message
    assert "Reusing the same samples for several updates (PPO/GRPO)" in shown_text(app)
    assert not [table for table in shown_tables(app) if "exact mean of" in table.value.columns]
    assert app.main.button[0].label == "Use 10,000 repetitions"
    app.main.button[0].click().run()
    assert_healthy(app)
    assert not app.warning and app.select_slider(key="reps").value == 10_000
    assert app.selectbox(key="reuse").value == "standardised returns"
    assert [table for table in shown_tables(app) if "exact mean of" in table.value.columns]


def test_garbage_link_values_are_named_and_the_defaults_used():
    app = run_page(PAGE, {"G": "1000", "eps": "NaN", "theta": "x", "reuse": "ppo"})
    assert not app.exception
    assert app.slider(key="G").value == 4
    assert app.selectbox(key="reuse").value == "GRPO (÷ std)"
    assert {metric.label: metric.value for metric in app.metric}[
        "true gradient ∇J(θ) (exact)"
    ] == "1.25"
