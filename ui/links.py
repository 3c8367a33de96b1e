"""Shareable links: notice when a link's value for a control could not be used.

Widgets bound with ``bind="query-params"`` read their value from the URL and silently drop a
value they cannot use (garbage, out of bounds, an option that does not exist). Take a snapshot of
the URL before the widgets run and call `notice_rejected_link_values` after them: it tells the
visitor which values were replaced by defaults, so a stale link never fails silently.

Call `link_snapshot()` near the top of the page (it keeps a slot there for the notice) and
`notice_rejected_link_values(snapshot)` after the page's *last* bound widget, main area included:
a widget created after the call cannot be checked.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui.format import markdown_literal

SHARE_NOTE = (
    "🔗 **Share this view:** the address bar holds every setting on this page, seed included, "
    "so a copied link reopens these exact numbers."
)
SHOWN_VALUE_LENGTH = 40
# Session key: controls the page itself has just set (a one-click fix), whose old link values are
# not the visitor's to be told about.
_OVERRIDDEN = "_link_values_overridden"


class LinkSnapshot(dict[str, list[str]]):
    """The link's values as they arrived, and the slot near the top of the page for the notice."""

    slot: DeltaGenerator | None = None


def link_snapshot() -> LinkSnapshot:
    """The URL's query parameters as they arrived, before any bound widget has read them.

    Reserves a slot where it is called, so the notice appears there even though it is written
    after the last widget. Also drops non-finite numbers from the link (see
    `_drop_non_finite_link_values`), so they are reported instead of crashing the page.
    """
    snapshot = LinkSnapshot({key: list(st.query_params.get_all(key)) for key in st.query_params})
    for key in st.session_state.pop(_OVERRIDDEN, ()):
        snapshot.pop(key, None)
    _drop_non_finite_link_values(snapshot)
    snapshot.slot = st.empty()
    return snapshot


def linked_option(snapshot: LinkSnapshot, key: str, options, default):
    """The value the bound select slider `key` takes on this run before it is drawn: its value
    in the session once it exists, else the link's value when that names one of `options`,
    else `default` — for a count that must agree with the widget drawn further down."""
    if key in st.session_state:
        return st.session_state[key]
    linked = snapshot.get(key) or []
    return next((option for option in options if linked and str(option) == linked[-1]), default)


def override_link_values(keys) -> None:
    """Mark controls the page sets itself (e.g. a work-cap fix, in a widget callback): on the
    next run their values in the URL are the old ones by design, not values to report."""
    st.session_state[_OVERRIDDEN] = tuple(keys)


def _is_non_finite_number(text: str) -> bool:
    try:
        return not math.isfinite(float(text))
    except (ValueError, OverflowError):
        return False


def _drop_non_finite_link_values(snapshot: LinkSnapshot) -> None:
    """Remove ?key=inf / -inf / 1e999 before any widget reads the URL.

    Streamlit 1.67 seeds an integer `st.number_input` bound to the URL with int(float(value));
    for an infinite value that raises OverflowError, which its URL seeding does not catch, so the
    page would crash. No control here takes an infinite value, so drop them all. Widgets seed
    from the session's *initial* query parameters, which `st.query_params` does not reach;
    hence the internal handle (guarded: if streamlit changes it, nothing is dropped).
    """
    bad = [key for key, values in snapshot.items() if any(map(_is_non_finite_number, values))]
    if not bad:
        return
    try:
        from streamlit.runtime.state import get_session_state

        with get_session_state().query_params() as query_params:
            # A bound key's widget already holds its value (the URL seeds only a new widget),
            # and streamlit refuses to delete it: e.g. "inf" typed as the formula f (issue 15).
            bad = [key for key in bad if not query_params.is_bound(key)]
            for key in bad:
                query_params._initial_query_params.pop(key, None)
    except (AttributeError, ImportError, TypeError):
        return
    for key in bad:
        del st.query_params[key]


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
    """'key=value' for each bound control whose URL value was dropped and not used, as the
    visitor typed it (shorten it, but escape it with `markdown_literal` before showing it)."""
    rejected = []
    for key, raw in snapshot.items():
        if key in st.query_params or key not in st.session_state:
            continue
        if not _same_value(raw, st.session_state[key]):
            shown = "&".join(raw)
            if len(shown) > SHOWN_VALUE_LENGTH:
                shown = shown[: SHOWN_VALUE_LENGTH - 1] + "…"
            rejected.append(f"{key}={shown}")
    return rejected


def notice_rejected_link_values(snapshot: LinkSnapshot, keys: Sequence[str] = ()) -> None:
    """Name the link values that could not be used (in the snapshot's slot near the top of the
    page), and say in the sidebar that the URL carries this view; call after the last widget.

    With `keys`: only those controls', drawn where it is called — for the controls of a section
    drawn later in an st.fragment (ui.guard.guarded_fragment), after its widgets; each is named
    once (taken out of the snapshot), not again on the section's own reruns."""
    if keys:
        snapshot = LinkSnapshot({key: snapshot.pop(key) for key in keys if key in snapshot})
    rejected = rejected_link_values(snapshot)
    if rejected:
        text = (
            "This link carried values this page cannot use — "
            + ", ".join(f"**{markdown_literal(item)}**" for item in rejected)
            + " — so those controls show their defaults (or their nearest valid setting)."
        )
        target = st if keys else (getattr(snapshot, "slot", None) or st)
        target.info(text, icon=":material/link:")
    if not keys:
        st.sidebar.caption(SHARE_NOTE)
