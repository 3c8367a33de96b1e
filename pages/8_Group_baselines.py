"""Group baselines (RLOO, GRPO): the advantages of RL fine-tuning — none, the batch mean of Dr. GRPO,
leave-one-out, GRPO's standardised group and standardised returns — exactly, on the bandits."""

import streamlit as st

from core.calls import Call, Grid
from core.group_baselines import GROUP_ESTIMATORS, GRPO_EPSILON, GroupSettings
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.cache import show_chart
from ui.charts.groups import GROUP_ESTIMATOR_TITLES
from ui.controls import LEARNING_RATES, URL, problem_controls, seed_input, work_budget
from ui.deferred import below_first_screen
from ui.exports import export
from ui.guard import guarded_fragment
from ui.layout import page_header, show_input_error, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

SWEEP_SIZES = (2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64)
SWEEP_REPS = 2_000  # Monte Carlo estimates per G in the sweep over G
COSINE_SIZES = (2, 4, 8, 16, 32, 64)
COSINE_THETAS = (-3.0, 0.0, 3.0)
GAP_SCALES = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0)
THETAS = Grid(-6.0, 6.0, 41)
REPETITIONS = (1_000, 2_000, 5_000, 10_000, 20_000, 50_000)
RUNS = (5, 10, 20, 50, 100)
REUSE_RATES = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0)
CLIPS = (0.05, 0.1, 0.2, 0.3, 0.5)
# B·G ≤ 256 keeps the softmax bandit's enumeration of the standardised batch to 33k count vectors.
MAX_BATCH_GROUPS = 4
ESTIMATOR_BY_TITLE = {title: name for name, title in GROUP_ESTIMATOR_TITLES.items()}
FIX = (
    "pick values inside the controls' ranges: G from 2 to 64, a std ε ≥ 0, and for GRPO with "
    "ddof = 1 a group of at least 2."
)

page_header(
    "Group baselines (RLOO, GRPO)",
    "RL fine-tuning of language models draws a **group** of G answers per prompt and gives each "
    "an advantage computed from the group's rewards. Is standardising the rewards biased? Does "
    "centring shrink the gradient? Why divide by the std? On a bandit (one prompt, two or three "
    "answers) every estimator's mean and variance is **exact**, by enumerating the Multinomial "
    "law of the arm counts the estimate depends on — each Monte Carlo number sits beside it.",
)
snapshot = link_snapshot()

# -- controls --------------------------------------------------------------------------------------
with st.sidebar:
    st.header("Binary bandit")
    choice = problem_controls("bandit", "baselines")
    st.header("Group")
    group_size = st.slider(
        "group size G", 2, 64, 4, key="G", bind=URL,
        help="Actions drawn per group (answers per prompt); every estimator uses the same G.",
    )  # fmt: skip
    ddof = st.selectbox(
        "GRPO std: ddof", (1, 0), key="ddof", bind=URL,
        help="1: the unbiased std (torch.std, TRL's GRPOTrainer); 0: the population std.",
    )  # fmt: skip
    epsilon = st.number_input(
        "GRPO std: ε", 0.0, 1.0, GRPO_EPSILON, 1e-4, format="%.4g", key="eps", bind=URL,
        help="A = (r − r̄)/(std + ε); TRL uses 1e-4.",
    )  # fmt: skip
    batch_groups = st.slider(
        "groups B in the standardised batch", 1, MAX_BATCH_GROUPS, 4, key="B", bind=URL,
        help="Standardised returns normalise over B groups at once (B·G draws per estimate).",
    )  # fmt: skip
    st.header("Monte Carlo")
    reps = st.select_slider(
        "repetitions (group estimates)", REPETITIONS, 20_000, key="reps", bind=URL
    )
    seed = seed_input()
    st.header("Softmax bandit")
    softmax = problem_controls("softmax", "baselines")
    st.header("Learning curves")
    steps = st.slider("steps", 10, 200, 50, key="steps", bind=URL)
    runs = st.select_slider("runs (seeds)", RUNS, 20, key="runs", bind=URL)
    learning_rate = st.select_slider("learning rate η", LEARNING_RATES, 0.1, key="lr", bind=URL)

    notice_rejected_link_values(snapshot)


def groups_work(values) -> int:
    """Samples the sidebar's settings draw: G per group for the four group estimators and B·G
    for the standardised batch, reps times; the sweep over G (fixed); steps × 5 estimators ×
    G per run (the sample-reuse section counts its own)."""
    batch = values["B"] * group_size
    study = work_of([group_size] * 4 + [batch], values["reps"])
    sweep = work_of([g * (4 + values["B"]) for g in SWEEP_SIZES], SWEEP_REPS)
    return study + sweep + work_of([group_size] * 5 * values["steps"], values["runs"])


page_settings = [
    Setting("reps", reps, REPETITIONS, "{:,} repetitions"),
    Setting("B", batch_groups, range(1, batch_groups), "B = {:,} groups"),
    Setting("runs", runs, RUNS, "{:,} runs"),
    Setting("steps", steps, range(10, steps), "{:,} steps"),
]
work_budget(
    groups_work,
    page_settings,
    "lower the repetitions, the groups B, the runs or the steps.",
    sidebar_subject="The sidebar's settings (all but the sample reuse)",
)
problem = choice.problem_or_stop(FIX)
try:
    settings = GroupSettings(grpo_ddof=ddof, grpo_epsilon=epsilon, batch_groups=batch_groups)
except ValueError as error:
    show_input_error(error, FIX)
    st.stop()

st.latex(
    r"""\begin{aligned}
\hat g &= \frac1G\sum_{i=1}^{G} A_i\,\nabla_\theta\log\pi(a_i),\\
A_i &= r_i,\ \ r_i-\bar r,\ \ r_i-\bar r_{-i},\\
&\phantom{=}\ \frac{r_i-\bar r}{\operatorname{std}(r)+\varepsilon}\ \ \text{or}\ \
\frac{r_i-\bar r_{\text{batch}}}{\operatorname{std}_{\text{batch}}+\varepsilon}
\end{aligned}"""
)
st.caption(
    "none: plain REINFORCE on G draws · batch mean: Dr. GRPO (Liu et al. 2025, arXiv:2503.20783) "
    "· leave-one-out: RLOO (Kool et al. 2019; Ahmadian et al. 2024, arXiv:2402.14740) · GRPO "
    "(Shao et al. 2024, arXiv:2402.03300), std with ddof and ε as TRL's GRPOTrainer (ddof 1, "
    "ε = 1e-4) · standardised returns over a batch of B groups. A group whose rewards are all "
    "equal gets A = 0, as implementations do."
)

# -- 1. the table ------------------------------------------------------------------------------------
study_call = Call.of(
    "group_baselines.group_baseline_study", problem, group_size, reps=reps, seed=seed,
    settings=settings,
)  # fmt: skip
with stop_on_input_error(FIX), st.spinner("Enumerating the counts, drawing groups…"):
    study = cache.compute(study_call)

st.subheader("Every estimator, exactly")
tables.gradient_metric(study)
tables.group_estimator_table(study)
st.caption(
    f"Exact: a sum over the {group_size + 1} count vectors of a group (Binomial law; "
    f"{batch_groups * group_size + 1} for the standardised batch). Monte Carlo: {reps:,} group "
    "estimates from counts drawn directly; its standard errors are the exact √(Var/R) and, for "
    "the variance, √((μ₄ − σ⁴(R − 3)/(R − 1))/R) with the exact fourth moment μ₄."
)
export(study, "group_baselines.csv", study_call, "group_baseline_study", key="export-study")

# -- 2. bias and variance against G --------------------------------------------------------------
sweep_call = Call.of(
    "group_baselines.group_sweep", problem, SWEEP_SIZES, (float(problem.theta[0]),), reps=SWEEP_REPS,
    seed=seed, settings=settings,
)  # fmt: skip
with stop_on_input_error(FIX), st.spinner("Sweeping G…"):
    sweep = cache.compute(sweep_call)
st.subheader("Bias and variance against the group size")
show_chart("group_size_chart", sweep)
st.caption(
    f"Lines: exact. Dots: Monte Carlo over {SWEEP_REPS:,} group estimates per G, bars ± 2 exact "
    "SE. The standardised returns draw B·G per estimate, so their variance sits lower."
)
tables.sweep_badge(sweep, "Sweep over G, Monte Carlo vs exact")
export(sweep, "group_sweep.csv", sweep_call, "group_baseline_study", key="export-sweep",
       name="sweep")  # fmt: skip

# -- 3. E[ĝ] against θ ---------------------------------------------------------------------------
theta_call = Call.of(
    "group_baselines.group_exact_sweep", problem, (group_size,), THETAS, settings=settings
)
with stop_on_input_error(FIX):
    by_theta = cache.compute(theta_call)
st.subheader("E[ĝ] against θ, beside the true gradient")
show_chart("mean_vs_theta_chart", by_theta)
st.caption(
    f"G = {group_size}, exact. RLOO and none lie on ∇J (unbiased); the batch mean is ∇J scaled by "
    "(G − 1)/G; GRPO and the standardised returns have their own shape: they divide by the "
    "group's std, which is largest at θ = 0."
)
export(by_theta, "group_mean_vs_theta.csv", theta_call, "group_exact_sweep", key="export-theta",
       name="by_theta")  # fmt: skip

# -- 4. what the std does --------------------------------------------------------------------------
gap_call = Call.of(
    "group_baselines.group_exact_sweep", problem, (group_size,), gap_scales=GAP_SCALES,
    settings=settings,
)  # fmt: skip
with stop_on_input_error(FIX):
    by_gap = cache.compute(gap_call)
st.subheader("What the std does: GRPO does not see how much better the good arm is")
st.latex(
    r"""\begin{aligned}
r_i = r(0) + \Delta\,a_i \;&\Rightarrow\; r_i-\bar r=\Delta\,(a_i-\bar a),\quad
\operatorname{std}(r)=|\Delta|\operatorname{std}(a) \\
&\Rightarrow\; A_i^{\text{GRPO}}=\operatorname{sign}(\Delta)\,\frac{a_i-\bar a}{\operatorname{std}(a)}
\ \ (\varepsilon=0)\ \text{— free of }\Delta, \\
&\phantom{\Rightarrow}\;\text{while}\ \ \nabla J=\Delta\,\sigma(\theta)\sigma(-\theta)
\end{aligned}"""
)
show_chart("reward_gap_chart", by_gap)
tables.reward_gap_table(by_gap)
st.caption(
    "Moving r(1) scales the gap Δ = r(1) − r(0): the true gradient scales with it, GRPO's mean "
    "does not (it moves only through ε/(|Δ| std(a)), invisible at TRL's ε = 1e-4). A GRPO update "
    "is as large for a gap of 0.5 as for a gap of 40: the std throws the reward scale away."
)
export(by_gap, "group_reward_gap.csv", gap_call, "group_exact_sweep", key="export-gap",
       name="by_gap")  # fmt: skip

# -- 5. the (G − 1)/G shrink ------------------------------------------------------------------------
st.subheader("The (G − 1)/G shrink of batch-mean centring, and why RLOO removes it")
st.markdown(tables.shrink_text(study))
tables.shrink_table(sweep)
st.caption("E[ĝ]/∇J from the exact sweep over G above: the batch mean's is exactly (G − 1)/G.")

# -- 6. the softmax bandit --------------------------------------------------------------------------
softmax_problem = softmax.problem_or_stop(FIX)
cosine_call = Call.of(
    "group_baselines.group_exact_sweep", softmax_problem, COSINE_SIZES, COSINE_THETAS,
    settings=settings,
)  # fmt: skip
own_call = Call.of(
    "group_baselines.group_exact_sweep", softmax_problem, (group_size,), settings=settings
)
st.subheader("The softmax bandit: does E[ĝ] still point along ∇J?")
st.markdown(
    f"With K = {softmax_problem.dim} arms the gradient is a vector and the estimators can bend it. "
    f"At the logits and rewards in the sidebar and G = {group_size}:"
)
with stop_on_input_error(FIX), st.spinner("Enumerating the softmax bandit's counts…"):
    own = cache.compute(own_call)
    cosines = cache.compute(cosine_call)
tables.cosine_table(own)
st.caption("E[ĝ_j]/∇J_j per logit; — where ∇J_j = 0 (that arm's reward equals J).")
show_chart("softmax_cosine_chart", cosines)
st.caption(
    "Cosine between the exact E[ĝ] and ∇J, for the logit of arm 0 set to −3, 0 and 3 (the other "
    "logits and rewards as in the sidebar). none, batch mean and RLOO stay at 1 (E[ĝ] ∝ ∇J); "
    "GRPO and the standardised returns reweight the arms, most at small G and skewed policies, "
    "and straighten out as G grows."
)
export(cosines, "group_softmax_cosine.csv", cosine_call, "group_exact_sweep",
       key="export-cosine", name="cosines")  # fmt: skip

# -- 7. learning curves --------------------------------------------------------------------------
curves_call = Call.of(
    "group_baselines.learning_curves", problem, group_size, steps, learning_rate, runs=runs,
    seed=seed, settings=settings,
)  # fmt: skip
with stop_on_input_error(FIX), st.spinner("Running gradient ascent per estimator…", show_time=True):
    curves = cache.compute(curves_call)
st.subheader("Learning curves at equal samples")
show_chart("learning_curve_chart", curves)
tables.learning_summary(curves)
st.caption(
    f"{runs} runs per estimator of θ ← θ + η ĝ, η = {learning_rate:g}, G = {group_size} draws per "
    "step for every estimator (the standardised returns normalise over the step's G draws). "
    "Line: the mean over runs of the exact J(θ_t); band: ± one standard deviation across runs."
)
st.info(tables.learning_takeaway(curves), icon="💡")
export(curves, "group_learning_curves.csv", curves_call, "learning_curves", key="export-curves",
       name="curves")  # fmt: skip

# -- 8. sample reuse -------------------------------------------------------------------------------
st.subheader("Reusing the same samples for several updates (PPO/GRPO)")


@guarded_fragment
def sample_reuse_section() -> None:
    """Section 8 with its own controls: moving one reruns and redraws only this section."""
    estimator_col, epochs_col, rate_col, clip_col = st.columns(4)
    reuse_title = estimator_col.selectbox(
        "advantage of the reused group", tuple(ESTIMATOR_BY_TITLE),
        index=GROUP_ESTIMATORS.index("grpo"), key="reuse", bind=URL,
    )  # fmt: skip
    reuse_estimator = ESTIMATOR_BY_TITLE[reuse_title]
    epochs = epochs_col.slider("updates on the same samples", 1, 20, 4, key="epochs", bind=URL)
    reuse_rate = rate_col.select_slider("update step η", REUSE_RATES, 0.5, key="reuse_lr", bind=URL)
    clip = clip_col.select_slider("clip ε", CLIPS, 0.2, key="clip", bind=URL)
    notice_rejected_link_values(snapshot, ("reuse", "epochs", "reuse_lr", "clip"))
    reused = batch_groups * group_size if reuse_estimator == "standardised" else group_size
    within_cap = work_budget(
        lambda values: groups_work(values) + work_of([reused], values["reps"]),
        page_settings,
        "lower the repetitions, the groups B, the runs or the steps in the sidebar.",
        section="sample reuse",
    )
    if within_cap is None:
        return
    reuse_call = Call.of(
        "sample_reuse.sample_reuse", problem, group_size, reuse_estimator, epochs=epochs,
        learning_rate=reuse_rate, clip_epsilon=clip, reps=reps, seed=seed, settings=settings,
    )  # fmt: skip
    with stop_on_input_error(FIX), st.spinner("Reusing the groups…"):
        reuse = cache.compute(reuse_call)
    st.latex(
        r"""\begin{aligned}
\rho_i&=\frac{\pi_\theta(a_i)}{\pi_{\theta_\text{old}}(a_i)},\qquad
\text{ESS}=\frac{(\sum_i\rho_i)^2}{\sum_i\rho_i^2},\\
L(\theta)&=\frac1G\sum_i\min\!\big(\rho_iA_i,\
\operatorname{clip}(\rho_i,1-\epsilon,1+\epsilon)A_i\big)
\end{aligned}"""
    )
    st.markdown(
        f"One group of G = {group_size} is drawn at θ_old = {problem.theta[0]:g}, its advantages "
        f"({GROUP_ESTIMATOR_TITLES[reuse_estimator]}) computed once, and the same draws serve "
        f"{epochs} updates θ ← θ + η∇L with η = {reuse_rate:g}, ε = {clip:g} (PPO, Schulman et al. "
        "2017, arXiv:1707.06347; GRPO's clipped objective; TRL's GRPOConfig calls them "
        "`num_iterations`, default 1, and `epsilon`, default 0.2). The whole run is a function of the arm "
        "counts, so every number below is exact. Without the clip, ∇L_IS = (1/G)Σρ_iA_i∇log π_θ(a_i) "
        "would be the importance-sampled gradient; the clip zeroes the terms whose ratio has left "
        "1 ± ε in the direction of their advantage — the **clipping bias** is E[∇L − ∇L_IS]."
    )
    show_chart("reuse_chart", reuse, clip)
    tables.reuse_exact_table(reuse)
    tables.reuse_checks(reuse)
    export(reuse, "group_sample_reuse.csv", reuse_call, "sample_reuse", key="export-reuse",
           name="reuse")  # fmt: skip


below_first_screen(sample_reuse_section)

what_to_notice(
    "RLOO and no baseline are unbiased at every G and θ; RLOO has far less variance.",
    "The batch mean (Dr. GRPO's centring) is exactly (G − 1)/G of the gradient — a shrink, not a "
    "turn; RLOO's advantage is G/(G − 1) times it.",
    "GRPO's mean on the binary bandit does not change when r(1) moves: the std cancels the reward "
    "gap. On the softmax bandit it also bends E[ĝ] away from ∇J a little (cosine < 1).",
    "Reusing samples: the ratio drifts from 1, the ESS falls below G, and once a draw's ratio "
    "leaves 1 ± ε its term stops pushing — a bias towards zero that stops the update.",
)
