"""Gradient-ascent runs: each run's final exact objective as a metric, then the runs' chart, and
for a run that diverged, where it did and a step that converges."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd
import streamlit as st

from core.calls import Call
from core.studies import diverged_at
from ui import cache


def ascent_runs(runs: pd.DataFrame, maximize: bool) -> None:
    """Labelled gradient-ascent runs (ui.cache.labelled_tables): each run's final exact J(θ) as a
    metric, then the runs' chart (J(θ) when maximising a reward, E[cost] when minimising)."""
    final = runs.groupby("run", sort=False).last()
    for column, (label, row) in zip(st.columns(len(final)), final.iterrows(), strict=True):
        column.metric(f"final J(θ), {label} (exact)", f"{row['expected_value']:.6g}")
    objective_title = "exact J(θ) = E[f] (reward units)" if maximize else "exact E[cost]"
    cache.show_chart("ascent_chart", runs, objective_title=objective_title)


def ascent_divergences(calls: Mapping[str, Call], learning_rates: Sequence[float]) -> None:
    """For each labelled `gradient_ascent` call whose run diverged (core stops it there): the
    step and θ where it did, and the largest of `learning_rates` below its own that converges
    with the same seed and settings (core.studies.largest_stable_learning_rate)."""
    for label, call in calls.items():
        run = cache.compute(call)
        step = diverged_at(run)
        if step is None:
            continue
        options = dict(call.keywords)
        steps, n, rate = options.pop("steps"), options.pop("n"), options.pop("learning_rate")
        smaller = tuple(value for value in learning_rates if value < rate)
        stable = None
        if smaller:
            stable = cache.compute(
                Call.of(
                    "studies.largest_stable_learning_rate",
                    call.problem,
                    steps,
                    n,
                    smaller,
                    **options,
                )  # fmt: skip
            )
        theta = ", ".join(
            f"{name} = {value:.3g}"
            for name, value in zip(call.problem.params, run.attrs["diverged_theta"], strict=True)
        )
        advice = (
            f"A step of **η = {stable:g}** converges with this seed: choose it under "
            "Gradient ascent."
            if stable is not None
            else "No smaller learning rate on the slider converges with this seed: use more "
            "samples per step or a baseline."
        )
        st.warning(
            f"**The run {label} diverged at step {step}** (θ = ({theta})): its noisy steps "
            f"of η = {rate:g} pushed θ where the exact objective overflows, so the run stops "
            f"there and the chart shows the steps before it. {advice}",
            icon="⚠️",
        )
