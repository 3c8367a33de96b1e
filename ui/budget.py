"""Server policy: caps on the work one request may ask for, so no setting can exhaust memory or
block the server for other visitors.

A Community Cloud container has ~1 GB and 2 cores; at ~1e8 samples/s per core, 2e7 samples is
well under a second of sampling, and chunking keeps memory flat however the budget is spent. A
visitor's own cost f(x) is integrated by quadrature, so its computations stop after
CUSTOM_COST_SECONDS (ui.cache runs every call in core.expressions.evaluation_time_limit).
"""

from __future__ import annotations

from collections.abc import Iterable

MAX_SAMPLES_PER_REQUEST = 20_000_000
CUSTOM_COST_SECONDS = 8.0


def work_of(ns: Iterable[int], reps: int = 1) -> int:
    """Samples a study draws: reps × Σ n."""
    return int(reps) * sum(int(n) for n in ns)


def check_work_budget(ns: Iterable[int], reps: int = 1, cap: int = MAX_SAMPLES_PER_REQUEST) -> int:
    """Return reps × Σn, or raise ValueError saying how far over the cap it is and what to cut."""
    work = work_of(ns, reps)
    if work > cap:
        raise ValueError(
            f"this study would draw {work:,} samples (reps × Σn), over the cap of {cap:,}; "
            f"cut the repetitions or the largest n by a factor of {work / cap:.1f}"
        )
    return work
