"""The variance of (f − b)·s as a parabola in the baseline b, with each baseline's point."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import (
    _panel_width,
    _panels_by_param,
    _with_error_bars,
    axis_title,
    category_color,
    downsample,
)
from ui.charts.palette import series_shape


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


# Markers of baselines closer than this share of the b axis are drawn side by side, this share
# apart (e.g. batch mean, leave-one-out and b* all at b = E[f] = 7.5 on the default bandit).
COINCIDENT_SHARE = 0.01
SIDE_BY_SIDE_SHARE = 0.06


def _side_by_side(points: pd.DataFrame, span: float) -> pd.Series:
    """Where each baseline's markers are drawn on the b axis: at its b, except that baselines
    of one parameter at (nearly) the same b are spread symmetrically around it."""
    shown = points["b"].astype(float).copy()
    for _, group in points.groupby("param", sort=False):
        ordered = group.sort_values("b", kind="stable")
        cluster: list = []
        for index, b in zip(ordered.index, ordered["b"], strict=True):
            if cluster and b - points.loc[cluster[0], "b"] > COINCIDENT_SHARE * span:
                _spread(shown, cluster, span)
                cluster = []
            cluster.append(index)
        _spread(shown, cluster, span)
    return shown


def _spread(shown: pd.Series, cluster: list, span: float) -> None:
    for k, index in enumerate(cluster):
        shown[index] += (k - (len(cluster) - 1) / 2) * SIDE_BY_SIDE_SHARE * span


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
    span = float(curve["baseline"].max() - curve["baseline"].min()) if len(curve) else 1.0
    points["b_shown"] = _side_by_side(points, span or 1.0)
    optimal = summary[["param", "optimal_baseline"]].rename(columns={"optimal_baseline": "b"})
    data = pd.concat(
        [
            downsample(curve.rename(columns={"baseline": "b"})).assign(layer="curve"),
            points.assign(layer="point"),
            optimal.assign(layer="optimal"),
        ],
        ignore_index=True,
    )
    x_title = "constant baseline b (reward units)"
    x = alt.X("b:Q", title=x_title)
    y_title = axis_title("per-sample variance n·Var[ĝₙ] (gradient units²)")
    baseline_order = list(dict.fromkeys(comparison["baseline"]))
    color = category_color("baseline", "baseline", baseline_order)
    line = (
        alt.Chart()
        .transform_filter(alt.datum.layer == "curve")
        .mark_line(color="#555555")
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
    # Baselines at the same b sit side by side (b_shown); the tooltip gives the true b.
    point_x = alt.X("b_shown:Q", title=x_title)
    point_tooltip = [
        alt.Tooltip("baseline:N"),
        alt.Tooltip("b:Q", title="b", format=".4g"),
        alt.Tooltip("exact:Q", title="exact n·Var", format=".5g"),
        alt.Tooltip("monte_carlo:Q", title="Monte Carlo n·Var", format=".5g"),
        alt.Tooltip("monte_carlo_se:Q", title="its standard error", format=".3g"),
    ]
    exact_points = point_base.mark_point(size=140, strokeWidth=2).encode(
        x=point_x,
        y=alt.Y("exact:Q", title=y_title),
        color=color,
        shape=series_shape("baseline", baseline_order, "baseline"),
        tooltip=point_tooltip,
    )
    mc_bars = point_base.mark_rule(strokeWidth=2).encode(
        x=point_x, y=alt.Y("low:Q", title=y_title), y2="high:Q", color=color, tooltip=point_tooltip
    )
    mc_points = point_base.mark_point(filled=True, size=40).encode(
        x=point_x, y=alt.Y("monte_carlo:Q", title=y_title), color=color, tooltip=point_tooltip
    )
    layers = alt.layer(line, optimal_rule, mc_bars, exact_points, mc_points, data=data)
    width = width or _panel_width(len(summary))
    return _panels_by_param(layers, len(summary), width, 280, y="independent", x="independent")
