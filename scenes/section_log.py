"""What each section of a lecture scene drew, when, and with which numbers: kept once, by
:class:`scenes.base.LectureScene`, for the tests' harness, audits and the render machinery
(section spans), so that no sequence keeps its own copy.

    scene.section_log["rotated_digit"].kept["rotation_chart"]   # a named piece (keep)
    scene.section_log["rotated_digit"].numbers                  # [(source, value), ...]
    scene.section_log["pixels"].complete                        # when its picture was whole
    scene.section_log["unrelated_inputs"].moments["page_end"]   # [t, ...] (moment)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import numpy as np

from scenes.visuals.theme import FRAME_HEIGHT, FRAME_WIDTH


@dataclass
class SectionRecord:
    """One section, on the scene's clock (seconds)."""
    start: float
    #: when its captions ended, before the closing fade-out (None while it is drawn)
    captioned: float | None = None
    #: what stood on stage then (title bar included), before the fade-out took it away
    on_stage: list[Any] = field(default_factory=list)
    #: after the closing fade-out
    end: float | None = None
    #: when its main picture was complete (:meth:`LectureScene.mark`), and what to probe then:
    #: (scene point, the hex colour that must be drawn there)
    complete: float | None = None
    probes: list[tuple[np.ndarray, str]] = field(default_factory=list)
    #: parts that left the frame at the mark: "Class x[..] y[..]" (should stay empty)
    outside: list[str] = field(default_factory=list)
    #: named pieces whose geometry tests read (:meth:`LectureScene.keep`)
    kept: dict[str, Any] = field(default_factory=dict)
    #: named moments within the section (:meth:`LectureScene.moment`)
    moments: dict[str, list[float]] = field(default_factory=dict)
    #: (source, value) of every number drawn in it, in drawing order
    numbers: list[tuple[str, float]] = field(default_factory=list)


def outside_frame(mobjects: Iterable[Any], margin: float = 0.0, slack: float = 0.0,
                  frame: tuple[float, float] = (FRAME_WIDTH, FRAME_HEIGHT)) -> list[str]:
    """Every part of ``mobjects`` (their families) whose points leave the frame shrunk by
    ``margin`` by more than ``slack``.

        outside_frame([Dot([9, 0, 0])])   # ['Dot x[8.92, 9.08] y[-0.08, 0.08]']
    """
    half_w, half_h = frame[0] / 2 - margin + slack, frame[1] / 2 - margin + slack
    found = []
    for mob in mobjects:
        for m in mob.get_family():
            pts = getattr(m, "points", None)
            if pts is None or len(pts) == 0:
                continue
            x0, y0 = pts[:, 0].min(), pts[:, 1].min()
            x1, y1 = pts[:, 0].max(), pts[:, 1].max()
            if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
                found.append(f"{type(m).__name__} x[{x0:.2f}, {x1:.2f}] y[{y0:.2f}, {y1:.2f}]")
    return found


__all__ = ["SectionRecord", "outside_frame"]
