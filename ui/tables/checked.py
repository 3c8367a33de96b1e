"""The columns every checked table starts with: what a row is, its parameter, the Monte Carlo
value ± SE, the exact value and the check of one against the other."""

from __future__ import annotations

import pandas as pd

from ui.checks import CHECK_COLUMN, check_rows, labels
from ui.format import plus_minus, variance_text


def checked_columns(
    table: pd.DataFrame,
    rows: tuple[str, pd.Series],
    value: str,
    exact: str,
    standard_error: str,
    titles: tuple[str, str],
    *,
    resolution: pd.Series | float = 0.0,
    exact_resolution: pd.Series | float = 0.0,
    variance: bool = False,
) -> tuple[dict[str, object], list]:
    """The columns of a table of Monte Carlo values beside exact ones, and their checks:
    `rows` (title, names), "parameter", then `titles` — the value ± SE and its exact value —
    then the check (|MC − exact| in standard errors). Further columns go after these.

    Honest digits (ui.format): a Monte Carlo value or SE below `resolution` (per row) is
    rounding and shows as 0 or without ±; an exact value below `exact_resolution` shows as 0;
    with `variance`, an exactly zero Monte Carlo variance reads '0 (exact)'."""
    checks = check_rows(table, value, exact, standard_error)
    estimate_title, exact_title = titles
    resolutions = pd.Series(resolution, index=table.index)
    text = variance_text if variance else plus_minus
    exact_values = table[exact].mask(table[exact].abs() <= exact_resolution, 0.0)
    columns = {
        rows[0]: rows[1],
        "parameter": table["param"],
        estimate_title: [
            text(v, se, r)
            for v, se, r in zip(table[value], table[standard_error], resolutions, strict=True)
        ],
        exact_title: exact_values,
        CHECK_COLUMN: labels(checks),
    }
    return columns, checks
