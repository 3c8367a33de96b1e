"""The shared shape of every problem: a distribution p(x|θ), θ ∈ R^d, with a reward f(x).

Every estimator in this package writes its per-sample gradient term in one form,

    term(x) = A(x) − b · S(x),

where S(x) = ∇θ log p(x|θ) is the score and A(x) the *credited* score. For a plain
score-function estimator A(x) = f(x) S(x); a trajectory problem may credit each step with the
reward still to come instead (see `core.Episodes`). Because E[S] = 0, any constant b leaves the
mean E[A] = ∇θ E[f] unchanged and only moves the variance.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ScoreMoments:
    """Exact moments of one sample that fix the variance of every score-function estimator.

    Per-parameter arrays have shape (d,); `mean_f` and `mean_f2` are scalars. Names read as
    expectations: `a_s` is E[A·S], `f_s2` is E[f·S²], `a_fs` is E[A·f·S], `fs_sq` is E[(f·S)²].
    """

    mean_f: float
    mean_f2: float
    gradient: np.ndarray
    a2: np.ndarray
    a_s: np.ndarray
    s2: np.ndarray
    f_s: np.ndarray
    f_s2: np.ndarray
    a_fs: np.ndarray
    fs_sq: np.ndarray


class Problem(ABC):
    """A distribution p(x|θ) with a reward f(x); subclasses fill in the maths.

    Public contract (used by estimators, studies, pages and notebooks):
    `params`, `theta`, `sample`, `log_prob`, `score`, `f`, `expected_value`,
    `exact_gradient`, `fisher_information`.
    """

    params: tuple[str, ...]
    theta: np.ndarray

    @property
    def dim(self) -> int:
        """d, the number of parameters."""
        return len(self.params)

    # -- sampling and per-sample quantities ------------------------------------------------
    @abstractmethod
    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n i.i.d. draws x ~ p(x|θ); rows index draws."""

    @abstractmethod
    def log_prob(self, x: np.ndarray) -> np.ndarray:
        """log p(x|θ), shape (n,)."""

    @abstractmethod
    def score(self, x: np.ndarray) -> np.ndarray:
        """S(x) = ∇θ log p(x|θ), shape (n, d)."""

    @abstractmethod
    def f(self, x: np.ndarray) -> np.ndarray:
        """The reward or cost f(x), shape (n,)."""

    def credited_score(self, x: np.ndarray) -> np.ndarray:
        """A(x), the score weighted by the reward it is credited with; f(x)·S(x) by default."""
        return self.f(x)[:, None] * self.score(x)

    # -- exact truths --------------------------------------------------------------------------
    @abstractmethod
    def expected_value(self) -> float:
        """E[f(x)] under p(x|θ), exact."""

    @abstractmethod
    def exact_gradient(self) -> np.ndarray:
        """∇θ E[f(x)], shape (d,), exact."""

    @abstractmethod
    def fisher_information(self) -> np.ndarray:
        """E[S Sᵀ], shape (d, d), exact."""

    @abstractmethod
    def score_moments(self) -> ScoreMoments:
        """Exact one-sample moments of (f, S, A) behind every score-function variance."""

    @abstractmethod
    def with_theta(self, theta: np.ndarray) -> Problem:
        """The same problem at other parameter values θ (shape (d,))."""

    def optimal_baseline(self) -> np.ndarray:
        """Variance-minimising constant per parameter, b*_j = E[A_j S_j] / E[S_j²], shape (d,).

        Where E[S_j²] underflows to 0 (an arm with probability below 1e-308) the score of θ_j is
        0 almost surely and every b gives the same variance; E[f] is returned there.
        """
        moments = self.score_moments()
        fallback = np.full(self.dim, moments.mean_f)
        return np.divide(moments.a_s, moments.s2, out=fallback, where=moments.s2 > 0)

    def score_term_variance(self, baseline: np.ndarray) -> np.ndarray:
        """Exact Var[A_j − b_j S_j] for one sample, shape (d,).

        Var = E[A²] − 2b E[A S] + b² E[S²] − (∇θ E f)².
        """
        m = self.score_moments()
        second = m.a2 - 2.0 * baseline * m.a_s + baseline**2 * m.s2
        # Cancellation can leave a rounding-sized negative; a variance is never below zero.
        return np.maximum(second - m.gradient**2, 0.0)

    def mean_baseline_variance(self) -> np.ndarray:
        """Exact Var[A_j − E[f] S_j] (the population-mean baseline), shape (d,).

        Problems that know E[f] − c more precisely than the double E[f] override it.
        """
        return self.score_term_variance(np.full(self.dim, self.expected_value()))

    def reward_variance(self) -> float:
        """Var[f(x)] = E[f²] − E[f]²; problems with a centred route override it."""
        m = self.score_moments()
        return max(m.mean_f2 - m.mean_f**2, 0.0)

    # -- other estimators: problems that support them override these ---------------------------
    def pathwise_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Per-sample reparameterisation terms ∇θ f(g(ε, θ)), shape (n, d)."""
        raise ValueError(
            f"the pathwise gradient is not available for {type(self).__name__}: "
            "its samples are discrete, so x cannot be written as a differentiable function "
            "of θ and noise. Use the score-function estimator instead."
        )

    def pathwise_second_moment(self) -> np.ndarray:
        """Exact E[term²] of one pathwise term, shape (d,)."""
        self.pathwise_terms(np.random.default_rng(0), 1)  # raises with the reason
        raise NotImplementedError

    def pathwise_variance(self) -> np.ndarray:
        """Exact Var of one pathwise term, shape (d,): E[term²] − g² unless overridden."""
        return np.maximum(self.pathwise_second_moment() - self.exact_gradient() ** 2, 0.0)

    def measure_valued_terms(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Per-sample measure-valued gradient terms, shape (n, d)."""
        raise ValueError(
            f"the measure-valued gradient is implemented for core.Gaussian only, "
            f"not for {type(self).__name__}. Use the score-function estimator instead."
        )

    def measure_valued_second_moment(self) -> np.ndarray:
        """Exact E[term²] of one measure-valued term, shape (d,)."""
        self.measure_valued_terms(np.random.default_rng(0), 1)
        raise NotImplementedError

    def measure_valued_variance(self) -> np.ndarray:
        """Exact Var of one measure-valued term, shape (d,): E[term²] − g² unless overridden."""
        return np.maximum(self.measure_valued_second_moment() - self.exact_gradient() ** 2, 0.0)

    def __repr__(self) -> str:
        values = ", ".join(
            f"{name}={value:.6g}" for name, value in zip(self.params, self.theta, strict=True)
        )
        return f"{type(self).__name__}({values})"


class EnumerableProblem(Problem):
    """A problem with a finite support: every exact value is a weighted sum over the support."""

    @abstractmethod
    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """All outcomes xs (same layout as `sample`) and their probabilities, summing to one."""

    def expected_value(self) -> float:
        """E[f] = Σ_x p(x) f(x)."""
        xs, probs = self.support()
        return float(probs @ self.f(xs))

    def exact_gradient(self) -> np.ndarray:
        """∇θ E[f] = Σ_x p(x) f(x) S(x), the log-derivative identity summed exactly."""
        xs, probs = self.support()
        return probs @ (self.f(xs)[:, None] * self.score(xs))

    def fisher_information(self) -> np.ndarray:
        """E[S Sᵀ] = Σ_x p(x) S(x) S(x)ᵀ."""
        xs, probs = self.support()
        scores = self.score(xs)
        return (scores * probs[:, None]).T @ scores

    def score_moments(self) -> ScoreMoments:
        """All moments by enumeration of the support."""
        xs, probs = self.support()
        f = self.f(xs)
        scores = self.score(xs)
        credited = self.credited_score(xs)
        fs = f[:, None] * scores

        def expect(values: np.ndarray) -> np.ndarray:
            return probs @ values

        return ScoreMoments(
            mean_f=float(expect(f)),
            mean_f2=float(expect(f**2)),
            gradient=expect(fs),
            a2=expect(credited**2),
            a_s=expect(credited * scores),
            s2=expect(scores**2),
            f_s=expect(fs),
            f_s2=expect(f[:, None] * scores**2),
            a_fs=expect(credited * fs),
            fs_sq=expect(fs**2),
        )

    def reward_variance(self) -> float:
        """Var[f] = Σ_x p(x) (f(x) − E[f])², centred."""
        xs, probs = self.support()
        f = self.f(xs)
        return float(probs @ (f - probs @ f) ** 2)

    def score_term_variance(self, baseline: np.ndarray) -> np.ndarray:
        """Exact Var[A_j − b_j S_j] = Σ_x p(x) (A_j − b_j S_j − g_j)², centred so no cancellation."""
        xs, probs = self.support()
        terms = self.credited_score(xs) - baseline * self.score(xs)
        centred = terms - probs @ terms
        return probs @ centred**2
