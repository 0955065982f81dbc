"""``manifest.json``: what a rendered lecture folder holds, written by the renderer
(:func:`rendering.manifest.build_manifest`) and read by the platform and any tool through this
one model::

    >>> m = load_manifest("renders/default/manifest.json")    # ManifestError names the file
    >>> m.language, [f.path for f in m.files if f.kind == "lecture"]
    ('en', ['lecture.mp4'])

    >>> doc = Manifest.new(language="en", files=[ManifestFile(path="01.mp4", kind="video",
    ...                                                        bytes=2048, duration=3.0)])
    >>> text = doc.to_json()                                  # what the renderer writes

Only what a writer sets is written: a subtitle file has no ``width``, a silent video no
``audio`` (``exclude_unset``), so a manifest read back and written again is the same text.
Version 1 is the first versioned form; manifests written before the field existed have the same
content and read as version 1. Another version is refused with a message saying what to do.
Imports nothing from the project.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

SCHEMA_VERSION = 1
#: what a file is: the sequence's video, the joined lecture, a per-section clip, sidecars, and
#: the slides of ``make slides`` (the HTML deck's page and the PPTX)
Kind = Literal["video", "lecture", "section", "subtitles", "chapters", "thumbnail", "transcript",
               "slides"]


class ManifestError(ValueError):
    """A manifest is missing, unreadable, of another schema version or not of this schema; the
    message names the file."""


class _Strict(BaseModel):
    # strict: "5" is not a byte count; forbid: a misspelt key is an error, not a silent None
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SceneDataSource(_Strict):
    """A scene_data file a video was drawn from, as it was when rendered."""
    name: str  # file name in the scene_data folder, e.g. "forward_pass.json"
    schema_version: Optional[int] = None
    config_hash: Optional[str] = None  # provenance.config_hash: which pipeline run


class ChapterMark(_Strict):
    title: str
    start: float  # seconds
    end: float


class AudioTrack(_Strict):
    codec: str
    sample_rate: int
    channels: int
    profile: Optional[str] = None
    duration: Optional[float] = None


class ManifestFile(_Strict):
    """One published file. Videos carry duration, size, rate, codec and chapters; subtitles
    and chapter tracks their cue count and end; PNG thumbnails their size."""
    path: str  # relative to the lecture folder (posix); absolute only if it lies outside
    kind: Kind
    bytes: int
    duration: Optional[float] = None  # seconds
    width: Optional[int] = None
    height: Optional[int] = None
    resolution: Optional[str] = None  # "WIDTHxHEIGHT"
    fps: Optional[float] = None
    codec: Optional[str] = None
    pix_fmt: Optional[str] = None
    faststart: Optional[bool] = None  # moov atom first (streams before it is downloaded)
    audio: Optional[AudioTrack] = None
    chapters: Optional[list[ChapterMark]] = None
    cues: Optional[int] = None
    scene_data: Optional[list[SceneDataSource]] = None
    sequence: Optional[str] = None  # registry name, "lecture" for the joined files

    @property
    def section_name(self) -> Optional[str]:
        """A section clip's section: ``01_x_sections/03_max_pool.mp4`` -> ``max_pool``
        (the renderer names them ``NN_<section>.mp4``); None for other kinds."""
        if self.kind != "section":
            return None
        stem = self.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        number, _, name = stem.partition("_")
        return name if number.isdigit() and name else stem


class RenderInfo(_Strict):
    """The render settings the videos were made with."""
    quality: str
    width: int
    height: int
    fps: int


class Manifest(_Strict):
    """The document ``manifest.json`` of a rendered lecture folder."""
    schema_version: int = SCHEMA_VERSION
    generated_utc: str  # ISO 8601
    lecture: str = ""  # the lecture YAML, relative to the project when inside it
    language: str
    render: Optional[RenderInfo] = None
    join: Optional[Literal["stream copy", "re-encode"]] = None  # how lecture.mp4 was made
    scene_data_folder: Optional[str] = None
    files: list[ManifestFile]

    @model_validator(mode="before")
    @classmethod
    def _version_first(cls, data: Any) -> Any:
        # checked before the fields: another version's fields would only give a confusing list
        version = data.get("schema_version", SCHEMA_VERSION) if isinstance(data, dict) else None
        if isinstance(data, dict) and version != SCHEMA_VERSION:
            raise ValueError(f"schema_version {version!r}, but this code reads {SCHEMA_VERSION}: "
                             "render the lecture again (make render) to rewrite it")
        return data

    @field_validator("generated_utc")
    @classmethod
    def _iso_time(cls, v: str) -> str:
        datetime.fromisoformat(v)  # raises ValueError with the reason
        return v

    @classmethod
    def new(cls, **fields: Any) -> "Manifest":
        """A manifest stamped now with this schema version (both are written)."""
        return cls(schema_version=SCHEMA_VERSION,
                   generated_utc=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                   **fields)

    def to_json(self) -> str:
        """The file's text: the fields that were set, indented, ASCII-escaped (as the renderer
        has always written it, so that nothing but the version changes byte-wise)."""
        return json.dumps(self.model_dump(mode="json", exclude_unset=True), indent=2) + "\n"


def parse_manifest(text: str | bytes, name: str = "manifest.json") -> Manifest:
    """Validate a manifest's text; :class:`ManifestError` names ``name`` and each problem."""
    try:
        return Manifest.model_validate_json(text)
    except ValidationError as exc:
        errors = exc.errors()
        if len(errors) == 1 and not errors[0]["loc"]:  # the whole file: not JSON, wrong version
            raise ManifestError(f"{name}: {_reason(errors[0])}") from None
        problems = [f"  {'.'.join(map(str, e['loc']))}: {_reason(e)}" for e in errors]
        raise ManifestError(f"{name} is not a valid manifest:\n" + "\n".join(problems[:20])
                            + ("\n  ..." if len(problems) > 20 else "")) from None


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate ``path``; :class:`ManifestError` (naming it) when it is missing,
    unreadable, of another schema version or not of this schema."""
    path = Path(path)
    try:
        text = path.read_bytes()
    except FileNotFoundError:
        raise ManifestError(f"{path} is missing: render the lecture (make render)") from None
    except OSError as exc:
        raise ManifestError(f"{path} cannot be read ({exc.strerror or exc})") from None
    return parse_manifest(text, str(path))


def _reason(err: Any) -> str:
    if err["type"] == "value_error":  # our own validators' messages, without pydantic's prefix
        return str(err.get("ctx", {}).get("error", err["msg"]))
    if err["type"] == "json_invalid":
        return f"not JSON ({err.get('ctx', {}).get('error', err['msg'])})"
    if err["type"] == "model_type":
        return "not a JSON object (a manifest is one)"
    return err["msg"]


__all__ = ["AudioTrack", "ChapterMark", "Kind", "Manifest", "ManifestError", "ManifestFile",
           "RenderInfo", "SCHEMA_VERSION", "SceneDataSource", "load_manifest", "parse_manifest"]
