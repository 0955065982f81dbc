"""Subtitles: cues, SRT and WebVTT read and written, and the subtitles of joined videos.

    cues = parse_srt(Path("renders/01.srt").read_text())
    srt_to_vtt("renders/01.srt", "renders/01.vtt")
    merge_subtitles([("a.srt", 0.0), ("b.srt", 12.5)], "lecture.srt", "lecture.vtt")

Every file is written atomically (:mod:`rendering.files`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Optional, Sequence

from rendering.files import PathLike, atomic_write_text


@dataclass(frozen=True)
class Cue:
    start: float  # seconds
    end: float
    text: str


_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{1,3})")


def _seconds(stamp: str) -> float:
    m = _TIME.fullmatch(stamp.strip())
    if not m:
        raise ValueError(f"bad timestamp {stamp!r}")
    h, mi, s, ms = m.groups()
    return int(h or 0) * 3600 + int(mi) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000


def _stamp(t: float, sep: str) -> str:
    ms = max(0, round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _parse_cues(text: str) -> list[Cue]:
    cues: list[Cue] = []
    for block in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = block.strip("\n").split("\n")
        for i, line in enumerate(lines):
            if "-->" in line:
                a, b = line.split("-->", 1)
                cues.append(Cue(_seconds(a), _seconds(b.split()[0]), "\n".join(lines[i + 1:])))
                break
    return cues


def parse_srt(text: str) -> list[Cue]:
    """Cues of an SRT document."""
    return _parse_cues(text)


def parse_vtt(text: str) -> list[Cue]:
    """Cues of a WebVTT document (the WEBVTT header is required)."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise ValueError("not a WebVTT file: it must start with WEBVTT")
    return _parse_cues(text.split("\n", 1)[1] if "\n" in text else "")


def format_srt(cues: Sequence[Cue]) -> str:
    return "".join(f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{c.text}\n\n"
                   for i, c in enumerate(cues, 1))


def format_vtt(cues: Sequence[Cue]) -> str:
    # "-->" and blank lines would end a cue early; WebVTT has no escape for them.
    def clean(text: str) -> str:
        return re.sub(r"\n\s*\n", "\n", text).replace("-->", "->")
    body = "".join(f"{i}\n{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{clean(c.text)}\n\n"
                   for i, c in enumerate(cues, 1))
    return "WEBVTT\n\n" + body


def srt_to_vtt(srt_path: PathLike, vtt_path: PathLike) -> list[Cue]:
    """Convert an SRT file to WebVTT; returns the cues."""
    cues = parse_srt(Path(srt_path).read_text(encoding="utf-8-sig"))
    atomic_write_text(vtt_path, format_vtt(cues))
    return cues


def merge_subtitles(parts: Iterable[tuple[Optional[PathLike], float]], srt_path: PathLike,
                    vtt_path: Optional[PathLike] = None) -> list[Cue]:
    """Concatenate SRT files, each shifted by its offset in seconds (None: no subtitles)."""
    cues: list[Cue] = []
    for path, offset in parts:
        if path is not None and Path(path).exists():
            cues += [Cue(c.start + offset, c.end + offset, c.text)
                     for c in parse_srt(Path(path).read_text(encoding="utf-8-sig"))]
    atomic_write_text(srt_path, format_srt(cues))
    if vtt_path is not None:
        atomic_write_text(vtt_path, format_vtt(cues))
    return cues


__all__ = ["Cue", "format_srt", "format_vtt", "merge_subtitles", "parse_srt", "parse_vtt",
           "srt_to_vtt"]
