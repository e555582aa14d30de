"""Checks on the source itself that neither ruff nor mypy make."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "heartdesk"
MODULES = sorted(SRC.rglob("*.py"))


def _top_level_bindings(tree: ast.Module) -> Counter[str]:
    names: Counter[str] = Counter()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names[node.target.id] += 1
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] += 1
    return names


def test_the_source_tree_is_found() -> None:
    assert len(MODULES) > 50  # the check below reads the package, not an empty folder


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_binds_a_top_level_name_twice(path: Path) -> None:
    # A second `_OPENERS = ...` further down silently replaced the first for every function that
    # read it (a detector's bare questions went unseen); ruff does not flag a rebound constant.
    twice = sorted(name for name, n in _top_level_bindings(ast.parse(path.read_text(encoding="utf-8"))).items() if n > 1)
    assert twice == [], f"{path.relative_to(SRC)} binds {twice} more than once at module level"
