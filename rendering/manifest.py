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

from contract.manifest import Manifest, ManifestFile, SceneDataSource
from rendering.files import PathLike, atomic_write_text
from rendering.media import is_faststart, probe, probe_audio, read_chapters
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


__all__ = ["VIDEO_SUFFIXES", "manifest_entry", "scene_data_sources", "write_manifest"]
