"""Altair chart builders for the pages; each returns a chart, unit-tested through `to_dict()`.

House rules for every chart: a tooltip on every mark, axis titles that carry units, log scales
where a quantity spans decades, and at most MAX_CHART_ROWS rows sent to the browser
(`downsample` thins anything larger). Builders only draw: the numbers come from `core`.

Grouped by page; each group is owned by the page's author, shared helpers come first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Beyond ~10k rows a Vega-Lite chart gets slow in the browser and heavy on the wire.
MAX_CHART_ROWS = 10_000


# --- shared helpers ---------------------------------------------------------------------------


def downsample(frame: pd.DataFrame, max_rows: int = MAX_CHART_ROWS) -> pd.DataFrame:
    """At most `max_rows` rows, evenly spaced, first and last kept (rows of i.i.d. draws stay
    a fair sample; ordered traces keep their shape)."""
    if len(frame) <= max_rows:
        return frame
    keep = np.unique(np.linspace(0, len(frame) - 1, max_rows).round().astype(np.int64))
    return frame.iloc[keep]


def log_thin(frame: pd.DataFrame, column: str, max_rows: int = 2_000) -> pd.DataFrame:
    """Rows at roughly log-spaced values of an increasing integer `column` (e.g. a draw count),
    so a trace drawn on a log axis keeps its detail at the start and stays small."""
    if len(frame) <= max_rows:
        return frame
    positions = np.unique(np.geomspace(1, len(frame), max_rows).round().astype(np.int64) - 1)
    return frame.sort_values(column, kind="stable").iloc[positions]
