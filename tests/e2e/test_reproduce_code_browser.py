""" "Reproduce in Python" in a real browser: a deep link draws no code and never loads the code
highlighter; opening the expander shows the code with its copy button and redraws nothing else
(its own st.fragment); it stays open when a sidebar control reruns the page (issue 10, speed)."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.e2e import streamlit_helpers as browser_app
from tests.e2e.test_fragments import settle

EXPANDER = '[data-testid="stExpander"]:has(summary:has-text("Reproduce in Python"))'
CODE = '[data-testid="stCode"]'
# Elements a page rerun would redraw; opening the expander must leave each one in place.
OUTSIDE = '[data-testid="stVegaLiteChart"], [data-testid="stTable"], [data-testid="stMarkdown"]'
HIGHLIGHTER_LOADED = """() => performance.getEntriesByType('resource')
    .some((entry) => entry.name.includes('SyntaxHighlighter'))"""


def test_code_is_drawn_only_when_its_expander_opens_and_nothing_else_redraws(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation")
    assert page.locator(EXPANDER).count() >= 2
    assert page.locator(CODE).count() == 0, "code drawn inside a closed expander"
    assert not page.evaluate(HIGHLIGHTER_LOADED), "the code highlighter loaded on first paint"

    page.evaluate(f"() => document.querySelectorAll('{OUTSIDE}').forEach((e) => e.__kept = 1)")
    first = page.locator(EXPANDER).first
    first.locator("summary").click()
    first.locator(CODE).wait_for()
    settle(page)
    assert "core.Bandit(theta=0.0" in first.locator(CODE).inner_text()
    first.locator(CODE).hover()
    assert first.locator(f"{CODE} button[aria-label='Copy to clipboard']").count() == 1
    assert page.locator(CODE).count() == 1, "only the opened expander shows its code"
    kept, outside = page.evaluate(
        f"""() => {{
            const all = [...document.querySelectorAll('{OUTSIDE}')]
                .filter((e) => !e.closest('[data-testid="stExpander"]'));
            return [all.filter((e) => e.__kept).length, all.length];
        }}"""
    )
    assert outside > 10 and kept == outside, f"{outside - kept} elements redrawn by opening it"

    page.locator(
        '[data-testid="stSidebar"] [data-testid="stSlider"] input[type=range]'
    ).first.focus()
    page.keyboard.press("ArrowRight")  # θ one step: the whole page reruns
    settle(page)
    assert "theta=0.1" in page.url
    assert "core.Bandit(theta=0.1" in page.locator(EXPANDER).first.locator(CODE).inner_text()

    box = page.locator(EXPANDER).first
    box.locator("summary").click()  # closed: the code goes
    settle(page)
    assert box.locator(CODE).count() == 0
    box.locator("summary").click()  # and opened again
    box.locator(CODE).wait_for()
    assert "core.Bandit(theta=0.1" in box.locator(CODE).inner_text()
