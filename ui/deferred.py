"""A page's lower sections drawn just after its first screen, on the run that opens the page.

A deep link's browser spends its first seconds drawing every element the script sent, in one
batch: the sections below the first screen compete with the first screen for the one main
thread. `below_first_screen(section, …)` draws them in one st.fragment instead: on the run
that opens the page in a browser (a link, the sidebar, Back/Forward) the fragment first shows a
one-line placeholder and asks the browser (a one-shot `run_every`) to rerun it
`DEFER_S` seconds later; that rerun draws the sections and cancels the timer. Every other run
draws them inline: the page's own reruns (a sidebar control), and a run with no browser behind
it (AppTest, a script), which has nobody to rerun it. Measured on the bandit page (2-core
machine, alternating fresh-context loads against the page drawn at once, medians of 3): the
first 1400×900 screen drawn at 2.26 s instead of 2.83 s, the whole page at 3.50 s against
3.63 s (bench/RESULTS.md, session 8).

The placeholder is the container keyed `deferred-pending-…`: the browser tests and the bench
count a page as drawn only once none is left (tests/e2e/streamlit_helpers.APP_IDLE_JS).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from ui.guard import guarded_section, page_guard, page_url_path

# Seconds from the opening run's timer message to the browser's rerun of the lower sections:
# long enough for the first screen to be drawn alone (0.4 s: first screen 2.00 s; 0.8 s:
# 1.83 s on the bandit page), short enough that the whole page is not drawn later.
DEFER_S = 0.6
PENDING_KEY_PREFIX = "deferred-pending"
PLACEHOLDER = "Drawing the rest of the page…"

# True during the full run that opens a page (set by ui.navigation.run_page).
OPENING_RUN: contextvars.ContextVar[bool] = contextvars.ContextVar("sfl_opening_run", default=False)


def _browser_behind_run() -> bool:
    """Whether a browser drives this session: its websocket came with a User-Agent header
    (AppTest and bare scripts have no headers, and no timer to rerun a fragment)."""
    try:
        return bool(st.context.headers.get("User-Agent"))
    except Exception:  # no session: a bare script
        return False


def _cancel_own_timer() -> None:
    """Tell the browser to stop rerunning the fragment now running (its one-shot timer)."""
    ctx = get_script_run_ctx()
    if ctx is None or not ctx.fragment_ids_this_run:
        return
    message = ForwardMsg()
    message.stop_auto_rerun.fragment_ids.extend(ctx.fragment_ids_this_run)
    ctx.enqueue(message)


def below_first_screen(*sections: Callable[[], object], name: str = "lower") -> None:
    """Draw `sections` in order, in one fragment that the opening run of a page in a browser
    fills only `DEFER_S` seconds later (the module's docstring says why). Each section is a
    guarded_section: `stop_page` inside one ends that section and the next is drawn.
    `name` tells two such calls on one page apart."""
    ctx = get_script_run_ctx()
    url_path = page_url_path()
    defer = (
        ctx is not None
        and not ctx.fragment_ids_this_run
        and OPENING_RUN.get()
        and _browser_behind_run()
    )
    state = {"pending": defer}
    guarded = [guarded_section(section) for section in sections]

    def lower_sections() -> None:
        if state["pending"]:
            if not get_script_run_ctx().fragment_ids_this_run:
                with st.container(key=f"{PENDING_KEY_PREFIX}-{name}"):
                    st.caption(PLACEHOLDER)
                return
            state["pending"] = False
            _cancel_own_timer()
        with page_guard(url_path):
            for section in guarded:
                section()

    lower_sections.__qualname__ = f"below_first_screen.{name}"
    st.fragment(lower_sections, run_every=DEFER_S if defer else None)()
