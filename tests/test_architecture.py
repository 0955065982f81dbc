"""The import rules of docs/architecture.md, read off the source: which package may import which,
and no import circle anywhere (imports inside functions count: a lazy import is still an arrow)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGES = ("contract", "pipeline", "scenes", "rendering", "webapp")

#: package -> what it must never import (project packages and heavy libraries)
FORBIDDEN: dict[str, set[str]] = {
    "contract": {"pipeline", "scenes", "rendering", "webapp", "manim", "torch"},
    "pipeline": {"scenes", "rendering", "webapp", "manim"},
    "scenes": {"pipeline", "rendering", "webapp", "torch"},
    "rendering": {"pipeline", "webapp", "torch"},
    "webapp": {"scenes", "rendering", "manim"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside a function, as absolute names."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}  # `from scenes import base`
    return out


def project_graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    modules = {module_name(p): p for p in files}
    graph = {}
    for name, path in modules.items():
        targets = {t for t in imports_of(path) if t in modules and t != name}
        graph[name] = targets
    return graph


def cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle (its modules in order), or [] when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(m: str) -> list[str]:
        state[m] = 1
        path.append(m)
        for t in sorted(graph[m]):
            if state.get(t) == 1:
                return path[path.index(t):] + [t]
            if t not in state and (found := visit(t)):
                return found
        state[m] = 2
        path.pop()
        return []

    for m in sorted(graph):
        if m not in state and (found := visit(m)):
            return found
    return []


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_only_what_the_architecture_allows(package: str) -> None:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for target in imports_of(path):
            if target.split(".")[0] in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(ROOT)} imports {target}")
    assert not bad, "\n".join(bad)


def test_there_is_no_import_circle() -> None:
    graph = project_graph()
    assert {"contract.lecture", "pipeline.train", "scenes.base", "rendering.render", "webapp.app"} <= set(graph)
    assert cycle(graph) == []


def test_the_circle_check_finds_a_circle() -> None:
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set()}) == []


def test_a_package_inside_a_package_is_read_as_an_arrow() -> None:
    """``from scenes import base`` is an arrow to scenes.base, not only to the package."""
    graph = project_graph()
    assert "scenes.base" in graph["scenes.title_card"]
    assert "rendering.media" in graph["rendering.render"]
