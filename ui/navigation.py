"""The app's pages: one table (file, title, URL, sidebar section, home-page blurb) and the one
function every page runs through.

`app.py` calls `run_page(navigation())`: `navigation` draws the sidebar — "Home" first, the
pages grouped into sections — with `st.navigation`, and `run_page` runs the chosen page (the one
place to wrap every page run). A page whose file does not exist yet is left out. Each URL path
is set explicitly, so `/Bandit_derivation?theta=0.5` keeps working whatever the file is named.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import streamlit as st
from streamlit.navigation.page import StreamlitPage
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
from streamlit.runtime.state import get_session_state
from streamlit.runtime.state.query_params import EMBED_QUERY_PARAMS_KEYS

from ui.deferred import OPENING_RUN
from ui.guard import run_guarded

PAGES_DIR = Path(__file__).resolve().parents[1] / "pages"


@dataclass(frozen=True)
class AppPage:
    """One page: its script in pages/, sidebar title, URL path ("" for home), sidebar section,
    icon and the sentence the home page's map shows beside its link."""

    script: str
    title: str
    url_path: str
    section: str
    icon: str
    description: str = ""

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.script

    @property
    def exists(self) -> bool:
        return self.path.is_file()

    @property
    def number(self) -> str:
        """The number in the file name ("1" for 1_Bandit_derivation.py)."""
        return self.script.split("_", 1)[0]


HOME = AppPage("0_Home.py", "Home", "", "Start", ":material/home:")
# In reading order: the sidebar and the home page's map list them so, section by section.
PAGE_TABLE: tuple[AppPage, ...] = (
    HOME,
    AppPage(
        "1_Bandit_derivation.py", "Bandit derivation", "Bandit_derivation", "The estimator",
        ":material/casino:",
        "Derive it on a two-armed bandit, with your numbers, then check it three ways.",
    ),
    AppPage(
        "2_Score_checks.py", "Score checks", "Score_checks", "The estimator",
        ":material/functions:",
        "The score has mean zero and covariance = Fisher information — measured and checked.",
    ),
    AppPage(
        "10_Surrogate_loss.py", "The surrogate loss", "Surrogate_loss", "The estimator",
        ":material/calculate:",
        "The loss whose autodiff gradient is the score-function estimate, and what it is not.",
    ),
    AppPage(
        "3_Variance_vs_samples.py", "Variance vs samples", "Variance_vs_samples",
        "Variance and baselines", ":material/trending_down:",
        "Variance falls as 1/N: measure it on log-log axes, fit the slope, size a study.",
    ),
    AppPage(
        "4_Baselines.py", "Baselines", "Baselines", "Variance and baselines",
        ":material/balance:",
        "Baselines cut the variance without bias: none, constant, batch mean, RLOO, b*.",
    ),
    AppPage(
        "8_Group_baselines.py", "Group baselines (RLOO, GRPO)", "Group_baselines",
        "Variance and baselines", ":material/groups:",
        "Baselines from a group of samples of one prompt: leave-one-out (RLOO) and GRPO.",
    ),
    AppPage(
        "5_Continuous_and_nondifferentiable.py", "Continuous and non-smooth",
        "Continuous_and_nondifferentiable", "Beyond the bandit", ":material/show_chart:",
        "Continuous and non-differentiable costs: score vs pathwise vs measure-valued.",
    ),
    AppPage(
        "9_Discrete_estimators.py", "Discrete estimators", "Discrete_estimators",
        "Beyond the bandit", ":material/grain:",
        "Gradients through discrete samples: the score function beside its discrete rivals.",
    ),
    AppPage(
        "6_Trajectories.py", "Trajectories", "Trajectories", "Beyond the bandit",
        ":material/route:",
        "Trajectories: REINFORCE with the whole return vs reward-to-go as T grows.",
    ),
    AppPage(
        "7_Study_tables.py", "Study tables", "Study_tables", "Studies", ":material/table_chart:",
        "Study tables: a grid run from the command line or a cluster, read back and drawn.",
    ),
)  # fmt: skip


def existing_pages() -> Iterator[AppPage]:
    """The table's pages whose script exists, in table order (home first)."""
    return (page for page in PAGE_TABLE if page.exists)


def streamlit_page(page: AppPage) -> StreamlitPage:
    """`page` as an `st.Page` (an absolute path, so it can be built from any running script)."""
    return st.Page(
        page.path,
        title=page.title,
        icon=page.icon,
        url_path=page.url_path,
        default=page is HOME,
    )


def navigation() -> StreamlitPage:
    """Draw the sidebar's page list, grouped by section, and return the page to run."""
    sections: dict[str, list[StreamlitPage]] = {}
    for page in existing_pages():
        sections.setdefault(page.section, []).append(streamlit_page(page))
    return st.navigation(sections, expanded=True)


def run_under_entry_point() -> None:
    """If Streamlit started this run by its pages/ directory mode, draw app.py's navigation.

    Streamlit 1.67 decides per process, when its first session is created, that an app "uses
    the pages directory" (pages/ beside the entry point), and every run started while that
    holds runs a deep-linked page's file directly, under an automatic sidebar ("app", file
    names, no sections); app.py never runs. It holds until something switches it off — here,
    the first such page run. Sessions opened at once on a fresh server each start such a run
    before that, so each is recognised by its own run (its pages include the entry point
    itself, which app.py's `st.navigation` never lists), not by the process-wide switch: the
    page being run draws the real sidebar (`st.navigation` replaces the automatic one and
    resolves to this same page, whose URL path is the same) and takes its state as `run_page`
    would. Called by every page (ui.layout.page_header); a page run alone (AppTest of one
    file) has one page and is left alone.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return
    main_script = Path(ctx.main_script_path).resolve()
    pages = ctx.pages_manager.get_pages().values()
    if len(pages) > 1 and any(Path(p["script_path"]).resolve() == main_script for p in pages):
        PagesManager.uses_pages_directory = False  # later runs start at app.py
        # Not an opening run for ui.deferred (its sections are drawn inline): with a fragment
        # rerun right after such a run, the first sessions on a fresh server once drew a blank
        # page (no stApp) in tests/e2e/test_concurrent_sessions.py.
        isolate_page_state(navigation())
        OPENING_RUN.set(False)


# Browser history as the visitor saw it. Streamlit 1.67's frontend writes a control change into
# the URL with history.replaceState (so Back after moving a slider leaves the app), and on a
# page change it pushes the old page's path once more (while tidying its parameters) before
# the new page's (so Back passes through a view never shown). This script, run once per tab
# (ui.layout.page_header places it), keeps one history entry per view seen: a control change
# pushes (once per run; the server's corrections in that run replace), a page change pushes the
# new page without the old page's parameters, and the old page's tidying in between is dropped.
# While a page's first run or a Back/Forward run settles, URL changes are corrections: replaced.
# A new view starts with the visitor's own input on a control (a key, a pointer, a changed
# value), not only when stApp's script state shows the last run over: React draws that state
# only if it lasts a frame, and a fast rerun (a section's fragment on a cached value: tens of ms)
# goes running → notRunning unseen, which left the next change replacing the view before it.
HISTORY_SCRIPT = """<script>
(() => {
  if (window.__sflHistory) return;  // once per tab: page_header runs on every rerun
  window.__sflHistory = true;
  const push = history.pushState.bind(history);
  const replace = history.replaceState.bind(history);
  const app = document.querySelector('[data-testid="stApp"]');
  const idle = () => !app || app.getAttribute("data-test-script-state") === "notRunning";
  let settling = !idle();    // a first run or a Back/Forward run is still drawing
  let leaving = false;       // a link to another page was followed; its URL is not pushed yet
  let pushedThisRun = false;
  const resolve = (url) => new URL(url ?? location.href, location.href);
  const embedOnly = (url) => {
    const kept = new URLSearchParams();
    for (const [key, value] of url.searchParams) {
      if (["embed", "embed_options"].includes(key.toLowerCase())) kept.append(key, value);
    }
    url.search = kept.toString();
    return url;
  };
  history.pushState = (state, title, url) => {
    const next = resolve(url);
    if (next.pathname !== location.pathname) {  // a new page starts at its own defaults
      leaving = false;
      pushedThisRun = true;
      return push(state, title, embedOnly(next).href);
    }
    if (leaving || next.href === location.href) return;
    return replace(state, title, next.href);  // a correction of the view on screen
  };
  history.replaceState = (state, title, url) => {
    const next = resolve(url);
    if (next.pathname === location.pathname) {
      if (leaving) return;
      if (!settling && !pushedThisRun && next.search !== location.search) {
        pushedThisRun = true;
        return push(state, title, next.href);  // the visitor changed a control: a new view
      }
    }
    return replace(state, title, next.href);
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    if (link && link.origin === location.origin && link.pathname !== location.pathname) {
      leaving = true;
    }
  }, true);
  // The visitor's input on a control begins a new view, whether or not the last run was seen
  // to end (a change on the page pushes once; a link to another page sets `leaving` above).
  const CONTROL = 'input, textarea, button, select, [role="slider"], [role="option"],'
    + ' [role="combobox"], [role="checkbox"], [role="switch"], [role="radio"], [role="tab"]';
  const startView = (event) => {
    if (event.isTrusted && event.target.closest && event.target.closest(CONTROL)) {
      settling = pushedThisRun = false;
    }
  };
  for (const type of ["pointerdown", "keydown", "input", "change"]) {
    document.addEventListener(type, startView, true);
  }
  window.addEventListener("popstate", () => { settling = true; leaving = false; });
  if (app) {
    new MutationObserver(() => {
      if (idle()) settling = leaving = pushedThisRun = false;
    }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
  }
})();
</script>"""

# Session key holding the URL path of the page this session ran last (not a control).
LAST_PAGE_KEY = "_sfl_last_page"


def _url_query(query_string: str) -> dict[str, list[str]]:
    return parse_qs(query_string, keep_blank_values=True)


def isolate_page_state(page: StreamlitPage) -> bool:
    """Give the page only its own state: on a page change, forget every control value and
    keep only what the page's own URL says.

    Streamlit keeps a URL-bound widget's value under its key when the widget goes away and
    seeds any later widget with the same key from it, and it carries the query string over a
    page change; pages share short keys (n, reps, theta, …), so without this, moving θ on one
    page gave Baselines `?theta=0.1&n=1000&steps=40&lr=0.5`. Here: opened from the sidebar or
    a link, a page starts at its defaults (its URL loses the other page's parameters); reached
    by Back/Forward, it shows exactly the URL it had (Streamlit would drop a parameter another
    page's widget was last bound to). A page's first load in a session (a shared link) and its
    own reruns are left as they are.

    Returns whether this run opens the page (its first run in the session, or arrived at from
    another page or by Back/Forward) rather than rerunning it.
    """
    ctx = get_script_run_ctx()
    if ctx is None:
        return False
    last_page = st.session_state.get(LAST_PAGE_KEY)
    st.session_state[LAST_PAGE_KEY] = page.url_path
    history = bool(getattr(ctx, "is_history_navigation", False))
    if last_page == page.url_path and not history:
        return False
    if last_page is None:
        return True
    for key in list(st.session_state):
        if key != LAST_PAGE_KEY:
            del st.session_state[key]
    arrived = _url_query(ctx.query_string)
    kept = {
        key: values
        for key, values in arrived.items()
        if history or key.lower() in EMBED_QUERY_PARAMS_KEYS
    }
    with get_session_state().query_params() as query_params:
        # The other pages' bindings are stale: they must not filter this page's URL.
        query_params._bindings_by_param.clear()
        query_params._bindings_by_widget.clear()
        query_params._query_params = {
            key: values[-1] if len(values) == 1 else values for key, values in kept.items()
        }
        query_params._initial_query_params = kept
        # Streamlit may already have told the browser a filtered URL: say the kept one.
        query_params._send_query_param_msg()
    return True


def run_page(page: StreamlitPage) -> None:
    """Run the chosen page: the one place every page run goes through."""
    OPENING_RUN.set(isolate_page_state(page))
    run_guarded(page)
