"""ui.tables.static: a small table drawn as st.table shows each cell as st.dataframe would."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from ui.tables.static import _cell


# What st.dataframe (Streamlit 1.67) draws for these floats with no format, read off the browser.
@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (0.0, "0"),
        (1.0, "1"),
        (2000.0, "2000"),
        (-0.5, "-0.5"),
        (0.123456789, "0.1235"),
        (12345.678, "12345.678"),
        (0.00999999, "0.01"),
        (0.000123456, "0.0001"),
        (1.23456789e-7, "0.0000001"),
        (-4.2e-5, "-0.00004"),
        (3.3881317890172014e-17, "0.00000000000000003"),
    ],
)
def test_an_unformatted_float_shows_as_the_data_grid_shows_it(value: float, shown: str):
    assert _cell(None)(np.float64(value)) == shown


def test_a_printf_format_applies_to_numbers_only_and_a_missing_value_is_empty():
    three = _cell("%.3f")
    assert three(np.float64(-2.5)) == "-2.500" and three(np.int64(2)) == "2.000"
    assert three(-0.0) == "0.000" and three(-0.0001) == "-0.000"
    assert three("✓ equal") == "✓ equal" and three(float("nan")) == "" and three(None) == ""
    assert _cell(None)(np.int64(1000)) == "1000" and _cell(None)(np.bool_(True)) == "True"


def _page() -> None:
    import pandas as pd

    from ui.tables.static import static_table

    static_table(pd.DataFrame({"draw": [1, 2], "term": [-2.5, 5.0]}), {"term": "%.3f"})


def test_the_table_is_a_static_table_holding_the_numbers_themselves():
    app = AppTest.from_function(_page).run()
    assert not app.exception and not app.dataframe
    (table,) = app.table
    assert table.value["term"].tolist() == [-2.5, 5.0]  # full precision under the display text
