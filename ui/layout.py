"""Page furniture shared by every page: header, input errors, the closing notes."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import streamlit as st

from ui.format import markdown_literal
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


# Wide derivations on a phone: a KaTeX block wider than the column scrolls sideways (Streamlit
# lets it) but shows no sign of it. Scroll shadows appear on the side with more to see (they
# ride along with the content, so a line that fits shows none), and the scrollbar stays visible
# where the browser allows it.
_NARROW_SCREEN_STYLE = """<style>
[data-testid="stMarkdownContainer"] .katex-display {
  overflow-x: auto; overflow-y: hidden; padding-bottom: 6px;
  background:
    linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 32px 100% no-repeat local,
    linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 32px 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.38), rgba(0,0,0,0))
      left / 16px 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.38), rgba(0,0,0,0))
      right / 16px 100% no-repeat scroll;
  scrollbar-width: thin;
}
[data-testid="stMarkdownContainer"] .katex-display::-webkit-scrollbar { height: 6px; }
[data-testid="stMarkdownContainer"] .katex-display::-webkit-scrollbar-thumb {
  background: rgba(0,0,0,.3); border-radius: 3px;
}
</style>"""


def page_header(title: str, intro: str, icon: str = "∇") -> None:
    """Wide layout, the page title and the two or three sentences that say what it shows.

    Also places the restart watcher (`_CHUNK_ERROR_WATCHER`), the narrow-screen style and the
    browser-history script (ui.navigation.HISTORY_SCRIPT), which show nothing."""
    run_under_entry_point()
    st.set_page_config(page_title=f"{title} · Score-Function Lab", page_icon=icon, layout="wide")
    st.title(title)
    st.markdown(intro)
    st.html(
        _CHUNK_ERROR_WATCHER % json.dumps(RESTART_NOTICE) + _NARROW_SCREEN_STYLE + HISTORY_SCRIPT,
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
    stops there: what a page does around the core calls its visitor's values may upset."""
    try:
        yield
    except ValueError as error:
        show_input_error(error, fix)
        st.stop()


def what_to_notice(*points: str) -> None:
    """The short 'what to notice' note that closes every page."""
    st.subheader("What to notice")
    st.markdown("\n".join(f"- {point}" for point in points))
