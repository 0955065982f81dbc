"""Copies of text and formulas share the parsed SVG their glyphs were made from.

Manim keeps each glyph's parsed ``svgelements`` path on the mobject (``path_obj``) after turning
it into points, and :meth:`Mobject.copy` deep-copies it with everything else. Every Transform and
Fade copies what it animates, so most of a lecture's Python time went into copying those parsed
paths (about 13,000 objects per copied caption). The path is read only when the glyph's points
are made (``VMobjectFromSVGPath.generate_points``, at construction), so copies can share it; the
points, colours and everything a frame is drawn from are still copied.

    import scenes.visuals.svgcopy  # noqa: F401  (once, before any scene runs)
"""
from __future__ import annotations

from typing import Any

from manim import Mobject
from manim.mobject.svg.svg_mobject import VMobjectFromSVGPath


def _deepcopy_sharing_path(self: VMobjectFromSVGPath, memo: dict[int, Any]) -> VMobjectFromSVGPath:
    path = self.__dict__.get("path_obj")
    if path is not None:
        memo[id(path)] = path  # deepcopy returns what the memo holds: the same parsed path
    return Mobject.__deepcopy__(self, memo)


VMobjectFromSVGPath.__deepcopy__ = _deepcopy_sharing_path  # type: ignore[method-assign]
