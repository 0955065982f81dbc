"""The lecture's transcript: a text alternative to the video (WCAG 2.1, 1.2.3), one chapter
heading per part and per section, with its start time, then what is said in it.

    format_transcript("Inside a CNN", [Part("1. A CNN's forward pass", 5.2,
                      [Passage("Task", 5.2, "Our task: ...")])])
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    title: str
    start: float  # seconds into the lecture
    text: str


@dataclass(frozen=True)
class Part:
    title: str
    start: float
    passages: list[Passage] = field(default_factory=list)


def clock(seconds: float) -> str:
    """83.4 -> '1:23'; 3723 -> '1:02:03'."""
    m, s = divmod(int(seconds), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def format_transcript(title: str, parts: list[Part]) -> str:
    """Markdown: ``# title``, ``## part (m:ss)``, ``### section (m:ss)`` and the words; a
    part of one passage (the title card) has no section heading."""
    lines = [f"# {title.replace(chr(10), ' ')}", ""]
    for part in parts:
        lines += [f"## {part.title} ({clock(part.start)})", ""]
        for p in part.passages:
            if len(part.passages) > 1:
                lines += [f"### {p.title} ({clock(p.start)})", ""]
            if p.text:
                lines += [p.text, ""]
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["Part", "Passage", "clock", "format_transcript"]
