"""The custom-f(x) parser against hostile input: nothing a visitor types is ever executed.

Every hostile input is either rejected with an `ExpressionError` (a ValueError) whose message
names what is wrong and points at the offending text, or evaluates safely to finite numbers.
Three sentinels watch each attempt: a Python audit hook (which sees every `exec`, `import`,
`open`, `os.system`, `subprocess.Popen`, ... in the process), recorders patched over `os.system`,
`subprocess.Popen`, `builtins.__import__`, `eval` and `exec`, and a module-level flag that the
payloads try to flip.
"""

from __future__ import annotations

import builtins
import contextlib
import math
import os
import pickle
import re
import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import special

import core
from core import expressions
from core.checks import mean_standard_error, variance_standard_error
from core.expressions import evaluation_time_limit
from core.numerics import make_rng

# Payloads below try to append to this list; it must stay empty.
PAYLOAD_RAN: list[str] = []
_ME = __name__

# -- the sentinel ---------------------------------------------------------------------------------

# Only the thread that parses and evaluates the payload is watched: other threads of the test
# process (a Dask cluster's monitor reading /proc, say) are not the payload's doing, and a payload
# that starts a thread of its own raises an audit event ("_thread.start_new_thread") right here.
_AUDIT = {"active": False, "events": [], "thread": None}
_DOORS = {"os", "sys", "subprocess", "builtins", "importlib", "shutil", "socket", "ctypes", "io"}
_DOORS |= {"pickle", "pathlib", "runpy", "code", "pty", "signal", "multiprocessing", "posix"}


def _audit_hook(event: str, args: tuple) -> None:
    if _AUDIT["active"] and threading.get_ident() == _AUDIT["thread"]:
        _AUDIT["events"].append((event, args))


sys.addaudithook(_audit_hook)  # audit hooks cannot be removed; this one records only when active


@contextlib.contextmanager
def sentinel(monkeypatch: pytest.MonkeyPatch):
    """Record every side effect a payload could have; yield the list of what was seen."""
    seen: list[str] = []
    _AUDIT["thread"] = threading.get_ident()
    real_import = builtins.__import__

    def recording_import(name, *args, **kwargs):
        # NumPy re-imports its own loaded internals inside some methods; anything new, or
        # anything that opens a door to the system, is recorded.
        watched = threading.get_ident() == _AUDIT["thread"]
        if watched and (name not in sys.modules or name.partition(".")[0] in _DOORS):
            seen.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    def recorder(label, real):
        def record(*args, **kwargs):
            if threading.get_ident() != _AUDIT["thread"]:  # another thread's own business
                return real(*args, **kwargs)
            seen.append(f"{label}{args!r}")
            raise AssertionError(f"{label} was called with {args!r}")

        return record

    monkeypatch.setattr(os, "system", recorder("os.system", os.system))
    monkeypatch.setattr(subprocess, "Popen", recorder("subprocess.Popen", subprocess.Popen))
    monkeypatch.setattr(builtins, "eval", recorder("eval", builtins.eval))
    monkeypatch.setattr(builtins, "exec", recorder("exec", builtins.exec))
    monkeypatch.setattr(builtins, "__import__", recording_import)
    _AUDIT["events"].clear()
    _AUDIT["active"] = True
    try:
        yield seen
    finally:
        _AUDIT["active"] = False
        monkeypatch.undo()
    for event, args in _AUDIT["events"]:
        # ast.parse raises a "compile" audit event for the text itself (an AST, never code)
        if event != "compile":
            seen.append(f"audit {event}{args!r:.80}")


def attempt(text: str, monkeypatch: pytest.MonkeyPatch):
    """Parse (and, if accepted, evaluate) text under the sentinel; return (result, error)."""
    result, error = None, None
    with sentinel(monkeypatch) as seen:
        try:
            parsed = core.parse_expression(text)
            result = parsed(np.linspace(-5.0, 5.0, 101))
        except ValueError as caught:
            error = caught
    assert seen == [], f"{text!r} caused side effects: {seen}"
    assert PAYLOAD_RAN == [], f"{text!r} flipped the payload flag"
    return result, error


# -- the hostile inputs: (text, words the message must contain, the offending text it shows) -----

_FLAG = f"__import__('sys').modules['{_ME}'].PAYLOAD_RAN.append('ran')"
REJECTED = [
    ("__import__('os')", "'_'", "__import__"),
    ("__import__('os').system('touch /tmp/pwned')", "attribute", "__import__('os').system"),
    (_FLAG, "attribute", "__import__('sys')"),
    ("().__class__.__mro__", "attribute", "().__class__"),
    ("().__class__.__base__.__subclasses__()", "attribute", "__subclasses__"),
    ("x.__class__", "attribute", "x.__class__"),
    ("sin.__globals__", "attribute", "sin.__globals__"),
    ("__builtins__", "'_'", "__builtins__"),
    ("_", "'_'", "_"),
    ("globals()", "unknown function 'globals'", "globals"),
    ("getattr(x, '__class__')", "unknown function 'getattr'", "getattr"),
    ("eval('1')", "unknown function 'eval'", "eval"),
    ("exec('import os')", "unknown function 'exec'", "exec"),
    ("compile('1', 'f', 'eval')", "unknown function 'compile'", "compile"),
    ("open('/etc/passwd')", "unknown function 'open'", "open"),
    ("print(x)", "unknown function 'print'", "print"),
    ("breakpoint()", "unknown function 'breakpoint'", "breakpoint"),
    ("tan(x)", "unknown function 'tan'", "tan"),
    ("np.sin(x)", "attribute", "np.sin"),
    ("y + 1", "unknown name 'y'", "y"),
    ("sin + x", "is a function", "sin"),
    ("x(1)", "not a function", "x(1)"),
    ("(lambda: 1)()", "lambda", "lambda: 1"),
    ("lambda x: x", "lambda", "lambda x: x"),
    ("[i for i in range(9)]", "comprehension", "[i for i in range(9)]"),
    ("sum(i for i in range(9))", "unknown function 'sum'", "sum"),
    ("{i: i for i in x}", "comprehension", "{i: i for i in x}"),
    ("(y := 1)", "walrus", "y := 1"),
    ("f'{x}'", "f-string", "f'{x}'"),
    ("'x' * 10", "text", "'x'"),
    ("b'\\x00'", "backslashes", "\\"),
    ("'\\d' * x", "backslashes", "\\"),
    ("x + \\\n 1", "backslashes", "\\"),
    ("[x, x]", "lists", "[x, x]"),
    ("(x, 1)", "tuples", "(x, 1)"),
    ("{'a': x}", "dicts", "{'a': x}"),
    ("x[0]", "indexing", "x[0]"),
    ("x if x > 0 else 0", "where(c, a, b)", "x if x > 0 else 0"),
    ("x > 0 and x < 1", "'and'/'or'", "x > 0 and x < 1"),
    ("not x", "'not'", "not x"),
    ("~x", "'~'", "~x"),
    ("x // 2", "//", "x // 2"),
    ("x % 2", "%", "x % 2"),
    ("x @ x", "@", "x @ x"),
    ("x << 2", "bitwise", "x << 2"),
    ("x is None", "comparisons", "x is None"),
    ("1 in x", "comparisons", "1 in x"),
    ("sin(x=1)", "keyword", "1"),
    ("sin(*[x])", "unpacking", "*[x]"),
    ("maximum(x)", "takes 2 arguments", "maximum(x)"),
    ("True + x", "not a number", "True"),
    ("None", "not a number", "None"),
    ("1j * x", "complex", "1j"),
    ("9**9**9", "power tower", "9**9**9"),
    ("x**(10**2)", "power tower", "x**(10**2)"),
    ("x**x", "exponent must be a plain number", "x"),
    ("2**x", "exponent must be a plain number", "x"),
    ("x**1000", "at most 100", "1000"),
    ("x**-101", "at most 100", "-101"),
    ("(x**20)**6", "multiply to an exponent of 120", "x**20"),
    ("1e400 * x", "finite", "1e400"),
    ("99999999999 * x", "at most 1e+06", "99999999999"),
    ("1/x", "infinite", "1/x"),
    ("log(x)", "log(a) needs a > 0", "log(x)"),
    ("sqrt(x - 1)", "sqrt(a) needs a ≥ 0", "sqrt(x - 1)"),
    ("x**0.5", "fractional power", "x**0.5"),
    ("sin(x)/x", "NaN", "sin(x)/x"),
    ("exp(x**2)", "infinite", "exp(x**2)"),
    ("exp(exp(exp(x)))", "over the limit", "exp(exp(exp(x)))"),
    ("1/(x - 0.30001)", "blows up", "x - 0.30001"),
    ("1/(x - 0.30001)**2", "blows up", "(x - 0.30001)**2"),
    ("abs(x - 1/3)**-0.5", "blows up", "abs(x - 1/3)"),
    ("ｘ + 1", "FULLWIDTH LATIN SMALL LETTER X", "ｘ"),
    ("х + 1", "CYRILLIC SMALL LETTER HA", "х"),
    ("ѕin(x)", "CYRILLIC SMALL LETTER DZE", "ѕ"),
    ("−x", "write '-' instead", "−"),
    ("2×x", "write '*' instead", "×"),
    ("x\u200b+1", "ZERO WIDTH SPACE", ""),
    ("x\u202e+1", "RIGHT-TO-LEFT OVERRIDE", ""),
    ("x\x00", "U+0000", ""),
    ("x\n+ 1", "U+000A", ""),
    ("x # [Session expired](https://evil.invalid/login)", "'#' is not allowed", "# [Session"),
    ("x#", "would start a comment", "#"),
    ("sin(x) #)", "silently ignored", "#)"),
    ("'#' + x", "'#' is not allowed", "#' + x"),
    ("x if 1 else www.evil.invalid", "where(c, a, b)", "x if 1 else www.evil.invalid"),
    ("x + [1](https://evil.invalid)", "not a valid expression", ""),
    ("import os", "not a valid expression", "import os"),
    ("x; import os", "not a valid expression", "; import o"),
    ("x +", "ends too early", ""),
    ("3x", "write 3*x", "3x"),
    ("1if x else 2", "'if' cannot follow a number", "1if"),
    ("", "empty", ""),
    ("   ", "empty", ""),
    ("x" * 201, "201 characters", ""),
    ("x+" * 150 + "x", "characters", ""),
    ("-" * 150 + "x", "parts", ""),
    ("abs(" * 30 + "x" + ")" * 30, "parts", ""),
    ("sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(sin(x)))))))))))))**2", "", ""),
]
# Inputs that look dangerous or extreme but are valid: they must evaluate to finite numbers.
SAFE = {
    "(" * 99 + "x" + ")" * 99: np.linspace(-5.0, 5.0, 101),
    "-(-(-(-(-x))))": -np.linspace(-5.0, 5.0, 101),
    "x**100 * 0": np.zeros(101),
    "exp(-exp(x))": np.exp(-np.exp(np.linspace(-5.0, 5.0, 101))),
    "where(x > 0, log(x), 0)": np.where(
        np.linspace(-5, 5, 101) > 0, np.log(np.abs(np.linspace(-5, 5, 101)) + 1e-300), 0.0
    ),
    "1000000 * x": 1e6 * np.linspace(-5.0, 5.0, 101),
}


def test_there_are_at_least_forty_hostile_inputs():
    assert len(REJECTED) + len(SAFE) >= 40


@pytest.mark.parametrize(("text", "message", "offending"), REJECTED, ids=range(len(REJECTED)))
def test_hostile_input_is_rejected_with_a_message_that_points_at_it(
    text, message, offending, monkeypatch
):
    result, error = attempt(text, monkeypatch)
    if not message:  # deep nesting: the depth limit or the value limit, either is fine
        assert isinstance(error, ValueError) or np.all(np.isfinite(result))
        return
    assert isinstance(error, core.ExpressionError), f"{text!r} was accepted: {result}"
    assert message in str(error)
    if offending:  # the message quotes the offending text and gives its column
        assert offending in error.snippet and repr(error.snippet) in str(error)
        assert error.column is not None and f"column {error.column}" in str(error)


@pytest.mark.parametrize("text", list(SAFE), ids=range(len(SAFE)))
def test_extreme_but_valid_input_evaluates_safely(text, monkeypatch):
    result, error = attempt(text, monkeypatch)
    assert error is None, str(error)
    np.testing.assert_allclose(result, SAFE[text], rtol=1e-12)


def test_the_sentinel_would_see_a_payload_run(monkeypatch):
    """The sentinel is live: the same payload run by eval is caught by every recorder."""
    real_eval = builtins.eval
    with sentinel(monkeypatch) as seen:
        real_eval(_FLAG)
    assert PAYLOAD_RAN == ["ran"]
    PAYLOAD_RAN.clear()
    assert any(item.startswith("import") for item in seen)
    assert any(item.startswith("audit exec") for item in seen)


def test_the_parser_never_calls_eval_exec_or_compile():
    with open(expressions.__file__, encoding="utf-8") as file:
        source = file.read()
    for forbidden in ("eval(", "exec(", "compile(", "__import__", "globals(", "setattr("):
        assert forbidden not in source, forbidden
    # getattr only ever reads a fixed, named attribute
    assert source.count("getattr(") == len(re.findall(r'getattr\([\w.]+, "\w+"', source))


# -- random junk: only ExpressionError, never anything else -----------------------------------

_ALPHABET = "x0123456789.+-*/()<>=!, _'\"[]{}:;eE" + "sinabcdlogtprmwh" + "×−ｘ\u200b\\"


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_random_text_is_accepted_or_rejected_but_never_crashes(text):
    try:
        parsed = core.parse_expression(text)
    except core.ExpressionError:
        return
    values = parsed(np.linspace(-100.0, 100.0, 257))
    assert values.shape == (257,) and np.all(np.isfinite(values))


def _expressions():
    leaves = st.sampled_from(["x", "1", "2.5", "pi", "0.3", "-x"])
    return st.recursive(
        leaves,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "<", ">=", "=="]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            st.tuples(inner, st.sampled_from(["2", "3", "0.5", "-1", "1.5"])).map(
                lambda t: f"({t[0]})**{t[1]}"
            ),
            st.tuples(st.sampled_from(list(expressions.FUNCTIONS)), inner).map(
                lambda t: f"{t[0]}({', '.join([t[1]] * expressions.FUNCTIONS[t[0]].arity)})"
            ),
        ),
        max_leaves=8,
    )


@settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(_expressions())
def test_grammatical_expressions_are_finite_or_rejected_with_a_reason(text):
    try:
        parsed = core.parse_expression(text)
    except core.ExpressionError as error:
        assert str(error)
        return
    x = np.linspace(-100.0, 100.0, 513)
    values = parsed(x)
    assert np.all(np.isfinite(values)) and np.all(np.abs(values) <= expressions.MAX_VALUE)
    assert all(-100.0 <= point <= 100.0 for point in parsed.breakpoints)


# -- the positive side: the examples work, exactly ------------------------------------------------


def test_the_examples_evaluate_correctly():
    x = np.linspace(-3.0, 4.0, 71)
    np.testing.assert_allclose(
        core.parse_expression("sin(3*x) + (x > 1)")(x), np.sin(3 * x) + (x > 1), rtol=0, atol=0
    )
    np.testing.assert_allclose(
        core.parse_expression("abs(x - 2)**1.5")(x), np.abs(x - 2) ** 1.5, rtol=1e-15
    )
    np.testing.assert_array_equal(core.parse_expression("0 < x <= 1")(x), (x > 0) & (x <= 1))
    np.testing.assert_array_equal(core.parse_expression("3")(x), np.full_like(x, 3.0))


def test_breakpoints_derivative_and_reason_are_found():
    jumpy = core.parse_expression("sin(3*x) + (x > 1)")
    assert jumpy.breakpoints == (1.0,)
    assert jumpy.derivative is None
    assert "'x > 1' (column 13)" in jumpy.nondifferentiable_reason
    kinked = core.parse_expression("abs(x - 2)**1.5")
    assert kinked.breakpoints == (2.0,) and kinked.nondifferentiable_reason is None
    x = np.array([-3.0, 0.0, 1.0, 2.5, 7.0, 40.0])
    exact_slope = 1.5 * np.sign(x - 2) * np.abs(x - 2) ** 0.5
    np.testing.assert_allclose(kinked.derivative(x), exact_slope, rtol=1e-8)
    assert core.parse_expression("clip(x, -1, 2) + maximum(x, 0)").breakpoints == (-1.0, 0.0, 2.0)


def test_a_parsed_expression_pickles_as_its_text_and_is_checked_again():
    parsed = core.parse_expression("abs(x - 2)**1.5")
    restored = pickle.loads(pickle.dumps(parsed))
    assert restored == parsed and restored.text == parsed.text
    assert "parse_expression" in pickle.dumps(parsed).decode("latin-1")


def test_the_evaluation_time_bound_rejects_a_slow_expression(monkeypatch):
    monkeypatch.setattr(expressions, "MAX_EVALUATION_SECONDS", 0.0)
    with pytest.raises(core.ExpressionError, match="to evaluate on 65,536 points"):
        core.parse_expression("sin(x)")


def test_overflow_where_the_gaussian_reaches_is_a_clear_error_not_a_nan():
    """exp(x) is finite on [−100, 100] but overflows at x > 709, inside μ ± 40σ for σ = 30."""
    problem = core.Gaussian(0.0, 30.0, cost=core.parse_expression("exp(x)"))
    with pytest.raises(ValueError, match="infinite .* in 'exp\\(x\\)'"):
        problem.expected_value()


# -- exact values for a custom f through core.Gaussian --------------------------------------------

MU, SIGMA = 0.3, 1.2


def _sin_step_exact(mu: float, sigma: float) -> tuple[float, np.ndarray]:
    """E[sin(3x) + 1[x > 1]] = sin(3μ)e^{−9σ²/2} + Φ((μ − 1)/σ), and its (μ, σ) gradient."""
    damping = math.exp(-4.5 * sigma**2)
    t = (mu - 1.0) / sigma
    density = math.exp(-0.5 * t * t) / math.sqrt(2 * math.pi)
    value = math.sin(3 * mu) * damping + special.ndtr(t)
    gradient = np.array(
        [
            3 * math.cos(3 * mu) * damping + density / sigma,
            -9 * sigma * math.sin(3 * mu) * damping - t * density / sigma,
        ]
    )
    return value, gradient


def test_quadrature_matches_the_closed_form_for_sin_plus_step():
    problem = core.Gaussian(MU, SIGMA, cost=core.parse_expression("sin(3*x) + (x > 1)"))
    value, gradient = _sin_step_exact(MU, SIGMA)
    assert problem.expected_value() == pytest.approx(value, rel=1e-10)
    np.testing.assert_allclose(problem.exact_gradient(), gradient, rtol=1e-9)


@pytest.mark.parametrize("text", ["sin(3*x) + (x > 1)", "abs(x - 2)**1.5"])
def test_exact_gradient_matches_finite_differences_of_the_quadrature_expected_value(text):
    parsed = core.parse_expression(text)
    problem = core.Gaussian(MU, SIGMA, cost=parsed)
    step = 1e-4
    differences = [
        (
            core.Gaussian(*(np.array([MU, SIGMA]) + step * unit), cost=parsed).expected_value()
            - core.Gaussian(*(np.array([MU, SIGMA]) - step * unit), cost=parsed).expected_value()
        )
        / (2 * step)
        for unit in np.eye(2)
    ]
    # central differences: O(h²) truncation ≈ 1e-8, quadrature 1e-11 relative / h ≈ 1e-7
    np.testing.assert_allclose(problem.exact_gradient(), differences, rtol=0, atol=2e-6)


@pytest.mark.parametrize("text", ["sin(3*x) + (x > 1)", "abs(x - 2)**1.5"])
def test_exact_gradient_matches_a_monte_carlo_score_function_estimate(text):
    problem = core.Gaussian(MU, SIGMA, cost=core.parse_expression(text))
    terms = core.score_function(problem, 400_000, rng=make_rng(11))
    estimate, standard_error = terms.mean(axis=0), mean_standard_error(terms)
    assert np.all(np.abs(estimate - problem.exact_gradient()) < 5 * standard_error)


def test_pathwise_uses_the_numerical_derivative_and_is_unbiased_where_f_is_continuous():
    problem = core.Gaussian(MU, SIGMA, cost=core.parse_expression("abs(x - 2)**1.5"))
    terms = core.pathwise(problem, 400_000, rng=make_rng(12))
    estimate, standard_error = terms.mean(axis=0), mean_standard_error(terms)
    assert np.all(np.abs(estimate - problem.exact_gradient()) < 5 * standard_error)


def test_pathwise_is_declared_unavailable_where_f_jumps_with_the_reason():
    problem = core.Gaussian(MU, SIGMA, cost=core.parse_expression("sin(3*x) + (x > 1)"))
    with pytest.raises(
        ValueError, match="pathwise gradient is not available: f jumps where 'x > 1'"
    ):
        core.pathwise(problem, 10, rng=make_rng(0))


def test_the_evaluation_time_limit_stops_slow_quadrature_and_is_per_thread():
    """sin(20x) under N(2, 5²) needs seconds of quadrature; the limit stops it at 0.5 s."""
    import time
    import warnings

    problem = core.Gaussian(2.0, 5.0, cost=core.parse_expression("sin(20*x)"))
    start = time.perf_counter()
    with (
        warnings.catch_warnings(),
        evaluation_time_limit(0.5),
        pytest.raises(core.ExpressionError, match="took longer than the limit of 0.5 s"),
    ):
        warnings.simplefilter("ignore")
        core.per_sample_variance(problem, "score")
    assert time.perf_counter() - start < 5.0
    # another thread, started while a limit is active here, does not inherit it
    quick = core.Gaussian(0.0, 1.0, cost=core.parse_expression("x**2"))
    results = []
    with evaluation_time_limit(0.0):
        worker = threading.Thread(target=lambda: results.append(quick.expected_value()))
        worker.start()
        worker.join()
        with pytest.raises(core.ExpressionError):
            quick.expected_value()
    assert results == [pytest.approx(1.0, rel=1e-10)]


def test_the_antiderivative_matches_adaptive_quadrature():
    from scipy import integrate

    for text in ("sin(3*x) + (x > 1)", "abs(x - 2)**1.5", "floor(x) * cos(x)"):
        parsed = core.parse_expression(text)
        ends = np.array([-7.5, -1.3, 0.0, 2.7, 40.0])
        exact = [
            integrate.quad(
                lambda t, f=parsed: float(f(np.array([t]))[0]),
                0.0,
                end,
                points=[p for p in parsed.breakpoints if min(0, end) < p < max(0, end)] or None,
                limit=500,
                epsabs=1e-13,
                epsrel=1e-12,
            )[0]
            for end in ends
        ]
        np.testing.assert_allclose(parsed.antiderivative(ends), exact, rtol=1e-10, atol=1e-11)


def test_measure_valued_variance_of_a_custom_square_equals_the_closed_form():
    for mu, sigma in ((0.3, 1.2), (3.0, 3.0)):
        custom = core.Gaussian(mu, sigma, cost=core.parse_expression("x**2"))
        named = core.Gaussian(mu, sigma, cost="square")
        np.testing.assert_allclose(
            core.per_sample_variance(custom, "measure_valued"),
            core.per_sample_variance(named, "measure_valued"),
            rtol=1e-9,
        )


@pytest.mark.parametrize("estimator", ["score", "measure_valued"])
def test_custom_per_sample_variance_matches_monte_carlo(estimator):
    problem = core.Gaussian(MU, SIGMA, cost=core.parse_expression("sin(3*x) + (x > 1)"))
    terms = core.gradient_terms(problem, 400_000, rng=make_rng(13), estimator=estimator)
    exact = core.per_sample_variance(problem, estimator)
    empirical, standard_error = terms.var(axis=0, ddof=1), variance_standard_error(terms)
    assert np.all(np.abs(empirical - exact) < 5 * standard_error)
