"""Fair admission: one process-wide gate that lets at most one heavy computation per CPU run.

Without it every session's sampling runs at once and shares the cores, so N heavy visitors each
take N times as long and a light page waits behind all of them (issue 15). The gate admits in
arrival order (FIFO tickets); a waiting caller is told its position every `poll` seconds, so
the page can say "queued (position k)" and the visitor may leave the queue (a rerun or stop
raised by `on_wait` removes the ticket). No Streamlit here: ui.cache decides what is heavy
and draws the queue.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator

CGROUP_CPU_MAX = "/sys/fs/cgroup/cpu.max"


def cpu_slots(cgroup_cpu_max: str = CGROUP_CPU_MAX) -> int:
    """CPUs this process may run on (sched_getaffinity, else os.cpu_count), at least 1, and no
    more than a container's CPU quota (cgroup v2 cpu.max "quota period", rounded up)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        with open(cgroup_cpu_max) as limit:
            quota, period = limit.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, -(-int(quota) // int(period)))
    except (OSError, ValueError):
        pass
    return max(1, cpus)


class AdmissionGate:
    """At most `slots` holders at once; the rest wait in arrival order."""

    def __init__(self, slots: int, poll: float = 0.25) -> None:
        if slots < 1:
            raise ValueError(f"slots must be ≥ 1, got {slots}")
        self.slots = slots
        self.poll = poll
        self._running = 0
        self._queue: deque[object] = deque()
        self._changed = threading.Condition()

    @property
    def running(self) -> int:
        return self._running

    @property
    def waiting(self) -> int:
        return len(self._queue)

    @contextlib.contextmanager
    def admitted(self, on_wait: Callable[[int, int], None] | None = None) -> Iterator[bool]:
        """Hold one slot for the block; yields whether the caller had to wait. While waiting,
        `on_wait(position, waiting)` runs (outside the lock) every `poll` seconds, position 1
        being next; whatever it raises removes the caller from the queue and propagates."""
        ticket = object()
        with self._changed:
            waited = bool(self._queue) or self._running >= self.slots
            if waited:
                self._queue.append(ticket)
            else:
                self._running += 1
        if waited:
            self._wait_for_turn(ticket, on_wait)
        try:
            yield waited
        finally:
            with self._changed:
                self._running -= 1
                self._changed.notify_all()

    def _wait_for_turn(self, ticket: object, on_wait: Callable[[int, int], None] | None) -> None:
        try:
            while True:
                with self._changed:
                    if self._queue[0] is ticket and self._running < self.slots:
                        self._queue.popleft()
                        self._running += 1
                        self._changed.notify_all()  # the next in line may fit too
                        return
                    position, waiting = self._queue.index(ticket) + 1, len(self._queue)
                if on_wait is not None:
                    on_wait(position, waiting)
                with self._changed:
                    if not (self._queue[0] is ticket and self._running < self.slots):
                        self._changed.wait(self.poll)
        except BaseException:
            with self._changed:
                if ticket in self._queue:
                    self._queue.remove(ticket)
                self._changed.notify_all()
            raise
