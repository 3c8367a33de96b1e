"""Numbers as the pages show them: LaTeX numbers and estimates with their 95% interval; a
visitor's text echoed into markdown literally."""

import math
import re

import numpy as np
import pytest

from tests.app.page_runner import as_read
from ui.format import interval_text, markdown_literal, tex_factor, tex_number


def test_tex_number_uses_times_ten_to_the_power_not_e():
    assert tex_number(1.25) == "1.25"
    assert tex_number(2.3e-5) == r"2.3 \times 10^{-5}"
    assert tex_number(math.inf) == r"\infty" and tex_number(math.nan) == r"\text{NaN}"


def test_tex_factor_brackets_negative_numbers_only():
    assert tex_factor(-0.5) == "(-0.5)" and tex_factor(0.5) == "0.5"


def test_interval_text_gives_estimate_and_bounds_the_same_decimals():
    # half-width 1.96 · 0.00709 = 0.0139: two significant figures (0.014) need three decimals.
    assert interval_text(-0.0086, 0.00709) == "-0.009 [-0.022, 0.005]"
    assert interval_text(12.3456, 1.0) == "12.3 [10.4, 14.3]"


def test_interval_text_says_so_when_there_is_no_spread():
    assert interval_text(0.25, 0.0) == "0.25 [exact: zero spread]"


@pytest.mark.parametrize(
    "text",
    [
        "1` [Log in](https://evil.invalid/x) `",
        "![a](https://evil.invalid/p.png)",
        "<img src=x onerror=alert(1)>",
        "**bold** _it_ ~~gone~~ $x^2$ :red[alarm] &lt;",
        "x if 1 else www.evil.invalid or me@evil.invalid",
        "exp(x**4) + x**2 + x**3",
        "# Heading",
        "> quote",
        "- item",
        "1. item",
    ],
)
def test_markdown_literal_reads_as_the_text_and_leaves_no_markup(text):
    shown = markdown_literal(text)
    assert as_read(shown) == text
    unescaped = re.sub(r"\\.", "·", shown)  # what markdown still reads as syntax
    for markup in ("](", "![", "<img", "**", "www.", "://", "$x", ":red[", "&lt", "#", "1."):
        assert markup not in unescaped
    assert unescaped[0] not in ">-"


def test_markdown_literal_leaves_plain_prose_and_named_formulas_alone():
    for text in ("f(x) = 1[x > k]", "f(x) = |x − k|", "needs k > 0", "not available: 0.5 s"):
        assert markdown_literal(text) == text
    assert markdown_literal("a\nb\r\nc") == "a b c"


# -- honest numbers (issue 10): rounding noise is not shown as a result ----------------------------


def test_rounding_noise_of_a_deterministic_estimate_shows_no_plus_minus():
    """Issue examples: '0.39894 ± 3.4e-16' (measure-valued on the step cost, n = 2000) and a
    b* bias of '2.2204e-16' are rounding; the SE and the bias are below the resolution."""
    from ui.format import mean_resolution, plus_minus

    floor = mean_resolution(0.39894, 2_000)
    assert plus_minus(0.398942, 3.4e-16, floor) == "0.39894 (no spread)"
    assert plus_minus(2.2204e-16, 9.2e-18, mean_resolution(1.22, 10_000)) == "0 (no spread)"
    assert plus_minus(1.2065, 0.0266, floor) == "1.2065 ± 0.027"
    assert plus_minus(float("nan"), 0.1) == "—"


def test_a_plus_minus_column_and_its_check_label_agree_on_what_is_no_spread():
    """Group baselines' sample-reuse table showed J(θ_0) as '7.5 ± 6.3e-18' beside the label
    '✓ equal (no spread)': an exact SE √(Var/reps) of rounding noise (on another CPU: 1.3e-17).
    The column now uses the label's own rule, so both say no spread, and a real SE stays."""
    import pandas as pd

    import core
    from ui.checks import rounding_spread, short_label
    from ui.format import plus_minus_column

    table = pd.DataFrame(
        {
            "mc": [7.5, 1.0, 0.31],
            "exact": [7.499999999999999, 1.0, 0.3],
            "se": [6.3e-18, 1.3e-17, 0.02],
        }
    )
    shown = plus_minus_column(table, "mc", "se", rounding_spread(table["mc"], table["exact"]))
    assert shown == ["7.5 (no spread)", "1 (no spread)", "0.31 ± 0.02"]
    labels = [
        short_label(core.check_agreement(row.mc, row.exact, row.se)) for row in table.itertuples()
    ]
    assert [label.endswith("(no spread)") for label in labels] == [True, True, False]
    assert rounding_spread(7.5, 7.5) == core.checks.ROUNDING * 7.5
    assert rounding_spread(1e-3, 0.0) == core.checks.ROUNDING  # never below ROUNDING · 1


def test_a_variance_below_its_resolution_is_zero_and_exactly_zero_says_exact():
    from ui.format import exact_variance_resolution, variance_resolution, variance_text

    floor = variance_resolution(0.39894, 2_000)
    assert variance_text(2.3146e-28, 1.6e-31, floor) == "0"  # the example
    assert variance_text(0.0, 0.0, floor) == "0 (exact)"
    assert variance_text(4.930381e-33, None, exact_variance_resolution(1.22)) == "0"
    assert variance_text(0.34862, 0.016, floor) == "0.34862 ± 0.016"
    assert variance_text(1e-20, None, floor) == "1e-20"  # small but resolved


def test_a_ratio_over_a_zero_variance_is_infinite_not_rounding_noise():
    """Issue examples: variance reductions of '8.482e+29' and '2.5e32'."""
    from ui.format import ratio_text, variance_resolution

    floor = variance_resolution(1.22, 10_000)
    assert ratio_text(2.519e32, 4.93e-33, floor) == "∞ (zero variance)"
    assert ratio_text(8.482e29, 8.43e-32, floor) == "∞ (zero variance)"
    assert ratio_text(float("inf"), 0.0) == "∞ (zero variance)"
    assert ratio_text(11.2215, 0.11, floor) == "11.22"
    assert ratio_text(float("nan"), float("nan")) == "—"


def test_the_resolution_grows_with_the_scale_of_the_terms_and_the_root_of_their_number():
    from ui.format import EPSILON, ROUNDING_ULPS, mean_resolution, term_scale

    assert np.finfo(np.float64).eps == EPSILON
    assert mean_resolution(2.0, 100) == pytest.approx(ROUNDING_ULPS * EPSILON * 2.0 * 10)
    scale = term_scale([1.0, -3.0, np.nan], [0.04, 0.0, 1.0], samples=25)
    assert list(scale) == pytest.approx([2.0, 3.0, 5.0])
