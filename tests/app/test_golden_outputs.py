"""Golden outputs: every page state and the CLI show exactly what tests/golden/*.json recorded.

One test per page state (defaults, then one control change) and one for `python -m core`. The
comparison is exact — every number is seeded, so any difference is a real change. An intended
change (a precision fix) is made by `python scripts/golden.py --write` and listed, with its old
and new values, in tests/golden/CHANGES.md; there is no tolerance to widen.
"""

from __future__ import annotations

import functools
import json

import pytest

from scripts import golden


@functools.cache
def rendered(script: str) -> dict[str, dict]:
    """Every state of one page, rendered once per session (a state's test may run alone)."""
    return golden.render_page(script)


def _normalised(record: dict) -> dict:
    """The record as the JSON file stores it (tuples become lists, and so on)."""
    return json.loads(golden.dumps(record))


@pytest.mark.parametrize("state", golden.STATES, ids=[state.name for state in golden.STATES])
def test_page_shows_its_golden_output(state: golden.PageState):
    stored = golden.load(state.filename)
    fresh = _normalised(rendered(state.script)[state.name])
    differences = golden.compare(state.filename, stored, fresh)
    assert not differences, "\n".join(
        [f"{state.filename}: {len(differences)} difference(s) from the golden output", *differences]
    )


def test_cli_prints_its_golden_output():
    stored = golden.load(golden.CLI_FILE)
    fresh = _normalised(golden.cli_record())
    differences = golden.compare(golden.CLI_FILE, stored, fresh)
    assert not differences, "\n".join(
        [
            f"{golden.CLI_FILE}: {len(differences)} difference(s) from the golden output",
            *differences,
        ]
    )


def test_every_golden_file_is_produced_and_every_state_has_a_file():
    """A golden file nothing produces any more, or a state without its file, is a silent gap."""
    produced = {state.filename for state in golden.STATES} | {golden.CLI_FILE}
    stored = {path.name for path in golden.GOLDEN_DIR.glob("*.json")}
    assert stored == produced


def test_the_comparison_reports_a_changed_digit_with_its_path_and_both_values():
    """The diff the other tests rely on finds a one-digit change in a table and names it."""
    old = golden.load("variance.defaults.json")
    new = json.loads(json.dumps(old))
    index = next(i for i, e in enumerate(new["main"]) if e["type"] == "dataframe")
    line = new["main"][index]["csv"][1]
    changed = line.replace("1", "2", 1)
    assert changed != line
    new["main"][index]["csv"][1] = changed
    differences = golden.compare("variance.defaults.json", old, new)
    assert len(differences) == 1
    assert f"main[{index}] dataframe .csv line 2" in differences[0]
    assert line in differences[0] and changed in differences[0]
