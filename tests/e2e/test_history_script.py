"""ui.navigation's history script on its own, in Chromium (no server): one history entry per view
the visitor saw, whether or not the run between two changes was drawn as running.

React draws stApp's script state only when it lasts a frame, so a fast rerun (a section's
fragment on a cached value) can go running → notRunning unseen. The page here stands in for
Streamlit's: the test plays the frontend's part (a control's URL written by replaceState, the
server's correction in the same run) and never toggles the state.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route

from ui.navigation import HISTORY_SCRIPT

pytestmark = pytest.mark.browser

ORIGIN = "http://lab.test"
PAGE = """<!doctype html><body>
<div data-testid="stApp" data-test-script-state="notRunning">
  <input id="control" aria-label="a control"> <p id="text">results</p>
</div>
%s</body>"""


def open_stand_in(page: Page) -> None:
    def serve(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=PAGE % HISTORY_SCRIPT)

    page.route(f"{ORIGIN}/**", serve)
    page.goto(f"{ORIGIN}/Bandit_derivation")


def change_control(page: Page, query: str) -> None:
    """The visitor presses a key in the control and the frontend writes its value into the URL."""
    page.focus("#control")
    page.keyboard.press("ArrowRight")
    page.evaluate("(query) => history.replaceState(null, '', query)", query)


def test_each_change_is_a_view_even_when_no_run_was_seen(browser_page: Page) -> None:
    page = browser_page
    open_stand_in(page)
    start = page.evaluate("history.length")

    change_control(page, "?steps=41")
    # The server corrects the URL in the same run (a tidied value): the same view.
    page.evaluate("history.replaceState(null, '', '?steps=41&seed=0')")
    change_control(page, "?steps=42")  # the run between was never drawn as running
    change_control(page, "?steps=41")
    assert page.evaluate("history.length") == start + 3

    for expected in ("?steps=42", "?steps=41&seed=0", ""):
        page.go_back()
        assert page.evaluate("location.search") == expected
    page.go_forward()
    assert page.evaluate("location.search") == "?steps=41&seed=0"


def test_a_correction_without_input_replaces_the_view(browser_page: Page) -> None:
    page = browser_page
    open_stand_in(page)
    start = page.evaluate("history.length")
    change_control(page, "?theta=0.1")
    page.click("#text")  # a click on the page, not on a control, starts no view
    page.evaluate("history.replaceState(null, '', '?theta=0.1&n=1000')")
    assert page.evaluate("history.length") == start + 1
    assert page.evaluate("location.search") == "?theta=0.1&n=1000"
