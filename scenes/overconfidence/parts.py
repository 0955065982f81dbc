"""The pieces sequence 2 (overconfidence) draws: probability text, tiles, bar charts, the
reliability diagram and its reading, the rotated-digit chart, the softmax arithmetic.

:class:`OverconfidenceParts` holds the builders; :mod:`scenes.overconfidence.script` plays them
beat by beat. A builder returns mobjects (and records the scene_data numbers it draws, with
:meth:`LectureScene.value`, in drawing order); it never plays an animation.

    class Overconfidence(OverconfidenceParts):
        def confident_mistakes(self) -> None:
            title, summary = self._mistakes_heading()
            self.play_p(FadeIn(title), FadeIn(summary), run_time=0.8)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Cross, DashedLine, DashedVMobject, Group, Line,
                   MathTex, Mobject, Rectangle, SurroundingRectangle, VGroup)

from contract import numbers
from scenes import findings
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences
from scenes.shown import Ref, exp, source_of, total

#: most confident mistakes shown as tiles
MAX_TILES = 6
#: in the rotation chart a class gets its own curve when its probability ever exceeds this
CURVE_THRESHOLD = 0.2
#: at most this many classes get their own curve (one line style and marker each, see
#: tk.LINE_STYLES / tk.MARKERS); the others are drawn faint
MAX_CURVES = min(len(tk.LINE_STYLES), len(tk.MARKERS))
#: unrelated examples per set shown as tiles (and cycled through in the bar chart)
MAX_UNRELATED_TILES = 5
#: padding of the highlight box around a tile (and its captions)
BOX_BUFF = 0.18
#: size of the rotated digit's image box
ROTATION_IMAGE = 2.7
#: the why-section's bar charts: width, height, centre y and the y of their title
WHY_CHART = (11.0, 1.5, -0.45, 0.95)


# -- numbers as text ---------------------------------------------------------------------------
def prob_digits(p: float, lo: int = 2, hi: int = 5) -> int:
    """Decimals for a probability: ``lo``, more when it would otherwise read 1.00 (or 0.00)."""
    d = lo
    while d < hi and (round(p, d) >= 1.0 or (0 < p and round(p, d) <= 0.0)):
        d += 1
    return d


def prob_str(p: float, hi: int = 5) -> str:
    """A probability for the screen; one that still rounds to 1 at ``hi`` decimals reads
    "> 0.99999" (never a false certainty: a stored 1.0 is a float that saturated)."""
    d = prob_digits(p, hi=hi)
    if round(p, d) >= 1.0:
        return "> 0." + "9" * d
    return tk.format_number(p, "{:.%df}" % d)


def prob_parts(p: float) -> dict[str, str]:
    """``{"rel": "=", "p": "0.997"}`` or ``{"rel": ">", "p": "0.99999"}`` for YAML strings
    written as ``p {rel} {p}``."""
    text = prob_str(p)
    if text.startswith(">"):
        return {"rel": ">", "p": text[2:]}
    return {"rel": "=", "p": text}


def prob_tex(p: float) -> str:
    """``= 0.997`` or ``> 0.99999`` for MathTex."""
    text = prob_str(p)
    return text if text.startswith(">") else "= " + text


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def compact(v: float, digits: int = 1) -> str:
    """A positive number in a bar label: 0.53, 12.4, 2.5⋅10⁶ (``digits`` decimals of the
    mantissa; 2 matches :func:`sci_tex`). The dot is the dot operator U+22C5: a CJK font draws
    the middle dot U+00B7 full-width."""
    if v == 0:
        return "0"
    if abs(v) >= 1000 or abs(v) < 0.01:
        e = int(math.floor(math.log10(abs(v))))
        m = v / 10 ** e
        if round(m, digits) >= 10:
            m, e = m / 10, e + 1
        return f"{m:.{digits}f}\u22c510{str(e).translate(_SUPERSCRIPT)}"
    return numbers.fixed(v, 2) if abs(v) < 10 else f"{v:.1f}"


def sci_tex(v: float) -> str:
    """A number for MathTex: 2.54 \\times 10^{6} when large, else two decimals."""
    if abs(v) >= 1e4 or (0 < abs(v) < 0.01):
        e = int(math.floor(math.log10(abs(v))))
        m = v / 10 ** e
        if round(m, 2) >= 10:
            m, e = m / 10, e + 1
        return rf"{m:.2f}\times 10^{{{e}}}"
    return numbers.fixed(v, 2)


def softmax_numerators(logits: Sequence[float]) -> np.ndarray:
    """e^z of each logit, computed around the largest so that no term overflows to inf for
    realistic logits (past e^700 the terms are shown relative to the largest)."""
    z = np.asarray(logits, dtype=float)
    return np.exp(z - z.max()) * math.exp(z.max()) if z.max() < 700 else np.exp(z - z.max())


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


class OverconfidenceParts(LectureScene):
    """The builders of :class:`scenes.overconfidence.script.Overconfidence`, and the bookkeeping
    its tests read (``drawn``, ``section_times``, ``derived_numbers``)."""

    def __init__(self, lecture: Any, data: Any, **kwargs: Any) -> None:
        super().__init__(lecture, data, **kwargs)
        #: (formula over scene_data fields, value) of numbers computed from the data
        self.derived_numbers: list[tuple[str, float]] = []
        #: key mobjects of each section, for tests
        self.drawn: dict[str, Any] = {}
        #: section -> (start, end) time in the movie, end before the fade-out
        self.section_times: dict[str, tuple[float, float]] = {}
        #: movie time at which the unrelated-inputs summary table starts
        self.summary_start: float | None = None
        #: movie time at which each unrelated set's page ends
        self.page_ends: list[float] = []

    def caption(self, section: str, start: float) -> None:
        self.section_times[section] = (start, self.renderer.time)
        super().caption(section, start)

    # -- shared helpers ------------------------------------------------------------------------
    def derive(self, formula: Ref | str, value: float) -> float:
        """Note a number the scene computed from scene_data fields (``formula`` says how, e.g.
        ``exp(self.d.forward_pass.softmax.logits[3])``; words where no expression over the data
        says it, e.g. a count by findings' rule); returns it."""
        self.derived_numbers.append((formula if isinstance(formula, str) else source_of(formula),
                                     float(value)))
        return float(value)

    def wrapped(self, content: str, width: float, size: float = 24,
                color: str | None = None) -> VGroup:
        """``content`` wrapped into left-aligned lines no wider than ``width``."""
        lines = tk.wrap_text(content, width, font=self.theme.font, size=size,
                             color=color or self.theme.text)
        return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def heading(self, content: str, size: float = 30) -> Mobject:
        """A section heading under the title bar, left-aligned with it."""
        h = self.text(content, size=size)
        tk.fit_within(h, tk.FRAME_WIDTH - 1.0, 1.0)
        h.to_edge(LEFT, buff=0.5).set_y(2.95)
        return h

    def _record_probs(self, source: Ref, probs: Sequence[float]) -> None:
        """Record the probabilities ``<source>.probs[k]`` that a bar chart draws."""
        for k in range(len(probs)):
            self.show(source.probs[k])

    def prob_bars(self, probs: Sequence[float], source: Ref, pred: int | None,
                  width: float = 8.0, height: float = 1.8) -> tk.BarChart10:
        """The ten softmax probabilities of one input (``source`` = its ``...softmax`` field)."""
        self._record_probs(source, probs)
        return tk.BarChart10(probs, highlight=pred, width=width, height=height,
                             bar_color=self.theme.softmax, highlight_color=self.theme.accent,
                             theme=self.theme, font_size=24, label_fill=0.95)

    @staticmethod
    def place_below(chart: tk.BarChart10, y_top: float, gap: float = 0.45) -> None:
        """Put ``chart`` so that a bar of its largest value (y_max) and its number end
        ``gap`` below ``y_top``, whatever values it shows now (they may change later)."""
        label_h = 0.4
        top_of_full = chart.baseline.get_y() + chart.bar_height_of(chart.y_max) + label_h
        needed = top_of_full - chart.get_bottom()[1]
        available = y_top - gap - (tk.SAFE_BOTTOM + 0.05)
        if needed > available:  # shrink so that the class labels stay above the captions
            chart.scale(available / needed)
            top_of_full = chart.baseline.get_y() + chart.bar_height_of(chart.y_max) + label_h
        chart.shift(UP * (y_top - gap - top_of_full))

    @staticmethod
    def _on_bottom_line(mobject: Mobject) -> Mobject:
        """``mobject`` centred just above the caption-safe line."""
        return mobject.move_to([0, tk.SAFE_BOTTOM + 0.05 + mobject.height / 2, 0])

    def tile(self, image: Any, lines: Sequence[str], colors: Sequence[str],
             size: float = 1.5) -> tk.ImageTile:
        """An image with caption lines under it, in the lecture's font."""
        return tk.ImageTile(np.asarray(image, dtype=float), list(lines), size=size,
                            font=self.theme.font, font_size=22, text_color=self.theme.text,
                            caption_colors=list(colors), border_color=self.theme.muted,
                            caption_width=100.0)  # scaled together in uniform_captions

    def _prob_tile(self, image: Any, name: str, pred: int, p: float,
                   size: float = 1.5) -> tk.ImageTile:
        """A tile captioned with its name, the predicted digit and that digit's probability."""
        return self.tile(image, [name, self.t("tile_pred", pred=pred),
                                 self.t("tile_p", **prob_parts(p))],
                         [self.theme.text, self.theme.softmax, self.theme.softmax], size=size)

    @staticmethod
    def uniform_captions(tiles: Group, width: float) -> None:
        """One text size for the captions of a row of tiles (so that their lines share
        baselines): the largest that fits every caption within ``width``."""
        caps = [t.captions for t in tiles if len(t.captions)]
        if not caps:
            return
        scale = min(1.0, width / max(c.width for c in caps))
        for t in tiles:
            if len(t.captions):
                t.captions.scale(scale).next_to(t.image, DOWN, buff=0.12)

    def _tile_row(self, tiles: Group, below: Mobject, buff: float, drop: float) -> Group:
        """``tiles`` side by side, captions of one size, centred ``drop`` below ``below``'s top."""
        self.uniform_captions(tiles, tiles[0].image.width * 1.3)
        tiles.arrange(RIGHT, buff=buff, aligned_edge=UP)
        tk.fit_within(tiles, tk.FRAME_WIDTH - 1.2, 1.9)
        return tiles.move_to([0, 0, 0]).align_to(below, UP).shift(DOWN * drop)

    def _highlight(self, tile: Mobject) -> SurroundingRectangle:
        """The accent box around the tile whose bars are shown."""
        return SurroundingRectangle(tile, color=self.theme.accent, buff=BOX_BUFF)

    # -- 1. the most confident mistakes --------------------------------------------------------
    def _mistakes_heading(self) -> tuple[Mobject, Mobject]:
        """The title and the held-out summary line (how many digits, the accuracy)."""
        title = self.heading(self.t("mistakes_title"))
        summary = self.small("heldout_summary", size=24,
                             n=int(self.show(self.d.heldout.models["softmax"].n)),
                             acc=self.show(self.d.heldout.models["softmax"].accuracy))
        summary.next_to(title, DOWN, buff=0.15, aligned_edge=LEFT)
        return title, summary

    def _mistake_tiles(self, mistakes: Sequence[Any], below: Mobject) -> Group:
        """One tile per mistake (``heldout.mistakes[i]``): true digit, prediction, its p."""
        tiles = Group()
        for i, m in enumerate(mistakes):
            src = self.d.heldout.mistakes[i]
            pred = m.softmax.pred  # heldout.mistakes[i].softmax.pred
            p = m.softmax.probs[pred]  # = max(heldout.mistakes[i].softmax.probs)
            self.show(src.label)
            self.show(src.softmax.pred)
            self.show(src.softmax.probs[pred])
            tiles.add(self._prob_tile(m.image, self.t("tile_true", label=m.label), pred, p))
        return self._tile_row(tiles, below, buff=0.5, drop=0.55)

    def _mistake_chart(self, first: Any, tiles: Group) -> tuple[Mobject, tk.BarChart10]:
        """The label and the ten bars of the most confident mistake, under the tiles."""
        label = self.text(self.t("mistake_bars", label=first.label, pred=first.softmax.pred),
                          size=26)
        chart = self.prob_bars(first.softmax.probs, self.d.heldout.mistakes[0].softmax,
                               first.softmax.pred, width=8.5, height=1.2)
        label.next_to(tiles, DOWN, buff=0.4)
        chart.set_x(0)
        self.place_below(chart, label.get_bottom()[1])
        self.drawn["mistake_chart"] = chart
        self.drawn["mistake_tiles"] = tiles
        return label, chart

    # -- 2. reliability diagram and ECE ---------------------------------------------------------
    def _reliability_diagram(self, sm: Any, src: Ref) -> tuple[tk.ReliabilityDiagram, float]:
        """The softmax model's reliability diagram (``<src>.reliability``: confidence vs
        accuracy per bin) on the left, and its ECE."""
        bins = sm.reliability
        for i, b in enumerate(bins):
            if b.count > 0:
                self.show(src.reliability[i].count)
        ece = self.show(src.ece)  # heldout.models.softmax.ece
        rd = tk.ReliabilityDiagram([b.confidence for b in bins], [b.accuracy for b in bins],
                                   [b.count for b in bins], ece, color=self.theme.softmax,
                                   bin_edges=[b.lower for b in bins] + [bins[-1].upper],
                                   width=4.6, height=4.6, x_label=self.t("rel_x"),
                                   y_label=self.t("rel_y"), ece_label=self.t("rel_ece_label"),
                                   gap_color=self.theme.gap, theme=self.theme, font_size=24)
        tk.fit_within(rd, 6.4, 5.6)
        rd.to_edge(LEFT, buff=0.9).set_y(-0.55)
        self.on_stage(rd)
        self.drawn["reliability"] = rd
        return rd, ece

    def _reliability_lines(self, sm: Any, src: Ref, ece: float, gap_i: int | None,
                           min_n: int, width: float) -> list[Mobject]:
        """What the diagram says: the ECE; the bin furthest from the diagonal among those
        holding ``min_n`` digits (``gap_i``); how right the most confident bin is."""
        lines: list[Mobject] = [self.wrapped(self.t("rel_ece_line", ece=ece), width, size=28)]
        if gap_i is None:
            return lines
        g = sm.reliability[gap_i]
        key = f"rel_gap_{findings.bin_direction(g)}"
        lines.append(self.wrapped(self.t(
            key, lo=g.lower, hi=g.upper,
            conf=self.show(src.reliability[gap_i].confidence),
            acc=self.show(src.reliability[gap_i].accuracy),
            count=g.count, min=min_n), width, size=24))
        top = len(sm.reliability) - 1  # the most confident bin
        if sm.reliability[top].count > 0:
            lines.append(self.wrapped(self.t(
                "rel_top", count=sm.reliability[top].count, n=sm.n, lo=sm.reliability[top].lower,
                acc=self.show(src.reliability[top].accuracy)), width, size=24))
        return lines

    def _reliability_column(self, lines: list[Mobject], legend: Mobject, x_left: float,
                            width: float) -> VGroup:
        """The lines and the legend as one column right of ``x_left``."""
        column = VGroup(*lines, legend).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        tk.fit_within(column, width, 5.6)
        column.move_to([x_left + column.width / 2, -0.3, 0])
        self.on_stage(column)
        self.drawn["rel_lines"] = column
        return column

    def _reliability_finding(self, sm: Any, ece: float, gap_i: int | None, min_n: int) -> str:
        """The caption's finding: the bin furthest off (or none full enough), then sequence
        4's calibration verdict."""
        if gap_i is None:
            finding = self.t("rel_finding_none", ece=ece, min=min_n)
        else:
            g = sm.reliability[gap_i]
            finding = self.t("rel_finding", ece=ece, gap=abs(g.confidence - g.accuracy),
                             lo=g.lower, hi=g.upper, count=g.count, min=min_n)
        # the same verdict sequence 4 draws (ECE of both models, bootstrap interval), so this
        # section never suggests a calibration problem that sequence 4 then contradicts
        bridge = self.t(f"rel_bridge_{findings.calibration(self.data).winner}")
        return join_sentences([finding, bridge])

    # -- 3. unrelated inputs ----------------------------------------------------------------------
    def page_sentence(self, i: int, s: Any) -> str:
        """The spoken line of one set's page: the share softmax is at least 90% sure of."""
        return self.t("page_said", set=self.set_name(s.key), n=int(s.n),  # unrelated.sets[i].n
                      share=float(s.stats["softmax"].confident_share))

    def unrelated_finding(self, sets: list[tuple[int, Any]]) -> str:
        """The sentence on the set softmax is most often at least 90% sure of."""
        key, share = findings.most_confident_set([s for _, s in sets])
        name = "unrelated_finding" if share > 0 else "unrelated_finding_none"
        return self.t(name, set=self.set_name(key), share=share)

    def _set_heading(self, s: Any, src: Ref) -> tuple[Mobject, Mobject]:
        """A set's title (name, size) and its softmax statistics line."""
        title = self.heading(self.t("set_heading", set=self.set_name(s.key),
                                    n=int(self.show(src.n))))
        stats = self.text(self.t(
            "set_stats",
            share=self.show(src.stats["softmax"].confident_share),
            mean=self.show(src.stats["softmax"].mean_max_prob)),
            size=24, color=self.theme.softmax)
        tk.fit_within(stats, tk.FRAME_WIDTH - 1.0, 0.6)
        stats.next_to(title, DOWN, buff=0.15, aligned_edge=LEFT)
        return title, stats

    def _example_tiles(self, s: Any, src: Ref, examples: Sequence[Any], below: Mobject) -> Group:
        """One tile per example (``<src>.examples[j]``): its name, prediction and p."""
        tiles = Group()
        for j, ex in enumerate(examples):
            pred = ex.softmax.pred  # unrelated.sets[i].examples[j].softmax.pred
            p = self.show(src.examples[j].softmax.probs[pred])
            tiles.add(self._prob_tile(ex.image, self.example_name(s.key, ex), pred, p, size=1.35))
        return self._tile_row(tiles, below, buff=0.55, drop=0.6)

    def _bars_label(self, s: Any, example: Any, tiles: Group) -> Mobject:
        """The line naming the example whose bars are shown, under the tiles."""
        lab = self.text(self.t("bars_title", name=self.example_name(s.key, example)), size=24)
        return lab.move_to([0, tiles.get_bottom()[1] - 0.4, 0])

    def _example_chart(self, example: Any, source: Ref, label: Mobject) -> tk.BarChart10:
        """The ten bars of one example, under ``label``."""
        chart = self.prob_bars(example.softmax.probs, source, example.softmax.pred,
                               width=8.5, height=1.3)
        chart.set_x(0)
        self.place_below(chart, label.get_bottom()[1], gap=0.35)
        return chart

    def _summary_table(self, sets: list[tuple[int, Any]]) -> tk.TextTable:
        """One row per set: its size, how often softmax is at least 90% sure, its mean top p."""
        rows = [[self.t("col_set"), self.t("col_n"), self.t("col_share"), self.t("col_mean")]]
        colors = {}
        for r, (i, s) in enumerate(sets, start=1):
            src = self.d.unrelated.sets[i]
            share = self.show(src.stats["softmax"].confident_share)
            mean = self.show(src.stats["softmax"].mean_max_prob)
            rows.append([self.set_name(s.key), str(int(self.show(src.n))),
                         self.t("percent", value=share), tk.format_number(mean, "{:.2f}")])
            colors[(r, 2)] = self.theme.softmax
            colors[(r, 3)] = self.theme.softmax
        table = tk.TextTable(rows, font=self.theme.font, font_size=30,
                             text_color=self.theme.text, header_color=self.theme.muted,
                             rule_color=self.theme.muted, col_align="lrrr", col_buff=0.8,
                             cell_colors=colors)
        tk.fit_within(table, tk.FRAME_WIDTH - 1.5, 4.2)
        table.move_to([0, 0.2, 0])
        self.drawn["unrelated_table"] = table
        return table

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
        self.drawn["rotation_chart"] = chart
        # class -> (colour, line style, marker) of its curve, for tests
        self.drawn["rotation_styles"] = {k: (colors[k], view.style(k)["style"],
                                             view.style(k)["marker"]) for k in main}
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
        n_wrong, n_conf = findings.wrong_counts(view.probs, view.digit, confident=0.9)
        self.derive("count(argmax(rotation.softmax_probs[i]) != rotation.digit)", n_wrong)
        self.derive("count(argmax != digit and max(rotation.softmax_probs[i]) >= 0.9)", n_conf)
        summary = self.text(self.t("rot_wrong_count", n_wrong=n_wrong, n=view.n, n_conf=n_conf),
                            size=26)
        tk.fit_within(summary, tk.FRAME_WIDTH - 1.0, 0.6)
        self.drawn["rotation_summary"] = self._on_bottom_line(summary)
        return summary, n_wrong

    # -- 5. why: softmax always sums to one ----------------------------------------------------
    def why_example(self) -> tuple[Ref, str, Any, Any]:
        """(where in scene_data, name, image, ModelOut) of the input whose softmax arithmetic is
        shown: the letter with the highest softmax confidence; else the most confident input of
        any shown unrelated set; else the forward pass's digit."""
        chosen = findings.most_confident_example(self.enabled_sets(), prefer="letters")
        if chosen is None:
            fp = self.data.forward_pass
            return self.d.forward_pass, self.t("why_digit", label=fp.label), fp.image, fp.softmax
        i, j = chosen
        s = self.data.unrelated.sets[i]
        ex = s.examples[j]
        name = self.t("why_input", name=self.example_name(s.key, ex), set=self.set_name(s.key))
        return self.d.unrelated.sets[i].examples[j], name, ex.image, ex.softmax

    def _why_header(self, src: Ref, name: str, image: Any,
                    pred: int) -> tuple[Mobject, Mobject, Mobject]:
        """The input as a tile (top left), what softmax says about it, and the formula."""
        tile = self.tile(image, [name], [self.theme.text], size=1.4)
        self.uniform_captions(Group(tile), tile.image.width * 1.3)
        tile.to_corner(UP + LEFT, buff=0.5).shift(DOWN * 0.6)
        says = self.text(self.t("why_says", pred=pred,
                                **prob_parts(self.show(src.probs[pred]))),
                         size=28, color=self.theme.softmax)
        formula = MathTex(r"p_k = \frac{e^{z_k}}{\sum_{j=0}^{9} e^{z_j}}", font_size=46,
                          color=self.theme.text)
        head = VGroup(says, formula).arrange(RIGHT, buff=0.9)
        tk.fit_within(head, tk.FRAME_WIDTH - tile.width - 1.6, 1.5)
        head.next_to(tile, RIGHT, buff=0.6).set_y(tile.image.get_y())
        return tile, says, formula

    def _why_chart(self, values: Sequence[float], pred: int, color: str,
                   **options: Any) -> tk.BarChart10:
        """Ten bars of one step of softmax, the predicted class highlighted."""
        width, height, _, _ = WHY_CHART
        return tk.BarChart10(values, highlight=pred, width=width, height=height, bar_color=color,
                             highlight_color=self.theme.accent, theme=self.theme, font_size=24,
                             label_fill=0.9, **options)

    def _titled(self, chart: tk.BarChart10, key: str, **values: Any) -> VGroup:
        """(chart, title) in the why-section's place for the chart of each step."""
        _, _, y_chart, y_title = WHY_CHART
        chart.move_to([0.0, y_chart, 0])
        title = self.text(self.t(key, **values), size=26).move_to([0.0, y_title, 0])
        return VGroup(chart, title)

    def _logit_step(self, src: Ref, logits: Sequence[float], pred: int) -> VGroup:
        """Step 1: the logits ``<src>.logits``, any real number."""
        for k in range(10):
            self.show(src.logits[k])
        chart = self._why_chart(np.asarray(logits, dtype=float), pred, self.theme.muted,
                                y_min=None, y_max=None)
        self.drawn["why_logits"] = chart
        return self._titled(chart, "why_logits")

    def _exp_step(self, src: Ref, ez: np.ndarray, pred: int) -> VGroup:
        """Step 2: e^z of each logit, all positive."""
        for k in range(10):
            self.derive(exp(src.logits[k]), ez[k])
        chart = self._why_chart(ez, pred, self.theme.muted, y_min=0.0,
                                y_max=float(ez.max()) * 1.05, number_format=compact)
        return self._titled(chart, "why_exp")

    def _prob_step(self, src: Ref, probs: Sequence[float], ez: np.ndarray, pred: int) -> VGroup:
        """Step 3: e^z over their sum, the probabilities ``<src>.probs``."""
        self._record_probs(src, probs)
        chart = self._why_chart(np.asarray(probs, dtype=float), pred, self.theme.softmax)
        ez_sum = self.derive(total(exp(src.logits)), float(ez.sum()))
        self.drawn["why_probs"] = chart
        return self._titled(chart, "why_probs", total=compact(ez_sum, digits=2))

    def _why_worked(self, src: Ref, out: Any, ez: np.ndarray, pred: int) -> MathTex:
        """p_pred written out with the real numbers; the denominator shows the winner's term,
        then the next largest two, then the rest as dots."""
        z, probs = np.asarray(out.logits, dtype=float), np.asarray(out.probs, dtype=float)
        self.show(src.logits[pred])
        self.derive(exp(src.logits[pred]), ez[pred])
        rest = findings.largest_others(ez, pred, n=2)
        for k in rest:
            self.derive(exp(src.logits[k]), ez[k])
        denominator = " + ".join([sci_tex(ez[pred])] + [sci_tex(ez[k]) for k in rest]) + r" + \dots"
        worked = MathTex(rf"p_{{{pred}}} = \frac{{e^{{{z[pred]:.2f}}}}}{{\sum_j e^{{z_j}}}}"
                         rf" = \frac{{{sci_tex(ez[pred])}}}{{{denominator}}}"
                         rf" {prob_tex(probs[pred])}", font_size=40, color=self.theme.text)
        tk.fit_within(worked, 13.2, 0.95)
        self.drawn["why_worked"] = self._on_bottom_line(worked)
        return worked

    def _ghost_slot(self) -> tuple[VGroup, Mobject]:
        """The empty dashed slot "I don't know" would need, with its label; and its box."""
        box = DashedVMobject(Rectangle(width=1.9, height=0.5), num_dashes=24)
        box.set_stroke(self.theme.muted, 2)
        label = self.text(self.t("why_none"), size=22, color=self.theme.muted)
        label.next_to(box, DOWN, buff=0.12)
        return VGroup(box, label), box

    def _full_bar(self, src: Ref, probs: Sequence[float]) -> tuple[Mobject, Mobject, VGroup, Cross]:
        """The ten probabilities as one full bar, its sum, the ghost slot beside it and the
        cross over that slot, on the bottom line."""
        s = self.derive(total(src.probs), findings.probability_sum(probs))
        dark = tk.rgb_to_hex((tk.hex_to_rgb(self.theme.softmax) * 0.55).astype(np.uint8))
        parts = [(str(k), float(probs[k]), (self.theme.softmax, dark)[k % 2]) for k in range(10)]
        stacked = tk.StackedBar(parts, width=8.0, height=0.5, theme=self.theme, font_size=22,
                                min_label_fraction=1.01)  # no part labels: sum_text says it
        ghost, box = self._ghost_slot()
        sum_text = self.text(self.t("why_sum", s=s), size=26)
        VGroup(stacked, ghost).arrange(RIGHT, buff=0.35, aligned_edge=UP)
        box.align_to(stacked.segments, DOWN)
        ghost[1].next_to(box, DOWN, buff=0.12)
        sum_text.next_to(stacked.segments, DOWN, buff=0.2).align_to(stacked, LEFT)
        block = VGroup(stacked, ghost, sum_text)
        tk.fit_within(block, 13.2, 1.2)
        self._on_bottom_line(block)
        self.drawn["why_stacked"] = stacked
        return stacked, sum_text, ghost, Cross(box, stroke_color=tk.VERMILION, stroke_width=5)

    def _why_note(self, title: Mobject) -> Mobject:
        """The closing note, in place of the probability chart's title."""
        note = self.wrapped(self.t("why_no_room"), tk.FRAME_WIDTH - 1.0, size=24,
                            color=self.theme.accent)
        note.move_to(title).align_to(title, DOWN)
        self.drawn["why_note"] = note
        return note


__all__ = ["MAX_TILES", "MAX_UNRELATED_TILES", "OverconfidenceParts", "RotationView",
           "angle_ticks", "compact", "prob_parts", "prob_str", "prob_tex", "sci_tex",
           "softmax_numerators"]
