"""One palette: each estimator and baseline keeps its colour and marker whatever it is drawn with."""

from ui.charts.palette import BASELINES, CREDITS, ESTIMATORS, series_color, series_style


def test_each_series_is_recognised_by_the_labels_pages_and_core_write():
    assert series_style("score") == series_style("score function") == ESTIMATORS["score"]
    assert series_style("measure_valued") == series_style("measure-valued")
    for label in ("leave-one-out", "loo", "score, b = loo", "RLOO"):
        assert series_style(label) == BASELINES["leave-one-out"], label
    assert series_style("optimal b*") == series_style("score, b = optimal")
    assert series_style("batch mean") == series_style("score, b = mean")
    assert series_style("constant b = 5") == series_style("score, b = 5.0")
    assert series_style("reward-to-go − V(s)") != series_style("reward-to-go")


def test_estimators_and_baselines_have_distinct_colours_and_markers():
    styles = {**ESTIMATORS, **{k: v for k, v in BASELINES.items() if k != "none"}}
    colours = [colour for colour, _ in styles.values()]
    shapes = [shape for _, shape in styles.values()]
    assert len(set(colours)) == len(colours) and len(set(shapes)) == len(shapes)
    assert len({colour for colour, _ in CREDITS.values()}) == len(CREDITS)


def test_a_series_gets_its_colour_whichever_series_it_is_drawn_beside():
    alone = series_color("estimator", ["pathwise"], "estimator").to_dict()
    beside = series_color("estimator", ["score", "score, b = loo", "pathwise"], None).to_dict()
    assert alone["scale"]["range"] == [ESTIMATORS["pathwise"][0]]
    assert beside["scale"]["range"][2] == ESTIMATORS["pathwise"][0]
    assert beside["scale"]["domain"] == ["score", "score, b = loo", "pathwise"]
