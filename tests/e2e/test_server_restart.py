"""An open tab across a server restart: a frontend chunk that failed to load says "reload" plainly.

Reproduces issue 16's last bullet for real: the tab is on a page without st.metric, the visitor
moves to the bandit page, and the server stops just as the browser asks for st.metric's lazily
loaded chunk (held by a route until then, so the fetch really meets a stopped server). The server
then restarts on the same port and the tab reconnects and reruns. Chromium caches the failed
import, so streamlit 1.67 would show "TypeError: Failed to fetch dynamically imported module:
…/static/js/Metric.….js" in place of each metric; ui.layout's watcher shows RESTART_NOTICE.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from bench.load import HEAVY_QUERY
from tests.e2e import streamlit_helpers
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


METRIC = '[data-testid="stMetric"]'
SHARED_LINK = {"theta": 1.5, "r0": 2, "r1": 7, "n": 600, "seed": 11}
# 65 % of the work cap (bench.load's heavy setting): the script is still running when the server
# is killed.
HEAVY_LINK = {**HEAVY_QUERY, "seed": 5}


def shown_metrics(page: Page) -> list[str]:
    """Every st.metric on the page as 'label: value', in order."""
    metrics = page.locator(METRIC)
    return [" ".join(metrics.nth(i).inner_text().split()) for i in range(metrics.count())]


def test_a_shared_deep_link_shows_the_same_numbers_after_the_server_is_killed_mid_render(
    restartable_server: dict, browser_page: Page
) -> None:
    """Issue 15: kill -9 the server while a heavy page renders, start it again (its caches
    are gone), and the shared link's numbers — Monte Carlo ones included — come back the same.
    The server's worker processes (ui.workers: forkserver, resource tracker, workers) exit with
    it, though SIGKILL reaches the server alone."""
    server, page = restartable_server, browser_page
    open_app_page(page, server["base_url"], "Bandit_derivation", SHARED_LINK)
    before = shown_metrics(page)
    assert any("Monte Carlo" in metric for metric in before), before

    heavy = page.context.new_page()
    heavy.goto(
        streamlit_helpers.app_url(server["base_url"], "Variance_vs_samples", HEAVY_LINK),
        wait_until="commit",
    )
    heavy.wait_for_function(
        "() => document.querySelector('[data-testid=\"stApp\"]')"
        "?.getAttribute('data-test-script-state') === 'running'"
    )
    workers = streamlit_helpers.descendants(server["process"].pid)
    assert workers, "the heavy render started no worker processes"
    server["process"].send_signal(signal.SIGKILL)  # the server alone: no handler runs
    server["process"].wait(timeout=10)
    deadline = time.monotonic() + 15
    while any(streamlit_helpers.running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [pid for pid in workers if streamlit_helpers.running(pid)]
    if orphans:
        os.killpg(server["process"].pid, signal.SIGKILL)
    assert not orphans, "worker processes outlived the killed server"
    killed_log = server["log"].read_text(errors="replace")
    server["process"] = start_streamlit(server["port"], server["log"])
    wait_for_health(server["base_url"], server["process"], server["log"])

    fresh = page.context.browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    open_app_page(fresh, server["base_url"], "Bandit_derivation", SHARED_LINK)
    streamlit_helpers.assert_page_healthy(fresh)
    assert shown_metrics(fresh) == before
    open_app_page(fresh, server["base_url"], "Variance_vs_samples", HEAVY_LINK)
    # the killed render's link renders whole on the new server
    streamlit_helpers.assert_page_healthy(fresh)
    fresh.context.close()
    assert "Traceback" not in killed_log + server["log"].read_text(errors="replace")
