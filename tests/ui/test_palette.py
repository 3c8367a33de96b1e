"""One palette: each estimator and baseline keeps its colour and marker whatever it is drawn with."""

from ui.charts.palette import BASELINES, ESTIMATORS, STYLES, series_color, series_style


def test_each_series_is_recognised_by_the_labels_pages_and_core_write():
    assert series_style("score") == series_style("score function") == STYLES["score"]
    assert series_style("none") == series_style("whole return") == STYLES["score"]
    assert series_style("measure_valued") == series_style("measure-valued")
    for label in ("leave-one-out", "loo", "score, b = loo", "RLOO"):
        assert series_style(label) == STYLES["leave-one-out"], label
    assert series_style("optimal b*") == series_style("score, b = optimal")
    assert series_style("batch mean") == series_style("score, b = mean")
    assert series_style("constant b = 5") == series_style("score, b = 5.0")
    assert series_style("reward-to-go − V(s)") != series_style("reward-to-go")


def test_estimators_and_baselines_have_distinct_colours_and_markers():
    styles = [STYLES[name] for name in (*ESTIMATORS, *BASELINES)]
    assert len({colour for colour, _ in styles}) == len(styles)
    assert len({shape for _, shape in styles}) == len(styles)
    assert len({colour for colour, _ in STYLES.values()}) == len(STYLES)


def test_a_series_gets_its_colour_whichever_series_it_is_drawn_beside():
    alone = series_color("estimator", ["pathwise"], "estimator").to_dict()
    beside = series_color("estimator", ["score", "score, b = loo", "pathwise"], None).to_dict()
    assert alone["scale"]["range"] == [STYLES["pathwise"][0]]
    assert beside["scale"]["range"] == [
        STYLES[name][0] for name in ("score", "leave-one-out", "pathwise")
    ]
    assert beside["scale"]["domain"] == ["score", "score, b = loo", "pathwise"]


def test_every_named_series_is_recognised_by_its_own_name_and_the_group_page_titles():
    for name, style in STYLES.items():
        assert series_style(name) == style, name
    group_titles = {
        "none (REINFORCE)": "score", "batch mean (Dr. GRPO)": "batch mean",
        "leave-one-out (RLOO)": "leave-one-out", "GRPO (÷ std)": "GRPO",
        "standardised returns": "standardised", "true ∇J(θ)": "exact",
        "naive: r(a)·∇π(a)": "naive", "log-derivative: r(a)·∇log π(a)": "score",
    }  # fmt: skip
    for label, name in group_titles.items():
        assert series_style(label) == STYLES[name], label
