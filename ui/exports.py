"""Results leave the app: the table behind a chart as a plain CSV (one header row, then data —
it loads as-is with pandas.read_csv or a spreadsheet), its data dictionary as a second CSV
(column, meaning), and the core calls that made it (printed from the same `core.calls.Call`
values the page ran, never typed a second time)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.calls import Call, code_block


def table_csv(table: pd.DataFrame) -> str:
    """`table` as a plain CSV: a header row of column names, then one row per observation
    (floats at full precision, so pandas.read_csv gives back the same numbers)."""
    return table.to_csv(index=False)


def data_dictionary(table: pd.DataFrame, meanings: Mapping[str, str]) -> pd.DataFrame:
    """What each column of `table` means, in its order: a (column, meaning) table. A column
    without an entry in `meanings` raises KeyError (tests/app check every export)."""
    return pd.DataFrame(
        {"column": list(table.columns), "meaning": [meanings[c] for c in table.columns]}
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
    row is) beside them, and a 'reproduce in Python' block."""
    key = key or f"download-{filename}"
    left, right = st.columns([1, 2])
    with left:
        st.download_button(
            f"Download {filename}",
            table_csv(table),
            file_name=filename,
            mime="text/csv",
            key=key,
        )
        if meanings is not None:
            st.download_button(
                "Data dictionary (CSV)",
                table_csv(data_dictionary(table, meanings)),
                file_name=dictionary_filename(filename),
                mime="text/csv",
                key=f"{key}-dictionary",
                help="What each column of the CSV means, and its units: one row per column.",
                type="tertiary",
            )
        if about:
            st.caption(about)
    with right, st.expander("Reproduce in Python"):
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
        "draw: index of the sampled action; action: a; reward: r(a); baseline: b; log_prob: "
        "log π(a); loss_term: ℓ = −log π(a)·(r − b); param: parameter; estimator_term: (r − b)·"
        "∇θ log π(a), the score-function term; minus_loss_gradient: −∂ℓ/∂θ by finite "
        "differences of ℓ at this fixed draw; difference: the two subtracted; tolerance: its "
        "stated bound; passed: within it."
    ),
    "attached_baseline": (
        "draw, action, reward, log_prob, param as above; detached_term: (r − J)·∇log π with b = J(θ) "
        "a number; attached_term: (r − J)·∇log π − log π·∇J, what autodiff gives when b = J(θ) "
        "is left attached; *_fd: the same by finite differences of that loss; tolerance, passed."
    ),
    "loss_value_run": (
        "step: update number t; one column per parameter: θ before the step; expected_value: "
        "exact J(θ_t); loss: the step's sampled surrogate loss L_t (reward units); "
        "expected_loss: exact E[L_t]; loss_standard_error: exact √(Var[ℓ]/N); baseline: b."
    ),
    "natural_gradient_check": (
        "estimate: 'exact Fisher' (F⁺ĝ) or 'sample Fisher' (F̂⁻¹ĝ); param; n: draws; value: the "
        "estimate; exact_mean, exact_standard_error: its exact mean and SE; natural_gradient: "
        "F⁺∇J by pseudo-inverse; closed_form: r(1) − r(0) or r − mean(r); exact_gradient: ∇J; "
        "fisher: F_jj."
    ),
    "natural_gradient_ascent": (
        "method: plain (θ += η ĝ) or natural (θ += η' F⁺ĝ) gradient; step; learning_rate: the "
        "rule's η; mean_expected_value: mean over runs of the exact J(θ_t); standard_error: its "
        "SE; low, high: mean ∓ 2 SE; exact_path: J with the exact gradient; stopped: runs "
        "stopped by then; runs; baseline: b; exact_mean_expected_value, exact_standard_error: "
        "the exact E[J(θ_t)] and its SE over the runs where known (steps 0 and 1)."
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
        "estimator, label, biased; evaluations: reward evaluations per estimate; param; "
        "exact_gradient: ∇J; exact_mean: E[ĝ] (exact); bias: E[ĝ] − ∇J; variance: exact Var of "
        "one estimate (gradient units²); variance_x_evaluations, mse_x_evaluations: per "
        "evaluation; signal_to_noise: |E ĝ| / sd(ĝ); exact_route: how the exact values were "
        "computed; mc_estimates; mc_mean, mc_variance: Monte Carlo; mean_standard_error, "
        "variance_standard_error: their EXACT SEs (empty where the fourth moment is unknown); "
        "theta / temperature: the swept value (sweeps only)."
    ),
    "log_derivative_routes": (
        "route: exact sum / naive r(a)·∇π(a) / log-derivative r(a)·∇log π(a); exact_mean: what "
        "the route estimates (the naive one Σ π(a) r(a) ∇π(a)); exact_gradient: ∇J; exact_bias: "
        "exact_mean − ∇J; per_draw_variance: exact variance of one draw's term; estimate: mean "
        "of n draws (the exact sum itself for the first row); exact_standard_error: "
        "√(per_draw_variance/n); n: draws."
    ),
    "policy_draws": (
        "draw; param: w_j; state: s_j; action: a; mean_action: wᵀs (Gaussian) or σ(wᵀs) = "
        "π(1|s) (logistic); reward: r; score: ∇w_j log π(a|s); term: r·score; running_mean: "
        "mean of the first `draw` terms; exact_gradient: ∂J/∂w_j; exact_standard_error: exact "
        "σ_j/√draw. The rows shown: the first draws and the last (the call returns every draw)."
    ),
    "logistic_derivation": (
        "state: index k; feature: s_kj; action: a; param: w_j; state_probability: p(s_k); "
        "logit: wᵀs_k; prob_one: σ(wᵀs_k); action_probability: π(a|s_k); reward: r(s_k, a); "
        "score: (a − σ(wᵀs_k)) s_kj; summand: p π r score (sum per param = ∂J/∂w_j)."
    ),
    "step_cost_autodiff": (
        "param: mu or sigma; exact_gradient: ∂E[1[x > k]]/∂param; pathwise_estimate: mean of "
        "the autodiff pathwise terms f′(x)·∂x/∂param (all 0); pathwise_standard_error: their "
        "SE; pathwise_bias: estimate − exact; score_estimate: score-function mean; "
        "score_exact_standard_error: its exact SE; n: samples."
    ),
    "one_episode": (
        "step: t; position: s_t; action: a_t (1 = right); next_position: s_t+1; reward: r_t; "
        "return_: R; reward_to_go: G_t; value: exact V_t(s_t); param: θ_{{s_t}}, where the "
        "score lands; probability_right: σ(θ_{{s_t}}); score: a_t − σ(θ_{{s_t}}); term_<credit>: "
        "the credit (R, G_t, G_t − V_t) × score."
    ),
    "gae_study": (
        "critic: exact V^γ or c·V^γ; lam: λ; param; gamma: γ; exact_mean: E[ĝ] by enumeration; "
        "exact_gradient: ∇E[R] (undiscounted); exact_bias: E[ĝ] − ∇E[R]; exact_variance: exact "
        "per-episode variance; mean ± mean_standard_error: MC mean of n episodes ± exact SE; "
        "variance ± variance_standard_error: MC per-episode variance ± its exact SE; n."
    ),
    "group_baseline_study": (
        "estimator: none / mean (Dr. GRPO) / loo (RLOO) / grpo / standardised; param; "
        "group_size: G; samples: draws per estimate (B·G for standardised); gradient: exact ∇J; "
        "exact_mean, bias (= exact_mean − gradient), mean_over_gradient, exact_variance, mse, "
        "cosine: the estimate's exact law by enumerating the arm counts; mean, variance: Monte "
        "Carlo over the repetitions; mean_se, variance_se: their exact standard errors; "
        "*_check, *_passed: |MC − exact| in exact SE. Gradient units (squared for variances)."
    ),
    "group_exact_sweep": (
        "gap_scale: factor on the reward gap r(1) − r(0); top_reward: r(1) (reward units); "
        "theta: the first parameter; estimator; param; group_size: G; samples; gradient: exact "
        "∇J; exact_mean, bias, mean_over_gradient, exact_variance, mse, cosine: exact (no "
        "sampling)."
    ),
    "learning_curves": (
        "estimator; step; samples: draws so far (G per step); objective: mean over runs of the "
        "exact J(θ_t) (reward units); standard_error: its SE; spread: sd across runs; low, high: "
        "worst and best run; runs."
    ),
    "sample_reuse": (
        "estimator; group_size: G; epoch: update k on the same samples; quantity (objective J, "
        "ratio ρ, clipped_ratio, effective_sample_size (Kish), clipped_fraction, true_gradient, "
        "is_gradient, clipped_gradient, clipping_bias, bias); index, position: the arm or "
        "parameter; exact, exact_variance: by enumerating the counts; monte_carlo: mean over "
        "reps reused groups; standard_error: the exact √(Var/reps)."
    ),
}
