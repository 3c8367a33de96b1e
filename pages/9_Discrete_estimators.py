"""Discrete estimators: the score function's rivals for discrete choices — antithetic pairs, ARM,
DisARM, RLOO, the unordered-set estimator and the Gumbel-softmax relaxations — compared at an
equal budget of reward evaluations, each Monte Carlo number beside its exact value."""

import numpy as np
import streamlit as st

import core
from core.calls import Call, Grid
from core.relaxations import MAX_EXACT_ARMS
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.controls import URL, seed_input, work_budget
from ui.deferred import below_first_screen
from ui.exports import export
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

FIX = "pick values inside the controls' ranges (k ≤ K for the unordered-set estimator)."
THETAS = Grid(-6.0, 6.0, 25)
TEMPERATURES = tuple(float(t) for t in np.geomspace(0.05, 5.0, 17).round(4))
TEMPERATURE_CHOICES = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0)
ESTIMATES = (2_000, 5_000, 10_000, 20_000, 50_000, 100_000)
TARGETS = {"0.499 (RELAX, Grathwohl et al. 2018)": 0.499, "0.45 (REBAR, Tucker et al. 2017)": 0.45}
BUDGET = 100
THETA_ESTIMATES = 2_000  # Monte Carlo estimates per estimator at each θ of the sweep
TAU_ESTIMATES = 10_000  # … and at each τ of the relaxations' sweep

page_header(
    "Discrete estimators",
    "For a discrete choice the score function (REINFORCE) has well-known rivals. Which is "
    "best depends on what one estimate costs, so every estimator here is priced by its "
    "**variance × reward evaluations**: the variance you get from a fixed budget of calls to "
    "f, times the budget. Exact values come from sums over the cells of the uniform noise, "
    "enumeration, or quadrature; Monte Carlo sits beside each, checked with the exact SE.",
)
snapshot = link_snapshot()

with st.sidebar:
    st.header("Binary choice")
    theta = st.slider("θ (logit of p(b = 1))", -6.0, 6.0, 0.0, 0.1, key="theta", bind=URL)
    left, right = st.columns(2)
    r0 = left.number_input("r(0)", -100.0, 100.0, 5.0, 0.5, key="r0", bind=URL)
    r1 = right.number_input("r(1)", -100.0, 100.0, 10.0, 0.5, key="r1", bind=URL)
    st.header("Estimators")
    k = st.slider("k: draws for RLOO and the unordered set", 2, 16, 2, key="k", bind=URL)
    tau = st.select_slider(
        "temperature τ of the relaxations", TEMPERATURE_CHOICES, 0.5, key="tau", bind=URL,
        help="Gumbel-softmax / Concrete: z = σ((θ + L)/τ). Small τ: less bias, more variance.",
    )  # fmt: skip
    st.header("Monte Carlo")
    n = st.select_slider(
        "estimates per estimator", ESTIMATES, 20_000, key="n", bind=URL,
        help="Independent estimates of each estimator; their mean and variance are checked.",
    )  # fmt: skip
    seed = seed_input()
    notice_rejected_link_values(snapshot)

with stop_on_input_error(FIX):
    binary = core.BernoulliUnits((theta,), "linear", (r0, r1))


def discrete_work(values) -> int:
    """Random numbers drawn: per binary estimate, D uniforms per draw (score, b*, the two
    relaxations: 1 draw; RLOO: k; the four pair estimators: one u each); per categorical
    estimate, 1 per draw and K Gumbels per Gumbel-top-k set or relaxed draw; n estimates each,
    plus the θ sweep (one unit) and the τ sweep (two relaxations). Without "units" and "arms"
    (the sidebar's check): the binary choice, the sweeps and the toy only."""
    k = values["k"]
    binary_draws = 8 + k  # score, b*, RLOO-k, 4 pairs, 2 relaxations
    per_estimate = binary_draws * 2  # binary, toy
    if "units" in values:
        arms = values["arms"]
        relaxed = arms if arms <= MAX_EXACT_ARMS else 0  # the Gumbel-softmax row, K ≤ 4
        categorical_draws = 2 + k + relaxed + (2 * arms if k <= arms else 0)
        per_estimate += binary_draws * values["units"] + categorical_draws  # vector, categorical
    sweeps = work_of([binary_draws] * len(THETAS.values()), THETA_ESTIMATES)
    return (
        work_of([per_estimate], values["n"])
        + sweeps
        + work_of([2] * len(TEMPERATURES), TAU_ESTIMATES)
    )


sidebar_settings = [
    Setting("n", n, ESTIMATES, "{:,} estimates per estimator"),
    Setting("k", k, range(2, k), "k = {:,} draws"),
]
work_budget(
    discrete_work,
    sidebar_settings,
    "lower the estimates per estimator or the draws k.",
    sidebar_subject="The sidebar's settings (all but the vector, toy and categorical problems)",
)
comparison = "discrete_estimators.discrete_comparison"
keywords = {"k": k, "temperature": tau, "n": n, "seed": seed}
calls = {
    "binary": Call.of(comparison, binary, **keywords),
    "theta": Call.of("discrete_estimators.discrete_theta_sweep", binary, THETAS, k=k,
                     temperature=tau, n=THETA_ESTIMATES, seed=seed),
    "tau": Call.of("discrete_estimators.relaxation_temperature_sweep", binary, TEMPERATURES,
                   n=TAU_ESTIMATES, seed=seed),
}  # fmt: skip
with stop_on_input_error(FIX), st.spinner("Computing exact values and Monte Carlo…"):
    results = {name: cache.compute(call) for name, call in calls.items()}

# -- the fair comparison ----------------------------------------------------------------------
st.subheader("The fair comparison: variance × evaluations at one θ")
st.latex(
    r"""\begin{aligned}
b &= 1[u < \sigma(\theta)],\quad b' = 1[u > \sigma(-\theta)],\quad u \sim U(0, 1) \\
\hat g_{\mathrm{ARM}} &= \big(f(b') - f(b)\big)\big(u - \tfrac12\big) \\
\hat g_{\mathrm{DisARM}} &= \tfrac12\big(f(b) - f(b')\big)(-1)^{b'}\,1[b \ne b']\,
\sigma(|\theta|)
\end{aligned}"""
)
st.markdown(
    f"p(b = 1) = σ({theta:g}) = {float(binary.p_one[0]):.4g}, reward r(0) = {r0:g}, "
    f"r(1) = {r1:g}; exact ∇J = **{float(binary.exact_gradient()[0]):.6g}**. Each row is one "
    f"estimate costing *evaluations* calls of f; {n:,} Monte Carlo estimates per row."
)
tables.comparison_table(results["binary"], "Binary choice")
st.caption(
    "Score function: f(b)·(b − σ(θ)); b*: the exact optimal constant (an oracle: it needs the "
    "answer); RLOO-k: k draws, each baselined by the others' mean; antithetic: the pair u, "
    "1 − u averaged; ARM (Yin & Zhou 2019, arXiv:1807.11143) and DisARM (Dong, Mnih & Tucker "
    "2020, arXiv:2006.10680) use that pair's two evaluations. Gumbel-softmax / Concrete (Jang "
    "et al. 2017, arXiv:1611.01144; Maddison et al. 2017, arXiv:1611.00712) differentiates the "
    "linear interpolation f(z) = r(0) + (r(1) − r(0))z, so for this f its straight-through "
    "variant (f′ at the hard b) gives the same numbers. Exact: sums over the cells of u cut at "
    "σ(±θ); RLOO by a sum over its pairs of draws; the relaxations by quadrature (QUADPACK, error shown)."
)

st.subheader("Against θ")
cache.show_chart("theta_variance_chart", results["theta"], theta)
st.caption(
    f"Lines: exact variance × evaluations (gradient units²) on a log axis; points: "
    f"{THETA_ESTIMATES:,} Monte Carlo estimates per θ ± 2 exact SE. Zero is off the axis — "
    "b* is exactly zero "
    "everywhere on a binary choice, and the antithetic pair and DisARM reach zero at θ = 0. "
    "Dashed: biased estimators (their bias is in the table above and the trap below)."
)

# -- relaxations ------------------------------------------------------------------------------
st.subheader("Relaxations: bias and variance against the temperature τ")
left, right = st.columns(2)
with left:
    cache.show_chart("temperature_chart", results["tau"], "bias", tau)
with right:
    cache.show_chart("temperature_chart", results["tau"], "variance", tau)
relaxed = results["binary"].set_index("estimator").loc["gumbel_softmax"]
st.caption(
    f"Lines: exact (quadrature over the logistic noise); points: {TAU_ESTIMATES:,} Monte Carlo "
    "estimates "
    f"± 2 exact SE; dashed rule: τ = {tau:g}, where the bias is {relaxed['bias']:.4g} and the "
    f"variance {relaxed['variance']:.4g}. Both relaxations are **biased** for E[f(b)]: the bias "
    "shrinks as τ → 0 while the variance grows like 1/τ."
)

# -- the trap ---------------------------------------------------------------------------------
st.subheader("The antithetic + leave-one-out trap")
trap = results["binary"].set_index("estimator")
loo = trap.loc["antithetic_loo"]
st.markdown(
    "Baselining each member of an antithetic pair by the other, "
    "½(f(b) − f(b′))(s(b) − s(b′)), looks like RLOO with k = 2 — but b′ is a function of b's "
    "noise, so the baseline is not independent of the draw it corrects and E[f(b′) s(b)] ≠ 0. "
    f"Here E[ĝ] = **{loo['exact_mean']:.6g}** against ∇J = **{loo['exact_gradient']:.6g}**: "
    f"a bias of **{loo['bias']:+.6g}** "
    f"({loo['bias'] / loo['exact_gradient']:+.1%} of the gradient), exact."
    if loo["exact_gradient"] != 0
    else f"Here the bias is {loo['bias']:+.6g} (exact)."
)
cache.show_chart("trap_chart", results["theta"], theta)

# -- vector, toy and categorical: a section with its own controls ------------------------------
st.subheader("More problems: a vector of units, the REBAR / RELAX toy, K arms")


@guarded_fragment
def more_problems_section() -> None:
    """The vector, toy and categorical problems (and the advice and downloads that use them),
    with their own controls beside them: moving one reruns only this section."""
    units_col, target_col, arms_col = st.columns(3)
    units = units_col.slider("D: binary units in the vector", 1, 10, 6, key="units", bind=URL)
    target_label = target_col.selectbox("target t in (b − t)²", list(TARGETS), key="t", bind=URL)
    arms = arms_col.slider("K arms (logits θ, 0, …, 0; rewards 1…K)", 2, 6, 3, key="arms", bind=URL)
    notice_rejected_link_values(snapshot, ("units", "t", "arms"))
    within_cap = work_budget(
        discrete_work,
        [
            Setting("units", units, range(1, units), "D = {:,} units"),
            Setting("arms", arms, range(2, arms), "K = {:,} arms"),
            *sidebar_settings,
        ],
        "lower the units D or the arms K here, or the estimates per estimator or the draws k "
        "in the sidebar.",
        section="vector, toy and categorical problems",
    )
    if within_cap is None:
        return
    target = TARGETS[target_label]
    with stop_on_input_error(FIX):
        vector = core.BernoulliUnits((theta,) * units, "squared_error", target=target)
        toy = core.BernoulliUnits((theta,), "squared_error", target=target)
        categorical = core.SoftmaxBandit((theta,) + (0.0,) * (arms - 1), tuple(range(1, arms + 1)))
    section_calls = {
        "vector": Call.of(comparison, vector, **keywords),
        "toy": Call.of(comparison, toy, **keywords),
        "categorical": Call.of(comparison, categorical, **keywords),
    }
    with stop_on_input_error(FIX), st.spinner("Computing exact values and Monte Carlo…"):
        all_results = results | {name: cache.compute(c) for name, c in section_calls.items()}
    all_calls = calls | section_calls

    # vector and toy ---------------------------------------------------------------------------
    st.subheader(f"A vector of D = {units} binary units, f = (mean(b) − t)²")
    st.markdown(
        f"Every unit at θ = {theta:g}, t = {target:g}. The reward couples the units, so each "
        "unit's score-function term carries the noise of all the others; the pair estimators "
        "cancel most of it. Exact values: sums over the 3^D cells of u (RLOO: over its pairs of draws); "
        "the relaxations by products of one-unit quadratures (no variance check there: their "
        "fourth moment is not computed). Every unit is alike, so the table shows unit theta_0; "
        "the badges check all D units."
    )
    tables.comparison_table(all_results["vector"], "Vector", shown="theta_0")
    st.markdown(
        f"**Signal-to-noise** (unit theta_0; every unit is alike), and at {BUDGET} evaluations"
    )
    tables.signal_to_noise_table(all_results["vector"], BUDGET)

    st.subheader("The REBAR / RELAX toy: E[(b − t)²]")
    st.markdown(
        f"One unit, f(b) = (b − t)² with t = {target:g} — the toy problem of REBAR (Tucker et al. "
        "2017, arXiv:1703.07370, t = 0.45) and RELAX (Grathwohl et al. 2018, arXiv:1711.00123, "
        "§6.1, t = 0.499). The gradient (1 − 2t)σ(θ)σ(−θ) is tiny beside f itself, so plain "
        "REINFORCE has a signal-to-noise ratio far below one."
    )
    tables.comparison_table(all_results["toy"], "Toy")
    tables.signal_to_noise_table(all_results["toy"], BUDGET)

    st.subheader(f"Categorical choice: K = {arms} arms")
    relaxed_rows = all_results["categorical"].query("estimator == 'gumbel_softmax'")
    relaxed_route = relaxed_rows["exact_route"].iloc[0] if len(relaxed_rows) else ""
    st.markdown(
        f"Logits (θ, 0, …, 0), rewards 1…{arms}. RLOO-k draws k arms with replacement; the "
        "unordered-set estimator (Kool, van Hoof & Welling, ICLR 2020) draws k distinct arms "
        "(Gumbel-top-k) and weights each by p(s)·p^{D∖s}(S∖s)/p(S); its built-in baseline "
        "subtracts, for each s, an estimate of E[f] from the rest of the set (unbiased, because "
        "the rest is a sample without replacement from the other arms). Both exact by "
        "enumerating the k-subsets. The Gumbel-softmax of K arms, z = softmax((θ + g)/τ) with "
        "g i.i.d. Gumbel(0, 1), differentiates the relaxed reward Σ r_k z_k: ĝ = z ⊙ (r − r·z)/τ, "
        f"one evaluation, **biased** (τ = {tau:g} here). Its exact moments are a (K − 1)-dimensional "
        "Gauss–Legendre quadrature (the Gumbel differences g_k − g_0 have the multivariate "
        "logistic law), certified by the largest change of any moment between two rule sizes"
        + (f": {relaxed_route}." if relaxed_route else ".")
        + f" For K > {MAX_EXACT_ARMS} there is no exact value, so the row is left out."
        + ("" if k <= arms else f" With k = {k} > K = {arms} the unordered set is unavailable.")
        + ("" if arms <= MAX_EXACT_ARMS else f" With K = {arms} the Gumbel-softmax row is omitted.")
    )
    tables.comparison_table(all_results["categorical"], "Categorical", params=True)

    # -- which to use -----------------------------------------------------------------------------
    st.subheader("Which should I use?")
    tables.which_to_use(
        {
            "Binary choice": all_results["binary"],
            f"Vector, D = {units}": all_results["vector"],
            "REBAR/RELAX toy": all_results["toy"],
            f"Categorical, K = {arms}": all_results["categorical"],
        }
    )

    st.subheader("Export")
    exports = {
        "comparison": ("binary", "discrete_comparison.csv"),
        "θ sweep": ("theta", "discrete_theta_sweep.csv"),
        "τ sweep": ("tau", "relaxation_temperature_sweep.csv"),
        "vector": ("vector", "discrete_vector.csv"),
        "toy": ("toy", "discrete_toy.csv"),
        "categorical": ("categorical", "discrete_categorical.csv"),
    }
    for tab, (name, filename) in zip(st.tabs(list(exports)), exports.values(), strict=True):
        with tab:
            export(
                all_results[name],
                filename,
                all_calls[name],
                "discrete_comparison",
                key=f"export-{name}",
            )


below_first_screen(more_problems_section)

what_to_notice(
    "At the same number of reward evaluations the antithetic pair and DisARM beat the plain "
    "score function by orders of magnitude near θ = 0; ARM pays for its (u − ½) factor.",
    "The antithetic pair with a leave-one-out baseline is biased — exactly +100% at θ = 0.",
    "The relaxations trade bias for variance through τ; neither is unbiased at any τ.",
    "On the toy the signal-to-noise ratio of REINFORCE is far below one per evaluation.",
)
