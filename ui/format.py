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


# -- honest numbers: rounding noise is not a result ---------------------------------------------
#
# A Monte Carlo number is a sum of float64 terms, each a few operations (score, reward, baseline)
# off by ≤ ε/2 relative; the rounding errors of a sum of N terms grow like √N (random rounding;
# Higham, "Accuracy and Stability of Numerical Algorithms", 2nd ed. 2002, §4.2). So a statistic
# whose terms have size `scale` resolves nothing below ROUNDING_ULPS·ε·scale·√N: a smaller mean,
# bias or standard error is rounding, and shows as 0 (or, for an SE, as no spread at all). An
# exact variance comes from a difference such as E[t²] − g², exact to a few ε of E[t²].
EPSILON = 2.0**-52
ROUNDING_ULPS = 32


def term_scale(mean, variance, samples=1):
    """The typical size of one term behind an estimate of `samples` terms: |mean| + √(samples ·
    variance), from the exact mean and the exact variance of the estimate (missing → 0)."""
    mean, variance = pd.Series(mean, dtype=float), pd.Series(variance, dtype=float)
    return mean.abs().fillna(0.0) + (samples * variance.clip(lower=0.0).fillna(0.0)) ** 0.5


def mean_resolution(scale, terms=1):
    """The smallest size a mean (or bias, or SE) of `terms` float64 terms of size `scale`
    resolves: ROUNDING_ULPS·ε·|scale|·√terms (elementwise on arrays and Series)."""
    return ROUNDING_ULPS * EPSILON * abs(scale) * (terms**0.5)


def variance_resolution(scale, terms=1):
    """The same for a Monte Carlo variance (centred sums): mean_resolution squared."""
    return mean_resolution(scale, terms) ** 2


def exact_variance_resolution(scale):
    """The same for an exact variance E[t²] − g² with terms of size `scale`: ROUNDING_ULPS·ε·
    scale² (the difference keeps a few ε of E[t²])."""
    return ROUNDING_ULPS * EPSILON * abs(scale) ** 2


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def plus_minus(
    value: float, standard_error: float, resolution: float = 0.0, value_format: str = ".5g"
) -> str:
    """'1.2065 ± 0.0266' (the value in `value_format`, 5 significant figures by default; the SE
    to 2), '—' for a missing value.

    Below `resolution` (mean_resolution of the terms behind it) a value is '0'; an SE below it
    means every draw gave the same number, so the value is shown without ±: '0.39894 (no
    spread)'.
    """
    if _missing(value):
        return "—"
    value = 0.0 if abs(value) <= resolution else value
    if abs(standard_error) <= resolution:
        return f"{value:{value_format}} (no spread)"
    return f"{value:{value_format}} ± {standard_error:.2g}"


def variance_text(value: float, standard_error: float | None = None, resolution: float = 0.0):
    """A variance: '0 (exact)' when exactly 0, '0' when below `resolution` (variance_resolution
    or exact_variance_resolution), else 5 significant figures, '± SE' when one is given."""
    if _missing(value):
        return "—"
    if value == 0.0:
        return "0 (exact)"
    if abs(value) <= resolution:
        return "0"
    if standard_error is None:
        return f"{value:.5g}"
    if abs(standard_error) <= resolution:
        return f"{value:.5g} (no spread)"
    return f"{value:.5g} ± {standard_error:.2g}"


def exact_text(value: float, resolution: float = 0.0) -> str:
    """An exact value (not a variance) to 5 significant figures, '0' below `resolution`."""
    if _missing(value):
        return "—"
    return "0" if abs(value) <= resolution else f"{value:.5g}"


def ratio_text(ratio: float, denominator: float, resolution: float = 0.0) -> str:
    """A variance ratio such as a reduction Var[none] / Var[this]: '∞ (zero variance)' when the
    denominator variance is 0 or below `resolution`, '—' when missing, else number_text."""
    if not _missing(denominator) and abs(denominator) <= resolution:
        return "∞ (zero variance)"
    if _missing(ratio):
        return "—"
    return number_text(ratio)


def number_text(value: float, digits: int = 4) -> str:
    """A table cell for a number that may be infinite or missing: '9', '∞', '—'."""
    if pd.isna(value):
        return "—"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}g}"


def plus_minus_column(
    table: pd.DataFrame, value: str, standard_error: str, resolution=0.0
) -> list[str]:
    """plus_minus of each row's value and standard error (`resolution`: one per row, or one)."""
    resolutions = pd.Series(resolution, index=table.index)
    return [
        plus_minus(v, se, r)
        for v, se, r in zip(table[value], table[standard_error], resolutions, strict=True)
    ]


BASELINE_TITLES = {"mean": "batch mean", "loo": "leave-one-out", "optimal": "optimal b*"}


def baseline_title(baseline: str | float | None) -> str:
    """How a person names a baseline: 'leave-one-out', 'constant b = 5', 'no baseline'."""
    if baseline is None:
        return "no baseline"
    if isinstance(baseline, str):
        return BASELINE_TITLES[baseline]
    return f"constant b = {baseline:g}"
