"""The formula language beyond the hostile-input checks: relu, max/min, the continuity of
where(…) and comparisons, and the fast refusal of an f too wild to integrate."""

import numpy as np
import pytest

import core
from core import expressions

X = np.linspace(-3.0, 3.0, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("relu(x)", np.maximum(X, 0.0)),
        ("max(x, 0)", np.maximum(X, 0.0)),
        ("min(x, 1)", np.minimum(X, 1.0)),
        ("max(x, -x)", np.abs(X)),
        ("relu(x - 1) - relu(-x)", np.maximum(X - 1, 0.0) - np.maximum(-X, 0.0)),
    ],
)
def test_relu_max_and_min_are_accepted_kinks_with_a_pathwise_gradient(text, expected):
    parsed = core.parse_expression(text)
    np.testing.assert_array_equal(parsed(X), expected)
    assert parsed.derivative is not None
    assert parsed.nondifferentiable_reason is None
    assert parsed.breakpoints  # the kink is where quadrature splits


@pytest.mark.parametrize(
    "text",
    [
        "where(x < 0, 0, x)",
        "(x > 0) * x",
        "x * sign(x)",
        "where(x > 1, x - 1, 0)**2",
        "where(x > 0, sqrt(x), 0)",
        "ceil(x) * 0",
    ],
)
def test_a_switch_that_leaves_f_continuous_keeps_the_pathwise_gradient(text):
    parsed = core.parse_expression(text)
    assert parsed.nondifferentiable_reason is None
    assert parsed.derivative is not None


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("where(x < 0, 1, x)", "where(x < 0, 1, x)"),
        ("sin(3*x) + (x > 1)", "x > 1"),
        ("(x > 1) * (x - 1) + (x > 2)", "x > 2"),
        ("where(x < 0, 0, 1e-20)", "where(x < 0, 0, 1e-20)"),
        ("floor(x)", "floor(x)"),
        ("sign(x)", "sign(x)"),
    ],
)
def test_a_real_jump_still_refuses_the_pathwise_gradient_and_names_the_switch(text, culprit):
    parsed = core.parse_expression(text)
    assert parsed.derivative is None
    assert f"f jumps where {culprit!r}" in parsed.nondifferentiable_reason


def test_the_pathwise_gradient_of_relu_matches_the_exact_gradient():
    """E[relu(x)] for x ~ N(μ, σ²) is μΦ(μ/σ) + σφ(μ/σ): ∂/∂μ = Φ(μ/σ), ∂/∂σ = φ(μ/σ)."""
    from scipy import stats

    mu, sigma = 0.3, 1.2
    problem = core.Gaussian(mu, sigma, cost=core.parse_expression("relu(x)"))
    exact = [stats.norm.cdf(mu / sigma), stats.norm.pdf(mu / sigma)]
    np.testing.assert_allclose(problem.exact_gradient(), exact, rtol=1e-8)


class _CountingVariable(expressions._Variable):
    """x that counts how many times, and at how many points, the tree is evaluated."""

    calls = 0
    points = 0

    def evaluate(self, x):
        type(self).calls += 1
        type(self).points += np.size(x)
        return x


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("sin(1e6*x)", "oscillates too fast"),
        ("sin(999999*x**2)", "oscillates too fast"),
        ("cos(5000*x) + x", "oscillates too fast"),
        ("floor(1e6*x)", "jumps or kinks at"),
        ("(sin(1e5*x) > 0)", "jumps or kinks at"),
    ],
)
def test_an_f_too_wild_to_integrate_is_refused_after_a_few_vectorised_evaluations(
    text, reason, monkeypatch
):
    """Refused before any quadrature: a handful of array evaluations (the probe grid, the
    variation grid), never the thousands of scalar calls adaptive quadrature would make."""
    monkeypatch.setattr(expressions, "_Variable", _CountingVariable)
    _CountingVariable.calls = _CountingVariable.points = 0
    with pytest.raises(core.ExpressionError, match=reason):
        core.parse_expression(text)
    assert 0 < _CountingVariable.calls <= 10
    assert _CountingVariable.points <= 5 * (8_022 + expressions.VARIATION_POINTS)


@pytest.mark.parametrize("text", ["sin(20*x)", "cos(x)**2 + sin(x)**2", "floor(x)", "exp(-x**2)"])
def test_an_f_that_quadrature_can_resolve_passes_the_variation_check(text):
    core.parse_expression(text)
