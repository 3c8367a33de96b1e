"""A page's lower sections come in one second run on the run that opens the page, and only
then (ui.deferred): the placeholder is shown and replaced, at the page script's press once the
first screen is drawn (not at the fallback timer), the timer stops, and the page's own reruns
draw every section in one run."""

from __future__ import annotations

from playwright.sync_api import Browser, Page

from tests.e2e import streamlit_helpers as browser_app
from ui.deferred import FALLBACK_S

MAIN = '[data-testid="stMain"]'
SIDEBAR_SLIDER = '[data-testid="stSidebar"] [data-testid="stSlider"] input[type=range]'
# Set once a placeholder of the lower sections is added to the document.
WATCH_PLACEHOLDER = """
    window.__placeholderSeen = false;
    new MutationObserver(() => {
        if (document.querySelector('[class*="st-key-deferred-pending"]'))
            window.__placeholderSeen = true;
    }).observe(document, {childList: true, subtree: true});
"""
LOWER_HEADINGS = ("3 · With numbers: the first draws", "6 · What the log buys")


def main_text(page: Page) -> str:
    return page.locator(MAIN).inner_text()


def test_lower_sections_come_once_after_the_first_screen(
    streamlit_server: str, chromium: Browser, browser_page: Page
) -> None:
    # A fresh server's first session runs the page under Streamlit's pages/ directory mode
    # (ui.navigation.run_under_entry_point), which draws every section inline: open one first.
    first = chromium.new_context()
    try:
        browser_app.open_app_page(first.new_page(), streamlit_server, "")
    finally:
        first.close()
    page = browser_page
    runs = browser_app.ScriptRuns(page)
    page.add_init_script(WATCH_PLACEHOLDER)
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation")
    browser_app.assert_page_healthy(page)
    assert page.evaluate("window.__placeholderSeen"), "the opening run drew every section"
    text = main_text(page)
    assert all(heading in text for heading in LOWER_HEADINGS)
    assert "Drawing the rest of the page" not in text
    assert runs.finished == 2, f"{runs.finished} runs to open the page, not the page and its rest"
    presses = page.evaluate("window.__sflDeferredPresses")
    # One press and two runs: the press drew the rest (after the fallback timer's run the
    # button is gone, and a press after it would make a third run).
    assert presses == 1, f"the page's script pressed {presses} times (the fallback timer drew it)"
    page.wait_for_timeout(FALLBACK_S * 1_000 + 1_000)  # past the timer: one left running reruns
    assert runs.finished == 2, "the lower sections kept rerunning after they were drawn"

    # A rerun of the page itself draws everything in one run: no placeholder, no second run.
    page.evaluate("window.__placeholderSeen = false")
    page.locator(SIDEBAR_SLIDER).first.focus()
    page.keyboard.press("ArrowRight")
    runs.wait_past(2)
    browser_app.wait_for_app_idle(page)
    page.wait_for_timeout(1_500)
    assert runs.finished == 3
    assert not page.evaluate("window.__placeholderSeen")
    assert all(heading in main_text(page) for heading in LOWER_HEADINGS)
    browser_app.assert_page_healthy(page)
