"""Keys of rendered pieces: a hash of everything that determines a section's frames.

A section's video is determined by

- the scene code: the sequence's folder and the shared modules of ``scenes/`` (:func:`code_files`);
- the render settings, the encoder options and the pinned package versions;
- the lecture keys the sequence reads (theme, pace, sample, rotation, unrelated inputs, its
  title and its selection of sections) and the on-screen strings (``<sequence>.text.<key>``)
  read while drawing this section or any section before it (a section may carry state on);
- the scene_data files the scene declares in ``DATA`` (every file when it declares none).

- the frames the section holds still so that its caption can be read (``LectureScene.hold``):
  the only way a caption's wording reaches the picture.

Captions themselves are not part of a section's key: they become subtitles (see
:func:`subtitle_key`). A caption edit that changes no hold rewrites only the subtitles; one that
does redraws the sections whose holds changed. Nothing here imports manim.

    base = sequence_base(seq, lecture, settings, data_folder)
    keys = section_keys(base, ["task", "pixels"], reads, lecture.cnn_forward_pass.text)
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional, Sequence

from contract import sequences as registry
from contract.lecture import Lecture, RenderSettings, SequenceWords
from scenes.reads import ReadLog, RecordingDict  # noqa: F401 (re-exported)

#: Encoder options of every rendered segment. Identical for every piece, so that sections,
#: sequences and the lecture are joined by stream copy. x264's "veryfast" preset: on our flat
#: graphics it encodes a 1080p30 section in 35% less time than "medium" (31 s against 48 s for
#: 39 s of sequence 4) and the file is even 11% smaller; frames differ from medium's by a PSNR
#: of 41-44 dB, which no viewer sees.
ENCODER_OPTIONS: dict[str, str] = {"crf": "23", "preset": "veryfast"}

#: Packages whose versions change pixels or bytes (Manim, its text and vector stack, the encoder).
PINNED = ("manim", "manimpango", "pycairo", "av", "numpy", "pillow", "scipy")

#: Bump when the meaning of a key changes.
SCHEMA = 2

#: Sentinel value of a text key that was looked up but not present.
ABSENT = "<absent>"


@dataclass(frozen=True)
class SceneInfo:
    """The class constants of a scene that decide what it renders (LectureScene)."""
    sequence: str
    sections: tuple[str, ...]
    data: Optional[tuple[str, ...]]  # DATA: the scene_data files it reads; None: all


def scene_info(seq: registry.Sequence) -> Optional[SceneInfo]:
    """``sequence``, ``SECTIONS`` and ``DATA`` from the registry entry, so that deciding what to
    reuse does not import manim; None for an entry that declares no sections (then the class
    must be imported)."""
    if not seq.sections:
        return None
    return SceneInfo(seq.name if seq.name in registry.SEQUENCES else "", tuple(seq.sections),
                     tuple(seq.data) if seq.data is not None else None)


def class_info(scene_class: type) -> SceneInfo:
    data = getattr(scene_class, "DATA", None)
    return SceneInfo(getattr(scene_class, "sequence", ""), tuple(scene_class.SECTIONS),
                     tuple(data) if data is not None else None)


def digest(*parts: Any) -> str:
    """A short stable hash of JSON-able parts."""
    text = json.dumps(parts, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def file_digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:32]


@lru_cache(maxsize=1)
def versions() -> dict[str, str]:
    """Installed versions of :data:`PINNED` plus the FFmpeg libraries PyAV links."""
    out: dict[str, str] = {}
    for name in PINNED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    try:
        import av
        out["ffmpeg"] = json.dumps({k: list(v) for k, v in av.library_versions.items()})
    except Exception:  # the versions are informative; av itself is pinned above
        pass
    return out


#: the lecture package: a sequence's code is its own folder plus every shared module
SCENES = Path(__file__).resolve().parent.parent / "scenes"


def code_files(seq: registry.Sequence) -> list[Path]:
    """The lecture sources a sequence's frames depend on: its own folder (``scenes/<name>/``,
    or ``scenes/<name>.py``) and every module of ``scenes/`` that belongs to no sequence (the
    base scene, visuals, findings, wording). Another sequence's folder is not among them, so
    editing one sequence redraws only that one."""
    others = {s.name for s in registry.ENTRIES.values()} - {seq.name}
    def owner(p: Path) -> str:
        rel = p.relative_to(SCENES)
        return rel.parts[0] if len(rel.parts) > 1 else rel.stem
    return sorted(p for p in SCENES.rglob("*.py") if owner(p) not in others)


def code_digest(seq: registry.Sequence) -> str:
    """Hash of the sources in :func:`code_files`."""
    return digest(seq.name, [(str(p.relative_to(SCENES)), file_digest(p)) for p in code_files(seq)])


def data_files(folder: Optional[Path], names: Optional[Iterable[str]]) -> list[Path]:
    """The scene_data files of ``names`` (``"forward_pass"`` -> .json and a .npz beside it);
    every file of the folder when ``names`` is None."""
    if folder is None or not folder.is_dir():
        return []
    if names is None:
        return sorted(p for p in folder.iterdir() if p.suffix in (".json", ".npz"))
    stems = {n.removesuffix(".json") for n in names}
    return sorted(p for p in folder.iterdir() if p.stem in stems and p.suffix in (".json", ".npz"))


def lecture_inputs(seq: registry.Sequence, lecture: Lecture) -> dict[str, Any]:
    """The lecture keys a sequence's frames depend on, besides the text strings it reads."""
    raw = lecture.model_dump(mode="json")
    if seq.name == registry.TITLE.name:
        return {k: raw[k] for k in ("language", "title_card", "theme", "pace")}
    keep = {k: raw[k] for k in ("language", "theme", "pace", "sample", "rotation", "unrelated")}
    keep["sections"] = (raw.get("sections") or {}).get(seq.name)
    keep["title"] = raw[seq.name]["title"]
    # a sequence's options beside its words (comparison.models) decide what it draws
    words = set(SequenceWords.model_fields)
    keep.update({k: v for k, v in raw[seq.name].items() if k not in words})
    return keep


def sequence_base(seq: registry.Sequence, lecture: Lecture, settings: RenderSettings,
                  data_folder: Optional[Path], data_names: Optional[Sequence[str]]) -> str:
    """The part of every section key of ``seq`` that does not depend on the section."""
    render = {"width": settings.width, "height": settings.height, "fps": settings.fps,
              "encoder": ENCODER_OPTIONS}
    data = [(p.name, file_digest(p)) for p in data_files(data_folder, data_names)]
    return digest(SCHEMA, seq.name, code_digest(seq), versions(), render,
                  lecture_inputs(seq, lecture), data)


def value_digest(text: Mapping[str, str], key: str) -> str:
    return digest(text[key]) if key in text else ABSENT


def section_keys(base: str, names: Sequence[str], reads: Mapping[str, Iterable[str]],
                 text: Mapping[str, str],
                 narration: Optional[Mapping[str, str]] = None,
                 holds: Optional[Mapping[str, Optional[Sequence[int]]]] = None
                 ) -> list[Optional[str]]:
    """The key of each section in ``names``: ``base``, the sections up to it and the current
    values of the text keys read up to it (``reads[""]`` holds those read before the first
    section), its narration key when it is narrated (its speech sets its length) and, when
    ``holds`` is given, the frames it holds for its caption's reading time. A section whose
    reads are unknown (never rendered), and every one after it, gets None; so does a section
    whose holds are unknown."""
    seen: set[str] = set(reads.get("", ()))
    out: list[Optional[str]] = []
    for i, name in enumerate(names):
        if name not in reads or (out and out[-1] is None):
            out.append(None)
            continue
        seen |= set(reads[name])
        spoken = (narration or {}).get(name)
        parts: tuple[Any, ...] = (base, list(names[:i + 1]),
                                  sorted((k, value_digest(text, k)) for k in seen))
        if holds is not None:
            if holds.get(name) is None:
                out.append(None)
                continue
            parts += (["holds", *holds[name]],)
        out.append(digest(*parts, spoken) if spoken else digest(*parts))
    return out


def subtitle_key(section_keys_: Sequence[Optional[str]], captions: Mapping[str, str]) -> str:
    """Subtitles follow the sections' timing and values, and the captions' wording."""
    return digest(list(section_keys_), dict(captions))


__all__ = ["ENCODER_OPTIONS", "ReadLog", "SceneInfo", "class_info", "scene_info", "RecordingDict", "code_digest", "data_files", "digest",
           "file_digest", "lecture_inputs", "section_keys", "sequence_base", "subtitle_key",
           "value_digest", "versions"]
