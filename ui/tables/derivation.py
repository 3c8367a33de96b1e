"""The bandit derivation's tables: the first draws of the running estimate, one gradient
three ways (exact, Monte Carlo, finite difference), and the objective/gradient panel pair."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import core
from ui.cache import show_chart
from ui.checks import agreement, check_badge, exact_check_badge, rounding_spread
from ui.format import plus_minus
from ui.tables.static import static_table

# Draws shown in the bandit's first-draws table.
FIRST_DRAWS = 10


def first_draws(draws: pd.DataFrame, rows: int = FIRST_DRAWS) -> None:
    """The first `rows` draws of core.derivation.running_estimate: action, reward, score, term, mean."""
    first = draws[draws["draw"] <= rows]
    static_table(
        pd.DataFrame(
            {
                "draw": first["draw"],
                "a": first["x"].astype(int),
                "r(a)": first["f"],
                "∇θ log π(a)": first["score"],
                "r(a)·∇θ log π(a)": first["term"],
                "running mean": first["running_mean"],
            }
        ),
        dict.fromkeys(("r(a)", "∇θ log π(a)", "r(a)·∇θ log π(a)", "running mean"), "%.3f"),
    )


def gradient_checks(
    exact: float, estimate: float, standard_error: float, finite_difference: float
) -> pd.DataFrame:
    """The three values of one gradient for the gradient panel: exact, Monte Carlo ± 2 SE and
    the finite difference."""
    return pd.DataFrame(
        {
            "method": ["exact", "Monte Carlo ± 2 SE", "finite difference"],
            "gradient": [exact, estimate, float(finite_difference)],
            "standard_error": [0.0, standard_error, 0.0],
        }
    )


def gradient_three_ways(
    exact: float,
    estimate: float,
    standard_error: float,
    finite_difference: pd.Series,
    n: int,
    exact_note: str,
    check: core.Agreement | None = None,
) -> None:
    """One gradient three ways, as metrics side by side: exact (with `exact_note` saying how),
    Monte Carlo from n draws ± its exact SE `standard_error` (σ/√n), checked against it
    (`check`, from core.checks.mean_checks — exact SE and exact law; without it, the normal
    approximation on `standard_error`), and core.derivation's finite_difference_check row (its
    value, step and check). No ± when the SE is rounding: every draw gives ∇J."""
    exact_col, mc_col, fd_col = st.columns(3)
    with exact_col:
        st.metric("Exact ∇J(θ), closed form", f"{exact:.6g}")
        st.caption(exact_note)
    with mc_col:
        shown = plus_minus(
            estimate, standard_error, rounding_spread(estimate, exact), value_format=".4f"
        )
        st.metric(
            f"Monte Carlo from n = {n:,} draws", shown,
            help="± its exact standard error σ/√n, with σ² the exact variance of one draw's term "
            "r(a)·∇θ log π(a).",
        )  # fmt: skip
        check_badge(check or agreement(estimate, exact, standard_error), "vs exact")
    with fd_col:
        st.metric(
            "Finite difference of exact J", f"{finite_difference['finite_difference']:.8g}",
            help=f"[J(θ + h) − J(θ − h)] / 2h with h = {finite_difference['step']:.0e}",
        )  # fmt: skip
        exact_check_badge(finite_difference)


def objective_and_gradient(curve: pd.DataFrame, checks: pd.DataFrame, theta: float) -> None:
    """core.objective_curve side by side: J(θ), and ∇J(θ) with the three values of `checks`
    (gradient_checks) at the visitor's θ."""
    objective_col, gradient_col = st.columns(2)
    with objective_col:
        st.markdown("**Objective J(θ)**")
        show_chart("objective_panel", curve, theta=theta)
    with gradient_col:
        st.markdown("**Gradient ∇J(θ)**")
        show_chart("gradient_panel", curve, checks, theta=theta)
