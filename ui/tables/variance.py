"""A variance sweep's tables: the fitted slopes beside the exact ones, every (N, parameter)
point checked, and the samples needed for a target relative error."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from ui.charts import ESTIMATOR_TITLES
from ui.checks import (
    CHECK_COLUMN,
    check_badge,
    check_help,
    check_rows,
    labels,
    paired_checks,
    summary_badge,
)
from ui.format import (
    baseline_title,
    exact_text,
    exact_variance_resolution,
    mean_resolution,
    plus_minus_column,
    term_scale,
    tex_number,
    variance_resolution,
    variance_text,
)
from ui.tables.static import static_table


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
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=check_help(),
    )
    if len(checks) == 1:
        check_badge(checks[0], "fitted slope vs exact")
    else:
        summary_badge(checks, "fitted slopes vs exact")


def sweep_points(curve: pd.DataFrame) -> None:
    """Every (N, parameter) point of a variance sweep checked twice — measured variance and
    mean against their exact values — as two summary badges and a table in an expander."""
    variance_checks = check_rows(curve, "variance", "exact_variance", "variance_standard_error")
    summary_badge(variance_checks, f"measured Var[ĝ_N] vs exact at all {len(curve)} points")
    mean_checks = check_rows(curve, "mean", "exact_mean", "mean_standard_error")
    summary_badge(mean_checks, f"mean of the estimates vs exact E[ĝ_N] at all {len(curve)} points")
    # Honest digits (ui.format): rounding noise of the N terms behind a point shows as 0.
    scale = term_scale(curve["exact_gradient"], curve["exact_variance"], curve["n"])
    terms = curve["n"] * curve["reps"]
    mean_floor, variance_floor = mean_resolution(scale, terms), variance_resolution(scale, terms)
    exact_floor = exact_variance_resolution(scale)
    with st.expander("Every point: measured beside exact"):
        st.dataframe(
            pd.DataFrame(
                {
                    "N": curve["n"],
                    "estimator": curve["estimator"].map(ESTIMATOR_TITLES),
                    "baseline": curve["baseline"].map(_baseline_name),
                    "parameter": curve["param"],
                    "Var[ĝ_N] (MC ± SE)": [
                        variance_text(v, se, r)
                        for v, se, r in zip(
                            curve["variance"],
                            curve["variance_standard_error"],
                            variance_floor,
                            strict=True,
                        )  # fmt: skip
                    ],
                    "Var[ĝ_N] (exact)": [
                        variance_text(v, None, r)
                        for v, r in zip(curve["exact_variance"], exact_floor, strict=True)
                    ],
                    "variance check": labels(variance_checks),
                    "E[ĝ_N] (MC ± SE)": plus_minus_column(
                        curve, "mean", "mean_standard_error", mean_floor
                    ),
                    "E[ĝ_N] (exact)": [
                        exact_text(v, r)
                        for v, r in zip(curve["exact_mean"], mean_floor, strict=True)
                    ],
                    "mean check": labels(mean_checks),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config=check_help("variance check", "mean check"),
        )


def _baseline_name(baseline) -> str:
    """A curve's baseline cell ("none", "loo", a number) as a person names it."""
    if (
        baseline is None
        or baseline == "none"
        or (isinstance(baseline, float) and math.isnan(baseline))
    ):
        return "no baseline"
    try:
        return baseline_title(float(baseline))
    except (TypeError, ValueError):
        return baseline_title(str(baseline))


def samples_needed(
    needed: pd.DataFrame, target: float, variance: float | None, estimator: str
) -> None:
    """core.samples_needed per estimator and parameter: the exact N for the target error, then
    N = ⌈σ²/(ε ∇J)²⌉ with the first row's numbers when its per-sample `variance` σ² is given
    (None for the n-dependent baselines, whose N has no such closed form)."""
    static_table(
        pd.DataFrame(
            {
                "estimator": needed["estimator"],
                "parameter": needed["param"],
                "exact ∇J": needed["exact_gradient"],
                f"N for RMSE ≤ {target:.1%} of |∇J| (SNR ≥ {1 / target:g})": [
                    "— (∇J = 0)"
                    if math.isnan(n)
                    else ("∞ — not reachable (> 10^15)" if math.isinf(n) else f"{int(n):,}")
                    for n in needed["n_needed"]
                ],
                "relative error at that N (exact)": [
                    "—" if math.isnan(e) else f"{e:.4g}" for e in needed["achieved_relative_error"]
                ],
            }
        )
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
