"""Page furniture shared by every page: header, input errors, the closing notes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import streamlit as st

from ui.deferred import DRAW_WHEN_READY_SCRIPT
from ui.format import markdown_literal
from ui.guard import stop_page
from ui.navigation import HISTORY_SCRIPT, run_under_entry_point

# After a server restart an open tab can fail to fetch a piece of Streamlit's own frontend code
# (a lazily loaded element such as st.metric); the browser caches the failed import, and
# Streamlit's error box then shows the raw "TypeError: Failed to fetch dynamically imported
# module: …/static/js/Metric.….js" in place of the element until the tab is reloaded (its
# friendly "reload" text is only for a ChunkLoadError, which the current frontend no longer
# raises). This watcher swaps such a box for a plain notice. It runs once per tab, uses no
# external code and changes nothing while the app works normally. A second watcher names a number
# box holding a value outside its range, with the range, and greys out the results meanwhile.
RESTART_NOTICE = "The app was restarted — reload this page (Ctrl/Cmd + R) to show this part."
_CHUNK_ERROR_WATCHER = """<span class="sfl-chunk-watcher"></span>
<style>/* the watcher takes no room on the page */
[data-testid="stElementContainer"]:has(.sfl-chunk-watcher) { display: none; }
/* results of settings a number box no longer shows (see the range watcher below) */
body.sfl-stale [data-testid="stMainBlockContainer"] { opacity: 0.35; filter: grayscale(1); }
.sfl-stale-banner { position: fixed; top: 4.5rem; left: 50%%; transform: translateX(-50%%);
  z-index: 1000000; max-width: min(44rem, 92vw); padding: 0.75rem 1rem; border-radius: 0.5rem;
  background: #fff4e5; color: #5c3a00; border: 1px solid #ffb74d;
  box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15); font-size: 0.95rem; line-height: 1.4; }</style>
<script>
(() => {
  if (window.__sflChunkWatcher) return;  // once per tab: page_header runs on every rerun
  window.__sflChunkWatcher = true;
  // Chromium, Firefox and Safari wordings of a failed dynamic import().
  const failed = /Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed/;
  const swap = () => {
    for (const box of document.querySelectorAll('[data-testid="stAlertContentError"]')) {
      if (box.dataset.sflSwapped || !failed.test(box.textContent)) continue;
      box.dataset.sflSwapped = "1";
      const notice = document.createElement("div");
      notice.className = box.className;  // keep the error box's look
      notice.dataset.testid = "sflRestartNotice";
      notice.textContent = %s;
      box.style.display = "none";  // hidden, not removed: React still owns it
      box.after(notice);
    }
  };
  new MutationObserver(swap).observe(document.body, {childList: true, subtree: true});
  swap();
})();
(() => {
  // A number typed outside a box's range never reaches the server (Streamlit keeps the last
  // accepted value), so the results would silently belong to other settings: say which box,
  // its allowed range, and grey the results out until the number is fixed.
  if (window.__sflRangeWatcher) return;
  window.__sflRangeWatcher = true;
  const text = (n) => Number(n).toLocaleString("en-US", {maximumFractionDigits: 6});
  const refused = () => {
    for (const input of document.querySelectorAll('input[data-testid="stNumberInputField"]')) {
      if (input.value === "" || input.min === "" && input.max === "") continue;
      const value = Number(input.value);
      const low = input.min === "" ? -Infinity : Number(input.min);
      const high = input.max === "" ? Infinity : Number(input.max);
      if (Number.isFinite(value) && value >= low && value <= high) continue;
      const box = input.closest('[data-testid="stNumberInput"]');
      const label = box?.querySelector('[data-testid="stWidgetLabel"]')?.textContent?.trim();
      return `${label || "A number box"}: ${input.value} is outside its allowed range, ` +
        `${text(low)} to ${text(high)}. The results below are for the last accepted value — ` +
        `type a number in that range and press Enter.`;
    }
    return null;
  };
  let banner = null;
  const check = () => {
    const message = refused();
    document.body.classList.toggle("sfl-stale", message !== null);
    if (message === null) { banner?.remove(); banner = null; return; }
    if (banner === null) {
      banner = document.createElement("div");
      banner.className = "sfl-stale-banner";
      banner.dataset.testid = "sflStaleBanner";
      banner.setAttribute("role", "alert");
      document.body.append(banner);
    }
    if (banner.textContent !== message) banner.textContent = message;
  };
  document.addEventListener("input", check, true);
  document.addEventListener("change", check, true);
  new MutationObserver(check).observe(document.body, {childList: true, subtree: true});
  check();
})();
</script>"""


# Wide blocks on a phone. A derivation (KaTeX), a code block, a table or a chart with fixed-width
# panels can be wider than the column: each then scrolls sideways inside its own box (never the
# page), and the scroll-hint watcher marks the side with more to see — a shadow and an arrow on
# that edge, gone once scrolled to the end — so nothing is silently cut off. The watcher gives the
# scrolling box the class `sfl-scroll-hint` while it overflows (tests/e2e check for it). On narrow
# screens KaTeX is drawn a little smaller, so most derivation lines fit whole.
SCROLL_HINT_STYLE = """<style>
[data-testid="stMarkdownContainer"] .katex-display { overflow-x: auto; overflow-y: hidden;
  padding-bottom: 6px; scrollbar-width: thin; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; overflow-y: hidden;
  scrollbar-width: thin; }
[data-testid="stCode"] pre { scrollbar-width: thin; }
@media (max-width: 640px) {
  [data-testid="stMarkdownContainer"] .katex-display > .katex { font-size: 0.95em; }
}
.sfl-scroll-host { position: relative; }
.sfl-scroll-host.sfl-more-right::after, .sfl-scroll-host.sfl-more-left::before {
  position: absolute; top: 0; bottom: 0; width: 26px; z-index: 5; pointer-events: none;
  display: flex; align-items: center; font-size: 20px; font-weight: 700; color: #31333f;
  text-shadow: 0 0 3px #fff, 0 0 6px #fff; }
.sfl-scroll-host.sfl-more-right::after { content: "›"; right: 0; justify-content: flex-end;
  padding-right: 2px; background: linear-gradient(to left, rgba(0,0,0,.22), rgba(0,0,0,0)); }
.sfl-scroll-host.sfl-more-left::before { content: "‹"; left: 0; justify-content: flex-start;
  padding-left: 2px; background: linear-gradient(to right, rgba(0,0,0,.22), rgba(0,0,0,0)); }
</style>
<script>
(() => {
  if (window.__sflScrollHints) return;  // once per tab
  window.__sflScrollHints = true;
  const SCROLLERS = '.katex-display, [data-testid="stCode"] pre, [data-testid="stVegaLiteChart"],'
    + ' [data-testid="stDataFrame"] .dvn-scroller, [data-testid="stTable"] div:has(> table),'
    + ' [data-testid="stTabs"] [role="tablist"],'
    + ' [data-testid="stTabs"] div:has(> [role="tablist"])';
  const SLACK = 4;  // px
  const hostOf = (el) => el.matches('.dvn-scroller')
    ? el.closest('[data-testid="stDataFrame"]') : el.parentElement;
  const mark = (el) => {
    const host = hostOf(el);
    if (!host) return;
    // KaTeX boxes run 1–2 px over their fitted width (rounding): no hint for that.
    const wider = el.scrollWidth > el.clientWidth + SLACK && el.clientWidth > 0;
    const left = wider && el.scrollLeft > 1;
    const right = wider && el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
    el.classList.toggle("sfl-scroll-hint", wider);
    host.classList.toggle("sfl-scroll-host", wider);
    host.classList.toggle("sfl-more-left", left);
    host.classList.toggle("sfl-more-right", right);
  };
  let queued = false;
  const markAll = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      document.querySelectorAll(SCROLLERS).forEach(mark);
    });
  };
  document.addEventListener("scroll", (event) => {
    if (event.target instanceof Element && event.target.matches(SCROLLERS)) mark(event.target);
  }, true);
  window.addEventListener("resize", markAll);
  new MutationObserver(markAll).observe(document.body,
    {childList: true, subtree: true, attributes: true, attributeFilter: ["width", "style"]});
  markAll();
})();
</script>"""


def page_header(title: str, intro: str, icon: str = "∇") -> None:
    """Wide layout, the page title and the two or three sentences that say what it shows.

    Also places the restart watcher (`_CHUNK_ERROR_WATCHER`), the scroll hints (`SCROLL_HINT_STYLE`), the
    browser-history script (ui.navigation.HISTORY_SCRIPT) and the one that asks for the lower
    sections once the first screen is drawn (ui.deferred.DRAW_WHEN_READY_SCRIPT), which show nothing."""
    run_under_entry_point()
    st.set_page_config(page_title=f"{title} · Score-Function Lab", page_icon=icon, layout="wide")
    st.title(title)
    st.markdown(intro)
    st.html(
        _CHUNK_ERROR_WATCHER % json.dumps(RESTART_NOTICE)
        + SCROLL_HINT_STYLE
        + HISTORY_SCRIPT
        + DRAW_WHEN_READY_SCRIPT,
        unsafe_allow_javascript=True,
    )


def show_input_error(error: ValueError, fix: str) -> None:
    """A core ValueError as a person reads it: what is wrong and how to fix it, no traceback.

    The message often quotes the visitor's own values (a formula, a link's value), so it is shown
    literally (`markdown_literal`); `fix` is the page's own markdown."""
    st.error(f"**{markdown_literal(error)}**\n\nHow to fix: {fix}", icon="⚠️")


@contextlib.contextmanager
def stop_on_input_error(fix: str) -> Iterator[None]:
    """Within the block, a core ValueError is shown with `fix` (show_input_error) and the page
    stops there (in a section drawn as a fragment, only the section: ui.guard.stop_page): what a
    page does around the core calls its visitor's values may upset."""
    try:
        yield
    except ValueError as error:
        show_input_error(error, fix)
        stop_page()


def what_to_notice(*points: str) -> None:
    """The short 'what to notice' note that closes every page."""
    st.subheader("What to notice")
    st.markdown("\n".join(f"- {point}" for point in points))
