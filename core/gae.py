"""Discounting and generalized advantage estimation, GAE(γ, λ) (Schulman et al. 2016,
arXiv:1506.02438), on `Episodes`: exact bias and variance against λ by enumerating all 2^T
episodes, with the exact critic and a deliberately wrong one, Monte Carlo beside them.

δ_t = r_t + γ V̂_{t+1}(s_{t+1}) − V̂_t(s_t),  Â_t = Σ_{l ≥ 0} (γλ)^l δ_{t+l},
ĝ = Σ_t Â_t ∇θ log π(a_t|s_t). With the exact discounted critic V̂ = V^γ, E[Â_t | s_t, a_t] is
the discounted advantage at every λ (the paper's γ-just estimator, Prop. 1), so λ moves only the
variance; with V̂ = c·V^γ the bias depends on λ and vanishes at λ = 1, where Â_t is the discounted
reward-to-go minus the baseline V̂_t(s_t). Bias is measured against ∇E[R] of the undiscounted
return, so γ < 1 adds a bias of its own.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from core.episodes import Episodes
from core.numerics import check_finite, check_sample_count, make_rng


def _check_unit(value: object, name: str) -> float:
    value = check_finite(value, name)
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, got {value:g}")
    return value


def gae_terms(
    problem: Episodes, x: np.ndarray, gamma: float, lam: float, critic: np.ndarray
) -> np.ndarray:
    """Per-episode GAE(γ, λ) estimates ĝ, shape (n, S), for episodes x (n, T) and a critic
    table V̂ of shape (T + 1, S) (V̂_T = 0 at the end)."""
    step_scores, positions, rewards = problem._step_scores(x)
    _, full_positions = problem._positions(x)
    steps = np.arange(problem.horizon)
    here = critic[steps, full_positions[:, :-1]]
    after = critic[steps + 1, full_positions[:, 1:]]
    residuals = rewards + gamma * after - here
    advantages = np.empty_like(residuals)
    running = np.zeros(residuals.shape[0])
    for t in range(problem.horizon - 1, -1, -1):
        running = residuals[:, t] + gamma * lam * running
        advantages[:, t] = running
    return problem._gather(advantages * step_scores, positions)


def _critics(problem: Episodes, gamma: float, critic_scale: float) -> dict[str, np.ndarray]:
    exact = problem.values(gamma)
    return {"exact V": exact, f"c·V, c = {critic_scale:g}": critic_scale * exact}


def gae_study(
    problem: Episodes,
    *,
    gamma: float = 0.95,
    lambdas: Sequence[float] = tuple(np.round(np.linspace(0.0, 1.0, 11), 10)),
    critic_scale: float = 0.5,
    n: int = 2_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Bias and per-episode variance of the GAE(γ, λ) estimate for each λ and critic (exact V^γ
    and c·V^γ), exact by enumeration beside Monte Carlo from n episodes (the same episodes for
    every λ and critic, drawn from `seed`).

    exact_bias = E[ĝ] − ∇E[R] (undiscounted). Monte Carlo: mean of the n per-episode terms
    (mean_standard_error = √(Var/n), exact) and their sample variance (variance_standard_error
    = √((μ₄ − σ⁴(n−3)/(n−1))/n), μ₄ the exact fourth central moment).
    Columns: critic, lam, param, gamma, exact_mean, exact_gradient, exact_bias, exact_variance,
    mean, mean_standard_error, variance, variance_standard_error, n.
    """
    gamma = _check_unit(gamma, "γ (gamma)")
    critic_scale = check_finite(critic_scale, "critic scale c")
    lambdas = [_check_unit(lam, "λ (lambda)") for lam in lambdas]
    n = check_sample_count(n)
    if n < 2:
        raise ValueError("the Monte Carlo variance needs n ≥ 2 episodes")
    support, probabilities = problem.support()
    sampled = problem.sample(make_rng(seed), n)
    gradient = problem.exact_gradient()
    rows = []
    for critic_name, critic in _critics(problem, gamma, critic_scale).items():
        for lam in lambdas:
            exact_terms = gae_terms(problem, support, gamma, lam, critic)
            mean = probabilities @ exact_terms
            centred = exact_terms - mean
            variance = probabilities @ centred**2
            fourth = probabilities @ centred**4
            terms = gae_terms(problem, sampled, gamma, lam, critic)
            sample_mean, sample_variance = terms.mean(axis=0), terms.var(axis=0, ddof=1)
            variance_se = np.sqrt(np.maximum(fourth - variance**2 * (n - 3) / (n - 1), 0.0) / n)
            for j, name in enumerate(problem.params):
                rows.append(
                    {
                        "critic": critic_name,
                        "lam": lam,
                        "param": name,
                        "gamma": gamma,
                        "exact_mean": mean[j],
                        "exact_gradient": gradient[j],
                        "exact_bias": mean[j] - gradient[j],
                        "exact_variance": variance[j],
                        "mean": sample_mean[j],
                        "mean_standard_error": math.sqrt(variance[j] / n),
                        "variance": sample_variance[j],
                        "variance_standard_error": variance_se[j],
                        "n": n,
                    }
                )
    return pd.DataFrame(rows)
