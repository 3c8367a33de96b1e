"""The visitor's own cost f(x): a text input checked by core.parse_expression.

The text never reaches `eval`; core walks its syntax tree and accepts only numbers, x, arithmetic,
comparisons and a fixed list of NumPy functions (`core.expressions.ALLOWED_SUMMARY`). A rejected
formula is shown under the input with the reason and its column, and the page carries on with
the named cost chosen above.
"""

from __future__ import annotations

import streamlit as st

import core
from core import expressions
from core.gaussian_costs import CustomCost
from core.problem import Problem
from ui.budget import CUSTOM_COST_SECONDS
from ui.controls import URL, ProblemChoice
from ui.format import markdown_literal
from ui.layout import show_input_error

EXAMPLES = ("sin(3*x) + (x > 1)", "abs(x - 2)**1.5", "where(x > 0, sqrt(x), 0)", "relu(x - 1)")
# Markdown code spans show a formula literally: `x**2` keeps both stars.
FUNCTION_NAMES = ", ".join(f"`{name}`" for name in expressions.FUNCTIONS)
FIX = (
    "use `x` as the variable, numbers, `+ - * /`, `**` with a number as exponent, comparisons "
    f"such as `(x > 1)` and the functions {FUNCTION_NAMES}; for example `{EXAMPLES[0]}` or "
    f"`{EXAMPLES[1]}`. f must be finite for every x in [−{expressions.PROBE_RANGE:g}, "
    f"{expressions.PROBE_RANGE:g}]. Clear the box to use the named cost."
)
# What one view may spend on the visitor's formula (ui.budget.CUSTOM_COST_SECONDS), in words.
BUDGET = (
    f"Your formula gets up to {CUSTOM_COST_SECONDS:g} s of computing per view; one that "
    "oscillates or jumps too often to integrate in that time (e.g. `sin(1e6*x)`) is refused at "
    "once."
)
BUDGET_DETAIL = (
    f"Exact values come from quadrature, stopped after {CUSTOM_COST_SECONDS:g} s; before it "
    f"starts, f is sampled on [−{expressions.VARIATION_RANGE:g}, "
    f"{expressions.VARIATION_RANGE:g}] and refused if it changes direction more than "
    f"{expressions.MAX_TURNS} times or jumps or kinks more than {expressions.MAX_BREAKPOINTS} "
    "times there."
)
HELP = (
    "Replaces the cost above. Allowed: numbers, `x`, `pi`, `e`, `+ - * / **` (a number as "
    "exponent), comparisons `< <= > >= == !=` (1 if true, 0 if false) and the functions "
    f"{FUNCTION_NAMES}; for example `{EXAMPLES[2]}` or `{EXAMPLES[3]}`. " + BUDGET_DETAIL
)


def custom_cost_input(choice: ProblemChoice) -> ProblemChoice:
    """A text input for f(x); returns the Gaussian of `choice` with that cost, or `choice`
    unchanged when the box is empty or the formula is rejected (the reason is shown under it)."""
    text = st.text_input(
        "Or type your own cost f(x)",
        key="f",
        bind=URL,
        max_chars=expressions.MAX_LENGTH,
        placeholder=f"e.g. {EXAMPLES[0]}",
        help=HELP,
    )
    st.caption(BUDGET)
    if not text or not text.strip():
        return choice
    try:
        parsed = core.parse_expression(text)
    except ValueError as error:
        show_input_error(error, FIX)
        st.caption("Showing the named cost above until the formula is fixed.")
        return choice
    st.caption(custom_cost_note(parsed))
    mu, sigma = choice.arguments["mu"], choice.arguments["sigma"]
    return ProblemChoice.of("gaussian", {"mu": mu, "sigma": sigma, "cost": parsed}, choice.note)


def custom_cost_note(parsed: core.expressions.ParsedExpression) -> str:
    """How core treats the formula: exact values by quadrature, and the pathwise gradient (as
    markdown, the visitor's formula shown literally)."""
    jumps = ", ".join(f"{point:g}" for point in parsed.breakpoints[:6])
    more = "…" if len(parsed.breakpoints) > 6 else ""
    split = f", split at x = {jumps}{more}" if jumps else ""
    if parsed.derivative is None:
        pathwise = "pathwise gradient unavailable: f jumps"
    else:
        pathwise = (
            f"pathwise gradient via f′ by central differences, h = "
            f"{expressions.DERIVATIVE_STEP:g}·max(1, |x|)"
        )
    return (
        f"Using {markdown_literal(parsed.formula)}: exact values by adaptive quadrature{split}, "
        f"within {CUSTOM_COST_SECONDS:g} s of computing per view; {pathwise}."
    )


def custom_cost_fix(problem: Problem) -> str | None:
    """How to fix a custom cost that failed while computing, or None for a named cost."""
    if not isinstance(getattr(problem, "cost", None), CustomCost):
        return None
    return (
        "exact values integrate f over μ ± 40σ, so f must stay finite there and not oscillate "
        "too fast to integrate: pick a smaller σ or a gentler f(x), or clear the box to use the "
        "named cost."
    )
