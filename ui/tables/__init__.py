"""Tables, badges and metrics as the pages show them, by topic: core's tidy tables renamed into
readable columns, each Monte Carlo cell beside its exact value and its check. Only layout and
formatting here. Pages call them through this package (`tables.slope_fits(fits)`).
"""

from ui.tables.ascent import ascent_divergences, ascent_runs
from ui.tables.baselines import (
    baseline_bias_and_variance,
    gradient_and_optimal_baseline_metrics,
    optimal_baseline_terms,
)
from ui.tables.credits import credit_gradients, credit_variances, total_variances
from ui.tables.derivation import (
    first_draws,
    gradient_checks,
    gradient_three_ways,
    objective_and_gradient,
)
from ui.tables.estimators import estimator_comparison
from ui.tables.exact_values import exact_metrics
from ui.tables.groups import (
    cosine_table,
    gradient_metric,
    group_estimator_table,
    learning_summary,
    learning_takeaway,
    reuse_checks,
    reuse_exact_table,
    reward_gap_table,
    shrink_table,
    shrink_text,
    sweep_badge,
)
from ui.tables.score import fisher_matrix, score_means
from ui.tables.variance import samples_needed, slope_fits, sweep_points

__all__ = [
    "ascent_divergences",
    "ascent_runs",
    "baseline_bias_and_variance",
    "cosine_table",
    "credit_gradients",
    "credit_variances",
    "estimator_comparison",
    "exact_metrics",
    "first_draws",
    "fisher_matrix",
    "gradient_and_optimal_baseline_metrics",
    "gradient_checks",
    "gradient_metric",
    "gradient_three_ways",
    "group_estimator_table",
    "learning_summary",
    "learning_takeaway",
    "objective_and_gradient",
    "optimal_baseline_terms",
    "reuse_checks",
    "reuse_exact_table",
    "reward_gap_table",
    "samples_needed",
    "score_means",
    "shrink_table",
    "shrink_text",
    "slope_fits",
    "sweep_badge",
    "sweep_points",
    "total_variances",
]
