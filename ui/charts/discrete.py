"""Charts of the discrete estimators: variance × evaluations against θ, the relaxations' bias
and variance against the temperature τ, and the antithetic + leave-one-out trap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _log_band, _with_error_bars
from ui.charts.palette import series_color

# Below this a variance × evaluations is zero to rounding: left off the log axis.
LOG_FLOOR = 1e-12
# Monte Carlo points whose SE exceeds this multiple of their value have no band a log axis
# can draw (e^{±2·SE/value} over- or underflows): they are left off, their line stays.
MAX_RELATIVE_SE = 10.0


def _estimator_color(frame: pd.DataFrame, columns: int = 3) -> alt.Color:
    """Colour by estimator, legend in rows of `columns` under the plot (Streamlit fits plot
    and legend together into the chart's height, so a short legend keeps the plot tall)."""
    order = list(dict.fromkeys(frame["label"]))
    legend = alt.Legend(
        orient="bottom", direction="horizontal", title=None, columns=columns, labelLimit=150
    )
    return series_color("label", order, None, legend)


def theta_variance_chart(sweep: pd.DataFrame, theta: float, width: int = 640) -> alt.LayerChart:
    """Exact variance × evaluations of every estimator against θ on a log axis (from
    core.discrete_estimators.discrete_theta_sweep), Monte Carlo ± 2 exact SE as points where
    the sweep has them; biased estimators dashed; a rule at the chosen θ."""
    frame = sweep[sweep["variance_x_evaluations"] > LOG_FLOOR].assign(
        kind=lambda t: t["biased"].map({True: "biased", False: "unbiased"})
    )
    base = alt.Chart(frame).encode(
        x=alt.X("theta:Q", title="θ (logit)"),
        y=alt.Y(
            "variance_x_evaluations:Q",
            title="variance × evaluations",
            scale=alt.Scale(type="log"),
        ),
        color=_estimator_color(frame),
        strokeDash=alt.StrokeDash(
            "kind:N",
            legend=None,
            scale=alt.Scale(domain=["unbiased", "biased"], range=[[1, 0], [6, 3]]),
        ),  # fmt: skip
        tooltip=[
            alt.Tooltip("label:N", title="estimator"),
            alt.Tooltip("theta:Q", title="θ", format=".2f"),
            alt.Tooltip("evaluations:Q", title="evaluations"),
            alt.Tooltip("variance_x_evaluations:Q", title="variance × evaluations", format=".4g"),
            alt.Tooltip("bias:Q", title="bias (exact)", format=".4g"),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"theta": [theta]})).mark_rule(color="gray").encode(x="theta:Q")
    layers = [base.mark_line(), rule]
    if "mc_variance" in frame:
        points = frame.assign(
            monte_carlo=frame["mc_variance"] * frame["evaluations"],
            monte_carlo_se=frame["variance_standard_error"] * frame["evaluations"],
        )
        # ±2 SE of log(value) (delta method): a bar on a log axis never crosses zero.
        shown = (points["monte_carlo"] > LOG_FLOOR) & (
            points["monte_carlo_se"] < MAX_RELATIVE_SE * points["monte_carlo"]
        )
        points = _log_band(points[shown], "monte_carlo", "monte_carlo_se")
        marks = alt.Chart(points).encode(
            x="theta:Q", color=_estimator_color(frame), tooltip=[
                alt.Tooltip("label:N", title="estimator"),
                alt.Tooltip("theta:Q", title="θ", format=".2f"),
                alt.Tooltip("monte_carlo:Q", title="variance × evaluations (MC)", format=".4g"),
                alt.Tooltip("monte_carlo_se:Q", title="exact SE", format=".2g"),
            ],
        )  # fmt: skip
        layers += [
            marks.mark_point(size=18, filled=True).encode(y="monte_carlo:Q"),
            marks.mark_rule().encode(y=alt.Y("low:Q", scale=alt.Scale(type="log")), y2="high:Q"),
        ]
    return alt.layer(*layers).properties(width=width, height=440)


def temperature_chart(
    sweep: pd.DataFrame, quantity: str, temperature: float, width: int = 300
) -> alt.LayerChart:
    """Exact bias (quantity "bias") or variance ("variance") of the relaxations against τ on a
    log τ axis (core.discrete_estimators.relaxation_temperature_sweep), Monte Carlo ± 2 SE
    (the exact SE) as points, and a rule at the chosen τ."""
    if quantity == "bias":
        frame = sweep.assign(
            exact=sweep["bias"],
            monte_carlo=sweep["mc_mean"] - sweep["exact_gradient"],
            monte_carlo_se=sweep["mean_standard_error"],
        )
        title, scale = "bias E[ĝ] − ∇J", alt.Scale(type="linear")
    else:
        frame = sweep.assign(
            exact=sweep["variance"],
            monte_carlo=sweep["mc_variance"],
            monte_carlo_se=sweep["variance_standard_error"],
        )
        title, scale = "variance of one estimate", alt.Scale(type="log")
    if quantity == "bias":
        frame = _with_error_bars(frame, "monte_carlo", "monte_carlo_se")
    else:  # a log axis: ±2 SE of log(variance), never below zero
        frame = _log_band(frame, "monte_carlo", "monte_carlo_se")
    color = _estimator_color(frame, columns=1)
    x = alt.X("temperature:Q", title="temperature τ", scale=alt.Scale(type="log"))
    tooltip = [
        alt.Tooltip("label:N", title="estimator"),
        alt.Tooltip("temperature:Q", title="τ", format=".3g"),
        alt.Tooltip("exact:Q", title=f"{quantity} (exact)", format=".4g"),
        alt.Tooltip("monte_carlo:Q", title=f"{quantity} (Monte Carlo)", format=".4g"),
        alt.Tooltip("monte_carlo_se:Q", title="exact SE", format=".2g"),
    ]
    base = alt.Chart(frame).encode(x=x, color=color, tooltip=tooltip)
    line = base.mark_line().encode(y=alt.Y("exact:Q", title=title, scale=scale))
    points = base.mark_point(filled=True, size=30).encode(y="monte_carlo:Q")
    bars = base.mark_rule().encode(y="low:Q", y2="high:Q")
    rule = (
        alt.Chart(pd.DataFrame({"temperature": [temperature]}))
        .mark_rule(color="gray", strokeDash=[4, 4])
        .encode(x="temperature:Q")
    )
    return (line + bars + points + rule).properties(width=width, height=340)


def trap_chart(sweep: pd.DataFrame, theta: float, width: int = 640) -> alt.LayerChart:
    """The exact mean of the antithetic pair with and without a leave-one-out baseline against
    the exact gradient ∇J(θ), over θ (core.discrete_estimators.discrete_theta_sweep)."""
    pairs = sweep[sweep["estimator"].isin(["antithetic", "antithetic_loo"])]
    gradient = pairs[pairs["estimator"] == "antithetic"].assign(
        label="exact gradient ∇J", exact_mean=lambda t: t["exact_gradient"]
    )
    frame = pd.concat([gradient, pairs[pairs["estimator"] == "antithetic_loo"]])
    base = alt.Chart(frame).encode(
        x=alt.X("theta:Q", title="θ (logit)"),
        y=alt.Y("exact_mean:Q", title="E[ĝ] (exact)"),
        color=_estimator_color(frame, columns=1),
        tooltip=[
            alt.Tooltip("label:N", title="curve"),
            alt.Tooltip("theta:Q", title="θ", format=".2f"),
            alt.Tooltip("exact_mean:Q", title="E[ĝ]", format=".4g"),
            alt.Tooltip("bias:Q", title="bias", format=".4g"),
        ],
    )
    rule = alt.Chart(pd.DataFrame({"theta": [theta]})).mark_rule(color="gray").encode(x="theta:Q")
    return (base.mark_line() + rule).properties(width=width, height=320)
