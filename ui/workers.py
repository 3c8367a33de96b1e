"""Where admitted Monte Carlo calls run on a server: a pool of worker processes (issue 15).

Sampling in the server's own threads shares the GIL and the cores with the threads that draw
light pages, cache hits and the websocket, so a home page under many heavy sessions waited
behind them. Here `POOL` runs each call ui.cache admits (ui.admission's GATE, one slot per CPU)
in one of GATE.slots worker processes:

- started by multiprocessing's *forkserver*, never forked from the multithreaded server (a
  forked child inherits locks other threads held, and the server's sockets); the forkserver
  imports `PRELOAD` (NumPy, SciPy, pandas, core) once, so a worker starts in milliseconds;
  measured by `python -m bench.preload` (the pages' 33 kinds of heavy call run in the pool): a
  lighter preload saves nothing — without pandas it is still loaded by core's studies (pool PSS
  179 against 180 MiB), without SciPy each worker imports its own copy (222 MiB, and 0.75–0.8 s of
  CPU on a worker's first call) — and preloading the rest of core would save 0.06 s once;
- created lazily, once per server process (`start`, in the background), and created afresh
  when a worker died (BrokenProcessPool): the call is retried once in the new pool, then fails
  with a message;
- bounded in time: a call still running after its wall-clock `limit` (ui.budget's
  `wall_clock_limit` of the view's work) is taken as hung — every process of the pool is
  SIGKILLed (ProcessPoolExecutor cannot stop one task, and a pool that lost one worker is
  broken for all), the pool is rebuilt and the call fails with WorkerTimeoutError, not retried
  (it would hang again). A call of another session in flight in the same pool sees the pool
  break as a death: it runs again in the new pool (once; on its second try it fails with
  WorkerStoppedError, as a death does);
- niced (`WORKER_NICE`): see the constant;
- gone when the server goes, even by SIGKILL: each worker watches the server's pidfd and
  exits when it closes (a forkserver's children would otherwise live on: every worker holds
  the forkserver's "alive" pipe, so the forkserver never sees its parent's end).

No Streamlit here, so a worker imports none: the worker runs `run_limited` of this module.
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import select
import sys
import tempfile
import threading
import time
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from core.calls import Call
from core.expressions import evaluation_time_limit

LOGGER = logging.getLogger(__name__)
ROOT = Path(__file__).resolve().parents[1]
APP_SCRIPT = ROOT / "app.py"
# Workers at a lower CPU priority, so the server thread that draws light pages and cache hits
# wins a core whenever it wants one (CFS weight 110 at nice 10 against 1024 at nice 0: about
# 10 % for a worker while the server is busy, all of a core while it is idle). Production is a
# container of this app alone, where the only competitor is the server itself; on a shared
# host, workers niced behind other users' normal-priority load run slower (seen on the dev VM).
WORKER_NICE = 10
# How long `start` waits for every worker to come up (each starts in milliseconds once the
# forkserver has imported PRELOAD; on a loaded host, seconds).
START_SECONDS = 30.0
# What a worker's calls import, loaded once in the forkserver (core loads the rest lazily).
PRELOAD = (
    "numpy",
    "pandas",
    "scipy.integrate",
    "scipy.special",
    "scipy.stats",
    "core",
    "core.calls",
    "core.checks",
    "core.comparisons",
    "core.derivation",
    "core.exact",
    "core.group_baselines",
    "core.studies",
    "core.summaries",
    "core.variance_studies",
    "ui.workers",
)


class WorkerStoppedError(RuntimeError):
    """A worker process died while running a call, twice (in the pool and in a fresh one)."""


class WorkerTimeoutError(WorkerStoppedError):
    """A call ran past its wall-clock limit: its worker was killed (and the pool rebuilt)."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        super().__init__(
            f"this computation was still running after {limit:.0f} s, its time limit on this "
            "server, so it was stopped; try again (the server may have been busy), or choose "
            "fewer samples"
        )


def run_limited(call: Call, seconds: float) -> object:
    """`call.run()` with a visitor's own f(x) stopped after `seconds` (ExpressionError)."""
    with evaluation_time_limit(seconds):
        return call.run()


def _meet(folder: str, count: int, seconds: float) -> int:
    """Sign in to `folder` and wait (up to `seconds`) until `count` workers have: no worker is
    idle until all have started, so the executor, which starts a worker only when none is
    idle, starts all `count` (one job each)."""
    Path(folder, str(os.getpid())).touch()
    deadline = time.monotonic() + seconds
    while len(os.listdir(folder)) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


def _start_worker(server: int, nice: int) -> None:
    """In a new worker: lower its priority and exit as soon as the server process ends."""
    os.nice(nice)
    try:
        server_handle = os.pidfd_open(server)
    except ProcessLookupError:  # the server is already gone
        os._exit(0)
    except (AttributeError, OSError):  # no pidfd (not Linux ≥ 5.3): poll the pid instead
        server_handle = None
    threading.Thread(
        target=_exit_with, args=(server, server_handle), name="exit with the server", daemon=True
    ).start()


def _exit_with(server: int, server_handle: int | None) -> None:
    if server_handle is not None:
        select.select([server_handle], [], [])  # readable once the server has exited
    else:
        while _alive(server):
            threading.Event().wait(1.0)
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WorkerPool:
    """`workers` niced worker processes from a forkserver, started on first use."""

    def __init__(self, workers: int, nice: int = WORKER_NICE) -> None:
        self.workers = workers
        self.nice = nice
        self._lock = threading.Lock()
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._started = threading.Event()

    def run(self, call: Call, seconds: float, limit: float | None = None) -> object:
        """`run_limited(call, seconds)` in a worker; core's exceptions pass through. A worker
        that dies breaks the pool: it is replaced and the call runs once more. Still running
        after `limit` seconds (None: no limit): the pool's processes are killed, the pool is
        replaced and WorkerTimeoutError raised."""
        for _ in range(2):
            executor = self._current()
            try:
                return executor.submit(run_limited, call, seconds).result(timeout=limit)
            except BrokenProcessPool:
                self._discard(executor)
            except concurrent.futures.TimeoutError:
                self._kill(executor)
                LOGGER.warning(
                    "%s ran past its limit of %.0f s: workers killed", call.function, limit
                )
                raise WorkerTimeoutError(limit) from None
        raise WorkerStoppedError(
            "the worker process running this computation stopped (twice); try again, or "
            "choose fewer samples"
        )

    @property
    def ready(self) -> bool:
        """Whether `start` has finished: the forkserver has imported PRELOAD, the workers run."""
        return self._started.is_set()

    def start(self) -> None:
        """Start every worker now and then mark the pool ready (a call would start them on
        demand, the first one waiting seconds for the forkserver to import PRELOAD)."""
        executor = self._current()
        try:
            with tempfile.TemporaryDirectory(prefix="workers-start-") as folder:
                jobs = [
                    executor.submit(_meet, folder, self.workers, START_SECONDS)
                    for _ in range(self.workers)
                ]
                for future in jobs:
                    future.result()
        except BrokenProcessPool:  # workers that cannot start: not ready (callers run in-thread)
            self._discard(executor)
            return
        self._started.set()

    def pids(self) -> list[int]:
        """The worker processes now running (for tests and benchmarks)."""
        with self._lock:
            processes = getattr(self._executor, "_processes", None) or {}
            return [pid for pid, process in processes.items() if process.is_alive()]

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)

    def _current(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                # A worker imports this package by the parent's sys.path as it is when the
                # worker starts; Streamlit puts the app's folder there only during a run.
                if str(ROOT) not in sys.path:
                    sys.path.append(str(ROOT))
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(list(PRELOAD))
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    self.workers,
                    mp_context=context,
                    initializer=_start_worker,
                    initargs=(os.getpid(), self.nice),
                )
            return self._executor

    def _kill(self, executor: concurrent.futures.ProcessPoolExecutor) -> None:
        """SIGKILL every process of `executor` (the server's own process is not one of them)
        and stop using it; its management thread then fails the calls still in it with
        BrokenProcessPool and reaps the processes."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
            # ProcessPoolExecutor has no public way to stop its workers (Python 3.14 adds
            # kill_workers); its `_processes` maps each worker's pid to its Process.
            processes = list((getattr(executor, "_processes", None) or {}).values())
        for process in processes:
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def _discard(self, executor: concurrent.futures.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
