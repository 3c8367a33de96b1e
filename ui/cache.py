"""The app's one door into core: every computation is a `core.calls.Call`, run here under
`st.cache_data` and printed by `ui.exports` as the code that reproduces it.

A Call is a hashable value (function, problem, arguments); the cache keys on its repr — the
problem's repr is the Python that rebuilds it, floats round-trip — and hands each session its
own copy of the result. Every call runs inside a time limit for a visitor's own f(x)
(core.expressions.evaluation_time_limit, per thread): named costs never look at it. Traces are thinned here to keep a
cached entry small whatever n is; nothing here does maths.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.calls import Call
from core.expressions import evaluation_time_limit
from ui import charts
from ui.budget import CUSTOM_COST_SECONDS
from ui.charts import downsample, log_thin, log_thin_groups

MAX_ENTRIES = 64
# Per-size rows of a sweep (and per-horizon points) are small and reused as the range changes.
MAX_ROW_ENTRIES = 512
# Traces are kept at this many log-spaced draws per parameter: dense early, sparse late.
TRACE_ROWS = 2_000
# Histograms are drawn from at most this many draws per parameter.
SAMPLE_ROWS = 5_000


# st.cache_data hashes a dataclass field by field (dataclasses.asdict), which fails on a
# Gaussian's cost object; a Call's repr names exactly the values it computes with.
HASH_FUNCS = {Call: repr}


def run(call: Call) -> object:
    """`call.run()`, a custom f(x) stopped after CUSTOM_COST_SECONDS (ExpressionError)."""
    with evaluation_time_limit(CUSTOM_COST_SECONDS):
        return call.run()


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=HASH_FUNCS)
def compute(call: Call) -> object:
    """The result of `call` (core's ValueError passes through for the page to show)."""
    return run(call)


@st.cache_data(max_entries=MAX_ROW_ENTRIES, show_spinner=False, hash_funcs=HASH_FUNCS)
def compute_row(call: Call) -> pd.DataFrame:
    """`compute` for the one-size (or one-horizon) slices of a sweep: many small entries."""
    return run(call)


def rows(call: Call, keyword: str, values: Sequence[object], progress=None) -> pd.DataFrame:
    """`call` once per value of its sequence argument `keyword`, concatenated: the same rows as
    the whole call when each value has its own random stream (variance_curve's sizes,
    horizon_monte_carlo's horizons). `progress(done, total, value)` runs after each."""
    frames = []
    for done, value in enumerate(values, start=1):
        frames.append(compute_row(call.with_keywords(**{keyword: (value,)})))
        if progress is not None:
            progress(done, len(values), value)
    return pd.concat(frames, ignore_index=True)


def rows_shown(call: Call, keyword: str, values: Sequence[object], text: str, step: str):
    """`rows` behind a progress bar reading `text`, then `step.format(value=…)` after each value."""
    progress = st.progress(0.0, text=text)
    table = rows(
        call,
        keyword,
        values,
        lambda done, total, value: progress.progress(done / total, text=step.format(value=value)),
    )
    progress.empty()
    return table


def sweep_curves(
    calls: Mapping[str, Call], keyword: str, values: Sequence[object]
) -> tuple[pd.DataFrame | None, dict[str, str]]:
    """`rows` of each named call (e.g. one variance_curve per estimator) behind one progress
    bar, stacked; a call core declines gives its reason instead. Returns (the stacked rows, or
    None if every call was declined; {name: reason} of the declined)."""
    progress = st.progress(0.0, text="Measuring the variance at each N …")
    frames, declined = [], {}
    total = len(values) * len(calls)
    for index, (name, call) in enumerate(calls.items()):

        def report(step, _, value, name=name, index=index):
            done = index * len(values) + step
            progress.progress(done / total, text=f"{name}: N = {value:,} ({done}/{total})")

        try:
            frames.append(rows(call, keyword, values, report))
        except ValueError as error:
            declined[name] = str(error)
    progress.empty()
    return (pd.concat(frames, ignore_index=True) if frames else None), declined


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=HASH_FUNCS)
def trace(call: Call, group: str | None = None) -> pd.DataFrame:
    """A per-draw table (core.derivation.running_estimate, core.score_studies.score_trace) at up to TRACE_ROWS log-spaced
    draws (per `group`, e.g. per parameter): the shape on a log axis, in a small cache entry."""
    table = run(call)
    if group is None:
        return log_thin(table, "draw", TRACE_ROWS)
    return log_thin_groups(table, group, "draw", TRACE_ROWS)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=HASH_FUNCS)
def sample(call: Call, columns: tuple[str, ...], group: str) -> pd.DataFrame:
    """`columns` of at most SAMPLE_ROWS evenly spaced draws per `group` of a per-draw table, for
    a histogram (draws are i.i.d., so any fixed subset is a fair sample)."""
    table = run(call)[list(columns)]
    parts = [downsample(part, SAMPLE_ROWS) for _, part in table.groupby(group, sort=False)]
    return pd.concat(parts, ignore_index=True)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False, hash_funcs=HASH_FUNCS)
def labelled_tables(calls: tuple[tuple[str, Call], ...], column: str = "run") -> pd.DataFrame:
    """Each (label, call)'s table with a `column` holding its label, stacked."""
    return pd.concat(
        [compute(call).assign(**{column: label}) for label, call in calls], ignore_index=True
    )


# -- charts --------------------------------------------------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def chart_spec(builder: str, *args, **kwargs) -> dict:
    """The Vega-Lite spec of `ui.charts.<builder>(*args, **kwargs)`, built once per data.

    Altair spends most of a page's render building and schema-validating chart objects; the
    builders are validated in tests/ui, so here a spec is built unvalidated, once, and reused
    whenever the same data comes back.
    """
    return getattr(charts, builder)(*args, **kwargs).to_dict(validate=False)


def show_chart(builder: str, *args, **kwargs) -> None:
    """Draw `ui.charts.<builder>(*args, **kwargs)` at the container's width, via chart_spec."""
    st.vega_lite_chart(chart_spec(builder, *args, **kwargs), width="stretch")
