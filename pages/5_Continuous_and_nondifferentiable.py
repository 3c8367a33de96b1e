"""Continuous and non-differentiable rewards: score function, pathwise and measure-valued gradients
of a Gaussian side by side, and a linear-Gaussian policy, each checked against exact values."""

import functools

import pandas as pd
import streamlit as st

from core.calls import Call
from core.catalogue import SUBSCRIPTS
from core.logistic_policy import LogisticPolicy
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.controls import URL, problem_controls, seed_input, work_budget
from ui.custom_cost import custom_cost_fix, custom_cost_input
from ui.deferred import below_first_screen
from ui.exports import export
from ui.format import markdown_literal
from ui.guard import guarded_fragment, guarded_section
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

SAMPLE_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
ESTIMATOR_COUNT = 3  # score function, pathwise, measure-valued
TEACHING_DRAWS = 3  # n draws each: the two policies' draw tables and the step cost's autodiff
FIX = "for the bump cost k must be > 0; leave k empty to use the cost's default."


page_header(
    "Continuous and non-differentiable rewards",
    "For x ~ N(μ, σ²) there are three unbiased ways to estimate ∇E[f(x)]: the score function "
    "(needs only log p), the pathwise or reparameterisation gradient (needs f′), and the "
    "measure-valued gradient (needs f at two coupled samples). This page runs all three on the "
    "same cost, shows where the pathwise gradient breaks — a step cost has no useful derivative — "
    "and repeats the comparison for a linear-Gaussian policy with a continuous action.",
)
snapshot = link_snapshot()

# -- controls --------------------------------------------------------------------------------------
with st.sidebar:
    st.header("Gaussian and cost")
    gaussian = problem_controls("gaussian")
    gaussian = custom_cost_input(gaussian)  # the visitor's own f(x), checked by parse_expression

    st.header("Monte Carlo")
    n = st.select_slider("Samples n", SAMPLE_SIZES, value=2_000, key="n", bind=URL)
    seed = seed_input()

    # After the last bound widget, before any stop: names link values that could not be used.
    notice_rejected_link_values(snapshot)

work = work_budget(
    lambda values: work_of([values["n"]] * (2 * ESTIMATOR_COUNT + TEACHING_DRAWS)),
    [Setting("n", n, SAMPLE_SIZES, "n = {:,} samples")],
    "choose fewer samples.",
)

# -- results: Gaussian ----------------------------------------------------------------------------
st.latex(
    r"""\begin{aligned}
\text{score function:}\quad & f(x)\,\nabla_\theta \log p(x \mid \theta),
 && \nabla_{(\mu,\sigma)} \log p = \Big(\tfrac{x-\mu}{\sigma^2},\
 \tfrac{(x-\mu)^2 - \sigma^2}{\sigma^3}\Big) \\
\text{pathwise:}\quad & f'(x)\,\frac{\partial x}{\partial \theta},
 && x = \mu + \sigma\varepsilon,\ \ \frac{\partial x}{\partial(\mu,\sigma)} = (1,\ \varepsilon) \\
\text{measure-valued:}\quad & c_\theta\,\big(f(x^{+}) - f(x^{-})\big),
 && \partial_\theta\, p(x \mid \theta) = c_\theta\,\big(p^{+}(x) - p^{-}(x)\big)
\end{aligned}"""
)
st.caption(
    "Measure-valued: the density's derivative is written as the difference of two other "
    "densities, and f is compared at one sample from each, drawn with shared random numbers so "
    "the two samples stay close (for μ the two densities are Weibull-shaped; for σ a "
    "double-sided Maxwell against a Gaussian; Mohamed et al., JMLR 2020, §6)."
)


@guarded_section
def gaussian_section() -> tuple[pd.DataFrame, Call, pd.DataFrame, Call]:
    """The cost under N(μ, σ²) and the three estimators on it; when its values are refused, the
    reason is shown here, the section returns None and the policy sections below still run.
    Returns the section's two downloads, each table with the call that made it."""
    problem = gaussian.problem_or_stop(FIX)
    comparison_call = Call.of("estimator_comparison", problem, n, seed=seed)
    grid_call = Call.of("summaries.cost_and_density", problem)
    with (
        stop_on_input_error(custom_cost_fix(problem) or FIX),
        st.spinner(f"Drawing {work:,} samples…", show_time=True),
    ):
        formula = cache.compute(Call.of("summaries.cost_formula", problem))
        summary = cache.compute(Call.of("summaries.exact_summary", problem))
        grid = cache.compute(grid_call)
        comparison = cache.compute(comparison_call)
        caveat = cache.compute(Call.of("reliability.rare_outcome_warning", problem, n))

    st.subheader(f"The cost {markdown_literal(formula)} under N(μ, σ²)")  # may be the visitor's
    left, right = st.columns([3, 2])
    with left:
        cache.show_chart("cost_density_chart", grid, cost_title="cost f(x)")
    with right:
        st.metric("E[f(x)] (exact)", f"{summary['expected_value'].iloc[0]:.6g}")
        for row in summary.itertuples():
            st.metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")

    st.subheader("Three estimators side by side")
    tables.estimator_comparison(comparison, "Gaussian", "cost", n, caveat)
    return comparison, comparison_call, grid, grid_call


gaussian_downloads = gaussian_section()
POLICY_FIX = "pick values inside the controls' ranges."


# -- results: linear-Gaussian policy ----------------------------------------------------------------
@guarded_fragment
def linear_gaussian_section() -> None:
    """The linear-Gaussian policy with its own controls (w, w*, σ) beside it: moving one reruns
    only this section (its samples, n per estimator, are counted with the sidebar's)."""
    st.subheader("A continuous action: the linear-Gaussian policy")
    st.latex(
        r"""\begin{aligned}
& s \sim \mathcal{N}(0, I),\quad a \mid s \sim \mathcal{N}(w^\top s, \sigma^2),\quad
r(s, a) = -\big(a - w^{*\top} s\big)^2 \\
& \nabla_w \log \pi(a \mid s) = \frac{(a - w^\top s)\, s}{\sigma^2},\qquad
J(w) = -\big(\sigma^2 + \lVert w - w^* \rVert^2\big),\qquad \nabla_w J = -2\,(w - w^*)
\end{aligned}"""
    )
    with st.container(border=True):
        policy_choice = problem_controls("policy", "continuous")
    notice_rejected_link_values(snapshot, ("w0", "w1", "target0", "target1", "noise"))
    policy = policy_choice.problem_or_stop(POLICY_FIX)
    policy_call = Call.of("estimator_comparison", policy, n, seed=seed)
    with stop_on_input_error(POLICY_FIX):
        policy_summary = cache.compute(Call.of("summaries.exact_summary", policy))
        policy_comparison = cache.compute(policy_call)
    tables.exact_metrics(policy_summary, "J(w) (exact)", "∂J/∂{param} (exact)")
    tables.estimator_comparison(policy_comparison, "Policy", "reward", n)

    st.subheader("The linear-Gaussian policy, draw by draw")
    st.markdown(
        "Each draw samples a state s, then an action a ~ N(wᵀs, σ²); its term for w_j is the "
        "reward times the score (a − wᵀs) s_j/σ². The running mean of the terms estimates "
        "∂J/∂w_j."
    )
    policy_draws_call = Call.of("worked_examples.policy_draws", policy, n, seed=seed)
    with stop_on_input_error(POLICY_FIX):
        policy_draws = cache.trace(policy_draws_call, "param")
    tables.policy_draws(policy_draws, "wᵀs")
    tables.policy_draws_check(
        policy_draws, f"Running means after {n:,} draws vs exact ∇J = −2(w − w*)"
    )
    export(
        tables.shown_draws(policy_draws), "policy_draws.csv", policy_draws_call, "policy_draws",
        key="export-policy-draws", name="draws",
    )  # fmt: skip
    export(
        policy_comparison, "policy_estimators.csv", policy_call, "estimator_comparison",
        key="export-policy",
    )  # fmt: skip


@guarded_fragment
def logistic_section() -> None:
    """The logistic policy with its own controls (its weights) beside it: moving one reruns only
    this section."""
    st.subheader("A discrete action from a linear activation: the logistic policy")
    st.latex(
        r"""\begin{aligned}
& \pi(a = 1 \mid s) = \sigma(w^\top s),\qquad
\nabla_w \log \pi(a \mid s) = \big(a - \sigma(w^\top s)\big)\, s
 && \text{as } \sigma' = \sigma(1 - \sigma) \\
& \nabla_w J = \textstyle\sum_{s} p(s) \sum_{a \in \{0, 1\}} \pi(a \mid s)\, r(s, a)\,
 \big(a - \sigma(w^\top s)\big)\, s && \text{by enumeration of states and actions}
\end{aligned}"""
    )
    with st.container(border=True):
        st.caption("π(a = 1 | s) = σ(wᵀs) over two states s₁ = (1, 2), s₂ = (1, −1).")
        logistic_columns = st.columns(2)
        logistic_weights = tuple(
            column.slider(
                f"w{SUBSCRIPTS[j]} (logistic)", -3.0, 3.0, default, 0.1, key=f"lw{j}", bind=URL
            )  # fmt: skip
            for j, (column, default) in enumerate(zip(logistic_columns, (0.0, 0.5), strict=True))
        )
    notice_rejected_link_values(snapshot, ("lw0", "lw1"))
    with stop_on_input_error("pick logistic weights inside the sliders' ranges."):
        logistic = LogisticPolicy(weights=logistic_weights)
        logistic_lines_call = Call.of("logistic_policy.logistic_derivation", logistic)
        logistic_lines = cache.compute(logistic_lines_call)
        logistic_summary = cache.compute(Call.of("summaries.exact_summary", logistic))
        logistic_fd = cache.compute(Call.of("derivation.finite_difference_check", logistic))
        logistic_draws_call = Call.of("worked_examples.policy_draws", logistic, n, seed=seed)
        logistic_draws = cache.trace(logistic_draws_call, "param")
    st.caption(
        "Rewards r(s, a): in s₁ action 1 pays 1 and action 0 pays 0; in s₂ action 0 pays 2 and "
        "action 1 pays 0. Each state has probability ½."
    )
    tables.logistic_derivation(logistic_lines, logistic_summary["exact_gradient"].tolist())
    tables.finite_difference_badge(logistic_fd)
    tables.policy_draws(logistic_draws, "π(1|s)")
    tables.policy_draws_check(
        logistic_draws, f"Running means after {n:,} draws vs the enumerated ∇J"
    )
    export(
        tables.shown_draws(logistic_draws), "logistic_policy_draws.csv", logistic_draws_call,
        "policy_draws", key="export-logistic-draws", name="draws",
    )  # fmt: skip
    export(logistic_lines, "logistic_policy_derivation.csv", logistic_lines_call,
           "logistic_derivation", key="export-logistic-lines", name="lines")  # fmt: skip


# -- the step cost: autodiff's pathwise gradient, shown ------------------------------------------------
def step_cost_and_exports(
    problem, comparison: pd.DataFrame, comparison_call: Call, grid: pd.DataFrame, grid_call: Call
) -> None:
    """The step cost at the Gaussian's μ, σ (what autodiff returns) and the Gaussian's exports."""
    with stop_on_input_error(FIX):
        step = cache.compute(Call.of("worked_examples.step_cost_at", problem))
        step_call = Call.of("worked_examples.step_cost_autodiff", step, n, seed=seed)
        step_result = cache.compute(step_call)
        step_draws = cache.compute(Call.of("worked_examples.step_cost_draws", step, seed=seed))
    st.subheader(f"The step cost 1[x > {step.cost.k:g}]: what autodiff returns")
    st.markdown(
        "Autodiff differentiates the program it runs. For x = μ + σz the program is the "
        "comparison x > k, whose derivative is 0 at every x ≠ k — and x = k has probability 0. "
        "So every pathwise term f′(x)·∂x/∂μ is 0, and so is their mean, at any n. Yet moving μ "
        "moves probability mass across the jump: ∂μ E[1[x > k]] = ∂μ Φ((μ − k)/σ) = "
        "φ((k − μ)/σ)/σ. The jump's derivative is a Dirac spike δ(x − k), which carries all of "
        "the gradient and which no sample ever lands on. The score function never "
        "differentiates f, so it still works."
    )
    tables.step_autodiff(step_result, step_draws)
    export(step_result, "step_cost_autodiff.csv", step_call, "step_cost_autodiff",
           key="export-step-autodiff", name="autodiff")  # fmt: skip

    st.subheader("Export")
    export(
        comparison, "gaussian_estimators.csv", comparison_call, "estimator_comparison",
        key="export-gaussian",
    )  # fmt: skip
    export(
        grid, "cost_and_density.csv", grid_call, "cost_and_density", key="export-grid",
        name="grid",
    )  # fmt: skip


lower_sections = [linear_gaussian_section, logistic_section]
if gaussian_downloads is not None:
    lower_sections.append(
        functools.partial(step_cost_and_exports, gaussian.problem, *gaussian_downloads)
    )
below_first_screen(*lower_sections)

what_to_notice(
    "All available estimators agree with the exact gradient within their error bars; they "
    "differ in variance, often by an order of magnitude.",
    "The step cost has f′ = 0 almost everywhere: the pathwise gradient would always be 0 and "
    "miss the jump, so core declines it — the score function and measure-valued gradients still "
    "work, because they never differentiate f.",
    "The score function's σ-component is usually the noisiest: its score ((x−μ)² − σ²)/σ³ grows "
    "with x², so rare large draws dominate.",
    "For the policy the pathwise gradient (through a = wᵀs + σε) has several times lower "
    "variance than REINFORCE at the same n.",
)
