"""Every page of the app opens in a real browser without an exception, and its charts draw."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.e2e.streamlit_helpers import (
    AppPage,
    assert_page_healthy,
    discover_pages,
    open_app_page,
    page_url_path,
    save_screenshot,
)

PAGES = discover_pages()


def test_page_url_path_drops_the_leading_number_and_underscore() -> None:
    assert page_url_path(Path("pages/1_Bandit_derivation.py")) == "Bandit_derivation"


@pytest.mark.browser
@pytest.mark.timeout(240)
@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_page_renders_without_exception_and_draws_its_charts(
    app_page: AppPage, streamlit_server: str, browser_page: Page
) -> None:
    open_app_page(browser_page, streamlit_server, app_page.url_path)
    save_screenshot(browser_page, app_page.name)
    assert_page_healthy(browser_page)
