"""What a lecture asks the pipeline to probe: the sample digit, the rotated digit, the user's
image files (with their content hashes, so that an edited image is probed again), and how the
held-out digits are chosen from it.

    sel = Selection(digit=7, rule="both_correct", nth=0)   # or read_selection(path)
    idx = sample_index(sel, labels, outs)

``make data`` writes the lecture's part with :func:`selection_from_lecture` (a JSON file, so
that Make sees a change) and the probes read it back with :func:`read_selection`.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np

from contract.scene_data import Kind

from .config import Config
from .results import ModelOutputs


@dataclass(frozen=True)
class Selection:
    """What the lecture asks the pipeline to probe (see lectures/default.yaml)."""
    index: Optional[int] = None
    digit: int = 7
    rule: str = "both_correct"
    nth: int = 0
    rotation_digit: int = 1
    rotation_nth: int = 0
    images: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, d: dict) -> "Selection":
        """The inverse of :func:`selection_from_lecture` (the content hashes are not needed)."""
        return cls(index=d["sample"].get("index"), digit=d["sample"]["digit"],
                   rule=d["sample"]["rule"], nth=d["sample"]["nth"],
                   rotation_digit=d["rotation"]["digit"], rotation_nth=d["rotation"]["nth"],
                   images=tuple(i["path"] for i in d.get("images", [])))


class SelectionError(ValueError):
    """The lecture asks for a digit the held-out set does not have."""


def selection_from_lecture(lecture_path: Path, cfg: Config) -> dict:
    """Validate the lecture and extract the pipeline's part of it as a JSON-able dict.

    Raises ``contract.lecture.LectureError`` (a ValueError naming the key and line)."""
    from contract.lecture import check_index, load_lecture  # pure pydantic: no manim import

    lecture = load_lecture(lecture_path)
    check_index(lecture, cfg.train.n_heldout)
    s = lecture.sample
    images = []
    for p in lecture.unrelated.images:
        p = Path(p)
        images.append({"path": str(p.resolve()),
                       "sha256": hashlib.sha256(p.read_bytes()).hexdigest()})
    return {"sample": {"index": s.index, "digit": s.digit, "rule": s.rule, "nth": s.nth},
            "rotation": {"digit": lecture.rotation.digit, "nth": lecture.rotation.nth},
            "images": images}


def read_selection(path: Path | None) -> Selection:
    """The selection file ``make data`` wrote, or the defaults when there is none."""
    if path is None or not Path(path).exists():
        return Selection()
    return Selection.from_dict(json.loads(Path(path).read_text()))


def check_position(key: str, value: int, n: int, there: str) -> None:
    """The one range check of a position the lecture asks for (an index, an nth): 0 <= value < n,
    else a SelectionError naming the lecture key and what ``there`` is."""
    if not 0 <= value < n:
        raise SelectionError(f"{key}: {value} is out of range: {there}")


def choose(rule: str, digit: int, nth: int, labels: np.ndarray, outs: dict[Kind, ModelOutputs],
           key: str = "sample") -> int:
    """The nth held-out image of ``digit`` satisfying ``rule``, judged by both models' outputs on
    the held-out set; ``key`` names the lecture YAML block in errors."""
    sp, ep = outs["softmax"].pred, outs["edl"].pred
    ok = labels == digit
    if rule == "both_correct":
        ok &= (sp == labels) & (ep == labels)
    elif rule == "softmax_wrong":
        ok &= sp != labels
    elif rule != "any":
        raise SelectionError(f"unknown rule {rule!r}")
    found = np.flatnonzero(ok)
    check_position(f"{key}.nth", nth, len(found),
                   f"the held-out set has only {len(found)} image(s) of digit {digit} matching "
                   f"rule {rule!r} (nth counts from 0)")
    return int(found[nth])


def sample_index(sel: Selection, labels: np.ndarray, outs: dict[Kind, ModelOutputs]) -> int:
    """The held-out position of the forward-pass digit: ``sel.index``, or the rule's choice."""
    if sel.index is None:
        return choose(sel.rule, sel.digit, sel.nth, labels, outs)
    n = len(labels)
    check_position("sample.index", sel.index, n, f"the held-out set has {n} digits (0..{n - 1})")
    return sel.index


def rotation_index(sel: Selection, labels: np.ndarray, outs: dict[Kind, ModelOutputs]) -> int:
    """The held-out position of the rotated digit (one both models get right)."""
    return choose("both_correct", sel.rotation_digit, sel.rotation_nth, labels, outs,
                  key="rotation")
