"""Section 8: soak — sequential browser sessions with random valid settings across all pages,
the server's resident memory sampled every SAMPLE_EVERY sessions.

Each session is a fresh Chromium context opening one page (in turn) at a link with a random
valid value for one to three of its controls and a fresh seed, so every session adds cache
entries: the caches' max_entries must bound the server. Sampled: the server process's RSS and,
separately, its child processes' (ui.workers' pool: the forkserver, multiprocessing's resource
tracker and the workers; a worker's RSS counts the preloaded libraries it shares copy-on-write
with the forkserver, so the sum overstates their memory). Bounded: SESSION_TIMEOUT_S per
session; a failure is counted, not fatal.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.load import DEFAULT_PORT, render, served_browser, server_tracebacks
from tests.e2e.streamlit_helpers import REPO_ROOT

SESSIONS = 200
SAMPLE_EVERY = 20
SESSION_TIMEOUT_S = 120.0
RSS_BOUND_MIB = 600.0  # the stated bound on the server's RSS over the soak (1 GB container)
SEED = 20_261_201
FORMULAS = ("sin(3*x) + (x > 1)", "abs(x - 2)**1.5", "x**2", "where(x > 0, sqrt(abs(x)), -1)")


@dataclass
class Soak:
    samples: list[tuple[int, float, float]] = field(default_factory=list)  # (n, server, workers)
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    tracebacks: int = 0


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


def rss_mib(pid: int) -> tuple[float, float]:
    """(RSS of the process, summed RSS of its child processes), MiB."""
    import psutil

    process = psutil.Process(pid)
    children = sum(child.memory_info().rss for child in process.children(recursive=True))
    return process.memory_info().rss / 2**20, children / 2**20


async def soak(root: Path, port: int, sessions: int, log_path: Path) -> Soak:
    links = valid_links(sessions)
    result = Soak()
    start = time.perf_counter()
    async with served_browser(root, port, log_path) as (process, base_url, browser):
        result.samples.append((0, *rss_mib(process.pid)))
        for index, (path, query) in enumerate(links, start=1):
            url = f"{base_url}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
            shown = await render(browser, url, SESSION_TIMEOUT_S)
            if shown.exception:
                result.failures.append(f"{url}: {shown.exception[:200]}")
            if index % SAMPLE_EVERY == 0:
                result.samples.append((index, *rss_mib(process.pid)))
    result.seconds = time.perf_counter() - start
    result.tracebacks = server_tracebacks(log_path)
    return result


def print_soak(result: Soak) -> None:
    sessions = result.samples[-1][0]
    print(f"\n## 8. Soak: {sessions} sequential sessions, random valid settings, all pages\n")
    print("| sessions | server RSS | workers' RSS |")
    print("|---|---|---|")
    for n, server, workers in result.samples:
        print(f"| {n} | {server:.0f} MiB | {workers:.0f} MiB |")
    peak = max(server for _, server, _ in result.samples)
    after_warm = [server for n, server, _ in result.samples if n >= 2 * SAMPLE_EVERY]
    growth = (max(after_warm) - min(after_warm)) if after_warm else float("nan")
    verdict = "within" if peak <= RSS_BOUND_MIB else "OVER"
    print(
        f"\npeak server RSS {peak:.0f} MiB ({verdict} the bound of {RSS_BOUND_MIB:.0f} MiB); "
        f"spread after {2 * SAMPLE_EVERY} sessions {growth:.0f} MiB; {result.seconds:.0f} s; "
        f"failures {len(result.failures)} {result.failures[:3]}; server-log tracebacks "
        f"{result.tracebacks}"
    )


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", type=int, default=SESSIONS)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT + 1)
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    args = parser.parse_args(argv)
    log_path = Path("/tmp") / f"bench-soak-{args.port}.log"
    print_soak(asyncio.run(soak(args.root.resolve(), args.port, args.sessions, log_path)))


if __name__ == "__main__":
    main()
