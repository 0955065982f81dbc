"""The render driver: lecture YAML + scene_data -> finished files in the lecture's output folder.

    python -m rendering.render --lecture lectures/default.yaml [--data scene_data]
           [--only cnn_forward_pass ...] [--quality preview|production] [--workers N] [--force] [-v]

Incremental: every section is keyed by what determines its frames (rendering/keys.py); a section
whose key has a clip in ``<output_dir>/.work/cache`` is reused without running Manim. Manim runs
only for sequences with a section to draw (the others in that scene are skipped) or whose
subtitles changed (every section skipped: no frame is drawn). Those run in worker processes,
one per core by default (rendering/jobs.py). Finished files are stream copies of the clips
(rendering/publish.py), each written atomically:

    <stem>.mp4                H.264/yuv420p, moov first, chapters embedded
    <stem>.srt, <stem>.vtt    subtitles (empty when the sequence has no captions)
    <stem>.chapters.vtt/.txt  one chapter per section (WebVTT, ffmetadata)
    <stem>.png, <stem>.jpg    thumbnail: the first section's finished picture (JPEG 1280x720)
    <stem>_sections/NN_name.mp4
    lecture.mp4 (+ .srt, .vtt, .bcc.json, .chapters.vtt/.txt, .youtube.txt)  joined by stream copy
    manifest.json             every file: kind, duration, resolution, bytes, scene_data used

A bad lecture file or bad scene_data stops everything before any work (exit 2), and so does an
output folder that belongs to another lecture (``--force`` overrides). A sequence that fails is
reported, the others still render, and lecture.mp4 is not joined: the previous one stays (exit 1).
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional, Sequence, TextIO

from contract import sequences as registry
from contract.lecture import (Issue, Lecture, LectureError, RenderSettings, check_index,
                              load_lecture)
from contract import lecture_checks
from contract.scene_data import SceneData
from rendering import files, keys, media, ownership, publish
from rendering.cache import Cache, Record, SectionRecord
from rendering.narration import narrator
from rendering.narration.store import SpeechStore
from rendering.jobs import Job, Outcome, run_all, workers_default
from rendering.manifest import build_manifest, manifest_current
from rendering.publish import LECTURE_STEM

WORK = ".work"
MANIFEST = ownership.MANIFEST


@dataclass
class Report:
    rendered: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    lecture_video: Optional[Path] = None
    manifest: Optional[Path] = None

    @property
    def ok(self) -> bool:
        return not self.failed


#: where :func:`say` writes in this thread (a course renders lectures in threads, each to its log)
OUTPUT = threading.local()

#: runs a lecture's Manim jobs: rendering.jobs.run_all (worker processes) or a course's Ray runner
Runner = Callable[..., list[Outcome]]

#: told (stem, "reused" | "rendered" | "failed" | "skipped") as each piece of the lecture settles
PieceHook = Callable[[str, str], None]


def say(*parts: Any, end: str = "\n") -> None:
    stream: Optional[TextIO] = getattr(OUTPUT, "stream", None)
    print(*parts, end=end, flush=True, file=stream if stream is not None else sys.stdout)


def duration_text(seconds: float) -> str:
    """84.2 -> '1m24s'; 3.14 -> '3.1s'."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}h{m % 60:02d}m{s:02d}s" if m >= 60 else f"{m}m{s:02d}s"


def plan(lecture: Lecture, only: Optional[Sequence[str]] = None) -> list[registry.Sequence]:
    """The title card and the lecture's sequences in order, limited to ``only`` (names or stems)."""
    jobs = [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]
    if not only:
        return jobs
    known = {j.name for j in jobs} | {j.stem for j in jobs}
    unknown = [o for o in only if o not in known]
    if unknown:
        raise LectureError(f"--only {', '.join(unknown)}: not in this lecture; choose from "
                           f"{', '.join(j.name for j in jobs)}")
    return [j for j in jobs if j.name in only or j.stem in only]


def scene_class_of(seq: registry.Sequence) -> tuple[Optional[type], str]:
    """(the scene class, '') or (None, why) when its module or class is not written yet.
    Errors inside an existing scene file propagate: those are failures, not work in progress."""
    from scenes.base import scene_class  # manim only where a class is needed

    try:
        return scene_class(seq), ""
    except ModuleNotFoundError as exc:
        missing = exc.name or ""
        if not (seq.module == missing or seq.module.startswith(missing + ".")):
            raise  # the scene file exists but one of its imports is broken
        return None, f"{seq.module} is not written yet"
    except LookupError as exc:
        return None, str(exc)


def info_of(seq: registry.Sequence) -> Optional[keys.SceneInfo]:
    """A scene's constants from its source (no manim import), else from the class itself;
    None when the scene is not written yet."""
    info = keys.scene_info(seq)
    if info is not None:
        return info
    scene_class, _ = scene_class_of(seq)
    return keys.class_info(scene_class) if scene_class is not None else None


# -- pieces ---------------------------------------------------------------------------------------
@dataclass
class Piece:
    """One part of the lecture (title card or sequence) and what this run must do for it."""
    seq: registry.Sequence
    info: keys.SceneInfo
    names: list[str]  # its enabled sections, in order
    base: str  # rendering.keys.sequence_base
    record: Record  # the last good render's
    keys: list[Optional[str]]  # per section; None: unknown until rendered
    draw: frozenset[str]  # sections Manim must draw
    subtitles_ok: bool

    @property
    def needs_manim(self) -> bool:
        return bool(self.draw) or not self.subtitles_ok


def words_of(lecture: Lecture, seq: registry.Sequence) -> tuple[dict[str, str], dict[str, str]]:
    """(text, captions) of a sequence; empty for the title card."""
    if seq.name == registry.TITLE.name:
        return {}, {}
    w = lecture.words(seq.name)
    return dict(w.text), dict(w.captions)


def enabled(info: keys.SceneInfo, lecture: Lecture) -> list[str]:
    """The scene's sections this lecture shows (``LectureScene.enabled_sections`` without
    making a scene)."""
    chosen = lecture.sections.get(info.sequence) if (lecture.sections and info.sequence) else None
    return [s for s in info.sections if not chosen or s in chosen]


def spoken_keys(lecture: Lecture, seq: registry.Sequence, info: keys.SceneInfo,
                names: list[str]) -> dict[str, str]:
    """Per section what its narration depends on (empty when the lecture is silent)."""
    return narrator.narration_keys(lecture, info.sequence, info.sections, names)


def check_recordings(lecture: Lecture, pieces: list[Piece]) -> None:
    """A ``recorded`` lecture must have every recording before any work: list all missing."""
    missing = narrator.missing_recordings(
        lecture, [(p.info.sequence, p.info.sections, p.names) for p in pieces])
    if missing:
        file, line = lecture.where("narration.recordings")
        raise LectureError([Issue(file, line, "narration.recordings",
                                  f"{len(missing)} recording(s) missing (.wav, .mp3 or .m4a):")]
                           + [Issue("", None, "", f"  {m}") for m in missing])


def prepare(seq: registry.Sequence, info: keys.SceneInfo, lecture: Lecture,
            settings: RenderSettings, data_folder: Optional[Path], cache: Cache) -> Piece:
    """What has to be drawn again: sections whose key has no clip in the cache."""
    names = enabled(info, lecture)
    base = keys.sequence_base(seq, lecture, settings, data_folder, info.data)
    text, captions = words_of(lecture, seq)

    def judge(record: Record) -> Piece:
        ks = keys.section_keys(base, names, record.reads(), text,
                               spoken_keys(lecture, seq, info, names),
                               {s.name: s.holds for s in record.sections})
        draw = frozenset(n for n, k in zip(names, ks) if not cache.has_clip(k))
        subs_ok = not draw and record.subtitle_key == keys.subtitle_key(ks, captions) \
            and [s.name for s in record.sections] == names
        return Piece(seq, info, names, base, record, ks, draw, subs_ok)

    piece = judge(cache.load(seq.stem))
    if not piece.record.sections:
        # never rendered here: another lecture of the course rendered the same scene, data and
        # settings. Taken whole when every clip and the subtitles are what this lecture's would
        # be (a partial match would time its subtitles from a run that draws nothing, which
        # rounds fades to whole frames differently from a full render: not the same bytes)
        shared = judge(replace(cache.shared_record(base), published_key=None))
        if shared.record.sections and not shared.needs_manim:
            return shared
    return piece


class Redraw(Exception):
    """Sections that the run found changed although their keys looked unchanged beforehand:
    a caption edit changed how long they hold still, or they read other text."""

    def __init__(self, sections: list[str]) -> None:
        super().__init__(", ".join(sections))
        self.sections = sections


def finish(piece: Piece, outcome: Outcome, lecture: Lecture, cache: Cache) -> Record:
    """Store what a job rendered and return the sequence's new record; raises :class:`Redraw`
    when sections it did not draw turn out to have changed."""
    text, captions = words_of(lecture, piece.seq)
    ks = keys.section_keys(piece.base, piece.names, outcome.reads, text,
                           spoken_keys(lecture, piece.seq, piece.info, piece.names), outcome.holds)
    for name, key in zip(piece.names, ks):
        assert key is not None  # every section ran, so its reads and holds are known
        if name in outcome.clips:
            cache.store_clip(key, outcome.clips[name])
    stale = [n for n, k in zip(piece.names, ks) if not cache.has_clip(k)]
    if stale:  # they read other text or hold other frames than last time
        raise Redraw(stale)
    sections: list[SectionRecord] = []
    for name, key in zip(piece.names, ks):
        old = piece.record.section(name)
        duration = (old.duration if old is not None and old.key == key and name not in outcome.clips
                    else media.probe(cache.clip(key))["duration"])
        sections.append(SectionRecord(name, key, outcome.reads.get(name, []), duration,
                                      outcome.speech.get(name), outcome.spoken.get(name, ""),
                                      outcome.holds.get(name, []), outcome.stills.get(name)))
    record = Record(prelude_reads=outcome.reads.get("", []), sections=sections,
                    subtitle_key=keys.subtitle_key(ks, captions),
                    cues=[asdict(c) for c in outcome.cues], published_key=None)
    cache.save(piece.seq.stem, record)
    cache.share_record(piece.base, record)
    return record


def published_key(piece: Piece, record: Record, lecture: Lecture) -> str:
    """What a sequence's finished files depend on: its clips, subtitles and chapter titles."""
    chapters = [asdict(c) for c in publish.section_chapters(lecture, piece.seq, record)]
    sound = [lecture.narration.engine] if lecture.narration.on else []  # every MP4 gets a track
    return keys.digest([s.key for s in record.sections], record.subtitle_key, chapters,
                       lecture.pace, "publish-1", *sound)


def published(out: Path, stem: str) -> bool:
    return all((out / f"{stem}{ext}").exists() for ext in (".mp4", ".srt", ".vtt", ".png", ".jpg"))


def _job(piece: Piece, work: Path) -> Job:
    """A Manim job; its weight (for scheduling) is the duration it draws, as last rendered."""
    last = {s.name: s.duration for s in piece.record.sections}
    weight = sum(last.get(n, 60.0) for n in piece.draw) + 1.0
    return Job(piece.seq, piece.draw, work / "jobs" / piece.seq.stem, weight)


def _say_outcome(i: int, n: int, piece: Piece, outcome: Outcome, seconds: float) -> None:
    what = (f"drew {len(piece.draw)} of {len(piece.names)} section(s)" if piece.draw
            else "subtitles only (nothing on screen changed)")
    status = f"FAILED: {outcome.error}" if outcome.error else f"{what} in {duration_text(seconds)}"
    say(f"[{i}/{n}] {piece.seq.stem} ... {status}")


def _keep_traceback(work: Path, piece: Piece, outcome: Outcome) -> None:
    """Write a failed piece's traceback to ``<work>/logs/<stem>.error.log`` and say where."""
    log = work / "logs" / f"{piece.seq.stem}.error.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(outcome.trace, encoding="utf-8")
    print(f"    traceback: {log}", file=sys.stderr)


def _run(pieces: list[Piece], lecture: Lecture, data: SceneData, settings: RenderSettings, work: Path,
         cache: Cache, workers: int, verbose: bool, report: Report, runner: Runner = run_all,
         on_piece: Optional[PieceHook] = None) -> dict[str, Record]:
    """Run Manim where needed (``runner``: rendering.jobs.run_all's signature); returns the new
    record of every piece that did not fail."""
    records = {p.seq.stem: p.record for p in pieces if not p.needs_manim}
    todo = [p for p in pieces if p.needs_manim]
    n = len(pieces)
    index = {p.seq.stem: i for i, p in enumerate(pieces, 1)}
    for p in pieces:
        if not p.needs_manim:
            say(f"[{index[p.seq.stem]}/{n}] {p.seq.stem} ... unchanged, reused")
            if on_piece:
                on_piece(p.seq.stem, "reused")
    by_stem = {p.seq.stem: p for p in todo}
    again: list[Piece] = []  # pieces whose run found more sections to draw
    t0 = time.monotonic()

    def done(job: Job, outcome: Outcome) -> None:
        piece = by_stem[job.seq.stem]
        if outcome.error is None:
            try:
                records[piece.seq.stem] = finish(piece, outcome, lecture, cache)
            except Redraw as redraw:
                if piece not in again:  # one more run draws them (the others are cached now)
                    say(f"[{index[piece.seq.stem]}/{n}] {piece.seq.stem} ... {redraw} changed "
                        "with the captions (held longer or shorter): drawing it again")
                    again.append(replace(piece, draw=frozenset(redraw.sections)))
                    by_stem[piece.seq.stem] = again[-1]
                    return
                outcome.error, outcome.trace = f"changed again: {redraw}", traceback.format_exc()
            except Exception as exc:
                outcome.error, outcome.trace = f"{type(exc).__name__}: {exc}", traceback.format_exc()
        _say_outcome(index[piece.seq.stem], n, piece, outcome, time.monotonic() - t0)
        if outcome.error is not None:
            _keep_traceback(work, piece, outcome)
            report.failed.append((piece.seq.name, outcome.error))
        else:
            report.rendered.append(piece.seq.name)
        if on_piece:
            on_piece(piece.seq.stem, "failed" if outcome.error is not None else "rendered")

    if todo:
        runner([_job(p, work) for p in todo], lecture, data, settings, workers, verbose, done)
    if again:
        runner([_job(p, work) for p in again], lecture, data, settings, workers, verbose, done)
    order = [p.seq.name for p in pieces]  # report in the lecture's order, not the finishing one
    report.rendered.sort(key=order.index)
    report.failed.sort(key=lambda f: order.index(f[0]))
    return records


def _publish_all(pieces: list[Piece], records: dict[str, Record], lecture: Lecture, cache: Cache,
                 out: Path) -> bool:
    """Publish every sequence whose finished files are out of date; True if any was."""
    changed = False
    for p in pieces:
        rec = records.get(p.seq.stem)
        if rec is None:
            continue
        key = published_key(p, rec, lecture)
        if rec.published_key == key and published(out, p.seq.stem):
            continue
        publish.publish_sequence(p.seq, rec, cache, lecture, out)
        rec.published_key = key
        cache.save(p.seq.stem, rec)
        changed = True
    return changed


def _join(lecture: Lecture, out: Path, cache: Cache, report: Report) -> tuple[bool, Optional[str]]:
    """Join the lecture when every part is published and something changed.
    Returns (joined now, how the current lecture.mp4 was joined)."""
    parts = [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]
    state_path = cache.root / f"{LECTURE_STEM}.json"
    try:
        state = json.loads(state_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        state = {}
    if report.failed or report.skipped:
        names = ", ".join(n for n, _ in report.failed + report.skipped)
        say(f"lecture.mp4 not joined: {names} did not render; the previous lecture.mp4 is kept")
        return False, state.get("join")
    records = [cache.load(p.stem) for p in parts]
    missing = [p.stem for p, r in zip(parts, records)
               if r.published_key is None or not published(out, p.stem)]
    if missing:
        say(f"lecture.mp4 not joined: {', '.join(missing)} not rendered yet")
        return False, state.get("join")
    key = keys.digest([r.published_key for r in records],
                      [publish.sequence_title(lecture, p) for p in parts], "join-1")
    if state.get("key") == key and (out / f"{LECTURE_STEM}.mp4").exists():
        return False, state.get("join")
    joined = publish.join_lecture(lecture, parts, records, out)
    how = "stream copy" if joined.copied else "re-encode"
    files.atomic_write_text(state_path, json.dumps({"key": key, "join": how}) + "\n")
    report.lecture_video = joined.path
    say(f"joined {media.probe(joined.path)['duration']:.1f} s by {how} -> {joined.path}")
    return True, how


def render_lecture(lecture: Lecture, data: SceneData, only: Optional[Sequence[str]] = None,
                   quality: Optional[str] = None, verbose: bool = False,
                   workers: Optional[int] = None, force: bool = False, runner: Runner = run_all,
                   shared: Optional[Path] = None, on_piece: Optional[PieceHook] = None) -> Report:
    """Render what changed, publish, join and describe the lecture. ``data`` is the scene_data
    bundle (:func:`contract.scene_io.load_all`); its ``folder`` names where the files are.
    A course passes its own ``runner`` (Ray tasks), its ``shared`` cache folder (clips by key,
    records by scene) and an ``on_piece`` hook for its progress bar.
    Raises :class:`rendering.ownership.FolderTaken` when the output folder is another lecture's."""
    settings = lecture.render.settings(quality)
    out = settings.output_dir
    work = out / WORK
    new_owner = ownership.claim(out, lecture.source_path, force)
    cache = Cache(work, shared)
    folder = getattr(data, "folder", None)
    data_folder = Path(folder) if folder else None
    report = Report()
    pieces: list[Piece] = []
    infos: dict[str, Optional[keys.SceneInfo]] = {}
    for seq in [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]:
        infos[seq.stem] = info_of(seq)
    for seq in plan(lecture, only):
        info = infos[seq.stem]
        if info is None:
            missing = scene_class_of(seq)[1]
            say(f"{seq.stem} ... skipped: {missing}")
            report.skipped.append((seq.name, missing))
            if on_piece:
                on_piece(seq.stem, "skipped")
            continue
        pieces.append(prepare(seq, info, lecture, settings, data_folder, cache))
    check_recordings(lecture, pieces)
    draw = sum(len(p.draw) for p in pieces)
    say(f"{draw} of {sum(len(p.names) for p in pieces)} sections to draw "
        f"({workers or workers_default()} worker(s)), into {out}")
    records = _run(pieces, lecture, data, settings, work, cache, workers or workers_default(),
                   verbose, report, runner, on_piece)
    changed = _publish_all(pieces, records, lecture, cache, out)
    joined, how = _join(lecture, out, cache, report)
    if changed or joined or new_owner or not manifest_current(out / MANIFEST):
        names = {stem: (list(i.data) if i is not None and i.data is not None else None)
                 for stem, i in infos.items()}
        report.manifest = build_manifest(lecture, out, data_folder, names, settings, how)
        say(f"manifest -> {report.manifest}")
    else:
        report.manifest = out / MANIFEST
        say("nothing changed")
    _prune(cache, work)
    return report


def _prune(cache: Cache, work: Path) -> None:
    """Drop the clips and speech that no sequence's record names any more."""
    kept = [s for p in cache.root.glob("*.json") if p.stem != LECTURE_STEM
            for s in cache.load(p.stem).sections]
    cache.prune({s.key for s in kept})
    SpeechStore(work).prune({s.speech for s in kept if s.speech})


def load_data(folder: Optional[str]) -> Any:
    """The validated scene_data bundle (raises contract.scene_data.ContractError)."""
    from contract import scene_data as contract
    from contract import scene_io
    return scene_io.load_all(folder if folder is not None else contract.DEFAULT_DIR)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rendering.render", description=__doc__.split("\n")[0])
    ap.add_argument("--lecture", required=True, help="lecture YAML file")
    ap.add_argument("--data", default=None, help="scene_data folder (default: the repo's)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="render only these sequences")
    ap.add_argument("--quality", choices=["preview", "production"],
                    help="override render.quality of the lecture")
    ap.add_argument("--workers", type=int, default=None,
                    help=f"worker processes (default: one per core, here {workers_default()})")
    ap.add_argument("--force", action="store_true",
                    help="render even into a folder that belongs to another lecture")
    ap.add_argument("-v", "--verbose", action="store_true", help="Manim progress bars and warnings")
    args = ap.parse_args(argv)

    try:
        lecture = load_lecture(args.lecture)
        plan(lecture, args.only)
    except LectureError as exc:
        print(exc, file=sys.stderr)
        return 2
    from contract.scene_data import ContractError
    try:
        data = load_data(args.data)
        heldout = getattr(getattr(getattr(data, "forward_pass", None), "provenance", None),
                          "n_heldout", None)
        if heldout is not None:
            check_index(lecture, heldout)
        lecture_checks.check_selection(lecture, data)
    except (ContractError, LectureError) as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        report = render_lecture(lecture, data, args.only, args.quality, args.verbose,
                                args.workers, args.force)
    except (ownership.FolderTaken, LectureError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if report.skipped:
        print(f"skipped (scene not written yet): {', '.join(n for n, _ in report.skipped)}",
              file=sys.stderr)
    if report.failed:
        print("failed: " + "; ".join(f"{n} ({e})" for n, e in report.failed)
              + "; lecture.mp4 was not joined (the previous one is kept)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
