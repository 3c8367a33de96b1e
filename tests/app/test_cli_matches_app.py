"""`python -m core variance` prints exactly the numbers the app's variance page gives: the
page's variance_vs_n.csv download (its on-screen table shows the same values rounded)."""

from __future__ import annotations

import io

import pandas as pd
import pytest
import streamlit

from core.cli import main
from tests.app.page_runner import assert_healthy, run_page

PAGE = "pages/3_Variance_vs_samples.py"
NUMBERS = ["n", "param", "mean", "variance", "exact_gradient", "exact_variance",
           "mean_standard_error", "variance_standard_error"]  # fmt: skip


def test_the_cli_variance_study_equals_the_variance_page_opened_by_the_same_link(
    capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloads: dict[str, str] = {}
    download_button = streamlit.download_button

    def recording_download(label, data, *args, file_name=None, **kwargs):
        downloads[file_name] = data
        return download_button(label, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(streamlit, "download_button", recording_download)
    link = {"problem": "Gaussian", "cost": "abs", "est": "measure-valued", "nmax": "300",
            "points": "4", "reps": "200", "seed": "7"}  # fmt: skip
    page = run_page(PAGE, link)
    assert_healthy(page)
    assert "variance_vs_n.csv" in downloads, "the variance page offers no variance_vs_n.csv"
    shown = pd.read_csv(io.StringIO(downloads["variance_vs_n.csv"]))[NUMBERS]
    assert sorted(shown["n"].unique()) == [10, 31, 97, 300]

    code = main(["variance", "gaussian", "--cost", "abs", "--estimator", "measure-valued",
                 "--log-ns", "10", "300", "4", "--reps", "200", "--seed", "7"])  # fmt: skip
    assert code == 0
    printed = pd.read_csv(io.StringIO(capsys.readouterr().out))[NUMBERS]
    pd.testing.assert_frame_equal(printed, shown, check_exact=True, check_dtype=False)
