"""Line charts: axes with round ticks, styled series (dashes and markers, not colour alone), legend.

    chart = LineChart(angles, {"softmax": p_max, "EDL u": u}, x_label="angle", y_label="")
    self.play(chart.create_series("softmax"))
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, UR, Animation, AnimationGroup, Axes, CapStyleType,
                   Circle, Create, DashedVMobject, FadeIn, LaggedStart, Line, Square,
                   Triangle, VGroup, VMobject)

from scenes.visuals.theme import BACKGROUND, DEFAULT_THEME, OKABE_ITO, NumberFormat, ThemeLike
from scenes.visuals.text import make_text
from scenes.visuals.numbers import format_number
from scenes.visuals.ticks import nice_ticks, tick_format


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
                 x_label: str, y_label: str, theme: ThemeLike, font_size: float,
                 x_format: NumberFormat, y_format: NumberFormat,
                 grid: bool = True) -> None:
        super().__init__()
        self.theme, self.font_size = theme, font_size
        x0, x1 = float(x_ticks[0]), float(x_ticks[-1])
        y0, y1 = float(y_ticks[0]), float(y_ticks[-1])
        self.axes = Axes(x_range=[x0, x1, (x1 - x0)], y_range=[y0, y1, (y1 - y0)],
                         x_length=width, y_length=height, tips=False,
                         axis_config={"color": theme.muted, "stroke_width": 2,
                                      "include_ticks": False})
        # Axes draw their lines through the origin; a chart wants them on the bottom and left
        # edges (the x numbers sit there), so hide those and draw the frame's own.
        self.axes.set_stroke(opacity=0)
        self.add(self.axes)
        self._add_edges(x0, x1, y0, y1)
        self.grid = VGroup()
        if grid:
            self._add_grid(y_ticks, x0, x1)
        self._add_ticks(x_ticks, y_ticks, x_format, y_format)
        self._add_titles(x_label, y_label, x0, x1, y1)

    def _add_edges(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """The bottom and left axis lines, and a zero line when y crosses 0."""
        self.x_line = Line(self.axes.c2p(x0, y0), self.axes.c2p(x1, y0))
        self.y_line = Line(self.axes.c2p(x0, y0), self.axes.c2p(x0, y1))
        VGroup(self.x_line, self.y_line).set_stroke(self.theme.muted, 2)
        self.add(self.x_line, self.y_line)
        if y0 < 0 < y1:
            self.zero_line = Line(self.axes.c2p(x0, 0), self.axes.c2p(x1, 0))
            self.zero_line.set_stroke(self.theme.muted, 1.5, opacity=0.8)
            self.add(self.zero_line)

    def _add_grid(self, y_ticks: np.ndarray, x0: float, x1: float) -> None:
        for y in y_ticks[1:]:
            self.grid.add(Line(self.axes.c2p(x0, y), self.axes.c2p(x1, y)))
        self.grid.set_stroke(self.theme.muted, 1, opacity=0.25)
        self.add(self.grid)

    def _add_ticks(self, x_ticks: np.ndarray, y_ticks: np.ndarray, x_format: NumberFormat,
                   y_format: NumberFormat) -> None:
        """Tick marks and their numbers along the bottom and left edges."""
        font, color, small = self.theme.font, self.theme.text, self.font_size * 0.8
        x0, y0 = float(x_ticks[0]), float(y_ticks[0])
        self.x_numbers = VGroup(*[
            make_text(format_number(v, x_format), font, small, color)
            .next_to(self.axes.c2p(v, y0), DOWN, buff=0.12) for v in x_ticks])
        self.y_numbers = VGroup(*[
            make_text(format_number(v, y_format), font, small, color)
            .next_to(self.axes.c2p(x0, v), LEFT, buff=0.12) for v in y_ticks])
        ticks = VGroup(*[Line(self.axes.c2p(v, y0), self.axes.c2p(v, y0) + DOWN * 0.08)
                         for v in x_ticks],
                       *[Line(self.axes.c2p(x0, v), self.axes.c2p(x0, v) + LEFT * 0.08)
                         for v in y_ticks]).set_stroke(self.theme.muted, 2)
        self.add(ticks, self.x_numbers, self.y_numbers)

    def _add_titles(self, x_label: str, y_label: str, x0: float, x1: float, y1: float) -> None:
        """The x title centred under the numbers, the y title above the left edge."""
        font, color, size = self.theme.font, self.theme.text, self.font_size
        self.x_title = make_text(x_label, font, size, color) if x_label else VGroup()
        self.y_title = make_text(y_label, font, size, color) if y_label else VGroup()
        if x_label:
            self.x_title.next_to(self.x_numbers, DOWN, buff=0.15)
            self.x_title.set_x(self.axes.c2p((x0 + x1) / 2, 0)[0])
            self.add(self.x_title)
        if y_label:
            self.y_title.next_to(self.axes.c2p(x0, y1), UP, buff=0.3)
            self.y_title.align_to(self.y_numbers, LEFT)
            self.add(self.y_title)


def _checked_series(x: np.ndarray, ys: Mapping[str, Sequence[float] | np.ndarray]
                    ) -> dict[str, np.ndarray]:
    """The series as float arrays; each must match ``x`` in shape and be finite."""
    out = {k: np.asarray(v, dtype=float) for k, v in ys.items()}
    for k, v in out.items():
        if v.shape != x.shape:
            raise ValueError(f"series {k!r} has {v.shape} points, x has {x.shape}")
        if not np.all(np.isfinite(v)):
            raise ValueError(f"series {k!r} has non-finite values")
    return out


def _series_styles(names: list[str], colors: Sequence[str] | Mapping[str, str] | None,
                   styles: Sequence[str] | None, markers: Sequence[str | None] | None
                   ) -> dict[str, dict[str, str | None]]:
    """Colour, line style and marker per series: given, else cycled from the defaults."""
    color_list = ([colors[n] for n in names] if isinstance(colors, Mapping)
                  else list(colors) if colors is not None else list(OKABE_ITO))
    style_list = list(styles) if styles is not None else list(LINE_STYLES)
    marker_list = list(markers) if markers is not None else list(MARKERS)
    return {name: {"color": color_list[j % len(color_list)],
                   "style": style_list[j % len(style_list)],
                   "marker": marker_list[j % len(marker_list)] if marker_list else None}
            for j, name in enumerate(names)}


class LineChart(VGroup):
    """Several real series on labelled axes, told apart by colour AND line style AND marker.

        chart = LineChart(angles, {"softmax max p": pmax, "EDL u": u},
                          colors=[theme.softmax, theme.edl], x_label="rotation (°)",
                          y_range=(0, 1), theme=lecture.theme)
        self.play(FadeIn(chart.frame), FadeIn(chart.legend))
        self.play(chart.create_series("softmax max p"))       # drawn progressively

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
                 theme: ThemeLike = DEFAULT_THEME, font_size: float = 24, stroke_width: float = 4,
                 x_format: NumberFormat | None = None, y_format: NumberFormat | None = None,
                 marker_every: int | None = None, marker_size: float = 0.13) -> None:
        super().__init__()
        self.theme, self.font_size, self.stroke_width = theme, font_size, stroke_width
        self.x = np.asarray(x, dtype=float)
        self.ys = _checked_series(self.x, ys)
        all_y = np.concatenate(list(self.ys.values())) if self.ys else np.zeros(1)
        xt = (np.asarray(x_ticks, float) if x_ticks is not None
              else nice_ticks(*(x_range or (self.x.min(), self.x.max()))))
        yt = (np.asarray(y_ticks, float) if y_ticks is not None
              else nice_ticks(*(y_range or (min(0.0, all_y.min()), all_y.max()))))
        self.frame = _Frame2D(xt, yt, width, height, x_label, y_label, theme, font_size,
                              x_format or tick_format(xt),
                              y_format or tick_format(yt))
        self.axes = self.frame.axes
        self.add(self.frame)
        self.styles = _series_styles(list(self.ys), colors, styles, markers)
        self._add_series(marker_every or max(1, math.ceil(len(self.x) / 20)), marker_size)
        self.legend = VGroup(*[self._legend_entry(name, marker_size) for name in self.ys])
        if self.ys and legend:
            self._place_legend(legend, width, xt[-1], yt[-1])
            self.add(self.legend)

    def _add_series(self, every: int, marker_size: float) -> None:
        """Each series as a styled line plus every ``every``-th point's marker."""
        self.lines: dict[str, VMobject] = {}
        self.markers: dict[str, VGroup] = {}
        self.paths: dict[str, VMobject] = {}
        self.series: dict[str, VGroup] = {}
        self.series_group = VGroup()
        for name, ys in self.ys.items():
            color, style, marker = (self.styles[name][k] for k in ("color", "style", "marker"))
            pts = np.array([self.axes.c2p(a, b) for a, b in zip(self.x, ys)])
            self.paths[name] = VMobject().set_points_as_corners(pts).set_stroke(color, 0)
            self.lines[name] = styled_path(pts, str(style), str(color), self.stroke_width)
            self.markers[name] = VGroup(*[make_marker(marker, str(color), marker_size).move_to(p)
                                          for p in pts[::every]]) if marker else VGroup()
            self.series[name] = VGroup(self.lines[name], self.markers[name])
            self.series_group.add(self.series[name])
        self.add(self.series_group)

    def _legend_entry(self, name: str, marker_size: float) -> VGroup:
        """A short sample of the series' line and marker, then its name."""
        s = self.styles[name]
        sample = styled_path(np.array([[0, 0, 0], [0.9, 0, 0]], float), str(s["style"]),
                             str(s["color"]), self.stroke_width)
        entry = VGroup(sample)
        if s["marker"]:
            entry.add(make_marker(str(s["marker"]), str(s["color"]), marker_size)
                      .move_to(sample.get_center()))
        entry.add(make_text(name, self.theme.font, self.font_size * 0.85, self.theme.text)
                  .next_to(sample, RIGHT, buff=0.15))
        return entry

    def _place_legend(self, where: str, width: float, x_end: float, y_end: float) -> None:
        """"top" (in a row, two columns if too wide), "inside" the top right, else "right"."""
        if where == "top":
            self.legend.arrange(RIGHT, buff=0.5)
            if self.legend.width > width:
                self.legend.arrange_in_grid(cols=2, buff=(0.5, 0.15), cell_alignment=LEFT)
            self.legend.next_to(self.frame, UP, buff=0.25)
            return
        self.legend.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        if where == "inside":
            self.legend.move_to(self.axes.c2p(x_end, y_end), aligned_edge=UR)
            self.legend.shift(LEFT * 0.15 + DOWN * 0.1)
        else:
            self.legend.next_to(self.axes, RIGHT, buff=0.4)

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


__all__ = ["LINE_STYLES", "MARKERS", "styled_path", "make_marker", "LineChart"]
