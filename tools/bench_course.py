"""make bench-course: a course of the default and the Chinese lecture, cold, on Ray against
`make render` of each lecture one after the other on this machine; then the no-op course re-run.

    python tools/bench_course.py [--data scene_data] [--quality preview]

Both sides render copies of lectures/default.yaml and lectures/zh.yaml whose output folders lie
under renders/.bench/ (the lectures' own folders are not touched), each side cold: its folders
and its course cache emptied first. Ray is local unless RAY_ADDRESS names a cluster. Prints the
times, their ratio, whether the published files of both sides are byte-identical, and the
machine's load. Figures only: nothing here passes or fails.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "renders" / ".bench"
LECTURES = {"default": ROOT / "lectures" / "default.yaml", "zh": ROOT / "lectures" / "zh.yaml"}


def copy_of(name: str, side: str) -> Path:
    """The lecture with its output folder under renders/.bench/<side>/ (written beside the
    original, so that its relative paths and the default it merges over stay the same)."""
    doc = yaml.safe_load(LECTURES[name].read_text(encoding="utf-8"))
    doc.setdefault("render", {})["output_dir"] = str(BENCH / side / name)
    path = LECTURES[name].with_name(f".bench-{side}-{name}.yaml")
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and ".work" not in p.parts
            and p.name != "manifest.json"}


def timed(cmd: list[str]) -> float:
    t0 = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="scene_data")
    ap.add_argument("--quality", choices=["preview", "production"], default=None)
    args = ap.parse_args()
    quality = ["--quality", args.quality] if args.quality else []
    shutil.rmtree(BENCH, ignore_errors=True)
    local = {n: copy_of(n, "local") for n in LECTURES}
    ray = {n: copy_of(n, "ray") for n in LECTURES}
    course = BENCH / "course.yaml"
    course.parent.mkdir(parents=True, exist_ok=True)
    course.write_text(yaml.safe_dump({"cache": str(BENCH / "ray-cache"), "lectures": [
        {"en": str(ray["default"]), "zh": str(ray["zh"])}]}), encoding="utf-8")
    load0 = os.getloadavg()
    try:
        t_local = {n: timed([sys.executable, "-m", "rendering.render", "--lecture", str(p),
                             "--data", args.data, *quality]) for n, p in local.items()}
        ray_cmd = [sys.executable, "-m", "rendering.course", "--course", str(course),
                   "--data", args.data, *quality]
        t_ray = timed(ray_cmd)
        t_noop = timed(ray_cmd)
    finally:
        for p in [*local.values(), *ray.values()]:
            p.unlink(missing_ok=True)
    load1 = os.getloadavg()
    same = {n: digests(BENCH / "local" / n) == digests(BENCH / "ray" / n) for n in LECTURES}
    n_files = {n: len(digests(BENCH / "ray" / n)) for n in LECTURES}
    total = sum(t_local.values())
    print(f"quality: {args.quality or 'as the lectures say (production)'}; "
          f"Ray: {os.environ.get('RAY_ADDRESS') or 'local'}; {os.cpu_count()} cores")
    for n, t in t_local.items():
        print(f"  make render {n:8s} {t:7.1f} s")
    print(f"  local, one after the other {total:7.1f} s")
    print(f"  course on Ray (cold)       {t_ray:7.1f} s   ratio Ray / local = {t_ray / total:.3f}")
    print(f"  course re-run (no-op)      {t_noop:7.1f} s")
    for n in LECTURES:
        print(f"  {n}: {n_files[n]} published files, byte-identical to the local render: {same[n]}")
    print(f"  load average (1, 5, 15 min) before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
