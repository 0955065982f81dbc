"""The stage the design rules leave free (docs/design-rules.md), in scene units.

The frame is 14.22 x 8 units (8 units = 1080 px at 1080p): keep 60 px from the top, left and
right edges, and everything above the caption-safe line at 86% of the frame height, where course
players draw subtitles.

    tk.keep_on_stage(grid)                        # shifted (and shrunk if needed) into the stage
    label.next_to(bar, UP).shift(...)
    tk.allow_overlap(BackgroundRectangle(label))  # an intended overlap, for the design checks
"""
from __future__ import annotations

from typing import TypeVar

import numpy as np
from manim import Mobject

from scenes.visuals.theme import FRAME_HEIGHT, FRAME_WIDTH

#: scene units per pixel at 1080p
PX = FRAME_HEIGHT / 1080
#: the margin at the top, left and right edges: 60 px at 1080p (and a hair more)
MARGIN = 61 * PX
#: the lowest point of anything on stage: 86% of the frame height from the top
SAFE_BOTTOM = FRAME_HEIGHT / 2 - 0.86 * FRAME_HEIGHT + 2 * PX
#: the stage: x0, y0, x1, y1
STAGE = (-FRAME_WIDTH / 2 + MARGIN, SAFE_BOTTOM, FRAME_WIDTH / 2 - MARGIN, FRAME_HEIGHT / 2 - MARGIN)
#: the smallest font sizes whose cap height is 22 px at 1080p (Pango text, LaTeX)
MIN_TEXT_SIZE = 17
MIN_TEX_SIZE = 20

M = TypeVar("M", bound=Mobject)


def allow_overlap(mobject: M) -> M:
    """Mark an intended overlap (text on its own background box, a label set on its curve) so
    the design checks (tests/stage.py) leave ``mobject`` and its family out; returns it.

        box = allow_overlap(BackgroundRectangle(label))
    """
    mobject.overlap_ok = True
    return mobject


def keep_on_stage(mobject: M, stage: tuple[float, float, float, float] = STAGE) -> M:
    """Shrink ``mobject`` (about its centre) if it is larger than ``stage``, then shift it the
    least distance that puts it inside; returns it.

        tk.keep_on_stage(VGroup(grid, kernel, caption))
    """
    x0, y0, x1, y1 = stage
    if mobject.width > x1 - x0 or mobject.height > y1 - y0:
        mobject.scale(min((x1 - x0) / max(mobject.width, 1e-9), (y1 - y0) / max(mobject.height, 1e-9)))
    shift = np.zeros(3)
    left, right = mobject.get_left()[0], mobject.get_right()[0]
    bottom, top = mobject.get_bottom()[1], mobject.get_top()[1]
    shift[0] = max(0.0, x0 - left) - max(0.0, right - x1)
    shift[1] = max(0.0, y0 - bottom) - max(0.0, top - y1)
    return mobject.shift(shift)


__all__ = ["MARGIN", "MIN_TEXT_SIZE", "MIN_TEX_SIZE", "SAFE_BOTTOM", "STAGE", "allow_overlap",
           "keep_on_stage"]
