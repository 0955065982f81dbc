"""The rows of a lecture's manifest.json, read off the files the renderer wrote, and the manifest
written (the schema is :mod:`contract.manifest`; the platform reads it through that).

    rows = [manifest_entry(out / "01_cnn_forward_pass.mp4", "video", out,
                           scene_data_sources("scene_data", ["forward_pass"]))]
    write_manifest(out / "manifest.json", Manifest(files=rows, ...))
"""
from __future__ import annotations

import json
import struct
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterable, Optional

from contract import sequences as registry
from contract.lecture import Lecture, RenderSettings
from contract.manifest import (Manifest, ManifestError, ManifestFile, RenderInfo, SceneDataSource,
                               load_manifest)
from rendering import media, ownership
from rendering.files import PathLike, atomic_write_text
from rendering.media import is_faststart, probe, probe_audio, read_chapters
from rendering.publish import LECTURE_STEM
from rendering.subtitles import parse_srt, parse_vtt


def scene_data_sources(folder: PathLike, names: Optional[Iterable[str]] = None) -> list[SceneDataSource]:
    """name, schema_version and provenance.config_hash of each scene_data JSON in ``folder``
    (only ``names``, e.g. ``["forward_pass"]``, when given)."""
    folder = Path(folder)
    wanted = None if names is None else {n.removesuffix(".json") for n in names}
    out = []
    for path in sorted(folder.glob("*.json")):
        if wanted is not None and path.stem not in wanted:
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if not isinstance(raw, dict):
            continue
        prov = raw.get("provenance") or {}
        version, config_hash = raw.get("schema_version"), (
            prov.get("config_hash") if isinstance(prov, dict) else None)
        # a stray JSON beside the data is described as far as it goes, never a failed manifest
        out.append(SceneDataSource(
            name=path.name,
            schema_version=version if type(version) is int else None,
            config_hash=config_hash if isinstance(config_hash, str) else None))
    return out


VIDEO_SUFFIXES = {".mp4", ".mov", ".mkv", ".webm"}


def manifest_entry(path: PathLike, kind: str, root: PathLike,
                   scene_data: Optional[list[SceneDataSource]] = None,
                   sequence: Optional[str] = None) -> ManifestFile:
    """A manifest row: path (relative to ``root``), kind, bytes, and for videos duration,
    resolution, fps, codec, pix_fmt, faststart and chapters; for subtitles the cue count and
    end; for PNGs the resolution. Only what applies is set (and so written)."""
    path = Path(path)
    entry: dict[str, Any] = {"path": path.relative_to(root).as_posix() if path.is_relative_to(root)
                             else str(path), "kind": kind, "bytes": path.stat().st_size}
    if path.suffix in VIDEO_SUFFIXES:
        info = probe(path)
        entry.update(duration=info["duration"], width=info["width"], height=info["height"],
                     resolution=f"{info['width']}x{info['height']}", fps=info["fps"],
                     codec=info["codec"], pix_fmt=info["pix_fmt"], faststart=is_faststart(path))
        sound = probe_audio(path)
        if sound is not None:
            entry["audio"] = sound
        marks = read_chapters(path)
        if marks:
            entry["chapters"] = [asdict(c) for c in marks]
    elif path.suffix in (".srt", ".vtt"):
        text = path.read_text(encoding="utf-8-sig")
        cues = parse_srt(text) if path.suffix == ".srt" else parse_vtt(text)
        entry.update(cues=len(cues), duration=float(max((c.end for c in cues), default=0.0)))
    elif path.suffix == ".png":
        with open(path, "rb") as f:
            head = f.read(24)
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            w, h = struct.unpack(">II", head[16:24])
            entry.update(width=w, height=h, resolution=f"{w}x{h}")
    if scene_data is not None:
        entry["scene_data"] = scene_data
    if sequence is not None:
        entry["sequence"] = sequence
    return ManifestFile(**entry)


def write_manifest(path: PathLike, manifest: Manifest) -> Path:
    """Write ``manifest`` (:class:`contract.manifest.Manifest`) to ``path``, atomically."""
    return atomic_write_text(path, manifest.to_json())


# -- the lecture's manifest --------------------------------------------------------------------
def _files_of(stem: str, out: Path) -> list[tuple[Path, str]]:
    """The published files of one stem with their kind, in a stable order."""
    video = out / f"{stem}.mp4"
    rows = [(video, "lecture" if stem == LECTURE_STEM else "video"),
            (media.sidecar(video, ".srt"), "subtitles"), (media.sidecar(video, ".vtt"), "subtitles"),
            (media.sidecar(video, ".bcc.json"), "subtitles"),
            (media.sidecar(video, ".chapters.vtt"), "chapters"),
            (media.sidecar(video, ".chapters.txt"), "chapters"),
            (media.sidecar(video, ".youtube.txt"), "chapters"),
            (media.sidecar(video, ".png"), "thumbnail"), (media.sidecar(video, ".jpg"), "thumbnail"),
            (media.sidecar(video, ".transcript.md"), "transcript")]
    rows += [(p, "section") for p in sorted((out / f"{stem}_sections").glob("*.mp4"))]
    return [(p, k) for p, k in rows if p.exists()]


def build_manifest(lecture: Lecture, out: Path, data_folder: Optional[Path],
                   data_names: dict[str, Optional[list[str]]], settings: RenderSettings,
                   join: Optional[str]) -> Path:
    """Describe every published file (:class:`contract.manifest.Manifest`); ``data_names``
    maps each stem to its scene's DATA."""
    every = scene_data_sources(data_folder) if data_folder is not None else []

    def sources(names: Optional[list[str]]) -> list[SceneDataSource]:
        if names is None:
            return every
        wanted = {n.removesuffix(".json") for n in names}
        return [s for s in every if s.name.removesuffix(".json") in wanted]

    entries: list[ManifestFile] = []
    joined: list[SceneDataSource] = []
    for job in [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]:
        used = sources(data_names.get(job.stem))
        for path, kind in _files_of(job.stem, out):
            entries.append(manifest_entry(path, kind, out, used, sequence=job.name))
        joined += [s for s in used if s not in joined]
    for path, kind in _files_of(LECTURE_STEM, out):
        if kind != "section":
            entries.append(manifest_entry(path, kind, out, joined, sequence="lecture"))
    doc = Manifest.new(
        lecture=ownership.lecture_id(lecture.source_path), language=lecture.language,
        render=RenderInfo(quality=settings.quality, width=settings.width,
                          height=settings.height, fps=settings.fps),
        join=join, scene_data_folder=str(data_folder) if data_folder is not None else None,
        files=entries)
    return write_manifest(out / ownership.MANIFEST, doc)


def manifest_current(path: Path) -> bool:
    """Whether ``path`` is a valid manifest of this schema version, written with the version
    (one from before the field, or a broken one, is written again even when nothing changed)."""
    try:
        return "schema_version" in load_manifest(path).model_fields_set
    except ManifestError:
        return False


# -- driver -------------------------------------------------------------------------------------


__all__ = ["VIDEO_SUFFIXES", "build_manifest", "manifest_current", "manifest_entry",
           "scene_data_sources", "write_manifest"]
