"""A discrete action from a linear activation: the logistic policy π(a=1|s) = σ(wᵀs).

States come from a short list of feature vectors with given probabilities, so every exact value
is a finite sum over (state, action) pairs; `logistic_derivation` writes ∇J out state by state.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from core.numerics import check_finite, check_vector, log_sigmoid, sigmoid
from core.policy import LinearActivation
from core.problem import EnumerableProblem

DEFAULT_STATES = ((1.0, 2.0), (1.0, -1.0))
DEFAULT_STATE_PROBABILITIES = (0.5, 0.5)
DEFAULT_REWARDS = ((0.0, 1.0), (2.0, 0.0))  # (r(s, 0), r(s, 1)) per state


def _matrix(values: object, name: str, columns: int | None = None) -> np.ndarray:
    rows = [check_vector(row, name, columns) for row in values]
    if not rows:
        raise ValueError(f"{name} needs at least one row")
    width = rows[0].size
    if any(row.size != width for row in rows):
        raise ValueError(f"every row of {name} must have {width} entries")
    matrix = np.array(rows)
    matrix.setflags(write=False)
    return matrix


@dataclass(frozen=True, eq=False, repr=False)
class LogisticPolicy(LinearActivation, EnumerableProblem):
    """State s_k (features, row k of `states`) with probability p_k; action a ∈ {0, 1} with
    π(a=1|s) = σ(wᵀs); reward r(s_k, a) = rewards[k][a]; params w.

    Score ∇w log π(a|s) = (a − σ(wᵀs)) s (Williams 1992); ∇J = Σ_k p_k σ(z_k)(1 − σ(z_k))
    (r(s_k, 1) − r(s_k, 0)) s_k with z_k = wᵀs_k. Samples are rows (k, a), shape (n, 2).
    """

    weights: ArrayLike = (0.0, 0.5)
    states: ArrayLike = DEFAULT_STATES
    state_probabilities: ArrayLike = DEFAULT_STATE_PROBABILITIES
    rewards: ArrayLike = DEFAULT_REWARDS

    def __post_init__(self) -> None:
        weights = check_vector(self.weights, "weights")
        states = _matrix(self.states, "states", weights.size)
        probabilities = check_vector(self.state_probabilities, "state_probabilities", len(states))
        if np.any(probabilities < 0) or not np.isclose(probabilities.sum(), 1.0, atol=1e-12):
            raise ValueError(
                f"state_probabilities must be ≥ 0 and sum to 1, got {probabilities.tolist()}"
            )
        rewards = _matrix(self.rewards, "rewards", 2)
        if len(rewards) != len(states):
            raise ValueError(f"rewards needs one (r(s, 0), r(s, 1)) pair per state ({len(states)})")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "states", states)
        object.__setattr__(self, "state_probabilities", probabilities)
        object.__setattr__(self, "rewards", rewards)

    def _arguments(self) -> tuple[tuple[str, object], ...]:
        nested = lambda matrix: tuple(tuple(row) for row in matrix.tolist())  # noqa: E731
        return (
            ("weights", self.weights),
            ("states", nested(self.states)),
            ("state_probabilities", self.state_probabilities),
            ("rewards", nested(self.rewards)),
        )

    def with_theta(self, theta: ArrayLike) -> LogisticPolicy:
        return LogisticPolicy(theta, self.states, self.state_probabilities, self.rewards)

    @cached_property
    def logits(self) -> np.ndarray:
        """z_k = wᵀs_k per state."""
        return self.states @ self.weights

    def _split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != 2:
            raise ValueError(f"logistic-policy samples are rows (state, action), got {x.shape}")
        state, action = x[:, 0].astype(np.int64), x[:, 1]
        if np.any((state < 0) | (state >= len(self.states))) or np.any(
            (action != 0) & (action != 1)
        ):
            raise ValueError("samples must hold a state index and an action 0 or 1")
        return state, action

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """k ~ p, then a = 1[u < σ(z_k)]."""
        state = rng.choice(len(self.states), size=n, p=self.state_probabilities)
        action = rng.random(n) < sigmoid(self.logits)[state]
        return np.column_stack([state, action]).astype(np.float64)

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """All (state, action) pairs and p_k π(a|s_k)."""
        states = np.repeat(np.arange(len(self.states)), 2)
        actions = np.tile([0.0, 1.0], len(self.states))
        x = np.column_stack([states, actions]).astype(np.float64)
        return x, np.exp(self.log_prob(x))

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log p_k + log σ(±z_k); a state of probability 0 gives −inf."""
        state, action = self._split(x)
        z = self.logits[state]
        with np.errstate(divide="ignore"):
            log_state = np.log(self.state_probabilities[state])
        return log_state + np.where(action == 1, log_sigmoid(z), log_sigmoid(-z))

    def score(self, x: np.ndarray) -> np.ndarray:
        """∇w log π(a|s) = (a − σ(wᵀs)) s; the state's probability does not depend on w."""
        state, action = self._split(x)
        return (action - sigmoid(self.logits[state]))[:, None] * self.states[state]

    def f(self, x: np.ndarray) -> np.ndarray:
        """r(s_k, a)."""
        state, action = self._split(x)
        return self.rewards[state, action.astype(np.int64)]


def logistic_derivation(problem: LogisticPolicy) -> pd.DataFrame:
    """Each line of ∇J for the logistic policy, one row per (state, action, parameter):

    z = wᵀs, π(1|s) = σ(z), score (a − σ(z)) s_j, weight p(s) π(a|s), summand
    p(s) π(a|s) r(s, a) (a − σ(z)) s_j; summed over rows of one parameter it is ∂J/∂w_j.
    Columns: state, feature, action, param, state_probability, logit, prob_one, action_probability,
    reward, score, summand.
    """
    if not isinstance(problem, LogisticPolicy):
        raise ValueError(f"the logistic derivation needs a LogisticPolicy, got {type(problem)}")
    rows = []
    for k, (features, p, z) in enumerate(
        zip(problem.states, problem.state_probabilities, problem.logits, strict=True)
    ):
        prob_one = float(sigmoid(check_finite(z, "logit")))
        for action in (0, 1):
            action_probability = prob_one if action else float(sigmoid(-z))
            reward = float(problem.rewards[k, action])
            for j, name in enumerate(problem.params):
                score = (action - prob_one) * float(features[j])
                rows.append(
                    {
                        "state": k,
                        "feature": float(features[j]),
                        "action": action,
                        "param": name,
                        "state_probability": float(p),
                        "logit": float(z),
                        "prob_one": prob_one,
                        "action_probability": action_probability,
                        "reward": reward,
                        "score": score,
                        # + 0.0: a zero reward times a negative score is 0, not −0
                        "summand": float(p) * action_probability * reward * score + 0.0,
                    }
                )
    return pd.DataFrame(rows)
