"""One floating-point code path for the tests, whatever x86-64 machine runs them.

A seeded number is the same to the last bit only on the same code path, and two libraries choose
theirs by the CPU: numpy its SIMD loops (exp, log, sums: AVX-512 where the CPU has it) and
OpenBLAS its matrix kernels (`@`, `linalg`). The golden outputs (tests/golden) and the pinned bits
of tests/core/test_api.py are compared exactly, so on another CPU they differ in the last digits
(seen: an AMD EPYC with AVX-512, whose OpenBLAS picked its Haswell kernels, differed from the
files in 9 of the 20 golden tests, up to the second digit of one mean over 200 natural-gradient runs;
with OPENBLAS_CORETYPE=SkylakeX all 20 agreed). `pin_floating_point` fixes both at x86-64-v3
(AVX2 and FMA, on every x86-64 server since about 2015): numpy's AVX-512 loops off
(NPY_DISABLE_CPU_FEATURES, numpy's "CPU build options" page), OpenBLAS's Haswell kernels
(OPENBLAS_CORETYPE) on one thread, so that no reduction is split by the number of cores. Both
libraries read these variables when first imported, so the pin has to come before numpy is.
The app and the bench are not pinned: they run what the machine does best.
"""

from __future__ import annotations

import os
import sys

PINNED = {
    "NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR",
    "OPENBLAS_CORETYPE": "Haswell",
    "OPENBLAS_NUM_THREADS": "1",
}


def pin_floating_point() -> None:
    """Set `PINNED` in os.environ (so in every process started from here on, too).

    Raises RuntimeError when numpy was imported earlier under other settings: its loops and
    OpenBLAS's kernels are chosen then, and the exact comparisons would not mean what they say."""
    differing = {name for name, value in PINNED.items() if os.environ.get(name) != value}
    if differing and "numpy" in sys.modules:
        raise RuntimeError(
            "numpy was imported before the floating-point environment was pinned "
            f"({', '.join(sorted(differing))} differ); set "
            + " ".join(f"{name}={value!r}" for name, value in PINNED.items())
            + " before starting Python, or let tests/conftest.py be the first import"
        )
    os.environ.update(PINNED)
