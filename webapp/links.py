"""Which chapter of the lecture explains each explainer panel.

A panel names a (sequence, section) of :mod:`contract.sequences`; a rendered lecture publishes
each section of a sequence as ``<stem>_sections/NN_<section>.mp4``, NN its chapter number in
that sequence's video (``rendering.publish``), so the chapter is read off the clip's file name,
never guessed from a translated title:

    for_lectures(state.lectures())[0].panels["conv1"].start     # seconds into the video
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .explain_schemas import ChapterLink, LectureLinks

#: panel -> (sequence, section) that explains it (tests check each is a registered section)
PANELS: dict[str, tuple[str, str]] = {
    "network": ("cnn_forward_pass", "architecture"),
    "input": ("cnn_forward_pass", "pixels"),
    "conv1": ("cnn_forward_pass", "convolution"),
    "relu1": ("cnn_forward_pass", "relu"),
    "pool1": ("cnn_forward_pass", "pooling"),
    "conv2": ("cnn_forward_pass", "deeper"),
    "relu2": ("cnn_forward_pass", "deeper"),
    "pool2": ("cnn_forward_pass", "deeper"),
    "fc1": ("cnn_forward_pass", "classifier"),
    "logits": ("cnn_forward_pass", "classifier"),
    "softmax_head": ("cnn_forward_pass", "softmax"),
    "edl_head": ("edl_pass", "dirichlet_numbers"),
    "attack": ("comparison", "adversarial"),
    "timeline": ("cnn_forward_pass", "training"),
}

CLIP = re.compile(r"^(\d+)_(.+)\.[A-Za-z0-9]+$")


def for_lectures(lectures: list[Any]) -> list[LectureLinks]:
    """Each lecture's links (see :data:`PANELS`), in the order the lectures are listed."""
    return [LectureLinks(lecture=lec.id, panels=_panels(lec)) for lec in lectures]


def _panels(lec: Any) -> dict[str, ChapterLink]:
    found: dict[tuple[str, str], ChapterLink] = {}
    for v_index, video in enumerate(lec.videos):
        for section in video.get("sections", []):
            name, chapter = _clip_section(lec, section.get("url", ""))
            chapters = video.get("chapters") or []
            if name is None or not 0 <= chapter < len(chapters):
                continue
            c = chapters[chapter]
            found[(video["sequence"], name)] = ChapterLink(
                sequence=video["sequence"], section=name, video=v_index, chapter=chapter,
                start=float(c["start"]), title=str(c["title"]))
    return {panel: found[key] for panel, key in PANELS.items() if key in found}


def _clip_section(lec: Any, url: str) -> tuple[str | None, int]:
    """(section name, chapter index) of a section clip's media URL, from its file name."""
    try:
        media = lec.files[int(url.rsplit("/", 1)[-1])]
    except (KeyError, ValueError):
        return None, -1
    m = CLIP.match(Path(media.path).name)
    return (m.group(2), int(m.group(1)) - 1) if m else (None, -1)
