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
# external code and changes nothing while the app works normally.
RESTART_NOTICE = "The app was restarted — reload this page (Ctrl/Cmd + R) to show this part."
_CHUNK_ERROR_WATCHER = """<span class="sfl-chunk-watcher"></span>
<style>/* the watcher takes no room on the page */
[data-testid="stElementContainer"]:has(.sfl-chunk-watcher) { display: none; }</style>
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
</script>"""


def page_header(title: str, intro: str, icon: str = "∇") -> None:
    """Wide layout, the page title and the two or three sentences that say what it shows.

    Also places the restart watcher (`_CHUNK_ERROR_WATCHER`) and the browser-history script
    (ui.navigation.HISTORY_SCRIPT), which show nothing."""
    run_under_entry_point()
    st.set_page_config(page_title=f"{title} · Score-Function Lab", page_icon=icon, layout="wide")
    st.title(title)
    st.markdown(intro)
    st.html(
        _CHUNK_ERROR_WATCHER % json.dumps(RESTART_NOTICE) + HISTORY_SCRIPT,
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
