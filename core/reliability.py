"""When a Monte Carlo-vs-exact check can be trusted: rare outcomes and the normal approximation.

`check_agreement` treats |MC − exact| / SE as standard normal, which is what its stated
false-alarm rate rests on. That holds when every outcome that moves the gradient terms shows up
many times among the draws. When the rarest one is expected only a few times (a bandit at
θ = 10, where p(a=0) ≈ 4.5e-5; a step cost far in the tail), the estimate and its SE depend on
whether that outcome happened to be drawn at all: a run that never draws it reports a spread
near zero and fails by a huge number of SEs although nothing is wrong. The usual rule of thumb
for normal approximations of counts asks for about 10 expected occurrences.
"""

from __future__ import annotations

from core.bandits import Bandit, SoftmaxBandit
from core.gaussian import Gaussian
from core.problem import Problem

RARE_OUTCOME_MINIMUM = 10.0


def rarest_outcome_probability(problem: Problem) -> float | None:
    """Probability of the least likely outcome of one draw, where the terms take few values.

    min_a p(a|θ) for `Bandit` and `SoftmaxBandit`; min(P(x > k), P(x ≤ k)) for a `Gaussian`
    with the step cost (P(x > k) = E[f]). None for every other problem, whose terms are
    continuous and have no single rare outcome.
    """
    if isinstance(problem, (Bandit, SoftmaxBandit)):
        return float(problem.support()[1].min())
    if isinstance(problem, Gaussian) and problem.cost_name == "step":
        upper = problem.expected_value()
        return float(min(upper, 1.0 - upper))
    return None


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
