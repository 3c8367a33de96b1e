"""ui.budget: the work a request may ask for, counted as reps × Σn and capped."""

from __future__ import annotations

import pytest

from ui.budget import MAX_SAMPLES_PER_REQUEST, check_work_budget, work_of


def test_work_is_repetitions_times_the_sum_of_the_sizes() -> None:
    assert work_of([10, 100], reps=3) == 330
    assert check_work_budget([10, 100], reps=3) == 330


def test_a_request_over_the_cap_is_refused_with_the_factor_to_cut() -> None:
    with pytest.raises(ValueError, match=r"over the cap of 20,000,000; .* factor of 5\.5"):
        check_work_budget([10**6, 10**7], reps=10)
    assert check_work_budget([MAX_SAMPLES_PER_REQUEST]) == MAX_SAMPLES_PER_REQUEST
