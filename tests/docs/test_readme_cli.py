"""The README's command-line runs are real: each `$ python -m core ...` prints what is shown."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
CONSOLE = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)
RUNS = [
    (block.splitlines()[0].removeprefix("$ "), "\n".join(block.splitlines()[1:]) + "\n")
    for block in CONSOLE
    if block.startswith("$ python -m core")
]


def test_the_readme_shows_a_command_line_run():
    assert RUNS, "README.md should show one `python -m core` run with its output"


@pytest.mark.parametrize(("command", "shown"), RUNS, ids=[command for command, _ in RUNS])
def test_each_readme_command_prints_what_the_readme_shows(command, shown):
    argv = shlex.split(command)
    result = subprocess.run(
        [sys.executable, *argv[1:]], cwd=README.parent, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == shown, "the README's output is stale: paste the command's output"
