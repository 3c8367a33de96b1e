"""Exact values keep ~1e-7 relative accuracy over the range core accepts (issue 9).

The references are independent of core's centred and series algebra: mpmath quadrature of the
*raw* integrands (E[z^m f^p], E[f'²], the Rayleigh and Maxwell couplings) at 40 significant
digits, where the cancellation that ruined the double-precision raw formulas costs at most ~25
of the 40 digits; exact rational arithmetic for the polynomial costs' headline cases; and
mpmath enumeration for the softmax bandit.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import mpmath as mp
import numpy as np
import pytest

import core
from core.numerics import make_rng

DIGITS = 40
RELATIVE = 1e-7
EPS = np.finfo(np.float64).eps


# -- mpmath reference for the Gaussian problem ---------------------------------------------------
def _cost_functions(cost: str, k: mp.mpf, mu: mp.mpf):
    """f, f' (None when not differentiable) and an antiderivative F, in mpmath."""
    if cost == "linear":
        return (lambda x: x), (lambda x: mp.mpf(1)), (lambda x: x * x / 2)
    if cost == "square":
        return (lambda x: (x - k) ** 2), (lambda x: 2 * (x - k)), (lambda x: (x - k) ** 3 / 3)
    if cost == "cos":
        return (
            (lambda x: mp.cos(k * x)),
            (lambda x: -k * mp.sin(k * x)),
            (lambda x: mp.sin(k * x) / k),
        )
    if cost == "bump":
        root = mp.sqrt(k)
        # −erfc(√k x) and erfc(−√k x) are both antiderivatives up to a constant; the one that is
        # small near μ keeps F(x) − F(μ) accurate out on that flank (f ≈ e^{−100})
        half = mp.sqrt(mp.pi) / (2 * root)
        return (
            (lambda x: mp.exp(-k * x * x)),
            (lambda x: -2 * k * x * mp.exp(-k * x * x)),
            (lambda x: -half * mp.erfc(root * x))
            if mu > 0
            else (lambda x: half * mp.erfc(-root * x)),
        )
    if cost == "step":
        return (lambda x: mp.mpf(x > k)), None, (lambda x: max(x - k, mp.mpf(0)))
    if cost == "abs":
        return (
            (lambda x: abs(x - k)),
            (lambda x: mp.sign(x - k)),
            (lambda x: (x - k) * abs(x - k) / 2),
        )
    raise ValueError(cost)


def _break_points(cost: str, mu: mp.mpf, sigma: mp.mpf, k: mp.mpf) -> list[mp.mpf]:
    """z where the integrand kinks, jumps or peaks (quadrature splits there), within |z| < 60."""
    points = [mp.mpf(0)]
    if cost in ("step", "abs"):
        points.append((k - mu) / sigma)
    if cost == "bump":
        centre, width = -mu / sigma, 1 / (sigma * mp.sqrt(2 * k))
        points += [
            p for p in (centre + width * step for step in (-10, -3, -1, 0, 1, 3, 10)) if abs(p) < 12
        ]
        # where e^{−c x²} φ(z) peaks, c = k (for f) and 2k (for f²), and its width there
        for rate in (k, 2 * k):
            spread = 1 + 2 * rate * sigma**2
            peak = -2 * rate * mu * sigma / spread
            points += [peak + step / mp.sqrt(spread) for step in (-3, -1, 0, 1, 3)]
    return sorted({p for p in points if abs(p) < 60})


@functools.cache
def gaussian_reference(cost: str, mu: float, sigma: float, k: float) -> dict:
    """Raw moments of f(μ + σz), z ~ N(0, 1), by 40-digit quadrature, and every variance from them.

    For cos with kσ > 5 the integrand oscillates too fast for 40-digit quadrature; there the raw closed
    forms E[z^m e^{i(a+ωz)}] = i^m He_m(ω) e^{i a − ω²/2} are evaluated in mpmath instead.
    """
    with mp.workdps(DIGITS):
        m, s, kk = mp.mpf(mu), mp.mpf(sigma), mp.mpf(k)
        f, slope, antiderivative = _cost_functions(cost, kk, m)
        points = _break_points(cost, m, s, kk)

        def normal(g):
            size = _largest(lambda z: g(z) * mp.exp(-z * z / 2), -60, 60, points)
            if size == 0:
                return mp.mpf(0)

            def scaled(z):
                return g(z) / size

            inner = (
                mp.quad(lambda z: scaled(z) * mp.exp(-z * z / 2), points) if len(points) > 1 else 0
            )
            tails = _tail(scaled, points[-1], 1) + _tail(scaled, points[0], -1)
            return size * (inner + tails) / mp.sqrt(2 * mp.pi)

        def rayleigh(g):
            ends = sorted({mp.mpf(0)} | {abs(p) for p in points})
            size = _largest(lambda y: g(y) * y * mp.exp(-y * y / 2), 0, 60, ends)
            if size == 0:
                return mp.mpf(0)

            def scaled(y):
                return g(y) / size

            inner = (
                mp.quad(lambda y: scaled(y) * y * mp.exp(-y * y / 2), ends) if len(ends) > 1 else 0
            )
            return size * (inner + _tail(scaled, ends[-1], 1, power=1))

        def x(z):
            return m + s * z

        oscillating = cost == "cos" and abs(kk * s) > 5
        if oscillating:
            a, w = kk * m, kk * s

            def trig(j, scale):  # E[z^j e^{i scale (a + w z)}]
                return (
                    (1j) ** j
                    * mp.hermite(j, scale * w / mp.sqrt(2))
                    * 2 ** (-mp.mpf(j) / 2)
                    * mp.exp(1j * scale * a - (scale * w) ** 2 / 2)
                )

            first = [mp.re(trig(j, 1)) for j in range(5)]
            plain = [mp.mpf(v) for v in (1, 0, 1, 0, 3)]
            second = [(plain[j] + mp.re(trig(j, 2))) / 2 for j in range(5)]
        else:
            first = [normal(lambda z, j=j: z**j * f(x(z))) for j in range(5)]
            second = [normal(lambda z, j=j: z**j * f(x(z)) ** 2) for j in range(5)]
        gradient = [first[1] / s, (first[2] - first[0]) / s]
        ref = {
            "mean": first[0],
            "gradient": gradient,
            "f_s2": [first[2] / s**2, (first[4] - 2 * first[2] + first[0]) / s**2],
            "f2_s2": [second[2] / s**2, (second[4] - 2 * second[2] + second[0]) / s**2],
            "s2": [1 / s**2, 2 / s**2],
            "var_f": second[0] - first[0] ** 2,
            "var_f_raw": [second[0]],
            "gradient_raw": [(abs(first[0]) + abs(first[2])) / s] * 2,
        }
        if oscillating:
            a, w = kk * m, kk * s
            # f'² = k² sin² = k²(1 − cos 2(a + ωz))/2; the μ-coupling 2 sin²a E[1 − cos 2ωy]
            # with E[cos by] = 1 − √2 b D(b/√2) for y ~ Rayleigh(1)
            d0 = kk**2 * (1 - mp.re(trig(0, 2))) / 2
            d2 = kk**2 * (1 - mp.re(trig(2, 2))) / 2
            location_square = 2 * mp.sin(a) ** 2 * mp.sqrt(2) * 2 * w * _dawson(mp.sqrt(2) * w)
            cross = mp.cos(2 * a) * mp.exp(-2 * w * w) + mp.sin(a) ** 2 * mp.exp(-w * w / 2)
        else:
            if slope is not None:
                d0 = normal(lambda z: slope(x(z)) ** 2)
                d2 = normal(lambda z: z * z * slope(x(z)) ** 2)
            location_square = rayleigh(lambda y: (f(x(y)) - f(x(-y))) ** 2)
            start = antiderivative(m)
            cross = normal(lambda z: z * f(x(z)) * (antiderivative(x(z)) - start) / s)
        if slope is not None:
            ref["pathwise"] = [d0 - gradient[0] ** 2, d2 - gradient[1] ** 2]
            ref["pathwise_raw"] = [d0, d2]
        ref["measure_valued"] = [
            location_square / (2 * mp.pi * s * s) - gradient[0] ** 2,
            (second[2] + second[0] - 2 * cross) / s**2 - gradient[1] ** 2,
        ]
        ref["measure_valued_raw"] = [
            location_square / (2 * mp.pi * s * s) + ref["gradient_raw"][0] ** 2,
            (second[2] + second[0] + 2 * abs(cross)) / s**2,
        ]
        return ref


def reference_noise(raw) -> np.ndarray:
    """The reference's own error: 40-digit quadrature of the raw terms, which then cancel, is
    good to ~1e-35 of the largest raw term; 1e-33 of it bounds what is left (exact zeros such
    as Var[f'] = 0 for a linear cost come back as ±1e-40 there)."""
    return 1e-33 * np.abs(np.array([float(r) for r in raw]))


def _largest(integrand, low, high, points) -> mp.mpf:
    """max |integrand| over a fine grid and the break points: the scale divided out before
    mp.quad, whose error control is absolute (10^−digits), so that integrals of size 1e-43 or
    1e-198 (far flanks and tails) keep their relative accuracy."""
    grid = [low + (high - low) * mp.mpf(i) / 240 for i in range(241)] + list(points)
    return max(abs(integrand(z)) for z in grid)


def _tail(g, start, direction, power=0):
    """∫ g(z) z^power e^{−z²/2} dz from `start` to ±∞, as e^{−start²/2} s ∫_0^∞ … dv with
    z = start ± s v, s = 1/max(1, |start|).

    Tanh–sinh on [t, ∞) is scaled for decay over O(1) and its error control is absolute, so past
    a kink at t = 30 plain mp.quad returns Φ(−30) ≈ 5e-198 with a 1e-4 relative error; with the
    decay rescaled and e^{−t²/2} taken outside, the integrand is O(g) and decays over O(1).
    """
    scale = 1 / max(mp.mpf(1), abs(start))

    def rescaled(v):
        step = direction * scale * v
        z = start + step
        return g(z) * z**power * mp.exp(-step * (2 * start + step) / 2)

    return mp.exp(-start * start / 2) * scale * mp.quad(rescaled, [0, 1, 4, 16, mp.inf])


def _dawson(u):
    """Dawson's integral D(u) = e^{−u²} ∫_0^u e^{t²} dt."""
    return mp.exp(-u * u) * mp.quad(lambda t: mp.exp(t * t), [0, u])


def reference_score_variance(ref: dict, baseline) -> list:
    """E[(f − b)² S²] − g² per parameter, in 40-digit arithmetic."""
    with mp.workdps(DIGITS):
        return [
            ref["f2_s2"][j]
            - 2 * baseline[j] * ref["f_s2"][j]
            + baseline[j] ** 2 * ref["s2"][j]
            - ref["gradient"][j] ** 2
            for j in range(2)
        ]


def assert_close(value, reference, floor=0.0, what=""):
    """|value − reference| ≤ 1e-7 |reference| + floor, elementwise."""
    value = np.atleast_1d(np.asarray(value, dtype=np.float64))
    reference = np.atleast_1d(np.array([float(r) for r in np.atleast_1d(reference)]))
    floor = np.broadcast_to(np.asarray(floor, dtype=np.float64), reference.shape)
    error = np.abs(value - reference)
    allowed = RELATIVE * np.abs(reference) + floor + 1e-300
    assert np.all(error <= allowed), f"{what}: got {value}, reference {reference}, error {error}"


# -- the issue's measured failures --------------------------------------------------------------
def test_square_cost_far_from_its_minimum_keeps_the_measure_valued_scale_variance():
    """(x − k)², k = 10⁶: the σ term is 2d M(1 − U) + σ M²(1 − U²), d = μ − k, so (exactly, from
    E[M²] = 3, E[M⁴] = 15 and the U moments) Var = 4d² + 4σ² — 4e12, not the raw 6.41e12."""
    problem = core.Gaussian(0.0, 1.0, "square", 1e6)
    assert core.per_sample_variance(problem, "measure_valued")[1] == pytest.approx(
        4e12 + 4.0, rel=1e-13
    )
    narrow = core.Gaussian(100.0, 1e-3, "square", 0.0)
    assert core.per_sample_variance(narrow, "measure_valued")[1] == pytest.approx(
        float(4 * Fraction(100) ** 2 + 4 * Fraction(1e-3) ** 2), rel=1e-13
    )


def test_square_cost_far_from_its_minimum_keeps_every_variance():
    """(x − k)² = d² + 2dσz + σ²z², d = μ − k, in exact arithmetic: f' = 2d + 2σz and
    f' z = 2dz + 2σz² give pathwise (4σ², 4d² + 8σ²); with the population-mean baseline the μ
    score term is 2dz² + σ(z³ − z), Var = 8d² + 10σ² (E[z⁶] − 2E[z⁴] + E[z²] = 10)."""
    d, sigma = Fraction(-1e6), Fraction(1)
    problem = core.Gaussian(0.0, 1.0, "square", 1e6)
    assert core.per_sample_variance(problem, "pathwise") == pytest.approx(
        [float(4 * sigma**2), float(4 * d**2 + 8 * sigma**2)], rel=1e-13
    )
    mean_baseline = core.per_sample_variance(problem, "score", "mean")
    assert mean_baseline[0] == pytest.approx(float(8 * d**2 + 10 * sigma**2), rel=1e-12)


@pytest.mark.parametrize("mu", [0.0, 0.5])
def test_near_constant_cosine_keeps_tiny_variances(mu):
    """cos(kx), k = 1e-6: every variance is of order k⁴ or k² — once 10⁷× too large or 0.

    The population-mean baseline is applied as β = f(μ) − E[f] = −E[h] from the centred
    moments, so it needs no floor. The optimal one reaches the variance as a double b next to
    f(μ) ≈ 1, so β = f(μ) − b carries an error up to δ = 2 ulp(1) and, since
    Var(b) = Var(b*) + (b − b*)² E[S²], the variance moves by up to δ² E[S²]: its floor.
    """
    problem = core.Gaussian(mu, 1.0, "cos", 1e-6)
    ref = gaussian_reference("cos", mu, 1.0, 1e-6)
    assert_close(core.per_sample_variance(problem, "pathwise"), ref["pathwise"], what="pathwise")
    assert_close(
        core.per_sample_variance(problem, "measure_valued"), ref["measure_valued"], what="mv"
    )
    _check_score_variances(problem, ref)


def _check_score_variances(problem, ref):
    """Score variances with b = 0, a constant, the population mean E[f] and b*."""
    for baseline in (None, 3.0):
        b = [0.0 if baseline is None else baseline] * 2
        assert_close(
            core.per_sample_variance(problem, "score", baseline),
            reference_score_variance(ref, b),
            what=f"score {baseline}",
        )
    assert_close(
        core.per_sample_variance(problem, "score", "mean"),
        reference_score_variance(ref, [ref["mean"]] * 2),
        what="score mean",
    )
    _check_optimal_baseline_variance(problem, ref)


def _check_optimal_baseline_variance(problem, ref):
    """The variance at the exact b*, with the floor of b*'s rounding to a double derived above
    (at b* itself the first-order term vanishes, leaving δ² E[S²])."""
    with mp.workdps(DIGITS):
        optimal = [ref["f_s2"][j] / ref["s2"][j] for j in range(2)]
        delta = 2 * EPS * max(abs(float(ref["mean"])), max(abs(float(b)) for b in optimal), 1e-300)
        floor = [float(delta**2 * ref["s2"][j]) for j in range(2)]
    assert_close(
        core.per_sample_variance(problem, "score", "optimal"),
        reference_score_variance(ref, optimal),
        floor,
        what="score optimal",
    )


def _softmax_digits(logits) -> int:
    """Enough digits that 1 − π_max (down to e^{−spread}) survives the raw formulas."""
    return 60 + int(max(logits) - min(logits))


def _softmax_reference(logits, rewards):
    with mp.workdps(_softmax_digits(logits)):
        weights = [mp.exp(mp.mpf(t)) for t in logits]
        total = mp.fsum(weights)
        pi = [w / total for w in weights]
        value = mp.fsum(p * r for p, r in zip(pi, rewards, strict=True))
        arms = range(len(pi))

        def score(a, j):
            return (1 if a == j else 0) - pi[j]

        gradient = [pi[j] * (rewards[j] - value) for j in arms]
        fisher = [[(pi[j] if i == j else 0) - pi[i] * pi[j] for j in arms] for i in arms]
        optimal = [
            mp.fsum(pi[a] * rewards[a] * score(a, j) ** 2 for a in arms)
            / mp.fsum(pi[a] * score(a, j) ** 2 for a in arms)
            for j in arms
        ]

        digits = _softmax_digits(logits)

        @mp.workdps(digits)
        def variance(b):
            return [
                mp.fsum(
                    pi[a] * ((rewards[a] - b[j]) * score(a, j) - gradient[j]) ** 2 for a in arms
                )
                for j in arms
            ]

        return pi, value, gradient, fisher, optimal, variance


@pytest.mark.parametrize(
    "logits, rewards",
    [
        ((50.0, -50.0, 0.0), (1.0, 2.0, 3.0)),
        ((300.0, 0.0, -300.0), (1.0, 2.0, 3.0)),
        ((-3.0, 40.0, 39.0, -60.0), (4.0, -1.0, 2.5, 0.0)),
        ((0.3, -0.6, 1.1), (1.0, 4.0, 2.0)),
    ],
)
def test_softmax_bandit_is_exact_when_one_arm_dominates(logits, rewards):
    """Against 60-digit enumeration: ∇, Fisher, b* and the score variances per baseline.

    The optimal baseline b* ≈ r(k) lies within ~π_j of a reward, so the double nearest b*
    is ulp(b*)/2 from it and Var moves by up to E[S_j²](ulp(b*))²: that is its floor.
    """
    problem = core.SoftmaxBandit(logits, rewards)
    pi, value, gradient, fisher, optimal, variance = _softmax_reference(logits, rewards)
    assert_close(problem.probabilities, pi, what="π")
    assert problem.expected_value() == pytest.approx(float(value), rel=1e-14)
    assert_close(problem.exact_gradient(), gradient, what="gradient")
    assert abs(problem.exact_gradient().sum()) <= 4 * EPS * np.abs(problem.exact_gradient()).max()
    for i, row in enumerate(fisher):
        assert_close(problem.fisher_information()[i], row, what=f"fisher row {i}")
    assert_close(problem.optimal_baseline(), optimal, what="b*")
    for baseline in (None, 2.5):
        b = [0.0 if baseline is None else baseline] * len(pi)
        assert_close(
            core.per_sample_variance(problem, "score", baseline), variance(b), what=str(baseline)
        )
    assert_close(core.per_sample_variance(problem, "score", "mean"), variance([value] * len(pi)))
    with mp.workdps(_softmax_digits(logits)):
        second = [
            mp.fsum(p * ((1 if a == j else 0) - pi[j]) ** 2 for a, p in enumerate(pi))
            for j in range(len(pi))
        ]
        floor = [float(second[j] * (np.spacing(float(optimal[j]))) ** 2) for j in range(len(pi))]
    assert_close(
        core.per_sample_variance(problem, "score", "optimal"), variance(optimal), floor, "b* var"
    )


def test_softmax_gradient_from_the_issue():
    gradient = core.SoftmaxBandit((50.0, -50.0, 0.0), (1.0, 2.0, 3.0)).exact_gradient()
    assert gradient[0] == pytest.approx(-gradient[2], rel=1e-15)
    assert gradient[0] == pytest.approx(-3.8574997e-22, rel=1e-7)
    assert gradient[1] == pytest.approx(3.7200760e-44, rel=1e-7)


# -- a grid over the accepted range ---------------------------------------------------------------
GRID = [
    # (cost, μ, σ, k): extremes of μ ∈ [−1e3, 1e3], σ ∈ [1e-3, 1e3] and of each cost's k
    ("linear", -1e3, 1e-3, 0.0),
    ("linear", 1e3, 1e3, 0.0),
    ("square", 0.0, 1.0, 1e6),
    ("square", 100.0, 1e-3, 0.0),
    ("square", -1e3, 1e3, 3.0),
    ("square", 1e3, 1e-3, -1e3),
    ("cos", 0.5, 1.0, 1e-6),
    ("cos", 1e3, 1e-3, 1e-6),
    ("cos", -1e3, 1e3, 1e-6),
    ("cos", 0.6, 0.8, 1.5),
    ("cos", 1e3, 0.3, 3.0),
    ("cos", 2.0, 1e3, 3.0),
    ("bump", 0.5, 1.0, 1e-6),
    ("bump", 1e3, 1.0, 1e-6),
    ("bump", -1e3, 1e3, 1e-6),
    ("bump", 0.5, 1.1, 0.7),
    ("bump", 0.3, 1e3, 3.0),
    ("bump", 1e-3, 1e-3, 3.0),
    # either side of the switch between the centred series and the closed forms
    ("cos", 0.0, 0.999, 1.0),
    ("cos", 0.0, 1.001, 1.0),
    ("cos", 0.7, 1.001, -1.0),
    ("bump", 0.0, 0.2236, 1.0),
    ("bump", 0.0, 0.2237, 1.0),
    ("bump", 0.2501, 1.0, 1.0),
    ("bump", 0.01, 1e-3, 1e3),
    # far out on the bump's flank: f ≈ e^{−100}, so every moment is tiny
    ("bump", 10.0, 0.1, 1.0),
    ("bump", -3.0, 0.1, 1.0),
    ("bump", 3.0, 1.0, 1.0),
    ("bump", 30.0, 1.0, 0.01),
    ("abs", 0.0, 1.0, 1e-10),
    ("step", 0.2, 1.2, 0.6),
    ("step", 0.0, 1e-3, 0.03),
    ("step", -1e3, 1e3, -3.0),
    ("step", 1e3, 1e3, 3.0),
    ("abs", -0.3, 0.9, 0.4),
    ("abs", 1e3, 1e-3, 999.9995),
    ("abs", 5.0, 0.1, 0.0),
    ("abs", -1e3, 1e3, 3.0),
    ("abs", 0.0, 1e-3, 0.0),
]


@pytest.mark.parametrize(
    "cost, mu, sigma, k", GRID, ids=[f"{c}-{m:g}-{s:g}-{k:g}" for c, m, s, k in GRID]
)
def test_every_gaussian_variance_matches_forty_digit_quadrature(cost, mu, sigma, k):
    """Pathwise, measure-valued and score variances (b = 0, a constant, E[f], b*), E[f], ∇E[f],
    b* and Var[f], each within 1e-7 relative of the reference; the b* baseline carries the
    floor of its rounding to a double (see test_near_constant_cosine_keeps_tiny_variances)."""
    problem = core.Gaussian(mu, sigma, cost, k)
    ref = gaussian_reference(cost, mu, sigma, k)
    assert_close(
        problem.expected_value(), ref["mean"], 4 * EPS * abs(problem.cost.centre(mu, sigma)), "E[f]"
    )
    assert_close(
        problem.exact_gradient(),
        ref["gradient"],
        reference_noise(ref["gradient_raw"]),
        what="gradient",
    )
    assert_close(
        problem.reward_variance(), ref["var_f"], reference_noise(ref["var_f_raw"]), what="Var[f]"
    )
    if "pathwise" in ref:
        assert_close(
            core.per_sample_variance(problem, "pathwise"),
            ref["pathwise"],
            reference_noise(ref["pathwise_raw"]),
            what="pathwise",
        )
    assert_close(
        core.per_sample_variance(problem, "measure_valued"),
        ref["measure_valued"],
        reference_noise(ref["measure_valued_raw"]),
        what="measure-valued",
    )
    _check_score_variances(problem, ref)


def test_leave_one_out_and_batch_mean_variances_keep_their_digits():
    """(x − k)², k = 10⁶, μ = 0, σ = 1, d = −10⁶, by hand: the RLOO kernel for a pair is
    k = ½(f_x − f_y)(z_x − z_y) = ½u²(2d + v) with u = z_x − z_y, v = z_x + z_y independent
    N(0, 2), so E[k²] = ¼·12·(4d² + 2) and ζ₂ = 12d² + 6 − 4d² = 8d² + 6; ζ₁ = ¼ Var[(f − E f)z]
    = ¼(8d² + 10). Var = (4(n − 2)ζ₁ + 2ζ₂)/(n(n − 1)) (Hoeffding), and the batch mean's is
    ((n − 1)/n)² times it (A = fS, so its other two parts vanish)."""
    problem = core.Gaussian(0.0, 1.0, "square", 1e6)
    d = Fraction(-1e6)
    zeta_1, zeta_2 = (8 * d * d + 10) / 4, 8 * d * d + 6
    for n in (2, 10, 1000):
        leave_one_out = (4 * (n - 2) * zeta_1 + 2 * zeta_2) / (n * (n - 1))
        _, variance = core.estimate_moments(problem, n, "score", "loo")
        assert variance[0] == pytest.approx(float(leave_one_out), rel=1e-12)
        _, variance = core.estimate_moments(problem, n, "score", "mean")
        assert variance[0] == pytest.approx(
            float(Fraction(n - 1, n) ** 2 * leave_one_out), rel=1e-12
        )


# -- Monte Carlo at an extreme setting -------------------------------------------------------------
def _maxwell_term_central_moments(d: float, sigma: float) -> tuple[Fraction, Fraction]:
    """Exact 2nd and 4th central moments of the σ term 2d M(1 − U) + σ M²(1 − U²) of (x − k)²,
    by expanding in monomials M^i U^j with E[M^i] = E[z^{i+2}], E[U^j] = 1/(j + 1)."""
    d, sigma = Fraction(d), Fraction(sigma)

    def maxwell(i):
        return Fraction(math.prod(range(i + 1, 0, -2))) if i % 2 == 0 else Fraction(0)

    term = {(1, 0): 2 * d, (1, 1): -2 * d, (2, 0): sigma, (2, 2): -sigma}

    def expect(poly):
        return sum(c * maxwell(i) / (j + 1) for (i, j), c in poly.items())

    mean = expect(term)
    centred = dict(term)
    centred[(0, 0)] = centred.get((0, 0), 0) - mean

    def multiply(p, q):
        out = {}
        for (i1, j1), c1 in p.items():
            for (i2, j2), c2 in q.items():
                out[(i1 + i2, j1 + j2)] = out.get((i1 + i2, j1 + j2), 0) + c1 * c2
        return out

    square = multiply(centred, centred)
    return expect(square), expect(multiply(square, square))


def test_monte_carlo_variance_of_the_far_square_agrees_within_five_standard_errors():
    """200,000 seeded measure-valued terms at k = 10⁶: the sample variance of the σ term is
    within 5 SE of the exact 4e12 + 4, SE = √((μ₄ − σ⁴)/n) from the exact central moments."""
    problem = core.Gaussian(0.0, 1.0, "square", 1e6)
    n = 200_000
    terms = core.gradient_terms(problem, n, rng=make_rng(20260901), estimator="measure_valued")
    exact = core.per_sample_variance(problem, "measure_valued")[1]
    second, fourth = _maxwell_term_central_moments(-1e6, 1.0)
    assert exact == pytest.approx(float(second), rel=1e-13)
    standard_error = math.sqrt(float(fourth - second**2) / n)
    assert abs(terms[:, 1].var(ddof=1) - exact) < 5 * standard_error


@pytest.mark.parametrize(
    "cost, mu, sigma, k",
    [
        ("cos", 0.5, 1.0, 1e-6),
        ("square", 0.0, 1.0, 1e6),
        ("bump", 0.3, 1e3, 3.0),
        ("abs", 5.0, 0.1, 0.0),
    ],
)
def test_leave_one_out_and_batch_mean_variances_match_the_raw_u_statistic_at_forty_digits(
    cost, mu, sigma, k
):
    """Hoeffding's Var = (4(n − 2)ζ₁ + 2ζ₂)/(n(n − 1)) with the raw kernel moments at 40 digits:
    ζ₁ = ¼(E[(f − E f)² S²] − g²), ζ₂ = ½(E[f²S²] − 2E[f]E[fS²] + E[f²]E[S²] + 2g²) − g²; the
    batch mean is ((n − 1)/n)² times it for a one-step problem."""
    problem = core.Gaussian(mu, sigma, cost, k)
    ref = gaussian_reference(cost, mu, sigma, k)
    with mp.workdps(DIGITS):
        mean, g = ref["mean"], ref["gradient"]
        mean_f2 = ref["var_f"] + mean**2
        zeta_1 = [v / 4 for v in reference_score_variance(ref, [mean, mean])]
        zeta_2 = [
            (ref["f2_s2"][j] - 2 * mean * ref["f_s2"][j] + mean_f2 * ref["s2"][j] + 2 * g[j] ** 2)
            / 2
            - g[j] ** 2
            for j in range(2)
        ]
        for n in (2, 10, 1000):
            leave_one_out = [
                (4 * (n - 2) * zeta_1[j] + 2 * zeta_2[j]) / (n * (n - 1)) for j in range(2)
            ]
            assert_close(
                core.estimate_moments(problem, n, "score", "loo")[1], leave_one_out, what=f"loo {n}"
            )
            batch = [mp.mpf(n - 1) ** 2 / n**2 * v for v in leave_one_out]
            assert_close(
                core.estimate_moments(problem, n, "score", "mean")[1], batch, what=f"mean {n}"
            )
