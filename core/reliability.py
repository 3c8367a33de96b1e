"""When a Monte Carlo-vs-exact check can be trusted: rare outcomes and the normal approximation.

Where an estimate is a function of outcome counts, `core.checks` takes its p-value from the
exact law of the counts and needs no warning. Elsewhere a check treats |MC − exact| / SE as
standard normal, which is what its stated false-alarm rate rests on. That holds when every
outcome that moves the gradient terms shows up many times among the draws. When the rarest one is expected only a few times (a bandit at
θ = 10, where p(a=0) ≈ 4.5e-5; a step cost far in the tail), the estimate and its SE depend on
whether that outcome happened to be drawn at all: a run that never draws it reports a spread
near zero and fails by a huge number of SEs although nothing is wrong. The usual rule of thumb
for normal approximations of counts asks for about 10 expected occurrences.
"""

from __future__ import annotations

import numpy as np

from core.numerics import check_sample_count
from core.problem import Problem

RARE_OUTCOME_MINIMUM = 10.0


def rarest_outcome_probability(problem: Problem) -> float | None:
    """Probability of the least likely outcome of one draw, where the terms take few values.

    The problem says (`Problem.rarest_outcome_probability`): min_a p(a|θ) for `Bandit` and
    `SoftmaxBandit`; min(P(x > k), P(x ≤ k)) for a `Gaussian` with the step cost. None for
    every other problem, whose terms are continuous and have no single rare outcome.
    """
    return problem.rarest_outcome_probability()


def rare_outcome_warning(
    problem: Problem, draws: int, minimum: float = RARE_OUTCOME_MINIMUM
) -> str | None:
    """None when the rarest outcome is expected ≥ `minimum` times in `draws` draws (or the
    problem has none); otherwise a sentence saying why the SE-based checks are unreliable."""
    probability = rarest_outcome_probability(problem)
    if probability is None:
        return None
    expected = probability * draws
    if expected >= minimum:
        return None
    return (
        f"the rarest outcome (probability {probability:.2g}) is expected only {expected:.2g} "
        f"times in these {draws:,} draws, fewer than {minimum:g}: the estimates hinge on whether "
        "it was drawn at all, so the standard errors are unreliable and a check can fail (or "
        "pass) by chance far more often than its stated false-alarm rate. Draw more samples or "
        "move the parameters toward the middle."
    )


def sample_variance_standard_error(problem: Problem, reps: int) -> np.ndarray | None:
    """Exact SE of the sample variance of `reps` i.i.d. one-sample score-function terms, (d,).

    Var[s²] = (μ₄ − σ⁴ (R−3)/(R−1))/R with σ² and μ₄ the exact central moments of one term
    (e.g. Cramér 1946, §27.4), by enumerating a finite support (`Problem.outcome_table`; the
    terms follow the problem's own credit, e.g. reward-to-go for `Episodes`). None for a
    continuous support.

    The plug-in SE (`variance_standard_error`) is estimated from the same draws as s², and the two
    err together: a sample that misses the upper tail reports both a low variance and a low SE,
    so a 4-SE check fails far more often than its stated rate (measured on 10-step episodes:
    P(|z| > 4) ≈ 1% with the plug-in SE, none in 300 runs with this one).
    """
    table = problem.outcome_table()
    if table is None:
        return None
    reps = check_sample_count(reps, "reps")
    probabilities, terms = table.probabilities, table.statistics[:, : problem.dim]
    centred = terms - probabilities @ terms
    second, fourth = probabilities @ centred**2, probabilities @ centred**4
    shrink = (reps - 3) / max(reps - 1, 1)
    return np.sqrt(np.maximum(fourth - shrink * second**2, 0.0) / reps)
