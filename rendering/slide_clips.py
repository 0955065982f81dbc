"""A section's clip cut into its sub-slides: frame ranges, each its own MP4.

A sub-slide ends where the picture stands still for a caption (a ``hold`` the render recorded,
rendering.cache.SectionRecord.stills), so that a presenter who stops there stops on a finished
picture. Cuts fall between keyframes, so each piece is decoded and encoded again, with the
render's own encoder options (rendering.keys.ENCODER_OPTIONS); a clip is decoded once for all
its pieces, and pieces already cut for the same clip and frames are reused.

    ranges = beat_ranges(stills=[[1.0, 2.5], [4.0, 6.0]], duration=6.5, fps=30, fade=0.5)
    # [(0, 75), (75, 180)]: up to the end of the first still, then to the end of the last one
    split(Path("01_task.mp4"), ranges, [Path("a.mp4"), Path("b.mp4")])
"""
from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from typing import Optional, Sequence

import av

from rendering.files import atomic_path
from rendering.keys import ENCODER_OPTIONS


def beat_ranges(stills: Optional[Sequence[Sequence[float]]], duration: float, fps: float,
                fade: float) -> list[tuple[int, int]]:
    """Frame ranges ``[first, last)`` of a section's sub-slides: one ends at the end of each
    still. What follows the last still is the stage fading out (``fade`` seconds, the scene's
    ``clear_stage``); it is left out, so the last sub-slide stops on the picture, unless it
    is longer than the fade (a narrated section goes on after its last caption hold). No stills
    (or none recorded): the whole section is one sub-slide."""
    frames = max(1, round(duration * fps))
    cuts = sorted({round(end * fps) for _, end in (stills or [])})
    cuts = [c for c in cuts if 0 < c < frames]
    end = frames
    if cuts and frames - cuts[-1] <= math.ceil(fade * fps) + 1:
        end = cuts.pop()
    edges = [0] + cuts + [end]
    return [(a, b) for a, b in zip(edges, edges[1:]) if b > a]


def split(src: Path, ranges: Sequence[tuple[int, int]], dsts: Sequence[Path]) -> None:
    """Write frames ``ranges[i]`` of ``src`` to ``dsts[i]`` (H.264/yuv420p, moov first, no
    audio), each atomically; one pass over ``src``. Ranges must be in order and disjoint."""
    if len(ranges) != len(dsts):
        raise ValueError(f"{len(ranges)} ranges but {len(dsts)} files")
    with av.open(str(src)) as inp:
        stream = inp.streams.video[0]
        rate = Fraction(stream.base_rate or stream.average_rate or 30).limit_denominator(1001)
        width, height = stream.codec_context.width, stream.codec_context.height
        frames = inp.decode(stream)
        index = 0
        for (first, last), dst in zip(ranges, dsts):
            with atomic_path(dst) as tmp:
                with av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
                    vs = out.add_stream("libx264", rate=rate)
                    vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
                    vs.options = dict(ENCODER_OPTIONS)
                    written = 0
                    for frame in frames:
                        index += 1
                        if index - 1 < first:
                            continue
                        picture = frame.reformat(format="yuv420p")
                        picture.pts, picture.time_base = written, 1 / rate
                        for pkt in vs.encode(picture):
                            out.mux(pkt)
                        written += 1
                        if index >= last:
                            break
                    if written == 0:
                        raise ValueError(f"{src}: no frames in [{first}, {last})")
                    for pkt in vs.encode(None):
                        out.mux(pkt)


__all__ = ["beat_ranges", "split"]
