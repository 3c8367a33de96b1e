"""Page 10: the surrogate loss people code for a policy gradient — what it is and is not — and
the natural gradient, each number beside its exact value on the bandits."""

import streamlit as st

from core.calls import Call
from ui import cache, tables
from ui.budget import Setting, work_of
from ui.cache import show_chart
from ui.controls import URL, problem_help, problem_selector, seed_input, work_budget
from ui.deferred import below_first_screen
from ui.exports import export
from ui.format import tex_number
from ui.guard import guarded_fragment
from ui.layout import page_header, stop_on_input_error, what_to_notice
from ui.links import link_snapshot, notice_rejected_link_values

BANDITS = ("bandit", "softmax")
LEARNING_RATES = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0)
RUNS = (20, 50, 100, 200, 500, 1_000)
MATCHINGS = {
    "same η for both rules": "same η",
    "the same first step": "same first step",
}
NATURAL_BASELINES = ("J(θ₀), detached", "none (b = 0)", "the batch's b")

page_header(
    "The surrogate loss",
    "Policy-gradient code does not compute the estimator ĝ directly: it builds a **loss** whose "
    "gradient autodiff turns into −ĝ, and hands it to an optimiser. Below, that loss on the "
    "bandit: its gradient equals the estimator sample by sample, the minus sign, why the "
    "baseline must be detached, why the loss value itself means nothing — and the natural "
    "gradient F⁻¹∇J (Kakade 2001). Code people write is shown in PyTorch; the app computes "
    "the same with NumPy.",
)
snapshot = link_snapshot()

with st.sidebar:
    st.header("Bandit")
    choice = problem_selector(BANDITS, title="Bandit", help=problem_help(BANDITS))
    if choice.note:
        st.caption(choice.note)
    st.header("One batch")
    seed = seed_input()
    n = st.number_input(
        "draws N in the batch", 2, 5_000, 10, 1, key="n", bind=URL,
        help="Actions a₁…a_N ~ π_θ behind the loss of sections 1–3 (the tables show the first 10).",
    )  # fmt: skip
    baseline = st.number_input(
        "baseline b (a constant)", -100.0, 100.0, 0.0, 0.5, key="b", bind=URL,
        help="The b in r − b: a number, so it carries no gradient (detached).",
    )  # fmt: skip
    learning_rate = st.select_slider(
        "learning rate η", LEARNING_RATES, 0.5, key="lr", bind=URL,
        help="The optimiser's step θ ← θ − η ∇L, here and in every ascent run below.",
    )  # fmt: skip
    st.header("Ascent runs")
    batch = st.slider("draws per step", 1, 200, 10, key="step_n", bind=URL)
    steps = st.slider("steps", 5, 200, 50, key="steps", bind=URL)

notice_rejected_link_values(snapshot)


def page_work(values) -> int:
    """Samples the sidebar's settings draw: the batch of N three times (sections 1–3) and one
    ascent run of steps × draws per step (section 4)."""
    return work_of([values["n"]] * 3 + [values["step_n"]] * values["steps"])


def surrogate_work(values) -> int:
    """Samples the view draws: `page_work`, the natural-gradient estimate and the two rules'
    runs (section 5)."""
    run = [values["step_n"]] * values["steps"]
    return page_work(values) + work_of([values["ng_n"]]) + work_of(run, 2 * values["runs"])


page_settings = [
    Setting("steps", steps, range(5, steps), "{:,} steps"),
    Setting("step_n", batch, range(1, batch), "{:,} draws per step"),
    Setting("n", n, range(2, n), "N = {:,} draws in the batch"),
]
work_budget(
    page_work,
    page_settings,
    "lower the steps, the draws per step or the draws.",
    sidebar_subject="The sidebar's settings (all but the natural gradient)",
)
problem = choice.problem_or_stop("Reset the bandit's controls to their defaults.")
rewards = tuple(float(r) for r in problem.rewards)
gradient_call = Call.of(
    "surrogate.surrogate_gradient", problem, n, baseline=baseline, learning_rate=learning_rate,
    seed=seed,
)  # fmt: skip
attached_call = Call.of("surrogate.attached_baseline", problem, n, seed=seed)
run_call = Call.of(
    "surrogate.loss_value_run", problem, steps, batch, learning_rate, baseline=baseline,
    compare=(0.0, *rewards), seed=seed,
)  # fmt: skip
binary = choice.name == "bandit"

# --- 1. the loss and its gradient ----------------------------------------------------------------
st.header("1 · The loss people write, and its gradient")
st.markdown("**What people write** (PyTorch — this app computes the same in NumPy):")
st.code(
    """logits = policy(theta)                       # θ → logits of π_θ
dist = torch.distributions.Categorical(logits=logits)
actions = dist.sample((N,))                  # a_i ~ π_θ; no gradient flows through sampling
rewards = r[actions]
loss = -(dist.log_prob(actions) * (rewards - b)).mean()   # L(θ)
optimizer.zero_grad()
loss.backward()                              # theta.grad = ∇L = −ĝ
optimizer.step()                             # θ ← θ − η ∇L = θ + η ĝ""",
    language="python",
)
st.latex(
    r"\begin{aligned}"
    r"L(\theta) &= -\frac{1}{N}\sum_{i=1}^{N} \log\pi_\theta(a_i)\,(r_i - b) \\"
    r"-\nabla_\theta L &= \frac{1}{N}\sum_{i=1}^{N} (r_i - b)\,\nabla_\theta\log\pi_\theta(a_i)"
    r" = \hat g"
    r"\end{aligned}"
)
st.markdown(
    "The samples and b are held fixed: L is a function of θ only through log π_θ(aᵢ). So "
    "−∂ℓᵢ/∂θ is each draw's score-function term. Below, the term the lab's estimator computes "
    "beside −∂ℓᵢ/∂θ taken by **finite differences of ℓᵢ itself** (a five-point stencil at the "
    "same fixed draw) — an independent route; their difference is rounding."
)
with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
    surrogate = cache.compute(gradient_call)
tables.loss_gradient_samples(surrogate.samples)
tables.loss_gradient_summary(surrogate.summary)
tables.export_part(
    surrogate, "samples", "surrogate_gradient.csv", gradient_call, "surrogate_gradient"
)

# What the detach section shows people write (a constant: the sections below are functions).
DETACH_CODE = """probs = torch.softmax(logits, -1)
value = (probs * r).sum()                                  # J(θ): a function of θ
loss = -(dist.log_prob(actions) * (rewards - value)).mean()            # attached: biased
loss = -(dist.log_prob(actions) * (rewards - value.detach())).mean()   # detached: unbiased"""


# --- 2. the minus sign -----------------------------------------------------------------------------
def minus_sign_section() -> None:
    st.header("2 · The minus sign: optimisers minimise")
    st.markdown(
        "An optimiser steps **down** its loss, θ ← θ − η∇L. With the minus sign, −∇L = ĝ points up "
        "J, so minimising L climbs J. Drop the sign and the same optimiser walks down J. One step "
        f"from this batch with η = {learning_rate:g}, scored by the exact J:"
    )
    tables.optimiser_step(surrogate.step)
    tables.loss_value_metric(surrogate.summary)
    st.caption(
        "The loss of a batch estimates E[L] = −Σₐ π(a) log π(a)·(r(a) − b), which is not J — "
        "section 4 follows it along a run."
    )


# --- 3. detach the baseline ------------------------------------------------------------------------
def detach_baseline_section() -> None:
    st.header("3 · Detach the baseline")
    st.markdown(
        "A baseline is only harmless when it does not depend on θ. A common slip: compute it from "
        "the policy itself — here the exact value b = J(θ) = Σₐ π_θ(a) r(a) — and forget "
        "`.detach()`. Autodiff then differentiates through b as well:"
    )
    st.code(DETACH_CODE, language="python")
    st.latex(
        r"\begin{aligned}"
        r"-\nabla_\theta \ell_i &= (r_i - J)\,\nabla_\theta\log\pi_\theta(a_i)"
        r" \;-\; \log\pi_\theta(a_i)\,\nabla_\theta J \\"
        r"\mathbb{E}[-\nabla_\theta L] &= \nabla_\theta J\,\big(1 + H(\pi_\theta)\big),"
        r"\qquad H = -\textstyle\sum_a \pi(a)\log\pi(a)"
        r"\end{aligned}"
    )
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        attached = cache.compute(attached_call)
    entropy = float(attached.summary["entropy"].iloc[0])
    bias = attached.summary[attached.summary["baseline"] == "attached"]
    st.markdown(
        f"Here H(π_θ) = {entropy:.6g} nats, so the attached gradient's expectation is "
        f"(1 + {entropy:.4g}) times ∇J: an exact bias of "
        + ", ".join(f"**{value:.6g}**" for value in bias["exact_bias"])
        + ". Each draw's term by its formula and by finite differences of its own loss:"
    )
    tables.attached_samples(attached.samples)
    tables.attached_summary(attached.summary)
    st.caption(
        "On one state the bias is along ∇J — a step size that changes as π sharpens (H shrinks). "
        "With many states sharing θ each state's factor 1 + H(π(·|s)) differs, so in general the "
        "direction is wrong too. "
        "Where the terms have zero spread (the table says 'equal') every draw gives the exact value."
    )
    tables.export_part(
        attached, "samples", "attached_baseline.csv", attached_call, "attached_baseline"
    )


# --- 4. the loss value means nothing ---------------------------------------------------------------
def loss_value_section() -> None:
    st.header("4 · The loss value means nothing")
    st.markdown(
        f"An ascent run, {steps} steps of {batch} draws with b = {baseline:g}: the exact J(θₜ) on top; "
        "below, the loss each step reports (points, ± 2 exact SE) and the exact expected loss "
        "E[L_b(θₜ)] = E[L₀] − b·H(π) of several constant baselines along **the same path**. J "
        "climbs; the losses fall, stay or rise depending only on b."
    )
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        loss_run = cache.compute(run_call)
    show_chart("loss_objective_chart", loss_run.run)
    show_chart("loss_value_chart", loss_run.run, loss_run.curves)
    tables.loss_run_badge(loss_run.run)
    st.markdown(
        "**At θ₀: every b gives the same expected gradient (∇J) and a different loss value** — b "
        "changes only the gradient's variance:"
    )
    tables.baselines_at_start(loss_run.at_start)
    st.caption(
        "A loss curve going down is no evidence of learning, nor one going up of failure: watch the "
        "reward (here the exact J) instead. The loss is a device whose gradient is right."
    )
    tables.export_part(loss_run, "run", "surrogate_loss_run.csv", run_call, "loss_value_run")


# --- 5. natural gradient ---------------------------------------------------------------------------
def natural_gradient_heading() -> None:
    st.header("5 · Natural gradient: F⁻¹∇J")
    st.markdown(
        "Kakade (2001, *A Natural Policy Gradient*, NIPS 14) steps along F(θ)⁻¹∇J, F the Fisher "
        "information E[s sᵀ] — steepest ascent when distance is measured between policies rather "
        "than between parameters. The lab already knows F exactly (the Score checks page checks it)."
    )


@guarded_fragment
def natural_gradient_section() -> None:
    """Section 5 with its own controls: moving one reruns and redraws only this section."""
    draws_col, runs_col, match_col, baseline_col = st.columns(4)
    natural_n = draws_col.number_input(
        "draws for the natural-gradient estimate", 10, 200_000, 1_000, 100, key="ng_n", bind=URL
    )
    runs = runs_col.select_slider("runs (seeds) per rule", RUNS, 200, key="runs", bind=URL)
    matching = match_col.selectbox(
        "step sizes matched by", tuple(MATCHINGS), key="match", bind=URL,
        help="Same η: both rules use η. The same first step: the natural rule's η is scaled so "
        "its exact first step is as long as the plain one's.",
    )  # fmt: skip
    natural_baseline = baseline_col.selectbox(
        "baseline of both rules", NATURAL_BASELINES, key="ng_b", bind=URL,
        help="A constant b in (r − b) for both rules: J(θ₀), the value where the runs start; "
        "none; or the batch's b in the sidebar.",
    )  # fmt: skip
    notice_rejected_link_values(snapshot, ("ng_n", "runs", "match", "ng_b"))
    within_cap = work_budget(
        surrogate_work,
        [
            Setting("runs", runs, RUNS, "{:,} runs per rule"),
            *page_settings[:2],
            Setting(
                "ng_n", natural_n, range(10, natural_n, 100), "{:,} draws for the natural gradient"
            ),
            page_settings[2],
        ],
        "lower the runs or the draws here, or the steps or the draws per step in the sidebar.",
        section="natural gradient",
    )
    if within_cap is None:
        return
    natural_b = {NATURAL_BASELINES[0]: "start", NATURAL_BASELINES[1]: 0.0}.get(
        natural_baseline, baseline
    )
    natural_call = Call.of("natural_gradient.natural_gradient_check", problem, natural_n, seed=seed)
    ascent_call = Call.of(
        "natural_gradient.natural_gradient_ascent", problem, steps, batch, learning_rate,
        seeds=runs, matching=MATCHINGS[matching], baseline=natural_b, seed=seed,
    )  # fmt: skip
    with stop_on_input_error("Reset the controls in the sidebar to their defaults."):
        natural = cache.compute(natural_call)
        with st.spinner(f"Running {runs} ascent runs of each rule …"):
            ascent = cache.compute(ascent_call)
    exact_row = natural.table.iloc[0]
    if binary:
        st.latex(
            r"\begin{aligned}F &= \sigma(\theta)\sigma(-\theta) = " + tex_number(exact_row["fisher"], 6)
            + r" \\ \nabla J &= \big(r(1) - r(0)\big)\sigma(\theta)\sigma(-\theta) = "
            + tex_number(exact_row["exact_gradient"], 6)
            + r" \\ F^{-1}\nabla J &= r(1) - r(0) = \mathbf{"
            + tex_number(exact_row["closed_form"], 6) + r"}\end{aligned}"
        )  # fmt: skip
        st.markdown(
            "The same at **every** θ: σ(θ)σ(−θ) cancels. Where the policy is nearly sure, plain ∇J "
            "vanishes but F⁻¹∇J does not."
        )
    else:
        centred = natural.table[natural.table["estimate"] == "exact Fisher"]["closed_form"]
        st.latex(
            r"\begin{aligned}F &= \operatorname{diag}(\pi) - \pi\pi^\top,\quad F\,\mathbf{1} = 0 \\"
            r"\nabla J &= F\,r \\ F^{+}\nabla J &= F^{+}F\,r = r - \bar r\,\mathbf{1} = ("
            + ", ".join(tex_number(value, 4) for value in centred)
            + r")\end{aligned}"
        )
        st.markdown(
            "**The softmax Fisher is singular** along the all-ones direction: adding one constant to "
            "every logit changes no probability. F⁻¹ does not exist; the pseudo-inverse F⁺ inverts F "
            "on the other directions and gives the least-norm solution, the rewards centred on their "
            "plain (unweighted) mean — again the same at every θ. Its spectrum:"
        )
        tables.fisher_spectrum(natural.spectrum)
    tables.natural_gradient_estimates(natural.table)
    st.caption(
        "F⁺ĝ with the exact F is unbiased, with exact SE from the sum over arms. "
        + (
            "F̂⁻¹ĝ with F̂ estimated from the same draws is a ratio — slightly biased away from θ = 0 — "
            "and a function of the count of arm 1, so its exact mean and SE are a sum over k ~ "
            "Binomial(N, σ(θ))."
            if binary
            else ""
        )
    )
    tables.export_part(
        natural, "table", "natural_gradient_check.csv", natural_call, "natural_gradient_check"
    )

    st.subheader("Plain against natural gradient ascent")
    st.markdown(
        f"{runs} runs of each rule, {steps} steps of {batch} draws, ĝ from the draws with the "
        f"baseline {natural_baseline}; the natural rule steps along F(θ)⁺ĝ with the exact F. Lines: "
        "the mean over runs of the exact J(θₜ), shaded ± 2 SE of that mean; dashed: the same rule "
        "with the exact gradient."
    )
    show_chart("natural_ascent_chart", ascent, runs=runs)
    tables.natural_ascent_metrics(ascent)
    tables.first_step_badge(ascent)
    st.caption(
        "On the binary bandit a draw of arm a moves θ by η·(r(a) − b)·s(a)/(N·F) = "
        "±η·(r(a) − b)/(N·π(a)) in the natural step: large for a rare arm, and with b = 0 and "
        "positive rewards it always favours the arm just drawn, so some runs lock onto the worse "
        "arm. With b between the rewards every draw pushes towards the better arm. Choose the "
        "baseline of both rules above."
    )
    export(
        ascent, "natural_gradient_ascent.csv", ascent_call, "natural_gradient_ascent",
        key="export-ascent",
    )  # fmt: skip


def natural_gradient() -> None:
    natural_gradient_heading()
    natural_gradient_section()


# The first screen is section 1; sections 2–5 come just after it (ui.deferred).
below_first_screen(
    minus_sign_section, detach_baseline_section, loss_value_section, natural_gradient
)

what_to_notice(
    "−∇L is the score-function estimate term by term: the loss is a device for autodiff, its "
    "minus sign there because optimisers minimise.",
    "A baseline computed from θ and left attached adds −log π(a)·∇J to every term: biased by "
    "H(π)·∇J exactly. Detach it.",
    "The loss value is not J and not a progress measure: a constant b shifts it by −b·H(π) and "
    "leaves the expected gradient at ∇J.",
    "The natural gradient on the binary bandit is r(1) − r(0) at every θ; on the softmax, with "
    "a pseudo-inverse, the centred rewards.",
)
