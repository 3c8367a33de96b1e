"""Chart builders of the Surrogate loss page, checked through their Vega-Lite specs."""

import core
from core.natural_gradient import natural_gradient_ascent
from core.surrogate import loss_value_run
from tests.ui.test_charts import assert_every_mark_has_a_tooltip
from tests.ui.vega_spec import axis_titles, dataset_sizes
from ui import charts


def test_loss_value_charts_draw_j_and_each_baselines_expected_loss_with_the_sampled_loss():
    result = loss_value_run(core.Bandit(0.0), 30, 10, 0.5, compare=(0.0, 5.0, 10.0), seed=1)
    objective = charts.loss_objective_chart(result.run).to_dict()
    assert "exact J(θ_t)" in axis_titles(objective)
    losses = charts.loss_value_chart(result.run, result.curves).to_dict()
    assert_every_mark_has_a_tooltip(losses)
    assert "loss L (reward units)" in axis_titles(losses)
    legend = {
        value for rows in losses["datasets"].values() for row in rows for key, value in row.items()
        if key == "b"
    }  # fmt: skip
    assert legend == {"b = 0 (this run)", "b = 5", "b = 10"}
    # Error bars: the sampled loss ∓ 2 exact SE, one per step that drew a batch.
    sampled = [rows for rows in losses["datasets"].values() if rows and "low" in rows[0]]
    assert len(sampled) == 1 and len(sampled[0]) == 30
    row = sampled[0][0]
    assert row["high"] - row["loss"] == 2 * row["loss_standard_error"]


def test_natural_ascent_chart_has_a_band_a_mean_and_the_exact_path_per_rule():
    table = natural_gradient_ascent(core.SoftmaxBandit(), 40, 10, 0.5, seeds=30, seed=0)
    spec = charts.natural_ascent_chart(table, runs=30).to_dict()
    assert_every_mark_has_a_tooltip(spec)
    marks = sorted(
        view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]
        for view in spec["layer"]
    )
    assert marks == ["area", "line", "line"]
    assert max(dataset_sizes(spec).values()) == 82  # 2 rules × 41 steps
