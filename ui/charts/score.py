"""The score: its histogram, its running mean and the Fisher information curve."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import (
    ERROR_BAR_SE,
    SINGLE_VIEW_FRAME,
    SPEC_MAX_ROWS,
    _panel_width,
    _with_error_bars,
    axis_title,
    downsample,
    log_thin_groups,
)
from ui.charts.palette import MONTE_CARLO, STYLES


def score_histogram_chart(
    sample: pd.DataFrame, *, width: int | None = None
) -> alt.FacetChart | alt.LayerChart:
    """Histogram of score values s_j (core.score_studies.score_trace's `score`), one panel per parameter, with
    the mean-zero line. A discrete distribution's score takes few values: few bars."""
    data = downsample(sample[["param", "score"]], SPEC_MAX_ROWS)
    width = width or _panel_width(min(data["param"].nunique(), 3))
    tooltip = [
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip("score:Q", bin=alt.Bin(maxbins=40), title="score range"),
        alt.Tooltip("count():Q", title="draws"),
    ]
    bars = (
        alt.Chart()
        .mark_bar(opacity=0.8, binSpacing=0)
        .encode(
            x=alt.X(
                "score:Q",
                bin=alt.Bin(maxbins=40),
                title="score (per unit of the parameter)",
            ),
            y=alt.Y("count():Q", title="draws"),
            tooltip=tooltip,
        )
    )
    zero = alt.Chart().mark_rule(color="black", strokeDash=[4, 4]).encode(x=alt.datum(0))
    chart = alt.layer(bars, zero, data=data)
    if data["param"].nunique() == 1:  # one parameter: no panel heading, the column's width
        return chart.properties(width="container", height=200 + SINGLE_VIEW_FRAME)
    return (
        chart.properties(width=width, height=200)
        .facet(facet=alt.Facet("param:N", title="parameter"), columns=3)
        .resolve_scale(x="independent")  # one count axis: every panel has n draws
    )


def score_running_mean_chart(
    trace: pd.DataFrame, *, width: int | None = None
) -> alt.FacetChart | alt.LayerChart:
    """Running mean of each score component over draws (log x) shrinking to 0 inside the exact
    ±2·√(I_jj/N) band; one panel per parameter. `trace` is core.score_studies.score_trace."""
    data = log_thin_groups(trace, "param", "draw")
    width = width or _panel_width(min(data["param"].nunique(), 3))
    data = data.assign(
        low=-ERROR_BAR_SE * data["exact_standard_error"],
        high=ERROR_BAR_SE * data["exact_standard_error"],
    )
    x = alt.X("draw:Q", title="number of draws N (log scale)", scale=alt.Scale(type="log"))
    tooltip = [
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip("draw:Q", title="draws N"),
        alt.Tooltip("running_mean:Q", title="running mean of s", format=".4g"),
        alt.Tooltip("exact_standard_error:Q", title="exact SE √(I/N)", format=".3g"),
    ]
    y_title = axis_title("running mean of the score (per unit of the parameter)")
    base = alt.Chart().encode(x=x, tooltip=tooltip)
    band = base.mark_area(opacity=0.2, color="#9ecae9").encode(
        y=alt.Y("low:Q", title=y_title), y2="high:Q"
    )
    zero = base.mark_rule(color="black", strokeDash=[4, 4]).encode(y=alt.datum(0))
    line = base.mark_line(color=MONTE_CARLO).encode(y=alt.Y("running_mean:Q", title=y_title))
    chart = alt.layer(band, zero, line, data=data)
    if data["param"].nunique() == 1:  # one parameter: no panel heading, the column's width
        return chart.properties(width="container", height=200 + SINGLE_VIEW_FRAME)
    return (
        chart.properties(width=width, height=200)
        .facet(facet=alt.Facet("param:N", title="parameter"), columns=3)
        .resolve_scale(y="independent")
    )


def fisher_curve_chart(
    exact: pd.DataFrame, points: pd.DataFrame, *, parameter_title: str
) -> alt.LayerChart:
    """Exact Fisher information I_jj as θ_j sweeps (black line; core.objective_curve's
    fisher_information) with Monte Carlo estimates ± 2 SE at a few values (core.score_studies.fisher_curve)."""
    x = alt.X("value:Q", title=parameter_title)
    y_title = axis_title("Fisher information (per unit of the parameter²)")
    line = (
        alt.Chart(downsample(exact))
        .mark_line(color=STYLES["exact"][0])
        .encode(
            x=x,
            y=alt.Y("fisher_information:Q", title=y_title),
            tooltip=[
                alt.Tooltip("value:Q", title="parameter value", format=".3f"),
                alt.Tooltip("fisher_information:Q", title="exact Fisher information", format=".5g"),
            ],
        )
    )
    data = _with_error_bars(points, "estimate", "standard_error")
    tooltip = [
        alt.Tooltip("value:Q", title="parameter value", format=".3f"),
        alt.Tooltip("estimate:Q", title="Monte Carlo mean of s²", format=".5g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
        alt.Tooltip("exact:Q", title="exact Fisher information", format=".5g"),
    ]
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    bars = base.mark_rule(color=MONTE_CARLO, strokeWidth=2).encode(y="low:Q", y2="high:Q")
    dots = base.mark_point(color=MONTE_CARLO, filled=True, size=60).encode(y="estimate:Q")
    return alt.layer(line, bars, dots).properties(height=260)
