"""Trajectories: REINFORCE on T-step episodes, crediting each step with the whole return, the
reward still to come, or that minus the state's value; all unbiased, with very different variance."""

from collections.abc import Callable, Mapping

import streamlit as st

from core.calls import Call
from core.episodes import CREDITS, MAX_HORIZON
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.checks import check_rows, variance_badge
from ui.controls import (
    REPETITIONS,
    URL,
    problem_controls,
    repetition_controls,
    seed_input,
    work_budget,
)
from ui.deferred import below_first_screen
from ui.exports import export
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, linked_option, notice_rejected_link_values

FIX = "pick values inside the controls' ranges."
EPISODES_PER_HORIZON = (500, 1_000, 2_000, 5_000, 10_000, 20_000)
HORIZONS = tuple(range(1, MAX_HORIZON + 1))
# Monte Carlo points on the horizon chart: dense where the curves bend, sparser later (the cost of
# a point grows with T, so these eight cost about 60% of all twelve).
SAMPLED_HORIZONS = (1, 2, 3, 4, 6, 8, 10, 12)

page_header(
    "Trajectories",
    "REINFORCE on whole episodes: a policy takes T steps along a short chain and collects a "
    "reward at every step. Each step's score can be credited with the whole return, with only "
    "the reward still to come (earlier rewards cannot depend on this action), or with that minus "
    "the state's exact value. All three are unbiased — checked here against the exact gradient — "
    "but their variance differs, more and more as the horizon T grows.",
)
snapshot = link_snapshot()

# -- controls --------------------------------------------------------------------------------------
with st.sidebar:
    st.header("Episodes")
    problem = problem_controls("episodes").problem_or_stop(FIX)
    horizon = problem.horizon

    st.header("Monte Carlo")
    n, reps = repetition_controls("Episodes per estimate n", "Repetitions")
    seed = seed_input()
    # After the last bound widget, before any stop: names link values that could not be used.
    notice_rejected_link_values(snapshot)

# The sections' own controls (each beside its section, in an st.fragment): URL key → default.
PER_HORIZON_DEFAULT, GAE_EPISODES_DEFAULT = 1_000, 2_000


def episodes_work(values) -> int:
    """Samples drawn, an episode counting T (one action per step): n episodes per estimate,
    reps times, per credit; the horizon chart's episodes at each sampled T, per credit; and
    the GAE study's episodes. A section's control missing from `values` (the sidebar's check)
    counts nothing; one set elsewhere counts its current value."""
    estimates = work_of([values["n"] * horizon] * len(CREDITS), values["reps"])
    per_horizon, gae_n = values.get("per_T", 0), values.get("gae_n", 0)
    points = work_of([per_horizon * T for T in SAMPLED_HORIZONS] * len(CREDITS))
    return estimates + points + work_of([gae_n * horizon])


sidebar_settings = [
    Setting("reps", reps, REPETITIONS, "{:,} repetitions"),
    Setting("n", n, range(1, n), "n = {:,} episodes per estimate"),
]
work = work_budget(
    episodes_work,
    sidebar_settings,
    "lower the repetitions, n or the horizon (each episode counts as T samples, one per step).",
    sidebar_subject="The sidebar's settings (all but the horizon chart and GAE(λ))",
)


def section_work(own: str, value: int) -> Callable[[Mapping[str, object]], int]:
    """The whole view's work for a section whose control `own` is `value`: the other section's
    control at the value it takes on this run (the link's, before it is first drawn)."""
    others = {"per_T": PER_HORIZON_DEFAULT, "gae_n": GAE_EPISODES_DEFAULT}
    current = {
        key: linked_option(snapshot, key, EPISODES_PER_HORIZON, default)
        for key, default in others.items()
    }
    return lambda values: episodes_work({**current, own: value, **values})


# -- results ---------------------------------------------------------------------------------------
st.latex(
    r"""\begin{aligned}
\text{whole return:}\quad & \hat g = \sum_{t=0}^{T-1} R\;\nabla_\theta \log \pi(a_t \mid s_t),
 && R = \sum_{t=0}^{T-1} r_t \\
\text{reward-to-go:}\quad & \hat g = \sum_{t=0}^{T-1} G_t\,\nabla_\theta \log \pi(a_t \mid s_t),
 && G_t = \sum_{t' \ge t} r_{t'} \\
\text{reward-to-go} - V\text{:}\quad & \hat g = \sum_{t=0}^{T-1} \big(G_t - V_t(s_t)\big)\,
 \nabla_\theta \log \pi(a_t \mid s_t), && V_t(s) = \mathbb{E}\big[G_t \mid s_t = s\big]
\end{aligned}"""
)
st.caption(
    r"Dropping $r_0, \dots, r_{t-1}$ from step $t$'s credit removes terms whose expectation is "
    r"zero (a past reward is independent of a later action's score), and so does subtracting "
    r"$V_t(s_t)$, which depends on the state only: all three estimate the same gradient."
)

episodes = {
    "theta": tuple(problem.theta.tolist()),
    "state_rewards": tuple(problem.state_rewards.tolist()),
}
comparison_call = Call.of(
    "comparisons.credit_comparison", horizon=horizon, **episodes, n=n, reps=reps, seed=seed
)
exact_call = Call.of("horizon_study", None, HORIZONS, **episodes)
with stop_on_input_error(FIX):
    summary = cache.compute(Call.of("summaries.exact_summary", problem))
    with st.spinner(f"Rolling out {len(CREDITS) * n * reps:,} episodes…", show_time=True):
        comparison = cache.compute(comparison_call)
    exact_by_horizon = cache.compute(exact_call)

st.subheader("Exact values")
tables.exact_metrics(summary, f"E[R], T = {horizon} (exact)", "∂E[R]/∂{param} (exact)")

st.subheader("Unbiased: every credit estimates the same gradient")
tables.credit_gradients(comparison)
st.caption(
    f"Dots: the mean of {reps:,} estimates, each from n = {n} episodes, ± 2 SE; black ticks: the "
    "exact gradient by enumerating all 2^T episodes. The three credits use the same episodes."
)

st.subheader(f"Variance of the n = {n} estimate at T = {horizon}")
tables.credit_variances(comparison)

st.subheader("Variance as the horizon grows")


@guarded_fragment
def horizon_section() -> None:
    """The horizon chart with its own control, the episodes per point: changing it reruns only
    this section."""
    with st.columns([1, 2])[0]:
        per_horizon = st.select_slider(
            "Episodes per horizon point", EPISODES_PER_HORIZON, value=PER_HORIZON_DEFAULT,
            key="per_T", bind=URL,
            help="Monte Carlo per-sample variances on the horizon chart: this many episodes "
            "for each T and credit.",
        )  # fmt: skip
    notice_rejected_link_values(snapshot, ("per_T",))
    within_cap = work_budget(
        section_work("per_T", per_horizon),
        [
            Setting("per_T", per_horizon, EPISODES_PER_HORIZON,
                    "{:,} episodes per horizon point"),
            *sidebar_settings,
        ],
        "lower the episodes per horizon point here, or the repetitions or n in the sidebar.",
        section="horizon chart",
    )  # fmt: skip
    if within_cap is None:
        return
    points_call = Call.of(
        "comparisons.horizon_monte_carlo", horizons=SAMPLED_HORIZONS, **episodes,
        episodes=per_horizon, seed=seed,
    )  # fmt: skip
    monte_carlo = cache.rows_shown(
        points_call, "horizons", SAMPLED_HORIZONS, "Rolling out episodes for each horizon…",
        "Rolled out T = 1 … {value}",
    )  # fmt: skip
    cache.show_chart("horizon_variance_chart", exact_by_horizon, monte_carlo)
    horizon_checks = check_rows(
        monte_carlo, "variance", "exact_variance", "variance_standard_error"
    )
    variance_badge(horizon_checks, monte_carlo, "Per-sample variances on the chart vs exact")
    st.markdown(
        f"**Total variance of one episode's term at T = {HORIZONS[-1]}** (exact, summed over "
        "the parameters):"
    )
    tables.total_variances(exact_by_horizon, HORIZONS[-1])
    st.caption(
        "Lines: exact variance of one episode's term per parameter, by enumerating all 2^T "
        f"episodes; dots: Monte Carlo from {per_horizon:,} episodes at T = "
        f"{', '.join(map(str, SAMPLED_HORIZONS))}, each T its own stream, ± 2 exact SE of a "
        "sample variance (log scale; zero variances, e.g. of a position the chain cannot reach "
        "yet, are not drawn). Total variance = the sum over parameters."
    )
    export(exact_by_horizon, "horizon_study_exact.csv", exact_call, "horizon_study",
           key="export-horizon-exact", name="exact")  # fmt: skip
    export(monte_carlo, "horizon_study_monte_carlo.csv", points_call, "horizon_monte_carlo",
           key="export-horizon-mc", name="points")  # fmt: skip


# -- one episode by hand ---------------------------------------------------------------------------
@guarded_fragment
def one_episode_section() -> None:
    """One episode worked step by step, with its own control (which episode): changing it reruns
    only this section."""
    heading = st.empty()
    with st.columns([1, 2])[0]:
        episode = st.number_input(
            "Episode number", 1, 1_000, 1, key="episode", bind=URL,
            help="Which of the episodes rolled out from the seed is worked through step by step.",
        )  # fmt: skip
    notice_rejected_link_values(snapshot, ("episode",))
    heading.subheader(f"One episode by hand (episode {episode} of seed {seed})")
    st.markdown(
        "Each step t: the position s_t, the action a_t, the reward r_t of the position reached, "
        "the reward-to-go G_t, and the score a_t − σ(θ_{s_t}), which lands on the parameter of "
        "the position the step was taken in. Each credit multiplies the score by its own number "
        "(R, G_t or G_t − V_t(s_t)); summed per parameter, that is this one episode's estimate."
    )
    episode_call = Call.of("worked_examples.one_episode", problem, seed=seed, episode=episode)
    with stop_on_input_error(FIX):
        episode_table = cache.compute(episode_call)
        episode_sums = cache.compute(
            Call.of("worked_examples.episode_estimates", problem, seed=seed, episode=episode)
        )
    tables.episode_steps(episode_table)
    st.caption(
        f"Return R = {episode_table['return_'].iloc[0]:g}. V_t(s_t) is the exact expected "
        "reward still to come from s_t at step t (backward dynamic programming). One episode's "
        "estimate (below) is far from the exact gradient: only the mean over many episodes is "
        "unbiased."
    )
    tables.episode_estimates(episode_sums)
    export(episode_table, "one_episode.csv", episode_call, "one_episode", key="export-episode",
           name="steps")  # fmt: skip


# -- discounting and GAE(λ) --------------------------------------------------------------------------
@guarded_fragment
def gae_section() -> None:
    """GAE(λ) with its own controls (γ, λ, the wrong critic, the episodes): moving one reruns
    only this section."""
    st.subheader("Discounting and GAE(λ)")
    st.latex(
        r"""\begin{aligned}
\delta_t &= r_t + \gamma\, \hat V_{t+1}(s_{t+1}) - \hat V_t(s_t), \qquad
\hat A_t = \sum_{l \ge 0} (\gamma\lambda)^l\, \delta_{t+l}, \qquad
\hat g = \sum_t \hat A_t\, \nabla_\theta \log \pi(a_t \mid s_t)
\end{aligned}"""
    )
    gamma_col, lam_col, critic_col, episodes_col = st.columns(4)
    gamma = gamma_col.slider("Discount γ", 0.0, 1.0, 0.95, 0.01, key="gamma", bind=URL)
    lam = lam_col.slider("GAE λ", 0.0, 1.0, 0.9, 0.05, key="lam", bind=URL)
    critic_scale = critic_col.slider(
        "Wrong critic: c × exact V", 0.0, 2.0, 0.5, 0.05, key="critic", bind=URL,
        help="The second critic is the exact discounted value scaled by c (c = 1 is exact).",
    )  # fmt: skip
    gae_n = episodes_col.select_slider(
        "Episodes for the GAE Monte Carlo", EPISODES_PER_HORIZON, value=GAE_EPISODES_DEFAULT,
        key="gae_n", bind=URL,
    )  # fmt: skip
    notice_rejected_link_values(snapshot, ("gamma", "lam", "critic", "gae_n"))
    within_cap = work_budget(
        section_work("gae_n", gae_n),
        [
            Setting("gae_n", gae_n, EPISODES_PER_HORIZON, "{:,} episodes for GAE(λ)"),
            *sidebar_settings,
        ],
        "lower the episodes for GAE(λ) here, or the repetitions or n in the sidebar.",
        section="GAE study",
    )
    if within_cap is None:
        return
    st.markdown(
        "Generalized advantage estimation (Schulman et al. 2016, arXiv:1506.02438) blends "
        "one-step residuals δ with weight (γλ)ˡ. With the **exact** discounted critic V^γ, "
        "E[Â_t | s_t, a_t] is the discounted advantage at every λ, so λ changes only the "
        "variance; the bias against ∇E[R] comes from γ < 1 alone (zero at γ = 1). With a "
        "**wrong** critic c·V^γ the bias depends on λ and vanishes at λ = 1, where Â_t is the "
        "discounted reward-to-go minus a baseline. Exact values enumerate all 2ᵀ episodes; "
        f"Monte Carlo uses {gae_n:,} episodes, the same ones for every λ."
    )
    gae_lambdas = tuple(sorted({round(0.1 * i, 10) for i in range(11)} | {float(lam)}))
    gae_call = Call.of(
        "gae.gae_study", problem, gamma=gamma, lambdas=gae_lambdas, critic_scale=critic_scale,
        n=gae_n, seed=seed,
    )  # fmt: skip
    with stop_on_input_error(FIX), st.spinner("Enumerating every episode for each λ…"):
        gae = cache.compute(gae_call)
    cache.show_chart("gae_lambda_chart", gae)
    st.caption(
        "Lines: exact, by enumeration. Dots: Monte Carlo ± 2 exact SE. Top: bias of the mean "
        "estimate against the undiscounted ∇E[R]; bottom: variance of one episode's estimate. "
        "The dots share one set of episodes, so they tend to sit on the same side of their "
        "lines."
    )
    st.markdown(f"**At γ = {gamma:g}, λ = {lam:g}:**")
    tables.gae_at(gae, float(lam))
    export(gae, "gae_study.csv", gae_call, "gae_study", key="export-gae", name="gae")


below_first_screen(horizon_section, one_episode_section, gae_section)

st.subheader("Export")
export(comparison, "credit_comparison.csv", comparison_call, "credit_comparison",
       key="export-credits")  # fmt: skip

what_to_notice(
    "All three credits agree with the exact gradient within their error bars: dropping past "
    "rewards and subtracting V(s) never bias the estimate.",
    "With the whole return every step is credited with rewards it could not have caused, so the "
    "variance grows fastest with T; reward-to-go grows more slowly, and reward-to-go − V "
    "slowest of all (compare the total variances at T = 12).",
    "Parameters of positions the chain cannot reach within T steps have zero gradient and zero "
    "variance — there is nothing to learn about them yet.",
)
