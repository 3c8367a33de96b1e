"""The numerically exact law of a mean of Gaussian score products against independent routes:
quadrature of the stop-loss transform, exact moments E[z^2k] = (2k − 1)!!, a 10⁶-run Monte
Carlo of the mean at small n, Gil-Pelaez inversion of a quadrature characteristic function at
n = 100, and the Edgeworth expansion at n = 200,000."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate
from scipy.stats import norm

from core import score_product_laws as laws
from core.score_product_laws import MEANS, PRODUCTS, VARIANCES, product_mean_law

G = {"z^3 - z": lambda z: z * (z * z - 1.0), "(z^2 - 1)^2": lambda z: (z * z - 1.0) ** 2}
# Standardised third cumulant and excess kurtosis of g, from E[z^2k] = (2k − 1)!!:
# (z² − 1)²: E[(g − 2)³] = 5696, E[(g − 2)⁴] = 1143744; z³ − z: 0 and E[g⁴] = 7188.
SHAPES = {"z^3 - z": (0.0, 7188.0 / 100.0 - 3.0), "(z^2 - 1)^2": (5696.0 / 56.0**1.5, 1143744.0 / 56.0**2 - 3.0)}  # fmt: skip
RUNS = 1_000_000


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_closed_form_stop_loss_transform_equals_quadrature(product):
    kinks = [-1.0, -1.0 / math.sqrt(3.0), 0.0, 1.0 / math.sqrt(3.0), 1.0]
    for y in [-3.0, -0.2, 0.0, 0.3849, 1.0, 10.0, 100.0]:
        quadrature = integrate.quad(
            lambda z, y=y: max(G[product](z) - y, 0.0) * norm.pdf(z), -12, 12, points=kinks,
            limit=200, epsabs=1e-12, epsrel=1e-10,
        )[0]  # fmt: skip
        assert laws.stop_loss(product, np.array(y)) == pytest.approx(
            quadrature, rel=1e-7, abs=1e-12
        )


@pytest.mark.parametrize("product", PRODUCTS)
def test_the_lattice_law_of_one_term_has_the_exact_mean_and_nearly_the_exact_moments(product):
    step = math.sqrt(VARIANCES[product]) / laws.RESOLUTION
    first, masses, _ = laws._term_lattice(product, step, 1000)
    values = np.arange(first, first + masses.size) * step - MEANS[product]
    assert masses.sum() == pytest.approx(1.0, abs=1e-12)
    assert np.dot(masses, values) == pytest.approx(0.0, abs=1e-10)
    variance = np.dot(masses, values**2)
    # A mean-preserving spread: Var g ≤ Var D ≤ Var g + h²/4.
    assert VARIANCES[product] <= variance <= VARIANCES[product] + step**2 / 4
    skew, excess = SHAPES[product]
    third = np.dot(masses, values**3) / VARIANCES[product] ** 1.5
    fourth = np.dot(masses, values**4) / VARIANCES[product] ** 2 - 3.0
    assert third == pytest.approx(skew, rel=1e-3, abs=1e-9)
    assert fourth == pytest.approx(excess, rel=1e-3)


def monte_carlo_tail(product: str, n: int, gaps: np.ndarray) -> np.ndarray:
    """The fraction of RUNS means of n draws of g with |T − E g| ≥ each gap."""
    rng = np.random.default_rng([7, n, len(product)])
    hits = np.zeros(gaps.size)
    chunk = 2_000_000 // n
    for start in range(0, RUNS, chunk):
        size = min(chunk, RUNS - start)
        means = G[product](rng.standard_normal((size, n))).mean(axis=1)
        hits += (np.abs(means - MEANS[product])[:, None] >= gaps).sum(axis=0)
    return hits / RUNS


@pytest.mark.parametrize("n", [1, 2, 5])
@pytest.mark.parametrize("product", PRODUCTS)
def test_tail_p_values_match_a_million_run_monte_carlo_at_small_n(product, n):
    law = product_mean_law(product, n)
    se = math.sqrt(VARIANCES[product] / n)
    # Gaps whose p-values run from ~10% down to ~2e-4, where 10⁶ runs see ≥ 200 hits.
    gaps = se * np.array([1.5, 3.0, 5.0, 8.0, 12.0])
    p = law.p_values(MEANS[product] + gaps)
    gaps, p = gaps[p >= 2e-4], p[p >= 2e-4]
    assert p.size >= 3
    observed = monte_carlo_tail(product, n, gaps)
    binomial_se = np.sqrt(p * (1 - p) / RUNS)
    assert np.all(np.abs(observed - p) <= 5 * binomial_se), (observed, p)


def gil_pelaez_two_sided(product: str, n: int, ys: np.ndarray) -> np.ndarray:
    """P(|Y| ≥ y) for Y = (T_n − E g)/SE from φ_Y(s) = φ(s/√(n Var g))ⁿ, φ by the trapezoid rule
    over z ∈ [−10, 10], inverted by Gil-Pelaez (1951) with the midpoint rule in s."""
    z = np.linspace(-10.0, 10.0, 20001)
    weights = norm.pdf(z) * (z[1] - z[0])
    centred = G[product](z) - MEANS[product]
    ds = 0.05
    s = (np.arange(int(16.0 / ds)) + 0.5) * ds
    t = s / math.sqrt(n * VARIANCES[product])
    phi = np.concatenate(
        [np.exp(1j * t[i : i + 40, None] * centred) @ weights for i in range(0, t.size, 40)]
    )
    phi_y = np.exp(n * np.log(phi))
    above = 0.5 + (np.imag(np.exp(-1j * np.outer(ys, s)) * phi_y) / s).sum(axis=1) * ds / math.pi
    below = 0.5 - (np.imag(np.exp(1j * np.outer(ys, s)) * phi_y) / s).sum(axis=1) * ds / math.pi
    return above + below


@pytest.mark.parametrize("product", PRODUCTS)
def test_tail_p_values_match_gil_pelaez_inversion_at_n_100(product):
    n, ys = 100, np.array([1.96, 3.0, 4.0, 5.0])
    law = product_mean_law(product, n)
    p = law.p_values(MEANS[product] + ys * math.sqrt(VARIANCES[product] / n))
    assert p == pytest.approx(gil_pelaez_two_sided(product, n, ys), rel=2e-3)


@pytest.mark.parametrize("product", PRODUCTS)
def test_tail_p_values_match_the_edgeworth_expansion_at_the_pages_largest_n(product):
    """At n = 200,000 the two-sided Edgeworth tail to O(1/n), 2Q(y) + 2φ(y)(κ₄ He₃(y)/24 +
    κ₃² He₅(y)/72)/n (the O(n^-½) skew terms cancel between the two tails), is accurate to
    O(n^-3/2): far below the tolerance."""
    n, ys = 200_000, np.array([1.96, 3.0, 4.0])
    skew, excess = SHAPES[product]
    he3, he5 = ys**3 - 3 * ys, ys**5 - 10 * ys**3 + 15 * ys
    edgeworth = 2 * norm.sf(ys) + 2 * norm.pdf(ys) * (excess * he3 / 24 + skew**2 * he5 / 72) / n
    law = product_mean_law(product, n)
    p = law.p_values(MEANS[product] + ys * math.sqrt(VARIANCES[product] / n))
    assert p == pytest.approx(edgeworth, rel=1e-3)
    assert p[-1] > 2 * norm.sf(ys[-1])  # heavier than the normal tail


@pytest.mark.parametrize("product", PRODUCTS)
def test_p_values_are_vectorised_one_at_the_mean_and_fall_with_the_gap(product):
    law = product_mean_law(product, 10)
    gaps = np.linspace(0.0, 20.0, 401)
    above = law.p_values(MEANS[product] + gaps)
    below = law.p_values(MEANS[product] - gaps)
    assert above.shape == gaps.shape and above[0] == pytest.approx(1.0)
    assert np.all(np.diff(above) <= 1e-15)
    np.testing.assert_allclose(above, below, rtol=1e-10)  # it depends on |gap| only
    assert law.absolute_error < 1e-10


@pytest.mark.parametrize("product", PRODUCTS)
def test_a_four_times_finer_lattice_moves_the_tail_p_values_by_under_a_thousandth(
    product, monkeypatch
):
    n = 3
    ys = MEANS[product] + math.sqrt(VARIANCES[product] / n) * np.array([1.96, 4.0, 8.0])
    coarse = product_mean_law.__wrapped__(product, n).p_values(ys)
    monkeypatch.setattr(laws, "RESOLUTION", 4 * laws.RESOLUTION)
    fine = product_mean_law.__wrapped__(product, n).p_values(ys)
    assert coarse == pytest.approx(fine, rel=1e-3)
