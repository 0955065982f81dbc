"""The render cache of one output folder: section clips by key, and a record per sequence.

    <output_dir>/.work/cache/clips/<section key>.mp4     a rendered section, never overwritten
    <output_dir>/.work/cache/<stem>.json                 what the last good render of a
                                                         sequence used and produced

A record holds, per section in order: its name, key, the text keys it read, the frames it held
for its captions' reading time and its clip's duration; the sequence's subtitle key and cues; and the key of what was published. Records and
clips are written atomically, a record only after its clips are in place.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Optional

from rendering import files, subtitles

CACHE = "cache"


@dataclass
class SectionRecord:
    name: str
    key: str
    reads: list[str]
    duration: float
    speech: Optional[str] = None  # the key of its narration (rendering/narration/store.py)
    text: str = ""  # what is said (or captioned) over it, for the transcript
    holds: Optional[list[int]] = None  # frames of its holds (the captions' reading times)


@dataclass
class Record:
    """What the last good render of one sequence used and produced."""
    prelude_reads: list[str] = field(default_factory=list)
    sections: list[SectionRecord] = field(default_factory=list)
    subtitle_key: Optional[str] = None
    cues: list[dict[str, Any]] = field(default_factory=list)
    published_key: Optional[str] = None

    def reads(self) -> dict[str, list[str]]:
        """Text keys read per section name, ``""`` before the first section."""
        out = {s.name: s.reads for s in self.sections}
        out[""] = self.prelude_reads
        return out

    def section(self, name: str) -> Optional[SectionRecord]:
        return next((s for s in self.sections if s.name == name), None)

    def subtitle_cues(self) -> list[subtitles.Cue]:
        return [subtitles.Cue(float(c["start"]), float(c["end"]), str(c["text"])) for c in self.cues]


class Cache:
    """The cache folder of one output folder."""

    def __init__(self, work: Path) -> None:
        self.root = work / CACHE
        self.clips = self.root / "clips"

    def clip(self, key: str) -> Path:
        return self.clips / f"{key}.mp4"

    def has_clip(self, key: Optional[str]) -> bool:
        return key is not None and self.clip(key).is_file()

    def store_clip(self, key: str, src: Path) -> Path:
        """Move a freshly rendered clip into the cache (a rename in the same file system)."""
        dst = self.clip(key)
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.tmp")
        try:
            os.replace(src, tmp)
        except OSError:  # another file system
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        return dst

    def record_path(self, stem: str) -> Path:
        return self.root / f"{stem}.json"

    def load(self, stem: str) -> Record:
        """The record of ``stem``, or an empty one when there is none or it is unreadable."""
        try:
            raw = json.loads(self.record_path(stem).read_text(encoding="utf-8"))
            raw["sections"] = [SectionRecord(**s) for s in raw.get("sections", [])]
            return Record(**raw)
        except (OSError, ValueError, TypeError, KeyError):
            return Record()

    def save(self, stem: str, record: Record) -> None:
        files.atomic_write_text(self.record_path(stem), json.dumps(asdict(record), indent=1) + "\n")

    def prune(self, keep: set[str]) -> int:
        """Delete clips whose key is in no record (sections edited away); returns how many."""
        if not self.clips.is_dir():
            return 0
        gone = 0
        for p in self.clips.glob("*.mp4"):
            if p.stem not in keep:
                p.unlink(missing_ok=True)
                gone += 1
        return gone


__all__ = ["Cache", "Record", "SectionRecord"]
