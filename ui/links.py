"""Shareable links: notice when a link's value for a control could not be used.

Widgets bound with ``bind="query-params"`` read their value from the URL and silently drop a
value they cannot use (garbage, out of bounds, an option that does not exist). Take a snapshot of
the URL before the widgets run and call `notice_rejected_link_values` after them: it tells the
visitor which values were replaced by defaults, so a stale link never fails silently.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import streamlit as st

LinkSnapshot = dict[str, list[str]]


def link_snapshot() -> LinkSnapshot:
    """The URL's query parameters as they arrived, before any bound widget has read them."""
    return {key: list(st.query_params.get_all(key)) for key in st.query_params}


def _same_value(raw: Sequence[str], value: object) -> bool:
    """Whether the URL's strings say the same as the widget's value (then the URL dropped the
    parameter only because it equals the default)."""
    values = list(value) if isinstance(value, list | tuple) else [value]
    if len(raw) != len(values):
        return False
    for text, item in zip(raw, values, strict=True):
        if isinstance(item, numbers.Real) and not isinstance(item, bool):
            try:
                if not math.isclose(float(text), float(item), rel_tol=1e-12, abs_tol=1e-12):
                    return False
            except ValueError:
                return False
        elif str(text) != str(item):
            return False
    return True


def rejected_link_values(snapshot: LinkSnapshot) -> list[str]:
    """'key=value' for each bound control whose URL value was dropped and not used."""
    rejected = []
    for key, raw in snapshot.items():
        if key in st.query_params or key not in st.session_state:
            continue
        if not _same_value(raw, st.session_state[key]):
            rejected.append(f"{key}={'&'.join(raw)}")
    return rejected


def notice_rejected_link_values(snapshot: LinkSnapshot) -> None:
    """An info line naming the link values that could not be used and were replaced by defaults."""
    rejected = rejected_link_values(snapshot)
    if rejected:
        st.info(
            "This link carried values this page cannot use — "
            + ", ".join(f"`{item}`" for item in rejected)
            + " — so those controls show their defaults (or their nearest valid setting).",
            icon="🔗",
        )
