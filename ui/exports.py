"""Results leave the app: the table behind a chart as a plain CSV (one header row, then data —
it loads as-is with pandas.read_csv or a spreadsheet), its data dictionary as a second CSV
(column, meaning), and the core calls that made it (printed from the same `core.calls.Call`
values the page ran, never typed a second time). A download's click reruns nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.calls import Call, code_block
from core.catalogue import MAX_ARMS


def table_csv(table: pd.DataFrame) -> str:
    """`table` as a plain CSV: a header row of column names, then one row per observation
    (floats at full precision, so pandas.read_csv gives back the same numbers)."""
    return table.to_csv(index=False)


def data_dictionary(table: pd.DataFrame, meanings: Mapping[str, str]) -> pd.DataFrame:
    """What each column of `table` means, in its order: a (column, meaning) table. The check
    columns core.checks adds mean the same everywhere (CHECK_MEANINGS); any other column
    without an entry in `meanings` raises KeyError (tests/app check every export)."""
    return pd.DataFrame(
        {
            "column": list(table.columns),
            "meaning": [meanings.get(c) or CHECK_MEANINGS[c] for c in table.columns],
        }
    )


def dictionary_filename(filename: str) -> str:
    """'variance_vs_n.csv' → 'variance_vs_n_dictionary.csv'."""
    stem = filename[: -len(".csv")] if filename.endswith(".csv") else filename
    return f"{stem}_dictionary.csv"


def export_results(
    table: pd.DataFrame,
    filename: str,
    code: str,
    meanings: Mapping[str, str] | None = None,
    about: str = "",
    key: str | None = None,
) -> None:
    """A plain CSV download of `table` (tidy, one row per observation), its data dictionary as
    a second download when `meanings` ({column: meaning and units}) is given, `about` (what a
    row is) beside them, and a 'reproduce in Python' block. Clicking a download only downloads
    (on_click="ignore"): the page is not run and drawn again."""
    key = key or f"download-{filename}"
    left, right = st.columns([1, 2])
    with left:
        st.download_button(
            f"Download {filename}",
            table_csv(table),
            file_name=filename,
            mime="text/csv",
            key=key,
            on_click="ignore",
        )
        if meanings is not None:
            st.download_button(
                "Data dictionary (CSV)",
                table_csv(data_dictionary(table, meanings)),
                file_name=dictionary_filename(filename),
                mime="text/csv",
                key=f"{key}-dictionary",
                on_click="ignore",
                help="What each column of the CSV means, and its units: one row per column.",
                type="tertiary",
            )
        if about:
            st.caption(about)
    with right:
        reproduce_code(code, key=f"{CODE_KEY_PREFIX}{key}")


# Session-state keys of the "Reproduce in Python" expanders (the widgets); whether one is open
# is kept under remembered_key(its key).
CODE_KEY_PREFIX = "reproduce-"


def remembered_key(key: str) -> str:
    """The plain session value that says whether the expander with widget `key` is open."""
    return f"open-{key}"


@st.fragment
def reproduce_code(code: str, *, key: str) -> None:
    """A "Reproduce in Python" expander that draws `code` only while it is open.

    Streamlit sends and renders an expander's content even when it is closed, and st.code pulls
    the browser's code highlighter (1.5 MB of JavaScript) into every page that has one. Here the
    expander tracks its state and the code is drawn when it is opened. The expander is its own
    fragment, so opening or closing it reruns only this function (and redraws only this block),
    not the page or its section. Whether it is open is kept as a plain session value
    (remembered_key(key)), set when the visitor toggles it, and the widget is set from it on
    every run: a page rerun that redraws the page from scratch (a cache miss) makes the
    browser forget the widget's state, and the expander would otherwise close behind the
    visitor's back.
    """
    remembered = remembered_key(key)

    def remember() -> None:
        st.session_state[remembered] = bool(st.session_state[key])

    st.session_state[key] = st.session_state.get(remembered, False)
    with st.expander("Reproduce in Python", key=key, on_change=remember) as box:
        if box.open:
            st.code(code, language="python")


def export(
    table: pd.DataFrame,
    filename: str,
    calls: Call | Sequence[tuple[str, Call]],
    columns: str,
    *,
    key: str,
    name: str = "table",
    tail: str = "",
    **fields: object,
) -> None:
    """export_results of `table` with the code of `calls` (one Call assigned to `name`, or
    (name, Call) pairs), the meanings COLUMNS[columns] and its line about the rows (str.format
    fields in braces filled from `fields`)."""
    assignments = [(name, calls)] if isinstance(calls, Call) else list(calls)
    about, meanings = COLUMNS[columns]
    export_results(
        table, filename, code_block(assignments, tail), meanings, about.format(**fields), key=key
    )


def _check_meanings() -> dict[str, str]:
    """The columns of core.checks.check_columns, bare and with the mean_ / variance_ / loss_
    prefix."""
    meanings = {}
    for prefix, what in (
        ("", "the estimate"),
        ("mean_", "the mean"),
        ("variance_", "the variance"),
        ("loss_", "the loss"),
    ):
        meanings[f"{prefix}exact_standard_error"] = (
            f"exact standard error of {what}, from the problem's exact variance (same units)"
        )
        meanings[f"{prefix}p_value"] = (
            f"chance, if {what} is right, of a gap from the exact value at least this large "
            "(the check passes when it is at least core.checks.ALPHA)"
        )
        meanings[f"{prefix}law"] = (
            f"how that chance was computed for {what} (the exact Binomial / Multinomial law of "
            "the counts; for Gaussian scores the exact normal or chi-square law, or the exact "
            "law of a mean of score products computed numerically; a scaled chi-square; or the "
            "normal approximation), with any caveat"
        )
    return meanings


CHECK_MEANINGS = _check_meanings()


_GRADIENT = "gradient units: reward (or cost) per unit of the parameter"
_PLUS = "its standard error (same units)"
# What each exported table's rows are, and what each column means with its units, by the core
# call that made it. Shared columns say the same thing everywhere.
_SHARED = {
    "param": "the parameter this row is about (theta, mu, sigma, a logit or a weight)",
    "exact_gradient": f"exact gradient ∂J/∂param ({_GRADIENT})",
    "mean_standard_error": f"standard error of mean ({_PLUS}); exact where core knows the "
    "exact variance",
    "variance_standard_error": "standard error of variance (squared gradient units)",
}
COLUMNS: dict[str, tuple[str, dict[str, str]]] = {
    "running_estimate": (
        "One row per draw: every draw up to {rows:,} draws, then {rows:,} log-spaced draws "
        "(the call returns them all).",
        {
            "draw": "how many actions have been sampled so far (1, 2, …)",
            "x": "the action a drawn at this draw (0 or 1)",
            "f": "its reward r(a)",
            "score": "the score ∇θ log π(a), per unit θ",
            "term": "reward × score, r(a)·∇θ log π(a): one draw's gradient estimate",
            "running_mean": "mean of the first `draw` terms: the gradient estimate so far",
            "exact_gradient": f"exact ∇J(θ) ({_GRADIENT})",
            "standard_error": "measured standard error s/√draw of the running mean",
            "exact_standard_error": "exact standard error σ/√draw of the running mean",
        },
    ),
    "objective_curve": (
        "One row per θ on the grid.",
        {
            "value": "θ, the parameter's value",
            "param": _SHARED["param"],
            "expected_value": "exact expected reward J(θ) = E[r(a)] (reward units)",
            "exact_gradient": f"exact ∇J(θ) ({_GRADIENT})",
            "fisher_information": "Fisher information σ(θ)(1 − σ(θ)) (per unit θ²)",
        },
    ),
    "gradient_ascent": (
        "One row per update step.",
        {
            "step": "update number (0 = before the first update)",
            "param": _SHARED["param"],
            "value": "the parameter's value before this step",
            "gradient_estimate": "the sampled gradient estimate used for this step",
            "exact_gradient": "exact gradient at that value",
            "expected_value": "exact expected reward J at that value (reward units)",
        },
    ),
    "score_check": (
        "One row per checked quantity: the mean score of each parameter, then each entry of "
        "the Fisher information.",
        {
            "quantity": "'mean score' (E[s_row], exactly 0) or 'fisher' (E[s_row·s_col])",
            "row": "parameter of the score (its row in the Fisher matrix)",
            "col": "second parameter (Fisher entries; the same as row for the mean score)",
            "estimate": "Monte Carlo mean over n draws (score units, squared for fisher)",
            "standard_error": f"standard error of estimate ({_PLUS})",
            "exact": "exact value: 0 for the mean score, the Fisher information entry else",
        },
    ),
    "score_trace": (
        "One row per kept draw and parameter: up to {rows:,} log-spaced draws per parameter "
        "(the call gives every draw).",
        {
            "draw": "number of draws N so far",
            "param": _SHARED["param"],
            "score": "this draw's score ∂ log p/∂param (per unit of the parameter)",
            "running_mean": "mean of the score over the first N draws (exactly 0 on average)",
            "exact_standard_error": "exact standard error √(Fisher information / N)",
        },
    ),
    "fisher_curve": (
        "One row per value of the swept parameter and parameter.",
        {
            "value": "the swept parameter's value",
            "param": _SHARED["param"],
            "estimate": "Monte Carlo mean of the squared score over n draws",
            "standard_error": f"standard error of estimate ({_PLUS})",
            "exact": "exact Fisher information of param at that value",
        },
    ),
    "variance_curve": (
        "One row per sample count N, parameter and estimator.",
        {
            "n": "samples per estimate N",
            "param": _SHARED["param"],
            "mean": f"mean of the reps estimates ({_GRADIENT})",
            "variance": "variance of the reps estimates: the measured Var[ĝ_N] (gradient "
            "units squared)",
            "exact_gradient": _SHARED["exact_gradient"],
            "exact_variance": "exact Var[ĝ_N] (gradient units squared)",
            "exact_mean": "exact E[ĝ_N]; differs from the exact gradient only for the "
            "batch-mean baseline",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "variance_standard_error": _SHARED["variance_standard_error"],
            "reps": "repetitions: how many N-sample estimates were drawn",
            "estimator": "score (score function), pathwise or measure_valued",
            "baseline": "the score function's baseline (empty: none)",
        },
    ),
    "samples_needed": (
        "One row per parameter and estimator.",
        {
            "param": _SHARED["param"],
            "exact_gradient": _SHARED["exact_gradient"],
            "relative_error": "the target relative error ε = RMSE / |exact gradient|",
            "signal_to_noise": "the target signal-to-noise ratio 1/ε",
            "n_needed": "smallest sample count N that reaches the target (exact; empty or "
            "inf if no N does)",
            "achieved_relative_error": "the exact relative error at that N",
            "estimator": "score (score function), pathwise or measure_valued",
        },
    ),
    "baseline_study": (
        "One row per baseline and parameter.",
        {
            "baseline": "which baseline: none, constant, mean (batch mean), loo "
            "(leave-one-out) or optimal",
            "param": _SHARED["param"],
            "mean": f"mean of the reps n-sample estimates ({_GRADIENT})",
            "exact_mean": "exact expected estimate",
            "bias": "mean − exact gradient (Monte Carlo)",
            "exact_bias": "exact bias: 0, or −∇E[f]/n for the batch mean",
            "variance": "measured variance of the n-sample estimate (gradient units squared)",
            "exact_variance": "exact variance of the n-sample estimate",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "variance_standard_error": _SHARED["variance_standard_error"],
            "variance_reduction": "exact variance without a baseline ÷ with this one (inf "
            "when this one has zero variance)",
            "monte_carlo_reduction": "the same ratio from the measured variances (added by "
            "the page; core does not compute it)",
        },
    ),
    "baseline_variance_curve": (
        "One row per constant baseline b on the grid and parameter.",
        {
            "baseline": "the constant b (reward units)",
            "param": _SHARED["param"],
            "variance": "exact variance of one sample's term (f − b)·score (gradient units "
            "squared)",
            "optimal_baseline": "the variance-minimising b* for that parameter",
        },
    ),
    "gradient_ascent_runs": (
        "One row per run, step and parameter.",
        {
            "step": "update number (0 = before the first update)",
            "param": _SHARED["param"],
            "value": "the parameter's value before this step",
            "gradient_estimate": "the sampled gradient estimate used for this step",
            "exact_gradient": "exact gradient at that value",
            "expected_value": "exact expected reward (or cost) J at that value",
            "run": "which run: without a baseline, or with the chosen one",
        },
    ),
    "surrogate_gradient": (
        "One row per draw and parameter: the first draws of the batch, each one's loss term "
        "and its gradient two ways.",
        {
            "draw": "index of the sampled action in the batch (0, 1, …)",
            "action": "the action a drawn (the arm's index)",
            "reward": "its reward r(a) (reward units)",
            "baseline": "the constant baseline b (reward units; detached, carries no gradient)",
            "log_prob": "log π(a), the log-probability of that action (nats)",
            "loss_term": "this draw's surrogate loss ℓ = −log π(a)·(r − b) (reward units)",
            "param": _SHARED["param"],
            "estimator_term": f"the score-function term (r − b)·∂ log π(a)/∂param ({_GRADIENT})",
            "minus_loss_gradient": "−∂ℓ/∂param by finite differences of ℓ at this fixed draw "
            "(same units)",
            "difference": "estimator_term − minus_loss_gradient (same units)",
            "tolerance": "the stated bound on |difference| from finite-difference truncation "
            "and rounding (same units)",
            "passed": "whether |difference| ≤ tolerance (True/False)",
        },
    ),
    "attached_baseline": (
        "One row per draw and parameter: the baseline b = J(θ) left detached (a number) or "
        "attached (autodiff through it).",
        {
            "draw": "index of the sampled action in the batch (0, 1, …)",
            "action": "the action a drawn (the arm's index)",
            "reward": "its reward r(a) (reward units)",
            "log_prob": "log π(a), the log-probability of that action (nats)",
            "param": _SHARED["param"],
            "detached_term": f"(r − J)·∂ log π(a)/∂param with b = J(θ) a number ({_GRADIENT})",
            "detached_fd": "the same by finite differences of the detached loss (same units)",
            "attached_term": "(r − J)·∂ log π(a)/∂param − log π(a)·∂J/∂param: what autodiff "
            "gives with b = J(θ) left attached (same units)",
            "attached_fd": "the same by finite differences of the attached loss (same units)",
            "attached_difference": "attached_fd − attached_term (same units)",
            "detached_difference": "detached_fd − detached_term (same units)",
            "tolerance": "the stated bound on either |difference| from finite-difference "
            "truncation and rounding (same units)",
            "passed": "whether both |differences| ≤ tolerance (True/False)",
        },
    ),
    "loss_value_run": (
        "One row per optimiser step of one run on the surrogate loss.",
        {
            "step": "update number t (0 = before the first update)",
            "theta": "θ before the step (the Bernoulli-logit bandit's one parameter)",
            **{
                f"logit_{k}": f"the softmax bandit's logit of arm {k} before the step"
                for k in range(MAX_ARMS)
            },
            "expected_value": "exact expected reward J(θ_t) (reward units)",
            "loss": "the step's sampled surrogate loss L_t, the mean of its batch's ℓ "
            "(reward units)",
            "expected_loss": "exact E[L_t] at θ_t (reward units)",
            "loss_standard_error": "exact standard error √(Var[ℓ]/N) of L_t (reward units)",
            "baseline": "the constant baseline b (reward units)",
        },
    ),
    "natural_gradient_check": (
        "One row per natural-gradient estimate and parameter.",
        {
            "estimate": "which estimate: 'exact Fisher' (F⁺ĝ) or 'sample Fisher' (F̂⁻¹ĝ)",
            "param": _SHARED["param"],
            "n": "draws behind the estimate",
            "value": "the estimate of the natural gradient (reward units)",
            "exact_mean": "its exact expected value (reward units)",
            "exact_standard_error": "its exact standard error (same units)",
            "natural_gradient": "the exact natural gradient F⁺∇J by pseudo-inverse (reward units)",
            "closed_form": "the same in closed form: r(1) − r(0) (Bernoulli-logit) or "
            "r − mean(r) (softmax)",
            "exact_gradient": _SHARED["exact_gradient"],
            "fisher": "the Fisher information's diagonal entry F_jj (per unit of the "
            "parameter squared)",
        },
    ),
    "natural_gradient_ascent": (
        "One row per rule and step, averaged over the runs.",
        {
            "method": "plain (θ += η ĝ) or natural (θ += η′ F⁺ĝ) gradient",
            "step": "update number t (0 = before the first update)",
            "learning_rate": "the rule's step size η (η′ for the natural rule)",
            "mean_expected_value": "mean over the runs of the exact J(θ_t) (reward units)",
            "standard_error": f"standard error of that mean over the runs ({_PLUS})",
            "low": "mean − 2 standard errors (reward units)",
            "high": "mean + 2 standard errors (reward units)",
            "exact_path": "J(θ_t) when every step uses the exact gradient (reward units)",
            "stopped": "runs stopped by this step",
            "runs": "runs (seeds) per rule",
            "baseline": "the constant baseline b in (r − b) (reward units)",
            "exact_mean_expected_value": "the exact E[J(θ_t)] over the runs, where known "
            "(steps 0 and 1; empty else)",
            "exact_standard_error": "the exact standard error of mean_expected_value, where "
            "known (steps 0 and 1; empty else)",
        },
    ),
    "estimator_comparison": (
        "One row per estimator and parameter.",
        {
            "estimator": "score (score function), pathwise or measure_valued",
            "param": _SHARED["param"],
            "available": "whether core offers this estimator for this problem",
            "reason": "why not, when it is unavailable",
            "mean": f"the n-sample gradient estimate ({_GRADIENT})",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "exact_gradient": _SHARED["exact_gradient"],
            "variance": "measured variance of one sample's term (gradient units squared)",
            "variance_standard_error": _SHARED["variance_standard_error"],
            "exact_variance": "exact variance of one sample's term",
        },
    ),
    "cost_and_density": (
        "One row per x on the grid.",
        {
            "x": "the sample value x",
            "cost": "the cost f(x)",
            "density": "the density p(x | μ, σ) (per unit x)",
        },
    ),
    "credit_comparison": (
        "One row per credit and parameter.",
        {
            "n": "episodes per estimate",
            "param": _SHARED["param"],
            "mean": "mean of the reps n-episode estimates (reward per unit θ)",
            "variance": "measured variance of the n-episode estimate (reward² per unit θ²)",
            "exact_gradient": _SHARED["exact_gradient"],
            "exact_variance": "exact variance of the n-episode estimate",
            "exact_mean": "exact expected estimate (equal to the exact gradient: unbiased)",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "variance_standard_error": _SHARED["variance_standard_error"],
            "reps": "repetitions: how many n-episode estimates were drawn",
            "credit": "what each step's score is multiplied by: return, reward_to_go or "
            "advantage (reward-to-go minus the state's value)",
            "variance_reduction": "exact variance with the whole return ÷ with this credit "
            "(added by the page)",
        },
    ),
    "horizon_study": (
        "One row per horizon T, credit and parameter (exact values).",
        {
            "horizon": "episode length T (steps)",
            "credit": "return, reward_to_go or advantage",
            "param": _SHARED["param"],
            "exact_gradient": _SHARED["exact_gradient"],
            "exact_variance": "exact variance of one episode's gradient term",
            "total_variance": "exact_variance summed over the parameters",
        },
    ),
    "horizon_monte_carlo": (
        "One row per sampled horizon T, credit and parameter (Monte Carlo).",
        {
            "horizon": "episode length T (steps)",
            "credit": "return, reward_to_go or advantage",
            "param": _SHARED["param"],
            "mean": "mean of the per-episode gradient terms",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "variance": "measured variance of one episode's term",
            "variance_standard_error": "its exact standard error",
            "exact_variance": "exact variance of one episode's term (from core.horizon_study)",
        },
    ),
    "discrete_comparison": (
        "One row per estimator and parameter (and swept θ or τ in the sweeps).",
        {
            "estimator": "the estimator's name in core.discrete_estimators",
            "label": "its name as the page shows it",
            "biased": "whether its expected value differs from ∇J (True/False)",
            "evaluations": "reward evaluations f(b) per estimate",
            "param": _SHARED["param"],
            "exact_gradient": _SHARED["exact_gradient"],
            "exact_mean": f"exact expected estimate E[ĝ] ({_GRADIENT})",
            "bias": "exact E[ĝ] − ∇J (same units)",
            "variance": "exact variance of one estimate (gradient units squared)",
            "variance_x_evaluations": "variance × evaluations: the fair cost per evaluation",
            "mse_x_evaluations": "(bias² + variance) × evaluations",
            "signal_to_noise": "|E[ĝ]| / standard deviation of ĝ (no units)",
            "exact_route": "how the exact values were computed (enumeration, closed form or "
            "quadrature)",
            "mc_estimates": "Monte Carlo estimates drawn",
            "mc_mean": "their mean (gradient units)",
            "mc_variance": "their variance (gradient units squared)",
            "mean_standard_error": "exact standard error of mc_mean (gradient units)",
            "variance_standard_error": "exact standard error of mc_variance (empty where the "
            "fourth moment is unknown)",
            "theta": "the swept θ, the logit of p(b = 1) (θ sweep only)",
            "temperature": "the swept temperature τ of the relaxations (τ sweep only)",
        },
    ),
    "log_derivative_routes": (
        "One row per route to ∇J.",
        {
            "route": "exact sum, naive r(a)·∇π(a), or log-derivative r(a)·∇ log π(a)",
            "exact_mean": "what the route estimates exactly (the naive one Σ π(a) r(a) ∇π(a)) "
            f"({_GRADIENT})",
            "exact_gradient": _SHARED["exact_gradient"],
            "exact_bias": "exact_mean − ∇J (same units)",
            "per_draw_variance": "exact variance of one draw's term (gradient units squared)",
            "estimate": "mean of n draws' terms (the exact sum itself for the first row)",
            "exact_standard_error": "exact standard error √(per_draw_variance / n)",
            "n": "draws behind the estimate",
        },
    ),
    "policy_draws": (
        "One row per draw and parameter: the first draws and the last (the call returns "
        "every draw).",
        {
            "draw": "how many (state, action) pairs have been sampled so far (1, 2, …)",
            "param": "the weight w_j this row is about",
            "state": "the state feature s_j of this draw",
            "action": "the action a drawn (a number for the Gaussian policy, 0 or 1 for the "
            "logistic one)",
            "mean_action": "wᵀs (Gaussian) or σ(wᵀs) = π(1 | s) (logistic)",
            "reward": "its reward r (reward units)",
            "score": "the score ∂ log π(a | s)/∂w_j (per unit w_j)",
            "term": "reward × score: one draw's gradient estimate",
            "running_mean": "mean of the first `draw` terms: the gradient estimate so far",
            "exact_gradient": "exact ∂J/∂w_j (reward per unit w_j)",
            "exact_standard_error": "exact standard error σ_j/√draw of the running mean",
        },
    ),
    "logistic_derivation": (
        "One row per state, action and weight: the terms of the exact sum for ∂J/∂w_j.",
        {
            "state": "the state's index k",
            "feature": "its feature s_kj for this weight",
            "action": "the action a (0 or 1)",
            "param": "the weight w_j this row is about",
            "state_probability": "p(s_k), the state's probability",
            "logit": "the logit wᵀs_k of π(1 | s_k)",
            "prob_one": "σ(wᵀs_k) = π(1 | s_k)",
            "action_probability": "π(a | s_k), the probability of this action",
            "reward": "r(s_k, a) (reward units)",
            "score": "(a − σ(wᵀs_k))·s_kj, the score ∂ log π(a | s_k)/∂w_j",
            "summand": "p(s_k)·π(a | s_k)·r·score; summed per weight it is ∂J/∂w_j",
        },
    ),
    "step_cost_autodiff": (
        "One row per parameter of the Gaussian, for the step cost 1[x > k].",
        {
            "param": "the Gaussian's parameter: mu or sigma",
            "exact_gradient": "exact ∂E[1[x > k]]/∂param (cost per unit of the parameter)",
            "pathwise_estimate": "mean of autodiff's pathwise terms f′(x)·∂x/∂param (all 0)",
            "pathwise_standard_error": "their standard error (same units)",
            "pathwise_bias": "pathwise_estimate − exact_gradient (same units)",
            "score_estimate": "the score-function estimate's mean (same units)",
            "score_exact_standard_error": "its exact standard error (same units)",
            "n": "samples x drawn",
        },
    ),
    "one_episode": (
        "One row per step of one sampled episode.",
        {
            "step": "the step t of the episode (0, 1, …)",
            "position": "the chain position s_t",
            "action": "the action a_t (1 = right, 0 = left)",
            "next_position": "the position s_t+1 after the action",
            "reward": "the reward r_t (reward units)",
            "return_": "the episode's whole return R = Σ r_t",
            "reward_to_go": "the reward-to-go G_t = Σ_(t′ ≥ t) r_t′",
            "value": "the exact value V_t(s_t) = E[G_t | s_t]",
            "param": "θ_(s_t), the parameter of this position, where the score lands",
            "probability_right": "σ(θ_(s_t)), the probability of moving right",
            "score": "a_t − σ(θ_(s_t)), the score ∂ log π(a_t | s_t)/∂θ_(s_t)",
            "term_return": "R × score: this step's term with the whole return",
            "term_reward_to_go": "G_t × score: with the reward-to-go",
            "term_advantage": "(G_t − V_t(s_t)) × score: with the reward-to-go minus the value",
        },
    ),
    "gae_study": (
        "One row per critic, λ and parameter.",
        {
            "critic": "the critic: the exact discounted value V^γ or c·V^γ (a wrong one)",
            "lam": "GAE's λ (0: the one-step TD error, 1: the discounted reward-to-go minus V)",
            "param": _SHARED["param"],
            "gamma": "the discount γ of the critic and the advantages",
            "exact_mean": "exact E[ĝ] by enumerating the episodes (reward per unit θ)",
            "exact_gradient": "exact ∇E[R] of the undiscounted return (same units)",
            "exact_bias": "exact_mean − exact_gradient (same units)",
            "exact_variance": "exact variance of one episode's estimate (units squared)",
            "mean": "Monte Carlo mean over n episodes (same units)",
            "mean_standard_error": _SHARED["mean_standard_error"],
            "variance": "Monte Carlo variance of one episode's estimate (units squared)",
            "variance_standard_error": _SHARED["variance_standard_error"],
            "n": "episodes sampled",
        },
    ),
    "group_baseline_study": (
        "One row per estimator and parameter (and group size G in the sweep over G).",
        {
            "estimator": "the advantage: none, mean (Dr. GRPO), loo (RLOO), grpo (standardised "
            "group) or standardised (returns standardised over the batch)",
            "param": _SHARED["param"],
            "group_size": "G, actions drawn per group",
            "samples": "draws per estimate (G, or B·G for standardised)",
            "gradient": _SHARED["exact_gradient"],
            "exact_mean": "the estimate's exact expected value, by enumerating the arm counts "
            f"({_GRADIENT})",
            "bias": "exact_mean − gradient (same units)",
            "mean_over_gradient": "exact_mean ÷ gradient (no units; 1 when unbiased)",
            "exact_variance": "the estimate's exact variance (gradient units squared)",
            "mse": "exact mean squared error bias² + variance (gradient units squared)",
            "cosine": "exact expected cosine between the estimate and ∇J (no units; softmax)",
            "mean": "Monte Carlo mean over the repetitions (gradient units)",
            "mean_se": "exact standard error of mean (gradient units)",
            "variance": "Monte Carlo variance over the repetitions (gradient units squared)",
            "variance_se": "exact standard error of variance (gradient units squared)",
            "mean_check": "the check of mean against exact_mean in words (from mean_p_value)",
            "mean_passed": "whether mean_p_value is at least core.checks.ALPHA (True/False)",
            "variance_check": "the check of variance against exact_variance in words",
            "variance_passed": "whether variance_p_value is at least core.checks.ALPHA (True/False)",
            "theta": "the first parameter's value (θ of the binary bandit, logit_0 of the softmax)",
        },
    ),
    "group_exact_sweep": (
        "One row per swept value, estimator and parameter (exact values, no sampling).",
        {
            "gap_scale": "the factor on the reward gap r(1) − r(0)",
            "top_reward": "r(1) after scaling (reward units)",
            "theta": "the first parameter's value (θ of the binary bandit, logit_0 of the softmax)",
            "estimator": "the advantage: none, mean, loo, grpo or standardised",
            "param": _SHARED["param"],
            "group_size": "G, actions drawn per group",
            "samples": "draws per estimate (G, or B·G for standardised)",
            "gradient": _SHARED["exact_gradient"],
            "exact_mean": f"the estimate's exact expected value ({_GRADIENT})",
            "bias": "exact_mean − gradient (same units)",
            "mean_over_gradient": "exact_mean ÷ gradient (no units; 1 when unbiased)",
            "exact_variance": "the estimate's exact variance (gradient units squared)",
            "mse": "exact mean squared error bias² + variance (gradient units squared)",
            "cosine": "exact expected cosine between the estimate and ∇J (no units; softmax)",
        },
    ),
    "learning_curves": (
        "One row per estimator and step, over the runs.",
        {
            "estimator": "the advantage: none, mean, loo, grpo or standardised",
            "step": "update number t (0 = before the first update)",
            "samples": "draws so far (G per step, B·G for standardised)",
            "objective": "mean over the runs of the exact J(θ_t) (reward units)",
            "standard_error": f"standard error of objective over the runs ({_PLUS})",
            "spread": "standard deviation of J(θ_t) across the runs (reward units)",
            "low": "the worst run's J(θ_t) (reward units)",
            "high": "the best run's J(θ_t) (reward units)",
            "runs": "runs (seeds) averaged over",
        },
    ),
    "sample_reuse": (
        "One row per update on the same samples, quantity and arm or parameter.",
        {
            "estimator": "the advantage of the reused group: none, mean, loo, grpo or standardised",
            "group_size": "G, actions drawn per group",
            "epoch": "update k on the same samples (0 = before the first)",
            "quantity": "objective J, ratio ρ, clipped_ratio, effective_sample_size (Kish), "
            "clipped_fraction, true_gradient, is_gradient (importance-sampled), "
            "clipped_gradient, clipping_bias (clipped − IS) or bias (clipped − true)",
            "index": "what position counts: 'arm' (ratios), 'param' (gradients) or empty",
            "position": "the arm's or parameter's index (0 where index is empty)",
            "exact": "exact expected value, by enumerating the arm counts (the quantity's "
            "units: reward for J, none for ratios and fractions, gradient units else)",
            "exact_variance": "its exact variance (the quantity's units squared)",
            "monte_carlo": "mean over reps reused groups (the quantity's units)",
            "standard_error": "exact standard error √(exact_variance / reps)",
            "reps": "reused groups drawn",
        },
    ),
}
