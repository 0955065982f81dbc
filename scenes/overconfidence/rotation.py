"""The rotated digit's pieces (sequence 2, section 4): the chart of softmax's probabilities as
the digit turns, the turning image and its readout, the peak, and the summary line.

    view = self._rotation_view(probs, digit, k_peak)     # RotationView: chart, curves, image box
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, DashedLine, Line, Mobject, Rectangle, VGroup)

from scenes.overconfidence import findings
from scenes import visuals as tk
from scenes.visuals.numbers import prob_parts
from scenes.overconfidence.parts import OverconfidenceParts


#: in the rotation chart a class gets its own curve when its probability ever exceeds this
CURVE_THRESHOLD = 0.2
#: at most this many classes get their own curve (one line style and marker each, see
#: tk.LINE_STYLES / tk.MARKERS); the others are drawn faint
MAX_CURVES = min(len(tk.LINE_STYLES), len(tk.MARKERS))
#: size of the rotated digit's image box
ROTATION_IMAGE = 2.7


def angle_ticks(angles: np.ndarray) -> np.ndarray:
    """Round angle ticks (degrees) covering ``angles``: the smallest of 5°, 10°, 15°, 30°,
    45°, 60°, 90° that needs at most six steps, else 180°."""
    span = float(angles.max() - angles.min()) or 1.0
    step = next((st for st in (5, 10, 15, 30, 45, 60, 90) if span / st <= 6), 180)
    return np.arange(math.floor(angles.min() / step) * step,
                     math.ceil(angles.max() / step) * step + step / 2, step)


@dataclass
class RotationView:
    """What the rotated-digit section draws on: the digit's softmax output per angle, the
    classes with their own curve and their colours, the chart and the box of the image."""

    angles: np.ndarray  # rotation.angles (degrees)
    probs: np.ndarray  # rotation.softmax_probs (angle, class)
    digit: int  # rotation.digit
    main: list[int]  # classes with their own curve, the digit first
    colors: dict[int, str]
    names: dict[int, str]  # legend name of each main class's curve
    chart: tk.LineChart
    others_entry: VGroup  # the legend entry of the faint curves
    box: Rectangle

    @property
    def others(self) -> list[int]:
        """The classes drawn as faint curves."""
        return [k for k in range(10) if k not in self.main]

    @property
    def n(self) -> int:
        return len(self.angles)

    def pt(self, i: int, k: int) -> np.ndarray:
        """The chart point of class ``k`` at the ``i``-th angle."""
        return self.chart.c2p(self.angles[i], self.probs[i, k])

    def style(self, k: int) -> dict[str, Any]:
        """Line style and marker of class ``k``'s curve (one of ``main``)."""
        return self.chart.styles[self.names[k]]


class RotationParts(OverconfidenceParts):
    """The builders of the rotated-digit section, on the shared parts of sequence 2."""

    # -- 4. the rotated digit ---------------------------------------------------------------------
    def _rotation_view(self, probs: np.ndarray, digit: int, k_peak: int) -> RotationView:
        """The empty chart (curves of the digit and of the wrong classes that matter, the
        peak's class among them) on the right, the image box on the left."""
        angles = np.asarray(self.data.rotation.angles, dtype=float)  # rotation.angles (degrees)
        main = findings.curve_classes(probs, digit, k_peak, CURVE_THRESHOLD, MAX_CURVES)
        colors = self._curve_colors(main, digit)
        names = {k: self.t("rot_series", k=k) for k in main}
        chart, entry = self._rotation_chart(angles, probs, main, colors, names)
        x_img = (chart.get_left()[0] - tk.FRAME_WIDTH / 2) / 2
        box = Rectangle(width=ROTATION_IMAGE, height=ROTATION_IMAGE,
                        stroke_color=self.theme.muted, stroke_width=2).move_to([x_img, 0.9, 0])
        view = RotationView(angles, probs, digit, main, colors, names, chart, entry, box)
        self.keep("rotation_chart", chart)
        # class -> (colour, line style, marker) of its curve, for tests
        self.keep("rotation_styles", {k: (colors[k], view.style(k)["style"],
                                          view.style(k)["marker"]) for k in main})
        return view

    def _curve_colors(self, main: list[int], digit: int) -> dict[int, str]:
        """A colour per curve: the text colour for the digit itself (p(digit) is a class, not a
        model: no model colour), Okabe-Ito for the wrong classes, never a model's colour."""
        colors = {digit: self.theme.text}
        palette = [c for c in tk.CLASS_PALETTE if c.upper() not in
                   (self.theme.softmax.upper(), self.theme.edl.upper())]
        for j, k in enumerate(k for k in main if k != digit):
            colors[k] = palette[j % len(palette)]
        return colors

    def _rotation_chart(self, angles: np.ndarray, probs: np.ndarray, main: list[int],
                        colors: dict[int, str],
                        names: dict[int, str]) -> tuple[tk.LineChart, VGroup]:
        """Probability against angle, without its curves (drawn angle by angle), with a legend
        entry for the faint curves of the other classes; and that entry."""
        chart = tk.LineChart(angles, {names[k]: probs[:, k] for k in main},
                             colors=[colors[k] for k in main], x_label=self.t("rot_x"),
                             y_label=self.t("rot_y"), y_range=(0.0, 1.0),
                             x_ticks=angle_ticks(angles), width=6.6, height=4.3, legend="right",
                             theme=self.theme, font_size=24)
        chart.remove(chart.series_group)
        entry = VGroup(Line(LEFT * 0.45, RIGHT * 0.45).set_stroke(self.theme.muted, 2,
                                                                   opacity=0.6),
                       self.text(self.t("rot_others"), size=24 * 0.85))
        entry[1].next_to(entry[0], RIGHT, buff=0.15)
        entry.next_to(chart.legend, DOWN, aligned_edge=LEFT, buff=0.2)
        chart.add(entry)
        tk.fit_within(chart, 9.4, 5.1)
        chart.to_edge(RIGHT, buff=tk.MARGIN)
        chart.shift(UP * (tk.SAFE_BOTTOM + 0.65 - chart.get_bottom()[1]))  # the summary below
        return chart, entry

    def _rotation_caption(self, view: RotationView) -> Mobject:
        """The line above the image box naming the rotated digit, centred over the box but
        clear of the chart's axis title (at 26 px it ran into it): one line at 26 or 24 px
        when it fits between the margin and the chart, else wrapped."""
        left, right = -tk.FRAME_WIDTH / 2 + tk.MARGIN, view.chart.get_left()[0] - 0.3
        content = self.t("rot_title", digit=view.digit)
        for size in (26, 24):
            caption = self.text(content, size=size, color=self.theme.muted)
            if caption.width <= right - left:
                break
        else:
            caption = tk.wrap_text(content, right - left, font=self.theme.font, size=24,
                                   color=self.theme.muted)
        caption.next_to(view.box, UP, buff=0.25)
        x = min(max(view.box.get_x(), left + caption.width / 2), right - caption.width / 2)
        return self.on_stage(caption.set_x(x))

    def _rotated_image(self, view: RotationView, i: int) -> Mobject:
        """``rotation.images[i]``: the digit rotated by ``rotation.angles[i]``, in the box."""
        rgb = tk.colorize(np.asarray(self.data.rotation.images[i], dtype=float), tk.GRAY, 0.0, 1.0)
        return tk.image_mobject(rgb, width=ROTATION_IMAGE,
                                height=ROTATION_IMAGE).move_to(view.box)

    def _rotation_readout(self, view: RotationView, i: int) -> VGroup:
        """Under the image: the angle, the predicted digit and its probability there."""
        pred = int(np.argmax(view.probs[i]))
        a = self.show(self.d.rotation.angles[i])
        p = self.show(self.d.rotation.softmax_probs[i][pred])
        color = view.colors.get(pred, self.theme.text)
        g = VGroup(self.text(self.t("rot_angle", angle=a), size=34),
                   self.text(self.t("rot_pred", pred=pred), size=28, color=color),
                   self.text(self.t("tile_p", **prob_parts(p)), size=28, color=color))
        return g.arrange(DOWN, buff=0.18).next_to(view.box, DOWN, buff=0.35)

    def _curve_step(self, view: RotationView,
                    i: int) -> tuple[list[Mobject], list[Mobject], list[Mobject]]:
        """The curves' pieces up to the ``i``-th angle: faint segments of the other classes,
        styled segments of the main ones, and the main ones' markers."""
        faint: list[Mobject] = []
        segs: list[Mobject] = []
        marks: list[Mobject] = []
        for k in view.others:
            self.show(self.d.rotation.softmax_probs[i][k])
            if i > 0:
                faint.append(Line(view.pt(i - 1, k), view.pt(i, k))
                             .set_stroke(self.theme.muted, 1.5, opacity=0.45))
        for k in view.main:
            self.show(self.d.rotation.softmax_probs[i][k])
            style = view.style(k)
            if i > 0:
                segs.append(tk.styled_path(np.array([view.pt(i - 1, k), view.pt(i, k)]),
                                           str(style["style"]), view.colors[k], 4))
            marks.append(tk.make_marker(str(style["marker"]), view.colors[k], 0.13,
                                        self.theme.background).move_to(view.pt(i, k)))
        return faint, segs, marks

    def _peak_note(self, view: RotationView, angle: float, k: int, p: float) -> Mobject:
        """The note on the peak, in the colour of class ``k``'s curve: above the plot, level
        with the y-axis title and right of it, within the legend's right edge."""
        chart = view.chart
        note = self.text(self.t("rot_peak", angle=angle, k=k, **prob_parts(p)), size=26,
                         color=view.colors[k])
        note.move_to([chart.c2p(angle, 1.0)[0], chart.frame.y_title.get_y(), 0])
        left_limit = chart.frame.y_title.get_right()[0] + 0.3
        right_limit = chart.legend.get_right()[0]
        if note.get_left()[0] < left_limit:
            note.shift(RIGHT * (left_limit - note.get_left()[0]))
        if note.get_right()[0] > right_limit:
            note.shift(LEFT * (note.get_right()[0] - right_limit))
        return note

    def _peak_guide(self, view: RotationView, angle: float, k: int, note: Mobject) -> DashedLine:
        """A dashed line from the x axis at ``angle`` up to the note."""
        x = view.chart.c2p(angle, 0)[0]
        guide = DashedLine(view.chart.c2p(angle, 0.0), [x, note.get_bottom()[1] - 0.08, 0],
                           dash_length=0.08)
        return guide.set_stroke(view.colors[k], 2)

    def _rotation_summary(self, view: RotationView) -> tuple[Mobject, int]:
        """The line under the chart: at how many angles softmax names a wrong digit, how many
        of them with p >= 0.9; and the number of wrong angles."""
        n_wrong = int(self.show(findings.wrong_angles(self.d.rotation, "softmax")))
        n_conf = int(self.show(findings.wrong_angles(self.d.rotation, "softmax", confident=0.9)))
        summary = self.text(self.t("rot_wrong_count", n_wrong=n_wrong, n=view.n, n_conf=n_conf),
                            size=26)
        tk.fit_within(summary, tk.FRAME_WIDTH - 1.0, 0.6)
        self.keep("rotation_summary", self._on_bottom_line(summary))
        return summary, n_wrong


__all__ = ["CURVE_THRESHOLD", "MAX_CURVES", "ROTATION_IMAGE", "RotationParts", "RotationView", "angle_ticks"]
