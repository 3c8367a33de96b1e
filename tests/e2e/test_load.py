"""Fair admission under load, small enough for CI (bench/load.py runs N = 1 … 16 in full).

More heavy sessions at once than the server has compute slots, their pages drawn by a second
Chromium at idle CPU priority (SCHED_IDLE: in production the visitors' browsers are their own
machines, not the server's cores; bench.load --idle-heavy-clients) while the home page is timed
in a Chromium at normal priority: each heavy page renders whole (no exception, no timeout), the
home page keeps rendering meanwhile and faster than the heavy pages, the server logs no
traceback, and every session that waited long enough to see it (bench.load.VISIBLE_WAIT_S) was
sent the "Queued (position k)" notice, and no browser got one the server did not send.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import shutil
import statistics
from pathlib import Path

import pytest

from bench.load import (
    HEAVY_QUERY,
    idle_home_time,
    idle_priority_browser,
    load_round,
    served_browser,
    server_tracebacks,
)
from tests.e2e.streamlit_helpers import REPO_ROOT, free_port
from ui.admission import cpu_slots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

# Two sizes only, N = 100 and 5,000 with 1,000 repetitions of the score-function estimator
# (5.1 million samples, 26 % of the work cap, ~0.75 s of one core here; the measure-valued
# estimator of HEAVY_QUERY takes 0.1 s for as many), so sessions opened together may queue.
CI_QUERY = {**HEAVY_QUERY, "est": "score", "nmin": 100, "points": 2}
SESSIONS = min(cpu_slots() + 2, 6)
HOME_BOUND = 2.5  # the home page's median render under load, × its idle time


async def _measure(log: Path):
    async with contextlib.AsyncExitStack() as stack:
        _, base_url, browser = await stack.enter_async_context(
            served_browser(REPO_ROOT, free_port(), log)
        )
        heavy = await stack.enter_async_context(idle_priority_browser())
        idle = await idle_home_time(browser, base_url, renders=3)
        return idle, await load_round(
            browser, base_url, SESSIONS, 500, CI_QUERY, heavy=heavy, log_path=log
        )


def test_heavy_sessions_queue_fairly_and_the_home_page_does_not_wait(tmp_path: Path):
    assert shutil.which("chrt"), "the heavy sessions' browser runs under chrt (util-linux)"
    log = tmp_path / "server.log"
    idle, result = _in_own_thread(_measure(log))
    summary = result.summary(idle)
    print(
        f"\nload, {SESSIONS} heavy sessions (idle-priority Chromium) on {cpu_slots()} slots: "
        f"{summary}, idle home {idle:.2f} s"
    )
    assert not result.failures, result.failures
    assert server_tracebacks(log) == 0, log.read_text()[-3000:]
    assert result.home, "the home page never rendered while the heavy sessions ran"
    assert statistics.median(result.home) < summary["heavy_p50_s"]
    # The bound is 2× idle at 16 sessions (bench.load: 1.5× on an idle machine, 1.5× at
    # 4); 2.5× leaves CI room and still fails the 2.9× of the heavy pages drawn at normal
    # priority on the server's cores.
    assert summary["home_vs_idle"] <= HOME_BOUND, summary
    # Each session that waited VISIBLE_WAIT_S or more was sent its notice (counted as its
    # browser received it: a renderer at idle priority may not paint a notice before the next
    # message replaces it, so what it shows is printed only), and no browser received a notice
    # the server did not log. Whether any session waits at all is not up to this test: the
    # sessions' runs are staggered by their idle-priority browsers and each is under a second
    # (three CI runs queued 4, 1 and 0 sessions; a 50 ms wait may end before Streamlit sends its
    # notice: 4 queued, 3 received). The page's side, a notice drawn and cleared around a wait
    # of known length, is tests/ui/test_admission.py's.
    received, queued = summary["queue_received"], summary["server_queued"]
    assert summary["server_queued_visibly"] <= received <= queued, summary


def _in_own_thread(coroutine):
    """asyncio.run(coroutine) in a thread of its own: the session's sync Playwright browser
    keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
