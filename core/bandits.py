"""Bandits: one discrete action drawn from a logistic (two arms) or softmax (K arms) policy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from core._kernels import (
    InverseCdfDraw,
    OutcomeCountSums,
    OutcomeTableTerms,
    ThresholdDraw,
    draw_samples,
    outcome_terms,
)
from core.estimators import is_batch_baseline
from core.numerics import check_finite, check_vector, log_sigmoid, log_softmax, sigmoid, softmax
from core.problem import EnumerableProblem


class _DrawnByOutcome(EnumerableProblem):
    """A bandit's pull is one outcome index drawn from u ~ U(0, 1) (`outcome_draw`): its
    score-function terms are looked up in the outcome table, its sums are counts @ statistics."""

    def outcome_draw(self):
        raise NotImplementedError

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Arm indices as float64, drawn by `outcome_draw` (one uniform per pull)."""
        return draw_samples(self.outcome_draw(), rng, n)

    @cached_property
    def _term_tables(self) -> dict:
        """Per-outcome term tables already built, by baseline (None, a number, "optimal")."""
        return {}

    def term_kernel(self, estimator: str, baseline: float | str | None):
        if estimator != "score":
            return super().term_kernel(estimator, baseline)
        table, terms = self.outcome_table(), None
        if not is_batch_baseline(baseline):
            terms = self._term_tables.get(baseline)
            if terms is None:
                b = self.optimal_baseline() if baseline == "optimal" else baseline or 0.0
                terms = self._term_tables[baseline] = outcome_terms(table.statistics, self.dim, b)
        return OutcomeTableTerms(self.outcome_draw(), table, self.dim, baseline, terms)

    def sum_kernel(self, estimator: str, baseline: float | str | None):
        if estimator != "score":
            return super().sum_kernel(estimator, baseline)
        return OutcomeCountSums(self.outcome_draw(), self.outcome_table())

    def rarest_outcome_probability(self) -> float:
        """min_a p(a|θ): the estimates hinge on whether the rarest arm was pulled at all."""
        return float(self.outcome_table().probabilities.min())


@dataclass(frozen=True, eq=False, repr=False)
class Bandit(_DrawnByOutcome):
    """Two arms, p(a=1|θ) = σ(θ), reward r(a) = rewards[a]; d = 1.

    J(θ) = r(0) + (r(1) − r(0)) σ(θ), ∇J(θ) = (r(1) − r(0)) σ(θ)(1 − σ(θ)).
    With the defaults r(0)=5, r(1)=10 the gradient at θ=0 is 5 · ¼ = 1.25.
    Samples are actions a ∈ {0, 1} as float64, shape (n,).
    """

    theta: float = 0.0
    rewards: ArrayLike = (5.0, 10.0)
    params = ("theta",)

    def __post_init__(self) -> None:
        # Stored as the read-only parameter vector (θ,) every problem has; repr shows the number.
        object.__setattr__(
            self, "theta", check_vector([check_finite(self.theta, "theta")], "theta", 1)
        )
        object.__setattr__(self, "rewards", check_vector(self.rewards, "rewards", 2))

    def _arguments(self) -> tuple[tuple[str, object], ...]:
        return (("theta", float(self.theta[0])), ("rewards", self.rewards))

    @cached_property
    def p_one(self) -> float:
        """p(a=1|θ) = σ(θ)."""
        return float(sigmoid(self.theta[0]))

    @cached_property
    def p_zero(self) -> float:
        """p(a=0|θ) = σ(−θ), computed directly so it keeps precision when σ(θ) ≈ 1."""
        return float(sigmoid(-self.theta[0]))

    def with_theta(self, theta: ArrayLike) -> Bandit:
        return Bandit(float(np.asarray(theta, dtype=np.float64).reshape(-1)[0]), self.rewards)

    def outcome_draw(self) -> ThresholdDraw:
        """Actions a_i = 1[u_i < σ(θ)] with u_i ~ U(0, 1)."""
        return ThresholdDraw(self.p_one)

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        return np.array([0.0, 1.0]), np.array([self.p_zero, self.p_one])

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log p(a) = a log σ(θ) + (1 − a) log σ(−θ)."""
        a = _actions(x, 2)
        return np.where(a == 1, log_sigmoid(self.theta[0]), log_sigmoid(-self.theta[0]))

    def score(self, x: np.ndarray) -> np.ndarray:
        """∂θ log p(a) = a − σ(θ): 1 − σ(θ) for a=1 and −σ(θ) for a=0."""
        a = _actions(x, 2)
        return np.where(a == 1, self.p_zero, -self.p_one)[:, None]

    def f(self, x: np.ndarray) -> np.ndarray:
        """r(a)."""
        return self.rewards[_actions(x, 2)]

    def expected_value(self) -> float:
        """J(θ) = σ(−θ) r(0) + σ(θ) r(1)."""
        return self.p_zero * self.rewards[0] + self.p_one * self.rewards[1]

    def exact_gradient(self) -> np.ndarray:
        """∇J(θ) = (r(1) − r(0)) σ(θ) σ(−θ)."""
        return np.array([(self.rewards[1] - self.rewards[0]) * self.p_one * self.p_zero])

    def fisher_information(self) -> np.ndarray:
        """I(θ) = σ(θ)(1 − σ(θ)), shape (1, 1)."""
        return np.array([[self.p_one * self.p_zero]])

    def optimal_baseline(self) -> np.ndarray:
        """b* = E[f s²]/E[s²] = r(1)(1 − σ(θ)) + r(0) σ(θ); with it every term equals ∇J exactly."""
        return np.array([self.rewards[1] * self.p_zero + self.rewards[0] * self.p_one])


@dataclass(frozen=True, eq=False, repr=False)
class SoftmaxBandit(_DrawnByOutcome):
    """K arms, p(a=k|θ) = softmax(θ)_k, reward r(k) = rewards[k]; d = K.

    ∇θ_j J = π_j (r(j) − Σ_k π_k r(k)); score e_a − π; Fisher diag(π) − π πᵀ.
    Samples are arm indices as float64, shape (n,).
    """

    logits: ArrayLike = (0.0, 0.0, 0.0)
    rewards: ArrayLike = (1.0, 2.0, 3.0)

    def __post_init__(self) -> None:
        logits = check_vector(self.logits, "logits")
        if logits.size < 2:
            raise ValueError(f"a softmax bandit needs at least 2 arms, got {logits.size}")
        object.__setattr__(self, "logits", logits)
        object.__setattr__(self, "rewards", check_vector(self.rewards, "rewards", logits.size))

    @property
    def theta(self) -> np.ndarray:
        """The logits."""
        return self.logits

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(f"logit_{k}" for k in range(self.logits.size))

    @cached_property
    def probabilities(self) -> np.ndarray:
        """π = softmax(θ)."""
        probabilities = softmax(self.logits)
        probabilities.setflags(write=False)
        return probabilities

    @cached_property
    def _complements(self) -> np.ndarray:
        """1 − π_j for every arm, the most probable arm's kept exact (`_softmax_complements`)."""
        return _softmax_complements(self.probabilities)

    def with_theta(self, theta: ArrayLike) -> SoftmaxBandit:
        return SoftmaxBandit(theta, self.rewards)

    def outcome_draw(self) -> InverseCdfDraw:
        """Arm k = number of cumulative probabilities below u ~ U(0, 1) (inverse CDF)."""
        return InverseCdfDraw(np.cumsum(self.probabilities)[:-1])

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        return np.arange(self.dim, dtype=np.float64), self.probabilities

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log π_a = θ_a − logsumexp(θ)."""
        return log_softmax(self.theta)[_actions(x, self.dim)]

    def score(self, x: np.ndarray) -> np.ndarray:
        """∇θ log π_a = e_a − π, with 1 − π_a taken as Σ_{k≠a} π_k where π_a rounds near 1."""
        a = _actions(x, self.dim)
        scores = -np.broadcast_to(self.probabilities, (a.size, self.dim)).copy()
        scores[np.arange(a.size), a] = self._complements[a]
        return scores

    def f(self, x: np.ndarray) -> np.ndarray:
        """r(a)."""
        return self.rewards[_actions(x, self.dim)]

    def expected_value(self) -> float:
        """J = Σ_k π_k r(k)."""
        return float(self.probabilities @ self.rewards)

    def exact_gradient(self) -> np.ndarray:
        """∇θ_j J = π_j (r(j) − J), with r(j) − J = (r(j) − r(m)) − Σ_{k≠m} π_k (r(k) − r(m)).

        m is the most probable arm. Writing J − r(m) as the sum over the other arms keeps the
        dominant arm's tiny gradient when π_m rounds to 1 (then r(m) − J would round to 0), so
        the gradient still sums to zero.
        """
        pi, rewards = self.probabilities, self.rewards
        top = int(np.argmax(pi))
        others = np.arange(self.dim) != top
        mean_above_top = float(pi[others] @ (rewards[others] - rewards[top]))
        return pi * ((rewards - rewards[top]) - mean_above_top)

    def fisher_information(self) -> np.ndarray:
        """diag(π) − π πᵀ; the diagonal π_j (1 − π_j) takes 1 − π_j as Σ_{k≠j} π_k."""
        pi = self.probabilities
        fisher = -np.outer(pi, pi)
        fisher[np.diag_indices(self.dim)] = pi * self._complements
        return fisher


def _softmax_complements(probabilities: np.ndarray) -> np.ndarray:
    """1 − π_j for every arm, with the most probable arm's as the sum of the others.

    Only the most probable arm can have π_j > ½, so only its 1 − π_j can cancel; the others
    keep 1 − π_j ≥ ½ to full relative precision.
    """
    complements = 1.0 - probabilities
    top = int(np.argmax(probabilities))
    complements[top] = probabilities.sum(where=np.arange(probabilities.size) != top)
    return complements


def _actions(x: np.ndarray, arms: int) -> np.ndarray:
    """Validate sampled actions and return them as integer indices."""
    x = np.asarray(x)
    if x.ndim != 1:
        raise ValueError(f"actions must be a 1-D array of arm indices, got shape {x.shape}")
    a = x.astype(np.int64)
    if np.any(a != x) or np.any(a < 0) or np.any(a >= arms):
        raise ValueError(f"actions must be whole numbers in 0..{arms - 1}")
    return a
