"""Calls for tests/ui/test_workers.py to run in a worker process: this module imports nothing
heavy, so a fresh worker unpickles them at once (the test module imports Streamlit)."""

from __future__ import annotations

import os
import time
from pathlib import Path


def dies_once(flag: str) -> int:
    """Kill the worker running it the first time (no `flag` file yet); later, its pid."""
    if not os.path.exists(flag):
        Path(flag).touch()
        os._exit(1)
    return os.getpid()


def always_dies() -> None:
    os._exit(1)


def nice_of_worker() -> int:
    return os.nice(0)


def sleeps(seconds: float, seed: int | None = None) -> int:
    """Sleep `seconds` (a worker that hangs, when longer than its limit), then return its pid;
    `seed` makes ui.cache treat it as a Monte Carlo call."""
    time.sleep(seconds)
    return os.getpid()
