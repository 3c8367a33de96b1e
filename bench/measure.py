"""Timing and memory helpers: paired, interleaved runs and peak resident memory.

Each workload is timed against its raw-RNG limit in the same run, alternating limit and
workload round by round, so a slow spell on a shared machine hits both; the ratio reported is
the median of the per-round ratios.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

CLOCKS = {
    # CPU time of this process: what one core spends, untouched by other processes' load.
    "cpu": time.process_time,
    # Wall-clock: what a user waits (used for process pools and page renders).
    "wall": time.perf_counter,
}


def status_kib(field: str) -> int | None:
    """A /proc/self/status field in KiB (VmRSS, VmHWM), or None off Linux."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux ≥ 4.0: write 5 to clear_refs)."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
        return True
    except OSError:
        return False


@dataclass
class Timing:
    ours: float  # median seconds
    limit: float | None  # median seconds of the raw-RNG limit, None when there is none
    ratio: float | None  # median of per-round ours/limit
    peak_mib: float | None  # peak RSS above the RSS before the run, MiB


def peak_above(before_kib: int | None) -> float | None:
    peak = status_kib("VmHWM")
    if peak is None or before_kib is None:
        return None
    return max(peak - before_kib, 0) / 1024


def paired(
    ours: Callable[[], object],
    limit: Callable[[], object] | None,
    rounds: int,
    clock: str = "cpu",
) -> Timing:
    """Median time of `ours` and of `limit`, alternating them, and the median ratio."""
    now = CLOCKS[clock]
    ours()  # warm caches, buffers and imports once, untimed
    ours_times, limit_times, ratios, peaks = [], [], [], []
    for _ in range(rounds):
        if limit is not None:
            start = now()
            limit()
            limit_times.append(now() - start)
        before = status_kib("VmRSS") if reset_peak_rss() else None
        start = now()
        ours()
        ours_times.append(now() - start)
        peaks.append(peak_above(before))
        if limit is not None:
            ratios.append(ours_times[-1] / limit_times[-1])
    known_peaks = [peak for peak in peaks if peak is not None]
    return Timing(
        ours=statistics.median(ours_times),
        limit=statistics.median(limit_times) if limit_times else None,
        ratio=statistics.median(ratios) if ratios else None,
        peak_mib=max(known_peaks) if known_peaks else None,
    )


def load_average() -> str:
    try:
        return ", ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"
