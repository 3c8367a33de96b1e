"""Exact values as a row of metrics: the expected value and each parameter's exact gradient."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def exact_metrics(summary: pd.DataFrame, value_label: str, gradient_label: str) -> None:
    """A row of metrics from core.summaries.exact_summary: the expected value, then the exact
    gradient of each parameter (`gradient_label` with a {param} field)."""
    columns = st.columns(len(summary) + 1)
    columns[0].metric(value_label, f"{summary['expected_value'].iloc[0]:.6g}")
    for column, row in zip(columns[1:], summary.itertuples(), strict=True):
        column.metric(gradient_label.format(param=row.param), f"{row.exact_gradient:.6g}")
