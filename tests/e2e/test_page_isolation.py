"""Each page owns its state, and Back/Forward walk the views the visitor saw (real Chromium).

A URL-bound control at its default is not in the URL, so a page that opens with an empty query
string shows every control at its own default; a value carried from another page would show up
there (`/Baselines?theta=0.1&n=1000&steps=40&lr=0.5` before the fix).
"""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

import core
from tests.e2e import streamlit_helpers as browser_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

SIDEBAR = '[data-testid="stSidebar"]'
SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
SLIDER = f'{SIDEBAR} [data-testid="stSlider"]'
SELECTBOX = '[data-testid="stSelectbox"]'
METRIC = '[data-testid="stMetric"]'
# Every page with controls: home has none.
PAGES = [page for page in browser_app.discover_pages() if page.url_path]
GRADIENT = "Exact ∇J(θ), closed form"


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def path(page: Page) -> str:
    return urlparse(page.url).path.strip("/")


def settle(page: Page) -> None:
    """Let the browser start the run a change asked for, then wait for it to finish."""
    page.wait_for_timeout(400)
    browser_app.wait_for_app_idle(page)


def move_a_control(page: Page) -> None:
    """Move the page's first sidebar slider one step (or pick the second option of its first
    select box, on a page without sliders) and wait for the rerun."""
    before = page.url
    if page.locator(SLIDER).count():
        page.locator(f"{SLIDER} input[type=range]").first.focus()
        page.keyboard.press("ArrowRight")
    else:
        page.locator(SELECTBOX).first.locator('button[aria-label="Open"]').click()
        page.locator('[role="option"]').nth(1).click()
    settle(page)
    assert page.url != before and query(page), f"moving a control on {before} left the URL as is"


def open_from_sidebar(page: Page, url_path: str) -> None:
    """Click the sidebar's link and wait for the address to change (on a busy machine the
    previous run can still be idle 400 ms after the click), then for the new page's run."""
    page.locator(f'{SIDEBAR_NAV} a[href$="/{url_path}"]').click()
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion below names where it landed
        page.wait_for_url(lambda url: urlparse(url).path.strip("/") == url_path, timeout=30_000)
    settle(page)
    assert path(page) == url_path, f"the sidebar link to /{url_path} landed on {page.url}"


def first_slider_value(page: Page) -> str:
    return page.locator(SLIDER).first.locator('[data-testid="stSliderThumbValue"]').inner_text()


def gradient_shown(page: Page) -> str:
    metric = page.locator(METRIC).filter(has_text=GRADIENT).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def test_every_page_opens_at_its_own_defaults_after_a_control_moved_on_another(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    browser_app.open_app_page(page, streamlit_server, PAGES[0].url_path)
    # On each page move a control, then open the next page from the sidebar (the last page
    # leads back to the first): every page is left with a moved control and opened after one.
    # Streamlit keeps a bound control's value for the whole session, so a value kept from any
    # page visited before would show here too, not only the last one's.
    for here, following in zip(PAGES, [*PAGES[1:], PAGES[0]], strict=True):
        move_a_control(page)
        open_from_sidebar(page, following.url_path)
        assert not query(page), f"/{following.url_path} opened from /{here.url_path}: {page.url}"
        browser_app.assert_no_exception(page)


def test_back_after_sidebar_navigation_returns_step_by_step_to_the_first_view(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation")
    move_a_control(page)  # θ: 0.00 -> 0.10
    first_url, first_theta, first_gradient = (
        page.url,
        first_slider_value(page),
        gradient_shown(page),
    )
    expected = core.Bandit(theta=0.1, rewards=(5.0, 10.0)).exact_gradient()[0]
    assert first_gradient == f"{expected:.6g}"
    open_from_sidebar(page, "Baselines")
    baselines_url = page.url
    open_from_sidebar(page, "Trajectories")

    page.go_back()
    settle(page)
    assert page.url == baselines_url
    page.go_back()
    settle(page)
    assert page.url == first_url
    assert first_slider_value(page) == first_theta
    assert gradient_shown(page) == first_gradient
    page.go_forward()
    settle(page)
    assert page.url == baselines_url


def test_back_after_changing_controls_on_a_linked_page_stays_in_the_app(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    link = {"theta": 1, "seed": 3}
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation", link)
    linked_url, linked_gradient = page.url, gradient_shown(page)
    move_a_control(page)  # θ: 1.00 -> 1.10
    moved_url = page.url
    assert query(page)["theta"] == ["1.1"]

    page.go_back()
    settle(page)
    assert page.url == linked_url, "Back left the view the link opened"
    assert first_slider_value(page) == "1.00"
    assert gradient_shown(page) == linked_gradient
    page.go_forward()
    settle(page)
    assert page.url == moved_url
    assert first_slider_value(page) == "1.10"


def test_back_walks_every_view_of_a_section_control_even_when_its_reruns_are_cached(
    streamlit_server: str, browser_page: Page
) -> None:
    """Steps 41, 42, then back to 41 and 40, each a fragment rerun: Back walks the four views.
    The last two are cache hits, which a faster machine reruns quicker than a frame and the page
    never draws as running; that case is played out exactly in tests/e2e/test_history_script.py."""
    page = browser_page
    runs = browser_app.ScriptRuns(page)
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation")
    section_sliders = page.locator('[data-testid="stMain"] [data-testid="stSlider"]')
    steps = section_sliders.filter(has_text="steps")
    views = []
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft", "ArrowLeft"):
        finished = runs.finished
        steps.first.locator("input[type=range]").focus()
        page.keyboard.press(key)
        runs.wait_past(finished)
        settle(page)
        views.append(query(page).get("steps"))
    assert views == [["41"], ["42"], ["41"], None]
    for expected in (["41"], ["42"], ["41"], None):
        page.go_back()
        settle(page)
        assert path(page) == "Bandit_derivation" and query(page).get("steps") == expected
