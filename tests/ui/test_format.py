"""Numbers as the pages show them: LaTeX numbers and estimates with their 95% interval; a
visitor's text echoed into markdown literally."""

import math
import re

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
