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

section "pytest"
# The slowest tests are listed, so a run creeping towards the 30-minute limit shows where.
"$PYTHON" -m pytest -q --durations=25 </dev/null

section "all checks passed in $(( $(date +%s) - start )) s"
