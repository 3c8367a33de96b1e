"""A continuous action from a linear activation: the simplest Gaussian policy."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import hermite_e
from numpy.typing import ArrayLike

from core.numerics import check_positive, check_vector
from core.problem import Problem, ScoreMoments

# Probabilists' Gauss–Hermite with 8 nodes integrates polynomials of degree ≤ 15 exactly; every
# integrand here is a polynomial of degree ≤ 8 in each Gaussian variable.
_NODES, _WEIGHTS = hermite_e.hermegauss(8)
_WEIGHTS = _WEIGHTS / math.sqrt(2.0 * math.pi)


class LinearActivation:
    """A policy whose parameters are the weights w of a linear activation wᵀs: θ = w."""

    weights: np.ndarray
    theta = property(lambda self: self.weights, doc="The weights w.")
    params = property(
        lambda self: tuple(f"w_{j}" for j in range(self.weights.size)), doc="w_0, …, w_{d−1}."
    )


@dataclass(frozen=True, eq=False, repr=False)
class LinearGaussianPolicy(LinearActivation, Problem):
    """States s ~ N(0, I_d), action a ~ N(wᵀs, σ²), reward −(a − w*ᵀs)²; params w.

    Score (a − wᵀs) s/σ²; Fisher E[s sᵀ]/σ² = I/σ². With δ = w − w* the objective is
    J(w) = −(σ² + |δ|²) and ∇J = −2δ. Samples are rows (s_1, …, s_d, a), shape (n, d + 1).
    """

    weights: ArrayLike = (0.0, 0.0)
    target: ArrayLike = (1.0, -0.5)
    sigma: float = 1.0

    def __post_init__(self) -> None:
        weights = check_vector(self.weights, "weights")
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "target", check_vector(self.target, "target", weights.size))
        object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))

    def with_theta(self, theta: ArrayLike) -> LinearGaussianPolicy:
        return LinearGaussianPolicy(theta, self.target, self.sigma)

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        states = rng.standard_normal((n, self.dim))
        actions = states @ self.theta + self.sigma * rng.standard_normal(n)
        return np.column_stack([states, actions])

    def _split(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim + 1:
            raise ValueError(
                f"policy samples must have shape (n, {self.dim + 1}) — states then action — "
                f"got {x.shape}"
            )
        return x[:, : self.dim], x[:, self.dim]

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log N(a | wᵀs, σ²) + log N(s | 0, I)."""
        states, actions = self._split(x)
        noise = (actions - states @ self.theta) / self.sigma
        log_norm = 0.5 * math.log(2.0 * math.pi)
        return (
            -0.5 * noise**2
            - math.log(self.sigma)
            - log_norm
            - 0.5 * np.sum(states**2, axis=1)
            - self.dim * log_norm
        )

    def score(self, x: np.ndarray) -> np.ndarray:
        """∇w log p = (a − wᵀs) s/σ²."""
        states, actions = self._split(x)
        return ((actions - states @ self.theta) / self.sigma**2)[:, None] * states

    def f(self, x: np.ndarray) -> np.ndarray:
        """r(s, a) = −(a − w*ᵀs)²."""
        states, actions = self._split(x)
        return -np.square(actions - states @ self.target)

    def expected_value(self) -> float:
        """J = −(σ² + |w − w*|²)."""
        offset = self.theta - self.target
        return -(self.sigma**2 + float(offset @ offset))

    def exact_gradient(self) -> np.ndarray:
        """∇J = −2(w − w*)."""
        return -2.0 * (self.theta - self.target)

    def fisher_information(self) -> np.ndarray:
        """E[s sᵀ]/σ² = I/σ²."""
        return np.eye(self.dim) / self.sigma**2

    def _coordinate_expectation(self, j: int, integrand) -> float:
        """E[h(ε, s_j, u)] for ε ~ N(0, σ²), s_j ~ N(0, 1), u = Σ_{i≠j} δ_i s_i ~ N(0, ρ²).

        a − w*ᵀs = ε + δ_j s_j + u, so every quantity of coordinate j is a polynomial in these
        three independent Gaussians; tensor Gauss–Hermite integrates it exactly.
        """
        offset = self.theta - self.target
        rest = math.sqrt(self._offset_squares()[1][j])
        eps, state, other = np.meshgrid(_NODES * self.sigma, _NODES, _NODES * rest, indexing="ij")
        weight = _WEIGHTS[:, None, None] * _WEIGHTS[None, :, None] * _WEIGHTS[None, None, :]
        return float(np.sum(weight * integrand(eps, state, other, offset[j])))

    def score_moments(self) -> ScoreMoments:
        def moment(power_f: int, power_s: int) -> np.ndarray:
            return np.array(
                [
                    self._coordinate_expectation(
                        j,
                        lambda e, s, u, d: (
                            _reward(e, s, u, d) ** power_f * (e * s / self.sigma**2) ** power_s
                        ),
                    )
                    for j in range(self.dim)
                ]
            )

        gradient = self.exact_gradient()
        fs_sq, f_s2 = moment(2, 2), moment(1, 2)
        return ScoreMoments(
            mean_f=self.expected_value(),
            mean_f2=self._coordinate_expectation(0, lambda e, s, u, d: _reward(e, s, u, d) ** 2),
            gradient=gradient,
            a2=fs_sq,
            a_s=f_s2,
            s2=np.full(self.dim, 1.0 / self.sigma**2),
            f_s=gradient,
            f_s2=f_s2,
            a_fs=fs_sq,
            fs_sq=fs_sq,
        )

    def _offset_squares(self) -> tuple[np.ndarray, np.ndarray]:
        """δ_j² and ρ_j² = Σ_{i≠j} δ_i², each summed directly (not |δ|² − δ_j², which cancels)."""
        squares = np.square(self.theta - self.target)
        others = np.array([float(np.delete(squares, j).sum()) for j in range(self.dim)])
        return squares, others

    def optimal_baseline(self) -> np.ndarray:
        """b*_j = E[r S_j²]/E[S_j²] = −(3σ² + 3δ_j² + ρ_j²), in closed form."""
        own, others = self._offset_squares()
        return -(3.0 * self.sigma**2 + 3.0 * own + others)

    def score_term_variance(self, baseline: np.ndarray) -> np.ndarray:
        """Exact Var[A_j − b_j S_j], shape (d,), as a sum of non-negative terms:

            (b_j − b*_j)²/σ² + 2(ρ⁴ + 6δ_j²ρ² + 3δ_j⁴)/σ² + 32δ_j² + 12ρ² + 6σ²,  ρ² = ρ_j².

        With v = ε + δ_j s_j + u, r − b = −(v² + b) and S_j = ε s_j/σ², Isserlis' moments give
        E[(v² + b)² ε² s_j²] = σ²(3ρ⁴ + 18δ_j²ρ² + 15δ_j⁴) + 18σ⁴(3δ_j² + ρ²) + 15σ⁶
        + 2bσ²(3σ² + 3δ_j² + ρ²) + b²σ²; completing the square in b and subtracting g_j² = 4δ_j²
        leaves the form above, so nothing cancels and the variance at b* is its last four terms.
        """
        own, others = self._offset_squares()
        sigma2 = self.sigma**2
        spread = 2.0 * (others**2 + 6.0 * own * others + 3.0 * own**2)
        return (
            (np.asarray(baseline, dtype=np.float64) - self.optimal_baseline()) ** 2 / sigma2
            + spread / sigma2
            + 32.0 * own
            + 12.0 * others
            + 6.0 * sigma2
        )

    def reward_variance(self) -> float:
        """Var[r] = 2(σ² + |δ|²)²: a − w*ᵀs ~ N(0, σ² + |δ|²), so −r/(σ² + |δ|²) is χ²₁."""
        offset = self.theta - self.target
        return 2.0 * (self.sigma**2 + float(offset @ offset)) ** 2

    def pathwise_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """a = wᵀs + σξ, so ∇w r = −2(a − w*ᵀs) s."""
        x = self.sample(rng, n)
        states, actions = x[:, : self.dim], x[:, self.dim]
        return (-2.0 * (actions - states @ self.target))[:, None] * states

    def pathwise_second_moment(self) -> np.ndarray:
        """E[4 (ε + δ_j s_j + u)² s_j²] = 4(σ² + 3δ_j² + ρ_j²) per coordinate."""
        own, others = self._offset_squares()
        return 4.0 * (self.sigma**2 + 3.0 * own + others)

    def pathwise_variance(self) -> np.ndarray:
        """Var[−2(ε + δ_j s_j + u) s_j] = 4(σ² + 2δ_j² + ρ_j²), in closed form (no g² subtracted)."""
        own, others = self._offset_squares()
        return 4.0 * (self.sigma**2 + 2.0 * own + others)


def _reward(eps, state, other, offset_j):
    """r = −(a − w*ᵀs)² = −(ε + δ_j s_j + u)² in coordinate j's three Gaussians."""
    return -np.square(eps + offset_j * state + other)
