"""Stable sigmoid, log-sigmoid and softmax: finite and warning-free at extreme inputs."""

import warnings

import numpy as np
import pytest

from core.numerics import log_sigmoid, log_softmax, make_rng, sigmoid, softmax

EXTREMES = np.array([-1e308, -700.0, -50.0, -1.0, 0.0, 1.0, 50.0, 700.0, 1e308])


def test_sigmoid_is_finite_monotone_and_symmetric_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(EXTREMES)
    assert np.all(np.isfinite(values))
    assert np.all(np.diff(values) >= 0)
    np.testing.assert_allclose(values + sigmoid(-EXTREMES), 1.0, rtol=0, atol=1e-15)
    assert sigmoid(0.0) == 0.5


def test_log_sigmoid_matches_the_definition_and_stays_finite():
    moderate = np.linspace(-30, 30, 61)
    np.testing.assert_allclose(log_sigmoid(moderate), -np.log1p(np.exp(-moderate)), rtol=1e-13)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert log_sigmoid(700.0) == pytest.approx(-np.exp(-700.0), rel=1e-12)
        assert log_sigmoid(-700.0) == pytest.approx(-700.0)


def test_softmax_sums_to_one_without_overflow():
    logits = np.array([[700.0, 0.0, -700.0], [1e300, 1e300, 0.0], [0.0, 0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        probabilities = softmax(logits)
        log_probabilities = log_softmax(logits)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    np.testing.assert_allclose(probabilities[2], 1 / 3)
    assert np.all(np.isfinite(log_probabilities[0]))
    assert log_probabilities[0, 2] == pytest.approx(-1400.0)


def test_the_same_seed_gives_the_same_stream():
    assert np.array_equal(make_rng(7).random(5), make_rng(7).random(5))
    assert not np.array_equal(make_rng(7).random(5), make_rng(8).random(5))
