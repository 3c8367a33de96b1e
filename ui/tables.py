"""Tables as the pages show them: core's tidy tables renamed into readable columns, each
Monte Carlo cell beside its exact value and its check. Only layout and formatting here."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ui.cache import show_chart
from ui.charts import (
    CREDIT_TITLES,
    ESTIMATOR_TITLES,
    ascent_chart,
    estimates_vs_exact_chart,
    estimator_comparison_chart,
)
from ui.checks import (
    CHECK_COLUMN,
    agreement,
    check_badge,
    check_rows,
    exact_check_badge,
    labels,
    paired_checks,
    rough_variance_caveat,
    summary_badge,
    variance_badge,
)
from ui.format import interval_column, number_text, plus_minus_column, tex_number

# Draws shown in the bandit's first-draws table.
FIRST_DRAWS = 10


def first_draws(draws: pd.DataFrame, rows: int = FIRST_DRAWS) -> None:
    """The first `rows` draws of core.derivation.running_estimate: action, reward, score, term, mean."""
    first = draws[draws["draw"] <= rows]
    st.dataframe(
        pd.DataFrame(
            {
                "draw": first["draw"],
                "a": first["x"].astype(int),
                "r(a)": first["f"],
                "∇θ log π(a)": first["score"],
                "r(a)·∇θ log π(a)": first["term"],
                "running mean": first["running_mean"],
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.3f")
            for name in ("r(a)", "∇θ log π(a)", "r(a)·∇θ log π(a)", "running mean")
        },
    )


def gradient_checks(
    exact: float, estimate: float, standard_error: float, finite_difference: float
) -> pd.DataFrame:
    """The three values of one gradient for the gradient panel: exact, Monte Carlo ± 2 SE and
    the finite difference."""
    return pd.DataFrame(
        {
            "method": ["exact", "Monte Carlo ± 2 SE", "finite difference"],
            "gradient": [exact, estimate, float(finite_difference)],
            "standard_error": [0.0, standard_error, 0.0],
        }
    )


def gradient_three_ways(
    exact: float,
    estimate: float,
    standard_error: float,
    finite_difference: pd.Series,
    n: int,
    exact_note: str,
) -> None:
    """One gradient three ways, as metrics side by side: exact (with `exact_note` saying how),
    Monte Carlo from n draws ± SE checked against it, and core.derivation's
    finite_difference_check row (its value, step and check)."""
    exact_col, mc_col, fd_col = st.columns(3)
    with exact_col:
        st.metric("Exact ∇J(θ), closed form", f"{exact:.6g}")
        st.caption(exact_note)
    with mc_col:
        st.metric(f"Monte Carlo from n = {n:,} draws", f"{estimate:.4f} ± {standard_error:.2g}")
        check_badge(agreement(estimate, exact, standard_error), "vs exact")
    with fd_col:
        st.metric(
            "Finite difference of exact J", f"{finite_difference['finite_difference']:.8g}",
            help=f"[J(θ + h) − J(θ − h)] / 2h with h = {finite_difference['step']:.0e}",
        )  # fmt: skip
        exact_check_badge(finite_difference)


def objective_and_gradient(curve: pd.DataFrame, checks: pd.DataFrame, theta: float) -> None:
    """core.objective_curve side by side: J(θ), and ∇J(θ) with the three values of `checks`
    (gradient_checks) at the visitor's θ."""
    objective_col, gradient_col = st.columns(2)
    with objective_col:
        st.markdown("**Objective J(θ)**")
        show_chart("objective_panel", curve, theta=theta)
    with gradient_col:
        st.markdown("**Gradient ∇J(θ)**")
        show_chart("gradient_panel", curve, checks, theta=theta)


def score_means(means: pd.DataFrame, checks: list, n: int) -> None:
    """core.score_check's mean-score rows: the Monte Carlo mean of s with its 95% CI beside 0."""
    st.dataframe(
        pd.DataFrame(
            {
                "parameter": means["row"],
                f"Monte Carlo mean of s (n = {n:,}) [95% CI]": interval_column(means),
                "exact E[s]": means["exact"],
                "check (4 SE)": labels(checks),
            }
        ),
        hide_index=True,
        width="stretch",
    )


def fisher_matrix(fisher: pd.DataFrame, checks: list, params: tuple[str, ...], n: int) -> None:
    """core.score_check's Fisher rows: one row for a single parameter; otherwise the exact and
    Monte Carlo d × d matrices side by side, then each entry's 95% CI and check."""
    fisher = fisher.assign(cell=interval_column(fisher), check=labels(checks))
    fisher["interval_check"] = [
        f"{interval.split(' ', 1)[1]}  {label}"
        for interval, label in zip(fisher["cell"], fisher["check"], strict=True)
    ]

    def matrix(column: str) -> pd.DataFrame:
        table = fisher.pivot(index="row", columns="col", values=column)
        return table.loc[list(params), list(params)]

    if len(params) == 1:
        st.dataframe(
            pd.DataFrame(
                {
                    "parameter": fisher["row"],
                    f"Monte Carlo mean of s² (n = {n:,}) [95% CI]": fisher["cell"],
                    "exact I(θ)": fisher["exact"],
                    "check (4 SE)": fisher["check"],
                }
            ),
            hide_index=True,
            width="stretch",
        )
        return
    exact_col, estimate_col = st.columns(2)
    with exact_col:
        st.markdown("**Exact Fisher information I(θ)**")
        st.dataframe(matrix("exact").style.format("{:.4g}"), width="stretch")
    with estimate_col:
        st.markdown(f"**Monte Carlo mean of s sᵀ, n = {n:,}**")
        st.dataframe(matrix("estimate").style.format("{:.4g}"), width="stretch")
    st.markdown("**Each Monte Carlo entry: its 95% CI, and |MC − exact| in standard errors**")
    st.dataframe(matrix("interval_check"), width="stretch")


def slope_fits(fits: pd.DataFrame) -> None:
    """core.comparisons.variance_slope_fits' fitted rows: slope ± SE beside the exact slope,
    checked, with one badge for one fit or a summary for several; then core's note on each row
    that has one (why a slope is missing)."""
    fitted = fits.dropna(subset=["slope"])
    checks = paired_checks(fitted["slope"], fitted["exact_slope"], fitted["standard_error"])
    if not fitted.empty:
        _fitted_slopes(fitted, checks)
    for _, row in fits[fits["note"] != ""].iterrows():
        st.info(f"{row['estimator']} / {row['param']}: {row['note']}.")


def _fitted_slopes(fitted: pd.DataFrame, checks: list) -> None:
    """The table of fitted slopes beside the exact ones, and its badge."""
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": fitted["estimator"],
                "parameter": fitted["param"],
                "fitted slope ± SE": [
                    f"{s:.4f} ± {e:.2g}"
                    for s, e in zip(fitted["slope"], fitted["standard_error"], strict=True)
                ],
                "exact slope (same fit through exact variances)": fitted["exact_slope"],
                "check (4 SE)": labels(checks),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if len(checks) == 1:
        check_badge(checks[0], "fitted slope vs exact")
    else:
        summary_badge(checks, "fitted slopes vs exact")


def samples_needed(
    needed: pd.DataFrame, target: float, variance: float | None, estimator: str
) -> None:
    """core.samples_needed per estimator and parameter: the exact N for the target error, then
    N = ⌈σ²/(ε ∇J)²⌉ with the first row's numbers when its per-sample `variance` σ² is given
    (None for the n-dependent baselines, whose N has no such closed form)."""
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": needed["estimator"],
                "parameter": needed["param"],
                "exact ∇J": needed["exact_gradient"],
                f"N for RMSE ≤ {target:.1%} of |∇J| (SNR ≥ {1 / target:g})": [
                    "— (∇J = 0)"
                    if math.isnan(n)
                    else ("> 10^15" if math.isinf(n) else f"{int(n):,}")
                    for n in needed["n_needed"]
                ],
                "relative error at that N (exact)": [
                    "—" if math.isnan(e) else f"{e:.4g}" for e in needed["achieved_relative_error"]
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    first = needed.iloc[0]
    if variance is None or not math.isfinite(first["n_needed"]) or first["exact_gradient"] == 0:
        return
    st.latex(
        r"\begin{aligned}"
        rf"N &= \Big\lceil \frac{{\sigma^2}}{{(\varepsilon\, \nabla J)^2}} \Big\rceil"
        rf" = \Big\lceil \frac{{{tex_number(variance)}}}"
        rf"{{({tex_number(target)} \cdot {tex_number(first['exact_gradient'])})^2}}"
        rf" \Big\rceil = {int(first['n_needed']):,}"
        r"\end{aligned}"
    )
    st.caption(
        f"For {estimator} / {first['param']}: σ² is the exact per-sample variance, ε the "
        "target relative error. Exact — no sampling involved."
    )


def gradient_and_optimal_baseline_metrics(summary: pd.DataFrame) -> None:
    """Two metrics per parameter from core.summaries.exact_summary: the exact gradient and the
    optimal constant baseline b*."""
    columns = iter(st.columns(2 * len(summary)))
    for row in summary.itertuples():
        next(columns).metric(f"∂E[f]/∂{row.param} (exact)", f"{row.exact_gradient:.6g}")
        next(columns).metric(f"optimal b* for {row.param}", f"{row.optimal_baseline:.6g}")


def baseline_bias_and_variance(comparison: pd.DataFrame, n: int, caveat: str | None) -> None:
    """core.comparisons.baseline_study as two tables — the bias per baseline, then Var[ĝₙ] with
    its exact and Monte Carlo reduction against no baseline — each row checked, then one badge
    per table (`caveat`: why the z-test may mislead, e.g. a rare outcome)."""
    bias_checks = check_rows(comparison, "bias", "exact_bias", "mean_standard_error")
    variance_checks = check_rows(
        comparison, "variance", "exact_variance", "variance_standard_error"
    )
    number = st.column_config.NumberColumn(format="%.5g")
    st.markdown("**Bias** = mean estimate − exact gradient")
    st.dataframe(
        pd.DataFrame(
            {
                "baseline": comparison["baseline"],
                "parameter": comparison["param"],
                "bias (MC ± SE)": plus_minus_column(comparison, "bias", "mean_standard_error"),
                "bias (exact)": comparison["exact_bias"],
                CHECK_COLUMN: labels(bias_checks),
            }
        ),
        hide_index=True,
        column_config={"bias (exact)": number},
    )
    st.markdown(f"**Variance** of the n = {n} estimate, and its reduction against no baseline")
    st.dataframe(
        pd.DataFrame(
            {
                "baseline": comparison["baseline"],
                "parameter": comparison["param"],
                "Var[ĝₙ] (MC ± SE)": plus_minus_column(
                    comparison, "variance", "variance_standard_error"
                ),
                "Var[ĝₙ] (exact)": comparison["exact_variance"],
                CHECK_COLUMN: labels(variance_checks),
                "reduction (exact)": comparison["variance_reduction"].map(number_text),
                "reduction (MC)": comparison["monte_carlo_reduction"].map(number_text),
            }
        ),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": number,
            "reduction (exact)": st.column_config.TextColumn(
                help="Var[no baseline] / Var[this baseline]; ∞ means zero variance."
            ),
            "reduction (MC)": st.column_config.TextColumn(
                help="The same ratio of the Monte Carlo variances; — where this one is zero."
            ),
        },
    )
    summary_badge(bias_checks, "Bias, Monte Carlo vs exact", caveat=caveat)
    rough = rough_variance_caveat(comparison, "variance", "variance_standard_error")
    summary_badge(variance_checks, "Variance, Monte Carlo vs exact", caveat=caveat or rough)


OPTIMAL_TERM_COLUMNS = (
    "p(a|θ)",
    "r(a)",
    "score ∂log p(a)/∂θ",
    "term (r(a) − b*)·score",
    "exact gradient",
)


def optimal_baseline_terms(terms: pd.DataFrame) -> None:
    """core.comparisons.optimal_baseline_terms with each term checked against the exact
    gradient (zero spread, so equal up to rounding), and the badge of those checks."""
    checks = paired_checks(terms["term"], terms["exact_gradient"], [0.0] * len(terms))
    st.dataframe(
        pd.DataFrame(
            {
                "action a": terms["action"].astype(int),
                "p(a|θ)": terms["probability"],
                "r(a)": terms["reward"],
                "score ∂log p(a)/∂θ": terms["score"],
                "term (r(a) − b*)·score": terms["term"],
                "exact gradient": terms["exact_gradient"],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.6g") for name in OPTIMAL_TERM_COLUMNS
        },
    )
    summary_badge(checks, "Every term equals the exact gradient")


def ascent_runs(runs: pd.DataFrame, maximize: bool) -> None:
    """Labelled gradient-ascent runs (ui.cache.labelled_tables): each run's final exact J(θ) as a
    metric, then the runs' chart (J(θ) when maximising a reward, E[cost] when minimising)."""
    final = runs.groupby("run", sort=False).last()
    for column, (label, row) in zip(st.columns(len(final)), final.iterrows(), strict=True):
        column.metric(f"final J(θ), {label} (exact)", f"{row['expected_value']:.6g}")
    objective_title = "exact J(θ) = E[f] (reward units)" if maximize else "exact E[cost]"
    st.altair_chart(ascent_chart(runs, objective_title=objective_title), width="stretch")


def _checked_table(
    table: pd.DataFrame, value: str, standard_error: str, exact: str, title: str
) -> list:
    """One table of Monte Carlo values ± SE beside their exact values, with a check per row;
    returns the checks. Estimators core declined read 'not available'."""
    checks = check_rows(table, value, exact, standard_error)
    text = pd.Series(plus_minus_column(table, value, standard_error))
    text[~table["available"].astype(bool).to_numpy()] = "not available"
    st.dataframe(
        pd.DataFrame(
            {
                "estimator": table["estimator"].map(ESTIMATOR_TITLES),
                "parameter": table["param"],
                f"{title} (MC ± SE)": text,
                f"{title} (exact)": [
                    "—" if pd.isna(value) else f"{value:.5g}" for value in table[exact]
                ],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
    )
    return checks


def estimator_comparison(
    table: pd.DataFrame, what: str, units: str, n: int, caveat: str | None = None
) -> None:
    """core.comparisons.per_sample_comparison as gradient and per-sample variance tables, one
    summary badge each, an explanation for each unavailable estimator, and the chart."""
    gradient_checks = _checked_table(
        table, "mean", "mean_standard_error", "exact_gradient", "gradient"
    )
    variance_checks = _checked_table(
        table, "variance", "variance_standard_error", "exact_variance", "per-sample variance"
    )
    summary_badge(gradient_checks, f"{what}: gradients", caveat=caveat)
    summary_badge(
        variance_checks,
        f"{what}: per-sample variances",
        caveat=caveat or rough_variance_caveat(table, "variance", "variance_standard_error"),
    )
    for estimator, reason in (
        table.loc[~table["available"].astype(bool), ["estimator", "reason"]]
        .drop_duplicates()
        .itertuples(index=False)
    ):
        st.info(f"**{ESTIMATOR_TITLES[estimator].capitalize()}:** {reason}", icon="ℹ️")
    st.altair_chart(
        estimator_comparison_chart(
            table.assign(estimator=table["estimator"].map(ESTIMATOR_TITLES)),
            gradient_title=f"gradient ({units} per unit θ)",
            variance_title=f"per-sample variance ({units}² per unit θ²)",
        ),
        width="content",
    )
    st.caption(
        f"Dots: Monte Carlo from n = {n:,} samples, bars ± 2 SE; black ticks: exact values. "
        "The per-sample variance is that of one term; the estimate's variance is it divided by n. "
        "Each estimator draws its own stream spawned from the seed."
    )


def credit_gradients(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's mean estimate per credit beside the exact gradient:
    the table, its summary badge, and the estimates ± 2 SE against the exact ticks."""
    checks = check_rows(comparison, "mean", "exact_gradient", "mean_standard_error")
    credit_titles = comparison["credit"].map(CREDIT_TITLES)
    st.dataframe(
        pd.DataFrame(
            {
                "credit": credit_titles,
                "parameter": comparison["param"],
                "mean estimate (MC ± SE)": plus_minus_column(
                    comparison, "mean", "mean_standard_error"
                ),
                "exact gradient": comparison["exact_gradient"],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        column_config={"exact gradient": st.column_config.NumberColumn(format="%.5g")},
    )
    summary_badge(checks, "Mean estimate vs exact gradient")
    st.altair_chart(
        estimates_vs_exact_chart(
            comparison.assign(credit=credit_titles),
            "credit",
            category_title="credit",
            value_title="ĝ (reward / unit θ)",
            estimate="mean",
            standard_error="mean_standard_error",
            exact="exact_gradient",
        ),
        width="content",
    )


def credit_variances(comparison: pd.DataFrame) -> None:
    """core.comparisons.credit_comparison's Var[ĝₙ] per credit, exact and Monte Carlo, with the
    exact reduction against the whole return, and its summary badge."""
    checks = check_rows(comparison, "variance", "exact_variance", "variance_standard_error")
    credit_titles = comparison["credit"].map(CREDIT_TITLES)
    st.dataframe(
        pd.DataFrame(
            {
                "credit": credit_titles,
                "parameter": comparison["param"],
                "Var[ĝₙ] (MC ± SE)": plus_minus_column(
                    comparison, "variance", "variance_standard_error"
                ),
                "Var[ĝₙ] (exact)": comparison["exact_variance"],
                CHECK_COLUMN: labels(checks),
                "reduction vs whole return (exact)": comparison["variance_reduction"].map(
                    number_text
                ),
            }
        ),
        hide_index=True,
        column_config={
            "Var[ĝₙ] (exact)": st.column_config.NumberColumn(format="%.5g"),
            "reduction vs whole return (exact)": st.column_config.TextColumn(
                help="Var[whole return] / Var[this credit]; ∞ means zero variance, — that both "
                "are zero."
            ),
        },
    )
    variance_badge(checks, comparison, "Variance vs exact")


def total_variances(horizon_study: pd.DataFrame, horizon: int) -> None:
    """One metric per credit: core.horizon_study's total variance of one episode's term (summed
    over the parameters) at `horizon`."""
    longest = horizon_study[horizon_study["horizon"] == horizon]
    totals = longest.drop_duplicates("credit").set_index("credit")["total_variance"]
    for column, (credit, total) in zip(st.columns(len(totals)), totals.items(), strict=True):
        column.metric(CREDIT_TITLES[credit], f"{total:.4g}")


def sweep_points(curve: pd.DataFrame) -> None:
    """Every (N, parameter) point of a variance sweep checked twice — measured variance and
    mean against their exact values — as two summary badges and a table in an expander."""
    variance_checks = check_rows(curve, "variance", "exact_variance", "variance_standard_error")
    summary_badge(variance_checks, f"measured Var[ĝ_N] vs exact at all {len(curve)} points")
    mean_checks = check_rows(curve, "mean", "exact_mean", "mean_standard_error")
    summary_badge(mean_checks, f"mean of the estimates vs exact E[ĝ_N] at all {len(curve)} points")
    with st.expander("Every point: measured beside exact"):
        st.dataframe(
            curve.assign(
                variance_check=labels(variance_checks), mean_check=labels(mean_checks)
            ).drop(columns=["reps"]),
            hide_index=True,
            width="stretch",
        )


def exact_metrics(summary: pd.DataFrame, value_label: str, gradient_label: str) -> None:
    """A row of metrics from core.summaries.exact_summary: the expected value, then the exact
    gradient of each parameter (`gradient_label` with a {param} field)."""
    columns = st.columns(len(summary) + 1)
    columns[0].metric(value_label, f"{summary['expected_value'].iloc[0]:.6g}")
    for column, row in zip(columns[1:], summary.itertuples(), strict=True):
        column.metric(gradient_label.format(param=row.param), f"{row.exact_gradient:.6g}")
