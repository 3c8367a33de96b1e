"""Sidebar controls that pick a problem for the Score checks and Variance pages (pages 1–3).

Each widget has a short stable key bound to the URL; the problem choice is stored by its label
(what the URL shows), and each problem's own controls appear only when it is chosen.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.cached_456 import ProblemSpec, bandit_spec, policy_spec, softmax_spec
from ui.controls_456 import URL, gaussian_controls

BANDIT, SOFTMAX, GAUSSIAN, POLICY = "Bernoulli-logit", "Softmax", "Gaussian", "Linear-Gaussian"
PROBLEM_LABELS = (BANDIT, SOFTMAX, GAUSSIAN, POLICY)
PROBLEM_HELP = (
    "Bernoulli-logit: two arms, p(a = 1) = σ(θ) (core.Bandit). Softmax: K arms, "
    "p = softmax(logits) (core.SoftmaxBandit). Gaussian: x ~ N(μ, σ²) with a cost "
    "(core.Gaussian). Linear-Gaussian: states s ~ N(0, I), action a ~ N(wᵀs, σ²) "
    "(core.LinearGaussianPolicy)."
)
MAX_ARMS = 5
DEFAULT_LOGITS = (1.0, 0.0, -1.0, 0.5, -0.5)
POLICY_TARGET = (1.0, -0.5, 0.25, -0.125)


@dataclass(frozen=True)
class ProblemChoice:
    """The chosen problem: its label, its spec for the cached calls, and a caption about it."""

    label: str
    spec: ProblemSpec
    note: str = ""


def bandit_controls(rewards: bool = True) -> ProblemSpec:
    """θ, r(0) and r(1) of the two-armed bandit (defaults 0, 5, 10: ∇J = 1.25); without
    `rewards` only θ (for views the rewards do not change, like the score's moments)."""
    theta = st.slider(
        "θ, the logit of p(a = 1)", -6.0, 6.0, 0.0, 0.1, key="theta", bind=URL,
        help="p(a = 1 | θ) = σ(θ) = 1/(1 + e^(−θ)); θ = 0 picks both arms equally often.",
    )  # fmt: skip
    if not rewards:
        return bandit_spec(theta, 5.0, 10.0)
    r0 = st.number_input("r(0), reward of arm 0", -100.0, 100.0, 5.0, 0.5, key="r0", bind=URL)
    r1 = st.number_input("r(1), reward of arm 1", -100.0, 100.0, 10.0, 0.5, key="r1", bind=URL)
    return bandit_spec(theta, r0, r1)


def problem_controls(
    labels: tuple[str, ...] = PROBLEM_LABELS, *, rewards: bool = True
) -> ProblemChoice:
    """The problem selector and the chosen problem's parameters; call inside `st.sidebar`.
    Without `rewards`, the bandit's rewards keep their defaults and get no controls."""
    label = st.selectbox("Distribution", labels, key="problem", bind=URL, help=PROBLEM_HELP)
    if label == BANDIT:
        return ProblemChoice(label, bandit_controls(rewards))
    if label == SOFTMAX:
        arms = st.slider("arms K", 2, MAX_ARMS, 3, key="arms", bind=URL)
        logits = tuple(
            st.slider(f"logit of arm {k}", -5.0, 5.0, DEFAULT_LOGITS[k], 0.1, key=f"l{k}", bind=URL)
            for k in range(arms)
        )
        arm_rewards = tuple(float(k + 1) for k in range(arms))
        note = f"Arm k pays r(k) = k + 1: rewards {', '.join(f'{r:g}' for r in arm_rewards)}."
        return ProblemChoice(label, softmax_spec(logits, arm_rewards), note)
    if label == GAUSSIAN:
        return ProblemChoice(label, gaussian_controls())
    dim = st.slider("state dimension d", 1, len(POLICY_TARGET), 2, key="dim", bind=URL)
    noise = st.slider("action noise σ", 0.1, 3.0, 1.0, 0.05, key="noise", bind=URL)
    target = POLICY_TARGET[:dim]
    note = (
        f"Weights start at w = 0; reward −(a − w*ᵀs)² with target w* = "
        f"({', '.join(f'{t:g}' for t in target)})."
    )
    return ProblemChoice(label, policy_spec((0.0,) * dim, target, noise), note)
