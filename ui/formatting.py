"""Numbers typeset for st.latex: a fixed number of significant figures, ×10^k instead of 'e'."""

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
