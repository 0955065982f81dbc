"""What stands on stage at one moment, as plain geometry, and the design rules checked on it
(``docs/design-rules.md``): inside the frame, margins, the caption-safe area, the minimum text
size, and no text overlapping other text or lines.

    shot = Shot.of(scene.mobjects, section="belief_bar", time=43.6, moment="end")
    for finding in check(shot):
        print(finding)      # belief_bar @ 43.6 s (end): overlap: text 'u 0.022' × text '其余 b'

Geometry is kept in scene units; the limits are the rules' pixels at 1080p, converted with the
frame height (8 units = 1080 px), so they scale with the resolution.

Opting out: a mobject (or any ancestor) with ``overlap_ok = True`` (see
``scenes.visuals.text.allow_overlap``) is left out of the overlap checks, for intended overlaps
such as text on its own background box.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from manim import (ImageMobject, MathTex, Mobject, SingleStringMathTex, Tex, Text, VMobject,
                   config)
from manim.mobject.text.text_mobject import MarkupText, Paragraph

#: pixels per scene unit at 1080p (the frame is 8 units high)
PX = 1080 / 8.0
MARGIN_PX = 60.0
CAP_PX = 22.0
#: fraction of the frame height above which everything but the subtitles must stay
SAFE_FRACTION = 0.86
#: glyph boxes are shrunk by this much before overlaps are tested (anti-aliasing, touching edges)
TOUCH_PX = 1.5
#: cap height per font-size point, measured on "H" and "0": Pango text (DejaVu Sans and Noto
#: Sans CJK SC agree within 1%) and LaTeX (Computer Modern)
CAP_PER_POINT = {"text": 0.0102, "tex": 0.0085}
TEXT_TYPES = (Text, MarkupText, Paragraph, MathTex, Tex, SingleStringMathTex)
VISIBLE = 0.05


@dataclass
class TextItem:
    label: str
    text: str  # the whole string drawn
    glyphs: np.ndarray  # (n, 4) boxes x0, y0, x1, y1
    cap_px: float | None  # cap height at 1080p; None when unknown (mid-morph)
    optout: bool

    @property
    def box(self) -> np.ndarray:
        g = self.glyphs
        return np.array([g[:, 0].min(), g[:, 1].min(), g[:, 2].max(), g[:, 3].max()])


@dataclass
class LineItem:
    label: str
    segments: np.ndarray  # (n, 2, 2): polyline pieces through the stroke
    optout: bool


@dataclass
class Shot:
    """The stage at one moment: texts, stroke-only lines and every visible box."""

    section: str
    time: float
    moment: str  # "end" (after a play or wait) or "mid" (halfway through a play)
    texts: list[TextItem] = field(default_factory=list)
    lines: list[LineItem] = field(default_factory=list)
    boxes: list[tuple[str, np.ndarray]] = field(default_factory=list)

    @classmethod
    def of(cls, mobjects: Iterable[Mobject], section: str, time: float, moment: str) -> Shot:
        shot = cls(section, time, moment)
        for m in mobjects:
            shot._walk(m, optout=False)
        return shot

    def _walk(self, m: Mobject, optout: bool) -> None:
        optout = optout or bool(getattr(m, "overlap_ok", False))
        if isinstance(m, TEXT_TYPES):
            self._add_text(m, optout)
            return
        if isinstance(m, ImageMobject):
            self.boxes.append((type(m).__name__, _box(m)))
            return
        if not m.submobjects:
            if _visible(m):
                self.boxes.append((_name(m), _box(m)))
                if _is_line(m):
                    self.lines.append(LineItem(_name(m), _segments(m), optout))
            return
        if len(m.points) and _visible(m):  # a VMobject that has both points and children
            self.boxes.append((_name(m), _box(m)))
        for sub in m.submobjects:
            self._walk(sub, optout)

    def _add_text(self, m: Mobject, optout: bool) -> None:
        leaves = [g for g in m.family_members_with_points() if _visible(g)]
        if not leaves:
            return
        glyphs = np.array([_box(g) for g in leaves])
        label, whole = _text_label(m), _text_of(m)
        self.texts.append(TextItem(label, whole, glyphs, _cap_px(m), optout))
        self.boxes.append((f"text {label!r}", TextItem(label, whole, glyphs, None, optout).box))


def _name(m: Mobject) -> str:
    return type(m).__name__


def _text_of(m: Mobject) -> str:
    s = getattr(m, "original_text", None) or getattr(m, "text", None) \
        or getattr(m, "tex_string", None) or type(m).__name__
    return str(s)


def _text_label(m: Mobject) -> str:
    s = " ".join(_text_of(m).split())
    return s if len(s) <= 40 else s[:37] + "..."


def _box(m: Mobject) -> np.ndarray:
    """The bounding box of ``m`` and its family: what ``get_corner`` gives (the extent of every
    point), read off the points at once (get_corner walks the family twice per corner)."""
    pts = m.get_all_points()
    if len(pts) == 0:
        (x0, y0, _), (x1, y1, _) = m.get_corner(np.array([-1, -1, 0])), m.get_corner(np.array([1, 1, 0]))
        return np.array([x0, y0, x1, y1], dtype=float)
    lo, hi = pts[:, :2].min(axis=0), pts[:, :2].max(axis=0)
    return np.array([lo[0], lo[1], hi[0], hi[1]], dtype=float)


def _visible(m: Mobject) -> bool:
    if isinstance(m, ImageMobject):
        return True
    if not isinstance(m, VMobject) or len(m.points) == 0:
        return False
    fill = m.get_fill_opacity() > VISIBLE
    stroke = m.get_stroke_opacity() > VISIBLE and m.get_stroke_width() > 0
    return bool(fill or stroke)


def _is_line(m: Mobject) -> bool:
    """A stroke-only path: axes, leader lines, curves, outlines (filled shapes are backgrounds)."""
    return (isinstance(m, VMobject) and m.get_fill_opacity() <= VISIBLE
            and m.get_stroke_opacity() > VISIBLE and m.get_stroke_width() > 0)


def _segments(m: VMobject, per_curve: int = 8) -> np.ndarray:
    """The stroke as straight pieces: every cubic Bézier sampled at ``per_curve`` steps."""
    pts = m.points[: len(m.points) // 4 * 4].reshape(-1, 4, 3)[:, :, :2]
    t = np.linspace(0.0, 1.0, per_curve + 1)[None, :, None]
    p0, p1, p2, p3 = (pts[:, i][:, None, :] for i in range(4))
    curve = ((1 - t) ** 3) * p0 + 3 * ((1 - t) ** 2) * t * p1 + 3 * (1 - t) * t ** 2 * p2 + t ** 3 * p3
    return np.stack([curve[:, :-1], curve[:, 1:]], axis=2).reshape(-1, 2, 2)


def _cap_px(m: Mobject) -> float | None:
    try:
        size = float(m.font_size)
    except (AttributeError, ZeroDivisionError, ValueError):
        return None
    kind = "tex" if isinstance(m, (MathTex, Tex, SingleStringMathTex)) else "text"
    return size * CAP_PER_POINT[kind] * PX


# -- the rules ------------------------------------------------------------------------------
def _units(px: float) -> float:
    return px / PX


def frame_box() -> np.ndarray:
    w, h = config.frame_width, config.frame_height
    return np.array([-w / 2, -h / 2, w / 2, h / 2])


def check_edges(shot: Shot) -> Iterator[str]:
    """Inside the frame, at least MARGIN_PX from every edge, nothing below the safe line."""
    f = frame_box()
    safe = f[3] - SAFE_FRACTION * (f[3] - f[1])
    m = _units(MARGIN_PX)
    eps = _units(0.5)
    for label, b in shot.boxes:
        if b[0] < f[0] - eps or b[2] > f[2] + eps or b[1] < f[1] - eps or b[3] > f[3] + eps:
            yield f"outside the frame: {label} {_px(b)}"
            continue
        gaps = {"left": b[0] - f[0], "right": f[2] - b[2], "top": f[3] - b[3]}
        for side, gap in gaps.items():
            if gap < m - eps:
                yield f"margin {side} {gap * PX:.0f} px < {MARGIN_PX:.0f}: {label} {_px(b)}"
        if b[1] < safe - eps:
            yield f"caption area: {label} reaches {(f[3] - b[1]) * PX:.0f} px of 1080 {_px(b)}"


def check_sizes(shot: Shot) -> Iterator[str]:
    for t in shot.texts:
        if t.cap_px is not None and t.cap_px < CAP_PX - 0.5:
            yield f"text too small: {t.label!r} cap height {t.cap_px:.0f} px < {CAP_PX:.0f}"


def _overlaps(a: np.ndarray, b: np.ndarray, shrink: float) -> np.ndarray:
    """(len(a), len(b)) booleans: boxes that overlap by more than ``shrink`` on both axes."""
    return ((np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) > shrink)
            & (np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) > shrink))


def _crosses(segments: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """(len(boxes),) booleans: does any segment enter the box (slab test)?"""
    p, d = segments[:, 0], segments[:, 1] - segments[:, 0]
    lo, hi = boxes[:, :2], boxes[:, 2:]
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / d[:, None, :]
        t0 = (lo[None] - p[:, None]) * inv
        t1 = (hi[None] - p[:, None]) * inv
    still = d[:, None, :] == 0  # a segment parallel to an axis: inside that slab or never
    inside = (p[:, None] >= lo[None]) & (p[:, None] <= hi[None])
    tmin = np.where(still, np.where(inside, -np.inf, np.inf), np.minimum(t0, t1)).max(axis=2)
    tmax = np.where(still, np.where(inside, np.inf, -np.inf), np.maximum(t0, t1)).min(axis=2)
    hit = (np.maximum(tmin, 0.0) <= np.minimum(tmax, 1.0))
    return hit.any(axis=0)


def _shrunk(boxes: np.ndarray, by: float) -> np.ndarray:
    return boxes + np.array([by, by, -by, -by])


def check_overlaps(shot: Shot, lines: bool = True) -> Iterator[str]:
    """Glyph boxes of one text against another text's glyphs, and (``lines``) against
    stroke-only lines."""
    s = _units(TOUCH_PX)
    texts = [t for t in shot.texts if not t.optout]
    for i, a in enumerate(texts):
        for b in texts[i + 1:]:
            if _overlaps(a.box[None], b.box[None], s)[0, 0] and _overlaps(a.glyphs, b.glyphs, s).any():
                yield f"overlap: text {a.label!r} × text {b.label!r}"
    strokes = [ln for ln in shot.lines if lines and not ln.optout and len(ln.segments)]
    for t in texts:
        glyphs = _shrunk(t.glyphs, s)
        for ln in strokes:
            if _crosses(ln.segments, _shrunk(t.box[None], s)).any() and _crosses(ln.segments, glyphs).any():
                yield f"overlap: text {t.label!r} × line {ln.label}"


def check_typography(shot: Shot) -> Iterator[str]:
    """Chinese typography of every text drawn (scenes.wording.typography_problems)."""
    from scenes.wording import typography_problems

    for t in shot.texts:
        if not isinstance(t.text, str) or "\\" in t.text:  # LaTeX source: not prose
            continue
        for problem in typography_problems(t.text):
            yield f"typography: {problem} in {t.label!r}"


def check(shot: Shot) -> list[str]:
    """Every rule on one moment. Halfway through a play only text over text counts (a
    cross-fade); a line or box passing a label in motion, sizes and edges count at rest."""
    found = list(check_overlaps(shot, lines=shot.moment == "end"))
    if shot.moment == "end":
        found += list(check_edges(shot)) + list(check_sizes(shot)) + list(check_typography(shot))
    return found


def _px(b: np.ndarray) -> str:
    """A box as 1080p pixels from the top-left corner: (x0, y0)-(x1, y1)."""
    f = frame_box()
    x0, x1 = (b[0] - f[0]) * PX, (b[2] - f[0]) * PX
    y0, y1 = (f[3] - b[3]) * PX, (f[3] - b[1]) * PX
    return f"({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f})"


@dataclass(frozen=True)
class Finding:
    section: str
    time: float
    moment: str
    what: str

    def __str__(self) -> str:
        return f"{self.section} @ {self.time:.1f} s ({self.moment}): {self.what}"


def findings(shots: Sequence[Shot]) -> list[Finding]:
    """Every rule on every moment; a finding repeated in one section is reported once, at its
    first moment."""
    seen: set[tuple[str, str]] = set()
    out = []
    for shot in shots:
        for what in check(shot):
            key = (shot.section, _without_place(what))
            if key not in seen:
                seen.add(key)
                out.append(Finding(shot.section, shot.time, shot.moment, what))
    return out



def _without_place(what: str) -> str:
    """A finding without where it is (a moving object is reported once): boxes and pixel
    counts go, the labels stay."""
    what = re.sub(r"\(\d+,\d+\)-\(\d+,\d+\)", "", what)
    return re.sub(r"(reaches |margin \w+ |height )\d+", r"\1#", what)
