"""Multi-step trajectories: REINFORCE on a small chain, with a choice of how each step is credited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from core.numerics import check_vector, log_sigmoid, sigmoid
from core.problem import EnumerableProblem

MAX_HORIZON = 12
CREDITS = ("return", "reward_to_go", "advantage")


@dataclass(frozen=True, eq=False, repr=False)
class Episodes(EnumerableProblem):
    """T-step episodes on a chain of S positions with a sigmoid policy per position.

    The episode starts at position 0. In position s the policy moves right with probability
    σ(θ_s) and left otherwise (clamped at the ends); each step earns `state_rewards` of the
    position it reaches. f(x) is the return R = Σ_t r_t, params θ_0..θ_{S−1}, and samples are the
    action sequences (1 = right), shape (n, T) — positions follow from them deterministically.

    `credit` picks how REINFORCE credits step t's score ∇log π(a_t|s_t) (all unbiased for ∇E[R]):
      "return":       the whole return R                     (A = R · Σ_t ∇log π_t)
      "reward_to_go": G_t = Σ_{t' ≥ t} r_t'                 (rewards before t cannot depend on a_t)
      "advantage":    G_t − V_t(s_t), the exact value of the position as a state-dependent baseline
    A constant baseline b from `score_function` is subtracted on top: A − b Σ_t ∇log π_t.
    Exact values enumerate all 2^T action sequences (T ≤ 12).
    """

    horizon: int = 5
    theta: ArrayLike = (0.0, 0.0, 0.0)
    state_rewards: ArrayLike = (0.0, 0.5, 1.0)
    credit: str = "return"

    def __post_init__(self) -> None:
        horizon, credit = self.horizon, self.credit
        if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)):
            raise ValueError(f"horizon must be a whole number of steps, got {horizon!r}")
        if not 1 <= horizon <= MAX_HORIZON:
            raise ValueError(
                f"horizon must be between 1 and {MAX_HORIZON} steps (exact values enumerate "
                f"2^T episodes), got {horizon}"
            )
        if credit not in CREDITS:
            raise ValueError(f"unknown credit {credit!r}: choose one of {', '.join(CREDITS)}")
        theta = check_vector(self.theta, "theta")
        if theta.size < 2:
            raise ValueError(f"the chain needs at least 2 positions, got {theta.size}")
        object.__setattr__(self, "horizon", int(horizon))
        object.__setattr__(self, "theta", theta)
        rewards = check_vector(self.state_rewards, "state_rewards", theta.size)
        object.__setattr__(self, "state_rewards", rewards)

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(f"theta_{s}" for s in range(self.theta.size))

    @cached_property
    def _p_right(self) -> np.ndarray:
        """σ(θ_s), the probability of moving right from each position."""
        return sigmoid(self.theta)

    @property
    def sample_width(self) -> int:
        """T random steps per episode."""
        return self.horizon

    def with_theta(self, theta: ArrayLike) -> Episodes:
        return Episodes(self.horizon, theta, self.state_rewards, self.credit)

    def with_credit(self, credit: str) -> Episodes:
        """The same episodes credited another way."""
        return Episodes(self.horizon, self.theta, self.state_rewards, credit)

    # -- dynamics --------------------------------------------------------------------------------
    def _step(self, position: np.ndarray, right: np.ndarray) -> np.ndarray:
        return np.clip(position + np.where(right, 1, -1), 0, self.dim - 1)

    def _positions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Actions (n, T) as booleans and the positions (n, T + 1) they lead through."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.horizon:
            raise ValueError(f"episodes must have shape (n, {self.horizon}), got {x.shape}")
        if np.any((x != 0) & (x != 1)):
            raise ValueError("episode actions must be 0 (left) or 1 (right)")
        right = x == 1
        positions = np.zeros((x.shape[0], self.horizon + 1), dtype=np.int64)
        for t in range(self.horizon):
            positions[:, t + 1] = self._step(positions[:, t], right[:, t])
        return right, positions

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Roll out n episodes: a_t = 1[u_t < σ(θ_{s_t})]."""
        position = np.zeros(n, dtype=np.int64)
        actions = np.empty((n, self.horizon))
        for t in range(self.horizon):
            right = rng.random(n) < self._p_right[position]
            actions[:, t] = right
            position = self._step(position, right)
        return actions

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """All 2^T action sequences and their probabilities."""
        codes = np.arange(2**self.horizon)[:, None]
        actions = ((codes >> np.arange(self.horizon)) & 1).astype(np.float64)
        return actions, np.exp(self.log_prob(actions))

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """Σ_t log π(a_t|s_t), with π(right|s) = σ(θ_s)."""
        right, positions = self._positions(x)
        logits = self.theta[positions[:, :-1]]
        return np.sum(np.where(right, log_sigmoid(logits), log_sigmoid(-logits)), axis=1)

    def _step_scores(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-step ∂/∂θ_{s_t} log π(a_t|s_t) = a_t − σ(θ_{s_t}), positions and rewards (n, T)."""
        right, positions = self._positions(x)
        step_scores = right - self._p_right[positions[:, :-1]]
        rewards = self.state_rewards[positions[:, 1:]]
        return step_scores, positions[:, :-1], rewards

    def _gather(self, weighted_steps: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Sum per-step contributions into the parameter of the position each step was taken in."""
        return np.stack(
            [
                np.sum(np.where(positions == s, weighted_steps, 0.0), axis=1)
                for s in range(self.dim)
            ],
            axis=1,
        )

    def score(self, x: np.ndarray) -> np.ndarray:
        """∇θ log p(x) = Σ_t (a_t − σ(θ_{s_t})) e_{s_t}; the dynamics do not depend on θ."""
        step_scores, positions, _ = self._step_scores(x)
        return self._gather(step_scores, positions)

    def f(self, x: np.ndarray) -> np.ndarray:
        """The return R = Σ_t r_t."""
        return self._step_scores(x)[2].sum(axis=1)

    def rewards_to_go(self, x: np.ndarray) -> np.ndarray:
        """G_t = Σ_{t' ≥ t} r_t', shape (n, T)."""
        rewards = self._step_scores(x)[2]
        return np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]

    def values(self, gamma: float = 1.0) -> np.ndarray:
        """V_t(s) = E[Σ_{t' ≥ t} γ^{t'−t} r_t' | s_t = s], shape (T + 1, S), by backward dynamic
        programming: V_T = 0, V_t(s) = Σ_a π(a|s) (r(s') + γ V_{t+1}(s')); γ = 1 gives E[G_t]."""
        positions = np.arange(self.dim)
        right, left = self._step(positions, True), self._step(positions, False)
        values = np.zeros((self.horizon + 1, self.dim))
        for t in range(self.horizon - 1, -1, -1):
            go_right = self.state_rewards[right] + gamma * values[t + 1, right]
            go_left = self.state_rewards[left] + gamma * values[t + 1, left]
            values[t] = self._p_right * go_right + (1.0 - self._p_right) * go_left
        return values

    def credited_score(self, x: np.ndarray) -> np.ndarray:
        """A(x) = Σ_t c_t ∇log π_t with c_t = R, G_t or G_t − V_t(s_t) per `credit`."""
        step_scores, positions, rewards = self._step_scores(x)
        to_go = np.cumsum(rewards[:, ::-1], axis=1)[:, ::-1]
        if self.credit == "return":
            credit = np.broadcast_to(to_go[:, :1], to_go.shape)
        elif self.credit == "reward_to_go":
            credit = to_go
        else:
            credit = to_go - self.values()[np.arange(self.horizon), positions]
        return self._gather(credit * step_scores, positions)

    def expected_value(self) -> float:
        """E[R] = V_0(0), by dynamic programming (enumeration gives the same; tests check)."""
        return float(self.values()[0, 0])
