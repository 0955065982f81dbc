"""Reading a lecture YAML with the line of every key, merging it over the default file, and the
messages its problems are reported with (file:line: key: message).

    src, issues = read_yaml(Path("my.yaml"), "my.yaml")
    src.lines[("render", "quality")]          # 12: the line that key is written on
    merged = merge(default.data, src.data, (), src, issues)   # unknown keys become issues

Imports neither manim nor torch.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from contract import sequences as registry

KeyPath = tuple[Union[str, int], ...]


# -- errors -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Issue:
    """One problem of a lecture file."""
    file: str
    line: Optional[int]
    key: str  # dotted key path, '' for the whole file
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class LectureError(ValueError):
    """A lecture file is unreadable or invalid; the message lists every problem, one a line."""

    def __init__(self, issues: Iterable[Issue] | str) -> None:
        self.issues: list[Issue] = ([Issue("", None, "", issues)] if isinstance(issues, str)
                                    else list(issues))
        super().__init__("\n".join(str(i) for i in self.issues))


def dotted(path: KeyPath) -> str:
    """('unrelated', 'images', 1) -> 'unrelated.images[1]'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_key(key: str) -> KeyPath:
    """'unrelated.images[1]' or 'unrelated.images.1' -> ('unrelated', 'images', 1)."""
    parts = [p for p in re.split(r"[.\[\]]", key) if p]
    return tuple(int(p) if p.isdigit() else p for p in parts)


# -- YAML with line numbers ---------------------------------------------------------------------
class Loader(yaml.SafeLoader):
    """SafeLoader whose mapping keys stay the text written (YAML 1.1 reads `no:` as False)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        self.flatten_mapping(node)
        return {(k.value if isinstance(k, ScalarNode) else str(self.construct_object(k, deep=True))):
                self.construct_object(v, deep=deep) for k, v in node.value}


@dataclass
class Source:
    """One parsed YAML file: its data and the line of every key path."""
    name: str  # as shown in messages
    path: Path
    data: Any
    lines: dict[KeyPath, int]

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent


def walk(node: Optional[Node], path: KeyPath, lines: dict[KeyPath, int],
          dupes: list[tuple[KeyPath, int, int]]) -> None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            p = path + (k.value if isinstance(k, ScalarNode) else str(k.value),)
            if p in lines:
                dupes.append((p, k.start_mark.line + 1, lines[p]))
            lines[p] = k.start_mark.line + 1
            walk(v, p, lines, dupes)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            walk(item, path + (i,), lines, dupes)


def read_yaml(path: Path, name: str) -> tuple[Source, list[Issue]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LectureError([Issue(name, None, "", "no such lecture file")]) from None
    except IsADirectoryError:
        raise LectureError([Issue(name, None, "", "is a folder, not a lecture YAML file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LectureError([Issue(name, None, "", f"cannot read the lecture file ({exc})")]) from None
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(s for s in (exc.context, exc.problem) if s)
        raise LectureError([Issue(name, mark.line + 1 if mark else None, "",
                                  f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:
        raise LectureError([Issue(name, None, "", f"YAML syntax error: {exc}")]) from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    dupes: list[tuple[KeyPath, int, int]] = []
    walk(node, (), lines, dupes)
    issues = [Issue(name, line, dotted(p), f"written twice (first on line {first}); keep one")
              for p, line, first in dupes]
    return Source(name, path, {} if data is None else data, lines), issues


# -- merge over the default file ----------------------------------------------------------------
#: places whose keys the default file does not list: section selections, and per-section
#: narration texts (their names are checked by :func:`_raw_checks`)
FREE_FORM: frozenset[KeyPath] = frozenset({("sections",)} | {
    (name, "narration") for name in registry.SEQUENCES})


def allowed_keys(keys: Iterable[str], wrong: str) -> str:
    keys = list(keys)
    if not keys:
        return "none are defined yet (scene authors add them to lectures/default.yaml)"
    close = difflib.get_close_matches(wrong, keys, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(keys[:40]) + (", ..." if len(keys) > 40 else "")
    return f"allowed: {shown}{hint}"


def merge(default: Any, user: Any, path: KeyPath, src: Source, issues: list[Issue]) -> Any:
    """``user`` deep-merged over ``default``; keys unknown to ``default`` become issues."""
    if isinstance(default, dict) and user is None:
        return default  # a block left empty (all commented out) overrides nothing
    if not isinstance(default, dict) or path in FREE_FORM or not isinstance(user, dict):
        return user  # a leaf, a free-form place, or a wrong type that validation reports
    merged = dict(default)
    for key, value in user.items():
        if key in default:
            merged[key] = merge(default[key], value, path + (key,), src, issues)
            continue
        kind = ("caption" if path[-1:] == ("captions",) else
                "text" if path[-1:] == ("text",) else "")
        what = f"unknown {kind + ' ' if kind else ''}key {key!r}"
        where = f" in {dotted(path)}" if path else ""
        issues.append(Issue(src.name, src.lines.get(path + (key,)), dotted(path + (key,)),
                            f"{what}{where}; {allowed_keys(default, key)}"))
    return merged


# -- error messages -----------------------------------------------------------------------------
def show(v: Any) -> str:
    if v is None:
        return "null (empty)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        return "a mapping"
    if isinstance(v, list):
        return "a list"
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def message(err: dict) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{show(got)} is not one of {', '.join(options)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    bounds = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">",
              "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "?")
        return f"{show(got)} is out of range: must be {bounds[kind]} {limit}"
    expected = {"int": "a whole number", "float": "a number", "bool": "true or false",
                "string": "text", "dict": "a mapping (key: value lines)", "list": "a list",
                "none": "null"}
    if kind in ("model_type", "model_attributes_type"):
        return f"expected a mapping (key: value lines), got {show(got)}"
    head = kind.split("_")[0]
    if head in expected:
        return f"expected {expected[head]}, got {show(got)}"
    if kind == "missing":
        return "required"
    return f"{err['msg']} (got {show(got)})"


# -- paths --------------------------------------------------------------------------------------
def display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
