"""Group baselines of RL fine-tuning on the bandits, exactly: none, batch mean, RLOO, GRPO and
standardised returns.

G actions a₁…a_G are drawn from the policy for one "prompt" (one bandit); r_i = r(a_i) and
s_i = ∇θ log π(a_i). The group estimate is

    ĝ = (1/G) Σ_i A_i s_i,  with the advantage A_i:

- ``"none"``: A_i = r_i (plain REINFORCE on G samples).
- ``"mean"``: A_i = r_i − r̄, r̄ = (1/G) Σ_j r_j — the centring of Dr. GRPO (Liu et al. 2025,
  "Understanding R1-Zero-Like Training", arXiv:2503.20783). E[ĝ] = (G − 1)/G ∇J: r̄ contains
  r_i itself, and E[r_i s_i/G] = ∇J/G is removed with it.
- ``"loo"``: A_i = r_i − r̄₋ᵢ, r̄₋ᵢ = (1/(G − 1)) Σ_{j≠i} r_j — RLOO (Kool et al. 2019, "Buy 4
  REINFORCE samples, get a baseline for free!"; Ahmadian et al. 2024, arXiv:2402.14740).
  Unbiased: r̄₋ᵢ is independent of a_i and E[s_i] = 0. Note r_i − r̄₋ᵢ = G/(G − 1) (r_i − r̄).
- ``"grpo"``: A_i = (r_i − r̄)/(std(r) + ε) — GRPO (Shao et al. 2024, DeepSeekMath,
  arXiv:2402.03300). std(r) = √(Σ_j (r_j − r̄)²/(G − ddof)); the defaults ddof = 1, ε = 1e-4
  are TRL's GRPOTrainer (huggingface/trl, trl/trainer/grpo_trainer.py,
  `_generate_and_score_completions`: ``rewards.view(-1, num_generations).std(dim=1)`` — torch's
  std is unbiased, ddof = 1 — and ``advantages / (std_grouped_rewards + 1e-4)``). A group whose
  rewards are all equal gets A = 0, as implementations do (there r_i − r̄ = 0).
- ``"standardised"``: the REINFORCE "normalise the returns" over a batch of B groups,
  A = (r − mean over the batch)/(std over the batch + ε), and the update is the batch average
  (1/(B G)) Σ over all B·G draws of A s. Defaults ddof = 1 and ε = 1.19e-7 (float32 machine
  epsilon), the common PyTorch idiom ``(R − R.mean()) / (R.std() + eps)``.

Scale invariance of GRPO on the binary bandit: r_i = r(0) + Δ a_i with Δ = r(1) − r(0), so
r_i − r̄ = Δ (a_i − ā) and std(r) = |Δ| std(a); with ε = 0, A_i = sign(Δ) (a_i − ā)/std(a), so
E[ĝ] does not depend on r(0) nor on |Δ| while ∇J = Δ σ(θ)σ(−θ) scales with Δ. With ε > 0 it
depends on Δ only through ε/|Δ|.

Exactness. ĝ depends on the draws only through the arm counts c (Σ_k c_k = G):
ĝ(c) = (1/G) Σ_k c_k A_k(c) s_k, and c ~ Multinomial(G, π) (Binomial for two arms). Every
moment here is a sum over all compositions of G into K parts, weighted by the multinomial
probabilities computed in log space (log G! − Σ log c_k! + Σ c_k log π_k). There are
C(G + K − 1, K − 1) compositions: 65 for K = 2, G = 64; 814 385 for K = 5, G = 64. Enumeration
is allowed up to MAX_COMPOSITIONS (2 000 000). The standardised estimator's batch average
depends only on the counts over all B·G draws, so it is exact the same way over compositions
of B·G (e.g. K = 2 for any B·G ≤ 1 999 999; K = 3 up to B·G = 1998; K = 5 up to B·G = 112);
beyond the limit it raises instead of approximating.

`advantages_from_counts` is the one home of the formulas: the exact enumeration and the Monte
Carlo estimates (counts drawn per repetition by the engine's `draw_counts`) both call it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from core import numerics
from core._engine import draw_counts
from core.bandits import Bandit, SoftmaxBandit
from core.checks import DiscreteLaw, check_fields, estimate_reference_laws
from core.numerics import log_sigmoid, log_softmax, make_rng, sigmoid
from core.variance_studies import derived_seed

GROUP_ESTIMATORS = ("none", "mean", "loo", "grpo", "standardised")
MAX_COMPOSITIONS = 2_000_000
MAX_ARMS = 5
GRPO_DDOF, GRPO_EPSILON = 1, 1e-4  # TRL's GRPOTrainer
STANDARDISED_DDOF, STANDARDISED_EPSILON = 1, float(np.finfo(np.float32).eps)


@dataclass(frozen=True)
class GroupSettings:
    """The std's ddof and ε of GRPO and of the standardised returns, and the batch size B."""

    grpo_ddof: int = GRPO_DDOF
    grpo_epsilon: float = GRPO_EPSILON
    standardised_ddof: int = STANDARDISED_DDOF
    standardised_epsilon: float = STANDARDISED_EPSILON
    batch_groups: int = 4

    def __post_init__(self) -> None:
        for name in ("grpo_epsilon", "standardised_epsilon"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number ≥ 0, got {value}")
        for name in ("grpo_ddof", "standardised_ddof"):
            if getattr(self, name) not in (0, 1):
                raise ValueError(f"{name} must be 0 or 1, got {getattr(self, name)}")
        if int(self.batch_groups) != self.batch_groups or self.batch_groups < 1:
            raise ValueError(f"batch_groups must be a whole number ≥ 1, got {self.batch_groups}")

    def __repr__(self) -> str:
        """Python that rebuilds it after `import core.group_baselines`."""
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__dataclass_fields__)
        return f"core.group_baselines.GroupSettings({fields})"

    def draws(self, estimator: str, group_size: int) -> int:
        """Draws behind one estimate: B·G for the standardised batch, G otherwise."""
        return group_size * self.batch_groups if estimator == "standardised" else group_size


@dataclass(frozen=True)
class GroupMoments:
    """Exact law of one group estimate: mean vector, covariance, bias vs ∇J, MSE, cosine."""

    estimator: str
    group_size: int
    samples: int
    gradient: np.ndarray
    mean: np.ndarray
    covariance: np.ndarray
    fourth_moment: np.ndarray  # E[(ĝ_j − E ĝ_j)⁴] per parameter

    @property
    def bias(self) -> np.ndarray:
        """E[ĝ] − ∇J."""
        return self.mean - self.gradient

    @property
    def variance(self) -> np.ndarray:
        """Var[ĝ_j] per parameter, the covariance's diagonal."""
        return np.diag(self.covariance).copy()

    @property
    def mse(self) -> float:
        """E|ĝ − ∇J|² = tr Cov[ĝ] + |E[ĝ] − ∇J|²."""
        return float(np.trace(self.covariance) + self.bias @ self.bias)

    @property
    def cosine(self) -> float:
        """cos∠(E[ĝ], ∇J); nan when either is the zero vector."""
        norms = np.linalg.norm(self.mean) * np.linalg.norm(self.gradient)
        return float(self.mean @ self.gradient / norms) if norms > 0 else math.nan

    def mean_standard_error(self, reps: int) -> np.ndarray:
        """Exact SE of the mean of `reps` estimates: √(Var[ĝ_j]/R)."""
        return np.sqrt(self.variance / reps)

    def variance_standard_error(self, reps: int) -> np.ndarray:
        """Exact SE of the sample variance (ddof = 1) of `reps` estimates:
        √((μ₄ − σ⁴ (R − 3)/(R − 1))/R) (Cramér 1946, §27.4), μ₄ and σ² exact."""
        shrink = (reps - 3) / (reps - 1)
        return np.sqrt(np.maximum(self.fourth_moment - shrink * self.variance**2, 0.0) / reps)


def advantages_from_counts(
    counts: np.ndarray,
    rewards: np.ndarray,
    estimator: str,
    settings: GroupSettings = GroupSettings(),
) -> np.ndarray:
    """Each arm's advantage A_k(c) given the arm counts c of a group, shape (N, K).

    counts (N, K), each row summing to the group's draws n; rewards (K,). Formulas in the module
    docstring; a group whose pulled arms all pay the same gets A = 0 (GRPO, standardised).
    """
    _check_estimator(estimator)
    counts = np.asarray(counts, dtype=np.float64)
    rewards = np.asarray(rewards, dtype=np.float64)
    n = counts.sum(axis=1, keepdims=True)
    if estimator == "none":
        return np.broadcast_to(rewards, counts.shape).copy()
    total = counts @ rewards
    if estimator == "loo":
        if np.any(n < 2):
            raise ValueError("leave-one-out needs a group of at least 2 draws")
        return rewards - (total[:, None] - rewards) / (n - 1)
    centred = rewards - total[:, None] / n
    if estimator == "mean":
        return centred
    if estimator == "grpo":
        ddof, epsilon = settings.grpo_ddof, settings.grpo_epsilon
    else:  # "standardised"
        ddof, epsilon = settings.standardised_ddof, settings.standardised_epsilon
    if np.any(n <= ddof):
        raise ValueError(f"a std with ddof={ddof} needs more than {ddof} draws per group")
    std = np.sqrt((counts * centred**2).sum(axis=1, keepdims=True) / (n - ddof))
    pulled = np.where(counts > 0, rewards, np.nan)
    equal = np.nanmax(pulled, axis=1) == np.nanmin(pulled, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        advantages = centred / (std + epsilon)
    advantages[equal] = 0.0
    return advantages


def group_estimates(problem: Bandit | SoftmaxBandit, counts: np.ndarray, advantages: np.ndarray):
    """ĝ(c) = (1/n) Σ_k c_k A_k(c) s_k for every row of counts, shape (N, d)."""
    _, scores, _ = _arms(problem)
    n = counts.sum(axis=1, keepdims=True)
    return (counts * advantages / n) @ scores


def compositions(total: int, parts: int) -> np.ndarray:
    """Every vector of `parts` whole numbers ≥ 0 summing to `total`, shape (C(total+parts−1,
    parts−1), parts), in lexicographic order (`core.numerics.compositions`); a ValueError past
    MAX_COMPOSITIONS."""
    count = math.comb(total + parts - 1, parts - 1)
    if count > MAX_COMPOSITIONS:
        raise ValueError(
            f"{total} draws over {parts} arms have {count:,} count vectors, more than the "
            f"{MAX_COMPOSITIONS:,} exact enumeration allows; use fewer draws or arms"
        )
    return numerics.compositions(total, parts)


def log_multinomial(counts: np.ndarray, log_probabilities: np.ndarray) -> np.ndarray:
    """log P(c) = log n! − Σ log c_k! + Σ c_k log π_k (0·log 0 taken as 0), shape (N,)."""
    counts = np.asarray(counts, dtype=np.int64)
    n = counts.sum(axis=1)
    log_factorials = np.array([math.lgamma(k + 1.0) for k in range(int(n.max()) + 1)])
    weighted = np.where(counts > 0, counts * log_probabilities, 0.0)
    return log_factorials[n] - log_factorials[counts].sum(axis=1) + weighted.sum(axis=1)


def group_moments(
    problem: Bandit | SoftmaxBandit,
    group_size: int,
    estimator: str,
    settings: GroupSettings = GroupSettings(),
) -> GroupMoments:
    """Exact mean vector and covariance of one group estimate, by enumerating the counts' law."""
    law = group_estimate_law(problem, group_size, estimator, settings)
    return _moments_of_law(problem, group_size, estimator, settings, *law)


def _moments_of_law(problem, group_size, estimator, settings, weights, estimates) -> GroupMoments:
    draws = settings.draws(estimator, group_size)
    mean = weights @ estimates
    deviations = estimates - mean
    covariance = (deviations * weights[:, None]).T @ deviations
    fourth = weights @ deviations**4
    return GroupMoments(
        estimator, group_size, draws, problem.exact_gradient(), mean, covariance, fourth
    )


def group_estimate_law(
    problem: Bandit | SoftmaxBandit,
    group_size: int,
    estimator: str,
    settings: GroupSettings = GroupSettings(),
) -> tuple[np.ndarray, np.ndarray]:
    """The exact law of one group estimate: the probability of every count vector c (C,) and
    ĝ(c) (C, d), c ~ Multinomial(draws, π) over all compositions of the draws."""
    group_size = check_group_size(group_size)
    _, scores, log_probabilities = _arms(problem)
    draws = settings.draws(_check_estimator(estimator), group_size)
    counts = compositions(draws, scores.shape[0])
    weights = np.exp(log_multinomial(counts, log_probabilities))
    weights /= weights.sum()  # one rounding from 1; the law sums to 1
    estimates = group_estimates(
        problem, counts, advantages_from_counts(counts, problem.rewards, estimator, settings)
    )
    return weights, estimates


def monte_carlo_group_estimates(
    problem: Bandit | SoftmaxBandit,
    group_size: int,
    estimator: str,
    reps: int,
    rng: np.random.Generator,
    settings: GroupSettings = GroupSettings(),
) -> np.ndarray:
    """`reps` independent group estimates ĝ, shape (reps, d), from counts drawn per repetition."""
    group_size = check_group_size(group_size)
    if int(reps) != reps or reps < 1:
        raise ValueError(f"reps must be a whole number ≥ 1, got {reps}")
    _, _, log_probabilities = _arms(problem)
    draws = settings.draws(_check_estimator(estimator), group_size)
    counts = draw_counts(rng, draws, np.exp(log_probabilities), int(reps))
    advantages = advantages_from_counts(counts, problem.rewards, estimator, settings)
    return group_estimates(problem, counts, advantages)


def group_baseline_study(
    problem: Bandit | SoftmaxBandit,
    group_size: int = 4,
    *,
    estimators: tuple[str, ...] = GROUP_ESTIMATORS,
    reps: int = 20_000,
    seed: int = 0,
    settings: GroupSettings = GroupSettings(),
) -> pd.DataFrame:
    """Tidy table, one row per (estimator, parameter): exact mean, bias, variance, MSE and cosine
    beside the Monte Carlo mean and variance of `reps` group estimates, with their exact standard
    errors (`GroupMoments.mean_standard_error`, `.variance_standard_error`) and checks: each
    estimate is a function of the group's counts, so the checks take the estimate's exact law
    (`core.checks.estimate_reference_laws`: exact where the R repetitions' count vectors can be
    enumerated, else the normal approximation / scaled χ² with the exact SE, named in
    mean_law and variance_law beside mean_p_value and variance_p_value)."""
    if int(reps) != reps or reps < 2:
        raise ValueError(f"reps must be a whole number ≥ 2 for a standard error, got {reps}")
    streams = np.random.SeedSequence(seed).spawn(len(estimators))
    rows = []
    for estimator, stream in zip(estimators, streams, strict=True):
        weights, values = group_estimate_law(problem, group_size, estimator, settings)
        exact = _moments_of_law(problem, group_size, estimator, settings, weights, values)
        estimates = monte_carlo_group_estimates(
            problem, group_size, estimator, reps, make_rng(stream), settings
        )
        mean, variance = estimates.mean(axis=0), estimates.var(axis=0, ddof=1)
        mean_se = exact.mean_standard_error(int(reps))
        variance_se = exact.variance_standard_error(int(reps))
        for j, row in enumerate(_exact_rows(exact)):
            mean_law, variance_law = estimate_reference_laws(
                int(reps), DiscreteLaw.of(values[:, j], weights)
            )
            mean_check, variance_check = mean_law.check(mean[j]), variance_law.check(variance[j])
            rows.append(
                row
                | {
                    "mean": mean[j],
                    "mean_se": mean_se[j],
                    "variance": variance[j],
                    "variance_se": variance_se[j],
                    "mean_check": mean_check.label(),
                    "mean_passed": mean_check.passed,
                    "variance_check": variance_check.label(),
                    "variance_passed": variance_check.passed,
                }
                | check_fields(mean_check, "mean_")
                | check_fields(variance_check, "variance_")
            )
    return pd.DataFrame(rows)


def _exact_rows(exact: GroupMoments) -> list[dict[str, object]]:
    """One row per parameter of an estimator's exact law (mean, bias, variance, MSE, cosine)."""
    return [
        {
            "estimator": exact.estimator,
            "param": j,
            "group_size": exact.group_size,
            "samples": exact.samples,
            "gradient": exact.gradient[j],
            "exact_mean": exact.mean[j],
            "bias": exact.bias[j],
            "mean_over_gradient": exact.mean[j] / exact.gradient[j]
            if exact.gradient[j] != 0
            else math.nan,
            "exact_variance": exact.variance[j],
            "mse": exact.mse,
            "cosine": exact.cosine,
        }
        for j in range(exact.gradient.size)
    ]


def group_exact_sweep(
    problem: Bandit | SoftmaxBandit,
    group_sizes: tuple[int, ...] = (2, 4, 8, 16, 32, 64),
    thetas: tuple[float, ...] | None = None,
    *,
    estimators: tuple[str, ...] = GROUP_ESTIMATORS,
    gap_scales: tuple[float, ...] = (1.0,),
    settings: GroupSettings = GroupSettings(),
) -> pd.DataFrame:
    """Exact law only (no sampling) of every estimator over gap scale × θ × G.

    Rows as `group_baseline_study`'s exact columns, with gap_scale, top_reward and theta in
    front. θ sets the first parameter, as in `group_sweep` (None: the problem's own). A gap scale
    s sets the last arm's reward to r(0) + s·(r(K−1) − r(0)) — r(1) on the binary bandit — so the
    reward gap Δ is scaled by s: ∇J scales with s, GRPO's mean does not (module docstring).
    """
    thetas = (float(problem.theta[0]),) if thetas is None else tuple(thetas)
    base = np.array(problem.rewards, dtype=np.float64)
    rows = []
    for scale in gap_scales:
        rewards = base.copy()
        rewards[-1] = base[0] + float(scale) * (base[-1] - base[0])
        arguments = dict(problem._arguments()) | {"rewards": tuple(rewards)}
        for theta in thetas:
            parameters = np.array(problem.theta, dtype=np.float64)
            parameters[0] = theta
            current = type(problem)(**arguments).with_theta(parameters)
            for group_size in group_sizes:
                for estimator in estimators:
                    exact = group_moments(current, group_size, estimator, settings)
                    front = {"gap_scale": float(scale), "top_reward": rewards[-1]}
                    rows += [front | {"theta": float(theta)} | row for row in _exact_rows(exact)]
    return pd.DataFrame(rows)


def check_group_size(group_size: int) -> int:
    """G as an int in 2…64, or a ValueError that says so."""
    if int(group_size) != group_size or not 2 <= group_size <= 64:
        raise ValueError(f"group_size must be a whole number from 2 to 64, got {group_size}")
    return int(group_size)


def _check_estimator(estimator: str) -> str:
    if estimator not in GROUP_ESTIMATORS:
        raise ValueError(
            f"estimator must be one of {', '.join(GROUP_ESTIMATORS)}, got {estimator!r}"
        )
    return estimator


def _arms(problem: Bandit | SoftmaxBandit) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The arms (K,), their scores (K, d) and log-probabilities (K,), from the problem."""
    if not isinstance(problem, (Bandit, SoftmaxBandit)):
        raise ValueError(
            f"group baselines are defined here for core.Bandit and core.SoftmaxBandit, "
            f"got {type(problem).__name__}"
        )
    arms = problem.support()[0]
    if arms.size > MAX_ARMS:
        raise ValueError(f"group baselines enumerate at most {MAX_ARMS} arms, got {arms.size}")
    return arms, problem.score(arms), problem.log_prob(arms)


def group_ascent(
    problem: Bandit | SoftmaxBandit,
    samples_per_step: int = 4,
    steps: int = 50,
    learning_rate: float = 0.1,
    *,
    estimators: tuple[str, ...] = GROUP_ESTIMATORS,
    runs: int = 20,
    seed: int = 0,
    settings: GroupSettings = GroupSettings(),
) -> pd.DataFrame:
    """Exact J(θ_t) along gradient-ascent runs θ ← θ + η ĝ, every estimator at the same draws.

    Each step draws `samples_per_step` = N actions for every estimator: one group of G = N
    (none, mean, loo, grpo); the standardised returns standardise over all N draws of the step,
    and since their batch average depends only on the counts over those N draws, it is the same
    update whichever way the N are split into groups. The runs of one estimator advance
    together (one stream per estimator, counts drawn per run from its own policy). One row per
    (estimator, run, step): objective = exact J(θ_t) before the step t, and θ_t's first
    parameter.
    """
    samples_per_step = check_group_size(samples_per_step)
    if int(steps) != steps or steps < 1:
        raise ValueError(f"steps must be a whole number ≥ 1, got {steps}")
    if int(runs) != runs or runs < 1:
        raise ValueError(f"runs must be a whole number ≥ 1, got {runs}")
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a finite number > 0, got {learning_rate}")
    per_step = replace(settings, batch_groups=1)
    rewards = np.asarray(problem.rewards, dtype=np.float64)
    runs, steps = int(runs), int(steps)
    streams = np.random.SeedSequence(seed).spawn(len(estimators))
    frames = []
    for estimator, stream in zip(estimators, streams, strict=True):
        _check_estimator(estimator)
        rng = make_rng(stream)
        thetas = np.tile(np.asarray(problem.theta, dtype=np.float64), (runs, 1))
        objectives, first = np.empty((steps + 1, runs)), np.empty((steps + 1, runs))
        for step in range(steps + 1):
            log_pi, scores = arm_policy(problem, thetas)
            pi = np.exp(log_pi)
            objectives[step], first[step] = pi @ rewards, thetas[:, 0]
            if step < steps:
                counts = _counts_per_row(rng, samples_per_step, pi)
                advantages = advantages_from_counts(counts, rewards, estimator, per_step)
                weights = counts * advantages / samples_per_step
                thetas = thetas + learning_rate * np.einsum("nk,nkd->nd", weights, scores)
        step_index = np.repeat(np.arange(steps + 1), runs)
        frames.append(
            pd.DataFrame(
                {
                    "estimator": estimator,
                    "run": np.tile(np.arange(runs), steps + 1),
                    "step": step_index,
                    "samples": step_index * samples_per_step,
                    "theta_0": first.ravel(),
                    "objective": objectives.ravel(),
                }
            ).sort_values(["run", "step"], kind="stable")
        )
    return pd.concat(frames, ignore_index=True)


def arm_policy(
    problem: Bandit | SoftmaxBandit, thetas: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """log π_θ(k) (N, K) and ∇θ log π_θ(k) (N, K, d) of every arm for each row θ of `thetas`.

    Binary bandit: log π(1) = log σ(θ), log π(0) = log σ(−θ), scores σ(−θ) and −σ(θ).
    Softmax bandit: log π = log softmax(θ), ∇θ log π_k = e_k − π.
    """
    thetas = np.asarray(thetas, dtype=np.float64)
    if isinstance(problem, Bandit):
        theta = thetas[:, 0]
        log_pi = np.column_stack([log_sigmoid(-theta), log_sigmoid(theta)])
        scores = np.stack([-sigmoid(theta), sigmoid(-theta)], axis=1)[:, :, None]
        return log_pi, scores
    if isinstance(problem, SoftmaxBandit):
        log_pi = log_softmax(thetas)
        scores = np.eye(thetas.shape[1])[None, :, :] - np.exp(log_pi)[:, None, :]
        return log_pi, scores
    raise ValueError(
        "group baselines are defined here for core.Bandit and core.SoftmaxBandit, "
        f"got {type(problem).__name__}"
    )


def _counts_per_row(rng: np.random.Generator, n: int, probabilities: np.ndarray) -> np.ndarray:
    """One n-draw count vector per row of `probabilities` (N, K), float64; two arms: a Binomial
    for each row's rarer arm (as the engine's draw_counts), so a tiny probability stays exact."""
    if probabilities.shape[1] == 2:
        rare = np.argmin(probabilities, axis=1)
        drawn = rng.binomial(n, probabilities[np.arange(rare.size), rare]).astype(np.float64)
        return np.where(rare[:, None] == 0, np.column_stack([drawn, n - drawn]),
                        np.column_stack([n - drawn, drawn]))  # fmt: skip
    return rng.multinomial(n, probabilities / probabilities.sum(axis=1, keepdims=True)).astype(
        np.float64
    )


def group_sweep(
    problem: Bandit | SoftmaxBandit,
    group_sizes: tuple[int, ...] = (2, 4, 8, 16, 32, 64),
    thetas: tuple[float, ...] = (0.0,),
    *,
    estimators: tuple[str, ...] = GROUP_ESTIMATORS,
    reps: int = 2000,
    seed: int = 0,
    settings: GroupSettings = GroupSettings(),
) -> pd.DataFrame:
    """`group_baseline_study` over group sizes × θ, one tidy table with a theta column.

    θ sets the first parameter (θ of the binary bandit, logit_0 of the softmax bandit), the
    others as in `problem`. Each (θ, G) has its own random stream, seeded by (seed, θ's index,
    G), so adding a size or a θ changes no other row.
    """
    frames = []
    for index, theta in enumerate(thetas):
        parameters = np.array(problem.theta, dtype=np.float64)
        parameters[0] = theta
        current = problem.with_theta(parameters)
        for group_size in group_sizes:
            table = group_baseline_study(
                current, group_size, estimators=estimators, reps=reps,
                seed=derived_seed(seed, index, check_group_size(group_size)), settings=settings,
            )  # fmt: skip
            table.insert(0, "theta", float(theta))
            frames.append(table)
    return pd.concat(frames, ignore_index=True)


def learning_curves(
    problem: Bandit | SoftmaxBandit, *arguments: object, **keywords: object
) -> pd.DataFrame:
    """`group_ascent(problem, *arguments, **keywords)`'s runs summarised per (estimator, step):
    the mean over runs of the exact J(θ_t), its standard deviation across runs (the band), the
    SE of the mean (sd/√runs), the worst and the best run."""
    table = group_ascent(problem, *arguments, **keywords)
    runs = int(table["run"].max()) + 1
    grouped = table.groupby(["estimator", "step", "samples"], sort=False).objective
    summary = grouped.agg(objective="mean", spread="std", low="min", high="max").reset_index()
    summary["spread"] = summary["spread"].fillna(0.0)  # one run: no spread
    summary.insert(4, "standard_error", summary["spread"] / math.sqrt(runs))
    summary["runs"] = int(runs)
    return summary
