"""The score's two identities seen draw by draw: E[s] = 0 and E[s sᵀ] = Fisher information.

`score_trace` keeps every score value and its running mean (the same draws `core.score_check`
averages for the same seed), beside the exact ±σ/√n band; `fisher_curve` estimates the Fisher
information at several parameter values, to lay over the exact curve from `objective_curve`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.numerics import check_finite, check_sample_count, make_rng
from core.problem import Problem
from core.studies import score_check
from core.variance_studies import derived_seed


def score_trace(problem: Problem, n: int, *, seed: int = 0) -> pd.DataFrame:
    """Each draw's score and the running mean of the scores, per parameter (long format).

    Draws are those of `score_check(problem, n, seed=seed)`, so the last running mean is its
    "mean score" estimate. exact_standard_error is √(I_jj / draw): the exact standard deviation
    of the running mean, since Var[s_j] = I_jj (E[s] = 0). Columns: draw, param, score,
    running_mean, exact_standard_error.
    """
    n = check_sample_count(n)
    scores = problem.score(problem.sample(make_rng(seed), n))
    fisher_diagonal = np.diag(problem.fisher_information())
    draws = np.arange(1, n + 1)
    frames = [
        pd.DataFrame(
            {
                "draw": draws,
                "param": name,
                "score": scores[:, j],
                "running_mean": np.cumsum(scores[:, j]) / draws,
                "exact_standard_error": np.sqrt(fisher_diagonal[j] / draws),
            }
        )
        for j, name in enumerate(problem.params)
    ]
    return pd.concat(frames, ignore_index=True)


def fisher_curve(
    problem: Problem,
    values: Sequence[float],
    n: int,
    *,
    parameter: int = 0,
    seed: int = 0,
) -> pd.DataFrame:
    """Monte Carlo Fisher information I_jj (mean of s_j² over n draws) as θ_j sweeps `values`.

    Point i is `score_check` at θ_j = values[i] with seed derived_seed(seed, i), so the points
    are independent. Columns: value, param, estimate, standard_error, exact.
    """
    if not 0 <= parameter < problem.dim:
        raise ValueError(f"parameter must be an index in 0..{problem.dim - 1}, got {parameter}")
    name = problem.params[parameter]
    rows = []
    for i, value in enumerate(values):
        theta = problem.theta.astype(np.float64)
        theta[parameter] = check_finite(value, "value")
        check = score_check(problem.with_theta(theta), n, seed=derived_seed(seed, i))
        entry = check[
            (check["quantity"] == "fisher") & (check["row"] == name) & (check["col"] == name)
        ]
        rows.append(
            {
                "value": theta[parameter],
                "param": name,
                "estimate": float(entry["estimate"].iloc[0]),
                "standard_error": float(entry["standard_error"].iloc[0]),
                "exact": float(entry["exact"].iloc[0]),
            }
        )
    return pd.DataFrame(rows)
