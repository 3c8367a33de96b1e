"""ui.charts.narrow_spec: a chart laid out for a phone's ~350 px column keeps its data and
encodings and changes only the layout (panels stacked, legends one entry a line)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ui import charts
from ui.charts.base import LEGEND_LINE, NARROW_GRID_PANEL, NARROW_PANEL

FRAME = pd.DataFrame(
    {
        "x": [0, 1, 0, 1],
        "y": [1.0, 2.0, 3.0, 4.0],
        "param": ["a", "a", "b", "b"],
        "quantity": ["bias", "variance", "bias", "variance"],
    }
)
LEGEND = alt.Legend(orient="bottom", columns=3, labelLimit=400)


def _layer() -> alt.Chart:
    return (
        alt.Chart(FRAME)
        .mark_line()
        .encode(x="x:Q", y="y:Q", color=alt.Color("param:N", legend=LEGEND))
    )


def test_facet_columns_become_rows_of_one_narrow_panel_each_with_the_same_data():
    spec = _layer().properties(width=400, height=100).facet(column="param:N").to_dict()
    narrow = charts.narrow_spec(spec)
    assert narrow["facet"] == {"row": spec["facet"]["column"]}
    assert narrow["spec"]["width"] == NARROW_PANEL
    assert narrow["datasets"] is spec["datasets"]
    assert spec["facet"].keys() == {"column"} and spec["spec"]["width"] == 400  # not mutated


def test_a_grid_is_transposed_so_its_few_rows_become_narrow_columns():
    chart = _layer().properties(width=190, height=100)
    spec = chart.facet(column="param:N", row="quantity:N").to_dict()
    narrow = charts.narrow_spec(spec)
    assert narrow["facet"]["column"]["field"] == spec["facet"]["row"]["field"]
    assert "split(" in narrow["facet"]["column"]["header"]["labelExpr"]  # units on a 2nd line
    assert narrow["facet"]["row"] == spec["facet"]["column"]
    assert narrow["spec"]["width"] == NARROW_GRID_PANEL


def test_side_by_side_charts_stack_and_legends_list_one_entry_a_line():
    left = _layer().properties(width=340)
    spec = alt.hconcat(left, left).to_dict()
    narrow = charts.narrow_spec(spec)
    assert "hconcat" not in narrow and len(narrow["vconcat"]) == 2
    assert all(view["width"] == NARROW_PANEL for view in narrow["vconcat"])
    legends = [view["encoding"]["color"]["legend"] for view in narrow["vconcat"]]
    assert all(
        legend["columns"] == 1 and legend["labelLimit"] <= NARROW_PANEL for legend in legends
    )
    assert narrow["config"]["legend"]["orient"] == "bottom"
    assert spec["hconcat"][0]["encoding"]["color"]["legend"]["columns"] == 3  # not mutated


def test_a_chart_that_already_fits_keeps_its_layout():
    spec = _layer().properties(width="container", height=100).to_dict()
    narrow = charts.narrow_spec(spec)
    assert narrow["width"] == "container" and narrow["mark"] == spec["mark"]


def test_a_single_view_grows_by_the_lines_its_one_column_legend_adds():
    labels = ["a", "b", "c", "d"]
    color = alt.Color("param:N", scale=alt.Scale(domain=labels), legend=alt.Legend(columns=2))
    spec = alt.Chart(FRAME).mark_line().encode(x="x:Q", y="y:Q", color=color)
    narrow = charts.narrow_spec(spec.properties(height=300).to_dict())
    assert narrow["height"] == 300 + 2 * LEGEND_LINE  # 4 entries: 2 lines → 4 lines


def test_one_parameter_gets_one_chart_whose_layers_share_their_axes():
    from ui.charts.base import _panels_by_param

    layers = alt.layer(_layer(), _layer().mark_point())
    one = _panels_by_param(layers, 1, 400, 200, y="independent").to_dict()
    assert "facet" not in one and "resolve" not in one and one["width"] == "container"
    two = _panels_by_param(layers, 2, 300, 200, y="independent").to_dict()
    assert two["facet"]["column"]["field"] == "param"
    assert two["resolve"] == {"scale": {"y": "independent"}}
