"""Gradient estimators for discrete choices, compared at an equal budget of reward evaluations.

Every estimator here has the shared signature `estimator(problem, n, *, rng, ..., out=None)
-> terms (n, d)`: each row is one estimate that costs `evaluations` calls of f, so
Var[row] × evaluations is the variance per evaluation — the fair price of an estimator.

Binary units (`core.bernoulli_units.BernoulliUnits`, D ≤ 10), with u ~ U(0, 1)^D,
b = 1[u < σ(θ)] and its antithetic partner b′ = 1[u > σ(−θ)] (that is, 1[1 − u < σ(θ)]):

- score function f(b)·s(b), s = b − σ(θ) (Williams 1992), with the exact b* or RLOO over k
  draws (Kool, van Hoof & Welling 2019, "Buy 4 REINFORCE samples, get a baseline for free");
- antithetic ½[f(b)s(b) + f(b′)s(b′)], and the pair with a leave-one-out baseline
  ½(f(b) − f(b′))(s(b) − s(b′)) — biased, because b and b′ are dependent;
- ARM (Yin & Zhou 2019, arXiv:1807.11143): (f(b′) − f(b))(u_i − ½);
- DisARM (Dong, Mnih & Tucker 2020, arXiv:2006.10680):
  ½(f(b) − f(b′))(−1)^{b′_i} 1[b_i ≠ b′_i] σ(|θ_i|);
- Gumbel-softmax / straight-through (`core.relaxations`), biased; for K ≤ 4 arms the
  Gumbel-softmax too (exact by quadrature in K − 1 dimensions).

Exact moments: each unit's u_i falls in one of three cells cut at σ(θ_i) and σ(−θ_i), inside
which b_i and b′_i are constant; every estimator is constant on a product of cells, except
ARM, which is linear in u_i there. So each mean, variance and fourth moment is an exact sum
over the 3^D cells of uniform moments. RLOO: the U-statistic variance (`core.estimate_moments`)
and the law of the counts. Categorical (`core.SoftmaxBandit`): RLOO-k and the unordered-set
estimator (Kool, van Hoof & Welling 2020, "Estimating gradients for discrete random variables
by sampling without replacement", ICLR) by enumerating the k-subsets.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core._kernels import chunks
from core.bandits import SoftmaxBandit
from core.bernoulli_units import BernoulliUnits
from core.checks import (
    DiscreteLaw,
    check_fields,
    estimate_reference_laws,
    sample_variance_variance,
)
from core.exact import estimate_moments
from core.numerics import CHUNK_SIZE, check_sample_count, make_rng, sigmoid
from core.problem import EnumerableProblem
from core.relaxations import (
    MAX_EXACT_ARMS,
    RELAXATIONS,
    categorical_relaxed_moments,
    categorical_relaxed_terms,
    relaxed_moments,
    relaxed_terms,
)

# The problems the discrete comparison takes (`problem_kind`): binary units or K arms.
DiscreteProblem = BernoulliUnits | SoftmaxBandit
MAX_GROUP = 64
# Cell values closer to their mean than this, relative to the largest, differ by rounding only.
ROUNDING = 1e-12
MAX_SUBSET_ENUMERATION = 200_000
# Entries of a count-vector table (vectors × outcomes) one request may build: 32 MB of int64.
MAX_COUNT_ENTRIES = 4_000_000


# -- the estimators: per-row terms, each row one estimate ----------------------------------------


def _check_group(k: int, least: int = 2) -> int:
    k = check_sample_count(k, "k")
    if not least <= k <= MAX_GROUP:
        raise ValueError(f"k must be {least}…{MAX_GROUP} evaluations, got {k}")
    return k


def _rows(n: int, d: int, out: np.ndarray | None) -> np.ndarray:
    n = check_sample_count(n)
    return np.empty((n, d)) if out is None else out


def score_function_terms(
    problem: EnumerableProblem,
    n: int,
    *,
    rng: np.random.Generator,
    baseline: str | None = None,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """(f(x) − b)·∇θ log p(x), one draw per row, b = 0 or the exact b* ("optimal"), (n, d)."""
    out = _rows(n, problem.dim, out)
    b = problem.optimal_baseline() if baseline == "optimal" else np.zeros(problem.dim)
    for start, stop in chunks(out.shape[0]):
        x = problem.sample(rng, stop - start)
        out[start:stop] = (problem.f(x)[:, None] - b) * problem.score(x)
    return out


def rloo(
    problem: EnumerableProblem,
    n: int,
    *,
    rng: np.random.Generator,
    k: int = 2,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """RLOO over k draws per row: (1/k) Σ_i (f_i − (1/(k−1)) Σ_{j≠i} f_j) s_i, shape (n, d).

    Unbiased: each f_i's baseline is independent of draw i (Kool et al. 2019).
    """
    k = _check_group(k)
    out = _rows(n, problem.dim, out)
    rows = max(1, CHUNK_SIZE // k)
    for start in range(0, out.shape[0], rows):
        stop = min(start + rows, out.shape[0])
        x = problem.sample(rng, (stop - start) * k)
        f = problem.f(x).reshape(-1, k)
        s = problem.score(x).reshape(-1, k, problem.dim)
        advantage = f - (f.sum(axis=1, keepdims=True) - f) / (k - 1)
        out[start:stop] = (advantage[:, :, None] * s).mean(axis=1)
    return out


def _pair_terms(
    problem: BernoulliUnits, estimator: str, b: np.ndarray, b_prime: np.ndarray, centred_u
) -> np.ndarray:
    """The antithetic-pair estimators' terms from b and b′ (rows of units); `centred_u` is
    u − ½ (ARM's factor: an array, or a pair of arrays (low, high) over a cell)."""
    f, f_prime = problem.f(b)[:, None], problem.f(b_prime)[:, None]
    if estimator == "antithetic":
        return 0.5 * (f * problem.score(b) + f_prime * problem.score(b_prime))
    if estimator == "antithetic_loo":
        return 0.5 * (f - f_prime) * (problem.score(b) - problem.score(b_prime))
    if estimator == "disarm":
        sign = np.where(b_prime == 1, -1.0, 1.0)
        return 0.5 * (f - f_prime) * sign * (b != b_prime) * sigmoid(np.abs(problem.theta))
    if estimator == "arm":
        return (f_prime - f) * centred_u
    raise ValueError(f"unknown pair estimator {estimator!r}")


PAIR_ESTIMATORS = ("antithetic", "antithetic_loo", "arm", "disarm")


def pair_estimator_terms(
    problem: BernoulliUnits,
    n: int,
    *,
    rng: np.random.Generator,
    estimator: str = "disarm",
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Terms of a two-evaluation estimator built on (b, b′) from one u ~ U(0, 1)^D, (n, D):
    "antithetic", "antithetic_loo" (biased), "arm" or "disarm" (see the module docstring)."""
    out = _rows(n, problem.units, out)
    for start, stop in chunks(out.shape[0]):
        u = rng.random((stop - start, problem.units))
        b = (u < problem.p_one).astype(np.float64)
        b_prime = (u > problem.p_zero).astype(np.float64)
        out[start:stop] = _pair_terms(problem, estimator, b, b_prime, u - 0.5)
    return out


def arm(
    problem: BernoulliUnits, n: int, *, rng: np.random.Generator, out: np.ndarray | None = None
) -> np.ndarray:
    """ARM (Yin & Zhou 2019, arXiv:1807.11143): (f(1[u > σ(−θ)]) − f(1[u < σ(θ)]))(u − ½)."""
    return pair_estimator_terms(problem, n, rng=rng, estimator="arm", out=out)


def disarm(
    problem: BernoulliUnits, n: int, *, rng: np.random.Generator, out: np.ndarray | None = None
) -> np.ndarray:
    """DisARM (Dong et al. 2020, arXiv:2006.10680): ½(f(b) − f(b′))(−1)^{b′} 1[b ≠ b′] σ(|θ|)."""
    return pair_estimator_terms(problem, n, rng=rng, estimator="disarm", out=out)


def unordered_set(
    problem: SoftmaxBandit,
    n: int,
    *,
    k: int = 2,
    rng: np.random.Generator,
    baseline: bool = False,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Unordered-set estimator (Kool et al. 2020): Σ_{s∈S} p(s) R(S, s) (f(s) − B_s) ∇θ log p(s)
    over k arms S drawn without replacement (Gumbel-top-k), R(S, s) = p^{D∖s}(S∖{s}) / p(S),
    shape (n, K). B_s = 0, or with `baseline` the built-in one (`_subset_table`; k ≥ 2)."""
    table = _subset_table(problem, _check_group(k, least=2 if baseline else 1), baseline)
    out = _rows(n, problem.dim, out)
    weights = 1 << np.arange(problem.dim)
    for start, stop in chunks(out.shape[0]):
        keys = problem.logits + rng.gumbel(size=(stop - start, problem.dim))
        top = np.argpartition(-keys, table.k - 1, axis=1)[:, : table.k]
        out[start:stop] = table.terms[table.position[weights[top].sum(axis=1)]]
    return out


# -- exact moments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExactMoments:
    """Mean, variance and centred fourth moment of one row (one estimate), each shape (d,);
    the fourth is NaN where it is not known exactly. `note` says how they were computed."""

    mean: np.ndarray
    variance: np.ndarray
    fourth: np.ndarray
    note: str
    # The estimate's finite law per coordinate where it takes finitely many values; None where
    # it is continuous (ARM, the relaxations) or too large to enumerate.
    laws: tuple[DiscreteLaw, ...] | None = None


def _uniform_moments(low: np.ndarray, high: np.ndarray, weights: np.ndarray, mean: np.ndarray):
    """E[(X − mean)²], E[(X − mean)⁴] for X uniform on [low, high] in each cell (weights):
    with a, b the ends less the mean, (a² + ab + b²)/3 and (a⁴ + a³b + a²b² + ab³ + b⁴)/5."""
    a = low - mean
    if high is low:  # constant on every cell; a spread below rounding is none
        a = np.where(np.abs(a) <= ROUNDING * np.abs(low).max(axis=0), 0.0, a)
    a2 = a * a
    if high is low:
        return weights @ a2, weights @ (a2 * a2)
    b = high - mean
    b2, ab = b * b, a * b
    second = (a2 + ab + b2) / 3.0
    fourth = (a2 * a2 + a2 * ab + ab * ab + ab * b2 + b2 * b2) / 5.0
    return weights @ second, weights @ fourth


@functools.lru_cache(maxsize=8)
def _cells(problem: BernoulliUnits):
    """The 3^D cells: probabilities (C,), b and b′ at each (C, D), and each cell's u-interval
    ends (C, D) per unit, cut at σ(−|θ|) and σ(|θ|)."""
    low = sigmoid(-np.abs(problem.theta))  # min(σ(θ), σ(−θ)), exact
    middle = np.abs(np.tanh(problem.theta / 2.0))  # |σ(θ) − σ(−θ)|, exact
    lengths = np.stack([low, middle, low])  # (3, D)
    starts = np.stack([np.zeros_like(low), low, 1.0 - low])
    ends = np.stack([low, 1.0 - low, np.ones_like(low)])
    index = np.indices((3,) * problem.units).reshape(problem.units, -1).T  # (C, D)
    units = np.arange(problem.units)
    probability = lengths[index, units].prod(axis=1)
    start, end = starts[index, units], ends[index, units]
    # Cells are named by position: b = 1[u < σ(θ)] and b′ = 1[u > σ(−θ)] are constant in each.
    positive = problem.theta >= 0  # then σ(−θ) ≤ σ(θ): cells [0, q], [q, p], [p, 1]
    b = np.where(positive, index <= 1, index == 0).astype(np.float64)
    b_prime = np.where(positive, index >= 1, index == 2).astype(np.float64)
    return probability, b, b_prime, start, end


def pair_moments(problem: BernoulliUnits, estimator: str) -> ExactMoments:
    """Exact moments of a pair estimator (or the one-draw score function, "score" / "optimal")
    as sums over the 3^D cells of u; ARM's term is uniform on each cell, the others constant."""
    probability, b, b_prime, start, end = _cells(problem)
    if estimator in ("score", "optimal"):
        base = problem.optimal_baseline() if estimator == "optimal" else 0.0
        low = high = (problem.f(b)[:, None] - base) * problem.score(b)
    elif estimator == "arm":
        low = _pair_terms(problem, "arm", b, b_prime, start - 0.5)
        high = _pair_terms(problem, "arm", b, b_prime, end - 0.5)
    else:
        low = high = _pair_terms(problem, estimator, b, b_prime, None)
    mean = probability @ (0.5 * (low + high))
    variance, fourth = _uniform_moments(low, high, probability, mean)
    laws = None
    if high is low:  # constant on every cell: a finite law
        laws = tuple(DiscreteLaw.of(low[:, j], probability) for j in range(low.shape[1]))
    note = f"exact sum over 3^{problem.units} cells of u"
    return ExactMoments(mean, variance, fourth, note, laws)


def rloo_moments(problem: EnumerableProblem, k: int) -> ExactMoments:
    """RLOO-k: mean and variance from the U-statistic (core.estimate_moments); the fourth
    moment from the exact law of the outcome counts where its table of count vectors × outcomes
    stays within MAX_COUNT_ENTRIES (else NaN: the variance check then says it is not made)."""
    from core.group_baselines import compositions, log_multinomial

    k = _check_group(k)
    mean, variance = estimate_moments(problem, k, baseline="loo")
    outcomes, probabilities = problem.support()
    fourth, laws = np.full(problem.dim, np.nan), None
    vectors = math.comb(k + probabilities.size - 1, probabilities.size - 1)
    if vectors * probabilities.size <= MAX_COUNT_ENTRIES:
        counts = compositions(k, probabilities.size)
        with np.errstate(divide="ignore"):
            weights = np.exp(log_multinomial(counts, np.log(probabilities)))
        f, s = problem.f(outcomes), problem.score(outcomes)
        total_f, total_fs = counts @ f, counts @ (f[:, None] * s)
        estimates = (total_fs - (total_f[:, None] * (counts @ s) - total_fs) / (k - 1)) / k
        fourth = weights @ (estimates - mean) ** 4
        laws = tuple(DiscreteLaw.of(estimates[:, j], weights) for j in range(problem.dim))
    return ExactMoments(mean, variance, fourth, "U-statistic; counts' law for the 4th moment", laws)


@dataclass(frozen=True)
class _SubsetTable:
    """Every k-subset of K arms: its bit mask → row (`position`), probability, and terms."""

    k: int
    probabilities: np.ndarray
    terms: np.ndarray
    position: np.ndarray


def _set_probability(pi: np.ndarray, members: Sequence[int]) -> float:
    """p(S): Σ over orderings of Π_t π_{s_t} / (1 − Σ_{r<t} π_{s_r}) (sampling w/o replacement)."""
    total = 0.0
    for order in itertools.permutations(members):
        product, used = 1.0, 0.0
        for arm in order:
            product *= pi[arm] / (1.0 - used)
            used += pi[arm]
        total += product
    return total


@functools.lru_cache(maxsize=16)
def _subset_table(problem: SoftmaxBandit, k: int, baseline: bool = False) -> _SubsetTable:
    """Every k-subset's probability and unordered-set terms. The built-in baseline (Kool et al.
    2020, §4) is B_s = p(s) f(s) + Σ_{s′∈S∖s} p(s′) f(s′) p^{D∖{s,s′}}(S∖{s,s′}) / p^{D∖s}(S∖s):
    given s ∈ S it is an unbiased estimate of E[f] (the rest of S is a sample without
    replacement from D∖s), so Σ_s ∇p(s)·E[f] = 0 keeps the estimator unbiased."""
    arms = problem.dim
    if k > arms:
        raise ValueError(f"k = {k} arms without replacement needs k ≤ K = {arms}")
    if math.comb(arms, k) * math.factorial(k) > MAX_SUBSET_ENUMERATION:
        raise ValueError(f"{arms} arms choose {k} is too many ordered subsets to enumerate")
    pi, rewards = problem.probabilities, problem.rewards
    scores = problem.score(np.arange(arms, dtype=np.float64))
    subsets = list(itertools.combinations(range(arms), k))
    probabilities = np.empty(len(subsets))
    terms = np.zeros((len(subsets), arms))
    position = np.zeros(1 << arms, dtype=np.int64)
    for row, subset in enumerate(subsets):
        probabilities[row] = p_set = _set_probability(pi, subset)
        for s in subset:
            rest = [a for a in subset if a != s]
            leave_out = _set_probability(pi / (1.0 - pi[s]), rest) if rest else 1.0
            b = pi[s] * rewards[s] if baseline else 0.0
            for other in rest if baseline else ():
                pair = [a for a in rest if a != other]
                second = _set_probability(pi / (1.0 - pi[s] - pi[other]), pair) if pair else 1.0
                b += pi[other] * rewards[other] * second / leave_out
            terms[row] += pi[s] * leave_out / p_set * (rewards[s] - b) * scores[s]
        position[sum(1 << a for a in subset)] = row
    return _SubsetTable(k, probabilities, terms, position)


def unordered_set_moments(problem: SoftmaxBandit, k: int, baseline: bool = False) -> ExactMoments:
    """Exact moments of the unordered-set estimator by enumerating the C(K, k) subsets."""
    table = _subset_table(problem, _check_group(k, least=2 if baseline else 1), baseline)
    p = table.probabilities / table.probabilities.sum()
    mean = p @ table.terms
    centred = table.terms - mean
    laws = tuple(DiscreteLaw.of(table.terms[:, j], p) for j in range(problem.dim))
    moments = mean, p @ centred**2, p @ centred**4
    return ExactMoments(*moments, "exact sum over the k-subsets", laws)


# -- the registry: what each estimator costs and where it applies ------------------------------


@dataclass(frozen=True)
class DiscreteEstimator:
    """An estimator's name, label, reward evaluations per estimate, bias, and problems it fits."""

    name: str
    label: str
    biased: bool
    kinds: tuple[str, ...]
    note: str

    def evaluations(self, k: int) -> int:
        """Calls of f behind one estimate: k (RLOO, the unordered set), 2 (a pair), else 1."""
        return (
            k
            if self.name in ("rloo", "unordered_set", "unordered_set_baseline")
            else (2 if self.name in PAIR_ESTIMATORS else 1)
        )


DISCRETE_ESTIMATORS = {
    e.name: e
    for e in (
        DiscreteEstimator("score", "score function", False, ("binary", "categorical"),
                          "f(b)·s(b), no baseline"),
        DiscreteEstimator("optimal", "score function, b*", False, ("binary", "categorical"),
                          "needs the exact b* (an oracle)"),
        DiscreteEstimator("rloo", "RLOO-k", False, ("binary", "categorical"),
                          "k draws, leave-one-out baseline"),
        DiscreteEstimator("antithetic", "antithetic pair", False, ("binary",), "u and 1 − u"),
        DiscreteEstimator("antithetic_loo", "antithetic + leave-one-out", True, ("binary",),
                          "biased: the pair is dependent"),
        DiscreteEstimator("arm", "ARM", False, ("binary",), "Yin & Zhou 2019"),
        DiscreteEstimator("disarm", "DisARM", False, ("binary",), "Dong, Mnih & Tucker 2020"),
        DiscreteEstimator("gumbel_softmax", "Gumbel-softmax (τ)", True, ("binary", "categorical"),
                          "biased; Jang et al. 2017, Maddison et al. 2017"),
        DiscreteEstimator("straight_through", "straight-through GS (τ)", True, ("binary",),
                          "biased; f′ at the hard b"),
        DiscreteEstimator("unordered_set", "unordered set (k w/o replacement)", False,
                          ("categorical",), "Kool et al. 2020"),
        DiscreteEstimator("unordered_set_baseline", "unordered set + built-in baseline", False,
                          ("categorical",), "Kool et al. 2020, §4"),
    )
}  # fmt: skip


def problem_kind(problem: object) -> str:
    """'binary' (BernoulliUnits) or 'categorical' (SoftmaxBandit); ValueError otherwise."""
    if isinstance(problem, BernoulliUnits):
        return "binary"
    if isinstance(problem, SoftmaxBandit):
        return "categorical"
    raise ValueError(
        f"the discrete comparison takes core.BernoulliUnits or core.SoftmaxBandit, got "
        f"{type(problem).__name__}"
    )


def estimators_for(problem: DiscreteProblem, k: int = 2) -> tuple[str, ...]:
    """The estimators that apply to `problem` with k draws, in the registry's order (the
    unordered set needs k ≤ K distinct arms; the Gumbel-softmax of K arms is exact for K ≤ 4)."""
    kind = problem_kind(problem)
    return tuple(
        name
        for name, e in DISCRETE_ESTIMATORS.items()
        if kind in e.kinds
        and (not name.startswith("unordered_set") or k <= problem.dim)
        and (name != "gumbel_softmax" or kind == "binary" or problem.dim <= MAX_EXACT_ARMS)
    )


def _check_estimators(
    problem: DiscreteProblem, estimators: Sequence[str] | None, k: int = 2
) -> tuple[str, ...]:
    offered = estimators_for(problem, k)
    if estimators is None:
        return offered
    for name in estimators:
        if name not in offered:
            raise ValueError(
                f"estimator {name!r} does not apply to {type(problem).__name__} with k = {k}: "
                f"choose from "
                f"{', '.join(offered)}"
            )
    return tuple(estimators)


def estimator_terms(
    problem: DiscreteProblem,
    name: str,
    n: int,
    *,
    rng: np.random.Generator,
    k: int = 2,
    temperature: float = 0.5,
) -> np.ndarray:
    """Terms (n, d) of the registry's estimator `name`, one estimate per row."""
    if name in ("score", "optimal"):
        return score_function_terms(
            problem, n, rng=rng, baseline=name if name == "optimal" else None
        )
    if name == "rloo":
        return rloo(problem, n, rng=rng, k=k)
    if name in PAIR_ESTIMATORS:
        return pair_estimator_terms(problem, n, rng=rng, estimator=name)
    if name == "gumbel_softmax" and problem_kind(problem) == "categorical":
        return categorical_relaxed_terms(problem, n, rng=rng, temperature=temperature)
    if name in ("gumbel_softmax", "straight_through"):
        return relaxed_terms(problem, n, rng=rng, relaxation=name, temperature=temperature)
    return unordered_set(problem, n, rng=rng, k=k, baseline=name == "unordered_set_baseline")


def exact_moments(
    problem: DiscreteProblem, name: str, *, k: int = 2, temperature: float = 0.5
) -> ExactMoments:
    """Exact mean, variance and fourth moment of one estimate of the estimator `name`."""
    if name in ("score", "optimal") and problem_kind(problem) == "categorical":
        baseline = problem.optimal_baseline() if name == "optimal" else np.zeros(problem.dim)
        outcomes, p = problem.support()
        terms = (problem.f(outcomes)[:, None] - baseline) * problem.score(outcomes)
        centred = terms - p @ terms
        moments = p @ terms, p @ centred**2, p @ centred**4
        laws = tuple(DiscreteLaw.of(terms[:, j], p) for j in range(problem.dim))
        return ExactMoments(*moments, "exact sum over arms", laws)
    if name in ("score", "optimal", *PAIR_ESTIMATORS):
        return pair_moments(problem, name)
    if name == "rloo":
        return rloo_moments(problem, k)
    if name in ("gumbel_softmax", "straight_through"):
        m = (
            categorical_relaxed_moments(problem, temperature)
            if problem_kind(problem) == "categorical"
            else relaxed_moments(problem, name, temperature)
        )
        return ExactMoments(
            m.mean, m.variance, m.fourth, f"quadrature (error ≤ {m.quadrature_error:.0e})"
        )
    return unordered_set_moments(problem, k, baseline=name == "unordered_set_baseline")


# -- studies -------------------------------------------------------------------------------------


def _signal_to_noise(mean: float, variance: float) -> float:
    """|E ĝ| / sd(ĝ): ∞ for a nonzero mean without spread, NaN for 0/0."""
    if variance > 0:
        return abs(mean) / math.sqrt(variance)
    return math.inf if mean != 0 else math.nan


def _rows_of(problem, name: str, moments: ExactMoments, terms: np.ndarray | None, k: int):
    estimator = DISCRETE_ESTIMATORS[name]
    evaluations = estimator.evaluations(k)
    gradient = problem.exact_gradient()
    rows = []
    for j, param in enumerate(problem.params):
        variance = float(moments.variance[j])
        row = {
            "estimator": name,
            "label": estimator.label,
            "biased": estimator.biased,
            "evaluations": evaluations,
            "param": param,
            "exact_gradient": float(gradient[j]),
            "exact_mean": float(moments.mean[j]),
            "bias": float(moments.mean[j] - gradient[j]),
            "variance": variance,
            "variance_x_evaluations": variance * evaluations,
            "mse_x_evaluations": (variance + float(moments.mean[j] - gradient[j]) ** 2)
            * evaluations,
            "signal_to_noise": _signal_to_noise(float(moments.mean[j]), variance),
            "exact_route": moments.note,
        }
        if terms is not None:
            reps = terms.shape[0]
            fourth = float(moments.fourth[j])
            row |= {
                "mc_estimates": reps,
                "mc_mean": float(terms[:, j].mean()),
                "mc_variance": float(terms[:, j].var(ddof=1)),
                "mean_standard_error": math.sqrt(variance / reps),
                "variance_standard_error": math.sqrt(
                    sample_variance_variance(variance, fourth, reps)
                )
                if np.isfinite(fourth)
                else math.nan,
            }
            law = None if moments.laws is None else moments.laws[j]
            exact = (float(moments.mean[j]), variance, fourth) if law is None else None
            mean_law, variance_law = estimate_reference_laws(reps, law, moments=exact)
            row |= check_fields(mean_law.check(row["mc_mean"]), "mean_") | check_fields(
                variance_law.check(row["mc_variance"]), "variance_"
            )
        rows.append(row)
    return rows


def discrete_comparison(
    problem: DiscreteProblem,
    *,
    k: int = 2,
    temperature: float = 0.5,
    n: int = 20_000,
    seed: int = 0,
    estimators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every applicable estimator at one θ: exact mean, bias, variance of one estimate, variance ×
    evaluations, MSE × evaluations, |E ĝ|/sd(ĝ), and n Monte Carlo estimates beside them with
    the exact standard errors of their mean and variance and their checks (mean_ and variance_
    exact_standard_error, p_value, law: the exact law of the counts where the estimate takes
    finitely many values and they can be enumerated, else the normal approximation and the
    scaled χ² with the exact moments, `core.checks.estimate_reference_laws`), one row per
    estimator and parameter.

    Each estimator draws from its own stream (seed, index in the registry), so adding one
    changes no other's numbers.
    """
    k = _check_group(k)
    return _comparison(
        problem, _check_estimators(problem, estimators, k), k, temperature, n, (seed,)
    )


def _comparison(
    problem: DiscreteProblem,
    names: Sequence[str],
    k: int,
    temperature: float,
    n: int | None,
    entropy: tuple,
) -> pd.DataFrame:
    """Each estimator's `_rows_of` at `problem`: exact values, and with n that many Monte Carlo
    estimates from the stream (*entropy, the estimator's index in the registry)."""
    if n is not None:
        n = check_sample_count(n)
        if n < 2:
            raise ValueError("n must be ≥ 2 Monte Carlo estimates (a variance needs two)")
    order = list(DISCRETE_ESTIMATORS)
    rows = []
    for name in names:
        moments = exact_moments(problem, name, k=k, temperature=temperature)
        terms = None
        if n is not None:
            rng = make_rng(np.random.SeedSequence([*entropy, order.index(name)]))
            terms = estimator_terms(problem, name, n, rng=rng, k=k, temperature=temperature)
        rows += _rows_of(problem, name, moments, terms, k)
    return pd.DataFrame(rows)


def discrete_theta_sweep(
    problem: DiscreteProblem,
    thetas: Sequence[float],
    *,
    k: int = 2,
    temperature: float = 0.5,
    n: int | None = None,
    seed: int = 0,
    estimators: Sequence[str] | None = None,
) -> pd.DataFrame:
    """`discrete_comparison` at every θ (all logits set to θ; for a softmax bandit the first
    logit), one row per θ, estimator and parameter, with a `theta` column; exact values only,
    unless `n` asks for that many Monte Carlo estimates at each θ (stream (seed, θ index))."""
    k = _check_group(k)
    names = _check_estimators(problem, estimators, k)
    frames = []
    for index, theta in enumerate(np.asarray(thetas, dtype=np.float64)):
        if problem_kind(problem) == "categorical":
            logits = problem.logits.copy()
            logits[0] = theta
            at = problem.with_theta(logits)
        else:
            at = problem.with_theta(np.full(problem.units, theta))
        frame = _comparison(at, names, k, temperature, n, (seed, index))
        frames.append(frame.assign(theta=float(theta)))
    return pd.concat(frames, ignore_index=True)


def relaxation_temperature_sweep(
    problem: BernoulliUnits,
    temperatures: Sequence[float],
    *,
    n: int = 20_000,
    seed: int = 0,
) -> pd.DataFrame:
    """Gumbel-softmax and straight-through at each temperature τ: exact bias and variance
    (quadrature) beside n Monte Carlo estimates, one row per τ, relaxation and parameter."""
    names = _check_estimators(problem, RELAXATIONS)
    frames = []
    for index, tau in enumerate(temperatures):
        table = _comparison(problem, names, 2, float(tau), n, (seed, index))
        frames.append(table.assign(temperature=float(tau)))
    return pd.concat(frames, ignore_index=True)
