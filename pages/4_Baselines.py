"""Baselines: subtracting b from the reward leaves the score-function gradient unbiased and moves
its variance along a parabola in b; this page measures every common choice against exact truth."""

import streamlit as st

from core.calls import Call, Grid
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.controls import (
    LEARNING_RATES,
    REPETITIONS,
    URL,
    ascent_controls,
    problem_selector,
    repetition_controls,
    seed_input,
    work_budget,
)
from ui.deferred import below_first_screen
from ui.exports import export
from ui.format import baseline_title
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

BASELINE_COMPARISON_COUNT = 5  # none, constant, batch mean, leave-one-out, optimal
CURVE_POINTS = 121
FIX = (
    "pick values inside the controls' ranges; for the bump cost k must be > 0 "
    "(leave k empty for its default of 1)."
)

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
    choice = problem_selector(("bandit", "softmax", "gaussian"), "baselines", "Problem")
    maximize = choice.maximize

    st.header("Baselines")
    constant = st.slider(
        "Constant baseline b", -100.0, 100.0, 5.0, 0.5, key="b", bind=URL,
        help="Any constant keeps the estimate unbiased; the chart shows its variance.",
    )  # fmt: skip

    st.header("Monte Carlo")
    n, reps = repetition_controls("Samples per estimate n", "Repetitions (estimates per baseline)")
    seed = seed_input()

    # After the last bound widget, before any stop: names link values that could not be used.
    notice_rejected_link_values(snapshot)


def baselines_work(values) -> int:
    """Samples drawn by the comparison: n per estimate, reps times, per baseline (the ascent
    runs' samples are counted by their own section)."""
    return work_of([values["n"]] * BASELINE_COMPARISON_COUNT, values["reps"])


comparison_settings = [
    Setting("reps", reps, REPETITIONS, "{:,} repetitions"),
    Setting("n", n, range(1, n), "n = {:,} samples per estimate"),
]
work = work_budget(
    baselines_work,
    comparison_settings,
    "lower the repetitions or the samples per estimate n.",
    sidebar_subject="The sidebar's settings (all but the gradient ascent)",
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

problem = choice.problem_or_stop(FIX)
comparison_call = Call.of(
    "comparisons.baseline_study", problem, n=n, reps=reps, constant=constant, seed=seed
)
with stop_on_input_error(FIX), st.spinner(f"Drawing {work:,} samples…", show_time=True):
    summary = cache.compute(Call.of("summaries.exact_summary", problem))
    comparison = cache.compute(comparison_call)
    low, high = cache.compute(Call.of("summaries.baseline_range", problem, constant))
    curve_call = Call.of("baseline_variance_curve", problem, Grid(low, high, CURVE_POINTS))
    curve = cache.compute(curve_call)

st.subheader("Exact values")
tables.gradient_and_optimal_baseline_metrics(summary)
st.caption(f"E[f] = {summary['expected_value'].iloc[0]:.6g} (exact) for {problem!r}.")

st.subheader("Variance as a function of the baseline")
cache.show_chart("baseline_parabola_chart", curve, comparison, summary, n=n, constant=constant)
st.caption(
    "Line: exact variance of one sample's term (f − b)·s for each constant b; dashed line: b*. "
    f"Open marks: each baseline's exact n·Var[ĝₙ] at n = {n}; filled dots with bars: Monte Carlo "
    f"n·Var over {reps:,} repetitions ± 2 SE. The batch mean and leave-one-out sit at b = E[f], "
    "where they are on average; their n·Var depends on n."
)


def bias_and_variance_section() -> None:
    st.subheader("Bias and variance per baseline")
    rare_outcome = cache.compute(Call.of("reliability.rare_outcome_warning", problem, n * reps))
    tables.baseline_bias_and_variance(comparison, n, caveat=rare_outcome, reps=reps)
    st.caption(
        f"Each row: {reps:,} independent estimates from n = {n} samples each. Bias = mean "
        "estimate − exact gradient; only the batch mean is biased, by exactly −∇E[f]/n, because "
        "each f(xᵢ) sits inside its own baseline."
        + (" Leave-one-out needs n ≥ 2, so it is missing at n = 1." if n < 2 else "")
    )


def zero_variance_section() -> None:
    if choice.name != "bandit":
        return
    terms = cache.compute(Call.of("comparisons.optimal_baseline_terms", problem))
    st.subheader("Zero variance: the optimal baseline of the binary bandit")
    st.markdown(
        f"With two actions the optimal baseline b* = r(1)·(1 − σ(θ)) + r(0)·σ(θ) = "
        f"**{terms['optimal_baseline'].iloc[0]:.6g}** makes **every** term equal to the exact "
        f"gradient **{terms['exact_gradient'].iloc[0]:.6g}**, whichever action is drawn — a "
        "Monte Carlo estimate with zero variance from a single sample."
    )
    tables.optimal_baseline_terms(terms)


@guarded_fragment
def gradient_ascent_section() -> None:
    """Two ascent runs with their own controls: moving one reruns and redraws only this section."""
    steps, ascent_n, learning_rate, ascent_baseline = ascent_controls(
        constant, choice.ascent_learning_rate, columns=True
    )
    notice_rejected_link_values(snapshot, ("steps", "step_n", "lr", "ascent_b"))
    within_cap = work_budget(
        lambda values: baselines_work(values) + work_of([values["step_n"]] * 2 * values["steps"]),
        [
            *comparison_settings,
            Setting("step_n", ascent_n, range(2, ascent_n), "{:,} samples per step"),
            Setting("steps", steps, range(5, steps), "{:,} steps"),
        ],
        "lower the steps or the samples per step here, or the repetitions or n in the sidebar.",
        section="gradient ascent",
    )
    if within_cap is None:
        return
    ascent = Call.of("gradient_ascent", problem, steps=steps, n=ascent_n,
                     learning_rate=learning_rate, baseline=None, maximize=maximize, seed=seed)  # fmt: skip
    # The two runs differ only in their baseline.
    ascent_calls = {
        baseline_title(b): ascent.with_keywords(baseline=b) for b in (None, ascent_baseline)
    }
    with stop_on_input_error(FIX):
        runs = cache.labelled_tables(tuple(ascent_calls.items()))
    st.markdown(
        f"{steps} steps of θ ← θ {'+' if maximize else '−'} η·ĝ with η = {learning_rate:g} and "
        f"{ascent_n} samples per step, the same seed for both runs, so only the baseline "
        "differs. The objective plotted is the exact J(θ) at each step."
    )
    tables.ascent_runs(runs, maximize)
    tables.ascent_divergences(ascent_calls, LEARNING_RATES)  # a run that diverged: where, and a fix
    runs_code = list(zip(("without", "with_baseline"), ascent_calls.values(), strict=True))
    export(runs, "gradient_ascent_runs.csv", runs_code, "gradient_ascent_runs",
           key="export-ascent")  # fmt: skip


def gradient_ascent() -> None:
    st.subheader("Gradient ascent with and without a baseline")
    gradient_ascent_section()


def export_section() -> None:
    st.subheader("Export")
    export(comparison, "baseline_comparison.csv", comparison_call, "baseline_study",
           key="export-baselines")  # fmt: skip
    export(curve, "baseline_variance_curve.csv", curve_call, "baseline_variance_curve",
           key="export-curve", name="curve")  # fmt: skip


# The first screen ends with the parabola; everything below it comes just after (ui.deferred).
below_first_screen(
    bias_and_variance_section, zero_variance_section, gradient_ascent, export_section
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
