"""Costs f(x) for the Gaussian problem, each with the exact expectations its variances need.

All expectations are over z ~ N(0, 1) with x = μ + σz. The base class computes every one by
adaptive quadrature; each named cost overrides them with a closed form, and the tests check
each closed form against the quadrature route.

Variances are computed centred, never as E[X²] − E[X]² of raw moments: every route works with
h(z) = f(μ + σz) − f(μ), so a cost such as (x − k)² at k = 10⁶ (values near 10¹², spread near
10⁶) keeps its digits. Where h is a polynomial, or a power series that converges to rounding in
a few dozen terms (cos and bump when the cost barely changes over a few σ), each variance is a
sum of non-negative terms of that series (`centred_series`); elsewhere the closed forms of the
centred moments are used, which no longer cancel because h varies on the scale of f itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.polynomial import polynomial

from core.normal_integrals import (
    erf_square_gap,
    exp_minus_one_series,
    expect_normal,
    expect_rayleigh,
    gaussian_bump_moments,
    maxwell_coupling_moments,
    normal_cdf,
    normal_pdf,
    one_minus_rayleigh_cosine_mean,
    polynomial_moments,
    polynomial_variance,
    rayleigh_odd_part_variance,
    standard_normal_moments,
    trig_moments,
    upper_tail_moments,
)

VectorFunction = Callable[[np.ndarray], np.ndarray]

# The centred power series is used for cos while |kσ| ≤ 1 and for the bump while |2kμσ| ≤ ½ and
# kσ² ≤ 1/20; there it converges to rounding within _SERIES_TERMS terms. Past the switch the
# closed forms, centred on E[f], lose at most ~1/(kσ)⁴ ≤ 1 (cos) or ~1/q² ≤ 400 (bump, q the
# larger of 2kμσ and kσ²) ulps to cancellation; the tests check both sides of the switch.
_SERIES_FREQUENCY = 1.0
_SERIES_QUADRATIC = 0.05
_SERIES_TERMS = 60


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

    def centre(self, mu: float, sigma: float) -> float:
        """The constant c that the centred moments subtract, h = f − c: f(μ) where the series
        holds (there h is small and exactly a power series), else E[f].

        Every variance formula below is exact for any c; the choice only decides what cancels.
        Off the series route f(μ) can be a poor centre — a narrow bump has f ≈ 0 almost
        everywhere but f(μ) at its peak, so h S ≈ −f(μ) S and the quadratic in β = c − b
        cancels to ten digits — while E[f] keeps (f − c) S from being nearly proportional to S.
        """
        if self.centred_series(mu, sigma) is not None:
            return self._at(mu, sigma, 0.0)
        return self.expected_value(mu, sigma)

    def centred_series(self, mu: float, sigma: float) -> np.ndarray | None:
        """Coefficients h_0 = 0, h_1, … in z of h(z) = f(μ + σz) − f(μ), where a polynomial of
        modest degree equals h to rounding at every z that carries weight; None elsewhere."""
        return None

    # -- expectations (quadrature; subclasses override with closed forms) ---------------------
    def _at(self, mu: float, sigma: float, z: float) -> float:
        return float(self.value(np.array([mu + sigma * z]))[0])

    def centred_moments(self, mu: float, sigma: float, power: int, orders: int) -> np.ndarray:
        """E[z^m h^p], h = f(μ + σz) − c (c from `centre`), m = 0..orders, p = 1 or 2.

        From the series where it holds, else from the raw moments by the binomial expansion
        about c = E[f], which is safe there because f then varies on the scale of its mean.
        """
        series = self.centred_series(mu, sigma)
        if series is not None:
            return polynomial_moments(polynomial.polypow(series, power), orders)
        c = self.centre(mu, sigma)
        plain = standard_normal_moments(orders)
        first = self.moments(mu, sigma, 1, orders)
        if power == 1:
            return first - c * plain
        return self.moments(mu, sigma, 2, orders) - 2.0 * c * first + c * c * plain

    def centred_cross_moment(self, mu: float, sigma: float) -> float:
        """E[h(M) h(UM)], M double-sided Maxwell, U ~ U(0, 1), from the raw cross moment."""
        c = self.centre(mu, sigma)
        first = self.moments(mu, sigma, 1, 2)  # E[f(μ + σM)] = E[z² f], E[f(μ + σUM)] = E[f]
        return self.scale_coupling_cross_moment(mu, sigma) - c * (first[2] + first[0]) + c * c

    # -- centred variances of one term of each estimator ----------------------------------------
    def reward_variance(self, mu: float, sigma: float) -> float:
        """Var[f(x)] = E[h²] − E[h]², or the Hermite sum of squares of the series."""
        series = self.centred_series(mu, sigma)
        if series is not None:
            return polynomial_variance(series)
        first = self.centred_moments(mu, sigma, 1, 0)[0]
        return max(float(self.centred_moments(mu, sigma, 2, 0)[0] - first * first), 0.0)

    def score_term_variance(self, mu: float, sigma: float, baseline: np.ndarray) -> np.ndarray:
        """Var[(f − b_j) S_j] for S = (z, z² − 1)/σ, per parameter j, at the baselines given."""
        beta = self.centre(mu, sigma) - np.asarray(baseline, dtype=np.float64)
        return self._score_term_variance(mu, sigma, beta)

    def mean_baseline_score_variance(self, mu: float, sigma: float) -> np.ndarray:
        """Var[(f − E[f]) S_j] with β = c − E[f] = −E[h] taken from the centred moments.

        Passing E[f] as a double instead rounds it next to c, and when f barely varies (cos with
        k = 1e-6: E[f] − f(μ) ≈ 1e-13) that rounding is a 1e-3 error in β.
        """
        beta = -float(self.centred_moments(mu, sigma, 1, 0)[0])
        return self._score_term_variance(mu, sigma, np.full(2, beta))

    def _score_term_variance(self, mu: float, sigma: float, beta: np.ndarray) -> np.ndarray:
        """Var[(h + β_j) S_j], h = f − c, β = c − b.

        Var = E[h² S²] − g² + 2β E[h S²] + β² E[S²]. Each part is accurate and, with c = E[f]
        off the series route, the quadratic in β cannot cancel beyond its O(1) Cauchy–Schwarz
        margin (h S is never nearly proportional to S). On the series route (h + β) S is a
        polynomial and its variance the Hermite sum of squares.
        """
        series = self.centred_series(mu, sigma)
        if series is not None:
            variances = []
            for shift, score in zip(beta, ([0.0, 1.0], [-1.0, 0.0, 1.0]), strict=True):
                shifted = series.copy()
                shifted[0] += shift
                variances.append(polynomial_variance(polynomial.polymul(shifted, score)))
            return np.array(variances) / sigma**2
        first = self.centred_moments(mu, sigma, 1, 4)
        second = self.centred_moments(mu, sigma, 2, 4)

        def squared_score_weighted(m: np.ndarray) -> np.ndarray:
            return np.array([m[2], m[4] - 2.0 * m[2] + m[0]]) / sigma**2

        gradient = np.asarray(self.gradient(mu, sigma), dtype=np.float64)
        scores = np.array([1.0, 2.0]) / sigma**2
        variance = (
            (squared_score_weighted(second) - gradient**2)
            + 2.0 * beta * squared_score_weighted(first)
            + beta**2 * scores
        )
        return np.maximum(variance, 0.0)

    def pathwise_variance(self, mu: float, sigma: float) -> np.ndarray:
        """(Var[f'(x)], Var[f'(x) z]); on the series route f'(x) = h'(z)/σ, a polynomial."""
        series = self.centred_series(mu, sigma)
        if series is not None:
            slope = polynomial.polyder(series) / sigma
            return np.array(
                [polynomial_variance(slope), polynomial_variance(polynomial.polymulx(slope))]
            )
        moments = self.derivative_moments(mu, sigma, 2)
        gradient = np.asarray(self.gradient(mu, sigma), dtype=np.float64)
        return np.maximum(np.array([moments[0], moments[2]]) - gradient**2, 0.0)

    def measure_valued_variance(self, mu: float, sigma: float) -> np.ndarray:
        """Var of the measure-valued μ and σ terms (Mohamed et al. 2020, Table 1), centred.

        μ: (f(μ+σy) − f(μ−σy))/(σ√(2π)), y ~ Rayleigh(1); σ: (f(μ+σM) − f(μ+σUM))/σ. On the
        series route both are polynomials in the variates and f(μ) cancels exactly; elsewhere
        E[(h(M) − h(UM))²] = E[z² h²] + E[h²] − 2 E[h(M) h(UM)] with h centred.
        """
        series = self.centred_series(mu, sigma)
        if series is not None:
            location = rayleigh_odd_part_variance(series) / (2.0 * math.pi * sigma**2)
            mean, second = maxwell_coupling_moments(series)
            return np.array([location, max(second - mean * mean, 0.0) / sigma**2])
        gradient = np.asarray(self.gradient(mu, sigma), dtype=np.float64)
        location = self.location_coupling_second_moment(mu, sigma) / (2.0 * math.pi * sigma**2)
        squares = self.centred_moments(mu, sigma, 2, 2)
        coupled = squares[2] + squares[0] - 2.0 * self.centred_cross_moment(mu, sigma)
        return np.maximum(np.array([location, coupled / sigma**2]) - gradient**2, 0.0)

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
        """E[f(x)] = f(μ) + E[h]."""
        return self.centre(mu, sigma) + float(self.centred_moments(mu, sigma, 1, 0)[0])

    def gradient(self, mu: float, sigma: float) -> np.ndarray:
        """(∂μ, ∂σ) E[f] = (E[h z]/σ, E[h (z² − 1)]/σ), the score identity in z; f(μ) drops out."""
        m = self.centred_moments(mu, sigma, 1, 2)
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
            from scipy import integrate

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

    def centre(self, mu: float, sigma: float) -> float:
        return float(self.coefficients(mu, sigma)[0])

    def centred_series(self, mu: float, sigma: float) -> np.ndarray:
        """f(μ + σz) − f(μ): the coefficients with the constant dropped, exact."""
        series = np.asarray(self.coefficients(mu, sigma), dtype=np.float64).copy()
        series[0] = 0.0
        return series

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

    def centred_series(self, mu, sigma):
        """cos(a + ωz) − cos a = cos a (cos ωz − 1) − sin a sin ωz in powers of z, for |ω| ≤ 1."""
        frequency = self.k * sigma
        if abs(frequency) > _SERIES_FREQUENCY:
            return None
        if frequency == 0.0:
            return np.zeros(2)
        from scipy import special

        phase = self.k * mu
        n = np.arange(_SERIES_TERMS + 1)
        powers = np.sign(frequency) ** n * np.exp(
            n * math.log(abs(frequency)) - special.gammaln(n + 1.0)
        )
        # d^n/dz^n cos(a + ωz) at 0 is ω^n cos(a + nπ/2): cos a, −sin a, −cos a, sin a, …
        phases = np.array([math.cos(phase), -math.sin(phase), -math.cos(phase), math.sin(phase)])
        series = powers * phases[n % 4]
        series[0] = 0.0
        return _truncate_series(series)

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
        """cos(a + ωy) − cos(a − ωy) = −2 sin a sin ωy, so E = 2 sin²a E[1 − cos 2ωy]."""
        phase, frequency = self.k * mu, self.k * sigma
        return 2.0 * math.sin(phase) ** 2 * one_minus_rayleigh_cosine_mean(2.0 * frequency)

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
        from scipy import special

        root = math.sqrt(self.k)
        return 0.5 * math.sqrt(math.pi) / root * special.erf(root * np.asarray(x))

    def location_coupling_second_moment(self, mu, sigma):
        """E_y[(f(μ+σy) − f(μ−σy))²] = (b/A) √(2π/A) e^{−2kμ²/A} erf(b/√(2A)), y ~ Rayleigh(1),
        A = 1 + 4kσ², b = 4kμσ.

        D² = e^{−2kμ²} e^{−2kσ²y²} (e^{by} + e^{−by} − 2); completing the square in each
        Rayleigh integral, the three terms combine into one erf, so nothing cancels.
        """
        spread, slope = 1.0 + 4.0 * self.k * sigma**2, 4.0 * self.k * mu * sigma
        return (
            slope
            / spread
            * math.sqrt(2.0 * math.pi / spread)
            * math.exp(-2.0 * self.k * mu**2 / spread)
            * math.erf(slope / math.sqrt(2.0 * spread))
        )

    def scale_coupling_cross_moment(self, mu, sigma):
        """E_z[z f(x) (F(x) − F(μ))/σ] by quadrature (see Cost), made accurate on the flanks.

        F(x) − F(μ) = √π/(2√k) (erf(√k x) − erf(√k μ)) is taken as a difference of erfc on one
        flank, where both erf round to ±1; and the integrand is divided by its Cauchy–Schwarz
        size √(E[z² f²] E[f²]) so quad's absolute tolerance stays a relative one when
        f(μ) ≈ e^{−100}.
        """
        squares = self.moments(mu, sigma, 2, 2)
        size = math.sqrt(squares[2] * squares[0])
        if size == 0.0:
            return 0.0
        root = math.sqrt(self.k)
        half_width = 0.5 * math.sqrt(math.pi) / root

        def integrand(z: float) -> float:
            x = mu + sigma * z
            rise = half_width * _erf_difference(root * mu, root * x)
            return z * math.exp(-self.k * x * x) * rise / sigma / size

        return size * expect_normal(integrand, self.kinks(mu, sigma) + [0.0])

    def kinks(self, mu, sigma):
        centre, width = -mu / sigma, 1.0 / (sigma * math.sqrt(2.0 * self.k))
        return [centre + width * step for step in (-10, -3, -1, 0, 1, 3, 10)]

    def centred_series(self, mu, sigma):
        """e^{−kμ²} (exp(q₁z + q₂z²) − 1), q₁ = −2kμσ, q₂ = −kσ², while |q₁| ≤ ½ and |q₂| ≤ 1/20."""
        linear, quadratic = -2.0 * self.k * mu * sigma, -self.k * sigma**2
        if abs(linear) > _SERIES_FREQUENCY / 2 or abs(quadratic) > _SERIES_QUADRATIC:
            return None
        series = math.exp(-self.k * mu**2) * exp_minus_one_series(linear, quadratic, _SERIES_TERMS)
        return _truncate_series(series)

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
        return float(normal_cdf((mu - self.k) / sigma))

    def gradient(self, mu, sigma):
        """(φ(t)/σ, t φ(t)/σ), t = (k − μ)/σ."""
        threshold = (self.k - mu) / sigma
        density = float(normal_pdf(threshold))
        return np.array([density / sigma, threshold * density / sigma])

    def location_coupling_second_moment(self, mu, sigma):
        """Exactly one of μ ± σy exceeds k iff y > |t|: P = e^{−t²/2}."""
        return math.exp(-0.5 * ((self.k - mu) / sigma) ** 2)

    def centre(self, mu, sigma):
        """f(μ) = 1[t < 0]: h is then the indicator of the far tail."""
        return 1.0 if self.k < mu else 0.0

    def centred_moments(self, mu, sigma, power, orders):
        """h = 1[z > t] for t ≥ 0 and −1[z < t] for t < 0 (f(μ) = 1[t < 0]): tail moments only."""
        threshold = (self.k - mu) / sigma
        if threshold >= 0:
            return upper_tail_moments(threshold, orders)
        # E[z^m 1[z < t]] = (−1)^m E[z^m 1[z > −t]]
        return (
            (-1.0) ** power
            * (-1.0) ** np.arange(orders + 1)
            * upper_tail_moments(-threshold, orders)
        )

    def reward_variance(self, mu, sigma):
        """Φ(t) Φ(−t)."""
        threshold = (self.k - mu) / sigma
        return float(normal_cdf(threshold) * normal_cdf(-threshold))

    def measure_valued_variance(self, mu, sigma):
        """μ: e^{−t²/2} (1 − e^{−t²/2}) / (2πσ²); σ: |t| φ(t) (1 − |t| φ(t)) / σ².

        σ: for t ≥ 0, UM > t forces M > t, so (f(M) − f(UM))² = 1[M > t] − 1[UM > t] and its
        mean is P(M > t) − P(z > t) = tφ(t); t < 0 is the mirror image.
        """
        threshold = (self.k - mu) / sigma
        half_square = 0.5 * threshold * threshold
        location = math.exp(-half_square) * -math.expm1(-half_square) / (2.0 * math.pi)
        weight = abs(threshold) * float(normal_pdf(threshold))
        return np.array([location, weight * (1.0 - weight)]) / sigma**2


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
        """Folded normal: σ√(2/π) e^{−t²/2} + (μ − k)(1 − 2Φ(t)), t = (k − μ)/σ,
        with 1 − 2Φ(t) = erf((μ − k)/(σ√2)) (no cancellation near the kink)."""
        threshold, shift = (self.k - mu) / sigma, mu - self.k
        slope = math.erf(shift / (sigma * math.sqrt(2.0)))
        return 2.0 * sigma * float(normal_pdf(threshold)) + shift * slope

    def gradient(self, mu, sigma):
        """(1 − 2Φ(t), 2φ(t)) = (erf((μ − k)/(σ√2)), 2φ(t))."""
        threshold = (self.k - mu) / sigma
        slope = math.erf((mu - self.k) / (sigma * math.sqrt(2.0)))
        return np.array([slope, 2.0 * float(normal_pdf(threshold))])

    def centre(self, mu, sigma):
        """f(μ) = |μ − k|: h is then −sign(t) σ z plus a far-tail correction."""
        return abs(mu - self.k)

    def centred_moments(self, mu, sigma, power, orders):
        """For t ≥ 0, h/σ = |z − t| − t = −z + 2(z − t)₊, so with P_m = E[z^m (z − t)₊]:
        E[z^m h] = σ(−E[z^{m+1}] + 2P_m) and E[z^m h²] = σ²(E[z^{m+2}] − 4t P_m).

        P_0 = φ(t) − tΦ(−t), P_1 = Φ(−t), P_m = T_{m−1} + (m − 1) P_{m−2} (T the upper-tail
        moments); t < 0 is the mirror image z → −z, which multiplies by (−1)^m.
        """
        threshold = (self.k - mu) / sigma
        t = abs(threshold)
        full = standard_normal_moments(orders + 2)
        tail = upper_tail_moments(t, orders + 2)
        above = np.zeros(orders + 1)
        above[0] = float(normal_pdf(t)) - t * float(normal_cdf(-t))
        if orders >= 1:
            above[1] = normal_cdf(-t)
        for m in range(2, orders + 1):
            above[m] = tail[m - 1] + (m - 1) * above[m - 2]
        m = np.arange(orders + 1)
        if power == 1:
            centred = sigma * (-full[m + 1] + 2.0 * above)
        elif power == 2:
            centred = sigma**2 * (full[m + 2] - 4.0 * t * above)
        else:
            raise ValueError("centred moments of |x − k| are implemented for powers 1 and 2")
        return centred if threshold >= 0 else centred * (-1.0) ** m

    def reward_variance(self, mu, sigma):
        """σ²(1 − 4t P_0 − 4 P_0²), from the centred moments (|t| in place of t)."""
        first = self.centred_moments(mu, sigma, 1, 0)[0]
        return max(float(self.centred_moments(mu, sigma, 2, 0)[0] - first * first), 0.0)

    def pathwise_variance(self, mu, sigma):
        """f' = sign(x − k): Var = (1 − (1 − 2Φ(t))², 1 − 4φ(t)²) = (4Φ(t)Φ(−t), 1 − 4φ(t)²)."""
        threshold = (self.k - mu) / sigma
        density = float(normal_pdf(threshold))
        below, above = float(normal_cdf(threshold)), float(normal_cdf(-threshold))
        return np.array([4.0 * below * above, 1.0 - 4.0 * density * density])

    def measure_valued_variance(self, mu, sigma):
        """μ: D = 2σ sign(μ − k) min(y, |t|), so E[term²] = (4/π)(1 − e^{−t²/2}) and
        Var = (4/π)(1 − e^{−t²/2}) − erf(|t|/√2)², summed as a series below |t| = √2.

        σ: conditioning on M and integrating U out, E[(|M − t| − |UM − t|)²] = 1 − 2t²Φ(−|t|),
        so Var = 1 − 2t²Φ(−|t|) − 4φ(t)².
        """
        threshold = (self.k - mu) / sigma
        location = erf_square_gap(abs(threshold) / math.sqrt(2.0))
        density = float(normal_pdf(threshold))
        scale = 1.0 - 2.0 * threshold**2 * float(normal_cdf(-abs(threshold))) - 4.0 * density**2
        return np.array([max(location, 0.0), max(scale, 0.0)])


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

    def centre(self, mu, sigma):
        """E[f] by quadrature of f itself; its own quadrature error does not matter, any c works."""
        return float(self.moments(mu, sigma, 1, 0)[0])

    def centred_moments(self, mu, sigma, power, orders):
        """E[z^m (f(x) − c)^p] by quadrature of the centred integrand itself."""
        c, points = self.centre(mu, sigma), self.kinks(mu, sigma)
        return np.array(
            [
                expect_normal(lambda z, m=m: z**m * (self._at(mu, sigma, z) - c) ** power, points)
                for m in range(orders + 1)
            ]
        )

    def centred_cross_moment(self, mu, sigma):
        """E[h(M) h(UM)] = E_z[z h(z) H(z)], H(z) = ∫_0^z h(u) du, by quadrature.

        As for the raw cross moment, the mean over U is H(M)/M and the Maxwell density z²φ(z).
        """
        c = self.centre(mu, sigma)

        def h(z: float) -> float:
            return self._at(mu, sigma, z) - c

        def integral_from_mean(z: float) -> float:
            known = self.antiderivative(np.array([mu + sigma * z, mu]))
            if known is not None:
                return float(known[0] - known[1]) / sigma - c * z
            from scipy import integrate

            return integrate.quad(h, 0.0, z, epsabs=1e-14, epsrel=1e-10)[0]

        return expect_normal(
            lambda z: z * h(z) * integral_from_mean(z), self.kinks(mu, sigma) + [0.0]
        )

    def pathwise_variance(self, mu, sigma):
        """(E[(f' − f'(μ))²] − E[f' − f'(μ)]², E[f'² z²] − g_σ²) by quadrature."""
        points = self.kinks(mu, sigma)

        def slope(z: float) -> float:
            return float(self.derivative(np.array([mu + sigma * z]))[0])

        at_mean = slope(0.0)
        spread = expect_normal(lambda z: (slope(z) - at_mean) ** 2, points)
        offset = expect_normal(lambda z: slope(z) - at_mean, points)
        weighted = expect_normal(lambda z: (z * slope(z)) ** 2, points)
        gradient = self.gradient(mu, sigma)
        return np.maximum(np.array([spread - offset**2, weighted - gradient[1] ** 2]), 0.0)


def _erf_difference(low: float, high: float) -> float:
    """erf(high) − erf(low), through erfc when both lie on one flank (no 1 − 1 cancellation)."""
    from scipy import special

    if low > 0.0 and high > 0.0:
        return float(special.erfc(low) - special.erfc(high))
    if low < 0.0 and high < 0.0:
        return float(special.erfc(-high) - special.erfc(-low))
    return math.erf(high) - math.erf(low)


def _truncate_series(series: np.ndarray) -> np.ndarray:
    """Drop trailing terms whose Gaussian size |h_n| √E[z^{2n}] is below 1e-20 of the largest."""
    size = np.abs(series) * np.sqrt(standard_normal_moments(2 * (series.size - 1))[::2])
    largest = size.max()
    if largest == 0.0:
        return np.zeros(2)
    keep = int(np.nonzero(size > 1e-20 * largest)[0][-1]) + 1
    return series[: max(keep, 2)].copy()


NAMED_COSTS: dict[str, type[Cost]] = {
    cost.name: cost for cost in (LinearCost, SquareCost, CosineCost, BumpCost, StepCost, AbsCost)
}
DEFAULT_K = {"linear": 0.0, "square": 0.0, "step": 0.0, "abs": 0.0, "cos": 1.0, "bump": 1.0}
