"""Which ``{placeholders}`` each scene fills in, and a check of the lecture's strings against them.

A scene provides two kinds of names, found in its source (and the sources of the ``scenes``
modules it imports) with :mod:`ast`, so that checking a lecture imports neither manim nor the
scene itself:

- caption names: keys it stores in ``self.values`` (``self.values.update(h=...)`` or
  ``self.values["h"] = ...``); captions are formatted with them;
- text names: keyword arguments of calls to a formatting method, i.e. a method with a
  ``**values`` parameter such as :meth:`LectureScene.t` (its own named parameters excluded).

A scene may add names that cannot be found this way in a class attribute
``PLACEHOLDERS = ("name", ...)`` (a literal tuple).

    >>> problems("{n} of {total:.2f", {"n", "total"})
    ["'{' has no matching '}'"]
"""
from __future__ import annotations

import ast
import importlib.util
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

#: var-keyword parameter names that mark a formatting function (``def t(self, key, **values)``);
#: ``**kwargs``/``**kw`` pass Manim options through and are not placeholders
FORMAT_KWARGS = ("values", "extra")


@dataclass(frozen=True)
class Provided:
    """The placeholder names a scene fills in: in its captions and in its on-screen text."""
    captions: frozenset[str]
    text: frozenset[str]


def module_file(module: str) -> Optional[Path]:
    """The source file of a module, without importing it (None when it does not exist)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def local_imports(tree: ast.Module, package: str = "scenes") -> set[str]:
    """Modules of ``package`` that a module imports (``from scenes import x``, ``import scenes.y``)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == package:
                out |= {f"{package}.{a.name}" for a in node.names}
            elif node.module.startswith(package + "."):
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith(package + ".")}
    return out


@lru_cache(maxsize=64)
def _parse(path: Path, mtime: float) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def parse(path: Path) -> ast.Module:
    """The syntax tree of a file (cached while the file is unchanged)."""
    return _parse(path, path.stat().st_mtime)


def module_closure(module: str) -> list[Path]:
    """The source files of ``module`` and every ``scenes`` module it imports, transitively."""
    seen: dict[str, Path] = {}
    todo = [module]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        path = module_file(name)
        if path is None:
            continue
        seen[name] = path
        todo += sorted(local_imports(parse(path)) - set(seen))
    return [seen[k] for k in sorted(seen)]


def _formatters(trees: Iterable[ast.Module]) -> dict[str, set[str]]:
    """name -> own parameter names of every function with a ``**values`` parameter."""
    out: dict[str, set[str]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.args.kwarg \
                    and node.args.kwarg.arg in FORMAT_KWARGS:
                a = node.args
                own = {p.arg for p in a.posonlyargs + a.args + a.kwonlyargs}
                out.setdefault(node.name, set()).update(own)
    return out


class _Dicts:
    """Resolves the keys of a ``**mapping`` argument where the source shows them: a dict
    literal, ``dict(a=...)``, a variable assigned one of those, or a call of a function that
    returns one. Anything else contributes no names."""

    def __init__(self, trees: list[ast.Module]) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.returns: dict[str, list[ast.expr]] = {}
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Name):
                            self.assigned.setdefault(t.id, []).append(node.value)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.returns.setdefault(node.name, []).extend(
                        r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value)

    def keys(self, expr: ast.expr, depth: int = 0) -> set[str]:
        if depth > 6:
            return set()
        if isinstance(expr, ast.Dict):
            out = {k.value for k in expr.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            for k, v in zip(expr.keys, expr.values):
                if k is None:  # {**other}
                    out |= self.keys(v, depth + 1)
            return out
        if isinstance(expr, ast.Call):
            name = _called_name(expr)
            if name == "dict":
                out = {k.arg for k in expr.keywords if k.arg}
                for k in expr.keywords:
                    if k.arg is None:
                        out |= self.keys(k.value, depth + 1)
                return out
            return set().union(*[self.keys(r, depth + 1) for r in self.returns.get(name or "", [])])
        if isinstance(expr, ast.Name):
            return set().union(*[self.keys(v, depth + 1) for v in self.assigned.get(expr.id, [])])
        return set()


def _called_name(call: ast.Call) -> Optional[str]:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _is_self_values(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "values"
            and isinstance(node.value, ast.Name) and node.value.id == "self")


def _declared(tree: ast.Module) -> set[str]:
    """Names listed in literal ``PLACEHOLDERS = (...)`` assignments."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PLACEHOLDERS"
                                                for t in node.targets):
            try:
                out |= {str(v) for v in ast.literal_eval(node.value)}
            except (ValueError, TypeError, SyntaxError):
                pass
    return out


def provided(module: str) -> Provided:
    """The placeholder names the scene module ``module`` (e.g. ``scenes.seq1_cnn_forward_pass``)
    and the scenes modules it imports provide."""
    trees = [parse(p) for p in module_closure(module)]
    formatters = _formatters(trees)
    dicts = _Dicts(trees)
    captions: set[str] = set()
    text: set[str] = set()
    for tree in trees:
        extra = _declared(tree)
        captions |= extra
        text |= extra
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                name = _called_name(node)
                if name == "update" and isinstance(node.func, ast.Attribute) \
                        and _is_self_values(node.func.value):
                    captions |= {k.arg for k in node.keywords if k.arg}
                elif name in formatters:
                    text |= {k.arg for k in node.keywords if k.arg} - formatters[name]
                    for k in node.keywords:
                        if k.arg is None:  # **mapping
                            text |= dicts.keys(k.value)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    if isinstance(t, ast.Subscript) and _is_self_values(t.value) \
                            and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str):
                        captions.add(t.slice.value)
    return Provided(frozenset(captions), frozenset(text))


def fields(template: str) -> list[tuple[str, str]]:
    """(name, format spec) of every replacement field; raises ValueError on bad braces."""
    out: list[tuple[str, str]] = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        out.append((name, spec or ""))
        # a nested field in the spec ("{x:{width}}") is a field too
        if spec and "{" in spec:
            out += fields(spec)
    return out


def _spec_ok(spec: str) -> bool:
    """A format spec valid for some value a scene may pass (a number or a string)."""
    if "{" in spec:
        return True  # nested fields are checked as fields
    for sample in (1.5, 7, "text"):
        try:
            format(sample, spec)
            return True
        except (ValueError, TypeError):
            continue
    return False


def problems(template: str, allowed: Optional[Iterable[str]]) -> list[str]:
    """What is wrong with the ``{placeholders}`` of ``template`` for a scene providing
    ``allowed``: unbalanced braces, unknown names, attribute/index access, bad format specs.
    ``allowed=None`` checks the syntax only."""
    try:
        found = fields(template)
    except ValueError as exc:
        msg = str(exc)
        if "Single '}'" in msg:
            return ["'}' has no matching '{' (write '}}' for a literal brace)"]
        if "expected '}'" in msg or "Single '{'" in msg or "unexpected '{'" in msg:
            return ["'{' has no matching '}' (write '{{' for a literal brace)"]
        return [f"bad placeholder: {msg}"]
    names = set(allowed) if allowed is not None else None
    out: list[str] = []
    for name, spec in found:
        base = name.split(".")[0].split("[")[0]
        if names is None:
            pass
        elif name == "" or name.isdigit():
            out.append("positional placeholder '{}'; name the value, e.g. {" +
                       (sorted(names)[0] if names else "name") + "}")
        elif base not in names:
            shown = ", ".join("{" + a + "}" for a in sorted(names)) or "none"
            out.append(f"unknown placeholder {{{base}}}; this scene provides {shown}")
        elif name != base:
            out.append(f"placeholder {{{name}}}: only plain names are filled in")
        if spec and not _spec_ok(spec):
            out.append(f"placeholder {{{name}:{spec}}}: {spec!r} is not a valid format spec")
    return out


__all__ = ["Provided", "fields", "module_closure", "problems", "provided"]
