"""The baselines' tables: the exact gradient and optimal b* as metrics, the bias and variance
of each baseline checked against exact, and the optimal baseline's zero-variance terms."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import core
from ui.checks import (
    CHECK_COLUMN,
    labels,
    paired_checks,
    rough_variance_caveat,
    summary_badge,
)
from ui.format import number_text
from ui.tables.checked import checked_columns


def gradient_and_optimal_baseline_metrics(summary: pd.DataFrame) -> None:
    """Two metrics per parameter from core.summaries.exact_summary: the exact gradient and the
    optimal constant baseline b*."""
    columns = iter(st.columns(2 * len(summary)))
    for row in summary.itertuples():
        next(columns).metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")
        next(columns).metric(f"optimal b* for {row.param}", f"{row.optimal_baseline:.6g}")


def baseline_bias_and_variance(comparison: pd.DataFrame, n: int, caveat: str | None) -> None:
    """core.comparisons.baseline_study as two tables — the bias per baseline, then Var[ĝₙ] with
    its exact and Monte Carlo reduction against no baseline — each row checked, then one badge
    per table (`caveat`: why the z-test may mislead, e.g. a rare outcome)."""
    rows = ("baseline", comparison["baseline"])
    bias_columns, bias_checks = checked_columns(
        comparison, rows, "bias", "exact_bias", "mean_standard_error",
        ("bias (MC ± SE)", "bias (exact)"),
    )  # fmt: skip
    variance_columns, variance_checks = checked_columns(
        comparison, rows, "variance", "exact_variance", "variance_standard_error",
        ("Var[ĝₙ] (MC ± SE)", "Var[ĝₙ] (exact)"),
    )  # fmt: skip
    number = st.column_config.NumberColumn(format="%.5g")
    st.markdown("**Bias** = mean estimate − exact gradient")
    st.dataframe(
        pd.DataFrame(bias_columns), hide_index=True, column_config={"bias (exact)": number}
    )
    st.markdown(f"**Variance** of the n = {n} estimate, and its reduction against no baseline")
    st.dataframe(
        pd.DataFrame(
            {
                **variance_columns,
                "reduction (exact)": comparison["variance_reduction"].map(number_text),
                "reduction (MC)": comparison["monte_carlo_reduction"].map(number_text),
            }
        ),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": number,
            "reduction (exact)": st.column_config.TextColumn(
                help="Var[no baseline] / Var[this baseline]; ∞ means zero variance."
            ),
            "reduction (MC)": st.column_config.TextColumn(
                help="The same ratio of the Monte Carlo variances; — where this one is zero."
            ),
        },
    )
    summary_badge(bias_checks, "Bias, Monte Carlo vs exact", caveat=caveat)
    rough = rough_variance_caveat(comparison, "variance", "variance_standard_error")
    summary_badge(variance_checks, "Variance, Monte Carlo vs exact", caveat=caveat or rough)


OPTIMAL_TERM_COLUMNS = (
    "p(a|θ)",
    "r(a)",
    "score ∂log p(a)/∂θ",
    "term (r(a) − b*)·score",
    "exact gradient",
)


def optimal_baseline_terms(terms: pd.DataFrame) -> None:
    """core.comparisons.optimal_baseline_terms with each term checked against the exact
    gradient (zero spread, so equal up to rounding), and the badge of those checks."""
    checks = paired_checks(
        terms["term"], terms["exact_gradient"], [0.0] * len(terms), core.checks.DETERMINISTIC
    )
    st.dataframe(
        pd.DataFrame(
            {
                "action a": terms["action"].astype(int),
                "p(a|θ)": terms["probability"],
                "r(a)": terms["reward"],
                "score ∂log p(a)/∂θ": terms["score"],
                "term (r(a) − b*)·score": terms["term"],
                "exact gradient": terms["exact_gradient"],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.6g") for name in OPTIMAL_TERM_COLUMNS
        },
    )
    summary_badge(checks, "Every term equals the exact gradient")
