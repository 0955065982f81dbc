"""The ten-class bar chart (logits, probabilities), animated from one set of values to another.

    probs = BarChart10(softmax, highlight=int(softmax.argmax()), font=theme.font)
    self.play(probs.animate_to(other_softmax))
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from manim import DOWN, ORIGIN, RIGHT, UP, Animation, Line, Rectangle, Transform, VGroup, VMobject

from scenes.visuals.theme import ThemeLike, ACCENT, DEFAULT_FONT, MUTED, NumberFormat, SKY, TEXT
from scenes.visuals.text import make_text
from scenes.visuals.numbers import fixed_decimals, format_number
from scenes.visuals.ticks import nice_step


def _half_unit(fmt: NumberFormat) -> float | None:
    """Half the last decimal of a fixed-decimals format (what still reads as non-zero); None
    for a function.

    >>> _half_unit("{:.2f}"), _half_unit("{:.0f}"), _half_unit(str)
    (0.005, 0.5, None)
    """
    digits = fixed_decimals(fmt)
    return None if digits is None else 0.5 * 10.0 ** -digits


def _plain(value: float, fmt: NumberFormat) -> str:
    """``value`` as ``fmt`` alone writes it (the width the chart's labels are sized for)."""
    return format_number(value, fmt) if callable(fmt) else fmt.format(float(value))


def _scale(vals: np.ndarray, y_min: float | None, y_max: float | None) -> tuple[float, float]:
    """The value axis: the given bounds, or a nice step past the data (None); never empty."""
    top = float(y_max) if y_max is not None else nice_step(max(0.0, vals.max()) * 1.1)
    bottom = float(y_min) if y_min is not None else -nice_step(max(0.0, -vals.min()) * 1.1)
    return bottom, (top if top > bottom else bottom + 1.0)


class BarChart10(VGroup):
    """Ten (or any number of) bars with class labels and value labels, from real values.

        probs = BarChart10(softmax, highlight=7, font=theme.font, bar_color=theme.softmax)
        self.play(probs.animate_to(softmax_rotated))          # bars and numbers move
        logits = BarChart10(z, y_min=-12, y_max=12)            # negative bars hang below 0

    ``label_min``: only bars at least that far from 0 (and the highlight) get a value label, so
    that a row of "0.00" (or of "< 0.001") does not run together into one unreadable string. By
    default it is half the format's last decimal (0.005 for ``"{:.2f}"``): a bar is labelled
    where its label says something more than "zero".
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
                 bar_fill: float = 0.7, label_fill: float = 0.78,
                 label_min: float | None = None, theme: ThemeLike | None = None) -> None:
        super().__init__()
        if theme is not None:  # the lecture's font and colours in one object
            font, text_color, axis_color = theme.font, theme.text, theme.muted
        vals = np.asarray(values, dtype=float)
        self.n = len(vals)
        self.labels_text = list(labels) if labels is not None else [str(i) for i in range(self.n)]
        if len(self.labels_text) != self.n:
            raise ValueError(f"{self.n} values but {len(self.labels_text)} labels")
        self.y_min, self.y_max = _scale(vals, y_min, y_max)
        self.chart_width, self.chart_height = width, height
        self.colors = list(colors) if colors is not None else [bar_color] * self.n
        self.highlight_color = highlight_color
        self.number_format = number_format
        self.font, self.font_size, self.text_color = font, font_size, text_color
        self.value_labels = value_labels
        self.label_min = label_min if label_min is not None else _half_unit(number_format)
        self.slot = width / self.n
        self.bar_width = self.slot * bar_fill
        # one size for every value label: the widest number the scale can show must fit a slot
        # (the numbers as the format writes them: a rare longer one that the rounding rule
        # writes, such as "> 0.999", may spread over the slots beside it, see set_values)
        probes = [_plain(v, number_format) for v in
                  (self.y_min, self.y_max, 0.0, vals.min(), vals.max())]
        widest = max(make_text(p, font, font_size * 0.85).width for p in probes)
        # (``label_fill``: the share of a slot the widest label may take)
        self.value_font_size = font_size * 0.85 * min(1.0, label_fill * self.slot / widest)
        self.baseline = Line(self._point(-0.5, 0.0) - RIGHT * 0.1,
                             self._point(self.n - 0.5, 0.0) + RIGHT * 0.1,
                             color=axis_color, stroke_width=2)
        class_y = self._y(self.y_min) - (0.6 if self.y_min < 0 else 0.25)
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

    def labelled(self, i: int, value: float) -> bool:
        """Whether bar ``i`` of ``value`` gets its number (``value_labels``, ``label_min``)."""
        return self.value_labels and (self.label_min is None or i == self.highlight
                                      or abs(value) >= self.label_min)

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
            labelled = self.labelled(i, v)
            text = (make_text(format_number(v, self.number_format), self.font,
                              self.value_font_size, label_color)
                    if labelled else VMobject())
            if labelled:
                # a centred label may take 0.6 of each neighbour's slot where both are unlabelled
                free = all(not (0 <= j < self.n and self.labelled(j, vals[j])) for j in (i - 1, i + 1))
                room = self.slot * (0.95 + (1.2 if free else 0.0))
                if text.width > room:
                    text.scale(room / text.width)
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

class _ChartTransform(Transform):
    """Morph a chart into its target, then swap in the target's exact labels."""

    def __init__(self, chart: BarChart10, target: BarChart10, **kwargs: Any) -> None:
        self.chart_values, self.chart_highlight = target.values, target.highlight
        super().__init__(chart, target, **kwargs)

    def clean_up_from_scene(self, scene: Any) -> None:
        super().clean_up_from_scene(scene)
        self.mobject.set_values(self.chart_values, self.chart_highlight)


__all__ = ["BarChart10"]
