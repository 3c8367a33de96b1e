"""A number typed outside a box's range never reaches the server: the page names the box and its
allowed range, and greys the results out as stale, until a number in range is entered."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from tests.e2e.streamlit_helpers import open_app_page, wait_for_app_idle

BANNER = '[data-testid="sflStaleBanner"]'


def number_box(page: Page, label: str):
    return page.locator('[data-testid="stNumberInput"]').filter(has_text=label).locator("input")


def is_stale(page: Page) -> bool:
    return page.evaluate("document.body.classList.contains('sfl-stale')")


@pytest.mark.parametrize(
    ("label", "typed", "allowed"),
    [
        ("Monte Carlo draws n", "-5", "2 to 100,000"),
        ("Monte Carlo draws n", "1000000000", "2 to 100,000"),
        ("r(0), reward of arm 0", "1e308", "-100 to 100"),
    ],
)
def test_a_refused_number_states_the_range_and_marks_the_results_stale(
    streamlit_server: str, browser_page: Page, label: str, typed: str, allowed: str
) -> None:
    page = open_app_page(browser_page, streamlit_server, "Bandit_derivation")
    assert page.locator(BANNER).count() == 0 and not is_stale(page)
    box = number_box(page, label).first
    box.fill(typed)
    box.press("Enter")
    page.wait_for_selector(BANNER)
    text = page.locator(BANNER).text_content()
    assert f"{label}: {typed} is outside its allowed range, {allowed}." in text
    assert "results below are for the last accepted value" in text and is_stale(page)
    box.fill("500" if "draws" in label else "4")
    box.press("Enter")
    wait_for_app_idle(page)
    assert page.locator(BANNER).count() == 0 and not is_stale(page)
