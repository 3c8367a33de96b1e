"""AppTest of the custom cost f(x) on the Continuous page: exact values, the pathwise reason,
and hostile formulas rejected in place with the page carrying on."""

import math

import pytest
from scipy import special

from tests.app.page_runner import as_read, open_code_blocks, run_page, shown_tables, shown_text

PAGE = "pages/5_Continuous_and_nondifferentiable.py"


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def test_a_typed_cost_gets_exact_values_and_the_reason_pathwise_is_unavailable():
    app = run_page(PAGE, {"f": "sin(3*x) + (x > 1)", "mu": "0.5", "sigma": "1.5"})
    assert not app.exception
    mu, sigma = 0.5, 1.5
    expected = math.sin(3 * mu) * math.exp(-4.5 * sigma**2) + special.ndtr((mu - 1) / sigma)
    assert float(metrics(app)["E[f(x)] (exact)"]) == pytest.approx(expected, rel=1e-5)
    text = as_read(shown_text(open_code_blocks(app)))
    assert "The cost f(x) = sin(3*x) + (x > 1) under N(μ, σ²)" in text
    assert "split at x = 1" in text
    assert "f jumps where 'x > 1' (column 13)" in text
    assert "cost=core.parse_expression('sin(3*x) + (x > 1)')" in text


def test_a_smooth_typed_cost_runs_all_three_estimators():
    app = run_page(PAGE, {"f": "abs(x - 2)**1.5"})
    assert not app.exception
    assert "central differences, h = 1e-05·max(1, |x|)" in shown_text(app)
    gradients, variances = shown_tables(app)[0].value, shown_tables(app)[1].value
    for table in (gradients, variances):
        assert set(table["estimator"]) == {"score function", "pathwise", "measure-valued"}
        estimates = table[[c for c in table.columns if "MC ± SE" in c][0]]
        assert "not available" not in set(estimates)


@pytest.mark.parametrize(
    ("formula", "message"),
    [
        ("__import__('os').system('echo pwned')", "attribute access"),
        ("().__class__.__mro__", "attribute access"),
        ("9**9**9", "power tower"),
        ("1/(x - 0.3)", "blows up"),
        ("3x", "write 3*x"),
        ("sin(1e6*x)", "oscillates too fast"),
        ("floor(1e6*x)", "jumps or kinks at"),
    ],
)
def test_a_hostile_formula_is_rejected_in_place_and_the_named_cost_is_used(formula, message):
    app = run_page(PAGE, {"f": formula})
    assert not app.exception
    errors = [as_read(element.value) for element in app.error]
    assert any(message in text and "How to fix" in text for text in errors), errors
    text = shown_text(app)
    assert "Showing the named cost above until the formula is fixed." in text
    assert "The cost f(x) = (x − k)², k = 0 under N(μ, σ²)" in text


@pytest.mark.filterwarnings("ignore::scipy.integrate.IntegrationWarning")
def test_a_formula_too_slow_to_integrate_is_stopped_by_the_time_limit(monkeypatch):
    """ui.cache runs every call inside core.expressions.evaluation_time_limit: sin(20x) over
    μ ± 40σ needs seconds of quadrature, so a 0.5 s limit stops it and the page says why."""
    import ui.cache

    monkeypatch.setattr(ui.cache, "CUSTOM_COST_SECONDS", 0.5)
    app = run_page(PAGE, {"f": "sin(20*x)", "mu": "2", "sigma": "3.0"})
    assert not app.exception
    errors = [element.value for element in app.error]
    assert any("took longer than the limit of 0.5 s" in text for text in errors), errors
    assert any("pick a smaller σ or a gentler f(x)" in text for text in errors), errors


def test_a_formula_error_shows_the_formula_literally_and_the_budget_is_stated():
    app = run_page(PAGE, {"f": "exp(x**4)"})
    assert not app.exception
    (error,) = [element.value for element in app.error]
    assert "'exp(x**4)'" in as_read(error)  # not "exp(x4)": the stars are escaped
    assert "`**` with a number as exponent" in error  # the fix shows code as code
    assert "up to 8 s of computing per view" in shown_text(app)


@pytest.mark.parametrize("formula", ["relu(x - 1)", "max(x, 0)", "where(x < 0, 0, x)"])
def test_a_continuous_formula_with_a_kink_keeps_the_pathwise_gradient(formula):
    app = run_page(PAGE, {"f": formula})
    assert not app.exception and not app.error
    gradients = shown_tables(app)[0].value
    pathwise = gradients[gradients["estimator"] == "pathwise"]
    assert "not available" not in set(pathwise["gradient (MC ± SE)"])
    assert all(label.startswith("✓") for label in gradients.iloc[:, -1])


def test_a_heavy_tailed_typed_cost_says_why_its_checks_are_rough_instead_of_failing():
    """exp(2.3x) under N(0, 1): the terms' kurtosis (~10¹⁰) dwarfs n = 2000, so the gradient
    checks are marked rough and the score and pathwise variance checks are not made — with the
    reason — instead of a red ✗ on a correct estimate."""
    app = run_page(PAGE, {"f": "exp(2.3*x)"})
    assert not app.exception
    assert not [e.value for e in app.error]
    # The gradient checks pass, so they are ✅ with the rough-check caveat as a caption.
    passes = "\n".join(element.value for element in app.success)
    captions = "\n".join(element.value for element in app.caption)
    assert "Gaussian: gradients" in passes and "heavy-tailed" in captions
    notes = "\n".join(element.value for element in app.info)
    assert "Gaussian: per-sample variances: 4 value(s) not checked" in notes
    assert "the SE of s²" in notes
