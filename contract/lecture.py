"""The lecture YAML: schema, loader and checker.

A user's file is merged over ``lectures/default.yaml`` (the reference: a key that is not
in the default file is an error), then validated. Every problem is reported at once, each with
the file, line and key that caused it::

    >>> lecture = load_lecture("lectures/default.yaml")
    >>> lecture.theme.background, lecture.render_settings.width
    ('#111318', 1920)

    $ python -m contract.lecture check my.yaml
    my.yaml:42: render.quality: 'ultra' is not one of preview, production

The schema and the loader are here; reading YAML with its lines and merging it is
:mod:`contract.lecture_yaml`, the checks beyond the schema :mod:`contract.lecture_checks`.
This module imports neither manim nor torch: the pipeline and the Makefile use it too.
"""
from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field,
                      PrivateAttr, ValidationError, ValidationInfo, create_model)

from contract import sequences as registry
from contract.models import LECTURE_PAIR, MODEL_NAMES
from contract.lecture_checks import checks, section_names, wording_keys  # noqa: F401 (API)
from contract.lecture_yaml import (Issue, KeyPath, LectureError, Source, display, dotted,  # noqa: F401
                                   merge, message, parse_key, read_yaml, show)

#: the project folder: a relative output_dir must stay inside it
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = PROJECT_ROOT / "lectures" / "default.yaml"
#: where a lecture that names no output_dir renders: renders/<lecture file stem>/
RENDERS = PROJECT_ROOT / "renders"

#: (width, height, fps) of each quality preset.
PRESETS: dict[str, tuple[int, int, int]] = {"preview": (854, 480, 15),
                                            "production": (1920, 1080, 30)}

# -- schema -------------------------------------------------------------------------------------
class _Block(BaseModel):
    # strict: YAML already gives typed values, so "5" for a number is a mistake, not a number.
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _colour(v: Any) -> str:
    if v is None:
        raise ValueError('empty: write the colour in quotes, e.g. "#1A2B3C" '
                         "(an unquoted # starts a YAML comment)")
    if not isinstance(v, str) or not re.fullmatch(r"#[0-9A-Fa-f]{6}", v):
        raise ValueError(f"{show(v)} is not a colour; write '#RRGGBB' in quotes, e.g. \"#1A2B3C\"")
    return v.upper()


def _path(key: str, must_exist: bool) -> Any:
    """A path validator: relative to the YAML file that named it (``context['dirs'][key]``)."""

    def check(v: Any, info: ValidationInfo) -> Path:
        if not isinstance(v, str) or not v.strip():
            raise ValueError(f"expected a file path, got {show(v)}")
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
        raise ValueError(f"expected a folder path, got {show(v)}")
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
            raise ValueError(f"expected a folder path, got {show(v)}")
        base = ((info.context or {}).get("dirs", {}).get(key)) or Path.cwd()
        return (Path(base) / Path(v).expanduser()).resolve()

    return BeforeValidator(check)


def _voice(v: Any, info: ValidationInfo) -> Optional[str]:
    """narration.voice: an espeak voice name as written, or a voice file (``.onnx`` or a path
    with a slash) resolved relative to the YAML file that names it."""
    if v is None:
        return None
    if not isinstance(v, str) or not v.strip():
        raise ValueError(f"expected a voice name or a voice file path, got {show(v)}")
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


def _with_pair(names: list[str]) -> list[str]:
    missing = [m for m in LECTURE_PAIR if m not in names]
    if missing:
        raise ValueError(f"must include {' and '.join(LECTURE_PAIR)} (the rotated digit, "
                         f"calibration, attacks and summary compare them); missing: "
                         f"{', '.join(missing)}")
    repeated = sorted({m for m in names if names.count(m) > 1})
    if repeated:
        raise ValueError(f"lists {', '.join(repeated)} more than once")
    return names


class ComparisonWords(SequenceWords):
    """Sequence 5's wording and the models its accuracy, entropy, rejection and table sections
    compare (``comparison.models``, registry names; shown in registry order)::

        comparison:
          models: [softmax, ensemble, edl]
    """
    models: Annotated[list[Literal[MODEL_NAMES]], AfterValidator(_with_pair)] = list(MODEL_NAMES)


#: the wording block of each sequence that has options beside its words (others: SequenceWords)
WORDS_BLOCKS: dict[str, type[SequenceWords]] = {"comparison": ComparisonWords}


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
                       **{name: (WORDS_BLOCKS.get(name, SequenceWords), ...)
                          for name in registry.SEQUENCES})


def check_index(lecture: Lecture, heldout_size: int) -> None:
    """Raise LectureError at the line of ``sample.index`` if it is outside the held-out set."""
    index = lecture.sample.index
    if index is not None and index >= heldout_size:
        raise lecture.error("sample.index", f"{index} is out of range: the held-out set has "
                                            f"{heldout_size} digits (0..{heldout_size - 1})")


def load_lecture(path: str | Path, default_path: str | Path = DEFAULT_PATH) -> Lecture:
    """Read, merge over the default file, and validate a lecture YAML.

    Raises :class:`LectureError` listing every problem with file, line and key.
    """
    path, default_path = Path(path), Path(default_path)
    default, d_issues = read_yaml(default_path, display(default_path))
    if d_issues or not isinstance(default.data, dict):
        raise LectureError(d_issues or [Issue(default.name, 1, "", "must be a mapping")])
    same = path.resolve() == default_path.resolve()
    user, issues = (default, []) if same else read_yaml(path, str(path))
    if not isinstance(user.data, dict):
        raise LectureError([Issue(user.name, 1, "", f"expected a mapping of keys (like the "
                                                    f"default file), got {show(user.data)}")])
    merged = merge(default.data, user.data, (), user, issues)

    def locate(key: KeyPath) -> tuple[Source, Optional[int]]:
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
    problems = checks(merged, user.data, default.data, dirs)
    lecture: Optional[Lecture] = None
    try:
        lecture = Lecture.model_validate(merged, context={"dirs": dirs, "stem": path.stem})
    except ValidationError as exc:
        problems += [(tuple(e["loc"]), message(e)) for e in exc.errors()]
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
