"""Teaching sections, sample by sample: what the log buys on the bandit, a linear-activation
policy's draws, the logistic policy derived line by line, the step cost's autodiff failure, one
episode credited by hand, and GAE(λ) at one λ — each number beside its exact value and check."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.charts import CREDIT_TITLES
from ui.checks import (
    CHECK_COLUMN,
    agreement,
    check_badge,
    check_help,
    check_rows,
    exact_check_badge,
    labels,
    summary_badge,
)
from ui.format import plus_minus, plus_minus_column, tex_factor, tex_number
from ui.tables.static import static_table

FIRST_ROWS = 10
# A sum done by hand equals the vectorised one to rounding.
HAND_TOLERANCE = 1e-12


# -- 1. what the log buys ----------------------------------------------------------------------
def log_derivative_lines(actions: pd.DataFrame) -> None:
    """The three routes as LaTeX with the visitor's numbers (core.log_derivative.action_table),
    the highest action first."""
    rows = actions.sort_values("action", ascending=False)

    def total(parts: list[str]) -> str:
        return " + ".join(parts)

    grad = [
        rf"\nabla_\theta \pi({int(a)}) = {tex_number(g)}"
        for a, g in zip(rows["action"], rows["grad_probability"], strict=True)
    ]
    exact = [
        f"{tex_factor(r)} \\cdot {tex_factor(g)}"
        for r, g in zip(rows["reward"], rows["grad_probability"], strict=True)
    ]
    naive = [
        f"{tex_factor(p)} \\cdot {tex_factor(r)} \\cdot {tex_factor(g)}"
        for p, r, g in zip(
            rows["probability"], rows["reward"], rows["grad_probability"], strict=True
        )
    ]
    logged = [
        f"{tex_factor(p)} \\cdot {tex_factor(r)} \\cdot {tex_factor(s)}"
        for p, r, s in zip(rows["probability"], rows["reward"], rows["score"], strict=True)
    ]
    exact_value = rows["exact_summand"].sum()
    gradients = r",\quad ".join(grad)
    st.latex(
        rf"""\begin{{aligned}}
& {gradients} \\[6pt]
& \textbf{{exact sum:}}\ \textstyle\sum_a r(a)\,\nabla_\theta\pi(a) \\
& \quad = {total(exact)} = \mathbf{{{tex_number(exact_value, 6)}}} \\[6pt]
& \textbf{{naive:}}\ \mathbb{{E}}_{{a\sim\pi}}\big[r(a)\,\nabla_\theta\pi(a)\big] \\
& \quad = \textstyle\sum_a \pi(a)\,r(a)\,\nabla_\theta\pi(a) \\
& \quad = {total(naive)} = {tex_number(rows["naive_summand"].sum(), 6)} \\[6pt]
& \textbf{{log-derivative:}}\ \mathbb{{E}}_{{a\sim\pi}}\big[r(a)\,\nabla_\theta\log\pi(a)\big] \\
& \quad = \textstyle\sum_a \pi(a)\,r(a)\,\frac{{\nabla_\theta\pi(a)}}{{\pi(a)}} \\
& \quad = {total(logged)} = \mathbf{{{tex_number(rows["log_summand"].sum(), 6)}}}
\end{{aligned}}"""
    )


def log_derivative_routes(routes: pd.DataFrame) -> None:
    """core.log_derivative.log_derivative_routes as three metrics side by side: the exact sum,
    the naive sample mean (checked against its own exact mean, with its exact bias) and the
    log-derivative sample mean (checked against ∇J), each ± its exact SE."""
    exact, naive, logged = (row for _, row in routes.iterrows())
    n = int(exact["n"])
    naive_col, log_col = _beside_the_exact(
        "Exact sum Σₐ r(a)∇π(a)",
        f"{exact['exact_mean']:.6g}",
        "Possible only because the actions can be listed: here, two.",
    )
    with naive_col:
        _estimate_metric(
            f"Naive mean of r(a)∇π(a), n = {n:,}",
            naive["estimate"],
            naive["exact_standard_error"],
            f"exact bias {naive['exact_bias']:+.6g}",
        )
        _checked(
            naive["estimate"],
            naive["exact_mean"],
            naive["exact_standard_error"],
            f"vs its own exact mean Σₐ π(a) r(a) ∇π(a) = {naive['exact_mean']:.6g}",
        )
        gap, spread = abs(naive["estimate"] - exact["exact_mean"]), naive["exact_standard_error"]
        if spread > 0:
            where = f"It is {gap / spread:.1f} SE from ∇J = {exact['exact_mean']:.6g}"
        else:  # every draw gives the same term: no spread to measure the gap in
            where = f"It has no spread and sits {gap:.6g} from ∇J = {exact['exact_mean']:.6g}"
        st.caption(
            f"{where}: more draws only sharpen the wrong answer, off by exactly "
            f"{naive['exact_bias']:+.6g}."
        )
    with log_col:
        _estimate_metric(
            f"Log-derivative mean of r(a)∇log π(a), n = {n:,}",
            logged["estimate"],
            logged["exact_standard_error"],
            _bias_text(logged["exact_bias"], logged["exact_gradient"]),
        )
        _checked(
            logged["estimate"],
            logged["exact_gradient"],
            logged["exact_standard_error"],
            f"vs exact ∇J = {logged['exact_gradient']:.6g}",
        )


# -- 2. linear-activation policies ----------------------------------------------------------------
def policy_draws(draws: pd.DataFrame, mean_title: str, rows: int = FIRST_ROWS) -> None:
    """The first `rows` draws of core.worked_examples.policy_draws, one row per draw: each
    state feature, the action, the policy's mean action (`mean_title`), the reward, and per
    parameter the score, the term and its running mean."""
    first = draws[draws["draw"] <= rows]
    wide = first[first["param"] == first["param"].iloc[0]][
        ["draw", "action", "mean_action", "reward"]
    ].reset_index(drop=True)
    wide = wide.rename(columns={"action": "a", "mean_action": mean_title, "reward": "r"})
    for index, (param, part) in enumerate(first.groupby("param", sort=False)):
        part = part.reset_index(drop=True)
        wide.insert(1 + index, f"s{_subscript(index)}", part["state"])
        wide[f"score {param}"] = part["score"]
        wide[f"term {param}"] = part["term"]
        wide[f"running mean {param}"] = part["running_mean"]
    whole = {"draw"} | ({"a"} if set(wide["a"]) <= {0.0, 1.0} else set())
    _numbers(wide, "%.3f", whole)


def shown_draws(draws: pd.DataFrame, rows: int = FIRST_ROWS) -> pd.DataFrame:
    """The rows of core.worked_examples.policy_draws the tables show: the first `rows` draws and
    the last draw of each parameter (the one checked), for the CSV."""
    last = draws.groupby("param", sort=False)["draw"].transform("max")
    return draws[(draws["draw"] <= rows) | (draws["draw"] == last)]


def policy_draws_check(draws: pd.DataFrame, what: str) -> None:
    """The last running mean of each parameter against its exact ∂J/∂w_j, ± the exact SE."""
    last = draws.loc[draws.groupby("param", sort=False)["draw"].idxmax()]
    checks = check_rows(last, "running_mean", "exact_gradient", "exact_standard_error")
    st.dataframe(
        pd.DataFrame(
            {
                "parameter": last["param"],
                "draws": last["draw"],
                "running mean ± exact SE": plus_minus_column(
                    last, "running_mean", "exact_standard_error"
                ),
                "exact ∂J/∂w": last["exact_gradient"],
                CHECK_COLUMN: labels(checks),
            }
        ),
        hide_index=True,
        column_config=check_help(),
    )
    summary_badge(checks, what)


def logistic_derivation(derivation: pd.DataFrame, gradient: list[float]) -> None:
    """core.logistic_policy.logistic_derivation as LaTeX, state by state: the logit, π(1|s),
    each action's weight p(s)π(a|s), reward and score, summed into ∂J/∂w_j."""
    lines = []
    for state, part in derivation.groupby("state", sort=True):
        first = part.iloc[0]
        features = part.drop_duplicates("param")["feature"].tolist()
        s_text = r"\big(" + ", ".join(tex_number(v) for v in features) + r"\big)"
        label = f"s_{{{state + 1}}}"
        lines.append(
            rf"{label} &= {s_text},\ p({label}) = {tex_number(first['state_probability'])}:\quad"
            rf" z = w^\top {label} = {tex_number(first['logit'])},\ "
            rf"\pi(1 \mid {label}) = \sigma(z) = {tex_number(first['prob_one'])}"
        )
        for action in (1, 0):
            row = part[part["action"] == action].iloc[0]
            scores = ", ".join(
                tex_number(v) for v in part[part["action"] == action]["score"].tolist()
            )
            lines.append(
                rf"& a = {action}:\ p\,\pi = {tex_number(row['state_probability'] * row['action_probability'])},"
                rf"\ r = {tex_number(row['reward'])},\ (a - \sigma(z))\,s = \big({scores}\big)"
            )
    sums = []
    for j, (_, part) in enumerate(derivation.groupby("param", sort=False)):
        terms = " + ".join(tex_factor(v) for v in part["summand"])
        sums.append(
            rf"\frac{{\partial J}}{{\partial w_{{{j}}}}} &= \textstyle\sum p(s)\,\pi(a\mid s)\,"
            rf"r(s,a)\,(a-\sigma(z))\,s_{{{j}}} = {terms} = \mathbf{{{tex_number(gradient[j], 6)}}}"
        )
    st.latex(r"\begin{aligned}" + r" \\ ".join(lines + sums) + r"\end{aligned}")


def finite_difference_badge(check: pd.DataFrame) -> None:
    """core.derivation.finite_difference_check of every parameter as one badge: the worst
    parameter's error against its tolerance, named."""
    worst = check.loc[(check["abs_error"] / check["tolerance"]).idxmax()]
    st.caption(
        f"Central finite differences of the enumerated J, for each of the {len(check)} weights "
        f"(worst: {worst['param']}):"
    )
    exact_check_badge(worst)


# -- 3. the step cost's autodiff failure -----------------------------------------------------------
def step_autodiff(result: pd.DataFrame, draws: pd.DataFrame) -> None:
    """core.worked_examples.step_cost_autodiff for the μ-component: the exact gradient, what
    autodiff's pathwise gradient returns and its exact bias, the score function's estimate
    checked against the exact value, and the first draws behind them."""
    row = result[result["param"] == "mu"].iloc[0]
    path_col, score_col = _beside_the_exact(
        "Exact ∂μ E[1[x > k]] = φ(t)/σ",
        f"{row['exact_gradient']:.4f}",
        "t = (k − μ)/σ: the density at the jump, the mass the jump moves per unit μ.",
    )
    n = int(row["n"])
    with path_col:
        _estimate_metric(
            f"Autodiff pathwise, n = {n:,}",
            row["pathwise_estimate"],
            row["pathwise_standard_error"],
            f"bias {row['pathwise_bias']:+.4f}",
        )
        failed = agreement(
            row["pathwise_estimate"], row["exact_gradient"], row["pathwise_standard_error"]
        )
        st.warning(
            f"vs exact: {failed.label()} — the expected failure: every term is exactly 0, so no "
            "number of samples helps.",
            icon="⚠️",
        )
    with score_col:
        st.metric(
            f"Score function, n = {n:,}",
            plus_minus(row["score_estimate"], row["score_exact_standard_error"]),
        )
        _checked(
            row["score_estimate"],
            row["exact_gradient"],
            row["score_exact_standard_error"],
            "vs exact (± exact SE)",
        )
    static_table(
        draws.rename(
            columns={
                "f": "f(x) = 1[x > k]",
                "derivative": "f′(x) (autodiff)",
                "pathwise_term": "pathwise term f′(x)·∂x/∂μ",
                "score_term": "score term f(x)·z/σ",
            }
        ),
        dict.fromkeys(("x", "z", "score term f(x)·z/σ"), "%.3f"),
    )


# -- 4. one episode by hand ------------------------------------------------------------------------
def episode_steps(steps: pd.DataFrame) -> None:
    """core.worked_examples.one_episode as a table, one row per step."""
    table = pd.DataFrame(
        {
            "t": steps["step"],
            "s_t": steps["position"],
            "a_t (1 = right)": steps["action"],
            "s_t+1": steps["next_position"],
            "r_t": steps["reward"],
            "G_t": steps["reward_to_go"],
            "V_t(s_t)": steps["value"],
            "score on": steps["param"],
            "a_t − σ(θ_s)": steps["score"],
            **{
                f"{CREDIT_TITLES[name]} term": steps[f"term_{name}"]
                for name in CREDIT_TITLES
                if f"term_{name}" in steps
            },
        }
    )
    _numbers(table, "%.4g", {"t", "s_t", "a_t (1 = right)", "s_t+1", "score on"})


def episode_estimates(estimates: pd.DataFrame) -> None:
    """core.worked_examples.episode_estimates: per credit and parameter the sum by hand beside
    Episodes.credited_score of the same episode, and a deterministic check that they agree."""
    wide = estimates.assign(credit=estimates["credit"].map(CREDIT_TITLES)).pivot(
        index="credit", columns="param", values="by_hand"
    )
    wide = wide.reindex([CREDIT_TITLES[name] for name in dict.fromkeys(estimates["credit"])])
    gradient = estimates.drop_duplicates("param").set_index("param")["exact_gradient"]
    wide.loc["exact ∇E[R] (all episodes)"] = gradient
    static_table(wide.reset_index().rename(columns={"credit": "this episode's estimate"}))
    gap = float((estimates["by_hand"] - estimates["credited_score"]).abs().max())
    passed = gap <= HAND_TOLERANCE
    text = (
        f"By hand vs core.Episodes.credited_score of the same episode: largest gap {gap:.1e} "
        f"{'✓' if passed else '✗'} (tolerance {HAND_TOLERANCE:.0e}; deterministic)"
    )
    (st.success if passed else st.error)(text, icon="✅" if passed else "❌")


# -- 5. GAE(λ) -------------------------------------------------------------------------------------
def gae_at(study: pd.DataFrame, lam: float) -> None:
    """core.gae.gae_study at one λ: per critic and parameter the exact bias and the Monte Carlo
    mean ± exact SE checked against the exact mean; the exact per-episode variance and the
    Monte Carlo one ± exact SE checked; one badge per family."""
    at = study[study["lam"] == lam]
    mean_checks = check_rows(at, "mean", "exact_mean", "mean_standard_error")
    variance_checks = check_rows(at, "variance", "exact_variance", "variance_standard_error")
    st.dataframe(
        pd.DataFrame(
            {
                "critic": at["critic"],
                "parameter": at["param"],
                "∇E[R] (exact)": at["exact_gradient"],
                "E[ĝ] (exact)": at["exact_mean"],
                "bias (exact)": at["exact_bias"],
                "mean ĝ (MC ± exact SE)": plus_minus_column(at, "mean", "mean_standard_error"),
                "mean check": labels(mean_checks),
                "Var (exact)": at["exact_variance"],
                "Var (MC ± exact SE)": plus_minus_column(at, "variance", "variance_standard_error"),
                "variance check": labels(variance_checks),
            }
        ),
        hide_index=True,
        column_config={
            name: st.column_config.NumberColumn(format="%.5g")
            for name in ("∇E[R] (exact)", "E[ĝ] (exact)", "bias (exact)", "Var (exact)")
        }
        | check_help("mean check", "variance check"),
    )
    summary_badge(mean_checks, f"GAE mean estimates at λ = {lam:g} vs exact E[ĝ]")
    summary_badge(variance_checks, f"GAE per-episode variances at λ = {lam:g} vs exact")


def _subscript(index: int) -> str:
    return "".join("₀₁₂₃₄₅₆₇₈₉"[int(d)] for d in str(index))


def _bias_text(bias: float, gradient: float) -> str:
    """'exact bias 0 (unbiased)' when the bias is rounding, else the signed bias."""
    if abs(bias) <= HAND_TOLERANCE * max(1.0, abs(gradient)):
        return "exact bias 0 (unbiased)"
    return f"exact bias {bias:+.6g}"


def _estimate_metric(label: str, estimate: float, standard_error: float, delta: str) -> None:
    """A Monte Carlo estimate ± its exact SE as a metric, with a grey, arrowless note."""
    st.metric(
        label,
        plus_minus(estimate, standard_error),
        delta=delta,
        delta_color="off",
        delta_arrow="off",
        help="± the exact standard error √(Var/n), Var the exact per-draw variance.",
    )


def _checked(estimate: float, exact: float, standard_error: float, what: str) -> None:
    """The badge of ui.checks.agreement with the exact SE."""
    check_badge(agreement(estimate, exact, standard_error), what)


def _beside_the_exact(label: str, value: str, caption: str):
    """Three columns, the first holding the exact value (metric and caption); returns the
    other two, for the estimates beside it."""
    exact_col, *others = st.columns(3)
    with exact_col:
        st.metric(label, value)
        st.caption(caption)
    return others


def _numbers(table: pd.DataFrame, number_format: str, unformatted: set[str]) -> None:
    """`table` without its index, every column but `unformatted` shown in `number_format`."""
    static_table(table, {name: number_format for name in table.columns if name not in unformatted})
