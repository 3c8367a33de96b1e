"""One palette for every chart: an estimator, baseline, credit or check has the same colour and
marker on every page, whatever else the chart shows.

A series is recognised by its label as the pages and core write it ("score", "pathwise",
"measure-valued", "score, b = loo", "leave-one-out", "optimal b*", "whole return", …); its
baseline decides first, so "score, b = loo" is drawn as leave-one-out. Hues are distinct
(Tableau 10 without a second blue); black stays for exact values and rules.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt

# (colour, Vega-Lite point shape) per series, by role.
ESTIMATORS = {
    "score": ("#4c78a8", "circle"),
    "pathwise": ("#f58518", "square"),
    "measure-valued": ("#54a24b", "triangle-up"),
}
BASELINES = {
    "none": ESTIMATORS["score"],
    "constant b": ("#b279a2", "diamond"),
    "batch mean": ("#e45756", "cross"),
    "leave-one-out": ("#8c564b", "triangle-down"),
    "optimal b*": ("#d4a017", "triangle-right"),
}
CREDITS = {
    "whole return": ESTIMATORS["score"],
    "reward-to-go − V(s)": ("#ff9da6", "diamond"),
    "reward-to-go": ("#72b7b2", "square"),
}
CHECKS = {
    "exact": ("#000000", "circle"),
    "Monte Carlo": ESTIMATORS["score"],
    "finite difference": ("#7f7f7f", "square"),
}
OTHER = ("#bab0ac", "circle")
# Words that name a series in a label, most specific first (a baseline before its estimator).
_KEYWORDS: tuple[tuple[str, tuple[str, str]], ...] = (
    ("reward-to-go − v(s)", CREDITS["reward-to-go − V(s)"]),
    ("reward-to-go", CREDITS["reward-to-go"]),
    ("whole return", CREDITS["whole return"]),
    ("finite difference", CHECKS["finite difference"]),
    ("monte carlo", CHECKS["Monte Carlo"]),
    ("exact", CHECKS["exact"]),
    ("leave-one-out", BASELINES["leave-one-out"]),
    ("loo", BASELINES["leave-one-out"]),
    ("rloo", BASELINES["leave-one-out"]),
    ("optimal", BASELINES["optimal b*"]),
    ("b*", BASELINES["optimal b*"]),
    ("batch mean", BASELINES["batch mean"]),
    ("mean", BASELINES["batch mean"]),
    ("constant", BASELINES["constant b"]),
    ("b = ", BASELINES["constant b"]),
    ("no baseline", BASELINES["none"]),
    ("none", BASELINES["none"]),
    ("measure", ESTIMATORS["measure-valued"]),
    ("pathwise", ESTIMATORS["pathwise"]),
    ("score", ESTIMATORS["score"]),
    ("reinforce", ESTIMATORS["score"]),
)


def series_style(label: str) -> tuple[str, str]:
    """(colour, shape) of the series named `label` (grey circle for a label it does not know)."""
    text = str(label).lower().replace("_", "-")
    for word, style in _KEYWORDS:
        if word in text:
            return style
    return OTHER


def series_color(
    field: str, labels: Sequence[str], title: str | None, legend: alt.Legend | None = None
) -> alt.Color:
    """Colour by `field`, whose values are `labels` (in legend order), from the palette."""
    labels = list(dict.fromkeys(labels))
    scale = alt.Scale(domain=labels, range=[series_style(label)[0] for label in labels])
    named = {} if title is None else {"title": title}
    return alt.Color(f"{field}:N", sort=labels, scale=scale, legend=legend, **named)


def series_shape(
    field: str, labels: Sequence[str], title: str | None, legend: alt.Legend | None = None
) -> alt.Shape:
    """Marker shape by `field`, whose values are `labels` (in legend order), from the palette."""
    labels = list(dict.fromkeys(labels))
    scale = alt.Scale(domain=labels, range=[series_style(label)[1] for label in labels])
    named = {} if title is None else {"title": title}
    return alt.Shape(f"{field}:N", sort=labels, scale=scale, legend=legend, **named)
