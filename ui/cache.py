"""The app's one door into core: every computation is a `core.calls.Call`, run here under
`st.cache_data` and printed by `ui.exports` as the code that reproduces it.

A Call is a hashable value (function, problem, arguments); the cache keys on its repr — the
problem's repr is the Python that rebuilds it, floats round-trip — and hands each session its
own copy of the result. Every call runs inside a time limit for a visitor's own f(x)
(core.expressions.evaluation_time_limit, per thread): named costs never look at it. Traces are thinned here to keep a
cached entry small whatever n is; nothing here does maths.

Fair admission (issue 15): a cache miss of a Monte Carlo call (one that takes a `seed`) runs
only when `GATE` (ui.admission, one slot per CPU, process-wide) admits it, and then in one of
as many niced worker processes (ui.workers' `POOL`), so at most one computation per core runs
at once (not every visitor's) and the server's threads — light pages, cache hits, the
websocket — keep the GIL and win the cores. A visitor whose call waits sees "Queued
(position k)" with a progress bar where the result will appear. Cache hits and exact
(unseeded) calls never wait and run in the session's thread. Identical misses from several
sessions compute once: st.cache_data holds a per-key lock while one of them computes.
"""

from __future__ import annotations

import contextvars
import functools
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.logger import get_logger
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    get_run_yield_check,
    get_script_run_ctx,
)

from core.calls import Call
from ui import charts
from ui.admission import AdmissionGate, cpu_slots
from ui.budget import CUSTOM_COST_SECONDS, VIEW_WORK, wall_clock_limit
from ui.charts import downsample, log_thin, log_thin_groups
from ui.workers import APP_SCRIPT, WorkerPool, run_limited

LOGGER = get_logger(__name__)
# Logged when a queue notice is first drawn in a session's page (the notice is sent to its
# browser then, whether or not the browser gets to paint it).
QUEUED_LOG = "queue notice sent: session %s at position %d of %d"
# Logged when that wait is over (the notice is cleared): how long the notice stood. A notice
# cleared within a few ms may never leave the server: Streamlit sends a session's queued
# messages every 10 ms or so, and a newer delta at the same place replaces one not yet sent.
QUEUE_OVER_LOG = "queue wait over: session %s after %.3f s"
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


GATE = AdmissionGate(cpu_slots())
POOL = WorkerPool(GATE.slots)
# The page's context (where it draws) as it was outside the outermost cached function, so a
# queue notice drawn from inside one is not recorded and replayed on later cache hits.
_PAGE_CONTEXT: contextvars.ContextVar[contextvars.Context | None] = contextvars.ContextVar(
    "ui.cache page context", default=None
)


def is_heavy(call: Call) -> bool:
    """Whether `call` waits for the gate: it samples (takes a seed); exact values do not."""
    return any(name == "seed" for name, _ in call.keywords)


class _QueueNotice:
    """'Queued (position k of m)' with a progress bar, drawn in the page only once it waits."""

    def __init__(self) -> None:
        self.page = _PAGE_CONTEXT.get()
        self.slot = None
        self.first_position = 0
        self.since = 0.0

    def __call__(self, position: int, waiting: int) -> None:
        if self.page is None:  # not called from a page (a test, a script): nothing to draw
            return
        self.page.run(self._draw, position, waiting)

    def _draw(self, position: int, waiting: int) -> None:
        yield_check = get_run_yield_check()
        if yield_check is not None:
            yield_check()  # a visitor who changed a control or left gives up the place
        first = self.slot is None
        if first:
            self.slot = st.empty()
            self.first_position = position
        self.slot.progress(
            1.0 - position / (self.first_position + 1),
            text=f"Queued (position {position} of {waiting}): this server runs "
            f"{GATE.slots} Monte Carlo computation{'s' * (GATE.slots > 1)} at once, so the "
            "cores stay shared fairly; yours starts when one ahead of it finishes.",
        )
        if first:  # the server's own record (bench/load.py counts sessions by it)
            self.since = time.monotonic()
            ctx = get_script_run_ctx()
            LOGGER.info(QUEUED_LOG, ctx.session_id if ctx else "-", position, waiting)

    def clear(self) -> None:
        if self.slot is not None:
            self.page.run(self._clear)

    def _clear(self) -> None:
        self.slot.empty()
        ctx = get_script_run_ctx()
        waited = time.monotonic() - self.since
        LOGGER.info(QUEUE_OVER_LOG, ctx.session_id if ctx else "-", waited)


def in_workers() -> bool:
    """Whether admitted calls may run in POOL: under app.py (the server, or an AppTest of the
    whole app). A worker re-imports its parent's main script, which app.py allows (it is
    guarded); a page run alone (an AppTest of one page file) or a test calling this module
    directly runs them in its own thread."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    return main is not None and Path(main).resolve() == APP_SCRIPT


def run(call: Call) -> object:
    """`call.run()` with a custom f(x) stopped after CUSTOM_COST_SECONDS (ExpressionError);
    a Monte Carlo call first waits for GATE, then runs in a worker process (see in_workers) once
    the pool has started, killed after ui.budget's wall_clock_limit of the view's work (the
    visitor then reads WorkerTimeoutError's message and a link to try again, ui.guard)."""
    if not is_heavy(call):
        return run_limited(call, CUSTOM_COST_SECONDS)
    notice = _QueueNotice()
    with GATE.admitted(notice):
        notice.clear()
        # Until the pool has started (seconds after the app's first page run), in this thread:
        # the first visitor's heavy page does not wait for the forkserver's imports.
        if POOL.ready and in_workers():
            limit = wall_clock_limit(VIEW_WORK.get())
            return POOL.run(call, CUSTOM_COST_SECONDS, limit)
        return run_limited(call, CUSTOM_COST_SECONDS)


if in_workers():  # the app's first page run: start the workers while the visitor reads it
    threading.Thread(target=POOL.start, name="start the worker pool", daemon=True).start()


def _cached(**options) -> Callable[[Callable], Callable]:
    """st.cache_data(**options) for a function of Calls, remembering the page's context on the
    way in (see _PAGE_CONTEXT); `.clear()` clears the cache."""

    def decorate(function: Callable) -> Callable:
        cached = st.cache_data(show_spinner=False, hash_funcs=HASH_FUNCS, **options)(function)

        @functools.wraps(function)
        def entry(*args, **kwargs):
            if _PAGE_CONTEXT.get() is not None:  # already inside: keep the outermost
                return cached(*args, **kwargs)
            token = _PAGE_CONTEXT.set(contextvars.copy_context())
            try:
                return cached(*args, **kwargs)
            finally:
                _PAGE_CONTEXT.reset(token)

        entry.clear = cached.clear
        return entry

    return decorate


@_cached(max_entries=MAX_ENTRIES)
def compute(call: Call) -> object:
    """The result of `call` (core's ValueError passes through for the page to show)."""
    return run(call)


@_cached(max_entries=MAX_ROW_ENTRIES)
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


@_cached(max_entries=MAX_ENTRIES)
def trace(call: Call, group: str | None = None) -> pd.DataFrame:
    """A per-draw table (core.derivation.running_estimate, core.score_studies.score_trace) at up to TRACE_ROWS log-spaced
    draws (per `group`, e.g. per parameter): the shape on a log axis, in a small cache entry."""
    table = run(call)
    if group is None:
        return log_thin(table, "draw", TRACE_ROWS)
    return log_thin_groups(table, group, "draw", TRACE_ROWS)


@_cached(max_entries=MAX_ENTRIES)
def sample(call: Call, columns: tuple[str, ...], group: str) -> pd.DataFrame:
    """`columns` of at most SAMPLE_ROWS evenly spaced draws per `group` of a per-draw table, for
    a histogram (draws are i.i.d., so any fixed subset is a fair sample)."""
    table = run(call)[list(columns)]
    parts = [downsample(part, SAMPLE_ROWS) for _, part in table.groupby(group, sort=False)]
    return pd.concat(parts, ignore_index=True)


@_cached(max_entries=MAX_ENTRIES)
def labelled_tables(calls: tuple[tuple[str, Call], ...], column: str = "run") -> pd.DataFrame:
    """Each (label, call)'s table with a `column` holding its label, stacked."""
    return pd.concat(
        [compute(call).assign(**{column: label}) for label, call in calls], ignore_index=True
    )


# -- charts --------------------------------------------------------------------------------------


def _used_columns_only(spec: dict) -> dict:
    """`spec` with each inline dataset cut to the columns the spec names anywhere outside the
    datasets (a field, a tooltip, an expression): what a chart never reads is not sent to the
    browser. A column whose name is not an identifier is always kept."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    named = set(
        re.findall(r"[A-Za-z_]\w*", json.dumps({k: v for k, v in spec.items() if k != "datasets"}))
    )
    cut = {}
    for name, rows in datasets.items():
        keep = [c for c in (rows[0] if rows else {}) if c in named or not c.isidentifier()]
        cut[name] = [{c: row[c] for c in keep} for row in rows]
    return {**spec, "datasets": cut}


def _stable_dataset_names(spec: dict) -> dict:
    """`spec` with its inline datasets named by their order ("dataset-0", …) instead of by a hash
    of their rows (Altair's "data-<md5>"): when only the numbers change, the spec text stays the
    same, so the browser's chart swaps its data in place instead of being built anew (Streamlit
    sends the datasets apart from the spec and re-embeds a chart only when the spec changes)."""
    datasets = spec.get("datasets")
    if not datasets:
        return spec
    names = {old: f"dataset-{index}" for index, old in enumerate(datasets)}
    text = json.dumps({k: v for k, v in spec.items() if k != "datasets"})
    for old, new in names.items():
        text = text.replace(json.dumps(old), json.dumps(new))
    return {**json.loads(text), "datasets": {names[k]: rows for k, rows in datasets.items()}}


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def chart_spec(builder: str, *args, narrow: bool = False, **kwargs) -> dict:
    """The Vega-Lite spec of `ui.charts.<builder>(*args, **kwargs)`, built once per data, its
    datasets cut to the columns it uses and named by their order; with `narrow`, laid out for a
    phone's column (ui.charts.narrow_spec), cached as a form of its own.

    Altair spends most of a page's render building and schema-validating chart objects; the
    builders are validated in tests/ui, so here a spec is built unvalidated, once, and reused
    whenever the same data comes back.
    """
    chart = getattr(charts, builder)(*args, **kwargs)
    spec = _stable_dataset_names(_used_columns_only(chart.to_dict(validate=False)))
    return charts.narrow_spec(spec) if narrow else spec


def show_chart(builder: str, *args, **kwargs) -> None:
    """Draw `ui.charts.<builder>(*args, **kwargs)` at the container's width, via chart_spec; on
    a phone (a "Mobi" browser, as MDN advises detecting one) its panels stack to fit the column
    (the narrow form, cached beside the wide one)."""
    narrow = "Mobi" in (st.context.headers.get("User-Agent") or "")
    st.vega_lite_chart(chart_spec(builder, *args, narrow=narrow, **kwargs), width="stretch")
