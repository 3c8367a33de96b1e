"""The soak's memory reader (bench.soak.process_tree_memory).

The reader is checked where RSS and PSS differ: a forked child that shares, copy-on-write, a
64 MiB array its parent wrote counts it fully in its RSS, in its PSS only by half, and not at
all in its USS; the two processes' PSS sum counts the array once.
"""

from __future__ import annotations

import multiprocessing
import os

import numpy as np

from bench.soak import process_tree_memory, smaps_rollup_mib

SHARED_MIB = 64


def _wait(ready, done) -> None:
    ready.set()
    done.wait(60)


def test_process_tree_memory_counts_pages_shared_with_a_forked_child_once():
    shared = np.ones(SHARED_MIB * 2**20 // 8)  # written: resident and private to this process
    context = multiprocessing.get_context("fork")
    ready, done = context.Event(), context.Event()
    child = context.Process(target=_wait, args=(ready, done))
    child.start()
    try:
        assert ready.wait(30)
        alone = smaps_rollup_mib(os.getpid())
        tree = {p.pid: p for p in process_tree_memory(os.getpid(), root_role="test")}
        parent, forked = tree[os.getpid()], tree[child.pid]
        assert parent.role == "test" and forked.role == "other"
        assert alone["Rss"] > SHARED_MIB and shared.sum() == shared.size
        for p in (parent, forked):
            assert p.uss <= p.pss <= p.rss and p.pss_anon <= p.pss
        # the child maps the array (RSS) without owning it (USS) and pays half of it (PSS)
        assert forked.rss - forked.uss >= 0.95 * SHARED_MIB
        assert forked.pss - forked.uss >= 0.45 * SHARED_MIB
        # summed RSS counts the array twice, summed PSS once
        assert (parent.rss + forked.rss) - (parent.pss + forked.pss) >= 0.9 * SHARED_MIB
    finally:
        done.set()
        child.join(30)
