"""Section 7: each page in a real browser — a deep link's first paint and the re-render after one
control change (headless Chromium driving `streamlit run app.py`).

First paint: from the start of navigation to the page being drawn — the script run finished,
no loading skeleton left and every chart drawn (the browser's `performance.now()` at that
moment; a fresh browser context per run, so nothing is cached in the browser; the server's
caches are warm after the first run, as for a visitor following a shared link). Re-render: from
the key press that moves the page's first sidebar slider (or picks another option of its first
select box) to the page drawn again. Medians over `rounds` runs; wall clock, so a busy machine
inflates them (the load average is printed with the section).
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bench.measure import Timing
from bench.report import Row, Target

ROOT = Path(__file__).resolve().parents[1]
FIRST_PAINT_S = 1.5
RERENDER_S = 0.3
PORT = 8627

# The page is drawn: the run is over, nothing is loading, and each chart has a canvas or svg.
_DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
    if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
    if (!document.querySelector('[data-testid="stMainBlockContainer"]')) return false;
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"]'))
        return false;
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
        .every((chart) => chart.querySelector('canvas, svg'));
}"""
# Resolves when the next script run has started and finished (set up before the key press).
_NEXT_RUN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__benchRun = new Promise((resolve) => {
        let started = false;
        new MutationObserver((changes, observer) => {
            const state = app.getAttribute('data-test-script-state');
            if (state === 'running' || state === 'rerunRequested') started = true;
            if (started && state === 'notRunning') { observer.disconnect(); resolve(); }
        }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    });
}"""
SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type=range]'
SELECTBOX = '[data-testid="stSelectbox"]'


def _first_paint(browser, url: str) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url, wait_until="commit")
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        return page.evaluate("performance.now()") / 1000
    finally:
        context.close()


def _rerender(browser, url: str) -> float | None:
    """Seconds from one control change to the page drawn again (None: no control to move)."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = context.new_page()
        page.goto(url)
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        page.evaluate(_NEXT_RUN)
        if page.locator(SLIDER).count():
            page.locator(SLIDER).first.focus()
            start = page.evaluate("performance.now()")
            page.keyboard.press("ArrowRight")
        elif page.locator(SELECTBOX).count():
            page.locator(SELECTBOX).first.locator('button[aria-label="Open"]').click()
            start = page.evaluate("performance.now()")
            page.locator('[role="option"]').nth(1).click()
        else:
            return None
        page.evaluate("window.__benchRun")
        page.wait_for_function(_DRAWN, timeout=120_000, polling=20)
        return (page.evaluate("performance.now()") - start) / 1000
    finally:
        context.close()


def _median_row(label: str, seconds: list[float], target: float) -> Row:
    runs = ", ".join(f"{value:.2f}" for value in seconds)
    timing = Timing(statistics.median(seconds), None, None, None)
    return Row(label, timing, Target("absolute", target), note=f"runs {runs} s")


def browser_rows(rounds: int = 3) -> list[Row]:
    sys.path.insert(0, str(ROOT))
    from tests.e2e.streamlit_helpers import discover_pages, served_app

    rows = []
    with served_app(PORT, ROOT / "artifacts" / "bench-browser-server.log") as (base, browser):
        for app_page in discover_pages():
            url, name = f"{base}/{app_page.url_path}", f"/{app_page.url_path}"
            _first_paint(browser, url)  # the server's caches warm, as after any visit
            paints = [_first_paint(browser, url) for _ in range(rounds)]
            rows.append(_median_row(f"{name}: deep-link first paint", paints, FIRST_PAINT_S))
            renders = [_rerender(browser, url) for _ in range(rounds)]
            if None in renders:
                rows.append(Row(f"{name}: re-render", None, note="no control to change"))
            else:
                label = f"{name}: re-render after one control"
                rows.append(_median_row(label, renders, RERENDER_S))
    return rows
