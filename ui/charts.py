"""Altair chart builders for the pages; each returns a chart, unit-tested through `to_dict()`.

House rules for every chart: a tooltip on every mark, axis titles that carry units, log scales
where a quantity spans decades, and at most MAX_CHART_ROWS rows sent to the browser
(`downsample` thins anything larger). Builders only draw: the numbers come from `core`.

Grouped by page; each group is owned by the page's author, shared helpers come first.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

# Beyond ~10k rows a Vega-Lite chart gets slow in the browser and heavy on the wire.
MAX_CHART_ROWS = 10_000


# --- shared helpers ---------------------------------------------------------------------------


def downsample(frame: pd.DataFrame, max_rows: int = MAX_CHART_ROWS) -> pd.DataFrame:
    """At most `max_rows` rows, evenly spaced, first and last kept (rows of i.i.d. draws stay
    a fair sample; ordered traces keep their shape)."""
    if len(frame) <= max_rows:
        return frame
    keep = np.unique(np.linspace(0, len(frame) - 1, max_rows).round().astype(np.int64))
    return frame.iloc[keep]


def log_thin(frame: pd.DataFrame, column: str, max_rows: int = 2_000) -> pd.DataFrame:
    """Rows at roughly log-spaced values of an increasing integer `column` (e.g. a draw count),
    so a trace drawn on a log axis keeps its detail at the start and stays small."""
    if len(frame) <= max_rows:
        return frame
    positions = np.unique(np.geomspace(1, len(frame), max_rows).round().astype(np.int64) - 1)
    return frame.sort_values(column, kind="stable").iloc[positions]


# --- pages 4–6: baselines, continuous costs, trajectories ---------------------------------------

# Error bars on Monte Carlo points span ±ERROR_BAR_SE standard errors (≈95% under normality).
ERROR_BAR_SE = 2.0
ESTIMATOR_TITLES = {
    "score": "score function",
    "pathwise": "pathwise",
    "measure_valued": "measure-valued",
}
CREDIT_TITLES = {
    "return": "whole return",
    "reward_to_go": "reward-to-go",
    "advantage": "reward-to-go − V(s)",
}
# Distinct hues for the categories a chart compares (estimators, baselines, credits, runs).
CATEGORY_SCALE = alt.Scale(scheme="tableau10")


def _by_param() -> alt.Column:
    """One facet column per parameter, headed 'parameter <name>'."""
    return alt.Column(
        "param:N",
        title=None,
        header=alt.Header(labelExpr="'parameter ' + datum.value", labelFontSize=13),
    )


def _panel_width(panels: int, total: int = 720) -> int:
    """Width of each of `panels` facet panels so the row fills about `total` pixels."""
    return max(220, min(560, total // max(panels, 1)))


def _with_error_bars(frame: pd.DataFrame, value: str, standard_error: str) -> pd.DataFrame:
    """Copy of `frame` with `low`/`high` = value ∓ ERROR_BAR_SE · SE for an error-bar rule."""
    return frame.assign(
        low=frame[value] - ERROR_BAR_SE * frame[standard_error],
        high=frame[value] + ERROR_BAR_SE * frame[standard_error],
    )


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
) -> alt.FacetChart:
    """Monte Carlo estimates ± 2 SE (points, error bars) beside their exact values (black ticks),
    one panel per param with its own y scale; x is `category` (estimator, baseline, credit)."""
    data = _with_error_bars(
        table[["param", category, estimate, standard_error, exact]].dropna(subset=[estimate]),
        estimate,
        standard_error,
    ).rename(columns={estimate: "estimate", standard_error: "standard_error", exact: "exact"})
    order = list(dict.fromkeys(data[category]))
    x = alt.X(f"{category}:N", title=category_title, sort=order, axis=alt.Axis(labelAngle=-30))
    tooltip = [
        alt.Tooltip("param:N", title="parameter"),
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip("estimate:Q", title="Monte Carlo", format=".5g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
        alt.Tooltip("exact:Q", title="exact", format=".5g"),
    ]
    base = alt.Chart().encode(x=x, tooltip=tooltip)
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("low:Q", title=value_title, scale=alt.Scale(zero=False)),
        y2="high:Q",
        color=alt.Color(f"{category}:N", sort=order, legend=None, scale=CATEGORY_SCALE),
    )
    points = base.mark_point(filled=True, size=70).encode(
        y=alt.Y("estimate:Q", title=value_title),
        color=alt.Color(f"{category}:N", sort=order, legend=None, scale=CATEGORY_SCALE),
    )
    exact_ticks = base.mark_tick(color="black", thickness=2, size=28).encode(
        y=alt.Y("exact:Q", title=value_title)
    )
    return (
        alt.layer(bars, points, exact_ticks, data=data)
        .properties(width=width or _panel_width(data["param"].nunique()), height=240)
        .facet(column=_by_param())
        .resolve_scale(y="independent")
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
    color = alt.Color(
        "baseline:N",
        sort=baseline_order,
        title="baseline",
        legend=alt.Legend(orient="bottom"),
        scale=CATEGORY_SCALE,
    )
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


def ascent_chart(runs: pd.DataFrame, *, objective_title: str) -> alt.VConcatChart:
    """core.gradient_ascent runs (a `run` column) over steps: the exact objective J(θ) at each
    step on top, each parameter's value below."""
    data = downsample(runs)
    color = alt.Color(
        "run:N", title="run", legend=alt.Legend(orient="bottom"), scale=CATEGORY_SCALE
    )
    step = alt.X("step:Q", title="step (one update per step)")
    objective = (
        alt.Chart(data.drop_duplicates(["run", "step"]))
        .mark_line()
        .encode(
            x=step,
            y=alt.Y("expected_value:Q", title=objective_title, scale=alt.Scale(zero=False)),
            color=color,
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("expected_value:Q", title="exact J(θ)", format=".5g"),
            ],
        )
        .properties(height=220)
    )
    parameters = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=step,
            y=alt.Y("value:Q", title="parameter value θ (before the step)"),
            color=color,
            strokeDash=alt.StrokeDash("param:N", title="parameter"),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("param:N", title="parameter"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", title="θ", format=".4g"),
                alt.Tooltip("gradient_estimate:Q", title="estimate ĝ", format=".4g"),
                alt.Tooltip("exact_gradient:Q", title="exact ∇J", format=".4g"),
            ],
        )
        .properties(height=160)
    )
    return alt.vconcat(objective, parameters).resolve_scale(color="shared")


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
    color = alt.Color(
        "credit_title:N",
        sort=order,
        title="credit",
        legend=alt.Legend(orient="bottom"),
        scale=CATEGORY_SCALE,
    )
    x = alt.X("horizon:Q", title="horizon T (steps per episode)", axis=alt.Axis(tickMinStep=1))
    y_title = "per-sample variance (reward² per unit θ²)"
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
    return (
        alt.layer(line, bars, dots, data=data)
        .properties(width=width or _panel_width(data["param"].nunique()), height=260)
        .facet(column=_by_param())
        .resolve_scale(y="independent")
    )
