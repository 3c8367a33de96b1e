"""Isolation: nothing one session does can change what another sees.

`core/` and `ui/` are imported once per server process and shared by every session, so any state
they keep at module level is shared too. These tests read their source and check that
module-level containers and arrays are constants (never mutated anywhere), that no function
rebinds a module global, and that no page or helper caches with `st.cache_resource` (which hands
every session the same object). Dynamic checks: `st.cache_data` hands out copies, and core's
parameter arrays are read-only.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st

import core

ROOT = Path(__file__).resolve().parents[1]
SHARED_MODULES = sorted([*ROOT.glob("core/*.py"), *ROOT.glob("ui/**/*.py")])
ALL_APP_CODE = [*SHARED_MODULES, ROOT / "app.py", *sorted(ROOT.glob("pages/*.py"))]
MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "pop",
    "popitem",
    "remove",
    "clear",
    "update",
    "setdefault",
    "add",
    "discard",
    "sort",
    "reverse",
    "fill",
    "resize",
    "put",
    "itemset",
    "setflags",
}
IMMUTABLE_VALUES = (ast.Constant, ast.Tuple, ast.Lambda)


def _module_level_names(tree: ast.Module) -> set[str]:
    """Module-level names bound to something that might be mutable (not a literal or tuple)."""
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node.value, IMMUTABLE_VALUES):
                continue
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _mutations(tree: ast.AST, names: set[str]) -> list[str]:
    """Places where one of `names` (or `module.name`) is mutated in place."""

    def refers(node: ast.AST) -> str | None:
        if isinstance(node, ast.Name) and node.id in names:
            return node.id
        if isinstance(node, ast.Attribute) and node.attr in names:
            return node.attr
        return None

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = refers(node.func.value)
            if name and node.func.attr in MUTATING_METHODS:
                found.append(f"{name}.{node.func.attr}(...) at line {node.lineno}")
        targets = []
        if isinstance(node, (ast.Assign, ast.Delete)):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, (ast.Subscript, ast.Attribute)):
                name = refers(target.value)
                if name:
                    found.append(f"{name}[...] or {name}.attr assigned at line {node.lineno}")
            if isinstance(node, ast.AugAssign):
                name = refers(target)
                if name:
                    found.append(f"{name} updated in place at line {node.lineno}")
    return found


@functools.cache
def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@pytest.mark.parametrize("path", SHARED_MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_level_state_in_shared_modules_is_never_mutated(path):
    names = _module_level_names(_parse(path))
    problems = []
    for other in ALL_APP_CODE:
        for found in _mutations(_parse(other), names):
            problems.append(f"{other.relative_to(ROOT)}: {found}")
    assert not problems, f"module-level state of {path.relative_to(ROOT)} is mutated: {problems}"


@pytest.mark.parametrize("path", ALL_APP_CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_function_rebinds_a_global_or_shares_a_resource_across_sessions(path):
    tree = _parse(path)
    rebinds = [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Global)]
    assert not rebinds, f"`global` statement at lines {rebinds}"
    resources = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in ("cache_resource", "experimental_singleton")
    ]
    assert not resources, f"st.cache_resource shares one object across sessions: lines {resources}"


def test_the_static_check_would_catch_a_shared_mutable_global():
    tree = ast.parse(
        "SEEN = []\nLIMITS = {}\n\ndef f(x):\n    SEEN.append(x)\n    LIMITS['a'] = x\n"
    )
    names = _module_level_names(tree)
    assert names == {"SEEN", "LIMITS"}
    assert len(_mutations(tree, names)) == 2


def test_cache_data_hands_each_caller_its_own_copy():
    @st.cache_data(max_entries=4)
    def table(n: int) -> pd.DataFrame:
        return pd.DataFrame({"n": np.arange(n, dtype=float)})

    first = table(3)
    first.loc[0, "n"] = 99.0  # a careless page mutating its result
    assert table(3)["n"].tolist() == [0.0, 1.0, 2.0]


def test_core_parameter_arrays_are_read_only():
    for problem in (
        core.Bandit(0.3),
        core.SoftmaxBandit((0.1, 0.2, 0.3)),
        core.Gaussian(0.1, 1.0),
        core.LinearGaussianPolicy((0.1, 0.2)),
        core.Episodes(3),
    ):
        with pytest.raises(ValueError, match="read-only"):
            problem.theta[0] = 5.0
