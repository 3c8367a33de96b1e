"""Every page on a phone (390 × 844 CSS px, an iPhone's user agent) in a real browser: nothing reaches past the
right edge unseen — each block fits its column, or scrolls inside its own box with the visible
hint ui.layout draws — and a whole-page screenshot is saved to artifacts/screenshots/ to look at."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from tests.e2e.streamlit_helpers import (
    DEVICES,
    AppPage,
    assert_page_healthy,
    discover_pages,
    horizontal_overflows,
    open_app_page,
    save_screenshot,
)

PAGES = discover_pages()


@pytest.mark.browser
@pytest.mark.timeout(240)
@pytest.mark.parametrize("app_page", PAGES, ids=[p.name for p in PAGES])
def test_page_fits_a_phone_screen_or_shows_where_it_scrolls(
    app_page: AppPage, streamlit_server: str, chromium: Browser
) -> None:
    context = chromium.new_context(**DEVICES["mobile"])
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        open_app_page(page, streamlit_server, app_page.url_path)
        assert_page_healthy(page)
        page.wait_for_timeout(300)  # the scroll-hint watcher marks boxes on the next frame
        overflows = horizontal_overflows(page)
        save_screenshot(page, f"{app_page.name}-mobile")
        assert overflows == [], f"{app_page.name} at 390 px:\n" + "\n".join(overflows)
    finally:
        context.close()
