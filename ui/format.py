"""Numbers as the pages show them: typeset for st.latex, estimates with their 95% CI or ± SE,
table cells that may be infinite or missing, the names of baselines, and a visitor's text made
safe to echo into markdown (`markdown_literal`)."""

from __future__ import annotations

import math
import re

import pandas as pd

# What starts markdown (or Streamlit's extensions: $math$, :color[...]) inside a line; each is
# shown as itself when backslash-escaped (CommonMark escapes any ASCII punctuation). A "]" only
# matters before "(" or "[" (a link), a ":" only before a non-space (a scheme, a directive), so
# plain text such as "1[x > k]" or "note: ..." is left as it is.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_<!~$&#@]|\](?=[(\[])|:(?=\S))")
# What would open a block (quote, list, heading rule) when the text starts a line.
_BLOCK_START = re.compile(r"^(\s*)([>+=-]|\d+(?=[.)]))")
# GFM turns "www.", "https://" and "a@b.org" into links (autolink literals): escaping the "." after
# www, the ":" and the "@" breaks them.
_AUTOLINK_WWW = re.compile(r"(?i)(www)\.")
_LINE_BREAKS = re.compile(r"[\r\n\t\f\v\u2028\u2029]+")


def markdown_literal(text: object) -> str:
    """`text` as markdown that shows exactly that text: no link, image, HTML, emphasis or math.

    For any visitor-supplied value (a URL parameter, a typed formula, a message quoting one)
    echoed into st.markdown, st.caption, a heading or an alert: `exp(x**4)` stays exp(x**4),
    `[Log in](https://…)` stays text, `www.example.org` is not auto-linked. Line breaks become
    spaces, so the text cannot start a heading, list or quote of its own.
    """
    flat = _LINE_BREAKS.sub(" ", str(text))
    escaped = _AUTOLINK_WWW.sub(r"\1\\.", _MARKDOWN_SPECIAL.sub(r"\\\1", flat))
    return _BLOCK_START.sub(_escape_block_start, escaped)


def _escape_block_start(match: re.Match) -> str:
    space, marker = match.groups()
    return f"{space}{marker}\\" if marker[0].isdigit() else f"{space}\\{marker}"


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


BASELINE_TITLES = {"mean": "batch mean", "loo": "leave-one-out", "optimal": "optimal b*"}


def baseline_title(baseline: str | float | None) -> str:
    """How a person names a baseline: 'leave-one-out', 'constant b = 5', 'no baseline'."""
    if baseline is None:
        return "no baseline"
    if isinstance(baseline, str):
        return BASELINE_TITLES[baseline]
    return f"constant b = {baseline:g}"
