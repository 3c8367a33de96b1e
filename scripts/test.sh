#!/usr/bin/env bash
# The single test command: installs what the tests need, lints, then runs the whole suite.
# Works on a fresh machine with Python 3.11, no stdin, as root or not.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PYTHON="${PYTHON:-python3}"
start=$(date +%s)

section() { printf '\n==== %s ====\n' "$*"; }

section "Python dependencies (requirements-dev.txt)"
"$PYTHON" --version
"$PYTHON" -m pip install -q --disable-pip-version-check --root-user-action=ignore -r requirements-dev.txt </dev/null

section "Chromium for the browser test"
if [ -x /usr/bin/chromium ]; then
    echo "found /usr/bin/chromium"
else
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q </dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core fonts-noto-color-emoji </dev/null
fi
/usr/bin/chromium --version 2>/dev/null || true

section "chrt for the load test (its heavy sessions' browser runs at idle priority)"
if ! command -v chrt >/dev/null; then
    if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo -n); fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -q </dev/null
    "${SUDO[@]}" apt-get install -y -q --no-install-recommends util-linux </dev/null
fi
command -v chrt

section "ruff check"
"$PYTHON" -m ruff check .

section "ruff format --check"
"$PYTHON" -m ruff format --check .

# The slowest tests are listed, so a run creeping towards the 30-minute limit shows where.
# Everything but the browser tests runs on two processes (pytest-xdist; the machines have two
# cores); the browser tests (tests/e2e, marked by its conftest) time pages, so they run alone
# after. Both parts always run; the command fails if either did.
status=0
section "pytest: all but the browser tests, on two processes"
"$PYTHON" -m pytest -q --durations=15 -n 2 -m "not browser" </dev/null || status=$?
section "pytest: the browser tests, one at a time"
"$PYTHON" -m pytest -q --durations=15 -m browser </dev/null || status=$?
if [ "$status" -ne 0 ]; then
    section "pytest failed (exit status $status) after $(( $(date +%s) - start )) s"
    exit "$status"
fi

section "all checks passed in $(( $(date +%s) - start )) s"
