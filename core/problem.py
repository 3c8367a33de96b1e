"""The shared shape of every problem: a distribution p(x|θ), θ ∈ R^d, with a reward f(x).

Every estimator in this package writes its per-sample gradient term in one form,

    term(x) = A(x) − b · S(x),

where S(x) = ∇θ log p(x|θ) is the score and A(x) the *credited* score. For a plain
score-function estimator A(x) = f(x) S(x); a trajectory problem may credit each step with the
reward still to come instead (see `core.Episodes`). Because E[S] = 0, any constant b leaves the
mean E[A] = ∇θ E[f] unchanged and only moves the variance.

A problem is a frozen value: its constructor arguments are dataclass fields, equality and the
hash follow them, and its repr is the call that rebuilds it after `import core`
(``core.Bandit(theta=0.0, rewards=(5.0, 10.0))``). The engine (`core._engine`) asks a
problem what it can do — `outcome_table()`, `sample_width`, `term_kernel(...)`,
`sum_kernel(...)` — and never tests its class, so a new problem needs no edit there.
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from core._kernels import OutcomeTable, SampledSums, SampledTerms
from core.estimators import Baseline, check_baseline, check_baseline_fits


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
    `params`, `theta` (a read-only (d,) array), `sample`, `log_prob`, `score`, `f`,
    `score_terms`, `expected_value`, `exact_gradient`, `fisher_information`.
    """

    params: tuple[str, ...]
    theta: np.ndarray

    # -- a value: equality, hash, repr and pickling follow the constructor's arguments --------
    def _arguments(self) -> tuple[tuple[str, object], ...] | None:
        """(name, value) of the constructor arguments that rebuild this problem; None when the
        class is not a dataclass (then it compares by identity)."""
        if not dataclasses.is_dataclass(self):
            return None
        return tuple((field.name, getattr(self, field.name)) for field in dataclasses.fields(self))

    def _key(self) -> tuple | None:
        arguments = self._arguments()
        if arguments is None:
            return None
        return tuple((name, _hashable(value)) for name, value in arguments)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        key = self._key()
        return self is other if key is None else key == other._key()

    def __hash__(self) -> int:
        key = self._key()
        return object.__hash__(self) if key is None else hash((type(self).__name__, key))

    def __repr__(self) -> str:
        arguments = self._arguments()
        if arguments is None:
            values = ", ".join(
                f"{name}={value:.6g}" for name, value in zip(self.params, self.theta, strict=True)
            )
            return f"{type(self).__name__}({values})"
        shown = ", ".join(f"{name}={_literal(value)}" for name, value in arguments)
        return f"{_qualified_name(type(self))}({shown})"

    def __getstate__(self) -> dict:
        """Only the constructor's fields travel (to a worker process): derived tables are rebuilt."""
        if not dataclasses.is_dataclass(self):
            return self.__dict__
        return {field.name: self.__dict__[field.name] for field in dataclasses.fields(self)}

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

    def score_terms(self, x: np.ndarray, baseline: Baseline = None) -> np.ndarray:
        """Score-function terms A(x_i) − b_i S(x_i) for given samples x, shape (n, d).

        b_i is 0 (None), a constant, the batch mean f̄ = (1/n) Σ_j f(x_j) ("mean"), the mean of
        the others (1/(n−1)) Σ_{j≠i} f(x_j) ("loo"), or the exact b* = E[A S]/E[S²] per
        parameter ("optimal").
        """
        baseline = check_baseline(baseline)
        credited = self.credited_score(x)
        if baseline is None:
            return credited
        scores = self.score(x)
        if baseline == "optimal":
            return credited - self.optimal_baseline() * scores
        if isinstance(baseline, float):
            return credited - baseline * scores
        rewards = self.f(x)
        n = rewards.size
        if baseline == "mean":
            return credited - rewards.mean() * scores
        check_baseline_fits(baseline, n)
        others = (rewards.sum() - rewards) / (n - 1)
        return credited - others[:, None] * scores

    def score_statistics(self, x: np.ndarray) -> np.ndarray:
        """Per-sample rows (A, S, f, f·S), shape (n, 3d + 1): every sum an estimate can need.

        An n-sample estimate with any baseline, leave-one-out included, depends on its samples
        only through ΣA, ΣS, Σf and ΣfS: Σ (A_i − b_i S_i) = ΣA − (Σf·ΣS − ΣfS)/(n − 1).
        """
        scores = self.score(x)
        rewards = self.f(x)
        return np.column_stack([self.credited_score(x), scores, rewards, rewards[:, None] * scores])

    # -- what the engine may ask: each has a default that works for any problem -----------------
    def outcome_table(self) -> OutcomeTable | None:
        """The finite support's probabilities and statistics (A, S, f, fS), or None (continuous)."""
        return None

    @property
    def sample_width(self) -> int:
        """How many random steps one sample takes (T for an episode): the cost of one sample."""
        return 1

    def term_kernel(self, estimator: str, baseline: float | str | None):
        """The chunk kernel that writes this estimator's per-sample terms (see core._kernels);
        by default the problem's own sample, score_terms, pathwise_terms, measure_valued_terms."""
        return SampledTerms(self, estimator, baseline)

    def sum_kernel(self, estimator: str, baseline: float | str | None):
        """The chunk kernel that reduces samples to per-repetition sums (see core._kernels)."""
        return SampledSums(self, estimator)

    def rarest_outcome_probability(self) -> float | None:
        """Probability of the least likely outcome where the terms take few values, else None."""
        return None

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


def _hashable(value: object) -> object:
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    return value


def _qualified_name(cls: type) -> str:
    """`core.Bandit` for a class core exports, so the repr runs after `import core` alone (as
    `datetime.date(2020, 1, 1)` does after `import datetime`); other classes by their name."""
    import core  # the package this module belongs to: already imported

    return f"core.{cls.__name__}" if getattr(core, cls.__name__, None) is cls else cls.__name__


def _literal(value: object) -> str:
    """Python source for a constructor argument: arrays and floats written to round-trip."""
    if isinstance(value, np.ndarray):
        value = tuple(value.tolist())
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, tuple):
        items = ", ".join(_literal(item) for item in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    return repr(value)


class EnumerableProblem(Problem):
    """A problem with a finite support: every exact value is a weighted sum over the support."""

    @abstractmethod
    def support(self) -> tuple[np.ndarray, np.ndarray]:
        """All outcomes xs (same layout as `sample`) and their probabilities, summing to one."""

    @cached_property
    def _outcome_table(self) -> OutcomeTable:
        outcomes, probabilities = self.support()
        probabilities = np.asarray(probabilities, dtype=np.float64)
        return OutcomeTable(probabilities, self.score_statistics(outcomes))

    def outcome_table(self) -> OutcomeTable:
        """Built once per problem: the support's probabilities and (A, S, f, fS) rows."""
        return self._outcome_table

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
