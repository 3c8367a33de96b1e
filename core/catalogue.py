"""The problems the app and the command line offer: one registry, label → parameters → problem.

`PROBLEMS` maps a short name (``"bandit"``) to a `ProblemEntry`: the core class, the constructor
arguments with their defaults and help (the command line makes one flag of each,
``--theta 0.5``), and the page controls (`Controls`: label, range, step, help and URL key of each
widget). Pages that show a problem with other ranges or fixed values keep their own named
variant of the controls here, so every page and the command line read one source.

`ProblemEntry.build` turns the widgets' (or flags') values into the problem itself: a frozen,
hashable value whose repr is the Python that rebuilds it, ``core.Bandit(theta=0.0,
rewards=(5.0, 10.0))`` — what caches key on and code blocks print. No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from core.bandits import Bandit, SoftmaxBandit
from core.episodes import CREDITS, MAX_HORIZON, Episodes
from core.gaussian import Gaussian
from core.gaussian_costs import NAMED_COSTS
from core.policy import LinearGaussianPolicy
from core.problem import Problem

Value = float | int | str | tuple[float, ...] | None


@dataclass(frozen=True)
class Parameter:
    """One control: a constructor argument, one entry of a vector argument (`index`), or a
    value the constructor does not take but `Controls.fixed` reads (e.g. the number of arms).

    `widget` is how a page shows it: "slider", "number" (a number box) or "choice" (a select
    box of `choices`); `key` is the widget's URL parameter; `caption` is shown under it.
    """

    name: str
    label: str
    default: Value
    low: float | None = None
    high: float | None = None
    step: float | None = None
    help: str | None = None
    key: str = ""
    widget: str = "slider"
    choices: tuple[str, ...] = ()
    index: int | None = None
    placeholder: str | None = None
    caption: str = ""


@dataclass(frozen=True)
class Controls:
    """How one use shows a problem: its name in the selector, the widgets in order, the
    constructor arguments the widgets do not set (`fixed`, from the widgets' values), a note
    under them, a caption above them, how many columns vector entries share, and the
    parameter (`count`) whose value says how many entries of each vector are shown."""

    label: str
    parameters: tuple[Parameter, ...]
    fixed: Callable[[Mapping[str, Value]], dict[str, Value]] = lambda values: {}
    note: Callable[[Mapping[str, Value]], str] = lambda values: ""
    intro: str = ""
    columns: int = 1
    count: str | None = None


@dataclass(frozen=True)
class ProblemEntry:
    """One problem: its class, constructor arguments (with the command line's help), summary,
    and page controls by use ("default" unless a page names its own variant)."""

    name: str
    summary: str
    problem: type[Problem]
    parameters: tuple[Parameter, ...]
    controls: Mapping[str, Controls] = field(default_factory=dict)
    description: str = ""
    # True when f is a reward to climb (bandits, policy, episodes); False for a cost to lower.
    maximize: bool = True
    # The gradient-ascent step η the pages start from: one that converges at the default
    # problem, ASCENT_STEPS steps and ASCENT_SAMPLES samples per step for ≥ 99% of seeds.
    ascent_learning_rate: float = 0.2

    def controls_for(self, use: str = "default") -> Controls:
        """The controls of `use`, or the default ones when that use has no variant."""
        return self.controls.get(use, self.controls["default"])

    def build(self, **values: object) -> Problem:
        """The problem of these constructor arguments, each converted to the type of its
        default (floats, whole numbers, tuples of floats); a cost may be a parsed f(x).
        The problem's ValueError for a bad value (e.g. the bump cost with k ≤ 0) passes on."""
        unknown = set(values) - {parameter.name for parameter in self.parameters}
        if unknown:
            raise ValueError(f"{self.name} takes no argument {', '.join(sorted(unknown))}")
        return self.problem(
            **{
                parameter.name: _convert(values[parameter.name], parameter)
                for parameter in self.parameters
                if parameter.name in values
            }
        )


def _convert(value: object, parameter: Parameter) -> object:
    if value is None:
        return value
    if isinstance(parameter.default, tuple):
        return tuple(float(item) for item in value)
    if isinstance(parameter.default, bool | str):
        return value
    if isinstance(parameter.default, int):
        return int(value)
    return float(value)


# --- the problems ----------------------------------------------------------------------------

MAX_ARMS = 5
# The pages' gradient-ascent run starts from these (with each problem's ascent_learning_rate).
ASCENT_STEPS = 50
ASCENT_SAMPLES = 10
DEFAULT_LOGITS = (1.0, 0.0, -1.0, 0.5, -0.5)
POLICY_TARGET = (1.0, -0.5, 0.25, -0.125)
COST_HELP = (
    "linear x · square (x − k)² · cos cos(kx) · bump exp(−k x²) · step 1[x > k] "
    "(not differentiable) · abs |x − k|"
)


def _softmax_note(values: Mapping[str, Value]) -> str:
    rewards = _arm_rewards(values)["rewards"]
    return f"Arm k pays r(k) = k + 1: rewards {', '.join(f'{r:g}' for r in rewards)}."


def _arm_rewards(values: Mapping[str, Value]) -> dict[str, Value]:
    return {"rewards": tuple(float(k + 1) for k in range(int(values["arms"])))}


def _policy_start(values: Mapping[str, Value]) -> dict[str, Value]:
    dim = int(values["dim"])
    return {"weights": (0.0,) * dim, "target": POLICY_TARGET[:dim]}


def _policy_note(values: Mapping[str, Value]) -> str:
    target = _policy_start(values)["target"]
    return (
        f"Weights start at w = 0; reward −(a − w*ᵀs)² with target w* = "
        f"({', '.join(f'{t:g}' for t in target)})."
    )


def _entries(
    name: str,
    label: Callable[[int], str],
    defaults: tuple[float, ...],
    bounds: tuple[float, float, float],
    key: Callable[[int], str],
    widget: str = "slider",
) -> tuple[Parameter, ...]:
    """One control per entry k of the vector argument `name`: label(k), defaults[k], the same
    (low, high, step), URL key key(k)."""
    low, high, step = bounds
    return tuple(
        Parameter(name, label(k), d, low, high, step, key=key(k), widget=widget, index=k)
        for k, d in enumerate(defaults)
    )


THETA = Parameter(
    "theta", "θ, the logit of p(a = 1)", 0.0, -6.0, 6.0, 0.1, key="theta",
    help="p(a = 1 | θ) = σ(θ) = 1/(1 + e^(−θ)); θ = 0 picks both arms equally often.",
)  # fmt: skip
ARM_REWARDS = _entries(
    "rewards", lambda k: f"r({k}), reward of arm {k}", (5.0, 10.0), (-100.0, 100.0, 0.5),
    lambda k: f"r{k}", "number",
)  # fmt: skip
COST = Parameter(
    "cost", "Cost f(x)", "square", key="cost", widget="choice", choices=tuple(NAMED_COSTS),
    help=COST_HELP,
)  # fmt: skip
K = Parameter(
    "k", "k (empty: the cost's natural default)", None, -3.0, 3.0, 0.1, key="k", widget="number",
    placeholder="default",
    help="The cost's shift or frequency — empty means 0 for square, step and abs, 1 for cos and "
    "bump; the linear cost ignores it.",
)  # fmt: skip
GAUSSIAN_CONTROLS = (
    Parameter("mu", "Mean μ", 0.0, -3.0, 3.0, 0.1, key="mu"),
    Parameter("sigma", "Standard deviation σ", 1.0, 0.1, 3.0, 0.05, key="sigma"),
    COST,
    K,
)
SUBSCRIPTS = "₀₁₂"
CHAIN_CAPTION = (
    "Positions 0, 1, 2; every episode starts at 0. In position s the policy steps right with "
    "probability σ(θₛ), else left (clamped at the ends), and earns the reward of the position it "
    "reaches."
)

BANDIT = ProblemEntry(
    "bandit",
    "two arms, p(a=1|θ) = σ(θ), reward r(a); ∇J = (r(1) − r(0)) σ(θ)(1 − σ(θ))",
    Bandit,
    (
        Parameter("theta", "θ", 0.0, help="logit θ, p(a=1) = σ(θ)"),
        Parameter("rewards", "rewards", (5.0, 10.0), help="rewards r(0) r(1)"),
    ),
    {
        "default": Controls("Bernoulli-logit", (THETA, *ARM_REWARDS)),
        # the score and its moments do not depend on the rewards: θ alone, rewards at defaults
        "moments": Controls("Bernoulli-logit", (THETA,), fixed=lambda v: {"rewards": (5.0, 10.0)}),
        "baselines": Controls(
            "binary bandit",
            (
                Parameter("theta", "θ (logit of p(a=1))", 0.0, -10.0, 10.0, 0.1, key="theta"),
                *_entries(
                    "rewards",
                    lambda k: f"Reward r({k})",
                    (5.0, 10.0),
                    (-20.0, 20.0, 0.5),
                    lambda k: f"r{k}",
                    "number",
                ),
            ),
            columns=2,
        ),
    },
    "Bernoulli-logit: two arms, p(a = 1) = σ(θ) (core.Bandit).",
)
SOFTMAX = ProblemEntry(
    "softmax",
    "K arms, p = softmax(θ), reward r(k); ∇θ_j J = π_j (r(j) − J)",
    SoftmaxBandit,
    (
        Parameter("logits", "logits", (0.0, 0.0, 0.0), help="logits θ_1 … θ_K (K ≥ 2 arms)"),
        Parameter("rewards", "rewards", (1.0, 2.0, 3.0), help="rewards r(1) … r(K), one per arm"),
    ),
    {
        "default": Controls(
            "Softmax",
            (
                Parameter("arms", "arms K", 3, 2, MAX_ARMS, key="arms"),
                *_entries(
                    "logits",
                    lambda k: f"logit of arm {k}",
                    DEFAULT_LOGITS,
                    (-5.0, 5.0, 0.1),
                    lambda k: f"l{k}",
                ),
            ),
            fixed=_arm_rewards,
            note=_softmax_note,
            count="arms",
        ),
        "baselines": Controls(
            "softmax bandit",
            (
                *_entries(
                    "logits",
                    lambda k: f"logit {k}",
                    (0.0,) * 3,
                    (-10.0, 10.0, 0.5),
                    lambda k: f"logit{k}",
                    "number",
                ),
                *_entries(
                    "rewards",
                    lambda k: f"reward {k}",
                    (1.0, 2.0, 3.0),
                    (-20.0, 20.0, 0.5),
                    lambda k: f"reward{k}",
                    "number",
                ),
            ),
            intro="Three arms, p(a=k) = softmax(logits)ₖ.",
            columns=3,
        ),
    },
    "Softmax: K arms, p = softmax(logits) (core.SoftmaxBandit).",
)
GAUSSIAN = ProblemEntry(
    "gaussian",
    "x ~ N(μ, σ²) with a cost f(x); params (mu, sigma); Fisher diag(1/σ², 2/σ²)",
    Gaussian,
    (
        Parameter("mu", "μ", 0.0, help="mean μ"),
        Parameter("sigma", "σ", 1.0, help="standard deviation σ > 0"),
        Parameter(
            "cost",
            "cost",
            "square",
            choices=tuple(NAMED_COSTS),
            help="f(x): linear x, square (x−k)², cos cos(kx), bump exp(−k x²), step "
            "1[x > k], abs |x−k|",
        ),
        Parameter(
            "k",
            "k",
            None,
            help="the cost's constant k (default: 0 for square/step/abs, 1 for cos/bump)",
        ),
    ),
    {
        "default": Controls("Gaussian", GAUSSIAN_CONTROLS),
        "baselines": Controls("Gaussian cost", GAUSSIAN_CONTROLS),
    },
    "Gaussian: x ~ N(μ, σ²) with a cost (core.Gaussian).",
    maximize=False,
    # η = 0.2 diverges for 146 of seeds 0–199 without a baseline (the score-function steps of
    # the σ-component explode), 0.1 for 26; 0.05 for none.
    ascent_learning_rate=0.05,
)
POLICY = ProblemEntry(
    "policy",
    "states s ~ N(0, I), action a ~ N(wᵀs, σ²), reward −(a − w*ᵀs)²; ∇J = −2(w − w*)",
    LinearGaussianPolicy,
    (
        Parameter("weights", "w", (0.0, 0.0), help="policy weights w (d of them)"),
        Parameter("target", "w*", (1.0, -0.5), help="target weights w* (same length as --weights)"),
        Parameter("sigma", "σ", 1.0, help="action noise σ > 0, a ~ N(wᵀs, σ²)"),
    ),
    {
        "default": Controls(
            "Linear-Gaussian",
            (
                Parameter("dim", "state dimension d", 2, 1, len(POLICY_TARGET), key="dim"),
                Parameter("sigma", "action noise σ", 1.0, 0.1, 3.0, 0.05, key="noise"),
            ),
            fixed=_policy_start,
            note=_policy_note,
        ),
        "continuous": Controls(
            "Linear-Gaussian",
            (
                *_entries(
                    "weights",
                    lambda k: f"w{SUBSCRIPTS[k]}",
                    (0.0, 0.0),
                    (-3.0, 3.0, 0.1),
                    lambda k: f"w{k}",
                ),
                *_entries(
                    "target",
                    lambda k: f"target w*{SUBSCRIPTS[k]}",
                    (1.0, -0.5),
                    (-3.0, 3.0, 0.1),
                    lambda k: f"target{k}",
                ),
                Parameter("sigma", "Action noise σ", 1.0, 0.1, 3.0, 0.05, key="noise"),
            ),
            intro="States s ~ N(0, I₂), action a ~ N(wᵀs, σ²), reward −(a − w*ᵀs)².",
            columns=2,
        ),
    },
    "Linear-Gaussian: states s ~ N(0, I), action a ~ N(wᵀs, σ²) (core.LinearGaussianPolicy).",
)
POSITIONS = 3
EPISODES = ProblemEntry(
    "episodes",
    "T-step episodes on a chain, sigmoid policy per position; REINFORCE credit choices",
    Episodes,
    (
        Parameter("horizon", "T", 5, help="steps T per episode (1 … 12)"),
        Parameter(
            "theta", "θ", (0.0, 0.0, 0.0), help="logit of moving right, one per chain position"
        ),
        Parameter(
            "state_rewards",
            "rewards",
            (0.0, 0.5, 1.0),
            help="reward for reaching each position (same length)",
        ),
        Parameter(
            "credit",
            "credit",
            "return",
            choices=CREDITS,
            help="what each step's score is multiplied by: return R, reward_to_go G_t, or "
            "advantage G_t − V_t(s_t)",
        ),
    ),
    {
        "default": Controls(
            "Episodes",
            (
                Parameter(
                    "horizon",
                    "Horizon T (steps per episode)",
                    5,
                    1,
                    MAX_HORIZON,
                    key="T",
                    caption=CHAIN_CAPTION,
                ),
                *_entries(
                    "theta",
                    lambda s: f"θ{SUBSCRIPTS[s]}",
                    (0.0,) * POSITIONS,
                    (-4.0, 4.0, 0.1),
                    lambda s: f"theta{s}",
                ),
                *_entries(
                    "state_rewards",
                    lambda s: f"reward {s}",
                    (0.0, 0.5, 1.0),
                    (-10.0, 10.0, 0.5),
                    lambda s: f"reward{s}",
                    "number",
                ),
            ),
            fixed=lambda values: {"credit": "return"},
            columns=POSITIONS,
        ),
    },
    "Episodes: T steps on a three-position chain (core.Episodes).",
)

PROBLEMS: Mapping[str, ProblemEntry] = MappingProxyType(
    {entry.name: entry for entry in (BANDIT, SOFTMAX, GAUSSIAN, POLICY, EPISODES)}
)
