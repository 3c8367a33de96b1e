"""`python -m bench`: every workload of issue 4 beside its raw-RNG limit, ratio and peak memory.

Sections: (1) per-sample terms, (2) the variance_curve sweep, with peak resident memory in a
fresh interpreter, (3) page renders in AppTest, (6) one sweep in process, on 2 processes and
on a 2-worker Dask LocalCluster, with each executor's cost per task, (7) each page in headless
Chromium: a deep link's first paint and the re-render after one control (bench.browser), (8)
N = 1, 4, 8, 16 heavy browser sessions at once with the home page meanwhile (bench.load), (9) a
200-session soak with the process tree's memory (bench.soak). `--quick` runs fewer rounds; `--only` picks
sections. Nothing here fails on a time: the verdicts are printed, the exit code is 0.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

from bench.measure import Timing, load_average
from bench.report import Row, Target, print_table

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("terms", "sweep", "memory", "pages", "frameworks", "cluster", "browser", "load", "soak")
# The browser sections take minutes of a real server: run them by name (--only browser load soak).
DEFAULT_SECTIONS = SECTIONS[:-3]
SWEEP_MEMORY_LIMIT_MIB = 60.0


def _memory_rows() -> list[Row]:
    from bench.memory_probe import WORKLOADS

    rows = []
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    for workload in WORKLOADS:
        result = subprocess.run(
            [sys.executable, "-m", "bench.memory_probe", workload],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            rows.append(Row(f"sweep {workload}: probe failed", None, note=result.stderr[-300:]))
            continue
        probe = json.loads(result.stdout.strip().splitlines()[-1])
        above_numpy = probe["peak_mib"] - probe["numpy_mib"]
        above_core = probe["peak_mib"] - probe["core_imported_mib"]
        rows.append(
            Row(
                f"sweep {workload}: peak RSS above the interpreter with core imported",
                Timing(above_core, None, None, None),
                Target("absolute", SWEEP_MEMORY_LIMIT_MIB),
                note=(
                    f"peak {probe['peak_mib']:.0f} MiB; {above_numpy:.0f} MiB above NumPy alone "
                    f"({probe['numpy_mib']:.0f} MiB), of which importing core (pandas, SciPy) "
                    f"is {probe['core_imported_mib'] - probe['numpy_mib']:.0f} MiB"
                ),
            )
        )
    return rows


def _print_memory(rows: list[Row]) -> None:
    print("\n## 2b. Peak resident memory of the sweep (fresh interpreter per workload)\n")
    for row in rows:
        if row.timing is None:
            print(f"{row.workload}\n    ↳ {row.note}")
            continue
        verdict = row.target.verdict(row.timing)
        print(f"{row.workload}: +{row.timing.ours:.1f} MiB (target ≤ 60 MiB: {verdict})")
        print(f"    ↳ {row.note}")


def _frameworks() -> None:
    print("\n## 4. PyTorch / JAX comparison (optional)\n")
    for name in ("torch", "jax"):
        try:
            __import__(name)
        except ImportError:
            print(f"{name}: not installed — comparison skipped (it is optional)")
        else:
            print(f"{name}: installed, but no comparison is implemented in this benchmark")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (noisier medians)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(DEFAULT_SECTIONS))
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 7
    sweep_rounds = 1 if args.quick else 3

    print("# Score-Function Lab benchmark (python -m bench)")
    print(
        f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} CPUs, "
        f"load average {load_average()}; bit generator SFC64"
    )
    print(
        "Single-core rows: CPU time of this process (so other processes' load does not count); "
        "worker-pool and page rows: wall clock. Medians over interleaved rounds; ratio = "
        "median of per-round ratios. speed = limit time / our time; time = our time / limit."
    )
    if "terms" in args.only:
        from bench.workloads import per_sample_terms

        print_table(
            "1. Per-sample terms (n = 2^22, written into a preallocated array)",
            per_sample_terms(rounds),
        )
    if "sweep" in args.only:
        from bench.workloads import SWEEP_NS, SWEEP_REPS, sweep

        print_table(
            f"2. variance_curve sweep: reps = {SWEEP_REPS}, n = {list(SWEEP_NS)} "
            f"({SWEEP_REPS * sum(SWEEP_NS):.3g} samples)",
            sweep(sweep_rounds),
        )
    if "memory" in args.only:
        _print_memory(_memory_rows())
    if "pages" in args.only:
        from bench.pages import page_renders

        print_table(
            "3. Page renders (AppTest, warm process, caches cleared per page; CPU time)",
            page_renders(rounds=1 if args.quick else 3),
        )
    if "frameworks" in args.only:
        _frameworks()
    if "cluster" in args.only:
        try:
            from bench.cluster import cluster_rows, print_cluster
            from bench.workloads import SWEEP_NS, SWEEP_REPS

            print_cluster(cluster_rows(sweep_rounds, SWEEP_NS, SWEEP_REPS))
        except ImportError as error:
            print(f"\n(cluster section skipped: {error}; pip install distributed)")
    if "browser" in args.only:
        from bench.browser import browser_rows

        print_table(
            f"7. Pages in Chromium: deep-link first paint, re-render after one control "
            f"(wall clock; load average {load_average()})",
            browser_rows(rounds=3 if args.quick else 5),
        )
    if "load" in args.only:
        import asyncio

        from bench.load import DEFAULT_PORT, LEVELS, measure, print_load

        log = Path("/tmp") / f"bench-load-{DEFAULT_PORT}.log"
        print_load("this checkout", *asyncio.run(measure(ROOT, DEFAULT_PORT, LEVELS, log)))
    if "soak" in args.only:
        import asyncio

        from bench.load import DEFAULT_PORT
        from bench.soak import SESSIONS, print_soak, soak

        log = Path("/tmp") / "bench-soak.log"
        sessions = 40 if args.quick else SESSIONS
        print_soak(asyncio.run(soak(ROOT, DEFAULT_PORT + 1, sessions, log)))


if __name__ == "__main__":
    main()
