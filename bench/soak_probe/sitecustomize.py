"""bench.soak --probe: on SIGUSR1 the server writes, to $SOAK_PROBE_OUT, where its heap lives.

Loaded by Python's `site` (this folder is put first on the server's PYTHONPATH), so the app runs
unchanged. MiB: glibc's malloc (mallinfo2: bytes in use in the arenas, free but held, mmapped; malloc_info: how many
arenas),
Python's object allocator (sys._debugmallocstats: its arenas and the bytes in allocated blocks;
its arenas are mmapped apart from malloc's), the live objects gc tracks (count), Streamlit's
st.cache_data entries (count, pickled bytes and the largest entry per cache, beside its
max_entries) and the
sessions it holds. Not for production: a benchmark's instrument.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import re
import signal
import sys
import tempfile
from pathlib import Path

_MIB = 2**20


class _MallInfo2(ctypes.Structure):
    _fields_ = [  # glibc ≥ 2.33, malloc.h
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _glibc() -> dict[str, float]:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return {
        "glibc in use": info.uordblks / _MIB,
        "glibc free held": info.fordblks / _MIB,
        "glibc mmapped": info.hblkhd / _MIB,
        "glibc arenas": _arenas(libc),
    }


def _arenas(libc) -> float:
    """How many malloc arenas the process has: the <heap> elements of malloc_info's XML."""
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    with tempfile.NamedTemporaryFile(suffix=".xml") as xml:
        stream = libc.fopen(xml.name.encode(), b"w")
        if not stream:
            return float("nan")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        return float(Path(xml.name).read_text().count("<heap nr="))


def _pymalloc() -> dict[str, float]:
    """sys._debugmallocstats writes to C's stderr: read it back through a temporary file."""
    with tempfile.TemporaryFile() as capture:
        saved = os.dup(2)
        try:
            os.dup2(capture.fileno(), 2)
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        capture.seek(0)
        text = capture.read().decode(errors="replace")

    def number(label: str) -> float:
        found = re.search(re.escape(label) + r"\s*=\s*([\d,]+)", text)
        return int(found.group(1).replace(",", "")) / _MIB if found else float("nan")

    return {
        "pymalloc arenas": number("bytes/arena"),
        "pymalloc in blocks": number("# bytes in allocated blocks"),
    }


def _streamlit() -> dict[str, float]:
    reading: dict[str, float] = {}
    try:
        from streamlit.runtime import Runtime
        from streamlit.runtime.caching import cache_data_api

        caches = [
            cache
            for by_key in list(cache_data_api._data_caches._function_caches.values())
            for cache in list(by_key.values())
        ]
        total = 0.0
        for cache in caches:
            stats = [s for family in cache.get_stats().values() for s in family]
            size = sum(s.byte_length for s in stats) / _MIB
            total += size
            name = cache.display_name.rsplit(".", 1)[-1]
            reading[f"cache {name} entries (max {cache.max_entries})"] = len(stats)
            reading[f"cache {name} MiB"] = size
            reading[f"cache {name} largest MiB"] = (
                max((s.byte_length for s in stats), default=0) / _MIB
            )
        reading["caches MiB"] = total
        reading["sessions held"] = len(Runtime.instance()._session_mgr.list_sessions())
    except Exception as error:  # noqa: BLE001 — an instrument: say what failed, do not crash
        reading["streamlit probe failed: " + type(error).__name__] = 1
    return reading


def _write(_signum, _frame) -> None:
    reading = {**_glibc(), **_pymalloc(), "gc objects (k)": len(gc.get_objects()) / 1000}
    reading.update(_streamlit())
    out = os.environ["SOAK_PROBE_OUT"]
    with open(out + ".part", "w") as file:
        json.dump(reading, file)
    os.replace(out + ".part", out)


if os.environ.get("SOAK_PROBE_OUT"):
    signal.signal(signal.SIGUSR1, _write)
