"""The render driver: lecture YAML + scene_data -> finished files in the lecture's output folder.

    python -m scenes.render --lecture scenes/lectures/default.yaml [--data scene_data]
                            [--only cnn_forward_pass ...] [--quality preview|production] [-v]

For the title card and each sequence of the lecture it renders the Manim scene in
``<output_dir>/.work`` (Manim's cache and log live there), then publishes, each file atomically:

    <stem>.mp4                H.264/yuv420p, moov first, chapters embedded
    <stem>.srt, <stem>.vtt    subtitles (empty when the sequence has no captions)
    <stem>.chapters.vtt/.txt  one chapter per section (WebVTT, ffmetadata)
    <stem>.png                thumbnail: the first section's finished picture
    <stem>_sections/NN_name.mp4
    lecture.mp4 (+ .srt, .vtt, .chapters.vtt/.txt)   every sequence joined, one chapter each
    manifest.json             every file: kind, duration, resolution, bytes, scene_data used

A bad lecture file or bad scene_data stops everything before any work (exit 2); a sequence
that fails is reported and the others still render (exit 1); a sequence whose scene class is
not written yet is skipped with a warning.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from scenes import media, registry
from scenes.config import Lecture, LectureError, RenderSettings, check_index, load_lecture

WORK = ".work"
MANIFEST = "manifest.json"
LECTURE_STEM = "lecture"


@dataclass
class Rendered:
    """What Manim wrote for one sequence in the work folder."""
    seq: registry.Sequence
    video: Path
    srt: Optional[Path]
    sections: list[media.Section]
    scene_data: Optional[list[str]]  # the scene class's DATA (file names), None = all files


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


def say(*parts: Any, end: str = "\n") -> None:
    print(*parts, end=end, flush=True)


def duration_text(seconds: float) -> str:
    """84.2 -> '1m24s'; 3.14 -> '3.1s'."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    m, s = divmod(round(seconds), 60)
    return f"{m // 60}h{m % 60:02d}m{s:02d}s" if m >= 60 else f"{m}m{s:02d}s"


def section_title(name: str, words: Any = None) -> str:
    """A section's chapter title: the sequence's YAML string ``text.chapter_<name>`` when the
    lecture has one (translations), else the name itself: 'max_pool' -> 'Max pool'."""
    custom = getattr(words, "text", {}).get(f"chapter_{name}") if words is not None else None
    return custom or name.replace("_", " ").strip().capitalize() or name


def sequence_title(lecture: Lecture, seq: registry.Sequence) -> str:
    if seq.name == registry.TITLE.name:
        return lecture.title_card.title
    return lecture.words(seq.name).title


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


# -- rendering ----------------------------------------------------------------------------------
@contextmanager
def manim_logs_to_file(verbose: bool) -> Iterator[Callable[[], None]]:
    """Keep Manim's terminal output to errors (warnings with ``verbose``) while its full log goes
    to the file handler it adds per scene. Yields ``adopt``, to call once the scene exists: it
    gives that handler a plain text format (Manim's JSON formatter fails on messages with %d
    arguments). The handler is closed afterwards: Manim never removes it, so it would also
    receive the next scene's log."""
    logger = logging.getLogger("manim")
    before = list(logger.handlers)
    levels = [h.level for h in before]
    for h in before:
        if not isinstance(h, logging.FileHandler):
            h.setLevel(logging.WARNING if verbose else logging.ERROR)

    def adopt() -> None:
        for h in logger.handlers:
            if h not in before and isinstance(h, logging.FileHandler):
                h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(module)s: %(message)s"))

    try:
        yield adopt
    finally:
        for h in list(logger.handlers):
            if h not in before:
                logger.removeHandler(h)
                h.close()
        for h, level in zip(before, levels):
            h.setLevel(level)


def manim_options(seq: registry.Sequence, settings: RenderSettings, work: Path,
                  verbose: bool) -> dict[str, Any]:
    w, h = settings.width, settings.height
    return {
        "pixel_width": w, "pixel_height": h, "frame_rate": settings.fps,
        # keep Manim's 8-unit frame height and match the width to the pixels: no stretching
        "frame_height": 8.0, "frame_width": 8.0 * w / h,
        "media_dir": str(work / "media"), "video_dir": str(work / "videos"),
        "log_dir": str(work / "logs"), "log_to_file": True, "verbosity": "INFO",
        "output_file": seq.stem, "save_sections": True, "disable_caching": False,
        # Manim's default keeps 100 partial movies per scene: fewer than a long sequence has,
        # which would make every re-render redo most animations.
        "max_files_cached": 1000,
        "progress_bar": "leave" if verbose else "none", "preview": False, "format": "mp4",
        "write_to_movie": True, "save_last_frame": False, "dry_run": False,
    }


def scene_class_of(seq: registry.Sequence) -> tuple[Optional[type], str]:
    """(the scene class, '') or (None, why) when its file or class is not written yet. Errors
    inside an existing scene file propagate: those are failures, not work in progress."""
    try:
        return seq.scene_class(), ""
    except ModuleNotFoundError as exc:
        module = str(seq.target).split(":")[0]
        if exc.name != module:
            raise  # the scene file exists but one of its imports is broken
        return None, f"{module} is not written yet"
    except AttributeError:
        module, cls = str(seq.target).split(":")
        if module in sys.modules and not hasattr(sys.modules[module], cls):
            return None, f"{module} has no {cls} yet"
        raise


def render_scene(seq: registry.Sequence, scene_class: type, lecture: Lecture, data: Any,
                 settings: RenderSettings, work: Path, verbose: bool = False) -> Rendered:
    """Render one scene with Manim into ``work``; returns where its files are."""
    from manim import tempconfig  # here, so that checking a lecture never imports manim

    videos = work / "videos"
    # Stale outputs of an earlier run must not be taken for this run's (an .srt is only
    # written when the scene has captions); Manim's cache of partial movies stays.
    for stale in (videos / f"{seq.stem}.mp4", videos / f"{seq.stem}.srt",
                  videos / "sections" / f"{seq.stem}.json"):
        stale.unlink(missing_ok=True)
    with manim_logs_to_file(verbose) as adopt, tempconfig(manim_options(seq, settings, work, verbose)):
        scene = scene_class(lecture=lecture, data=data)
        adopt()
        scene.render()
        plan_ = scene.renderer.file_writer.output_plan
        video = Path(scene.renderer.file_writer.movie_file_path)
        srt = Path(plan_.subcaption_file) if plan_.subcaption_file else None
        index = Path(plan_.section_index) if plan_.section_index else None
    sections = media.read_sections(index) if index is not None and index.exists() else []
    data_files = getattr(scene_class, "DATA", None)
    return Rendered(seq, video, srt if srt is not None and srt.exists() else None, sections,
                    list(data_files) if data_files is not None else None)


def publish(r: Rendered, lecture: Lecture, out: Path) -> Path:
    """Copy one rendered sequence into ``out`` as finished files."""
    stem = r.seq.stem
    final = out / f"{stem}.mp4"
    real = [s for s in r.sections if s.end > s.start]
    # Manim names the implicit section of a scene without next_section() "autocreated".
    own = bool(real) and not (len(real) == 1 and real[0].name == "autocreated")
    # One chapter per section; a single section is the whole sequence, named as such.
    words = getattr(lecture, r.seq.name, None) if r.seq.name != registry.TITLE.name else None
    marks = ([media.Chapter(section_title(s.name, words), s.start, s.end) for s in real]
             if len(real) > 1 else
             [media.Chapter(sequence_title(lecture, r.seq), 0.0, media.probe(r.video)["duration"])])
    info = media.finalize_video(r.video, final, marks)
    media.chapters(marks, media.sidecar(final, ".chapters.vtt"),
                   media.sidecar(final, ".chapters.txt"))
    srt_out = media.sidecar(final, ".srt")
    if r.srt is not None:
        media.atomic_copy(r.srt, srt_out)
    else:
        media.atomic_write_text(srt_out, "")
    media.srt_to_vtt(srt_out, media.sidecar(final, ".vtt"))
    first = real[0] if len(real) > 1 else None
    # The first section's finished picture: just before the stage fades out (LectureScene
    # fades for 0.5 s x pace after every section); a single-section scene: its middle.
    at = (max(first.start, first.end - 0.5 * lecture.pace - 0.3) if first
          else info["duration"] / 2)
    media.thumbnail(final, media.sidecar(final, ".png"), at)

    folder = out / f"{stem}_sections"
    keep: set[str] = set()
    if own:
        for i, s in enumerate(real, 1):
            clip = folder / f"{i:02d}_{s.name}.mp4"
            media.finalize_video(s.video, clip)
            keep.add(clip.name)
    if folder.exists():  # sections dropped from the lecture since the last render
        for old in folder.glob("*.mp4"):
            if old.name not in keep:
                old.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
    return final


def join_lecture(lecture: Lecture, out: Path) -> Optional[Path]:
    """Join every finished sequence of the lecture found in ``out`` into ``lecture.mp4``."""
    parts = [j for j in [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]
             if (out / f"{j.stem}.mp4").exists()]
    if not parts:
        return None
    result = media.join([out / f"{j.stem}.mp4" for j in parts], out / f"{LECTURE_STEM}.mp4",
                        [sequence_title(lecture, j) for j in parts])
    if result.subtitles is None:  # keep the promise of subtitles beside every video
        media.atomic_write_text(out / f"{LECTURE_STEM}.srt", "")
        media.atomic_write_text(out / f"{LECTURE_STEM}.vtt", "WEBVTT\n\n")
    return result.path


# -- manifest -----------------------------------------------------------------------------------
def _files_of(stem: str, out: Path) -> list[tuple[Path, str]]:
    """The published files of one stem with their kind, in a stable order."""
    video = out / f"{stem}.mp4"
    rows = [(video, "lecture" if stem == LECTURE_STEM else "video"),
            (media.sidecar(video, ".srt"), "subtitles"), (media.sidecar(video, ".vtt"), "subtitles"),
            (media.sidecar(video, ".chapters.vtt"), "chapters"),
            (media.sidecar(video, ".chapters.txt"), "chapters"),
            (media.sidecar(video, ".png"), "thumbnail")]
    rows += [(p, "section") for p in sorted((out / f"{stem}_sections").glob("*.mp4"))]
    return [(p, k) for p, k in rows if p.exists()]


def build_manifest(lecture: Lecture, out: Path, data_folder: Optional[Path],
                   fresh: dict[str, Optional[list[str]]], settings: RenderSettings) -> Path:
    """Describe every published file. ``fresh`` maps the stems rendered in this run to their
    scene class's DATA; the others keep what the previous manifest said about them."""
    previous: dict[str, Any] = {}
    try:
        old = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        previous = {e["path"]: e.get("scene_data") for e in old.get("files", [])}
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        pass
    every = media.scene_data_sources(data_folder) if data_folder is not None else []

    def sources(names: Optional[list[str]]) -> list[dict[str, Any]]:
        if names is None:
            return every
        wanted = {n.removesuffix(".json") for n in names}
        return [s for s in every if s["name"].removesuffix(".json") in wanted]

    entries: list[dict[str, Any]] = []
    joined: list[dict[str, Any]] = []
    for job in [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]:
        for path, kind in _files_of(job.stem, out):
            rel = path.relative_to(out).as_posix()
            used = sources(fresh[job.stem]) if job.stem in fresh else previous.get(rel)
            entries.append(media.manifest_entry(path, kind, out, used, sequence=job.name))
            if kind == "video":
                joined += [s for s in used or [] if s not in joined]
    for path, kind in _files_of(LECTURE_STEM, out):
        if kind != "section":
            entries.append(media.manifest_entry(path, kind, out, joined, sequence="lecture"))
    return media.write_manifest(
        out / MANIFEST, entries, lecture=str(lecture.source_path), language=lecture.language,
        render={"quality": settings.quality, "width": settings.width, "height": settings.height,
                "fps": settings.fps},
        scene_data_folder=str(data_folder) if data_folder is not None else None)


# -- driver -------------------------------------------------------------------------------------
def render_lecture(lecture: Lecture, data: Any, only: Optional[Sequence[str]] = None,
                   quality: Optional[str] = None, verbose: bool = False) -> Report:
    """Render, publish, join and describe the lecture. ``data`` is the scene_data bundle
    (:func:`pipeline.contract.load_all`); its ``folder`` names where the JSON files are."""
    jobs = plan(lecture, only)
    settings = lecture.render.settings(quality)
    out = settings.output_dir
    work = out / WORK
    work.mkdir(parents=True, exist_ok=True)
    report = Report()
    fresh: dict[str, Optional[list[str]]] = {}
    for i, seq in enumerate(jobs, 1):
        head = f"[{i}/{len(jobs)}] {seq.stem} ..."
        say(head, end=" ")
        t0 = time.monotonic()
        try:
            scene_class, missing = scene_class_of(seq)
            if scene_class is None:
                say(f"skipped: {missing}")
                report.skipped.append((seq.name, missing))
                continue
            rendered = render_scene(seq, scene_class, lecture, data, settings, work, verbose)
            final = publish(rendered, lecture, out)
        except Exception as exc:  # one broken sequence must not cost the others
            say(f"FAILED: {type(exc).__name__}: {exc}")
            log = work / "logs" / f"{seq.stem}.error.log"
            log.parent.mkdir(parents=True, exist_ok=True)
            log.write_text(traceback.format_exc(), encoding="utf-8")
            print(f"    traceback: {log}", file=sys.stderr)
            report.failed.append((seq.name, f"{type(exc).__name__}: {exc}"))
            continue
        seconds = media.probe(final)["duration"]
        say(f"rendered {seconds:.1f} s of video in {duration_text(time.monotonic() - t0)}")
        report.rendered.append(seq.name)
        fresh[seq.stem] = rendered.scene_data
    report.lecture_video = join_lecture(lecture, out)
    if report.lecture_video is not None:
        say(f"joined {media.probe(report.lecture_video)['duration']:.1f} s -> {report.lecture_video}")
    folder = getattr(data, "folder", None)
    report.manifest = build_manifest(lecture, out, Path(folder) if folder else None, fresh, settings)
    say(f"manifest -> {report.manifest}")
    return report


def load_data(folder: Optional[str]) -> Any:
    """The validated scene_data bundle (raises pipeline.contract.ContractError)."""
    from pipeline import contract
    return contract.load_all(folder if folder is not None else contract.DEFAULT_DIR)


def check_selection(lecture: Lecture, data: Any) -> None:
    """Refuse scene_data probed for another digit than the lecture asks for (the Makefile
    re-probes when the lecture's choice changes; a direct call of this driver may not)."""
    from pipeline.contract import ContractError, selection_label

    fp, rot = getattr(data, "forward_pass", None), getattr(data, "rotation", None)
    s = lecture.sample
    want = selection_label(s.index, s.digit, s.rule, s.nth)
    if fp is not None and fp.selection != want:
        raise ContractError(f"scene_data follows the digit chosen by '{fp.selection}' but the "
                            f"lecture asks for '{want}': run `make render LECTURE=...`, which "
                            "probes the saved models again (no retraining)")
    if rot is not None and rot.digit != lecture.rotation.digit:
        raise ContractError(f"scene_data rotates a {rot.digit} but the lecture asks for a "
                            f"{lecture.rotation.digit}: run `make render LECTURE=...`")


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scenes.render", description=__doc__.split("\n")[0])
    ap.add_argument("--lecture", required=True, help="lecture YAML file")
    ap.add_argument("--data", default=None, help="scene_data folder (default: the repo's)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="render only these sequences")
    ap.add_argument("--quality", choices=["preview", "production"],
                    help="override render.quality of the lecture")
    ap.add_argument("-v", "--verbose", action="store_true", help="Manim progress bars and warnings")
    args = ap.parse_args(argv)

    try:
        lecture = load_lecture(args.lecture)
        plan(lecture, args.only)
    except LectureError as exc:
        print(exc, file=sys.stderr)
        return 2
    from pipeline.contract import ContractError
    try:
        data = load_data(args.data)
        heldout = getattr(getattr(getattr(data, "forward_pass", None), "provenance", None),
                          "n_heldout", None)
        if heldout is not None:
            check_index(lecture, heldout)
        check_selection(lecture, data)
    except (ContractError, LectureError) as exc:
        print(exc, file=sys.stderr)
        return 2
    report = render_lecture(lecture, data, args.only, args.quality, args.verbose)
    if report.skipped:
        print(f"skipped (scene not written yet): {', '.join(n for n, _ in report.skipped)}",
              file=sys.stderr)
    if report.failed:
        print(f"failed: {', '.join(n for n, _ in report.failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
