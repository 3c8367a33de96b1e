"""The estimators side by side: gradients and per-sample variances, Monte Carlo beside exact
and checked, with a reason for each estimator core declined, and the comparison chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.cache import show_chart
from ui.charts import ESTIMATOR_TITLES
from ui.checks import (
    CHECK_COLUMN,
    check_help,
    check_rows,
    labels,
    rough_variance_caveat,
    summary_badge,
)
from ui.format import (
    exact_text,
    exact_variance_resolution,
    markdown_literal,
    mean_resolution,
    plus_minus_column,
    term_scale,
    variance_resolution,
    variance_text,
)


def _checked_table(
    table: pd.DataFrame, value: str, standard_error: str, exact: str, title: str, n: int
) -> list:
    """One table of Monte Carlo values ± SE beside their exact values, with a check per row;
    returns the checks. Estimators core declined read 'not available'. Rounding noise of the n
    terms behind a row shows as 0, and a value every draw gave alike without ± (ui.format)."""
    checks = check_rows(table, value, exact, standard_error)
    scale = term_scale(table["exact_gradient"], table["exact_variance"])
    if value == "variance":
        floor, exact_floor = variance_resolution(scale, n), exact_variance_resolution(scale)
        text = [
            variance_text(v, se, r)
            for v, se, r in zip(table[value], table[standard_error], floor, strict=True)
        ]
        exact_text_of = [
            variance_text(v, None, r) for v, r in zip(table[exact], exact_floor, strict=True)
        ]
    else:
        floor = mean_resolution(scale, n)
        text = plus_minus_column(table, value, standard_error, floor)
        exact_text_of = [exact_text(v, r) for v, r in zip(table[exact], floor, strict=True)]
    text = pd.Series(text, index=table.index)
    text[~table["available"].astype(bool).to_numpy()] = "not available"
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": table["estimator"].map(ESTIMATOR_TITLES),
                "parameter": table["param"],
                f"{title} (MC ± SE)": text,
                f"{title} (exact)": exact_text_of,
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        column_config=check_help(),
    )
    return checks


def estimator_comparison(
    table: pd.DataFrame, what: str, units: str, n: int, caveat: str | None = None
) -> None:
    """core.estimator_comparison as gradient and per-sample variance tables, one
    summary badge each, an explanation for each unavailable estimator, and the chart."""
    gradient_checks = _checked_table(
        table, "mean", "mean_standard_error", "exact_gradient", "gradient", n
    )
    variance_checks = _checked_table(
        table, "variance", "variance_standard_error", "exact_variance", "per-sample variance", n
    )
    summary_badge(gradient_checks, f"{what}: gradients", caveat=caveat)
    rough = rough_variance_caveat(table, "variance", "variance_standard_error")
    passed = all(check is None or check.passed for check in variance_checks)
    # While every check passes, the check's reach is a note under the badge, not an alarm.
    alarm = caveat or (None if passed else rough)
    summary_badge(variance_checks, f"{what}: per-sample variances", caveat=alarm)
    if rough and not alarm:
        st.caption(f"How far to trust the variance check: {rough[0].upper()}{rough[1:]}")
    for estimator, reason in (
        table.loc[~table["available"].astype(bool), ["estimator", "reason"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        # A custom cost's reason quotes the visitor's formula: shown literally.
        title = ESTIMATOR_TITLES[estimator].capitalize()
        st.info(f"**{title}:** {markdown_literal(reason)}", icon="ℹ️")
    show_chart(
        "estimator_comparison_chart",
        table.assign(estimator=table["estimator"].map(ESTIMATOR_TITLES)),
        gradient_title=f"gradient ({units} per unit θ)",
        variance_title=f"per-sample variance ({units}² per unit θ²)",
    )
    st.caption(
        f"Dots: Monte Carlo from n = {n:,} samples, bars ± 2 SE; black ticks: exact values. "
        "The per-sample variance is that of one term; the estimate's variance is it divided by n. "
        "Each estimator draws its own stream spawned from the seed."
    )
