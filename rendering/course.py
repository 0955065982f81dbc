"""A whole course rendered on Ray: many lectures, each in several languages.

    python -m rendering.course --course course.yaml [--quality preview] [--data scene_data]
                                                            (make course COURSE=course.yaml)

``course.yaml``::

    languages: [en, zh]               # which languages to render (default: every one listed)
    quality: preview                  # optional: overrides every lecture's render.quality
    cache: renders/.course-cache      # the course's shared cache (this is the default)
    lectures:                         # a lecture: its file per language, or one file
      - {en: lectures/default.yaml, zh: lectures/zh.yaml}
      - lectures/example_digit3.yaml

Every sequence of every lecture is a Ray task (rendering.ray_runner): on a local Ray instance
over this machine's cores, or on the cluster at ``RAY_ADDRESS``. Each lecture is driven by the
same code as ``make render`` (rendering.render.render_lecture, one driver thread per lecture), so
its files land in its usual folder with the same keys and bytes. The course's cache folder holds
every clip by key and every record by scene: a section any lecture drew is not drawn again.
A progress bar counts the sequences of the whole course; each lecture's own lines go to
``<its folder>/.work/logs/course.log``. A failed sequence leaves its lecture's published files as
they were (the lecture is not joined); the others finish; the exit status is 1 and the failures
are named. A bad course or lecture file stops everything before any work (exit 2).
"""
from __future__ import annotations

import argparse
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence, Union

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from contract import scene_data as contract
from contract import lecture_checks, scene_io
from contract.lecture import DEFAULT_PATH, Lecture, LectureError, load_lecture
from rendering import ownership, render

ROOT = Path(__file__).resolve().parent.parent
SHARED = "renders/.course-cache"


class CourseFile(BaseModel):
    """The schema of course.yaml."""
    model_config = ConfigDict(extra="forbid")
    languages: Optional[list[str]] = None
    quality: Optional[str] = None
    cache: str = SHARED
    default: Optional[str] = None  # the file lectures merge over (default: lectures/default.yaml)
    lectures: list[Union[str, dict[str, str]]]

    @field_validator("quality")
    @classmethod
    def _quality(cls, v: Optional[str]) -> Optional[str]:
        if v not in (None, "preview", "production"):
            raise ValueError("must be preview or production")
        return v


@dataclass
class Course:
    """The lectures to render, loaded and checked, in the order the file lists them."""
    lectures: list[Lecture]
    quality: Optional[str]
    cache: Path


class CourseError(ValueError):
    """course.yaml or one of its lectures is wrong; nothing has been rendered."""


def load_course(path: Union[str, Path]) -> Course:
    """Read and check ``course.yaml`` and every lecture file it names (paths are relative to the
    course file's folder). Raises :class:`CourseError` listing every problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        spec = CourseFile.model_validate(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise CourseError(f"{path}: {exc}") from None
    except ValidationError as exc:
        raise CourseError(f"{path}: " + "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())) from None
    here = path.resolve().parent
    default = here / spec.default if spec.default else DEFAULT_PATH
    problems, lectures = [], []
    for n, entry in enumerate(spec.lectures, 1):
        files = entry if isinstance(entry, dict) else {"": entry}
        wanted = spec.languages or list(files)
        if isinstance(entry, dict):
            problems += [f"lectures[{n}]: no file for language {lang!r}" for lang in wanted
                         if lang not in files]
        for lang, name in files.items():
            if lang and lang not in wanted:
                continue
            try:
                lecture = load_lecture(here / name, default)
            except LectureError as exc:
                problems.append(str(exc))
                continue
            if lang and lecture.language != lang:
                problems.append(f"lectures[{n}].{lang}: {name} is in {lecture.language!r}")
            elif lang or not spec.languages or lecture.language in spec.languages:
                lectures.append(lecture)
    outs = [lec.render.settings().output_dir.resolve() for lec in lectures]
    problems += [f"{lec.source_path} and another lecture share the folder {o}"
                 for i, (lec, o) in enumerate(zip(lectures, outs)) if o in outs[:i]]
    if problems:
        raise CourseError("\n".join(problems))
    if not lectures:
        raise CourseError(f"{path}: no lecture to render")
    cache = Path(spec.cache)
    return Course(lectures, spec.quality, cache if cache.is_absolute() else ROOT / cache)


@dataclass
class Outcome:
    """How one lecture of the course ended."""
    lecture: Lecture
    report: Optional[render.Report] = None
    error: Optional[str] = None  # the lecture could not run at all

    @property
    def name(self) -> str:
        return ownership.lecture_id(self.lecture.source_path)

    @property
    def failures(self) -> list[str]:
        if self.error:
            return [f"{self.name}: {self.error}"]
        assert self.report is not None
        return [f"{self.name}: {seq} ({why})" for seq, why in self.report.failed + self.report.skipped]


@dataclass
class Progress:
    """The course's progress bar: sequences settled of all, elapsed, estimated remaining."""
    total: int
    bar: Any = None
    counts: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        from tqdm import tqdm

        self.bar = tqdm(total=self.total, unit="seq", desc="course", file=sys.stderr,
                        dynamic_ncols=True, bar_format="{desc}: {n}/{total} sequences |{bar}| "
                        "{elapsed} elapsed, ~{remaining} left {postfix}")

    def piece(self, stem: str, how: str) -> None:
        with self.lock:
            self.counts[how] = self.counts.get(how, 0) + 1
            self.bar.set_postfix_str(", ".join(f"{v} {k}" for k, v in sorted(self.counts.items())),
                                     refresh=False)
            self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _one(lecture: Lecture, data: Any, course: Course, runner: Any, progress: Progress,
         force: bool) -> Outcome:
    """Render one lecture in this thread, its lines into its folder's course.log."""
    out = lecture.render.settings(course.quality).output_dir
    log_path = out / ".work" / "logs" / "course.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log:
        render.OUTPUT.stream = log
        try:
            report = render.render_lecture(lecture, data, quality=course.quality, force=force,
                                           runner=runner, shared=course.cache,
                                           on_piece=progress.piece)
            return Outcome(lecture, report)
        except (ownership.FolderTaken, LectureError) as exc:
            return Outcome(lecture, error=str(exc))
        except Exception as exc:  # one lecture's crash must not stop the others
            import traceback
            log.write(traceback.format_exc())
            return Outcome(lecture, error=f"{type(exc).__name__}: {exc} (see {log_path})")
        finally:
            render.OUTPUT.stream = None


def render_course(course: Course, data: Any, runner: Any, force: bool = False) -> list[Outcome]:
    """Render every lecture of ``course`` at once (one driver thread each), their sequences as
    tasks of ``runner`` (rendering.ray_runner.RayRunner). Returns each lecture's outcome."""
    total = sum(len(render.plan(lec)) for lec in course.lectures)
    progress = Progress(total)
    results: list[Optional[Outcome]] = [None] * len(course.lectures)

    def work(i: int) -> None:
        results[i] = _one(course.lectures[i], data, course, runner, progress, force)

    threads = [threading.Thread(target=work, args=(i,), name=f"lecture-{i}")
               for i in range(len(course.lectures))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    progress.close()
    return [r for r in results if r is not None]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rendering.course", description=__doc__.split("\n")[0])
    ap.add_argument("--course", required=True, help="course YAML file")
    ap.add_argument("--data", default=None, help="scene_data folder (default: the repo's)")
    ap.add_argument("--quality", choices=["preview", "production"],
                    help="override the course's and its lectures' quality")
    ap.add_argument("--force", action="store_true",
                    help="render even into folders that belong to other lectures")
    args = ap.parse_args(argv)
    try:
        course = load_course(args.course)
        if args.quality:
            course.quality = args.quality
        data = scene_io.load_all(args.data if args.data is not None else contract.DEFAULT_DIR)
        for lecture in course.lectures:
            lecture_checks.check_selection(lecture, data)
    except (CourseError, contract.ContractError) as exc:
        print(exc, file=sys.stderr)
        return 2
    from rendering.ray_runner import RayRunner, connect

    t0 = time.monotonic()
    where = connect()
    runner = RayRunner()
    results = render_course(course, data, runner, args.force)
    failures = [f for r in results for f in r.failures]
    for r in results:
        rep = r.report
        state = "FAILED" if r.failures else "ok"
        drawn = f"{len(rep.rendered)} rendered" if rep is not None else ""
        print(f"{state:6} {r.name} -> {r.lecture.render.settings(course.quality).output_dir} {drawn}")
    print(f"course: {len(results)} lecture(s) in {render.duration_text(time.monotonic() - t0)} "
          f"on Ray ({where}; tasks ran on {len(runner.nodes)} node(s))")
    if failures:
        print("failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
