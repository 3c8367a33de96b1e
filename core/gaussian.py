"""The Gaussian problem: x ~ N(μ, σ²) with a cost f(x), parameters θ = (μ, σ)."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from core.gaussian_costs import DEFAULT_K, NAMED_COSTS, Cost, CustomCost
from core.normal_integrals import standard_normal_moments
from core.numerics import check_finite, check_positive
from core.problem import Problem, ScoreMoments

# c_μ = 1/(σ√(2π)): the mass of each signed part of ∂μ N(x|μ, σ²) (Mohamed et al. 2020, §6.1).
_LOCATION_CONSTANT = 1.0 / math.sqrt(2.0 * math.pi)


class Gaussian(Problem):
    """x ~ N(μ, σ²) with cost f; params ("mu", "sigma") — σ itself, not log σ.

    Score (z/σ, (z² − 1)/σ) with z = (x − μ)/σ; Fisher information diag(1/σ², 2/σ²).
    `cost` is one of "linear" x, "square" (x − k)², "cos" cos(kx), "bump" exp(−k x²),
    "step" 1[x > k] (not differentiable), "abs" |x − k|; `k=None` picks the natural default
    (0 for square/step/abs, 1 for cos/bump). A vectorised callable is also accepted: its exact
    values come from adaptive quadrature, and its pathwise gradient needs `derivative=`.
    """

    params = ("mu", "sigma")

    def __init__(
        self,
        mu: float = 0.0,
        sigma: float = 1.0,
        cost: str | Callable[[np.ndarray], np.ndarray] = "square",
        k: float | None = None,
        *,
        derivative: Callable[[np.ndarray], np.ndarray] | None = None,
        breakpoints: tuple[float, ...] = (),
    ) -> None:
        self.mu = check_finite(mu, "mu")
        self.sigma = check_positive(sigma, "sigma")
        self.theta = np.array([self.mu, self.sigma])
        self.theta.setflags(write=False)
        self._cost_spec = (cost, k, derivative, breakpoints)
        self.cost = _make_cost(cost, k, derivative, breakpoints)

    @property
    def cost_name(self) -> str:
        return self.cost.name

    def with_theta(self, theta: np.ndarray) -> Gaussian:
        mu, sigma = np.asarray(theta, dtype=np.float64).reshape(2)
        cost, k, derivative, breakpoints = self._cost_spec
        return Gaussian(
            float(mu), float(sigma), cost, k, derivative=derivative, breakpoints=breakpoints
        )

    def __repr__(self) -> str:
        return f"Gaussian(mu={self.mu:.6g}, sigma={self.sigma:.6g}, cost={self.cost.formula!r})"

    # -- per-sample quantities -----------------------------------------------------------------
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """x_i = μ + σ z_i, z_i ~ N(0, 1); shape (n,)."""
        return self.mu + self.sigma * rng.standard_normal(n)

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log N(x|μ, σ²) = −z²/2 − log σ − ½ log 2π."""
        z = self._standardise(x)
        return -0.5 * z**2 - math.log(self.sigma) - 0.5 * math.log(2.0 * math.pi)

    def score(self, x: np.ndarray) -> np.ndarray:
        """(∂μ, ∂σ) log N = ((x − μ)/σ², ((x − μ)²/σ² − 1)/σ)."""
        z = self._standardise(x)
        return np.column_stack([z / self.sigma, (z * z - 1.0) / self.sigma])

    def f(self, x: np.ndarray) -> np.ndarray:
        """The cost f(x)."""
        return self.cost.value(np.asarray(x, dtype=np.float64))

    def _standardise(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 1:
            raise ValueError(f"Gaussian samples must be a 1-D array, got shape {x.shape}")
        return (x - self.mu) / self.sigma

    # -- exact values --------------------------------------------------------------------------
    def expected_value(self) -> float:
        """E[f(x)], closed form for named costs, quadrature for a callable."""
        return float(self.cost.expected_value(self.mu, self.sigma))

    def exact_gradient(self) -> np.ndarray:
        """(∂μ, ∂σ) E[f(x)], closed form for named costs, quadrature for a callable."""
        return np.asarray(self.cost.gradient(self.mu, self.sigma), dtype=np.float64)

    def fisher_information(self) -> np.ndarray:
        """diag(1/σ², 2/σ²)."""
        return np.diag([1.0, 2.0]) / self.sigma**2

    def score_moments(self) -> ScoreMoments:
        """From E[z^m f^p], m ≤ 4: S_μ² = z²/σ², S_σ² = (z² − 1)²/σ² = (z⁴ − 2z² + 1)/σ².

        The raw moments are assembled from the centred ones, f = c + h with c = f(μ):
        E[z^m f] = c E[z^m] + E[z^m h], E[z^m f²] = c² E[z^m] + 2c E[z^m h] + E[z^m h²].
        """
        mu, sigma, cost = self.mu, self.sigma, self.cost
        c, plain = cost.centre(mu, sigma), standard_normal_moments(4)
        centred_first = cost.centred_moments(mu, sigma, 1, 4)
        first = c * plain + centred_first
        second = c * c * plain + 2.0 * c * centred_first + cost.centred_moments(mu, sigma, 2, 4)

        def squared_score_weighted(m: np.ndarray) -> np.ndarray:
            return np.array([m[2], m[4] - 2.0 * m[2] + m[0]]) / self.sigma**2

        gradient = self.exact_gradient()
        f_s2 = squared_score_weighted(first)
        fs_sq = squared_score_weighted(second)
        return ScoreMoments(
            mean_f=float(first[0]),
            mean_f2=float(second[0]),
            gradient=gradient,
            a2=fs_sq,
            a_s=f_s2,
            s2=np.diag(self.fisher_information()).copy(),
            f_s=gradient,
            f_s2=f_s2,
            a_fs=fs_sq,
            fs_sq=fs_sq,
        )

    def score_term_variance(self, baseline: np.ndarray) -> np.ndarray:
        """Exact Var[(f − b_j) S_j], centred on f(μ) so that no raw moments cancel."""
        baseline = np.broadcast_to(np.asarray(baseline, dtype=np.float64), (2,))
        return self.cost.score_term_variance(self.mu, self.sigma, baseline)

    def mean_baseline_variance(self) -> np.ndarray:
        """Exact Var[(f − E[f]) S_j], with E[f] − f(μ) from the centred moments, not a double."""
        return self.cost.mean_baseline_score_variance(self.mu, self.sigma)

    def reward_variance(self) -> float:
        """Var[f(x)], centred on f(μ)."""
        return float(self.cost.reward_variance(self.mu, self.sigma))

    # -- pathwise ------------------------------------------------------------------------------
    def _require_differentiable(self) -> None:
        if not self.cost.differentiable:
            if self.cost.name == "step":
                reason = (
                    "the step cost 1[x > k] is not differentiable: its derivative is 0 "
                    "everywhere except the jump at x = k, so the reparameterised gradient "
                    "f'(x)·∂x/∂θ is always 0 and misses the jump's whole contribution"
                )
            else:
                # a parsed expression says why (it jumps); a plain function just lacks one
                reason = getattr(self.cost.function, "nondifferentiable_reason", None) or (
                    "no derivative of the custom cost was given (pass derivative=...)"
                )
            raise ValueError(
                f"the pathwise gradient is not available: {reason}. "
                "Use the score-function or measure-valued estimator instead."
            )

    def pathwise_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """x = μ + σz, so ∇(μ, σ) f(x) = f'(x) · (1, z); shape (n, 2)."""
        self._require_differentiable()
        z = rng.standard_normal(n)
        slope = self.cost.derivative(self.mu + self.sigma * z)
        return np.column_stack([slope, slope * z])

    def pathwise_second_moment(self) -> np.ndarray:
        """(E[f'(x)²], E[f'(x)² z²]) = Var + g², both parts non-negative."""
        return self.pathwise_variance() + self.exact_gradient() ** 2

    def pathwise_variance(self) -> np.ndarray:
        """(Var[f'(x)], Var[f'(x) z]), centred (see Cost.pathwise_variance)."""
        self._require_differentiable()
        return self.cost.pathwise_variance(self.mu, self.sigma)

    # -- measure-valued ------------------------------------------------------------------------
    def measure_valued_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Mohamed et al. (2020, JMLR, §6 and Table 1), with common random numbers per term:

        μ: (f(μ + σy) − f(μ − σy)) / (σ√(2π)), y ~ Rayleigh(1) = Weibull(scale √2, shape 2);
        σ: (f(μ + σM) − f(μ + σUM)) / σ, M ~ double-sided Maxwell, U ~ U(0, 1), UM ~ N(0, 1).
        """
        rayleigh = np.sqrt(2.0 * rng.standard_exponential(n))
        maxwell = np.sqrt(2.0 * rng.standard_gamma(1.5, n))
        maxwell = np.where(rng.random(n) < 0.5, -maxwell, maxwell)
        uniform = rng.random(n)
        value = self.cost.value
        location = (
            (value(self.mu + self.sigma * rayleigh) - value(self.mu - self.sigma * rayleigh))
            * _LOCATION_CONSTANT
            / self.sigma
        )
        scale = (
            value(self.mu + self.sigma * maxwell) - value(self.mu + self.sigma * uniform * maxwell)
        ) / self.sigma
        return np.column_stack([location, scale])

    def measure_valued_second_moment(self) -> np.ndarray:
        """E[term²] = Var + g² of the μ and σ terms, both parts non-negative."""
        return self.measure_valued_variance() + self.exact_gradient() ** 2

    def measure_valued_variance(self) -> np.ndarray:
        """Var of the μ term (f(μ+σy) − f(μ−σy))/(σ√(2π)) and the σ term (f(μ+σM) − f(μ+σUM))/σ,
        computed centred on f(μ) (see Cost.measure_valued_variance)."""
        return self.cost.measure_valued_variance(self.mu, self.sigma)


def _make_cost(
    cost: str | Callable[[np.ndarray], np.ndarray],
    k: float | None,
    derivative: Callable[[np.ndarray], np.ndarray] | None,
    breakpoints: tuple[float, ...],
) -> Cost:
    if callable(cost):
        # A parsed expression (core.parse_expression) carries its own derivative and breakpoints.
        derivative = derivative if derivative is not None else getattr(cost, "derivative", None)
        breakpoints = tuple(breakpoints) or tuple(getattr(cost, "breakpoints", ()))
        probe = np.linspace(-1.0, 1.0, 5)
        try:
            values = np.asarray(cost(probe), dtype=np.float64)
        except Exception as error:  # a user's function may fail in any way; report it plainly
            raise ValueError(f"the cost function failed on a test array: {error}") from error
        if values.shape != probe.shape:
            raise ValueError(
                "the cost function must be vectorised: f(x) for an array x of shape (5,) "
                f"returned shape {values.shape}"
            )
        points = tuple(check_finite(p, "breakpoint") for p in breakpoints)
        return CustomCost(cost, derivative, points, getattr(cost, "formula", "f(x)"))
    if not isinstance(cost, str) or cost not in NAMED_COSTS:
        names = ", ".join(sorted(NAMED_COSTS))
        raise ValueError(f"unknown cost {cost!r}: choose one of {names}, or pass a function")
    k_value = DEFAULT_K[cost] if k is None else check_finite(k, "k")
    if cost == "bump" and k_value <= 0:
        raise ValueError(f"the bump cost exp(−k x²) needs k > 0, got {k_value}")
    return NAMED_COSTS[cost](k_value)
