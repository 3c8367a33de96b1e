"""The Gaussian problem: x ~ N(μ, σ²) with a cost f(x), parameters θ = (μ, σ).

Everything Gaussian lives here: sampling x = μ + σz, the score (z, z² − 1)/σ, the
measure-valued variates, the chunk kernels that stream each estimator's terms and sums, and
the exact moments (the costs' closed forms are in `core.gaussian_costs`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from functools import cached_property

import numpy as np
from numpy.polynomial import polynomial

from core._kernels import add_row_sums, batch_baseline, chunks, owned
from core.estimators import is_batch_baseline
from core.gaussian_costs import DEFAULT_K, NAMED_COSTS, Cost, CustomCost
from core.normal_integrals import standard_normal_moments
from core.numerics import check_finite, check_positive
from core.problem import Problem, ScoreMoments

# c_μ = 1/(σ√(2π)): the mass of each signed part of ∂μ N(x|μ, σ²) (Mohamed et al. 2020, §6.1).
_LOCATION_CONSTANT = 1.0 / math.sqrt(2.0 * math.pi)

COSTS = tuple(NAMED_COSTS)  # the named costs a Gaussian accepts as `cost=`


def _weighted_score(m0, m1, m2, sigma: float, out: np.ndarray | None = None) -> np.ndarray:
    """Σ w·S for the Gaussian score S = (z, z² − 1)/σ, from m_j = Σ w z^j: (m1, m2 − m0)/σ.

    Per sample (w = 1, m0 = 1, m1 = z, m2 = z²) it is the score itself; summed, the score
    part of every estimate. Columns of shape (rows, 2), written into `out` if given.
    """
    if out is None:
        out = np.empty((np.shape(m1)[0], 2))
    np.divide(m1, sigma, out=out[:, 0])
    np.subtract(m2, m0, out=out[:, 1])
    out[:, 1] /= sigma
    return out


@dataclass(frozen=True, eq=False, repr=False)
class Gaussian(Problem):
    """x ~ N(μ, σ²) with cost f; params ("mu", "sigma") — σ itself, not log σ.

    Score (z/σ, (z² − 1)/σ) with z = (x − μ)/σ; Fisher information diag(1/σ², 2/σ²).
    `cost` is one of "linear" x, "square" (x − k)², "cos" cos(kx), "bump" exp(−k x²),
    "step" 1[x > k] (not differentiable), "abs" |x − k|; `k=None` picks the natural default
    (0 for square/step/abs, 1 for cos/bump). A vectorised callable is also accepted: its exact
    values come from adaptive quadrature, and its pathwise gradient needs `derivative=`.
    After construction `cost` holds the `core.gaussian_costs.Cost` with the closed forms.
    """

    mu: float = 0.0
    sigma: float = 1.0
    cost: str | Callable[[np.ndarray], np.ndarray] | Cost = "square"
    k: float | None = None
    _: KW_ONLY
    derivative: Callable[[np.ndarray], np.ndarray] | None = None
    breakpoints: tuple[float, ...] = ()
    params = ("mu", "sigma")

    def __post_init__(self) -> None:
        object.__setattr__(self, "mu", check_finite(self.mu, "mu"))
        object.__setattr__(self, "sigma", check_positive(self.sigma, "sigma"))
        object.__setattr__(self, "breakpoints", tuple(self.breakpoints))
        cost = _make_cost(self.cost, self.k, self.derivative, self.breakpoints)
        object.__setattr__(self, "cost", cost)
        object.__setattr__(self, "k", None if isinstance(cost, CustomCost) else cost.k)

    def _arguments(self) -> tuple[tuple[str, object], ...]:
        custom = isinstance(self.cost, CustomCost)
        arguments = [("mu", self.mu), ("sigma", self.sigma)]
        arguments.append(("cost", self.cost.function if custom else self.cost.name))
        if not custom:
            arguments.append(("k", self.k))
        if self.derivative is not None:
            arguments.append(("derivative", self.derivative))
        if self.breakpoints:
            arguments.append(("breakpoints", self.breakpoints))
        return tuple(arguments)

    @cached_property
    def theta(self) -> np.ndarray:
        """(μ, σ), read-only."""
        theta = np.array([self.mu, self.sigma])
        theta.setflags(write=False)
        return theta

    @property
    def cost_name(self) -> str:
        return self.cost.name

    def with_theta(self, theta: np.ndarray) -> Gaussian:
        mu, sigma = np.asarray(theta, dtype=np.float64).reshape(2)
        return Gaussian(
            float(mu),
            float(sigma),
            self.cost,
            self.k,
            derivative=self.derivative,
            breakpoints=self.breakpoints,
        )

    # -- per-sample quantities -----------------------------------------------------------------
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """x_i = μ + σ z_i, z_i ~ N(0, 1); shape (n,)."""
        return self.mu + self.sigma * rng.standard_normal(n)

    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log N(x|μ, σ²) = −z²/2 − log σ − ½ log 2π."""
        z = self._standardise(x)
        return -0.5 * z**2 - math.log(self.sigma) - 0.5 * math.log(2.0 * math.pi)

    def score(self, x: np.ndarray) -> np.ndarray:
        """(∂μ, ∂σ) log N = ((x − μ)/σ², ((x − μ)²/σ² − 1)/σ) = (z, z² − 1)/σ."""
        z = self._standardise(x)
        return _weighted_score(1.0, z, z * z, self.sigma)

    def f(self, x: np.ndarray) -> np.ndarray:
        """The cost f(x)."""
        return self.cost.value(np.asarray(x, dtype=np.float64))

    def _standardise(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 1:
            raise ValueError(f"Gaussian samples must be a 1-D array, got shape {x.shape}")
        return (x - self.mu) / self.sigma

    def rarest_outcome_probability(self) -> float | None:
        """The step cost's terms take two values: min(P(x > k), P(x ≤ k)) (P(x > k) = E[f])."""
        if self.cost_name != "step":
            return None
        upper = self.expected_value()
        return float(min(upper, 1.0 - upper))

    # -- what the engine asks: the chunk kernels below -------------------------------------------
    def term_kernel(self, estimator: str, baseline: float | str | None) -> _GaussianTerms:
        if estimator == "pathwise":
            self._require_differentiable()
        return _GaussianTerms(self, estimator, baseline)

    def sum_kernel(self, estimator: str, baseline: float | str | None):
        if estimator == "pathwise":
            self._require_differentiable()
        coefficients_of = getattr(self.cost, "coefficients", None)  # polynomial costs only
        if coefficients_of is not None:
            return _GaussianPowerSums(self, estimator, coefficients_of(self.mu, self.sigma))
        return _GaussianSums(self, estimator, needs_scores=baseline is not None)

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
        kernel = self.term_kernel("pathwise", None)
        out = np.empty((n, 2), order=kernel.order)
        kernel.fill(rng, out)
        return out

    def pathwise_second_moment(self) -> np.ndarray:
        """(E[f'(x)²], E[f'(x)² z²]) = Var + g², both parts non-negative."""
        return self.pathwise_variance() + self.exact_gradient() ** 2

    def pathwise_variance(self) -> np.ndarray:
        """(Var[f'(x)], Var[f'(x) z]), centred (see Cost.pathwise_variance)."""
        self._require_differentiable()
        return self.cost.pathwise_variance(self.mu, self.sigma)

    def term_fourth_moment(self, estimator: str, baseline: float | str | None) -> np.ndarray | None:
        """Exact E[(t − g)⁴] of one term t, shape (2,), by composite Gauss–Legendre quadrature
        over z ∈ [−40, 40] split at the cost's kinks: score t = (f(μ + σz) − b)(z, z² − 1)/σ
        (b = 0, a constant or b*), pathwise t = f′(μ + σz)(1, z). Certified by halving every
        piece: None where the two rules differ by over 1e-6 relative or a value is not finite
        (e.g. exp(c·x) with c large), for the measure-valued estimator (a two-dimensional
        integral) and for the batch baselines."""
        if estimator == "score" and (baseline in (None, "optimal") or isinstance(baseline, float)):
            shift = (
                self.optimal_baseline()
                if baseline == "optimal"
                else np.full(2, 0.0 if baseline is None else float(baseline))
            )

            def terms(z: np.ndarray) -> np.ndarray:
                values = self.f(self.mu + self.sigma * z)[:, None] - shift
                return values * np.stack([z, z * z - 1.0], axis=1) / self.sigma

        elif estimator == "pathwise" and self.cost.differentiable and baseline is None:

            def terms(z: np.ndarray) -> np.ndarray:
                slope = self.cost.derivative(self.mu + self.sigma * z)
                return slope[:, None] * np.stack([np.ones_like(z), z], axis=1)

        else:
            return None
        gradient = self.exact_gradient()
        kinks = [k for k in self.cost.kinks(self.mu, self.sigma) if -40.0 < k < 40.0]
        edges = np.unique(np.concatenate([_FOURTH_MOMENT_EDGES, kinks]))

        def integral(edges: np.ndarray) -> np.ndarray:
            half, middle = np.diff(edges) / 2.0, (edges[:-1] + edges[1:]) / 2.0
            z = (middle[:, None] + half[:, None] * _LEGENDRE_NODES).ravel()
            weights = (half[:, None] * _LEGENDRE_WEIGHTS).ravel() * np.exp(-0.5 * z * z)
            with np.errstate(all="ignore"):
                centred = (terms(z) - gradient) ** 4
            return (weights[:, None] * centred).sum(axis=0) / math.sqrt(2.0 * math.pi)

        coarse = integral(edges)
        fine = integral(np.unique(np.concatenate([edges, (edges[:-1] + edges[1:]) / 2.0])))
        if not np.all(np.isfinite(fine)) or np.any(np.abs(fine - coarse) > 1e-6 * np.abs(fine)):
            return None
        return fine

    # -- measure-valued ------------------------------------------------------------------------
    def measure_valued_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Mohamed et al. (2020, JMLR, §6 and Table 1), with common random numbers per term:

        μ: (f(μ + σy) − f(μ − σy)) / (σ√(2π)), y ~ Rayleigh(1);
        σ: (f(μ + σM) − f(μ + σN)) / σ, M ~ double-sided Maxwell and, given M, N ~ U(0, M)
        (the coupled pair (M, UM), drawn as in `_Workspace.measure_valued_variates`).
        """
        kernel = self.term_kernel("measure_valued", None)
        out = np.empty((n, 2), order=kernel.order)
        kernel.fill(rng, out)
        return out

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
    if isinstance(cost, Cost):  # rebuilt from a problem's own fields (with_theta)
        return cost
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


# Pieces of the fourth-moment quadrature over z (finer near the centre) and its rule.
_FOURTH_MOMENT_EDGES = np.concatenate([[-40.0, -30.0, -20.0, -15.0], np.arange(-12.0, 12.5, 1.0),
                                       [15.0, 20.0, 30.0, 40.0]])  # fmt: skip
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(24)


class _Workspace:
    """Reused chunk buffers for a `Gaussian`: f and f′ at μ + σ·offsets, and the variates of
    the measure-valued estimator (Mohamed et al., JMLR 2020, §6).

    Measure-valued variates: y = √(2E₁) ~ Rayleigh(1) for the mean; for the scale,
    N ~ N(0, 1) and M = sign(N)·√(N² + 2E₂). M is double-sided Maxwell (M² ~ χ²₃ with an
    independent sign) and, given M = m, N is uniform on (0, m) — exactly the law of U·M — so
    (M, N) is the coupled pair (M, UM) drawn from one normal and one exponential instead of a
    Gamma(3/2), a sign and a uniform.
    """

    def __init__(self, problem: Gaussian) -> None:
        self.mu, self.sigma, self.cost = problem.mu, problem.sigma, problem.cost
        self._buffers: dict[str, np.ndarray] = {}

    def buffer(self, name: str, size: int) -> np.ndarray:
        """A reused float64 buffer of ≥ `size` entries (one chunk's), sliced to `size`."""
        buffer = self._buffers.get(name)
        if buffer is None or buffer.size < size:
            buffer = self._buffers[name] = np.empty(size)
        return buffer[:size]

    def normals(self, rng: np.random.Generator, size: int) -> np.ndarray:
        """z ~ N(0, 1) for `size` samples, into the reused buffer."""
        return rng.standard_normal(out=self.buffer("normals", size))

    def _points(self, offsets: np.ndarray) -> np.ndarray:
        points = np.multiply(offsets, self.sigma, out=self.buffer("points", offsets.size))
        points += self.mu
        return points

    def value_at(self, offsets: np.ndarray) -> np.ndarray:
        """f(μ + σ·offsets) as an array the caller may overwrite."""
        points = self._points(offsets)
        return owned(self.cost.value(points), points)

    def slope_at(self, offsets: np.ndarray) -> np.ndarray:
        """f′(μ + σ·offsets) as an array the caller may overwrite."""
        points = self._points(offsets)
        return owned(self.cost.derivative(points), points)

    def measure_valued_variates(
        self, rng: np.random.Generator, size: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(y, M, N) for `size` samples, drawn in the order E₁, N, E₂ into reused buffers."""
        radius = rng.standard_exponential(out=self.buffer("radius", size))
        np.multiply(radius, 2.0, out=radius)
        np.sqrt(radius, out=radius)
        coupled = self.normals(rng, size)
        maxwell = rng.standard_exponential(out=self.buffer("maxwell", size))
        np.multiply(maxwell, 2.0, out=maxwell)
        maxwell += np.multiply(coupled, coupled, out=self.buffer("work", size))
        np.sqrt(maxwell, out=maxwell)
        np.copysign(maxwell, coupled, out=maxwell)
        return radius, maxwell, coupled


class _GaussianTerms:
    """Per-sample terms written chunk by chunk into an (n, 2) array: score (f − b)·S with
    S = (z, z² − 1)/σ, pathwise f′(x)·(1, z), measure-valued (f(μ + σy) − f(μ − σy))/(σ√(2π))
    and (f(μ + σM) − f(μ + σN))/σ with the variates of `_Workspace`."""

    order = "F"

    def __init__(self, problem: Gaussian, estimator: str, baseline: float | str | None) -> None:
        self.problem, self.estimator, self.baseline = problem, estimator, baseline
        self.sigma = problem.sigma
        self.space = _Workspace(problem)

    def fill(self, rng: np.random.Generator, out: np.ndarray) -> None:
        n, space = out.shape[0], self.space
        if self.estimator == "score" and is_batch_baseline(self.baseline):
            self._score_with_batch_baseline(rng, out)
            return
        first = second = 0.0
        if self.baseline == "optimal":
            first, second = self.problem.optimal_baseline()
        elif self.baseline is not None:
            first = second = self.baseline
        for start, stop in chunks(n):
            chunk, size = out[start:stop], stop - start
            if self.estimator == "measure_valued":
                self._measure_valued(*space.measure_valued_variates(rng, size), chunk)
                continue
            z = space.normals(rng, size)
            if self.estimator == "pathwise":
                np.copyto(chunk[:, 0], space.slope_at(z))
                np.multiply(chunk[:, 0], z, out=chunk[:, 1])
            else:
                self._score_terms(z, space.value_at(z), first, second, chunk)

    def _measure_valued(self, radius, maxwell, coupled, out: np.ndarray) -> None:
        """A polynomial cost f(μ + σz) = Σ_k c_k z^k is evaluated on the variates directly:
        f(μ + σy) − f(μ − σy) = 2 Σ_{k odd} c_k y^k and f(μ + σM) − f(μ + σN) = p(M) − p(N)
        with p = f − c_0, each already scaled by its constant; any other cost is evaluated at
        the points."""
        location_scale, scale_scale = _LOCATION_CONSTANT / self.sigma, 1.0 / self.sigma
        coefficients = getattr(self.space.cost, "coefficients", None)
        if coefficients is None:
            location = self.space.value_at(radius)
            location -= self.space.value_at(np.negative(radius, out=radius))
            np.multiply(location, location_scale, out=out[:, 0])
            scale = self.space.value_at(maxwell)
            scale -= self.space.value_at(coupled)
            np.multiply(scale, scale_scale, out=out[:, 1])
            return
        c = np.asarray(coefficients(self.space.mu, self.space.sigma), dtype=np.float64)
        powers = np.arange(c.size)
        _polynomial(radius, np.where(powers % 2 == 1, 2.0 * location_scale * c, 0.0), out[:, 0])
        without_constant = np.where(powers > 0, scale_scale * c, 0.0)
        _polynomial(maxwell, without_constant, out[:, 1])
        out[:, 1] -= _polynomial(coupled, without_constant, radius)

    def _score_terms(self, z, f: np.ndarray, first, second, out: np.ndarray) -> None:
        """out = (f − b₁, f − b₂)·S; b a number, or one per sample (leave-one-out)."""
        _weighted_score(
            1.0, z, np.multiply(z, z, out=self.space.buffer("work", z.size)), self.sigma, out
        )
        if np.isscalar(first) and first == second:
            weight = f if first == 0.0 else np.subtract(f, first, out=f)
            out *= weight[:, None]
            return
        out[:, 0] *= f - first
        out[:, 1] *= np.subtract(f, second, out=f)

    def _score_with_batch_baseline(self, rng: np.random.Generator, out: np.ndarray) -> None:
        """Pass 1 stores f in column 0 and z in column 1 and adds up Σf; pass 2 turns each
        chunk into terms with b = Σf/n ("mean") or b_i = (Σf − f_i)/(n − 1) ("loo")."""
        n, total, space = out.shape[0], 0.0, self.space
        for start, stop in chunks(n):
            z = space.normals(rng, stop - start)
            out[start:stop, 1] = z
            out[start:stop, 0] = space.value_at(z)
            total += out[start:stop, 0].sum()
        for start, stop in chunks(n):
            z = np.copy(out[start:stop, 1])
            f = np.copy(out[start:stop, 0])
            b = batch_baseline(total, f, n, self.baseline)
            self._score_terms(z, f, b, b, out[start:stop])


class _GaussianSums:
    """x = μ + σz with z drawn in place; per-repetition sums of the chosen estimator's terms.

    score: the chunks add up Σf, Σf z, Σf z², Σz, Σz² and `finish` turns them into ΣA = Σ f·S
    and ΣS by `_weighted_score`. pathwise: Σf′(x)·(1, z). measure-valued:
    Σ(f(μ + σy) − f(μ − σy)) and Σ(f(μ + σM) − f(μ + σN)) with the variates of `_Workspace`,
    scaled by 1/(σ√(2π)) and 1/σ at the end.
    """

    def __init__(self, problem: Gaussian, estimator: str, needs_scores: bool) -> None:
        self.sigma, self.estimator, self.needs_scores = problem.sigma, estimator, needs_scores
        self.width = 5 if estimator == "score" else 2
        self.space = _Workspace(problem)

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size, space = block * length, self.space
        if self.estimator == "measure_valued":
            radius, maxwell, coupled = space.measure_valued_variates(rng, size)
            difference = space.value_at(radius)
            difference -= space.value_at(np.negative(radius, out=radius))
            add_row_sums(difference, block, totals[:, 0])
            difference = space.value_at(maxwell)
            difference -= space.value_at(coupled)
            add_row_sums(difference, block, totals[:, 1])
            return
        z = space.normals(rng, size)
        if self.estimator == "pathwise":
            slope = space.slope_at(z)
            add_row_sums(slope, block, totals[:, 0])
            add_row_sums(np.multiply(slope, z, out=slope), block, totals[:, 1])
            return
        f = space.value_at(z)
        add_row_sums(f, block, totals[:, 0])
        fz = np.multiply(f, z, out=space.buffer("work", size))
        add_row_sums(fz, block, totals[:, 1])
        add_row_sums(np.multiply(fz, z, out=fz), block, totals[:, 2])
        if self.needs_scores:
            add_row_sums(z, block, totals[:, 3])
            add_row_sums(np.multiply(z, z, out=z), block, totals[:, 4])

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        if self.estimator == "pathwise":
            return totals
        if self.estimator == "measure_valued":
            return totals * np.array([_LOCATION_CONSTANT / self.sigma, 1.0 / self.sigma])
        sum_f, sum_fz, sum_fz2, sum_z, sum_z2 = totals.T
        credited = _weighted_score(sum_f, sum_fz, sum_fz2, self.sigma)
        scores = _weighted_score(n, sum_z, sum_z2, self.sigma)
        # A one-step problem credits each score with its own reward: f·S is A itself.
        return np.column_stack([credited, scores, sum_f, credited])


class _GaussianPowerSums:
    """A polynomial cost f(μ + σz) = Σ_k c_k z^k needs only power sums of the drawn variates.

    score (P_j = Σ z^j, P_0 = n): Σf = Σ_k c_k P_k, Σf z = Σ_k c_k P_{k+1}, Σf z² = Σ_k c_k P_{k+2}.
    pathwise: f′(x) = Σ_k s_k z^k with s = (d/dz c)/σ, so Σf′ = Σ_k s_k P_k, Σf′z = Σ_k s_k P_{k+1}.
    measure-valued (variates of `_Workspace`): f(μ + σy) − f(μ − σy) = 2 Σ_{k odd} c_k y^k
    and f(μ + σM) − f(μ + σN) = Σ_k c_k (M^k − N^k). Every sample is still drawn; only what
    it adds to the estimate is summed.
    """

    def __init__(self, problem: Gaussian, estimator: str, coefficients: np.ndarray) -> None:
        self.sigma, self.estimator = problem.sigma, estimator
        coefficients = np.asarray(coefficients, dtype=np.float64)
        if estimator == "pathwise":
            self.coefficients = polynomial.polyder(coefficients) / problem.sigma
        else:
            self.coefficients = coefficients
        self.degree = len(self.coefficients) - 1
        # Columns: P_1 … P_orders of z; measure-valued: Σy^k, ΣM^k, ΣN^k for k = 1 … degree.
        self.orders = {"score": self.degree + 2, "pathwise": self.degree + 1}.get(
            estimator, max(self.degree, 1)
        )
        self.width = self.orders if estimator != "measure_valued" else 3 * self.orders
        self.space = _Workspace(problem)

    def _add_power_sums(
        self, values: np.ndarray, block: int, totals: np.ndarray, orders: int
    ) -> None:
        """totals[:, j − 1] += Σ values^j per repetition, j = 1 … orders."""
        add_row_sums(values, block, totals[:, 0])
        if orders < 2:
            return
        power = np.multiply(values, values, out=self.space.buffer("powers", values.size))
        add_row_sums(power, block, totals[:, 1])
        for order in range(3, orders + 1):
            add_row_sums(np.multiply(power, values, out=power), block, totals[:, order - 1])

    def __call__(
        self, rng: np.random.Generator, block: int, length: int, totals: np.ndarray
    ) -> None:
        size = block * length
        if self.estimator != "measure_valued":
            self._add_power_sums(self.space.normals(rng, size), block, totals, self.orders)
            return
        orders = self.orders
        radius, maxwell, coupled = self.space.measure_valued_variates(rng, size)
        # The mean's term keeps only odd powers of y: the even ones cancel in f(μ+σy) − f(μ−σy).
        self._add_power_sums(radius, block, totals[:, :orders], orders - (orders % 2 == 0))
        self._add_power_sums(maxwell, block, totals[:, orders : 2 * orders], orders)
        self._add_power_sums(coupled, block, totals[:, 2 * orders :], orders)

    def finish(self, totals: np.ndarray, n: int) -> np.ndarray:
        powers = np.column_stack([np.full(len(totals), float(n)), totals])
        size = len(self.coefficients)

        def weighted(shift: int) -> np.ndarray:
            return powers[:, shift : shift + size] @ self.coefficients

        if self.estimator == "pathwise":
            return np.column_stack([weighted(0), weighted(1)])
        if self.estimator == "measure_valued":
            orders, tail = self.orders, self.coefficients[1:]
            odd = np.where(np.arange(1, size) % 2 == 1, 2.0 * tail, 0.0)
            location = totals[:, : len(tail)] @ odd * (_LOCATION_CONSTANT / self.sigma)
            maxwell = totals[:, orders : orders + len(tail)] @ tail
            coupled = totals[:, 2 * orders : 2 * orders + len(tail)] @ tail
            return np.column_stack([location, (maxwell - coupled) / self.sigma])
        sum_f, sum_fz, sum_fz2 = weighted(0), weighted(1), weighted(2)
        credited = _weighted_score(sum_f, sum_fz, sum_fz2, self.sigma)
        scores = _weighted_score(n, powers[:, 1], powers[:, 2], self.sigma)
        return np.column_stack([credited, scores, sum_f, credited])


def _polynomial(values: np.ndarray, coefficients: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Σ_k c_k values^k into `out` by Horner's rule, skipping zero terms (an odd or
    constant-free polynomial costs one pass per non-zero coefficient)."""
    c = np.trim_zeros(coefficients, "b")
    if c.size < 2:
        out.fill(c[0] if c.size else 0.0)
        return out
    np.multiply(values, c[-1], out=out)
    for coefficient in c[-2:0:-1]:  # c_{n−1} … c_1
        if coefficient:
            out += coefficient
        out *= values
    if c[0]:
        out += c[0]
    return out
