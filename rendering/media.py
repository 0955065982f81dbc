"""Post-processing of rendered videos: web-ready MP4s, chapters, thumbnails, joins (subtitles are
:mod:`rendering.subtitles`, manifest rows :mod:`rendering.manifest`).

PyAV and the standard library only (no manim, no ffmpeg binary). Every file is written
atomically: to a temporary file in the same folder, then :func:`os.replace`; a failure or an
interrupt leaves the previous good file in place.

    finalize_video("work/01.mp4", "renders/01.mp4")           # H.264, yuv420p, moov first
    chapters("work/sections/01.json", "renders/01.chapters.vtt")
    thumbnail("renders/01.mp4", "renders/01.png", at_seconds=3.0)
    join(["renders/00.mp4", "renders/01.mp4"], "renders/lecture.mp4", ["Title", "Part 1"])
"""
from __future__ import annotations

import json
import os
import re
import struct
import warnings
from dataclasses import dataclass
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence, Union

import av

from rendering.files import PathLike, atomic_path, atomic_write_bytes, atomic_write_text
from rendering.subtitles import Cue, format_vtt, merge_subtitles

CRF = "18"  # visually lossless for flat lecture graphics; files stay small


# -- inspecting ---------------------------------------------------------------------------------
def mp4_boxes(path: PathLike) -> list[str]:
    """The top-level box types of an MP4 file, in file order (e.g. ftyp, moov, mdat)."""
    out: list[str] = []
    with open(path, "rb") as f:
        size_total = os.fstat(f.fileno()).st_size
        pos = 0
        while pos + 8 <= size_total:
            f.seek(pos)
            size, kind = struct.unpack(">I4s", f.read(8))
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0]
            elif size == 0:
                size = size_total - pos
            out.append(kind.decode("latin-1"))
            if size < 8:
                break
            pos += size
    return out


def is_faststart(path: PathLike) -> bool:
    """True when the moov atom comes before the media data (playback starts while loading)."""
    boxes = mp4_boxes(path)
    return "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")


def probe(video: PathLike) -> dict[str, Any]:
    """duration (s), width, height, fps, codec, pix_fmt and frames of the first video stream."""
    with av.open(str(video)) as c:
        if not c.streams.video:
            raise ValueError(f"{video} has no video stream")
        s = c.streams.video[0]
        if s.duration is not None and s.time_base is not None:
            duration = float(s.duration * s.time_base)
        else:
            duration = float((c.duration or 0) / av.time_base)
        rate = s.average_rate or s.guessed_rate or s.base_rate
        return {"duration": round(duration, 6), "width": s.codec_context.width,
                "height": s.codec_context.height, "fps": float(rate) if rate else 0.0,
                "codec": s.codec_context.name, "pix_fmt": s.codec_context.pix_fmt,
                "frames": s.frames, "audio": len(c.streams.audio)}


def probe_audio(video: PathLike) -> Optional[dict[str, Any]]:
    """codec, sample_rate, channels, profile and duration (s) of the first audio stream;
    None when there is none."""
    with av.open(str(video)) as c:
        if not c.streams.audio:
            return None
        a = c.streams.audio[0]
        duration = float(a.duration * a.time_base) if a.duration is not None else None
        return {"codec": a.codec_context.name, "sample_rate": a.codec_context.sample_rate,
                "channels": a.codec_context.channels, "profile": a.codec_context.profile,
                "duration": round(duration, 6) if duration is not None else None}


# -- chapters -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Chapter:
    title: str
    start: float  # seconds
    end: float


@dataclass(frozen=True)
class Section:
    """One entry of Manim's sections index (``config.save_sections``)."""
    name: str
    video: Path  # the section's own clip
    start: float
    end: float


def read_sections(index_json: PathLike) -> list[Section]:
    """Manim's sections JSON (a list of {name, video, duration, ...}), with start/end times."""
    index_json = Path(index_json)
    entries = json.loads(index_json.read_text(encoding="utf-8"))
    out: list[Section] = []
    t = 0.0
    for e in entries:
        d = float(e.get("duration") or 0.0)
        out.append(Section(str(e["name"]), index_json.parent / e["video"], t, t + d))
        t += d
    return out


def format_chapters_vtt(chapters: Sequence[Chapter]) -> str:
    return format_vtt([Cue(c.start, c.end, c.title) for c in chapters])


def format_ffmetadata(chapters: Sequence[Chapter], title: Optional[str] = None) -> str:
    """ffmpeg's FFMETADATA1 text (``ffmpeg -i in.mp4 -i this.txt -map_chapters 1 ...``)."""
    def esc(s: str) -> str:
        return re.sub(r"([=;#\\\n])", r"\\\1", s)
    out = [";FFMETADATA1"] + ([f"title={esc(title)}"] if title else [])
    for c in chapters:
        out += ["", "[CHAPTER]", "TIMEBASE=1/1000", f"START={round(c.start * 1000)}",
                f"END={round(c.end * 1000)}", f"title={esc(c.title)}"]
    return "\n".join(out) + "\n"


def chapters(source: Union[PathLike, Sequence[Union[Chapter, tuple[str, float, float]]]],
             vtt_path: Optional[PathLike] = None, ffmetadata_path: Optional[PathLike] = None,
             ) -> list[Chapter]:
    """Chapters from Manim's sections JSON or (title, start, end) items; written as WebVTT
    chapters (``vtt_path``) and ffmetadata text (``ffmetadata_path``) when given."""
    if isinstance(source, (str, os.PathLike)):
        items = [Chapter(s.name, s.start, s.end) for s in read_sections(source)]
    else:
        items = [c if isinstance(c, Chapter) else Chapter(str(c[0]), float(c[1]), float(c[2]))
                 for c in source]
    if vtt_path is not None:
        atomic_write_text(vtt_path, format_chapters_vtt(items))
    if ffmetadata_path is not None:
        atomic_write_text(ffmetadata_path, format_ffmetadata(items))
    return items


def _av_chapters(items: Sequence[Chapter]) -> list[dict[str, Any]]:
    tb = Fraction(1, 1000)
    return [{"id": i, "start": round(c.start * 1000), "end": round(c.end * 1000),
             "time_base": tb, "metadata": {"title": c.title}} for i, c in enumerate(items, 1)]


def read_chapters(video: PathLike) -> list[Chapter]:
    """Chapters embedded in a video file."""
    with av.open(str(video)) as c:
        return [Chapter(ch["metadata"].get("title", ""), float(ch["start"] * ch["time_base"]),
                        float(ch["end"] * ch["time_base"])) for ch in c.chapters()]


# -- writing video ------------------------------------------------------------------------------
def _packets(container: av.container.InputContainer, streams: Sequence[Any]) -> Iterator[av.Packet]:
    """The packets to copy (a seam for tests that interrupt a write)."""
    for pkt in container.demux(*streams):
        if pkt.dts is not None:  # demux ends with empty flush packets
            yield pkt


def _copyable(s: Any) -> bool:
    return s.type == "video" and s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"


def _signature(path: PathLike) -> tuple:
    """What must be equal for MP4s to be joined by stream copy: per stream its kind, codec,
    size, pixel/sample format, rates and encoder headers (SPS/PPS)."""
    with av.open(str(path)) as c:
        sig = []
        for s in c.streams:
            if s.type not in ("video", "audio"):
                continue
            cc = s.codec_context
            fmt = cc.pix_fmt if s.type == "video" else (cc.format.name if cc.format else None)
            size = (cc.width, cc.height) if s.type == "video" else (cc.sample_rate, cc.channels)
            # the nominal rate: the average one is estimated from timestamps and differs
            # between clips of the same encoder settings
            rate = (s.base_rate or s.guessed_rate or s.average_rate) if s.type == "video" \
                else cc.sample_rate
            sig.append((s.type, cc.name, size, fmt, str(rate), bytes(cc.extradata or b"")))
        return tuple(sig)


def _open_out(path: Path, chapter_list: Optional[Sequence[Chapter]]) -> av.container.OutputContainer:
    out = av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"})
    if chapter_list:
        out.set_chapters(_av_chapters(chapter_list))  # before the header is written
    return out


def _write_copy(inputs: Sequence[Path], starts: Sequence[float], tmp: Path,
                chapter_list: Optional[Sequence[Chapter]], audio: Optional[Any] = None) -> None:
    """Stream-copy ``inputs`` back to back, each shifted to its start time. With ``audio``
    (mono 48 kHz samples, rendering.narration.audio) only their video is copied and the file's
    one audio track is ``audio``, encoded as AAC-LC stereo."""
    with _open_out(tmp, chapter_list) as out:
        outs: list[Any] = []
        kinds = ("video",) if audio is not None else ("video", "audio")

        def copied() -> Iterator[av.Packet]:
            for path, start in zip(inputs, starts):
                with av.open(str(path)) as inp:
                    streams = [s for s in inp.streams if s.type in kinds]
                    if not outs:
                        outs.extend(out.add_stream_from_template(s) for s in streams)
                    for pkt in _packets(inp, streams):
                        shift = round(Fraction(start).limit_denominator(1_000_000) / pkt.time_base)
                        pkt.pts = None if pkt.pts is None else pkt.pts + shift
                        pkt.dts += shift
                        pkt.stream = outs[streams.index(pkt.stream)]
                        yield pkt

        if audio is None:
            for pkt in copied():
                out.mux(pkt)
            return
        from rendering.narration import audio as sound  # numpy/scipy only when narrated

        packets = copied()
        first = next(packets)  # the video stream exists before the audio one: stream order
        track = sound.add_aac_stream(out)
        for pkt in sound.interleave(chain([first], packets), sound.encode_aac(track, audio)):
            out.mux(pkt)


def _write_encode(inputs: Sequence[Path], starts: Sequence[float], tmp: Path, width: int,
                  height: int, fps: Fraction, chapter_list: Optional[Sequence[Chapter]]) -> None:
    """Decode ``inputs`` and encode them as one H.264/yuv420p stream at ``fps``, each from its
    start time (frames placed by their timestamps, so inputs of another rate keep their timing)."""
    with _open_out(tmp, chapter_list) as out:
        vs = out.add_stream("libx264", rate=fps)
        vs.width, vs.height, vs.pix_fmt = width, height, "yuv420p"
        vs.options = {"crf": CRF, "preset": "medium"}
        last = -1
        for path, start in zip(inputs, starts):
            with av.open(str(path)) as inp:
                if inp.streams.audio:
                    warnings.warn(f"{path}: audio is not carried when re-encoding", stacklevel=3)
                first: Optional[float] = None
                for i, frame in enumerate(_frames(inp)):
                    t = float(frame.time) if frame.time is not None else i / float(fps)
                    first = t if first is None else first
                    pts = round((start + t - first) * fps)
                    if pts <= last:
                        continue  # a faster input: keep one frame per output frame
                    last = pts
                    f = frame.reformat(width=width, height=height, format="yuv420p")
                    f.pts, f.time_base = pts, 1 / fps
                    for pkt in vs.encode(f):
                        out.mux(pkt)
        for pkt in vs.encode(None):
            out.mux(pkt)


def _frames(container: av.container.InputContainer) -> Iterator[av.VideoFrame]:
    """Decoded frames of the first video stream, with their time base set (the decoder's
    final flush returns frames without one)."""
    stream = container.streams.video[0]
    def batches() -> Iterator[list[av.VideoFrame]]:
        for pkt in _packets(container, [stream]):
            yield pkt.decode()
        yield stream.codec_context.decode(None)

    for frame in chain.from_iterable(batches()):
        frame.time_base = stream.time_base
        yield frame


def finalize_video(src: PathLike, dst: PathLike,
                   chapter_list: Optional[Sequence[Chapter]] = None,
                   audio: Optional[Any] = None) -> dict[str, Any]:
    """Write ``src`` to ``dst`` as H.264/yuv420p MP4 with the moov atom first (faststart):
    a remux when the codec and pixel format are right already, a re-encode otherwise.
    ``chapter_list`` is embedded. Returns :func:`probe` of the result."""
    src, dst = Path(src), Path(dst)
    with av.open(str(src)) as c:
        v = c.streams.video[0]
        copy = _copyable(v)
        size = (v.codec_context.width, v.codec_context.height)
        fps = Fraction(v.average_rate or v.guessed_rate or 30)
    with atomic_path(dst) as tmp:
        if copy:
            _write_copy([src], [0.0], tmp, chapter_list, audio)
        else:
            _write_encode([src], [0.0], tmp, size[0] + size[0] % 2, size[1] + size[1] % 2, fps,
                          chapter_list)
    return probe(dst)


def thumbnail(video: PathLike, png: PathLike, at_seconds: float) -> Path:
    """Save the frame shown at ``at_seconds`` (clamped to the video) as a PNG."""
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        duration = float(s.duration * s.time_base) if s.duration else float((c.duration or 0) / av.time_base)
        target = min(max(0.0, at_seconds), max(0.0, duration - 1e-3))
        c.seek(int(target / s.time_base), stream=s, backward=True)
        chosen = None
        for frame in _frames(c):
            if chosen is not None and frame.time is not None and frame.time > target + 1e-6:
                break  # the previous frame is the one on screen at ``target``
            chosen = frame
        if chosen is None:
            raise ValueError(f"{video} has no frames")
        rgb = chosen.reformat(format="rgb24")
    enc = av.CodecContext.create("png", "w")
    enc.width, enc.height, enc.pix_fmt, enc.time_base = rgb.width, rgb.height, "rgb24", Fraction(1, 1)
    data = b"".join(bytes(p) for p in list(enc.encode(rgb)) + list(enc.encode(None)))
    return atomic_write_bytes(png, data)


def sidecar(video: PathLike, suffix: str) -> Path:
    """``renders/x.mp4`` + ``.chapters.vtt`` -> ``renders/x.chapters.vtt``."""
    video = Path(video)
    return video.with_name(video.stem + suffix)


@dataclass(frozen=True)
class JoinResult:
    path: Path
    chapters: list[Chapter]
    copied: bool  # stream copy (True) or re-encode
    subtitles: Optional[Path]


def concat(videos: Sequence[PathLike], dst: PathLike,
           chapter_list: Optional[Sequence[Chapter]] = None,
           audio: Optional[Any] = None) -> dict[str, Any]:
    """Stream-copy ``videos`` (encoded with identical parameters) back to back into ``dst``,
    moov first, ``chapter_list`` embedded; raises ValueError when they cannot be copied.
    Returns :func:`probe` of the result."""
    videos = [Path(v) for v in videos]
    if not videos:
        raise ValueError("nothing to concatenate")
    sigs = [_signature(v) for v in videos]
    infos = [probe(v) for v in videos]
    if any(s != sigs[0] for s in sigs) or not all(
            i["codec"] == "h264" and i["pix_fmt"] == "yuv420p" for i in infos):
        raise ValueError("the clips were not encoded with identical parameters: "
                         + ", ".join(v.name for v, s in zip(videos, sigs) if s != sigs[0]))
    starts = [sum(i["duration"] for i in infos[:k]) for k in range(len(infos))]
    with atomic_path(dst) as tmp:
        _write_copy(videos, starts, tmp, chapter_list, audio)
    return probe(dst)


def packet_digests(video: PathLike) -> list[bytes]:
    """The payload of every video packet in decoding order (equal payloads: nothing re-encoded)."""
    import hashlib
    with av.open(str(video)) as c:
        return [hashlib.sha1(bytes(p)).digest() for p in _packets(c, [c.streams.video[0]])]


def join(videos: Sequence[PathLike], dst: PathLike, chapter_titles: Sequence[str],
         subtitles: Optional[Sequence[Optional[PathLike]]] = None,
         chapter_list: Optional[Sequence[Chapter]] = None,
         audio: Optional[Any] = None) -> JoinResult:
    """Concatenate MP4s into ``dst`` with one chapter per input.

    Stream copy when all inputs share codec, size, frame rate and encoder headers; otherwise
    a re-encode at the first input's size and rate. Writes ``dst`` (chapters embedded),
    ``<dst>.chapters.vtt`` and ``.chapters.txt`` (ffmetadata; ``chapter_list`` replaces the
    one-per-input chapters when given), and, when any input has
    subtitles (``subtitles``, default: the ``.srt`` beside each input), ``<dst>.srt`` and ``.vtt``.
    """
    videos = [Path(v) for v in videos]
    dst = Path(dst)
    if not videos:
        raise ValueError("nothing to join")
    if len(chapter_titles) != len(videos):
        raise ValueError(f"{len(videos)} videos but {len(chapter_titles)} chapter titles")
    infos = [probe(v) for v in videos]
    sigs = [_signature(v) for v in videos]
    copied = all(s == sigs[0] for s in sigs) and all(
        i["codec"] == "h264" and i["pix_fmt"] == "yuv420p" for i in infos)
    fps = Fraction(infos[0]["fps"]).limit_denominator(1001)
    starts, t = [], 0.0
    for info in infos:
        starts.append(t)
        # a re-encode puts each input on the output's frame grid
        t += info["duration"] if copied else round(info["duration"] * fps) / fps
    items = [Chapter(title, s, e) for title, s, e in zip(chapter_titles, starts, starts[1:] + [t])]
    if chapter_list is not None:  # the caller's chapters (e.g. the title card merged)
        items = list(chapter_list)
    with atomic_path(dst) as tmp:
        if copied:
            _write_copy(videos, starts, tmp, items, audio)
        else:
            _write_encode(videos, starts, tmp, infos[0]["width"], infos[0]["height"], fps, items)
    chapters(items, sidecar(dst, ".chapters.vtt"), sidecar(dst, ".chapters.txt"))
    subs = list(subtitles) if subtitles is not None else [sidecar(v, ".srt") for v in videos]
    srt = None
    if any(s is not None and Path(s).exists() for s in subs):
        srt = sidecar(dst, ".srt")
        merge_subtitles(zip(subs, starts), srt, sidecar(dst, ".vtt"))
    return JoinResult(dst, items, copied, srt)


__all__ = ["Chapter", "JoinResult", "Section", "chapters", "concat", "finalize_video",
           "format_chapters_vtt", "format_ffmetadata", "is_faststart", "join", "mp4_boxes",
           "packet_digests", "probe", "probe_audio", "read_chapters", "read_sections", "sidecar",
           "thumbnail"]
