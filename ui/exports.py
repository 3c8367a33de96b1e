"""Results leave the app: the table behind a chart as CSV, and the core calls that made it
(printed from the same `core.calls.Call` values the page ran, never typed a second time)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from core.calls import Call, code_block


def export_results(
    table: pd.DataFrame, filename: str, code: str, columns_note: str = "", key: str | None = None
) -> None:
    """A CSV download of `table` (tidy, one row per observation) and a 'reproduce in Python' block.

    `columns_note` says what each column means and its units; it is shown beside the button and
    written as `#` comment lines at the top of the CSV so the file explains itself.
    """
    header = "".join(f"# {line}\n" for line in columns_note.splitlines() if line.strip())
    left, right = st.columns([1, 2])
    with left:
        st.download_button(
            f"Download {filename}",
            header + table.to_csv(index=False),
            file_name=filename,
            mime="text/csv",
            key=key or f"download-{filename}",
        )
        if columns_note:
            st.caption(columns_note)
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
    (name, Call) pairs) and the column note COLUMNS[columns] (its fields filled from `fields`)."""
    assignments = [(name, calls)] if isinstance(calls, Call) else list(calls)
    note = COLUMNS[columns].format(**fields)
    export_results(table, filename, code_block(assignments, tail), note, key=key)


# What each exported table's columns mean, by the core call that made it (str.format fields in
# braces are filled in by the page).
COLUMNS = {
    "running_estimate": (
        "draw: index of the sampled action; x: action a (0 or 1); f: reward r(a); score: "
        "∇θ log π(a); term: r(a)·score; running_mean: mean of the first `draw` terms; "
        "exact_gradient: exact ∇J(θ); standard_error / exact_standard_error: measured s/√draw "
        "and exact σ/√draw of the running mean. Every draw up to "
        "{rows:,} draws; beyond, {rows:,} log-spaced draws (the call returns them all)."
    ),
    "objective_curve": (
        "value: θ; expected_value: exact J(θ) = E[r(a)] (reward units); exact_gradient: "
        "exact ∇J(θ); fisher_information: σ(θ)(1 − σ(θ))."
    ),
    "gradient_ascent": (
        "step: update number; value: θ before the step; gradient_estimate: the sampled ĝ used "
        "for the step; exact_gradient: exact ∇J at that θ; expected_value: exact J(θ)."
    ),
    "score_check": (
        "quantity: 'mean score' (E[s_row]) or 'fisher' (E[s_row s_col]); row, col: parameter "
        "names; estimate: Monte Carlo mean over n draws; standard_error: its SE (score units, "
        "squared for fisher); exact: 0 or the Fisher information entry."
    ),
    "score_trace": (
        "draw: number of draws N; param: parameter; score: that draw's score s_j; running_mean: "
        "mean of s_j over the first N draws; exact_standard_error: √(I_jj/N). Kept at up to "
        "{rows:,} log-spaced draws per parameter (the call gives every draw)."
    ),
    "fisher_curve": (
        "value: the swept parameter's value; param: its name; estimate: Monte Carlo mean of s_j² "
        "over n draws; standard_error: its SE; exact: the exact Fisher information I_jj."
    ),
    "variance_curve": (
        "n: samples per estimate N; param: parameter; mean, variance: mean and variance of the "
        "reps estimates (gradient units, squared for variance); exact_gradient: ∇J; "
        "exact_variance: exact Var[ĝ_N]; exact_mean: exact E[ĝ_N] (≠ ∇J only for the batch-mean "
        "baseline); mean_standard_error, variance_standard_error: SEs of mean and variance; "
        "reps: repetitions; estimator, baseline: what was measured."
    ),
    "samples_needed": (
        "param: parameter; exact_gradient: ∇J; relative_error: the target ε = RMSE/|∇J|; "
        "signal_to_noise: 1/ε; n_needed: smallest N reaching it (exact); achieved_relative_error: "
        "the exact relative error at that N."
    ),
    "baseline_study": (
        "baseline: which baseline; param: parameter; mean / exact_mean: mean estimate over reps "
        "(MC / exact); bias, exact_bias: mean − exact gradient; variance, exact_variance: Var of "
        "the n-sample estimate (gradient units²); *_standard_error: SE of the MC mean / variance; "
        "variance_reduction: exact Var[none] / Var[this]; monte_carlo_reduction: the same from the "
        "MC variances (the page adds this column; core does not)."
    ),
    "baseline_variance_curve": (
        "baseline: the constant b (reward units); param: parameter; variance: exact variance of "
        "one sample's term (f − b)·s (gradient units²); optimal_baseline: b* for that parameter."
    ),
    "gradient_ascent_runs": (
        "run: which baseline; step; param; value: θ before the step; gradient_estimate: the "
        "step's estimate ĝ; exact_gradient: ∇J at θ; expected_value: exact J(θ)."
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
    "per_sample_comparison": (
        "estimator; param: parameter; available/reason: whether core offers the estimator here; "
        "mean ± mean_standard_error: the n-sample gradient estimate; exact_gradient; variance ± "
        "variance_standard_error: per-sample variance (MC); exact_variance: its exact value."
    ),
    "cost_and_density": "x: sample value; cost: f(x); density: p(x|μ, σ) (per unit x).",
    "credit_comparison": (
        "credit: return / reward_to_go / advantage (reward-to-go − V); n: episodes per estimate; "
        "param; mean ± mean_standard_error: mean of reps estimates; exact_gradient; variance ± "
        "variance_standard_error: variance of the n-episode estimate (reward² per unit θ²); "
        "exact_variance; variance_reduction: exact Var[return] / Var[this credit] (added by the "
        "page)."
    ),
    "horizon_study": (
        "horizon: T; credit; param; exact_gradient; exact_variance: exact variance of one "
        "episode's term; total_variance: summed over params."
    ),
    "horizon_monte_carlo": (
        "horizon: T; credit; param; mean ± mean_standard_error: mean of the per-episode terms; "
        "variance: per-sample variance (MC); variance_standard_error: its exact SE; "
        "exact_variance (from core.horizon_study)."
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
