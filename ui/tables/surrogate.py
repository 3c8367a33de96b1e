"""The surrogate-loss page's tables: per-sample gradients of the loss beside the estimator, one
optimiser step, the attached baseline, the loss at several baselines, and the natural gradient —
each sampled number beside its exact value and its check. Layout only: the numbers are core's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.calls import Call
from ui.checks import (
    CHECK_COLUMN,
    check_badge,
    check_help,
    check_rows,
    exact_check_badge,
    labels,
    rounding_spread,
    summary_badge,
)
from ui.exports import export
from ui.format import plus_minus, plus_minus_column
from ui.tables.static import static_table

# Draws shown in the per-sample tables.
FIRST_DRAWS = 10
THREE, SIX, EIGHT, TINY = "%.4f", "%.6f", "%.8f", "%.1e"


def _show(columns: dict[str, object], formats: dict[str, str]) -> None:
    """A full-width table of `columns`, each column named in `formats` shown in that printf
    format; the check column, if any, carries CHECK_HELP as its tooltip (a grid: a static
    table has no column tooltips)."""
    if CHECK_COLUMN not in columns:
        static_table(pd.DataFrame(columns), formats)
        return
    st.dataframe(
        pd.DataFrame(columns),
        hide_index=True,
        width="stretch",
        column_config={
            name: st.column_config.NumberColumn(format=text) for name, text in formats.items()
        }
        | (check_help() if CHECK_COLUMN in columns else {}),
    )


def _first(samples: pd.DataFrame, rows: int) -> pd.DataFrame:
    return samples[samples["draw"] <= rows]


def _parameter_column(frame: pd.DataFrame, table: pd.DataFrame) -> dict[str, object]:
    """A "parameter" column, only when the problem has several."""
    return {"parameter": frame["param"]} if table["param"].nunique() > 1 else {}


def _tolerance_marks(differences: pd.Series, tolerances: pd.Series) -> list[str]:
    return [
        f"{'✓' if abs(d) <= t else '✗'} ≤ {t:.0e}"
        for d, t in zip(differences, tolerances, strict=True)
    ]


def loss_gradient_samples(samples: pd.DataFrame, rows: int = FIRST_DRAWS) -> None:
    """core.surrogate.surrogate_gradient's first draws: ℓ_i, the estimator term, −∂ℓ_i/∂θ by
    finite differences of ℓ_i, and their difference against its stated tolerance."""
    first = _first(samples, rows)
    columns = {
        "draw": first["draw"],
        "a": first["action"].astype(int),
        "r(a)": first["reward"],
        "log π(a)": first["log_prob"],
        "ℓᵢ = −log π(a)·(r − b)": first["loss_term"],
        **_parameter_column(first, samples),
        "estimator (r − b)·∇log π(a)": first["estimator_term"],
        "−∂ℓᵢ/∂θ (finite differences)": first["minus_loss_gradient"],
        "difference": first["difference"],
        "check": _tolerance_marks(first["difference"], first["tolerance"]),
    }
    numbers = ("r(a)", "log π(a)", "ℓᵢ = −log π(a)·(r − b)")
    terms = ("estimator (r − b)·∇log π(a)", "−∂ℓᵢ/∂θ (finite differences)")
    _show(columns, dict.fromkeys(numbers, THREE) | dict.fromkeys(terms, SIX) | {"difference": TINY})


def loss_gradient_summary(summary: pd.DataFrame) -> None:
    """The batch: ĝ beside −∇L (both from the same draws), their difference and its deterministic
    check; then ĝ against the exact ∇J with the exact SE."""
    n = int(summary["n"].iloc[0])
    mean = f"ĝ = mean of the N = {n:,} estimator terms"
    columns = {
        "parameter": summary["param"],
        mean: summary["estimate"],
        "−∂L/∂θ (finite differences of L)": summary["minus_loss_gradient"],
        "difference": summary["difference"],
        "worst per-sample |difference|": summary["worst_sample_difference"],
        "exact ∇J(θ)": summary["exact_gradient"],
    }
    differences = ("difference", "worst per-sample |difference|")
    _show(
        columns,
        dict.fromkeys((mean, "−∂L/∂θ (finite differences of L)"), EIGHT)
        | dict.fromkeys(differences, TINY),
    )
    worst = summary.loc[summary["worst_sample_difference"].idxmax()]
    exact_check_badge(
        {
            "passed": bool(summary["passed"].all()),
            "abs_error": float(worst["worst_sample_difference"]),
            "tolerance": float(worst["tolerance"]),
        }
    )
    checks = check_rows(summary, "estimate", "exact_gradient", "exact_standard_error")
    summary_badge(checks, f"ĝ from N = {n:,} draws vs exact ∇J (exact SE)")


def loss_value_metric(summary: pd.DataFrame) -> None:
    """This batch's loss value beside its exact expectation, checked with the exact SE."""
    row = summary.iloc[0]
    left, right = st.columns(2)
    left.metric(
        f"loss L of this batch (N = {int(row['n']):,})",
        plus_minus(
            row["loss"],
            row["loss_standard_error"],
            rounding_spread(row["loss"], row["expected_loss"]),
        ),
    )
    right.metric("exact E[L] = −Σₐ π(a) log π(a)·(r(a) − b)", f"{row['expected_loss']:.6g}")
    check = check_rows(summary.iloc[:1], "loss", "expected_loss", "loss_standard_error")[0]
    check_badge(check, "L vs exact E[L] (exact SE)")


def optimiser_step(step: pd.DataFrame) -> None:
    """core.surrogate's one optimiser step, θ ← θ − η∇L, with the loss as written and with its
    sign dropped: θ before and after and the exact J at each."""
    columns = {
        "optimiser minimises": step["rule"],
        "update": step["update"],
        **_parameter_column(step, step),
        "θ before": step["theta_before"],
        "∂L/∂θ": step["loss_gradient"],
        "θ after": step["theta_after"],
        "exact J before": step["expected_value_before"],
        "exact J after": step["expected_value_after"],
    }
    _show(columns, dict.fromkeys(list(columns)[-5:], THREE))


def attached_samples(samples: pd.DataFrame, rows: int = FIRST_DRAWS) -> None:
    """core.surrogate.attached_baseline's first draws: each −∂ℓᵢ/∂θ with b = J(θ) detached and
    attached, by formula and by finite differences of that loss."""
    first = _first(samples, rows)
    terms = {
        "detached (formula)": first["detached_term"],
        "detached (FD)": first["detached_fd"],
        "attached (formula)": first["attached_term"],
        "attached (FD)": first["attached_fd"],
    }
    marks = ["✓ both" if passed else "✗" for passed in first["passed"]]
    columns = {"draw": first["draw"], "a": first["action"].astype(int), "r(a)": first["reward"]}
    _show(
        columns | _parameter_column(first, samples) | terms | {"check": marks},
        {"r(a)": THREE} | dict.fromkeys(terms, SIX),
    )
    st.caption(
        "Formula: detached (r − J)·∇log π(a); attached (r − J)·∇log π(a) − log π(a)·∇J. FD: "
        "−∂ℓᵢ/∂θ by finite differences of that draw's loss, with b = J(θ) held as a number "
        "(detached) or recomputed at each shifted θ (attached)."
    )


def attached_summary(summary: pd.DataFrame) -> None:
    """Detached against attached: the mean of the N terms ± exact SE, its exact expectation (sum
    over the arms and closed form), the exact bias, and the check."""
    n = int(summary["n"].iloc[0])
    checks = check_rows(summary, "estimate", "exact_mean", "exact_standard_error")
    exact = {
        "exact E[−∇L] (sum over arms)": summary["exact_mean"],
        "closed form": summary["exact_mean_closed_form"],
        "exact bias E[−∇L] − ∇J": summary["exact_bias"],
    }
    columns = {
        "baseline b = J(θ)": summary["baseline"],
        **_parameter_column(summary, summary),
        f"mean of N = {n:,} terms ± exact SE": plus_minus_column(
            summary, "estimate", "exact_standard_error"
        ),
    }
    _show(columns | exact | {CHECK_COLUMN: labels(checks)}, dict.fromkeys(exact, SIX))
    summary_badge(checks, f"mean of N = {n:,} terms vs its exact expectation (exact SE)")


def baselines_at_start(at_start: pd.DataFrame) -> None:
    """core.surrogate.loss_value_run's baselines at θ₀: E[L_b] changes with b, E[−∇L_b] does not
    (it is ∇J), and Var[(r − b)·∇log π] — what b does change for the gradient."""
    columns = {
        "baseline b": at_start["baseline"],
        **_parameter_column(at_start, at_start),
        "exact E[L_b]": at_start["expected_loss"],
        "exact E[−∇L_b] (sum over arms)": at_start["expected_gradient"],
        "exact ∇J": at_start["exact_gradient"],
        "exact Var[(r − b)·∇log π] per draw": at_start["term_variance"],
    }
    gradients = ("exact E[−∇L_b] (sum over arms)", "exact ∇J")
    _show(
        columns,
        {"exact E[L_b]": "%.5f", "exact Var[(r − b)·∇log π] per draw": "%.5g"}
        | dict.fromkeys(gradients, SIX),
    )


def loss_run_badge(run: pd.DataFrame) -> None:
    """One badge for the run's sampled losses against their exact expectations (exact SE)."""
    checks = check_rows(run.dropna(subset=["loss"]), "loss", "expected_loss", "loss_standard_error")
    summary_badge(checks, f"sampled L_t vs exact E[L_t] at each of {len(checks)} steps")


def natural_gradient_estimates(table: pd.DataFrame) -> None:
    """core.natural_gradient.natural_gradient_check: each estimate ± exact SE beside its exact
    mean, the pseudo-inverse F⁺∇J and the closed form, with the check."""
    n = int(table["n"].iloc[0])
    checks = check_rows(table, "value", "exact_mean", "exact_standard_error")
    rules = {"exact Fisher": "F⁺ĝ, exact F", "sample Fisher": "F̂⁻¹ĝ, F̂ = mean s²"}
    exact = {
        "its exact mean": table["exact_mean"],
        "F⁺∇J (pseudo-inverse)": table["natural_gradient"],
        "closed form": table["closed_form"],
        "∇J": table["exact_gradient"],
    }
    columns = {
        "estimate": table["estimate"].map(rules),
        **_parameter_column(table, table),
        f"from N = {n:,} draws ± exact SE": plus_minus_column(
            table, "value", "exact_standard_error"
        ),
    }
    _show(columns | exact | {CHECK_COLUMN: labels(checks)}, dict.fromkeys(exact, SIX))
    summary_badge(checks, f"natural gradient from N = {n:,} draws vs its exact mean (exact SE)")


def fisher_spectrum(spectrum: pd.DataFrame) -> None:
    """The Fisher matrix's eigenvalues with their eigenvectors (one column per parameter)."""
    shown = spectrum.rename(columns={"index": "#", "eigenvalue": "eigenvalue of F"})
    _show(
        dict(shown.items()),
        {"eigenvalue of F": "%.3e"} | dict.fromkeys(spectrum.columns[2:], THREE),
    )


def natural_ascent_metrics(table: pd.DataFrame) -> None:
    """Each rule's mean J at the last step ± SE over runs (no ± when every run ends at the same J
    to rounding: ui.checks.rounding_spread), its step size and the exact-gradient path's J
    there."""
    last = table[table["step"] == table["step"].max()]
    for column, (_, row) in zip(st.columns(len(last)), last.iterrows(), strict=True):
        column.metric(
            f"{row['method']}: mean J(θ_{int(row['step'])}) over {int(row['runs'])} runs",
            plus_minus(
                row["mean_expected_value"],
                row["standard_error"],
                rounding_spread(row["mean_expected_value"], row["exact_path"]),
            ),
        )
        stopped = int(row["stopped"])
        column.caption(
            f"η = {row['learning_rate']:.4g} · with the exact gradient J(θ_{int(row['step'])}) = "
            f"{row['exact_path']:.6g}"
            + (f" · {stopped} runs stopped (their step left the floats)" if stopped else "")
        )


def export_part(result: object, part: str, filename: str, call: Call, columns: str) -> None:
    """ui.exports.export of the table `result.<part>` of a study that returns several tables,
    its code assigning the study to `result` and the table to `table`."""
    export(
        getattr(result, part), filename, call, columns, key=f"export-{columns}", name="result",
        tail=f"table = result.{part}",
    )  # fmt: skip


def first_step_badge(ascent: pd.DataFrame) -> None:
    """The runs' mean J(θ₁) after the first step against its exact expectation (a sum over every
    count vector of the first step's draws), one check per rule; a caption where the count
    vectors are too many to sum."""
    first = ascent[(ascent["step"] == 1) & ascent["exact_mean_expected_value"].notna()]
    if first.empty:
        st.caption(
            "The first step's exact E[J(θ₁)] is left out here: the draws per step have too many "
            "count vectors to sum over. Fewer draws per step (or arms) bring it back."
        )
        return
    checks = check_rows(
        first, "mean_expected_value", "exact_mean_expected_value", "exact_standard_error"
    )
    summary_badge(
        checks,
        "mean J(θ₁) over the runs vs exact E[J(θ₁)], summed over every count vector of the "
        "first step's draws (exact SE)",
    )
