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
from altair.utils import schemapi

# Altair's debug mode validates every schema object as it is built, and again whole charts in
# to_dict(); Streamlit's to_dict() still validates each chart once, so building without it keeps
# every check and halves the build time of a layered, faceted chart (measured: ~0.27 → ~0.14 s).
schemapi.disable_debug_mode()

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


def _panel_width(panels: int, total: int = 600) -> int:
    """Width of each of `panels` facet panels so a row of them, with axes, fits the ~880 px of
    the main column beside the sidebar."""
    return max(190, min(560, total // max(panels, 1)))


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
    color = alt.Color(f"{category}:N", sort=order, legend=None, scale=CATEGORY_SCALE)
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


# --- pages 1–3: bandit derivation, score checks, variance vs sample count ---------------------

# These specs are built once per data with Altair's default data transformer
# (ui.cached.chart_spec), whose guard refuses datasets over 5,000 rows: keep each under it.
SPEC_MAX_ROWS = 5_000


def _log_band(frame: pd.DataFrame, value: str, standard_error: str) -> pd.DataFrame:
    """Copy with low/high = value · exp(∓ERROR_BAR_SE · SE/value): the ±2 SE interval of
    log(value) by the delta method, so a band on a log axis never crosses zero."""
    ratio = np.exp(ERROR_BAR_SE * frame[standard_error] / frame[value])
    return frame.assign(low=frame[value] / ratio, high=frame[value] * ratio)


def running_mean_chart(
    table: pd.DataFrame, *, value_title: str, exact_title: str = "exact ∇J(θ)"
) -> alt.LayerChart:
    """The running Monte Carlo mean over draws (log x) converging to the exact value, inside the
    exact ±2 SE band (exact ± 2σ/√draw). `table` is core.running_estimate."""
    data = _with_error_bars(
        log_thin(table, "draw"), "exact_gradient", "exact_standard_error"
    ).dropna(subset=["running_mean"])
    x = alt.X("draw:Q", title="number of draws N (log scale)", scale=alt.Scale(type="log"))
    tooltip = [
        alt.Tooltip("draw:Q", title="draws N"),
        alt.Tooltip("running_mean:Q", title="running mean", format=".5g"),
        alt.Tooltip("standard_error:Q", title="measured SE", format=".3g"),
        alt.Tooltip("exact_gradient:Q", title=exact_title, format=".5g"),
        alt.Tooltip("exact_standard_error:Q", title="exact SE σ/√N", format=".3g"),
    ]
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    band = base.mark_area(opacity=0.2, color="#9ecae9").encode(
        y=alt.Y("low:Q", title=value_title), y2="high:Q"
    )
    exact = base.mark_line(color="black", strokeDash=[6, 3]).encode(y="exact_gradient:Q")
    running = base.mark_line(color="#e45756", strokeWidth=2).encode(y="running_mean:Q")
    return alt.layer(band, exact, running).properties(height=260)


THETA_AXIS_TITLE = "θ (logit of p(a = 1), unitless)"


def objective_panel(
    curve: pd.DataFrame, *, theta: float, title: str = "J(θ) = E[r(a)] (reward units)"
) -> alt.LayerChart:
    """J(θ) over a θ sweep (core.objective_curve) with the current θ marked (rule and dot)."""
    x = alt.X("value:Q", title=THETA_AXIS_TITLE)
    tooltip = [
        alt.Tooltip("value:Q", title="θ", format=".3f"),
        alt.Tooltip("expected_value:Q", title="J(θ)", format=".5g"),
        alt.Tooltip("exact_gradient:Q", title="∇J(θ)", format=".5g"),
    ]
    here = curve.iloc[[int((curve["value"] - theta).abs().to_numpy().argmin())]]
    rule = alt.Chart(pd.DataFrame({"value": [theta]})).mark_rule(strokeDash=[4, 4], color="gray")
    return alt.layer(
        alt.Chart(downsample(curve))
        .mark_line()
        .encode(x=x, y=alt.Y("expected_value:Q", title=title), tooltip=tooltip),
        rule.encode(x="value:Q"),
        alt.Chart(here)
        .mark_point(filled=True, size=90, color="black")
        .encode(x=x, y="expected_value:Q", tooltip=tooltip),
    ).properties(height=280)


def gradient_panel(
    curve: pd.DataFrame,
    checks: pd.DataFrame,
    *,
    theta: float,
    title: str = "∇J(θ) (reward units per unit θ)",
) -> alt.LayerChart:
    """Exact ∇J(θ) over a θ sweep (core.objective_curve) with, at the current θ, each check of
    it (`checks`: method, gradient, standard_error) as a marker with ±2 SE error bars
    (zero-width for exact and finite-difference values); legend below."""
    x = alt.X("value:Q", title=THETA_AXIS_TITLE)
    curve_tooltip = [
        alt.Tooltip("value:Q", title="θ", format=".3f"),
        alt.Tooltip("exact_gradient:Q", title="exact ∇J(θ)", format=".5g"),
    ]
    marks = _with_error_bars(checks, "gradient", "standard_error").assign(value=theta)
    order = list(dict.fromkeys(marks["method"]))
    # One horizontal row under the plot: a taller legend would squeeze the plot, since
    # Streamlit fits plot and legend together into the chart's height.
    legend = alt.Legend(orient="bottom", direction="horizontal", title=None, columns=3)
    color = alt.Color("method:N", sort=order, legend=legend)
    shape = alt.Shape("method:N", sort=order, legend=legend)
    mark_tooltip = [
        alt.Tooltip("method:N", title="value"),
        alt.Tooltip("gradient:Q", title="∇J(θ)", format=".6g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
    ]
    mark_base = alt.Chart(marks).encode(x=x, color=color, tooltip=mark_tooltip)
    rule = alt.Chart(pd.DataFrame({"value": [theta]})).mark_rule(strokeDash=[4, 4], color="gray")
    return alt.layer(
        alt.Chart(downsample(curve))
        .mark_line(color="#4c78a8")
        .encode(x=x, y=alt.Y("exact_gradient:Q", title=title), tooltip=curve_tooltip),
        rule.encode(x="value:Q"),
        mark_base.mark_rule(strokeWidth=3).encode(y="low:Q", y2="high:Q"),
        mark_base.mark_point(size=120, filled=False, strokeWidth=2).encode(
            y="gradient:Q", shape=shape
        ),
    ).properties(height=280)


def score_histogram_chart(sample: pd.DataFrame, *, width: int | None = None) -> alt.FacetChart:
    """Histogram of score values s_j (core.score_trace's `score`), one panel per parameter, with
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
                title="score s_j (per unit θ_j)",
            ),
            y=alt.Y("count():Q", title="draws"),
            tooltip=tooltip,
        )
    )
    zero = alt.Chart().mark_rule(color="black", strokeDash=[4, 4]).encode(x=alt.datum(0))
    return (
        alt.layer(bars, zero, data=data)
        .properties(width=width, height=200)
        .facet(facet=alt.Facet("param:N", title="parameter"), columns=3)
        .resolve_scale(x="independent")  # one count axis: every panel has n draws
    )


def score_running_mean_chart(trace: pd.DataFrame, *, width: int | None = None) -> alt.FacetChart:
    """Running mean of each score component over draws (log x) shrinking to 0 inside the exact
    ±2·√(I_jj/N) band; one panel per parameter. `trace` is core.score_trace."""
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
    y_title = "running mean of s (per unit θ_j)"
    base = alt.Chart().encode(x=x, tooltip=tooltip)
    band = base.mark_area(opacity=0.2, color="#9ecae9").encode(
        y=alt.Y("low:Q", title=y_title), y2="high:Q"
    )
    zero = base.mark_rule(color="black", strokeDash=[4, 4]).encode(y=alt.datum(0))
    line = base.mark_line(color="#e45756").encode(y=alt.Y("running_mean:Q", title=y_title))
    return (
        alt.layer(band, zero, line, data=data)
        .properties(width=width, height=200)
        .facet(facet=alt.Facet("param:N", title="parameter"), columns=3)
        .resolve_scale(y="independent")
    )


def log_thin_groups(frame: pd.DataFrame, group: str, column: str, max_rows: int = 1_000):
    """`log_thin` within each group (e.g. per parameter), groups kept in order of appearance."""
    parts = [log_thin(part, column, max_rows) for _, part in frame.groupby(group, sort=False)]
    return pd.concat(parts, ignore_index=True) if parts else frame


def fisher_curve_chart(
    exact: pd.DataFrame, points: pd.DataFrame, *, parameter_title: str
) -> alt.LayerChart:
    """Exact Fisher information I_jj as θ_j sweeps (line; core.objective_curve's
    fisher_information) with Monte Carlo estimates ± 2 SE at a few values (core.fisher_curve)."""
    x = alt.X("value:Q", title=parameter_title)
    y_title = "Fisher information I_jj (per θ_j²)"
    line = (
        alt.Chart(downsample(exact))
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("fisher_information:Q", title=y_title),
            tooltip=[
                alt.Tooltip("value:Q", title="θ_j", format=".3f"),
                alt.Tooltip("fisher_information:Q", title="exact I_jj", format=".5g"),
            ],
        )
    )
    data = _with_error_bars(points, "estimate", "standard_error")
    tooltip = [
        alt.Tooltip("value:Q", title="θ_j", format=".3f"),
        alt.Tooltip("estimate:Q", title="Monte Carlo mean of s²", format=".5g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
        alt.Tooltip("exact:Q", title="exact I_jj", format=".5g"),
    ]
    base = alt.Chart(data).encode(x=x, tooltip=tooltip)
    bars = base.mark_rule(color="#e45756", strokeWidth=2).encode(y="low:Q", y2="high:Q")
    dots = base.mark_point(color="#e45756", filled=True, size=60).encode(y="estimate:Q")
    return alt.layer(line, bars, dots).properties(height=260)


def variance_vs_n_chart(
    curve: pd.DataFrame, fits: pd.DataFrame, *, width: int | None = None
) -> alt.FacetChart:
    """Var[ĝ_N] against N on log-log axes: the exact σ²/N line (solid), Monte Carlo variances
    with ±2 SE bands of log Var (points, rules) and the fitted power law (dashed), one panel
    per parameter, colour per estimator. `curve` is core.variance_sweep (several estimators
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
    y_title = "Var[ĝ_N] (gradient units², log scale)"
    y_scale = alt.Scale(type="log")
    color = alt.Color("estimator:N", title="estimator", legend=alt.Legend(orient="bottom"))
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
    return (
        alt.layer(exact, fit, bars, dots, data=data)
        .properties(width=width, height=300)
        .facet(column=alt.Column("param:N", title="parameter"))
        .resolve_scale(y="independent")
    )


def spread_chart(
    estimates: pd.DataFrame, *, value_title: str, width: int | None = None
) -> alt.FacetChart:
    """The individual N-sample estimates (core.sweep_estimates) as a jittered strip per N on one
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
            color=alt.Color("estimator:N", legend=None),
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
