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
from ui.tables.discrete import comparison_table, signal_to_noise_table, which_to_use
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
from ui.tables.surrogate import (
    attached_samples,
    attached_summary,
    baselines_at_start,
    export_part,
    first_step_badge,
    fisher_spectrum,
    loss_gradient_samples,
    loss_gradient_summary,
    loss_run_badge,
    loss_value_metric,
    natural_ascent_metrics,
    natural_gradient_estimates,
    optimiser_step,
)
from ui.tables.teaching import (
    episode_estimates,
    episode_steps,
    finite_difference_badge,
    gae_at,
    log_derivative_lines,
    log_derivative_routes,
    logistic_derivation,
    policy_draws,
    policy_draws_check,
    shown_draws,
    step_autodiff,
)
from ui.tables.variance import samples_needed, slope_fits, sweep_points

__all__ = [
    "ascent_divergences",
    "ascent_runs",
    "attached_samples",
    "attached_summary",
    "baseline_bias_and_variance",
    "baselines_at_start",
    "comparison_table",
    "cosine_table",
    "credit_gradients",
    "credit_variances",
    "episode_estimates",
    "episode_steps",
    "estimator_comparison",
    "exact_metrics",
    "export_part",
    "finite_difference_badge",
    "first_draws",
    "first_step_badge",
    "fisher_matrix",
    "fisher_spectrum",
    "gae_at",
    "gradient_and_optimal_baseline_metrics",
    "gradient_checks",
    "gradient_metric",
    "gradient_three_ways",
    "group_estimator_table",
    "learning_summary",
    "learning_takeaway",
    "log_derivative_lines",
    "log_derivative_routes",
    "logistic_derivation",
    "loss_gradient_samples",
    "loss_gradient_summary",
    "loss_run_badge",
    "loss_value_metric",
    "natural_ascent_metrics",
    "natural_gradient_estimates",
    "objective_and_gradient",
    "optimal_baseline_terms",
    "optimiser_step",
    "policy_draws",
    "policy_draws_check",
    "reuse_checks",
    "reuse_exact_table",
    "reward_gap_table",
    "samples_needed",
    "score_means",
    "shown_draws",
    "shrink_table",
    "shrink_text",
    "signal_to_noise_table",
    "slope_fits",
    "step_autodiff",
    "sweep_badge",
    "sweep_points",
    "total_variances",
    "which_to_use",
]
