"""Page 2: the score has mean zero and covariance equal to the Fisher information — checked."""

import streamlit as st

from core.calls import Call, Grid
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.cache import show_chart
from ui.checks import check_rows, summary_badge
from ui.controls import URL, problem_help, problem_selector, seed_input, work_budget
from ui.deferred import below_first_screen
from ui.exports import export
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

FISHER_POINTS = 9
CURVE_POINTS = 121
# Where each parameter is swept for the Fisher-information curve.
SWEEP_RANGES = {
    ("bandit", "theta"): (-6.0, 6.0),
    ("gaussian", "mu"): (-3.0, 3.0),
    ("gaussian", "sigma"): (0.3, 3.0),
}
DEFAULT_RANGE = {"softmax": (-5.0, 5.0)}

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
    choice = problem_selector(use="moments", help=problem_help())
    if choice.note:
        st.caption(choice.note)
    st.header("Sampling")
    n = st.number_input(
        "draws n", 100, 200_000, 5_000, 500, key="n", bind=URL,
        help="Samples x ~ p(x|θ) behind the mean, covariance, histogram and running mean.",
    )  # fmt: skip
    seed = seed_input()

notice_rejected_link_values(snapshot)
problem = choice.problem_or_stop("Reset the distribution's controls to their defaults.")
work_budget(
    lambda values: work_of([values["n"]] * (2 + FISHER_POINTS)),
    [Setting("n", n, range(100, n, 500), "n = {:,} draws")],
    "lower the draws n.",
)
params = problem.params
check_call = Call.of("score_check", problem, n, seed=seed)
trace_call = Call.of("score_studies.score_trace", problem, n, seed=seed)
with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
    check = cache.compute(check_call)
    trace = cache.trace(trace_call, group="param")
    sample = cache.sample(trace_call, ("draw", "param", "score"), "param")

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
tables.score_means(means, mean_checks, n)
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
tables.fisher_matrix(fisher, fisher_checks, params, n)
summary_badge(fisher_checks, "Cov[s] = I(θ)")
export(check, "score_check.csv", check_call, "score_check", key="export-check", name="check")

# --- 3. draw by draw ----------------------------------------------------------------------------
st.header("3 · Draw by draw")
st.markdown("**Histogram of score values**")
show_chart("score_histogram_chart", sample)
st.caption(
    "Positive and negative scores balance exactly: the mean is zero (dashed). A discrete "
    "distribution's score takes only a few values, one per outcome."
)


def running_mean_section() -> None:
    st.markdown("**Running mean of s converging to 0**")
    show_chart("score_running_mean_chart", trace)
    st.caption(
        "Shaded: the exact band of ± 2 standard errors, 2·√(I/N), with I the parameter's Fisher "
        "information — the score's variance is the Fisher information, so the running mean "
        "leaves the band only about 1 time in 20."
    )
    export(
        trace, "score_running_mean.csv", trace_call, "score_trace", key="export-trace",
        name="trace", rows=cache.TRACE_ROWS,
    )  # fmt: skip


# --- 4. Fisher information across the parameter ---------------------------------------------------
@guarded_fragment
def fisher_curve_section() -> None:
    """Section 4 with its own control, the parameter swept: changing it reruns only this section."""
    heading = st.empty()
    sweep = st.columns([1, 2])[0].selectbox(
        "Fisher curve over", params, key="sweep", bind=URL,
        help="The parameter swept for the Fisher-information curve; the others stay fixed.",
    )  # fmt: skip
    notice_rejected_link_values(snapshot, ("sweep",))
    heading.header(f"4 · Fisher information as {sweep} varies")
    parameter = params.index(sweep)
    default_range = DEFAULT_RANGE.get(choice.name, (-2.0, 2.0))
    low, high = SWEEP_RANGES.get((choice.name, sweep), default_range)
    points_call = Call.of(
        "score_studies.fisher_curve",
        problem,
        Grid(low, high, FISHER_POINTS),
        n,
        parameter=parameter,
        seed=seed,
    )
    exact_call = Call.of(
        "objective_curve", problem, Grid(low, high, CURVE_POINTS), parameter=parameter
    )
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        fisher_exact = cache.compute(exact_call)
        fisher_points = cache.compute(points_call)
    point_checks = check_rows(fisher_points, "estimate", "exact", "standard_error")
    show_chart(
        "fisher_curve_chart",
        fisher_exact,
        fisher_points,
        parameter_title=f"{sweep} (other parameters fixed)" if len(params) > 1 else sweep,
    )
    summary_badge(point_checks, f"Monte Carlo I({sweep}) at {FISHER_POINTS} values")
    st.caption(
        f"Line: the exact Fisher information of {sweep}, I({sweep}). Points: the mean of the "
        f"squared score over n = {n:,} fresh draws at each value, ± 2 SE. High Fisher "
        "information means the score swings widely — and so does every score-function "
        "gradient term."
    )
    export(
        fisher_points, "fisher_curve_points.csv", [("points", points_call), ("exact", exact_call)],
        "fisher_curve", key="export-fisher",
    )  # fmt: skip


# The first screen ends with the histogram; the rest comes just after it (ui.deferred).
below_first_screen(running_mean_section, fisher_curve_section)

what_to_notice(
    "E[s] = 0 for every distribution: that is why subtracting a constant baseline b from the "
    "reward never biases the gradient — E[b·s] = b·E[s] = 0.",
    "The score's spread is the Fisher information: where I(θ) is large the score — and every "
    "term f(x)·s(x) — is noisy; for the Gaussian, I(σ) = 2/σ² blows up as σ shrinks.",
    "For a softmax the Fisher matrix is singular (its rows sum to zero): adding the same "
    "constant to every logit changes nothing, and the score knows it.",
)
