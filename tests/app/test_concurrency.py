"""Several app sessions at once, each with its own settings, get exactly the numbers they get alone.

Every session is first run on its own with an empty cache and its numbers recorded (metrics,
tables, every text the page shows). Then all sessions run together in threads — once from an
empty cache, so they compute side by side, and once more sharing the now-warm cache — and each
must show the same numbers as alone, to the last digit.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.page_runner import REPO_ROOT, shown_text

CONTINUOUS = "pages/5_Continuous_and_nondifferentiable.py"
SESSIONS = [
    ("pages/1_Bandit_derivation.py", {"theta": "0.0"}),
    ("pages/1_Bandit_derivation.py", {"theta": "1.5", "r1": "20.0", "seed": "7"}),
    ("pages/2_Score_checks.py", {"problem": "Gaussian", "seed": "3"}),
    ("pages/4_Baselines.py", {"seed": "4"}),
    ("pages/4_Baselines.py", {"seed": "5", "theta": "-2.0"}),
    (CONTINUOUS, {"f": "sin(3*x) + (x > 1)", "mu": "0.5"}),
    (CONTINUOUS, {"cost": "abs", "sigma": "2.0", "seed": "9"}),
    ("pages/6_Trajectories.py", {"seed": "11"}),
]
TIMEOUT_S = 120


def fingerprint(app: AppTest) -> dict[str, object]:
    """Everything numeric a visitor sees: metrics, every table in full, and all page text."""
    assert not app.exception, [e.message for e in app.exception]
    return {
        "metrics": [(metric.label, metric.value) for metric in app.metric],
        "tables": [frame.value.to_csv(index=False) for frame in app.dataframe],
        "text": shown_text(app),
    }


def run_session(page: str, query: dict[str, str], start: threading.Barrier | None = None):
    app = AppTest.from_file(str(REPO_ROOT / page), default_timeout=TIMEOUT_S)
    for key, value in query.items():
        app.query_params[key] = value
    if start is not None:
        start.wait()  # every session starts its run at the same moment
    app.run()
    return fingerprint(app)


def run_together(sessions) -> list[dict[str, object]]:
    start = threading.Barrier(len(sessions))
    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        futures = [pool.submit(run_session, page, query, start) for page, query in sessions]
        return [future.result() for future in futures]


@pytest.fixture(scope="module")
def alone():
    """Each session's numbers when it has the app to itself, from a cold cache."""
    numbers = []
    for page, query in SESSIONS:
        st.cache_data.clear()
        numbers.append(run_session(page, query))
    return numbers


def test_sessions_differ_so_the_comparison_means_something(alone):
    for (page, _), (other_page, _), mine, theirs in zip(
        SESSIONS, SESSIONS[1:], alone, alone[1:], strict=False
    ):
        if page == other_page:
            assert mine != theirs, f"two settings of {page} show the same numbers"


def test_concurrent_sessions_from_a_cold_cache_each_get_their_own_numbers(alone):
    st.cache_data.clear()
    together = run_together(SESSIONS)
    for (page, query), mine, expected in zip(SESSIONS, together, alone, strict=True):
        assert mine == expected, f"{page} {query} changed when run beside other sessions"


def test_concurrent_sessions_sharing_a_warm_cache_each_get_their_own_numbers(alone):
    doubled = SESSIONS + SESSIONS[::-1]  # the same settings twice, hitting the same entries
    together = run_together(doubled)
    for (page, query), mine, expected in zip(doubled, together, alone + alone[::-1], strict=True):
        assert mine == expected, f"{page} {query} changed when sharing the cache"
