"""Page 2: the score has mean zero and covariance equal to the Fisher information — checked."""

import numpy as np
import pandas as pd
import streamlit as st

from ui import cached
from ui.agreement import check_rows, labels, summary_badge
from ui.cached import show_chart
from ui.cached_456 import build_problem, problem_code
from ui.common import page_header, show_input_error, what_to_notice
from ui.controls_456 import URL, seed_input, work_budget
from ui.exports import export_results
from ui.formatting import interval_column
from ui.links import link_snapshot, notice_rejected_link_values
from ui.problem_controls import BANDIT, GAUSSIAN, SOFTMAX, problem_controls

FISHER_POINTS = 9
CURVE_POINTS = 121
# Where each parameter is swept for the Fisher-information curve.
SWEEP_RANGES = {
    (BANDIT, "theta"): (-6.0, 6.0),
    (GAUSSIAN, "mu"): (-3.0, 3.0),
    (GAUSSIAN, "sigma"): (0.3, 3.0),
}
DEFAULT_RANGE = {SOFTMAX: (-5.0, 5.0)}

page_header(
    "Score checks: E[s] = 0 and Cov[s] = Fisher information",
    "The score s(x) = ∇θ log p(x|θ) is what the log-derivative trick multiplies the reward by. "
    "Two facts make the trick work and tell how noisy it is: the score averages to **zero**, "
    "and its covariance is the **Fisher information** I(θ). Pick a distribution; each Monte "
    "Carlo number below sits beside its exact value with a 95% confidence interval and a check.",
)
snapshot = link_snapshot()

with st.sidebar:
    st.header("Distribution")
    # The score and its moments do not depend on the reward, so no reward controls here.
    choice = problem_controls(rewards=False)
    if choice.note:
        st.caption(choice.note)
    st.header("Sampling")
    n = st.number_input(
        "draws n", 100, 200_000, 5_000, 500, key="n", bind=URL,
        help="Samples x ~ p(x|θ) behind the mean, covariance, histogram and running mean.",
    )  # fmt: skip
    seed = seed_input()
    try:
        problem = build_problem(choice.spec)
    except ValueError as error:
        show_input_error(error, "Reset the distribution's controls to their defaults.")
        st.stop()
    sweep = st.selectbox(
        "Fisher curve over", problem.params, key="sweep", bind=URL,
        help="The parameter swept for the Fisher-information curve; the others stay fixed.",
    )  # fmt: skip

notice_rejected_link_values(snapshot)
with st.sidebar:
    work_budget([([n, n] + [n] * FISHER_POINTS, 1)], "Lower the draws n.")
spec, params = choice.spec, problem.params
parameter = params.index(sweep)
low, high = SWEEP_RANGES.get((choice.label, sweep), DEFAULT_RANGE.get(choice.label, (-2.0, 2.0)))
curve_values = tuple(np.round(np.linspace(low, high, CURVE_POINTS), 6).tolist())
point_values = tuple(np.round(np.linspace(low, high, FISHER_POINTS), 6).tolist())
problem_line = f"problem = {problem_code(spec)}"

try:
    check = cached.score_check(spec, n, seed)
    trace = cached.score_trace(spec, n, seed)
    sample = cached.score_sample(spec, n, seed)
    fisher_exact = cached.objective_curve(spec, curve_values, parameter)
    fisher_points = cached.fisher_curve(spec, point_values, n, parameter, seed)
except ValueError as error:
    show_input_error(error, "Reset the controls in the sidebar to their defaults.")
    st.stop()

# --- 1. mean zero ---------------------------------------------------------------------------------
st.header("1 · The score averages to zero")
st.latex(
    r"\begin{aligned}"
    r"\mathbb{E}[s] = \int p(x\mid\theta)\,\nabla_\theta \log p(x\mid\theta)\,dx"
    r" = \int \nabla_\theta p(x\mid\theta)\,dx = \nabla_\theta \int p(x\mid\theta)\,dx"
    r" = \nabla_\theta 1 = 0"
    r"\end{aligned}"
)
means = check[check["quantity"] == "mean score"].reset_index(drop=True)
mean_checks = check_rows(means, "estimate", "exact", "standard_error")
st.dataframe(
    pd.DataFrame(
        {
            "parameter": means["row"],
            f"Monte Carlo mean of s (n = {n:,}) [95% CI]": interval_column(means),
            "exact E[s]": means["exact"],
            "check (4 SE)": labels(mean_checks),
        }
    ),
    hide_index=True,
    width="stretch",
)
summary_badge(mean_checks, "E[s] = 0")

# --- 2. covariance = Fisher ---------------------------------------------------------------------
st.header("2 · Its covariance is the Fisher information")
st.latex(
    r"\begin{aligned}"
    r"\operatorname{Cov}[s] = \mathbb{E}\big[s\,s^\top\big]"
    r" = I(\theta) = -\,\mathbb{E}\big[\nabla_\theta^2 \log p(x\mid\theta)\big]"
    r" \quad (\text{because } \mathbb{E}[s] = 0)"
    r"\end{aligned}"
)
fisher = check[check["quantity"] == "fisher"].reset_index(drop=True)
fisher_checks = check_rows(fisher, "estimate", "exact", "standard_error")
fisher = fisher.assign(
    cell=interval_column(fisher),
    check=labels(fisher_checks),
)
fisher["interval_check"] = [
    f"{interval.split(' ', 1)[1]}  {label}"
    for interval, label in zip(fisher["cell"], fisher["check"], strict=True)
]


def matrix(column: str) -> pd.DataFrame:
    """One column of the long Fisher table as a d × d matrix with parameter names."""
    table = fisher.pivot(index="row", columns="col", values=column)
    return table.loc[list(params), list(params)]


if len(params) == 1:
    st.dataframe(
        pd.DataFrame(
            {
                "parameter": fisher["row"],
                f"Monte Carlo mean of s² (n = {n:,}) [95% CI]": fisher["cell"],
                "exact I(θ)": fisher["exact"],
                "check (4 SE)": fisher["check"],
            }
        ),
        hide_index=True,
        width="stretch",
    )
else:
    exact_col, estimate_col = st.columns(2)
    with exact_col:
        st.markdown("**Exact Fisher information I(θ)**")
        st.dataframe(matrix("exact").style.format("{:.4g}"), width="stretch")
    with estimate_col:
        st.markdown(f"**Monte Carlo mean of s sᵀ, n = {n:,}**")
        st.dataframe(matrix("estimate").style.format("{:.4g}"), width="stretch")
    st.markdown("**Each Monte Carlo entry: its 95% CI, and |MC − exact| in standard errors**")
    st.dataframe(matrix("interval_check"), width="stretch")
summary_badge(fisher_checks, "Cov[s] = I(θ)")
export_results(
    check,
    "score_check.csv",
    f"import core\n\n{problem_line}\ncheck = core.score_check(problem, {n}, seed={seed})",
    "quantity: 'mean score' (E[s_row]) or 'fisher' (E[s_row s_col]); row, col: parameter "
    "names; estimate: Monte Carlo mean over n draws; standard_error: its SE (score units, "
    "squared for fisher); exact: 0 or the Fisher information entry.",
    key="export-check",
)

# --- 3. draw by draw ----------------------------------------------------------------------------
st.header("3 · Draw by draw")
st.markdown("**Histogram of score values**")
show_chart("score_histogram_chart", sample)
st.caption(
    "Positive and negative scores balance exactly: the mean is zero (dashed). A discrete "
    "distribution's score takes only a few values, one per outcome."
)
st.markdown("**Running mean of s converging to 0**")
show_chart("score_running_mean_chart", trace)
st.caption(
    "Shaded: the exact ±2·√(I_jj/N) band — the score's variance is the Fisher information, "
    "so the running mean leaves the band only about 1 time in 20."
)
export_results(
    trace,
    "score_running_mean.csv",
    f"import core\n\n{problem_line}\ntrace = core.score_trace(problem, {n}, seed={seed})",
    "draw: number of draws N; param: parameter; score: that draw's score s_j; running_mean: "
    "mean of s_j over the first N draws; exact_standard_error: √(I_jj/N). Kept at up to "
    f"{cached.TRACE_ROWS:,} log-spaced draws per parameter (the call gives every draw).",
    key="export-trace",
)

# --- 4. Fisher information across the parameter ---------------------------------------------------
st.header(f"4 · Fisher information as {sweep} varies")
point_checks = check_rows(fisher_points, "estimate", "exact", "standard_error")
show_chart(
    "fisher_curve_chart",
    fisher_exact,
    fisher_points,
    parameter_title=f"{sweep} (other parameters fixed)",
)
summary_badge(point_checks, f"Monte Carlo I({sweep}) at {FISHER_POINTS} values")
st.caption(
    f"Line: exact I_jj for j = {sweep}. Points: mean of s_j² over n = {n:,} fresh draws at "
    f"each value, ± 2 SE. High Fisher information means the score swings widely — and so "
    "does every score-function gradient term."
)
export_results(
    fisher_points,
    "fisher_curve_points.csv",
    "import numpy as np\nimport core\n\n"
    f"{problem_line}\n"
    f"points = core.fisher_curve(problem, np.linspace({low}, {high}, {FISHER_POINTS}), {n}, "
    f"parameter={parameter}, seed={seed})\n"
    f"exact = core.objective_curve(problem, np.linspace({low}, {high}, {CURVE_POINTS}), "
    f"parameter={parameter})",
    "value: the swept parameter's value; param: its name; estimate: Monte Carlo mean of s_j² "
    "over n draws; standard_error: its SE; exact: the exact Fisher information I_jj.",
    key="export-fisher",
)

what_to_notice(
    "E[s] = 0 for every distribution: that is why subtracting a constant baseline b from the "
    "reward never biases the gradient — E[b·s] = b·E[s] = 0.",
    "The score's spread is the Fisher information: where I(θ) is large the score — and every "
    "term f(x)·s(x) — is noisy; for the Gaussian, I(σ) = 2/σ² blows up as σ shrinks.",
    "For a softmax the Fisher matrix is singular (its rows sum to zero): adding the same "
    "constant to every logit changes nothing, and the score knows it.",
)
