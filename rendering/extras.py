"""Upload-ready extras: YouTube chapter lines, JPEG thumbnails, Bilibili BCC subtitles.

    youtube_chapters(chapters)            -> chapters YouTube accepts (or None)
    write_youtube("lecture.youtube.txt", chapters)
    jpeg_thumbnail("01.png", "01.jpg")    1280x720, at most 2 MB
    write_bcc("lecture.bcc.json", cues)

YouTube reads chapters from the video description: the first at 0:00, each at least 10 s
long, at least three of them.
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Optional, Sequence

from rendering.media import Chapter, Cue, PathLike, atomic_write_bytes, atomic_write_text

MIN_CHAPTER_S = 10.0
MIN_CHAPTERS = 3
THUMB_SIZE = (1280, 720)
THUMB_MAX_BYTES = 2 * 1024 * 1024


def merge_short(chapters: Sequence[Chapter], min_seconds: float = MIN_CHAPTER_S) -> list[Chapter]:
    """Chapters with every one shorter than ``min_seconds`` merged into a neighbour: a short
    first chapter (the title card) takes the next one's title and starts at 0; a short later
    one joins the chapter before it."""
    out: list[Chapter] = []
    for c in chapters:
        if out and out[-1].end - out[-1].start < min_seconds and len(out) == 1:
            out[-1] = Chapter(c.title, out[-1].start, c.end)  # the title card opens chapter 1
        elif out and c.end - c.start < min_seconds:
            out[-1] = Chapter(out[-1].title, out[-1].start, c.end)
        else:
            out.append(c)
    if out:
        out[0] = Chapter(out[0].title, 0.0, out[0].end)
    return out


def youtube_chapters(*candidates: Sequence[Chapter]) -> Optional[list[Chapter]]:
    """The first candidate list (e.g. per sequence, then per section) that, merged, meets
    YouTube's rules; None when none does."""
    for chapters in candidates:
        merged = merge_short(chapters)
        if len(merged) >= MIN_CHAPTERS and all(c.end - c.start >= MIN_CHAPTER_S for c in merged):
            return merged
    return None


def timestamp(seconds: float) -> str:
    """83.9 -> '1:23'; 3725 -> '1:02:05' (whole seconds, rounded down as YouTube does)."""
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_youtube(chapters: Sequence[Chapter]) -> str:
    return "".join(f"{timestamp(c.start)} {c.title}\n" for c in chapters)


def write_youtube(path: PathLike, chapters: Sequence[Chapter]) -> Path:
    return atomic_write_text(path, format_youtube(chapters))


def jpeg_thumbnail(png: PathLike, jpg: PathLike, size: tuple[int, int] = THUMB_SIZE,
                   max_bytes: int = THUMB_MAX_BYTES) -> Path:
    """The PNG thumbnail as a ``size`` JPEG (letterboxed in its corner colour when the aspect
    differs) of at most ``max_bytes``."""
    from PIL import Image, ImageOps

    with Image.open(png) as im:
        rgb = im.convert("RGB")
    fitted = ImageOps.pad(rgb, size, method=Image.Resampling.LANCZOS, color=rgb.getpixel((0, 0)))
    for quality in (92, 85, 75, 60, 45, 30):
        buf = io.BytesIO()
        fitted.save(buf, "JPEG", quality=quality, optimize=True)
        if buf.tell() <= max_bytes:
            return atomic_write_bytes(jpg, buf.getvalue())
    raise ValueError(f"{png}: no JPEG quality fits {max_bytes} bytes")


def bcc(cues: Sequence[Cue]) -> dict:
    """Bilibili's BCC subtitle document."""
    return {"font_size": 0.4, "font_color": "#FFFFFF", "background_alpha": 0.5,
            "background_color": "#9C27B0", "Stroke": "none",
            "body": [{"from": round(c.start, 3), "to": round(c.end, 3), "location": 2,
                      "content": c.text} for c in cues]}


def write_bcc(path: PathLike, cues: Sequence[Cue]) -> Path:
    return atomic_write_text(path, json.dumps(bcc(cues), ensure_ascii=False, indent=1) + "\n")


__all__ = ["bcc", "format_youtube", "jpeg_thumbnail", "merge_short", "timestamp", "write_bcc",
           "write_youtube", "youtube_chapters"]
