"""Contact sheets of a rendered lecture: for every section, a frame from its middle and one from
its end (just before it fades out), with the section's title and time, one PNG per sequence.

    python tools/contact_sheet.py renders/default [--out renders/default/contact] [--width 480]

Section times come from each video's chapters (``<stem>.chapters.vtt``). Frames are decoded one
at a time by seeking (PyAV), so a 1080p video is never held in memory. For reviewing a render
by eye: look at every sheet before uploading a lecture.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rendering import subtitles  # noqa: E402

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
END_BEFORE = 0.7  # seconds before a section's end: after its last beat, before the fade-out


def frame_at(video: Path, t: float) -> Image.Image:
    """The frame shown at ``t`` seconds (the first frame at or after it)."""
    with av.open(str(video)) as box:
        stream = box.streams.video[0]
        box.seek(int(max(t - 1.0, 0) / stream.time_base), stream=stream, backward=True)
        last = None
        for frame in box.decode(stream):
            last = frame
            if frame.time is not None and frame.time >= t - 1e-3:
                break
        if last is None:
            raise ValueError(f"no frame at {t:.2f} s in {video}")
        return last.to_image()


def sheet(video: Path, width: int) -> Image.Image:
    """Two frames per section (middle, end) side by side, one row per section."""
    chapters = subtitles.parse_vtt(video.with_suffix(".chapters.vtt").read_text(encoding="utf-8"))
    try:
        font = ImageFont.truetype(FONT, 18)
    except OSError:
        font = ImageFont.load_default()
    rows = []
    for c in chapters:
        times = ((c.start + c.end) / 2, max(c.start, c.end - END_BEFORE))
        shots = [frame_at(video, t) for t in times]
        h = round(width * shots[0].height / shots[0].width)
        row = Image.new("RGB", (2 * width + 30, h + 28), "white")
        for i, (shot, t) in enumerate(zip(shots, times)):
            row.paste(shot.resize((width, h)), (10 + i * (width + 10), 24))
            ImageDraw.Draw(row).text((10 + i * (width + 10), 2), f"{c.text} · {t:.1f} s",
                                     fill="black", font=font)
        rows.append(row)
    out = Image.new("RGB", (rows[0].width, sum(r.height for r in rows)), "white")
    y = 0
    for r in rows:
        out.paste(r, (0, y))
        y += r.height
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="a lecture's output folder (renders/<lecture>)")
    ap.add_argument("--out", type=Path, default=None, help="default: <folder>/contact")
    ap.add_argument("--width", type=int, default=480, help="width of each frame in the sheet")
    args = ap.parse_args()
    out = args.out or args.folder / "contact"
    out.mkdir(parents=True, exist_ok=True)
    videos = sorted(p for p in args.folder.glob("[0-9][0-9]_*.mp4")
                    if p.with_suffix(".chapters.vtt").exists())
    if not videos:
        sys.exit(f"no rendered sequence with chapters in {args.folder}")
    for video in videos:
        target = out / f"{video.stem}.png"
        sheet(video, args.width).save(target)
        print(f"{video.name} -> {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
