"""Baselines: subtracting b from the reward leaves the score-function gradient unbiased and moves
its variance along a parabola in b; this page measures every common choice against exact truth."""

import pandas as pd
import streamlit as st

import core
from ui import cached_456 as cached
from ui.agreement import (
    CHECK_COLUMN,
    check_rows,
    labels,
    number_text,
    plus_minus_column,
    rough_variance_caveat,
    summary_badge,
)
from ui.charts import ascent_chart, baseline_parabola_chart
from ui.common import page_header, show_input_error, what_to_notice
from ui.controls_456 import URL, gaussian_controls, seed_input, work_budget
from ui.exports import export_results
from ui.links import link_snapshot, notice_rejected_link_values

PROBLEMS = ("binary bandit", "softmax bandit", "Gaussian cost")
ASCENT_BASELINES = {
    "leave-one-out": "loo",
    "optimal b*": "optimal",
    "batch mean": "mean",
    "constant b": "constant",
}
REPS = (100, 200, 500, 1000, 2000, 4000)

page_header(
    "Baselines",
    "Subtracting a baseline b from the reward, (f(x) − b)·∇log p(x|θ), leaves the gradient "
    "estimate unbiased for any constant b, because the score has mean zero — but it changes the "
    "variance, along a parabola in b with its minimum at b*. This page compares no baseline, a "
    "constant b, the batch mean (slightly biased), leave-one-out and the optimal b*, each Monte "
    "Carlo number beside its exact value.",
)
snapshot = link_snapshot()

# -- controls --------------------------------------------------------------------------------------
with st.sidebar:
    st.header("Problem")
    kind = st.selectbox("Problem", PROBLEMS, key="problem", bind=URL)
    if kind == "binary bandit":
        theta = st.slider("θ (logit of p(a=1))", -10.0, 10.0, 0.0, 0.1, key="theta", bind=URL)
        left, right = st.columns(2)
        r0 = left.number_input("Reward r(0)", -20.0, 20.0, 5.0, 0.5, key="r0", bind=URL)
        r1 = right.number_input("Reward r(1)", -20.0, 20.0, 10.0, 0.5, key="r1", bind=URL)
        spec = cached.bandit_spec(theta, r0, r1)
    elif kind == "softmax bandit":
        st.caption("Three arms, p(a=k) = softmax(logits)ₖ.")
        columns = st.columns(3)
        logits = tuple(
            column.number_input(f"logit {k}", -10.0, 10.0, 0.0, 0.5, key=f"logit{k}", bind=URL)
            for k, column in enumerate(columns)
        )
        rewards = tuple(
            column.number_input(
                f"reward {k}", -20.0, 20.0, float(k + 1), 0.5, key=f"reward{k}", bind=URL
            )
            for k, column in enumerate(columns)
        )
        spec = cached.softmax_spec(logits, rewards)
    else:
        spec = gaussian_controls()
    maximize = kind != "Gaussian cost"

    st.header("Baselines")
    constant = st.slider(
        "Constant baseline b",
        -100.0,
        100.0,
        5.0,
        0.5,
        key="b",
        bind=URL,
        help="Any constant keeps the estimate unbiased; the chart shows its variance.",
    )

    st.header("Monte Carlo")
    n = st.slider("Samples per estimate n", 1, 1000, 10, key="n", bind=URL)
    reps = st.select_slider(
        "Repetitions (estimates per baseline)", REPS, value=1000, key="reps", bind=URL
    )
    seed = seed_input()

    st.header("Gradient ascent")
    steps = st.slider("Steps", 5, 200, 50, key="steps", bind=URL)
    ascent_n = st.slider("Samples per step", 2, 200, 10, key="step_n", bind=URL)
    learning_rate = st.select_slider(
        "Learning rate η",
        (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
        value=0.2,
        key="lr",
        bind=URL,
    )
    ascent_choice = st.selectbox(
        "Baseline of the second run", tuple(ASCENT_BASELINES), key="ascent_b", bind=URL
    )
    ascent_baseline = ASCENT_BASELINES[ascent_choice]
    if ascent_baseline == "constant":
        ascent_baseline = constant

    # After the last bound widget, before any stop: names link values that could not be used.
    notice_rejected_link_values(snapshot)
    work = work_budget(
        [([n] * cached.BASELINE_COMPARISON_COUNT, reps), ([ascent_n] * 2 * steps, 1)],
        "lower the repetitions or the samples per estimate.",
    )

# -- results ---------------------------------------------------------------------------------------
st.latex(
    r"""\begin{aligned}
\hat g_n &= \frac{1}{n}\sum_{i=1}^{n} \big(f(x_i) - b\big)\,\nabla_\theta \log p(x_i \mid \theta),
\qquad \mathbb{E}\big[b\,\nabla_\theta \log p\big] = b\,\mathbb{E}\big[\nabla_\theta \log p\big] = 0 \\
\operatorname{Var}\big[(f - b)\,s\big] &= \mathbb{E}[f^2 s^2] - 2b\,\mathbb{E}[f s^2]
 + b^2\,\mathbb{E}[s^2] - g^2,
\qquad b^* = \frac{\mathbb{E}[f\, s^2]}{\mathbb{E}[s^2]} \ \text{(per parameter)}
\end{aligned}"""
)

problem_code = cached.problem_code(spec)
try:
    with st.spinner(f"Drawing {work:,} samples…", show_time=True):
        summary = cached.exact_summary(spec)
        comparison = cached.baseline_comparison(spec, n, reps, constant, seed)
        low, high = cached.baseline_range(summary, constant)
        curve = cached.baseline_variance_curve(spec, low, high)
        runs = cached.ascent_runs(
            spec, steps, ascent_n, learning_rate, ascent_baseline, maximize, seed
        )
except ValueError as error:
    show_input_error(
        error,
        "pick values inside the controls' ranges; for the bump cost k must be > 0 "
        "(leave k empty for its default of 1).",
    )
    st.stop()

st.subheader("Exact values")
metric_columns = iter(st.columns(2 * len(summary)))
for row in summary.itertuples():
    next(metric_columns).metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")
    next(metric_columns).metric(f"optimal b* for {row.param}", f"{row.optimal_baseline:.6g}")
st.caption(f"E[f] = {summary['expected_value'].iloc[0]:.6g} (exact) for {problem_code}.")

st.subheader("Variance as a function of the baseline")
st.altair_chart(
    baseline_parabola_chart(curve, comparison, summary, n=n, constant=constant),
    width="content",
)
st.caption(
    "Line: exact variance of one sample's term (f − b)·s for each constant b; dashed line: b*. "
    f"Open marks: each baseline's exact n·Var[ĝₙ] at n = {n}; filled dots with bars: Monte Carlo "
    f"n·Var over {reps:,} repetitions ± 2 SE. The batch mean and leave-one-out sit at b = E[f], "
    "where they are on average; their n·Var depends on n."
)

st.subheader("Bias and variance per baseline")
bias_checks = check_rows(comparison, "bias", "exact_bias", "mean_standard_error")
variance_checks = check_rows(comparison, "variance", "exact_variance", "variance_standard_error")
number = st.column_config.NumberColumn(format="%.5g")
st.markdown("**Bias** = mean estimate − exact gradient")
st.dataframe(
    pd.DataFrame(
        {
            "baseline": comparison["baseline"],
            "parameter": comparison["param"],
            "bias (MC ± SE)": plus_minus_column(comparison, "bias", "mean_standard_error"),
            "bias (exact)": comparison["exact_bias"],
            CHECK_COLUMN: labels(bias_checks),
        }
    ),
    hide_index=True,
    column_config={"bias (exact)": number},
)
st.markdown(f"**Variance** of the n = {n} estimate, and its reduction against no baseline")
st.dataframe(
    pd.DataFrame(
        {
            "baseline": comparison["baseline"],
            "parameter": comparison["param"],
            "Var[ĝₙ] (MC ± SE)": plus_minus_column(
                comparison, "variance", "variance_standard_error"
            ),
            "Var[ĝₙ] (exact)": comparison["exact_variance"],
            CHECK_COLUMN: labels(variance_checks),
            "reduction (exact)": comparison["variance_reduction"].map(number_text),
            "reduction (MC)": comparison["monte_carlo_reduction"].map(number_text),
        }
    ),
    hide_index=True,
    column_config={
        "Var[ĝₙ] (exact)": number,
        "reduction (exact)": st.column_config.TextColumn(
            help="Var[no baseline] / Var[this baseline]; ∞ means zero variance."
        ),
        "reduction (MC)": st.column_config.TextColumn(
            help="The same ratio of the Monte Carlo variances; — where this one is zero."
        ),
    },
)
rare_outcome = cached.rare_outcome_warning(spec, n * reps)
summary_badge(bias_checks, "Bias, Monte Carlo vs exact", caveat=rare_outcome)
summary_badge(
    variance_checks,
    "Variance, Monte Carlo vs exact",
    caveat=rare_outcome or rough_variance_caveat(comparison, "variance", "variance_standard_error"),
)
st.caption(
    f"Each row: {reps:,} independent estimates from n = {n} samples each. Bias = mean estimate − "
    "exact gradient; only the batch mean is biased, by exactly −∇E[f]/n, because each f(xᵢ) sits "
    "inside its own baseline."
    + (" Leave-one-out needs n ≥ 2, so it is missing at n = 1." if n < 2 else "")
)

if kind == "binary bandit":
    terms = cached.optimal_baseline_terms(spec)
    st.subheader("Zero variance: the optimal baseline of the binary bandit")
    st.markdown(
        f"With two actions the optimal baseline b* = r(1)·(1 − σ(θ)) + r(0)·σ(θ) = "
        f"**{terms['optimal_baseline'].iloc[0]:.6g}** makes **every** term equal to the exact "
        f"gradient **{terms['exact_gradient'].iloc[0]:.6g}**, whichever action is drawn — a "
        "Monte Carlo estimate with zero variance from a single sample."
    )
    term_checks = [
        core.check_agreement(t, g, 0.0)
        for t, g in zip(terms["term"], terms["exact_gradient"], strict=True)
    ]
    st.dataframe(
        pd.DataFrame(
            {
                "action a": terms["action"].astype(int),
                "p(a|θ)": terms["probability"],
                "r(a)": terms["reward"],
                "score ∂log p(a)/∂θ": terms["score"],
                "term (r(a) − b*)·score": terms["term"],
                "exact gradient": terms["exact_gradient"],
                CHECK_COLUMN: labels(term_checks),
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.6g")
            for name in (
                "p(a|θ)",
                "r(a)",
                "score ∂log p(a)/∂θ",
                "term (r(a) − b*)·score",
                "exact gradient",
            )
        },
    )
    summary_badge(term_checks, "Every term equals the exact gradient")

st.subheader("Gradient ascent with and without a baseline")
final = runs.groupby("run", sort=False).last()
st.markdown(
    f"{steps} steps of θ ← θ {'+' if maximize else '−'} η·ĝ with η = {learning_rate:g} and "
    f"{ascent_n} samples per step, the same seed for both runs, so only the baseline differs. "
    "The objective plotted is the exact J(θ) at each step."
)
metric_columns = st.columns(len(final))
for column, (label, row) in zip(metric_columns, final.iterrows(), strict=True):
    column.metric(f"final J(θ), {label} (exact)", f"{row['expected_value']:.6g}")
st.altair_chart(
    ascent_chart(
        runs, objective_title="exact J(θ) = E[f] (reward units)" if maximize else "exact E[cost]"
    ),
    width="stretch",
)

st.subheader("Export")
export_results(
    comparison,
    "baseline_comparison.csv",
    f"""import core

problem = {problem_code}
table = core.baseline_comparison(problem, n={n}, reps={reps}, constant={constant!r}, seed={seed})
""",
    "baseline: which baseline; param: parameter; mean / exact_mean: mean estimate over reps "
    "(MC / exact); bias, exact_bias: mean − exact gradient; variance, exact_variance: Var of the "
    "n-sample estimate (gradient units²); *_standard_error: SE of the MC mean / variance; "
    "variance_reduction: exact Var[none] / Var[this]; monte_carlo_reduction: the same from the "
    "MC variances (the page adds this column; core does not).",
    key="export-baselines",
)
export_results(
    curve,
    "baseline_variance_curve.csv",
    f"""import numpy as np

import core

problem = {problem_code}
curve = core.baseline_variance_curve(
    problem, np.linspace({low!r}, {high!r}, {cached.BASELINE_CURVE_POINTS})
)""",
    "baseline: the constant b (reward units); param: parameter; variance: exact variance of one "
    "sample's term (f − b)·s (gradient units²); optimal_baseline: b* for that parameter.",
    key="export-curve",
)
ascent_code = (
    f"core.gradient_ascent(problem, steps={steps}, n={ascent_n}, learning_rate={learning_rate!r}, "
    f"baseline={{}}, maximize={maximize}, seed={seed})"
)
export_results(
    runs,
    "gradient_ascent_runs.csv",
    f"""import core

problem = {problem_code}
without = {ascent_code.format("None")}
with_baseline = {ascent_code.format(repr(ascent_baseline))}""",
    "run: which baseline; step; param; value: θ before the step; gradient_estimate: the step's "
    "estimate ĝ; exact_gradient: ∇J at θ; expected_value: exact J(θ).",
    key="export-ascent",
)

what_to_notice(
    "Every constant b leaves the bias at zero (within its SE); only the variance moves, "
    "along the parabola, lowest at b*.",
    "The batch mean is biased by exactly −∇E[f]/n; leave-one-out removes that bias at almost "
    "the same variance.",
    "On the binary bandit, b* makes the variance exactly zero: a single sample gives the exact "
    "gradient.",
    "With the same seed, the run with a baseline climbs more smoothly: less variance per step.",
)
