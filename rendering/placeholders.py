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


_ROOT = Path(__file__).resolve().parent.parent


def module_file(module: str) -> Optional[Path]:
    """The source file of a module, without importing it (None when it does not exist).
    The project's own modules are found by path: ``find_spec`` would import their parent
    packages (``scenes.visuals`` imports manim)."""
    if module.split(".")[0] == "scenes":
        base = _ROOT.joinpath(*module.split("."))
        for path in (base.with_suffix(".py"), base / "__init__.py"):
            if path.is_file():
                return path
        return None
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


@dataclass
class _Facts:
    """What one walk over a source file finds (see :func:`facts`)."""
    imports: set[str]
    formatters: dict[str, set[str]]  # function with **values/**extra -> its own parameters
    calls: list[tuple[str, set[str], list[ast.expr]]]  # (name, keywords, **mappings)
    captions: set[str]  # self.values keys
    assigned: dict[str, list[ast.expr]]
    returns: dict[str, list[ast.expr]]


def _called_name(call: ast.Call) -> Optional[str]:
    f = call.func
    return f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None


def _is_self_values(node: ast.AST) -> bool:
    return (isinstance(node, ast.Attribute) and node.attr == "values"
            and isinstance(node.value, ast.Name) and node.value.id == "self")


def _imports_of(node: ast.AST, package: str) -> set[str]:
    if isinstance(node, ast.ImportFrom) and node.module:
        if node.module == package:
            return {f"{package}.{a.name}" for a in node.names}
        if node.module.startswith(package + "."):
            return {node.module}
    elif isinstance(node, ast.Import):
        return {a.name for a in node.names if a.name.startswith(package + ".")}
    return set()


def _visit(node: ast.AST, f: _Facts) -> None:
    """Note what one node tells about placeholders."""
    f.imports |= _imports_of(node, "scenes")
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        if node.args.kwarg and node.args.kwarg.arg in FORMAT_KWARGS:
            a = node.args
            f.formatters.setdefault(node.name, set()).update(
                p.arg for p in a.posonlyargs + a.args + a.kwonlyargs)
        f.returns.setdefault(node.name, []).extend(
            r.value for r in ast.walk(node) if isinstance(r, ast.Return) and r.value)
    elif isinstance(node, ast.Call):
        name = _called_name(node) or ""
        if name == "update" and isinstance(node.func, ast.Attribute) and _is_self_values(node.func.value):
            f.captions |= {k.arg for k in node.keywords if k.arg}
        f.calls.append((name, {k.arg for k in node.keywords if k.arg},
                        [k.value for k in node.keywords if k.arg is None]))
    elif isinstance(node, ast.Assign):
        for t in node.targets:
            if isinstance(t, ast.Name):
                f.assigned.setdefault(t.id, []).append(node.value)
                if t.id == "PLACEHOLDERS":
                    try:
                        f.captions |= {str(v) for v in ast.literal_eval(node.value)}
                        f.calls.append(("", {str(v) for v in ast.literal_eval(node.value)}, []))
                    except (ValueError, TypeError, SyntaxError):
                        pass
            elif isinstance(t, ast.Subscript) and _is_self_values(t.value) \
                    and isinstance(t.slice, ast.Constant) and isinstance(t.slice.value, str):
                f.captions.add(t.slice.value)


@lru_cache(maxsize=64)
def _facts(path: Path, mtime: float) -> _Facts:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    f = _Facts(set(), {}, [], set(), {}, {})
    for node in ast.walk(tree):
        _visit(node, f)
    return f


def facts(path: Path) -> _Facts:
    """The placeholder facts of a file, from one walk over its syntax tree (cached while the
    file is unchanged)."""
    return _facts(path, path.stat().st_mtime)


def local_imports(path: Path) -> set[str]:
    """Modules of ``scenes`` that a file imports."""
    return facts(path).imports


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
        todo += sorted(local_imports(path) - set(seen))
    return [seen[k] for k in sorted(seen)]


class _Dicts:
    """Resolves the keys of a ``**mapping`` argument where the source shows them: a dict
    literal, ``dict(a=...)``, a variable assigned one of those, or a call of a function that
    returns one. Anything else contributes no names."""

    def __init__(self, all_facts: list[_Facts]) -> None:
        self.assigned: dict[str, list[ast.expr]] = {}
        self.returns: dict[str, list[ast.expr]] = {}
        for f in all_facts:
            for k, v in f.assigned.items():
                self.assigned.setdefault(k, []).extend(v)
            for k, v in f.returns.items():
                self.returns.setdefault(k, []).extend(v)

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


def provided(module: str) -> Provided:
    """The placeholder names the scene module ``module`` (e.g. ``scenes.cnn_forward_pass.script``)
    and the scenes modules it imports provide."""
    all_facts = [facts(p) for p in module_closure(module)]
    formatters: dict[str, set[str]] = {}
    for f in all_facts:
        for k, v in f.formatters.items():
            formatters.setdefault(k, set()).update(v)
    formatters[""] = set()  # PLACEHOLDERS declarations
    dicts = _Dicts(all_facts)
    captions: set[str] = set()
    text: set[str] = set()
    for f in all_facts:
        captions |= f.captions
        for name, keywords, mappings in f.calls:
            if name in formatters:
                text |= keywords - formatters[name]
                for m in mappings:
                    text |= dicts.keys(m)
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
