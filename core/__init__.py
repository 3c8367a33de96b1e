"""Score-Function Lab's library: problems, gradient estimators, their exact truths, and studies.

∇θ E[f(x)] = E[f(x) ∇θ log p(x|θ)]; every estimator returns per-sample terms (n, d) whose
mean estimates the gradient, and every problem knows its exact gradient, Fisher information
and per-sample variances, so each Monte Carlo number can be checked against truth.
"""

from core.bandits import Bandit, SoftmaxBandit
from core.checks import (
    Agreement,
    check_agreement,
    mean_standard_error,
    variance_standard_error,
)
from core.derivation import (
    BanditDerivation,
    bandit_derivation,
    finite_difference_check,
    finite_difference_gradient,
    running_estimate,
)
from core.episodes import CREDITS, MAX_HORIZON, Episodes
from core.estimators import (
    BASELINES,
    ESTIMATORS,
    gradient_terms,
    measure_valued,
    pathwise,
    score_function,
    score_function_terms,
)
from core.exact import estimate_moments, per_sample_variance
from core.expressions import (
    ExpressionError,
    ParsedExpression,
    evaluation_time_limit,
    parse_expression,
)
from core.gaussian import Gaussian
from core.gaussian_costs import NAMED_COSTS
from core.limits import MAX_SAMPLES_PER_REQUEST, check_work_budget, work_of
from core.numerics import log_sigmoid, log_softmax, make_rng, sigmoid, softmax
from core.parallel import sweep_repeated_estimates
from core.policy import LinearGaussianPolicy
from core.problem import Problem
from core.reliability import (
    RARE_OUTCOME_MINIMUM,
    rare_outcome_warning,
    rarest_outcome_probability,
    sample_variance_standard_error,
)
from core.reports import exact_report
from core.sampling import repeated_estimates
from core.score_studies import fisher_curve, score_trace
from core.streamed_terms import streamed_gradient_terms
from core.studies import (
    baseline_comparison,
    baseline_variance_curve,
    estimator_comparison,
    gradient_ascent,
    horizon_study,
    objective_curve,
    sample_table,
    score_check,
    variance_curve,
)
from core.variance_studies import (
    SlopeFit,
    derived_seed,
    fit_variance_slope,
    log_spaced_sizes,
    samples_needed,
    sweep_estimates,
    variance_sweep,
)

COSTS = tuple(NAMED_COSTS)

__all__ = [
    "BASELINES",
    "COSTS",
    "CREDITS",
    "ESTIMATORS",
    "MAX_HORIZON",
    "MAX_SAMPLES_PER_REQUEST",
    "RARE_OUTCOME_MINIMUM",
    "Agreement",
    "Bandit",
    "BanditDerivation",
    "Episodes",
    "ExpressionError",
    "Gaussian",
    "LinearGaussianPolicy",
    "ParsedExpression",
    "Problem",
    "SlopeFit",
    "SoftmaxBandit",
    "bandit_derivation",
    "baseline_comparison",
    "baseline_variance_curve",
    "check_agreement",
    "check_work_budget",
    "derived_seed",
    "estimate_moments",
    "estimator_comparison",
    "evaluation_time_limit",
    "exact_report",
    "finite_difference_check",
    "finite_difference_gradient",
    "fisher_curve",
    "fit_variance_slope",
    "gradient_ascent",
    "gradient_terms",
    "horizon_study",
    "log_sigmoid",
    "log_softmax",
    "log_spaced_sizes",
    "make_rng",
    "mean_standard_error",
    "measure_valued",
    "objective_curve",
    "parse_expression",
    "pathwise",
    "per_sample_variance",
    "rare_outcome_warning",
    "rarest_outcome_probability",
    "repeated_estimates",
    "running_estimate",
    "sample_table",
    "sample_variance_standard_error",
    "samples_needed",
    "score_check",
    "score_function",
    "score_function_terms",
    "score_trace",
    "sigmoid",
    "softmax",
    "streamed_gradient_terms",
    "sweep_estimates",
    "sweep_repeated_estimates",
    "variance_curve",
    "variance_standard_error",
    "variance_sweep",
    "work_of",
]
