"""One palette for every chart: an estimator, baseline, credit or check has the same colour and
marker on every page, whatever else the chart shows.

A series is recognised by its label as the pages and core write it ("score", "pathwise",
"measure-valued", "score, b = loo", "leave-one-out", "optimal b*", "whole return", …); its
baseline decides first, so "score, b = loo" is drawn as leave-one-out. Hues are distinct
(Tableau 10 without a second blue); black stays for exact values and rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import altair as alt

# (colour, Vega-Lite point shape) per series: estimators, the score function's baselines
# ("none" is the plain score function), credits of a trajectory, and checks.
STYLES: dict[str, tuple[str, str]] = {
    "score": ("#4c78a8", "circle"),
    "pathwise": ("#f58518", "square"),
    "measure-valued": ("#54a24b", "triangle-up"),
    "constant b": ("#b279a2", "diamond"),
    "batch mean": ("#e45756", "cross"),
    "leave-one-out": ("#8c564b", "triangle-down"),
    "optimal b*": ("#d4a017", "triangle-right"),
    "reward-to-go": ("#72b7b2", "square"),
    "reward-to-go − V(s)": ("#ff9da6", "diamond"),
    "exact": ("#000000", "circle"),
    "finite difference": ("#7f7f7f", "square"),
}
ESTIMATORS = ("score", "pathwise", "measure-valued")
BASELINES = ("constant b", "batch mean", "leave-one-out", "optimal b*")
OTHER = ("#bab0ac", "circle")
# Words that name a series in a label, most specific first (a baseline before its estimator);
# the plain score function, no baseline, the whole return and Monte Carlo are the score's.
_KEYWORDS = (
    ("reward-to-go − v(s)", "reward-to-go − V(s)"), ("reward-to-go", "reward-to-go"),
    ("whole return", "score"), ("finite difference", "finite difference"),
    ("monte carlo", "score"), ("exact", "exact"), ("leave-one-out", "leave-one-out"),
    ("loo", "leave-one-out"), ("optimal", "optimal b*"), ("b*", "optimal b*"),
    ("mean", "batch mean"), ("constant", "constant b"), ("b = ", "constant b"),
    ("no baseline", "score"), ("none", "score"), ("measure", "measure-valued"),
    ("pathwise", "pathwise"), ("score", "score"), ("reinforce", "score"),
)  # fmt: skip


def series_style(label: str) -> tuple[str, str]:
    """(colour, shape) of the series named `label` (grey circle for a label it does not know)."""
    text = str(label).lower().replace("_", "-")
    for word, name in _KEYWORDS:
        if word in text:
            return STYLES[name]
    return OTHER


def series_channel(
    channel: type[alt.Color] | type[alt.Shape],
    field: str,
    labels: Sequence[str],
    title: str | None,
    legend: alt.Legend | None = None,
) -> alt.Color | alt.Shape:
    """`channel` (alt.Color or alt.Shape) by `field`, whose values are `labels` (in legend
    order), each label getting its palette colour or marker shape."""
    labels = list(dict.fromkeys(labels))
    part = 1 if channel is alt.Shape else 0
    scale = alt.Scale(domain=labels, range=[series_style(label)[part] for label in labels])
    named = {} if title is None else {"title": title}
    return channel(f"{field}:N", sort=labels, scale=scale, legend=legend, **named)


# series_color(field, labels, title, legend=None): colour by series; series_shape: marker.
series_color = partial(series_channel, alt.Color)
series_shape = partial(series_channel, alt.Shape)
