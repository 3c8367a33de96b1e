"""Suite-wide settings and the one Dask cluster the suite shares.

.streamlit/config.toml hides exception details from the public (client.showErrorDetails =
"none"); AppTest reads that file too, so without this a failing page test would only say
"This app has encountered an error". Tests want the real message.

`two_processes` is a 2-process pool; `dask_client` starts a real `distributed.LocalCluster` — two worker processes bound to
127.0.0.1, no dashboard — the first time a test asks for it, and closes it when the session
ends. `distributed` is in requirements-dev.txt only; without it those tests skip.

The floating-point environment is pinned first, before anything imports numpy
(scripts/reproducible_floats.py): the exact comparisons mean the same on every x86-64 machine.
"""

from __future__ import annotations

from scripts.reproducible_floats import pin_floating_point

pin_floating_point()

from concurrent.futures import ProcessPoolExecutor  # noqa: E402

import pytest  # noqa: E402
from streamlit import config  # noqa: E402

config.set_option("client.showErrorDetails", "full")


@pytest.fixture(scope="session")
def two_processes():
    """A ProcessPoolExecutor of 2 worker processes, shared by the tests of executors."""
    with ProcessPoolExecutor(2) as executor:
        yield executor


@pytest.fixture(scope="session")
def dask_client():
    """A Client on a 2-worker LocalCluster (its address: `dask_client.scheduler.address`)."""
    distributed = pytest.importorskip("distributed")
    # The workers are spawned from this process and start with its sys.path (pytest puts the
    # repository root there: pythonpath = ["."]), so they unpickle tasks naming core's
    # functions and problems without PYTHONPATH or `client.upload_file`.
    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
