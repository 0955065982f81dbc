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

The models beyond the lecture pair (MC dropout, the ensemble: the optional ``more`` parts and
models.json) came later. ``.venv/bin/python -m tests.frozen --more`` adds them to the committed
files without touching anything else, so the snapshots of the other sequences stay as they
are: it trains the tiny configuration again and takes only those parts. They come from
another machine than the rest, so where they are paired with EDL (``reference``) the EDL value
can differ from the file's own in the last digits.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from contract import scene_data as contract

from contract import scene_io

#: the committed dump (JSON only: the scenes never read checkpoints)
FROZEN = Path(__file__).resolve().parent / "fixtures" / "scene_data"


def load() -> contract.SceneData:
    """The frozen dump, validated like any scene_data folder."""
    return scene_io.load_all(FROZEN)


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
        for cls in contract.FILES + contract.OPTIONAL_FILES:
            shutil.copy2(Path(tmp) / cls.FILE, out / cls.FILE)
    return out


#: (file, where its optional ``more`` part sits) for :func:`add_more`
MORE_PARTS = (("heldout.json", None), ("rotation.json", None), ("attacks.json", None),
              ("unrelated.json", "sets"))


def add_more(out: Path = FROZEN) -> Path:
    """Add the ``more`` parts and models.json of a fresh tiny run to the dump in ``out``."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        make(Path(tmp) / "run")
        run = Path(tmp) / "run"
        shutil.copy2(run / contract.ModelCosts.FILE, out / contract.ModelCosts.FILE)
        for name, items in MORE_PARTS:
            old = json.loads((out / name).read_text(encoding="utf-8"))
            new = json.loads((run / name).read_text(encoding="utf-8"))
            if items is None:
                old["more"] = new["more"]
            else:
                for a, b in zip(old[items], new[items], strict=True):
                    a["more"] = b["more"]
            (out / name).write_text(json.dumps(old, ensure_ascii=False, separators=(",", ":")),
                                    encoding="utf-8")
    return out


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--more"]
    target = Path(args[0]) if args else FROZEN
    print(f"wrote {add_more(target) if '--more' in sys.argv else make(target)}")
