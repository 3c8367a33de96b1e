"""One palette for every chart: an estimator, baseline, credit or check has the same colour and
marker on every page, whatever else the chart shows.

A series is recognised by its label as the pages and core write it ("score", "pathwise",
"measure-valued", "score, b = loo", "leave-one-out", "optimal b*", "whole return", "naive: r(a)·∇π(a)", …); its
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
    "GRPO": ("#17becf", "triangle-left"),
    "standardised": ("#bcbd22", "wedge"),
    "antithetic": ("#7b4173", "stroke"),
    "antithetic + leave-one-out": ("#ad494a", "arrow"),
    "naive": ("#e7298a", "square"),
    "ARM": ("#393b79", "triangle-up"),
    "DisARM": ("#6b6ecf", "diamond"),
    "Gumbel-softmax": ("#637939", "square"),
    "straight-through": ("#e6550d", "cross"),
}
# A chart's one Monte Carlo line (a running mean, its dots) is the score function's estimate.
MONTE_CARLO = STYLES["score"][0]
# Series the table does not name (a new estimator, "arm 1") take these, in the chart's order,
# skipping colours the chart's named series already use.
FALLBACK = (
    ("#393b79", "circle"), ("#e377c2", "square"), ("#637939", "triangle-up"),
    ("#ff7f0e", "diamond"), ("#9edae5", "cross"), ("#843c39", "triangle-down"),
    ("#6b6ecf", "triangle-right"), ("#8ca252", "wedge"),
)  # fmt: skip
ESTIMATORS = ("score", "pathwise", "measure-valued")
BASELINES = ("constant b", "batch mean", "leave-one-out", "optimal b*")
OTHER = ("#bab0ac", "circle")
# Words that name a series in a label, most specific first (a baseline before its estimator);
# the plain score function, no baseline, the whole return and Monte Carlo are the score's.
_KEYWORDS = (
    ("reward-to-go − v(s)", "reward-to-go − V(s)"), ("reward-to-go", "reward-to-go"),
    ("whole return", "score"), ("finite difference", "finite difference"),
    ("monte carlo", "score"), ("exact", "exact"), ("true ∇j", "exact"), ("naive", "naive"),
    ("antithetic +", "antithetic + leave-one-out"), ("leave-one-out", "leave-one-out"),
    ("loo", "leave-one-out"), ("optimal", "optimal b*"), ("b*", "optimal b*"),
    ("antithetic", "antithetic"), ("disarm", "DisARM"), ("straight-through", "straight-through"),
    ("gumbel", "Gumbel-softmax"),
    ("log-derivative", "score"), ("mean", "batch mean"), ("grpo", "GRPO"),
    ("standardised", "standardised"), ("constant", "constant b"), ("b = ", "constant b"),
    ("no baseline", "score"), ("none", "score"), ("measure", "measure-valued"),
    ("pathwise", "pathwise"), ("score", "score"), ("reinforce", "score"),
)  # fmt: skip


def series_style(label: str) -> tuple[str, str]:
    """(colour, shape) of the series named `label` (grey circle for a label it does not know)."""
    text = str(label).lower().replace("_", "-")
    if text == "arm":  # the estimator ARM, not "arm 1"
        return STYLES["ARM"]
    for word, name in _KEYWORDS:
        if word in text:
            return STYLES[name]
    return OTHER


def chart_styles(labels: Sequence[str]) -> list[tuple[str, str]]:
    """(colour, shape) of each of one chart's series: the palette's for a named series, and
    for the others the FALLBACK styles in order, skipping colours the named ones use."""
    styles = [series_style(label) for label in labels]
    used = {colour for colour, _ in styles}
    spare = iter([style for style in FALLBACK if style[0] not in used] + list(FALLBACK))
    return [next(spare) if style == OTHER else style for style in styles]


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
    scale = alt.Scale(domain=labels, range=[style[part] for style in chart_styles(labels)])
    named = {} if title is None else {"title": title}
    return channel(f"{field}:N", sort=labels, scale=scale, legend=legend, **named)


# series_color(field, labels, title, legend=None): colour by series; series_shape: marker.
series_color = partial(series_channel, alt.Color)
series_shape = partial(series_channel, alt.Shape)


def levels_color(
    field: str, labels: Sequence[str], title: str | None, legend: alt.Legend | None = None
) -> alt.Color:
    """Colour by `field` for levels of one series (several constant baselines, several
    temperatures): each level its own FALLBACK colour, in the order of `labels`."""
    labels = list(dict.fromkeys(labels))
    colours = [FALLBACK[i % len(FALLBACK)][0] for i in range(len(labels))]
    named = {} if title is None else {"title": title}
    return alt.Color(
        f"{field}:N", sort=labels, scale=alt.Scale(domain=labels, range=colours), legend=legend,
        **named,
    )  # fmt: skip
