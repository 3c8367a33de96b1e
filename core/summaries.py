"""Exact facts about one problem, as small tables to show beside the Monte Carlo numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from core.problem import Problem


def exact_summary(problem: Problem) -> pd.DataFrame:
    """One row per parameter: the exact gradient ∇J, the optimal baseline
    b*_j = E[f s_j²]/E[s_j²], E[f] and the Fisher diagonal I_jj = E[s_j²]."""
    return pd.DataFrame(
        {
            "param": problem.params,
            "exact_gradient": problem.exact_gradient(),
            "optimal_baseline": problem.optimal_baseline(),
            "expected_value": problem.expected_value(),
            "fisher_information": np.diag(problem.fisher_information()),
        }
    )


def baseline_range(problem: Problem, constant: float) -> tuple[float, float]:
    """A range of constant baselines b that shows the whole variance parabola: it holds 0,
    `constant`, E[f] and every b*_j, with a margin of a quarter of their spread (at least 1) on
    each side, rounded to 6 decimals."""
    marks = [0.0, float(constant), float(problem.expected_value())]
    marks += [float(b) for b in problem.optimal_baseline()]
    low, high = min(marks), max(marks)
    margin = max(0.25 * (high - low), 1.0)
    return round(low - margin, 6), round(high + margin, 6)


def cost_formula(problem: Problem) -> str:
    """A Gaussian's cost as a person reads it, with the k in use: 'f(x) = (x − k)², k = 0'."""
    cost = problem.cost
    return cost.formula if cost.name in ("linear", "custom") else f"{cost.formula}, k = {cost.k:g}"


def cost_and_density(problem: Problem, points: int = 401) -> pd.DataFrame:
    """f(x) and the density p(x|μ, σ) at `points` values of x on μ ± 4σ."""
    x = np.linspace(problem.mu - 4.0 * problem.sigma, problem.mu + 4.0 * problem.sigma, points)
    return pd.DataFrame({"x": x, "cost": problem.f(x), "density": np.exp(problem.log_prob(x))})
