"""Evidential pieces: belief masses plus u as one stacked bar, the Dirichlet density on the
3-class simplex, and the reliability diagram.

    bar = StackedBar([("b0", b[0], theme.edl), ..., ("u", u, theme.muted)])
    tri = SimplexDensity(alpha[:3])
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, DashedVMobject, Group, Line, Polygon, Rectangle,
                   Text, VGroup, VMobject)

from scenes.visuals.theme import (ACCENT, BACKGROUND, DEFAULT_FONT, DEFAULT_THEME, MUTED, ORANGE, TEXT,
                                   VERMILION, NumberFormat, ThemeLike)
from scenes.visuals.text import make_text
from scenes.visuals.numbers import format_number
from scenes.visuals.colours import Colormap, MAGMA, image_mobject
from scenes.visuals.lines import _Frame2D


def label_slot(placed: dict[tuple[int, int], list[tuple[float, float]]], cx: float,
               half: float, max_row: int = 8) -> tuple[int, int]:
    """Where a label centred at ``cx`` (half-width ``half``) goes beside a bar: (side, row), side
    1 above and -1 below, row 0 next to the bar. The first free slot in the order above 0,
    below 0, above 1, below 1, ...; a label off row 0 hangs on a leader line at ``cx``, so no
    label nearer the bar on that side may cover ``cx``. Records the slot in ``placed``.

        >>> placed = {}
        >>> label_slot(placed, 0.0, 1.0), label_slot(placed, 0.5, 1.0), label_slot(placed, 0.9, 0.2)
        ((1, 0), (-1, 0), (1, 1))
    """
    lo, hi = cx - half, cx + half
    for row in range(max_row):
        for side in (1, -1):
            taken = placed.get((side, row), [])
            if any(not (hi <= a or lo >= b) for a, b in taken):
                continue
            nearer = [iv for r in range(row) for iv in placed.get((side, r), [])]
            if any(a <= cx <= b for a, b in nearer):
                continue
            placed.setdefault((side, row), []).append((lo, hi))
            return side, row
    placed.setdefault((1, max_row), []).append((lo, hi))
    return 1, max_row


class StackedBar(VGroup):
    """Parts of a whole (e.g. belief masses b_0..b_9 and u) as one bar that sums to one.

        parts = [(f"b{k}", b[k], theme.edl) for k in range(10)] + [("u", u, theme.muted)]
        bar = StackedBar(parts, width=11, font=theme.font, always_label=[-1])

    Parts below ``min_label_fraction`` of the bar are drawn but not labelled, except those whose
    index is in ``always_label`` (e.g. ``[-1]`` for u). Labels sit above their segment, or below
    when there is no room above (:func:`label_slot`): no label or leader line crosses another. Raises if the parts do not sum to 1.
    """

    def __init__(self, parts: Sequence[tuple[str, float, str]], width: float = 10.0,
                 height: float = 0.6, font: str = DEFAULT_FONT, font_size: float = 22,
                 number_format: NumberFormat = "{:.2f}", text_color: str | None = None,
                 outline: str = BACKGROUND, min_label_fraction: float = 0.025,
                 always_label: Sequence[int] = (), tolerance: float = 1e-2,
                 theme: ThemeLike | None = None) -> None:
        super().__init__()
        font, text_color = (theme.font, theme.text) if theme else (font, text_color)
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
        placed: dict[tuple[int, int], list[tuple[float, float]]] = {}
        always = {i % len(self.parts) for i in always_label}
        for idx, (label, value, color) in enumerate(self.parts):
            w = max(value, 0.0) / self.total * width
            seg = Rectangle(width=max(w, 1e-4), height=height, fill_color=color, fill_opacity=1,
                            stroke_color=outline, stroke_width=1.5)
            seg.move_to(np.array([x + w / 2, 0, 0]))
            self.segments.add(seg)
            shown = value / self.total >= min_label_fraction or idx in always
            self.labels.add(self._label(label, value, text_color or color, x + w / 2, height,
                                        placed, font, font_size, number_format)
                            if shown else VGroup())
            x += w
        self.add(self.segments, self.labels)

    @staticmethod
    def _label(label: str, value: float, color: str, cx: float, height: float,
               placed: dict[tuple[int, int], list[tuple[float, float]]], font: str,
               font_size: float, number_format: NumberFormat) -> VGroup:
        """Name and value over (or under) the segment centred at ``cx``, in the first free row
        of :func:`label_slot`; a label lifted off its segment gets a leader line."""
        lab = VGroup(make_text(label, font, font_size, color),
                     make_text(format_number(value, number_format), font, font_size * 0.85, color))
        lab.arrange(DOWN, buff=0.06)
        side, row = label_slot(placed, cx, lab.width / 2 + 0.08)
        y = height / 2 + 0.15 + row * (lab.height + 0.15)
        lab.move_to(np.array([cx, side * y, 0]), aligned_edge=DOWN if side > 0 else UP)
        item = VGroup(lab)
        if row > 0:
            end = lab.get_bottom() + DOWN * 0.04 if side > 0 else lab.get_top() + UP * 0.04
            item.add(Line(np.array([cx, side * (height / 2 + 0.03), 0]), end).set_stroke(color, 1.5))
        return item

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

        s = SimplexDensity(alpha[:3], labels=("0", "1", "2"), font=theme.font)
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
                 scale: str | None = None, log_range: float | None = None,
                 color_max: float | None = None) -> None:
        super().__init__()
        alpha = np.asarray(alpha, dtype=float)
        if alpha.shape != (3,) or np.any(alpha <= 0):
            raise ValueError(f"SimplexDensity needs 3 positive alphas, got {alpha}")
        self.alpha = alpha
        W = int(resolution)
        H = int(round(W * math.sqrt(3) / 2))
        inside, logd, density = self._density(alpha, W, H)
        finite = density[np.isfinite(density)]
        self.density = density
        self.density_max = float(finite.max()) if finite.size else 0.0
        #: the density drawn brightest: its own peak, unless ``color_max`` gives the shared
        #: one of triangles shown side by side (one colour scale for all of them)
        self.own_color_max = (self.density_max if np.all(alpha >= 1)
                              else float(np.percentile(finite, 99)))
        self.color_max = self.own_color_max if color_max is None else float(color_max)
        scale = scale or ("log" if log_range is not None else "linear")
        t = self._shade(logd, density, scale, log_range)
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
        self.corner_labels = VGroup(*[
            make_text(str(lab), font, font_size, text_color).next_to(self._scene_vertex(i), d,
                                                                     buff=0.12)
            for i, (lab, d) in enumerate(zip(labels, (UP, DOWN + LEFT, DOWN + RIGHT)))])
        self.add(self.corner_labels)
        self.mean = alpha / alpha.sum()
        self.mean_dot = VGroup()
        if show_mean:
            # a ring, so that the density under it (often a tiny spot at a corner) stays visible
            self.mean_dot = Circle(radius=0.08, stroke_color=mean_color, stroke_width=3)
            self.mean_dot.move_to(self.point_of(self.mean))
            self.add(self.mean_dot)

    @classmethod
    def _density(cls, alpha: np.ndarray, W: int, H: int) -> tuple[np.ndarray, ...]:
        """(inside the triangle, log density, density with NaN outside) on a W x H pixel grid
        whose vertices are 0 top, 1 bottom-left, 2 bottom-right."""
        ys, xs = np.mgrid[0:H, 0:W] + 0.5
        v = np.array([[W / 2, 0.0], [0.0, H], [float(W), H]])
        bary = cls._barycentric(np.stack([xs, ys], axis=-1), v)
        inside = np.all(bary > 0, axis=-1)
        logd = np.full((H, W), -np.inf)
        logd[inside] = dirichlet_log_pdf(bary[inside], alpha)
        density = np.exp(logd)
        density[~np.isfinite(density)] = np.nan
        density[~inside] = np.nan
        return inside, logd, density

    def _shade(self, logd: np.ndarray, density: np.ndarray, scale: str,
               log_range: float | None) -> np.ndarray:
        """Each pixel's place on the colour scale, 0 to 1 at ``color_max``: linear in the
        density, or over the top ``log_range`` of its logarithm (default 8)."""
        if scale == "log":
            log_range = 8.0 if log_range is None else float(log_range)
            top = math.log(max(self.color_max, 1e-300))
            return (logd - (top - log_range)) / log_range
        if scale == "linear":
            return density / max(self.color_max, 1e-300)
        raise ValueError(f"scale must be 'log' or 'linear', not {scale!r}")

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
                 theme: ThemeLike = DEFAULT_THEME, font_size: float = 22, show_counts: bool = True,
                 number_format: NumberFormat = "{:.3f}") -> None:
        super().__init__()
        font, text_color, axis_color = theme.font, theme.text, theme.muted
        conf = np.asarray(bin_conf, dtype=float)
        acc = np.asarray(bin_acc, dtype=float)
        count = np.asarray(bin_count, dtype=float)
        n = len(acc)
        if not (len(conf) == len(count) == n):
            raise ValueError("bin_conf, bin_acc and bin_count must have the same length")
        edges = np.asarray(bin_edges, float) if bin_edges is not None else np.linspace(0, 1, n + 1)
        self.bin_conf, self.bin_acc, self.bin_count, self.ece = conf, acc, count, float(ece)
        ticks = np.linspace(0, 1, 6)
        self.frame = _Frame2D(ticks, ticks, width, height, x_label, y_label, theme, font_size,
                              "{:.1f}", "{:.1f}", grid=False)
        ax = self.axes = self.frame.axes
        self.add(self.frame)
        self.diagonal = DashedVMobject(Line(ax.c2p(0, 0), ax.c2p(1, 1)), num_dashes=30)
        self.diagonal.set_stroke(axis_color, 2)
        self.bars, self.gaps, self.count_texts = VGroup(), VGroup(), VGroup()
        self._unit_w, self._height = ax.c2p(1, 0)[0] - ax.c2p(0, 0)[0], height
        for i in range(n):
            bar, gap, count_text = self._bin(i, edges, color, gap_color, show_counts,
                                             (font, font_size * 0.7, text_color))
            self.bars.add(bar)
            self.gaps.add(gap)
            self.count_texts.add(count_text)
        if show_counts:
            self._fit_counts((edges[1] - edges[0]) * self._unit_w * 0.98)
            self._place_counts(edges)
        self.ece_text = make_text(f"{ece_label} = {format_number(self.ece, number_format)}",
                                  font, font_size, text_color)
        self._place_ece(bool(y_label))
        self.add(self.bars, self.gaps, self.diagonal, self.count_texts, self.ece_text)

    def _bin(self, i: int, edges: np.ndarray, color: str, gap_color: str, show_count: bool,
             text_style: tuple[str, float, str]) -> tuple[VMobject, VMobject, VMobject]:
        """Bin ``i``'s bar (its accuracy), gap box (accuracy to mean confidence) and count
        label; three empty groups for an empty bin."""
        acc, conf, count = self.bin_acc[i], self.bin_conf[i], self.bin_count[i]
        if count <= 0 or not np.isfinite(acc):
            return VGroup(), VGroup(), VGroup()
        ax, x0, x1 = self.axes, edges[i], edges[i + 1]
        bar = Rectangle(width=(x1 - x0) * self._unit_w * 0.96,
                        height=max(acc * self._height, 1e-3), fill_color=color, fill_opacity=0.9,
                        stroke_color=BACKGROUND, stroke_width=1)
        bar.move_to(ax.c2p((x0 + x1) / 2, 0), aligned_edge=DOWN)
        c = conf if np.isfinite(conf) else (x0 + x1) / 2
        lo, hi = sorted((acc, c))
        gap = Rectangle(width=(x1 - x0) * self._unit_w * 0.96,
                        height=max((hi - lo) * self._height, 1e-3), fill_color=gap_color,
                        fill_opacity=0.3, stroke_color=gap_color, stroke_width=2)
        gap.move_to(ax.c2p((x0 + x1) / 2, lo), aligned_edge=DOWN)
        if not show_count:
            return bar, gap, VGroup()
        return bar, gap, make_text(str(int(count)), *text_style)

    def _fit_counts(self, limit: float) -> None:
        """One size for every count label, the widest no wider than ``limit`` (a bin)."""
        texts = [t for t in self.count_texts if isinstance(t, Text)]
        widest = max((t.width for t in texts), default=0.0)
        if widest > limit:
            for t in texts:
                t.scale(limit / widest, about_edge=DOWN)

    def _place_counts(self, edges: np.ndarray, buff: float = 0.06) -> None:
        """Each count just above its bin's bar and gap, and above the diagonal wherever the
        label spans: the diagonal rises to the right, so the label's bottom clears it at its
        right edge. A rule, not luck with the data (a label once sat on the dashes)."""
        ax = self.axes
        for i, text in enumerate(self.count_texts):
            if not isinstance(text, Text):
                continue
            xc = (edges[i] + edges[i + 1]) / 2
            hi = max(self.bin_acc[i], self.bin_conf[i] if np.isfinite(self.bin_conf[i]) else xc)
            right = xc + text.width / 2 / self._unit_w  # the label's right edge, in data units
            text.move_to(ax.c2p(xc, max(hi, right)), aligned_edge=DOWN)
            text.shift(buff * UP)

    def _place_ece(self, beside_y_title: bool) -> None:
        """The ECE above the plot, right-aligned (never on a bar): on the y title's line when
        it fits there, else above it."""
        ax = self.axes
        self.ece_text.next_to(ax.c2p(1, 1), UP, buff=0.3)
        self.ece_text.align_to(ax.c2p(1, 1), RIGHT)
        if beside_y_title:
            self.ece_text.set_y(self.frame.y_title.get_y())
            if self.ece_text.get_left()[0] < self.frame.y_title.get_right()[0] + 0.3:
                self.ece_text.next_to(self.frame.y_title, UP, buff=0.15)
                self.ece_text.align_to(ax.c2p(1, 1), RIGHT)


__all__ = ["StackedBar", "label_slot", "dirichlet_log_pdf", "SimplexDensity", "ReliabilityDiagram"]
