"""Studies that set several estimates side by side: baselines, estimators, credits, horizons.

Each returns a tidy table (one row per compared choice and parameter) whose Monte Carlo columns
sit beside their exact values, so every number can be checked; the app's pages draw these tables
and the same calls reproduce them in a notebook.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core._engine import repeated_estimates
from core.checks import estimate_check_columns, mean_standard_error
from core.episodes import CREDITS, Episodes
from core.estimators import ESTIMATORS
from core.exact import per_sample_variance
from core.numerics import check_sample_count, make_rng
from core.problem import Problem
from core.reliability import sample_variance_standard_error
from core.studies import baseline_comparison
from core.variance_studies import derived_seed, fit_variance_slope, variance_table


def _ratio(before: pd.Series, after: pd.Series, *, zero: float) -> np.ndarray:
    """before / after where after > 0; `zero` where after = 0 < before; NaN where both are 0."""
    before, after = before.to_numpy(dtype=np.float64), after.to_numpy(dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(after > 0, before / after, np.where(before > 0, zero, np.nan))


def _one_stream(seed: int) -> list[np.random.SeedSequence]:
    """The single stream a comparison draws every choice from: SeedSequence(seed).spawn(1)."""
    return np.random.SeedSequence(seed).spawn(1)


def baseline_study(
    problem: Problem, n: int, reps: int, *, constant: float | None = None, seed: int = 0
) -> pd.DataFrame:
    """`baseline_comparison` plus `monte_carlo_reduction` per row.

    monte_carlo_reduction = s²[no baseline] / s²[this baseline], the ratio of the Monte Carlo
    variances of the n-sample estimate (NaN where this one is zero), beside the exact ratio
    `variance_reduction`.
    """
    table = baseline_comparison(problem, n, reps, constant=constant, seed=seed)
    plain = table["param"].map(table[table["baseline"] == "none"].set_index("param")["variance"])
    return table.assign(monte_carlo_reduction=_ratio(plain, table["variance"], zero=np.nan))


def optimal_baseline_terms(problem: Problem) -> pd.DataFrame:
    """Each outcome x of an enumerable problem with p(x), f(x), the first score s₁(x), and the
    term (f(x) − b*₁)·s₁(x) under the optimal baseline b*₁ = E[f s₁²]/E[s₁²], beside ∂J/∂θ₁.

    On the two-armed bandit every term equals ∂J/∂θ: the optimal baseline has zero variance.
    """
    actions, probabilities = problem.support()
    return pd.DataFrame(
        {
            "action": actions,
            "probability": probabilities,
            "reward": problem.f(actions),
            "score": problem.score(actions)[:, 0],
            "optimal_baseline": problem.optimal_baseline()[0],
            "term": problem.score_terms(actions, "optimal")[:, 0],
            "exact_gradient": problem.exact_gradient()[0],
        }
    )


PER_SAMPLE_COLUMNS = [
    "estimator",
    "param",
    "available",
    "reason",
    "mean",
    "mean_standard_error",
    "exact_gradient",
    "variance",
    "variance_standard_error",
    "exact_variance",
    "mean_exact_standard_error",
    "mean_p_value",
    "mean_law",
    "variance_exact_standard_error",
    "variance_p_value",
    "variance_law",
]


def estimator_comparison(problem: Problem, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Every estimator on one problem from n samples: the estimate ± SE, the per-sample variance
    ± SE, their exact values and checks (`core.checks`: exact SE; exact law of the counts where
    there is one).

    For each estimator, the `variance_curve` table of n one-sample estimates, all drawn from the
    one stream SeedSequence(seed).spawn(1)[0] (`variance_table`): n one-sample estimates are
    the n per-sample terms, so `mean` = (1/n) Σ tᵢ is the n-sample estimate and `variance` =
    s² of the terms estimates the per-sample variance σ². An estimator core declines
    (ValueError) gets rows with available=False and core's reason.
    """
    n = check_sample_count(n)
    if n < 2:
        raise ValueError("n must be ≥ 2 to attach a standard error to the estimates")
    gradient = problem.exact_gradient()
    frames = []
    for estimator in ESTIMATORS:
        try:
            curve = variance_table(problem, [1], n, _one_stream(seed), estimator)
        except ValueError as error:
            curve = pd.DataFrame(
                {"param": problem.params, "exact_gradient": gradient, "reason": str(error)}
            ).assign(available=False)
        else:
            curve = curve.assign(available=True, reason="")
        frames.append(curve.assign(estimator=estimator))
    return pd.concat(frames, ignore_index=True).reindex(columns=PER_SAMPLE_COLUMNS)


def credit_comparison(
    horizon: int,
    theta: Sequence[float],
    state_rewards: Sequence[float],
    n: int,
    reps: int,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """The `variance_curve` table of the n-episode estimate for each credit, every credit drawn
    from the one stream SeedSequence(seed).spawn(1)[0] (so the same episodes), with a `credit`
    column and

        variance_reduction = Var[ĝ_n | whole return] / Var[ĝ_n | this credit]   (exact),

    ∞ where only this credit's variance is zero, NaN where both are.
    """
    frames = [
        variance_table(
            Episodes(horizon=horizon, theta=theta, state_rewards=state_rewards, credit=credit),
            [n],
            reps,
            _one_stream(seed),
        )
        .drop(columns=["estimator", "baseline"])
        .assign(credit=credit)
        for credit in CREDITS
    ]
    table = pd.concat(frames, ignore_index=True)
    whole_return = table[table["credit"] == "return"].set_index("param")["exact_variance"]
    before = table["param"].map(whole_return)
    return table.assign(variance_reduction=_ratio(before, table["exact_variance"], zero=np.inf))


def horizon_monte_carlo(
    horizons: Sequence[int],
    theta: Sequence[float],
    state_rewards: Sequence[float],
    episodes: int,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """Monte Carlo per-sample variance of each credit at each horizon T, from `episodes` episodes.

    At each T one stream, make_rng(derived_seed(seed, T)), gives the same episodes to every
    credit (its own stream per T, so adding a horizon changes no other). `variance` is s² of
    the one-episode terms; `variance_standard_error` the exact SE of that sample variance,
    √((μ₄ − σ⁴ (R−3)/(R−1))/R) (`sample_variance_standard_error`), which keeps a 4-SE check at
    its stated rate where the plug-in SE would not; `exact_variance` is σ² by enumerating the
    2^T episodes (`per_sample_variance`, as in `horizon_study`); then the checks' columns
    (`core.checks.estimate_check_columns`).
    """
    frames = []
    for horizon in horizons:
        for credit in CREDITS:
            problem = Episodes(
                horizon=horizon, theta=theta, state_rewards=state_rewards, credit=credit
            )
            rng = make_rng(derived_seed(seed, horizon))
            terms = repeated_estimates(problem, 1, episodes, rng, "score", None, "auto")
            means, variances = terms.mean(axis=0), terms.var(axis=0, ddof=1)
            frames.append(
                pd.DataFrame(
                    {
                        "horizon": int(horizon),
                        "credit": credit,
                        "param": problem.params,
                        "mean": means,
                        "mean_standard_error": mean_standard_error(terms),
                        "variance": variances,
                        "variance_standard_error": sample_variance_standard_error(
                            problem, episodes
                        ),
                        "exact_variance": per_sample_variance(problem),
                        **estimate_check_columns(problem, 1, episodes, means, variances),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def variance_slope_fits(curve: pd.DataFrame) -> pd.DataFrame:
    """`fit_variance_slope` for each (estimator, param) of a variance curve: one row each with
    slope ± standard_error, intercept and exact_slope of log₁₀ Var[ĝ_N] = a + b·log₁₀ N, or
    with `note` saying why there is no slope (e.g. the variance is zero at every N).
    """
    rows = []
    for (estimator, param), part in curve.groupby(["estimator", "param"], sort=False):
        try:
            fit = fit_variance_slope(part)
        except ValueError as error:
            rows.append({"estimator": estimator, "param": param, "note": str(error)})
            continue
        rows.append(
            {
                "estimator": estimator,
                "param": param,
                "slope": fit.slope,
                "standard_error": fit.standard_error,
                "intercept": fit.intercept,
                "exact_slope": fit.exact_slope,
                "note": "",
            }
        )
    columns = ["estimator", "param", "slope", "standard_error", "intercept", "exact_slope", "note"]
    return pd.DataFrame(rows).reindex(columns=columns)
