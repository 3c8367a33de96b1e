"""ui.workers: the server's pool of forkserver worker processes (issue 15).

A Call and its result cross to a worker and back unchanged, a visitor's f(x) keeps its time
limit there, a worker that dies is replaced (the call retried once, then a clear error), one
that hangs past its wall-clock limit is killed with the pool (which is rebuilt; a call in
flight beside it runs again; the gate's slot is freed), the workers run niced, and they exit
when the process that started them is killed with SIGKILL.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

import core
from core.calls import Call
from tests.e2e.streamlit_helpers import descendants, running
from ui import cache
from ui.workers import (
    WORKER_NICE,
    WorkerPool,
    WorkerStoppedError,
    WorkerTimeoutError,
    run_limited,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
CALLS = "tests.ui.worker_calls"


@pytest.fixture(scope="module")
def pool():
    # A new worker re-runs the main module's file (multiprocessing's spawn preparation). In the
    # server that is app.py, guarded; in this test process an earlier AppTest has left its own
    # temporary script as __main__, so the workers here start from a main module with no file.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "__main__", type(sys)("__main__"))
        workers = WorkerPool(2)
        assert not workers.ready  # until started, ui.cache runs admitted calls in its own thread
        workers.start()
        assert workers.ready and len(workers.pids()) == 2
        yield workers
        workers.shutdown()


def test_a_custom_cost_call_and_its_table_cross_to_a_worker_and_back_unchanged(pool):
    problem = core.Gaussian(0.5, 1.5, core.parse_expression("x**2 + 0.5*x"))
    call = Call.of("variance_curve", problem, ns=(10, 100), reps=20, estimator="score", seed=3)
    in_worker = pool.run(call, 60.0)
    assert isinstance(in_worker, pd.DataFrame) and set(in_worker["n"]) == {10, 100}
    pd.testing.assert_frame_equal(in_worker, run_limited(call, 60.0))


def test_a_slow_custom_cost_is_stopped_by_the_time_limit_inside_the_worker(pool):
    """sin(20x) under N(2, 5²) needs seconds of quadrature; a 0.5 s limit stops it there."""
    slow = core.Gaussian(2.0, 5.0, core.parse_expression("sin(20*x)"))
    start = time.perf_counter()
    with (
        warnings.catch_warnings(),
        pytest.raises(core.ExpressionError, match="took longer than the limit of 0.5 s") as error,
    ):
        warnings.simplefilter("ignore")
        pool.run(Call.of("per_sample_variance", slow, "score"), 0.5)
    assert time.perf_counter() - start < 5.0
    assert error.value.reason.startswith("computing with f(x) = sin(20*x)")


def test_a_worker_that_dies_is_replaced_and_its_call_retried_once(pool, tmp_path):
    flag = str(tmp_path / "died")
    pid = pool.run(Call("dies_once", None, (flag,), (), CALLS), 8.0)
    assert os.path.exists(flag) and pid in pool.pids()
    with pytest.raises(WorkerStoppedError, match="stopped"):
        pool.run(Call("always_dies", None, (), (), CALLS), 8.0)
    assert pool.run(Call("nice_of_worker", None, (), (), CALLS), 8.0) == WORKER_NICE


def _sleeps(seconds: float) -> Call:
    return Call("sleeps", None, (seconds,), (("seed", 0),), CALLS)


def _gone(pids: list[int], seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while any(running(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(running(pid) for pid in pids)


def test_a_worker_that_hangs_past_its_limit_is_killed_with_the_pool_and_the_pool_recovers(pool):
    """A call sleeping 60 s under a 1 s limit: both workers are SIGKILLed (gone, not left
    behind), the call fails at once with WorkerTimeoutError, the neighbour call that was running
    in the other worker runs again in the new pool, and the next call succeeds there."""
    pool.start()  # both workers up (a pool rebuilt after a death starts them on demand)
    before = pool.pids()
    assert len(before) == 2
    with concurrent.futures.ThreadPoolExecutor(1) as other_session:
        neighbour = other_session.submit(pool.run, _sleeps(2.0), 8.0, 30.0)
        time.sleep(0.3)  # the neighbour is asleep in one worker
        start = time.perf_counter()
        with pytest.raises(WorkerTimeoutError, match="still running after 1 s"):
            pool.run(_sleeps(60.0), 8.0, 1.0)
        assert time.perf_counter() - start < 5.0
        assert _gone(before), "a killed worker is still running"
        assert neighbour.result(timeout=30) not in before  # retried, in the new pool
    after = pool.pids()
    assert after and not set(after) & set(before)
    assert pool.run(Call("nice_of_worker", None, (), (), CALLS), 8.0, 5.0) == WORKER_NICE


def test_a_hung_call_through_the_cache_frees_its_gate_slot(pool, monkeypatch):
    monkeypatch.setattr(cache, "POOL", pool)
    monkeypatch.setattr(cache, "in_workers", lambda: True)
    monkeypatch.setattr(cache, "wall_clock_limit", lambda samples: 0.5)
    before = pool.pids()
    with pytest.raises(WorkerTimeoutError):
        cache.run(_sleeps(60.0))
    assert cache.GATE.running == 0 and cache.GATE.waiting == 0
    assert _gone(before)
    assert cache.run(_sleeps(0.0)) in pool.pids()


def _page_3_in_its_guard():
    import runpy
    from pathlib import Path

    import ui
    from ui.guard import run_guarded

    class Page:  # as ui.navigation.run_page runs it
        url_path = "Variance_vs_samples"

        def run(self):
            runpy.run_path(str(Path(ui.__file__).parents[1] / "pages/3_Variance_vs_samples.py"))

    run_guarded(Page())


def test_a_page_whose_computation_hangs_says_so_with_a_link_to_try_again(pool, monkeypatch):
    """Page 3 through the pool with a limit no call meets: the guard shows why, no exception."""
    monkeypatch.setitem(sys.modules, "__main__", sys.modules["__main__"])  # AppTest replaces it
    monkeypatch.setattr(cache, "POOL", pool)
    monkeypatch.setattr(cache, "in_workers", lambda: True)
    monkeypatch.setattr(cache, "wall_clock_limit", lambda samples: 0.001)
    app = AppTest.from_function(_page_3_in_its_guard, default_timeout=60)
    app.query_params.update({"problem": "Gaussian", "seed": "7001"})
    app.run()
    assert not app.exception
    [message] = [error.value for error in app.error]
    assert "The server stopped this computation" in message and "still running after" in message
    assert "[Try again](./Variance_vs_samples?problem=Gaussian&seed=7001)" in message
    assert cache.GATE.running == 0


def test_a_call_within_its_limit_is_not_stopped(pool):
    assert pool.run(_sleeps(0.5), 8.0, 5.0) in pool.pids()


def test_the_workers_exit_when_the_process_that_started_them_is_killed(tmp_path):
    """SIGKILL leaves no handler to run: each worker watches its server's pidfd, and then the
    forkserver and the resource tracker see their pipes close."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        workers = [int(pid) for pid in server.stdout.readline().split()]
        children = descendants(server.pid)  # the workers, the forkserver, the resource tracker
        assert len(workers) == 2 and set(workers) < set(children)
        server.kill()
        server.wait(10)
        deadline = time.monotonic() + 10
        while any(running(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if running(pid)], "processes outlived the server"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, 9)


def test_the_app_sends_admitted_calls_to_the_pool_only_under_its_entry_point(monkeypatch):
    fake_main = type(sys)("__main__")
    fake_main.__file__ = str(REPO_ROOT / "tests" / "conftest.py")  # pytest, or an AppTest's script
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    assert not cache.in_workers()
    fake_main.__file__ = str(REPO_ROOT / "app.py")
    assert cache.in_workers()
    fake_main.__file__ = str(REPO_ROOT / "pages" / "0_Home.py")  # a page run alone
    assert not cache.in_workers()


SERVER = textwrap.dedent(
    """
    import time
    from ui.workers import WorkerPool
    pool = WorkerPool(2)
    pool.start()
    print(*pool.pids(), flush=True)
    time.sleep(60)
    """
)
