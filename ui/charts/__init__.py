"""Altair chart builders, by topic; each returns a chart, unit-tested through `to_dict()`.

House rules for every chart: a tooltip on every mark, axis titles that carry units, log scales
where a quantity spans decades, and at most MAX_CHART_ROWS rows sent to the browser
(`downsample` thins anything larger). Builders only draw: the numbers come from `core`.
"""

from ui.charts.ascent import ascent_chart
from ui.charts.base import (
    CREDIT_TITLES,
    ESTIMATOR_TITLES,
    MAX_CHART_ROWS,
    SPEC_MAX_ROWS,
    TRACE_POINTS,
    downsample,
    log_thin,
    log_thin_groups,
    narrow_spec,
)
from ui.charts.baselines import baseline_parabola_chart
from ui.charts.costs import cost_density_chart
from ui.charts.discrete import temperature_chart, theta_variance_chart, trap_chart
from ui.charts.estimates import estimates_vs_exact_chart, estimator_comparison_chart
from ui.charts.groups import (
    group_size_chart,
    learning_curve_chart,
    mean_vs_theta_chart,
    reuse_chart,
    reward_gap_chart,
    softmax_cosine_chart,
)
from ui.charts.horizon import horizon_variance_chart
from ui.charts.objective import gradient_panel, objective_panel, running_mean_chart
from ui.charts.score import fisher_curve_chart, score_histogram_chart, score_running_mean_chart
from ui.charts.surrogate import loss_objective_chart, loss_value_chart, natural_ascent_chart
from ui.charts.teaching import gae_lambda_chart, routes_running_chart
from ui.charts.variance import spread_chart, variance_vs_n_chart

__all__ = [
    "CREDIT_TITLES",
    "ESTIMATOR_TITLES",
    "MAX_CHART_ROWS",
    "SPEC_MAX_ROWS",
    "TRACE_POINTS",
    "ascent_chart",
    "baseline_parabola_chart",
    "cost_density_chart",
    "downsample",
    "estimates_vs_exact_chart",
    "estimator_comparison_chart",
    "fisher_curve_chart",
    "gae_lambda_chart",
    "gradient_panel",
    "group_size_chart",
    "horizon_variance_chart",
    "learning_curve_chart",
    "log_thin",
    "log_thin_groups",
    "loss_objective_chart",
    "loss_value_chart",
    "mean_vs_theta_chart",
    "narrow_spec",
    "natural_ascent_chart",
    "objective_panel",
    "reuse_chart",
    "reward_gap_chart",
    "routes_running_chart",
    "running_mean_chart",
    "score_histogram_chart",
    "score_running_mean_chart",
    "softmax_cosine_chart",
    "spread_chart",
    "temperature_chart",
    "theta_variance_chart",
    "trap_chart",
    "variance_vs_n_chart",
]
