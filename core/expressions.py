"""A visitor's cost f(x), typed as text, checked by a whitelisting evaluator over its syntax tree.

The text is parsed with `ast.parse(mode="eval")` and translated node by node into a small tree of
our own; anything not on the list below is rejected with a message that names the offending part
and its column. Nothing is ever handed to `eval`, `exec` or `compile`: the tree is evaluated by
walking it with NumPy.

Allowed (and nothing else):
  - numbers (finite, |value| ≤ 1e6), the variable `x`, the constants `pi` and `e`;
  - + − * / and unary ±; powers `a ** c` whose exponent c is a plain number (e.g. 2, -1.5,
    (1/3)) with |c| ≤ 100, no power of a power in the exponent (no `9**9**9`), and nested powers
    whose exponents multiply to at most 100 in size;
  - comparisons < <= > >= == != (chains like `0 < x < 1` too), worth 1.0 when true and 0.0
    when false;
  - calls, by bare name and with exactly their number of arguments, of the functions in
    `FUNCTIONS` (sin, cos, exp, log, sqrt, abs, where, clip, ...; see `ALLOWED_SUMMARY`).
Limits: at most 200 characters of printable ASCII, 80 syntax nodes, nesting depth 25; no
backslashes and no '#' (a comment would hide the rest of the text from these checks).

A parsed f must be finite with |f(x)| ≤ 1e100 for every x in [−100, 100] (checked on a probe
grid) and must not blow up between grid points (poles such as 1/(x − 0.3) are found by zooming
in on every peak of |f|), so that E[f(x)] under a Gaussian exists and quadrature can find it.
"""

from __future__ import annotations

import ast
import contextlib
import io
import keyword
import math
import time
import tokenize
import unicodedata
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

MAX_LENGTH = 200
MAX_NODES = 80
MAX_DEPTH = 25
MAX_NUMBER = 1e6
MAX_EXPONENT = 100.0
MAX_VALUE = 1e100
PROBE_RANGE = 100.0
MAX_BREAKPOINTS = 100
# Where f's variation is sampled before any quadrature (_check_variation): N(μ, σ²) with |μ| ≤ 3
# and σ ≤ 3 (the app's ranges) has all but ~1e-15 of its mass within μ ± 8σ ⊂ [−30, 30].
VARIATION_RANGE = 30.0
VARIATION_POINTS = 12_001
MAX_TURNS = 400
# One chunk of samples (core.numerics.CHUNK_SIZE) must evaluate well within this time.
MAX_EVALUATION_SECONDS = 0.25
# Central differences f'(x) ≈ (f(x + h) − f(x − h)) / 2h with h = 1e-5 · max(1, |x|):
# truncation error ~h² f'''/6 and rounding ~ε|f|/h, both ≈ 1e-10 relative for a smooth f.
DERIVATIVE_STEP = 1e-5

_SMOOTH, _KINK, _JUMP = "smooth", "kink", "jump"

# (deadline on time.monotonic(), seconds allowed) for the current thread's or task's work.
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("expression_deadline", default=None)


@contextlib.contextmanager
def evaluation_time_limit(seconds: float) -> Iterator[None]:
    """Within the block, every parsed f(x) raises ExpressionError once `seconds` have passed.

    Exact values for a custom f come from adaptive quadrature, which can take long for a wildly
    oscillating f; this bounds it. The limit is per thread (a context variable), so concurrent
    app sessions each keep their own.
    """
    token = _DEADLINE.set((time.monotonic() + seconds, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _relu(a: np.ndarray) -> np.ndarray:
    return np.maximum(a, 0.0)


def _where(condition: np.ndarray, if_true: np.ndarray, if_false: np.ndarray) -> np.ndarray:
    return np.where(condition != 0, if_true, if_false)


@dataclass(frozen=True)
class _Function:
    arity: int
    apply: Callable[..., np.ndarray]
    kind: str  # smooth; kink (continuous, slope jumps); jump (the value itself jumps)
    usage: str


FUNCTIONS: dict[str, _Function] = {
    "sin": _Function(1, np.sin, _SMOOTH, "sin(a)"),
    "cos": _Function(1, np.cos, _SMOOTH, "cos(a)"),
    "tanh": _Function(1, np.tanh, _SMOOTH, "tanh(a)"),
    "arctan": _Function(1, np.arctan, _SMOOTH, "arctan(a)"),
    "sinh": _Function(1, np.sinh, _SMOOTH, "sinh(a)"),
    "cosh": _Function(1, np.cosh, _SMOOTH, "cosh(a)"),
    "exp": _Function(1, np.exp, _SMOOTH, "exp(a)"),
    "expm1": _Function(1, np.expm1, _SMOOTH, "expm1(a) = exp(a) − 1"),
    "log": _Function(1, np.log, _SMOOTH, "log(a), natural log, a > 0"),
    "log1p": _Function(1, np.log1p, _SMOOTH, "log1p(a) = log(1 + a)"),
    "sqrt": _Function(1, np.sqrt, _SMOOTH, "sqrt(a), a ≥ 0"),
    "abs": _Function(1, np.abs, _KINK, "abs(a) = |a|"),
    "minimum": _Function(2, np.minimum, _KINK, "minimum(a, b)"),
    "maximum": _Function(2, np.maximum, _KINK, "maximum(a, b)"),
    "min": _Function(2, np.minimum, _KINK, "min(a, b), e.g. min(x, 1)"),
    "max": _Function(2, np.maximum, _KINK, "max(a, b), e.g. max(x, 0)"),
    "relu": _Function(1, _relu, _KINK, "relu(a) = max(a, 0)"),
    "clip": _Function(3, np.clip, _KINK, "clip(a, low, high)"),
    "sign": _Function(1, np.sign, _JUMP, "sign(a) ∈ {−1, 0, 1}"),
    "floor": _Function(1, np.floor, _JUMP, "floor(a)"),
    "ceil": _Function(1, np.ceil, _JUMP, "ceil(a)"),
    "where": _Function(3, _where, _JUMP, "where(condition, a, b)"),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
ALLOWED_SUMMARY = (
    "numbers, x, pi, e, + - * / ** (a number as exponent), comparisons < <= > >= == != "
    "(1 if true, 0 if false), and the functions " + ", ".join(f.usage for f in FUNCTIONS.values())
)

# Friendly names for the constructs people try; anything else gets its class name.
_FORBIDDEN = {
    ast.Attribute: "attribute access ('.') is not allowed",
    ast.Subscript: "indexing with [...] is not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "comprehensions are not allowed",
    ast.SetComp: "comprehensions are not allowed",
    ast.DictComp: "comprehensions are not allowed",
    ast.GeneratorExp: "generator expressions are not allowed",
    ast.NamedExpr: "the walrus operator ':=' is not allowed",
    ast.JoinedStr: "f-strings are not allowed",
    ast.FormattedValue: "f-strings are not allowed",
    ast.List: "lists are not allowed; f(x) is one number per x",
    ast.Tuple: "tuples are not allowed; f(x) is one number per x",
    ast.Set: "sets are not allowed; f(x) is one number per x",
    ast.Dict: "dicts are not allowed; f(x) is one number per x",
    ast.IfExp: "'a if c else b' is not allowed; write where(c, a, b)",
    ast.BoolOp: "'and'/'or' are not allowed; multiply conditions, e.g. (x > 0) * (x < 1)",
    ast.Starred: "'*' unpacking is not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
    ast.Slice: "slices are not allowed",
}
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
_COMPARISONS = {
    ast.Lt: np.less,
    ast.LtE: np.less_equal,
    ast.Gt: np.greater,
    ast.GtE: np.greater_equal,
    ast.Eq: np.equal,
    ast.NotEq: np.not_equal,
}
_DOMAINS = {"log": "a > 0", "sqrt": "a ≥ 0", "log1p": "a > −1"}
_ASCII_HINTS = {
    "−": "-",
    "–": "-",
    "×": "*",
    "·": "*",
    "÷": "/",
    "²": "**2",
    "³": "**3",
    "π": "pi",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
}


class ExpressionError(ValueError):
    """A rejected f(x): what is wrong, where (1-based column) and the offending text."""

    def __init__(self, reason: str, column: int | None = None, snippet: str = "") -> None:
        self.reason, self.column, self.snippet = reason, column, snippet
        where = ""
        if column is not None:
            where = f" (column {column}: {snippet!r})" if snippet else f" (column {column})"
        super().__init__(reason + where)


# -- the evaluation tree ------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Node:
    text: str
    column: int

    def evaluate(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def children(self) -> tuple[_Node, ...]:
        return ()

    def switch(self, x: np.ndarray) -> np.ndarray | None:
        """A piecewise-constant indicator whose changes mark where this node jumps or kinks."""
        return None

    def kind(self) -> str:
        return _SMOOTH

    def singular_part(self) -> _Node | None:
        """The sub-expression whose zeros make this node blow up (a denominator), if any."""
        return None


@dataclass(frozen=True, eq=False)
class _Number(_Node):
    value: float

    def evaluate(self, x):
        return np.float64(self.value)


@dataclass(frozen=True, eq=False)
class _Variable(_Node):
    def evaluate(self, x):
        return x


@dataclass(frozen=True, eq=False)
class _Negate(_Node):
    operand: _Node

    def evaluate(self, x):
        return np.negative(self.operand.evaluate(x))

    def children(self):
        return (self.operand,)


@dataclass(frozen=True, eq=False)
class _Binary(_Node):
    operator: str
    left: _Node
    right: _Node

    def evaluate(self, x):
        a, b = self.left.evaluate(x), self.right.evaluate(x)
        if self.operator == "+":
            return np.add(a, b)
        if self.operator == "-":
            return np.subtract(a, b)
        if self.operator == "*":
            return np.multiply(a, b)
        return np.divide(a, b)

    def children(self):
        return (self.left, self.right)

    def singular_part(self):
        return self.right if self.operator == "/" else None


@dataclass(frozen=True, eq=False)
class _Power(_Node):
    base: _Node
    exponent: float

    def evaluate(self, x):
        return np.power(self.base.evaluate(x), self.exponent)

    def children(self):
        return (self.base,)

    def singular_part(self):
        return self.base if self.exponent < 0 else None


@dataclass(frozen=True, eq=False)
class _Compare(_Node):
    operators: tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], ...]
    operands: tuple[_Node, ...]

    def evaluate(self, x):
        values = [operand.evaluate(x) for operand in self.operands]
        result = np.bool_(True)
        for operator, left, right in zip(self.operators, values[:-1], values[1:], strict=True):
            result = np.logical_and(result, operator(left, right))
        return result.astype(np.float64)

    def children(self):
        return self.operands

    def switch(self, x):
        return self.evaluate(x)

    def kind(self):
        return _JUMP


@dataclass(frozen=True, eq=False)
class _Call(_Node):
    name: str
    arguments: tuple[_Node, ...]

    def evaluate(self, x):
        return FUNCTIONS[self.name].apply(*(argument.evaluate(x) for argument in self.arguments))

    def children(self):
        return self.arguments

    def kind(self):
        return FUNCTIONS[self.name].kind

    def switch(self, x):
        values = [argument.evaluate(x) for argument in self.arguments]
        if self.name in ("abs", "sign", "relu"):
            return np.sign(values[0])
        if self.name in ("minimum", "maximum", "min", "max"):
            return np.sign(values[0] - values[1])
        if self.name == "clip":
            return np.sign(values[0] - values[1]) + np.sign(values[0] - values[2])
        if self.name in ("floor", "ceil"):
            return FUNCTIONS[self.name].apply(values[0])
        if self.name == "where":
            return (values[0] != 0).astype(np.float64)
        return None


def _walk(node: _Node):
    yield node
    for child in node.children():
        yield from _walk(child)


# -- translation from Python's syntax tree, rejecting everything off the list -------------------


class _Translator:
    def __init__(self, text: str) -> None:
        self.text = text

    def reject(self, reason: str, node: ast.AST) -> ExpressionError:
        column = getattr(node, "col_offset", None)
        snippet = ast.get_source_segment(self.text, node) or ""
        if len(snippet) > 40:
            snippet = snippet[:37] + "..."
        return ExpressionError(reason, None if column is None else column + 1, snippet)

    def node(self, node: ast.AST, power_scale: float = 1.0) -> _Node:
        """Translate one node; `power_scale` is the product of the exponents enclosing it."""
        text = ast.get_source_segment(self.text, node) or ""
        column = getattr(node, "col_offset", 0) + 1
        if isinstance(node, ast.Constant):
            return _Number(text, column, self.number(node))
        if isinstance(node, ast.Name):
            return self.name(node, text, column)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub):
                return _Negate(text, column, self.node(node.operand, power_scale))
            if isinstance(node.op, ast.UAdd):
                return self.node(node.operand, power_scale)
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            raise self.reject(f"'{symbol}' is not allowed; write 1 - (condition)", node)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Pow):
                return self.power(node, text, column, power_scale)
            operator = _BINARY.get(type(node.op))
            if operator is None:
                symbol = {ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@"}.get(
                    type(node.op), "bitwise operators"
                )
                raise self.reject(f"{symbol} is not allowed; use + - * / **", node)
            return _Binary(
                text,
                column,
                operator,
                self.node(node.left, power_scale),
                self.node(node.right, power_scale),
            )
        if isinstance(node, ast.Compare):
            operators = []
            for operator in node.ops:
                function = _COMPARISONS.get(type(operator))
                if function is None:
                    raise self.reject("only < <= > >= == != comparisons are allowed", node)
                operators.append(function)
            operands = (node.left, *node.comparators)
            return _Compare(
                text,
                column,
                tuple(operators),
                tuple(self.node(operand, power_scale) for operand in operands),
            )
        if isinstance(node, ast.Call):
            return self.call(node, text, column, power_scale)
        for kind, reason in _FORBIDDEN.items():
            if isinstance(node, kind):
                raise self.reject(reason, node)
        raise self.reject(f"{type(node).__name__} is not allowed", node)

    def number(self, node: ast.Constant) -> float:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, complex):
                raise self.reject("complex numbers are not allowed; f(x) is real", node)
            if value is None or value is Ellipsis or isinstance(value, bool):
                raise self.reject(f"{value!r} is not a number", node)
            raise self.reject("text (strings, bytes, ...) is not allowed; f(x) is a number", node)
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise self.reject(f"numbers must be finite with size at most {MAX_NUMBER:g}", node)
        return float(value)

    def name(self, node: ast.Name, text: str, column: int) -> _Node:
        if node.id == "x":
            return _Variable(text, column)
        if node.id in CONSTANTS:
            return _Number(text, column, CONSTANTS[node.id])
        if node.id in FUNCTIONS:
            raise self.reject(f"{node.id} is a function: call it, e.g. {node.id}(x)", node)
        if node.id.startswith("_"):
            raise self.reject("names starting with '_' are never allowed", node)
        raise self.reject(
            f"unknown name {node.id!r}: the only variable is x (constants: pi, e)", node
        )

    def power(self, node: ast.BinOp, text: str, column: int, power_scale: float) -> _Node:
        for inner in _descendants(node.right):
            if isinstance(inner, ast.BinOp) and isinstance(inner.op, ast.Pow):
                raise self.reject("a power inside an exponent (a power tower) is not allowed", node)
            if isinstance(inner, (ast.Name, ast.Call)) and not (
                isinstance(inner, ast.Name) and inner.id in CONSTANTS
            ):
                raise self.reject(
                    "the exponent must be a plain number like 2, -1.5 or (1/3); "
                    "for a variable exponent write exp(...)",
                    node.right,
                )
        exponent_tree = self.node(node.right)
        with np.errstate(all="ignore"):
            exponent = float(exponent_tree.evaluate(np.float64(0.0)))
        if not math.isfinite(exponent) or abs(exponent) > MAX_EXPONENT:
            raise self.reject(f"exponents must be at most {MAX_EXPONENT:g} in size", node.right)
        scale = power_scale * abs(exponent)
        if scale > MAX_EXPONENT:
            raise self.reject(
                f"nested powers multiply to an exponent of {scale:g}, over the limit of "
                f"{MAX_EXPONENT:g}",
                node,
            )
        return _Power(text, column, self.node(node.left, max(scale, power_scale)), exponent)

    def call(self, node: ast.Call, text: str, column: int, power_scale: float) -> _Node:
        if not isinstance(node.func, ast.Name):
            self.node(node.func)  # names the forbidden part (attribute, lambda, ...) if any
            raise self.reject("only the listed functions can be called, by their bare name", node)
        name = node.func.id
        if name not in FUNCTIONS:
            if name == "x" or name in CONSTANTS:
                raise self.reject(f"{name} is not a function and cannot be called", node)
            if name.startswith("_"):
                raise self.reject("names starting with '_' are never allowed", node.func)
            allowed = ", ".join(FUNCTIONS)
            raise self.reject(f"unknown function {name!r}: allowed are {allowed}", node.func)
        if node.keywords:
            raise self.reject("keyword arguments are not allowed", node.keywords[0].value)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self.reject("'*' unpacking is not allowed", argument)
        function = FUNCTIONS[name]
        if len(node.args) != function.arity:
            raise self.reject(
                f"{name} takes {function.arity} argument{'s' * (function.arity > 1)}: "
                f"{function.usage}; got {len(node.args)}",
                node,
            )
        arguments = tuple(self.node(argument, power_scale) for argument in node.args)
        return _Call(text, column, name, arguments)


def _check_characters(text: str) -> None:
    for index, character in enumerate(text):
        if character == "\\":  # escapes and line continuations have no place in a formula
            raise ExpressionError("backslashes are not allowed", index + 1, character)
        if character == "#":  # Python would drop the rest of the line unseen
            raise ExpressionError(
                "'#' is not allowed: it would start a comment, and everything after it would be "
                "silently ignored instead of checked",
                index + 1,
                text[index : index + 10],
            )
        if " " <= character <= "~":
            continue
        hint = _ASCII_HINTS.get(character)
        name = unicodedata.name(character, f"U+{ord(character):04X}")
        advice = f"; write {hint!r} instead" if hint else ""
        raise ExpressionError(
            f"only plain ASCII letters, digits and symbols are allowed; found {name}{advice}",
            index + 1,
            character if character.isprintable() else "",
        )


def _check_implicit_products(text: str) -> None:
    """Reject '3x' or '2sin(x)' with the fix, before the parser warns about the literal."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return  # unbalanced brackets and the like: ast.parse says where
    for number, name in zip(tokens[:-1], tokens[1:], strict=True):
        adjacent = number.end == name.start
        if adjacent and number.type == tokenize.NUMBER and name.type == tokenize.NAME:
            reason = f"a number runs straight into a name: write {number.string}*{name.string}"
            if keyword.iskeyword(name.string):
                reason = f"{name.string!r} cannot follow a number"
            raise ExpressionError(reason, number.start[1] + 1, number.string + name.string)


def _descendants(node: ast.AST):
    """The node and everything below it (ast.walk would import collections on every call)."""
    yield node
    for child in ast.iter_child_nodes(node):
        yield from _descendants(child)


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(child) for child in children), default=0)


def _parse_tree(text: str) -> _Node:
    if not isinstance(text, str):
        raise ExpressionError(f"f(x) must be text, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ExpressionError("f(x) is empty: type an expression in x, e.g. sin(3*x) + (x > 1)")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"f(x) is {len(text)} characters long; the limit is {MAX_LENGTH}", MAX_LENGTH + 1
        )
    _check_characters(text)
    _check_implicit_products(text)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        column = error.offset or 0
        if not 1 <= column <= len(text):  # the parser ran off the end of the text
            raise ExpressionError(
                f"not a valid expression: it ends too early ({error.msg})", len(text) + 1
            ) from None
        snippet = text[column - 1 : column + 9]
        raise ExpressionError(f"not a valid expression ({error.msg})", column, snippet) from None
    except (ValueError, RecursionError, MemoryError) as error:
        raise ExpressionError(f"not a valid expression ({error})") from None
    nodes = sum(1 for _ in _descendants(tree.body))
    if nodes > MAX_NODES:
        raise ExpressionError(f"f(x) has {nodes} parts; the limit is {MAX_NODES}")
    if _depth(tree.body) > MAX_DEPTH:
        raise ExpressionError(f"f(x) is nested more than {MAX_DEPTH} levels deep")
    return _Translator(text).node(tree.body)


# -- checks on the values -----------------------------------------------------------------------


def _probe_grid() -> np.ndarray:
    dense = np.linspace(-10.0, 10.0, 4001)
    wide = np.linspace(-PROBE_RANGE, PROBE_RANGE, 4001)
    return np.unique(np.concatenate([dense, wide, np.arange(-10.0, 11.0)]))


def _culprit(root: _Node, x: np.ndarray) -> _Node:
    """The innermost node whose value at x is not finite (or too large) while its inputs are."""
    node = root
    while True:
        for child in node.children():
            with np.errstate(all="ignore"):
                value = np.asarray(child.evaluate(x), dtype=np.float64)
            if not np.all(np.isfinite(value)) or np.any(np.abs(value) > MAX_VALUE):
                node = child
                break
        else:
            return node


def _bad_value_error(root: _Node, x: float, value: float) -> ExpressionError:
    culprit = _culprit(root, np.array([x]))
    hint = ""
    if np.isnan(value):
        problem = "is not a number (NaN)"
        if isinstance(culprit, _Power):
            hint = "a fractional power of a negative number is not real: use abs(...). "
        elif isinstance(culprit, _Call) and culprit.name in _DOMAINS:
            hint = f"{culprit.name}(a) needs {_DOMAINS[culprit.name]}. "
    elif np.isinf(value):
        problem = "is infinite (overflow or division by zero)"
    else:
        problem = f"is {value:.3g}, over the limit of {MAX_VALUE:g} in size"
    return ExpressionError(
        f"f(x) {problem} at x = {x:.6g}, in {culprit.text!r}. {hint}f must be finite for "
        f"every x in [−{PROBE_RANGE:g}, {PROBE_RANGE:g}]",
        culprit.column,
        culprit.text,
    )


def _changes(indicator: Callable[[np.ndarray], np.ndarray], grid: np.ndarray) -> np.ndarray:
    """Points where a piecewise-constant indicator changes, located by bisection to rounding."""
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(indicator(grid), dtype=np.float64), grid.shape)
        # Cells where the indicator is undefined (a branch `where` masks out) mark nothing.
        defined = np.isfinite(values[1:]) & np.isfinite(values[:-1])
        cells = np.flatnonzero(defined & (values[1:] != values[:-1]))
        low, high = grid[cells], grid[cells + 1]
        left = values[cells]
        for _ in range(60):
            middle = 0.5 * (low + high)
            same = np.broadcast_to(indicator(middle), middle.shape) == left
            low, high = np.where(same, middle, low), np.where(same, high, middle)
    return 0.5 * (low + high)


def _pole_near(root: _Node, grid: np.ndarray, values: np.ndarray) -> tuple[float, _Node] | None:
    """A point where |f| grows without bound, found by zooming in on the largest peaks of |f|."""
    if not any(node.singular_part() is not None for node in _walk(root)):
        return None
    magnitude = np.abs(values)
    peaks = np.flatnonzero((magnitude[1:-1] >= magnitude[:-2]) & (magnitude[1:-1] >= magnitude[2:]))
    peaks = peaks[np.argsort(magnitude[peaks + 1])[::-1][:10]] + 1
    for peak in peaks:
        low, high = grid[peak - 1], grid[peak + 1]
        half_width = 0.5 * (high - low)
        for _ in range(3):
            fine = np.linspace(low, high, 201)
            with np.errstate(all="ignore"):
                size = np.abs(np.broadcast_to(root.evaluate(fine), fine.shape))
            top = int(np.argmax(np.where(np.isfinite(size), size, np.inf)))
            low, high = fine[max(top - 1, 0)], fine[min(top + 1, 200)]
        centre = fine[top]
        steps = half_width * 10.0 ** -np.arange(2.0, 9.0)
        with np.errstate(all="ignore"):
            near = np.abs(np.broadcast_to(root.evaluate(centre + steps), steps.shape))
            near = np.maximum(near, np.abs(root.evaluate(centre - steps)))
        # |f| ~ |x − a|^−p grows 10^{6p} over these six decades: p ≥ 1/3 is flagged.
        if not np.all(np.isfinite(near)) or near[-1] > 1e2 * max(near[0], 1e-300):
            singular = [n.singular_part() for n in _walk(root) if n.singular_part() is not None]
            return float(centre), singular[0]
    return None


def _check_variation(root: _Node) -> None:
    """Refuse an f too wild to integrate: one that turns or switches too often where it counts.

    f is sampled on a jittered grid of `VARIATION_POINTS` points over [−VARIATION_RANGE,
    VARIATION_RANGE] (jittered, so no frequency can alias to a constant). A turn is a change of
    direction between steps larger than 1e-9 of |f| (rounding noise is not a turn); a switch is a
    grid cell where a comparison, abs, min/max, clip, sign, floor, ceil or where changes. Adaptive
    quadrature needs panels per turn and a split per switch, so over MAX_TURNS turns or
    MAX_BREAKPOINTS switches the exact values would run into the time limit: refused here, after
    a few vectorised evaluations (sin(1e6*x), floor(1e6*x), sin(999999*x**2) included).
    """
    step = 2.0 * VARIATION_RANGE / (VARIATION_POINTS - 1)
    jitter = np.random.default_rng(0).uniform(-0.45, 0.45, VARIATION_POINTS)
    grid = np.linspace(-VARIATION_RANGE, VARIATION_RANGE, VARIATION_POINTS) + step * jitter
    where = f"[−{VARIATION_RANGE:g}, {VARIATION_RANGE:g}]"
    switches = 0
    with np.errstate(all="ignore"):
        for node in _walk(root):
            if node.kind() != _SMOOTH:
                indicator = np.broadcast_to(np.asarray(node.switch(grid), np.float64), grid.shape)
                changed = (indicator[1:] != indicator[:-1]) & np.isfinite(indicator[1:])
                switches += int(np.count_nonzero(changed & np.isfinite(indicator[:-1])))
        if switches > MAX_BREAKPOINTS:
            raise ExpressionError(
                f"f(x) jumps or kinks at {switches:,} or more points in {where} (the limit is "
                f"{MAX_BREAKPOINTS}): too many pieces for the exact values to be integrated "
                "reliably; use a coarser step, e.g. floor(x) rather than floor(1e6*x)"
            )
        values = np.broadcast_to(np.asarray(root.evaluate(grid), np.float64), grid.shape)
        difference = np.diff(values)
        noise = 1e-9 * np.maximum(np.abs(values[1:]), np.abs(values[:-1]))
        direction = np.sign(difference[np.abs(difference) > noise])
    turns = int(np.count_nonzero(direction[1:] != direction[:-1]))
    if turns > MAX_TURNS:
        raise ExpressionError(
            f"f(x) oscillates too fast: it changes direction {turns:,} times in {where} (the "
            f"limit is {MAX_TURNS}), too often for its exact values to be integrated within the "
            "time limit; slow it down, e.g. sin(3*x) rather than sin(1e6*x)"
        )


def _jump_reason(root: _Node, node: _Node, changes: np.ndarray) -> str | None:
    """Why f is not continuous where `node` (a comparison, where, sign, floor, …) switches, or
    None when f is continuous there after all (e.g. where(x < 0, 0, x), (x > 0)*x).

    At each switch p, compare |f(p + δ) − f(p − δ)| at δ = 1e-4 and 1e-6 (× max(1, |p|)): it
    shrinks at least in proportion to √δ when f is continuous at p (slope or √-cusp), and stays
    the size of the jump when f jumps. A jump is declared when the gap shrinks by less than 2×
    and is above rounding (1e-9 of |f| beside p).
    """
    reason = (
        f"f jumps where {node.text!r} (column {node.column}) changes value, so its "
        "slope f'(x) is 0 or undefined there and the reparameterised gradient "
        "f'(x)·∂x/∂θ misses each jump's whole contribution"
    )
    if changes.size == 0:
        return None
    scale = np.maximum(1.0, np.abs(changes))

    def gap(delta: float) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(all="ignore"):
            above = np.broadcast_to(root.evaluate(changes + delta * scale), changes.shape)
            below = np.broadcast_to(root.evaluate(changes - delta * scale), changes.shape)
        return np.abs(above - below), np.maximum(np.abs(above), np.abs(below))

    (wide, _), (narrow, size) = gap(1e-4), gap(1e-6)
    if not (np.all(np.isfinite(wide)) and np.all(np.isfinite(narrow))):
        return reason
    # A gap at rounding level (1e-9 of |f| there) is no jump, however it scales.
    jumps = (narrow > 0.5 * wide) & (narrow > 1e-9 * size)
    return reason if np.any(jumps) else None


# 20-point Gauss–Legendre: exact for polynomials of degree ≤ 39 on each panel.
_LEGENDRE_NODES, _LEGENDRE_WEIGHTS = np.polynomial.legendre.leggauss(20)
_MAX_PANELS = 1 << 16


def _panel_integrals(f: Callable[[np.ndarray], np.ndarray], low, high) -> np.ndarray:
    """∫ f over each [low_i, high_i] by 20-point Gauss–Legendre, all panels in one call of f."""
    half, centre = 0.5 * (high - low), 0.5 * (high + low)
    nodes = centre[:, None] + half[:, None] * _LEGENDRE_NODES
    return half * (f(nodes.ravel()).reshape(nodes.shape) @ _LEGENDRE_WEIGHTS)


def _cumulative_table(f, breakpoints: tuple[float, ...], limit: float):
    """Panel edges on [−limit, limit] and ∫_0^edge f, or None if f cannot be resolved.

    Panels start 1/8 wide, split at the breakpoints, and are halved until the 20-point rule on a
    panel agrees with the sum over its halves to 1e-13 · width · max(1, |f|) — then f is a
    polynomial to rounding on that panel, so the rule is exact on any part of it too.
    """
    inside = [p for p in breakpoints if -limit < p < limit]
    edges = np.unique(
        np.concatenate([np.linspace(-limit, limit, int(16 * limit) + 1), inside, [0]])
    )
    low, high = edges[:-1], edges[1:]
    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    scale = 1.0
    while low.size:
        if low.size + sum(part[0].size for part in done) > _MAX_PANELS:
            return None
        middle = 0.5 * (low + high)
        whole = _panel_integrals(f, low, high)
        halves = _panel_integrals(f, low, middle) + _panel_integrals(f, middle, high)
        scale = max(scale, float(np.max(np.abs(whole) / (high - low))))
        good = np.abs(whole - halves) <= 1e-13 * (high - low) * scale
        good |= (high - low) < 1e-12 * np.maximum(1.0, np.abs(low))  # no further to halve
        done.append((low[good], high[good], halves[good]))
        low, high = (
            np.concatenate([low[~good], middle[~good]]),
            np.concatenate([middle[~good], high[~good]]),
        )
    lows = np.concatenate([part[0] for part in done])
    order = np.argsort(lows)
    values = np.concatenate([part[2] for part in done])[order]
    edges = np.append(lows[order], np.concatenate([part[1] for part in done])[order][-1])
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    cumulative -= cumulative[np.searchsorted(edges, 0.0)]
    return edges, cumulative


class ParsedExpression:
    """A checked, vectorised f(x) built from text; call it on an array of x.

    Attributes: `text` (as typed, stripped), `formula` ("f(x) = ..."), `breakpoints` (x where f
    jumps or kinks, found from its comparisons, abs, minimum, maximum, clip, sign, floor, ceil
    and where — at most 100, nearest 0 first, within [−100, 100]), `derivative` (a central
    difference with step h = 1e-5·max(1, |x|), or None when f jumps) and
    `nondifferentiable_reason` (why the pathwise gradient is unavailable, or None).

    `core.Gaussian(mu, sigma, cost=parse_expression("sin(3*x) + (x > 1)"))` takes all of these
    from the object: exact values by adaptive quadrature split at the breakpoints.
    """

    def __init__(self, text: str, tree: _Node) -> None:
        self.text = text
        self.formula = f"f(x) = {text}"
        self._tree = tree
        self._breakpoints: tuple[float, ...] = ()
        self._antiderivative_table: tuple | None = None
        # Set by parse_expression once it has looked at f around every switch (_jump_reason).
        self.nondifferentiable_reason: str | None = None

    def _raw(self, x: np.ndarray) -> np.ndarray:
        """f(x) as a new float64 array of x's shape, NaN and inf included."""
        with np.errstate(all="ignore"):
            values = np.array(self._tree.evaluate(x), dtype=np.float64)  # a fresh, writable copy
        if values.shape != x.shape:  # a constant f, e.g. "3"
            values = np.full(x.shape, values)
        return values

    def __call__(self, x: ArrayLike) -> np.ndarray:
        """f(x) elementwise, as a new float64 array of x's shape; ValueError where not finite."""
        limit = _DEADLINE.get()
        if limit is not None and time.monotonic() > limit[0]:
            raise ExpressionError(
                f"computing with f(x) = {self.text} took longer than the limit of {limit[1]:g} s "
                "(quadrature struggles with an f that oscillates fast); simplify f or slow it down"
            )
        x = np.asarray(x, dtype=np.float64)
        values = self._raw(x)
        finite = np.isfinite(values)
        if not finite.all():
            first = int(np.flatnonzero(~finite.ravel())[0])
            raise _bad_value_error(
                self._tree, float(x.ravel()[first]), float(values.ravel()[first])
            )
        return values

    @property
    def derivative(self) -> Callable[[ArrayLike], np.ndarray] | None:
        """f'(x) by central differences (step `DERIVATIVE_STEP`·max(1, |x|)), None if f jumps."""
        return None if self.nondifferentiable_reason else self._central_difference

    def _central_difference(self, x: ArrayLike) -> np.ndarray:
        """(f(x + h) − f(x − h)) / (2h), h = 1e-5·max(1, |x|), with h made exactly representable."""
        x = np.asarray(x, dtype=np.float64)
        step = DERIVATIVE_STEP * np.maximum(1.0, np.abs(x))
        step = (x + step) - x
        return (self(x + step) - self(x - step)) / (2.0 * step)

    @property
    def breakpoints(self) -> tuple[float, ...]:
        return self._breakpoints

    def antiderivative(self, x: ArrayLike) -> np.ndarray | None:
        """F(x) = ∫_0^x f(t) dt, or None where f cannot be resolved (then use quadrature).

        From a table of panels (split at the breakpoints, halved until 20-point Gauss–Legendre
        agrees with itself on the halves to ~1e-13 relative) plus the rule on [edge, x]; built
        once per range, so the measure-valued variance needs no nested quadrature.
        """
        x = np.asarray(x, dtype=np.float64)
        largest = float(np.max(np.abs(x), initial=0.0))
        table = self._antiderivative_table
        if table is None or largest >= table[0]:
            limit = max(8.0, 2.0 ** math.ceil(math.log2(1.25 * largest + 1.0)))
            built = _cumulative_table(self, self._breakpoints, limit)
            if built is None:
                return None
            table = (limit, *built)
            self._antiderivative_table = table  # one tuple swap: safe if threads share f
        _, edges, cumulative = table
        panel = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
        start = edges[panel]
        return cumulative[panel] + _panel_integrals(self, start.ravel(), x.ravel()).reshape(x.shape)

    def __repr__(self) -> str:
        return f"core.parse_expression({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ParsedExpression) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("ParsedExpression", self.text))

    def __reduce__(self):
        # Pickled as its text and re-checked on load: no tree ever crosses a process boundary.
        return (parse_expression, (self.text,))


def parse_expression(text: str) -> ParsedExpression:
    """Parse and check a visitor's f(x); raise `ExpressionError` (a ValueError) if it is unsafe.

    See the module docstring for what is allowed. The returned object is a vectorised callable
    with `.text`, `.formula`, `.breakpoints`, `.derivative` and `.nondifferentiable_reason`.

    >>> f = parse_expression("abs(x - 2)**1.5")
    >>> float(f(np.array([3.0]))[0])
    1.0
    """
    tree = _parse_tree(text)
    expression = ParsedExpression(text.strip(), tree)
    grid = _probe_grid()
    values = expression._raw(grid)
    bad = ~np.isfinite(values) | (np.abs(values) > MAX_VALUE)
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        raise _bad_value_error(tree, float(grid[first]), float(values[first]))
    pole = _pole_near(tree, grid, values)
    if pole is not None:
        where, singular = pole
        raise ExpressionError(
            f"f(x) blows up near x = {where:.6g}, where {singular.text!r} reaches 0, so "
            "E[f(x)] does not exist (or the spike is too sharp to integrate reliably)",
            singular.column,
            singular.text,
        )
    _check_variation(tree)
    points: list[float] = []
    for node in _walk(tree):
        if node.kind() != _SMOOTH:
            changes = _changes(node.switch, grid)
            points.extend(changes.tolist())
            if node.kind() == _JUMP and expression.nondifferentiable_reason is None:
                expression.nondifferentiable_reason = _jump_reason(tree, node, changes)
    # Bisection stops within ~1e-21 of a change; rounding merges the two sides of one point.
    unique = sorted(set((np.round(points, 12) + 0.0).tolist()), key=abs)[:MAX_BREAKPOINTS]
    expression._breakpoints = tuple(sorted(unique))
    chunk = np.linspace(-1.0, 1.0, 1 << 16)
    elapsed = math.inf
    for _ in range(2):  # the faster of two runs, so a busy machine does not reject a fine f
        start = time.perf_counter()
        expression._raw(chunk)
        elapsed = min(elapsed, time.perf_counter() - start)
        if elapsed <= MAX_EVALUATION_SECONDS:
            break
    if elapsed > MAX_EVALUATION_SECONDS:
        raise ExpressionError(
            f"f(x) took {elapsed:.2f} s to evaluate on {chunk.size:,} points; the limit is "
            f"{MAX_EVALUATION_SECONDS:g} s — simplify it"
        )
    return expression
