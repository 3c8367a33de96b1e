"""Page furniture shared by every page: header, input errors, the closing notes."""

from __future__ import annotations

import streamlit as st


def page_header(title: str, intro: str, icon: str = "∇") -> None:
    """Wide layout, the page title and the two or three sentences that say what it shows."""
    st.set_page_config(page_title=f"{title} · Score-Function Lab", page_icon=icon, layout="wide")
    st.title(title)
    st.markdown(intro)


def show_input_error(error: ValueError, fix: str) -> None:
    """A core ValueError as a person reads it: what is wrong and how to fix it, no traceback."""
    st.error(f"**{error}**\n\nHow to fix: {fix}", icon="⚠️")


def what_to_notice(*points: str) -> None:
    """The short 'what to notice' note that closes every page."""
    st.subheader("What to notice")
    st.markdown("\n".join(f"- {point}" for point in points))
