"""Costs f(x) for the Gaussian problem, each with the exact expectations its variances need.

All expectations are over z ~ N(0, 1) with x = μ + σz. The base class computes every one by
adaptive quadrature; each named cost overrides them with a closed form, and the tests check
each closed form against the quadrature route.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.polynomial import polynomial
from scipy import integrate, special

from core.normal_integrals import (
    expect_normal,
    expect_rayleigh,
    gaussian_bump_moments,
    normal_pdf,
    polynomial_moments,
    rayleigh_cosine_mean,
    standard_normal_moments,
    trig_moments,
    upper_tail_moments,
)

VectorFunction = Callable[[np.ndarray], np.ndarray]


class Cost:
    """A cost f(x) with quadrature for every expectation; subclasses add closed forms."""

    name = "custom"
    formula = "f(x)"
    differentiable = True

    def __init__(self, k: float) -> None:
        self.k = k

    def value(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def derivative(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def antiderivative(self, x: np.ndarray) -> np.ndarray | None:
        """F with F' = f, or None where none is known (then integrals are done numerically)."""
        return None

    def kinks(self, mu: float, sigma: float) -> list[float]:
        """Points in z where f(μ + σz) jumps, kinks or peaks: quadrature splits there."""
        return []

    # -- expectations (quadrature; subclasses override with closed forms) ---------------------
    def _at(self, mu: float, sigma: float, z: float) -> float:
        return float(self.value(np.array([mu + sigma * z]))[0])

    def moments(self, mu: float, sigma: float, power: int, orders: int) -> np.ndarray:
        """E[z^m f(x)^power] for m = 0..orders."""
        points = self.kinks(mu, sigma)
        return np.array(
            [
                expect_normal(lambda z, m=m: z**m * self._at(mu, sigma, z) ** power, points)
                for m in range(orders + 1)
            ]
        )

    def derivative_moments(self, mu: float, sigma: float, orders: int) -> np.ndarray:
        """E[z^m f'(x)²] for m = 0..orders (pathwise variances)."""
        points = self.kinks(mu, sigma)

        def slope(z: float) -> float:
            return float(self.derivative(np.array([mu + sigma * z]))[0])

        return np.array(
            [expect_normal(lambda z, m=m: z**m * slope(z) ** 2, points) for m in range(orders + 1)]
        )

    def expected_value(self, mu: float, sigma: float) -> float:
        """E[f(x)]."""
        return float(self.moments(mu, sigma, 1, 0)[0])

    def gradient(self, mu: float, sigma: float) -> np.ndarray:
        """(∂μ, ∂σ) E[f] = (E[f z]/σ, E[f (z² − 1)]/σ), the score identity in z."""
        m = self.moments(mu, sigma, 1, 2)
        return np.array([m[1] / sigma, (m[2] - m[0]) / sigma])

    def location_coupling_second_moment(self, mu: float, sigma: float) -> float:
        """E[(f(μ + σy) − f(μ − σy))²], y ~ Rayleigh(1): the measure-valued mean term, squared."""
        points = [abs(p) for p in self.kinks(mu, sigma)]
        return expect_rayleigh(
            lambda y: (self._at(mu, sigma, y) - self._at(mu, sigma, -y)) ** 2, points
        )

    def scale_coupling_cross_moment(self, mu: float, sigma: float) -> float:
        """E[f(μ + σM) f(μ + σUM)], M double-sided Maxwell, U ~ U(0, 1).

        The inner mean over U is (F(μ + σM) − F(μ))/(σM), and the Maxwell density is z²φ(z),
        so the whole is E_z[z f(x) (F(x) − F(μ))/σ], one smooth integral.
        """
        antiderivative = self.antiderivative

        def integral_from_mean(x: float) -> float:
            known = antiderivative(np.array([x, mu]))
            if known is not None:
                return float(known[0] - known[1])
            # the inner integral sits inside the outer one, whose own tolerance is 1e-11
            return integrate.quad(
                lambda t: float(self.value(np.array([t]))[0]), mu, x, epsabs=1e-14, epsrel=1e-10
            )[0]

        return expect_normal(
            lambda z: z * self._at(mu, sigma, z) * integral_from_mean(mu + sigma * z) / sigma,
            self.kinks(mu, sigma) + [0.0],
        )


class _PolynomialCost(Cost):
    """A cost that is a polynomial in x, so every Gaussian expectation is a sum of moments."""

    def coefficients(self, mu: float, sigma: float) -> np.ndarray:
        """f(μ + σz) as increasing-power coefficients in z."""
        raise NotImplementedError

    def moments(self, mu: float, sigma: float, power: int, orders: int) -> np.ndarray:
        return polynomial_moments(polynomial.polypow(self.coefficients(mu, sigma), power), orders)

    def derivative_moments(self, mu: float, sigma: float, orders: int) -> np.ndarray:
        slope = polynomial.polyder(self.coefficients(mu, sigma)) / sigma
        return polynomial_moments(polynomial.polypow(slope, 2), orders)


class LinearCost(_PolynomialCost):
    name, formula = "linear", "f(x) = x"

    def value(self, x):
        return np.asarray(x, dtype=np.float64).copy()

    def derivative(self, x):
        return np.ones_like(x, dtype=np.float64)

    def antiderivative(self, x):
        return 0.5 * np.square(x)

    def coefficients(self, mu, sigma):
        return np.array([mu, sigma])

    def expected_value(self, mu, sigma):
        """E[x] = μ."""
        return mu

    def gradient(self, mu, sigma):
        """∇(μ, σ) E[x] = (1, 0)."""
        return np.array([1.0, 0.0])


class SquareCost(_PolynomialCost):
    name, formula = "square", "f(x) = (x − k)²"

    def value(self, x):
        return np.square(x - self.k)

    def derivative(self, x):
        return 2.0 * (x - self.k)

    def antiderivative(self, x):
        return (x - self.k) ** 3 / 3.0

    def coefficients(self, mu, sigma):
        shift = mu - self.k
        return np.array([shift**2, 2.0 * shift * sigma, sigma**2])

    def expected_value(self, mu, sigma):
        """E[(x − k)²] = (μ − k)² + σ²."""
        return (mu - self.k) ** 2 + sigma**2

    def gradient(self, mu, sigma):
        """∇(μ, σ) = (2(μ − k), 2σ)."""
        return np.array([2.0 * (mu - self.k), 2.0 * sigma])


class CosineCost(Cost):
    name, formula = "cos", "f(x) = cos(kx)"

    def value(self, x):
        return np.cos(self.k * x)

    def derivative(self, x):
        return -self.k * np.sin(self.k * x)

    def antiderivative(self, x):
        return None if self.k == 0 else np.sin(self.k * x) / self.k

    def moments(self, mu, sigma, power, orders):
        """E[z^m cos^p(a + ωz)], a = kμ, ω = kσ, with cos² = (1 + cos 2(a + ωz))/2."""
        phase, frequency = self.k * mu, self.k * sigma
        if power == 1:
            return trig_moments(phase, frequency, orders)[0]
        if power == 2:
            doubled = trig_moments(2 * phase, 2 * frequency, orders)[0]
            return 0.5 * (standard_normal_moments(orders) + doubled)
        return super().moments(mu, sigma, power, orders)

    def derivative_moments(self, mu, sigma, orders):
        """E[z^m k² sin²(a + ωz)] = k²/2 (E[z^m] − E[z^m cos 2(a + ωz)])."""
        doubled = trig_moments(2 * self.k * mu, 2 * self.k * sigma, orders)[0]
        return 0.5 * self.k**2 * (standard_normal_moments(orders) - doubled)

    def expected_value(self, mu, sigma):
        """E[cos(kx)] = cos(kμ) e^{−k²σ²/2}."""
        return math.cos(self.k * mu) * math.exp(-0.5 * (self.k * sigma) ** 2)

    def gradient(self, mu, sigma):
        """(−k sin(kμ), −k²σ cos(kμ)) e^{−k²σ²/2}."""
        damping = math.exp(-0.5 * (self.k * sigma) ** 2)
        phase = self.k * mu
        return damping * np.array(
            [-self.k * math.sin(phase), -(self.k**2) * sigma * math.cos(phase)]
        )

    def location_coupling_second_moment(self, mu, sigma):
        """cos(a + ωy) − cos(a − ωy) = −2 sin a sin ωy, so E = 2 sin²a (1 − E[cos 2ωy])."""
        phase, frequency = self.k * mu, self.k * sigma
        return 2.0 * math.sin(phase) ** 2 * (1.0 - rayleigh_cosine_mean(2.0 * frequency))

    def scale_coupling_cross_moment(self, mu, sigma):
        """cos 2a e^{−2ω²} + sin²a e^{−ω²/2}, from E[z sin(c + bz)] = b cos c e^{−b²/2}."""
        phase, frequency = self.k * mu, self.k * sigma
        return math.cos(2 * phase) * math.exp(-2.0 * frequency**2) + math.sin(
            phase
        ) ** 2 * math.exp(-0.5 * frequency**2)


class BumpCost(Cost):
    name, formula = "bump", "f(x) = exp(−k x²)"

    def value(self, x):
        return np.exp(-self.k * np.square(x))

    def derivative(self, x):
        return -2.0 * self.k * x * np.exp(-self.k * np.square(x))

    def antiderivative(self, x):
        root = math.sqrt(self.k)
        return 0.5 * math.sqrt(math.pi) / root * special.erf(root * np.asarray(x))

    def kinks(self, mu, sigma):
        centre, width = -mu / sigma, 1.0 / (sigma * math.sqrt(2.0 * self.k))
        return [centre + width * step for step in (-10, -3, -1, 0, 1, 3, 10)]

    def moments(self, mu, sigma, power, orders):
        """E[z^m e^{−pk x²}] by completing the square."""
        return gaussian_bump_moments(mu, sigma, power * self.k, orders)

    def derivative_moments(self, mu, sigma, orders):
        """f'² = 4k² x² e^{−2kx²} with x² = μ² + 2μσz + σ²z²."""
        bump = gaussian_bump_moments(mu, sigma, 2 * self.k, orders + 2)
        m = np.arange(orders + 1)
        return (
            4.0
            * self.k**2
            * (mu**2 * bump[m] + 2.0 * mu * sigma * bump[m + 1] + sigma**2 * bump[m + 2])
        )

    def expected_value(self, mu, sigma):
        """E[e^{−kx²}] = e^{−kμ²/A}/√A, A = 1 + 2kσ²."""
        precision = 1.0 + 2.0 * self.k * sigma**2
        return math.exp(-self.k * mu**2 / precision) / math.sqrt(precision)

    def gradient(self, mu, sigma):
        """E[f] · (−2kμ/A, −2kσ/A + 4k²μ²σ/A²)."""
        precision = 1.0 + 2.0 * self.k * sigma**2
        value = self.expected_value(mu, sigma)
        d_mu = -2.0 * self.k * mu / precision
        d_sigma = -2.0 * self.k * sigma / precision + 4.0 * self.k**2 * mu**2 * sigma / precision**2
        return value * np.array([d_mu, d_sigma])


class StepCost(Cost):
    name, formula = "step", "f(x) = 1[x > k]"
    differentiable = False

    def value(self, x):
        return (np.asarray(x) > self.k).astype(np.float64)

    def antiderivative(self, x):
        return np.maximum(np.asarray(x, dtype=np.float64) - self.k, 0.0)

    def kinks(self, mu, sigma):
        return [(self.k - mu) / sigma]

    def moments(self, mu, sigma, power, orders):
        """f^p = f, and E[z^m 1[z > t]] are upper-tail moments, t = (k − μ)/σ."""
        return upper_tail_moments((self.k - mu) / sigma, orders)

    def expected_value(self, mu, sigma):
        """P(x > k) = Φ((μ − k)/σ)."""
        return float(special.ndtr((mu - self.k) / sigma))

    def gradient(self, mu, sigma):
        """(φ(t)/σ, t φ(t)/σ), t = (k − μ)/σ."""
        threshold = (self.k - mu) / sigma
        density = float(normal_pdf(threshold))
        return np.array([density / sigma, threshold * density / sigma])

    def location_coupling_second_moment(self, mu, sigma):
        """Exactly one of μ ± σy exceeds k iff y > |t|: P = e^{−t²/2}."""
        return math.exp(-0.5 * ((self.k - mu) / sigma) ** 2)


class AbsCost(Cost):
    name, formula = "abs", "f(x) = |x − k|"

    def value(self, x):
        return np.abs(x - self.k)

    def derivative(self, x):
        return np.sign(x - self.k)

    def antiderivative(self, x):
        shifted = np.asarray(x, dtype=np.float64) - self.k
        return 0.5 * shifted * np.abs(shifted)

    def kinks(self, mu, sigma):
        return [(self.k - mu) / sigma]

    def moments(self, mu, sigma, power, orders):
        """f = σ|z − t|: E[z^m |z − t|] from full and upper-tail moments; f² is a polynomial."""
        threshold = (self.k - mu) / sigma
        if power == 2:
            return sigma**2 * polynomial_moments(
                np.array([threshold**2, -2 * threshold, 1.0]), orders
            )
        if power != 1:
            return super().moments(mu, sigma, power, orders)
        full = standard_normal_moments(orders + 1)
        upper = upper_tail_moments(threshold, orders + 1)
        m = np.arange(orders + 1)
        # |z − t| = (z − t) − 2 (z − t) 1[z < t]
        below = (full - upper)[m + 1] - threshold * (full - upper)[m]
        return sigma * ((full[m + 1] - threshold * full[m]) - 2.0 * below)

    def derivative_moments(self, mu, sigma, orders):
        """f'² = sign² = 1 almost everywhere."""
        return standard_normal_moments(orders)

    def expected_value(self, mu, sigma):
        """Folded normal: σ√(2/π) e^{−t²/2} + (μ − k)(1 − 2Φ(t)), t = (k − μ)/σ."""
        threshold = (self.k - mu) / sigma
        return 2.0 * sigma * float(normal_pdf(threshold)) + (mu - self.k) * (
            1.0 - 2.0 * float(special.ndtr(threshold))
        )

    def gradient(self, mu, sigma):
        """(1 − 2Φ(t), 2φ(t))."""
        threshold = (self.k - mu) / sigma
        return np.array(
            [1.0 - 2.0 * float(special.ndtr(threshold)), 2.0 * float(normal_pdf(threshold))]
        )


class CustomCost(Cost):
    """A visitor's or notebook's vectorised f, with every expectation by quadrature."""

    name = "custom"

    def __init__(
        self,
        function: VectorFunction,
        derivative: VectorFunction | None = None,
        breakpoints: tuple[float, ...] = (),
        formula: str = "f(x)",
    ) -> None:
        super().__init__(k=0.0)
        self.function, self.slope, self.breakpoints = function, derivative, breakpoints
        self.formula = formula
        self.differentiable = derivative is not None

    def value(self, x):
        return np.asarray(self.function(np.asarray(x, dtype=np.float64)), dtype=np.float64)

    def derivative(self, x):
        return np.asarray(self.slope(np.asarray(x, dtype=np.float64)), dtype=np.float64)

    def kinks(self, mu, sigma):
        return [(point - mu) / sigma for point in self.breakpoints]

    def antiderivative(self, x):
        """The function's own F (core.parse_expression builds one), else None: quadrature."""
        known = getattr(self.function, "antiderivative", None)
        return None if known is None else known(np.asarray(x, dtype=np.float64))


NAMED_COSTS: dict[str, type[Cost]] = {
    cost.name: cost for cost in (LinearCost, SquareCost, CosineCost, BumpCost, StepCost, AbsCost)
}
DEFAULT_K = {"linear": 0.0, "square": 0.0, "step": 0.0, "abs": 0.0, "cos": 1.0, "bump": 1.0}
