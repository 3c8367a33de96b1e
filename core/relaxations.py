"""Concrete / Gumbel-softmax relaxations of binary units and their straight-through variant.

A unit b = 1[θ + L > 0] with logistic noise L = log u − log(1 − u) is Bernoulli(σ(θ)); its
relaxation z = σ((θ + L)/τ) is differentiable in θ (the binary Concrete of Maddison et al. 2017,
arXiv:1611.00712; Gumbel-softmax of Jang et al. 2017, arXiv:1611.01144). Writing ∂z/∂θ =
z(1 − z)/τ = w, the two estimators of ∇θ E[f(b)] are, per unit i,

    Gumbel-softmax:   ∂f/∂x_i(z) · w_i        straight-through:   ∂f/∂x_i(b) · w_i

Both are biased: they are unbiased for the relaxed objective (GS) or for nothing at all (ST);
as τ → 0 the bias of GS vanishes and its variance grows like 1/τ.

Exact moments come by quadrature over the noise in s = (θ + L)/τ, whose density is
τ·p_L(τs − θ), p_L(x) = σ(x)σ(−x): with D = 1 the term itself is integrated (mean, centred
variance, centred fourth moment); with D > 1 the reward's slope ∂f/∂x_i = α + β·mean(y) is
affine, so each moment is a sum of products of one-unit integrals. The integrals run on
scipy.integrate.quad (QUADPACK) split at s = 0 and s = θ/τ, to 1e-12 relative; the largest
absolute error estimate is returned with the moments.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from core._kernels import chunks
from core.bandits import SoftmaxBandit
from core.bernoulli_units import BernoulliUnits
from core.numerics import check_positive, sigmoid

RELAXATIONS = ("gumbel_softmax", "straight_through")
QUADRATURE_RELATIVE_TOLERANCE = 1e-12


@dataclass(frozen=True)
class RelaxedMoments:
    """Exact mean, variance and centred fourth moment of one relaxed term, each shape (d,);
    `fourth` is NaN for D > 1 (not computed), `quadrature_error` the largest error estimate."""

    mean: np.ndarray
    variance: np.ndarray
    fourth: np.ndarray
    quadrature_error: float


def relaxed_terms(
    problem: BernoulliUnits,
    n: int,
    *,
    rng: np.random.Generator,
    relaxation: str = "gumbel_softmax",
    temperature: float = 0.5,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Per-sample relaxed terms ∂f/∂x_i(y)·z_i(1 − z_i)/τ, shape (n, D), y = z (GS) or b (ST).

    One evaluation of f's gradient per row; chunked, so memory is O(CHUNK_SIZE·D).
    """
    relaxation = check_relaxation(relaxation)
    temperature = check_positive(temperature, "temperature τ")
    out = np.empty((n, problem.units)) if out is None else out
    for start, stop in chunks(n):
        u = rng.random((stop - start, problem.units))
        logistic = np.log(u) - np.log1p(-u)
        s = (problem.theta + logistic) / temperature
        z = sigmoid(s)
        weight = z * sigmoid(-s) / temperature
        y = z if relaxation == "gumbel_softmax" else (s > 0).astype(np.float64)
        out[start:stop] = problem.reward_gradient(y) * weight
    return out


def check_relaxation(relaxation: str) -> str:
    """The relaxation's name if it is one of RELAXATIONS, else a ValueError naming them."""
    if relaxation not in RELAXATIONS:
        raise ValueError(
            f"unknown relaxation {relaxation!r}: choose one of {', '.join(RELAXATIONS)}"
        )
    return relaxation


def relaxed_moments(
    problem: BernoulliUnits, relaxation: str = "gumbel_softmax", temperature: float = 0.5
) -> RelaxedMoments:
    """Exact moments of one relaxed term by quadrature over the logistic noise (see module)."""
    relaxation = check_relaxation(relaxation)
    temperature = check_positive(temperature, "temperature τ")
    if problem.units == 1:
        return _one_unit_moments(problem, relaxation, temperature)
    return _affine_slope_moments(problem, relaxation, temperature)


# -- quadrature ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=65_536)  # the same nodes recur across passes and integrands
def _noise_density(s: float, theta: float, tau: float) -> float:
    """Density of s = (θ + L)/τ: τ·p_L(τs − θ), p_L(x) = e^{−|x|}/(1 + e^{−|x|})²."""
    e = math.exp(-abs(tau * s - theta))
    return tau * e / (1.0 + e) ** 2


def _sigmoid(x: float) -> float:
    """σ(x) for one float (the integrands' scalar path), without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _expect(function, theta: float, tau: float) -> tuple[float, float]:
    """∫ function(s)·τ p_L(τs − θ) ds and its error estimate, split at 0 and θ/τ."""
    from scipy.integrate import quad

    cuts = sorted({0.0, theta / tau})
    edges = [-np.inf, *cuts, np.inf]
    total, error = 0.0, 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        value, estimate = quad(
            lambda s: function(s) * _noise_density(s, theta, tau),
            low,
            high,
            epsabs=0.0,
            epsrel=QUADRATURE_RELATIVE_TOLERANCE,
            limit=200,
        )
        total, error = total + value, error + estimate
    return total, error


def _unit_functions(relaxation: str, tau: float):
    """(y(s), w(s)): the value the slope sees (z or b) and ∂z/∂θ = σ(s)σ(−s)/τ."""

    def weight(s: float) -> float:
        e = math.exp(-abs(s))
        return e / (1.0 + e) ** 2 / tau  # σ(s)σ(−s)

    if relaxation == "gumbel_softmax":
        return _sigmoid, weight
    return (lambda s: 1.0 if s > 0 else 0.0), weight


def _one_unit_moments(problem: BernoulliUnits, relaxation: str, tau: float) -> RelaxedMoments:
    alpha, beta = problem.slope_coefficients()
    mean, variance, fourth, error = _one_unit_integrals(
        float(problem.theta[0]), float(alpha), float(beta), relaxation, float(tau)
    )
    return RelaxedMoments(np.array([mean]), np.array([variance]), np.array([fourth]), error)


@functools.lru_cache(maxsize=1024)
def _one_unit_integrals(
    theta: float, alpha: float, beta: float, relaxation: str, tau: float
) -> tuple[float, float, float, float]:
    """(mean, variance, centred fourth moment, error) of one unit's term, cached: a θ sweep
    redone for another k or n asks for the same integrals again."""
    y, w = _unit_functions(relaxation, tau)

    @functools.cache  # the three passes share QUADPACK's first nodes: evaluate each s once
    def term(s: float) -> float:
        return (alpha + beta * y(s)) * w(s)

    mean, e1 = _expect(term, theta, tau)
    variance, e2 = _expect(lambda s: (term(s) - mean) ** 2, theta, tau)
    fourth, e4 = _expect(lambda s: (term(s) - mean) ** 4, theta, tau)
    return mean, max(variance, 0.0), fourth, max(e1, e2, e4)


def _affine_slope_moments(problem: BernoulliUnits, relaxation: str, tau: float) -> RelaxedMoments:
    """ĝ_i = (α + β Y) w_i, Y = (1/D) Σ_j y_j, units independent: write Y = y_i/D + R_i."""
    alpha, beta = problem.slope_coefficients()
    units = problem.units
    y, w = _unit_functions(relaxation, tau)
    integrands = {
        "y": y,
        "y2": lambda s: y(s) ** 2,
        "w": w,
        "yw": lambda s: y(s) * w(s),
        "w2": lambda s: w(s) ** 2,
        "yw2": lambda s: y(s) * w(s) ** 2,
        "y2w2": lambda s: (y(s) * w(s)) ** 2,
    }
    cache: dict[float, dict[str, float]] = {}
    error = 0.0
    for theta in set(problem.theta.tolist()):
        values = {}
        for name, function in integrands.items():
            values[name], estimate = _expect(function, theta, tau)
            error = max(error, estimate)
        cache[theta] = values
    unit = [cache[theta] for theta in problem.theta.tolist()]
    mean_y = np.array([u["y"] for u in unit])
    var_y = np.array([max(u["y2"] - u["y"] ** 2, 0.0) for u in unit])
    means, variances = np.empty(units), np.empty(units)
    for i, u in enumerate(unit):
        rest = np.arange(units) != i
        mean_rest = mean_y[rest].sum() / units  # E[R_i]
        second_rest = mean_rest**2 + var_y[rest].sum() / units**2  # E[R_i²]
        means[i] = alpha * u["w"] + beta * (u["yw"] / units + u["w"] * mean_rest)
        a2w2 = (
            alpha**2 * u["w2"]
            + 2 * alpha * beta / units * u["yw2"]
            + beta**2 / units**2 * u["y2w2"]
        )
        aw2 = alpha * u["w2"] + beta / units * u["yw2"]
        second = a2w2 + 2 * beta * aw2 * mean_rest + beta**2 * u["w2"] * second_rest
        variances[i] = max(second - means[i] ** 2, 0.0)
    return RelaxedMoments(means, variances, np.full(units, np.nan), error)


# -- Gumbel-softmax of K arms ----------------------------------------------------------------

MAX_EXACT_ARMS = 4
# Gauss–Legendre nodes per axis of the (K − 1)-dimensional rule, (coarse, fine), by K.
CATEGORICAL_RULES = {2: (400, 800), 3: (200, 400), 4: (40, 80)}


def categorical_relaxed_terms(
    problem: SoftmaxBandit,
    n: int,
    *,
    rng: np.random.Generator,
    temperature: float = 0.5,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Per-sample Gumbel-softmax terms ∇θ f(z) = z ⊙ (r − r·z)/τ, shape (n, K), with
    z = softmax((θ + g)/τ), g i.i.d. Gumbel(0, 1) and f(z) = Σ r_k z_k (Jang et al. 2017,
    arXiv:1611.01144; Maddison et al. 2017, arXiv:1611.00712). Biased for ∇θ E[r_A].

    One evaluation of f's gradient per row; chunked, so memory is O(CHUNK_SIZE·K).
    """
    temperature = check_positive(temperature, "temperature τ")
    arms = problem.logits.size
    out = np.empty((n, arms)) if out is None else out
    for start, stop in chunks(n):
        gumbel = -np.log(-np.log(rng.random((stop - start, arms))))
        out[start:stop] = _categorical_terms(problem.logits + gumbel, problem.rewards, temperature)
    return out


def _categorical_terms(x: np.ndarray, rewards: np.ndarray, tau: float) -> np.ndarray:
    """z ⊙ (r − r·z)/τ for rows x = θ + g, z = softmax(x/τ) (max-shifted)."""
    s = x / tau
    z = np.exp(s - s.max(axis=-1, keepdims=True))
    z /= z.sum(axis=-1, keepdims=True)
    return z * (rewards - (z @ rewards)[..., None]) / tau


@functools.lru_cache(maxsize=16)
def _gauss_legendre(nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on (−1, 1) (an eigenproblem: computed once per size)."""
    x, w = np.polynomial.legendre.leggauss(nodes)
    x.flags.writeable = w.flags.writeable = False
    return x, w


def _panel_rule(cut: float, nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre on (0, cut) and (cut, 1), nodes/2 each: (points, weights)."""
    x, w = _gauss_legendre(nodes // 2)
    points = np.concatenate([(x + 1) / 2 * cut, cut + (x + 1) / 2 * (1 - cut)])
    return points, np.concatenate([w / 2 * cut, w / 2 * (1 - cut)])


def _categorical_rule(problem: SoftmaxBandit, tau: float, nodes: int):
    """Mean, centred variance and fourth moment of the terms under a tensor Gauss–Legendre rule
    in K − 1 dimensions. The terms depend on θ + g only through c_k = g_k − g_0 (k ≥ 1), whose
    density, g_0 integrated out in closed form, is the multivariate logistic
    Γ(K) e^{−Σc} / (1 + Σ e^{−c})^K; each axis is mapped by v = σ(c_k) to (0, 1) (the marginal
    is logistic, so v is uniform: no tails left) and split where x_k = x_0, c_k = θ_0 − θ_k."""
    logits = problem.logits
    axes = [_panel_rule(_sigmoid(float(logits[0] - t)), nodes) for t in logits[1:]]
    v = np.stack(np.meshgrid(*[a for a, _ in axes], indexing="ij"), axis=-1).reshape(
        -1, logits.size - 1
    )
    c = np.log(v) - np.log1p(-v)
    log_density = (
        math.lgamma(logits.size)
        - c.sum(axis=1)
        - logits.size * np.logaddexp(0.0, np.logaddexp.reduce(-c, axis=1))
    )
    jacobian = np.log(v).sum(axis=1) + np.log1p(-v).sum(axis=1)
    weight = functools.reduce(np.multiply.outer, [w for _, w in axes]).reshape(-1)
    weight = weight * np.exp(log_density - jacobian)
    x = np.column_stack([np.zeros(c.shape[0]), c + logits[1:] - logits[0]])
    terms = _categorical_terms(x, problem.rewards, tau)
    mean = weight @ terms
    centred = terms - mean
    return mean, weight @ centred**2, weight @ centred**4


def categorical_relaxed_moments(problem: SoftmaxBandit, temperature: float = 0.5) -> RelaxedMoments:
    """Exact moments of one Gumbel-softmax term of K ≤ 4 arms by tensor Gauss–Legendre
    quadrature over the Gumbel noise reduced to K − 1 dimensions (`_categorical_rule`);
    `quadrature_error` is the largest change of any moment from the coarse to the fine rule."""
    temperature = check_positive(temperature, "temperature τ")
    arms = problem.logits.size
    if arms > MAX_EXACT_ARMS:
        raise ValueError(
            f"the Gumbel-softmax of K = {arms} arms has no exact moments here (K ≤ "
            f"{MAX_EXACT_ARMS}: beyond that the (K − 1)-dimensional rule is too costly)"
        )
    coarse, fine = (_categorical_rule(problem, temperature, m) for m in CATEGORICAL_RULES[arms])
    error = max(float(np.max(np.abs(a - b))) for a, b in zip(coarse, fine, strict=True))
    mean, variance, fourth = fine
    return RelaxedMoments(mean, np.maximum(variance, 0.0), fourth, error)
