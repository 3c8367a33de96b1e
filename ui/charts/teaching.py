"""Teaching charts: the naive and log-derivative running means side by side, and GAE(λ)'s
bias and variance against λ for two critics (exact lines, Monte Carlo dots ± 2 SE)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _by_param, _with_error_bars, log_thin_groups
from ui.charts.palette import series_color


def routes_running_chart(running: pd.DataFrame, *, value_title: str) -> alt.LayerChart:
    """core.log_derivative.log_derivative_running: each route's running mean (log x) inside the
    exact ±2 SE band about its own exact mean (thin dashed), and the exact ∇J (black dashed)."""
    data = _with_error_bars(
        log_thin_groups(running, "route", "draw"), "exact_mean", "exact_standard_error"
    )
    order = list(dict.fromkeys(data["route"]))
    color = series_color(
        "route", order, None,
        alt.Legend(orient="bottom", columns=1, labelLimit=320, symbolType="stroke", symbolOpacity=1),
    )  # fmt: skip
    # The y range of the draws from the tenth on: the first few draws' wide bands would
    # flatten the gap between the two routes' means.
    settled = data[data["draw"] >= min(10, int(data["draw"].max()))]
    values = settled[["low", "high", "running_mean", "exact_gradient"]].to_numpy()
    y_scale = alt.Scale(domain=[float(values.min()), float(values.max())], clamp=True)
    x = alt.X("draw:Q", title="number of draws N (log scale)", scale=alt.Scale(type="log"))
    tooltip = [
        alt.Tooltip("route:N"),
        alt.Tooltip("draw:Q", title="draws N"),
        alt.Tooltip("running_mean:Q", title="running mean", format=".5g"),
        alt.Tooltip("exact_mean:Q", title="its exact mean", format=".5g"),
        alt.Tooltip("exact_gradient:Q", title="exact ∇J(θ)", format=".5g"),
        alt.Tooltip("exact_standard_error:Q", title="exact SE σ/√N", format=".3g"),
    ]
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("low:Q", title=value_title, scale=y_scale), y2="high:Q", color=color
    )
    own_mean = base.mark_line(strokeDash=[2, 2], strokeWidth=1).encode(
        y="exact_mean:Q", color=color
    )
    running_line = base.mark_line(strokeWidth=2).encode(y="running_mean:Q", color=color)
    target = base.mark_line(color="black", strokeDash=[6, 3]).encode(y="exact_gradient:Q")
    return alt.layer(band, own_mean, target, running_line).properties(height=340)


def gae_lambda_chart(study: pd.DataFrame) -> alt.FacetChart:
    """core.gae.gae_study against λ: exact bias E[ĝ] − ∇E[R] and exact per-episode variance as
    lines (one colour per critic), Monte Carlo ± 2 exact SE as dots and bars; one column per
    parameter, one row per quantity."""
    bias = study.assign(
        quantity="bias E[ĝ] − ∇E[R]",
        exact=study["exact_bias"],
        estimate=study["mean"] - study["exact_gradient"],
        standard_error=study["mean_standard_error"],
    )
    variance = study.assign(
        quantity="per-episode variance",
        exact=study["exact_variance"],
        estimate=study["variance"],
        standard_error=study["variance_standard_error"],
    )
    columns = ["critic", "lam", "param", "quantity", "exact", "estimate", "standard_error"]
    data = _with_error_bars(
        pd.concat([bias[columns], variance[columns]], ignore_index=True),
        "estimate",
        "standard_error",
    )
    order = list(dict.fromkeys(data["critic"]))
    color = series_color("critic", order, "critic", alt.Legend(orient="bottom"))
    x = alt.X("lam:Q", title="λ", scale=alt.Scale(domain=[0, 1]))
    tooltip = [
        alt.Tooltip("critic:N"),
        alt.Tooltip("lam:Q", title="λ", format=".2f"),
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip("exact:Q", title="exact", format=".5g"),
        alt.Tooltip("estimate:Q", title="Monte Carlo", format=".5g"),
        alt.Tooltip("standard_error:Q", title="exact SE", format=".3g"),
    ]
    base = alt.Chart().encode(x=x, color=color, tooltip=tooltip)
    layers = [
        base.mark_line().encode(y=alt.Y("exact:Q", title=None)),
        base.mark_rule().encode(y="low:Q", y2="high:Q"),
        base.mark_point(filled=True, size=40).encode(y="estimate:Q"),
    ]
    rows = alt.Row(
        "quantity:N",
        title=None,
        sort=list(dict.fromkeys(data["quantity"])),
        header=alt.Header(labelFontSize=12, labelLimit=220),
    )
    return (
        alt.layer(*layers, data=data)
        .properties(width=190, height=170)
        .facet(column=_by_param(), row=rows)
        .resolve_scale(y="independent")
    )
