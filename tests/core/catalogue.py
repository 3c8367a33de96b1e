"""Problems at non-trivial settings, shared by the core tests (ids name each case)."""

from __future__ import annotations

import core
from core import _engine
from core.estimators import check_baseline, check_baseline_fits, check_estimator
from core.numerics import check_sample_count

GAUSSIAN_SETTINGS = {
    "linear": (0.4, 0.9, None),
    "square": (0.7, 1.3, 0.5),
    "cos": (0.6, 0.8, 1.5),
    "bump": (0.5, 1.1, 0.7),
    "step": (0.2, 1.2, 0.6),
    "abs": (-0.3, 0.9, 0.4),
}


def gaussian(cost: str) -> core.Gaussian:
    mu, sigma, k = GAUSSIAN_SETTINGS[cost]
    return core.Gaussian(mu, sigma, cost, k)


PROBLEMS = {
    "bandit": lambda: core.Bandit(0.4, (5.0, 10.0)),
    "bandit-negative-rewards": lambda: core.Bandit(-1.2, (-2.0, 3.0)),
    "softmax": lambda: core.SoftmaxBandit((0.3, -0.6, 1.1), (1.0, 4.0, 2.0)),
    **{f"gaussian-{cost}": (lambda cost=cost: gaussian(cost)) for cost in GAUSSIAN_SETTINGS},
    "policy": lambda: core.LinearGaussianPolicy((0.6, 0.3), (1.0, 0.5), 0.5),
    "episodes-return": lambda: core.Episodes(4, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0), "return"),
    "episodes-reward-to-go": lambda: core.Episodes(
        4, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0), "reward_to_go"
    ),
    "episodes-advantage": lambda: core.Episodes(4, (0.2, -0.4, 0.5), (0.0, 0.5, 1.0), "advantage"),
}

DISCRETE = [name for name in PROBLEMS if not name.startswith(("gaussian", "policy"))]
CONTINUOUS = [name for name in PROBLEMS if name.startswith(("gaussian", "policy"))]


def repeated_estimates(problem, n, reps, *, rng, estimator="score", baseline=None, method="auto"):
    """`reps` n-sample estimates from the private engine, with the public argument checks."""
    n, reps = check_sample_count(n), check_sample_count(reps, "reps")
    baseline = check_baseline(baseline)
    check_estimator(estimator, baseline)
    check_baseline_fits(baseline, n)
    return _engine.repeated_estimates(problem, n, reps, rng, estimator, baseline, method)
