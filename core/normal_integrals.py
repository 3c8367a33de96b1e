"""Exact expectations under the standard normal z ~ N(0, 1), by closed form or adaptive quadrature.

Every Gaussian quantity in this package is an expectation of some h(z) with x = μ + σz. The
closed forms below cover polynomials, trigonometric and Gaussian-bump factors and indicators;
`expect_normal` is the independent quadrature route that the tests check them against. SciPy
(special functions, quadrature) is imported by the functions that call it, so building a
Gaussian or drawing its terms does not load it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterable

import numpy as np
from numpy.polynomial import hermite_e

# φ(40) ≈ 1e-348 underflows to zero, so integrating over [−40, 40] loses nothing.
_Z_LIMIT = 40.0
_DEFAULT_EDGES = (-8.0, -4.0, -2.0, 0.0, 2.0, 4.0, 8.0)
_QUAD_OPTIONS = {"epsabs": 1e-15, "epsrel": 1e-11, "limit": 500}


def normal_pdf(z: np.ndarray | float) -> np.ndarray:
    """φ(z) = e^{−z²/2}/√(2π)."""
    return np.exp(-0.5 * np.square(z)) / math.sqrt(2.0 * math.pi)


def normal_cdf(z: np.ndarray | float) -> np.ndarray:
    """Φ(z), SciPy's ndtr: accurate in both tails."""
    from scipy import special

    return special.ndtr(z)


def _integrate_pieces(weighted: Callable[[float], float], edges: Iterable[float]) -> float:
    from scipy import integrate

    edges = sorted(set(edges))
    return math.fsum(
        integrate.quad(weighted, lower, upper, **_QUAD_OPTIONS)[0]
        for lower, upper in zip(edges[:-1], edges[1:], strict=True)
    )


def _edges(points: Iterable[float], lower: float) -> list[float]:
    inside = [float(p) for p in points if lower < p < _Z_LIMIT and np.isfinite(p)]
    defaults = [e for e in _DEFAULT_EDGES if e > lower]
    return [lower, _Z_LIMIT, *defaults, *inside]


def expect_normal(h: Callable[[float], float], points: Iterable[float] = ()) -> float:
    """E[h(z)], z ~ N(0, 1), by adaptive quadrature split at `points` (kinks, jumps, peaks)."""
    return _integrate_pieces(lambda z: h(z) * normal_pdf(z), _edges(points, -_Z_LIMIT))


def expect_rayleigh(h: Callable[[float], float], points: Iterable[float] = ()) -> float:
    """E[h(y)], y ~ Rayleigh(1) with density y e^{−y²/2} on y ≥ 0, by adaptive quadrature."""
    return _integrate_pieces(lambda y: h(y) * y * math.exp(-0.5 * y * y), _edges(points, 0.0))


def standard_normal_moments(orders: int) -> np.ndarray:
    """E[z^m] for m = 0..orders: 0 for odd m, (m − 1)!! for even m."""
    return normal_raw_moments(0.0, 1.0, orders)


def normal_raw_moments(mean: float, variance: float, orders: int) -> np.ndarray:
    """E[y^m] for y ~ N(mean, variance), m = 0..orders, by M_m = mean M_{m−1} + (m−1) var M_{m−2}."""
    moments = np.zeros(orders + 1)
    moments[0] = 1.0
    if orders >= 1:
        moments[1] = mean
    for m in range(2, orders + 1):
        moments[m] = mean * moments[m - 1] + (m - 1) * variance * moments[m - 2]
    return moments


def polynomial_moments(coefficients: np.ndarray, orders: int) -> np.ndarray:
    """E[z^m P(z)] for m = 0..orders, P given by increasing-power coefficients."""
    base = standard_normal_moments(orders + len(coefficients))
    return np.array(
        [sum(c * base[m + i] for i, c in enumerate(coefficients)) for m in range(orders + 1)]
    )


def trig_moments(phase: float, frequency: float, orders: int) -> tuple[np.ndarray, np.ndarray]:
    """E[z^m cos(a + ωz)] and E[z^m sin(a + ωz)] for m = 0..orders.

    From E[z^m e^{iωz}] = i^m He_m(ω) e^{−ω²/2} (derivatives of the characteristic function).
    """
    damping = math.exp(-0.5 * frequency * frequency)
    cos_moments, sin_moments = np.zeros(orders + 1), np.zeros(orders + 1)
    for m in range(orders + 1):
        unit = np.zeros(m + 1)
        unit[m] = 1.0
        value = np.exp(1j * phase) * (1j**m) * hermite_e.hermeval(frequency, unit) * damping
        cos_moments[m], sin_moments[m] = value.real, value.imag
    return cos_moments, sin_moments


def gaussian_bump_moments(mu: float, sigma: float, rate: float, orders: int) -> np.ndarray:
    """E[z^m exp(−c (μ + σz)²)] for m = 0..orders, c = rate > 0.

    Completing the square: A^{−1/2} e^{−cμ²/A} E[y^m], y ~ N(−2cμσ/A, 1/A), A = 1 + 2cσ².
    """
    precision = 1.0 + 2.0 * rate * sigma * sigma
    scale = math.exp(-rate * mu * mu / precision) / math.sqrt(precision)
    shifted = normal_raw_moments(-2.0 * rate * mu * sigma / precision, 1.0 / precision, orders)
    return scale * shifted


def upper_tail_moments(threshold: float, orders: int) -> np.ndarray:
    """E[z^m 1[z > t]] for m = 0..orders: T_0 = Φ(−t), T_1 = φ(t), T_m = t^{m−1}φ(t) + (m−1)T_{m−2}."""
    density = float(normal_pdf(threshold))
    moments = np.zeros(orders + 1)
    moments[0] = normal_cdf(-threshold)
    if orders >= 1:
        moments[1] = density
    for m in range(2, orders + 1):
        # t^{m−1} φ(t) is computed as one product of logs-free factors; φ underflows first.
        moments[m] = (threshold ** (m - 1) * density if density > 0 else 0.0) + (m - 1) * moments[
            m - 2
        ]
    return moments


def one_minus_rayleigh_cosine_mean(frequency: float) -> float:
    """E[1 − cos(b y)], y ~ Rayleigh(1), = √2 b D(b/√2), D Dawson's integral (by parts).

    Returned directly rather than as 1 − E[cos(b y)], which cancels to nothing at small b.
    """
    from scipy import special

    return math.sqrt(2.0) * frequency * special.dawsn(frequency / math.sqrt(2.0))


def rayleigh_raw_moments(orders: int) -> np.ndarray:
    """E[y^p] = 2^{p/2} Γ(1 + p/2) for y ~ Rayleigh(1), p = 0..orders:
    2^j j! for p = 2j and √(π/2) (2j + 1)!! for p = 2j + 1."""
    moments = np.empty(orders + 1)
    for p in range(orders + 1):
        j = p // 2
        if p % 2 == 0:
            moments[p] = float(2**j * math.factorial(j))
        else:
            moments[p] = math.sqrt(0.5 * math.pi) * float(math.prod(range(p, 0, -2)))
    return moments


def polynomial_variance(coefficients: np.ndarray) -> float:
    """Var[P(z)], z ~ N(0, 1), as Σ_{n≥1} n! a_n² over P's Hermite coefficients a_n.

    The He_n are orthogonal with E[He_n²] = n!, so the variance is a sum of non-negative terms
    and never the difference E[P²] − E[P]² (which cancels when P has a large constant part).
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    hermite = _power_to_hermite(coefficients.size) @ coefficients
    return float(np.sum(_factorials(hermite.size)[1:] * hermite[1:] ** 2))


@functools.cache
def _factorials(size: int) -> np.ndarray:
    """n! for n = 0..size − 1, each rounded once from the exact integer."""
    return np.array([float(math.factorial(n)) for n in range(size)])


@functools.cache
def _power_to_hermite(size: int) -> np.ndarray:
    """C with z^n = Σ_m C[m, n] He_m(z): C[n − 2j, n] = n! / (j! (n − 2j)! 2^j), all positive
    integers, computed exactly and rounded once."""
    matrix = np.zeros((size, size))
    for n in range(size):
        for j in range(n // 2 + 1):
            count = math.factorial(n) // (math.factorial(j) * math.factorial(n - 2 * j) * 2**j)
            matrix[n - 2 * j, n] = float(count)
    matrix.setflags(write=False)
    return matrix


def rayleigh_odd_part_variance(coefficients: np.ndarray) -> float:
    """Var[P(y) − P(−y)], y ~ Rayleigh(1), P given by increasing-power coefficients.

    P(y) − P(−y) = Σ_{n odd} 2 p_n y^n, so the variance is the quadratic form of the odd
    coefficients with Cov(y^n, y^m) = E[y^{n+m}] − E[y^n] E[y^m]; the constant cancels exactly.
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    odd = np.arange(1, coefficients.size, 2)
    if odd.size == 0:
        return 0.0
    weights = 2.0 * coefficients[odd]
    raw = rayleigh_raw_moments(2 * int(odd[-1]))
    covariance = raw[odd[:, None] + odd[None, :]] - np.outer(raw[odd], raw[odd])
    return max(float(weights @ covariance @ weights), 0.0)


def maxwell_coupling_moments(coefficients: np.ndarray) -> tuple[float, float]:
    """Mean and second moment of P(M) − P(UM), M double-sided Maxwell, U ~ U(0, 1) independent.

    With p_0 cancelling exactly: P(M) − P(UM) = Σ_{n≥1} p_n M^n (1 − U^n), E[M^j] = E[z^{j+2}]
    (density z² φ(z)), E[1 − U^n] = n/(n + 1) and
    E[(1 − U^n)(1 − U^m)] = n m (n + m + 2) / ((n + 1)(m + 1)(n + m + 1)), all positive factors.
    """
    coefficients = np.asarray(coefficients, dtype=np.float64)
    n = np.arange(1, coefficients.size, dtype=np.float64)
    p = coefficients[1:]
    if p.size == 0:
        return 0.0, 0.0
    maxwell = standard_normal_moments(2 * p.size + 2)[2:]  # E[M^j] = E[z^{j+2}], j = 0..2·deg
    index = np.arange(1, p.size + 1)
    mean = float(np.sum(p * maxwell[index] * n / (n + 1.0)))
    both = np.add.outer(n, n)
    weight = np.outer(n, n) * (both + 2.0) / (np.outer(n + 1.0, n + 1.0) * (both + 1.0))
    second = float(p @ (maxwell[np.add.outer(index, index)] * weight) @ p)
    return mean, second


def exp_minus_one_series(linear: float, quadratic: float, terms: int) -> np.ndarray:
    """Coefficients e_0..e_terms in z of exp(q z + r z²) − 1, from (n + 1) e_{n+1} = q e_n + 2r e_{n−1}."""
    e = np.zeros(terms + 1)
    e[0] = 1.0
    for n in range(terms):
        e[n + 1] = (linear * e[n] + (2.0 * quadratic * e[n - 1] if n >= 1 else 0.0)) / (n + 1)
    e[0] = 0.0
    return e


def erf_square_gap(x: float) -> float:
    """(4/π)(1 − e^{−x²}) − erf(x)², without its leading-order cancellation at small x.

    Both terms are (4/π) x² + O(x⁴); below x = 1 the difference is summed as the power series
    (4/π) Σ_{n≥2} c_n x^{2n} whose coefficients are the exact differences of the two series.
    """
    if abs(x) >= 1.0:
        from scipy import special

        return float(-(4.0 / math.pi) * math.expm1(-x * x) - special.erf(x) ** 2)
    powers = (x * x) ** (np.arange(len(_ERF_SQUARE_GAP), dtype=np.float64) + 2.0)
    return float((4.0 / math.pi) * np.sum(_ERF_SQUARE_GAP * powers))


def _erf_square_gap_coefficients(count: int) -> np.ndarray:
    """c_n, n = 2..count+1: x^{2n} coefficients of (1 − e^{−x²}) − (π/4) erf(x)², exact rationals."""
    from fractions import Fraction

    size = count + 2
    # π/4 · erf(x)² = (Σ_j (−1)^j x^{2j+1} / (j! (2j+1)))², so its x^{2n} coefficient is a sum over
    # i + j = n − 1; 1 − e^{−x²} has x^{2n} coefficient −(−1)^n / n!.
    erf_terms = [Fraction((-1) ** j, math.factorial(j) * (2 * j + 1)) for j in range(size)]
    coefficients = []
    for n in range(2, size):
        exponential = -Fraction((-1) ** n, math.factorial(n))
        square = sum(erf_terms[i] * erf_terms[n - 1 - i] for i in range(n))
        coefficients.append(float(exponential - square))
    return np.array(coefficients)


_ERF_SQUARE_GAP = _erf_square_gap_coefficients(24)
