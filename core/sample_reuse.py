"""PPO/GRPO-style sample reuse on the bandits, exactly: importance ratio, clipped ratio, effective
sample size and the bias that clipping adds, by enumerating the arm counts of the reused group.

One group of n draws a₁…a_n is taken at θ_old (n = G, or B·G for the standardised returns), its
advantages A_i computed once (core.group_baselines), and then the same draws serve `epochs`
updates θ_{k+1} = θ_k + η ∇L(θ_k) of the clipped surrogate (PPO, Schulman et al. 2017,
arXiv:1707.06347; GRPO's objective, Shao et al. 2024, arXiv:2402.03300; in TRL's GRPOConfig
the updates per batch are `num_iterations`, default 1, and the clip `epsilon`, default 0.2):

    L(θ) = (1/n) Σ_i min(ρ_i A_i, clip(ρ_i, 1 − ε, 1 + ε) A_i),   ρ_i = π_θ(a_i)/π_θold(a_i),
    ∇L(θ) = (1/n) Σ_i 1[not clipped_i] ρ_i A_i ∇θ log π_θ(a_i),

a term being clipped when A_i > 0 and ρ_i > 1 + ε, or A_i < 0 and ρ_i < 1 − ε (there the min
takes the constant clip value). Without the clip, ∇L_IS(θ) = (1/n) Σ_i ρ_i A_i ∇θ log π_θ(a_i)
is the importance-sampled policy gradient: for a θ fixed before the draws and A_i = r_i (or
RLOO's r_i − r̄₋ᵢ) it is unbiased for ∇J(θ), since E_old[ρ s_θ] = E_θ[s_θ] = 0. The clipping
bias is E[∇L(θ_k) − ∇L_IS(θ_k)]; the total bias is E[∇L(θ_k) − ∇J(θ_k)]. The effective sample
size of the weights w_i = ρ_i is Kish's (Σ w_i)²/Σ w_i² (Kish 1965, "Survey Sampling"; n at
ρ ≡ 1).

Exactness: the draws enter only through the arm counts c ~ Multinomial(n, π_old), so the whole
run θ₀ → θ₁ → … is a function of c; every quantity's exact mean and variance is a sum over all
count vectors (core.group_baselines.compositions). Monte Carlo draws the counts per repetition
and runs the same updates; its standard error is the exact √(Var/reps), its check the exact law.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from core._engine import draw_counts
from core.bandits import Bandit, SoftmaxBandit
from core.checks import check_fields, finite_mean_check
from core.group_baselines import (
    GroupSettings,
    advantages_from_counts,
    arm_policy,
    check_group_size,
    compositions,
    log_multinomial,
)
from core.numerics import make_rng

# Quantities of a reuse run, in the table's order: (name, indexed by "arm" or "param" or None).
REUSE_QUANTITIES = (
    ("objective", None),
    ("ratio", "arm"),
    ("clipped_ratio", "arm"),
    ("effective_sample_size", None),
    ("clipped_fraction", None),
    ("true_gradient", "param"),
    ("is_gradient", "param"),
    ("clipped_gradient", "param"),
    ("clipping_bias", "param"),
    ("bias", "param"),
)
MAX_EPOCHS = 50
DEFAULT_SETTINGS = GroupSettings()  # TRL's GRPO std; B = 4 groups for the standardised returns


def reuse_quantities(
    problem: Bandit | SoftmaxBandit,
    counts: np.ndarray,
    estimator: str,
    epochs: int,
    learning_rate: float,
    clip_epsilon: float,
    settings: GroupSettings = DEFAULT_SETTINGS,
) -> list[dict[str, np.ndarray]]:
    """Per epoch k = 0…epochs, every REUSE_QUANTITIES value for each row of counts (N, K).

    θ₀ = θ_old; θ_{k+1} = θ_k + η ∇L(θ_k) with the clipped surrogate's gradient (module
    docstring). Arrays are (N,) or (N, K) per arm or (N, d) per parameter; the last epoch's
    state has no update after it but its gradients are shown all the same.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n = counts.sum(axis=1, keepdims=True)
    advantages = advantages_from_counts(counts, problem.rewards, estimator, settings)
    rewards = np.asarray(problem.rewards, dtype=np.float64)
    old_log_pi, _ = arm_policy(problem, problem.theta[None, :])
    thetas = np.broadcast_to(problem.theta, (counts.shape[0], problem.dim)).copy()
    states = []
    for _ in range(int(epochs) + 1):
        log_pi, scores = arm_policy(problem, thetas)
        ratio = np.exp(log_pi - old_log_pi)
        clipped_ratio = np.clip(ratio, 1.0 - clip_epsilon, 1.0 + clip_epsilon)
        clipped = ((advantages > 0) & (ratio > 1.0 + clip_epsilon)) | (
            (advantages < 0) & (ratio < 1.0 - clip_epsilon)
        )
        weights = counts * ratio * advantages / n  # (N, K): each arm's share of ∇L_IS
        is_gradient = np.einsum("nk,nkd->nd", weights, scores)
        clipped_gradient = np.einsum("nk,nkd->nd", np.where(clipped, 0.0, weights), scores)
        pi = np.exp(log_pi)
        true_gradient = np.einsum("nk,nkd->nd", pi * rewards, scores)  # ∇J = Σ_k π_k r_k s_k
        weight_sum = (counts * ratio).sum(axis=1)
        states.append(
            {
                "objective": pi @ rewards,
                "ratio": ratio,
                "clipped_ratio": clipped_ratio,
                "effective_sample_size": weight_sum**2 / (counts * ratio**2).sum(axis=1),
                "clipped_fraction": (counts * clipped).sum(axis=1) / n[:, 0],
                "true_gradient": true_gradient,
                "is_gradient": is_gradient,
                "clipped_gradient": clipped_gradient,
                "clipping_bias": clipped_gradient - is_gradient,
                "bias": clipped_gradient - true_gradient,
            }
        )
        thetas = thetas + learning_rate * clipped_gradient
    return states


def sample_reuse(
    problem: Bandit | SoftmaxBandit,
    group_size: int = 4,
    estimator: str = "grpo",
    *,
    epochs: int = 4,
    learning_rate: float = 1.0,
    clip_epsilon: float = 0.2,
    reps: int = 20_000,
    seed: int = 0,
    settings: GroupSettings = DEFAULT_SETTINGS,
) -> pd.DataFrame:
    """Tidy table of one group reused for `epochs` clipped updates: per epoch and quantity (and
    arm or parameter), the exact mean and variance over the counts' law, beside the Monte Carlo
    mean of `reps` runs and its exact standard error √(Var/reps), checked in the exact law of
    the quantity over the reps runs' counts where it can be enumerated, else the normal
    approximation with that SE (`core.checks.finite_mean_check`: columns
    exact_standard_error, p_value, law).

    Quantities (REUSE_QUANTITIES): exact J(θ_k); ratio ρ(k) and clip(ρ(k), 1 ± ε) per arm;
    Kish's ESS of the draws' weights; the fraction of draws whose term is clipped; ∇J(θ_k); the
    importance-sampled and the clipped surrogate gradients; clipping bias (clipped − IS) and
    bias (clipped − ∇J(θ_k)).
    """
    group_size = check_group_size(group_size)
    if int(epochs) != epochs or not 0 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"epochs must be a whole number from 0 to {MAX_EPOCHS}, got {epochs}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate}")
    if not (math.isfinite(clip_epsilon) and 0 < clip_epsilon < 1):
        raise ValueError(f"clip_epsilon must be a number in (0, 1), got {clip_epsilon}")
    if int(reps) != reps or reps < 1:
        raise ValueError(f"reps must be a whole number ≥ 1, got {reps}")
    arguments = (estimator, int(epochs), float(learning_rate), float(clip_epsilon), settings)
    log_pi, _ = arm_policy(problem, problem.theta[None, :])
    draws = settings.draws(estimator, group_size)
    counts = compositions(draws, log_pi.shape[1])
    weights = np.exp(log_multinomial(counts, log_pi[0]))
    weights /= weights.sum()  # one rounding from 1; the law sums to 1
    exact = reuse_quantities(problem, counts, *arguments)
    sampled_counts = draw_counts(make_rng(seed), draws, np.exp(log_pi[0]), int(reps))
    sampled = reuse_quantities(problem, sampled_counts, *arguments)
    rows = []
    for epoch, (truth, drawn) in enumerate(zip(exact, sampled, strict=True)):
        for quantity, index in REUSE_QUANTITIES:
            values = truth[quantity].reshape(counts.shape[0], -1)
            mean = weights @ values
            variance = weights @ (values - mean) ** 2
            monte_carlo = drawn[quantity].reshape(int(reps), -1).mean(axis=0)
            for j in range(values.shape[1]):
                check = finite_mean_check(values[:, j], weights, int(reps), monte_carlo[j])
                rows.append(
                    {
                        "estimator": estimator,
                        "group_size": group_size,
                        "epoch": epoch,
                        "quantity": quantity,
                        "index": index or "",
                        "position": j,
                        "exact": mean[j],
                        "exact_variance": variance[j],
                        "monte_carlo": monte_carlo[j],
                        "standard_error": math.sqrt(variance[j] / reps),
                        "reps": int(reps),
                    }
                    | check_fields(check)
                )
    return pd.DataFrame(rows)
