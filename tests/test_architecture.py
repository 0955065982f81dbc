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


def top_level_names(path: Path) -> set[str]:
    """Names a module defines at its top level (functions, classes, assignments, imports)."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def stale_imports(path: Path, modules: dict[str, Path]) -> list[str]:
    """``import a.b`` of a project module that does not exist, and ``from a import x`` where
    ``x`` is neither a submodule of ``a`` nor a name ``a`` defines."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names
                    if a.name.split(".")[0] in PACKAGES and a.name not in modules]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level \
                and node.module.split(".")[0] in PACKAGES:
            if node.module not in modules:
                out.append(node.module)
                continue
            defined = top_level_names(modules[node.module])
            out += [f"{node.module}.{a.name}" for a in node.names
                    if f"{node.module}.{a.name}" not in modules and a.name not in defined]
    return out


def test_every_project_import_names_something_that_exists() -> None:
    """A moved module leaves no stale import behind, in the packages, tools or tests (a lazy
    import inside a function fails only when it runs)."""
    modules = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    stale = [f"{path.relative_to(ROOT)}: {target}"
             for folder in (*PACKAGES, "tools", "tests")
             for path in sorted((ROOT / folder).rglob("*.py"))
             for target in stale_imports(path, modules)]
    assert not stale, "\n".join(stale)


def test_the_stale_import_check_finds_a_moved_module(tmp_path: Path) -> None:
    modules = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    old = tmp_path / "old.py"
    old.write_text("from scenes import media\nimport scenes.render\nfrom rendering import media\n")
    assert stale_imports(old, modules) == ["scenes.media", "scenes.render"]
