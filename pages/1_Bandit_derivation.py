"""Page 1: the two-armed bandit, derived line by line with the visitor's numbers, then checked."""

import streamlit as st

from core.calls import Call, Grid
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.cache import show_chart
from ui.controls import URL, problem_controls, seed_input, work_budget
from ui.deferred import below_first_screen
from ui.exports import export
from ui.format import tex_factor, tex_number
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

page_header(
    "The two-armed bandit, derived",
    "A policy picks arm 1 with probability σ(θ) and arm 0 otherwise; arm a pays r(a). "
    "Below, the policy gradient ∇J(θ) is derived line by line **with your numbers**, then "
    "checked three ways: by sampling actions (Monte Carlo), by finite differences of the exact "
    "J(θ), and by letting gradient ascent climb J.",
)
snapshot = link_snapshot()

with st.sidebar:
    st.header("Bandit")
    choice = problem_controls("bandit")
    st.header("Sampling")
    n = st.number_input(
        "Monte Carlo draws n", 2, 100_000, 1_000, 100, key="n", bind=URL,
        help="Actions sampled to estimate ∇J(θ); the same draws fill the table and the chart.",
    )  # fmt: skip
    seed = seed_input()

notice_rejected_link_values(snapshot)
sidebar_settings = [Setting("n", n, range(2, n), "n = {:,} draws")]
work_budget(
    lambda values: work_of([values["n"]]),
    sidebar_settings,
    "lower the draws n.",
    sidebar_subject="The sidebar's settings (all but the gradient ascent)",
)
problem = choice.problem_or_stop("Reset the controls in the sidebar to their defaults.")
theta, (r0, r1) = float(problem.theta[0]), problem.rewards.tolist()
draws_call = Call.of("derivation.running_estimate", problem, n, seed=seed)
curve_call = Call.of("objective_curve", problem, Grid(-6.0, 6.0, 241))
with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
    d = vars(cache.compute(Call.of("bandit_derivation", problem)))
    draws = cache.trace(draws_call)
    fd = cache.compute(Call.of("derivation.finite_difference_check", problem)).iloc[0]
    curve = cache.compute(curve_call)
    variance = cache.compute(Call.of("per_sample_variance", problem))[0]
exact = float(d["gradient"])

# --- 1. the derivation ------------------------------------------------------------------------
st.header("1 · The derivation, with your numbers")
s, one_minus_s = tex_number(d["prob_one"]), tex_number(d["prob_zero"])
st.latex(
    rf"""\begin{{aligned}}
\pi_\theta(1) &= \sigma(\theta) = \sigma({tex_number(theta)}) = {s}
  && \text{{the policy}} \\
\pi_\theta(0) &= 1 - \sigma(\theta) = {one_minus_s} \\[4pt]
\log \pi_\theta(1) &= \log \sigma(\theta) = {tex_number(d["log_prob_one"])}
  && \text{{log-likelihoods}} \\
\log \pi_\theta(0) &= \log\big(1 - \sigma(\theta)\big) = {tex_number(d["log_prob_zero"])} \\[4pt]
\nabla_\theta \log \pi_\theta(1) &= 1 - \sigma(\theta) = {tex_number(d["score_one"])}
  && \text{{their gradients, as }} \sigma' = \sigma(1 - \sigma) \\
\nabla_\theta \log \pi_\theta(0) &= -\sigma(\theta) = {tex_number(d["score_zero"])} \\[4pt]
\nabla_\theta J(\theta) &= \mathbb{{E}}_{{a \sim \pi_\theta}}
  \big[r(a)\, \nabla_\theta \log \pi_\theta(a)\big]
  && \text{{the log-derivative trick}} \\
&= \pi_\theta(1)\, r(1)\, \big(1 - \sigma(\theta)\big)
  + \pi_\theta(0)\, r(0)\, \big(-\sigma(\theta)\big)
  && \text{{the expectation over both arms}} \\
&= {s} \cdot {tex_factor(r1)} \cdot {tex_factor(d["score_one"])}
  + {one_minus_s} \cdot {tex_factor(r0)} \cdot {tex_factor(d["score_zero"])}
  && \text{{your numbers}} \\
&= {tex_number(d["weighted_term_one"])} + {tex_factor(d["weighted_term_zero"])} \\[4pt]
&= \big(r(1) - r(0)\big)\, \sigma(\theta)\big(1 - \sigma(\theta)\big)
  && \text{{collect the terms}} \\
&= ({tex_number(r1)} - {tex_factor(r0)}) \cdot {tex_number(d["sigmoid_slope"])}
  = \mathbf{{{tex_number(exact, 6)}}}
\end{{aligned}}"""
)
st.caption(
    f"J(θ) = E[r(a)] = {d['expected_value']:.6g}. No derivative of r is needed: only samples "
    "of a and the score ∇θ log π(a) — which is why the same recipe works for any reward."
)

# --- 2. three checks of one number --------------------------------------------------------------
st.header("2 · Check it three ways")
last = draws.iloc[-1]
# The ± is the exact SE σ/√n (σ² the exact variance of one draw's term), as the check's is:
# the sample's own SE is 0 whenever every draw hits one arm.
estimate, standard_error = float(last["running_mean"]), float(last["exact_standard_error"])
check = cache.compute(Call.of("checks.mean_checks", problem, n, (estimate,)))[0]
tables.gradient_three_ways(
    exact, estimate, standard_error, fd, n,
    exact_note="(r(1) − r(0)) · σ(θ)(1 − σ(θ)), the last line above.", check=check,
)  # fmt: skip


@guarded_fragment
def gradient_ascent_section() -> None:
    """Section 5 with its own controls: moving one reruns and redraws only this section."""
    steps_col, batch_col, rate_col = st.columns(3)
    steps = steps_col.slider("steps", 1, 200, 40, key="steps", bind=URL)
    batch = batch_col.slider("draws per step", 1, 1_000, 10, key="batch", bind=URL)
    learning_rate = rate_col.slider("learning rate η", 0.01, 5.0, 0.5, 0.01, key="lr", bind=URL)
    notice_rejected_link_values(snapshot, ("steps", "batch", "lr"))
    within_cap = work_budget(
        lambda values: work_of([values["n"]] + [values["batch"]] * values["steps"]),
        [
            Setting("batch", batch, range(1, batch), "{:,} draws per step"),
            Setting("steps", steps, range(1, steps), "{:,} steps"),
            *sidebar_settings,
        ],
        "lower the steps or the draws per step here, or the draws n in the sidebar.",
        section="gradient ascent",
    )
    if within_cap is None:
        return
    ascent_call = Call.of(
        "gradient_ascent", problem, steps=steps, n=batch, learning_rate=learning_rate, seed=seed
    )
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        ascent = cache.compute(ascent_call)
    st.markdown(
        f"Each step samples {batch} action(s), averages r(a)·∇θ log π(a) into ĝ, and moves "
        f"θ ← θ + {learning_rate:g} · ĝ. No step ever sees the exact gradient."
    )
    start, end = ascent.iloc[0], ascent.iloc[-1]
    show_chart("ascent_chart", ascent.assign(run="score function, no baseline"),
               objective_title="exact J(θ) (reward)")  # fmt: skip
    st.caption(
        f"θ went from {start['value']:.3g} to {end['value']:.3g} and J from "
        f"{start['expected_value']:.4g} to {end['expected_value']:.4g} in {steps} steps "
        f"(the best possible J is max(r(0), r(1)) = {max(r0, r1):g})."
    )
    export(ascent, "bandit_gradient_ascent.csv", ascent_call, "gradient_ascent",
           key="export-ascent", name="run")  # fmt: skip


def lower_sections() -> None:
    """Sections 3–6, drawn after the first screen (ui.deferred)."""
    # --- 3. with numbers ----------------------------------------------------------------------------
    st.header("3 · With numbers: the first draws")
    table_col, chart_col = st.columns([3, 2])
    with table_col:
        tables.first_draws(draws)
        st.caption(
            f"Each draw's term r(a)·∇θ log π(a) is an unbiased one-sample estimate of ∇J = "
            f"{exact:.6g}; their running mean settles on it as draws accumulate."
        )
    with chart_col:
        show_chart("running_mean_chart", draws, value_title="running mean of r(a)·∇θ log π(a)")
        st.caption(
            f"Solid line: running mean over all {n:,} draws. Dashed: exact ∇J. Shaded: exact ± 2σ/√N "
            f"with σ² = {variance:.4g}, the per-draw variance."
        )
    export(draws, "bandit_draws.csv", draws_call, "running_estimate", key="export-draws",
           tail="table.head(10)", rows=cache.TRACE_ROWS)  # fmt: skip

    # --- 4. the whole curve -------------------------------------------------------------------------
    st.header("4 · J(θ) and ∇J(θ) across θ")
    checks = tables.gradient_checks(exact, estimate, standard_error, fd["finite_difference"])
    tables.objective_and_gradient(curve, checks, theta)
    st.caption(
        "Dashed vertical line: your θ. J rises fastest where σ(θ)(1 − σ(θ)) peaks, at θ = 0, and "
        "flattens as the policy becomes certain."
    )
    export(curve, "bandit_objective_curve.csv", curve_call, "objective_curve", key="export-curve",
           name="curve")  # fmt: skip

    # --- 5. gradient ascent -------------------------------------------------------------------------
    st.header("5 · Climb J by sampling")
    gradient_ascent_section()

    # --- 6. what the log buys ------------------------------------------------------------------------
    st.header("6 · What the log buys")
    st.markdown(
        "Three routes to the same ∇J. The exact sum needs every action; a sample a ~ π sees each "
        "action only in proportion π(a), so averaging r(a)∇π(a) over samples weights each term by "
        "π(a) once too often. Writing ∇π = π ∇log π puts that weight p in front, where sampling "
        "supplies it, and leaves r(a)∇log π(a) to average: **the log divides out the weight that "
        "sampling adds.**"
    )
    routes_call = Call.of("log_derivative.log_derivative_routes", problem, n, seed=seed)
    routes_running_call = Call.of("log_derivative.log_derivative_running", problem, n, seed=seed)
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        actions = cache.compute(Call.of("log_derivative.action_table", problem))
        routes = cache.compute(routes_call)
        routes_running = cache.trace(routes_running_call, "route")
    tables.log_derivative_lines(actions)
    tables.log_derivative_routes(routes)
    show_chart("routes_running_chart", routes_running, value_title="running mean of the term")
    st.caption(
        f"The same {n:,} draws, averaged two ways. Each route's running mean settles inside the "
        "exact ± 2 SE band about its own exact mean (thin dashed); only the log-derivative one is "
        "∇J (black dashed)."
    )
    export(routes, "bandit_three_routes.csv", routes_call, "log_derivative_routes",
           key="export-routes", name="routes")  # fmt: skip


below_first_screen(lower_sections)

what_to_notice(
    "The score is 1 − σ(θ) for arm 1 and −σ(θ) for arm 0: positive for the arm the policy "
    "picked, negative for the other, and zero on average.",
    "Only r(1) − r(0) enters the gradient: adding a constant to both rewards changes every "
    "single term r(a)·∇θ log π(a) (try it in the table), but not their mean.",
    "The Monte Carlo estimate is unbiased but noisy; its error shrinks like 1/√n — the band "
    "in section 3 — which is the subject of the Variance page.",
)
