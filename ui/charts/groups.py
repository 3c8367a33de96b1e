"""Group baselines (none, batch mean, RLOO, GRPO, standardised): bias and variance against the group
size, E[ĝ] against θ and against the reward gap beside ∇J, the softmax cosine, learning curves,
and one group reused for several clipped updates. The numbers come from core.group_baselines and
core.sample_reuse; these builders only draw."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui.charts.base import _with_error_bars, downsample
from ui.charts.palette import series_color

GROUP_ESTIMATOR_TITLES = {
    "none": "none (REINFORCE)",
    "mean": "batch mean (Dr. GRPO)",
    "loo": "leave-one-out (RLOO)",
    "grpo": "GRPO (÷ std)",
    "standardised": "standardised returns",
}
ORDER = list(GROUP_ESTIMATOR_TITLES.values())
TRUE_GRADIENT = "true ∇J(θ)"
WIDTH = 340
# Streamlit fits a single-view chart's axes and legend inside its height (and, drawn with
# width="stretch", inside the column's width): this leaves ~260 px of plot above the legend.
SINGLE_HEIGHT = 380


def _titled(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """`columns` of `frame` (only what the chart draws is sent) and an `estimator_title` column
    (how the legend names each estimator)."""
    return frame[columns].assign(estimator_title=frame["estimator"].map(GROUP_ESTIMATOR_TITLES))


def _estimator_color(with_truth: bool = False, legend: bool = True) -> alt.Color:
    """Colour by estimator from the one palette (ui.charts.palette: RLOO is leave-one-out's
    colour on every page), the true gradient black; legend below, or none."""
    order = [*ORDER, TRUE_GRADIENT] if with_truth else ORDER
    return series_color(
        "estimator_title", order, "estimator",
        alt.Legend(orient="bottom", columns=2, labelLimit=170) if legend else None,
    )  # fmt: skip


_G_AXIS = alt.X(
    "group_size:Q",
    title="group size G (log scale)",
    scale=alt.Scale(type="log", base=2),
    axis=alt.Axis(values=[2, 4, 8, 16, 32, 64]),
)


def group_size_chart(sweep: pd.DataFrame) -> alt.HConcatChart:
    """core.group_baselines.group_sweep at one θ: the exact bias E[ĝ] − ∇J (left) and the exact
    variance Var[ĝ] (right, log scale) against G, each with its Monte Carlo value ± 2 SE."""
    data = _titled(
        sweep,
        ["estimator", "group_size", "samples", "bias", "exact_variance", "variance", "variance_se"],
    )
    color = _estimator_color()
    tooltip = [
        alt.Tooltip("estimator_title:N", title="estimator"),
        alt.Tooltip("group_size:Q", title="G"),
        alt.Tooltip("samples:Q", title="draws per estimate"),
        alt.Tooltip("bias:Q", title="exact bias", format=".5g"),
        alt.Tooltip("exact_variance:Q", title="exact Var[ĝ]", format=".5g"),
        alt.Tooltip("variance:Q", title="MC Var[ĝ]", format=".5g"),
        alt.Tooltip("variance_se:Q", title="its exact SE", format=".2g"),
    ]
    base = alt.Chart(data).encode(x=_G_AXIS, color=color, tooltip=tooltip)
    bias = base.mark_line(point=True).encode(
        y=alt.Y("bias:Q", title="exact bias E[ĝ] − ∇J (gradient units)")
    )
    variance_points = _with_error_bars(data, "variance", "variance_se")
    variance = alt.layer(
        base.mark_line().encode(
            y=alt.Y(
                "exact_variance:Q",
                title="Var[ĝ] (gradient units², log scale)",
                scale=alt.Scale(type="log"),
            )
        ),
        alt.Chart(variance_points)
        .mark_rule()
        .encode(x=_G_AXIS, y="low:Q", y2="high:Q", color=color, tooltip=tooltip),
        alt.Chart(variance_points)
        .mark_point(filled=True, size=30)
        .encode(x=_G_AXIS, y="variance:Q", color=color, tooltip=tooltip),
    )
    return alt.hconcat(
        bias.properties(width=WIDTH, height=240, title="Bias against G"),
        variance.properties(
            width=WIDTH, height=240, title="Variance against G (line exact, dots MC)"
        ),
    ).resolve_scale(color="shared")


def _with_truth(sweep: pd.DataFrame, x: str) -> pd.DataFrame:
    """The estimators' exact means and, as one more 'estimator', the true gradient, long form."""
    means = _titled(sweep, ["estimator", x, "exact_mean"]).drop(columns="estimator")
    truth = sweep.drop_duplicates(x)[[x, "gradient"]].rename(columns={"gradient": "exact_mean"})
    return pd.concat([means, truth.assign(estimator_title=TRUE_GRADIENT)], ignore_index=True)


def _mean_lines(data: pd.DataFrame, x: alt.X, x_tooltip: alt.Tooltip) -> alt.Chart:
    return (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("exact_mean:Q", title="exact E[ĝ] (gradient units)"),
            color=_estimator_color(with_truth=True),
            strokeDash=alt.condition(
                alt.datum.estimator_title == TRUE_GRADIENT, alt.value([6, 3]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("estimator_title:N", title="estimator"),
                x_tooltip,
                alt.Tooltip("exact_mean:Q", title="exact E[ĝ]", format=".5g"),
            ],
        )
    )


def mean_vs_theta_chart(sweep: pd.DataFrame) -> alt.Chart:
    """core.group_baselines.group_exact_sweep over θ at one G: each estimator's exact E[ĝ] and
    the true ∇J(θ) (black, dashed)."""
    x = alt.X("theta:Q", title="θ (logit of p(a = 1))")
    return _mean_lines(
        _with_truth(sweep, "theta"), x, alt.Tooltip("theta:Q", title="θ")
    ).properties(width="container", height=SINGLE_HEIGHT)


def reward_gap_chart(sweep: pd.DataFrame) -> alt.Chart:
    """group_exact_sweep over gap scales: E[ĝ] against r(1) beside ∇J, which grows with the gap
    r(1) − r(0) while GRPO's mean stays put."""
    x = alt.X("top_reward:Q", title="reward of the good arm r(1) (reward units)")
    tooltip = alt.Tooltip("top_reward:Q", title="r(1)", format=".4g")
    lines = _mean_lines(_with_truth(sweep, "top_reward"), x, tooltip)
    points = lines.mark_point(filled=True, size=25)
    return (lines + points).properties(width="container", height=SINGLE_HEIGHT)


def softmax_cosine_chart(sweep: pd.DataFrame) -> alt.FacetChart:
    """group_exact_sweep on the softmax bandit over G × logit_0: cos∠(E[ĝ], ∇J) against G, one
    panel per logit_0 value."""
    data = _titled(sweep, ["estimator", "theta", "group_size", "cosine"]).drop_duplicates(
        ["theta", "group_size", "estimator"]
    )
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=_G_AXIS,
            y=alt.Y("cosine:Q", title="cos∠(E[ĝ], ∇J)", scale=alt.Scale(zero=False)),
            color=_estimator_color(),
            tooltip=[
                alt.Tooltip("estimator_title:N", title="estimator"),
                alt.Tooltip("theta:Q", title="logit of arm 0"),
                alt.Tooltip("group_size:Q", title="G"),
                alt.Tooltip("cosine:Q", title="cosine", format=".6f"),
            ],
        )
        .properties(width=200, height=200)
        .facet(
            column=alt.Column(
                "theta:O",
                title=None,
                header=alt.Header(labelExpr="'logit of arm 0 = ' + datum.value", labelFontSize=12),
            )
        )
    )


def learning_curve_chart(curves: pd.DataFrame) -> alt.LayerChart:
    """core.group_baselines.learning_curves: the mean over runs of the exact J(θ_t) against the
    samples drawn, with a band of ± one standard deviation across runs."""
    columns = ["estimator", "step", "samples", "objective", "spread"]
    data = _titled(downsample(curves), columns).assign(
        band_low=lambda frame: frame["objective"] - frame["spread"],
        band_high=lambda frame: frame["objective"] + frame["spread"],
    )
    x = alt.X("samples:Q", title="samples drawn (G per step, the same for every estimator)")
    color = _estimator_color()
    band_color = _estimator_color(legend=False)
    tooltip = [
        alt.Tooltip("estimator_title:N", title="estimator"),
        alt.Tooltip("step:Q"),
        alt.Tooltip("samples:Q"),
        alt.Tooltip("objective:Q", title="mean exact J(θ_t)", format=".5g"),
        alt.Tooltip("spread:Q", title="sd across runs", format=".3g"),
    ]
    band = (
        alt.Chart(data)
        .mark_area(opacity=0.15)
        .encode(x=x, y="band_low:Q", y2="band_high:Q", color=band_color, tooltip=tooltip)
    )
    line = (
        alt.Chart(data)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y(
                "objective:Q", title="exact J(θ_t) (reward units)", scale=alt.Scale(zero=False)
            ),
            color=color,
            tooltip=tooltip,
        )
    )
    return (band + line).properties(width="container", height=SINGLE_HEIGHT)


REUSE_TITLES = {
    "ratio": "ρ = π_θ/π_θold",
    "clipped_ratio": "clip(ρ, 1 − ε, 1 + ε)",
    "true_gradient": "true ∇J(θ_k)",
    "is_gradient": "importance-sampled ∇L_IS",
    "clipped_gradient": "clipped surrogate ∇L",
}


def reuse_chart(reuse: pd.DataFrame, clip_epsilon: float) -> alt.HConcatChart:
    """core.sample_reuse.sample_reuse: exact E[ρ] and E[clip(ρ)] per arm across the epochs, with
    the clip range 1 ± ε (left); the exact mean of ∇J(θ_k), the importance-sampled gradient and
    the clipped surrogate's gradient (right, first parameter)."""
    data = reuse[reuse["quantity"].isin(REUSE_TITLES)].assign(
        what=lambda frame: frame["quantity"].map(REUSE_TITLES)
    )
    ratios = data[data["quantity"].isin(["ratio", "clipped_ratio"])].assign(
        arm=lambda frame: "arm " + frame["position"].astype(str)
    )
    gradients = data[data["quantity"].str.endswith("gradient") & (data["position"] == 0)]
    x = alt.X("epoch:Q", title="update k on the same samples", axis=alt.Axis(tickMinStep=1))
    tooltip = [
        alt.Tooltip("what:N", title="quantity"),
        alt.Tooltip("epoch:Q"),
        alt.Tooltip("exact:Q", title="exact mean", format=".5g"),
        alt.Tooltip("monte_carlo:Q", title="Monte Carlo", format=".5g"),
    ]
    limits = pd.DataFrame({"limit": [1 - clip_epsilon, 1 + clip_epsilon]})
    ratio_chart = alt.layer(
        alt.Chart(ratios)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("exact:Q", title="exact mean of the ratio", scale=alt.Scale(zero=False)),
            color=series_color("arm", list(ratios["arm"]), "arm", alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash(
                "what:N", title=None, legend=alt.Legend(orient="bottom", symbolType="stroke")
            ),
            tooltip=[alt.Tooltip("arm:N"), *tooltip],
        ),
        alt.Chart(limits)
        .mark_rule(color="gray", strokeDash=[2, 2])
        .encode(y="limit:Q", tooltip=[alt.Tooltip("limit:Q", title="clip limit 1 ± ε")]),
    ).properties(width=WIDTH, height=240, title="Importance ratio per arm")
    gradient_chart = (
        alt.Chart(gradients)
        .mark_line(point=True)
        .encode(
            x=x,
            y=alt.Y("exact:Q", title="exact mean (gradient units)"),
            color=alt.Color(
                "what:N",
                title=None,
                scale=alt.Scale(scheme="dark2"),
                legend=alt.Legend(orient="bottom", columns=1),
            ),  # fmt: skip
            tooltip=tooltip,
        )
        .properties(width=WIDTH, height=240, title="Gradients at θ_k (first parameter)")
    )
    return alt.hconcat(ratio_chart, gradient_chart).resolve_scale(
        color="independent", strokeDash="independent"
    )
