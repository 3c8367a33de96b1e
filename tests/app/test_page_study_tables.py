"""AppTest of the Study tables page: a study table read back and drawn with the variance chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import study_grid
from tests.app.page_runner import assert_healthy, run_page, shown_text

PAGE = "pages/7_Study_tables.py"
GRID = {
    "ns": [10, 100, 1000],
    "reps": [40, 80],
    "baselines": ["none", "loo"],
    "problems": [{"name": "bandit", "grid": {"theta": [0.0, 1.0]}}],
}


@pytest.fixture(scope="module")
def study_files(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("study") / "grid"
    study_grid.run_study(study_grid.grid_cells(GRID), output)
    return output


def test_without_an_upload_the_page_draws_the_example_grid(tmp_path: Path) -> None:
    app = run_page(PAGE)
    assert_healthy(app)
    assert "studies/example.toml" in shown_text(app)
    assert "105 cells, 201 rows: 201 of 201 means within their check" in shown_text(app)
    assert len(app.get("vega_lite_chart")) == 1
    assert app.selectbox(key="setting").value == "bandit · theta=-1.0"


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_an_uploaded_study_table_is_drawn_setting_by_setting(study_files: Path, suffix) -> None:
    path = study_files.with_suffix(suffix)
    app = run_page(PAGE)
    app.file_uploader[0].upload(path.name, path.read_bytes())
    app.run()
    assert_healthy(app)
    assert "24 cells, 24 rows: 24 of 24 means within their check" in shown_text(app)
    assert app.selectbox(key="setting").options == ["bandit · theta=0.0", "bandit · theta=1.0"]
    app.selectbox(key="setting").set_value("bandit · theta=1.0")
    app.selectbox(key="reps").set_value(80)
    app.run()
    assert_healthy(app)
    shown = app.dataframe[0].value
    assert sorted(shown["estimator"].unique()) == ["score", "score, b = loo"]
    assert (shown["n"].tolist(), len(app.get("vega_lite_chart"))) == ([10, 100, 1000] * 2, 1)
    table = study_grid.table_from_bytes(path.read_bytes(), path.name)
    expected = table[(table["setting"] == "theta=1.0") & (table["reps"] == 80)]
    assert sorted(shown["variance"]) == sorted(expected["variance"])


def test_a_file_that_is_not_a_study_table_says_so_and_how_to_fix_it() -> None:
    app = run_page(PAGE)
    app.file_uploader[0].upload("other.csv", b"a,b\n1,2\n")
    app.run()
    assert not app.exception
    assert "not a study table" in app.error[0].value and "How to fix" in app.error[0].value
