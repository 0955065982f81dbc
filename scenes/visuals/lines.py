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
from scenes.visuals.text import format_number, make_text
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
        font, text_color, axis_color = theme.font, theme.text, theme.muted
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
        font, text_color = theme.font, theme.text
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
        self.frame = _Frame2D(xt, yt, width, height, x_label, y_label, theme, font_size,
                              x_format or tick_format(xt),
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


__all__ = ["LINE_STYLES", "MARKERS", "styled_path", "make_marker", "LineChart"]
