"""The script an educator reads aloud for ``narration.engine: recorded``.

    python -m rendering.narrate script --lecture my.yaml [--data scene_data] [--out FILE]

Writes (default ``<output_dir>/narration-script.md``), per sequence and section: the file to
record (``recordings/<sequence>/<NN_section>.wav``), the words with every number filled in
from scene_data, and the section's current (silent) length. A longer recording slows that
section's animation to fit it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Optional, Sequence

from contract.lecture import Lecture, LectureError, load_lecture
from rendering.narration.narrator import expected_recording
from rendering.narration.transcript import clock


def section_rows(lecture: Lecture, data: Any) -> list[tuple[str, list[tuple[str, Path, float, str]]]]:
    """(part title, [(section, recording path, silent seconds, words)]) of every part, from a
    silent timing pass of each scene (no frame drawn)."""
    from manim import tempconfig

    from contract import sequences as registry
    from contract.titles import sequence_title
    from rendering.jobs import timing_pass
    from rendering.render import enabled, info_of
    from scenes.base import scene_class

    out = []
    for seq in [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]:
        info = info_of(seq)
        if info is None:
            continue
        with tempconfig({"pixel_width": 160, "pixel_height": 90, "frame_rate": 5,
                         "disable_caching": True, "progress_bar": "none", "verbosity": "ERROR"}):
            scene = timing_pass(scene_class(seq), lecture, data)
        rows = []
        for name in enabled(info, lecture):
            a, b = scene.section_spans.get(name, (0.0, 0.0))
            path = expected_recording(lecture, info.sequence, info.sections, name)
            rows.append((name, path, b - a, scene.spoken.get(name, "")))
        out.append((sequence_title(lecture, seq).replace("\n", " "), rows))
    return out


def format_script(title: str, parts: Sequence[tuple[str, list[tuple[str, Path, float, str]]]],
                  root: Optional[Path] = None) -> str:
    """The script as Markdown: a heading per part, per section the file, length and words."""
    lines = [f"# Narration script: {title.replace(chr(10), ' ')}", "",
             "Record each section as its own file (WAV, MP3 or M4A; the extension you like).",
             "The length is the section's silent length: take longer and its animation slows",
             "down to your voice.", ""]
    for part, rows in parts:
        lines += [f"## {part}", ""]
        for name, path, seconds, words in rows:
            shown = path.relative_to(root) if root and path.is_relative_to(root) else path
            lines += [f"### {shown}.wav  ({clock(seconds)}, {seconds:.1f} s)", "",
                      words or "(nothing to say: no caption)", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rendering.narrate", description=__doc__.split("\n")[0])
    ap.add_argument("command", choices=["script"])
    ap.add_argument("--lecture", required=True)
    ap.add_argument("--data", default=None, help="scene_data folder (default: the repo's)")
    ap.add_argument("--out", default=None, help="file to write (default: <output_dir>/narration-script.md)")
    args = ap.parse_args(argv)
    try:
        lecture = load_lecture(args.lecture)
    except LectureError as exc:
        print(exc, file=sys.stderr)
        return 2
    from rendering.media import atomic_write_text
    from rendering.render import load_data

    parts = section_rows(lecture, load_data(args.data))
    dst = Path(args.out) if args.out else lecture.render_settings.output_dir / "narration-script.md"
    root = lecture.narration.recordings.parent
    atomic_write_text(dst, format_script(lecture.title_card.title, parts, root))
    print(f"narration script -> {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
