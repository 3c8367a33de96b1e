"""Gradient-ascent runs: each run's final exact objective as a metric, then the runs' chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import ascent_chart


def ascent_runs(runs: pd.DataFrame, maximize: bool) -> None:
    """Labelled gradient-ascent runs (ui.cache.labelled_tables): each run's final exact J(θ) as a
    metric, then the runs' chart (J(θ) when maximising a reward, E[cost] when minimising)."""
    final = runs.groupby("run", sort=False).last()
    for column, (label, row) in zip(st.columns(len(final)), final.iterrows(), strict=True):
        column.metric(f"final J(θ), {label} (exact)", f"{row['expected_value']:.6g}")
    objective_title = "exact J(θ) = E[f] (reward units)" if maximize else "exact E[cost]"
    st.altair_chart(ascent_chart(runs, objective_title=objective_title), width="stretch")
