"""The exact law of the mean of n i.i.d. Gaussian score products, computed on a lattice by FFT.

For x ~ N(μ, σ²) the score is S = (z, z² − 1)/σ with z standard normal, so the Fisher products
are σ⁻² g(z) with g = z³ − z (S_μS_σ) or (z² − 1)² (S_σ²): σ scales out, and the check of
their n-draw mean needs the law of T_n = (1/n) Σ g(z_i). Its right tail is heavier than
exponential (g ~ z⁴, z³: no moment generating function, so no saddlepoint), and its normal
approximation misstates a 4-SE tail many-fold at n ≤ 10⁵.

The route: at n = 1, g's own law in closed form (Φ at the roots of g(z) = y). For n ≥ 2, g's
law is put on the lattice hℤ by local first-moment matching (Gerber 1982, Insurance: Math.
Econ. 1(1), 55–61) — mass p_k = Δ²π(kh)/h, the second difference of the exact stop-loss
transform π(y) = E[(g − y)₊], closed-form in φ and Φ — so the lattice law D has g's exact mean
and Var g ≤ Var D ≤ Var g + h²/4; its n-fold convolution is one FFT power φ_D(ω)ⁿ (the
FFT route of aggregate-loss models, Embrechts and Frei 2009, Math. Meth. Oper. Res. 69,
497–508), and the grid is shrunk about the mean by √(Var g / Var D) so the mean has its exact
variance. Error budget of a p-value P(|T_n − E g| ≥ gap):
- truncation: g's lattice stops at U with n·P(g > U) ≤ TAIL_MASS;
- wrap-around: the FFT window reaches WINDOW_MARGIN × (U + the sub-Gaussian reach of the sum,
  √(2n E[g²] log(1/TAIL_MASS))) each side — one big term dominates a sum's tail when it decays
  like exp(−c y^β), β < 1 — and is widened until its outer eighths hold < WRAPPED_MASS beyond
  rounding noise (a check on the result, not a proof);
- rounding: FFT noise grows with n; `absolute_error` (≤ 1e-10 for n ≤ 200,000) adds it up;
- discretisation (h = sd(g)/RESOLUTION): measured, not bounded — against Gil-Pelaez inversion
  (n = 30–1000: ≤ 5·10⁻⁴ relative at 2–5 SE), the Edgeworth tail at n = 10⁵–2·10⁵ (≤ 1.3·10⁻⁴
  at 4 SE), a 4× finer lattice at n = 2–10 (≤ 4.4·10⁻⁴ out to 8 SE) and 10⁶-run Monte Carlo
  at n ≤ 5 (tests/core/test_score_product_laws.py): within P_VALUE_RELATIVE_ERROR;
- below MIN_P_VALUE the p-value is reported as 0.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

PRODUCTS = ("z^3 - z", "(z^2 - 1)^2")  # g for S_μS_σ·σ² and S_σ²·σ²
MEANS = {"z^3 - z": 0.0, "(z^2 - 1)^2": 2.0}  # E[g]: E[z⁴] − 2E[z²] + 1 = 2
VARIANCES = {"z^3 - z": 10.0, "(z^2 - 1)^2": 56.0}  # E[z⁶] − 2E[z⁴] + E[z²]; E[g²] − 4 = 60 − 4
RESOLUTION = 32  # lattice steps per standard deviation of one term
WINDOW_MARGIN = 1.5
WIDENINGS = 3  # doublings of the FFT window allowed before the law is refused
TAIL_MASS = 1e-13
WRAPPED_MASS = 1e-11  # mass allowed in the FFT window's outer eighths (it is in the error)
MIN_P_VALUE = 1e-12
P_VALUE_RELATIVE_ERROR = 0.005  # stated in the check's law; measured ≤ 5·10⁻⁴
_Y_STAR = 2.0 / (3.0 * math.sqrt(3.0))  # z³ − z has its local extrema ∓_Y_STAR at z = ±1/√3


def _normal(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(φ(a), Q(a) = P(z > a)), Q accurate in the right tail."""
    from scipy.special import ndtr

    return np.exp(-0.5 * a * a) / math.sqrt(2.0 * math.pi), ndtr(-a)


def _cubic_stop_loss(y: np.ndarray) -> np.ndarray:
    """π(y) = E[(z³ − z − y)₊] for y ≥ 0.

    With W(a) = E[(z³ − z − y)·1{z > a}] = (a² + 1)φ(a) − yQ(a) (from E[z 1{z>a}] = φ(a) and
    E[z³ 1{z>a}] = (a² + 2)φ(a)), {z³ − z > y} is (r, ∞) with r = (2/√3)cosh(⅓ arccosh(y/y*))
    for y > y* = 2/(3√3), else (r₁, r₂) ∪ (r₃, ∞), the roots (2/√3)cos(⅓ arccos(y/y*) − 2πk/3).
    """
    y = np.asarray(y, dtype=np.float64)

    def w(a: np.ndarray) -> np.ndarray:
        density, upper = _normal(a)
        return (a * a + 1.0) * density - y * upper

    ratio = y / _Y_STAR
    one = 2.0 / math.sqrt(3.0) * np.cosh(np.arccosh(np.maximum(ratio, 1.0)) / 3.0)
    angle = np.arccos(np.minimum(ratio, 1.0)) / 3.0
    roots = [2.0 / math.sqrt(3.0) * np.cos(angle - 2.0 * math.pi * k / 3.0) for k in range(3)]
    r3, r1, r2 = roots[0], np.minimum(roots[1], roots[2]), np.maximum(roots[1], roots[2])
    three = w(r1) - w(r2) + w(r3)
    return np.where(ratio > 1.0, w(one), three)


def _quartic_stop_loss(y: np.ndarray) -> np.ndarray:
    """π(y) = E[((z² − 1)² − y)₊] for y ≥ 0.

    {(z² − 1)² > y} is |z| > r₊ = √(1 + √y), and |z| < r₋ = √(1 − √y) for y < 1. With
    V(a) = E[(z⁴ − 2z² + 1 − y)·1{z > a}] = (a³ + a)φ(a) + (2 − y)Q(a) (from E[z⁴ 1{z>a}] =
    (a³ + 3a)φ(a) + 3Q(a), E[z² 1{z>a}] = aφ(a) + Q(a)): π = 2(V(r₊) + V(0) − V(r₋)).
    """
    y = np.asarray(y, dtype=np.float64)

    def v(a: np.ndarray) -> np.ndarray:
        density, upper = _normal(a)
        return (a**3 + a) * density + (2.0 - y) * upper

    root = np.sqrt(y)
    inner = np.where(y < 1.0, v(np.zeros_like(y)) - v(np.sqrt(np.maximum(1.0 - root, 0.0))), 0.0)
    return 2.0 * (v(np.sqrt(1.0 + root)) + inner)


def stop_loss(product: str, y: np.ndarray) -> np.ndarray:
    """The exact stop-loss transform π(y) = E[(g(z) − y)₊] of g = `product`, any real y."""
    y = np.asarray(y, dtype=np.float64)
    if product == "z^3 - z":  # g is odd: π(−y) = E[(y − g)₊] = π(y) + y
        return _cubic_stop_loss(np.abs(y)) - np.minimum(y, 0.0)
    if product == "(z^2 - 1)^2":  # g ≥ 0: π(y) = E[g] − y for y ≤ 0
        return np.where(y > 0, _quartic_stop_loss(np.maximum(y, 0.0)), MEANS[product] - y)
    raise ValueError(f"product must be one of {PRODUCTS}, got {product!r}")


def upper_tail(product: str, y: np.ndarray) -> np.ndarray:
    """P(g(z) > y) in closed form (y ≥ 0 for the cubic; the tests' independent route)."""
    from scipy.special import ndtr

    y = np.asarray(y, dtype=np.float64)
    if product == "(z^2 - 1)^2":  # z² > 1 + √y, or z² < 1 − √y
        root = np.sqrt(np.maximum(y, 0.0))
        inner = np.where(root < 1.0, 2.0 * ndtr(np.sqrt(np.maximum(1.0 - root, 0.0))) - 1.0, 0.0)
        return np.where(y < 0, 1.0, 2.0 * ndtr(-np.sqrt(1.0 + root)) + inner)
    ratio = y / _Y_STAR
    one = 2.0 / math.sqrt(3.0) * np.cosh(np.arccosh(np.maximum(ratio, 1.0)) / 3.0)
    angle = np.arccos(np.minimum(ratio, 1.0)) / 3.0
    roots = [2.0 / math.sqrt(3.0) * np.cos(angle - 2.0 * math.pi * k / 3.0) for k in range(3)]
    r1, r2 = np.minimum(roots[1], roots[2]), np.maximum(roots[1], roots[2])
    three = ndtr(r2) - ndtr(r1) + ndtr(-roots[0])
    return np.where(ratio > 1.0, ndtr(-one), three)


def _term_lattice(product: str, step: float, draws: int) -> tuple[int, np.ndarray, float]:
    """(first index, masses, truncation point U) of one term's moment-matched lattice law on
    step·ℤ, p_k = (π((k−1)h) − 2π(kh) + π((k+1)h))/h, cut where draws·P(g > U) ≤ TAIL_MASS."""
    limit = 1.0
    while draws * float(upper_tail(product, np.array(limit))) > TAIL_MASS:
        limit *= 1.25
    top = int(math.ceil(limit / step))
    losses = stop_loss(product, np.arange(-1, top + 2) * step)
    masses = np.maximum((losses[:-2] - 2.0 * losses[1:-1] + losses[2:]) / step, 0.0)  # k ≥ 0
    if product == "z^3 - z":  # symmetric, p_{−k} = p_k: π on y ≥ 0 only, where it is small
        return -top, np.concatenate([masses[:0:-1], masses]), limit
    return 0, masses, limit


def _sub_gaussian_reach(draws: int, second_moment: float) -> float:
    """The t with exp(−t²/(2n·E[X²])) = TAIL_MASS: a bound on how far below its mean a sum of n
    independent non-negative X_i falls with probability TAIL_MASS (e.g. Maurer 2003, JIPAM
    4(1); also the sum's normal reach for a symmetric term)."""
    return math.sqrt(2.0 * draws * second_moment * math.log(1.0 / TAIL_MASS))


@dataclass(frozen=True)
class ProductMeanLaw:
    """The law of the mean T_n of n i.i.d. g(z), on the grid start + step·i: `lower` holds the
    mid-point CDF P(T < t) + ½P(T = t) up to the mean, `upper` the mid-point survival from it."""

    product: str
    draws: int
    mean: float
    start: float
    step: float
    split: int  # grid index of the first `upper` value (`lower` starts at index 0)
    lower: np.ndarray
    upper: np.ndarray
    absolute_error: float = 0.0  # bound on a p-value's error from truncation, wrap and rounding

    def p_values(self, observed: np.ndarray | float) -> np.ndarray:
        """P(|T_n − E T_n| ≥ |t − E T_n|) for each observed mean t, vectorised; gaps within
        rounding (1e-12 relative) count as zero; below MIN_P_VALUE, 0."""
        observed = np.asarray(observed, dtype=np.float64)
        rounding = 1e-12 * np.maximum(1.0, np.maximum(abs(self.mean), np.abs(observed)))
        gap = np.maximum(np.abs(observed - self.mean) - rounding, 0.0)
        if self.draws == 1:
            p = upper_tail(self.product, self.mean + gap)
            if self.product == "z^3 - z":
                p = 2.0 * p  # symmetric: P(g ≤ −d) = P(g ≥ d)
            else:
                below = self.mean - gap
                p = p + np.where(below >= 0, 1.0 - upper_tail(self.product, below), 0.0)
            p = np.minimum(p, 1.0)
            return np.where(p < MIN_P_VALUE, 0.0, p)
        grid_lower = self.start + self.step * np.arange(self.lower.size)
        grid_upper = self.start + self.step * (self.split + np.arange(self.upper.size))
        below = np.interp(self.mean - gap, grid_lower, self.lower, left=0.0, right=0.5)
        above = np.interp(self.mean + gap, grid_upper, self.upper, left=0.5, right=0.0)
        p = np.minimum(below + above, 1.0)
        return np.where(p < MIN_P_VALUE, 0.0, p)


@functools.lru_cache(maxsize=8)
def product_mean_law(product: str, draws: int) -> ProductMeanLaw:
    """The law of (1/n) Σ g(z_i), z_i i.i.d. N(0, 1), for g = `product` (see the module's error
    budget): g's closed-form law for n = 1, else the moment-matched lattice law of g convolved
    n-fold by one real FFT."""
    from scipy.fft import irfft, next_fast_len, rfft

    if product not in PRODUCTS:
        raise ValueError(f"product must be one of {PRODUCTS}, got {product!r}")
    if draws < 1:
        raise ValueError(f"draws must be ≥ 1, got {draws}")
    if draws == 1:  # g's own law, in closed form
        empty = np.zeros(0)
        return ProductMeanLaw(product, 1, MEANS[product], 0.0, 0.0, 0, empty, empty, 1e-15)
    mean, variance = MEANS[product], VARIANCES[product]
    step = math.sqrt(variance) / RESOLUTION
    first, masses, limit = _term_lattice(product, step, draws)
    last = first + masses.size - 1
    spread = _sub_gaussian_reach(draws, variance + mean**2 + step**2 / 4.0)
    # One big term dominates the heavy tail of a sum (two of half the size are rarer for
    # tails like exp(−c√y)): the window reaches one truncated term plus the sum's spread.
    reach_high = WINDOW_MARGIN * (limit + spread) / step
    reach_low = WINDOW_MARGIN * (spread if first == 0 else limit + spread) / step
    centre = draws * mean / step  # E[Σ k_i], the sum's mean in lattice steps
    span = draws * (last - first) + 1
    for _ in range(WIDENINGS + 1):
        whole = span <= reach_low + reach_high + 1  # every sum fits: no wrap-around at all
        if whole:
            size, origin = next_fast_len(span, real=True), draws * first
        else:
            size = next_fast_len(int(math.ceil(reach_low + reach_high)) + 1, real=True)
            origin = int(math.floor(centre - reach_low))
        term = np.zeros(size)
        np.add.at(term, np.arange(first, last + 1) % size, masses)
        # Position j holds Σ k_i = origin + j; rounding noise (±1e-17) is kept, not clipped, so
        # that it cancels in the tail sums instead of piling up into a false tail.
        total = np.roll(irfft(rfft(term) ** draws, n=size), -(origin % size))
        # Mass beyond one end wraps round to the other: the outer eighth of each reach must
        # hold less than WRAPPED_MASS beyond the rounding noise of a sum that long (its size: the
        # most negative such sum anywhere, as the law has no negative mass), or the window
        # is widened.
        left, right = int(reach_low / 8) + 1, int(reach_high / 8) + 1
        width = max(left, right)
        blocks = total[: size - size % width].reshape(-1, width).sum(axis=1)
        noise = max(-float(blocks.min()), 0.0)
        wrapped = max(total[:left].sum(), total[-right:].sum())
        if whole or wrapped <= WRAPPED_MASS + 3.0 * noise:
            break
        reach_low, reach_high = 2.0 * reach_low, 2.0 * reach_high
    else:
        raise ArithmeticError(f"the law of the mean of {draws} draws of {product} overflowed")
    # The lattice spreads each term's variance by ≤ h²/4; shrinking the grid about the mean by
    # √(Var g / Var D) gives the sum its exact variance (its tail at 4 SE moves by ~0.1%).
    positions = np.arange(first, last + 1) * step - mean
    shrink = math.sqrt(variance / float(np.dot(masses, positions**2)))
    values = mean + ((origin + np.arange(size)) * step / draws - mean) * shrink  # T_n at each j
    split = max(int(np.searchsorted(values, mean, side="left")), 1)
    lower = np.maximum(np.cumsum(total) - 0.5 * total, 0.0)
    upper = np.maximum(np.cumsum(total[::-1])[::-1] - 0.5 * total, 0.0)
    keep_low = min(int(np.searchsorted(lower, MIN_P_VALUE * 1e-2)), split - 1)
    keep_high = max(size - int(np.searchsorted(upper[::-1], MIN_P_VALUE * 1e-2)), split + 1)
    # |error| of a tail sum: the lattice's truncation and the window's two ends, plus the
    # noise's random walk over the whole window (3 of its SDs).
    bound = draws * float(upper_tail(product, np.array(limit))) * 2.0 + 2.0 * max(wrapped, 0.0)
    bound += 3.0 * noise * math.sqrt(size / width)
    return ProductMeanLaw(
        product, draws, mean, float(values[keep_low]), shrink * step / draws, split - 1 - keep_low,
        lower[keep_low : split + 1].copy(), upper[split - 1 : keep_high].copy(), bound,
    )  # fmt: skip
