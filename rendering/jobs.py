"""Running Manim for the pieces that need it, in worker processes.

A :class:`Job` renders one sequence's scene with only some of its sections drawn; the others
run with Manim's ``skip_animations`` (their Python code runs, so state and the clock are the
same as in a full render, but no frame is drawn or encoded). A job with nothing to draw only
collects the subtitles. Each job has its own Manim work folder, so jobs never share files.

Workers are forked processes (one per core by default): the lecture and scene_data loaded by
the parent are inherited, not pickled. Every section clip is encoded with the same options
(:data:`rendering.keys.ENCODER_OPTIONS`) and does not depend on which worker made it.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import traceback
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Optional, Sequence

from contract import sequences as registry
from contract.lecture import Lecture, RenderSettings
from contract.scene_data import SceneData
from rendering import media, subtitles
from rendering.keys import ENCODER_OPTIONS


@dataclass(frozen=True)
class Job:
    seq: registry.Sequence
    draw: frozenset[str]  # sections to render; the others are skipped
    work: Path  # this job's Manim folder
    weight: float = 1.0  # expected cost, for scheduling the largest first


@dataclass
class Outcome:
    """What a job produced (all paths inside the job's work folder)."""
    stem: str
    clips: dict[str, Path] = field(default_factory=dict)  # drawn section -> its clip
    spans: dict[str, tuple[float, float]] = field(default_factory=dict)
    reads: dict[str, list[str]] = field(default_factory=dict)
    holds: dict[str, list[int]] = field(default_factory=dict)  # section -> frames of its holds
    stills: dict[str, list[list[float]]] = field(default_factory=dict)  # when they were (s)
    cues: list[subtitles.Cue] = field(default_factory=list)
    speech: dict[str, str] = field(default_factory=dict)  # section -> speech key (narrated)
    spoken: dict[str, str] = field(default_factory=dict)  # section -> its words, filled in
    data_names: Optional[list[str]] = None
    error: Optional[str] = None
    trace: str = ""


def workers_default() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


@contextmanager
def quiet_manim(verbose: bool) -> Iterator[Callable[[], None]]:
    """Manim's terminal output down to errors (warnings with ``verbose``) while its log goes to
    the file handler it adds per scene; yields ``adopt`` to give that handler a plain format
    (Manim's JSON formatter fails on %d arguments). Handlers added are closed afterwards."""
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


def manim_options(stem: str, settings: RenderSettings, work: Path, verbose: bool) -> dict[str, Any]:
    w, h = settings.width, settings.height
    return {
        "pixel_width": w, "pixel_height": h, "frame_rate": settings.fps,
        # keep Manim's 8-unit frame height and match the width to the pixels: no stretching
        "frame_height": 8.0, "frame_width": 8.0 * w / h,
        "media_dir": str(work / "media"), "video_dir": str(work / "videos"),
        # Manim lays a Text out on a canvas pixel_width wide (long lines wrap on a small one) and
        # leaves the size out of the SVG's hash: a preview's texts must not serve a 1080p render
        "text_dir": str(work / "media" / f"texts-{w}x{h}"),
        "log_dir": str(work / "logs"), "log_to_file": True, "verbosity": "INFO",
        "output_file": stem, "save_sections": True,
        # our own cache keys whole sections; Manim's per-animation hashing would only cost time
        "disable_caching": True,
        "video_encoder_options": dict(ENCODER_OPTIONS),
        "progress_bar": "leave" if verbose else "none", "preview": False, "format": "mp4",
        "write_to_movie": True, "save_last_frame": False, "dry_run": False,
    }


def _clean(work: Path, stem: str) -> None:
    """Outputs of an earlier job must not be taken for this one's."""
    videos = work / "videos"
    for stale in (videos / f"{stem}.mp4", videos / f"{stem}.srt",
                  videos / "sections" / f"{stem}.json"):
        stale.unlink(missing_ok=True)
    sections = videos / "sections"
    if sections.is_dir():
        for p in sections.glob(f"{stem}_*.mp4"):
            p.unlink()


def run_job(job: Job, lecture: Lecture, data: SceneData, settings: RenderSettings,
            verbose: bool = False) -> Outcome:
    """Render one job in this process."""
    from manim import tempconfig  # here: checking a lecture never imports manim

    from scenes.base import scene_class as bound_class

    out = Outcome(job.seq.stem)
    try:
        scene_class = bound_class(job.seq)
        job.work.mkdir(parents=True, exist_ok=True)
        _clean(job.work, job.seq.stem)
        with quiet_manim(verbose) as adopt, \
                tempconfig(manim_options(job.seq.stem, settings, job.work, verbose)):
            plan = narrate(scene_class, lecture, data, settings) if lecture.narration.on else None
            scene = scene_class(lecture=lecture, data=data)
            scene.render_only = job.draw
            if plan is not None:
                scene.speech, scene.stretch = plan.speech, plan.stretch
                out.speech = plan.keys
            adopt()
            stills = watch_stills(scene)
            scene.render()
            index = scene.renderer.file_writer.output_plan.section_index
            subs = scene.renderer.file_writer.subcaptions
        out.spans = dict(scene.section_spans)
        out.reads = scene.reads.as_lists()
        out.holds = {k: list(v) for k, v in scene.holds.items()}
        out.stills = {name: [[round(a - scene.section_spans[name][0], 6),
                              round(b - scene.section_spans[name][0], 6)] for a, b in spans]
                      for name, spans in stills.items() if name in scene.section_spans}
        out.spoken = dict(scene.spoken)
        out.cues = [subtitles.Cue(s.start.total_seconds(), s.end.total_seconds(), s.content) for s in subs]
        data_names = getattr(scene_class, "DATA", None)
        out.data_names = list(data_names) if data_names is not None else None
        if job.draw and index is not None and Path(index).exists():
            out.clips = {s.name: s.video for s in media.read_sections(index) if s.name in job.draw}
        missing = sorted(job.draw - set(out.clips))
        if missing:
            raise RuntimeError(f"Manim wrote no clip for section(s) {', '.join(missing)}")
    except Exception as exc:  # reported by the parent; the other jobs go on
        out.error = f"{type(exc).__name__}: {exc}"
        out.trace = traceback.format_exc()
    return out


def watch_stills(scene: Any) -> dict[str, list[tuple[float, float]]]:
    """Record, per section, the scene-clock span of each :meth:`LectureScene.hold` that keeps
    the picture still for a frame or more (the slides' sub-slides end there). Watched from here
    rather than written by the scene: scenes/ is part of every section's key, so a change there
    would draw every lecture again."""
    spans: dict[str, list[tuple[float, float]]] = {}
    real = scene.hold

    def hold(seconds: float) -> None:
        start = scene.renderer.time
        real(seconds)
        if scene.renderer.time > start:
            spans.setdefault(getattr(scene, "current_section", ""), []).append(
                (start, scene.renderer.time))

    scene.hold = hold
    return spans


def timing_pass(scene_class: type, lecture: Lecture, data: Any) -> Any:
    """The scene run with every section skipped and nothing written (seconds): its section
    times at the normal pace and its words with the placeholders filled in."""
    from manim import tempconfig

    with tempconfig({"write_to_movie": False, "save_sections": False}):
        scene = scene_class(lecture=lecture, data=data)
        scene.render_only = frozenset()
        scene.render()
    return scene


def narrate(scene_class: type, lecture: Lecture, data: Any, settings: RenderSettings) -> Any:
    """The speech plan of a narrated scene (rendering.narration.plan), speech cached in the
    output folder's ``.work/cache/speech``."""
    from rendering.narration.narrator import Narrator
    from rendering.narration.plan import plan_speech
    from rendering.narration.store import SpeechStore

    silent = timing_pass(scene_class, lecture, data)
    narrator = Narrator(lecture, SpeechStore(settings.output_dir / ".work"))
    return plan_speech(narrator, scene_class.sequence, scene_class.SECTIONS, silent.section_spans,
                       silent.spoken, lecture.pace)


# -- the pool -------------------------------------------------------------------------------------
_SHARED: dict[str, Any] = {}


def _run_shared(index: int) -> Outcome:
    s = _SHARED
    return run_job(s["jobs"][index], s["lecture"], s["data"], s["settings"], s["verbose"])


def run_all(jobs: Sequence[Job], lecture: Lecture, data: SceneData, settings: RenderSettings,
            workers: int, verbose: bool = False,
            done: Optional[Callable[[Job, Outcome], None]] = None) -> list[Outcome]:
    """Run ``jobs`` (largest first) on ``workers`` processes; ``done`` is called in this process
    as each finishes. One worker runs them here, in order, without a pool."""
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)
    results: dict[int, Outcome] = {}
    if workers <= 1 or len(jobs) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for i in order:
            results[i] = run_job(jobs[i], lecture, data, settings, verbose)
            if done:
                done(jobs[i], results[i])
        return [results[i] for i in range(len(jobs))]
    _SHARED.update(jobs=list(jobs), lecture=lecture, data=data, settings=settings, verbose=verbose)
    try:
        ctx = multiprocessing.get_context("fork")  # inherit lecture, data and test doubles
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=ctx) as pool:
            pending: dict[Future, int] = {pool.submit(_run_shared, i): i for i in order}
            while pending:
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    i = pending.pop(fut)
                    try:
                        results[i] = fut.result()
                    except Exception as exc:  # the worker itself died
                        results[i] = Outcome(jobs[i].seq.stem, error=f"worker failed: {exc}")
                    if done:
                        done(jobs[i], results[i])
    finally:
        _SHARED.clear()
    return [results[i] for i in range(len(jobs))]


__all__ = ["Job", "Outcome", "manim_options", "run_all", "run_job", "workers_default"]
