"""Fair admission (issue 15): ui.admission's gate and ui.cache's use of it.

The gate runs at most `slots` holders at once, in arrival order, and tells a waiter its place;
ui.cache sends only cache misses of Monte Carlo (seeded) calls through it, and identical misses
from concurrent sessions compute once.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pytest

import core
from core.calls import Call
from ui import cache
from ui.admission import AdmissionGate, cpu_slots

RUNS_LOG = Path(tempfile.gettempdir()) / f"test_admission-{os.getpid()}.log"


def runs() -> list[int]:
    """The seeds counted_draw really ran with (in a worker process or here), in order."""
    return [int(line) for line in RUNS_LOG.read_text().split()] if RUNS_LOG.exists() else []


def counted_draw(problem: core.Problem, *, seed: int, log: str, pause: float = 0.0) -> int:
    """A stand-in Monte Carlo call (it takes a seed), logging each time it really runs."""
    with open(log, "a") as runs_log:
        runs_log.write(f"{seed}\n")
    time.sleep(pause)
    return seed


def counted_exact(problem: core.Problem, *, log: str) -> float:
    counted_draw(problem, seed=-1, log=log)
    return problem.expected_value()


def draw(seed: int, pause: float = 0.0) -> Call:
    keywords = (("seed", seed), ("log", str(RUNS_LOG)), ("pause", pause))
    return Call("counted_draw", core.Bandit(0.5), (), keywords, __name__)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.compute.clear()
    RUNS_LOG.unlink(missing_ok=True)
    yield
    cache.compute.clear()
    RUNS_LOG.unlink(missing_ok=True)


def _hold_every_slot(gate: AdmissionGate) -> tuple[threading.Event, list[threading.Thread]]:
    """Threads holding all of `gate`'s slots until the returned event is set."""
    release, holding = threading.Event(), threading.Barrier(gate.slots + 1)

    def hold():
        with gate.admitted():
            holding.wait()
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(gate.slots)]
    for thread in threads:
        thread.start()
    holding.wait()
    return release, threads


def test_the_gate_is_sized_to_the_cpus_this_process_may_use(tmp_path):
    assert cpu_slots() == len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text("150000 100000\n")  # a container allowed 1.5 CPUs
    assert cpu_slots(str(quota)) == min(2, len(os.sched_getaffinity(0)))
    quota.write_text("50000 100000\n")  # half a CPU: still one slot
    assert cpu_slots(str(quota)) == 1
    quota.write_text("max 100000\n")
    assert cpu_slots(str(quota)) == len(os.sched_getaffinity(0))
    assert cache.GATE.slots == cpu_slots()
    with pytest.raises(ValueError, match="slots"):
        AdmissionGate(0)


def test_at_most_slots_run_at_once_and_waiters_are_admitted_in_arrival_order():
    gate = AdmissionGate(2, poll=0.01)
    release, holders = _hold_every_slot(gate)
    order, peak, lock = [], [0], threading.Lock()

    def worker(index):
        with gate.admitted():
            with lock:
                order.append(index)
                peak[0] = max(peak[0], gate.running)
            time.sleep(0.02)

    workers = []
    for index in range(6):
        workers.append(threading.Thread(target=worker, args=(index,)))
        workers[-1].start()
        while gate.waiting < index + 1:  # queued in this order
            time.sleep(0.001)
    release.set()
    for thread in holders + workers:
        thread.join(10)
    assert order == list(range(6))
    assert peak[0] <= 2 and gate.running == 0 and gate.waiting == 0


def test_a_waiter_hears_its_position_and_leaving_the_queue_frees_its_place():
    gate = AdmissionGate(1, poll=0.01)
    release, holders = _hold_every_slot(gate)
    heard: list[tuple[int, int]] = []
    behind_admitted = threading.Event()

    class LeftThePageError(Exception):
        pass

    def behind():
        with gate.admitted():
            behind_admitted.set()

    def impatient(position, waiting):
        heard.append((position, waiting))
        if len(heard) == 1:  # a second visitor queues behind this one
            threading.Thread(target=behind).start()
            while gate.waiting < 2:
                time.sleep(0.001)
        elif len(heard) >= 3:
            raise LeftThePageError

    with pytest.raises(LeftThePageError), gate.admitted(impatient):
        pass
    assert heard[0] == (1, 1) and heard[-1] == (1, 2) and gate.waiting == 1
    release.set()
    for thread in holders:
        thread.join(10)
    assert behind_admitted.wait(5)  # the one behind moved up and got in
    assert gate.waiting == 0


def test_a_cache_hit_and_an_exact_call_never_wait_for_a_full_gate():
    cache.compute(draw(7))
    release, holders = _hold_every_slot(cache.GATE)
    try:
        start = time.perf_counter()
        assert cache.compute(draw(7)) == 7  # hit: no gate
        exact = Call("counted_exact", core.Bandit(0.0), (), (("log", str(RUNS_LOG)),), __name__)
        assert cache.compute(exact) == 7.5
        assert time.perf_counter() - start < 1.0
        finished = []
        miss = threading.Thread(target=lambda: finished.append(cache.compute(draw(8))))
        miss.start()
        miss.join(0.5)
        assert not finished and cache.GATE.waiting == 1  # a seeded miss waits its turn
    finally:
        release.set()
        for thread in holders:
            thread.join(10)
    miss.join(10)
    assert finished == [8] and runs() == [7, -1, 8]


def test_identical_misses_from_concurrent_sessions_compute_once():
    results = []
    sessions = [
        threading.Thread(target=lambda: results.append(cache.compute(draw(3, pause=0.3))))
        for _ in range(4)
    ]
    for thread in sessions:
        thread.start()
    for thread in sessions:
        thread.join(10)
    assert results == [3, 3, 3, 3] and runs() == [3]


def test_the_load_bench_holds_only_a_visible_wait_to_its_notice(tmp_path):
    """bench.load reads ui.cache's two log lines: a session whose wait lasted VISIBLE_WAIT_S or
    more, or never ended, must have had its notice; a wait of a few ms need not."""
    from bench.load import VISIBLE_WAIT_S, queued_sessions, visibly_queued_sessions

    lines = [
        cache.QUEUED_LOG % ("short", 1, 1),
        cache.QUEUE_OVER_LOG % ("short", 0.004),
        cache.QUEUED_LOG % ("long", 2, 2),
        cache.QUEUE_OVER_LOG % ("long", 0.02),
        cache.QUEUED_LOG % ("long", 1, 1),
        cache.QUEUE_OVER_LOG % ("long", VISIBLE_WAIT_S + 1.0),
        cache.QUEUED_LOG % ("unended", 1, 3),
    ]
    log = tmp_path / "server.log"
    log.write_text("".join(f"2026-12-02 14:54:57.233 {line}\n" for line in lines))
    assert queued_sessions(log) == {"short", "long", "unended"}
    assert visibly_queued_sessions(log) == {"long", "unended"}


def _page_with_one_heavy_call():
    from tests.ui.test_admission import draw
    from ui import cache

    cache.compute(draw(11))


def test_a_page_whose_call_waits_draws_its_notice_and_logs_how_long_it_stood(monkeypatch):
    """A Monte Carlo call behind a full gate, from a page: the page is sent the "Queued
    (position k of m)" notice (the server logs QUEUED_LOG when it is drawn) and, once admitted,
    the notice is cleared and the wait's length logged (QUEUE_OVER_LOG). tests/e2e/test_load.py
    checks that browsers receive it; this is the page's side, with a wait of a known length."""
    from streamlit.testing.v1 import AppTest

    logged: list[str] = []
    monkeypatch.setattr(cache.LOGGER, "info", lambda message, *args: logged.append(message % args))
    release, holders = _hold_every_slot(cache.GATE)

    def open_the_gate_once_the_notice_stood_a_while():
        deadline = time.monotonic() + 20
        while not any(line.startswith("queue notice sent") for line in logged):
            if time.monotonic() > deadline:
                break
            time.sleep(0.01)
        time.sleep(0.6)
        release.set()

    opener = threading.Thread(target=open_the_gate_once_the_notice_stood_a_while)
    opener.start()
    try:
        app = AppTest.from_function(_page_with_one_heavy_call, default_timeout=30).run()
    finally:
        release.set()
        opener.join(30)
        for thread in holders:
            thread.join(10)
    assert not app.exception
    assert runs() == [11]
    sent = [line for line in logged if line.startswith("queue notice sent")]
    over = [line for line in logged if line.startswith("queue wait over")]
    assert len(sent) == 1 and sent[0].endswith("at position 1 of 1"), logged
    assert len(over) == 1, logged
    waited = float(over[0].split(" after ")[1].removesuffix(" s"))
    assert 0.6 <= waited < 10, over
    assert not app.get("progress"), "the notice stayed on the page after the wait"
