"""The score checks' tables: the mean score beside 0, and the Fisher information, each Monte
Carlo entry beside its exact value and its check."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.checks import CHECK_COLUMN, check_help, labels
from ui.format import interval_column
from ui.tables.static import static_table


def score_means(means: pd.DataFrame, checks: list, n: int) -> None:
    """core.score_check's mean-score rows: the Monte Carlo mean of s with its 95% CI beside 0."""
    st.dataframe(
        pd.DataFrame(
            {
                "parameter": means["row"],
                f"Monte Carlo mean of s (n = {n:,}) [95% CI]": interval_column(means),
                "exact E[s]": means["exact"],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=check_help(),
    )


def fisher_matrix(fisher: pd.DataFrame, checks: list, params: tuple[str, ...], n: int) -> None:
    """core.score_check's Fisher rows: one row for a single parameter; otherwise the exact and
    Monte Carlo d × d matrices side by side, then each entry's 95% CI and check."""
    fisher = fisher.assign(cell=interval_column(fisher), check=labels(checks))
    fisher["interval_check"] = [
        f"{interval.split(' ', 1)[1]}  {label}"
        for interval, label in zip(fisher["cell"], fisher["check"], strict=True)
    ]

    def matrix(column: str) -> pd.DataFrame:
        table = fisher.pivot(index="row", columns="col", values=column)
        return table.loc[list(params), list(params)]

    if len(params) == 1:
        static_table(
            pd.DataFrame(
                {
                    "parameter": fisher["row"],
                    f"Monte Carlo mean of s² (n = {n:,}) [95% CI]": fisher["cell"],
                    "exact I(θ)": fisher["exact"],
                    "check (4 SE)": fisher["check"],
                }
            )
        )
        return
    exact_col, estimate_col = st.columns(2)
    with exact_col:
        st.markdown("**Exact Fisher information I(θ)**")
        static_table(matrix("exact"), dict.fromkeys(params, "%.4g"), index=True)
    with estimate_col:
        st.markdown(f"**Monte Carlo mean of s sᵀ, n = {n:,}**")
        static_table(matrix("estimate"), dict.fromkeys(params, "%.4g"), index=True)
    st.markdown("**Each Monte Carlo entry: its 95% CI, and |MC − exact| in standard errors**")
    static_table(matrix("interval_check"), index=True)
