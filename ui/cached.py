"""Cached calls into core for the Bandit derivation, Score checks and Variance pages (pages 1–3).

Each function takes plain hashable arguments (numbers, strings, tuples, and problem *specs* from
`ui.cached_456`, e.g. ``("bandit", 0.0, (5.0, 10.0))``) and returns a DataFrame, so
`st.cache_data` keys on the settings and hands each session its own copy; nothing here does maths.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

import core
from ui import charts
from ui.cached_456 import ProblemSpec, build_problem
from ui.charts import downsample, log_thin, log_thin_groups

MAX_ENTRIES = 64
# Per-n rows of a variance sweep are small and reused as N ranges change: keep more of them.
MAX_SWEEP_ENTRIES = 512
# Traces are kept at this many log-spaced draws per parameter: dense early, sparse late.
TRACE_ROWS = 2_000
# Histograms are drawn from at most this many draws per parameter.
SAMPLE_ROWS = 5_000

Baseline = float | str | None


# -- page 1: bandit derivation -------------------------------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def bandit_derivation(spec: ProblemSpec) -> pd.DataFrame:
    """core.bandit_derivation as a one-row table (field names as columns)."""
    return pd.DataFrame([dataclasses.asdict(core.bandit_derivation(build_problem(spec)))])


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def running_estimate(spec: ProblemSpec, n: int, seed: int) -> pd.DataFrame:
    """core.running_estimate at up to TRACE_ROWS log-spaced draws (every early draw and the
    last one kept), so a cached entry stays small whatever n is."""
    return log_thin(core.running_estimate(build_problem(spec), n, seed=seed), "draw", TRACE_ROWS)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def objective_curve(spec: ProblemSpec, values: tuple[float, ...], parameter: int) -> pd.DataFrame:
    """core.objective_curve: exact J, ∂J/∂θ_j and I_jj as θ_j sweeps `values`."""
    return core.objective_curve(build_problem(spec), values, parameter)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def finite_difference_check(spec: ProblemSpec) -> pd.DataFrame:
    """core.finite_difference_check: the closed-form gradient beside central differences."""
    return core.finite_difference_check(build_problem(spec))


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def gradient_ascent(
    spec: ProblemSpec, steps: int, n: int, learning_rate: float, seed: int
) -> pd.DataFrame:
    """core.gradient_ascent with the score-function estimator and no baseline."""
    return core.gradient_ascent(build_problem(spec), steps, n, learning_rate, seed=seed)


# -- page 2: score checks ------------------------------------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def score_check(spec: ProblemSpec, n: int, seed: int) -> pd.DataFrame:
    """core.score_check: Monte Carlo E[s] and E[s sᵀ] with standard errors beside 0 and Fisher."""
    return core.score_check(build_problem(spec), n, seed=seed)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def score_trace(spec: ProblemSpec, n: int, seed: int) -> pd.DataFrame:
    """core.score_trace (same draws as score_check) at up to TRACE_ROWS log-spaced draws per
    parameter: the running mean's shape on a log axis, in a small cache entry."""
    return log_thin_groups(
        core.score_trace(build_problem(spec), n, seed=seed), "param", "draw", TRACE_ROWS
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def score_sample(spec: ProblemSpec, n: int, seed: int) -> pd.DataFrame:
    """Score values of core.score_trace's draws for a histogram: at most SAMPLE_ROWS evenly
    spaced draws per parameter (draws are i.i.d., so any fixed subset is a fair sample)."""
    trace = core.score_trace(build_problem(spec), n, seed=seed)[["draw", "param", "score"]]
    parts = [downsample(part, SAMPLE_ROWS) for _, part in trace.groupby("param", sort=False)]
    return pd.concat(parts, ignore_index=True)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def fisher_curve(
    spec: ProblemSpec, values: tuple[float, ...], n: int, parameter: int, seed: int
) -> pd.DataFrame:
    """core.fisher_curve: Monte Carlo I_jj ± SE at each value of θ_j, beside the exact value."""
    return core.fisher_curve(build_problem(spec), values, n, parameter=parameter, seed=seed)


# -- page 3: variance vs sample count ------------------------------------------------------------


@st.cache_data(max_entries=MAX_SWEEP_ENTRIES, show_spinner=False)
def variance_sweep_row(
    spec: ProblemSpec, n: int, reps: int, estimator: str, baseline: Baseline, seed: int
) -> pd.DataFrame:
    """core.variance_sweep at one n: the rows for n, identical to those of the whole sweep."""
    return core.variance_sweep(
        build_problem(spec), [n], reps, estimator=estimator, baseline=baseline, seed=seed
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def sweep_estimates(
    spec: ProblemSpec, n: int, reps: int, estimator: str, baseline: Baseline, seed: int
) -> pd.DataFrame:
    """core.sweep_estimates: the individual estimates behind the sweep's row for n."""
    return core.sweep_estimates(
        build_problem(spec), n, reps, estimator=estimator, baseline=baseline, seed=seed
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def samples_needed(
    spec: ProblemSpec, relative_error: float, estimator: str, baseline: Baseline
) -> pd.DataFrame:
    """core.samples_needed: the exact N for a target relative error (1/SNR) per parameter."""
    return core.samples_needed(
        build_problem(spec), relative_error, estimator=estimator, baseline=baseline
    )


# -- charts --------------------------------------------------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def chart_spec(builder: str, *args, **kwargs) -> dict:
    """The Vega-Lite spec of `ui.charts.<builder>(*args, **kwargs)`, built once per data.

    Altair spends most of a page's render building and schema-validating chart objects; the
    builders are validated in tests/ui/test_charts.py, so here a spec is built unvalidated,
    once, and reused whenever the same data comes back.
    """
    return getattr(charts, builder)(*args, **kwargs).to_dict(validate=False)


def show_chart(builder: str, *args, **kwargs) -> None:
    """Draw `ui.charts.<builder>(*args, **kwargs)` at the container's width, via chart_spec."""
    st.vega_lite_chart(chart_spec(builder, *args, **kwargs), width="stretch")
