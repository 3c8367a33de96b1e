"""The README's Python examples run as written (a stale example is a broken promise).

The Dask example runs against the suite's LocalCluster (`dask_client` in tests/conftest.py):
only its placeholder scheduler address is replaced by the cluster's.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
PLACEHOLDER_SCHEDULER = '"tcp://scheduler:8786"'
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def test_the_readme_has_python_examples():
    assert BLOCKS, "README.md should show how to use core from Python"


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_each_readme_python_block_runs(block, request):
    if "distributed.Client" in block:
        assert PLACEHOLDER_SCHEDULER in block, "the Dask example should show where the address goes"
        address = request.getfixturevalue("dask_client").scheduler.address
        block = block.replace(PLACEHOLDER_SCHEDULER, repr(address))
    result = subprocess.run(
        [sys.executable, "-c", block],
        cwd=README.parent,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
