"""The server's memory: few malloc arenas, so what session threads free is reused (issue 15).

Measured in a soak (bench/soak.py; glibc's mallinfo2 read in the server between sessions):
Python's objects and the caches stay level (caches 8–11 MB), yet glibc's malloc keeps what the
sessions' threads freed — its free-but-held bytes grew 75 → 135 MiB over sessions 10 → 20
while the bytes in use stayed at 70–72 MiB — and the RSS grew with them. glibc gives threads
up to 8 arenas per core, each keeping its own free memory; Streamlit runs every session's
script in a new thread. `limit_malloc_arenas` (at the app's first import of ui) caps them at
MALLOC_ARENAS, as MALLOC_ARENA_MAX would, which a hosted app cannot set before it starts.
In one paired 40-session soak the held free bytes fell by ~50 MiB and the RSS by 39–49 MiB;
a second comparison (the CI soak) did not show it, so it awaits an idle-machine soak
(bench/RESULTS.md). malloc_trim(0) after every run was tried first and left the RSS unchanged.
Without glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """mallopt(M_ARENA_MAX, arenas): threads share at most `arenas` malloc arenas from now
    on (effective while glibc has not yet sized its arena limit). Whether glibc took it; not
    called when the environment sets MALLOC_ARENA_MAX, which glibc already obeys."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
