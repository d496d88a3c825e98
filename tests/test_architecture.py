"""The source tree reads as the flow (docs/architecture.md): imports go down from the commands to
the stages to the leaves, never back up and never round in a circle. Parsed from the source with
`ast`, imports inside functions included, since a late import hides a dependency but does not
remove it."""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "src" / "presswork"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str) -> set[str]:
    """The presswork modules `name` imports anywhere in its body: `from .x import y` names `x`,
    and `x.y` too when y is a module."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports(name) for name in MODULES}


def test_the_graph_sees_the_tree():
    assert {"presswork.cli", "presswork.model", "presswork.pipeline", "presswork.backends.epub"} <= set(GRAPH)
    assert "presswork.pipeline" in GRAPH["presswork.commands.build"]


def test_nothing_below_the_commands_imports_a_command():
    upward = {name: sorted(m for m in found if m.startswith("presswork.commands"))
              for name, found in GRAPH.items()
              if not name.startswith("presswork.commands") and name != "presswork.cli"}  # fmt: skip
    assert {name: found for name, found in upward.items() if found} == {}


def test_no_import_cycle():
    """Every strongly connected component of the graph (Tarjan) is one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in sorted(GRAPH[name]):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component = []
            while (member := stack.pop()) != name:
                component.append(member)
            if component:
                cycles.append(sorted([name, *component]))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert cycles == []


def test_no_backend_imports_another_backend():
    backends = {name for name in GRAPH if name.startswith("presswork.backends.")} - {"presswork.backends.options"}
    assert {"presswork.backends.epub", "presswork.backends.pdf"} <= backends
    assert {name: sorted(GRAPH[name] & backends) for name in backends if GRAPH[name] & backends} == {}


@pytest.mark.parametrize("stage", ["text", "files", "load", "render", "layout", "package", "pdf"])
def test_the_stages_below_the_backends_import_none(stage: str):
    below = {name: found for name, found in GRAPH.items() if name.startswith(f"presswork.{stage}.")}
    assert below
    assert {name: sorted(found) for name, found in below.items() if any(m.startswith("presswork.backends") for m in found)} == {}


@pytest.mark.parametrize("leaf", ["text", "files"])
def test_the_leaves_import_no_book_model(leaf: str):
    below = {name: sorted(found) for name, found in GRAPH.items() if name.startswith(f"presswork.{leaf}.")}
    assert {name: found for name, found in below.items() if "presswork.model" in found} == {}


def test_no_module_is_named_after_a_builtin():
    shadowing = [name for name in MODULES if name.rpartition(".")[2] in dir(builtins)]
    assert shadowing == []
