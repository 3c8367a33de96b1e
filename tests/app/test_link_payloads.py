"""Shared links and typed text must not plant links, images, HTML or emphasis in the app's boxes.

Issue 16: a crafted link put a clickable "Log in" link in the "values this page cannot use"
notice, a remote image that the browser fetched, and a phishing link in page 5's heading (the
parser kept `#` comments). Here every payload goes into every URL key of every page view (and
into the custom-cost text box), and every markdown-bearing element the page renders (headings,
markdown, captions, alerts, metric and expander labels) is parsed the way CommonMark + GFM read
it: a link, image, autolink or HTML tag in it must be one the page shows without the payload,
and none may name evil.invalid.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import element_tree as tree

from tests.app.page_runner import run_page
from tests.app.test_query_params import PAGE_IDS, PAGES, controls, run, top_level_views, walk

PAYLOADS = (
    "1` [Log in](https://evil.invalid/x) `",
    "![a](https://evil.invalid/p.png)",
    "<img src=x onerror=alert(1)>",
    "**bold**",
    "x # [Session expired](https://evil.invalid/login)",
    "x if 1 else www.evil.invalid",
    "<https://evil.invalid/a> me@evil.invalid :red[alarm] $x$",
)
PAYLOAD_IDS = [f"payload{i}" for i in range(len(PAYLOADS))]
EVIL = "evil.invalid"

# -- what markdown reads as markup ------------------------------------------------------------

_ASCII_PUNCTUATION = re.compile(r"\\[!-/:-@\[-`{-~]")
_MARKUP = re.compile(
    r"!?\[[^\]]*\]\([^)]*\)"  # inline link or image [text](target), ![alt](src)
    r"|<[A-Za-z/!?][^>]*>?"  # an HTML tag or an <scheme:...> autolink
    r"|(?i:\bwww\.[^\s<]+)"  # GFM autolink literals: www.…, scheme://…, user@host.tld
    r"|(?i:\b[a-z][a-z0-9+.-]*://[^\s<]+)"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|\*\*bold\*\*"  # the emphasis payload, read as strong text
)


def _without_code_and_escapes(body: str) -> str:
    """`body` with each backslash escape and each code span replaced by inert characters, the
    way CommonMark reads them (an escaped or code character is never markup)."""
    body = _ASCII_PUNCTUATION.sub("\0\0", body)
    out, i = [], 0
    while i < len(body):
        if body[i] != "`":
            out.append(body[i])
            i += 1
            continue
        run_length = len(body[i:]) - len(body[i:].lstrip("`"))
        fence = "`" * run_length
        close = re.compile(rf"(?<!`){fence}(?!`)").search(body, i + run_length)
        if close is None:  # an unmatched backtick run is literal text
            out.append(fence)
            i += run_length
        else:
            out.append("\0" * (close.end() - i))
            i = close.end()
    return "".join(out)


def markup(body: str) -> list[str]:
    """Every link, image, autolink, HTML tag (and the emphasis payload) markdown finds in body."""
    return _MARKUP.findall(_without_code_and_escapes(body))


def rendered_bodies(app: AppTest) -> list[str]:
    """The markdown source of every element that renders markdown."""
    bodies = []
    for node in walk(app._tree):
        if isinstance(node, tree.Markdown | tree.HeadingBase | tree.AlertBase | tree.Toast):
            bodies.append(str(node.value))
        elif isinstance(node, tree.Metric | tree.Expander | tree.Tab):
            bodies.append(str(node.label))
    return bodies


def planted(app: AppTest, own: set[str]) -> list[str]:
    """Markup the page shows that it does not show without the payload, or that names EVIL."""
    return [
        found
        for body in rendered_bodies(app)
        for found in markup(body)
        if found not in own or EVIL in found
    ]


def own_markup(page: str, view: dict[str, str]) -> set[str]:
    return {found for body in rendered_bodies(run(page, view)) for found in markup(body)}


# -- the scanner itself ------------------------------------------------------------------------


def test_the_scanner_finds_each_payload_raw_and_none_escaped_or_in_code():
    from ui.format import markdown_literal

    for payload in PAYLOADS:  # raw, or inside the old notice's `key=value` code span
        assert markup(payload) or markup(f"`n={payload}`"), payload
        assert not markup(markdown_literal(payload)), markdown_literal(payload)
    assert not markup("`[a](https://evil.invalid)` and \\[b](c)")
    assert markup("`` ` `` [a](https://evil.invalid)") == ["[a](https://evil.invalid)"]


# -- every URL key of every view, and the text box -------------------------------------------


def views_with_their_keys(page: str) -> list[tuple[dict[str, str], list[str]]]:
    """The default view with all its keys, then each view that brings keys of its own."""
    seen: set[str] = set()
    found = []
    for view in top_level_views(page):
        keys = [key for key in controls(run(page, view)) if key not in view]
        if set(keys) - seen:
            found.append((view, keys))
            seen |= set(keys)
    return found


@pytest.mark.parametrize("page", PAGES, ids=PAGE_IDS)
@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_payload_in_every_url_key_plants_no_link_image_or_tag(page: str, payload: str):
    failures = []
    for view, keys in views_with_their_keys(page):
        link = dict.fromkeys(keys, payload) | view
        app = run(page, link)
        assert not app.exception, [e.value for e in app.exception]
        failures += [f"{view}: {found}" for found in planted(app, own_markup(page, view))]
    assert not failures, failures


@pytest.mark.parametrize("payload", PAYLOADS, ids=PAYLOAD_IDS)
def test_a_payload_typed_as_the_custom_cost_plants_no_link_image_or_tag(payload: str):
    page = "pages/5_Continuous_and_nondifferentiable.py"
    app = run_page(page)
    app.text_input(key="f").set_value(payload).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.error, "the payload should be rejected as a formula"
    assert not planted(app, own_markup(page, {})), planted(app, own_markup(page, {}))
