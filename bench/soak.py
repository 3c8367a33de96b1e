"""Section 8: soak — sequential browser sessions with random valid settings across all pages,
the whole process tree's memory sampled every SAMPLE_EVERY sessions.

Each session is a fresh Chromium context opening one page (in turn) at a link with a random
valid value for one to three of its controls and a fresh seed, so every session adds cache
entries: the caches' max_entries must bound the server. Sampled per process — the server, the
forkserver, its workers and multiprocessing's resource tracker (ui.workers' pool) — from
/proc/<pid>/smaps_rollup: RSS, PSS (each page divided by the number of processes mapping it,
so PSS sums to the tree's real footprint where RSS counts the forkserver's preloaded pages
once per worker) and USS (pages no other process maps). The verdict bounds the tree's summed
PSS against a 1 GB container (TOTAL_PSS_BOUND_MIB). `--malloc-arenas N` starts the server with
MALLOC_ARENA_MAX=N in its environment (16 is glibc's own limit on 2 cores): the arena cap's
paired soak (bench/RESULTS.md: 2 arenas kept the server level; mallopt from the app at its
first page run did not take — the server had glibc's 16 arenas either way).
`--probe` also reads, inside the server, glibc's heap (mallinfo2), Python's object allocator
and Streamlit's cache sizes (bench/soak_probe/sitecustomize.py). Bounded: SESSION_TIMEOUT_S
per session; a failure is counted, not fatal.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.load import DEFAULT_PORT, render, served_browser, server_tracebacks
from tests.e2e.streamlit_helpers import REPO_ROOT

SESSIONS = 200
SAMPLE_EVERY = 20
SESSION_TIMEOUT_S = 120.0
RSS_BOUND_MIB = 600.0  # the stated bound on the server's own RSS over the soak
CONTAINER_MIB = 1024.0  # Community Cloud: one container of about 1 GB for the whole tree
TOTAL_PSS_BOUND_MIB = 800.0  # the stated bound on the tree's summed PSS (see bench/RESULTS.md)
SEED = 20_261_201
FORMULAS = ("sin(3*x) + (x > 1)", "abs(x - 2)**1.5", "x**2", "where(x > 0, sqrt(abs(x)), -1)")
PROBE_DIR = Path(__file__).resolve().parent / "soak_probe"
ROLES = ("server", "forkserver", "worker", "resource tracker", "other")


@dataclass(frozen=True)
class ProcessMemory:
    """One process's memory from /proc/<pid>/smaps_rollup, MiB: RSS, PSS (shared pages divided
    among the processes that map them), USS (Private_Clean + Private_Dirty) and PSS of
    anonymous pages (heap, stacks: what is not a mapped file)."""

    role: str
    pid: int
    rss: float
    pss: float
    uss: float
    pss_anon: float


@dataclass
class Sample:
    sessions: int
    processes: list[ProcessMemory]
    probe: dict[str, float] | None = None

    def total(self, kind: str, role: str | None = None) -> float:
        """Summed `kind` (rss, pss, uss, pss_anon) over the tree, or over one role, MiB."""
        return sum(getattr(p, kind) for p in self.processes if role in (None, p.role))

    @property
    def server_rss(self) -> float:
        return self.total("rss", "server")


@dataclass
class Soak:
    samples: list[Sample] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    tracebacks: int = 0
    malloc_arenas: int | None = None


def smaps_rollup_mib(pid: int) -> dict[str, float]:
    """The kB fields of /proc/<pid>/smaps_rollup (Rss, Pss, Private_Dirty, …) in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, value = line.partition(":")
        number, unit = value.split()
        if unit == "kB":
            fields[name] = int(number) / 1024
    return fields


def process_tree_memory(pid: int, root_role: str = "server") -> list[ProcessMemory]:
    """ProcessMemory of `pid` and every descendant, each named by its role in ui.workers' pool:
    the forkserver and the resource tracker by their command lines, a worker as a child of the
    forkserver. A process that exits while it is read is left out."""
    import psutil

    root = psutil.Process(pid)
    tree = [root, *root.children(recursive=True)]
    roles = {pid: root_role}
    forking = set()  # the forkserver and its workers: a forked worker keeps its command line
    for process in tree:
        with contextlib.suppress(psutil.Error):
            command = " ".join(process.cmdline())
            if process.pid != pid and "multiprocessing.forkserver" in command:
                forking.add(process.pid)
            elif process.pid != pid and "multiprocessing.resource_tracker" in command:
                roles[process.pid] = "resource tracker"
    parents = {}
    for process in tree:
        with contextlib.suppress(psutil.Error):
            parents[process.pid] = process.ppid()
    forkservers = {p for p in forking if parents.get(p) not in forking}
    roles.update({p: "forkserver" for p in forkservers})
    memory = []
    for process in tree:
        try:
            role = roles.get(process.pid) or (
                "worker" if parents.get(process.pid) in forkservers else "other"
            )
            fields = smaps_rollup_mib(process.pid)
        except (psutil.Error, FileNotFoundError, ProcessLookupError):
            continue
        uss = fields["Private_Clean"] + fields["Private_Dirty"]
        memory.append(
            ProcessMemory(role, process.pid, fields["Rss"], fields["Pss"], uss, fields["Pss_Anon"])
        )
    return memory


def read_probe(pid: int, out: Path, timeout: float = 30.0) -> dict[str, float] | None:
    """Ask the server (SIGUSR1) for bench/soak_probe's reading and wait for it."""
    out.unlink(missing_ok=True)
    os.kill(pid, signal.SIGUSR1)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if out.exists():
            with contextlib.suppress(json.JSONDecodeError):
                return json.loads(out.read_text())
        time.sleep(0.2)
    return None


@contextlib.contextmanager
def server_environment(malloc_arenas: int | None, probe: Path | None):
    """os.environ for the server the block starts: MALLOC_ARENA_MAX and the probe's hook."""
    saved = dict(os.environ)
    if malloc_arenas is not None:
        os.environ["MALLOC_ARENA_MAX"] = str(malloc_arenas)
    if probe is not None:
        os.environ["PYTHONPATH"] = os.pathsep.join(
            [str(PROBE_DIR), *filter(None, [saved.get("PYTHONPATH")])]
        )
        os.environ["SOAK_PROBE_OUT"] = str(probe)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def valid_links(sessions: int, seed: int = SEED) -> list[tuple[str, dict[str, object]]]:
    """(URL path, query) per session: pages in turn, one to three controls at a random valid
    value (valid by the control's own options and bounds, read by running the page), a seed."""
    from streamlit.testing.v1 import element_tree as tree

    from tests.app.page_runner import run_page
    from tests.app.test_query_params import PAGES, controls
    from tests.e2e.streamlit_helpers import page_url_path

    rng = random.Random(seed)

    def valid(widget) -> object | None:
        if isinstance(widget, tree.Selectbox | tree.Radio):
            return rng.choice(list(widget.options))
        if isinstance(widget, tree.SelectSlider | tree.Multiselect | tree.ButtonGroup):
            return [rng.choice(list(widget.options))] if widget.options else None
        if isinstance(widget, tree.Checkbox | tree.Toggle):
            return rng.choice(["true", "false"])
        if isinstance(widget, tree.Slider | tree.NumberInput):
            value = widget.value
            if isinstance(value, list | tuple) or widget.min is None or widget.max is None:
                return None
            step = float(widget.step or 1)
            steps = int((float(widget.max) - float(widget.min)) / step)
            chosen = float(widget.min) + step * rng.randint(0, max(steps, 0))
            return int(chosen) if isinstance(value, int) else round(chosen, 10)
        if isinstance(widget, tree.TextInput):
            return rng.choice(FORMULAS)
        return None

    shown = {page: controls(run_page(page)) for page in PAGES}
    links = []
    for index in range(sessions):
        page = PAGES[index % len(PAGES)]
        keys = [k for k, w in shown[page].items() if k != "seed" and valid(w) is not None]
        query: dict[str, object] = {}
        for key in rng.sample(keys, min(len(keys), rng.randint(1, 3))):
            query[key] = valid(shown[page][key])
        if "seed" in shown[page]:
            query["seed"] = rng.randint(0, 10**6)
        links.append((page_url_path(REPO_ROOT / page), query))
    return links


async def soak(
    root: Path,
    port: int,
    sessions: int,
    log_path: Path,
    malloc_arenas: int | None = None,
    probe: bool = False,
) -> Soak:
    links = valid_links(sessions)
    result = Soak(malloc_arenas=malloc_arenas)
    probe_out = log_path.with_suffix(".probe.json") if probe else None
    start = time.perf_counter()

    with server_environment(malloc_arenas, probe_out):
        async with served_browser(root, port, log_path) as (process, base_url, browser):

            def sample(n: int) -> Sample:
                reading = read_probe(process.pid, probe_out) if probe_out else None
                return Sample(n, process_tree_memory(process.pid), reading)

            result.samples.append(sample(0))
            for index, (path, query) in enumerate(links, start=1):
                url = f"{base_url}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
                shown = await render(browser, url, SESSION_TIMEOUT_S)
                if shown.exception:
                    result.failures.append(f"{url}: {shown.exception[:200]}")
                if index % SAMPLE_EVERY == 0:
                    result.samples.append(sample(index))
    result.seconds = time.perf_counter() - start
    result.tracebacks = server_tracebacks(log_path)
    return result


def print_soak(result: Soak) -> None:
    sessions = result.samples[-1].sessions
    arenas = (
        "the app's own"
        if result.malloc_arenas is None
        else f"MALLOC_ARENA_MAX={result.malloc_arenas}"
    )
    print(f"\n## 8. Soak: {sessions} sequential sessions, random valid settings, all pages")
    print(
        f"\n(malloc arenas: {arenas}; MiB; PSS / USS / RSS per role, summed over its processes)\n"
    )
    print("| sessions | " + " | ".join(ROLES[:4]) + " | total PSS | total USS | total RSS |")
    print("|---|" + "---|" * 7)
    for s in result.samples:
        cells = [
            f"{s.total('pss', r):.0f} / {s.total('uss', r):.0f} / {s.total('rss', r):.0f}"
            for r in ROLES[:4]
        ]
        totals = [f"{s.total(kind):.0f}" for kind in ("pss", "uss", "rss")]
        print(f"| {s.sessions} | " + " | ".join(cells + totals) + " |")
    probed = [s for s in result.samples if s.probe]
    if probed:
        print(
            "\nInside the server (MiB): glibc's heap in use / free but held / mmapped (arenas); "
            "Python's "
            "allocator arenas / bytes in its blocks; st.cache_data entries and pickled size; "
            "objects gc tracks; sessions Streamlit holds\n"
        )
        print(
            "| sessions | glibc in use / free held / mmapped (arenas) | pymalloc arenas / in blocks "
            "| cache entries / MiB | gc objects | sessions held |"
        )
        print("|---|---|---|---|---|---|")
        for s in probed:
            r = s.probe
            entries = sum(v for k, v in r.items() if k.endswith(")") and "entries" in k)
            print(
                f"| {s.sessions} | {r['glibc in use']:.0f} / {r['glibc free held']:.0f} / "
                f"{r['glibc mmapped']:.0f} ({r.get('glibc arenas', float('nan')):.0f}) | "
                f"{r['pymalloc arenas']:.0f} / "
                f"{r['pymalloc in blocks']:.0f} | {entries:.0f} / {r.get('caches MiB', 0):.1f} | "
                f"{r['gc objects (k)']:.0f} k | {r.get('sessions held', 0):.0f} |"
            )
        last = probed[-1].probe
        caches = sorted({k.split()[1] for k in last if k.startswith("cache ")})
        print(
            f"\nCaches at {probed[-1].sessions} sessions: "
            + "; ".join(
                f"{name} "
                + next(
                    f"{v:.0f} entries ({k.split('(')[1]}"
                    for k, v in last.items()
                    if k.startswith(f"cache {name} entries")
                )
                + f", {last[f'cache {name} MiB']:.2f} MiB"
                + (
                    f", largest {last[f'cache {name} largest MiB']:.3f} MiB"
                    if f"cache {name} largest MiB" in last
                    else ""
                )
                for name in caches
            )
        )
    peak = max(s.server_rss for s in result.samples)
    peak_pss = max(s.total("pss") for s in result.samples)
    after_warm = [s.total("pss") for s in result.samples if s.sessions >= 2 * SAMPLE_EVERY]
    growth = (max(after_warm) - min(after_warm)) if after_warm else float("nan")
    print(
        f"\npeak total PSS {peak_pss:.0f} MiB "
        f"({'within' if peak_pss <= TOTAL_PSS_BOUND_MIB else 'OVER'} the bound of "
        f"{TOTAL_PSS_BOUND_MIB:.0f} MiB; container {CONTAINER_MIB:.0f} MiB); its spread after "
        f"{2 * SAMPLE_EVERY} sessions {growth:.0f} MiB; peak server RSS {peak:.0f} MiB "
        f"({'within' if peak <= RSS_BOUND_MIB else 'OVER'} {RSS_BOUND_MIB:.0f} MiB); "
        f"{result.seconds:.0f} s; failures {len(result.failures)} {result.failures[:3]}; "
        f"server-log tracebacks {result.tracebacks}"
    )


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT + 1)
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    parser.add_argument(
        "--malloc-arenas",
        type=int,
        default=None,
        help="start the server with MALLOC_ARENA_MAX=N (16 = glibc's default on 2 cores)",
    )
    parser.add_argument("--probe", action="store_true", help="read heap and caches in the server")
    parser.add_argument("--json", type=Path, default=None, help="also write the samples here")
    args = parser.parse_args(argv)
    log_path = Path("/tmp") / f"bench-soak-{args.port}.log"
    result = asyncio.run(
        soak(
            args.root.resolve(), args.port, args.sessions, log_path, args.malloc_arenas, args.probe
        )
    )
    print_soak(result)
    if args.json is not None:
        from dataclasses import asdict

        args.json.write_text(json.dumps(asdict(result), indent=1))


if __name__ == "__main__":
    main()
