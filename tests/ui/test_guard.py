"""ui.guard at the page boundary: an exception becomes a message with a link to the defaults and a
logged traceback; st.stop and st.rerun pass through as they would without the guard."""

from __future__ import annotations

import logging

import pytest
from streamlit.testing.v1 import AppTest

from ui import guard


def _failing_page():
    import streamlit as st

    from ui.guard import run_guarded

    class Page:
        url_path = "Variance_vs_samples"

        def run(self):
            st.write("drawn before the error")
            raise OverflowError("cannot convert float infinity to integer")

    run_guarded(Page())
    st.write("after the page")


def _stopping_page():
    import streamlit as st

    from ui.guard import page_guard

    with page_guard("Baselines"):
        st.write("before stop")
        st.stop()
    st.write("never drawn")


def _rerunning_page():
    import streamlit as st

    from ui.guard import page_guard

    with page_guard(""):
        st.session_state.runs = st.session_state.get("runs", 0) + 1
        if st.session_state.runs == 1:
            st.rerun()
        st.write(f"runs: {st.session_state.runs}")


@pytest.fixture
def guard_log():
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    guard.LOGGER.addHandler(handler)
    try:
        yield records
    finally:
        guard.LOGGER.removeHandler(handler)


def test_an_exception_becomes_a_message_with_a_link_to_the_defaults_and_a_logged_traceback(
    guard_log,
):
    app = AppTest.from_function(_failing_page).run()
    assert not app.exception
    [message] = [error.value for error in app.error]
    assert guard.FAILURE_TITLE in message and "OverflowError" in message
    assert "(./Variance_vs_samples)" in message
    assert "infinity" not in message  # the raw error text stays in the log
    assert [m.value for m in app.markdown] == ["drawn before the error", "after the page"]
    [record] = guard_log
    assert record.exc_info and record.exc_info[0] is OverflowError


def _stopped_computation_page():
    import streamlit as st

    from ui.guard import page_guard
    from ui.workers import WorkerTimeoutError

    st.query_params.update({"problem": "Gaussian", "nmax": "5000"})
    with page_guard("Variance_vs_samples"):
        raise WorkerTimeoutError(52.0)


def test_a_stopped_computation_says_why_with_a_link_to_try_the_same_settings_again(guard_log):
    app = AppTest.from_function(_stopped_computation_page).run()
    assert not app.exception
    [message] = [error.value for error in app.error]
    assert "The server stopped this computation" in message
    assert "still running after 52 s" in message and "choose fewer samples" in message
    assert "[Try again](./Variance_vs_samples?problem=Gaussian&nmax=5000)" in message
    assert "(./Variance_vs_samples)" in message  # and the defaults
    [record] = guard_log
    assert record.levelno == logging.WARNING and not record.exc_info  # one line, no traceback


def test_st_stop_passes_through_the_guard(guard_log):
    app = AppTest.from_function(_stopping_page).run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown] == ["before stop"]
    assert not guard_log


def test_st_rerun_passes_through_the_guard(guard_log):
    app = AppTest.from_function(_rerunning_page).run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown] == ["runs: 2"]
    assert not guard_log


def test_the_defaults_link_is_the_page_path_relative_to_the_app_root():
    assert guard.defaults_link("Baselines") == "./Baselines"
    assert guard.defaults_link("/Baselines/") == "./Baselines"
    assert guard.defaults_link("") == "./"


def _failing_page_through_the_navigation():
    import streamlit as st

    from ui.navigation import run_page

    class Page:
        url_path = "Baselines"

        def run(self):
            raise KeyError("cost")

    run_page(Page())
    st.write("the sidebar and the rest of the app still draw")


def test_every_page_runs_inside_the_guard_through_the_navigation():
    app = AppTest.from_function(_failing_page_through_the_navigation).run()
    assert not app.exception
    [message] = [error.value for error in app.error]
    assert "KeyError" in message and "(./Baselines)" in message
    assert [m.value for m in app.markdown] == ["the sidebar and the rest of the app still draw"]


def _page_with_a_refusing_section():
    import streamlit as st

    from ui.guard import guarded_fragment
    from ui.layout import stop_on_input_error

    @guarded_fragment
    def section() -> None:
        st.write("section before the refusal")
        with stop_on_input_error("Lower k."):
            raise ValueError("k must be positive")
        st.write("never drawn")

    st.write("page before the section")
    section()
    st.write("page after the section")
    with stop_on_input_error("Lower n."):
        raise ValueError("n must be positive")
    st.write("never drawn either")


def test_a_refusal_inside_a_section_ends_the_section_and_one_outside_ends_the_page(guard_log):
    app = AppTest.from_function(_page_with_a_refusing_section).run()
    assert not app.exception
    texts = [m.value for m in app.markdown]
    assert "page before the section" in texts and "section before the refusal" in texts
    assert "page after the section" in texts  # the section's refusal left the page running
    assert not any("never drawn" in text for text in texts)
    assert len(app.error) == 2 and "Lower k." in app.error[0].value
    assert "Lower n." in app.error[1].value
    assert not guard_log  # a refusal is no page error


def _page_with_plain_sections():
    import streamlit as st

    from ui.guard import guarded_section
    from ui.layout import stop_on_input_error

    @guarded_section
    def section(k: int) -> int:
        with stop_on_input_error("Pick k > 0."):
            if k <= 0:
                raise ValueError(f"k = {k} is not positive")
        st.write(f"section drawn for k = {k}")
        return 2 * k

    st.write(f"returned {section(-1)}")
    st.write(f"returned {section(3)}")
    with stop_on_input_error("Lower n."):
        raise ValueError("n must be positive")  # outside any section: the page ends here
    st.write("never drawn")


def test_a_refusal_in_a_plain_section_ends_it_with_none_and_the_page_goes_on(guard_log):
    app = AppTest.from_function(_page_with_plain_sections).run()
    assert not app.exception
    texts = [m.value for m in app.markdown]
    assert texts == ["returned None", "section drawn for k = 3", "returned 6"]
    assert [e.value.split("**")[1] for e in app.error] == [
        "k = -1 is not positive",
        "n must be positive",
    ]
    assert not guard_log
