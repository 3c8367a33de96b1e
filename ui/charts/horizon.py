"""Per-sample variance of each credit as the episode horizon T grows."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import (
    CREDIT_TITLES,
    _panel_width,
    _panels_by_param,
    _with_error_bars,
    axis_title,
    category_color,
)


def horizon_variance_chart(
    exact: pd.DataFrame, monte_carlo: pd.DataFrame, width: int | None = None
) -> alt.FacetChart:
    """Exact per-sample variance against the horizon T (lines, log y) for each credit, with
    Monte Carlo points ± 2 SE; one panel per param. Zero variances cannot sit on a log axis and
    are left out; error bars are clipped at the smallest variance drawn."""
    lines = exact.loc[exact["exact_variance"] > 0, ["horizon", "credit", "param", "exact_variance"]]
    points = _with_error_bars(
        monte_carlo.loc[
            monte_carlo["variance"] > 0,
            ["horizon", "credit", "param", "variance", "variance_standard_error", "exact_variance"],
        ],
        "variance",
        "variance_standard_error",
    )
    floor = float(pd.concat([lines["exact_variance"], points["variance"]]).min()) / 2
    points["low"] = points["low"].clip(lower=floor)
    data = pd.concat(
        [lines.assign(layer="exact"), points.assign(layer="monte_carlo")], ignore_index=True
    ).assign(credit_title=lambda frame: frame["credit"].map(CREDIT_TITLES))
    order = [CREDIT_TITLES[c] for c in CREDIT_TITLES]
    color = category_color("credit_title", "credit", order)
    x = alt.X("horizon:Q", title="horizon T (steps per episode)", axis=alt.Axis(tickMinStep=1))
    y_title = axis_title("per-sample variance (reward² per unit θ²)")
    y = alt.Y("exact_variance:Q", title=y_title, scale=alt.Scale(type="log"))
    tooltip = [
        alt.Tooltip("credit_title:N", title="credit"),
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip("horizon:Q", title="T"),
        alt.Tooltip("exact_variance:Q", title="exact", format=".4g"),
    ]
    mc_tooltip = tooltip + [
        alt.Tooltip("variance:Q", title="Monte Carlo", format=".4g"),
        alt.Tooltip("variance_standard_error:Q", title="standard error", format=".3g"),
    ]
    line = (
        alt.Chart()
        .transform_filter(alt.datum.layer == "exact")
        .mark_line()
        .encode(x=x, y=y, color=color, tooltip=tooltip)
    )
    mc = alt.Chart().transform_filter(alt.datum.layer == "monte_carlo")
    bars = mc.mark_rule().encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=color, tooltip=mc_tooltip
    )
    dots = mc.mark_point(filled=True, size=45).encode(
        x=x, y=alt.Y("variance:Q", title=y_title), color=color, tooltip=mc_tooltip
    )
    params = data["param"].nunique()
    layers = alt.layer(line, bars, dots, data=data)
    width = width or _panel_width(params)
    return _panels_by_param(layers, params, width, 260, y="independent")
