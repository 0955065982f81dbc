"""Heat maps over images, scatter plots drawn as one image, and a matrix of counts.

    rgb = heat_overlay(digit, gradcam, VIRIDIS)                  # (28, 28, 3) uint8
    img = image_mobject(upscale(rgb, 8), height=1.3)
    cloud = scatter_image(xy, colors, shapes, size_px=720)        # (720, 720, 4) RGBA
    grid = CountMatrix(confusion, cell=0.42, vmax=4)              # 10 x 10, counts written

A scatter of hundreds of points is one image (fast to render at 1080p), not hundreds of
mobjects; its markers have the same shapes as :func:`scenes.visuals.lines.make_marker`, so a
legend drawn with vector markers matches it.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, Square, VGroup

from scenes.visuals.colours import Colormap, GRAY, contrast_text_color, hex_to_rgb, rgb_to_hex
from scenes.visuals.text import make_text
from scenes.visuals.theme import DEFAULT_FONT, MUTED, SEPARATOR, TEXT


def upscale(rgb: np.ndarray, factor: int) -> np.ndarray:
    """Each pixel repeated ``factor`` times in both directions (crisp at any size)."""
    return np.repeat(np.repeat(np.asarray(rgb), factor, axis=0), factor, axis=1)


def heat_overlay(image: np.ndarray, heat: np.ndarray, cmap: Colormap, alpha: float = 0.7,
                 vmax: float = 1.0) -> np.ndarray:
    """The grey ``image`` (values in [0, 1]) under ``cmap(heat / vmax)`` at opacity ``alpha``:
    where a model looks, and on what. Both arrays have the same (H, W) shape."""
    image, heat = np.asarray(image, float), np.asarray(heat, float)
    if image.shape != heat.shape:
        raise ValueError(f"image {image.shape} and heat map {heat.shape} differ in shape")
    under = GRAY(image).astype(float)
    over = cmap(heat / vmax if vmax > 0 else heat).astype(float)
    return np.round((1 - alpha) * under + alpha * over).astype(np.uint8)


def _marker_mask(kind: str, r: float) -> np.ndarray:
    """A boolean (2R+1, 2R+1) stamp of marker ``kind`` with radius ``r`` pixels."""
    n = int(np.ceil(r))
    y, x = np.mgrid[-n:n + 1, -n:n + 1].astype(float)
    if kind == "square":
        return (np.abs(x) <= 0.8 * r) & (np.abs(y) <= 0.8 * r)
    if kind == "diamond":
        return np.abs(x) + np.abs(y) <= 1.05 * r
    if kind == "triangle":  # pointing up (image rows grow downwards)
        return (y <= 0.75 * r) & (y >= -r) & (np.abs(x) <= (y + r) * 0.6)
    return x * x + y * y <= r * r


def scatter_image(points: np.ndarray, colors: Sequence[str], shapes: Sequence[str],
                  size_px: int = 720, radius_px: float = 5.0,
                  radii: Sequence[float] | None = None, pad: float = 0.04,
                  limits: tuple[float, float, float, float] | None = None) -> np.ndarray:
    """Points (N, 2) drawn as markers into a transparent square RGBA image, in the given order
    (later points on top). ``limits`` = (xmin, xmax, ymin, ymax), default: the points' own
    range with a margin of ``pad``; y grows upwards as in a chart."""
    xy = np.asarray(points, float)
    if limits is None:
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        lo, hi = lo - pad * span, hi + pad * span
    else:
        lo, hi = np.array(limits[::2], float), np.array(limits[1::2], float)
    px = (xy - lo) / np.where(hi > lo, hi - lo, 1.0) * (size_px - 1)
    out = np.zeros((size_px, size_px, 4), dtype=np.uint8)
    stamps: dict[tuple[str, float], np.ndarray] = {}
    for i, (x, y) in enumerate(px):
        r = float(radii[i]) if radii is not None else radius_px
        key = (shapes[i], r)
        if key not in stamps:
            stamps[key] = _marker_mask(shapes[i], r)
        mask = stamps[key]
        n = mask.shape[0] // 2
        cx, cy = int(round(x)), int(round(size_px - 1 - y))
        y0, y1, x0, x1 = cy - n, cy + n + 1, cx - n, cx + n + 1
        sy0, sx0 = max(0, -y0), max(0, -x0)
        sy1 = mask.shape[0] - max(0, y1 - size_px)
        sx1 = mask.shape[1] - max(0, x1 - size_px)
        m = mask[sy0:sy1, sx0:sx1]
        region = out[max(0, y0):min(size_px, y1), max(0, x0):min(size_px, x1)]
        region[m] = (*hex_to_rgb(colors[i]), 255)
    return out


class CountMatrix(VGroup):
    """A square matrix of counts (row = true class, column = prediction) as coloured cells with
    the counts written in them; zero cells stay empty, the diagonal is drawn in neutral grey.

        cm = CountMatrix(confusion, cell=0.42, cmap=VIRIDIS, vmax=4)
        cm.cell(4, 9)          # the Square of row 4, column 9
        cm.numbers             # {(r, c): Text} for every non-zero cell

    Off-diagonal cells are coloured by ``cmap(count / vmax)`` (the mistakes); diagonal counts
    (the correct answers) are written in muted type on ``diagonal_color``.
    """

    def __init__(self, counts: np.ndarray, cell: float = 0.42, cmap: Colormap | None = None,
                 vmax: float | None = None, font: str = DEFAULT_FONT, font_size: float = 18,
                 diagonal_color: str = "#2E3440", line_color: str = SEPARATOR,
                 text_color: str = TEXT, muted: str = MUTED) -> None:
        super().__init__()
        from scenes.visuals.colours import VIRIDIS

        c = np.asarray(counts, dtype=int)
        self.counts = c
        self.cmap = cmap or VIRIDIS
        off = c.copy()
        np.fill_diagonal(off, 0)
        self.vmax = float(vmax if vmax is not None else max(1, int(off.max())))
        self.cells = VGroup()
        self.numbers: dict[tuple[int, int], VGroup] = {}
        n_rows, n_cols = c.shape
        self.n_rows, self.n_cols, self.cell_size = n_rows, n_cols, cell
        for r in range(n_rows):
            for k in range(n_cols):
                fill = (diagonal_color if r == k
                        else rgb_to_hex(self.cmap(min(1.0, c[r, k] / self.vmax))))
                sq = Square(side_length=cell, stroke_color=line_color, stroke_width=1,
                            fill_color=fill, fill_opacity=1.0)
                sq.move_to([k * cell, -r * cell, 0])
                self.cells.add(sq)
        self.add(self.cells)
        self.labels = VGroup()
        for r in range(n_rows):
            for k in range(n_cols):
                if c[r, k] == 0:
                    continue
                color = (muted if r == k
                         else contrast_text_color(self.cmap(min(1.0, c[r, k] / self.vmax))))
                t = make_text(str(int(c[r, k])), font, font_size, color)
                if t.width > 0.85 * cell:
                    t.scale_to_fit_width(0.85 * cell)
                t.move_to(self.cell(r, k))
                self.numbers[(r, k)] = t
                self.labels.add(t)
        self.add(self.labels)

    def cell(self, r: int, c: int) -> Square:
        return self.cells[r * self.n_cols + c]

    def axis_labels(self, names: Sequence[str], font: str = DEFAULT_FONT,
                    font_size: float = 20, color: str = MUTED) -> VGroup:
        """Class names left of the rows and above the columns."""
        group = VGroup()
        for i, name in enumerate(names):
            group.add(make_text(name, font, font_size, color)
                      .next_to(self.cell(i, 0), LEFT, buff=0.12))
            group.add(make_text(name, font, font_size, color)
                      .next_to(self.cell(0, i), -DOWN, buff=0.1))
        return group


__all__ = ["upscale", "heat_overlay", "scatter_image", "CountMatrix"]
