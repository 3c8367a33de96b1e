"""Credit assignment over an episode: the mean estimate and Var[ĝₙ] per credit (whole return,
reward-to-go, …) checked against exact, and each credit's total variance at a horizon."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.cache import show_chart
from ui.charts import CREDIT_TITLES
from ui.checks import summary_badge, variance_badge
from ui.format import (
    exact_variance_resolution,
    mean_resolution,
    ratio_text,
    term_scale,
    variance_resolution,
)
from ui.tables.checked import checked_columns
from ui.tables.static import static_table


def _floors(comparison: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Rounding floors of the n × reps episode terms behind each row (ui.format): for a mean,
    a Monte Carlo variance and an exact variance of the n-episode estimate."""
    n, reps = comparison["n"], comparison["reps"]
    scale = term_scale(comparison["exact_mean"], comparison["exact_variance"] * n)
    terms = n * reps
    return (
        mean_resolution(scale, terms),
        variance_resolution(scale, terms),
        exact_variance_resolution(scale) / n,
    )


def credit_gradients(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's mean estimate per credit beside the exact gradient:
    the table, its summary badge, and the estimates ± 2 SE against the exact ticks."""
    credit_titles = comparison["credit"].map(CREDIT_TITLES)
    mean_floor, _, _ = _floors(comparison)
    columns, checks = checked_columns(
        comparison, ("credit", credit_titles), "mean", "exact_gradient", "mean_standard_error",
        ("mean estimate (MC ± SE)", "exact gradient"), resolution=mean_floor,
    )  # fmt: skip
    static_table(pd.DataFrame(columns), {"exact gradient": "%.5g"})
    summary_badge(checks, "Mean estimate vs exact gradient")
    show_chart(
        "estimates_vs_exact_chart",
        comparison.assign(credit=credit_titles),
        "credit",
        category_title="credit",
        value_title="ĝ (reward / unit θ)",
        estimate="mean",
        standard_error="mean_standard_error",
        exact="exact_gradient",
    )


def credit_variances(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's Var[ĝₙ] per credit, exact and Monte Carlo, with the
    exact reduction against the whole return, and its summary badge."""
    _, variance_floor, exact_floor = _floors(comparison)
    columns, checks = checked_columns(
        comparison, ("credit", comparison["credit"].map(CREDIT_TITLES)), "variance",
        "exact_variance", "variance_standard_error", ("Var[ĝₙ] (MC ± SE)", "Var[ĝₙ] (exact)"),
        resolution=variance_floor, exact_resolution=exact_floor, variance=True,
    )  # fmt: skip
    reduction = [
        ratio_text(*row)
        for row in zip(
            comparison["variance_reduction"],
            comparison["exact_variance"],
            exact_floor,
            strict=True,
        )
    ]
    st.dataframe(
        pd.DataFrame({**columns, "reduction vs whole return (exact)": reduction}),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": st.column_config.NumberColumn(format="%.5g"),
            "reduction vs whole return (exact)": st.column_config.TextColumn(
                help="Var[whole return] / Var[this credit]: how many times smaller the variance is."
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
