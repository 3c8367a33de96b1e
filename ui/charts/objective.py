"""The running Monte Carlo estimate, and J(θ) and ∇J(θ) across θ."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _with_error_bars, axis_title, downsample, log_thin
from ui.charts.palette import MONTE_CARLO, series_color, series_shape


def running_mean_chart(
    table: pd.DataFrame, *, value_title: str, exact_title: str = "exact ∇J(θ)"
) -> alt.LayerChart:
    """The running Monte Carlo mean over draws (log x) converging to the exact value, inside the
    exact ±2 SE band (exact ± 2σ/√draw). `table` is core.derivation.running_estimate."""
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
        y=alt.Y("low:Q", title=axis_title(value_title)), y2="high:Q"
    )
    exact = base.mark_line(color="black", strokeDash=[6, 3]).encode(y="exact_gradient:Q")
    running = base.mark_line(color=MONTE_CARLO, strokeWidth=2).encode(y="running_mean:Q")
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
        .encode(x=x, y=alt.Y("expected_value:Q", title=axis_title(title)), tooltip=tooltip),
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
    # Two columns under the plot (three overflow a phone): a taller legend would squeeze it, since
    # Streamlit fits plot and legend together into the chart's height.
    legend = alt.Legend(orient="bottom", direction="horizontal", title=None, columns=2)
    color = series_color("method", order, None, legend)
    shape = series_shape("method", order, None, legend)
    mark_tooltip = [
        alt.Tooltip("method:N", title="value"),
        alt.Tooltip("gradient:Q", title="∇J(θ)", format=".6g"),
        alt.Tooltip("standard_error:Q", title="standard error", format=".3g"),
    ]
    mark_base = alt.Chart(marks).encode(x=x, color=color, tooltip=mark_tooltip)
    rule = alt.Chart(pd.DataFrame({"value": [theta]})).mark_rule(strokeDash=[4, 4], color="gray")
    return alt.layer(
        alt.Chart(downsample(curve))
        .mark_line(color="#555555")
        .encode(x=x, y=alt.Y("exact_gradient:Q", title=axis_title(title)), tooltip=curve_tooltip),
        rule.encode(x="value:Q"),
        mark_base.mark_rule(strokeWidth=3).encode(y="low:Q", y2="high:Q"),
        mark_base.mark_point(size=120, filled=False, strokeWidth=2).encode(
            y="gradient:Q", shape=shape
        ),
    ).properties(height=280)
