"""ui.heap: the imported modules are frozen out of the collector's way once, and what runs create
afterwards is still collected (run in a fresh interpreter: a frozen heap would outlive the test)."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.e2e.streamlit_helpers import REPO_ROOT

PROBE = """
import gc, json, sys, weakref
from ui.heap import freeze_imported_heap, page_modules

before = gc.get_freeze_count()
freeze_imported_heap()  # not a server: nothing happens
outside = gc.get_freeze_count()
freeze_imported_heap(server_only=False)
frozen = gc.get_freeze_count()
freeze_imported_heap(server_only=False)  # a second run changes nothing
again = gc.get_freeze_count()

class Node:
    pass

node = Node()
node.self = node  # a cycle: only the collector frees it
alive = weakref.ref(node)
del node
gc.collect()
missing = [name for name in page_modules() if name not in sys.modules]
print(json.dumps({"before": before, "outside": outside, "frozen": frozen, "again": again,
                  "cycle_collected": alive() is None, "missing": missing,
                  "tracked": len(gc.get_objects())}))
"""


def test_the_imported_heap_is_frozen_once_and_later_cycles_are_still_collected():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["before"] == report["outside"] == 0  # outside a server (AppTest) no freeze
    assert report["frozen"] > 50_000  # core, ui and what they import
    assert report["again"] == report["frozen"]
    assert report["cycle_collected"], "garbage made after the freeze was not collected"
    assert not report["missing"], report["missing"]
    assert report["tracked"] < report["frozen"] / 10  # a collection now walks a small heap


def test_every_module_of_core_and_ui_is_listed_and_none_is_a_command_line_entry():
    from ui.heap import page_modules

    names = page_modules()
    assert {"core.checks", "ui.cache", "ui.charts.palette", "ui.heap"} <= set(names)
    assert not [name for name in names if name.endswith("__main__")]
