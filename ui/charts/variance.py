"""Var[ĝ_N] against N on log-log axes, and the spread of the estimates at a few N."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from ui.charts.base import (
    SPEC_MAX_ROWS,
    _log_band,
    _panel_width,
    _panels_by_param,
    _with_error_bars,
    axis_title,
    downsample,
)
from ui.charts.palette import series_color


def variance_vs_n_chart(
    curve: pd.DataFrame, fits: pd.DataFrame, *, width: int | None = None
) -> alt.FacetChart:
    """Var[ĝ_N] against N on log-log axes: the exact σ²/N line (solid), Monte Carlo variances
    with ±2 SE bands of log Var (points, rules) and the fitted power law (dashed), one panel
    per parameter, colour per estimator. `curve` is core.variance_curve (several estimators
    concatenated), `fits` has estimator, param, slope, intercept (log10 Var = a + b log10 N)."""
    usable = curve[(curve["variance"] > 0) & (curve["exact_variance"] > 0)]
    width = width or _panel_width(curve["param"].nunique())
    points = _log_band(usable, "variance", "variance_standard_error")
    fitted = usable[["estimator", "param", "n"]].merge(fits, on=["estimator", "param"])
    fitted = fitted.assign(
        fitted_variance=10.0 ** (fitted["intercept"] + fitted["slope"] * np.log10(fitted["n"]))
    )
    data = pd.concat([points.assign(layer="points"), fitted.assign(layer="fit")], ignore_index=True)
    x = alt.X("n:Q", title="samples per estimate N (log scale)", scale=alt.Scale(type="log"))
    y_title = axis_title("Var[ĝ_N] (gradient units², log scale)")
    y_scale = alt.Scale(type="log")
    color = series_color(
        "estimator", list(curve["estimator"]), "estimator", alt.Legend(orient="bottom")
    )
    tooltip = [
        alt.Tooltip("estimator:N"),
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip("n:Q", title="N"),
        alt.Tooltip("variance:Q", title="Monte Carlo Var", format=".4g"),
        alt.Tooltip("variance_standard_error:Q", title="its SE", format=".3g"),
        alt.Tooltip("exact_variance:Q", title="exact σ²/N", format=".4g"),
    ]
    pts = alt.Chart().transform_filter(alt.datum.layer == "points")
    exact = pts.mark_line(strokeWidth=1.5).encode(
        x=x,
        y=alt.Y("exact_variance:Q", title=y_title, scale=y_scale),
        color=color,
        tooltip=tooltip,
    )
    bars = pts.mark_rule(strokeWidth=2).encode(
        x=x,
        y=alt.Y("low:Q", title=y_title, scale=y_scale),
        y2="high:Q",
        color=color,
        tooltip=tooltip,
    )
    dots = pts.mark_point(filled=True, size=50).encode(
        x=x, y=alt.Y("variance:Q", title=y_title, scale=y_scale), color=color, tooltip=tooltip
    )
    fit = (
        alt.Chart()
        .transform_filter(alt.datum.layer == "fit")
        .mark_line(strokeDash=[6, 4], opacity=0.8)
        .encode(
            x=x,
            y=alt.Y("fitted_variance:Q", title=y_title, scale=y_scale),
            color=color,
            tooltip=[
                alt.Tooltip("estimator:N"),
                alt.Tooltip("param:N", title="parameter"),
                alt.Tooltip("slope:Q", title="fitted slope", format=".3f"),
            ],
        )
    )
    layers = alt.layer(exact, fit, bars, dots, data=data)
    by_param = alt.Column("param:N", title="parameter")
    params = curve["param"].nunique()
    return _panels_by_param(layers, params, width, 300, by_param, y="independent")


def spread_chart(
    estimates: pd.DataFrame, *, value_title: str, width: int | None = None
) -> alt.FacetChart:
    """The individual N-sample estimates (core.variance_curve(..., return_estimates=True)) as a jittered strip per N on one
    shared axis, so the spread visibly narrows as N grows; black: the exact gradient (tick) and
    exact ±2 SE (rule). One panel per estimator."""
    per_n = SPEC_MAX_ROWS // max(1, estimates.groupby(["n", "estimator"]).ngroups)
    data = pd.concat(
        [downsample(part, per_n) for _, part in estimates.groupby(["n", "estimator"], sort=True)],
        ignore_index=True,
    )
    data = _with_error_bars(data, "exact_gradient", "exact_standard_error")
    width = width or _panel_width(data["estimator"].nunique())
    x = alt.X("n:O", title="samples per estimate N", axis=alt.Axis(labelAngle=0))
    y_scale = alt.Scale(zero=False)
    points = (
        alt.Chart()
        .transform_calculate(jitter="(random() - 0.5) * 0.6")
        .mark_circle(size=12, opacity=0.3)
        .encode(
            x=x,
            xOffset=alt.XOffset("jitter:Q", scale=alt.Scale(domain=[-0.5, 0.5])),
            y=alt.Y("estimate:Q", title=value_title, scale=y_scale),
            color=series_color("estimator", list(data["estimator"]), "estimator"),
            tooltip=[
                alt.Tooltip("estimator:N"),
                alt.Tooltip("n:Q", title="N"),
                alt.Tooltip("repetition:Q"),
                alt.Tooltip("estimate:Q", title="estimate ĝ_N", format=".5g"),
            ],
        )
    )
    exact_tooltip = [
        alt.Tooltip("n:Q", title="N"),
        alt.Tooltip("mean(exact_gradient):Q", title="exact ∇J", format=".5g"),
        alt.Tooltip("mean(exact_standard_error):Q", title="exact SE", format=".3g"),
    ]
    band = (
        alt.Chart()
        .mark_rule(color="black", strokeWidth=2)
        .encode(x=x, y="mean(low):Q", y2="mean(high):Q", tooltip=exact_tooltip)
    )
    centre = (
        alt.Chart()
        .mark_tick(color="black", thickness=3, size=40)
        .encode(x=x, y="mean(exact_gradient):Q", tooltip=exact_tooltip)
    )
    return (
        alt.layer(points, band, centre, data=data)
        .properties(width=width, height=300)
        .facet(column=alt.Column("estimator:N", title="estimator"))
    )
