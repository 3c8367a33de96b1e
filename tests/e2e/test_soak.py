"""A short soak (bench/soak.py runs 200): sequential browser sessions with random valid settings
across every page; none shows an exception, the server logs no traceback, the server's resident
memory stays within bench.soak's stated bound, and so does the whole process tree's summed PSS
(server, forkserver, workers, resource tracker: each read from /proc/<pid>/smaps_rollup)."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import pytest

from bench.soak import RSS_BOUND_MIB, TOTAL_PSS_BOUND_MIB, soak
from tests.e2e.streamlit_helpers import REPO_ROOT, free_port
from ui.admission import cpu_slots

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SESSIONS = 20


def test_twenty_sessions_with_random_settings_leave_the_server_healthy_and_bounded(tmp_path: Path):
    result = _in_own_thread(soak(REPO_ROOT, free_port(), SESSIONS, tmp_path / "server.log"))
    last = result.samples[-1]
    print(f"\nsoak memory after {last.sessions} sessions (role, pid, MiB): {last.processes}")
    assert not result.failures, result.failures
    assert result.tracebacks == 0
    assert [s.sessions for s in result.samples] == [0, 20]
    roles = sorted(p.role for p in last.processes)
    assert roles == sorted(["server", "forkserver", "resource tracker"] + ["worker"] * cpu_slots())
    assert max(s.server_rss for s in result.samples) <= RSS_BOUND_MIB
    assert max(s.total("pss") for s in result.samples) <= TOTAL_PSS_BOUND_MIB
    # PSS divides the forkserver's preloaded pages among the processes sharing them
    assert last.total("pss") < last.total("rss")


def _in_own_thread(coroutine):
    """asyncio.run(coroutine) in a thread of its own: the session's sync Playwright browser
    keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
