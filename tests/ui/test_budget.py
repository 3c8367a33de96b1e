"""ui.budget: the work a request may ask for, counted as reps × Σn and capped; over the cap, the
settings that fit, said in plain words."""

from __future__ import annotations

import pytest

from ui import budget
from ui.budget import (
    MAX_SAMPLES_PER_REQUEST,
    Setting,
    fixes_within_cap,
    million,
    over_cap_text,
    work_of,
    work_text,
)
from ui.controls import LARGEST_N, REPETITIONS, SWEEP_REPETITIONS


def test_work_is_repetitions_times_the_sum_of_the_sizes() -> None:
    assert work_of([10, 100], reps=3) == 330


def sweep(values) -> int:
    return work_of([values["n"]] * 5, values["reps"])


def test_each_setting_alone_is_lowered_to_the_largest_value_that_fits() -> None:
    # 5 × 1000 × 5000 = 25 million: 4000 repetitions (20 million) fits; n = 800 does too.
    settings = [
        Setting("reps", 5_000, (100, 1_000, 4_000, 5_000), "{:,} repetitions"),
        Setting("n", 1_000, range(1, 1_000), "n = {:,}"),
    ]
    fixes = fixes_within_cap(sweep, settings)
    assert [(f.changes, f.text, f.work) for f in fixes] == [
        ({"reps": 4_000}, "Use 4,000 repetitions", 20_000_000),
        ({"n": 800}, "Use n = 800", 20_000_000),
    ]


def test_when_no_setting_fits_alone_one_fix_lowers_several() -> None:
    settings = [
        Setting("reps", 10_000, (100, 1_000, 10_000), "{:,} repetitions"),
        Setting("n", 100_000, (1_000, 100_000), "n = {:,}"),
    ]
    # reps 100 alone: 5e7; n = 1000 alone: 5e7; both lowered (reps first, n then as large as
    # fits): 5e5.
    (fix,) = fixes_within_cap(sweep, settings)
    assert fix.changes == {"reps": 100, "n": 1_000}
    assert fix.text == "Use 100 repetitions and n = 1,000"
    assert fix.work <= MAX_SAMPLES_PER_REQUEST


def test_nothing_is_offered_when_even_the_smallest_values_do_not_fit() -> None:
    settings = [Setting("reps", 10, (5, 10), "{} repetitions")]
    assert fixes_within_cap(lambda v: v["reps"] * MAX_SAMPLES_PER_REQUEST, settings) == []


def test_the_words_are_plain_english_with_no_factor_and_no_cap_jargon() -> None:
    assert million(20_000_000) == "20 million"
    assert million(8_066_000) == "8.07 million"
    assert million(435_000) == "435,000"
    assert work_text(8_066_000) == (
        "This view draws 8.07 million random samples (40% of the most one view may use)."
    )
    assert "under 1%" in work_text(1_000)
    text = over_cap_text(25_000_000)
    assert "25 million" in text and "20 million" in text and "Nothing has been computed" in text
    assert "factor" not in text and "cap" not in text


def test_the_sweep_ranges_fit_the_cap_at_the_other_defaults() -> None:
    """Variance page defaults: smallest N 10, 7 sizes, 1,000 repetitions, one estimator."""
    from core.variance_studies import log_spaced_sizes

    def work(largest: int, reps: int) -> int:
        ns = log_spaced_sizes(10, largest, 7)
        return work_of(ns + tuple(dict.fromkeys((ns[0], ns[3], ns[-1]))), reps)

    assert max(work(largest, 1_000) for largest in LARGEST_N) <= MAX_SAMPLES_PER_REQUEST
    assert max(work(1_000, reps) for reps in SWEEP_REPETITIONS) <= MAX_SAMPLES_PER_REQUEST
    # Baselines / Trajectories: n up to 1,000 at 1,000 repetitions, 5 baselines.
    assert work_of([1_000] * 5, max(REPETITIONS) // 4) <= MAX_SAMPLES_PER_REQUEST
    assert work_of([10] * 5, max(REPETITIONS)) <= MAX_SAMPLES_PER_REQUEST


def test_a_workers_wall_clock_limit_is_the_views_samples_at_the_hung_rate_within_floor_and_ceiling():
    rate = budget.HUNG_BELOW_SAMPLES_PER_SECOND
    assert budget.wall_clock_limit(0) == budget.WALL_CLOCK_FLOOR_SECONDS
    assert budget.wall_clock_limit(12_980_000) == pytest.approx(12_980_000 / rate)  # page 3, heavy
    assert budget.wall_clock_limit(10**12) == budget.WALL_CLOCK_CEILING_SECONDS
    assert budget.wall_clock_limit() == budget.wall_clock_limit(budget.MAX_SAMPLES_PER_REQUEST)
    # a honest call at the slowest measured rate (~5 million samples a second on one core) at
    # 10 % of a core still finishes within its limit, at every size up to the cap
    for samples in (1_000, 1_000_000, budget.MAX_SAMPLES_PER_REQUEST):
        assert samples / 500_000 < budget.wall_clock_limit(samples)


def _view_with_work():
    import streamlit as st

    from ui.budget import VIEW_WORK
    from ui.controls import work_budget

    work_budget(lambda values: 1_234_000, [], "lower a setting")
    st.write(f"view work: {VIEW_WORK.get()}")


def test_the_work_a_view_states_is_what_bounds_its_calls_wall_clock_time():
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_function(_view_with_work).run()
    assert not app.exception
    assert [m.value for m in app.markdown] == ["view work: 1234000"]
