"""Score-Function Lab's library: problems, gradient estimators, their exact truths, and studies.

∇θ E[f(x)] = E[f(x) ∇θ log p(x|θ)]; every estimator returns per-sample terms (n, d) whose
mean estimates the gradient, and every problem knows its exact gradient, Fisher information
and per-sample variances, so each Monte Carlo number can be checked against truth.

The public names, by role (each is imported on first use, so `import core` stays cheap):

Problems — frozen values whose repr rebuilds them:
    Problem, Bandit, SoftmaxBandit, Gaussian, LinearGaussianPolicy, Episodes,
    parse_expression, ExpressionError (a custom Gaussian cost typed as text)
Estimators — one signature, `estimator(problem, n, *, rng, ...) -> terms (n, d)`, streamed:
    score_function, pathwise, measure_valued, gradient_terms
Exact values:
    per_sample_variance, estimate_moments, exact_report
Checks — Monte Carlo against exact, in standard errors:
    check_agreement, Agreement
Studies — tidy pandas tables of Monte Carlo beside exact values:
    variance_curve (the sweep over sample sizes), fit_variance_slope, samples_needed,
    baseline_comparison, baseline_variance_curve, estimator_comparison, gradient_ascent,
    score_check, objective_curve, horizon_study, bandit_derivation, sample_table
Registry — every problem's label, parameters, ranges and defaults, for the app and the CLI:
    PROBLEMS

Everything else lives in its module: constants (`core.estimators.ESTIMATORS`, `BASELINES`,
`core.episodes.CREDITS`, `MAX_HORIZON`, `core.gaussian.COSTS`, also reachable as `core.X`),
the binary-units problem `core.BernoulliUnits` (its studies in `core.discrete_estimators`),
helpers (`core.numerics.make_rng`, `core.variance_studies.derived_seed`, `log_spaced_sizes`),
and the other studies (`core.score_studies`, `core.derivation`, `core.reliability`).
"""

from __future__ import annotations

import importlib

# name → the module that defines it
_PUBLIC = {
    "Problem": "core.problem",
    "Bandit": "core.bandits",
    "SoftmaxBandit": "core.bandits",
    "Gaussian": "core.gaussian",
    "LinearGaussianPolicy": "core.policy",
    "Episodes": "core.episodes",
    "parse_expression": "core.expressions",
    "ExpressionError": "core.expressions",
    "score_function": "core.estimators",
    "pathwise": "core.estimators",
    "measure_valued": "core.estimators",
    "gradient_terms": "core.estimators",
    "per_sample_variance": "core.exact",
    "estimate_moments": "core.exact",
    "exact_report": "core.reports",
    "check_agreement": "core.checks",
    "Agreement": "core.checks",
    "variance_curve": "core.variance_studies",
    "fit_variance_slope": "core.variance_studies",
    "samples_needed": "core.variance_studies",
    "baseline_comparison": "core.studies",
    "baseline_variance_curve": "core.studies",
    "estimator_comparison": "core.comparisons",
    "gradient_ascent": "core.studies",
    "score_check": "core.studies",
    "objective_curve": "core.studies",
    "horizon_study": "core.studies",
    "bandit_derivation": "core.derivation",
    "sample_table": "core.studies",
    "PROBLEMS": "core.catalogue",
}
# Constants and the problems of one page each (BernoulliUnits, LogisticPolicy): reachable as
# core.X, not in __all__.
_CONSTANTS = {
    "ESTIMATORS": "core.estimators",
    "BASELINES": "core.estimators",
    "CREDITS": "core.episodes",
    "MAX_HORIZON": "core.episodes",
    "COSTS": "core.gaussian",
    "BernoulliUnits": "core.bernoulli_units",
    "LogisticPolicy": "core.logistic_policy",
}

__all__ = list(_PUBLIC)


def __getattr__(name: str) -> object:
    """Import a public name's module on first use (PEP 562) and keep the name here; a
    submodule (`core.checks`, `core.expressions`, …) is imported when first named."""
    module = _PUBLIC.get(name) or _CONSTANTS.get(name)
    if module is None:
        try:
            return importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{__name__}.{name}":
                raise
            raise AttributeError(f"module 'core' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(_CONSTANTS))
