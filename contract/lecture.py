"""The lecture YAML: schema, loader and checker.

A user's file is merged over ``lectures/default.yaml`` (the reference: a key that is not
in the default file is an error), then validated. Every problem is reported at once, each with
the file, line and key that caused it::

    >>> lecture = load_lecture("lectures/default.yaml")
    >>> lecture.theme.background, lecture.render_settings.width
    ('#111318', 1920)

    $ python -m contract.lecture check my.yaml
    my.yaml:42: render.quality: 'ultra' is not one of preview, production

This module imports neither manim nor torch: the pipeline and the Makefile use it too.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal, Optional, Union

import yaml
from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      PrivateAttr, ValidationError, ValidationInfo, create_model)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from contract import languages, placeholders
from contract import sequences as registry

#: the project folder: a relative output_dir must stay inside it
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = PROJECT_ROOT / "lectures" / "default.yaml"
#: where a lecture that names no output_dir renders: renders/<lecture file stem>/
RENDERS = PROJECT_ROOT / "renders"

#: (width, height, fps) of each quality preset.
PRESETS: dict[str, tuple[int, int, int]] = {"preview": (854, 480, 15),
                                            "production": (1920, 1080, 30)}

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
class _Loader(yaml.SafeLoader):
    """SafeLoader whose mapping keys stay the text written (YAML 1.1 reads `no:` as False)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
        self.flatten_mapping(node)
        return {(k.value if isinstance(k, ScalarNode) else str(self.construct_object(k, deep=True))):
                self.construct_object(v, deep=deep) for k, v in node.value}


@dataclass
class _Source:
    """One parsed YAML file: its data and the line of every key path."""
    name: str  # as shown in messages
    path: Path
    data: Any
    lines: dict[KeyPath, int]

    @property
    def folder(self) -> Path:
        return self.path.resolve().parent


def _walk(node: Optional[Node], path: KeyPath, lines: dict[KeyPath, int],
          dupes: list[tuple[KeyPath, int, int]]) -> None:
    if isinstance(node, MappingNode):
        for k, v in node.value:
            p = path + (k.value if isinstance(k, ScalarNode) else str(k.value),)
            if p in lines:
                dupes.append((p, k.start_mark.line + 1, lines[p]))
            lines[p] = k.start_mark.line + 1
            _walk(v, p, lines, dupes)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            lines[path + (i,)] = item.start_mark.line + 1
            _walk(item, path + (i,), lines, dupes)


def _read(path: Path, name: str) -> tuple[_Source, list[Issue]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LectureError([Issue(name, None, "", "no such lecture file")]) from None
    except IsADirectoryError:
        raise LectureError([Issue(name, None, "", "is a folder, not a lecture YAML file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LectureError([Issue(name, None, "", f"cannot read the lecture file ({exc})")]) from None
    loader = _Loader(text)
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
    _walk(node, (), lines, dupes)
    issues = [Issue(name, line, dotted(p), f"written twice (first on line {first}); keep one")
              for p, line, first in dupes]
    return _Source(name, path, {} if data is None else data, lines), issues


# -- merge over the default file ----------------------------------------------------------------
#: places whose keys the default file does not list: section selections, and per-section
#: narration texts (their names are checked by :func:`_raw_checks`)
FREE_FORM: frozenset[KeyPath] = frozenset({("sections",)} | {
    (name, "narration") for name in registry.SEQUENCES})


def _allowed(keys: Iterable[str], wrong: str) -> str:
    keys = list(keys)
    if not keys:
        return "none are defined yet (scene authors add them to lectures/default.yaml)"
    close = difflib.get_close_matches(wrong, keys, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(keys[:40]) + (", ..." if len(keys) > 40 else "")
    return f"allowed: {shown}{hint}"


def _merge(default: Any, user: Any, path: KeyPath, src: _Source, issues: list[Issue]) -> Any:
    """``user`` deep-merged over ``default``; keys unknown to ``default`` become issues."""
    if isinstance(default, dict) and user is None:
        return default  # a block left empty (all commented out) overrides nothing
    if not isinstance(default, dict) or path in FREE_FORM or not isinstance(user, dict):
        return user  # a leaf, a free-form place, or a wrong type that validation reports
    merged = dict(default)
    for key, value in user.items():
        if key in default:
            merged[key] = _merge(default[key], value, path + (key,), src, issues)
            continue
        kind = ("caption" if path[-1:] == ("captions",) else
                "text" if path[-1:] == ("text",) else "")
        what = f"unknown {kind + ' ' if kind else ''}key {key!r}"
        where = f" in {dotted(path)}" if path else ""
        issues.append(Issue(src.name, src.lines.get(path + (key,)), dotted(path + (key,)),
                            f"{what}{where}; {_allowed(default, key)}"))
    return merged


# -- section names ------------------------------------------------------------------------------
def section_names(sequence: str, default_data: dict) -> tuple[str, ...]:
    """Every section a lecture may select for ``sequence``: the registry's sections plus the
    caption keys the default file lists for it."""
    seq = registry.SEQUENCES.get(sequence)
    names = list(seq.sections if seq is not None else ())
    block = default_data.get(sequence)
    captions = block.get("captions") if isinstance(block, dict) else None
    for key in captions or {}:
        if key not in names:
            names.append(key)
    return tuple(names)


# -- schema -------------------------------------------------------------------------------------
class _Block(BaseModel):
    # strict: YAML already gives typed values, so "5" for a number is a mistake, not a number.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _colour(v: Any) -> str:
    if v is None:
        raise ValueError('empty: write the colour in quotes, e.g. "#1A2B3C" '
                         "(an unquoted # starts a YAML comment)")
    if not isinstance(v, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", v):
        raise ValueError(f"{_show(v)} is not a colour; write '#RRGGBB' in quotes, e.g. \"#1A2B3C\"")
    return v.upper()


def _path(key: str, must_exist: bool) -> Any:
    """A path validator: relative to the YAML file that named it (``context['dirs'][key]``)."""

    def check(v: Any, info: ValidationInfo) -> Path:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"expected a file path, got {_show(v)}")
        base = ((info.context or {}).get("dirs", {}).get(key)) or Path.cwd()
        p = (Path(base) / Path(v).expanduser()).resolve()
        if must_exist and not p.is_file():
            raise ValueError(f"no such file: {p}" + (" (it is a folder)" if p.is_dir() else ""))
        return p

    return BeforeValidator(check)


def _writable_folder(p: Path) -> Optional[str]:
    """Why ``p`` cannot be an output folder (None when it can): it is a file, sits below a
    file, or its nearest existing folder cannot be written."""
    if p.exists() and not p.is_dir():
        return f"{p} is a file, not a folder"
    probe = p
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, so {p} cannot be created"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} cannot be written"
    return None


def _output_dir(v: Any, info: ValidationInfo) -> Path:
    """render.output_dir: relative to the YAML file that names it and inside the project;
    absolute anywhere; none: renders/<lecture file stem>/."""
    ctx = info.context or {}
    if v is None:
        return (RENDERS / ctx.get("stem", "lecture")).resolve()
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected a folder path, got {_show(v)}")
    given = Path(v).expanduser()
    base = ctx.get("dirs", {}).get("render.output_dir") or Path.cwd()
    p = (Path(base) / given).resolve()
    if not given.is_absolute() and not p.is_relative_to(PROJECT_ROOT):
        raise ValueError(f"{v!r} resolves to {p}, outside the project {PROJECT_ROOT}; "
                         "leave output_dir out (renders/<lecture name>/), or give an absolute path")
    why = _writable_folder(p)
    if why:
        raise ValueError(why)
    return p


def _even(v: int) -> int:
    if v % 2:
        raise ValueError(f"{v} is odd; H.264 needs an even number of pixels")
    return v


def _empty_if_null(empty: type) -> BeforeValidator:
    """``images:`` with nothing after it reads as null in YAML; take it as an empty collection."""
    return BeforeValidator(lambda v: empty() if v is None else v)


Colour = Annotated[str, BeforeValidator(_colour)]
NonNeg = Annotated[int, Field(ge=0)]
Digit = Annotated[int, Field(ge=0, le=9)]
Pixels = Annotated[int, Field(ge=16, le=7680), AfterValidator(_even)]


class TitleCard(_Block):
    course: str
    title: str
    lecturer: str
    institution: str
    logo: Optional[Annotated[Path, _path("title_card.logo", True)]] = None
    #: what the narrator says over the card; None: course, title, lecturer, institution
    narration: Optional[str] = None


#: The narration engines: none (silent), espeak (draft), piper (voice file), recorded (own voice).
ENGINES = ("none", "espeak", "piper", "recorded")


def _folder(key: str) -> Any:
    """A folder path relative to the YAML file that named it (need not exist yet)."""

    def check(v: Any, info: ValidationInfo) -> Path:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"expected a folder path, got {_show(v)}")
        base = ((info.context or {}).get("dirs", {}).get(key)) or Path.cwd()
        return (Path(base) / Path(v).expanduser()).resolve()

    return BeforeValidator(check)


def _voice(v: Any, info: ValidationInfo) -> Optional[str]:
    """narration.voice: an espeak voice name as written, or a voice file (``.onnx`` or a path
    with a slash) resolved relative to the YAML file that names it."""
    if v is None:
        return None
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected a voice name or a voice file path, got {_show(v)}")
    if v.endswith(".onnx") or "/" in v:
        base = ((info.context or {}).get("dirs", {}).get("narration.voice")) or Path.cwd()
        return str((Path(base) / Path(v).expanduser()).resolve())
    return v


class Narration(_Block):
    """A voice over every section (rendering/narration); ``engine: none`` keeps videos silent."""
    engine: Literal["none", "espeak", "piper", "recorded"] = "none"
    voice: Annotated[Optional[str], BeforeValidator(_voice)] = None
    speed: Annotated[float, Field(ge=0.5, le=2.0)] = 1.0
    recordings: Annotated[Path, _folder("narration.recordings"),
                          Field(validate_default=True)] = Path("recordings")

    @property
    def on(self) -> bool:
        return self.engine != "none"


class Sample(_Block):
    index: Optional[NonNeg] = None
    digit: Digit = 7
    rule: Literal["both_correct", "any", "softmax_wrong"] = "both_correct"
    nth: NonNeg = 0


class Rotation(_Block):
    digit: Digit = 1
    nth: NonNeg = 0


class Unrelated(_Block):
    letters: bool = True
    fashion: bool = True
    noise: bool = True
    images: Annotated[list[Annotated[Path, _path("unrelated.images", True)]],
                      _empty_if_null(list)] = []


class Theme(_Block):
    background: Colour
    text: Colour
    muted: Colour
    accent: Colour
    positive: Colour
    negative: Colour
    softmax: Colour
    edl: Colour
    font: str
    # optional (older lecture files lack them): the rest of the colour code
    train: Colour = "#E5E9F0"  # = scenes/visuals/theme.py TRAIN (no manim import here)
    heldout: Colour = "#8C95A6"  # = theme.HELDOUT
    gap: Colour = "#CC79A7"  # = theme.GAP


@dataclass(frozen=True)
class RenderSettings:
    """The render settings after the preset and the explicit overrides are applied."""
    quality: str
    width: int
    height: int
    fps: int
    output_dir: Path


class Render(_Block):
    quality: Literal["preview", "production"] = "production"
    width: Optional[Pixels] = None
    height: Optional[Pixels] = None
    fps: Optional[Annotated[int, Field(ge=1, le=120)]] = None
    output_dir: Annotated[Optional[Path], BeforeValidator(_output_dir),
                          Field(validate_default=True)] = None

    def settings(self, quality: Optional[str] = None) -> RenderSettings:
        """Preset of ``quality`` (default: this block's) with explicit width/height/fps on top."""
        q = quality or self.quality
        if q not in PRESETS:
            raise ValueError(f"unknown quality {q!r}; one of {', '.join(PRESETS)}")
        w, h, fps = PRESETS[q]
        assert self.output_dir is not None  # the validator fills it in
        return RenderSettings(q, self.width or w, self.height or h, self.fps or fps,
                              self.output_dir)


class SequenceWords(_Block):
    """A sequence's wording: title, a caption per section, and the strings its scenes draw."""
    title: str
    captions: Annotated[dict[str, str], _empty_if_null(dict)] = {}
    text: Annotated[dict[str, str], _empty_if_null(dict)] = {}
    #: what the narrator says per section, where it should differ from the caption
    narration: Annotated[dict[str, str], _empty_if_null(dict)] = {}


class LectureBase(_Block):
    """A validated lecture without its wording blocks (see :data:`Lecture`)."""
    language: str
    title_card: TitleCard
    sample: Sample
    rotation: Rotation
    unrelated: Unrelated
    sequences: list[str]
    sections: Annotated[dict[str, Annotated[list[str], _empty_if_null(list)]],
                        _empty_if_null(dict)] = {}
    theme: Theme
    pace: Annotated[float, Field(ge=0.25, le=4.0)] = 1.0
    narration: Narration
    render: Render

    _source_path: Optional[Path] = PrivateAttr(default=None)
    _where: dict[KeyPath, tuple[str, int]] = PrivateAttr(default_factory=dict)

    @property
    def source_path(self) -> Optional[Path]:
        """The absolute path of the user's YAML file."""
        return self._source_path

    @property
    def render_settings(self) -> RenderSettings:
        return self.render.settings()

    def words(self, sequence: str) -> SequenceWords:
        return getattr(self, sequence)

    def where(self, key: str | KeyPath) -> tuple[str, Optional[int]]:
        """(file, line) that set ``key`` ('sample.index'): the user's file if it has the key,
        else the default file; the line is None when neither writes it."""
        path = parse_key(key) if isinstance(key, str) else tuple(key)
        for n in range(len(path), 0, -1):
            if path[:n] in self._where:
                return self._where[path[:n]]
        return (str(self._source_path or ""), None)

    def line_of(self, key: str | KeyPath) -> Optional[int]:
        """Line of ``key`` in the file that set it (see :meth:`where`)."""
        return self.where(key)[1]

    def error(self, key: str, message: str) -> LectureError:
        """A :class:`LectureError` pointing at ``key``, for checks made after loading."""
        file, line = self.where(key)
        return LectureError([Issue(file, line, key, message)])


#: A validated lecture. Attribute names follow the YAML keys, and each registered sequence
#: (:data:`contract.sequences.SEQUENCES`) has its wording block under its name:
#: ``lecture.edl_pass.captions["belief_bar"]``.
Lecture = create_model("Lecture", __base__=LectureBase,
                       __doc__="A validated lecture: LectureBase's keys plus one SequenceWords "
                               "block per registered sequence.",
                       **{name: (SequenceWords, ...) for name in registry.SEQUENCES})


def check_index(lecture: Lecture, heldout_size: int) -> None:
    """Raise LectureError at the line of ``sample.index`` if it is outside the held-out set."""
    index = lecture.sample.index
    if index is not None and index >= heldout_size:
        raise lecture.error("sample.index", f"{index} is out of range: the held-out set has "
                                            f"{heldout_size} digits (0..{heldout_size - 1})")


# -- error messages -----------------------------------------------------------------------------
def _show(v: Any) -> str:
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


def _message(err: dict) -> str:
    kind, ctx, got = err["type"], err.get("ctx") or {}, err.get("input")
    if kind == "literal_error":
        options = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        return f"{_show(got)} is not one of {', '.join(options)}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    bounds = {"greater_than_equal": ">=", "less_than_equal": "<=", "greater_than": ">",
              "less_than": "<"}
    if kind in bounds:
        limit = next(iter(ctx.values()), "?")
        return f"{_show(got)} is out of range: must be {bounds[kind]} {limit}"
    expected = {"int": "a whole number", "float": "a number", "bool": "true or false",
                "string": "text", "dict": "a mapping (key: value lines)", "list": "a list",
                "none": "null"}
    if kind in ("model_type", "model_attributes_type"):
        return f"expected a mapping (key: value lines), got {_show(got)}"
    head = kind.split("_")[0]
    if head in expected:
        return f"expected {expected[head]}, got {_show(got)}"
    if kind == "missing":
        return "required"
    return f"{err['msg']} (got {_show(got)})"


# -- loading ------------------------------------------------------------------------------------
def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _raw_checks(data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """Checks pydantic cannot place on a line: sequence and section names."""
    out: list[tuple[KeyPath, str]] = []
    known = list(registry.SEQUENCES)
    seqs = data.get("sequences")
    if isinstance(seqs, list):
        if not seqs:
            out.append((("sequences",), f"the list is empty; name at least one of {', '.join(known)}"))
        seen: set[str] = set()
        for i, name in enumerate(seqs):
            if not isinstance(name, str):
                continue  # pydantic reports the type
            if name not in registry.SEQUENCES:
                out.append((("sequences", i), f"unknown sequence {name!r}; {_allowed(known, name)}"))
            elif name in seen:
                out.append((("sequences", i), f"{name!r} is listed twice"))
            seen.add(name)
    sections = data.get("sections")
    if isinstance(sections, dict):
        for seq, names in sections.items():
            if seq not in registry.SEQUENCES:
                out.append((("sections", seq), f"unknown sequence {seq!r}; {_allowed(known, seq)}"))
                continue
            if not isinstance(names, list):
                continue
            allowed = section_names(seq, default_data)
            for i, name in enumerate(names):
                if isinstance(name, str) and name not in allowed:
                    out.append((("sections", seq, i),
                                f"unknown section {name!r} of {seq}; {_allowed(allowed, name)}"))
    out += _narration_checks(data, default_data)
    return out


def _narration_checks(data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """Per-section narration texts name real sections; the chosen engine can run."""
    out: list[tuple[KeyPath, str]] = []
    for seq in registry.SEQUENCES:
        block = data.get(seq)
        texts = block.get("narration") if isinstance(block, dict) else None
        if not isinstance(texts, dict) or not texts:
            continue
        allowed = section_names(seq, default_data)
        out += [((seq, "narration", k), f"unknown section {k!r} of {seq}; {_allowed(allowed, k)}")
                for k in texts if k not in allowed]
    n = data.get("narration")
    if not isinstance(n, dict):
        return out
    engine, voice = n.get("engine"), n.get("voice")
    if engine == "espeak" and shutil.which("espeak-ng") is None:
        out.append((("narration", "engine"), "espeak needs the espeak-ng program, which is not "
                    "installed (Debian: apt-get install espeak-ng)"))
    if engine == "piper" and not voice:
        out.append((("narration", "voice"), "piper needs a voice model file: "
                    "voice: path/to/voice.onnx (with its .onnx.json beside it)"))
    return out


def _voice_file_check(data: dict, folder: Path) -> list[tuple[KeyPath, str]]:
    """piper's voice file (relative to the YAML that names it) must exist: nothing is
    downloaded at run time."""
    n = data.get("narration")
    if not isinstance(n, dict) or n.get("engine") != "piper" or not isinstance(n.get("voice"), str):
        return []
    path = (folder / Path(n["voice"]).expanduser()).resolve()
    if path.is_file():
        return []
    return [(("narration", "voice"), f"no such voice file: {path} (piper reads a voice model "
             "you provide; nothing is downloaded)")]


def _placeholder_checks(data: dict) -> list[tuple[KeyPath, str]]:
    """Every ``{name}`` of a sequence's captions and text must be one its scene fills in
    (contract.placeholders), with balanced braces and a valid format spec."""
    out: list[tuple[KeyPath, str]] = []
    for name, fills in placeholders.FILLS.items():
        block = data.get(name)
        if not isinstance(block, dict):
            continue
        for kind, allowed in (("captions", fills.captions), ("text", fills.text),
                              ("narration", fills.captions)):
            strings = block.get(kind)
            for key, value in (strings.items() if isinstance(strings, dict) else ()):
                if isinstance(value, str):
                    out += [((name, kind, key), m) for m in placeholders.problems(value, allowed)]
    return out


#: the wording keys of the title card a lecture in another language must write itself
TITLE_CARD_WORDS: tuple[KeyPath, ...] = (("title_card", "course"), ("title_card", "title"))


def _has(data: Any, key: KeyPath) -> bool:
    for part in key:
        if not isinstance(data, dict) or part not in data:
            return False
        data = data[part]
    return True


def wording_keys(default_data: dict) -> list[KeyPath]:
    """Every key that words the lecture: the title card's title and course, and each
    registered sequence's title, captions and drawn strings as the default file lists them."""
    keys = list(TITLE_CARD_WORDS)
    for name in registry.SEQUENCES:
        block = default_data.get(name) if isinstance(default_data.get(name), dict) else {}
        keys.append((name, "title"))
        for kind in ("captions", "text"):
            keys += [(name, kind, k) for k in (block.get(kind) or {})]
    return keys


def _language_checks(user_data: dict, default_data: dict) -> list[tuple[KeyPath, str]]:
    """A language without built-in words (:mod:`contract.languages`) is accepted only when the
    lecture words everything itself: otherwise the built-in English would stand in silently."""
    lang = user_data.get("language")
    if not isinstance(lang, str) or languages.built_in(lang) is not None:
        return []
    missing = [k for k in wording_keys(default_data) if not _has(user_data, k)]
    if not missing:
        return []
    shown = ", ".join(dotted(k) for k in missing[:3]) + (", ..." if len(missing) > 3 else "")
    return [(("language",), f"{lang!r} has no built-in words (built in: "
             f"{', '.join(languages.BUILT_IN)}); a lecture in another language must word every "
             f"sequence, section and string itself: {len(missing)} of "
             f"{len(wording_keys(default_data))} keys missing ({shown})")]


def _checks(merged: dict, user_data: dict, default_data: dict,
            dirs: dict[str, Path]) -> list[tuple[KeyPath, str]]:
    """The checks beyond the schema's: raw values, languages, placeholders, the voice file."""
    return (_raw_checks(merged, default_data) + _language_checks(user_data, default_data)
            + _placeholder_checks(merged) + _voice_file_check(merged, dirs["narration.voice"]))


def load_lecture(path: str | Path, default_path: str | Path = DEFAULT_PATH) -> Lecture:
    """Read, merge over the default file, and validate a lecture YAML.

    Raises :class:`LectureError` listing every problem with file, line and key.
    """
    path, default_path = Path(path), Path(default_path)
    default, d_issues = _read(default_path, _display(default_path))
    if d_issues or not isinstance(default.data, dict):
        raise LectureError(d_issues or [Issue(default.name, 1, "", "must be a mapping")])
    same = path.resolve() == default_path.resolve()
    user, issues = (default, []) if same else _read(path, str(path))
    if not isinstance(user.data, dict):
        raise LectureError([Issue(user.name, 1, "", f"expected a mapping of keys (like the "
                                                    f"default file), got {_show(user.data)}")])
    merged = _merge(default.data, user.data, (), user, issues)

    def locate(key: KeyPath) -> tuple[_Source, Optional[int]]:
        """The file and line of the closest key written, preferring the user's file."""
        for n in range(len(key), 0, -1):
            for src in (user, default):
                if key[:n] in src.lines:
                    return src, src.lines[key[:n]]
        return user, None

    dirs = {k: locate(parse_key(k))[0].folder
            for k in ("title_card.logo", "unrelated.images", "render.output_dir",
                      "narration.voice", "narration.recordings")}
    # recordings belong to the lecture: the default "recordings" folder is next to its file
    dirs["narration.recordings"] = locate(("narration", "recordings"))[0].folder \
        if ("narration", "recordings") in user.lines else user.folder
    problems = _checks(merged, user.data, default.data, dirs)
    lecture: Optional[Lecture] = None
    try:
        lecture = Lecture.model_validate(merged, context={"dirs": dirs, "stem": path.stem})
    except ValidationError as exc:
        problems += [(tuple(e["loc"]), _message(e)) for e in exc.errors()]
    for key, msg in problems:
        src, line = locate(key)
        issues.append(Issue(src.name, line, dotted(key), msg))
    if issues:
        issues.sort(key=lambda i: (i.file != user.name, i.line or 0))
        raise LectureError(issues)
    assert lecture is not None
    lecture._source_path = path.resolve()
    where = {k: (default.name, ln) for k, ln in default.lines.items()}
    where.update({k: (user.name, ln) for k, ln in user.lines.items()})
    lecture._where = where
    return lecture


def main(argv: Optional[list[str]] = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 1 or args[0] != "check":
        print("usage: python -m contract.lecture check [PATH ...]", file=sys.stderr)
        return 2
    status = 0
    for p in args[1:] or [str(DEFAULT_PATH)]:
        try:
            load_lecture(p)
            print(f"ok: {p}")
        except LectureError as exc:
            print(exc, file=sys.stderr)
            status = 2
    return status


if __name__ == "__main__":
    sys.exit(main())
