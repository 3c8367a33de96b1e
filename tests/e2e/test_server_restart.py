"""An open tab across a server restart: a frontend chunk that failed to load says "reload" plainly.

Reproduces issue 16's last bullet for real: the tab is on a page without st.metric, the visitor
moves to the bandit page, and the server stops just as the browser asks for st.metric's lazily
loaded chunk (held by a route until then, so the fetch really meets a stopped server). The server
then restarts on the same port and the tab reconnects and reruns. Chromium caches the failed
import, so streamlit 1.67 would show "TypeError: Failed to fetch dynamically imported module:
…/static/js/Metric.….js" in place of each metric; ui.layout's watcher shows RESTART_NOTICE.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from tests.e2e.streamlit_helpers import (
    MAIN_BLOCK,
    free_port,
    open_app_page,
    start_streamlit,
    stop_process_group,
    wait_for_app_idle,
    wait_for_health,
)
from ui.layout import RESTART_NOTICE

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

METRIC_CHUNK = "**/static/js/Metric.*.js"
RAW_ERROR = "Failed to fetch dynamically imported module"


@pytest.fixture
def restartable_server(tmp_path: Path) -> Iterator[dict]:
    """A server this test may stop and start again on the same port; stopped at teardown."""
    port = free_port()
    state = {"base_url": f"http://127.0.0.1:{port}", "port": port, "log": tmp_path / "server.log"}
    state["process"] = start_streamlit(port, state["log"])
    try:
        wait_for_health(state["base_url"], state["process"], state["log"])
        yield state
    finally:
        stop_process_group(state["process"])


def test_a_chunk_lost_to_a_restart_says_reload_and_a_reload_recovers(
    restartable_server: dict, browser_page: Page
) -> None:
    server, page = restartable_server, browser_page
    open_app_page(page, server["base_url"], "Variance_vs_samples")  # no st.metric on this page

    held: list[Route] = []
    page.route(METRIC_CHUNK, lambda route: held.append(route) if not held else route.fallback())
    page.locator('[data-testid="stSidebarNav"] a[href$="/Bandit_derivation"]').first.click()
    while not held:  # the bandit page's metrics are asking for their chunk
        page.wait_for_timeout(100)
    stop_process_group(server["process"])
    held[0].continue_()  # now meets the stopped server: the import fails
    page.wait_for_timeout(1_000)
    server["process"] = start_streamlit(server["port"], server["log"])
    wait_for_health(server["base_url"], server["process"], server["log"])
    wait_for_app_idle(page)  # reconnected and rerun

    notices = page.get_by_text(RESTART_NOTICE, exact=True)
    notices.first.wait_for(state="visible", timeout=10_000)
    assert notices.count() >= 1
    main = page.locator(MAIN_BLOCK)
    assert RAW_ERROR not in main.inner_text(), "the raw chunk-import error is still shown"
    assert "The two-armed bandit, derived" in main.inner_text()

    page.unroute(METRIC_CHUNK)
    page.reload(wait_until="domcontentloaded")
    wait_for_app_idle(page)
    assert page.get_by_text(RESTART_NOTICE).count() == 0
    assert page.locator('[data-testid="stMetric"]').count() >= 1
    assert RAW_ERROR not in page.locator(MAIN_BLOCK).inner_text()
