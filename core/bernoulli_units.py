"""D independent binary units b_j ~ Bernoulli(σ(θ_j)) with a reward of their mean, D ≤ 10.

The reward is a function of m = (1/D) Σ_j b_j, defined on the relaxed cube [0, 1]^D too (so a
Concrete relaxation can differentiate it):

- "linear": f = r(0) + (r(1) − r(0))·m — with D = 1 the two-armed bandit `core.Bandit`;
- "squared_error": f = (m − t)² — with D = 1 the toy problem of REBAR (Tucker et al. 2017,
  arXiv:1703.07370, t = 0.45) and RELAX (Grathwohl et al. 2018, arXiv:1711.00123, §6.1,
  t = 0.499); for D > 1 it is not additive over the units.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from core.numerics import check_finite, check_vector, log_sigmoid, sigmoid
from core.problem import EnumerableProblem

REWARDS = ("linear", "squared_error")
MAX_UNITS = 10
# The targets of the two papers' toy problem E[(b − t)²].
REBAR_TARGET = 0.45
RELAX_TARGET = 0.499


@dataclass(frozen=True, eq=False, repr=False)
class BernoulliUnits(EnumerableProblem):
    """D independent units, p(b_j = 1|θ) = σ(θ_j) (θ: the logits), reward f(m) of m = mean(b);
    d = D.

    Score ∂θ_j log p(b) = b_j − σ(θ_j); exact values by enumerating the 2^D outcomes.
    Samples are 0/1 arrays of shape (n, D).
    """

    theta: ArrayLike = (0.0,)
    reward: str = "linear"
    rewards: ArrayLike = (5.0, 10.0)
    target: float = RELAX_TARGET

    def __post_init__(self) -> None:
        theta = check_vector(self.theta, "theta")
        if not 1 <= theta.size <= MAX_UNITS:
            raise ValueError(f"the number of units D must be 1…{MAX_UNITS}, got {theta.size}")
        if self.reward not in REWARDS:
            raise ValueError(f"unknown reward {self.reward!r}: choose one of {', '.join(REWARDS)}")
        object.__setattr__(self, "theta", theta)
        object.__setattr__(self, "rewards", check_vector(self.rewards, "rewards", 2))
        object.__setattr__(self, "target", check_finite(self.target, "target"))

    def _arguments(self) -> tuple[tuple[str, object], ...]:
        return (
            ("theta", self.theta),
            ("reward", self.reward),
            ("rewards", self.rewards),
            ("target", float(self.target)),
        )

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(f"theta_{j}" for j in range(self.theta.size))

    @property
    def units(self) -> int:
        """D, the number of binary units."""
        return int(self.theta.size)

    @cached_property
    def p_one(self) -> np.ndarray:
        """σ(θ_j) per unit, shape (D,)."""
        return sigmoid(self.theta)

    @cached_property
    def p_zero(self) -> np.ndarray:
        """σ(−θ_j) per unit, computed directly so it keeps precision when σ(θ_j) ≈ 1."""
        return sigmoid(-self.theta)

    def with_theta(self, theta: ArrayLike) -> BernoulliUnits:
        theta = np.broadcast_to(np.asarray(theta, dtype=np.float64).reshape(-1), (self.units,))
        return BernoulliUnits(tuple(theta.tolist()), self.reward, self.rewards, self.target)

    # -- the reward, on {0, 1}^D and on the relaxed cube [0, 1]^D --------------------------
    def f(self, x: np.ndarray) -> np.ndarray:
        """f(m) with m = mean over the units of x (binary or relaxed), shape (n,)."""
        m = self._units(x).mean(axis=1)
        if self.reward == "linear":
            return self.rewards[0] + (self.rewards[1] - self.rewards[0]) * m
        return (m - self.target) ** 2

    def reward_slope(self, m: np.ndarray) -> np.ndarray:
        """df/dm at m, the same shape as m; ∂f/∂x_j = df/dm / D."""
        if self.reward == "linear":
            return np.full_like(m, self.rewards[1] - self.rewards[0], dtype=np.float64)
        return 2.0 * (m - self.target)

    def reward_gradient(self, x: np.ndarray) -> np.ndarray:
        """∂f/∂x_j = f'(m)/D at each row of x (binary or relaxed), shape (n, D)."""
        x = self._units(x)
        slope = self.reward_slope(x.mean(axis=1)) / self.units
        return np.broadcast_to(slope[:, None], x.shape).copy()

    def slope_coefficients(self) -> tuple[float, float]:
        """(α, β) with ∂f/∂x_j = α + β·m: f'(m)/D is affine in m for both rewards."""
        if self.reward == "linear":
            return float(self.rewards[1] - self.rewards[0]) / self.units, 0.0
        return -2.0 * self.target / self.units, 2.0 / self.units

    # -- the distribution ----------------------------------------------------------------------
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """b_j = 1[u_j < σ(θ_j)], u ~ U(0, 1)^D, as float64 of shape (n, D)."""
        return (rng.random((n, self.units)) < self.p_one).astype(np.float64)

    def support(self) -> tuple[np.ndarray, np.ndarray]:
        outcomes = np.array(list(itertools.product((0.0, 1.0), repeat=self.units)))
        return outcomes, np.exp(self.log_prob(outcomes))

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """Σ_j b_j log σ(θ_j) + (1 − b_j) log σ(−θ_j)."""
        b = self._binary(x)
        return np.where(b == 1, log_sigmoid(self.theta), log_sigmoid(-self.theta)).sum(axis=1)

    def score(self, x: np.ndarray) -> np.ndarray:
        """∂θ_j log p(b) = b_j − σ(θ_j): σ(−θ_j) where b_j = 1, −σ(θ_j) where b_j = 0."""
        b = self._binary(x)
        return np.where(b == 1, self.p_zero, -self.p_one)

    def _units(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1 and self.units == 1:
            x = x[:, None]
        if x.ndim != 2 or x.shape[1] != self.units:
            raise ValueError(f"samples must have shape (n, {self.units}), got {x.shape}")
        return x

    def _binary(self, x: np.ndarray) -> np.ndarray:
        x = self._units(x)
        if np.any((x != 0) & (x != 1)):
            raise ValueError("binary samples must be 0 or 1")
        return x
