"""Monte Carlo estimates beside exact values, by category and parameter."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _by_param, _panel_width, _with_error_bars
from ui.charts.palette import series_color


def estimates_vs_exact_chart(
    table: pd.DataFrame,
    category: str,
    *,
    category_title: str,
    value_title: str,
    estimate: str = "estimate",
    standard_error: str = "standard_error",
    exact: str = "exact",
    width: int | None = None,
    height: int = 240,
) -> alt.FacetChart:
    """Monte Carlo estimates ± 2 SE (points, error bars) beside their exact values (black ticks),
    one panel per param with its own y scale; x is `category` (estimator, baseline, credit).
    A `quantity` column in `table`, if present, adds one row of panels per quantity."""
    kept = ["param", category, estimate, standard_error, exact]
    kept += ["quantity"] if "quantity" in table else []
    data = _with_error_bars(
        table[kept].dropna(subset=[estimate]),
        estimate,
        standard_error,
    ).rename(columns={estimate: "estimate", standard_error: "standard_error", exact: "exact"})
    order = list(dict.fromkeys(data[category]))
    x = alt.X(
        f"{category}:N",
        title=category_title,
        sort=order,
        axis=alt.Axis(labelAngle=-35, labelOverlap=False, labelLimit=140),
    )
    tooltip = [
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip("estimate:Q", title="Monte Carlo", format=".5g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
        alt.Tooltip("exact:Q", title="exact", format=".5g"),
    ]
    if "quantity" in data:
        tooltip.insert(0, alt.Tooltip("quantity:N"))
    color = series_color(category, order, category_title)
    base = alt.Chart().encode(x=x, tooltip=tooltip)
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("low:Q", title=value_title, scale=alt.Scale(zero=False)), y2="high:Q", color=color
    )
    points = base.mark_point(filled=True, size=70).encode(
        y=alt.Y("estimate:Q", title=value_title), color=color
    )
    exact_ticks = base.mark_tick(color="black", thickness=2, size=28).encode(
        y=alt.Y("exact:Q", title=value_title)
    )
    layers = alt.layer(bars, points, exact_ticks, data=data).properties(
        width=width or _panel_width(data["param"].nunique()), height=height
    )
    if "quantity" in data:
        rows = alt.Row(
            "quantity:N",
            title=None,
            sort=list(dict.fromkeys(data["quantity"])),
            header=alt.Header(labelFontSize=12, labelLimit=260),
        )
        return layers.facet(column=_by_param(), row=rows).resolve_scale(y="independent")
    return layers.facet(column=_by_param()).resolve_scale(y="independent")


def estimator_comparison_chart(
    table: pd.DataFrame, *, gradient_title: str, variance_title: str, width: int | None = None
) -> alt.FacetChart:
    """Every estimator's gradient estimate and per-sample variance (Monte Carlo ± 2 SE, dots and
    bars) beside their exact values (black ticks): one row per quantity, one column per param.

    `table` has estimator (display names), param, mean, mean_standard_error, exact_gradient,
    variance, variance_standard_error, exact_variance (the pages' per-estimator comparison).
    """
    columns = {"estimate": "estimate", "standard_error": "standard_error", "exact": "exact"}
    quantities = [
        (gradient_title, ("mean", "mean_standard_error", "exact_gradient")),
        (variance_title, ("variance", "variance_standard_error", "exact_variance")),
    ]
    long = pd.concat(
        [
            table[["estimator", "param", *fields]]
            .rename(columns=dict(zip(fields, columns, strict=True)))
            .assign(quantity=title)
            for title, fields in quantities
        ],
        ignore_index=True,
    )
    return estimates_vs_exact_chart(
        long, "estimator", category_title="estimator", value_title="", width=width, height=170
    )
