"""A short soak (bench/soak.py runs 200): sequential browser sessions with random valid settings
across every page; none shows an exception, the server logs no traceback, and its resident memory
stays within bench.soak's stated bound."""

from __future__ import annotations

import asyncio
import concurrent.futures
from pathlib import Path

import pytest

from bench.soak import RSS_BOUND_MIB, soak
from tests.e2e.streamlit_helpers import REPO_ROOT, free_port

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

SESSIONS = 20


def test_twenty_sessions_with_random_settings_leave_the_server_healthy_and_bounded(tmp_path: Path):
    result = _in_own_thread(soak(REPO_ROOT, free_port(), SESSIONS, tmp_path / "server.log"))
    print(f"\nsoak RSS (sessions, server MiB, workers MiB): {result.samples}")
    assert not result.failures, result.failures
    assert result.tracebacks == 0
    assert [n for n, _, _ in result.samples] == [0, 20]
    assert max(server for _, server, _ in result.samples) <= RSS_BOUND_MIB


def _in_own_thread(coroutine):
    """asyncio.run(coroutine) in a thread of its own: the session's sync Playwright browser
    keeps an event loop running in the main thread, where asyncio.run refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()
