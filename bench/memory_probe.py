"""Peak resident memory of one sweep in a fresh interpreter; prints one JSON line.

Run by `python -m bench` as `python -m bench.memory_probe <workload>`: the interpreter with
NumPy loaded is measured first, then `core` is imported, the peak is reset, and the sweep runs.
"""

from __future__ import annotations

import json
import sys

import numpy as np

from bench.measure import reset_peak_rss, status_kib

NUMPY_RSS = status_kib("VmRSS")

import core  # noqa: E402  (after measuring the interpreter with NumPy alone)
from bench.workloads import SWEEP_NS, SWEEP_REPS  # noqa: E402

WORKLOADS = {
    "bandit-counts": (core.Bandit(), {"method": "counts"}),
    "bandit-per-sample": (core.Bandit(), {"method": "per_sample"}),
    "gaussian-score": (core.Gaussian(), {"estimator": "score"}),
    "gaussian-measure-valued": (core.Gaussian(), {"estimator": "measure_valued"}),
}


def main(workload: str) -> None:
    problem, options = WORKLOADS[workload]
    core.variance_curve  # noqa: B018 — load the study's modules (pandas) before the baseline
    core_rss = status_kib("VmRSS")
    reset_peak_rss()
    table = core.variance_curve(problem, SWEEP_NS, SWEEP_REPS, **options)
    peak = status_kib("VmHWM")
    assert np.all(np.isfinite(table["variance"]))
    print(
        json.dumps(
            {
                "workload": workload,
                "numpy_mib": NUMPY_RSS / 1024,
                "core_imported_mib": core_rss / 1024,
                "peak_mib": peak / 1024,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
