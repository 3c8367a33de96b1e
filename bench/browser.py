"""Section 7: each page in a real browser — a deep link's first paint and the re-render after one
control change (headless Chromium driving `streamlit run app.py`).

First paint: from the start of navigation to the page being drawn — the script run finished,
no loading skeleton left, the lower sections drawn (ui.deferred: a second run) and every chart
drawn (the browser's `performance.now()` at that moment; a fresh browser context per run, so
nothing is cached in the browser; the server's caches are warm after the first run, as for a
visitor following a shared link). A second,
labelled figure is a returning visitor's: the same link in a new tab of a context that has
opened it once, so the frontend's static JavaScript and fonts come from the browser's cache;
the fresh-context figure stays the first-paint metric. Two more labelled figures of the same
fresh-context loads say when the visitor first sees the page, not when all of it is drawn: the
browser's largest contentful paint (LCP, the W3C Largest Contentful Paint API: the paint of the
largest text or image in the viewport) and the first screen drawn (the last node added to
the document, or text changed, inside the first 1400×900 screen, read when the whole page is
drawn; the page keeps drawing below it). That figure's limit is the floor: a bare Streamlit page
with the element kinds of a first screen (bench/floor_page.py: sidebar number boxes, a heading,
LaTeX, metrics, one Altair chart, a static table; none of the app), on its own server, loaded in
turn with the page; the ratio (the median of each pair's page / floor) is what the app adds to
what Streamlit's frontend costs on this machine. Re-render, two kinds: after a sidebar
control (the page's first sidebar slider moved one step, or another option of its first select
box: the whole page reruns) and after a section control (the first slider in the main area,
inside the st.fragment of the section it drives, or its first select box: only that section
reruns), each from the key press to the page drawn again. Medians over `rounds` runs; wall
clock, so a busy machine inflates them (the load average is printed with the section).
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Timing
from bench.report import Row, Target
from tests.e2e.streamlit_helpers import (
    APP_IDLE_JS,
    VEGA_CHART,
    ScriptRuns,
    discover_pages,
    served_app,
    start_streamlit,
    stop_process_group,
    wait_for_health,
)

ROOT = Path(__file__).resolve().parents[1]
FIRST_PAINT_S = 1.5
RERENDER_S = 0.3
# BENCH_BROWSER_PORT: another port, when several checkouts measure on one machine.
PORT = int(os.environ.get("BENCH_BROWSER_PORT", "8627"))
# The floor: a bare Streamlit page with the element kinds of a first screen (bench/floor_page.py),
# on its own server beside the app's.
FLOOR_SCRIPT = "bench/floor_page.py"
FLOOR_PORT = PORT + 1

# The page is drawn: the run is over, nothing is loading, the lower sections are in (ui.deferred:
# the tests' APP_IDLE_JS) and each chart has a canvas or svg.
_DRAWN = f"""() => ({APP_IDLE_JS})() && [...document.querySelectorAll('{VEGA_CHART}')]
    .every((chart) => chart.querySelector('canvas, svg'))"""
SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type=range]'
SELECTBOX = '[data-testid="stSidebar"] [data-testid="stSelectbox"]'
# A section's own controls sit in the main area, inside its st.fragment.
SECTION_SLIDER = '[data-testid="stMain"] [data-testid="stSlider"] input[type=range]'
SECTION_SELECTBOX = '[data-testid="stMain"] [data-testid="stSelectbox"]'


# Records when each node was added or its text changed (no layout while the page loads: a
# container's own box, which spans the screen, is not looked at) and the largest contentful
# paint; `_FIRST_SCREEN` reads them once the page is drawn.
_PAINT_WATCH = """
    window.__changes = [];
    window.__lcp = 0;
    new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) window.__lcp = entry.startTime;
    }).observe({type: 'largest-contentful-paint', buffered: true});
    new MutationObserver((records) => {
        const now = performance.now();
        for (const record of records) {
            if (record.type === 'characterData') window.__changes.push([now, record.target]);
            for (const node of record.addedNodes) window.__changes.push([now, node]);
        }
    }).observe(document, {childList: true, subtree: true, characterData: true});
"""
# The last node added or changed that lies (now) inside the first screen, and the LCP, in ms.
_FIRST_SCREEN = """() => {
    let last = 0;
    for (const [time, node] of window.__changes) {
        const element = node.nodeType === 1 ? node : node.parentElement;
        if (!element || !element.isConnected || time <= last) continue;
        const box = element.getBoundingClientRect();
        if (box.bottom > 0 && box.top < innerHeight && box.right > 0 && box.left < innerWidth
            && box.width * box.height > 0) last = time;
    }
    return [last, window.__lcp];
}"""


@dataclass(frozen=True)
class Paint:
    """One load's times from navigation start, in seconds: the whole page drawn (the metric),
    the first screen drawn and the largest contentful paint."""

    drawn: float
    first_screen: float
    largest_contentful: float


def _paint(context, url: str) -> Paint:
    """A load of `url` in a new tab of `context`, timed."""
    page = context.new_page()
    try:
        page.add_init_script(_PAINT_WATCH)
        page.goto(url, wait_until="commit")
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        drawn = page.evaluate("performance.now()")
        first_screen, largest = page.evaluate(_FIRST_SCREEN)
        return Paint(drawn / 1000, first_screen / 1000, largest / 1000)
    finally:
        page.close()


def _first_paint(browser, url: str) -> Paint:
    """A deep link's first paint in a fresh browser context (nothing cached in the browser)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        return _paint(context, url)
    finally:
        context.close()


def _returning_paints(browser, url: str, rounds: int) -> list[Paint]:
    """The same link's first paint in `rounds` new tabs of a context that has opened it once
    (the static JavaScript, CSS and fonts in the browser's cache; a new session each time)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        _paint(context, url)
        return [_paint(context, url) for _ in range(rounds)]
    finally:
        context.close()


def _rerender(browser, url: str, section: bool = False) -> float | None:
    """Seconds from one control change to the page drawn again (None: no control to move): a
    sidebar control, or with `section` the first slider of a section's fragment. The run's end
    is the server's script_finished message (tests/e2e ScriptRuns): a fast run may never show
    as running in the page."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        runs = ScriptRuns(page)
        page.goto(url)
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        before = runs.finished
        if section and page.locator(SECTION_SLIDER).count():
            page.locator(SECTION_SLIDER).first.focus()
            start = page.evaluate("performance.now()")
            page.keyboard.press("ArrowRight")
        elif section and page.locator(SECTION_SELECTBOX).count():
            page.locator(SECTION_SELECTBOX).first.locator('button[aria-label="Open"]').click()
            if page.locator('[role="option"]').count() < 2:  # one choice: nothing to change
                return None
            start = page.evaluate("performance.now()")
            page.locator('[role="option"]').nth(1).click()
        elif section:
            return None
        elif page.locator(SLIDER).count():
            page.locator(SLIDER).first.focus()
            start = page.evaluate("performance.now()")
            page.keyboard.press("ArrowRight")
        elif page.locator(SELECTBOX).count():
            page.locator(SELECTBOX).first.locator('button[aria-label="Open"]').click()
            start = page.evaluate("performance.now()")
            page.locator('[role="option"]').nth(1).click()
        else:
            return None
        runs.wait_past(before, timeout_s=120)
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        return (page.evaluate("performance.now()") - start) / 1000
    finally:
        context.close()


def _median_row(label: str, seconds: list[float], target: float) -> Row:
    runs = ", ".join(f"{value:.2f}" for value in seconds)
    timing = Timing(statistics.median(seconds), None, None, None)
    return Row(label, timing, Target("absolute", target), note=f"runs {runs} s")


def _over_floor_row(name: str, paints: list[Paint], floors: list[Paint]) -> Row:
    """The page's first screen drawn, with the floor page's loaded in turn with it as the
    limit: the ratio is the median of each pair's page / floor."""
    ours = [paint.first_screen for paint in paints]
    limit = [paint.first_screen for paint in floors]
    ratio = statistics.median(a / b for a, b in zip(ours, limit, strict=True))
    timing = Timing(statistics.median(ours), statistics.median(limit), ratio, None)
    runs = ", ".join(f"{value:.2f}" for value in ours)
    label = f"{name}: first screen drawn, same loads, over the floor's (not the metric)"
    return Row(label, timing, Target("absolute", FIRST_PAINT_S), note=f"runs {runs} s")


def _page_rows(
    browser, url: str, name: str, floor_url: str, rounds: int
) -> tuple[list[Row], list[Paint]]:
    """One page's rows — its first paint, its first screen over the floor's (loaded in turn
    with it), its LCP, a returning visitor's first paint and its re-renders — and the floor's
    paints of those rounds."""
    _first_paint(browser, url)  # the server's caches warm, as after any visit
    paints, floor = [], []
    for _ in range(rounds):  # the page and the floor in turn: a paired ratio
        paints.append(_first_paint(browser, url))
        floor.append(_first_paint(browser, floor_url))
    rows = [
        _median_row(f"{name}: deep-link first paint", [p.drawn for p in paints], FIRST_PAINT_S),
        _over_floor_row(name, paints, floor),
        _median_row(
            f"{name}: largest contentful paint, same loads (not the metric)",
            [p.largest_contentful for p in paints],
            FIRST_PAINT_S,
        ),
        _median_row(
            f"{name}: first paint, returning visitor (static files cached; not the metric)",
            [p.drawn for p in _returning_paints(browser, url, rounds)],
            FIRST_PAINT_S,
        ),
    ]
    renders = [_rerender(browser, url) for _ in range(rounds)]
    if None in renders:
        rows.append(Row(f"{name}: re-render", None, note="no control to change"))
    else:
        label = f"{name}: re-render after a sidebar control (whole page)"
        rows.append(_median_row(label, renders, RERENDER_S))
    first = _rerender(browser, url, section=True)
    if first is not None:  # the page has a section with its own controls
        sections = [first] + [_rerender(browser, url, True) for _ in range(rounds - 1)]
        label = f"{name}: re-render after a section control (fragment)"
        rows.append(_median_row(label, sections, RERENDER_S))
    return rows, floor


def browser_rows(rounds: int = 3) -> list[Row]:
    rows, floors = [], []
    floor_log = ROOT / "artifacts" / "bench-browser-floor.log"
    floor_server = start_streamlit(FLOOR_PORT, floor_log, script=FLOOR_SCRIPT)
    try:
        floor_url = f"http://127.0.0.1:{FLOOR_PORT}/"
        wait_for_health(floor_url.rstrip("/"), floor_server, floor_log)
        with served_app(PORT, ROOT / "artifacts" / "bench-browser-server.log") as (base, browser):
            _first_paint(browser, floor_url)  # its server's first run imports altair and pandas
            for app_page in discover_pages():
                url, name = f"{base}/{app_page.url_path}", f"/{app_page.url_path}"
                page_rows, floor = _page_rows(browser, url, name, floor_url, rounds)
                rows += page_rows
                floors += floor
            label = "floor: bare Streamlit, a first screen's element kinds, first screen drawn"
            rows.append(_median_row(label, [p.first_screen for p in floors], FIRST_PAINT_S))
            renders = [_rerender(browser, floor_url) for _ in range(rounds)]
            label = "floor: re-render after its sidebar slider (whole page, one chart redrawn)"
            rows.append(_median_row(label, renders, RERENDER_S))
    finally:
        stop_process_group(floor_server)
    return rows
