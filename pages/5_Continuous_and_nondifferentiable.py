"""Continuous and non-differentiable rewards: score function, pathwise and measure-valued gradients
of a Gaussian side by side, and a linear-Gaussian policy, each checked against exact values."""

import pandas as pd
import streamlit as st

import core
from ui import cached_456 as cached
from ui.agreement import (
    CHECK_COLUMN,
    check_rows,
    labels,
    plus_minus_column,
    rough_variance_caveat,
    summary_badge,
)
from ui.charts import ESTIMATOR_TITLES, cost_density_chart, estimator_comparison_chart
from ui.common import page_header, show_input_error, what_to_notice
from ui.controls_456 import URL, gaussian_controls, seed_input, work_budget
from ui.custom_cost import custom_cost_fix, custom_cost_input
from ui.exports import export_results
from ui.links import link_snapshot, notice_rejected_link_values

SAMPLE_SIZES = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
ESTIMATOR_COUNT = len(core.ESTIMATORS)


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
    spec = gaussian_controls()
    spec = custom_cost_input(spec)  # the visitor's own f(x), checked by core.parse_expression

    st.header("Monte Carlo")
    n = st.select_slider("Samples n", SAMPLE_SIZES, value=2_000, key="n", bind=URL)
    seed = seed_input()

    st.header("Linear-Gaussian policy")
    st.caption("States s ~ N(0, I₂), action a ~ N(wᵀs, σ²), reward −(a − w*ᵀs)².")
    left, right = st.columns(2)
    weights = (
        left.slider("w₀", -3.0, 3.0, 0.0, 0.1, key="w0", bind=URL),
        right.slider("w₁", -3.0, 3.0, 0.0, 0.1, key="w1", bind=URL),
    )
    target = (
        left.slider("target w*₀", -3.0, 3.0, 1.0, 0.1, key="target0", bind=URL),
        right.slider("target w*₁", -3.0, 3.0, -0.5, 0.1, key="target1", bind=URL),
    )
    noise = st.slider("Action noise σ", 0.1, 3.0, 1.0, 0.05, key="noise", bind=URL)
    policy = cached.policy_spec(weights, target, noise)

    # After the last bound widget, before any stop: names link values that could not be used.
    notice_rejected_link_values(snapshot)
    work = work_budget([([n] * 2 * ESTIMATOR_COUNT, 1)], "choose fewer samples.")

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
    "Measure-valued: the derivative of the density is split into two densities, a Weibull pair "
    "for μ and a double-sided Maxwell against a Gaussian for σ, coupled by common random numbers "
    "(Mohamed et al., JMLR 2020, §6)."
)

problem_code = cached.problem_code(spec)
try:
    with st.spinner(f"Drawing {work:,} samples…", show_time=True):
        formula = cached.cost_formula(spec)
        summary = cached.exact_summary(spec)
        grid = cached.cost_and_density(spec)
        comparison = cached.per_sample_comparison(spec, n, seed)
        caveat = cached.rare_outcome_warning(spec, n)
except ValueError as error:
    show_input_error(
        error,
        custom_cost_fix(spec)
        or "for the bump cost k must be > 0; leave k empty to use the cost's default.",
    )
    st.stop()

st.subheader(f"The cost {formula} under N(μ, σ²)")
left, right = st.columns([3, 2])
with left:
    st.altair_chart(cost_density_chart(grid, cost_title="cost f(x)"), width="stretch")
with right:
    st.metric("E[f(x)] (exact)", f"{summary['expected_value'].iloc[0]:.6g}")
    for row in summary.itertuples():
        st.metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")


def checked_table(
    table: pd.DataFrame, value: str, standard_error: str, exact: str, title: str
) -> list:
    """One table of Monte Carlo values ± SE beside their exact values, with a check per row;
    returns the checks. Estimators core declined read 'not available'."""
    checks = check_rows(table, value, exact, standard_error)
    text = pd.Series(plus_minus_column(table, value, standard_error))
    text[~table["available"].astype(bool).to_numpy()] = "not available"
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": table["estimator"].map(ESTIMATOR_TITLES),
                "parameter": table["param"],
                f"{title} (MC ± SE)": text,
                f"{title} (exact)": [
                    "—" if pd.isna(value) else f"{value:.5g}" for value in table[exact]
                ],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
    )
    return checks


def show_comparison(table: pd.DataFrame, what: str, units: str, caveat: str | None = None) -> None:
    """Gradient and per-sample variance tables, one summary badge, an explanation for each
    unavailable estimator, and the chart."""
    gradient_checks = checked_table(
        table, "mean", "mean_standard_error", "exact_gradient", "gradient"
    )
    variance_checks = checked_table(
        table, "variance", "variance_standard_error", "exact_variance", "per-sample variance"
    )
    summary_badge(gradient_checks, f"{what}: gradients", caveat=caveat)
    summary_badge(
        variance_checks,
        f"{what}: per-sample variances",
        caveat=caveat or rough_variance_caveat(table, "variance", "variance_standard_error"),
    )
    for estimator, reason in (
        table.loc[~table["available"].astype(bool), ["estimator", "reason"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        st.info(f"**{ESTIMATOR_TITLES[estimator].capitalize()}:** {reason}", icon="ℹ️")
    st.altair_chart(
        estimator_comparison_chart(
            table.assign(estimator=table["estimator"].map(ESTIMATOR_TITLES)),
            gradient_title=f"gradient ({units} per unit θ)",
            variance_title=f"per-sample variance ({units}² per unit θ²)",
        ),
        width="content",
    )
    st.caption(
        f"Dots: Monte Carlo from n = {n:,} samples, bars ± 2 SE; black ticks: exact values. "
        "The per-sample variance is that of one term; the estimate's variance is it divided by n. "
        "Each estimator draws its own stream spawned from the seed."
    )


st.subheader("Three estimators side by side")
show_comparison(comparison, "Gaussian", "cost", caveat)

# -- results: linear-Gaussian policy ----------------------------------------------------------------
st.subheader("A continuous action: the linear-Gaussian policy")
st.latex(
    r"""\begin{aligned}
& s \sim \mathcal{N}(0, I),\quad a \mid s \sim \mathcal{N}(w^\top s, \sigma^2),\quad
r(s, a) = -\big(a - w^{*\top} s\big)^2 \\
& \nabla_w \log \pi(a \mid s) = \frac{(a - w^\top s)\, s}{\sigma^2},\qquad
J(w) = -\big(\sigma^2 + \lVert w - w^* \rVert^2\big),\qquad \nabla_w J = -2\,(w - w^*)
\end{aligned}"""
)
policy_code = cached.problem_code(policy)
try:
    policy_summary = cached.exact_summary(policy)
    policy_comparison = cached.per_sample_comparison(policy, n, seed)
except ValueError as error:
    show_input_error(error, "pick values inside the controls' ranges.")
    st.stop()
metric_columns = st.columns(len(policy_summary) + 1)
metric_columns[0].metric("J(w) (exact)", f"{policy_summary['expected_value'].iloc[0]:.6g}")
for column, row in zip(metric_columns[1:], policy_summary.itertuples(), strict=True):
    column.metric(f"∂J/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")
show_comparison(policy_comparison, "Policy", "reward")

st.subheader("Export")
columns_note = (
    "estimator; param: parameter; available/reason: whether core offers the estimator here; "
    "mean ± mean_standard_error: the n-sample gradient estimate; exact_gradient; variance ± "
    "variance_standard_error: per-sample variance (MC); exact_variance: its exact value."
)
comparison_code = """import pandas as pd

import core

problem = {problem}
frames = []
for estimator in core.ESTIMATORS:
    try:  # n one-sample estimates = the n per-sample terms
        curve = core.variance_curve(problem, [1], {n}, estimator=estimator, seed={seed})
    except ValueError as reason:  # core declines an estimator it cannot apply, saying why
        print(estimator, "is not available:", reason)
        continue
    frames.append(curve.assign(estimator=estimator))
table = pd.concat(frames, ignore_index=True)"""
export_results(
    comparison,
    "gaussian_estimators.csv",
    comparison_code.format(problem=problem_code, n=n, seed=seed),
    columns_note,
    key="export-gaussian",
)
export_results(
    policy_comparison,
    "policy_estimators.csv",
    comparison_code.format(problem=policy_code, n=n, seed=seed),
    columns_note,
    key="export-policy",
)
export_results(
    grid,
    "cost_and_density.csv",
    f"""import numpy as np

import core

problem = {problem_code}
x = np.linspace(problem.mu - 4 * problem.sigma, problem.mu + 4 * problem.sigma, 401)
cost, density = problem.f(x), np.exp(problem.log_prob(x))""",
    "x: sample value; cost: f(x); density: p(x|μ, σ) (per unit x).",
    key="export-grid",
)

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
