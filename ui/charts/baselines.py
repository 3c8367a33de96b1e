"""The variance of (f − b)·s as a parabola in the baseline b, with each baseline's point."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import (
    _by_param,
    _panel_width,
    _with_error_bars,
    category_color,
    downsample,
)


def _baseline_position(label: str, constant: float, optimal: float, mean_reward: float) -> float:
    """Where a baseline sits on the b axis: 0, the constant, b*, or E[f] for the batch mean and
    leave-one-out baselines (both average rewards, so they sit at E[f] on average)."""
    if label == "none":
        return 0.0
    if label.startswith("constant"):
        return constant
    if label.startswith("optimal"):
        return optimal
    return mean_reward


def baseline_parabola_chart(
    curve: pd.DataFrame,
    comparison: pd.DataFrame,
    summary: pd.DataFrame,
    *,
    n: int,
    constant: float,
    width: int | None = None,
) -> alt.FacetChart:
    """The exact per-sample variance Var[(f − b)·s] as a parabola in b (line), b* (dashed rule),
    and each baseline of `comparison` as n·Var[ĝ_n]: exact (open marks) and Monte Carlo ± 2 SE.

    `curve` is core.baseline_variance_curve, `comparison` core.baseline_comparison at n samples,
    `summary` has per param `optimal_baseline` and `expected_value`. n·Var[ĝ_n] puts the
    n-dependent baselines on the per-sample scale of the parabola.
    """
    by_param = summary.set_index("param")
    points = comparison[["baseline", "param"]].copy()
    points["b"] = [
        _baseline_position(
            label,
            constant,
            by_param.loc[param, "optimal_baseline"],
            by_param.loc[param, "expected_value"],
        )
        for label, param in zip(comparison["baseline"], comparison["param"], strict=True)
    ]
    points["exact"] = n * comparison["exact_variance"]
    points["monte_carlo"] = n * comparison["variance"]
    points["monte_carlo_se"] = n * comparison["variance_standard_error"]
    points = _with_error_bars(points, "monte_carlo", "monte_carlo_se")
    optimal = summary[["param", "optimal_baseline"]].rename(columns={"optimal_baseline": "b"})
    data = pd.concat(
        [
            downsample(curve.rename(columns={"baseline": "b"})).assign(layer="curve"),
            points.assign(layer="point"),
            optimal.assign(layer="optimal"),
        ],
        ignore_index=True,
    )
    x = alt.X("b:Q", title="constant baseline b (reward units)")
    y_title = "per-sample variance n·Var[ĝₙ] (gradient units²)"
    baseline_order = list(dict.fromkeys(comparison["baseline"]))
    color = category_color("baseline", "baseline", baseline_order)
    line = (
        alt.Chart()
        .transform_filter(alt.datum.layer == "curve")
        .mark_line(color="#4c78a8")
        .encode(
            x=x,
            y=alt.Y("variance:Q", title=y_title),
            tooltip=[
                alt.Tooltip("b:Q", title="b", format=".4g"),
                alt.Tooltip("variance:Q", title="exact per-sample variance", format=".5g"),
            ],
        )
    )
    optimal_rule = (
        alt.Chart()
        .transform_filter(alt.datum.layer == "optimal")
        .mark_rule(strokeDash=[6, 4], color="black")
        .encode(x=x, tooltip=[alt.Tooltip("b:Q", title="optimal b*", format=".5g")])
    )
    point_base = alt.Chart().transform_filter(alt.datum.layer == "point")
    point_tooltip = [
        alt.Tooltip("baseline:N"),
        alt.Tooltip("b:Q", title="b", format=".4g"),
        alt.Tooltip("exact:Q", title="exact n·Var", format=".5g"),
        alt.Tooltip("monte_carlo:Q", title="Monte Carlo n·Var", format=".5g"),
        alt.Tooltip("monte_carlo_se:Q", title="its standard error", format=".3g"),
    ]
    exact_points = point_base.mark_point(size=140, strokeWidth=2).encode(
        x=x,
        y=alt.Y("exact:Q", title=y_title),
        color=color,
        shape=alt.Shape("baseline:N", sort=baseline_order, title="baseline"),
        tooltip=point_tooltip,
    )
    mc_bars = point_base.mark_rule(strokeWidth=2).encode(
        x=x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=color, tooltip=point_tooltip
    )
    mc_points = point_base.mark_point(filled=True, size=40).encode(
        x=x, y=alt.Y("monte_carlo:Q", title=y_title), color=color, tooltip=point_tooltip
    )
    return (
        alt.layer(line, optimal_rule, mc_bars, exact_points, mc_points, data=data)
        .properties(width=width or _panel_width(len(summary)), height=280)
        .facet(column=_by_param())
        .resolve_scale(y="independent", x="independent")
    )
