"""Cached calls into core for the Baselines, Continuous and Trajectories pages (pages 4–6).

Every function takes plain hashable arguments (numbers, strings, tuples) and returns a DataFrame,
so `st.cache_data` can key on them and hand each session its own copy. A problem travels as a
*spec*, a tuple naming its class and constructor arguments, e.g. ``("bandit", 0.0, (5.0, 10.0))``;
`build_problem` turns it into a core problem and `problem_code` into the Python that builds it,
so every "reproduce in Python" block shows the exact call.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

import core

MAX_ENTRIES = 64

ProblemSpec = tuple


def bandit_spec(theta: float, r0: float, r1: float) -> ProblemSpec:
    return ("bandit", float(theta), (float(r0), float(r1)))


def softmax_spec(logits: tuple[float, ...], rewards: tuple[float, ...]) -> ProblemSpec:
    return ("softmax", tuple(map(float, logits)), tuple(map(float, rewards)))


def gaussian_spec(mu: float, sigma: float, cost: str, k: float | None) -> ProblemSpec:
    return ("gaussian", float(mu), float(sigma), cost, None if k is None else float(k))


# A custom cost's computations stop after this long (core.ParsedExpression.with_time_limit).
CUSTOM_COST_SECONDS = 8.0


def custom_gaussian_spec(mu: float, sigma: float, formula: str) -> ProblemSpec:
    """A Gaussian with a visitor's cost f(x), kept as its text (checked by core.parse_expression)."""
    return ("gaussian_formula", float(mu), float(sigma), str(formula))


def policy_spec(weights: tuple[float, ...], target: tuple[float, ...], sigma: float) -> ProblemSpec:
    return ("policy", tuple(map(float, weights)), tuple(map(float, target)), float(sigma))


def episodes_spec(
    horizon: int, theta: tuple[float, ...], state_rewards: tuple[float, ...], credit: str
) -> ProblemSpec:
    return (
        "episodes",
        int(horizon),
        tuple(map(float, theta)),
        tuple(map(float, state_rewards)),
        credit,
    )


def build_problem(spec: ProblemSpec) -> core.Problem:
    """The core problem a spec names; core's ValueError passes through for the page to show."""
    kind, *args = spec
    if kind == "bandit":
        return core.Bandit(theta=args[0], rewards=args[1])
    if kind == "softmax":
        return core.SoftmaxBandit(logits=args[0], rewards=args[1])
    if kind == "gaussian":
        return core.Gaussian(mu=args[0], sigma=args[1], cost=args[2], k=args[3])
    if kind == "gaussian_formula":
        # parsed afresh per computation, with a deadline that bounds this computation's quadrature
        cost = core.parse_expression(args[2]).with_time_limit(CUSTOM_COST_SECONDS)
        return core.Gaussian(mu=args[0], sigma=args[1], cost=cost)
    if kind == "policy":
        return core.LinearGaussianPolicy(weights=args[0], target=args[1], sigma=args[2])
    if kind == "episodes":
        return core.Episodes(horizon=args[0], theta=args[1], state_rewards=args[2], credit=args[3])
    raise ValueError(f"unknown problem kind {kind!r}")


def problem_code(spec: ProblemSpec) -> str:
    """The Python expression that builds the spec's problem, e.g. 'core.Bandit(theta=0.0, ...)'."""
    kind, *args = spec
    if kind == "bandit":
        return f"core.Bandit(theta={args[0]!r}, rewards={args[1]!r})"
    if kind == "softmax":
        return f"core.SoftmaxBandit(logits={args[0]!r}, rewards={args[1]!r})"
    if kind == "gaussian":
        return f"core.Gaussian(mu={args[0]!r}, sigma={args[1]!r}, cost={args[2]!r}, k={args[3]!r})"
    if kind == "gaussian_formula":
        return (
            f"core.Gaussian(mu={args[0]!r}, sigma={args[1]!r}, "
            f"cost=core.parse_expression({args[2]!r}))"
        )
    if kind == "policy":
        return (
            f"core.LinearGaussianPolicy(weights={args[0]!r}, target={args[1]!r}, sigma={args[2]!r})"
        )
    if kind == "episodes":
        return (
            f"core.Episodes(horizon={args[0]!r}, theta={args[1]!r}, "
            f"state_rewards={args[2]!r}, credit={args[3]!r})"
        )
    raise ValueError(f"unknown problem kind {kind!r}")


# -- page 4: baselines ---------------------------------------------------------------------------

BASELINE_COMPARISON_COUNT = 5  # none, constant, batch mean, leave-one-out, optimal


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def exact_summary(spec: ProblemSpec) -> pd.DataFrame:
    """One row per param: exact gradient, optimal baseline b*, E[f] and the Fisher diagonal."""
    problem = build_problem(spec)
    return pd.DataFrame(
        {
            "param": problem.params,
            "exact_gradient": problem.exact_gradient(),
            "optimal_baseline": problem.optimal_baseline(),
            "expected_value": problem.expected_value(),
            "fisher_information": np.diag(problem.fisher_information()),
        }
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def rare_outcome_warning(spec: ProblemSpec, draws: int) -> str | None:
    """core.rare_outcome_warning: why the SE-based checks are unreliable for `draws` draws."""
    return core.rare_outcome_warning(build_problem(spec), draws)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def baseline_comparison(
    spec: ProblemSpec, n: int, reps: int, constant: float, seed: int
) -> pd.DataFrame:
    """core.baseline_comparison: MC bias and variance per baseline beside the exact values, plus
    `monte_carlo_reduction`, the MC variance without a baseline over the MC variance with it
    (NaN where the latter is zero)."""
    table = core.baseline_comparison(build_problem(spec), n, reps, constant=constant, seed=seed)
    plain = table[table["baseline"] == "none"].set_index("param")["variance"]
    return table.assign(
        monte_carlo_reduction=table["param"].map(plain)
        / table["variance"].where(table["variance"] > 0)
    )


BASELINE_CURVE_POINTS = 121


def baseline_range(summary: pd.DataFrame, constant: float) -> tuple[float, float]:
    """A range of b that shows the whole parabola: 0, the constant, E[f] and every b*, with
    a margin of a quarter of their spread (at least 1) on each side."""
    marks = [0.0, constant, float(summary["expected_value"].iloc[0])]
    marks += summary["optimal_baseline"].tolist()
    low, high = min(marks), max(marks)
    margin = max(0.25 * (high - low), 1.0)
    return round(low - margin, 6), round(high + margin, 6)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def baseline_variance_curve(spec: ProblemSpec, low: float, high: float) -> pd.DataFrame:
    """core.baseline_variance_curve on np.linspace(low, high, BASELINE_CURVE_POINTS)."""
    return core.baseline_variance_curve(
        build_problem(spec), np.linspace(low, high, BASELINE_CURVE_POINTS)
    )


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def optimal_baseline_terms(spec: ProblemSpec) -> pd.DataFrame:
    """Each action of an enumerable problem with its probability, reward, score and the term
    (f − b*)·score under the optimal baseline, beside the exact gradient (first param)."""
    problem = build_problem(spec)
    actions, probabilities = problem.support()
    return pd.DataFrame(
        {
            "action": actions,
            "probability": probabilities,
            "reward": problem.f(actions),
            "score": problem.score(actions)[:, 0],
            "optimal_baseline": problem.optimal_baseline()[0],
            "term": core.score_function_terms(problem, actions, "optimal")[:, 0],
            "exact_gradient": problem.exact_gradient()[0],
        }
    )


BASELINE_TITLES = {"mean": "batch mean", "loo": "leave-one-out", "optimal": "optimal b*"}


def baseline_title(baseline: str | float | None) -> str:
    """How a person names a baseline: 'leave-one-out', 'constant b = 5', 'no baseline'."""
    if baseline is None:
        return "no baseline"
    if isinstance(baseline, str):
        return BASELINE_TITLES[baseline]
    return f"constant b = {baseline:g}"


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def ascent_runs(
    spec: ProblemSpec,
    steps: int,
    n: int,
    learning_rate: float,
    baseline: str | float,
    maximize: bool,
    seed: int,
) -> pd.DataFrame:
    """core.gradient_ascent without and with a baseline, same seed; a `run` column tells them
    apart."""
    problem = build_problem(spec)
    runs = []
    for label, choice in ((baseline_title(None), None), (baseline_title(baseline), baseline)):
        run = core.gradient_ascent(
            problem, steps, n, learning_rate, baseline=choice, maximize=maximize, seed=seed
        )
        runs.append(run.assign(run=label))
    return pd.concat(runs, ignore_index=True)


# -- page 5: continuous and non-differentiable rewards -------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def per_sample_comparison(spec: ProblemSpec, n: int, seed: int) -> pd.DataFrame:
    """Every estimator on one problem from n samples: the estimate ± SE (mean of the per-sample
    terms), the per-sample variance ± SE, and their exact values.

    Each estimator is core.variance_curve with ns=[1], reps=n: n one-sample estimates are the n
    per-sample terms, so `mean` is the n-sample estimate and `variance` the per-sample variance.
    An estimator core declines (ValueError) gets rows with available=False and core's reason.
    """
    problem = build_problem(spec)
    gradient = problem.exact_gradient()
    frames = []
    for estimator in core.ESTIMATORS:
        try:
            curve = core.variance_curve(problem, [1], n, estimator=estimator, seed=seed)
        except ValueError as error:
            curve = pd.DataFrame(
                {"param": problem.params, "exact_gradient": gradient, "reason": str(error)}
            ).assign(available=False)
        else:
            curve = curve.assign(available=True, reason="")
        frames.append(curve.assign(estimator=estimator))
    table = pd.concat(frames, ignore_index=True)
    columns = [
        "estimator",
        "param",
        "available",
        "reason",
        "mean",
        "mean_standard_error",
        "exact_gradient",
        "variance",
        "variance_standard_error",
        "exact_variance",
    ]
    return table.reindex(columns=columns)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cost_formula(spec: ProblemSpec) -> str:
    """The Gaussian's cost as a person reads it, with the k in use: 'f(x) = (x − k)², k = 0'."""
    cost = build_problem(spec).cost
    return cost.formula if cost.name in ("linear", "custom") else f"{cost.formula}, k = {cost.k:g}"


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def cost_and_density(spec: ProblemSpec, points: int = 401) -> pd.DataFrame:
    """f(x) and the density p(x|θ) on μ ± 4σ, for drawing the cost under the distribution."""
    problem = build_problem(spec)
    x = np.linspace(problem.mu - 4.0 * problem.sigma, problem.mu + 4.0 * problem.sigma, points)
    return pd.DataFrame({"x": x, "cost": problem.f(x), "density": np.exp(problem.log_prob(x))})


# -- page 6: trajectories -------------------------------------------------------------------------


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def credit_comparison(
    horizon: int,
    theta: tuple[float, ...],
    state_rewards: tuple[float, ...],
    n: int,
    reps: int,
    seed: int,
) -> pd.DataFrame:
    """core.variance_curve of the n-episode estimate for each credit (same seed, so the same
    episodes), with a `credit` column and `variance_reduction`, the exact variance with the whole
    return over the exact variance with this credit (∞ where only the latter is zero, NaN where
    both are)."""
    frames = [
        core.variance_curve(
            build_problem(episodes_spec(horizon, theta, state_rewards, credit)),
            [n],
            reps,
            seed=seed,
        ).assign(credit=credit)
        for credit in core.CREDITS
    ]
    table = pd.concat(frames, ignore_index=True)
    whole_return = table[table["credit"] == "return"].set_index("param")["exact_variance"]
    exact, before = table["exact_variance"], table["param"].map(whole_return)
    with np.errstate(divide="ignore", invalid="ignore"):
        reduction = np.where(exact > 0, before / exact, np.where(before > 0, np.inf, np.nan))
    return table.assign(variance_reduction=reduction)


@st.cache_data(max_entries=MAX_ENTRIES, show_spinner=False)
def horizon_exact(
    horizons: tuple[int, ...], theta: tuple[float, ...], state_rewards: tuple[float, ...]
) -> pd.DataFrame:
    """core.horizon_study: the exact per-sample variance of each credit as T grows."""
    return core.horizon_study(horizons, theta=theta, state_rewards=state_rewards)


@st.cache_data(max_entries=4 * MAX_ENTRIES, show_spinner=False)
def horizon_point(
    horizon: int,
    theta: tuple[float, ...],
    state_rewards: tuple[float, ...],
    episodes: int,
    seed: int,
) -> pd.DataFrame:
    """Monte Carlo per-sample variance of each credit at one horizon, from `episodes` episodes:
    core.repeated_estimates with n = 1 (one term per episode) from the stream
    core.make_rng(core.derived_seed(seed, horizon)) — its own stream per T, the same episodes for
    every credit. `variance_standard_error` is the exact SE of that sample variance
    (core.sample_variance_standard_error), which keeps the 4-SE check at its stated rate where
    the plug-in SE would not. Exact values come from core.horizon_study; one cached call per T
    lets the page show progress."""
    frames = []
    for credit in core.CREDITS:
        problem = build_problem(episodes_spec(horizon, theta, state_rewards, credit))
        rng = core.make_rng(core.derived_seed(seed, horizon))
        terms = core.repeated_estimates(problem, 1, episodes, rng=rng)
        frames.append(
            pd.DataFrame(
                {
                    "horizon": horizon,
                    "credit": credit,
                    "param": problem.params,
                    "mean": terms.mean(axis=0),
                    "mean_standard_error": core.mean_standard_error(terms),
                    "variance": terms.var(axis=0, ddof=1),
                    "variance_standard_error": core.sample_variance_standard_error(
                        problem, episodes
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
