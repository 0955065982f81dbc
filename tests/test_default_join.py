"""The shipped default lecture itself (real registry, real scenes, tiny data), in miniature: one
section per sequence at 160x90, joined into lecture.mp4 by stream copy."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from contract import sequences
from contract.lecture import DEFAULT_PATH, load_lecture
from rendering import media, render

pytestmark = pytest.mark.render


def test_the_default_lecture_joins_without_reencoding(tiny_data: Any, tmp_path: Path) -> None:
    default = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    names = default["sequences"]
    lecture_yaml = tmp_path / "default_small.yaml"
    lecture_yaml.write_text(yaml.safe_dump({
        "sections": {n: [sequences.SEQUENCES[n].sections[0]] for n in names},
        "render": {"quality": "preview", "width": 160, "height": 90, "fps": 5,
                   "output_dir": str(tmp_path / "out")},
    }), encoding="utf-8")
    lecture = load_lecture(lecture_yaml)
    assert lecture.sequences == names  # the default's own list of sequences

    assert render.render_lecture(lecture, tiny_data, workers=1).ok
    out = tmp_path / "out"
    parts = [out / f"{s.stem}.mp4" for s in [sequences.TITLE] + [sequences.SEQUENCES[n] for n in names]]
    assert all(p.exists() for p in parts), [p.name for p in parts if not p.exists()]
    # every packet of lecture.mp4 is a packet of a part, in order: nothing was re-encoded
    assert media.packet_digests(out / "lecture.mp4") == sum(
        (media.packet_digests(p) for p in parts), [])
