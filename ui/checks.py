"""Checks beside claims: a Monte Carlo number against its exact value (core.check_agreement),
a label per table row, and one honest badge for one check or a family of them."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

import core


def check_rows(
    table: pd.DataFrame, estimate: str, exact: str, standard_error: str
) -> list[core.Agreement | None]:
    """core.check_agreement (4 SE) for every row of `table`; None where there is no estimate."""
    return [
        None
        if pd.isna(row[estimate])
        else agreement(row[estimate], row[exact], row[standard_error])
        for _, row in table.iterrows()
    ]


def check_badge(agreement: core.Agreement, what: str = "") -> None:
    """One line that states the check, its tolerance and its false-alarm chance."""
    text = (
        f"{what + ': ' if what else ''}{agreement.label()} — "
        f"false-alarm chance at this tolerance {agreement.false_alarm_rate:.1e}"
    )
    if agreement.passed:
        st.success(text, icon="✅")
    else:
        st.error(text, icon="❌")


def agreement(estimate: float, exact: float, standard_error: float) -> core.Agreement:
    """core.check_agreement at its default tolerance (4 SE): |estimate − exact| ≤ 4·SE."""
    return core.check_agreement(estimate, exact, standard_error)


def paired_checks(estimates, exacts, standard_errors) -> list[core.Agreement]:
    """`agreement` of each (estimate, exact, standard error) triple."""
    return [
        agreement(e, x, se) for e, x, se in zip(estimates, exacts, standard_errors, strict=True)
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

    `caveat` (e.g. core.reliability.rare_outcome_warning) says why the z-test is not reliable for these
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


def exact_check_badge(check) -> None:
    """The badge of a deterministic check (a row of core.derivation.finite_difference_check): the error
    against its tolerance, with no false-alarm chance to state."""
    mark = "✓" if check["passed"] else "✗"
    text = (
        f"vs exact: |FD − exact| = {check['abs_error']:.1e} {mark} (tolerance "
        f"{check['tolerance']:.1e}; deterministic, so no false alarms)"
    )
    (st.success if check["passed"] else st.error)(text, icon="✅" if check["passed"] else "❌")


def variance_badge(checks: Sequence[core.Agreement | None], table: pd.DataFrame, what: str) -> None:
    """`summary_badge` of variance checks, with `rough_variance_caveat` of the table's
    variance and variance_standard_error columns."""
    caveat = rough_variance_caveat(table, "variance", "variance_standard_error")
    summary_badge(checks, what, caveat=caveat)
