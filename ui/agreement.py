"""Many Monte Carlo-vs-exact checks at once: a label per table row and one honest summary badge."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd
import streamlit as st

import core
from ui.common import check_badge


def plus_minus(value: float, standard_error: float) -> str:
    """'1.2065 ± 0.0266' (4 significant figures), or '—' for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.5g} ± {standard_error:.2g}"


def number_text(value: float, digits: int = 4) -> str:
    """A table cell for a number that may be infinite or missing: '9', '∞', '—'."""
    if pd.isna(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}g}"


def plus_minus_column(table: pd.DataFrame, value: str, standard_error: str) -> list[str]:
    """plus_minus of each row's value and standard error."""
    return [plus_minus(v, se) for v, se in zip(table[value], table[standard_error], strict=True)]


def check_rows(
    table: pd.DataFrame, estimate: str, exact: str, standard_error: str
) -> list[core.Agreement | None]:
    """core.check_agreement (4 SE) for every row of `table`; None where there is no estimate."""
    return [
        None
        if pd.isna(row[estimate])
        else core.check_agreement(row[estimate], row[exact], row[standard_error])
        for _, row in table.iterrows()
    ]


CHECK_COLUMN = f"check (|MC − exact| ≤ {core.checks.DEFAULT_TOLERANCE_SE:g} SE)"


def short_label(agreement: core.Agreement | None) -> str:
    """A table cell: '✓ 0.8 SE', '✗ 5.1 SE', '✓ equal' (zero spread, equal to rounding), '—'."""
    if agreement is None:
        return "—"
    mark = "✓" if agreement.passed else "✗"
    if agreement.standard_error == 0:
        return f"{mark} {'equal (zero spread)' if agreement.passed else 'differs, zero spread'}"
    return f"{mark} {agreement.distance_se:.1f} SE"


def labels(agreements: Sequence[core.Agreement | None]) -> list[str]:
    """short_label of each check."""
    return [short_label(agreement) for agreement in agreements]


# A sample variance s² is skewed by at least twice its relative SE (exactly so for Gaussian
# terms, whose s² is a scaled χ²; heavier tails skew it more). Past a relative SE of 20% the
# normal approximation behind a 4-SE check — and its stated false-alarm rate — is rough.
ROUGH_VARIANCE_RELATIVE_SE = 0.2


def rough_variance_caveat(table: pd.DataFrame, variance: str, standard_error: str) -> str | None:
    """Why the variance checks of `table` are only rough, or None when every Monte Carlo variance
    is known to within ROUGH_VARIANCE_RELATIVE_SE of itself."""
    positive = table[variance] > 0
    relative = (table.loc[positive, standard_error] / table.loc[positive, variance]).max()
    if pd.isna(relative) or relative <= ROUGH_VARIANCE_RELATIVE_SE:
        return None
    return (
        f"a Monte Carlo variance here is uncertain by up to {relative:.0%} of itself. The sample "
        "variance of heavy-tailed terms is skewed — usually a little low, now and then far too "
        "high — so a 4-SE check on it is only rough and fails more often than its stated rate. "
        "More samples (or repetitions) sharpen it."
    )


def summary_badge(
    agreements: Sequence[core.Agreement | None], what: str, caveat: str | None = None
) -> None:
    """One badge for a family of checks: how many pass, the worst one, and the chance that any
    of them false-alarms (at most m times the single-check rate, by the union bound).

    `caveat` (e.g. core.rare_outcome_warning) says why the z-test is not reliable for these
    draws; the result is then shown as a warning instead of a pass or fail.
    """
    checks = [agreement for agreement in agreements if agreement is not None]
    if not checks:
        return
    worst = max(checks, key=lambda agreement: agreement.distance_se)
    passed = sum(agreement.passed for agreement in checks)
    if caveat:
        st.warning(
            f"{what} — {passed} of {len(checks)} checks pass, worst {worst.label()}; "
            f"not a reliable test here: {caveat}",
            icon="⚠️",
        )
        return
    if len(checks) > 1:
        family = min(1.0, len(checks) * worst.false_alarm_rate)
        what = (
            f"{what} — {passed} of {len(checks)} checks pass "
            f"(chance that any of the {len(checks)} false-alarms ≤ {family:.1e}); worst"
        )
    check_badge(worst, what=what)
