"""What the forkserver should preload (ui.workers.PRELOAD): memory against first-call latency.

The heavy calls (ui.cache.is_heavy: they take a seed) that the pages make at their defaults
and at the soak's first links are recorded by running each page in AppTest. Then, for each
candidate preload, a fresh interpreter starts ui.workers' pool (forkserver, GATE-sized workers,
resource tracker) with that preload, reads every process's PSS/USS/RSS (bench.soak's reader)
once the workers are up and again after the workers have run every recorded call, and lists
the modules a worker had to import itself. The first-call cost of not preloading is timed in
another fresh interpreter: the candidate preload imported, then `import` of what the calls
needed beyond it. Prints one table; `python -m bench.preload`.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINKS_PER_PAGE = 1  # the soak's first links per page, beside the page's defaults
INTERESTING = ("pandas", "scipy", "core")  # what a preload would hold beyond ui.workers
# The core modules the pages' heavy calls import beyond the current preload (measured here: the
# "modules a worker imported" column of the current preload's row).
LAZY_CORE = (
    "core.bernoulli_units",
    "core.discrete_estimators",
    "core.gae",
    "core.gaussian",
    "core.gaussian_costs",
    "core.log_derivative",
    "core.logistic_policy",
    "core.natural_gradient",
    "core.normal_integrals",
    "core.policy",
    "core.relaxations",
    "core.sample_reuse",
    "core.score_studies",
    "core.surrogate",
    "core.worked_examples",
)
# Candidates: modules dropped from or added to ui.workers.PRELOAD ("all": only ui.workers, which
# imports numpy, core.calls and core.expressions itself, is left).
CANDIDATES: dict[str, dict[str, object]] = {
    "current": {},
    "no pandas": {"drop": ("pandas",)},
    "no scipy": {"drop": ("scipy.integrate", "scipy.special", "scipy.stats")},
    "no pandas, no scipy": {"drop": ("pandas", "scipy.integrate", "scipy.special", "scipy.stats")},
    "ui.workers only": {"drop": "all"},
    "current + core's lazy modules": {"add": LAZY_CORE},
}


def heavy_calls() -> list[object]:
    """The heavy Calls the pages make at their defaults and at the soak's first links, one per
    (function, problem type): the modules a call imports depend on those, not on its sizes."""
    import ui.cache
    from bench.soak import valid_links
    from tests.app.page_runner import run_page
    from tests.app.test_query_params import PAGES

    recorded: list[object] = []
    kinds: set[tuple[str, str, str]] = set()
    original = ui.cache.run

    def record(call):
        kind = (call.module, call.function, type(call.problem).__name__)
        if ui.cache.is_heavy(call) and kind not in kinds:
            kinds.add(kind)
            recorded.append(call)
        return original(call)

    ui.cache.run = record
    try:
        links = valid_links(LINKS_PER_PAGE * len(PAGES))
        for index, page in enumerate(PAGES):
            run_page(page)
            for _, query in links[index :: len(PAGES)]:
                run_page(page, query)
    finally:
        ui.cache.run = original
    return recorded


def preload_for(name: str) -> list[str]:
    from ui.workers import PRELOAD

    change = CANDIDATES[name]
    if change.get("drop") == "all":
        return ["ui.workers"]
    kept = [module for module in PRELOAD if module not in change.get("drop", ())]
    return [*kept[:-1], *change.get("add", ()), kept[-1]]  # ui.workers stays last


def _measure_pool(preload: list[str], calls_path: str) -> dict[str, object]:
    """In this (fresh) interpreter: the pool with `preload`, its memory before and after the
    calls, and the modules the workers imported beyond the forkserver's."""
    import multiprocessing
    import os

    import ui.workers
    from bench.soak import process_tree_memory
    from ui.admission import cpu_slots

    calls = pickle.loads(Path(calls_path).read_bytes())
    ui.workers.PRELOAD = tuple(preload)
    slots = cpu_slots()
    pool = ui.workers.WorkerPool(slots)
    start = time.perf_counter()
    pool.start()
    started = time.perf_counter() - start
    assert pool.ready, "the pool did not start"

    def memory() -> dict[str, list[float]]:
        by_role: dict[str, list[float]] = {}
        for p in process_tree_memory(os.getpid(), root_role="bench"):
            if p.role != "bench":
                by_role.setdefault(p.role, []).append([p.pss, p.uss, p.rss])
        return by_role

    idle = memory()
    executor = pool._current()
    forkserver_modules = set(executor.submit(_modules).result())
    for call in calls:  # one at a time, the pool picks the worker
        pool.run(call, 60.0)
    imported = set()
    for future in [executor.submit(_modules) for _ in range(4 * slots)]:
        imported |= set(future.result())
    busy = memory()
    pool.shutdown()
    multiprocessing.active_children()
    new = sorted(
        {
            ".".join(m.split(".")[:2])
            for m in imported - forkserver_modules
            if m.split(".")[0] in INTERESTING and not m.split(".")[-1].startswith("_")
        }
    )
    return {"start_s": started, "idle": idle, "after_calls": busy, "imported": new}


def _modules() -> list[str]:
    time.sleep(0.05)  # spread the requests over the workers
    return list(sys.modules)


def _import_cost(preload: list[str], needed: list[str]) -> float:
    """CPU seconds to import `needed` after `preload`, in a fresh interpreter (CPU time, not
    wall clock: on a shared machine the wall clock measures the other load)."""
    code = (
        "import importlib, time\n"
        f"[importlib.import_module(m) for m in {preload!r}]\n"
        "start = time.process_time()\n"
        f"[importlib.import_module(m) for m in {needed!r}]\n"
        "print(time.process_time() - start)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(output.stdout.split()[-1])


def main() -> None:
    from ui.workers import PRELOAD

    saved = Path(tempfile.gettempdir()) / "bench-preload-calls.pickle"
    calls = pickle.loads(saved.read_bytes()) if "--reuse-calls" in sys.argv else heavy_calls()
    saved.write_bytes(pickle.dumps(calls))
    print(f"{len(calls)} heavy calls: {sorted({c.function for c in calls})}")
    with tempfile.TemporaryDirectory() as folder:
        calls_path = Path(folder) / "calls.pickle"
        calls_path.write_bytes(pickle.dumps(calls))
        rows = {}
        names = [a for a in sys.argv[1:] if a in CANDIDATES] or list(CANDIDATES)
        for name in names:
            code = (
                "import json, sys\nfrom bench.preload import _measure_pool, preload_for\n"
                f"print(json.dumps(_measure_pool(preload_for({name!r}), {str(calls_path)!r})))"
            )
            output = subprocess.run(
                [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True
            )
            if output.returncode:
                print(name, "failed:", output.stderr[-2000:])
                continue
            rows[name] = json.loads(output.stdout.splitlines()[-1])
    full = list(PRELOAD)
    print(
        "\n| preload | forkserver PSS / USS / RSS (MiB) | workers PSS / USS / RSS, idle "
        "| workers after the calls | pool total PSS after | modules a worker imported | "
        "their import (CPU) |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, row in rows.items():

        def cell(reading: dict, role: str) -> str:
            values = reading.get(role, [])
            return " / ".join(f"{sum(v[i] for v in values):.0f}" for i in range(3))

        total = sum(v[0] for values in row["after_calls"].values() for v in values)
        needed = row["imported"]
        cost = _import_cost(preload_for(name), needed) if needed else 0.0
        print(
            f"| {name} | {cell(row['idle'], 'forkserver')} | {cell(row['idle'], 'worker')} | "
            f"{cell(row['after_calls'], 'worker')} | {total:.0f} | "
            f"{', '.join(row['imported']) or '—'} | {cost:.2f} s |"
        )
    print(f"\n(current preload: {', '.join(full)})")


if __name__ == "__main__":
    main()
