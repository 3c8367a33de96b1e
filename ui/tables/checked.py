"""The columns every checked table starts with: what a row is, its parameter, the Monte Carlo
value ± SE, the exact value and the check of one against the other."""

from __future__ import annotations

import pandas as pd

from ui.checks import CHECK_COLUMN, check_rows, labels
from ui.format import plus_minus_column


def checked_columns(
    table: pd.DataFrame,
    rows: tuple[str, pd.Series],
    value: str,
    exact: str,
    standard_error: str,
    titles: tuple[str, str],
) -> tuple[dict[str, object], list]:
    """The columns of a table of Monte Carlo values beside exact ones, and their checks:
    `rows` (title, names), "parameter", then `titles` — the value ± SE and its exact value —
    then the check (|MC − exact| in standard errors). Further columns go after these."""
    checks = check_rows(table, value, exact, standard_error)
    estimate_title, exact_title = titles
    columns = {
        rows[0]: rows[1],
        "parameter": table["param"],
        estimate_title: plus_minus_column(table, value, standard_error),
        exact_title: table[exact],
        CHECK_COLUMN: labels(checks),
    }
    return columns, checks
