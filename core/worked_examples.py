"""Worked examples, sample by sample: a policy's draws table, the step cost's pathwise failure,
and one episode credited by hand — each number beside the exact value it estimates."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core.checks import mean_checks
from core.episodes import CREDITS, Episodes
from core.exact import per_sample_variance
from core.gaussian import Gaussian
from core.logistic_policy import LogisticPolicy
from core.numerics import check_sample_count, make_rng, sigmoid
from core.policy import LinearGaussianPolicy


def _states_actions_and_mean(problem, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(state features (n, d), actions (n,), the policy's mean action E[a|s] (n,))."""
    if isinstance(problem, LinearGaussianPolicy):
        states, actions = x[:, : problem.dim], x[:, problem.dim]
        return states, actions, states @ problem.theta
    if isinstance(problem, LogisticPolicy):
        index = x[:, 0].astype(np.int64)
        return problem.states[index], x[:, 1], sigmoid(problem.logits[index])
    raise ValueError(
        f"the policy draws table needs a LinearGaussianPolicy or LogisticPolicy, got "
        f"{type(problem).__name__}"
    )


def policy_draws(
    problem: LinearGaussianPolicy | LogisticPolicy, n: int, *, seed: int = 0
) -> pd.DataFrame:
    """The first n draws (s, a) of a linear-activation policy, one row per draw and parameter:
    state s, action a, the policy's mean action (wᵀs, or σ(wᵀs) = π(1|s)), reward r, score
    ∇w_j log π(a|s) ((a − wᵀs)s_j/σ², or (a − σ(wᵀs))s_j), term r·score, its running mean, the
    exact ∂J/∂w_j and the exact SE σ_j/√draw of the running mean (σ_j² the exact per-draw
    variance, `per_sample_variance`).

    Columns: draw, param, state (s_j of this row's parameter), action, mean_action, reward,
    score, term, running_mean, exact_gradient, exact_standard_error, and at the last draw the
    check of the running mean (p_value, law: `core.checks.mean_checks`; NaN / "" before).
    """
    n = check_sample_count(n)
    x = problem.sample(make_rng(seed), n)
    states, actions, mean_action = _states_actions_and_mean(problem, x)
    reward, scores = problem.f(x), problem.score(x)
    draws = np.arange(1, n + 1)
    gradient = problem.exact_gradient()
    deviation = np.sqrt(per_sample_variance(problem, "score"))
    frames = []
    for j, name in enumerate(problem.params):
        terms = reward * scores[:, j]
        frames.append(
            pd.DataFrame(
                {
                    "draw": draws,
                    "param": name,
                    "state": states[:, j],
                    "action": actions,
                    "mean_action": mean_action,
                    "reward": reward,
                    "score": scores[:, j],
                    "term": terms,
                    "running_mean": np.cumsum(terms) / draws,
                    "exact_gradient": gradient[j],
                    "exact_standard_error": deviation[j] / np.sqrt(draws),
                }
            )
        )
    # The last running mean of each parameter is the one checked (core.checks.mean_checks).
    checks = mean_checks(problem, n, [frame["running_mean"].iloc[-1] for frame in frames])
    for frame, check in zip(frames, checks, strict=True):
        frame["p_value"] = np.where(frame["draw"] == n, check.p_value, np.nan)
        frame["law"] = np.where(frame["draw"] == n, check.stored_law, "")
    return pd.concat(frames, ignore_index=True)


def step_cost_autodiff(problem: Gaussian, n: int, *, seed: int = 0) -> pd.DataFrame:
    """What the pathwise (autodiff) gradient of E[1[x > k]] returns, beside the exact gradient.

    With x = μ + σz, autodiff differentiates the program 1[x > k]: a comparison, whose
    derivative is 0 at every x ≠ k (x = k has probability 0), so every pathwise term f'(x)·(1, z)
    is 0 and so is their mean, while ∂μ E = φ(t)/σ and ∂σ E = tφ(t)/σ with t = (k − μ)/σ: the
    jump's contribution is a Dirac mass δ(x − k) that no sample hits (Mohamed et al. 2020,
    arXiv:1906.10652, §5.3). The score-function estimate from the same draws stays unbiased.

    Columns: param, exact_gradient, pathwise_estimate, pathwise_standard_error (0: every term
    is 0), pathwise_bias (estimate − exact, exact here: −exact), score_estimate,
    score_exact_standard_error (√(Var/n), Var exact), n.
    """
    if not isinstance(problem, Gaussian) or problem.cost.name != "step":
        raise ValueError(
            "the autodiff failure is shown on the step cost: a Gaussian with cost='step'"
        )
    n = check_sample_count(n)
    x = problem.sample(make_rng(seed), n)
    z = (x - problem.mu) / problem.sigma
    derivative = step_derivative(problem, x)
    pathwise = derivative[:, None] * np.column_stack([np.ones_like(z), z])
    score_terms = problem.score_terms(x)
    exact = problem.exact_gradient()
    variance = per_sample_variance(problem, "score")
    return pd.DataFrame(
        {
            "param": list(problem.params),
            "exact_gradient": exact,
            "pathwise_estimate": pathwise.mean(axis=0),
            "pathwise_standard_error": pathwise.std(axis=0) / math.sqrt(n),
            "pathwise_bias": pathwise.mean(axis=0) - exact,
            "score_estimate": score_terms.mean(axis=0),
            "score_exact_standard_error": np.sqrt(variance / n),
            "n": n,
        }
    )


def step_derivative(problem: Gaussian, x: np.ndarray) -> np.ndarray:
    """d/dx 1[x > k] as autodiff returns it: 0 wherever x ≠ k (NaN at x = k, never sampled)."""
    x = np.asarray(x, dtype=np.float64)
    return np.where(x == problem.cost.k, np.nan, 0.0)


def step_cost_draws(problem: Gaussian, rows: int = 8, *, seed: int = 0) -> pd.DataFrame:
    """The first `rows` draws of `step_cost_autodiff` (same seed): x, z, f(x) = 1[x > k], f'(x),
    the pathwise μ-term f'(x)·1 and the score-function μ-term f(x)·z/σ.

    Columns: draw, x, z, f, derivative, pathwise_term, score_term.
    """
    rows = check_sample_count(rows, "rows")
    x = problem.sample(make_rng(seed), rows)
    z = (x - problem.mu) / problem.sigma
    derivative = step_derivative(problem, x)
    return pd.DataFrame(
        {
            "draw": np.arange(1, rows + 1),
            "x": x,
            "z": z,
            "f": problem.f(x),
            "derivative": derivative,
            "pathwise_term": derivative,
            "score_term": problem.score_terms(x)[:, 0] + 0.0,  # + 0.0: no "-0.000" cells
        }
    )


def one_episode(problem: Episodes, *, seed: int = 0, episode: int = 1) -> pd.DataFrame:
    """One episode worked by hand, one row per step t: position s_t, action a_t, next position,
    reward r_t, return R, reward-to-go G_t = Σ_{t' ≥ t} r_t', the exact value V_t(s_t), the
    parameter θ_{s_t} the step's score lands on, score a_t − σ(θ_{s_t}), and each credit's term
    (R, G_t or G_t − V_t(s_t)) × score. Summed per parameter, a credit's terms are that
    episode's estimate (`Episodes.credited_score`).

    The episode is number `episode` (1-based) of the n episodes `sample` rolls out from `seed`.
    Columns: step, position, action, next_position, reward, return_, reward_to_go, value, param,
    probability_right, score, and term_<credit> per credit in CREDITS.
    """
    return _episode_table(problem, _nth_episode(problem, seed, episode))


def _nth_episode(problem: Episodes, seed: int, episode: int) -> np.ndarray:
    """Episode number `episode` (1-based) of those `sample` rolls out from `seed`, shape (1, T)."""
    return problem.sample(make_rng(seed), check_sample_count(episode, "episode"))[-1:]


def _episode_table(problem: Episodes, x: np.ndarray) -> pd.DataFrame:
    """`one_episode`'s table of the one episode x, shape (1, T)."""
    step_scores, positions, rewards = problem._step_scores(x)
    to_go = problem.rewards_to_go(x)[0]
    values = problem.values()[np.arange(problem.horizon), positions[0]]
    ret = float(rewards[0].sum())
    credit = {"return": np.full(problem.horizon, ret), "reward_to_go": to_go}
    credit["advantage"] = to_go - values
    table = pd.DataFrame(
        {
            "step": np.arange(problem.horizon),
            "position": positions[0],
            "action": x[0].astype(int),
            "next_position": problem._step(positions[0], x[0] == 1),
            "reward": rewards[0],
            "return_": ret,
            "reward_to_go": to_go,
            "value": values,
            "param": [problem.params[s] for s in positions[0]],
            "probability_right": sigmoid(problem.theta)[positions[0]],
            "score": step_scores[0],
        }
    )
    for name in CREDITS:
        table[f"term_{name}"] = credit[name] * step_scores[0]
    return table


def episode_estimates(problem: Episodes, *, seed: int = 0, episode: int = 1) -> pd.DataFrame:
    """That episode's estimate per credit and parameter, summed from `one_episode`'s terms,
    beside `Episodes.credited_score` of the same episode (the vectorised route) and ∂E[R]/∂θ.

    Columns: credit, param, by_hand, credited_score, exact_gradient.
    """
    x = _nth_episode(problem, seed, episode)
    steps = _episode_table(problem, x)
    gradient = problem.exact_gradient()
    rows = []
    for name in CREDITS:
        vectorised = problem.with_credit(name).credited_score(x)[0]
        for j, param in enumerate(problem.params):
            rows.append(
                {
                    "credit": name,
                    "param": param,
                    "by_hand": float(steps.loc[steps["param"] == param, f"term_{name}"].sum()),
                    "credited_score": float(vectorised[j]),
                    "exact_gradient": float(gradient[j]),
                }
            )
    return pd.DataFrame(rows)


def step_cost_at(problem: Gaussian) -> Gaussian:
    """The step cost 1[x > k] under the problem's N(μ, σ²): k its own if its cost is the step,
    else the step's default k = 0."""
    if not isinstance(problem, Gaussian):
        raise ValueError(f"the step cost needs a Gaussian, got {type(problem).__name__}")
    k = problem.cost.k if problem.cost.name == "step" else None
    return Gaussian(problem.mu, problem.sigma, "step", k)
