"""A shared link opens the same view: deep links to non-home pages on a freshly started server.

The first test of this module makes the first requests the server ever gets (the module has its
own `streamlit_server`), which is the case that breaks when multipage navigation is set up
wrongly: deep links on a fresh server, opened at once, must each land on its page under the
app's own sidebar (sections, no automatic "app" entry: ui.navigation.run_under_entry_point),
and a deep link must land with its parameters.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page

import core
from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.e2e.streamlit_helpers import (
    app_url,
    assert_page_healthy,
    open_app_page,
    save_screenshot,
    wait_for_app_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

METRIC = '[data-testid="stMetric"]'
SIDEBAR = '[data-testid="stSidebar"]'


def metric_value(page: Page, label: str) -> str:
    """The value shown by the st.metric whose label is `label`."""
    metric = page.locator(METRIC).filter(has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]').inner_text().strip()


def url_query(page: Page) -> dict[str, str]:
    query = page.url.partition("?")[2]
    return dict(part.split("=", 1) for part in query.split("&") if "=" in part)


FIRST_LINKS = [("Baselines", {"n": 10}), ("Score_checks", {}), ("Trajectories", {}), ("", {})]


def test_deep_links_opened_at_once_on_a_fresh_server_get_the_apps_own_sidebar(
    streamlit_server: str, chromium
) -> None:
    """Streamlit runs the first sessions' deep links in its pages/ directory mode (see
    run_under_entry_point): each must still end under the sectioned sidebar, none with "app"."""
    contexts = [chromium.new_context(viewport={"width": 1280, "height": 900}) for _ in FIRST_LINKS]
    try:
        tabs = [context.new_page() for context in contexts]
        for tab, (path, query) in zip(tabs, FIRST_LINKS, strict=True):
            tab.set_default_timeout(DEFAULT_TIMEOUT_MS)
            tab.goto(app_url(streamlit_server, path, query), wait_until="commit")  # all at once
        for tab, (path, _) in zip(tabs, FIRST_LINKS, strict=True):
            wait_for_app_idle(tab)
            assert_page_healthy(tab)
            entries = tab.locator('[data-testid="stSidebarNav"]').inner_text().split("\n")
            entries = [entry.strip() for entry in entries if entry.strip()]
            assert "app" not in entries and "The estimator" in entries, (path, entries[:8])
            assert tab.url.split("?")[0].rstrip("/") == f"{streamlit_server}/{path}".rstrip("/")
    finally:
        for context in contexts:
            context.close()


def test_a_deep_link_to_the_bandit_page_applies_its_parameters_on_a_fresh_server(
    streamlit_server: str, browser_page: Page
) -> None:
    link = {"theta": 2, "r0": 1, "r1": 3, "n": 400, "seed": 7}
    open_app_page(browser_page, streamlit_server, "Bandit_derivation", link)
    save_screenshot(browser_page, "deep-link-Bandit_derivation")
    assert_page_healthy(browser_page)

    # The exact gradient on the page is the one for θ = 2, r(0) = 1, r(1) = 3 — not the default 1.25.
    expected = core.Bandit(theta=2.0, rewards=(1.0, 3.0)).exact_gradient()[0]
    shown = metric_value(browser_page, "Exact ∇J(θ), closed form")
    assert shown == f"{expected:.6g}", f"page shows {shown}, the link asks for {expected:.6g}"
    assert shown != "1.25"
    # n = 400 reached the Monte Carlo estimate too.
    assert browser_page.locator(METRIC).filter(has_text="Monte Carlo from n = 400 draws").count()
    # The controls show the link's values, and the URL still carries them (so it can be shared on).
    sidebar = browser_page.locator(SIDEBAR)
    assert re.search(r"\b2\.00\b", sidebar.inner_text()), "the θ slider does not show 2.00"
    assert url_query(browser_page) == {key: str(value) for key, value in link.items()}
    # A link whose values all apply gets no "could not use" notice.
    assert browser_page.get_by_text("This link carried values").count() == 0


def test_a_link_with_bad_values_falls_back_to_defaults_and_says_so(
    streamlit_server: str, browser_page: Page
) -> None:
    # n=inf crashed streamlit 1.67's own URL seeding of an integer input (ui/links drops it).
    link = {"theta": "banana", "r1": 12, "n": "inf"}
    open_app_page(browser_page, streamlit_server, "Bandit_derivation", link)
    assert_page_healthy(browser_page)
    expected = core.Bandit(theta=0.0, rewards=(5.0, 12.0)).exact_gradient()[0]
    assert metric_value(browser_page, "Exact ∇J(θ), closed form") == f"{expected:.6g}"
    notice = browser_page.get_by_text("This link carried values")
    assert notice.count() == 1
    assert "theta=banana" in notice.first.inner_text() and "n=inf" in notice.first.inner_text()
    assert browser_page.locator(METRIC).filter(has_text="Monte Carlo from n = 1,000 draws").count()


def test_a_deep_link_to_the_trajectories_page_sets_the_horizon_and_rewards(
    streamlit_server: str, browser_page: Page
) -> None:
    link = {"T": 3, "reward2": 2, "n": 5, "reps": 100}
    open_app_page(browser_page, streamlit_server, "Trajectories", link)
    assert_page_healthy(browser_page)
    expected = core.Episodes(3, (0.0, 0.0, 0.0), (0.0, 0.5, 2.0)).expected_value()
    assert metric_value(browser_page, "E[R], T = 3 (exact)") == f"{expected:.6g}"
    assert browser_page.get_by_text("This link carried values").count() == 0
