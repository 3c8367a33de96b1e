"""The surrogate loss people write for a policy gradient, and what it is and is not — on the bandits.

Given N actions a_i ~ π_θ with rewards r_i, the loss handed to an optimiser is

    L(θ) = −(1/N) Σ_i log π_θ(a_i) · (r_i − b),

the samples and b held fixed (Schulman, Heess, Weber & Abbeel 2015, "Gradient Estimation Using
Stochastic Computation Graphs", arXiv:1506.05254, §2: the surrogate whose gradient is the
estimator). Then −∇L = (1/N) Σ_i (r_i − b) ∇θ log π_θ(a_i), the score-function estimate, sample
by sample; the minus sign is there because optimisers minimise. If b is computed from θ and not
detached (here b = J(θ) = Σ_a π_θ(a) r(a)), autodiff adds −log π_θ(a_i)·∇J to each term, so
E[−∇L] = ∇J (1 + H(π_θ)), H the entropy: biased by H·∇J. The value of L is no objective: its
expectation −Σ_a π(a) log π(a) (r(a) − b) moves with b (by −b·H) while E[−∇L] = ∇J for every
constant b (Foerster et al. 2018, "DiCE", arXiv:1802.05098, make the same point: only the
surrogate's gradient carries meaning).

Every exact value here is a sum over the bandit's arms; the independent route to each gradient
is a finite difference of the loss itself at the same fixed samples.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from core.bandits import Bandit, SoftmaxBandit
from core.checks import finite_mean_check
from core.numerics import check_finite, check_positive, check_sample_count, make_rng
from core.problem import Problem

# Machine epsilon of float64: the rounding floor of any difference of computed loss values.
_EPSILON = float(np.finfo(np.float64).eps)
# Step of the five-point stencil, relative to max(1, |θ_j|): truncation h⁴|ℓ⁽⁵⁾|/30 ≈ 1e-13,
# rounding ≈ 1.5 ε|ℓ|/h ≈ 3e-13 |ℓ| — both far below the tolerance below.
FINITE_DIFFERENCE_STEP = 1e-3
# |FD − formula| ≤ RELATIVE_TOLERANCE · max(1, |formula|) + 20 ε max(1, |ℓ|)/h.
RELATIVE_TOLERANCE = 1e-9


def check_bandit(problem: Problem) -> Bandit | SoftmaxBandit:
    """The problem, if it is a bandit (the surrogate loss here is written for one action)."""
    if not isinstance(problem, Bandit | SoftmaxBandit):
        raise ValueError(
            "the surrogate loss is worked out on the bandits (core.Bandit, core.SoftmaxBandit), "
            f"got {type(problem).__name__}"
        )
    return problem


def loss_gradient_by_differences(
    loss_terms: Callable[[np.ndarray], np.ndarray], theta: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """∂ℓ_i/∂θ_j of per-sample losses ℓ_i(θ), shape (n, d), by the five-point central stencil,
    and the steps h_j = FINITE_DIFFERENCE_STEP · max(1, |θ_j|).

    f'(θ) ≈ [f(θ − 2h) − 8 f(θ − h) + 8 f(θ + h) − f(θ + 2h)] / (12 h), error h⁴ f⁽⁵⁾/30.
    """
    theta = np.asarray(theta, dtype=np.float64)
    steps = FINITE_DIFFERENCE_STEP * np.maximum(1.0, np.abs(theta))
    columns = []
    for j, h in enumerate(steps):

        def at(shift: float, j: int = j, h: float = h) -> np.ndarray:
            moved = theta.copy()
            moved[j] += shift * h
            return loss_terms(moved)

        columns.append((at(-2) - 8.0 * at(-1) + 8.0 * at(1) - at(2)) / (12.0 * h))
    return np.column_stack(columns), steps


def difference_tolerance(formula: np.ndarray, loss: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """The stated bound on |FD − formula| per (sample, param): RELATIVE_TOLERANCE·max(1, |formula|)
    + 20 ε max(1, |ℓ|)/h_j, the second term the rounding floor of the stencil."""
    loss = np.abs(np.asarray(loss, dtype=np.float64))[:, None]
    return (
        RELATIVE_TOLERANCE * np.maximum(1.0, np.abs(formula))
        + 20.0 * _EPSILON * np.maximum(1.0, loss) / steps[None, :]
    )


def _support_moments(probabilities: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, ...]:
    """Exact mean and variance over the arms, Σ_a π_a v_a and Σ_a π_a (v_a − mean)², centred."""
    mean = probabilities @ values
    return mean, probabilities @ (values - mean) ** 2


def expected_loss(problem: Problem, baseline: float) -> tuple[float, float]:
    """Exact E[ℓ] and Var[ℓ] of one sample's loss ℓ = −log π(a)·(r(a) − b), summed over the arms.

    E[ℓ] = −Σ_a π(a) log π(a) (r(a) − b); the N-sample loss has mean E[ℓ], variance Var[ℓ]/N.
    """
    arms, probabilities = problem.support()
    losses = -problem.log_prob(arms) * (problem.f(arms) - baseline)
    mean, variance = _support_moments(probabilities, losses)
    return float(mean), float(variance)


def entropy(problem: Problem) -> float:
    """H(π) = −Σ_a π(a) log π(a) (nats)."""
    arms, probabilities = problem.support()
    return float(-(probabilities @ problem.log_prob(arms)))


@dataclass(frozen=True)
class SurrogateGradient:
    """One batch's surrogate loss and its gradient: per sample, summed, and one optimiser step.

    samples — per (draw, param): draw, action, reward, baseline, log_prob, loss_term
    ℓ_i = −log π(a_i)(r_i − b), param, estimator_term (r_i − b)·∇θ_j log π(a_i) (the lab's
    score-function term), minus_loss_gradient −∂ℓ_i/∂θ_j by finite differences of ℓ_i at the
    fixed sample, difference (the two subtracted), tolerance, passed.
    summary — per param: n, baseline, estimate ĝ (mean estimator term), minus_loss_gradient
    (−∂L/∂θ_j), difference, worst_sample_difference and tolerance (|difference| and tolerance
    of the draw closest to its tolerance), passed (every draw within its own), exact_gradient,
    exact_standard_error √(Var[(r − b) s_j]/N), p_value and law (ĝ's check in the exact law of
    the arm counts, `core.checks.finite_mean_check`), loss L, expected_loss E[L],
    loss_standard_error √(Var[ℓ]/N) (= loss_exact_standard_error), loss_p_value, loss_law.
    step — per (rule, param): one optimiser step θ ← θ − η ∇L with the loss as written and with
    its sign dropped: rule, update, param, theta_before, loss_gradient, theta_after,
    expected_value_before, expected_value_after (exact J).
    """

    samples: pd.DataFrame
    summary: pd.DataFrame
    step: pd.DataFrame


def surrogate_gradient(
    problem: Problem,
    n: int,
    *,
    baseline: float = 0.0,
    learning_rate: float = 0.5,
    seed: int = 0,
) -> SurrogateGradient:
    """−∇L at fixed samples, by finite differences of L, beside the score-function estimate.

    −∇θ L = (1/N) Σ_i (r_i − b) ∇θ log π_θ(a_i): each sample's −∂ℓ_i/∂θ equals its estimator
    term (Schulman et al. 2015, arXiv:1506.05254). Samples from make_rng(seed).
    """
    problem = check_bandit(problem)
    n = check_sample_count(n)
    baseline = check_finite(baseline, "baseline")
    learning_rate = check_positive(learning_rate, "learning_rate")
    actions = problem.sample(make_rng(seed), n)
    rewards, log_prob = problem.f(actions), problem.log_prob(actions)
    advantage = rewards - baseline
    loss_terms = -log_prob * advantage
    estimator = problem.score_terms(actions, baseline)
    gradient, steps = loss_gradient_by_differences(
        lambda theta: -problem.with_theta(theta).log_prob(actions) * advantage, problem.theta
    )
    minus_gradient = -gradient
    tolerance = difference_tolerance(estimator, loss_terms, steps)
    difference = minus_gradient - estimator
    samples = _per_sample_rows(
        problem,
        actions,
        {"reward": rewards, "baseline": baseline, "log_prob": log_prob, "loss_term": loss_terms},
        {
            "estimator_term": estimator,
            "minus_loss_gradient": minus_gradient,
            "difference": difference,
            "tolerance": tolerance,
            "passed": np.abs(difference) <= tolerance,
        },
    )
    exact_gradient = problem.exact_gradient()
    term_variance = problem.score_term_variance(np.full(problem.dim, baseline))
    mean_loss, loss_variance = expected_loss(problem, baseline)
    estimate, minus_loss_gradient = estimator.mean(axis=0), minus_gradient.mean(axis=0)
    arms, probabilities = problem.support()
    arm_terms = problem.score_terms(arms, baseline)
    gradient_checks = [
        finite_mean_check(arm_terms[:, j], probabilities, n, estimate[j])
        for j in range(problem.dim)
    ]
    loss_check = finite_mean_check(
        -problem.log_prob(arms) * (problem.f(arms) - baseline), probabilities, n,
        loss_terms.mean(),
    )  # fmt: skip
    # Per param, the draw whose difference comes closest to its own tolerance.
    worst = np.argmax(np.abs(difference) / tolerance, axis=0)
    columns = np.arange(problem.dim)
    summary = pd.DataFrame(
        {
            "param": list(problem.params),
            "n": n,
            "baseline": baseline,
            "estimate": estimate,
            "minus_loss_gradient": minus_loss_gradient,
            "difference": minus_loss_gradient - estimate,
            "worst_sample_difference": np.abs(difference[worst, columns]),
            "tolerance": tolerance[worst, columns],
            "passed": (np.abs(difference) <= tolerance).all(axis=0),
            "exact_gradient": exact_gradient,
            "exact_standard_error": np.sqrt(term_variance / n),
            "loss": float(loss_terms.mean()),
            "expected_loss": mean_loss,
            "loss_standard_error": np.sqrt(loss_variance / n),
        }
        | {
            "p_value": [check.p_value for check in gradient_checks],
            "law": [check.stored_law for check in gradient_checks],
            "loss_exact_standard_error": np.sqrt(loss_variance / n),
            "loss_p_value": loss_check.p_value,
            "loss_law": loss_check.stored_law,
        }
    )
    return SurrogateGradient(
        samples, summary, _one_step(problem, -minus_loss_gradient, learning_rate)
    )


def _per_sample_rows(
    problem: Problem, actions: np.ndarray, per_draw: dict, per_param: dict
) -> pd.DataFrame:
    """Long rows per (draw, param): the per-draw columns repeated, the (n, d) columns unrolled."""
    n, d = actions.size, problem.dim
    columns = {"draw": np.repeat(np.arange(1, n + 1), d), "action": np.repeat(actions, d)}
    for name, values in per_draw.items():
        columns[name] = np.repeat(values, d) if np.ndim(values) else values
    columns["param"] = np.tile(np.asarray(problem.params, dtype=object), n)
    for name, values in per_param.items():
        columns[name] = np.asarray(values).reshape(-1)
    return pd.DataFrame(columns)


def _one_step(problem: Problem, loss_gradient: np.ndarray, learning_rate: float) -> pd.DataFrame:
    """θ ← θ − η ∇L (minimise L, as written) and θ ← θ + η ∇L (minimise −L: sign dropped)."""
    rows = []
    before = problem.expected_value()
    for rule, update, sign in (
        ("minimise L (as written)", "θ ← θ − η ∇L = θ + η ĝ", -1.0),
        ("minimise −L (minus sign dropped)", "θ ← θ + η ∇L = θ − η ĝ", 1.0),
    ):
        theta = problem.theta + sign * learning_rate * loss_gradient
        after = problem.with_theta(theta).expected_value()
        for j, name in enumerate(problem.params):
            rows.append(
                {
                    "rule": rule,
                    "update": update,
                    "param": name,
                    "learning_rate": learning_rate,
                    "theta_before": problem.theta[j],
                    "loss_gradient": loss_gradient[j],
                    "theta_after": theta[j],
                    "expected_value_before": before,
                    "expected_value_after": after,
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class AttachedBaseline:
    """The gradient of L with b = J(θ) detached (a constant) and attached (autodiff through it).

    samples — per (draw, param): draw, action, reward, log_prob, param, detached_term
    (r − J) s_j, detached_fd, attached_term (r − J) s_j − log π(a) ∂_j J, attached_fd (each
    −∂ℓ_i/∂θ_j by finite differences of its loss), attached_difference, tolerance, passed.
    summary — per (baseline, param): baseline ("detached" or "attached"), param, n, estimate
    (mean over the N samples), exact_mean (sum over the arms), exact_mean_closed_form (∇J, or
    ∇J (1 + H)), exact_bias, exact_standard_error √(Var/N), entropy H (nats), exact_gradient,
    p_value and law (the check of the mean in the exact law of the arm counts).
    """

    samples: pd.DataFrame
    summary: pd.DataFrame


def attached_baseline(problem: Problem, n: int, *, seed: int = 0) -> AttachedBaseline:
    """The bias of −∇L when the baseline b = J(θ) is left attached to θ, exactly and sampled.

    ℓ_i(θ) = −log π_θ(a_i)(r_i − J(θ)) ⇒ −∂ℓ_i = (r_i − J) s_i − log π(a_i) ∇J, so
    E[−∇L] = ∇J − ∇J E[log π] = ∇J (1 + H(π)); detaching b (a number, not a function of θ)
    gives E = ∇J. Samples from make_rng(seed).
    """
    problem = check_bandit(problem)
    n = check_sample_count(n)
    actions = problem.sample(make_rng(seed), n)
    rewards, log_prob = problem.f(actions), problem.log_prob(actions)
    value, gradient = problem.expected_value(), problem.exact_gradient()

    def detached_loss(theta: np.ndarray) -> np.ndarray:
        return -problem.with_theta(theta).log_prob(actions) * (rewards - value)

    def attached_loss(theta: np.ndarray) -> np.ndarray:
        moved = problem.with_theta(theta)
        return -moved.log_prob(actions) * (rewards - moved.expected_value())

    detached = problem.score_terms(actions, value)
    attached = detached - log_prob[:, None] * gradient[None, :]
    detached_fd, steps = loss_gradient_by_differences(detached_loss, problem.theta)
    attached_fd, _ = loss_gradient_by_differences(attached_loss, problem.theta)
    detached_fd, attached_fd = -detached_fd, -attached_fd
    loss = -log_prob * (rewards - value)
    tolerance = np.maximum(
        difference_tolerance(detached, loss, steps), difference_tolerance(attached, loss, steps)
    )
    difference = attached_fd - attached
    samples = _per_sample_rows(
        problem,
        actions,
        {"reward": rewards, "log_prob": log_prob},
        {
            "detached_term": detached,
            "detached_fd": detached_fd,
            "attached_term": attached,
            "attached_fd": attached_fd,
            "attached_difference": difference,
            "detached_difference": detached_fd - detached,
            "tolerance": tolerance,
            "passed": (np.abs(difference) <= tolerance)
            & (np.abs(detached_fd - detached) <= tolerance),
        },
    )
    arms, probabilities = problem.support()
    arm_detached = problem.score_terms(arms, value)
    arm_attached = arm_detached - problem.log_prob(arms)[:, None] * gradient[None, :]
    h = entropy(problem)
    rows = []
    for label, terms, arm_terms, closed_form in (
        ("detached", detached, arm_detached, gradient),
        ("attached", attached, arm_attached, gradient * (1.0 + h)),
    ):
        mean, variance = _support_moments(probabilities, arm_terms)
        estimate = terms.mean(axis=0)
        for j, name in enumerate(problem.params):
            check = finite_mean_check(arm_terms[:, j], probabilities, n, estimate[j])
            rows.append(
                {
                    "baseline": label,
                    "param": name,
                    "n": n,
                    "estimate": estimate[j],
                    "exact_mean": mean[j],
                    "exact_mean_closed_form": closed_form[j],
                    "exact_bias": mean[j] - gradient[j],
                    "exact_standard_error": np.sqrt(variance[j] / n),
                    "entropy": h,
                    "exact_gradient": gradient[j],
                }
                | {"p_value": check.p_value, "law": check.stored_law}
            )
    return AttachedBaseline(samples, pd.DataFrame(rows))


@dataclass(frozen=True)
class LossValueRun:
    """The loss value along one ascent run, beside J and beside the loss of other baselines.

    run — per step: step, the parameters (one column each, before the step), expected_value
    (exact J(θ_t)), loss (this step's L with the run's b, sampled), expected_loss (exact E[L] at
    θ_t), loss_standard_error √(Var[ℓ]/N), baseline, and L_t's check in the exact law of the
    step's arm counts: loss_exact_standard_error, loss_p_value, loss_law (NaN / "" after the
    last step).
    curves — per (step, baseline): step, baseline, expected_loss (exact E[L_b] at the run's θ_t),
    expected_value, run_baseline (whether the run used this b).
    at_start — per (baseline, param) at θ_0: baseline, param, expected_loss, expected_gradient
    (Σ_a π(a)(r(a) − b) s_j(a), the mean of −∇L), exact_gradient ∇J, term_variance
    Var[(r − b) s_j] (what b does change).
    """

    run: pd.DataFrame
    curves: pd.DataFrame
    at_start: pd.DataFrame


def loss_value_run(
    problem: Problem,
    steps: int,
    n: int,
    learning_rate: float,
    *,
    baseline: float = 0.0,
    compare: Sequence[float] = (),
    seed: int = 0,
) -> LossValueRun:
    """An ascent run θ ← θ − η ∇L (N fresh samples a step) recording the loss L_t, E[L_t], J(θ_t).

    E[L_b(θ)] = −Σ_a π(a) log π(a)(r(a) − b) = E[L_0] − b·H(π): a constant b shifts the loss
    value by −b·H while E[−∇L_b] = ∇J for every b. `compare` adds other constant baselines,
    whose exact E[L_b] is taken along the same path θ_t (the run itself uses `baseline`).
    """
    problem = check_bandit(problem)
    steps, n = check_sample_count(steps, "steps"), check_sample_count(n)
    learning_rate = check_positive(learning_rate, "learning_rate")
    baseline = check_finite(baseline, "baseline")
    baselines = sorted({baseline, *(check_finite(b, "compare") for b in compare)})
    rng = make_rng(seed)
    current, run_rows, curve_rows = problem, [], []
    for step in range(steps + 1):
        value = current.expected_value()
        losses = {b: expected_loss(current, b) for b in baselines}
        mean_loss, loss_variance = losses[baseline]
        row = {"step": step, **dict(zip(current.params, current.theta, strict=True))}
        row |= {"expected_value": value, "expected_loss": mean_loss, "baseline": baseline}
        row["loss_standard_error"] = np.sqrt(loss_variance / n)
        for b in baselines:
            curve_rows.append(
                {
                    "step": step,
                    "baseline": b,
                    "expected_loss": losses[b][0],
                    "expected_value": value,
                    "run_baseline": b == baseline,
                }
            )
        if step == steps:
            row |= {"loss": np.nan, "loss_p_value": np.nan, "loss_law": ""}
            run_rows.append(row)
            break
        actions = current.sample(rng, n)
        row["loss"] = float(np.mean(-current.log_prob(actions) * (current.f(actions) - baseline)))
        arms, probabilities = current.support()
        arm_losses = -current.log_prob(arms) * (current.f(arms) - baseline)
        check = finite_mean_check(arm_losses, probabilities, n, row["loss"])
        row |= {"loss_p_value": check.p_value, "loss_law": check.stored_law}
        run_rows.append(row)
        estimate = current.score_terms(actions, baseline).mean(axis=0)
        current = problem.with_theta(current.theta + learning_rate * estimate)
    columns = ["step", *problem.params, "expected_value", "loss", "expected_loss"]
    run = pd.DataFrame(run_rows)[[*columns, "loss_standard_error", "baseline"]].assign(
        loss_exact_standard_error=lambda frame: frame["loss_standard_error"],
        loss_p_value=[row["loss_p_value"] for row in run_rows],
        loss_law=[row["loss_law"] for row in run_rows],
    )
    return LossValueRun(run, pd.DataFrame(curve_rows), _baselines_at(problem, baselines))


def _baselines_at(problem: Problem, baselines: Sequence[float]) -> pd.DataFrame:
    """Per (baseline, param): E[L_b], the exact mean of −∇L_b over the arms, ∇J, Var[(r − b) s]."""
    arms, probabilities = problem.support()
    gradient = problem.exact_gradient()
    rows = []
    for b in baselines:
        mean, variance = _support_moments(probabilities, problem.score_terms(arms, b))
        loss = expected_loss(problem, b)[0]
        for j, name in enumerate(problem.params):
            rows.append(
                {
                    "baseline": b,
                    "param": name,
                    "expected_loss": loss,
                    "expected_gradient": mean[j],
                    "exact_gradient": gradient[j],
                    "term_variance": variance[j],
                }
            )
    return pd.DataFrame(rows)
