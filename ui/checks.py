"""Checks beside claims: a Monte Carlo number against its exact value (core.check_agreement),
a label per table row, and one honest badge for one check or a family of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import streamlit as st

import core


def check_rows(
    table: pd.DataFrame,
    estimate: str,
    exact: str,
    standard_error: str,
    prefix: str | None = None,
) -> list[core.Agreement | None]:
    """The check of every row of `table`; None where there is no estimate.

    Core's studies store each check beside its value: the columns <prefix>exact_standard_error,
    <prefix>p_value and <prefix>law (core.checks.check_columns, read back by
    Agreement.from_columns); `prefix` defaults to `standard_error` less "exact_standard_error"
    or "standard_error" (e.g. "mean_" for "mean_standard_error"). A table without them is
    checked with the normal approximation on the `standard_error` column, named as the exact SE
    where the column's name says "exact_standard_error", else as the sample's own.
    """
    if prefix is None:
        prefix = standard_error.removesuffix("exact_standard_error").removesuffix("standard_error")
    stored = f"{prefix}p_value" in table.columns
    # Without stored checks, the SE column says what it is: core names an exact one so.
    exact_se = "exact_standard_error" in standard_error
    law = core.checks.NORMAL_EXACT_SE if exact_se else core.checks.NORMAL_SAMPLE_SE
    checks: list[core.Agreement | None] = []
    for _, row in table.iterrows():
        if pd.isna(row[estimate]):
            checks.append(None)
        elif stored:
            checks.append(
                core.checks.Agreement.from_columns(
                    row[estimate], row[exact], row[f"{prefix}exact_standard_error"],
                    row[f"{prefix}p_value"], row[f"{prefix}law"],
                )
            )  # fmt: skip
        else:
            checks.append(
                core.check_agreement(row[estimate], row[exact], row[standard_error], law=law)
            )
    return checks


def check_badge(agreement: core.Agreement, what: str = "") -> None:
    """One line in plain words — how unusual the gap is — with the test behind it (z, exact SE,
    p-value, α, law) in the tooltip of a caption under it."""
    text = f"{what + ': ' if what else ''}{agreement.label()}"
    if not agreement.checked:
        reason = agreement.law.removeprefix("no check: ")
        st.info(f"{what + ': ' if what else ''}not checked — {reason}.", icon="ℹ️")
        return
    if agreement.caveat:
        st.warning(f"{text}. Only a rough check here: {agreement.caveat}.", icon="⚠️")
        st.caption("How this is checked", help=agreement.technical())
        return
    (st.success if agreement.passed else st.error)(text, icon="✅" if agreement.passed else "❌")
    st.caption("How this is checked", help=agreement.technical())


def agreement(
    estimate: float,
    exact: float,
    standard_error: float,
    law: str = core.checks.NORMAL_ESTIMATED_SE,
) -> core.Agreement:
    """core.check_agreement at α = 6.3e-5: the normal approximation on `standard_error`, named
    by `law` (for numbers core has not checked itself, e.g. a fitted slope; core's studies
    carry their own exact checks)."""
    return core.check_agreement(estimate, exact, standard_error, law=law)


def paired_checks(
    estimates, exacts, standard_errors, law: str = core.checks.NORMAL_ESTIMATED_SE
) -> list[core.Agreement]:
    """`agreement` of each (estimate, exact, standard error) triple."""
    return [
        agreement(e, x, se, law)
        for e, x, se in zip(estimates, exacts, standard_errors, strict=True)
    ]


CHECK_COLUMN = "check (how often a gap this large happens)"
CHECK_HELP = (
    "Each Monte Carlo value against its exact value: the chance, were everything right, of a "
    "gap at least this large (its p-value, in exact standard errors, from the exact law of the "
    f"counts where there is one, else a stated approximation). ✓ when that chance is ≥ "
    f"{core.checks.ALPHA:.1e}, so a correct value is flagged at most that often."
)


def check_help(*names: str) -> dict[str, object]:
    """st.dataframe column_config entries that attach CHECK_HELP, as the column's tooltip, to
    each check column in `names` (CHECK_COLUMN when none is named)."""
    return {name: st.column_config.TextColumn(help=CHECK_HELP) for name in names or (CHECK_COLUMN,)}


def rounding_spread(estimate, exact):
    """The largest standard error that is floating-point rounding of an estimate and its exact
    value, core.checks.ROUNDING · max(1, |exact|, |estimate|), elementwise (numbers or Series):
    what `short_label` calls no spread, and what a "± SE" column shows without ±
    (ui.format.plus_minus)."""
    return core.checks.ROUNDING * np.maximum(1.0, np.maximum(np.abs(exact), np.abs(estimate)))


def short_label(agreement: core.Agreement | None) -> str:
    """A table cell: '✓ 37%', '✗ 1 in 40,000', '✓ equal (no spread)', '✓ equal to rounding',
    '— not checked', '—'.

    An SE within floating-point rounding of the values (core.checks.ROUNDING) is no spread; a
    gap within rounding is no gap, whatever the SE (never a '0.0 SE' of noise)."""
    if agreement is None:
        return "—"
    if not agreement.checked:
        return "— not checked"
    mark = "✓" if agreement.passed else "✗"
    no_spread = agreement.standard_error <= rounding_spread(agreement.estimate, agreement.exact)
    if no_spread or agreement.law == core.checks.DETERMINISTIC:
        return f"{mark} {'equal (no spread)' if agreement.passed else 'differs, no spread'}"
    if agreement.gap == 0:
        return f"{mark} equal to rounding"
    return f"{mark} {core.checks.chance(agreement.p_value)}"


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
    if (
        "variance_law" in table.columns
        and not table["variance_law"].astype(str).str.startswith(core.checks.NORMAL_SAMPLE_SE).any()
    ):
        return None  # every variance check has an exact SE and a skew-aware reference law
    positive = table[variance] > 0
    relative = (table.loc[positive, standard_error] / table.loc[positive, variance]).max()
    if pd.isna(relative) or relative <= ROUGH_VARIANCE_RELATIVE_SE:
        return None
    return (
        f"a Monte Carlo variance here is uncertain by up to {relative:.0%} of itself. The sample "
        "variance of heavy-tailed terms is skewed — usually a little low, now and then far too "
        "high — and with no exact fourth moment its check uses the sample's own SE, so it is "
        "only rough and fails more often than its stated rate. More samples sharpen it."
    )


def summary_badge(
    agreements: Sequence[core.Agreement | None], what: str, caveat: str | None = None
) -> None:
    """One badge for a family of checks: how many agree, the most unusual one in plain words,
    and the chance that any of them false-alarms (at most m·α, by the union bound).

    `caveat` (e.g. core.reliability.rare_outcome_warning) says why an approximate test is not
    reliable for these draws; it applies only when some check rests on an approximation (an
    exact law of counts needs no caveat): a pass then carries it as a note, a fail is shown as a
    warning (it may be a false alarm) rather than an error.
    """
    checks = [a for a in agreements if a is not None and a.checked]
    unchecked = [a for a in agreements if a is not None and not a.checked]
    if unchecked:
        reason = unchecked[0].law.removeprefix("no check: ")
        st.info(f"{what}: {len(unchecked)} value(s) not checked — {reason}.", icon="ℹ️")
    if not checks:
        return
    rough = [a for a in checks if a.caveat]
    if rough and not caveat:
        caveat = rough[0].caveat
    worst = min(checks, key=lambda a: (a.p_value, -a.distance_se))
    passed = sum(a.passed for a in checks)
    mark = "✓" if passed == len(checks) else "✗"
    if len(checks) > 1 and all(a.standard_error == 0 and a.gap == 0 for a in checks):
        text = f"{what} — all {len(checks)} equal their exact values (no spread) {mark}"
    elif len(checks) > 1:
        text = (
            f"{what} — {passed} of {len(checks)} agree with their exact values; the most "
            f"unusual gap happens {core.checks.how_often(worst.p_value)} {mark}"
        )
    else:
        text = f"{what}: {worst.label()}"
    family = min(1.0, len(checks) * worst.alpha)
    tooltip = worst.technical() + (
        f". The most unusual of {len(checks)} checks; the chance that any correct one is "
        f"flagged is ≤ {family:.1e} (union bound)."
        if len(checks) > 1
        else "."
    )
    if caveat and not all(a.exact_law for a in checks):
        # A rough check that passes is a pass with a footnote; one that fails may be a false
        # alarm, so it warns rather than declares the number wrong.
        if passed == len(checks):
            st.success(text, icon="✅")
            st.caption(f"Only a rough check here: {caveat.rstrip('.')}.")
        else:
            st.warning(f"{text}. Only a rough check here: {caveat.rstrip('.')}.", icon="⚠️")
    else:
        (st.success if passed == len(checks) else st.error)(
            text, icon="✅" if passed == len(checks) else "❌"
        )
    st.caption("How this is checked", help=tooltip)


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
