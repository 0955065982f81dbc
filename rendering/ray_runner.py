"""Manim jobs as Ray tasks: the runner a course hands to rendering.render.render_lecture.

Each job (one sequence, the sections it must draw) is one task of one CPU. The task runs
:func:`rendering.jobs.run_job` in a folder of its own on whichever node Ray chose, and returns the
outcome with the bytes of its clips (and of any narration it spoke): results travel through
Ray's object store, so no node needs the driver's file system. The driver stores them in the
lecture's cache as a local render does; keys, encoder options and joins are the same code, so
the published files are byte-identical to ``make render``'s.

A task whose worker dies (killed, out of memory) is run once more; a second death is reported as
that sequence's failure. A Python error inside the scene is a failure at once (it would repeat).

    connect()                                   # local Ray, or the cluster at $RAY_ADDRESS
    render_lecture(lecture, data, runner=RayRunner())
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from contract.lecture import Lecture, RenderSettings
from contract.scene_data import SceneData
from rendering.jobs import Job, Outcome, run_job

ROOT = Path(__file__).resolve().parent.parent
#: what the code package sent to every node leaves out: outputs, data, the environment
EXCLUDES = [".git", "/.venv", "node_modules", "/renders", "/scene_data", "__pycache__", "*.egg-info",
            "/media", "/tmp", ".pytest_cache"]
RETRIES = 1


@dataclass
class Shipped:
    """What a task returns: the outcome (its clip paths emptied), the clips' and speech's bytes,
    and the node that ran it."""
    outcome: Outcome
    clips: dict[str, bytes] = field(default_factory=dict)
    speech: dict[str, bytes] = field(default_factory=dict)  # file name in the speech store
    node: str = ""


def connect(address: Optional[str] = None, runtime_env: Optional[dict[str, Any]] = None,
            num_cpus: Optional[int] = None) -> str:
    """Start or join Ray: the cluster at ``address`` or ``$RAY_ADDRESS``, else a local instance
    on this machine's cores. The project's code goes to every node as the job's working
    directory (the nodes need the venv and system packages: README, "A course on Ray").
    Returns the address joined ("local" for a private instance)."""
    address = address or os.environ.get("RAY_ADDRESS") or "local"
    if address == "local":
        # a private instance listens on the loopback interface only (Ray's default on macOS and
        # Windows; read when ray is first imported): no other machine can join it
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    import ray

    env = {"working_dir": str(ROOT), "excludes": list(EXCLUDES), **(runtime_env or {})}
    if not ray.is_initialized():
        ray.init(address=address, runtime_env=env, include_dashboard=False, log_to_driver=False,
                 logging_level="WARNING", configure_logging=True,
                 **({"num_cpus": num_cpus} if address == "local" and num_cpus else {}))
    return address


def _run_remote(job: Job, lecture: Lecture, data: SceneData, settings: RenderSettings,
                verbose: bool) -> Shipped:
    """The task body: the job in a private folder on this node; everything it made, as bytes."""
    import ray

    work = Path(tempfile.mkdtemp(prefix=f"course-{job.seq.stem}-"))
    try:
        # the narration's speech store follows settings.output_dir: here, the private folder
        outcome = run_job(replace(job, work=work / "job"), lecture, data,
                          replace(settings, output_dir=work), verbose)
        clips = {name: Path(p).read_bytes() for name, p in outcome.clips.items()}
        outcome.clips = {}
        speech_dir = work / ".work" / "cache" / "speech"
        speech = {p.name: p.read_bytes() for p in speech_dir.glob("*")} if speech_dir.is_dir() else {}
        return Shipped(outcome, clips, speech, ray.get_runtime_context().get_node_id())
    finally:
        shutil.rmtree(work, ignore_errors=True)


class RayRunner:
    """A runner with :func:`rendering.jobs.run_all`'s signature that runs every job as a Ray
    task (``workers`` is Ray's business: it is ignored). Safe to use from one thread per
    lecture; ``nodes`` collects the ids of the nodes that ran a task."""

    def __init__(self) -> None:
        import ray

        self._task = ray.remote(num_cpus=1, max_retries=RETRIES)(_run_remote)
        self.nodes: set[str] = set()
        self._lock = threading.Lock()

    def __call__(self, jobs: Sequence[Job], lecture: Lecture, data: SceneData,
                 settings: RenderSettings, workers: int = 0, verbose: bool = False,
                 done: Optional[Callable[[Job, Outcome], None]] = None) -> list[Outcome]:
        import ray

        lecture_ref, data_ref = ray.put(lecture), ray.put(data)  # once for all its tasks
        order = sorted(range(len(jobs)), key=lambda i: -jobs[i].weight)  # largest first
        pending = {self._task.remote(jobs[i], lecture_ref, data_ref, settings, verbose): i
                   for i in order}
        results: dict[int, Outcome] = {}
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            i = pending.pop(ready[0])
            results[i] = self._receive(jobs[i], ready[0], settings)
            if done:
                done(jobs[i], results[i])
        return [results[i] for i in range(len(jobs))]

    def _receive(self, job: Job, ref: Any, settings: RenderSettings) -> Outcome:
        """The task's outcome with its clips written into the job's folder (the driver's)."""
        import ray

        try:
            shipped: Shipped = ray.get(ref)
        except ray.exceptions.RayError as exc:  # the worker died, and again when retried
            why = type(exc).__name__
            return Outcome(job.seq.stem, error=f"its Ray worker died {RETRIES + 1} times "
                                               f"(retried {RETRIES}x): {why}", trace=str(exc))
        with self._lock:
            self.nodes.add(shipped.node)
        outcome = shipped.outcome
        folder = job.work / "ray"
        folder.mkdir(parents=True, exist_ok=True)
        for name, blob in shipped.clips.items():
            (folder / f"{name}.mp4").write_bytes(blob)
            outcome.clips[name] = folder / f"{name}.mp4"
        store = settings.output_dir / ".work" / "cache" / "speech"
        for name, blob in shipped.speech.items():
            if not (store / name).exists():  # stored by key: an existing file is the same
                store.mkdir(parents=True, exist_ok=True)
                tmp = store / f".{name}.{os.getpid()}.tmp"
                tmp.write_bytes(blob)
                os.replace(tmp, store / name)
        return outcome


__all__ = ["RayRunner", "Shipped", "connect"]
