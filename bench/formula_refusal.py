"""How long core.parse_expression takes to refuse a formula too wild to integrate, and to accept
ordinary ones: the per-request cost of a visitor's f(x) before any quadrature.

    python -m bench.formula_refusal

Before issue 15's variation check, `sin(1e6*x)`, `floor(1e6*x)` and `sin(999999*x**2)` were
accepted and their exact values ran adaptive quadrature to the 8 s time limit
(ui.budget.CUSTOM_COST_SECONDS) before the page refused them.
"""

from __future__ import annotations

import statistics
import time

import core

REFUSED = ("sin(1e6*x)", "floor(1e6*x)", "sin(999999*x**2)", "cos(5000*x) + x")
ACCEPTED = ("sin(3*x) + (x > 1)", "abs(x - 2)**1.5", "where(x < 0, 0, x)", "sin(20*x)")
ROUNDS = 7


def parse_seconds(text: str) -> tuple[float, str]:
    """Median wall time of parse_expression(text) over ROUNDS runs, and how it ended."""
    times, outcome = [], "accepted"
    for _ in range(ROUNDS):
        start = time.perf_counter()
        try:
            core.parse_expression(text)
        except core.ExpressionError as error:
            outcome = "refused: " + str(error).split(":")[0]
        times.append(time.perf_counter() - start)
    return statistics.median(times), outcome


def main() -> None:
    print(f"{'formula':24} {'median parse (ms)':>18}  outcome")
    for text in REFUSED + ACCEPTED:
        seconds, outcome = parse_seconds(text)
        print(f"{text:24} {1e3 * seconds:18.1f}  {outcome}")


if __name__ == "__main__":
    main()
