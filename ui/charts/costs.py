"""A cost f(x) drawn over the density it is averaged under."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import downsample


def cost_density_chart(grid: pd.DataFrame, *, cost_title: str) -> alt.LayerChart:
    """The cost f(x) (left axis) over the density p(x|θ) (right axis, shaded)."""
    data = downsample(grid)
    x = alt.X("x:Q", title="x (sample value)")
    tooltip = [
        alt.Tooltip("x:Q", format=".3f"),
        alt.Tooltip("cost:Q", title="f(x)", format=".4g"),
        alt.Tooltip("density:Q", title="p(x|θ)", format=".4g"),
    ]
    density = (
        alt.Chart(data)
        .mark_area(opacity=0.25, color="#9ecae9")
        .encode(
            x=x,
            y=alt.Y("density:Q", title="density p(x|θ) (per unit x)"),
            tooltip=tooltip,
        )
    )
    cost = (
        alt.Chart(data)
        .mark_line(color="#e45756", strokeWidth=2)
        .encode(x=x, y=alt.Y("cost:Q", title=cost_title), tooltip=tooltip)
    )
    return alt.layer(density, cost).resolve_scale(y="independent").properties(height=240)
