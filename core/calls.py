"""A call into core as a value: run it, or print it as the Python that runs it — one source.

The app's cache runs a `Call` and its "Reproduce in Python" block prints the same `Call`; the
command line's ``--python`` does the same. Arguments are plain values, the problem (a frozen
core value, printed by its repr as ``problem = core.Bandit(...)`` above the call) or a `Grid`
(printed as np.linspace).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from core.problem import Problem

# Longest line of printed code before a call is wrapped (as ruff format would, near enough).
LINE = 88


@dataclass(frozen=True)
class Grid:
    """`count` evenly spaced values from `low` to `high`, rounded to `decimals` places:
    np.linspace(low, high, count).round(decimals), so a grid in steps of 0.05 holds -3.95
    itself rather than linspace's -3.9499999999999997 (and tables and CSVs show it so)."""

    low: float
    high: float
    count: int
    decimals: int = 10

    def values(self) -> np.ndarray:
        return np.linspace(self.low, self.high, self.count).round(self.decimals)

    def __repr__(self) -> str:
        return f"np.linspace({self.low!r}, {self.high!r}, {self.count!r}).round({self.decimals})"


@dataclass(frozen=True)
class Name:
    """A result an earlier line of the code block assigned (e.g. `curve`); printed as its name
    and given its value by `Call.run(names=...)`."""

    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Call:
    """`module.function(problem, *positional, **keywords)`; hashable, as the problem is."""

    function: str
    problem: Problem | None = None
    positional: tuple[object, ...] = ()
    keywords: tuple[tuple[str, object], ...] = ()
    module: str = "core"

    @classmethod
    def of(
        cls, function: str, problem: Problem | None = None, *positional: object, **keywords: object
    ) -> Call:
        """Call.of("score_check", problem, 5000, seed=0): keywords in the order given. A dotted
        name is a core submodule's function ("comparisons.credit_comparison") or pandas'."""
        module, _, name = function.rpartition(".")
        if module and module != "pandas":
            module = f"core.{module}"
        return cls(name, problem, tuple(positional), tuple(keywords.items()), module or "core")

    def with_keywords(self, **keywords: object) -> Call:
        """The same call with some keyword arguments replaced (others kept in their place)."""
        merged = dict(self.keywords) | keywords
        return replace(self, keywords=tuple(merged.items()))

    def get(self, name: str) -> object:
        return dict(self.keywords)[name]

    def run(self, *, names: Mapping[str, object] | None = None, **extra: object) -> object:
        """Run the call: each `Name` takes its value from `names`, and `extra` keywords (such
        as a progress callback) are passed on but are not part of the printed code."""
        function = getattr(importlib.import_module(self.module), self.function)
        head = [] if self.problem is None else [self.problem]
        names = names or {}
        positional = [_value(value, names) for value in self.positional]
        keywords = {name: _value(value, names) for name, value in self.keywords}
        return function(*head, *positional, **keywords, **extra)

    def arguments(self, problem: str = "problem") -> list[str]:
        """The call's arguments as Python, the problem written as `problem`."""
        arguments = [problem] if self.problem is not None else []
        arguments += [repr(value) for value in self.positional]
        arguments += [f"{name}={value!r}" for name, value in self.keywords]
        return arguments

    def expression(self, problem: str = "problem") -> str:
        """The call as Python, e.g. 'core.score_check(problem, 5000, seed=0)'; `problem` is
        what stands for the problem (a name, or the problem's own repr)."""
        return f"{self._callee()}({', '.join(self.arguments(problem))})"

    def assignment(self, name: str) -> str:
        """`name = <the call>`, wrapped as a formatter would when it is longer than LINE."""
        line = f"{name} = {self.expression()}"
        if len(line) <= LINE:
            return line
        inner = f"    {', '.join(self.arguments())}"
        if len(inner) <= LINE:
            return f"{name} = {self._callee()}(\n{inner}\n)"
        return (
            f"{name} = {self._callee()}(\n"
            + "".join(f"    {argument},\n" for argument in self.arguments())
            + ")"
        )

    def _callee(self) -> str:
        if self.module in ("core", "pandas"):
            return f"{'pd' if self.module == 'pandas' else 'core'}.{self.function}"
        return self.function

    def imports(self) -> set[str]:
        """The import lines this call's code needs."""
        lines = {"import core"} if self.module == "core" or self.problem else set()
        values = [*self.positional, *(value for _, value in self.keywords)]
        if any(isinstance(value, Grid) for value in values):
            lines.add("import numpy as np")
        if self.module == "pandas":
            lines.add("import pandas as pd")
        elif self.module != "core":
            lines.add(f"from {self.module} import {self.function}")
        return lines

    def code(self, result: str = "table") -> str:
        """A runnable snippet: imports, `problem = …`, and `result = <the call>`."""
        return code_block([(result, self)])


def code_block(assignments: Sequence[tuple[str, Call]], tail: str = "") -> str:
    """Imports, `problem = …` (once: the calls share one problem) and one `name = call` line
    per assignment, then `tail`: the code of the calls that made a table or chart."""
    imports = set().union(*(call.imports() for _, call in assignments))
    outside = sorted(line for line in imports if not line.split()[1].startswith("core"))
    inside = sorted(imports - set(outside), key=lambda line: (line != "import core", line))
    lines = [*outside, *([""] if outside else []), *inside, ""]
    problems = {call.problem for _, call in assignments if call.problem is not None}
    if len(problems) > 1:
        raise ValueError("the calls of one code block share one problem")
    if problems:
        lines.append(f"problem = {problems.pop()!r}")
    lines += [call.assignment(name) for name, call in assignments]
    return "\n".join(lines) + (f"\n{tail}" if tail else "")


def _value(value: object, names: Mapping[str, object]) -> object:
    if isinstance(value, Grid):
        return value.values()
    if isinstance(value, Name):
        return names[value.text]
    if isinstance(value, tuple) and any(isinstance(item, Name) for item in value):
        return [_value(item, names) for item in value]
    return value
