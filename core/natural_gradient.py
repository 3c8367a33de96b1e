"""The natural policy gradient F⁺∇J on the bandits: exact, sampled, and as an ascent rule.

Kakade (2001), "A Natural Policy Gradient", NIPS 14: steepest ascent in the metric of the
Fisher information F(θ) = E[s sᵀ] gives the direction F⁻¹∇J (Amari 1998, "Natural Gradient
Works Efficiently in Learning", Neural Computation 10(2)). On the two-armed bandit
F = σ(θ)σ(−θ) and ∇J = (r(1) − r(0)) σ(θ)σ(−θ), so F⁻¹∇J = r(1) − r(0) at every θ. On the
softmax bandit F = diag(π) − ππᵀ is singular — F·1 = 0, adding a constant to every logit
changes no probability — so the pseudo-inverse F⁺ is used; since ∇J = F r,
F⁺∇J = F⁺F r = r − mean(r)·1 (the projection of r off the all-ones direction), again the
same at every θ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bandits import Bandit
from core.checks import finite_mean_check
from core.group_baselines import compositions, log_multinomial
from core.numerics import (
    check_finite,
    check_positive,
    check_sample_count,
    make_rng,
    sigmoid,
    softmax,
)
from core.problem import Problem
from core.surrogate import check_bandit

# Singular values of F below this fraction of the largest are treated as zero by the
# pseudo-inverse: the all-ones direction of a softmax Fisher is zero to ~1e-17, the smallest
# true eigenvalue on the pages' logits (|θ| ≤ 5, K ≤ 5) is above 1e-6 of the largest.
PSEUDO_INVERSE_RTOL = 1e-10
MATCHINGS = ("same η", "same first step")
# The first step's exact E[J(θ₁)] sums over every count vector of the n draws; beyond this many
# (C(n + K − 1, K − 1)) it is left out.
FIRST_STEP_COMPOSITIONS = 200_000


def fisher_pseudo_inverse(fisher: np.ndarray) -> np.ndarray:
    """F⁺ (Moore–Penrose) of a symmetric Fisher matrix, or a stack of them (..., d, d)."""
    return np.linalg.pinv(fisher, rtol=PSEUDO_INVERSE_RTOL, hermitian=True)


def natural_gradient(problem: Problem) -> np.ndarray:
    """F(θ)⁺ ∇J(θ), shape (d,): Kakade's (2001) natural gradient, F⁺ = F⁻¹ where F is invertible."""
    return fisher_pseudo_inverse(problem.fisher_information()) @ problem.exact_gradient()


def natural_gradient_closed_form(problem: Problem) -> np.ndarray:
    """The bandits' natural gradient written out: (r(1) − r(0),) for two arms (F⁻¹∇J), and
    r − mean(r)·1 for the softmax (F⁺∇J = F⁺F r, the projection off the all-ones direction)."""
    problem = check_bandit(problem)
    rewards = problem.rewards
    if isinstance(problem, Bandit):
        return np.array([rewards[1] - rewards[0]])
    return rewards - rewards.mean()


@dataclass(frozen=True)
class NaturalGradientCheck:
    """The natural gradient exactly, in closed form and from N samples, and the Fisher behind it.

    table — per (estimate, param): estimate ("exact Fisher": F⁺ĝ with the exact F; "sample
    Fisher": F̂⁻¹ĝ with F̂ = mean s², two arms only), param, n, value (from the N samples),
    exact_mean (its exact expectation), exact_standard_error, natural_gradient (F⁺∇J, by the
    pseudo-inverse), closed_form, exact_gradient ∇J, fisher (F_jj), p_value and law (the check of
    value in the exact law of the arm counts, `core.checks.finite_mean_check`).
    spectrum — per eigenvalue of F: index, eigenvalue, then the eigenvector's entries by param;
    the softmax's smallest is 0 along 1/√K.
    """

    table: pd.DataFrame
    spectrum: pd.DataFrame


def natural_gradient_check(problem: Problem, n: int, *, seed: int = 0) -> NaturalGradientCheck:
    """F⁺ĝ from n samples beside F⁺∇J (Kakade 2001), each with its exact mean and standard error.

    With the exact F, F⁺ĝ is unbiased for F⁺∇J with covariance F⁺ Cov[r s] F⁺ / n, summed over
    the arms. On two arms F̂⁻¹ĝ, both from the same samples, is a function of the count k of
    arm 1, k ~ Binomial(n, σ(θ)): its exact mean and variance are sums over k = 0…n.
    Samples from make_rng(seed).
    """
    problem = check_bandit(problem)
    n = check_sample_count(n)
    actions = problem.sample(make_rng(seed), n)
    terms = problem.score_terms(actions)
    fisher = problem.fisher_information()
    inverse = fisher_pseudo_inverse(fisher)
    gradient, natural = problem.exact_gradient(), natural_gradient(problem)
    closed_form = natural_gradient_closed_form(problem)
    arms, probabilities = problem.support()
    arm_terms = problem.score_terms(arms) @ inverse
    exact_mean = probabilities @ arm_terms
    variance = probabilities @ (arm_terms - exact_mean) ** 2
    estimate = inverse @ terms.mean(axis=0)
    checks = [
        finite_mean_check(arm_terms[:, j], probabilities, n, estimate[j])
        for j in range(problem.dim)
    ]
    rows = [("exact Fisher", estimate, exact_mean, np.sqrt(variance / n), checks)]
    if isinstance(problem, Bandit):
        scores = problem.score(actions)[:, 0]
        sampled = terms[:, 0].mean() / np.mean(scores**2)
        values, weights = _sample_fisher_law(problem, n)
        mean = float(weights @ values)
        sd = float(np.sqrt(weights @ (values - mean) ** 2))
        check = finite_mean_check(values, weights, 1, sampled)
        rows.append(
            ("sample Fisher", np.array([sampled]), np.array([mean]), np.array([sd]), [check])
        )
    table = pd.DataFrame(
        [
            {
                "estimate": label,
                "param": name,
                "n": n,
                "value": value[j],
                "exact_mean": mean[j],
                "exact_standard_error": standard_error[j],
                "natural_gradient": natural[j],
                "closed_form": closed_form[j],
                "exact_gradient": gradient[j],
                "fisher": fisher[j, j],
                "p_value": checks[j].p_value,
                "law": checks[j].stored_law,
            }
            for label, value, mean, standard_error, checks in rows
            for j, name in enumerate(problem.params)
        ]
    )
    eigenvalues, eigenvectors = np.linalg.eigh(fisher)
    spectrum = pd.DataFrame(eigenvectors.T, columns=list(problem.params))
    spectrum.insert(0, "eigenvalue", eigenvalues)
    spectrum.insert(0, "index", np.arange(1, problem.dim + 1))
    return NaturalGradientCheck(table, spectrum)


def _sample_fisher_law(problem: Bandit, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The exact law of F̂⁻¹ĝ = (Σ r_i s_i)/(Σ s_i²) on two arms: its value at each count k of
    arm 1 (n + 1,) and P(k).

    With k arm-1 draws: Σ r s = k r(1) σ(−θ) − (n − k) r(0) σ(θ), Σ s² = k σ(−θ)² + (n − k) σ(θ)²
    (never 0 for finite θ); k ~ Binomial(n, σ(θ)).
    """
    from scipy import stats  # imported here: scipy.stats costs ~0.8 s, only this needs it

    p1, p0 = problem.p_one, problem.p_zero
    r0, r1 = problem.rewards
    k = np.arange(n + 1, dtype=np.float64)
    values = (k * r1 * p0 - (n - k) * r0 * p1) / (k * p0**2 + (n - k) * p1**2)
    return values, stats.binom.pmf(k, n, p1)


def _policies(problem: Problem, thetas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per run r: arm probabilities π_r (R, K) and scores ∇θ log π_r(a) (R, K, d) at θ_r.

    Two arms: π = (σ(−θ), σ(θ)), s(0) = −σ(θ), s(1) = σ(−θ) (core.Bandit.score). Softmax:
    π = softmax(θ), s(k) = e_k − π (core.SoftmaxBandit.score), for R runs at once.
    """
    if isinstance(problem, Bandit):
        theta = thetas[:, 0]
        probabilities = np.column_stack([sigmoid(-theta), sigmoid(theta)])
        scores = np.stack([-probabilities[:, 1], probabilities[:, 0]], axis=1)[:, :, None]
        return probabilities, scores
    probabilities = softmax(thetas)
    scores = np.eye(problem.dim)[None, :, :] - probabilities[:, None, :]
    return probabilities, scores


def natural_gradient_ascent(
    problem: Problem,
    steps: int,
    n: int,
    learning_rate: float,
    *,
    seeds: int = 200,
    matching: str = "same η",
    baseline: float | str = "start",
    seed: int = 0,
) -> pd.DataFrame:
    """Plain (θ ← θ + η ĝ) against natural (θ ← θ + η' F(θ)⁺ ĝ) ascent over `seeds` runs each.

    ĝ = (1/n) Σ (r(a_i) − b) s(a_i) from n fresh draws a step (drawn as arm counts), F the exact
    Fisher at the run's θ; b a constant, or "start": J(θ₀), the value where the runs start. A run
    whose step leaves the floats (F⁺ of a Fisher within rounding of 0 is huge) stays where it
    was; `stopped` counts those runs by each step. `matching`: "same η" (η' = η) or "same first
    step" (η' = η |∇J(θ₀)| / |F⁺∇J(θ₀)|, so both rules' expected first steps have the same
    length; η' = η where both are 0). Per (method, step):
    method, step, learning_rate, mean_expected_value (mean over runs of the exact J(θ_t)),
    standard_error (its SE, sd/√runs), low/high (mean ∓ 2 SE), exact_path (J along the same rule
    with the exact gradient, no sampling), stopped, runs, baseline, and exact_mean_expected_value
    with exact_standard_error: the exact E[J(θ_t)] and √(Var[J(θ_t)]/runs) where known — at
    t = 0, and at t = 1 by summing over every count vector of the first step's n draws (NaN
    elsewhere, or when there are more than FIRST_STEP_COMPOSITIONS). Streams:
    SeedSequence(seed).spawn(2).
    """
    problem = check_bandit(problem)
    steps, n = check_sample_count(steps, "steps"), check_sample_count(n)
    seeds = check_sample_count(seeds, "seeds")
    learning_rate = check_positive(learning_rate, "learning_rate")
    if matching not in MATCHINGS:
        raise ValueError(f"matching must be one of {', '.join(MATCHINGS)}, got {matching!r}")
    if baseline == "start":
        baseline = problem.expected_value()
    baseline = check_finite(baseline, "baseline")
    natural_rate = learning_rate
    start = float(np.linalg.norm(natural_gradient(problem)))
    if matching == "same first step" and start > 0:
        natural_rate = learning_rate * float(np.linalg.norm(problem.exact_gradient())) / start
    streams = np.random.SeedSequence(seed).spawn(2)
    frames = []
    for method, rate, natural, stream in (
        ("plain gradient", learning_rate, False, streams[0]),
        ("natural gradient", natural_rate, True, streams[1]),
    ):
        sampled, stopped = _ascent_values(
            problem, steps, n, rate, natural, baseline, seeds, make_rng(stream)
        )
        exact = _ascent_values(problem, steps, None, rate, natural, baseline, 1, None)[0][:, 0]
        mean = sampled.mean(axis=1)
        exact_mean = np.full(steps + 1, np.nan)
        exact_sd = np.full(steps + 1, np.nan)
        exact_mean[0], exact_sd[0] = problem.expected_value(), 0.0
        first = _first_step_moments(problem, n, rate, natural, baseline)
        if first is not None:
            exact_mean[1], exact_sd[1] = first
        standard_error = sampled.std(axis=1, ddof=1) / np.sqrt(seeds) if seeds > 1 else np.nan
        frames.append(
            pd.DataFrame(
                {
                    "method": method,
                    "step": np.arange(steps + 1),
                    "learning_rate": rate,
                    "mean_expected_value": mean,
                    "standard_error": standard_error,
                    "low": mean - 2.0 * standard_error,
                    "high": mean + 2.0 * standard_error,
                    "exact_path": exact,
                    "stopped": stopped,
                    "runs": seeds,
                    "baseline": baseline,
                    "exact_mean_expected_value": exact_mean,
                    "exact_standard_error": exact_sd / np.sqrt(seeds),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _ascent_values(
    problem: Problem,
    steps: int,
    n: int | None,
    rate: float,
    natural: bool,
    baseline: float,
    runs: int,
    rng: np.random.Generator | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Exact J(θ_t) of `runs` ascent runs, shape (steps + 1, runs), and the runs stopped by each
    step (a step that left the floats); n None: the exact gradient in place of ĝ."""
    advantages = problem.rewards - baseline
    thetas = np.tile(problem.theta, (runs, 1))
    values = np.empty((steps + 1, runs))
    stopped = np.zeros(steps + 1, dtype=np.int64)
    halted = np.zeros(runs, dtype=bool)
    for step in range(steps + 1):
        probabilities, scores = _policies(problem, thetas)
        values[step] = probabilities @ problem.rewards
        stopped[step] = halted.sum()
        if step == steps:
            break
        weights = probabilities if n is None else _draw_counts(rng, n, probabilities) / n
        direction = np.einsum("rk,k,rkd->rd", weights, advantages, scores)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if natural:
                fisher = np.einsum("rk,rki,rkj->rij", probabilities, scores, scores)
                direction = np.einsum("rij,rj->ri", fisher_pseudo_inverse(fisher), direction)
            moved = thetas + rate * direction
        finite = np.isfinite(moved).all(axis=1)
        halted |= ~finite
        thetas = np.where(finite[:, None], moved, thetas)
    return values, stopped


def _first_step_moments(
    problem: Problem, n: int, rate: float, natural: bool, baseline: float
) -> tuple[float, float] | None:
    """Exact mean and standard deviation of J(θ₁) after one step from θ₀: a sum over every count
    vector c of the n draws, c ~ Multinomial(n, π(θ₀)); None past FIRST_STEP_COMPOSITIONS."""
    arms = problem.rewards.size
    if math.comb(n + arms - 1, arms - 1) > FIRST_STEP_COMPOSITIONS:
        return None
    counts = compositions(n, arms)
    probabilities, scores = _policies(problem, problem.theta[None, :])
    with np.errstate(divide="ignore"):
        weights = np.exp(log_multinomial(counts, np.log(probabilities[0])))
    direction = (counts / n * (problem.rewards - baseline)) @ scores[0]
    if natural:
        direction = direction @ fisher_pseudo_inverse(problem.fisher_information())
    values = _policies(problem, problem.theta + rate * direction)[0] @ problem.rewards
    mean = float(weights @ values)
    return mean, float(np.sqrt(weights @ (values - mean) ** 2))


def _draw_counts(rng: np.random.Generator, n: int, probabilities: np.ndarray) -> np.ndarray:
    """Arm counts of n draws for each run's own probabilities (R, K): Binomial or Multinomial."""
    if probabilities.shape[1] == 2:
        ones = rng.binomial(n, probabilities[:, 1])
        return np.column_stack([n - ones, ones]).astype(np.float64)
    normalised = probabilities / probabilities.sum(axis=1, keepdims=True)
    return rng.multinomial(n, normalised).astype(np.float64)
