"""Finished files from cached section clips: per sequence, and the whole lecture.

Everything here is a stream copy of clips Manim encoded with identical parameters, plus
subtitles, chapters and thumbnails; no frame is decoded except the thumbnail's. Each file is
written atomically.

    <stem>.mp4, .srt, .vtt, .chapters.vtt, .chapters.txt, .png, .jpg, <stem>_sections/NN_name.mp4
    lecture.mp4, .srt, .vtt, .bcc.json, .chapters.vtt, .chapters.txt, .youtube.txt
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from contract import sequences as registry
from contract.lecture import Lecture
from contract.titles import section_title, sequence_title
from rendering import files, media, subtitles
from rendering import extras
from rendering.cache import Cache, Record
from rendering.narration.store import SpeechStore
from rendering.narration.tracks import narrated_track, sequence_track
from rendering.narration.transcript import Part, Passage, format_transcript

LECTURE_STEM = "lecture"


def section_chapters(lecture: Lecture, seq: registry.Sequence, record: Record) -> list[media.Chapter]:
    """One chapter per section; a single section is the whole sequence, named as such."""
    words = getattr(lecture, seq.name, None) if seq.name != registry.TITLE.name else None
    t, out = 0.0, []
    for s in record.sections:
        out.append(media.Chapter(section_title(s.name, words), t, t + s.duration))
        t += s.duration
    if len(out) == 1:
        out = [media.Chapter(sequence_title(lecture, seq), 0.0, t)]
    return out


def thumbnail_time(record: Record, pace: float) -> float:
    """The first section's finished picture: just before the stage fades out (0.5 s x pace
    after every section); a single-section scene: its middle."""
    if len(record.sections) > 1:
        first = record.sections[0].duration
        return max(0.0, first - 0.5 * pace - 0.3)
    return sum(s.duration for s in record.sections) / 2


def publish_sequence(seq: registry.Sequence, record: Record, cache: Cache, lecture: Lecture,
                     out: Path) -> Path:
    """Write one sequence's finished files from its cached clips and record."""
    final = out / f"{seq.stem}.mp4"
    clips = [cache.clip(s.key) for s in record.sections]
    marks = section_chapters(lecture, seq, record)
    store = SpeechStore(cache.root.parent)
    media.concat(clips, final, marks, audio=narrated_track(lecture, store, record.sections))
    media.chapters(marks, media.sidecar(final, ".chapters.vtt"), media.sidecar(final, ".chapters.txt"))
    cues = record.subtitle_cues()
    files.atomic_write_text(media.sidecar(final, ".srt"), subtitles.format_srt(cues))
    files.atomic_write_text(media.sidecar(final, ".vtt"), subtitles.format_vtt(cues))
    png = media.thumbnail(final, media.sidecar(final, ".png"), thumbnail_time(record, lecture.pace))
    extras.jpeg_thumbnail(png, media.sidecar(final, ".jpg"))
    _publish_sections(out / f"{seq.stem}_sections", record, clips,
                      store if lecture.narration.on else None)
    return final


def _publish_sections(folder: Path, record: Record, clips: Sequence[Path],
                      store: Optional[SpeechStore]) -> None:
    """Each section's clip as its own MP4 (with its speech when ``store`` is given)."""
    keep: set[str] = set()
    if len(record.sections) > 1:
        for i, (s, clip) in enumerate(zip(record.sections, clips), 1):
            dst = folder / f"{i:02d}_{s.name}.mp4"
            media.finalize_video(clip, dst, audio=sequence_track(store, [s]) if store else None)
            keep.add(dst.name)
    if folder.exists():  # sections dropped from the lecture since the last render
        for old in folder.glob("*.mp4"):
            if old.name not in keep:
                old.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()


def transcript(lecture: Lecture, parts: Sequence[registry.Sequence],
               records: Sequence[Record]) -> str:
    """The lecture's transcript: a heading per part and section, what is said in each."""
    out, t = [], 0.0
    for seq, rec in zip(parts, records):
        title = sequence_title(lecture, seq).replace("\n", " ")
        words = getattr(lecture, seq.name, None) if seq.name != registry.TITLE.name else None
        passages, at = [], t
        for s in rec.sections:
            passages.append(Passage(section_title(s.name, words), at, s.text))
            at += s.duration
        out.append(Part(title, t, passages))
        t = at
    return format_transcript(lecture.title_card.title, out)


@dataclass(frozen=True)
class Joined:
    path: Path
    copied: bool
    youtube: Optional[Path]


def lecture_chapters(lecture: Lecture, parts: Sequence[registry.Sequence],
                     records: Sequence[Record]) -> tuple[list[media.Chapter], list[media.Chapter]]:
    """(one chapter per part, one per section) on the joined lecture's clock."""
    per_part, per_section, t = [], [], 0.0
    for seq, rec in zip(parts, records):
        length = sum(s.duration for s in rec.sections)
        per_part.append(media.Chapter(sequence_title(lecture, seq), t, t + length))
        per_section += [media.Chapter(c.title, c.start + t, c.end + t)
                        for c in section_chapters(lecture, seq, rec)]
        t += length
    return per_part, per_section


def join_lecture(lecture: Lecture, parts: Sequence[registry.Sequence], records: Sequence[Record],
                 out: Path) -> Joined:
    """Join the parts' finished files into ``lecture.mp4`` (stream copy), with chapters (the
    title card merged into the first), subtitles (SRT, WebVTT, BCC) and ``lecture.youtube.txt``."""
    per_part, per_section = lecture_chapters(lecture, parts, records)
    marks = extras.merge_short(per_part)
    dst = out / f"{LECTURE_STEM}.mp4"
    sections = [s for rec in records for s in rec.sections]
    track = narrated_track(lecture, SpeechStore(out / ".work"), sections)
    result = media.join([out / f"{p.stem}.mp4" for p in parts], dst,
                        [c.title for c in per_part], chapter_list=marks, audio=track)
    files.atomic_write_text(media.sidecar(dst, ".transcript.md"),
                            transcript(lecture, parts, records))
    cues = subtitles.parse_srt(result.subtitles.read_text(encoding="utf-8")) if result.subtitles else []
    if result.subtitles is None:  # keep the promise of subtitles beside every video
        files.atomic_write_text(media.sidecar(dst, ".srt"), "")
        files.atomic_write_text(media.sidecar(dst, ".vtt"), "WEBVTT\n\n")
    extras.write_bcc(media.sidecar(dst, ".bcc.json"), cues)
    chosen = extras.youtube_chapters(per_part, per_section)
    youtube = media.sidecar(dst, ".youtube.txt")
    if chosen is not None:
        extras.write_youtube(youtube, chosen)
    else:
        youtube.unlink(missing_ok=True)  # too short for YouTube's chapter rules
    return Joined(dst, result.copied, youtube if chosen is not None else None)


__all__ = ["Joined", "LECTURE_STEM", "join_lecture", "lecture_chapters", "publish_sequence",
           "section_chapters", "section_title", "sequence_title"]
