"""The baselines' tables: the exact gradient and optimal b* as metrics, the bias and variance
of each baseline checked against exact, and the optimal baseline's zero-variance terms."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import core
from ui.checks import (
    CHECK_COLUMN,
    check_help,
    labels,
    paired_checks,
    rough_variance_caveat,
    summary_badge,
)
from ui.format import (
    exact_variance_resolution,
    mean_resolution,
    ratio_text,
    term_scale,
    variance_resolution,
)
from ui.tables.checked import checked_columns
from ui.tables.static import static_table


def gradient_and_optimal_baseline_metrics(summary: pd.DataFrame) -> None:
    """Two metrics per parameter from core.summaries.exact_summary: the exact gradient and the
    optimal constant baseline b*."""
    columns = iter(st.columns(2 * len(summary)))
    for row in summary.itertuples():
        next(columns).metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")
        next(columns).metric(f"optimal b* for {row.param}", f"{row.optimal_baseline:.6g}")


def baseline_bias_and_variance(
    comparison: pd.DataFrame, n: int, caveat: str | None, reps: int = 1
) -> None:
    """core.comparisons.baseline_study as two tables — the bias per baseline, then Var[ĝₙ] with
    its exact and Monte Carlo reduction against no baseline — each row checked, then one badge
    per table (`caveat`: why the z-test may mislead, e.g. a rare outcome). Rounding noise of the
    n × `reps` terms behind each row shows as 0 (ui.format's resolutions)."""
    rows = ("baseline", comparison["baseline"])
    scale = term_scale(comparison["exact_mean"], comparison["exact_variance"], n)
    mean_floor = mean_resolution(scale, n * reps)
    variance_floor = variance_resolution(scale, n * reps)
    exact_floor = exact_variance_resolution(scale) / n
    bias_columns, bias_checks = checked_columns(
        comparison, rows, "bias", "exact_bias", "mean_standard_error",
        ("bias (MC ± SE)", "bias (exact)"), resolution=mean_floor, exact_resolution=mean_floor,
    )  # fmt: skip
    variance_columns, variance_checks = checked_columns(
        comparison, rows, "variance", "exact_variance", "variance_standard_error",
        ("Var[ĝₙ] (MC ± SE)", "Var[ĝₙ] (exact)"), resolution=variance_floor,
        exact_resolution=exact_floor, variance=True,
    )  # fmt: skip
    number = st.column_config.NumberColumn(format="%.5g")
    st.markdown("**Bias** = mean estimate − exact gradient")
    static_table(pd.DataFrame(bias_columns), {"bias (exact)": "%.5g"})
    st.markdown(f"**Variance** of the n = {n} estimate, and its reduction against no baseline")
    reductions = zip(
        comparison["variance_reduction"], comparison["exact_variance"], exact_floor, strict=True
    )
    measured = zip(
        comparison["monte_carlo_reduction"], comparison["variance"], variance_floor, strict=True
    )
    st.dataframe(
        pd.DataFrame(
            {
                **variance_columns,
                "reduction (exact)": [ratio_text(*row) for row in reductions],
                "reduction (MC)": [ratio_text(*row) for row in measured],
            }
        ),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": number,
            "reduction (exact)": st.column_config.TextColumn(
                help="Var[no baseline] / Var[this baseline]: how many times smaller the "
                "variance is."
            ),
            "reduction (MC)": st.column_config.TextColumn(
                help="The same ratio of the Monte Carlo variances."
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
        }
        | check_help(),
    )
    summary_badge(checks, "Every term equals the exact gradient")
