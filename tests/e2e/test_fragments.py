"""A section's own controls (an st.fragment beside the section they drive) rerun only that
section, stay in the URL, restore from a link and stay on their page (issue 10, speed)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page

from tests.e2e import streamlit_helpers as browser_app

MAIN = '[data-testid="stMain"]'
SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
SECTION_SLIDER = f'{MAIN} [data-testid="stSlider"]'


def settle(page: Page) -> None:
    page.wait_for_timeout(400)
    browser_app.wait_for_app_idle(page)


def slider_value(page: Page, label: str) -> str:
    slider = page.locator(SECTION_SLIDER).filter(has_text=label).first
    return slider.locator('[data-testid="stSliderThumbValue"]').inner_text()


def test_a_section_control_reruns_only_its_section_and_keeps_its_link(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation")
    # Mark the page's first element: a whole-page rerun redraws it, a fragment rerun does not.
    page.evaluate("document.querySelector('[data-testid=stHeading]').dataset.kept = 'yes'")
    steps = page.locator(SECTION_SLIDER).filter(has_text="steps").first
    steps.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    settle(page)
    browser_app.assert_no_exception(page)
    assert parse_qs(urlparse(page.url).query) == {"steps": ["41"]}
    assert "in 41 steps" in page.locator(MAIN).inner_text()
    kept = page.evaluate("document.querySelector('[data-testid=stHeading]').dataset.kept")
    assert kept == "yes", "moving a section control redrew the whole page"

    # The link restores the section's control; another page opens at its own defaults.
    link = page.url
    page.goto("about:blank")
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation", {"steps": 41})
    assert page.url == link and slider_value(page, "steps") == "41"
    page.locator(f'{SIDEBAR_NAV} a[href$="/Baselines"]').click()
    settle(page)
    assert urlparse(page.url).path.strip("/") == "Baselines" and not urlparse(page.url).query
    assert slider_value(page, "Steps") == "50"


@pytest.mark.parametrize(
    ("url_path", "key"),
    [
        ("Variance_vs_samples", "target"),
        ("Trajectories", "per_T"),
        ("Continuous_and_nondifferentiable", "w0"),
        ("Discrete_estimators", "units"),
    ],
)
def test_each_pages_first_section_control_reruns_only_its_section_and_enters_the_link(
    streamlit_server: str, browser_page: Page, url_path: str, key: str
) -> None:
    page = browser_page
    query = {"reps": 100} if url_path == "Trajectories" else {}
    browser_app.open_app_page(page, streamlit_server, url_path, query)
    page.evaluate("document.querySelector('[data-testid=stHeading]').dataset.kept = 'yes'")
    page.locator(SECTION_SLIDER).first.locator("input[type=range]").focus()
    page.keyboard.press("ArrowRight")
    settle(page)
    browser_app.assert_no_exception(page)
    assert key in parse_qs(urlparse(page.url).query), page.url
    kept = page.evaluate("document.querySelector('[data-testid=stHeading]').dataset.kept")
    assert kept == "yes", "moving a section control redrew the whole page"
