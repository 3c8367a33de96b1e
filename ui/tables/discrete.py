"""Tables of the discrete estimators (core.discrete_estimators.discrete_comparison): the fair
comparison at equal reward evaluations, signal-to-noise, and the closing recommendation —
each Monte Carlo cell beside its exact value, checked with the exact standard error."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.checks import check_help, check_rows, labels, summary_badge
from ui.format import number_text, plus_minus
from ui.tables.static import static_table


def _checks(table: pd.DataFrame, estimate: str, exact: str, standard_error: str) -> list:
    """The checks core stored beside each row (ui.checks.check_rows); None where the exact SE
    is not known (no exact fourth moment for a variance)."""
    prefix = standard_error.removesuffix("standard_error")
    checks = check_rows(table, estimate, exact, standard_error, prefix)
    return [
        None if pd.isna(se) else check
        for check, se in zip(checks, table[standard_error], strict=True)
    ]


def _label(row) -> str:
    return f"{row['label']} — biased" if row["biased"] else row["label"]


def comparison_columns(
    table: pd.DataFrame, params: bool = False
) -> tuple[pd.DataFrame, list, list]:
    """The comparison as shown: readable columns, and the mean and variance checks."""
    mean_checks = _checks(table, "mc_mean", "exact_mean", "mean_standard_error")
    variance_checks = _checks(table, "mc_variance", "variance", "variance_standard_error")
    columns = {"estimator": [_label(row) for _, row in table.iterrows()]}
    if params:
        columns["parameter"] = table["param"]
    columns |= {
        "evaluations": table["evaluations"],
        "E[ĝ] (exact)": table["exact_mean"],
        "bias (exact)": table["bias"],
        "Var[ĝ] (exact)": table["variance"],
        "Var × evaluations": table["variance_x_evaluations"],
        "E[ĝ] (MC ± exact SE)": [
            plus_minus(m, s)
            for m, s in zip(table["mc_mean"], table["mean_standard_error"], strict=True)
        ],
        "mean check": labels(mean_checks),
        "Var (MC ± exact SE)": [
            f"{v:.5g}" if pd.isna(s) else plus_minus(v, s)
            for v, s in zip(table["mc_variance"], table["variance_standard_error"], strict=True)
        ],
        "variance check": labels(variance_checks),
    }
    return pd.DataFrame(columns), mean_checks, variance_checks


def comparison_table(
    table: pd.DataFrame, what: str, params: bool = False, shown: str | None = None
) -> None:
    """The fair comparison: one row per estimator (and parameter; only parameter `shown` if
    given), exact beside Monte Carlo, then one badge for the means and one for the variances
    (exact SEs) over every row of `table`."""
    columns, mean_checks, variance_checks = comparison_columns(table, params)
    shown = columns if shown is None else columns[(table["param"] == shown).to_numpy()]
    number = st.column_config.NumberColumn(format="%.5g")
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            **check_help("mean check", "variance check"),
            "E[ĝ] (exact)": number,
            "bias (exact)": number,
            "Var[ĝ] (exact)": number,
            "Var × evaluations": st.column_config.NumberColumn(
                format="%.5g",
                help="Variance of one estimate times the reward evaluations it costs: the "
                "variance of an average over a fixed budget of evaluations, times the budget.",
            ),
        },
    )
    summary_badge(mean_checks, f"{what}: mean, Monte Carlo vs exact (exact SE)")
    if any(check is not None for check in variance_checks):
        summary_badge(variance_checks, f"{what}: variance, Monte Carlo vs exact (exact SE)")


def signal_to_noise_table(table: pd.DataFrame, budget: int) -> None:
    """|E ĝ| / sd(ĝ) per estimate and for an average over `budget` reward evaluations, with the
    MSE per evaluation, for one parameter per estimator."""
    first = table[table["param"] == table["param"].iloc[0]]
    # An average over `budget` evaluations has budget/evaluations estimates: SNR·√(that).
    snr_budget = first["signal_to_noise"] * (budget / first["evaluations"]) ** 0.5
    shown = pd.DataFrame(
        {
            "estimator": [_label(row) for _, row in first.iterrows()],
            "evaluations": first["evaluations"],
            "∇J (exact)": first["exact_gradient"],
            "E[ĝ] (exact)": first["exact_mean"],
            "|E ĝ| / sd(ĝ), one estimate": first["signal_to_noise"].map(number_text),
            f"SNR at {budget} evaluations": snr_budget.map(number_text),
            "MSE × evaluations": first["mse_x_evaluations"],
        }
    )
    static_table(shown, dict.fromkeys(("∇J (exact)", "E[ĝ] (exact)", "MSE × evaluations"), "%.4g"))


def ranking(table: pd.DataFrame) -> pd.DataFrame:
    """One row per estimator, its variance, MSE and bias summed over the parameters (the
    squared length of the error vector), unbiased first, then by MSE × evaluations."""
    summed = table.groupby("estimator", sort=False).agg(
        label=("label", "first"),
        biased=("biased", "first"),
        variance_x_evaluations=("variance_x_evaluations", "sum"),
        mse_x_evaluations=("mse_x_evaluations", "sum"),
        bias=("bias", lambda bias: float((bias**2).sum() ** 0.5)),
    )
    return summed.reset_index().sort_values(["biased", "mse_x_evaluations"], kind="stable")


def which_to_use(sections: dict[str, pd.DataFrame]) -> None:
    """The closing recommendation, read off each section's exact numbers (summed over the
    parameters): the cheapest unbiased estimator per evaluation, how it compares with plain
    REINFORCE, and the best biased one."""
    lines = []
    for title, table in sections.items():
        ordered = ranking(table)
        unbiased = ordered[~ordered["biased"]]
        best, plain = unbiased.iloc[0], ordered[ordered["estimator"] == "score"].iloc[0]
        text = (
            f"**{title}**: lowest variance per evaluation among the unbiased — "
            f"**{best['label']}** ({number_text(best['variance_x_evaluations'])} vs "
            f"{number_text(plain['variance_x_evaluations'])} for the plain score function)"
        )
        runner = unbiased[unbiased["estimator"] != best["estimator"]]
        if best["estimator"] == "optimal" and len(runner):
            practical = runner.iloc[0]
            text += (
                f"; b* needs the exact answer, so in practice **{practical['label']}** "
                f"({number_text(practical['variance_x_evaluations'])})"
            )
        biased = ordered[ordered["biased"]]
        if len(biased):
            low = biased.iloc[0]
            text += (
                f". Best biased: {low['label']}, MSE × evaluations "
                f"{number_text(low['mse_x_evaluations'])}, bias of length "
                f"{number_text(low['bias'])}."
            )
        lines.append(f"- {text}")
    st.markdown("\n".join(lines))
