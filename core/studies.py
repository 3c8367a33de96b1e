"""Studies: tidy (long-format) pandas DataFrames of Monte Carlo results beside their exact values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor

import numpy as np
import pandas as pd

from core import _engine
from core.checks import (
    estimate_check_columns,
    mean_standard_error,
    score_reference_laws,
    variance_standard_error,
)
from core.estimators import Baseline, check_baseline, check_estimator, gradient_terms
from core.exact import estimate_moments, per_sample_variance
from core.numerics import check_finite, check_positive, check_sample_count, make_rng
from core.problem import Problem


def objective_curve(problem: Problem, values: Sequence[float], parameter: int = 0) -> pd.DataFrame:
    """Exact J(θ), ∂J/∂θ_j and Fisher information I_jj as θ_j sweeps `values` (others fixed).

    Columns: value, param, expected_value, exact_gradient, fisher_information.
    """
    if not 0 <= parameter < problem.dim:
        raise ValueError(f"parameter must be an index in 0..{problem.dim - 1}, got {parameter}")
    rows = []
    for value in values:
        theta = problem.theta.copy()
        theta[parameter] = check_finite(value, "value")
        at = problem.with_theta(theta)
        rows.append(
            {
                "value": theta[parameter],
                "param": problem.params[parameter],
                "expected_value": at.expected_value(),
                "exact_gradient": at.exact_gradient()[parameter],
                "fisher_information": at.fisher_information()[parameter, parameter],
            }
        )
    return pd.DataFrame(rows)


def baseline_variance_curve(problem: Problem, baselines: Sequence[float]) -> pd.DataFrame:
    """Exact per-sample variance of (A − bS) for each constant b: a parabola in b per param.

    Var(b) = E[A²] − 2b E[AS] + b² E[S²] − g², minimised at b* = E[AS]/E[S²].
    Columns: baseline, param, variance, optimal_baseline.
    """
    optimal = problem.optimal_baseline()
    rows = []
    for b in baselines:
        variance = per_sample_variance(problem, "score", check_finite(b, "baseline"))
        for j, name in enumerate(problem.params):
            rows.append(
                {
                    "baseline": float(b),
                    "param": name,
                    "variance": variance[j],
                    "optimal_baseline": optimal[j],
                }
            )
    return pd.DataFrame(rows)


def baseline_comparison(
    problem: Problem,
    n: int,
    reps: int,
    *,
    constant: float | None = None,
    seed: int = 0,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> pd.DataFrame:
    """Bias and variance of the n-sample score-function estimate under each baseline.

    Monte Carlo over `reps` repetitions beside the exact values (`estimate_moments`).
    Columns: baseline, param, mean, exact_mean, bias, exact_bias, variance, exact_variance,
    mean_standard_error, variance_standard_error, variance_reduction (exact Var[none]/Var[b]).
    Each baseline is one task drawn from its own stream, SeedSequence(seed).spawn(choices)[k],
    run in this process or on `executor` (any concurrent.futures.Executor, e.g. a Dask
    client's ``get_executor()``) with the same numbers; `progress(done, total)` as in
    `variance_curve`.
    """
    n, reps = check_sample_count(n), check_sample_count(reps, "reps")
    choices: list[tuple[str, Baseline]] = [("none", None)]
    if constant is not None:
        choices.append((f"constant b = {check_finite(constant, 'constant'):g}", constant))
    choices += [("batch mean", "mean"), ("optimal b*", "optimal")]
    if n >= 2:
        choices.insert(-1, ("leave-one-out", "loo"))
    gradient = problem.exact_gradient()
    _, plain_variance = estimate_moments(problem, n)
    streams = np.random.SeedSequence(seed).spawn(len(choices))
    table = _engine.countable_table(problem, "score", "auto")
    plan = [
        [_engine.EstimateTask(problem, n, reps, stream, "score", check_baseline(b), "auto", table)]
        for (_, b), stream in zip(choices, streams, strict=True)
    ]
    all_estimates = _engine.run_plan(plan, executor, progress)
    rows = []
    for (label, baseline), estimates in zip(choices, all_estimates, strict=True):
        exact_mean, exact_variance = estimate_moments(problem, n, "score", baseline)
        means = estimates.mean(axis=0)
        variances = estimates.var(axis=0, ddof=1) if reps > 1 else np.full(problem.dim, np.nan)
        mean_se = mean_standard_error(estimates) if reps > 1 else np.full(problem.dim, np.nan)
        variance_se = variance_standard_error(estimates)
        with np.errstate(divide="ignore", invalid="ignore"):
            reduction = np.where(exact_variance > 0, plain_variance / exact_variance, np.inf)
        checks = estimate_check_columns(
            problem, n, reps, means, variances, baseline=check_baseline(baseline),
            sample_variance_errors=variance_se,
        )  # fmt: skip
        for j, name in enumerate(problem.params):
            rows.append(
                {
                    "baseline": label,
                    "param": name,
                    "mean": means[j],
                    "exact_mean": exact_mean[j],
                    "bias": means[j] - gradient[j],
                    "exact_bias": exact_mean[j] - gradient[j],
                    "variance": variances[j],
                    "exact_variance": exact_variance[j],
                    "mean_standard_error": mean_se[j],
                    "variance_standard_error": variance_se[j],
                    "variance_reduction": reduction[j],
                    **{column: values[j] for column, values in checks.items()},
                }
            )
    return pd.DataFrame(rows)


def gradient_ascent(
    problem: Problem,
    steps: int,
    n: int,
    learning_rate: float,
    *,
    estimator: str = "score",
    baseline: Baseline = None,
    maximize: bool = True,
    seed: int = 0,
) -> pd.DataFrame:
    """Stochastic gradient ascent (or descent): θ ← θ ± η ĝ_N, ĝ_N the n-sample estimate.

    One row per (step, param): step, param, value (θ_j before the step), gradient_estimate,
    exact_gradient, expected_value (exact J at that θ). Parameters that must stay positive
    (σ of a Gaussian) are kept ≥ 1e-6.

    A run that diverges is a result, not an error: when θ leaves the numbers (the step
    overflows) or J(θ) overflows there, the run stops and the table holds the steps before it,
    with `attrs["diverged_at"]` that step and `attrs["diverged_theta"]` its θ (a tuple, possibly
    with ±inf). A run that stays finite has neither key; see `diverged_at`.
    """
    steps = check_sample_count(steps, "steps")
    n = check_sample_count(n)
    learning_rate = check_positive(learning_rate, "learning_rate")
    check_estimator(estimator, check_baseline(baseline))
    rng = make_rng(seed)
    sign = 1.0 if maximize else -1.0
    rows = []
    current, theta = problem, problem.theta
    diverged = None
    for step in range(steps + 1):
        if not np.all(np.isfinite(theta)):
            diverged = step
            break
        current = problem.with_theta(theta) if step else problem
        try:
            gradient, value = current.exact_gradient(), current.expected_value()
        except OverflowError:  # a closed form in Python floats overflows where NumPy gives inf
            gradient, value = np.full(current.dim, np.inf), np.inf
        if not (np.all(np.isfinite(gradient)) and np.isfinite(value)):
            diverged = step
            break
        if step < steps:
            estimate = gradient_terms(
                current, n, rng=rng, estimator=estimator, baseline=baseline
            ).mean(axis=0)
        else:
            estimate = np.full(current.dim, np.nan)
        for j, name in enumerate(current.params):
            rows.append(
                {
                    "step": step,
                    "param": name,
                    "value": current.theta[j],
                    "gradient_estimate": estimate[j],
                    "exact_gradient": gradient[j],
                    "expected_value": value,
                }
            )
        if step < steps:
            with np.errstate(over="ignore", invalid="ignore"):
                theta = current.theta + sign * learning_rate * estimate
            if "sigma" in current.params:
                index = current.params.index("sigma")
                theta[index] = max(theta[index], 1e-6)
    table = pd.DataFrame(rows, columns=list(_ASCENT_COLUMNS))
    if diverged is not None:
        table.attrs["diverged_at"] = diverged
        table.attrs["diverged_theta"] = tuple(float(t) for t in theta)
    return table


_ASCENT_COLUMNS = (
    "step",
    "param",
    "value",
    "gradient_estimate",
    "exact_gradient",
    "expected_value",
)


def diverged_at(run: pd.DataFrame) -> int | None:
    """The step where a `gradient_ascent` run diverged, or None if it stayed finite."""
    return run.attrs.get("diverged_at")


def largest_stable_learning_rate(
    problem: Problem,
    steps: int,
    n: int,
    learning_rates: Sequence[float],
    **options: object,
) -> float | None:
    """The largest of `learning_rates` whose `gradient_ascent` run (same steps, n, seed and
    other `options`) does not diverge, or None if every one does; tried largest first."""
    for learning_rate in sorted(learning_rates, reverse=True):
        if diverged_at(gradient_ascent(problem, steps, n, learning_rate, **options)) is None:
            return float(learning_rate)
    return None


def score_check(problem: Problem, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Monte Carlo E[S] and E[S Sᵀ] from n samples beside their exact values 0 and the Fisher,
    each checked (`core.checks.score_reference_laws`: exact laws of the counts over a finite
    support, exact normal and χ² laws for the Gaussian's mean score and E[S_μ²], and the
    numerically exact law of a mean of z³ − z or (z² − 1)² for its E[S_μS_σ] and E[S_σ²]).

    Columns: quantity ("mean score" or "fisher"), row, col (param names; col is "" for the
    mean), estimate, standard_error (the sample's), exact, and the check's
    exact_standard_error, p_value and law (with its caveat, `core.checks.check_columns`).
    """
    n = check_sample_count(n)
    if n < 2:
        raise ValueError("n must be ≥ 2 to attach a standard error to the estimates")
    scores = problem.score(problem.sample(make_rng(seed), n))
    laws = score_reference_laws(problem, n)
    params = problem.params
    rows = []
    for (quantity, row, col), law in laws.items():
        i = params.index(row)
        values = scores[:, i] if col == "" else scores[:, i] * scores[:, params.index(col)]
        estimate, sample_se = values.mean(), float(mean_standard_error(values))
        check = law.check(estimate, sample_se)
        rows.append(
            {
                "quantity": quantity,
                "row": row,
                "col": col,
                "estimate": estimate,
                "standard_error": sample_se,
                "exact": law.exact,
                "exact_standard_error": check.standard_error,
                "p_value": check.p_value,
                "law": check.stored_law,
            }
        )
    return pd.DataFrame(rows)


def sample_table(
    problem: Problem, n: int, *, seed: int = 0, baseline: Baseline = None
) -> pd.DataFrame:
    """The first n draws with f(x), score, term and the running mean of the terms (first param).

    Columns: draw, x, f, score, term, running_mean, exact_gradient.
    """
    n = check_sample_count(n)
    x = problem.sample(make_rng(seed), n)
    terms = problem.score_terms(x, baseline)[:, 0]
    first = x if x.ndim == 1 else x[:, 0]
    return pd.DataFrame(
        {
            "draw": np.arange(1, n + 1),
            "x": first,
            "f": problem.f(x),
            "score": problem.score(x)[:, 0],
            "term": terms,
            "running_mean": np.cumsum(terms) / np.arange(1, n + 1),
            "exact_gradient": problem.exact_gradient()[0],
        }
    )


def horizon_study(
    horizons: Sequence[int],
    *,
    theta: Sequence[float] = (0.0, 0.0, 0.0),
    state_rewards: Sequence[float] = (0.0, 0.5, 1.0),
    credits: Sequence[str] = ("return", "reward_to_go", "advantage"),
) -> pd.DataFrame:
    """Exact per-sample variance of REINFORCE on `Episodes` for each horizon T and credit.

    Columns: horizon, credit, param, exact_gradient, exact_variance, total_variance (summed
    over params: the trace of the estimator's covariance).
    """
    from core.episodes import Episodes

    rows = []
    for horizon in horizons:
        for credit in credits:
            problem = Episodes(int(horizon), theta, state_rewards, credit)
            gradient = problem.exact_gradient()
            variance = per_sample_variance(problem)
            for j, name in enumerate(problem.params):
                rows.append(
                    {
                        "horizon": int(horizon),
                        "credit": credit,
                        "param": name,
                        "exact_gradient": gradient[j],
                        "exact_variance": variance[j],
                        "total_variance": float(variance.sum()),
                    }
                )
    return pd.DataFrame(rows)
