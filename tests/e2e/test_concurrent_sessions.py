"""Several visitors at once on one server: each tab shows exactly the numbers it shows alone.

The tabs are separate browser contexts (separate Streamlit sessions) opened on a fresh server all
at once, so their scripts run side by side from a cold cache; then each view is opened again on
its own, from the now-warm cache. The two must match to the last character of the page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import DEFAULT_TIMEOUT_MS
from tests.e2e.streamlit_helpers import (
    app_url,
    assert_page_healthy,
    open_app_page,
    wait_for_app_idle,
)

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

VIEWS = [
    ("Bandit_derivation", {"theta": 0.0}),
    ("Bandit_derivation", {"theta": 1.5, "r1": 20.0, "seed": 7}),
    ("Baselines", {"seed": 4}),
    ("Baselines", {"seed": 5, "theta": -2.0}),
    ("Continuous_and_nondifferentiable", {"cost": "abs", "sigma": 2.0, "seed": 9}),
    ("Trajectories", {"seed": 11}),
]
MAIN = '[data-testid="stMainBlockContainer"]'


@pytest.fixture
def new_page(chromium: Browser) -> Iterator:
    """Make fresh browser contexts on demand (one Streamlit session each); close them all after."""
    contexts = []

    def make() -> Page:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shown(page: Page) -> str:
    assert_page_healthy(page)
    return page.locator(MAIN).inner_text()


def test_concurrent_visitors_each_see_the_numbers_they_see_alone(streamlit_server, new_page):
    tabs = [new_page() for _ in VIEWS]
    for tab, (path, query) in zip(tabs, VIEWS, strict=True):
        # "commit" returns as soon as the navigation starts, so every session runs at once
        tab.goto(app_url(streamlit_server, path, query), wait_until="commit")
    together = []
    for tab in tabs:
        wait_for_app_idle(tab)
        together.append(shown(tab))

    for (path, query), seen_together in zip(VIEWS, together, strict=True):
        alone = shown(open_app_page(new_page(), streamlit_server, path, query))
        assert seen_together == alone, f"/{path}?{query} differs when opened beside others"

    # the views really are different, so equality above is not vacuous
    assert together[0] != together[1] and together[2] != together[3]
