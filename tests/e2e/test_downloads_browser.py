"""Downloads in a real browser: a CSV arrives as a plain CSV pandas reads as-is, with its data
dictionary beside it, and the click reruns nothing (issue 10: downloads; speed)."""

from __future__ import annotations

import pandas as pd
from playwright.sync_api import Page

from tests.e2e import streamlit_helpers as browser_app
from tests.e2e.test_fragments import settle

# Counts every script run the page starts from now on (the state attribute goes to "running").
COUNT_RUNS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__runs = 0;
    new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def test_a_downloaded_csv_loads_as_is_and_its_click_reruns_nothing(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation", {"n": 300})
    page.evaluate(COUNT_RUNS)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download bandit_draws.csv").click()
    table = pd.read_csv(download.value.path())
    assert download.value.suggested_filename == "bandit_draws.csv"
    assert len(table) == 300 and {"draw", "running_mean", "standard_error"} <= set(table)
    assert table["draw"].tolist() == list(range(1, 301))

    with page.expect_download() as download:
        page.get_by_role("button", name="Data dictionary (CSV)").first.click()
    dictionary = pd.read_csv(download.value.path())
    assert download.value.suggested_filename == "bandit_draws_dictionary.csv"
    assert list(dictionary.columns) == ["column", "meaning"]
    assert dictionary["column"].tolist() == list(table.columns)
    assert dictionary["meaning"].notna().all()
    settle(page)
    assert page.evaluate("window.__runs") == 0, "a download click reran the page"
