"""Section 7: load — N heavy browser sessions at once, and the home page rendered meanwhile.

A local server (`streamlit run app.py` of the checkout at `root`, so another commit can be
measured the same way) and one headless Chromium (Playwright, /usr/bin/chromium). For each N,
N sessions open page 3 at once with a setting near the work cap (HEAVY_QUERY: 65 % of the
per-request cap; each its own seed, so no two share a computation); while they run, one more
session opens the home page again and again. Reported: each heavy session's time to a full
render (p50, max), the home page's render time under that load against idle (median, max),
throughput (heavy renders per minute over the round's wall clock), how many sessions were
queued — by the server's own record (its log's QUEUED_LOG lines), by the websocket messages
their browser received, and by what their page painted (a renderer starved of CPU, as at idle
priority, may never paint a notice the next message replaces) — exceptions shown, and
tracebacks in the server log. Bounded: a session
that takes longer than SESSION_TIMEOUT_S counts as a failure, not a hang.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import re
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from tests.e2e.streamlit_helpers import (
    APP_IDLE_JS,
    CHROMIUM_ARGS,
    CHROMIUM_PATH,
    EXCEPTION,
    REPO_ROOT,
    start_streamlit,
    stop_process_group,
    wait_for_health,
)

HEAVY_PATH = "Variance_vs_samples"
# 12,980,000 samples (65 % of ui.budget's cap), measure-valued: N = 10 … 5,000 (7 sizes), 1,000
# repetitions. Every value must be one the page's controls offer (ui.controls.LARGEST_N,
# SWEEP_REPETITIONS): a link value they do not offer falls back to the default, a light page.
HEAVY_QUERY = {"problem": "Gaussian", "nmax": 5000, "reps": 1000, "est": "measure-valued"}
QUEUED_TEXT = "Queued (position"
# ui.cache's QUEUED_LOG line, and the session it names; its QUEUE_OVER_LOG line, with the wait.
QUEUED_LOG = re.compile(r"queue notice sent: session (\S+) at position")
QUEUE_OVER_LOG = re.compile(r"queue wait over: session (\S+) after ([0-9.]+) s")
# A wait at least this long is one a visitor sees, so its notice must reach the browser; a
# shorter one may end before Streamlit sends the notice (ui.cache.QUEUE_OVER_LOG).
VISIBLE_WAIT_S = 0.5
SESSION_TIMEOUT_S = 240.0
POLL_S = 0.2
IDLE_HOME_RENDERS = 5
LEVELS = (1, 4, 8, 16)
DEFAULT_PORT = 8681


@dataclass
class Render:
    seconds: float
    queued: bool = False  # the page showed QUEUED_TEXT at some point
    exception: str = ""  # an exception box's text, or "timeout"
    queue_received: bool = False  # a websocket message to the page carried QUEUED_TEXT


@dataclass
class Round:
    sessions: int
    heavy: list[Render] = field(default_factory=list)
    home: list[float] = field(default_factory=list)
    wall: float = 0.0
    server_queued: int = 0  # sessions the server logged a queue notice for (ui.cache QUEUED_LOG)
    server_queued_visibly: int = 0  # of those, sessions with a wait ≥ VISIBLE_WAIT_S or unended

    @property
    def failures(self) -> list[str]:
        return [render.exception for render in self.heavy if render.exception]

    def summary(self, idle_home: float) -> dict[str, float | int]:
        times = [render.seconds for render in self.heavy]
        home = self.home or [float("nan")]
        return {
            "sessions": self.sessions,
            "heavy_p50_s": statistics.median(times),
            "heavy_max_s": max(times),
            "home_median_s": statistics.median(home),
            "home_max_s": max(home),
            "home_vs_idle": statistics.median(home) / idle_home,
            "home_renders": len(self.home),
            "per_minute": 60.0 * len(times) / self.wall,
            "queued_sessions": sum(render.queued for render in self.heavy),
            "queue_received": sum(render.queue_received for render in self.heavy),
            "server_queued": self.server_queued,
            "server_queued_visibly": self.server_queued_visibly,
            "failures": len(self.failures),
        }


def heavy_url(base_url: str, seed: int, query: dict = HEAVY_QUERY) -> str:
    return f"{base_url}/{HEAVY_PATH}?" + urlencode({**query, "seed": seed})


# Sets window.sawQueued the moment QUEUED_TEXT enters the page, however briefly it stays.
WATCH_QUEUE_JS = (
    "new MutationObserver((changes) => { for (const change of changes) {"
    " const nodes = [change.target, ...change.addedNodes];"
    f" if (nodes.some((n) => (n.textContent || '').includes({QUEUED_TEXT!r})))"
    " { window.sawQueued = true; } } }).observe(document,"
    " {subtree: true, childList: true, characterData: true});"
)


def _watch_frames(page, received: list[bool]) -> None:
    """Append to `received` whether each websocket message to `page` carries QUEUED_TEXT (seen
    by Playwright as the browser receives it, whether or not its renderer paints it)."""

    def on_frame(payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        received.append(QUEUED_TEXT.encode() in data)

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))


async def render(browser, url: str, timeout_s: float = SESSION_TIMEOUT_S) -> Render:
    """Open `url` in a fresh context (a new session) and time it to a full, idle render."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    await context.add_init_script(WATCH_QUEUE_JS)
    page = await context.new_page()
    received: list[bool] = []
    _watch_frames(page, received)
    start = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded", timeout=timeout_s * 1000)
        while not await page.evaluate(APP_IDLE_JS):
            if time.perf_counter() - start > timeout_s:
                return Render(time.perf_counter() - start, False, "timeout", any(received))
            await asyncio.sleep(POLL_S)
        seconds = time.perf_counter() - start
        queued = bool(await page.evaluate("() => window.sawQueued === true"))
        boxes = page.locator(EXCEPTION)
        shown = await boxes.first.inner_text() if await boxes.count() else ""
        return Render(seconds, queued, shown, any(received))
    finally:
        await context.close()


async def idle_home_time(browser, base_url: str, renders: int = IDLE_HOME_RENDERS) -> float:
    await render(browser, base_url + "/")  # the server's first page load warms its imports
    times = [(await render(browser, base_url + "/")).seconds for _ in range(renders)]
    return statistics.median(times)


async def load_round(
    browser,
    base_url: str,
    sessions: int,
    first_seed: int,
    query: dict = HEAVY_QUERY,
    heavy=None,
    log_path: Path | None = None,
) -> Round:
    """`sessions` heavy renders at once (seeds first_seed, first_seed + 1, …; in the browser
    `heavy`, by default `browser`), and home page renders in `browser`, one after another,
    until they are all done; the server's log at `log_path` says which sessions it queued."""
    result = Round(sessions)
    logged = _log_size(log_path)
    start = time.perf_counter()
    heavy_browser = browser if heavy is None else heavy
    heavy = [
        asyncio.create_task(render(heavy_browser, heavy_url(base_url, first_seed + i, query)))
        for i in range(sessions)
    ]
    while not all(task.done() for task in heavy):
        result.home.append((await render(browser, base_url + "/")).seconds)
    result.heavy = [task.result() for task in heavy]
    result.wall = time.perf_counter() - start
    result.server_queued = len(queued_sessions(log_path, logged))
    result.server_queued_visibly = len(visibly_queued_sessions(log_path, logged))
    return result


def _log_size(log_path: Path | None) -> int:
    return log_path.stat().st_size if log_path is not None and log_path.exists() else 0


def _log_text(log_path: Path | None, offset: int) -> str:
    if log_path is None or not log_path.exists():
        return ""
    with log_path.open("rb") as log:
        log.seek(offset)
        return log.read().decode(errors="replace")


def queued_sessions(log_path: Path | None, offset: int = 0) -> set[str]:
    """The sessions the server logged a queue notice for (ui.cache's QUEUED_LOG), after byte
    `offset` of its log."""
    return set(QUEUED_LOG.findall(_log_text(log_path, offset)))


def visibly_queued_sessions(log_path: Path | None, offset: int = 0) -> set[str]:
    """Of `queued_sessions`, those with a wait a visitor sees: one of VISIBLE_WAIT_S or more
    (ui.cache's QUEUE_OVER_LOG), or one the log never saw end."""
    text = _log_text(log_path, offset)
    starts = collections.Counter(QUEUED_LOG.findall(text))
    ends: dict[str, list[float]] = collections.defaultdict(list)
    for session, seconds in QUEUE_OVER_LOG.findall(text):
        ends[session].append(float(seconds))
    return {
        session
        for session, waits in starts.items()
        if len(ends[session]) < waits or max(ends[session]) >= VISIBLE_WAIT_S
    }


def server_tracebacks(log_path: Path) -> int:
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return text.count("Traceback (most recent call last)")


@contextlib.asynccontextmanager
async def served_browser(root: Path, port: int, log_path: Path):
    """(server process, base URL, Chromium) for the block: `streamlit run` of the checkout at
    `root` on `port`, logging to `log_path`, stopped at the end with the browser."""
    from playwright.async_api import async_playwright

    process = start_streamlit(port, log_path, root=root)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(base_url, process, log_path)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS
            )
            try:
                yield process, base_url, browser
            finally:
                await browser.close()
    finally:
        stop_process_group(process)


@contextlib.asynccontextmanager
async def idle_priority_browser():
    """A second Chromium whose processes run under SCHED_IDLE (`chrt --idle 0` in a wrapper
    script): the heavy sessions' browsers, which in production are the visitors' own machines,
    not the server's cores. Not `nice`: Chromium running as root resets its processes' nice
    values (its renderers ran at 0 and 5, its browser process at −8, under `nice -n 19`), but it
    leaves their scheduling policy, which its children inherit."""
    from playwright.async_api import async_playwright

    with tempfile.TemporaryDirectory() as folder:
        wrapper = Path(folder) / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec chrt --idle 0 {CHROMIUM_PATH} "$@"\n')
        wrapper.chmod(0o755)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(wrapper), args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                await browser.close()


async def measure(
    root: Path,
    port: int,
    levels: tuple[int, ...],
    log_path: Path,
    idle_heavy_clients: bool = False,
) -> tuple[float, list[Round], int]:
    """(idle home render time, one Round per level, tracebacks in the server log). With
    `idle_heavy_clients`, the heavy sessions run in a second Chromium at idle CPU priority while
    the home page is timed in the first, at normal priority."""
    async with contextlib.AsyncExitStack() as stack:
        _, base_url, browser = await stack.enter_async_context(served_browser(root, port, log_path))
        heavy = browser
        if idle_heavy_clients:
            heavy = await stack.enter_async_context(idle_priority_browser())
        await render(heavy, heavy_url(base_url, 1))  # warm the heavy page's imports
        idle = await idle_home_time(browser, base_url)
        rounds = [
            await load_round(browser, base_url, n, 1000 * n, heavy=heavy, log_path=log_path)
            for n in levels
        ]
    return idle, rounds, server_tracebacks(log_path)


def print_load(label: str, idle: float, rounds: list[Round], tracebacks: int) -> None:
    print(f"\n## 7. Load ({label}): N heavy sessions at once, home page meanwhile\n")
    print(f"home page idle: {idle:.2f} s (median of {IDLE_HOME_RENDERS}); heavy: /{HEAVY_PATH}?")
    print(f"{urlencode(HEAVY_QUERY)} with a seed per session\n")
    print(
        "| N | heavy p50 | heavy max | home median (× idle) | home max | renders/min "
        "| queued: server / received / painted |"
    )
    print("|---|---|---|---|---|---|---|")
    for result in rounds:
        s = result.summary(idle)
        print(
            f"| {s['sessions']} | {s['heavy_p50_s']:.1f} s | {s['heavy_max_s']:.1f} s | "
            f"{s['home_median_s']:.2f} s ({s['home_vs_idle']:.1f}×) | {s['home_max_s']:.2f} s | "
            f"{s['per_minute']:.1f} | {s['server_queued']} / {s['queue_received']} / "
            f"{s['queued_sessions']} of {s['sessions']} |"
        )
    failures = [f for result in rounds for f in result.failures]
    print(f"\nexceptions or timeouts: {len(failures)} {failures[:3]}; server-log tracebacks: "
          f"{tracebacks}")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="checkout whose app to serve")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--levels", type=int, nargs="+", default=list(LEVELS))
    parser.add_argument("--label", default="this checkout")
    parser.add_argument(
        "--idle-heavy-clients", action="store_true",
        help="run the heavy sessions in a second Chromium at idle CPU priority (SCHED_IDLE; "
        "their browsers are the visitors' machines in production); the home page is timed at "
        "normal priority",
    )  # fmt: skip
    args = parser.parse_args(argv)
    log_path = Path("/tmp") / f"bench-load-{args.port}.log"
    idle, rounds, tracebacks = asyncio.run(
        measure(args.root.resolve(), args.port, tuple(args.levels), log_path,
                args.idle_heavy_clients)
    )  # fmt: skip
    label = args.label
    if args.idle_heavy_clients:
        label += "; heavy sessions' Chromium at idle priority (SCHED_IDLE)"
    print_load(label, idle, rounds, tracebacks)


if __name__ == "__main__":
    main()
