"""A page's lower sections drawn just after its first screen, on the run that opens the page.

A deep link's browser spends its first seconds drawing every element the script sent, in one
batch: the sections below the first screen compete with the first screen for the one main
thread. `below_first_screen(section, …)` draws them in one st.fragment instead: on the run
that opens the page in a browser (a link, the sidebar, Back/Forward) the fragment first shows a
one-line placeholder with a hidden "draw the rest" button, and the page's script
(`DRAW_WHEN_READY_SCRIPT`, placed by ui.layout.page_header) presses it once the first screen is
drawn: the run is over and every chart on the screen has its canvas. That rerun of the fragment
draws the sections and cancels the fallback, a one-shot browser timer (`run_every`,
`FALLBACK_S`) that reruns it anyway. Every other run draws them inline: the page's own reruns
(a sidebar control), and a run with no browser behind it (AppTest, a script), which has nobody
to rerun it. Asked for by the script instead of a fixed 0.6 s timer, Baselines' first
1400×900 screen was drawn at 2.12–2.62 s instead of 2.62–3.21 s and the surrogate loss's at
2.45–2.92 s instead of 3.27–3.96 s; where the first screen is itself slow the whole page comes
0.5–0.8 s later (2-core machine, alternating fresh-context loads, medians of 3; bench/RESULTS.md,
session 9).

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

# Seconds from the opening run's timer message to the browser's rerun of the lower sections
# when the page's script has not asked for them first. The script asked (the second run began)
# 0.4 s after the opening run ended on the bandit page (1.6 s from navigation) and 1.4 s after
# on Group baselines, the latest (3.5 s; fresh-context loads on an idle 2-core machine).
FALLBACK_S = 3.0
PENDING_KEY_PREFIX = "deferred-pending"
GO_KEY_PREFIX = "deferred-go"
PLACEHOLDER = "Drawing the rest of the page…"
GO_LABEL = "Draw the rest of the page now"

# Presses each pending "draw the rest" button (hidden) once the first screen is drawn: the run
# is over, nothing is a skeleton, every chart that reaches into the screen has its canvas or
# svg, and two frames have been painted since. Counts its presses in window.__sflDeferredPresses
# (the browser test reads it). Once per tab: page_header places it on every run.
DRAW_WHEN_READY_SCRIPT = """<style>/* the button is the script's, not the visitor's */
[class*="st-key-__GO__-"] { display: none; }</style>
<script>
(() => {
  if (window.__sflDeferredWatcher) return;
  window.__sflDeferredWatcher = true;
  window.__sflDeferredPresses = 0;
  const GO = '[class*="st-key-__GO__-"] button';
  const drawn = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')]
      .filter((chart) => chart.getBoundingClientRect().top < innerHeight)
      .every((chart) => chart.querySelector("canvas, svg"));
  };
  let waiting = false;
  const press = () => {
    waiting = false;
    for (const button of document.querySelectorAll(GO)) {
      if (button.dataset.sflPressed) continue;
      button.dataset.sflPressed = "1";
      window.__sflDeferredPresses += 1;
      button.click();
    }
  };
  const wait = () => {
    if (!document.querySelector(GO)) { waiting = false; return; }
    if (!drawn()) { setTimeout(wait, 40); return; }
    requestAnimationFrame(() => requestAnimationFrame(press));
  };
  const look = () => {
    if (!waiting && document.querySelector(GO)) { waiting = true; wait(); }
  };
  new MutationObserver(look).observe(document.body, {childList: true, subtree: true});
  look();  // a button drawn before this script ran
})();
</script>""".replace("__GO__", GO_KEY_PREFIX)

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
    fills only once its first screen is drawn (the module's docstring says why). Each section is a
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
                    st.button(GO_LABEL, key=f"{GO_KEY_PREFIX}-{name}", type="tertiary")
                return
            state["pending"] = False
            _cancel_own_timer()
        with page_guard(url_path):
            for section in guarded:
                section()

    lower_sections.__qualname__ = f"below_first_screen.{name}"
    st.fragment(lower_sections, run_every=FALLBACK_S if defer else None)()
