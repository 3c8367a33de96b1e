"""The page boundary: an unexpected exception becomes a clear message, never a traceback.

`run_guarded(page)` runs a page (a `st.Page`, or anything with `.run()` and `.url_path`) inside
`page_guard(url_path)`: if the page raises, the visitor reads what happened and gets a link that
reopens the page at its defaults (a fresh load of its address without the query string), while
the traceback goes to the server log, where tests look for it. Streamlit's script-control
exceptions (st.stop, st.rerun, st.switch_page) derive from BaseException, not Exception, so
they pass through untouched, as do KeyboardInterrupt and SystemExit. `guarded_fragment` does
the same for a page's section drawn as an `st.fragment` (Streamlit catches a fragment's
exception itself, so the page's guard never sees it). `stop_page` is st.stop for the page and,
inside such a section or a `guarded_section` (a section drawn on the page's own run), ends only
the section: a refused value shown there does not take the sections below it off the page. A
computation the server stopped (a worker that hung past its time limit or died twice:
ui.workers' WorkerStoppedError) is no page error: the visitor reads why, with a link that tries
the same settings again, and the log gets one line, no traceback.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Callable, Iterator
from typing import NoReturn, ParamSpec, Protocol, TypeVar
from urllib.parse import urlencode

import streamlit as st
from streamlit.logger import get_logger
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from ui.workers import WorkerStoppedError

LOGGER = get_logger(__name__)
FAILURE_TITLE = "This page stopped on an unexpected error"
FAILURE_TEXT = (
    "**{title}** ({kind}). Your settings are still in the address bar, so the link "
    "reproduces it. [Open this page at its defaults]({defaults}) to start again."
)
STOPPED_TEXT = (
    "**The server stopped this computation**: {reason}. [Try again]({retry}) with the same "
    "settings, or [open this page at its defaults]({defaults})."
)


P = ParamSpec("P")
T = TypeVar("T")
_IN_SECTION: contextvars.ContextVar[bool] = contextvars.ContextVar("in a section", default=False)


class _SectionStopped(BaseException):
    """Ends a guarded_section's run (a BaseException, as st.stop's, so no guard takes it for a
    page error)."""


class Page(Protocol):
    url_path: str

    def run(self) -> None: ...


def defaults_link(url_path: str) -> str:
    """The page's address without its query string, relative to the app's root ("./Name")."""
    return "./" + url_path.strip("/")


def retry_link(url_path: str) -> str:
    """The page's address with its current query string (every value of every key)."""
    query = urlencode(
        [(key, value) for key in st.query_params for value in st.query_params.get_all(key)]
    )
    return defaults_link(url_path) + (f"?{query}" if query else "")


@contextlib.contextmanager
def page_guard(url_path: str) -> Iterator[None]:
    """Run the block; an Exception in it is logged with its traceback and shown as
    FAILURE_TEXT with a link to the page at its defaults (script control passes through); a
    WorkerStoppedError is logged in one line and shown as STOPPED_TEXT, with a link to retry."""
    try:
        yield
    except WorkerStoppedError as error:
        LOGGER.warning("page %r: a computation was stopped: %s", url_path or "home", error)
        st.error(
            STOPPED_TEXT.format(
                reason=error, retry=retry_link(url_path), defaults=defaults_link(url_path)
            ),
            icon=":material/timer_off:",
        )
    except Exception as error:  # the page boundary: anything a page did not handle itself
        LOGGER.exception("page %r raised %s", url_path or "home", type(error).__name__)
        st.error(
            FAILURE_TEXT.format(
                title=FAILURE_TITLE, kind=type(error).__name__, defaults=defaults_link(url_path)
            ),
            icon=":material/error:",
        )


def run_guarded(page: Page) -> None:
    """`page.run()` inside `page_guard(page.url_path)`."""
    with page_guard(getattr(page, "url_path", "") or ""):
        page.run()


def page_url_path() -> str:
    """The URL path of the page being run ("" for home, or outside a server run)."""
    ctx = get_script_run_ctx()
    if ctx is None:
        return ""
    pages = ctx.pages_manager.get_pages()
    return pages.get(ctx.pages_manager.current_page_script_hash, {}).get("url_pathname", "") or ""


def stop_page() -> NoReturn:
    """Stop here, the reason already shown: the page (st.stop), or, inside a guarded_section or
    a guarded_fragment, only that section, so the page's later sections are still drawn.
    (Inside a fragment, st.stop on the page's full run would end the whole page.)"""
    if _IN_SECTION.get():
        raise _SectionStopped
    st.stop()


def guarded_section(function: Callable[P, T]) -> Callable[P, T | None]:
    """`function` as one section of its page: `stop_page` within it ends the section, which
    then returns None, and the page goes on to the sections below it."""

    @functools.wraps(function)
    def section(*args: P.args, **kwargs: P.kwargs) -> T | None:
        token = _IN_SECTION.set(True)
        try:
            return function(*args, **kwargs)
        except _SectionStopped:
            return None
        finally:
            _IN_SECTION.reset(token)

    return section


def guarded_fragment(function: Callable[..., None]) -> Callable[..., None]:
    """`st.fragment(function)` run inside `page_guard` of the page defining it: a section whose
    own controls rerun and redraw only that section, failing as a page does; `stop_page` within
    it ends the section, not the page (guarded_section)."""
    url_path = page_url_path()
    section = guarded_section(function)

    @functools.wraps(function)
    def guarded(*args, **kwargs) -> None:
        with page_guard(url_path):
            section(*args, **kwargs)

    return st.fragment(guarded)
