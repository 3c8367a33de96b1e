"""Server policy: caps on the work one request may ask for, so no setting can exhaust memory or
block the server for other visitors — and, over the cap, the settings that would fit.

A Community Cloud container has ~1 GB and 2 cores; at ~1e8 samples/s per core, 2e7 samples is
well under a second of sampling, and chunking keeps memory flat however the budget is spent. A
visitor's own cost f(x) is integrated by quadrature, so its computations stop after
CUSTOM_COST_SECONDS (ui.cache runs every call in core.expressions.evaluation_time_limit).
A Monte Carlo call in a worker process that is still running after `wall_clock_limit` of its
view's work is taken as hung: its worker is killed (ui.workers) and the visitor may try again.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

MAX_SAMPLES_PER_REQUEST = 20_000_000
CUSTOM_COST_SECONDS = 8.0
# A worker's wall-clock limit, samples / HUNG_BELOW_SAMPLES_PER_SECOND within [floor, ceiling].
# The slowest sampling measured (variance_curve of a custom f(x) with the score estimator) draws
# ~5 million samples a second on one core; a worker at nice 10 behind a busy server gets ~10 %
# of a core, so an honest call keeps above 500,000 a second, and 250,000 leaves twice that.
HUNG_BELOW_SAMPLES_PER_SECOND = 250_000
# A call that draws few samples may still integrate a custom f(x) for CUSTOM_COST_SECONDS, and
# a worker re-imports what its call needs: 20 s is 2.5 times the one and leaves room for the other.
WALL_CLOCK_FLOOR_SECONDS = 20.0
# No visitor waits more than a minute on a hung worker: the cap, 20 million samples, takes ~4 s
# at the slowest rate on an idle core and ~40 s at 10 % of one.
WALL_CLOCK_CEILING_SECONDS = 60.0
# The samples the view being drawn asks for (ui.controls.work_budget sets it, before any call);
# unset, a call is bounded by the cap.
VIEW_WORK: contextvars.ContextVar[int | None] = contextvars.ContextVar("view work", default=None)


def work_of(ns: Iterable[int], reps: int = 1) -> int:
    """Samples a study draws: reps × Σ n."""
    return int(reps) * sum(int(n) for n in ns)


@dataclass(frozen=True)
class Setting:
    """A control the visitor may lower to fit the cap: its widget key, current value, the
    values the widget allows (ascending) and how a fix names a value ("{:,} repetitions")."""

    key: str
    value: object
    choices: Sequence
    label: str

    def named(self, value: object) -> str:
        return self.label.format(value)


@dataclass(frozen=True)
class Fix:
    """Settings that bring a view within the cap: {widget key: value}, what a button says
    ("Use 500 repetitions") and the work it then asks for."""

    changes: Mapping[str, object]
    text: str
    work: int


def fixes_within_cap(
    work: Callable[[Mapping[str, object]], int],
    settings: Sequence[Setting],
    cap: int = MAX_SAMPLES_PER_REQUEST,
) -> list[Fix]:
    """The changes that bring `work(values)` within `cap`: each setting alone at the largest of
    its choices below its value that fits; if none fits alone, one change of several, lowering
    the settings in order (each to the largest value that fits, else its smallest) until it fits.
    """
    values = {setting.key: setting.value for setting in settings}

    def largest_fitting(setting: Setting, base: Mapping[str, object]) -> object | None:
        lower = [c for c in setting.choices if c < setting.value]
        for choice in reversed(lower):
            if work({**base, setting.key: choice}) <= cap:
                return choice
        return None

    fixes = []
    for setting in settings:
        choice = largest_fitting(setting, values)
        if choice is not None:
            changed = {**values, setting.key: choice}
            fixes.append(Fix({setting.key: choice}, f"Use {setting.named(choice)}", work(changed)))
    if fixes:
        return fixes
    changes: dict[str, object] = {}
    for setting in settings:
        base = {**values, **changes}
        choice = largest_fitting(setting, base)
        lower = [c for c in setting.choices if c < setting.value]
        if choice is None and lower:
            choice = lower[0]
        if choice is not None:
            changes[setting.key] = choice
        if work({**values, **changes}) <= cap:
            names = [s.named(changes[s.key]) for s in settings if s.key in changes]
            return [Fix(changes, "Use " + " and ".join(names), work({**values, **changes}))]
    return []


def wall_clock_limit(samples: int | None = None) -> float:
    """Seconds a worker may run one call of a view that draws `samples` (None: the cap) before
    it counts as hung: samples / HUNG_BELOW_SAMPLES_PER_SECOND, within WALL_CLOCK_FLOOR_SECONDS
    and WALL_CLOCK_CEILING_SECONDS (each call of a view is bounded by the whole view's work)."""
    work = MAX_SAMPLES_PER_REQUEST if samples is None else samples
    seconds = work / HUNG_BELOW_SAMPLES_PER_SECOND
    return min(WALL_CLOCK_CEILING_SECONDS, max(WALL_CLOCK_FLOOR_SECONDS, seconds))


def million(samples: int) -> str:
    """'20 million', '8.07 million', '435,000': a sample count as a person says it."""
    if samples >= 1_000_000:
        return f"{samples / 1e6:.3g} million"
    return f"{samples:,}"


def work_text(work: int, cap: int = MAX_SAMPLES_PER_REQUEST, subject: str = "This view") -> str:
    """What a view (or a named part of it, `subject`) costs, in words: 'This view draws 8.07
    million random samples (40% of the most one view may use).'"""
    share = work / cap
    amount = "under 1%" if 0 < share < 0.01 else f"{share:.0%}"
    verb = "draws" if subject == "This view" else "draw"
    return (
        f"{subject} {verb} {million(work)} random samples ({amount} of the most one view may use)."
    )


def over_cap_text(work: int, cap: int = MAX_SAMPLES_PER_REQUEST) -> str:
    """Why nothing was computed: the view's work against the cap, and why there is a cap."""
    return (
        f"These settings would draw {million(work)} random samples, more than the "
        f"{million(cap)} one view may use (about a second of computing, so the shared server "
        "stays quick for every visitor). Nothing has been computed yet."
    )
