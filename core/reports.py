"""Exact-values report: every closed-form truth a problem knows, as one tidy table.

Used by ``python -m core exact`` and handy in a notebook: the numbers a Monte Carlo study
should be checked against, in one place.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.estimators import ESTIMATORS, Baseline
from core.exact import estimate_moments, per_sample_variance
from core.numerics import check_finite, check_sample_count
from core.problem import Problem

REPORT_COLUMNS = ("quantity", "estimator", "baseline", "param", "column", "value", "note")

# (baseline as passed to core, what it means for one sample) for the per-sample variances.
_PER_SAMPLE_BASELINES: tuple[tuple[Baseline, str], ...] = (
    (None, "no baseline: term f(x) s(x)"),
    ("mean", "population mean b = E[f]"),
    ("optimal", "variance-minimising b* = E[f s²]/E[s²]"),
)
# The n-sample estimate admits the n-dependent baselines too.
_ESTIMATE_BASELINES: tuple[tuple[Baseline, str], ...] = (
    (None, "no baseline"),
    ("mean", "batch mean of f including x_i (biased by −∇E[f]/n)"),
    ("loo", "leave-one-out mean of the other n − 1 draws (unbiased)"),
    ("optimal", "variance-minimising b* (exact)"),
)


# What each non-score estimator's term is, for the report's note column.
_ESTIMATOR_NOTES = {
    "pathwise": "reparameterisation x = g(ε, θ), term ∇θ f(g(ε, θ))",
    "measure_valued": "c_θ (f(x⁺) − f(x⁻)), Weibull/Maxwell pairs (Mohamed et al. 2020, §6)",
}


def _baseline_label(baseline: Baseline) -> str:
    """The baseline spelled as the command line takes it: none, a number, mean, loo, optimal."""
    if baseline is None:
        return "none"
    if isinstance(baseline, float):
        return repr(baseline)
    return baseline


def exact_report(
    problem: Problem, *, n: int | None = None, constant: float | None = None
) -> pd.DataFrame:
    """Every exact value of `problem` as a long table; the truth a Monte Carlo study is checked against.

    Rows (column `quantity`):
      expected_value       E[f]
      exact_gradient       ∇θ E[f], one row per param
      optimal_baseline     b*_j = E[A_j S_j]/E[S_j²], one row per param
      fisher_information   E[s sᵀ], one row per (param, column)
      per_sample_variance  Var of one gradient term, per estimator × baseline (None, "mean" = the
                           population mean E[f], "optimal", and `constant` if given)
      estimate_mean,       exact mean and variance of the n-sample estimate (only when `n` is
      estimate_variance    given; adds the n-dependent batch-mean and leave-one-out baselines)
    Columns: quantity, estimator, baseline (as you would pass it to core: "none", a number,
    "mean", "loo", "optimal"), param, column (second index of the Fisher matrix), value, note.
    An estimator that does not apply (e.g. pathwise on a discrete problem) gets value NaN and
    the reason in `note`.

    Example: ``core.exact_report(core.Bandit(), n=10)``.
    """
    if n is not None:
        n = check_sample_count(n)
    per_sample = list(_PER_SAMPLE_BASELINES)
    per_estimate = list(_ESTIMATE_BASELINES)
    if constant is not None:
        constant = check_finite(constant, "constant")
        per_sample.insert(1, (constant, f"constant b = {constant:g}"))
        per_estimate.insert(1, (constant, f"constant b = {constant:g}"))
    if n == 1:
        per_estimate = [choice for choice in per_estimate if choice[0] != "loo"]

    rows: list[dict[str, object]] = []

    def add(quantity, param, value, estimator="", baseline="", column="", note=""):
        rows.append(
            {
                "quantity": quantity,
                "estimator": estimator,
                "baseline": baseline,
                "param": param,
                "column": column,
                "value": float(value),
                "note": note,
            }
        )

    add("expected_value", "", problem.expected_value(), note="E[f]")
    for name, value in zip(problem.params, problem.exact_gradient(), strict=True):
        add("exact_gradient", name, value, note="∇θ E[f]")
    for name, value in zip(problem.params, problem.optimal_baseline(), strict=True):
        add("optimal_baseline", name, value, note="b* = E[A S]/E[S²]")
    fisher = problem.fisher_information()
    for i, row_name in enumerate(problem.params):
        for j, column_name in enumerate(problem.params):
            add("fisher_information", row_name, fisher[i, j], column=column_name, note="E[s sᵀ]")

    for estimator in ESTIMATORS:
        choices = per_sample if estimator == "score" else [(None, _ESTIMATOR_NOTES[estimator])]
        for baseline, meaning in choices:
            label = _baseline_label(baseline)
            try:
                variance = per_sample_variance(problem, estimator, baseline)
            except ValueError as error:
                for name in problem.params:
                    add("per_sample_variance", name, np.nan, estimator, label, note=str(error))
                continue
            for name, value in zip(problem.params, variance, strict=True):
                add("per_sample_variance", name, value, estimator, label, note=meaning)

    if n is None:
        return pd.DataFrame(rows, columns=REPORT_COLUMNS)
    for estimator in ESTIMATORS:
        choices = per_estimate if estimator == "score" else [(None, _ESTIMATOR_NOTES[estimator])]
        for baseline, meaning in choices:
            label = _baseline_label(baseline)
            try:
                mean, variance = estimate_moments(problem, n, estimator, baseline)
            except ValueError as error:
                for quantity in ("estimate_mean", "estimate_variance"):
                    for name in problem.params:
                        add(quantity, name, np.nan, estimator, label, note=str(error))
                continue
            for quantity, values in (("estimate_mean", mean), ("estimate_variance", variance)):
                for name, value in zip(problem.params, values, strict=True):
                    add(quantity, name, value, estimator, label, note=meaning)
    return pd.DataFrame(rows, columns=REPORT_COLUMNS)
