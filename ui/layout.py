"""Page furniture shared by every page: header, input errors, the closing notes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import streamlit as st

from ui.format import markdown_literal


def page_header(title: str, intro: str, icon: str = "∇") -> None:
    """Wide layout, the page title and the two or three sentences that say what it shows."""
    st.set_page_config(page_title=f"{title} · Score-Function Lab", page_icon=icon, layout="wide")
    st.title(title)
    st.markdown(intro)


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
