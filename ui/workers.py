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
- niced (`WORKER_NICE`): see the constant;
- gone when the server goes, even by SIGKILL: each worker watches the server's pidfd and
  exits when it closes (a forkserver's children would otherwise live on: every worker holds
  the forkserver's "alive" pipe, so the forkserver never sees its parent's end).

No Streamlit here, so a worker imports none: the worker runs `run_limited` of this module.
"""

from __future__ import annotations

import concurrent.futures
import multiprocessing
import os
import select
import sys
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from core.calls import Call
from core.expressions import evaluation_time_limit

ROOT = Path(__file__).resolve().parents[1]
APP_SCRIPT = ROOT / "app.py"
# Workers at a lower CPU priority, so the server thread that draws light pages and cache hits
# wins a core whenever it wants one (CFS weight 110 at nice 10 against 1024 at nice 0: about
# 10 % for a worker while the server is busy, all of a core while it is idle). Production is a
# container of this app alone, where the only competitor is the server itself; on a shared
# host, workers niced behind other users' normal-priority load run slower (seen on the dev VM).
WORKER_NICE = 10
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


def run_limited(call: Call, seconds: float) -> object:
    """`call.run()` with a visitor's own f(x) stopped after `seconds` (ExpressionError)."""
    with evaluation_time_limit(seconds):
        return call.run()


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

    def run(self, call: Call, seconds: float) -> object:
        """`run_limited(call, seconds)` in a worker; core's exceptions pass through. A worker
        that dies breaks the pool: it is replaced and the call runs once more."""
        for _ in range(2):
            executor = self._current()
            try:
                return executor.submit(run_limited, call, seconds).result()
            except BrokenProcessPool:
                self._discard(executor)
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
            for future in [executor.submit(os.getpid) for _ in range(self.workers)]:
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

    def _discard(self, executor: concurrent.futures.ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is executor:
                self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)
