"""The estimators side by side: gradients and per-sample variances, Monte Carlo beside exact
and checked, with a reason for each estimator core declined, and the comparison chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import ESTIMATOR_TITLES, estimator_comparison_chart
from ui.checks import CHECK_COLUMN, check_rows, labels, rough_variance_caveat, summary_badge
from ui.format import markdown_literal, plus_minus_column


def _checked_table(
    table: pd.DataFrame, value: str, standard_error: str, exact: str, title: str
) -> list:
    """One table of Monte Carlo values ± SE beside their exact values, with a check per row;
    returns the checks. Estimators core declined read 'not available'."""
    checks = check_rows(table, value, exact, standard_error)
    text = pd.Series(plus_minus_column(table, value, standard_error))
    text[~table["available"].astype(bool).to_numpy()] = "not available"
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": table["estimator"].map(ESTIMATOR_TITLES),
                "parameter": table["param"],
                f"{title} (MC ± SE)": text,
                f"{title} (exact)": [
                    "—" if pd.isna(value) else f"{value:.5g}" for value in table[exact]
                ],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
    )
    return checks


def estimator_comparison(
    table: pd.DataFrame, what: str, units: str, n: int, caveat: str | None = None
) -> None:
    """core.estimator_comparison as gradient and per-sample variance tables, one
    summary badge each, an explanation for each unavailable estimator, and the chart."""
    gradient_checks = _checked_table(
        table, "mean", "mean_standard_error", "exact_gradient", "gradient"
    )
    variance_checks = _checked_table(
        table, "variance", "variance_standard_error", "exact_variance", "per-sample variance"
    )
    summary_badge(gradient_checks, f"{what}: gradients", caveat=caveat)
    summary_badge(
        variance_checks,
        f"{what}: per-sample variances",
        caveat=caveat or rough_variance_caveat(table, "variance", "variance_standard_error"),
    )
    for estimator, reason in (
        table.loc[~table["available"].astype(bool), ["estimator", "reason"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        # A custom cost's reason quotes the visitor's formula: shown literally.
        title = ESTIMATOR_TITLES[estimator].capitalize()
        st.info(f"**{title}:** {markdown_literal(reason)}", icon="ℹ️")
    st.altair_chart(
        estimator_comparison_chart(
            table.assign(estimator=table["estimator"].map(ESTIMATOR_TITLES)),
            gradient_title=f"gradient ({units} per unit θ)",
            variance_title=f"per-sample variance ({units}² per unit θ²)",
        ),
        width="content",
    )
    st.caption(
        f"Dots: Monte Carlo from n = {n:,} samples, bars ± 2 SE; black ticks: exact values. "
        "The per-sample variance is that of one term; the estimate's variance is it divided by n. "
        "Each estimator draws its own stream spawned from the seed."
    )
