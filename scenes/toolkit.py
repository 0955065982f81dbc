"""Shared visual pieces for the lecture scenes, each drawn from real arrays passed in.

Every piece takes the numbers it shows as arguments (arrays read from ``scene_data/``) and never
invents one; every piece takes its colours and its font as arguments (the scene passes the
theme's), with defaults that match the default theme. Words drawn on screen are arguments too,
so a lecture in another language only changes the YAML. Nothing here imports torch, and nothing
does work at import time.

    from scenes import toolkit as tk

    grid = tk.PixelGrid(digit, cell=0.22, font=theme.font)        # digit: (28, 28) in [0, 1]
    kernel = tk.KernelGrid(w[0, 0], cell=0.55, font=theme.font)   # w: conv1 weights (20,1,5,5)
    panel = tk.MultiplyAddPanel(digit[r:r + 5, c:c + 5], w[0, 0], b[0], font=theme.font)
    panel.check(conv1_pre[0, r, c])                               # raises if they disagree
    atlas = tk.FeatureMapAtlas(conv1_pre, cols=5, width=6.0)      # one image, shared scale
    probs = tk.BarChart10(softmax, highlight=int(softmax.argmax()), font=theme.font)
    self.play(probs.animate_to(other_softmax))

Geometry: the frame is ``FRAME_WIDTH`` x ``FRAME_HEIGHT`` (14.22 x 8 units at 16:9);
:func:`fit_within` scales any piece down into a box.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Union

import numpy as np
from manim import (DOWN, LEFT, ORIGIN, RIGHT, UP, UR, UL, Animation, AnimationGroup, Arrow,
                   Axes, CapStyleType, Circle, Create, DashedVMobject, Dot, FadeIn, Group,
                   ImageMobject, LaggedStart, Line, MathTex, Mobject, MoveAlongPath, Polygon,
                   Rectangle, Square, Text, Transform, Triangle, ValueTracker, VGroup, VMobject)
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.base import TEX_TEMPLATE

# -- frame and default colours (the default theme; scenes pass the lecture theme's) ------------
FRAME_WIDTH: float = 14.222222222222221
FRAME_HEIGHT: float = 8.0
DEFAULT_FONT: str = "DejaVu Sans"
CJK_FONT: str = "Noto Sans CJK SC"

BACKGROUND = "#111318"
TEXT = "#ECEFF4"
MUTED = "#9AA3B2"
ACCENT = "#F0C04A"
SEPARATOR = "#4C566A"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
OKABE_ITO: tuple[str, ...] = (ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE)

NumberFormat = Union[str, Callable[[float], str]]
"""A ``str.format`` pattern such as ``"{:.2f}"`` or a function ``value -> str``."""

MINUS = "\u2212"  # a real minus sign, as wide as a plus


# -- numbers and text ---------------------------------------------------------------------------
def format_number(value: float, fmt: NumberFormat = "{:.2f}", unicode_minus: bool = True) -> str:
    """Format one real number for the screen: no ``-0.00``, a true minus sign.

    >>> format_number(-0.0004), format_number(-1.5, "{:+.1f}"), format_number(0.7, FMT_BYTE)
    ('0.00', '−1.5', '179')
    """
    text = fmt(float(value)) if callable(fmt) else fmt.format(float(value))
    if text.startswith("-") and not re.search(r"[1-9]", text):
        text = fmt(0.0) if callable(fmt) else fmt.format(0.0)
    return text.replace("-", MINUS) if unicode_minus else text


def FMT_BYTE(value: float) -> str:  # noqa: N802 - used like a constant
    """A value in [0, 1] written as the 0-255 byte it came from: ``FMT_BYTE(0.5) == '128'``."""
    return str(int(round(float(value) * 255)))


FMT_UNIT = "{:.2f}"  #: a value in [0, 1] with two decimals


def make_text(content: str, font: str = DEFAULT_FONT, size: float = 24,
              color: str = TEXT, **kwargs: Any) -> Text:
    """A ``Text`` in the given font (pass ``theme.font``; Chinese needs a CJK font)."""
    return Text(content, font=font, font_size=size, color=color, **kwargs)


def fit_within(mobject: Mobject, width: float, height: float, upscale: bool = False) -> Mobject:
    """Scale ``mobject`` (about its centre) so it fits a ``width`` x ``height`` box.

    It is only ever shrunk unless ``upscale`` is true. Returns the mobject.

        tk.fit_within(chart, tk.FRAME_WIDTH - 1.0, tk.FRAME_HEIGHT - 1.5)
    """
    if mobject.width <= 0 and mobject.height <= 0:
        return mobject
    factors = []
    if mobject.width > 0:
        factors.append(width / mobject.width)
    if mobject.height > 0:
        factors.append(height / mobject.height)
    factor = min(factors)
    if factor < 1 or upscale:
        mobject.scale(factor)
    return mobject


def wrap_text(content: str, max_width: float, font: str = DEFAULT_FONT, size: float = 24,
              color: str = TEXT, line_buff: float = 0.15, max_lines: int = 4) -> VGroup:
    """Lines of ``Text`` no wider than ``max_width``: words for spaced scripts, characters for CJK.

    Explicit ``\\n`` breaks are kept. If a single word is still too wide, the block is scaled down.
    """
    lines: list[str] = []
    for paragraph in content.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, max_width, font, size, max_lines))
    group = VGroup(*[make_text(line, font, size, color) for line in lines if line.strip()])
    group.arrange(DOWN, buff=line_buff)
    if group.width > max_width:
        group.scale_to_fit_width(max_width)
    return group


def _wrap_paragraph(text: str, max_width: float, font: str, size: float,
                    max_lines: int) -> list[str]:
    text = text.strip()
    if not text:
        return []
    whole = make_text(text, font, size)
    if whole.width <= max_width:
        return [text]
    n_lines = min(max_lines, math.ceil(whole.width / max_width))
    if any(is_cjk(ch) for ch in text):
        return _wrap_cjk(text, max_width, font, size, n_lines, max_lines)
    spaced = " " in text
    tokens = text.split(" ") if spaced else list(text)
    joiner = " " if spaced else ""
    for n in range(n_lines, max_lines + 1):
        target = len(text) / n
        lines, current = [], ""
        for tok in tokens:
            candidate = (current + joiner + tok) if current else tok
            if current and len(candidate) > target * 1.08 and len(lines) < n - 1:
                lines.append(current)
                current = tok
            else:
                current = candidate
        lines.append(current)
        if all(make_text(line, font, size).width <= max_width for line in lines):
            return lines
    return lines


#: CJK punctuation that must not begin a line / must not end one (kinsoku shori).
CJK_CLOSING = frozenset("，。！？；：、）」』》】〕〉”’…．")
CJK_OPENING = frozenset("（「『《【〔〈“‘")


def is_cjk(ch: str) -> bool:
    """True for a Han, kana or Hangul character or CJK / full-width punctuation."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF
            or ch in "“”‘’…")


def wrap_tokens(text: str) -> list[str]:
    """Break units of mixed CJK/Latin text: a run of Latin letters, digits and punctuation stays
    whole, each CJK character is its own unit, a run of spaces is one ``" "`` unit. Closing CJK
    punctuation sticks to the unit before it and opening punctuation to the unit after it, so a
    line never starts with "。" or ends with "（".

        >>> wrap_tokens("平均概率仍有 70%。")
        ['平', '均', '概', '率', '仍', '有', ' ', '70%。']
    """
    raw: list[str] = []
    kind = ""
    for ch in text:
        k = "space" if ch.isspace() else "cjk" if is_cjk(ch) else "latin"
        if raw and k == kind and k != "cjk":
            raw[-1] += "" if k == "space" else ch
        else:
            raw.append(" " if k == "space" else ch)
        kind = k
    tokens: list[str] = []
    glue_next = False
    for tok in raw:
        if tok in CJK_CLOSING and tokens and tokens[-1] != " ":
            tokens[-1] += tok
        elif glue_next and tok != " ":
            tokens[-1] += tok
        else:
            tokens.append(tok)
        glue_next = tok[-1] in CJK_OPENING
    return tokens


def _weight(s: str) -> float:
    """Rough width of ``s`` in ems: a CJK character is a full em, a space 0.3, the rest 0.55."""
    return sum(1.0 if is_cjk(ch) else 0.3 if ch == " " else 0.55 for ch in s)


def _pack(tokens: list[str], limit: float) -> list[str]:
    """Greedy lines of ``tokens`` whose :func:`_weight` stays within ``limit`` (a unit wider
    than ``limit`` gets a line of its own); spaces at the ends of lines are dropped."""
    lines: list[str] = []
    current = ""
    for tok in tokens:
        if tok == " ":
            current += " " if current else ""
            continue
        if current.strip() and _weight(current + tok) > limit:
            lines.append(current.rstrip())
            current = tok
        else:
            current += tok
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _wrap_cjk(text: str, max_width: float, font: str, size: float, n_lines: int,
              max_lines: int) -> list[str]:
    """Balanced lines of mixed CJK/Latin text, broken between the units of :func:`wrap_tokens`:
    for n lines, the narrowest line limit at which greedy packing still needs only n lines."""
    tokens = wrap_tokens(text)
    total = _weight("".join(tokens))
    widest = max(_weight(t) for t in tokens)
    lines: list[str] = [text]
    for n in range(n_lines, max_lines + 1):
        lo, hi = max(widest, total / n), total
        for _ in range(30):  # bisect the limit; _pack(hi) always fits in n lines
            mid = (lo + hi) / 2
            if len(_pack(tokens, mid)) <= n:
                hi = mid
            else:
                lo = mid
        lines = _pack(tokens, hi)
        if all(make_text(line, font, size).width <= max_width for line in lines):
            return lines
    return lines


_BASELINE_CHARS = set("abcdefhiklmnorstuvwxzABCDEFGHIKLMNOPRSTUVWXYZ0123456789")


def text_baseline(text: Text) -> float:
    """The y of the baseline of a one-line ``Text`` (bottom of a glyph without descender).

    Falls back to the bottom of the ink when no such glyph can be found.
    """
    chars = [ch for ch in text.text if not ch.isspace()]
    if len(chars) == len(text.submobjects):
        for ch, glyph in zip(chars, text.submobjects):
            if ch in _BASELINE_CHARS:
                return float(glyph.get_bottom()[1])
    return float(text.get_bottom()[1])


def shape_text(shape: Sequence[int]) -> str:
    """``(20, 24, 24) -> '20×24×24'``."""
    return "×".join(str(int(s)) for s in shape)


# -- colour maps --------------------------------------------------------------------------------
def hex_to_rgb(color: str) -> np.ndarray:
    """``'#E69F00' -> array([230, 159, 0])`` (uint8)."""
    c = str(color).lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def rgb_to_hex(rgb: Sequence[int] | np.ndarray) -> str:
    r, g, b = (int(v) for v in np.asarray(rgb)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def contrast_text_color(rgb: Sequence[int] | np.ndarray, dark: str = "#111111",
                        light: str = "#FFFFFF") -> str:
    """The text colour (dark or light) readable on a cell of colour ``rgb`` (0-255)."""
    r, g, b = (np.asarray(rgb, dtype=float)[:3] / 255.0)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return dark if luminance > 0.5 else light


class Colormap:
    """A piecewise-linear colour map through evenly spaced stops.

        cmap = Colormap(["#000000", "#FFFFFF"])
        rgb = cmap(np.array([0.0, 0.5, 1.0]))     # (3, 3) uint8
    """

    def __init__(self, stops: Sequence[str], name: str = "") -> None:
        if len(stops) < 2:
            raise ValueError("a colour map needs at least two stops")
        self.stops = tuple(stops)
        self.name = name
        self._rgb = np.array([hex_to_rgb(s) for s in stops], dtype=float)

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        """Map ``t`` in [0, 1] (clipped; NaN -> 0) to uint8 RGB with a trailing axis of 3."""
        t = np.nan_to_num(np.clip(np.asarray(t, dtype=float), 0.0, 1.0))
        pos = t * (len(self.stops) - 1)
        i = np.minimum(pos.astype(int), len(self.stops) - 2)
        f = (pos - i)[..., None]
        rgb = self._rgb[i] * (1 - f) + self._rgb[i + 1] * f
        return np.round(rgb).astype(np.uint8)

    def hex(self, t: float) -> str:
        return rgb_to_hex(self(t))


GRAY = Colormap(["#000000", "#FFFFFF"], "gray")
VIRIDIS = Colormap(["#440154", "#472C7A", "#3B518B", "#2C718E", "#21908D", "#27AD81",
                    "#5CC863", "#AADC32", "#FDE725"], "viridis")
MAGMA = Colormap(["#000004", "#1C1044", "#4F127B", "#812581", "#B5367A", "#E55064",
                  "#FB8761", "#FEC287", "#FCFDBF"], "magma")


def diverging_colormap(negative: str = BLUE, positive: str = ORANGE,
                       middle: str = "#F4F4F4") -> Colormap:
    """Blue - white - orange by default: colour-blind safe, zero in the middle (t = 0.5)."""
    return Colormap([negative, middle, positive], "diverging")


BLUE_WHITE_ORANGE = diverging_colormap()


def normalize(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """``values`` mapped linearly so that vmin -> 0 and vmax -> 1 (not clipped)."""
    span = vmax - vmin
    if span <= 0:
        return np.ones_like(np.asarray(values, dtype=float))
    return (np.asarray(values, dtype=float) - vmin) / span


def symmetric_limit(values: np.ndarray) -> float:
    """``max |values|`` (1.0 for an all-zero array): the shared scale of a diverging map."""
    m = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    return m if m > 0 else 1.0


def colorize(values: np.ndarray, cmap: Colormap, vmin: float, vmax: float) -> np.ndarray:
    """An (H, W) array -> (H, W, 3) uint8 image through ``cmap`` with limits vmin..vmax."""
    return cmap(normalize(values, vmin, vmax))


def image_mobject(rgb: np.ndarray, width: float | None = None, height: float | None = None,
                  nearest: bool = True) -> ImageMobject:
    """One ``ImageMobject`` from a uint8 (H, W, 3|4) array, sized in scene units.

    ``nearest`` keeps pixels crisp (no blur between neighbouring values).
    """
    img = ImageMobject(np.ascontiguousarray(rgb, dtype=np.uint8))
    if nearest:
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    h_px, w_px = rgb.shape[:2]
    if width is not None and height is not None:
        img.stretch_to_fit_width(width)
        img.stretch_to_fit_height(height)
    elif width is not None:
        img.stretch_to_fit_width(width)
        img.stretch_to_fit_height(width * h_px / w_px)
    elif height is not None:
        img.stretch_to_fit_height(height)
        img.stretch_to_fit_width(height * w_px / h_px)
    return img


def _image_cell_center(img: ImageMobject, n_rows: int, n_cols: int, r: float,
                       c: float) -> np.ndarray:
    corner = img.get_corner(UL)
    return corner + np.array([(c + 0.5) * img.width / n_cols, -(r + 0.5) * img.height / n_rows, 0])


# -- pixels and cells ---------------------------------------------------------------------------
class ValueCells(VGroup):
    """A block of square cells, each filled with a colour and labelled with its real value.

        cells = ValueCells(digit[10:15, 12:17], cell=0.7, cmap=tk.GRAY, number_format=tk.FMT_BYTE)
        cells.square(0, 0), cells.label(0, 0), cells.strings[0][0]

    Parameters
    ----------
    values
        (h, w) real values, written in the cells with ``number_format``.
    cmap, vmin, vmax
        Fill colours (``colors`` overrides with an (h, w, 3) uint8 array).
    """

    def __init__(self, values: np.ndarray, cell: float = 0.6, cmap: Colormap = GRAY,
                 vmin: float = 0.0, vmax: float = 1.0, colors: np.ndarray | None = None,
                 number_format: NumberFormat = FMT_UNIT, font: str = DEFAULT_FONT,
                 text_color: str | None = None, stroke_color: str = MUTED,
                 stroke_width: float = 1.5, label_fill: float = 0.8,
                 show_numbers: bool = True) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"ValueCells needs a 2-D array, got shape {values.shape}")
        self.values = values
        self.n_rows, self.n_cols = values.shape
        self.cell = cell
        rgb = colors if colors is not None else colorize(values, cmap, vmin, vmax)
        self.rgb = np.asarray(rgb, dtype=np.uint8)
        self.squares = VGroup()
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                sq = Square(side_length=cell, stroke_color=stroke_color, stroke_width=stroke_width,
                            fill_color=rgb_to_hex(self.rgb[r, c]), fill_opacity=1.0)
                sq.move_to(np.array([(c - (self.n_cols - 1) / 2) * cell,
                                     ((self.n_rows - 1) / 2 - r) * cell, 0]))
                self.squares.add(sq)
        self.strings = [[format_number(v, number_format) for v in row] for row in values]
        self.labels = VGroup()
        if show_numbers:
            texts = [make_text(self.strings[r][c], font, 24,
                               text_color or contrast_text_color(self.rgb[r, c]))
                     for r in range(self.n_rows) for c in range(self.n_cols)]
            widest = max(t.width for t in texts)
            tallest = max(t.height for t in texts)
            factor = min(label_fill * cell / widest, 0.36 * cell / tallest)
            for t, sq in zip(texts, self.squares):
                t.scale(factor).move_to(sq.get_center())
                self.labels.add(t)
        self.add(self.squares, self.labels)

    def square(self, r: int, c: int) -> Square:
        return self.squares[r * self.n_cols + c]

    def label(self, r: int, c: int) -> Text:
        return self.labels[r * self.n_cols + c]


class PixelGrid(Group):
    """An image drawn as ONE crisp ``ImageMobject`` (nearest resampling) plus optional grid lines.

        grid = PixelGrid(digit, cell=0.22)                 # digit: (28, 28) values in [0, 1]
        self.play(FadeIn(grid))
        box = grid.window(10, 12, 5, 5)                    # a Rectangle over rows 10-14, cols 12-16
        zoom = grid.zoom_numbers(10, 12, 5, 5, cell=0.7, number_format=tk.FMT_BYTE)
        self.play(Create(box)); self.play(TransformFromCopy(box, zoom.next_to(grid, RIGHT)))

    ``show_numbers`` writes values in every cell (``True``) or only in a region
    ``(r0, c0, h, w)``; useful only when cells are large.
    """

    def __init__(self, values: np.ndarray, cell: float = 0.2, cmap: Colormap = GRAY,
                 vmin: float = 0.0, vmax: float = 1.0, grid_lines: bool = True,
                 grid_color: str = MUTED, grid_width: float = 0.6, grid_opacity: float = 0.45,
                 show_numbers: bool | tuple[int, int, int, int] = False,
                 number_format: NumberFormat = FMT_UNIT, font: str = DEFAULT_FONT) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"PixelGrid needs a 2-D array, got shape {values.shape}")
        self.values = values
        self.n_rows, self.n_cols = values.shape
        self.cmap, self.vmin, self.vmax = cmap, vmin, vmax
        self.number_format = number_format
        self.font = font
        self.rgb = colorize(values, cmap, vmin, vmax)
        self.image = image_mobject(self.rgb, width=self.n_cols * cell,
                                   height=self.n_rows * cell)
        self.add(self.image)
        self.lines = VGroup()
        if grid_lines:
            w, h = self.n_cols * cell, self.n_rows * cell
            for r in range(self.n_rows + 1):
                y = h / 2 - r * cell
                self.lines.add(Line([-w / 2, y, 0], [w / 2, y, 0]))
            for c in range(self.n_cols + 1):
                x = -w / 2 + c * cell
                self.lines.add(Line([x, h / 2, 0], [x, -h / 2, 0]))
            self.lines.set_stroke(grid_color, grid_width, opacity=grid_opacity)
            self.add(self.lines)
        self.numbers = VGroup()
        if show_numbers:
            r0, c0, hh, ww = ((0, 0, self.n_rows, self.n_cols) if show_numbers is True
                              else show_numbers)
            cells = ValueCells(values[r0:r0 + hh, c0:c0 + ww], cell=cell,
                               colors=self.rgb[r0:r0 + hh, c0:c0 + ww],
                               number_format=number_format, font=font)
            for rr in range(hh):
                for cc in range(ww):
                    self.numbers.add(cells.label(rr, cc).move_to(self.cell_center(r0 + rr, c0 + cc)))
            self.add(self.numbers)

    @property
    def cell_size(self) -> float:
        """The side of one pixel in scene units (after any scaling)."""
        return self.image.width / self.n_cols

    def cell_center(self, r: float, c: float) -> np.ndarray:
        """The scene point at the centre of pixel (row ``r``, column ``c``)."""
        return _image_cell_center(self.image, self.n_rows, self.n_cols, r, c)

    def window(self, r0: int, c0: int, h: int, w: int, color: str = ACCENT,
               stroke_width: float = 4) -> Rectangle:
        """A rectangle exactly over rows r0..r0+h-1 and columns c0..c0+w-1."""
        s = self.cell_size
        rect = Rectangle(width=w * s, height=h * s, stroke_color=color, stroke_width=stroke_width)
        rect.move_to((self.cell_center(r0, c0) + self.cell_center(r0 + h - 1, c0 + w - 1)) / 2)
        return rect

    def color_of(self, r: int, c: int) -> str:
        """The hex colour pixel (r, c) is drawn with."""
        return rgb_to_hex(self.rgb[r, c])

    def zoom_numbers(self, r0: int, c0: int, h: int, w: int, cell: float = 0.6,
                     number_format: NumberFormat | None = None, font: str | None = None,
                     stroke_color: str = MUTED) -> ValueCells:
        """The window's real values as large labelled cells (centred at the origin; place it)."""
        if r0 < 0 or c0 < 0 or r0 + h > self.n_rows or c0 + w > self.n_cols:
            raise IndexError(f"window ({r0}, {c0}, {h}, {w}) outside a "
                             f"{self.n_rows}x{self.n_cols} grid")
        return ValueCells(self.values[r0:r0 + h, c0:c0 + w], cell=cell,
                          colors=self.rgb[r0:r0 + h, c0:c0 + w],
                          number_format=number_format or self.number_format,
                          font=font or self.font, stroke_color=stroke_color)


class KernelGrid(ValueCells):
    """Convolution weights on a diverging, colour-blind-safe map with their values written in.

        kernel = KernelGrid(conv1_w[3, 0], cell=0.6, vmax=tk.symmetric_limit(conv1_w))

    ``vmax`` (default ``max |weights|``) is the magnitude drawn at full colour; pass the same
    value to several kernels to compare them.
    """

    def __init__(self, weights: np.ndarray, cell: float = 0.6, vmax: float | None = None,
                 cmap: Colormap | None = None, number_format: NumberFormat = "{:.2f}",
                 font: str = DEFAULT_FONT, stroke_color: str = MUTED, **kwargs: Any) -> None:
        weights = np.asarray(weights, dtype=float)
        self.vmax = float(vmax) if vmax is not None else symmetric_limit(weights)
        super().__init__(weights, cell=cell, cmap=cmap or BLUE_WHITE_ORANGE, vmin=-self.vmax,
                         vmax=self.vmax, number_format=number_format, font=font,
                         stroke_color=stroke_color, **kwargs)


class MultiplyAddPanel(VGroup):
    """One convolution position worked out with the real numbers.

    Left: the 25 products ``x_ij * w_ij`` as cells; right, as a column sum: their sum, the bias
    and the result (labels ``sum_label``, ``bias_label``, ``result_label``).

        panel = MultiplyAddPanel(digit[r:r+5, c:c+5], w[k, 0], b[k], font=theme.font)
        panel.check(conv1_pre[k, r, c])          # the real feature-map value; raises if not equal
        self.play(FadeIn(panel.product_cells)); self.play(Write(panel.sum_line)) ...
        one = panel.term(2, 3)                   # Text "0.73 × (−0.31) = −0.23"

    Attributes: ``products`` (5, 5), ``total`` (sum of products), ``bias``, ``result``
    (``total + bias``), and the mobjects ``product_cells``, ``sum_line``, ``bias_line``,
    ``result_line``, ``rule`` (each line is ``VGroup(label, "=", number)``).
    """

    def __init__(self, patch: np.ndarray, weights: np.ndarray, bias: float, cell: float = 0.55,
                 font: str = DEFAULT_FONT, font_size: float = 30, text_color: str = TEXT,
                 result_color: str = ACCENT, product_format: NumberFormat = "{:.2f}",
                 number_format: NumberFormat = "{:.3f}", sum_label: str = "Σ x·w",
                 bias_label: str = "b", result_label: str = "Σ x·w + b",
                 cmap: Colormap | None = None) -> None:
        super().__init__()
        patch = np.asarray(patch, dtype=float)
        weights = np.asarray(weights, dtype=float)
        if patch.shape != weights.shape:
            raise ValueError(f"patch {patch.shape} and weights {weights.shape} differ in shape")
        self.patch, self.weights, self.bias = patch, weights, float(bias)
        self.products = patch * weights
        self.total = float(self.products.sum())
        self.result = self.total + self.bias
        self.font, self.text_color = font, text_color
        self.product_format = product_format
        lim = symmetric_limit(self.products)
        self.product_cells = ValueCells(self.products, cell=cell, cmap=cmap or BLUE_WHITE_ORANGE,
                                        vmin=-lim, vmax=lim, number_format=product_format,
                                        font=font)
        f = lambda v: format_number(v, number_format)  # noqa: E731
        signed = number_format.replace("{:", "{:+", 1) if isinstance(number_format, str) \
            and not number_format.startswith("{:+") else number_format
        rows = [(sum_label, f(self.total), text_color, 1.0),
                (bias_label, format_number(self.bias, signed), text_color, 1.0),
                (result_label, f(self.result), result_color, 1.15)]
        built = []
        for label, value, color, k in rows:
            built.append([make_text(label, font, font_size * k, color),
                          make_text("=", font, font_size * k, color),
                          make_text(value, font, font_size * k, color)])
        label_w = max(r[0].width for r in built)
        value_w = max(r[2].width for r in built)
        y = 0.0
        lines = []
        for i, (lab, eq, val) in enumerate(built):
            if i == 2:
                y -= 0.25  # room for the rule
            for t in (lab, val):
                t.shift(UP * (y - text_baseline(t)))
            eq.set_y(val.get_center()[1])
            lab.shift(RIGHT * (label_w - lab.get_right()[0]))
            eq.shift(RIGHT * (label_w + 0.25 - eq.get_left()[0]))
            val.shift(RIGHT * (label_w + 0.25 + eq.width + 0.25 + value_w - val.get_right()[0]))
            lines.append(VGroup(lab, eq, val))
            y -= font_size / 48 * 0.75 + 0.2
        self.sum_line, self.bias_line, self.result_line = lines
        self.rule = Line(np.array([self.sum_line.get_left()[0], 0, 0]),
                         np.array([self.sum_line.get_right()[0] + 0.05, 0, 0]))
        self.rule.set_stroke(text_color, 2).set_y(
            (self.bias_line.get_bottom()[1] + self.result_line.get_top()[1]) / 2)
        block = VGroup(*lines, self.rule)
        block.next_to(self.product_cells, RIGHT, buff=0.6)
        self.add(self.product_cells, block)
        self.lines = block

    def term(self, r: int, c: int, size: float = 26) -> Text:
        """The single product at (r, c) written out: ``x × w = x·w``."""
        f = lambda v: format_number(v, self.product_format)  # noqa: E731
        w = f(self.weights[r, c])
        w = f"({w})" if self.weights[r, c] < 0 and w.startswith(MINUS) else w
        return make_text(f"{f(self.patch[r, c])} × {w} = {f(self.products[r, c])}", self.font,
                         size, self.text_color)

    def check(self, feature_value: float, atol: float = 1e-3) -> None:
        """Raise ``ValueError`` unless ``result`` equals the real feature-map value."""
        if not math.isclose(self.result, float(feature_value), rel_tol=1e-4, abs_tol=atol):
            raise ValueError(f"multiply-add gives {self.result:.6f} but the feature map holds "
                             f"{float(feature_value):.6f}: patch, kernel or bias do not match")


# -- feature maps -------------------------------------------------------------------------------
class FeatureMapAtlas(Group):
    """All N feature maps composed into ONE image (fast to render), on one shared colour scale.

        atlas = FeatureMapAtlas(conv1_pre, cols=5, width=6.0)     # (20, 24, 24); diverging
        self.play(FadeIn(atlas)); self.play(Create(atlas.tile_rect(3)))
        relu = FeatureMapAtlas(conv1_post, cols=5, width=6.0, mode="diverging",
                               vmin=atlas.vmin, vmax=atlas.vmax)  # same scale: before/after
        self.play(Transform(atlas.image, relu.image))

    ``mode``: ``"diverging"`` (zero in the middle, limit ``max |maps|``), ``"sequential"``
    (``min .. max``) or ``None`` (diverging when any value is negative). Each map is enlarged by
    a whole factor so the 1-pixel separators stay thin.
    """

    def __init__(self, maps: np.ndarray, cols: int = 5, width: float = 6.0,
                 mode: str | None = None, cmap: Colormap | None = None,
                 vmin: float | None = None, vmax: float | None = None,
                 separator_color: str = SEPARATOR, separator_px: int = 1,
                 upscale: int | None = None) -> None:
        super().__init__()
        maps = np.asarray(maps, dtype=float)
        if maps.ndim != 3:
            raise ValueError(f"FeatureMapAtlas needs (N, H, W) maps, got shape {maps.shape}")
        self.maps = maps
        self.n, self.map_h, self.map_w = maps.shape
        self.cols = max(1, min(cols, self.n))
        self.rows = math.ceil(self.n / self.cols)
        self.mode = mode or ("diverging" if np.nanmin(maps) < 0 else "sequential")
        if self.mode == "diverging":
            lim = symmetric_limit(maps)
            self.vmin = -lim if vmin is None else float(vmin)
            self.vmax = lim if vmax is None else float(vmax)
            self.cmap = cmap or BLUE_WHITE_ORANGE
        elif self.mode == "sequential":
            self.vmin = float(np.nanmin(maps)) if vmin is None else float(vmin)
            self.vmax = float(np.nanmax(maps)) if vmax is None else float(vmax)
            self.cmap = cmap or VIRIDIS
        else:
            raise ValueError(f"mode must be 'diverging' or 'sequential', not {mode!r}")
        self.upscale = upscale or max(1, math.ceil(64 / max(self.map_h, self.map_w)))
        self.sep = separator_px
        th, tw = self.map_h * self.upscale, self.map_w * self.upscale
        self.tile_px = (th, tw)
        H = self.rows * th + (self.rows + 1) * self.sep
        W = self.cols * tw + (self.cols + 1) * self.sep
        atlas = np.empty((H, W, 3), dtype=np.uint8)
        atlas[:] = hex_to_rgb(separator_color)
        for i in range(self.n):
            y0, x0 = self._tile_origin_px(i)
            tile = colorize(maps[i], self.cmap, self.vmin, self.vmax)
            tile = np.repeat(np.repeat(tile, self.upscale, axis=0), self.upscale, axis=1)
            atlas[y0:y0 + th, x0:x0 + tw] = tile
        self.atlas_rgb = atlas
        self.image = image_mobject(atlas, width=width)
        self.add(self.image)

    def _tile_origin_px(self, i: int) -> tuple[int, int]:
        if not 0 <= i < self.n:
            raise IndexError(f"tile {i} of {self.n}")
        r, c = divmod(i, self.cols)
        th, tw = self.tile_px
        return self.sep + r * (th + self.sep), self.sep + c * (tw + self.sep)

    @property
    def _unit_per_px(self) -> float:
        return self.image.width / self.atlas_rgb.shape[1]

    def pixel_center(self, i: int, r: float, c: float) -> np.ndarray:
        """The scene point at the centre of pixel (r, c) of map ``i``."""
        y0, x0 = self._tile_origin_px(i)
        u = self._unit_per_px
        corner = self.image.get_corner(UL)
        return corner + np.array([(x0 + (c + 0.5) * self.upscale) * u,
                                  -(y0 + (r + 0.5) * self.upscale) * u, 0])

    def tile_center(self, i: int) -> np.ndarray:
        """The scene point at the centre of map ``i``."""
        return self.pixel_center(i, (self.map_h - 1) / 2, (self.map_w - 1) / 2)

    @property
    def tile_size(self) -> tuple[float, float]:
        """(width, height) of one map in scene units."""
        u = self._unit_per_px
        return self.tile_px[1] * u, self.tile_px[0] * u

    def tile_rect(self, i: int, color: str = ACCENT, stroke_width: float = 4,
                  buff: float = 0.0) -> Rectangle:
        """A rectangle around map ``i``."""
        w, h = self.tile_size
        return Rectangle(width=w + 2 * buff, height=h + 2 * buff, stroke_color=color,
                         stroke_width=stroke_width).move_to(self.tile_center(i))


class ColorBar(Group):
    """A colour scale with its limits written: the legend of an atlas or a heat map.

        bar = ColorBar(atlas.cmap, atlas.vmin, atlas.vmax, length=3.0).next_to(atlas, RIGHT)
    """

    def __init__(self, cmap: Colormap, vmin: float, vmax: float, length: float = 3.0,
                 thickness: float = 0.18, vertical: bool = True,
                 number_format: NumberFormat = "{:.2f}", font: str = DEFAULT_FONT,
                 font_size: float = 20, text_color: str = MUTED) -> None:
        super().__init__()
        self.vmin, self.vmax = float(vmin), float(vmax)
        t = np.linspace(1, 0, 256) if vertical else np.linspace(0, 1, 256)
        strip = cmap(t)[:, None, :] if vertical else cmap(t)[None, :, :]
        self.image = image_mobject(strip, width=thickness if vertical else length,
                                   height=length if vertical else thickness, nearest=False)
        self.add(self.image)
        ticks = [self.vmin, self.vmax]
        if self.vmin < 0 < self.vmax:
            ticks.insert(1, 0.0)
        self.labels = VGroup()
        for v in ticks:
            frac = float(normalize(v, self.vmin, self.vmax))
            lab = make_text(format_number(v, number_format), font, font_size, text_color)
            if vertical:
                y = self.image.get_bottom()[1] + frac * length
                lab.next_to(np.array([self.image.get_right()[0], y, 0]), RIGHT, buff=0.1)
            else:
                x = self.image.get_left()[0] + frac * length
                lab.next_to(np.array([x, self.image.get_bottom()[1], 0]), DOWN, buff=0.1)
            self.labels.add(lab)
        self.add(self.labels)


class LayerFlow(VGroup):
    """An arrow from one layer's mobject to the next with the tensor shape written on it.

        flow = LayerFlow(conv1_atlas, pool1_atlas, shape=(20, 12, 12), font=theme.font)
    """

    def __init__(self, source: Mobject, target: Mobject, label: str | None = None,
                 shape: Sequence[int] | None = None, color: str = MUTED,
                 text_color: str | None = None, font: str = DEFAULT_FONT, font_size: float = 22,
                 buff: float = 0.15, stroke_width: float = 4) -> None:
        super().__init__()
        delta = target.get_center() - source.get_center()
        horizontal = abs(delta[0]) >= abs(delta[1])
        if horizontal:
            d = RIGHT if delta[0] >= 0 else LEFT
        else:
            d = UP if delta[1] >= 0 else DOWN
        start = source.get_critical_point(d)
        end = target.get_critical_point(-d)
        if horizontal:
            y = (max(source.get_bottom()[1], target.get_bottom()[1])
                 + min(source.get_top()[1], target.get_top()[1])) / 2
            start, end = np.array([start[0], y, 0]), np.array([end[0], y, 0])
        self.arrow = Arrow(start, end, buff=buff, color=color, stroke_width=stroke_width,
                           max_tip_length_to_length_ratio=0.25)
        self.add(self.arrow)
        text = label if label is not None else (shape_text(shape) if shape is not None else "")
        self.label = make_text(text, font, font_size, text_color or color) if text else VGroup()
        if text:
            self.label.next_to(self.arrow, UP if horizontal else RIGHT, buff=0.1)
            self.add(self.label)


# -- charts -------------------------------------------------------------------------------------
class BarChart10(VGroup):
    """Ten (or any number of) bars with class labels and value labels, from real values.

        probs = BarChart10(softmax, highlight=7, font=theme.font, bar_color=theme.softmax)
        self.play(probs.animate_to(softmax_rotated))          # bars and numbers move
        logits = BarChart10(z, y_min=-12, y_max=12)            # negative bars hang below 0

    ``y_min``/``y_max`` fix the scale (``None``: from the data, padded); values outside are
    drawn clipped while their label still shows the real value. ``colors`` gives one colour per
    bar (overrides ``bar_color``); the ``highlight`` bar and its value get ``highlight_color``,
    the other values ``text_color``.
    """

    def __init__(self, values: Sequence[float] | np.ndarray, labels: Sequence[str] | None = None,
                 highlight: int | None = None, y_min: float | None = 0.0,
                 y_max: float | None = 1.0, width: float = 6.0, height: float = 3.0,
                 colors: Sequence[str] | None = None, bar_color: str = SKY,
                 highlight_color: str = ACCENT, value_labels: bool = True,
                 number_format: NumberFormat = "{:.2f}", font: str = DEFAULT_FONT,
                 font_size: float = 22, text_color: str = TEXT, axis_color: str = MUTED,
                 bar_fill: float = 0.7) -> None:
        super().__init__()
        vals = np.asarray(values, dtype=float)
        self.n = len(vals)
        self.labels_text = list(labels) if labels is not None else [str(i) for i in range(self.n)]
        if len(self.labels_text) != self.n:
            raise ValueError(f"{self.n} values but {len(self.labels_text)} labels")
        self.y_max = float(y_max) if y_max is not None else _nice_ceil(max(0.0, vals.max()) * 1.1)
        self.y_min = float(y_min) if y_min is not None else -_nice_ceil(max(0.0, -vals.min()) * 1.1)
        if self.y_max <= self.y_min:
            self.y_max = self.y_min + 1.0
        self.chart_width, self.chart_height = width, height
        self.colors = list(colors) if colors is not None else [bar_color] * self.n
        self.highlight_color = highlight_color
        self.number_format = number_format
        self.font, self.font_size, self.text_color = font, font_size, text_color
        self.value_labels = value_labels
        self.slot = width / self.n
        self.bar_width = self.slot * bar_fill
        # one size for every value label: the widest number the scale can show must fit a slot
        probes = [format_number(v, number_format) for v in
                  (self.y_min, self.y_max, 0.0, vals.min(), vals.max())]
        widest = max(make_text(p, font, font_size * 0.85).width for p in probes)
        self.value_font_size = font_size * 0.85 * min(1.0, 0.78 * self.slot / widest)
        self.baseline = Line(self._point(-0.5, 0.0) - RIGHT * 0.1,
                             self._point(self.n - 0.5, 0.0) + RIGHT * 0.1,
                             color=axis_color, stroke_width=2)
        class_y = self._y(self.y_min) - 0.25
        if self.y_min < 0:
            class_y -= 0.35
        self.class_texts = VGroup(*[
            make_text(s, font, font_size, text_color).move_to(
                np.array([self._x(i), class_y, 0]), aligned_edge=UP)
            for i, s in enumerate(self.labels_text)])
        self._fit_labels(self.class_texts)
        self.bars = VGroup(*[Rectangle(width=self.bar_width, height=0.01) for _ in range(self.n)])
        self.value_texts = VGroup(*[VMobject() for _ in range(self.n)])
        self.add(self.bars, self.baseline, self.class_texts, self.value_texts)
        self.values = vals
        self.highlight = highlight
        self.set_values(vals, highlight)

    # geometry: the chart is centred on the origin at construction
    def _x(self, i: float) -> float:
        return -self.chart_width / 2 + (i + 0.5) * self.slot

    def _y(self, v: float) -> float:
        frac = (np.clip(v, self.y_min, self.y_max) - self.y_min) / (self.y_max - self.y_min)
        return -self.chart_height / 2 + float(frac) * self.chart_height

    def _point(self, i: float, v: float) -> np.ndarray:
        return np.array([self._x(i), self._y(v), 0])

    def _fit_labels(self, group: VGroup) -> None:
        widest = max(t.width for t in group)
        if widest > self.slot * 0.95:
            f = self.slot * 0.95 / widest
            for t in group:
                t.scale(f, about_edge=UP)

    def bar_height_of(self, value: float) -> float:
        """The drawn height (scene units, current scale) of a bar of ``value``."""
        scale = self.baseline.width / (self.chart_width + 0.2)
        return abs(self._y(value) - self._y(0.0)) * scale

    def set_values(self, values: Sequence[float] | np.ndarray,
                   highlight: int | None = -1) -> BarChart10:
        """Redraw with new values at once (``highlight=-1`` keeps the current highlight)."""
        vals = np.asarray(values, dtype=float)
        if len(vals) != self.n:
            raise ValueError(f"expected {self.n} values, got {len(vals)}")
        if highlight != -1:
            self.highlight = highlight
        # build at the construction geometry, then map onto where the chart is now
        ref = Line(self._point(-0.5, 0.0) - RIGHT * 0.1, self._point(self.n - 0.5, 0.0) + RIGHT * 0.1)
        scale = self.baseline.width / ref.width
        shift = self.baseline.get_center() - ref.get_center() * scale
        for i, v in enumerate(vals):
            color = self.highlight_color if i == self.highlight else self.colors[i]
            y0, y1 = self._y(0.0), self._y(v)
            h = max(abs(y1 - y0), 1e-3)
            bar = Rectangle(width=self.bar_width, height=h, stroke_width=0, fill_color=color,
                            fill_opacity=0.95)
            bar.move_to(np.array([self._x(i), (y0 + y1) / 2, 0]))
            label_color = self.highlight_color if i == self.highlight else self.text_color
            text = (make_text(format_number(v, self.number_format), self.font,
                              self.value_font_size, label_color)
                    if self.value_labels else VMobject())
            if self.value_labels:
                if text.width > self.slot * 0.95:
                    text.scale(self.slot * 0.95 / text.width)
                if v >= 0:
                    text.next_to(np.array([self._x(i), y1, 0]), UP, buff=0.08)
                else:
                    text.next_to(np.array([self._x(i), y1, 0]), DOWN, buff=0.08)
            for m in (bar, text):
                m.scale(scale, about_point=ORIGIN).shift(shift)
            self.bars[i].become(bar)
            self.value_texts.submobjects[i] = text
        self.values = vals
        self.value_strings = [format_number(v, self.number_format) for v in vals]
        return self

    def animate_to(self, values: Sequence[float] | np.ndarray, highlight: int | None = -1,
                   **anim_kwargs: Any) -> Animation:
        """An animation of the bars and numbers moving to ``values``; when it has played,
        ``values``, ``value_texts`` and ``value_strings`` hold the new numbers."""
        target = self.copy().set_values(values, highlight)
        return _ChartTransform(self, target, **anim_kwargs)

    def bar_top(self, i: int) -> np.ndarray:
        """The end of bar ``i`` away from the baseline (top, or bottom for a negative value)."""
        bar = self.bars[i]
        return bar.get_top() if self.values[i] >= 0 else bar.get_bottom()


class _ChartTransform(Transform):
    """Morph a chart into its target, then swap in the target's exact labels."""

    def __init__(self, chart: BarChart10, target: BarChart10, **kwargs: Any) -> None:
        self.chart_values, self.chart_highlight = target.values, target.highlight
        super().__init__(chart, target, **kwargs)

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        self.mobject.set_values(self.chart_values, self.chart_highlight)


def _nice_ceil(x: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k that is >= x (1.0 for 0)."""
    if x <= 0:
        return 1.0
    k = math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10 ** k >= x - 1e-12:
            return m * 10 ** k
    return 10 ** (k + 1)


def tick_format(ticks: Sequence[float] | np.ndarray) -> str:
    """One format for all tick labels, with just enough decimals: 0, 0.25, 0.5 -> ``{:.2f}``."""
    for d in range(0, 5):
        if np.allclose(np.round(np.asarray(ticks, float), d), ticks, atol=1e-9):
            return "{:.%df}" % d
    return "{:.4g}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """About ``n`` round tick values covering lo..hi."""
    if hi <= lo:
        hi = lo + 1.0
    step = _nice_ceil((hi - lo) / max(1, n - 1))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return np.round(np.arange(start, stop + step / 2, step), 10)


class LiveFormula(MathTex):
    """A typeset formula whose numbers come from data: ``[[name]]`` marks each number.

        f = LiveFormula(r"\\alpha_{7} = e_{7} + 1 = [[e]] + 1 = [[alpha]]",
                        {"e": 3.2134, "alpha": 4.2134}, color=theme.text)
        f.numbers        # {'e': 3.2134, 'alpha': 4.2134}   (the real values)
        f.strings        # {'e': '3.21', 'alpha': '4.21'}   (what is drawn)
        f.part("alpha")  # the drawn number, e.g. to Indicate or colour it

    ``[[name:.3f]]`` gives a per-number format; ``digits`` is the default number of decimals.
    Typeset with the project's article template (``scenes.base.TEX_TEMPLATE``).
    """

    PLACEHOLDER = re.compile(r"\[\[(\w+)(?::([^\]]+))?\]\]")

    def __init__(self, template: str, values: Mapping[str, float] | None = None,
                 digits: int = 2, tex_template: Any = None, **kwargs: Any) -> None:
        values = dict(values or {})
        parts: list[str] = []
        names: list[str | None] = []
        self.numbers: dict[str, float] = {}
        self.strings: dict[str, str] = {}
        pos = 0
        for m in self.PLACEHOLDER.finditer(template):
            name, spec = m.group(1), m.group(2) or f".{digits}f"
            if name not in values:
                raise KeyError(f"LiveFormula: no value given for [[{name}]] in {template!r}")
            if m.start() > pos:
                parts.append(template[pos:m.start()])
                names.append(None)
            text = format_number(values[name], "{:" + spec + "}", unicode_minus=False)
            self.numbers[name] = float(values[name])
            self.strings[name] = text
            parts.append(text)
            names.append(name)
            pos = m.end()
        if pos < len(template):
            parts.append(template[pos:])
            names.append(None)
        unused = set(values) - set(self.numbers)
        if unused:
            raise KeyError(f"LiveFormula: values {sorted(unused)} have no [[placeholder]]")
        self.template = template
        self._part_names = names
        super().__init__(*parts, tex_template=tex_template or TEX_TEMPLATE, **kwargs)

    def part(self, name: str, occurrence: int = 0) -> VMobject:
        """The drawn number ``name`` (its ``occurrence``-th appearance)."""
        idx = [i for i, n in enumerate(self._part_names) if n == name]
        return self.submobjects[idx[occurrence]]


# -- line charts --------------------------------------------------------------------------------
LINE_STYLES = ("solid", "dashed", "dotted", "longdash")
MARKERS = ("circle", "square", "triangle", "diamond")


def styled_path(points: np.ndarray, style: str, color: str, width: float) -> VMobject:
    """A polyline through ``points`` drawn solid, dashed, dotted or long-dashed (LINE_STYLES)."""
    path = VMobject().set_points_as_corners(points)
    length = float(np.sum(np.linalg.norm(np.diff(points, axis=0), axis=1)))
    if style == "solid":
        out: VMobject = path
    elif style in ("dashed", "dotted", "longdash"):
        period = {"dashed": 0.22, "dotted": 0.11, "longdash": 0.45}[style]
        ratio = {"dashed": 0.6, "dotted": 0.15, "longdash": 0.75}[style]
        out = DashedVMobject(path, num_dashes=max(2, int(length / period)), dashed_ratio=ratio)
    else:
        raise ValueError(f"line style {style!r}; use one of {LINE_STYLES}")
    out.set_stroke(color, width)
    out.set_fill(opacity=0)
    if style == "dotted":
        for sub in out.get_family():
            sub.set_cap_style(CapStyleType.ROUND)
    return out


_styled_path = styled_path  # the old private name, kept for callers


def make_marker(kind: str, color: str, size: float = 0.12, outline: str = BACKGROUND) -> VMobject:
    """A filled data-point marker: circle, square, triangle or diamond."""
    if kind == "circle":
        m: VMobject = Circle(radius=size / 2)
    elif kind == "square":
        m = Square(side_length=size * 0.9)
    elif kind == "triangle":
        m = Triangle().scale_to_fit_height(size)
    elif kind == "diamond":
        m = Square(side_length=size * 0.8).rotate(math.pi / 4)
    else:
        raise ValueError(f"marker {kind!r}; use one of {MARKERS}")
    return m.set_fill(color, 1.0).set_stroke(outline, 1.0)


class _Frame2D(VGroup):
    """Axes with Text tick labels (no LaTeX) and axis titles; shared by the charts."""

    def __init__(self, x_ticks: np.ndarray, y_ticks: np.ndarray, width: float, height: float,
                 x_label: str, y_label: str, font: str, font_size: float, text_color: str,
                 axis_color: str, x_format: NumberFormat, y_format: NumberFormat,
                 grid: bool = True) -> None:
        super().__init__()
        x0, x1 = float(x_ticks[0]), float(x_ticks[-1])
        y0, y1 = float(y_ticks[0]), float(y_ticks[-1])
        self.axes = Axes(x_range=[x0, x1, (x1 - x0)], y_range=[y0, y1, (y1 - y0)],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": axis_color, "stroke_width": 2,
                                      "include_ticks": False})
        # Axes draw their lines through the origin; a chart wants them on the bottom and left
        # edges (the x numbers sit there), so hide those and draw the frame's own.
        self.axes.set_stroke(opacity=0)
        self.add(self.axes)
        self.x_line = Line(self.axes.c2p(x0, y0), self.axes.c2p(x1, y0))
        self.y_line = Line(self.axes.c2p(x0, y0), self.axes.c2p(x0, y1))
        VGroup(self.x_line, self.y_line).set_stroke(axis_color, 2)
        self.add(self.x_line, self.y_line)
        if y0 < 0 < y1:
            self.zero_line = Line(self.axes.c2p(x0, 0), self.axes.c2p(x1, 0))
            self.zero_line.set_stroke(axis_color, 1.5, opacity=0.8)
            self.add(self.zero_line)
        self.grid = VGroup()
        if grid:
            for y in y_ticks[1:]:
                self.grid.add(Line(self.axes.c2p(x0, y), self.axes.c2p(x1, y)))
            self.grid.set_stroke(axis_color, 1, opacity=0.25)
            self.add(self.grid)
        small = font_size * 0.8
        self.x_numbers = VGroup(*[
            make_text(format_number(v, x_format), font, small, text_color)
            .next_to(self.axes.c2p(v, y0), DOWN, buff=0.12) for v in x_ticks])
        self.y_numbers = VGroup(*[
            make_text(format_number(v, y_format), font, small, text_color)
            .next_to(self.axes.c2p(x0, v), LEFT, buff=0.12) for v in y_ticks])
        ticks = VGroup(*[Line(self.axes.c2p(v, y0), self.axes.c2p(v, y0) + DOWN * 0.08)
                         for v in x_ticks],
                       *[Line(self.axes.c2p(x0, v), self.axes.c2p(x0, v) + LEFT * 0.08)
                         for v in y_ticks]).set_stroke(axis_color, 2)
        self.add(ticks, self.x_numbers, self.y_numbers)
        self.x_title = make_text(x_label, font, font_size, text_color) if x_label else VGroup()
        self.y_title = make_text(y_label, font, font_size, text_color) if y_label else VGroup()
        if x_label:
            self.x_title.next_to(self.x_numbers, DOWN, buff=0.15)
            self.x_title.set_x(self.axes.c2p((x0 + x1) / 2, y0)[0])
            self.add(self.x_title)
        if y_label:
            self.y_title.next_to(self.axes.c2p(x0, y1), UP, buff=0.3)
            self.y_title.align_to(self.y_numbers, LEFT)
            self.add(self.y_title)


class LineChart(VGroup):
    """Several real series on labelled axes, told apart by colour AND line style AND marker.

        chart = LineChart(angles, {"softmax max p": pmax, "EDL u": u},
                          colors=[theme.softmax, theme.edl], x_label="rotation (°)",
                          y_range=(0, 1), font=theme.font)
        self.play(FadeIn(chart.frame), FadeIn(chart.legend))
        self.play(chart.create_series("softmax max p"))       # drawn progressively
        dot, move = chart.moving_dot("EDL u"); self.play(move)

    ``styles``/``markers`` default to solid, dashed, dotted, long-dash and circle, square,
    triangle, diamond in series order. ``legend``: ``"right"``, ``"top"``, ``"inside"`` or None.
    ``marker_every`` thins markers on long series (default: about 20 markers).
    """

    def __init__(self, x: Sequence[float] | np.ndarray,
                 ys: Mapping[str, Sequence[float] | np.ndarray],
                 colors: Sequence[str] | Mapping[str, str] | None = None,
                 styles: Sequence[str] | None = None, markers: Sequence[str | None] | None = None,
                 x_label: str = "", y_label: str = "",
                 x_range: tuple[float, float] | None = None,
                 y_range: tuple[float, float] | None = None,
                 x_ticks: Sequence[float] | None = None, y_ticks: Sequence[float] | None = None,
                 width: float = 7.0, height: float = 4.0, legend: str | None = "right",
                 font: str = DEFAULT_FONT, font_size: float = 24, text_color: str = TEXT,
                 axis_color: str = MUTED, stroke_width: float = 4,
                 x_format: NumberFormat | None = None, y_format: NumberFormat | None = None,
                 marker_every: int | None = None, marker_size: float = 0.13) -> None:
        super().__init__()
        xs = np.asarray(x, dtype=float)
        self.x = xs
        self.ys = {k: np.asarray(v, dtype=float) for k, v in ys.items()}
        for k, v in self.ys.items():
            if v.shape != xs.shape:
                raise ValueError(f"series {k!r} has {v.shape} points, x has {xs.shape}")
            if not np.all(np.isfinite(v)):
                raise ValueError(f"series {k!r} has non-finite values")
        names = list(self.ys)
        if isinstance(colors, Mapping):
            color_list = [colors[n] for n in names]
        else:
            color_list = list(colors) if colors is not None else list(OKABE_ITO)
        styles = list(styles) if styles is not None else list(LINE_STYLES)
        markers = list(markers) if markers is not None else list(MARKERS)
        all_y = np.concatenate(list(self.ys.values())) if self.ys else np.zeros(1)
        xt = (np.asarray(x_ticks, float) if x_ticks is not None
              else nice_ticks(*(x_range or (xs.min(), xs.max()))))
        yt = (np.asarray(y_ticks, float) if y_ticks is not None
              else nice_ticks(*(y_range or (min(0.0, all_y.min()), all_y.max()))))
        self.frame = _Frame2D(xt, yt, width, height, x_label, y_label, font, font_size,
                              text_color, axis_color, x_format or tick_format(xt),
                              y_format or tick_format(yt))
        self.axes = self.frame.axes
        self.add(self.frame)
        every = marker_every or max(1, math.ceil(len(xs) / 20))
        self.styles: dict[str, dict[str, str | None]] = {}
        self.lines: dict[str, VMobject] = {}
        self.markers: dict[str, VGroup] = {}
        self.paths: dict[str, VMobject] = {}
        self.series: dict[str, VGroup] = {}
        self.series_group = VGroup()
        for j, name in enumerate(names):
            color = color_list[j % len(color_list)]
            style = styles[j % len(styles)]
            marker = markers[j % len(markers)] if markers else None
            self.styles[name] = {"color": color, "style": style, "marker": marker}
            pts = np.array([self.axes.c2p(a, b) for a, b in zip(xs, self.ys[name])])
            self.paths[name] = VMobject().set_points_as_corners(pts).set_stroke(color, 0)
            self.lines[name] = styled_path(pts, style, color, stroke_width)
            self.markers[name] = VGroup(*[make_marker(marker, color, marker_size).move_to(p)
                                          for p in pts[::every]]) if marker else VGroup()
            self.series[name] = VGroup(self.lines[name], self.markers[name])
            self.series_group.add(self.series[name])
        self.add(self.series_group)
        self.legend = VGroup()
        for name in names:
            s = self.styles[name]
            sample = styled_path(np.array([[0, 0, 0], [0.9, 0, 0]], float), str(s["style"]),
                                  str(s["color"]), stroke_width)
            entry = VGroup(sample)
            if s["marker"]:
                entry.add(make_marker(str(s["marker"]), str(s["color"]), marker_size)
                          .move_to(sample.get_center()))
            entry.add(make_text(name, font, font_size * 0.85, text_color)
                      .next_to(sample, RIGHT, buff=0.15))
            self.legend.add(entry)
        if names and legend:
            if legend == "top":
                self.legend.arrange(RIGHT, buff=0.5)
                if self.legend.width > width:
                    self.legend.arrange_in_grid(cols=2, buff=(0.5, 0.15), cell_alignment=LEFT)
                self.legend.next_to(self.frame, UP, buff=0.25)
            else:
                self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
                if legend == "inside":
                    self.legend.move_to(self.axes.c2p(xt[-1], yt[-1]), aligned_edge=UR)
                    self.legend.shift(LEFT * 0.15 + DOWN * 0.1)
                else:
                    self.legend.next_to(self.axes, RIGHT, buff=0.4)
            self.add(self.legend)

    def c2p(self, x: float, y: float) -> np.ndarray:
        """Data coordinates -> scene point."""
        return self.axes.c2p(x, y)

    def point(self, name: str, i: int) -> np.ndarray:
        """The scene point of data point ``i`` of series ``name``."""
        return self.axes.c2p(self.x[i], self.ys[name][i])

    def create_series(self, name: str, run_time: float = 2.0) -> Animation:
        """Draw series ``name`` from left to right, markers appearing as the line passes."""
        anims = [Create(self.lines[name], run_time=run_time, lag_ratio=1.0)]
        if len(self.markers[name]):
            anims.append(LaggedStart(*[FadeIn(m, scale=0.5) for m in self.markers[name]],
                                     lag_ratio=1.0, run_time=run_time))
        return AnimationGroup(*anims)

    def moving_dot(self, name: str, color: str | None = None, radius: float = 0.1,
                   run_time: float = 3.0) -> tuple[Dot, Animation]:
        """A dot and the animation moving it along series ``name`` (add the dot first)."""
        dot = Dot(self.point(name, 0), radius=radius,
                  color=color or str(self.styles[name]["color"]))
        return dot, MoveAlongPath(dot, self.paths[name], run_time=run_time)

    def follow(self, name: str, tracker: ValueTracker, color: str | None = None,
               radius: float = 0.1) -> Dot:
        """A dot that stays on series ``name`` at x = ``tracker``'s value (linear between points).

            t = ValueTracker(0); dot = chart.follow("EDL u", t); self.add(dot)
            self.play(t.animate.set_value(180))
        """
        dot = Dot(radius=radius, color=color or str(self.styles[name]["color"]))

        def place(d: Dot) -> None:
            xv = float(np.clip(tracker.get_value(), self.x.min(), self.x.max()))
            d.move_to(self.axes.c2p(xv, float(np.interp(xv, self.x, self.ys[name]))))

        place(dot)
        dot.add_updater(place)
        return dot


# -- EDL pieces ---------------------------------------------------------------------------------
class StackedBar(VGroup):
    """Parts of a whole (e.g. belief masses b_0..b_9 and u) as one bar that sums to one.

        parts = [(f"b{k}", b[k], theme.edl) for k in range(10)] + [("u", u, theme.muted)]
        bar = StackedBar(parts, width=11, font=theme.font, always_label=[-1])

    Parts below ``min_label_fraction`` of the bar are drawn but not labelled, except those whose
    index is in ``always_label`` (e.g. ``[-1]`` for u). Labels are placed above their segment, in
    rows that do not overlap. Raises if the parts do not sum to 1.
    """

    def __init__(self, parts: Sequence[tuple[str, float, str]], width: float = 10.0,
                 height: float = 0.6, font: str = DEFAULT_FONT, font_size: float = 22,
                 number_format: NumberFormat = "{:.2f}", text_color: str | None = None,
                 outline: str = BACKGROUND, min_label_fraction: float = 0.025,
                 always_label: Sequence[int] = (), tolerance: float = 1e-2) -> None:
        super().__init__()
        self.parts = list(parts)
        self.values = np.array([float(v) for _, v, _ in self.parts])
        if np.any(self.values < -1e-9):
            raise ValueError("StackedBar parts must be non-negative")
        self.total = float(self.values.sum())
        if abs(self.total - 1.0) > tolerance:
            raise ValueError(f"StackedBar parts sum to {self.total:.4f}, not 1")
        self.segments = VGroup()
        self.labels = VGroup()
        x = -width / 2
        placed_rows: list[list[tuple[float, float]]] = []
        always = {i % len(self.parts) for i in always_label}
        for idx, (label, value, color) in enumerate(self.parts):
            w = max(value, 0.0) / self.total * width
            seg = Rectangle(width=max(w, 1e-4), height=height, fill_color=color, fill_opacity=1,
                            stroke_color=outline, stroke_width=1.5)
            seg.move_to(np.array([x + w / 2, 0, 0]))
            self.segments.add(seg)
            if value / self.total >= min_label_fraction or idx in always:
                lab = VGroup(make_text(label, font, font_size, text_color or color),
                             make_text(format_number(value, number_format), font,
                                       font_size * 0.85, text_color or color))
                lab.arrange(DOWN, buff=0.06)
                cx = x + w / 2
                row = 0
                while True:
                    lo, hi = cx - lab.width / 2 - 0.08, cx + lab.width / 2 + 0.08
                    if row == len(placed_rows):
                        placed_rows.append([])
                    if all(hi <= a or lo >= b for a, b in placed_rows[row]):
                        placed_rows[row].append((lo, hi))
                        break
                    row += 1
                y = height / 2 + 0.15 + row * (lab.height + 0.15)
                lab.move_to(np.array([cx, y, 0]), aligned_edge=DOWN)
                item = VGroup(lab)
                if row > 0:
                    item.add(Line(np.array([cx, height / 2 + 0.03, 0]),
                                  lab.get_bottom() + DOWN * 0.04).set_stroke(color, 1.5))
                self.labels.add(item)
            else:
                self.labels.add(VGroup())
            x += w
        self.add(self.segments, self.labels)

    def segment(self, i: int) -> Rectangle:
        return self.segments[i]


def dirichlet_log_pdf(p: np.ndarray, alpha: Sequence[float] | np.ndarray) -> np.ndarray:
    """log Dir(p | alpha) for points ``p`` (..., K) on the simplex (log-gamma, no overflow)."""
    alpha = np.asarray(alpha, dtype=float)
    log_norm = math.lgamma(float(alpha.sum())) - sum(math.lgamma(float(a)) for a in alpha)
    logp = np.log(np.clip(p, 1e-300, None))
    return log_norm + np.sum((alpha - 1.0) * logp, axis=-1)


class SimplexDensity(Group):
    """The Dirichlet density Dir(p | alpha) over the 3-class simplex, as a heat-map triangle.

        s = SimplexDensity(SimplexDensity.aggregate(alpha10, keep=(7, 1)),
                           labels=("7", "1", "other"), font=theme.font)
        s.density_max       # the largest density on the grid (reported; colours are per plot)

    alpha = (1, 1, 1) is uniform (one flat colour); large alpha concentrates near a corner.
    Corner 0 is at the top, 1 bottom-left, 2 bottom-right. Colours are normalised per plot: the
    top of the scale is the plot's own maximum density ``color_max`` (``density_max``, or its
    99th percentile when some alpha < 1 makes the corners infinite). ``scale="linear"``
    (the default) maps 0 .. color_max; ``scale="log"`` (implied by passing ``log_range``;
    8 nats if not given) spreads the colours over ``log_range`` nats below the maximum, which
    widens a peak. With S in the hundreds the mass sits within a few
    percent of a corner: the heat map then shows a dark triangle and a bright point at that
    corner, and the ring ``mean_dot`` (at the expected probability alpha / S) marks it.
    """

    def __init__(self, alpha: Sequence[float] | np.ndarray, labels: Sequence[str] = ("0", "1", "2"),
                 resolution: int = 320, side: float = 4.0, cmap: Colormap = MAGMA,
                 font: str = DEFAULT_FONT, font_size: float = 26, text_color: str = TEXT,
                 edge_color: str = MUTED, show_mean: bool = True, mean_color: str = ACCENT,
                 scale: str | None = None, log_range: float | None = None) -> None:
        super().__init__()
        alpha = np.asarray(alpha, dtype=float)
        if alpha.shape != (3,) or np.any(alpha <= 0):
            raise ValueError(f"SimplexDensity needs 3 positive alphas, got {alpha}")
        self.alpha = alpha
        W = int(resolution)
        H = int(round(W * math.sqrt(3) / 2))
        ys, xs = np.mgrid[0:H, 0:W] + 0.5
        # vertices in pixel space: 0 top, 1 bottom-left, 2 bottom-right
        v = np.array([[W / 2, 0.0], [0.0, H], [float(W), H]])
        bary = self._barycentric(np.stack([xs, ys], axis=-1), v)
        inside = np.all(bary > 0, axis=-1)
        logd = np.full((H, W), -np.inf)
        logd[inside] = dirichlet_log_pdf(bary[inside], alpha)
        density = np.exp(logd)
        density[~np.isfinite(density)] = np.nan
        density[~inside] = np.nan
        finite = density[np.isfinite(density)]
        self.density = density
        self.density_max = float(finite.max()) if finite.size else 0.0
        self.color_max = (self.density_max if np.all(alpha >= 1)
                          else float(np.percentile(finite, 99)))
        if scale is None:
            scale = "log" if log_range is not None else "linear"
        if scale == "log":
            log_range = 8.0 if log_range is None else float(log_range)
            top = math.log(max(self.color_max, 1e-300))
            t = (logd - (top - log_range)) / log_range
        elif scale == "linear":
            t = density / max(self.color_max, 1e-300)
        else:
            raise ValueError(f"scale must be 'log' or 'linear', not {scale!r}")
        self.scale_kind = scale
        rgba = np.zeros((H, W, 4), dtype=np.uint8)
        rgba[..., :3] = cmap(np.where(inside, np.nan_to_num(t, nan=0.0, posinf=1.0, neginf=0.0), 0.0))
        rgba[..., 3] = np.where(inside, 255, 0)
        self.rgba = rgba
        height = side * math.sqrt(3) / 2
        self.image = image_mobject(rgba, width=side, height=height, nearest=False)
        self.side = side
        self.add(self.image)
        self.triangle = Polygon(*[self._scene_vertex(i) for i in range(3)],
                                stroke_color=edge_color, stroke_width=3)
        self.add(self.triangle)
        self.corner_labels = VGroup()
        for i, (lab, d) in enumerate(zip(labels, (UP, DOWN + LEFT, DOWN + RIGHT))):
            t = make_text(str(lab), font, font_size, text_color)
            t.next_to(self._scene_vertex(i), d, buff=0.12)
            self.corner_labels.add(t)
        self.add(self.corner_labels)
        self.mean = alpha / alpha.sum()
        self.mean_dot = VGroup()
        if show_mean:
            # a ring, so that the density under it (often a tiny spot at a corner) stays visible
            self.mean_dot = Circle(radius=0.08, stroke_color=mean_color, stroke_width=3)
            self.mean_dot.move_to(self.point_of(self.mean))
            self.add(self.mean_dot)

    @staticmethod
    def _barycentric(pts: np.ndarray, v: np.ndarray) -> np.ndarray:
        (x0, y0), (x1, y1), (x2, y2) = v
        det = (y1 - y2) * (x0 - x2) + (x2 - x1) * (y0 - y2)
        x, y = pts[..., 0], pts[..., 1]
        l0 = ((y1 - y2) * (x - x2) + (x2 - x1) * (y - y2)) / det
        l1 = ((y2 - y0) * (x - x2) + (x0 - x2) * (y - y2)) / det
        return np.stack([l0, l1, 1 - l0 - l1], axis=-1)

    def _scene_vertex(self, i: int) -> np.ndarray:
        img = self.image
        return [img.get_top(), img.get_corner(DOWN + LEFT), img.get_corner(DOWN + RIGHT)][i]

    def point_of(self, p: Sequence[float] | np.ndarray) -> np.ndarray:
        """The scene point of probability vector ``p`` (3,) on the triangle."""
        p = np.asarray(p, dtype=float)
        p = p / p.sum()
        return sum(p[i] * self._scene_vertex(i) for i in range(3))

    def density_at(self, p: Sequence[float] | np.ndarray) -> float:
        """Dir(p | alpha) at one point."""
        return float(np.exp(dirichlet_log_pdf(np.asarray(p, dtype=float), self.alpha)))

    @staticmethod
    def aggregate(alpha: Sequence[float] | np.ndarray, keep: tuple[int, int]) -> np.ndarray:
        """(alpha_i, alpha_j, sum of the rest): exact, by the Dirichlet aggregation property."""
        alpha = np.asarray(alpha, dtype=float)
        i, j = keep
        rest = alpha.sum() - alpha[i] - alpha[j]
        return np.array([alpha[i], alpha[j], rest])


class ReliabilityDiagram(VGroup):
    """Accuracy per confidence bin against the diagonal, with counts and the ECE.

        rd = ReliabilityDiagram(r["bin_conf"], r["bin_acc"], r["bin_count"], r["ece"],
                                color=theme.softmax, x_label="confidence", y_label="accuracy")

    Bins are equal-width over [0, 1] unless ``bin_edges`` (n + 1) is given. Empty bins (count 0
    or NaN accuracy) draw nothing. The gap between a bin's accuracy and its mean confidence is
    drawn as a hatched-looking outline in ``gap_color`` so it does not rely on colour alone.
    """

    def __init__(self, bin_conf: Sequence[float] | np.ndarray,
                 bin_acc: Sequence[float] | np.ndarray, bin_count: Sequence[int] | np.ndarray,
                 ece: float, color: str = ORANGE, bin_edges: Sequence[float] | None = None,
                 width: float = 4.5, height: float = 4.5, x_label: str = "confidence",
                 y_label: str = "accuracy", ece_label: str = "ECE", gap_color: str = VERMILION,
                 font: str = DEFAULT_FONT, font_size: float = 22, text_color: str = TEXT,
                 axis_color: str = MUTED, show_counts: bool = True,
                 number_format: NumberFormat = "{:.3f}") -> None:
        super().__init__()
        conf = np.asarray(bin_conf, dtype=float)
        acc = np.asarray(bin_acc, dtype=float)
        count = np.asarray(bin_count, dtype=float)
        n = len(acc)
        if not (len(conf) == len(count) == n):
            raise ValueError("bin_conf, bin_acc and bin_count must have the same length")
        edges = np.asarray(bin_edges, float) if bin_edges is not None else np.linspace(0, 1, n + 1)
        self.bin_conf, self.bin_acc, self.bin_count, self.ece = conf, acc, count, float(ece)
        ticks = np.linspace(0, 1, 6)
        self.frame = _Frame2D(ticks, ticks, width, height, x_label, y_label, font, font_size,
                              text_color, axis_color, "{:.1f}", "{:.1f}", grid=False)
        ax = self.axes = self.frame.axes
        self.add(self.frame)
        self.diagonal = DashedVMobject(Line(ax.c2p(0, 0), ax.c2p(1, 1)), num_dashes=30)
        self.diagonal.set_stroke(axis_color, 2)
        self.bars, self.gaps, self.count_texts = VGroup(), VGroup(), VGroup()
        unit_w = ax.c2p(1, 0)[0] - ax.c2p(0, 0)[0]
        for i in range(n):
            empty = count[i] <= 0 or not np.isfinite(acc[i])
            x0, x1 = edges[i], edges[i + 1]
            if empty:
                self.bars.add(VGroup())
                self.gaps.add(VGroup())
                self.count_texts.add(VGroup())
                continue
            bar = Rectangle(width=(x1 - x0) * unit_w * 0.96,
                            height=max(acc[i] * height, 1e-3), fill_color=color, fill_opacity=0.9,
                            stroke_color=BACKGROUND, stroke_width=1)
            bar.move_to(ax.c2p((x0 + x1) / 2, 0), aligned_edge=DOWN)
            self.bars.add(bar)
            c = conf[i] if np.isfinite(conf[i]) else (x0 + x1) / 2
            lo, hi = sorted((acc[i], c))
            gap = Rectangle(width=(x1 - x0) * unit_w * 0.96, height=max((hi - lo) * height, 1e-3),
                            fill_color=gap_color, fill_opacity=0.3, stroke_color=gap_color,
                            stroke_width=2)
            gap.move_to(ax.c2p((x0 + x1) / 2, lo), aligned_edge=DOWN)
            self.gaps.add(gap)
            if show_counts:
                t = make_text(str(int(count[i])), font, font_size * 0.7, text_color)
                t.next_to(ax.c2p((x0 + x1) / 2, hi), UP, buff=0.06)
                self.count_texts.add(t)
            else:
                self.count_texts.add(VGroup())
        if show_counts:
            texts = [t for t in self.count_texts if isinstance(t, Text)]
            if texts:
                widest = max(t.width for t in texts)
                limit = (edges[1] - edges[0]) * unit_w * 0.98
                if widest > limit:
                    for t in texts:
                        t.scale(limit / widest, about_edge=DOWN)
        self.ece_text = make_text(f"{ece_label} = {format_number(self.ece, number_format)}",
                                  font, font_size, text_color)
        # above the plot, right-aligned: never on top of a bar
        self.ece_text.next_to(ax.c2p(1, 1), UP, buff=0.3)
        self.ece_text.align_to(ax.c2p(1, 1), RIGHT)
        if y_label:
            self.ece_text.set_y(self.frame.y_title.get_y())
            if self.ece_text.get_left()[0] < self.frame.y_title.get_right()[0] + 0.3:
                self.ece_text.next_to(self.frame.y_title, UP, buff=0.15)
                self.ece_text.align_to(ax.c2p(1, 1), RIGHT)
        self.add(self.bars, self.gaps, self.diagonal, self.count_texts, self.ece_text)


# -- small pieces -------------------------------------------------------------------------------
class ImageTile(Group):
    """A small image (one crisp ImageMobject) with caption lines under it.

        tile = ImageTile(letter_a, ["A", "softmax: 7 (0.93)"], size=1.6, font=theme.font,
                         caption_colors=[theme.text, theme.softmax])
    """

    def __init__(self, values: np.ndarray, caption: str | Sequence[str] = (), size: float = 1.6,
                 cmap: Colormap = GRAY, vmin: float = 0.0, vmax: float = 1.0,
                 font: str = DEFAULT_FONT, font_size: float = 20, text_color: str = TEXT,
                 caption_colors: Sequence[str] | None = None, border_color: str = MUTED,
                 caption_width: float | None = None) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        self.values = values
        self.image = image_mobject(colorize(values, cmap, vmin, vmax), height=size)
        self.border = Rectangle(width=self.image.width, height=self.image.height,
                                stroke_color=border_color, stroke_width=1.5).move_to(self.image)
        lines = [caption] if isinstance(caption, str) else list(caption)
        colors = list(caption_colors) if caption_colors else [text_color] * len(lines)
        self.captions = VGroup(*[make_text(s, font, font_size, colors[i % len(colors)])
                                 for i, s in enumerate(lines) if s])
        self.add(self.image, self.border)
        if len(self.captions):
            self.captions.arrange(DOWN, buff=0.08)
            limit = caption_width or self.image.width * 1.35
            if self.captions.width > limit:
                self.captions.scale_to_fit_width(limit)
            self.captions.next_to(self.image, DOWN, buff=0.12)
            self.add(self.captions)


class TextTable(VGroup):
    """A small table built from ``Text`` only (no LaTeX), with rules under the header.

        table = TextTable([["", "softmax", "EDL"], ["accuracy", "98.9%", "98.8%"]],
                          font=theme.font, col_align="lrr")
        table.cell(1, 2).set_color(theme.edl)

    ``col_align``: one of ``l``, ``c``, ``r`` per column (or one letter for all).
    """

    def __init__(self, rows: Sequence[Sequence[str]], header: bool = True,
                 font: str = DEFAULT_FONT, font_size: float = 26, text_color: str = TEXT,
                 header_color: str = MUTED, rule_color: str = MUTED, col_align: str = "l",
                 col_buff: float = 0.6, row_buff: float = 0.28,
                 cell_colors: Mapping[tuple[int, int], str] | None = None) -> None:
        super().__init__()
        if not rows:
            raise ValueError("TextTable needs at least one row")
        n_cols = max(len(r) for r in rows)
        align = col_align * n_cols if len(col_align) == 1 else col_align
        if len(align) < n_cols:
            align += align[-1] * (n_cols - len(align))
        colors = dict(cell_colors or {})
        self.cells: list[list[VMobject]] = []
        for r, row in enumerate(rows):
            out: list[VMobject] = []
            for c in range(n_cols):
                s = row[c] if c < len(row) else ""
                color = colors.get((r, c), header_color if (header and r == 0) else text_color)
                out.append(make_text(s, font, font_size, color) if s.strip() else VMobject())
            self.cells.append(out)
        col_w = [max((self.cells[r][c].width for r in range(len(rows))), default=0)
                 for c in range(n_cols)]
        ref = make_text("Hg", font, font_size)
        row_h = ref.height
        ref_base_offset = text_baseline(ref) - ref.get_bottom()[1]
        x_left = []
        x = 0.0
        for c in range(n_cols):
            x_left.append(x)
            x += col_w[c] + col_buff
        total_w = x - col_buff
        self.rows_group = VGroup()
        y = 0.0
        self.row_baselines: list[float] = []
        for r in range(len(rows)):
            baseline = y - row_h + ref_base_offset
            self.row_baselines.append(baseline)
            group = VGroup()
            for c in range(n_cols):
                cell = self.cells[r][c]
                if isinstance(cell, Text):
                    cell.shift(UP * (baseline - text_baseline(cell)))
                    a = align[c]
                    if a == "l":
                        cell.shift(RIGHT * (x_left[c] - cell.get_left()[0]))
                    elif a == "r":
                        cell.shift(RIGHT * (x_left[c] + col_w[c] - cell.get_right()[0]))
                    else:
                        cell.shift(RIGHT * (x_left[c] + col_w[c] / 2 - cell.get_center()[0]))
                    group.add(cell)
            self.rows_group.add(group)
            y -= row_h + row_buff
            if header and r == 0:
                rule_y = y + row_buff / 2
                self.rule = Line([0, rule_y, 0], [total_w, rule_y, 0]).set_stroke(rule_color, 1.5)
                self.add(self.rule)
        self.add(self.rows_group)
        self.center()

    def cell(self, r: int, c: int) -> VMobject:
        return self.cells[r][c]

    def row(self, r: int) -> VGroup:
        return self.rows_group[r]

    def highlight_row(self, r: int, color: str = ACCENT, buff: float = 0.12) -> Rectangle:
        """A rectangle around row ``r`` spanning the whole table width."""
        row = self.rows_group[r]
        rect = Rectangle(width=self.width + 2 * buff, height=row.height + 2 * buff,
                         stroke_color=color, stroke_width=3)
        return rect.move_to(np.array([self.get_center()[0], row.get_center()[1], 0]))


__all__ = [
    "FRAME_WIDTH", "FRAME_HEIGHT", "DEFAULT_FONT", "CJK_FONT", "OKABE_ITO", "NumberFormat",
    "FMT_UNIT", "FMT_BYTE", "format_number", "make_text", "fit_within", "wrap_text",
    "wrap_tokens", "is_cjk",
    "text_baseline", "shape_text", "hex_to_rgb", "rgb_to_hex", "contrast_text_color",
    "Colormap", "GRAY", "VIRIDIS", "MAGMA", "BLUE_WHITE_ORANGE", "diverging_colormap",
    "normalize", "symmetric_limit", "colorize", "image_mobject", "ValueCells", "PixelGrid",
    "KernelGrid", "MultiplyAddPanel", "FeatureMapAtlas", "ColorBar", "LayerFlow", "BarChart10",
    "nice_ticks", "tick_format", "LiveFormula", "LINE_STYLES", "MARKERS", "styled_path",
    "make_marker", "LineChart",
    "StackedBar", "dirichlet_log_pdf", "SimplexDensity", "ReliabilityDiagram", "ImageTile",
    "TextTable",
]
