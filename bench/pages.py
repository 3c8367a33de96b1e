"""Section 3: each page's first render and a re-render after one control changes (AppTest).

Pages are discovered at run time (app.py, then ui.navigation's table). The process is warm —
Streamlit, core and the ui helpers are imported by a first run of app.py — but every page's
first render starts from empty caches. The re-render changes the page's first control that
can take another value (a slider, number, select box, radio, checkbox or toggle).

Times are CPU seconds of this process (the script thread included), which other processes'
load does not inflate; the wall clock is noted beside each. A new AppTest scans every installed distribution for Streamlit components (~1 s here); a
server does that once at start-up, so each page's AppTest reuses the warm-up's registry.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

from bench.measure import Timing, peak_above, reset_peak_rss, status_kib
from bench.report import Row, Target

ROOT = Path(__file__).resolve().parents[1]
FIRST_RENDER_S = 1.5
RERENDER_S = 0.5
TIMEOUT_S = 120


def discover_pages() -> list[Path]:
    """app.py (it runs the home page), then every other page of ui.navigation's table."""
    from ui.navigation import HOME, existing_pages

    return [ROOT / "app.py", *(page.path for page in existing_pages() if page is not HOME)]


def _next_value(widget) -> tuple[object, str] | None:
    """Another valid value for the widget, and a description of the change; None if none."""
    kind = type(widget).__name__
    value = widget.value
    if kind in ("Checkbox", "Toggle"):
        return (not value), f"{not value}"
    if kind in ("Selectbox", "Radio", "SelectSlider"):
        options = list(widget.options)
        if len(options) < 2:
            return None
        current = options.index(str(value)) if str(value) in options else 0
        choice = options[(current + 1) % len(options)]
        return choice, repr(choice)
    if kind in ("Slider", "NumberInput"):
        if isinstance(value, (tuple, list)) or value is None:
            return None
        step = widget.step or 1
        lower, upper = getattr(widget, "min", None), getattr(widget, "max", None)
        for candidate in (value + step, value - step):
            if (upper is None or candidate <= upper) and (lower is None or candidate >= lower):
                return candidate, f"{candidate!r}"
    return None


def _change_one_control(app) -> str | None:
    """Set the first control that can take another value; describe the change."""
    for kind in ("slider", "number_input", "selectbox", "radio", "select_slider", "checkbox"):
        for widget in getattr(app, kind):
            change = _next_value(widget)
            if change is not None:
                value, described = change
                kind_name = type(widget).__name__
                widget.set_value(value)
                return f"{kind_name} '{widget.label}' → {described}"
    return None


def _render(app) -> tuple[float, float]:
    """(CPU seconds of this process, wall seconds) for one script run of `app`."""
    cpu, wall = time.process_time(), time.perf_counter()
    app.run()
    return time.process_time() - cpu, time.perf_counter() - wall


def page_renders(rounds: int = 3) -> list[Row]:
    import streamlit as st
    from streamlit import config
    from streamlit import logger as streamlit_logger
    from streamlit.testing.v1 import AppTest

    config.set_option("client.showErrorDetails", "full")
    streamlit_logger.set_log_level(logging.ERROR)  # quiet the "no runtime" notes of bare mode
    pages = discover_pages()
    warm = AppTest.from_file(str(pages[0]), default_timeout=TIMEOUT_S)
    warm.run()  # imports Streamlit, core and ui once
    components = getattr(warm, "_bidi_component_manager", None)
    rows = []
    for page in pages:
        name = page.relative_to(ROOT).as_posix()
        firsts, agains, peaks, problems, change = [], [], [], [], None
        try:
            for _ in range(rounds):
                st.cache_data.clear()
                st.cache_resource.clear()
                before = status_kib("VmRSS") if reset_peak_rss() else None
                app = AppTest.from_file(str(page), default_timeout=TIMEOUT_S)
                if components is not None:
                    app._bidi_component_manager = components
                firsts.append(_render(app))
                peaks.append(peak_above(before))
                problems += [element.value for element in app.exception]
                change = _change_one_control(app)
                if change is not None:
                    agains.append(_render(app))
                    problems += [element.value for element in app.exception]
        except Exception as error:  # a page under construction must not stop the benchmark
            rows.append(
                Row(f"{name}: could not run", None, note=f"{type(error).__name__}: {error}")
            )
            continue
        first_cpu, first_wall = (statistics.median(times) for times in zip(*firsts, strict=True))
        failure = "; ".join(sorted({str(p).splitlines()[0] for p in problems}))
        known_peaks = [peak for peak in peaks if peak is not None]
        rows.append(
            Row(
                f"{name}: first render",
                Timing(first_cpu, None, None, max(known_peaks) if known_peaks else None),
                Target("absolute", FIRST_RENDER_S),
                note=f"wall {first_wall:.2f} s" + (f"; EXCEPTION: {failure}" if failure else ""),
            )
        )
        if not agains:
            rows.append(Row(f"{name}: re-render", None, note="no control that could change"))
            continue
        again_cpu, again_wall = (statistics.median(times) for times in zip(*agains, strict=True))
        rows.append(
            Row(
                f"{name}: re-render after one control",
                Timing(again_cpu, None, None, None),
                Target("absolute", RERENDER_S),
                note=f"wall {again_wall:.2f} s; {change}",
            )
        )
    return rows
