"""The group baselines' charts: valid Vega-Lite, a tooltip on every mark, G on a log axis, and the
true gradient drawn beside the estimators' means."""

from __future__ import annotations

import pytest

import core
from core.group_baselines import group_exact_sweep, group_sweep, learning_curves
from core.sample_reuse import sample_reuse
from tests.ui.vega_spec import log_channels, marked_views, walk
from ui import charts

BANDIT, SOFTMAX = core.Bandit(), core.SoftmaxBandit((0.5, 0.0, -0.5), (1.0, 2.0, 3.0))
SPECS = {
    "group_size_chart": lambda: charts.group_size_chart(
        group_sweep(BANDIT, (2, 4, 8), (0.0,), reps=50)
    ),
    "mean_vs_theta_chart": lambda: charts.mean_vs_theta_chart(
        group_exact_sweep(BANDIT, (4,), (-1.0, 0.0, 1.0))
    ),
    "reward_gap_chart": lambda: charts.reward_gap_chart(
        group_exact_sweep(BANDIT, (4,), gap_scales=(0.5, 1.0, 2.0))
    ),
    "softmax_cosine_chart": lambda: charts.softmax_cosine_chart(
        group_exact_sweep(SOFTMAX, (2, 4), (-1.0, 1.0))
    ),
    "learning_curve_chart": lambda: charts.learning_curve_chart(
        learning_curves(BANDIT, 4, 3, 0.1, runs=3)
    ),
    "reuse_chart": lambda: charts.reuse_chart(sample_reuse(BANDIT, 4, reps=20), 0.2),
}


@pytest.mark.parametrize("name", SPECS)
def test_every_mark_has_a_tooltip_and_the_spec_validates(name):
    spec = SPECS[name]().to_dict()  # validates against the Vega-Lite schema
    views = marked_views(spec)
    assert views and all("tooltip" in view.get("encoding", {}) for view in views), name


@pytest.mark.parametrize("name", ["group_size_chart", "softmax_cosine_chart"])
def test_group_size_is_on_a_log_axis(name):
    assert ("x", "group_size") in log_channels(SPECS[name]().to_dict())


@pytest.mark.parametrize("name", ["mean_vs_theta_chart", "reward_gap_chart"])
def test_the_true_gradient_is_drawn_beside_the_means(name):
    spec = SPECS[name]().to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows]
    assert {"true ∇J(θ)", "GRPO (÷ std)"} <= {row["estimator_title"] for row in rows}
    assert any("strokeDash" in view.get("encoding", {}) for view in walk(spec))
