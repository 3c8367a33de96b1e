"""Fixtures for real-browser tests: a streamlit server and a fresh Chromium page.

``streamlit_server`` is the server's base URL (module scope: one server per test module,
always stopped at teardown). ``browser_page`` is a new Playwright page in its own context.
Open a page, optionally as a deep link, with ``open_app_page(page, base_url, path, query)``.

Every test in this folder is a `browser` test (marked here, so a new file cannot forget it):
scripts/test.sh runs them on their own, one at a time, after the rest ran on two processes —
they time a page in a browser, and a second pytest process on the same two cores would be in
their figures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.e2e.streamlit_helpers import (
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    REPO_ROOT,
    free_port,
    start_streamlit,
    stop_process_group,
    wait_for_health,
)

DEFAULT_TIMEOUT_MS = 30_000
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test collected from this folder as a `browser` test."""
    for item in items:
        if E2E_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="module")
def streamlit_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:<port>``) of ``streamlit run app.py``; killed at teardown."""
    port = free_port()
    log_path = Path(tmp_path_factory.mktemp("streamlit")) / "server.log"
    process = start_streamlit(port, log_path)
    try:
        base_url = f"http://127.0.0.1:{port}"
        wait_for_health(base_url, process, log_path)
        yield base_url
    finally:
        stop_process_group(process)
        (REPO_ROOT / "artifacts").mkdir(exist_ok=True)
        if log_path.exists():
            (REPO_ROOT / "artifacts" / "streamlit-server.log").write_bytes(log_path.read_bytes())


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's headless Chromium, driven by Playwright (no downloaded browser)."""
    if not Path(CHROMIUM_PATH).exists():
        pytest.fail(f"{CHROMIUM_PATH} is missing: run `bash scripts/test.sh`, which installs it")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(chromium: Browser) -> Iterator[Page]:
    """A new page in a fresh browser context, 1280 px wide, with 30 s default timeouts."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
