"""Sidebar controls shared by pages 4–6: each widget has a short stable key bound to the URL, so a
copied link reproduces the view; bounds keep every value one core accepts."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

import core
from ui.cached_456 import ProblemSpec, gaussian_spec
from ui.common import show_input_error

URL = "query-params"
MAX_SEED = 2**31 - 1


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


def gaussian_controls(prefix: str = "") -> ProblemSpec:
    """μ, σ, the cost and its k for core.Gaussian; returns the problem spec."""
    mu = st.slider("Mean μ", -3.0, 3.0, 0.0, 0.1, key=f"{prefix}mu", bind=URL)
    sigma = st.slider("Standard deviation σ", 0.1, 3.0, 1.0, 0.05, key=f"{prefix}sigma", bind=URL)
    cost = st.selectbox(
        "Cost f(x)",
        core.COSTS,
        index=core.COSTS.index("square"),
        key=f"{prefix}cost",
        bind=URL,
        help="linear x · square (x − k)² · cos cos(kx) · bump exp(−k x²) · step 1[x > k] "
        "(not differentiable) · abs |x − k|",
    )
    k = st.number_input(
        "k (empty: the cost's natural default)",
        min_value=-3.0,
        max_value=3.0,
        value=None,
        step=0.1,
        key=f"{prefix}k",
        bind=URL,
        placeholder="default",
        help="The cost's shift or frequency — empty means 0 for square, step and abs, 1 for cos "
        "and bump; the linear cost ignores it.",
    )
    return gaussian_spec(mu, sigma, cost, k)


def work_budget(parts: Sequence[tuple[Sequence[int], int]], fix: str) -> int:
    """Check the samples a view draws — each part reps × Σn, summed — against the cap on one
    request and show the total next to the controls; over the cap, say so with `fix` and stop
    the page before any work starts."""
    try:
        work = core.check_work_budget([core.work_of(ns, reps) for ns, reps in parts])
    except ValueError as error:
        show_input_error(error, fix)
        st.stop()
    share = work / core.MAX_SAMPLES_PER_REQUEST
    st.caption(
        f"Work: **{work:,}** samples per run — {share:.1%} of the "
        f"{core.MAX_SAMPLES_PER_REQUEST:,}-sample cap on one request."
    )
    return work
