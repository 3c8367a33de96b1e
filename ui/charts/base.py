"""What every chart shares: row limits, error bars, facet layout, titles and thinning helpers.

House rules for every chart: a tooltip on every mark, axis titles that carry units, log scales
where a quantity spans decades, and at most MAX_CHART_ROWS rows sent to the browser
(`downsample` thins anything larger). Builders only draw: the numbers come from `core`.

The builders live by topic beside this module (ui.charts.<topic>) and are re-exported by
ui.charts.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd
from altair.utils import schemapi

from ui.charts.palette import series_color

# Altair's debug mode validates every schema object as it is built, and again whole charts in
# to_dict(); Streamlit's to_dict() still validates each chart once, so building without it keeps
# every check and halves the build time of a layered, faceted chart (measured: ~0.27 → ~0.14 s).
schemapi.disable_debug_mode()

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


# Points per line of a trace chart (running means on a log axis): log-spaced, 500 are as smooth
# to the eye as 2,000 on a ~600 px plot, and the browser draws (and Vega evaluates) a quarter.
TRACE_POINTS = 500


def log_thin(frame: pd.DataFrame, column: str, max_rows: int = TRACE_POINTS) -> pd.DataFrame:
    """Rows at roughly log-spaced values of an increasing integer `column` (e.g. a draw count),
    so a trace drawn on a log axis keeps its detail at the start and stays small: the first row
    at or after each of `max_rows` values geometrically spaced from the first to the last (for
    draws 1 … N, rows round(geomspace(1, N)) − 1; an already thinned trace stays log-spaced)."""
    if len(frame) <= max_rows:
        return frame
    frame = frame.sort_values(column, kind="stable")
    values = frame[column].to_numpy()
    targets = np.geomspace(max(values[0], 1), values[-1], max_rows).round()
    positions = np.unique(np.searchsorted(values, targets).clip(0, len(frame) - 1))
    return frame.iloc[positions]


# Error bars on Monte Carlo points span ±ERROR_BAR_SE standard errors (≈95% under normality).
ERROR_BAR_SE = 2.0
ESTIMATOR_TITLES = {
    "score": "score function",
    "pathwise": "pathwise",
    "measure_valued": "measure-valued",
}
CREDIT_TITLES = {
    "return": "whole return",
    "reward_to_go": "reward-to-go",
    "advantage": "reward-to-go − V(s)",
}


def axis_title(text: str, width: int = 24, line: int = 16) -> str | list[str]:
    """An axis title that fits a narrow (phone) chart, whose plot Streamlit squeezes: longer than
    `width` characters, it is drawn on lines — the quantity, then its parenthesised units
    wrapped at `line` characters: "∇J(θ)" / "(reward units" / "per unit θ)" (Vega-Lite draws a
    list as lines). One long line would be cut off at the plot's top and bottom."""
    head, bracket, units = text.partition(" (")
    if len(text) <= width or not bracket or not head:
        return text
    lines = [head]
    current = ""
    for word in ("(" + units).split(" "):
        if current and len(current) + 1 + len(word) > line:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current]


def category_color(field: str, title: str, labels: Sequence[str]) -> alt.Color:
    """Colour by the series a chart compares (estimators, baselines, credits, runs), whose
    labels are `labels`, from the one palette (ui.charts.palette); legend below."""
    return series_color(field, labels, title, alt.Legend(orient="bottom"))


def _by_param() -> alt.Column:
    """One facet column per parameter, headed 'parameter <name>'."""
    return alt.Column(
        "param:N",
        title=None,
        header=alt.Header(labelExpr="'parameter ' + datum.value", labelFontSize=13),
    )


# Streamlit fits a single view's axes and legend inside its height (a facet's height is its
# plot's): a single view drawn in place of one panel gets this much more to keep its plot.
SINGLE_VIEW_FRAME = 110


def _panels_by_param(
    chart: alt.LayerChart,
    params: int,
    width: int,
    height: int,
    column: alt.Column | None = None,
    **independent: str,
) -> alt.FacetChart | alt.LayerChart:
    """`chart` once per parameter side by side (facet `column`, by default _by_param's), the
    panels' scales resolved by `independent` (y="independent"); for one parameter a single
    chart at the column's width, without a "parameter theta" heading (and its layers sharing
    their scales: resolving a layer's would give each layer axes of its own)."""
    if params == 1:
        return chart.properties(width="container", height=height + SINGLE_VIEW_FRAME)
    facets = chart.properties(width=width, height=height).facet(column=column or _by_param())
    return facets.resolve_scale(**independent) if independent else facets


def _panel_width(panels: int, total: int = 600) -> int:
    """Width of each of `panels` facet panels so a row of them, with axes, fits the ~880 px of
    the main column beside the sidebar."""
    return max(190, min(560, total // max(panels, 1)))


def _with_error_bars(frame: pd.DataFrame, value: str, standard_error: str) -> pd.DataFrame:
    """Copy of `frame` with `low`/`high` = value ∓ ERROR_BAR_SE · SE for an error-bar rule."""
    return frame.assign(
        low=frame[value] - ERROR_BAR_SE * frame[standard_error],
        high=frame[value] + ERROR_BAR_SE * frame[standard_error],
    )


# These specs are built once per data with Altair's default data transformer
# (ui.cache.chart_spec), whose guard refuses datasets over 5,000 rows: keep each under it.
SPEC_MAX_ROWS = 5_000


def _log_band(frame: pd.DataFrame, value: str, standard_error: str) -> pd.DataFrame:
    """Copy with low/high = value · exp(∓ERROR_BAR_SE · SE/value): the ±2 SE interval of
    log(value) by the delta method, so a band on a log axis never crosses zero."""
    ratio = np.exp(ERROR_BAR_SE * frame[standard_error] / frame[value])
    return frame.assign(low=frame[value] / ratio, high=frame[value] * ratio)


def log_thin_groups(
    frame: pd.DataFrame, group: str, column: str, max_rows: int = TRACE_POINTS
) -> pd.DataFrame:
    """`log_thin` within each group (e.g. per parameter), groups kept in order of appearance."""
    parts = [log_thin(part, column, max_rows) for _, part in frame.groupby(group, sort=False)]
    return pd.concat(parts, ignore_index=True) if parts else frame


# A phone's main column is ~350 CSS px: a panel this wide, with its axis, fits it; a grid of
# panels gets two columns of GRID_PANEL px.
NARROW_PANEL = 230
NARROW_GRID_PANEL = 100


def narrow_spec(spec: dict) -> dict:
    """`spec` (a Vega-Lite dict) laid out for a phone's column: panels side by side (facet
    columns, hconcat) go one under the other at NARROW_PANEL px; a grid of rows × columns is
    transposed (the rows, e.g. bias / variance, become two narrow columns); a wrapped facet
    wraps at one column; a wider fixed width shrinks to NARROW_PANEL; legends list one entry a
    line. Only the layout changes: the data are the same objects (never copied)."""
    added_lines = _legend_lines_added(spec)
    spec = _one_column_legends(spec)
    if "$schema" in spec:  # the top level: legends without settings of their own, too
        config = spec.get("config", {})
        legend = {"orient": "bottom", "columns": 1, "labelLimit": NARROW_PANEL}
        spec["config"] = {**config, "legend": {**config.get("legend", {}), **legend}}
    if "hconcat" in spec:
        spec["vconcat"] = [narrow_spec(view) for view in spec.pop("hconcat")]
    elif "facet" in spec and isinstance(spec.get("spec"), dict):
        facet, inner = spec["facet"], dict(spec["spec"])
        if "column" in facet and "row" in facet:
            spec["facet"] = {"column": _two_line_header(facet["row"]), "row": facet["column"]}
            inner["width"] = NARROW_GRID_PANEL
        elif "column" in facet:
            spec["facet"] = {"row": facet["column"]}
            inner["width"] = NARROW_PANEL
        elif "row" not in facet:  # a wrapped facet (facet=…, columns=k)
            spec["columns"] = 1
            inner["width"] = NARROW_PANEL
        spec["spec"] = inner
    elif isinstance(spec.get("width"), int | float) and spec["width"] > NARROW_PANEL:
        spec["width"] = NARROW_PANEL
    if isinstance(spec.get("height"), int | float) and not {"facet", "vconcat"} & spec.keys():
        # Streamlit fits a single view's legend inside its height: give the longer legend room.
        spec["height"] += LEGEND_LINE * added_lines
    return spec


LEGEND_LINE = 20  # px per legend entry


def _legend_lines_added(spec: dict) -> int:
    """How many lines a one-entry-a-line legend adds over the layout `spec` (its views and
    layers) gave it: entries − ⌈entries / columns⌉ of its longest legend with a known domain."""
    added = 0
    for view in [spec, *spec.get("layer", [])]:
        for channel in (view.get("encoding") or {}).values():
            legend = channel.get("legend") if isinstance(channel, dict) else None
            domain = (channel.get("scale") or {}).get("domain") if legend is not None else None
            if isinstance(domain, list):
                columns = max(1, int(legend.get("columns", len(domain)) or 1))
                added = max(added, len(domain) - -(-len(domain) // columns))
    return added


def _one_column_legends(spec: dict) -> dict:
    """Copy of the views of `spec` (not its data) with every legend one entry a line, its
    labels up to NARROW_PANEL px: a legend of several columns would run past a phone's edge."""
    copy = {}
    for key, value in spec.items():
        if key in ("data", "datasets"):
            copy[key] = value
        elif key == "legend" and isinstance(value, dict):
            copy[key] = {**value, "columns": 1, "labelLimit": NARROW_PANEL}
        elif isinstance(value, dict):
            copy[key] = _one_column_legends(value)
        elif isinstance(value, list):
            copy[key] = [_one_column_legends(v) if isinstance(v, dict) else v for v in value]
        else:
            copy[key] = value
    return copy


def _two_line_header(channel: dict) -> dict:
    """A facet channel whose panel headings break before their units: "gradient" / "(cost per
    unit θ)" over a narrow panel instead of one line running into the next heading."""
    header = dict(channel.get("header") or {})
    label = header.get("labelExpr", "datum.label")
    header["labelExpr"] = f"split(replace({label}, ' (', '|('), '|')"
    return {**channel, "header": header}
