"""Render benchmark: cold render, no-op re-render and one-caption edit of a lecture.

    python tools/bench_render.py [--lecture lectures/default.yaml] [--quality production]
                                 [--workers 1 2] [--data scene_data]

For each worker count it copies the lecture to a fresh file at the project root (so it renders
into its own ``renders/bench_<quality>_<n>/``, which is deleted afterwards), then times, each as
``make render`` would run it (``python -m rendering.render`` in a new process):

- cold: an empty output folder; the ratio is render seconds / video seconds;
- no-op: ``make render`` again (its data stages, the lecture check and the render); with
  ``--no-make``, ``python -m rendering.render`` alone;
- caption edit: one word of one caption changed.

It prints the machine's load (``uptime``) before and after; the figures are wall-clock seconds.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rendering import media  # noqa: E402


def run(lecture: Path, quality: str, workers: int, data: str) -> float:
    cmd = [sys.executable, "-m", "rendering.render", "--lecture", str(lecture), "--data", data,
           "--quality", quality, "--workers", str(workers)]
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"render failed:\n{r.stdout}\n{r.stderr}")
    return time.monotonic() - t0


def run_make(lecture: Path, quality: str, workers: int, data: str) -> float:
    """``make render`` as a user types it: the data stages, the check and the render."""
    cmd = ["make", "--no-print-directory", "render", f"LECTURE={lecture}", f"QUALITY={quality}",
           f"WORKERS={workers}", f"DATA={data}"]
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"make render failed:\n{r.stdout}\n{r.stderr}")
    return time.monotonic() - t0


def edit_caption(lecture: Path) -> None:
    """Change one word of the first caption of the first sequence."""
    text = lecture.read_text(encoding="utf-8")
    marker = 'task: "Our task:'
    if marker not in text:
        sys.exit(f"cannot find {marker!r} to edit in {lecture}")
    lecture.write_text(text.replace(marker, 'task: "The task:', 1), encoding="utf-8")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def bench(source: Path, quality: str, workers: int, data: str, make: bool = True) -> dict[str, float]:
    stem = f"bench_{quality}_{workers}"
    lecture = ROOT / f"{stem}.yaml"
    out = ROOT / "renders" / stem
    shutil.rmtree(out, ignore_errors=True)
    shutil.copy(source, lecture)
    try:
        cold = run(lecture, quality, workers, data)
        video = media.probe(out / "lecture.mp4")["duration"]
        noop = (run_make if make else run)(lecture, quality, workers, data)
        edit_caption(lecture)
        caption = run(lecture, quality, workers, data)
    finally:
        lecture.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
    return {"video": video, "cold": cold, "noop": noop, "caption": caption}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lecture", default="lectures/default.yaml")
    ap.add_argument("--quality", nargs="+", default=["production", "preview"])
    ap.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    ap.add_argument("--data", default="scene_data")
    ap.add_argument("--no-make", action="store_true",
                    help="time the no-op as `python -m rendering.render` instead of `make render` "
                         "(a checkout whose data stages are out of date would retrain)")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs; load before: {uptime()}", flush=True)
    print("| quality | workers | video s | cold s | cold / video | no-op s | caption edit s | edit / cold |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for quality in args.quality:
        for workers in args.workers:
            r = bench(ROOT / args.lecture, quality, workers, args.data, make=not args.no_make)
            print(f"| {quality} | {workers} | {r['video']:.1f} | {r['cold']:.1f} | "
                  f"{r['cold'] / r['video']:.2f} | {r['noop']:.1f} | {r['caption']:.1f} | "
                  f"{r['caption'] / r['cold']:.1%} |", flush=True)
    print(f"load after: {uptime()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
