"""bench/floor_page.py, the browser bench's floor: a bare page that draws the element kinds of a
first screen of the app, with no error and none of the app's code."""

from __future__ import annotations

import ast
from pathlib import Path

from streamlit.testing.v1 import AppTest

FLOOR_PAGE = Path(__file__).resolve().parents[1] / "bench" / "floor_page.py"


def test_the_floor_page_draws_a_first_screens_element_kinds():
    app = AppTest.from_file(str(FLOOR_PAGE)).run()
    assert not app.exception
    assert len(app.sidebar.number_input) == 4 and len(app.sidebar.slider) == 1
    assert len(app.metric) == 3
    assert len(app.latex) == 1 and len(app.table) == 1 and app.title
    assert len(app.get("vega_lite_chart")) == 1


def test_its_slider_moves_the_chart():
    app = AppTest.from_file(str(FLOOR_PAGE)).run()
    before = app.get("vega_lite_chart")[0].proto.spec
    app.sidebar.slider[0].set_value(1.0).run()
    assert not app.exception and app.get("vega_lite_chart")[0].proto.spec != before


def test_the_floor_page_uses_none_of_the_app():
    tree = ast.parse(FLOOR_PAGE.read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported == {"altair", "numpy", "pandas", "streamlit"}
