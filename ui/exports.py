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
    "estimator_comparison": (
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
}
