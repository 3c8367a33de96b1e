"""Sidebar controls: the problem (from core.catalogue's registry), the seed, and the work a view
asks for. Each widget has a short stable key bound to the URL, so a copied link reproduces the
view; bounds keep every value one core accepts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import streamlit as st

from core.catalogue import ASCENT_SAMPLES, ASCENT_STEPS, PROBLEMS, Parameter
from core.problem import Problem
from ui.budget import (
    MAX_SAMPLES_PER_REQUEST,
    VIEW_WORK,
    Setting,
    fixes_within_cap,
    million,
    over_cap_text,
    work_text,
)
from ui.guard import stop_page
from ui.layout import show_input_error
from ui.links import override_link_values

URL = "query-params"
MAX_SEED = 2**31 - 1
# The problems a page can offer through one selector, in the order it lists them.
EXPLORED = ("bandit", "softmax", "gaussian", "policy")


# Which estimators to compare, as one choice so a selection is never empty; per problem, the
# sets whose estimators all apply to it (the bandits are discrete: the score function only).
ESTIMATOR_SETS = {
    "score": ("score",),
    "pathwise": ("pathwise",),
    "measure-valued": ("measure_valued",),
    "score vs pathwise": ("score", "pathwise"),
    "all three": ("score", "pathwise", "measure_valued"),
}
ESTIMATOR_CHOICES = {
    "gaussian": tuple(ESTIMATOR_SETS),
    "policy": ("score", "pathwise", "score vs pathwise"),
}
# How many n-sample estimates a study repeats (its measured variance is theirs).
REPETITIONS = (100, 200, 500, 1_000, 2_000, 4_000)
BASELINES = {
    "none": None,
    "constant b": "constant",
    "batch mean": "mean",
    "leave-one-out": "loo",
    "optimal b*": "optimal",
}


@dataclass(frozen=True)
class ProblemChoice:
    """The chosen problem: its registry name, the problem value the cached calls take (None
    when core refuses the widgets' values, `error` saying why), those values by constructor
    argument, and a note."""

    name: str
    problem: Problem | None
    error: ValueError | None = None
    arguments: Mapping[str, object] = field(default_factory=dict)
    note: str = ""

    @classmethod
    def of(cls, name: str, arguments: Mapping[str, object], note: str = "") -> ProblemChoice:
        """Problem `name` built from `arguments`; a ValueError is kept, to be shown by the page."""
        try:
            problem, error = PROBLEMS[name].build(**arguments), None
        except ValueError as refused:
            problem, error = None, refused
        return cls(name, problem, error, dict(arguments), note)

    @property
    def maximize(self) -> bool:
        """Whether f is a reward to climb (the registry says; a Gaussian's cost is lowered)."""
        return PROBLEMS[self.name].maximize

    @property
    def ascent_learning_rate(self) -> float:
        """The gradient-ascent step η to start from (the registry's, one that converges)."""
        return PROBLEMS[self.name].ascent_learning_rate

    def problem_or_stop(self, fix: str) -> Problem:
        """The problem; if core refused the values, show its reason with `fix` and stop the page
        (in a fragment section, the section: ui.guard.stop_page)."""
        if self.problem is None:
            show_input_error(self.error, fix)
            stop_page()
        return self.problem


def seed_input(key: str = "seed") -> int:
    """The seed as an explicit control: the same settings and seed give the same numbers."""
    return int(
        st.number_input(
            "Seed",
            min_value=0,
            max_value=MAX_SEED,
            value=0,
            step=1,
            key=key,
            bind=URL,
            help="Every Monte Carlo number on this page is drawn from streams spawned from this "
            "seed; change it to see a fresh draw.",
        )
    )


def repetition_controls(samples: str, repetitions: str) -> tuple[int, int]:
    """n, the samples (or episodes) behind one estimate, and how many estimates are repeated:
    a slider labelled `samples` (URL key n) and a select slider labelled `repetitions` (reps)."""
    n = st.slider(samples, 1, 1000, 10, key="n", bind=URL)
    reps = st.select_slider(repetitions, REPETITIONS, value=1_000, key="reps", bind=URL)
    return n, reps


# The sizes N of a variance sweep: its smallest and largest N, and repetitions per N.
SMALLEST_N = (1, 2, 5, 10, 20, 50, 100)
# Each range fits the work cap with the other controls at their defaults (10, 1,000, 7 sizes,
# 1,000 repetitions, one estimator: 3.0 million samples; largest N = 5,000 gives 13 million,
# 5,000 repetitions 15 million); combinations over the cap get a one-click fix (work_budget).
LARGEST_N = (100, 200, 300, 500, 1_000, 2_000, 3_000, 5_000)
SWEEP_REPETITIONS = (100, 200, 500, 1_000, 2_000, 5_000)


def sample_size_controls() -> tuple[int, int, int, int]:
    """The sizes of a variance sweep over N: (smallest N, largest N, how many log-spaced sizes,
    repetitions per N), for core.variance_studies.log_spaced_sizes and variance_curve."""
    smallest = st.select_slider("smallest N", SMALLEST_N, 10, key="nmin", bind=URL)
    largest = st.select_slider("largest N", LARGEST_N, 1_000, key="nmax", bind=URL)
    points = st.slider("sizes (log-spaced)", 2, 12, 7, key="points", bind=URL)
    reps = st.select_slider(
        "repetitions per N", SWEEP_REPETITIONS, 1_000, key="reps", bind=URL,
        help="Independent N-sample estimates per N; their variance is the measured Var[ĝ_N].",
    )  # fmt: skip
    return smallest, largest, points, reps


def parameter_input(
    problem: Problem | None, header: str | None, label: str, key: str, help: str | None = None
) -> str:
    """Which parameter of `problem` a view shows: a select box of its params (under `header`,
    unless None: beside a section) when it has several; its only param otherwise ("" when
    core refused the problem)."""
    if problem is None:
        return ""
    if len(problem.params) == 1:
        return problem.params[0]
    if header is not None:
        st.header(header)
    extra = {} if help is None else {"help": help}
    return st.selectbox(label, problem.params, key=key, bind=URL, **extra)


# Target relative errors ε offered for the samples-needed table.
TARGETS = (0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.001)


def target_error_input() -> float:
    """The target relative error ε = RMSE / |∇J| (URL key "target"), with a caption giving the
    signal-to-noise ratio it asks for."""
    target = st.select_slider(
        "relative error ε = RMSE / |∇J|", TARGETS, 0.1, key="target", bind=URL,
        help="RMSE of the estimate divided by |∇J|; its inverse is the signal-to-noise ratio.",
    )  # fmt: skip
    st.caption(f"ε = {target:.1%}, i.e. signal-to-noise ratio |∇J| / RMSE ≥ {1 / target:g}.")
    return target


def _widget(parameter: Parameter, where) -> object:
    """The parameter's widget in `where` (the sidebar or one of its columns)."""
    extra = {"key": parameter.key, "bind": URL}
    if parameter.help is not None:
        extra["help"] = parameter.help
    if parameter.widget == "choice":
        index = parameter.choices.index(parameter.default)
        return where.selectbox(parameter.label, parameter.choices, index=index, **extra)
    bounds = (parameter.label, parameter.low, parameter.high, parameter.default)
    if parameter.step is not None:
        bounds += (parameter.step,)
    if parameter.widget == "number":
        if parameter.placeholder is not None:
            extra["placeholder"] = parameter.placeholder
        return where.number_input(*bounds, **extra)
    return where.slider(*bounds, **extra)


def problem_controls(name: str, use: str = "default") -> ProblemChoice:
    """The widgets of problem `name` as `use` shows them (core.catalogue's Controls); call
    inside `st.sidebar`. Entries of a vector share columns when the controls say so."""
    entry = PROBLEMS[name]
    controls = entry.controls_for(use)
    if controls.intro:
        st.caption(controls.intro)
    values: dict[str, object] = {}
    columns = None
    for parameter in controls.parameters:
        if parameter.index is None:
            values[parameter.name] = _widget(parameter, st)
        elif controls.count is None or parameter.index < values[controls.count]:
            if columns is None and controls.columns > 1:
                columns = st.columns(controls.columns)
            where = columns[parameter.index] if columns else st
            values.setdefault(parameter.name, []).append(_widget(parameter, where))
        if parameter.caption:
            st.caption(parameter.caption)
    values |= controls.fixed(values)
    names = {parameter.name for parameter in entry.parameters}
    arguments = {key: value for key, value in values.items() if key in names}
    return ProblemChoice.of(name, arguments, controls.note(values))


def problem_selector(
    names: Sequence[str] = EXPLORED,
    use: str = "default",
    title: str = "Distribution",
    help: str | None = None,
) -> ProblemChoice:
    """A select box of problems (their labels as `use` names them; the URL holds the label),
    then the chosen problem's controls; call inside `st.sidebar`."""
    labels = {PROBLEMS[name].controls_for(use).label: name for name in names}
    extra = {} if help is None else {"help": help}
    label = st.selectbox(title, tuple(labels), key="problem", bind=URL, **extra)
    return problem_controls(labels[label], use)


def problem_help(names: Sequence[str] = EXPLORED) -> str:
    """What each problem of the selector is, one sentence each (the registry's descriptions)."""
    return " ".join(PROBLEMS[name].description for name in names)


def estimator_controls(name: str) -> dict[str, float | str | None]:
    """The estimators to compare on problem `name`, each with the baseline it takes: the score
    function's choice (None, a constant b, "mean", "loo" or "optimal"), None for the others
    (a baseline shifts the score-function terms only); call inside `st.sidebar`."""
    estimator_set = st.selectbox(
        "estimators", ESTIMATOR_CHOICES.get(name, ("score",)), key="est", bind=URL,
        help="score: f(x)·∇θ log p (REINFORCE); pathwise: the reparameterisation gradient; "
        "measure-valued: f compared at two coupled samples (Gaussian only). Bandits are discrete, so "
        "only the score function applies.",
    )  # fmt: skip
    baseline = baseline_input(
        "baseline (score function only)", "baseline",
        help="(f(x) − b)·∇θ log p: a constant b, the batch mean (biased by −∇E[f]/N), the "
        "leave-one-out mean (unbiased), or the variance-minimising constant b*.",
    )  # fmt: skip
    return {e: baseline if e == "score" else None for e in ESTIMATOR_SETS[estimator_set]}


def baseline_input(
    label: str,
    key: str,
    choices: Sequence[str] = tuple(BASELINES),
    constant: float | None = None,
    help: str | None = None,
) -> float | str | None:
    """A select box of the baselines named `choices` (labels of BASELINES): None, "mean",
    "loo", "optimal" or, for "constant b", `constant` — or, when no constant is given, the
    value of a number box "b" shown under it."""
    extra = {} if help is None else {"help": help}
    baseline = BASELINES[st.selectbox(label, tuple(choices), key=key, bind=URL, **extra)]
    if baseline != "constant":
        return baseline
    if constant is not None:
        return constant
    return float(st.number_input("b", -100.0, 100.0, 5.0, 0.5, key="b", bind=URL))


# The second gradient-ascent run's baseline choices (the first run has none).
ASCENT_BASELINES = ("leave-one-out", "optimal b*", "batch mean", "constant b")
LEARNING_RATES = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0)


def ascent_controls(
    constant: float, learning_rate: float = 0.2, columns: bool = False
) -> tuple[int, int, float, float | str | None]:
    """A gradient-ascent run's steps, samples per step, learning rate η (starting at
    `learning_rate`, the problem's `ascent_learning_rate`) and the baseline of the second run
    (`constant` for "constant b"); call inside `st.sidebar`, or with `columns` side by side in
    a section of the main area (a row of four; stacked on a phone)."""
    where = st.columns(4) if columns else (st, st, st, st)
    steps = where[0].slider("Steps", 5, 200, ASCENT_STEPS, key="steps", bind=URL)
    n = where[1].slider("Samples per step", 2, 200, ASCENT_SAMPLES, key="step_n", bind=URL)
    learning_rate = where[2].select_slider(
        "Learning rate η", LEARNING_RATES, value=learning_rate, key="lr", bind=URL
    )
    with where[3] if columns else contextlib.nullcontext():
        baseline = baseline_input(
            "Baseline of the second run", "ascent_b", ASCENT_BASELINES, constant=constant
        )
    return steps, n, learning_rate, baseline


def work_budget(
    work: Callable[[Mapping[str, object]], int],
    settings: Sequence[Setting],
    fix: str,
    *,
    section: str | None = None,
    sidebar_subject: str = "This view",
) -> int | None:
    """The samples a view draws, `work({key: value of each setting})`, checked against the cap
    on one request; call in the main area, where the results would be.

    Within the cap: a caption says what the view costs (in the sidebar; under the controls of a
    `section`). Over it: the main area says so, with a button per change that fits ("Use 500
    repetitions", which sets that control and reruns) and `fix` in words, and the page stops
    before any work starts. `section` (its name, e.g. "gradient ascent"): for the controls of one
    section drawn inside an `st.fragment`, whose `work` counts the whole view (the page's
    sidebar-driven work plus the section's) and whose `settings` may include sidebar controls;
    over the cap only that section says so and None is returned (the section draws nothing
    more; the rest of the page stays), and a fix button reruns the whole page, so a sidebar
    control it lowers takes effect everywhere. On a page with such sections, the page's own
    call names what its `work` counts: `sidebar_subject`, e.g. "The sidebar's settings".
    """
    if section is not None and st.session_state.pop(_RERUN_APP_KEY, False):
        st.rerun(scope="app")  # a section's fix was clicked: the sidebar may have changed
    values = {setting.key: setting.value for setting in settings}
    total = work(values)
    if total <= MAX_SAMPLES_PER_REQUEST:
        VIEW_WORK.set(total)  # bounds the wall-clock time of the view's calls (ui.cache.run)
        if section is None:
            st.sidebar.caption(work_text(total, subject=sidebar_subject))
        else:
            text = work_text(total)
            st.caption(f"With this {section}, {text[0].lower()}{text[1:]}")
        return total
    fixes = fixes_within_cap(work, settings)
    with st.container(border=True):
        st.warning(f"**{over_cap_text(total)}**", icon="⏱️")
        if fixes:
            st.markdown("One click brings it within the limit:")
            columns = st.columns(len(fixes))
            prefix = "fit-work" if section is None else f"fit-work-{section}"
            for index, (column, change) in enumerate(zip(columns, fixes, strict=True)):
                column.button(
                    change.text,
                    key=f"{prefix}-{index}",
                    type="primary" if index == 0 else "secondary",
                    on_click=_apply_settings,
                    args=(dict(change.changes), section is not None),
                    help=f"Then this view draws {million(change.work)} samples.",
                )
        st.caption(f"Or change it yourself: {fix}")
    if section is not None:
        return None
    st.stop()


# Session key set by a section's fix button: the section's next run reruns the whole page.
_RERUN_APP_KEY = "_sfl_rerun_app"


def _apply_settings(changes: Mapping[str, object], rerun_app: bool = False) -> None:
    """A fix button's callback: set the controls (before the rerun draws them); `rerun_app`:
    the button is in a fragment, whose rerun must become the whole page's."""
    for key, value in changes.items():
        st.session_state[key] = value
    override_link_values(changes)  # the link's old values are replaced on purpose
    if rerun_app:
        st.session_state[_RERUN_APP_KEY] = True
