"""What a lecture asks the pipeline to probe: the sample digit, the rotated digit, the user's
image files (with their content hashes, so that an edited image is probed again)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .config import Config


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
