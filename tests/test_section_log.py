"""The base class's record of each section (scenes.section_log): off-frame parts are named."""
from __future__ import annotations

from manim import Dot, VGroup

from scenes.section_log import outside_frame


def test_outside_frame_names_the_parts_that_leave_it():
    inside, outside = Dot([0, 0, 0]), Dot([9, 0, 0])
    assert outside_frame([inside]) == []
    found = outside_frame([VGroup(inside, outside)])
    assert len(found) == 1 and found[0].startswith("Dot x[8.9"), found

