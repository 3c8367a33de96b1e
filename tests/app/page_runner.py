"""Run one page of the app in AppTest and read what it shows (shared by the page tests)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.exports import CODE_KEY_PREFIX, remembered_key

REPO_ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 60


# A new AppTest scans every installed distribution for Streamlit components (~1 s); a server
# does it once at start-up, so every AppTest here reuses the first one's registry.
_COMPONENTS: list[object] = []


def run_page(script: str, query: dict[str, object] | None = None) -> AppTest:
    """AppTest of `script` (relative to the repo root), with query params set before the run."""
    app = AppTest.from_file(str(REPO_ROOT / script), default_timeout=TIMEOUT_S)
    if _COMPONENTS:
        app._bidi_component_manager = _COMPONENTS[0]
    for key, value in (query or {}).items():
        app.query_params[key] = value if isinstance(value, list) else str(value)
    app.run()
    if not _COMPONENTS and getattr(app, "_bidi_component_manager", None) is not None:
        _COMPONENTS.append(app._bidi_component_manager)
    return app


def open_code_blocks(app: AppTest) -> AppTest:
    """Open every "Reproduce in Python" expander of `app`, as a visitor clicking each one, and
    re-run: their code is drawn only while they are open (ui.exports.reproduce_code). An
    expander that appears only after a re-run is opened too."""
    for _ in range(3):
        closed = [
            key
            for key in app.session_state
            if str(key).startswith(CODE_KEY_PREFIX) and not app.session_state[key]
        ]
        if not closed:
            break
        for key in closed:  # what the expander's on_change records when the visitor opens it
            app.session_state[remembered_key(key)] = True
        app.run()
    return app


def shown_tables(app: AppTest) -> list:
    """Every table the page shows, in page order: st.dataframe grids and the static tables
    (st.table) of ui.tables.static alike; each has `.value`, the DataFrame it holds."""

    def walk(node) -> list:
        children = getattr(node, "children", None)
        if children is None:
            return [node] if node.type in ("arrow_data_frame", "table", "dataframe") else []
        return [table for index in sorted(children) for table in walk(children[index])]

    return walk(app.main) + walk(app.sidebar)


def shown_text(app: AppTest) -> str:
    """Every text the page shows: markdown, LaTeX, metrics, captions, alerts, headers, code."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "latex", "caption", "code"):
        parts += [str(element.value) for element in getattr(app, kind)]
    for kind in ("success", "error", "warning", "info"):
        parts += [str(element.value) for element in getattr(app, kind)]
    parts += [f"{metric.label}: {metric.value}" for metric in app.metric]
    return "\n".join(parts)


def as_read(markdown: str) -> str:
    """Markdown as a visitor reads it, for text passed through ui.format.markdown_literal: the
    backslash escapes removed (CommonMark: a backslash before ASCII punctuation shows it)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def assert_healthy(app: AppTest) -> None:
    """No exception box and no error alert (a failed check or an input error)."""
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]


def rerun_section(app: AppTest, kind: str, key: str, value: object) -> AppTest:
    """Set the widget `kind`(key=`key`) to `value` and rerun as a browser does for a widget in an
    st.fragment: only the fragment that drew it (found from the deltas of a fresh run: each
    carries the id of the fragment it was drawn in). Afterwards `app` holds only what that
    rerun drew; an element drawn outside the fragment is absent (it was not sent again). AppTest
    does not record the URL of a fragment's rerun (its query_params stay empty): the browser
    tests check a section control's link (tests/e2e/test_fragments.py)."""
    import functools
    from unittest import mock

    from streamlit.runtime.scriptrunner_utils.script_requests import RerunData
    from streamlit.testing.v1 import local_script_runner

    widget_id = getattr(app, kind)(key=key).id
    messages: list = []
    parse = local_script_runner.parse_tree_from_messages

    def recorded(forward_msgs):
        messages[:] = forward_msgs
        return parse(forward_msgs)

    with mock.patch.object(local_script_runner, "parse_tree_from_messages", recorded):
        app.run()
    fragment_ids = {
        message.delta.fragment_id
        for message in messages
        if message.HasField("delta")
        and message.delta.WhichOneof("type") == "new_element"
        and getattr(
            getattr(message.delta.new_element, message.delta.new_element.WhichOneof("type")),
            "id",
            None,
        )
        == widget_id
    }
    assert len(fragment_ids) == 1 and "" not in fragment_ids, f"{key} is not in one fragment"
    getattr(app, kind)(key=key).set_value(value)
    scoped = functools.partial(RerunData, fragment_id_queue=list(fragment_ids))
    with mock.patch.object(local_script_runner, "RerunData", scoped):
        app.run()
    return app
