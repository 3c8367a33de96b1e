"""Downloads in a real browser: a CSV arrives as a plain CSV pandas reads as-is, with its data
dictionary beside it, and the click reruns nothing (issue 10: downloads; speed)."""

from __future__ import annotations

import pandas as pd
from playwright.sync_api import Page

from tests.e2e import streamlit_helpers as browser_app
from tests.e2e.test_fragments import settle


def test_a_downloaded_csv_loads_as_is_and_its_click_reruns_nothing(
    streamlit_server: str, browser_page: Page
) -> None:
    page = browser_page
    runs = browser_app.ScriptRuns(page)  # every run the server finishes, however fast
    browser_app.open_app_page(page, streamlit_server, "Bandit_derivation", {"n": 300})
    settle(page)
    runs_before = runs.finished
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
    assert runs.finished == runs_before, "a download click reran the page"
