"""Numbers as the pages show them: typeset for st.latex, and estimates with their 95% CI."""

from __future__ import annotations

import math


def tex_number(value: float, digits: int = 4) -> str:
    """'0.25', '-1.25', '2.3 \\times 10^{-5}' for st.latex; '\\text{NaN}' or '\\infty' if so."""
    value = float(value)
    if math.isnan(value):
        return r"\text{NaN}"
    if math.isinf(value):
        return r"\infty" if value > 0 else r"-\infty"
    text = f"{value:.{digits}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return text


def tex_factor(value: float, digits: int = 4) -> str:
    """tex_number in parentheses when negative, so it can stand in a product: '(-0.5)'."""
    text = tex_number(value, digits)
    return f"({text})" if text.startswith("-") else text


# z of a two-sided 95% normal confidence interval.
Z_95 = 1.959963984540054


def interval_text(estimate: float, standard_error: float) -> str:
    """'-0.009 [-0.022, 0.005]': the estimate and its 95% normal confidence interval, all
    with the decimals that two significant figures of the half-width need."""
    half = Z_95 * float(standard_error)
    if not math.isfinite(half) or half <= 0:
        return f"{estimate:.6g} [exact: zero spread]"
    decimals = max(0, 1 - math.floor(math.log10(half)))
    return (
        f"{estimate:.{decimals}f} [{estimate - half:.{decimals}f}, {estimate + half:.{decimals}f}]"
    )


def interval_column(table, estimate: str = "estimate", standard_error: str = "standard_error"):
    """`interval_text` for every row of a table: a column of 'estimate [low, high]' strings."""
    return [
        interval_text(value, error)
        for value, error in zip(table[estimate], table[standard_error], strict=True)
    ]
