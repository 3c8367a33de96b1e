"""The surrogate-loss page's charts: the loss value beside J along an ascent run, and plain
against natural gradient ascent over many seeds."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _with_error_bars, downsample
from ui.charts.palette import levels_color, series_color

STEP_AXIS = alt.X("step:Q", title="step t (one update per step)")


def loss_objective_chart(run: pd.DataFrame) -> alt.Chart:
    """core.surrogate.loss_value_run's exact J(θ_t) over the steps of the run."""
    return (
        alt.Chart(downsample(run))
        .mark_line(color="black")
        .encode(
            x=STEP_AXIS,
            y=alt.Y("expected_value:Q", title="exact J(θ_t)", scale=alt.Scale(zero=False)),
            tooltip=[
                alt.Tooltip("step:Q"),
                alt.Tooltip("expected_value:Q", title="exact J(θ_t)", format=".5g"),
            ],
        )
        .properties(height=200)
    )


def loss_value_chart(run: pd.DataFrame, curves: pd.DataFrame) -> alt.LayerChart:
    """core.surrogate.loss_value_run: the exact E[L_b(θ_t)] of each constant baseline b along the
    run's path (lines, the run's own b marked) and the run's sampled loss ± 2 exact SE (points)."""
    names = {
        b: f"b = {b:g}{' (this run)' if own else ''}"
        for b, own in curves.drop_duplicates("baseline")[["baseline", "run_baseline"]].itertuples(
            index=False
        )
    }
    lines = curves.assign(b=curves["baseline"].map(names))
    expected = (
        alt.Chart(downsample(lines))
        .mark_line()
        .encode(
            x=STEP_AXIS,
            y=alt.Y("expected_loss:Q", title="loss L (reward units)"),
            color=levels_color(
                "b",
                [names[b] for b in sorted(names)],
                "exact E[L_b(θ_t)]",
                alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("step:Q"),
                alt.Tooltip("baseline:Q", title="baseline b", format=".4g"),
                alt.Tooltip("expected_loss:Q", title="exact E[L_b(θ_t)]", format=".5g"),
                alt.Tooltip("expected_value:Q", title="exact J(θ_t)", format=".5g"),
            ],
        )
    )
    sampled = _with_error_bars(
        downsample(run.dropna(subset=["loss"])), "loss", "loss_standard_error"
    )
    points = alt.Chart(sampled).encode(
        x=STEP_AXIS,
        tooltip=[
            alt.Tooltip("step:Q"),
            alt.Tooltip("loss:Q", title="sampled L_t", format=".5g"),
            alt.Tooltip("expected_loss:Q", title="exact E[L_t]", format=".5g"),
            alt.Tooltip("loss_standard_error:Q", title="exact SE", format=".3g"),
        ],
    )
    bars = points.mark_rule(color="#7f7f7f", opacity=0.5).encode(y="low:Q", y2="high:Q")
    dots = points.mark_point(color="#333333", filled=True, size=25).encode(y="loss:Q")
    return alt.layer(expected, bars, dots).properties(height=260)


def natural_ascent_chart(table: pd.DataFrame, *, runs: int) -> alt.LayerChart:
    """core.natural_gradient.natural_gradient_ascent: per rule, the mean over runs of the exact
    J(θ_t) inside its ±2 SE band, and the same rule with the exact gradient (dashed)."""
    # Legend swatches as the lines are drawn (the band's 0.25 opacity would pale them).
    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolOpacity=1)
    color = series_color("method", list(table["method"]), "update rule", legend)
    tooltip = [
        alt.Tooltip("method:N", title="rule"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("mean_expected_value:Q", title=f"mean J over {runs} runs", format=".5g"),
        alt.Tooltip("standard_error:Q", title="SE of the mean", format=".2g"),
        alt.Tooltip("exact_path:Q", title="J with the exact gradient", format=".5g"),
        alt.Tooltip("learning_rate:Q", title="step size η", format=".4g"),
    ]
    base = alt.Chart(downsample(table)).encode(x=STEP_AXIS, color=color, tooltip=tooltip)
    band = base.mark_area(opacity=0.25).encode(
        y=alt.Y("low:Q", title="exact J(θ_t) (reward units)", scale=alt.Scale(zero=False)),
        y2="high:Q",
    )
    mean = base.mark_line(strokeWidth=2).encode(y="mean_expected_value:Q")
    exact = base.mark_line(strokeDash=[6, 3], opacity=0.8).encode(y="exact_path:Q")
    return alt.layer(band, mean, exact).properties(height=300)
