"""Credit assignment over an episode: the mean estimate and Var[ĝₙ] per credit (whole return,
reward-to-go, …) checked against exact, and each credit's total variance at a horizon."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import CREDIT_TITLES, estimates_vs_exact_chart
from ui.checks import summary_badge, variance_badge
from ui.format import number_text
from ui.tables.checked import checked_columns


def credit_gradients(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's mean estimate per credit beside the exact gradient:
    the table, its summary badge, and the estimates ± 2 SE against the exact ticks."""
    credit_titles = comparison["credit"].map(CREDIT_TITLES)
    columns, checks = checked_columns(
        comparison, ("credit", credit_titles), "mean", "exact_gradient", "mean_standard_error",
        ("mean estimate (MC ± SE)", "exact gradient"),
    )  # fmt: skip
    st.dataframe(
        pd.DataFrame(columns),
        hide_index=True,
        column_config={"exact gradient": st.column_config.NumberColumn(format="%.5g")},
    )
    summary_badge(checks, "Mean estimate vs exact gradient")
    st.altair_chart(
        estimates_vs_exact_chart(
            comparison.assign(credit=credit_titles),
            "credit",
            category_title="credit",
            value_title="ĝ (reward / unit θ)",
            estimate="mean",
            standard_error="mean_standard_error",
            exact="exact_gradient",
        ),
        width="content",
    )


def credit_variances(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's Var[ĝₙ] per credit, exact and Monte Carlo, with the
    exact reduction against the whole return, and its summary badge."""
    columns, checks = checked_columns(
        comparison, ("credit", comparison["credit"].map(CREDIT_TITLES)), "variance",
        "exact_variance", "variance_standard_error", ("Var[ĝₙ] (MC ± SE)", "Var[ĝₙ] (exact)"),
    )  # fmt: skip
    reduction = comparison["variance_reduction"].map(number_text)
    st.dataframe(
        pd.DataFrame({**columns, "reduction vs whole return (exact)": reduction}),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": st.column_config.NumberColumn(format="%.5g"),
            "reduction vs whole return (exact)": st.column_config.TextColumn(
                help="Var[whole return] / Var[this credit]; ∞ means zero variance, — that both "
                "are zero."
            ),
        },
    )
    variance_badge(checks, comparison, "Variance vs exact")


def total_variances(horizon_study: pd.DataFrame, horizon: int) -> None:
    """One metric per credit: core.horizon_study's total variance of one episode's term (summed
    over the parameters) at `horizon`."""
    longest = horizon_study[horizon_study["horizon"] == horizon]
    totals = longest.drop_duplicates("credit").set_index("credit")["total_variance"]
    for column, (credit, total) in zip(st.columns(len(totals)), totals.items(), strict=True):
        column.metric(CREDIT_TITLES[credit], f"{total:.4g}")
