"""Gradient-ascent runs: the parameter and the exact objective step by step."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import category_color, downsample


def ascent_chart(runs: pd.DataFrame, *, objective_title: str) -> alt.VConcatChart:
    """core.gradient_ascent runs (a `run` column) over steps: the exact objective J(θ) at each
    step on top, each parameter's value below."""
    data = downsample(runs)
    color = category_color("run", "run", list(data["run"]))
    # One dash pattern per parameter, with a legend only when there is more than one.
    several = data["param"].nunique() > 1
    dash = alt.StrokeDash("param:N", title="parameter", legend=alt.Legend() if several else None)
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
            strokeDash=dash,
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
