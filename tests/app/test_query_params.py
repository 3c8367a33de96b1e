"""Shareable links, page by page: the URL carries every control, restores it, and survives garbage.

Every test discovers the page's controls by running it, so a control added later is covered
without editing this file. A page's *views* are its default view plus one per option of each
selector (selectbox, radio, pills) that changes which controls exist — e.g. the problem
choice — so conditional controls are checked too.

What a shared link must do (issue 6):
- every control is bound to the URL (`bind="query-params"`), so the URL carries the whole state;
- a link with a value for every control restores each of them, and a fresh session given those
  values by clicking shows exactly the same text and numbers (nothing else shapes the view);
- garbage or stale values fall back to the defaults, with a notice naming them, never an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as tree

from tests.app.page_runner import REPO_ROOT, as_read, run_page, shown_text

PAGES = sorted(
    path.relative_to(REPO_ROOT).as_posix() for path in (REPO_ROOT / "pages").glob("*.py")
)
PAGE_IDS = [Path(page).stem for page in PAGES]

# Controls that only trigger something and hold no state a link could carry.
STATELESS = (tree.Button, tree.DownloadButton, tree.LinkButton, tree.PageLink)
# Controls whose choice can change which other controls exist.
SELECTORS = (tree.Selectbox, tree.Radio, tree.ButtonGroup)
TEXT = (tree.TextInput, tree.TextArea)
GARBAGE = ("garbage", "nan", "inf", "1e300", "", "[1, 2]", "💥" * 200)
NOTICE_KINDS = ("info", "warning")


def walk(node) -> list:
    """Every element below `node`, depth first."""
    found = [node]
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        children = list(children.values())
    for child in children or []:
        found += walk(child)
    return found


def controls(app: AppTest) -> dict[str, tree.Widget]:
    """The page's stateful controls by key (sidebar and main area)."""
    return {
        node.key: node
        for node in walk(app._tree)
        if isinstance(node, tree.Widget) and not isinstance(node, STATELESS) and node.key
    }


def is_bound(widget: tree.Widget) -> bool:
    proto = widget.proto
    return "query_param_key" in proto.DESCRIPTOR.fields_by_name and proto.HasField(
        "query_param_key"
    )


def state(widget: tree.Widget) -> object:
    """What a control shows, in the form its URL value takes (options by their label)."""
    if isinstance(widget, tree.Selectbox | tree.Radio):
        return None if widget.index is None else widget.options[widget.index]
    if isinstance(widget, tree.ButtonGroup):
        return list(widget.formatted_values)
    if isinstance(widget, tree.SelectSlider):
        value = widget.value
        values = value if isinstance(value, list | tuple) else [value]
        return [str(widget.format_func(v)) for v in values]
    if isinstance(widget, tree.Multiselect):
        return [str(widget.format_func(v)) for v in widget.value]
    value = widget.value
    return list(value) if isinstance(value, tuple) else value


def url_number(value: float | int) -> str:
    """A number as streamlit writes it into the URL: 5.0 → "5", 0.25 → "0.25"."""
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    return str(value)


def other_option(options: list[str], current: str | None) -> str | None:
    """The option before the current one (smaller, hence cheaper, on ordered sliders), else after."""
    if current not in options:
        return options[0] if options else None
    index = options.index(current)
    if index > 0:
        return options[index - 1]
    return options[index + 1] if len(options) > 1 else None


def stepped(value: float, low: float | None, high: float | None, step: float) -> float | None:
    """A different valid value a couple of steps away, preferring smaller (cheaper) settings."""
    for candidate in (value - 2 * step, value + 2 * step, value - step, value + step):
        candidate = round(candidate, 10)
        if (low is None or candidate >= low) and (high is None or candidate <= high):
            return candidate
    return None


@dataclass(frozen=True)
class Choice:
    """A value to put in the link for one control, and what the control must then show."""

    url: str | list[str]
    shows: object


def another_value(widget: tree.Widget) -> Choice | None:
    """A valid, non-default value for the control, or None if it has no other value."""
    if isinstance(widget, tree.Selectbox | tree.Radio):
        option = other_option(widget.options, state(widget))
        return None if option is None else Choice(option, option)
    if isinstance(widget, tree.SelectSlider):
        current = state(widget)
        if len(current) != 1:
            return None
        option = other_option(widget.options, current[0])
        return None if option is None else Choice([option], [option])
    if isinstance(widget, tree.ButtonGroup):
        option = other_option(widget.options, (state(widget) or [None])[0])
        return None if option is None else Choice([option], [option])
    if isinstance(widget, tree.Checkbox | tree.Toggle):
        return Choice(str(not widget.value).lower(), not widget.value)
    if isinstance(widget, tree.Slider | tree.NumberInput):
        value = widget.value
        if isinstance(value, list | tuple):
            return None
        is_int = isinstance(value, int) or (
            isinstance(widget, tree.NumberInput) and widget.proto.data_type == widget.proto.INT
        )
        low, high = widget.min, widget.max
        step = widget.step or (1 if is_int else 0.01)
        if value is None:  # an input left empty on purpose ("use the natural default")
            value = low if low is not None else 0.0
        candidate = stepped(float(value), low, high, float(step))
        if candidate is None:
            return None
        candidate = int(candidate) if is_int else candidate
        return Choice(url_number(candidate), candidate)
    if isinstance(widget, TEXT):
        return None  # free text is page-specific; the garbage test still feeds it junk
    return None


def same(shown: object, expected: object) -> bool:
    if isinstance(shown, float) and isinstance(expected, float | int):
        return math.isclose(shown, expected, rel_tol=1e-12, abs_tol=1e-12)
    return shown == expected


def notices(app: AppTest) -> str:
    return "\n".join(str(element.value) for kind in NOTICE_KINDS for element in getattr(app, kind))


def assert_no_exception(app: AppTest, what: str) -> None:
    assert not app.exception, f"{what}: {[e.value for e in app.exception]}"


# --- runs, views and links ----------------------------------------------------------------------

_RUNS: dict[tuple, AppTest] = {}


def run(page: str, link: dict[str, object] | None = None) -> AppTest:
    """The page opened with `link` in a fresh session; each distinct link runs once per module."""
    frozen = tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in (link or {}).items())
    )
    if (page, frozen) not in _RUNS:
        _RUNS[page, frozen] = run_page(page, link)
    return _RUNS[page, frozen]


def perturbed(app: AppTest, skip: set[str]) -> tuple[dict[str, object], dict[str, object]]:
    """A link moving every non-selector control of `app` (except `skip`) to another valid value,
    and what each control must then show. Selectors get views of their own instead."""
    link, expected = {}, {}
    for key, widget in controls(app).items():
        if key in skip or isinstance(widget, SELECTORS):
            continue
        choice = another_value(widget)
        if choice is not None:
            link[key], expected[key] = choice.url, choice.shows
    return link, expected


def top_level_views(page: str) -> list[dict[str, str]]:
    """{} for the default view, then {selector: option} for every other option of every selector
    the default view shows (the problem choice, a baseline choice, ...)."""
    found: list[dict[str, str]] = [{}]
    for key, widget in controls(run(page)).items():
        if isinstance(widget, SELECTORS) and is_bound(widget):
            current = state(widget)
            current = current[0] if isinstance(current, list) and current else current
            found += [{key: option} for option in widget.options if option != current]
    return found


def restored(app: AppTest, expected: dict[str, object], link: dict[str, object]) -> list[str]:
    """What the page opened by `link` failed to restore."""
    failures = []
    shown = controls(app)
    for key, value in expected.items():
        if key not in shown:
            failures.append(f"{key}: not on the page opened by {link}")
        elif not (same(state(shown[key]), value) or state(shown[key]) == [value]):
            failures.append(f"{key}: link says {value!r}, page shows {state(shown[key])!r}")
    return failures


def test_every_page_is_checked() -> None:
    assert PAGES, "no pages found in pages/"


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_a_link_restores_every_control_of_every_view(page: str) -> None:
    """For each view: a link setting the view's selector and moving every other control opens a
    page showing exactly those values, with every control bound and no notice. Selectors that
    appear only in a view (e.g. the Gaussian's cost) are restored by a link of their own."""
    failures, unbound = [], set()
    top_level = set().union(*top_level_views(page))
    for view in top_level_views(page):
        link, expected = perturbed(run(page), skip=set(view))
        link |= view
        app = run(page, link)
        # The view can bring controls the default lacks: move those too (one more link).
        more_link, more_expected = perturbed(app, skip=set(view))
        if set(more_link) - set(link):
            link, expected = more_link | view, more_expected
            app = run(page, link)
        assert_no_exception(app, f"link {link}")
        failures += restored(app, expected | view, link)
        if "This link carried values" in notices(app):
            failures.append(f"a valid link got a notice: {link} → {notices(app)}")
        present = controls(app)
        unbound |= {key for key, widget in present.items() if not is_bound(widget)}
        for key, widget in present.items():
            if isinstance(widget, SELECTORS) and key not in top_level and is_bound(widget):
                current = state(widget)
                current = current[0] if isinstance(current, list) and current else current
                option = other_option(widget.options, current)
                if option is None:
                    continue
                nested = view | {key: option}
                nested_app = run(page, nested)
                assert_no_exception(nested_app, f"link {nested}")
                failures += restored(nested_app, nested, nested)
    assert not unbound, f"controls a link cannot carry — add bind='query-params': {sorted(unbound)}"
    assert not failures, "\n".join(failures)


def click_to(page: str, values: dict[str, object]) -> AppTest:
    """A fresh session that reaches `values` by setting controls, selectors first, as a user would."""
    app = run_page(page)
    for _ in range(4):  # selectors can reveal controls; a few rounds reach a fixed point
        present = controls(app)
        pending = {
            key: value
            for key, value in values.items()
            if key in present and not same(present[key].value, value)
        }
        if not pending:
            return app
        selectors = {k: v for k, v in pending.items() if isinstance(present[k], SELECTORS)}
        for key, value in (selectors or pending).items():
            present[key].set_value(value)
        app.run()
        assert_no_exception(app, f"setting {selectors or pending}")
    return app


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_a_link_shows_the_same_numbers_as_the_view_it_was_copied_from(page: str) -> None:
    """Open a link in a fresh session, then reach the same settings by clicking in another fresh
    session: the two pages show identical text, numbers included (seeds travel in the link)."""
    views = top_level_views(page)
    view = views[1] if len(views) > 1 else {}  # a non-default view: selectors travel too
    link, _ = perturbed(run(page, view), skip=set(view))
    link |= view
    from_link = run(page, link)
    assert_no_exception(from_link, f"link {link}")
    values = {key: widget.value for key, widget in controls(from_link).items() if key in link}
    clicked = click_to(page, values)
    assert shown_text(from_link) == shown_text(clicked)


def garbage_link(page: str, shift: int) -> dict[str, str]:
    """Every bound control of the default view gets junk, a different kind per control."""
    keys = [key for key, widget in controls(run(page)).items() if is_bound(widget)]
    return {key: GARBAGE[(i + shift) % len(GARBAGE)] for i, key in enumerate(keys)}


@pytest.mark.parametrize("shift", range(2))
@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_garbage_link_values_fall_back_to_defaults_with_a_notice(page: str, shift: int) -> None:
    default = controls(run(page))
    link = garbage_link(page, shift)
    app = run(page, link)
    assert_no_exception(app, f"garbage link {link}")
    shown = controls(app)
    notice = notices(app)
    for key, garbage in link.items():
        if isinstance(default[key], TEXT):
            continue  # any text is a valid text; the page must merely survive it
        assert key in shown, f"{key} vanished after the garbage link {link}"
        assert same(state(shown[key]), state(default[key])), (
            f"{key}={garbage!r} was not replaced by the default {state(default[key])!r}"
        )
        assert f"**{key}=" in as_read(notice), (
            f"no notice names the ignored value {key}={garbage!r}"
        )


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
def test_unknown_and_repeated_link_parameters_are_harmless(page: str) -> None:
    keys = list(controls(run(page)))
    link: dict[str, object] = {"zz_stale_parameter": "1", "embed_options": "garbage"}
    if keys:
        link[keys[0]] = ["1", "2", "3"]  # the same key three times
    app = run(page, link)
    assert_no_exception(app, f"link {link}")
