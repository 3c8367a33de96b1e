"""Small tables a visitor reads rather than sorts, drawn as a plain HTML table (st.table).

st.dataframe draws an interactive grid on a canvas: the browser loads ~0.7 MB more JavaScript
for it (the grid, its JSON viewer, its number formatters) and measures and paints every grid on
first paint. For a handful of rows with no column tooltip a static table shows the same cells.
A table wider than a phone's column scrolls sideways inside its own box, with ui.layout's hint.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping

import numpy as np
import pandas as pd
import streamlit as st

# st.dataframe draws a missing value as an empty cell; so does a static table here.
MISSING = ""
# st.dataframe's default for a float: at most 4 decimals, trailing zeros dropped, and at least
# the first significant digit of a small number (1.2e-7 → 0.0000001).
DECIMALS = 4


def _number(value: float) -> str:
    """A float as st.dataframe shows it when no format is given."""
    if not math.isfinite(value) or value == 0:
        return "0" if value == 0 else str(value)
    decimals = max(DECIMALS, -math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _cell(format_: str | None):
    """A cell formatter: floats in the printf `format_` ('%.3f', as NumberColumn's), or as
    st.dataframe's default when None; text and integers as they are."""

    def formatted(value: object) -> str:
        if value is None or (isinstance(value, float) and value != value):
            return MISSING
        if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
            return str(value)
        if format_ is not None:
            return format_ % (value + 0)  # −0.0 shows as 0.000, as the grid's sprintf does
        return _number(float(value)) if isinstance(value, float | np.floating) else str(value)

    return formatted


def static_table(
    frame: pd.DataFrame, formats: Mapping[str, str] | None = None, *, index: bool = False
) -> None:
    """`frame` as a static table: each column named in `formats` ({column: printf format})
    shown in that format, every other cell as st.dataframe shows it; its index shown only when
    `index` (a matrix's row labels)."""
    formats = formats or {}
    styler = frame.style.format({name: _cell(formats.get(name)) for name in frame.columns})
    if index:
        styler = styler.format_index(_cell(None), axis=0)
    st.table(styler, hide_index=not index)
