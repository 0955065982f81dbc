"""The rendered lectures under ``renders/``, as their ``manifest.json`` files describe them.

Media are addressed by (lecture folder name, position in that manifest's file list): a request
names numbers, never a path, and only files that a manifest lists and that lie inside their
lecture folder can be served. Manifests are read through :mod:`contract.manifest`; a folder whose
manifest does not validate is skipped, and the log says why::

    >>> [(lec.id, [v["sequence"] for v in lec.videos]) for lec in scan(Path("renders"))]
    [('default', ['lecture', 'title_card', 'cnn_forward_pass', ...])]
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

from contract.manifest import ManifestError, ManifestFile, load_manifest
from contract.titles import section_title

from .wording import LECTURE_FILES

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = "manifest.json"
MEDIA_TYPES = {".mp4": "video/mp4", ".webm": "video/webm", ".vtt": "text/vtt",
               ".png": "image/png", ".html": "text/html; charset=utf-8",
               ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation"}
#: Manifest kinds the player uses (srt and ffmetadata chapters are for other players); slides:
#: the deck (slides/index.html, its assets served beside it) and the PPTX of `make slides`
SERVED_KINDS = {"video", "lecture", "section", "subtitles", "chapters", "thumbnail", "slides"}


@dataclass(frozen=True)
class MediaFile:
    path: Path
    media_type: str


@dataclass(frozen=True)
class Lecture:
    """One rendered lecture: its public description and the files it may serve by number."""
    id: str
    language: str
    files: dict[int, MediaFile]
    videos: list[dict[str, Any]]
    source: str = ""  # the lecture YAML that rendered it, as the manifest names it

    def is_default(self, lectures_dir: Path) -> bool:
        """Whether this is the render of its language's default lecture (default.yaml for en,
        zh.yaml for zh): the manifest names that file, or, naming none, the folder is the one
        the renderer gives it (renders/<file's stem>/)."""
        name = LECTURE_FILES.get(self.language)
        if name is None:
            return False
        default = lectures_dir / name
        if self.source:
            source = Path(self.source)
            source = source if source.is_absolute() else ROOT / source
            return source.resolve() == default.resolve()
        return self.id == default.stem


def scan(renders: Path) -> list[Lecture]:
    """Every lecture folder under ``renders`` with a readable manifest listing a video."""
    if not renders.is_dir():
        return []
    found = []
    for manifest in sorted(renders.glob(f"*/{MANIFEST}")):
        lecture = _read(manifest)
        if lecture is not None and lecture.videos:
            found.append(lecture)
    return found


def _read(path: Path) -> Optional[Lecture]:
    try:
        manifest = load_manifest(path)
    except ManifestError as exc:  # foreign, broken or of another version: skip the folder, say why
        _warn_once(path, str(exc))
        return None
    folder = path.parent
    lecture_id = folder.name
    files: dict[int, MediaFile] = {}
    for i, entry in enumerate(manifest.files):
        media = _media(folder, entry)
        if media is not None:
            files[i] = media
    urls = {i: f"/media/{lecture_id}/{i}" for i in files}
    return Lecture(lecture_id, manifest.language or "en", files,
                   _videos(manifest.files, files, urls), manifest.lecture)


_warned: set[tuple[Path, str]] = set()


def _warn_once(path: Path, message: str) -> None:
    """Log why a folder is skipped, once per problem (the page rescans on every load)."""
    if (path, message) not in _warned:
        _warned.add((path, message))
        log.warning("skipped: %s", message)


def _media(folder: Path, entry: ManifestFile) -> Optional[MediaFile]:
    """The file of a manifest entry if it is a served kind and really inside ``folder``."""
    if entry.kind not in SERVED_KINDS or not entry.path:
        return None
    path = (folder / entry.path).resolve()
    media_type = MEDIA_TYPES.get(path.suffix)
    if media_type is None or not path.is_relative_to(folder.resolve()) or not path.is_file():
        return None
    return MediaFile(path, media_type)


def _videos(entries: list[ManifestFile], files: dict[int, MediaFile],
            urls: dict[int, str]) -> list[dict]:
    """The player's view: each video (whole lecture first) with its subtitle and chapter
    tracks, chapters, thumbnail and section clips."""
    by_path = {entries[i].path: i for i in files}
    videos = []
    for i in files:
        e = entries[i]
        if e.kind not in ("video", "lecture"):
            continue
        stem = e.path.rsplit(".", 1)[0]
        side = {suffix: urls[by_path[stem + suffix]] for suffix in (".vtt", ".chapters.vtt", ".png")
                if stem + suffix in by_path}
        sections = [{"title": section_title(entries[j].section_name or ""), "url": urls[j],
                     "duration": entries[j].duration}
                    for j in files if entries[j].kind == "section"
                    and entries[j].path.startswith(stem + "_sections/")]
        videos.append({"sequence": e.sequence or stem, "url": urls[i], "duration": e.duration,
                       "chapters": [c.model_dump() for c in e.chapters or []],
                       "subtitles": side.get(".vtt"), "chapters_vtt": side.get(".chapters.vtt"),
                       "thumbnail": side.get(".png"), "sections": sections})
    videos.sort(key=lambda v: v["sequence"] != "lecture")  # the whole lecture first
    return videos
