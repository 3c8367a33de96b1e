"""The group baselines' tables: every estimator's exact mean, bias, variance and MSE beside Monte
Carlo with its check; the (G − 1)/G shrink of the batch mean; GRPO against the reward gap; the
softmax cosine; learning-curve end points; and one group reused for several clipped updates."""

from __future__ import annotations

from fractions import Fraction

import pandas as pd
import streamlit as st

from ui.charts.groups import GROUP_ESTIMATOR_TITLES, REUSE_TITLES
from ui.checks import (
    CHECK_COLUMN,
    check_help,
    check_rows,
    labels,
    rounding_spread,
    summary_badge,
)
from ui.format import number_text, plus_minus_column
from ui.tables.static import static_table

SIX_DIGITS = "%.6g"
NUMBER = st.column_config.NumberColumn(format=SIX_DIGITS)


def _full_height(rows: int) -> int:
    """A dataframe height (px) that shows `rows` rows and the header without scrolling."""
    return 35 * (rows + 1) + 3


def _titles(estimators: pd.Series) -> pd.Series:
    return estimators.map(GROUP_ESTIMATOR_TITLES)


def gradient_metric(study: pd.DataFrame) -> None:
    """The true gradient ∇J(θ) (exact), the number every estimator is measured against."""
    st.metric("true gradient ∇J(θ) (exact)", number_text(study["gradient"].iloc[0], 6))


def group_estimator_table(study: pd.DataFrame) -> None:
    """core.group_baselines.group_baseline_study (binary bandit, one parameter): per estimator
    the exact mean, bias, variance and MSE, the Monte Carlo mean and variance ± their exact SE,
    each checked; then one badge for the means and one for the variances."""
    mean_checks = check_rows(study, "mean", "exact_mean", "mean_se", prefix="mean_")
    variance_checks = check_rows(study, "variance", "exact_variance", "variance_se", "variance_")
    table = pd.DataFrame(
        {
            "estimator": _titles(study["estimator"]),
            "draws": study["samples"],
            "E[ĝ] (exact)": study["exact_mean"],
            "E[ĝ] (MC ± SE)": plus_minus_column(study, "mean", "mean_se"),
            "E[ĝ] check": labels(mean_checks),
            "bias (exact)": [
                _bias_text(b, g) for b, g in zip(study["bias"], study["gradient"], strict=True)
            ],
            "Var[ĝ] (exact)": study["exact_variance"],
            "Var[ĝ] (MC ± SE)": plus_minus_column(study, "variance", "variance_se"),
            "Var[ĝ] check": labels(variance_checks),
            "MSE (exact)": study["mse"],
        }
    )
    st.dataframe(
        table,
        hide_index=True,
        column_config={
            **{column: NUMBER for column in ("E[ĝ] (exact)", "Var[ĝ] (exact)", "MSE (exact)")},
            **check_help("E[ĝ] check", "Var[ĝ] check"),
        },
    )
    summary_badge(mean_checks, "E[ĝ], Monte Carlo vs exact (exact SE)")
    summary_badge(variance_checks, "Var[ĝ], Monte Carlo vs exact (exact SE)")


# An exact bias within this relative rounding of ∇J is zero (core.checks.ROUNDING's scale).
ROUNDING = 1e-12


def _bias_text(bias: float, gradient: float) -> str:
    """The exact bias as a cell: '0' where the enumeration's sum is ∇J to rounding."""
    if abs(bias) <= ROUNDING * max(1.0, abs(gradient)):
        return "0"
    return f"{bias:.6g}"


def sweep_badge(sweep: pd.DataFrame, what: str) -> None:
    """One badge for the Monte Carlo means and variances of a group_sweep (every G)."""
    checks = check_rows(sweep, "mean", "exact_mean", "mean_se", "mean_") + check_rows(
        sweep, "variance", "exact_variance", "variance_se", "variance_"
    )
    summary_badge(checks, what)


def shrink_table(sweep: pd.DataFrame) -> None:
    """Per G: (G − 1)/G beside the exact E[ĝ]/∇J of the batch mean and of RLOO."""
    by_estimator = sweep.set_index(["estimator", "group_size"])["mean_over_gradient"]
    sizes = sorted(sweep["group_size"].unique())
    static_table(
        pd.DataFrame(
            {
                "G": sizes,
                "(G − 1)/G": [f"{Fraction(g - 1, g)} = {(g - 1) / g:.6g}" for g in sizes],
                "batch mean: E[ĝ]/∇J (exact)": [by_estimator["mean", g] for g in sizes],
                "RLOO: E[ĝ]/∇J (exact)": [by_estimator["loo", g] for g in sizes],
            }
        ),
        dict.fromkeys(("batch mean: E[ĝ]/∇J (exact)", "RLOO: E[ĝ]/∇J (exact)"), SIX_DIGITS),
    )


def shrink_text(study: pd.DataFrame) -> str:
    """The shrink at the page's G in numbers: E[ĝ_mean] = (G − 1)/G · ∇J, RLOO = ∇J."""
    rows = study.set_index("estimator")
    g, gradient = int(rows["group_size"].iloc[0]), rows["gradient"].iloc[0]
    mean, loo = rows.loc["mean", "exact_mean"], rows.loc["loo", "exact_mean"]
    return (
        f"At G = {g}: the batch-mean estimate has E[ĝ] = **{mean:.6g}** = "
        f"{Fraction(g - 1, g)} × {gradient:.6g}, because r̄ contains r_i itself and "
        f"E[r_i s_i]/G = ∇J/G is subtracted with it. RLOO leaves r_i out of its own baseline, "
        f"r̄₋ᵢ is independent of a_i and E[s_i] = 0, so E[ĝ] = **{loo:.6g}** = ∇J. Its advantage "
        f"is the batch mean's scaled up: r_i − r̄₋ᵢ = G/(G − 1)·(r_i − r̄) = "
        f"{Fraction(g, g - 1)}·(r_i − r̄) — the same direction, the shrink undone."
    )


def reward_gap_table(sweep: pd.DataFrame) -> None:
    """group_exact_sweep over gap scales: r(1), Δ, ∇J and each estimator's exact E[ĝ]."""
    wide = sweep.pivot_table(
        index=["top_reward", "gradient"], columns="estimator", values="exact_mean", sort=False
    ).reset_index()
    table = pd.DataFrame({"r(1)": wide["top_reward"], "true ∇J": wide["gradient"]})
    for estimator in GROUP_ESTIMATOR_TITLES:
        if estimator in wide:
            table[f"E[ĝ] {GROUP_ESTIMATOR_TITLES[estimator]}"] = wide[estimator]
    static_table(table, dict.fromkeys(table.columns[1:], SIX_DIGITS))


def cosine_table(sweep: pd.DataFrame) -> None:
    """group_exact_sweep at the softmax bandit's own logits and one G: per estimator the cosine
    between E[ĝ] and ∇J and each parameter's E[ĝ_j]/∇J_j."""
    wide = sweep.pivot(index="estimator", columns="param", values="mean_over_gradient")
    wide = wide.loc[list(dict.fromkeys(sweep["estimator"]))]
    cosine = sweep.drop_duplicates("estimator").set_index("estimator")["cosine"]
    table = pd.DataFrame(
        {
            "estimator": _titles(pd.Series(wide.index, index=wide.index)),
            "cos∠(E[ĝ], ∇J) (exact)": cosine[wide.index],
        }
    )
    for param in wide.columns:
        table[f"E[ĝ_{param}]/∇J_{param}"] = wide[param].map(number_text)  # — where ∇J_j = 0
    static_table(table, {"cos∠(E[ĝ], ∇J) (exact)": SIX_DIGITS})


def learning_summary(curves: pd.DataFrame) -> None:
    """The last step of core.group_baselines.learning_curves per estimator: the mean exact J
    over runs ± its SE, the spread across runs and the worst and best run."""
    last = curves[curves["step"] == curves["step"].max()]
    static_table(
        pd.DataFrame(
            {
                "estimator": _titles(last["estimator"]),
                "samples drawn": last["samples"],
                "final J (mean over runs ± SE)": plus_minus_column(
                    last, "objective", "standard_error"
                ),
                "sd across runs": last["spread"],
                "worst run": last["low"],
                "best run": last["high"],
            }
        ),
        dict.fromkeys(("sd across runs", "worst run", "best run"), SIX_DIGITS),
    )


def learning_takeaway(curves: pd.DataFrame) -> str:
    """Which estimator ends highest at this setting, in numbers, and the practitioner's point."""
    last = curves[curves["step"] == curves["step"].max()].set_index("estimator")
    best, worst = last["objective"].idxmax(), last["objective"].idxmin()
    text = (
        f"Here, after {int(last['samples'].iloc[0]):,} samples, "
        f"**{GROUP_ESTIMATOR_TITLES[best]}** ends highest (mean J = "
        f"{last.loc[best, 'objective']:.4g}) and **{GROUP_ESTIMATOR_TITLES[worst]}** lowest "
        f"({last.loc[worst, 'objective']:.4g}). For practitioners: RLOO is the safe default — "
        "unbiased at every G, with about the variance of batch-mean centring; the batch mean is "
        "the same direction shrunk by (G − 1)/G, i.e. a smaller step; GRPO's ÷ std makes the "
        "step size independent of the reward scale, so its learning rate lives in other units"
    )
    if {"grpo", "loo"} <= set(last.index):
        pace = (
            "behind" if last.loc["grpo", "objective"] < last.loc["loo", "objective"] else "ahead of"
        )
        text += f" — at this reward gap and η it ends {pace} RLOO"
    return text + "."


REUSE_ROW_TITLES = {
    **REUSE_TITLES,
    "objective": "J(θ_k)",
    "effective_sample_size": "Kish ESS (Σρ)²/Σρ²",
    "clipped_fraction": "fraction of draws clipped",
    "clipping_bias": "clipping bias ∇L − ∇L_IS",
    "bias": "bias ∇L − ∇J(θ_k)",
}


def _reuse_names(reuse: pd.DataFrame) -> pd.Series:
    names = reuse["quantity"].map(REUSE_ROW_TITLES)
    indexed = reuse["index"] != ""
    suffix = " (" + reuse["index"] + " " + reuse["position"].astype(str) + ")"
    return names.where(~indexed, names + suffix)


def reuse_exact_table(reuse: pd.DataFrame) -> None:
    """core.sample_reuse.sample_reuse: the exact mean of every quantity (rows) at each update k
    on the same samples (columns)."""
    table = reuse.assign(quantity_title=_reuse_names(reuse)).pivot_table(
        index="quantity_title", columns="epoch", values="exact", sort=False
    )
    table.columns = [f"k = {epoch}" for epoch in table.columns]
    static_table(
        table.reset_index().rename(columns={"quantity_title": "exact mean of"}),
        dict.fromkeys(table.columns, SIX_DIGITS),
    )


def reuse_checks(reuse: pd.DataFrame) -> None:
    """Every reuse quantity's Monte Carlo mean beside its exact mean, checked with the exact SE
    √(Var/reps): a badge, and the rows in an expander."""
    checks = check_rows(reuse, "monte_carlo", "exact", "standard_error")
    reps = int(reuse["reps"].iloc[0])
    summary_badge(checks, f"Sample reuse, Monte Carlo ({reps:,} reused groups) vs exact")
    with st.expander("Every reuse quantity, Monte Carlo beside exact"):
        st.dataframe(
            pd.DataFrame(
                {
                    "k": reuse["epoch"],
                    "quantity": _reuse_names(reuse),
                    "exact mean": reuse["exact"],
                    "MC ± exact SE": plus_minus_column(
                        reuse,
                        "monte_carlo",
                        "standard_error",
                        rounding_spread(reuse["monte_carlo"], reuse["exact"]),
                    ),
                    CHECK_COLUMN: labels(checks),
                }
            ),
            hide_index=True,
            column_config={"exact mean": NUMBER} | check_help(),
        )
