"""Command line of the pipeline (the Makefile calls these).

    python -m pipeline config --preset default [--set seed=1 ...] --write scene_data/.config.json
    python -m pipeline selection LECTURE.yaml --write scene_data/.selection.json
    python -m pipeline train --config scene_data/.config.json [--out scene_data]
    python -m pipeline probe --config scene_data/.config.json --selection scene_data/.selection.json
    python -m pipeline data  [--preset tiny] [--out DIR]      # train + probe in one go
    python -m pipeline bench [--seeds 0 1 2]                  # figures for the README
    python -m pipeline sweep [--seeds 0 1 2]                  # choose the evidence function
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import config as cfgmod


def write_if_changed(path: Path, text: str) -> bool:
    """Write only when the content differs, so that Make sees no change otherwise."""
    path = Path(path)
    if path.exists() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


def _parse_sets(items: list[str]) -> dict:
    out: dict = {}
    for item in items:
        if "=" not in item:
            raise SystemExit(f"error: --set takes key=value, got {item!r}")
        k, v = item.split("=", 1)
        try:
            out[k] = json.loads(v)
        except json.JSONDecodeError:
            out[k] = v  # a bare word such as mnist or softplus
    return out


def _config(args: argparse.Namespace) -> cfgmod.Config:
    if getattr(args, "config", None):
        return cfgmod.from_dict(json.loads(Path(args.config).read_text()))
    return cfgmod.from_name(args.preset, **_parse_sets(args.set or []))


def _with_config(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", type=Path, help="a config JSON written by `config`")
    p.add_argument("--preset", default="default", choices=sorted(cfgmod.PRESETS))
    p.add_argument("--set", action="append", metavar="KEY=VALUE",
                   help="override a training setting, e.g. seed=1 or dataset=mnist")
    p.add_argument("--out", type=Path, default=Path("scene_data"))
    p.add_argument("--quiet", action="store_true")


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("config", help="write the resolved configuration")
    _with_config(p)
    p.add_argument("--write", type=Path, required=True)
    p = sub.add_parser("selection", help="extract what the lecture asks the pipeline to probe")
    p.add_argument("lecture", type=Path)
    p.add_argument("--write", type=Path, required=True)
    _with_config(p)
    for name in ("train", "probe", "data"):
        p = sub.add_parser(name)
        _with_config(p)
        p.add_argument("--selection", type=Path)
    p = sub.add_parser("bench", help="train + dump the default configuration and print figures")
    _with_config(p)
    p.add_argument("--seeds", type=int, nargs="+", default=[0])
    p.add_argument("--markdown", action="store_true", help="print the README results table")
    p = sub.add_parser("sweep", help="train every EDL evidence candidate and apply the rule")
    _with_config(p)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    return ap


def _run(args: argparse.Namespace, cfg: cfgmod.Config) -> None:
    """Carry out one command with its resolved configuration."""
    if args.cmd == "config":
        write_if_changed(args.write, json.dumps(cfg.to_dict(), indent=1, sort_keys=True))
        return
    if args.cmd == "selection":
        from .selection import selection_from_lecture

        sel = selection_from_lecture(args.lecture, cfg)
        write_if_changed(args.write, json.dumps(sel, indent=1, sort_keys=True))
        return
    from . import run
    from .selection import read_selection

    if args.cmd in ("train", "data"):
        run.train(cfg, args.out, progress=not args.quiet)
    if args.cmd in ("probe", "data"):
        written = run.probe(cfg, args.out, read_selection(args.selection),
                            progress=not args.quiet)
        if not args.quiet:
            print(f"  wrote {len(written) + 1} scene_data files to {args.out}/")
    if args.cmd == "bench":
        from .bench import bench

        bench(cfg, args.seeds, args.out, markdown=args.markdown)
    if args.cmd == "sweep":
        from .sweep import sweep

        text, chosen = sweep(cfg, args.seeds, progress=not args.quiet)
        print(text)
        print(f"\nchosen: {chosen.name if chosen else 'none (no candidate keeps the accuracy)'}")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from .datasets import DatasetError

    try:
        _run(args, _config(args))
        return 0
    except (DatasetError, ValueError, FileNotFoundError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
