"""The frozen scene_data fixture: a tiny dump committed to the repository, so that the behaviour
snapshots and the design rules read the same numbers on every machine.

A model trained on the spot differs in the 7th digit from one CPU (or thread count, or SIMD
path) to another, and t-SNE more than that; a sentence chosen by a threshold can then change and
a section last longer. The snapshots therefore never read a fresh run: they read this folder.

    from tests.frozen import FROZEN, load
    data = load()                        # contract.SceneData of tests/fixtures/scene_data

Make it again only when the scene_data schema changes (then retake the snapshots too):
``.venv/bin/python -m tests.frozen`` trains the tiny configuration (seed 0) and writes the
JSON files here, without the checkpoints.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from contract import scene_data as contract

#: the committed dump (JSON only: the scenes never read checkpoints)
FROZEN = Path(__file__).resolve().parent / "fixtures" / "scene_data"


def load() -> contract.SceneData:
    """The frozen dump, validated like any scene_data folder."""
    return contract.load_all(FROZEN)


def make(out: Path = FROZEN) -> Path:
    """Train and probe the tiny configuration and keep its JSON files in ``out``."""
    from pipeline import config, run
    from pipeline.selection import Selection

    with tempfile.TemporaryDirectory() as tmp:
        cfg = config.tiny()
        run.train(cfg, Path(tmp), progress=False)
        run.probe(cfg, Path(tmp), Selection(), progress=False)
        out.mkdir(parents=True, exist_ok=True)
        for old in out.glob("*.json"):
            old.unlink()
        for cls in contract.FILES:
            shutil.copy2(Path(tmp) / cls.FILE, out / cls.FILE)
    return out


if __name__ == "__main__":
    print(f"wrote {make(Path(sys.argv[1]) if len(sys.argv) > 1 else FROZEN)}")
