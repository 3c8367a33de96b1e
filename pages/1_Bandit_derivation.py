"""Page 1: the two-armed bandit, derived line by line with the visitor's numbers, then checked."""

import numpy as np
import pandas as pd
import streamlit as st

import core
from ui import cached
from ui.cached import show_chart
from ui.cached_456 import bandit_spec, problem_code
from ui.common import check_badge, page_header, show_input_error, what_to_notice
from ui.controls_456 import URL, seed_input, work_budget
from ui.exports import export_results
from ui.formatting import tex_factor, tex_number
from ui.links import link_snapshot, notice_rejected_link_values
from ui.problem_controls import bandit_controls

TABLE_ROWS = 10
THETA_GRID = tuple(np.round(np.linspace(-6.0, 6.0, 241), 6).tolist())

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
    spec = bandit_controls()
    st.header("Sampling")
    n = st.number_input(
        "Monte Carlo draws n", 2, 100_000, 1_000, 100, key="n", bind=URL,
        help="Actions sampled to estimate ∇J(θ); the same draws fill the table and the chart.",
    )  # fmt: skip
    seed = seed_input()
    st.header("Gradient ascent")
    steps = st.slider("steps", 1, 200, 40, key="steps", bind=URL)
    batch = st.slider("draws per step", 1, 1_000, 10, key="batch", bind=URL)
    learning_rate = st.slider("learning rate η", 0.01, 5.0, 0.5, 0.01, key="lr", bind=URL)

notice_rejected_link_values(snapshot)
with st.sidebar:
    work_budget([([n] + [batch] * steps, 1)], "Lower the draws n, the steps or the draws per step.")
_, theta, (r0, r1) = spec
problem_line = f"problem = {problem_code(spec)}"

try:
    steps_table = cached.bandit_derivation(spec)
    draws = cached.running_estimate(spec, n, seed)
    finite_difference = cached.finite_difference_check(spec)
    # The sweep replaces θ, so key the cache on the rewards alone: moving θ reuses the curve.
    curve = cached.objective_curve(bandit_spec(0.0, r0, r1), THETA_GRID, 0)
    ascent = cached.gradient_ascent(spec, steps, batch, learning_rate, seed)
except ValueError as error:
    show_input_error(error, "Reset the controls in the sidebar to their defaults.")
    st.stop()

d = steps_table.iloc[0]
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
estimate, standard_error = float(last["running_mean"]), float(last["standard_error"])
fd = finite_difference.iloc[0]
exact_col, mc_col, fd_col = st.columns(3)
with exact_col:
    st.metric("Exact ∇J(θ), closed form", f"{exact:.6g}")
    st.caption("(r(1) − r(0)) · σ(θ)(1 − σ(θ)), the last line above.")
with mc_col:
    st.metric(f"Monte Carlo from n = {n:,} draws", f"{estimate:.4f} ± {standard_error:.2g}")
    check_badge(core.check_agreement(estimate, exact, standard_error), "vs exact")
with fd_col:
    st.metric(
        "Finite difference of exact J", f"{fd['finite_difference']:.8g}",
        help=f"[J(θ + h) − J(θ − h)] / 2h with h = {fd['step']:.0e}",
    )  # fmt: skip
    mark = "✓" if fd["passed"] else "✗"
    text = (
        f"vs exact: |FD − exact| = {fd['abs_error']:.1e} {mark} (tolerance "
        f"{fd['tolerance']:.1e}; deterministic, so no false alarms)"
    )
    (st.success if fd["passed"] else st.error)(text, icon="✅" if fd["passed"] else "❌")

# --- 3. with numbers ----------------------------------------------------------------------------
st.header("3 · With numbers: the first draws")
table_col, chart_col = st.columns([3, 2])
with table_col:
    first = draws[draws["draw"] <= TABLE_ROWS]
    st.dataframe(
        pd.DataFrame(
            {
                "draw": first["draw"],
                "a": first["x"].astype(int),
                "r(a)": first["f"],
                "∇θ log π(a)": first["score"],
                "r(a)·∇θ log π(a)": first["term"],
                "running mean": first["running_mean"],
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.3f")
            for name in ("r(a)", "∇θ log π(a)", "r(a)·∇θ log π(a)", "running mean")
        },
    )
    st.caption(
        f"Each draw's term r(a)·∇θ log π(a) is an unbiased one-sample estimate of ∇J = "
        f"{exact:.6g}; their running mean settles on it as draws accumulate."
    )
with chart_col:
    show_chart("running_mean_chart", draws, value_title="running mean of r(a)·∇θ log π(a)")
    st.caption(
        f"Red: running mean over all {n:,} draws. Dashed: exact ∇J. Shaded: exact ± 2σ/√N "
        f"with σ² = {core.per_sample_variance(core.Bandit(theta, (r0, r1)))[0]:.4g}, the "
        "per-draw variance."
    )
export_results(
    draws,
    "bandit_draws.csv",
    "import core\n\n"
    f"{problem_line}\n"
    f"table = core.running_estimate(problem, {n}, seed={seed})\n"
    "table.head(10)",
    "draw: index of the sampled action; x: action a (0 or 1); f: reward r(a); score: "
    "∇θ log π(a); term: r(a)·score; running_mean: mean of the first `draw` terms; "
    "exact_gradient: exact ∇J(θ); standard_error / exact_standard_error: measured s/√draw "
    "and exact σ/√draw of the running mean. Every draw up to "
    f"{cached.TRACE_ROWS:,} draws; beyond, {cached.TRACE_ROWS:,} log-spaced draws (the call "
    "returns them all).",
    key="export-draws",
)

# --- 4. the whole curve -------------------------------------------------------------------------
st.header("4 · J(θ) and ∇J(θ) across θ")
checks = pd.DataFrame(
    {
        "method": ["exact", "Monte Carlo ± 2 SE", "finite difference"],
        "gradient": [exact, estimate, float(fd["finite_difference"])],
        "standard_error": [0.0, standard_error, 0.0],
    }
)
objective_col, gradient_col = st.columns(2)
with objective_col:
    st.markdown("**Objective J(θ)**")
    show_chart("objective_panel", curve, theta=theta)
with gradient_col:
    st.markdown("**Gradient ∇J(θ)**")
    show_chart("gradient_panel", curve, checks, theta=theta)
st.caption(
    "Dashed vertical line: your θ. J rises fastest where σ(θ)(1 − σ(θ)) peaks, at θ = 0, and "
    "flattens as the policy becomes certain."
)
export_results(
    curve,
    "bandit_objective_curve.csv",
    "import numpy as np\nimport core\n\n"
    f"{problem_line}\n"
    "curve = core.objective_curve(problem, np.linspace(-6, 6, 241))",
    "value: θ; expected_value: exact J(θ) = E[r(a)] (reward units); exact_gradient: "
    "exact ∇J(θ); fisher_information: σ(θ)(1 − σ(θ)).",
    key="export-curve",
)

# --- 5. gradient ascent -------------------------------------------------------------------------
st.header("5 · Climb J by sampling")
st.markdown(
    f"Each step samples {batch} action(s), averages r(a)·∇θ log π(a) into ĝ, and moves "
    f"θ ← θ + {learning_rate:g} · ĝ. No step ever sees the exact gradient."
)
start, end = ascent.iloc[0], ascent.iloc[-1]
show_chart(
    "ascent_chart",
    ascent.assign(run="score function, no baseline"),
    objective_title="exact J(θ) (reward)",
)
st.caption(
    f"θ went from {start['value']:.3g} to {end['value']:.3g} and J from "
    f"{start['expected_value']:.4g} to {end['expected_value']:.4g} in {steps} steps "
    f"(the best possible J is max(r(0), r(1)) = {max(r0, r1):g})."
)
export_results(
    ascent,
    "bandit_gradient_ascent.csv",
    "import core\n\n"
    f"{problem_line}\n"
    f"run = core.gradient_ascent(problem, steps={steps}, n={batch}, "
    f"learning_rate={learning_rate!r}, seed={seed})",
    "step: update number; value: θ before the step; gradient_estimate: the sampled ĝ used "
    "for the step; exact_gradient: exact ∇J at that θ; expected_value: exact J(θ).",
    key="export-ascent",
)

what_to_notice(
    "The score is 1 − σ(θ) for arm 1 and −σ(θ) for arm 0: positive for the arm the policy "
    "picked, negative for the other, and zero on average.",
    "Only r(1) − r(0) enters the gradient: adding a constant to both rewards changes every "
    "single term r(a)·∇θ log π(a) (try it in the table), but not their mean.",
    "The Monte Carlo estimate is unbiased but noisy; its error shrinks like 1/√n — the band "
    "in section 3 — which is the subject of the Variance page.",
)
