"""ui.deferred without a browser (AppTest): the lower sections are drawn inline, in order, on
the run that opens the page too, and `stop_page` in one ends only that section. The browser's
second run is tests/e2e/test_deferred_sections.py."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page_with_lower_sections():
    import streamlit as st

    from ui.deferred import OPENING_RUN, below_first_screen
    from ui.guard import stop_page

    OPENING_RUN.set(True)  # as ui.navigation.run_page sets it for the run that opens a page
    st.write("first screen")

    def refused() -> None:
        st.write("refused section starts")
        stop_page()
        st.write("never drawn")

    def checks() -> None:
        st.write("checks section")

    below_first_screen(refused, checks)
    st.write("what to notice")


def test_without_a_browser_the_lower_sections_are_drawn_inline_in_order():
    app = AppTest.from_function(_page_with_lower_sections).run()
    assert not app.exception
    assert [element.value for element in app.markdown] == [
        "first screen",
        "refused section starts",
        "checks section",
        "what to notice",
    ]
    assert not app.caption, "a placeholder was drawn with no browser to replace it"
