"""Sequence 2: overconfidence problems of softmax — from the models' real outputs.

Reads like the script of the video; every number comes from ``scene_data`` (the field is named
next to each use) and every word from the ``overconfidence`` block of the lecture YAML.

    from scenes.seq2_overconfidence import Overconfidence
    Overconfidence(lecture=load_lecture("scenes/lectures/default.yaml"),
                   data=load_all("scene_data")).render()

Sections (the caption keys of ``overconfidence``): confident_mistakes, reliability,
unrelated_inputs, rotated_digit, why_softmax.

Numbers read straight from a scene_data field are recorded in ``shown_numbers`` as
(field path, value), e.g. ``("heldout.mistakes[0].softmax.probs[0]", 0.999968)``; numbers the
scene computes from such fields (e^z, their sum) go to ``derived_numbers`` as
(formula over field paths, value). :func:`scenes.values.resolve` resolves a field path against loaded data.
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, Cross, DashedLine, DashedVMobject, Dot,
                   FadeIn, FadeOut, GrowFromEdge, Group, Indicate, LaggedStart, Line, MathTex,
                   Mobject, Rectangle, ReplacementTransform, SurroundingRectangle, Transform,
                   VGroup, Write)

from scenes import findings
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences

SET_KEYS = ("letters", "fashion", "noise", "user")
#: most confident mistakes / unrelated examples shown as tiles
MAX_TILES = 6
#: in the rotation chart a class gets its own curve when its probability ever exceeds this
CURVE_THRESHOLD = 0.2
#: at most this many classes get their own curve (one line style and marker each, see
#: tk.LINE_STYLES / tk.MARKERS); the others are drawn faint
MAX_CURVES = min(len(tk.LINE_STYLES), len(tk.MARKERS))
#: colours of the wrong classes' curves (the rotated digit's own class uses theme.softmax),
#: Okabe-Ito, the ones furthest from the softmax orange first
CLASS_COLORS = tk.CLASS_PALETTE
#: unrelated examples per set shown as tiles (and cycled through in the bar chart)
MAX_UNRELATED_TILES = 5
#: padding of the highlight box around a tile (and its captions)
BOX_BUFF = 0.18



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
    return f"{v:.2f}" if abs(v) < 10 else f"{v:.1f}"


def sci_tex(v: float) -> str:
    """A number for MathTex: 2.54 \\times 10^{6} when large, else two decimals."""
    if abs(v) >= 1e4 or (0 < abs(v) < 0.01):
        e = int(math.floor(math.log10(abs(v))))
        m = v / 10 ** e
        if round(m, 2) >= 10:
            m, e = m / 10, e + 1
        return rf"{m:.2f}\times 10^{{{e}}}"
    return f"{v:.2f}"


class Overconfidence(LectureScene):
    """Where softmax confidence misleads: real mistakes, calibration, unrelated inputs, rotation."""


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

    # -- helpers -----------------------------------------------------------------------------
    def derive(self, formula: str, value: float) -> float:
        self.derived_numbers.append((formula, float(value)))
        return float(value)

    def wrapped(self, content: str, width: float, size: float = 24,
                color: str | None = None) -> VGroup:
        lines = tk.wrap_text(content, width, font=self.theme.font, size=size,
                             color=color or self.theme.text)
        return lines.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def heading(self, content: str, size: float = 30) -> Mobject:
        """A section heading under the title bar, left-aligned with it."""
        h = self.text(content, size=size)
        tk.fit_within(h, tk.FRAME_WIDTH - 1.0, 1.0)
        h.to_edge(LEFT, buff=0.5).set_y(2.95)
        return h

    def prob_bars(self, probs: Sequence[float], source: str, pred: int | None,
                  width: float = 8.0, height: float = 1.8) -> tk.BarChart10:
        """The ten softmax probabilities of one input (``source`` = its ``...softmax`` field)."""
        for k, p in enumerate(probs):
            self.value(f"{source}.probs[{k}]")
        return tk.BarChart10(probs, highlight=pred, width=width, height=height,
                             bar_color=self.theme.softmax, highlight_color=self.theme.accent,
                             font=self.theme.font, font_size=24, text_color=self.theme.text,
                             axis_color=self.theme.muted, label_fill=0.95)

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

    def tile(self, image: Any, lines: Sequence[str], colors: Sequence[str],
             size: float = 1.5) -> tk.ImageTile:
        return tk.ImageTile(np.asarray(image, dtype=float), list(lines), size=size,
                            font=self.theme.font, font_size=22, text_color=self.theme.text,
                            caption_colors=list(colors), border_color=self.theme.muted,
                            caption_width=100.0)  # scaled together in uniform_captions

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

    # -- 1. the most confident mistakes --------------------------------------------------------
    def confident_mistakes(self) -> None:
        heldout = self.data.heldout
        title = self.heading(self.t("mistakes_title"))
        summary = self.small("heldout_summary", size=24,
                             n=int(self.value("heldout.models['softmax'].n")),
                             acc=self.value("heldout.models['softmax'].accuracy"))
        summary.next_to(title, DOWN, buff=0.15, aligned_edge=LEFT)
        self.play_p(FadeIn(title), FadeIn(summary), run_time=0.8)
        mistakes = heldout.mistakes[:MAX_TILES]  # heldout.mistakes: most confident first
        if not mistakes:
            note = self.text(self.t("mistakes_none"), size=30)
            self.play_p(FadeIn(note))
            self.wait_p(3)
            return
        tiles = Group()
        for i, m in enumerate(mistakes):
            src = f"heldout.mistakes[{i}]"
            pred = m.softmax.pred  # heldout.mistakes[i].softmax.pred
            p = m.softmax.probs[pred]  # = max(heldout.mistakes[i].softmax.probs)
            self.value(f"{src}.label")
            self.value(f"{src}.softmax.pred")
            self.value(f"{src}.softmax.probs[{pred}]")
            tiles.add(self.tile(m.image, [self.t("tile_true", label=m.label),
                                          self.t("tile_pred", pred=pred),
                                          self.t("tile_p", **prob_parts(p))],
                                [self.theme.text, self.theme.softmax, self.theme.softmax]))
        self.uniform_captions(tiles, tiles[0].image.width * 1.3)
        tiles.arrange(RIGHT, buff=0.5, aligned_edge=UP)
        tk.fit_within(tiles, tk.FRAME_WIDTH - 1.2, 1.9)
        tiles.move_to([0, 0, 0]).align_to(summary, UP).shift(DOWN * 0.55)
        self.play_p(LaggedStart(*[FadeIn(t, shift=UP * 0.2) for t in tiles], lag_ratio=0.25),
                    run_time=2.0)
        self.wait_p(2.5)

        first = mistakes[0]  # heldout.mistakes[0]: the most confident mistake
        box = SurroundingRectangle(tiles[0], color=self.theme.accent, buff=BOX_BUFF)
        label = self.text(self.t("mistake_bars", label=first.label, pred=first.softmax.pred),
                          size=26)
        chart = self.prob_bars(first.softmax.probs, "heldout.mistakes[0].softmax",
                               first.softmax.pred, width=8.5, height=1.2)
        label.next_to(tiles, DOWN, buff=0.4)
        chart.set_x(0)
        self.place_below(chart, label.get_bottom()[1])
        self.drawn["mistake_chart"] = chart
        self.drawn["mistake_tiles"] = tiles
        self.play_p(Create(box), FadeIn(label), run_time=0.8)
        self.play_p(LaggedStart(*[GrowFromEdge(b, DOWN) for b in chart.bars], lag_ratio=0.05),
                    FadeIn(chart.baseline), FadeIn(chart.class_texts), run_time=1.2)
        self.play_p(FadeIn(chart.value_texts), run_time=0.5)
        self.wait_p(3.5)

    # -- 2. reliability diagram and ECE ---------------------------------------------------------
    def reliability(self) -> None:
        sm = self.data.heldout.models["softmax"]
        src = "heldout.models['softmax']"
        bins = sm.reliability  # heldout.models.softmax.reliability: confidence vs accuracy
        title = self.heading(self.t("rel_title", n=int(self.value(f"{src}.n"))))
        conf = [b.confidence for b in bins]
        acc = [b.accuracy for b in bins]
        count = [b.count for b in bins]
        edges = [b.lower for b in bins] + [bins[-1].upper]
        for i, b in enumerate(bins):
            if b.count > 0:
                self.value(f"{src}.reliability[{i}].count")
        ece = self.value(f"{src}.ece")  # heldout.models.softmax.ece
        rd = tk.ReliabilityDiagram(conf, acc, count, ece, color=self.theme.softmax,
                                   bin_edges=edges, width=4.6, height=4.6,
                                   x_label=self.t("rel_x"), y_label=self.t("rel_y"),
                                   ece_label=self.t("rel_ece_label"), gap_color=self.theme.gap,
                                   theme=self.theme, font_size=24)
        tk.fit_within(rd, 6.4, 5.6)
        rd.to_edge(LEFT, buff=0.9).set_y(-0.55)
        self.on_stage(rd)
        self.drawn["reliability"] = rd
        self.play_p(FadeIn(title), FadeIn(rd.frame), Create(rd.diagonal), run_time=1.0)
        bars = [b for b in rd.bars if len(b.points)]
        self.play_p(LaggedStart(*[GrowFromEdge(b, DOWN) for b in bars], lag_ratio=0.15),
                    run_time=1.5)
        rd.remove(rd.ece_text)  # the ECE is stated once, in the text beside the chart
        self.play_p(FadeIn(rd.gaps), FadeIn(rd.count_texts), run_time=0.8)
        self.wait_p(1.5)

        x_right = rd.get_right()[0] + 0.7
        width = tk.FRAME_WIDTH / 2 - 0.5 - x_right
        lines: list[Mobject] = [self.wrapped(self.t("rel_ece_line", ece=ece), width, size=28)]
        # the bin whose accuracy is furthest from its confidence, among the bins full enough
        # to mean something (heldout.min_bin_count digits: a bin of five digits is noise)
        min_n = int(self.value("heldout.min_bin_count"))
        gap_i = findings.largest_gap(sm, min_n)
        if gap_i is not None:
            g = bins[gap_i]
            key = "rel_gap_over" if g.accuracy < g.confidence else "rel_gap_under"
            vals = dict(lo=g.lower, hi=g.upper,
                        conf=self.value(f"{src}.reliability[{gap_i}].confidence"),
                        acc=self.value(f"{src}.reliability[{gap_i}].accuracy"),
                        count=g.count, min=min_n)
            lines.append(self.wrapped(self.t(key, **vals), width, size=24))
            top = bins[-1]  # the most confident bin
            if top.count > 0:
                lines.append(self.wrapped(self.t(
                    "rel_top", count=top.count, n=sm.n, lo=top.lower,
                    acc=self.value(f"{src}.reliability[{len(bins) - 1}].accuracy")), width, size=24))
            finding = self.t("rel_finding", ece=ece, gap=abs(g.confidence - g.accuracy),
                             lo=g.lower, hi=g.upper, count=g.count, min=min_n)
        else:
            finding = self.t("rel_finding_none", ece=ece, min=min_n)
        # the same verdict sequence 4 draws (ECE of both models, bootstrap interval), so this
        # section never suggests a calibration problem that sequence 4 then contradicts
        bridge = self.t(f"rel_bridge_{findings.calibration(self.data).winner}")
        self.values["rel_finding"] = join_sentences([finding, bridge])
        legend = self.wrapped(self.t("rel_legend"), width, size=20, color=self.theme.muted)
        column = VGroup(*lines, legend).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        tk.fit_within(column, width, 5.6)
        column.move_to([x_right + column.width / 2, -0.3, 0])
        self.on_stage(column)
        self.drawn["rel_lines"] = column
        for i, line in enumerate(lines):
            anims = [FadeIn(line, shift=LEFT * 0.2)]
            if i == 1 and gap_i is not None and len(rd.gaps[gap_i].points):
                anims.append(Indicate(rd.gaps[gap_i], color=self.theme.accent, scale_factor=1.3))
            self.play_p(*anims, run_time=0.9)
            self.wait_p(2.5)
        self.play_p(FadeIn(legend), run_time=0.6)
        self.wait_p(2.0)

    # -- 3. unrelated inputs ----------------------------------------------------------------------
    def unrelated_inputs(self) -> None:
        sets = self.enabled_sets()
        if not sets:
            note = self.text(self.t("no_unrelated"), size=30)
            self.play_p(FadeIn(note))
            self.wait_p(2.5)
            self.values["unrelated_finding"] = ""
            return
        self.values["unrelated_pages"] = join_sentences(
            [self.page_sentence(i, s) for i, s in sets])
        self.values["unrelated_finding"] = self.unrelated_finding(sets)
        for page, (i, s) in enumerate(sets):
            self.unrelated_page(i, s, first=page == 0)
        self.unrelated_summary(sets)

    def page_sentence(self, i: int, s: Any) -> str:
        """The spoken line of one set's page: the share softmax is at least 90% sure of."""
        return self.t("page_said", set=self.set_name(s.key), n=int(s.n),  # unrelated.sets[i].n
                      share=float(s.stats["softmax"].confident_share))

    def unrelated_finding(self, sets: list[tuple[int, Any]]) -> str:
        """The sentence on the set softmax is most often at least 90% sure of."""
        key, share = max(((s.key, float(s.stats["softmax"].confident_share)) for _, s in sets),
                         key=lambda ks: ks[1])  # unrelated.sets[i].stats['softmax']
        name = "unrelated_finding" if share > 0 else "unrelated_finding_none"
        return self.t(name, set=self.set_name(key), share=share)

    def unrelated_page(self, i: int, s: Any, first: bool = False) -> None:
        """One unrelated set: its examples as tiles, the softmax bars of each in turn (its
        sentence begins with the page; the first page's after the section's opening line)."""
        src = f"unrelated.sets[{i}]"
        if not first:
            self.say()
        title = self.heading(self.t("set_heading", set=self.set_name(s.key),
                                    n=int(self.value(f"{src}.n"))))
        stats = self.text(self.t(
            "set_stats",
            share=self.value(f"{src}.stats['softmax'].confident_share"),
            mean=self.value(f"{src}.stats['softmax'].mean_max_prob")),
            size=24, color=self.theme.softmax)
        tk.fit_within(stats, tk.FRAME_WIDTH - 1.0, 0.6)
        stats.next_to(title, DOWN, buff=0.15, aligned_edge=LEFT)
        examples = s.examples[:MAX_UNRELATED_TILES]
        tiles = Group()
        for j, ex in enumerate(examples):
            pred = ex.softmax.pred  # unrelated.sets[i].examples[j].softmax.pred
            p = self.value(f"{src}.examples[{j}].softmax.probs[{pred}]")
            tiles.add(self.tile(ex.image, [self.example_name(s.key, ex),
                                           self.t("tile_pred", pred=pred),
                                           self.t("tile_p", **prob_parts(p))],
                                [self.theme.text, self.theme.softmax, self.theme.softmax],
                                size=1.35))
        self.uniform_captions(tiles, tiles[0].image.width * 1.3)
        tiles.arrange(RIGHT, buff=0.55, aligned_edge=UP)
        tk.fit_within(tiles, tk.FRAME_WIDTH - 1.2, 1.9)
        tiles.move_to([0, 0, 0]).align_to(stats, UP).shift(DOWN * 0.6)
        self.play_p(FadeIn(title), FadeIn(stats), run_time=0.7)
        self.play_p(LaggedStart(*[FadeIn(t, shift=UP * 0.2) for t in tiles], lag_ratio=0.2),
                    run_time=1.4)
        self.wait_p(1.0)
        if first:
            self.say()

        def bars_label(j: int) -> Mobject:
            name = self.example_name(s.key, examples[j])
            lab = self.text(self.t("bars_title", name=name), size=24)
            return lab.move_to([0, tiles.get_bottom()[1] - 0.4, 0])

        label = bars_label(0)
        chart = self.prob_bars(examples[0].softmax.probs, f"{src}.examples[0].softmax",
                               examples[0].softmax.pred, width=8.5, height=1.3)
        chart.set_x(0)
        self.place_below(chart, label.get_bottom()[1], gap=0.35)
        box = SurroundingRectangle(tiles[0], color=self.theme.accent, buff=BOX_BUFF)
        self.drawn[f"unrelated_chart_{s.key}"] = chart
        self.play_p(Create(box), FadeIn(label), FadeIn(chart), run_time=0.8)
        self.wait_p(1.2)
        for j in range(1, len(examples)):
            ex = examples[j]
            for k, p in enumerate(ex.softmax.probs):
                self.value(f"{src}.examples[{j}].softmax.probs[{k}]")
            new_box = SurroundingRectangle(tiles[j], color=self.theme.accent, buff=BOX_BUFF)
            self.play_p(Transform(box, new_box), Transform(label, bars_label(j)),
                        chart.animate_to(ex.softmax.probs, highlight=ex.softmax.pred),
                        run_time=0.7)
            self.wait_p(0.7)
        self.wait_p(0.6)
        self.play_p(*[FadeOut(m) for m in (title, stats, tiles, box, label, chart)],
                    run_time=0.5)
        self.page_ends.append(self.renderer.time)

    def unrelated_summary(self, sets: list[tuple[int, Any]]) -> None:
        """One line per set: how often softmax is at least 90% sure, and its mean top p."""
        self.say()
        self.summary_start = self.renderer.time
        title = self.heading(self.t("summary_title"))
        rows = [[self.t("col_set"), self.t("col_n"), self.t("col_share"), self.t("col_mean")]]
        colors = {}
        for r, (i, s) in enumerate(sets, start=1):
            src = f"unrelated.sets[{i}]"
            share = self.value(f"{src}.stats['softmax'].confident_share")
            mean = self.value(f"{src}.stats['softmax'].mean_max_prob")
            rows.append([self.set_name(s.key), str(int(self.value(f"{src}.n"))),
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
        note = self.wrapped(self.values["unrelated_finding"], tk.FRAME_WIDTH - 1.5, size=26)
        note.next_to(table, DOWN, buff=0.6)
        self.play_p(FadeIn(title), FadeIn(table.rule), FadeIn(table.row(0)), run_time=0.7)
        self.play_p(LaggedStart(*[FadeIn(table.row(r)) for r in range(1, len(rows))],
                                lag_ratio=0.3), run_time=1.2)
        self.wait_p(2.0)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.0)

    # -- 4. the rotated digit ---------------------------------------------------------------------
    def rotated_digit(self) -> None:
        rot = self.data.rotation
        angles = np.asarray(rot.angles, dtype=float)  # rotation.angles (degrees)
        P = np.asarray(rot.softmax_probs, dtype=float)  # rotation.softmax_probs (angle, class)
        digit = int(rot.digit)  # rotation.digit
        n = len(angles)
        wrong = P.copy()
        wrong[:, digit] = -1.0
        i_peak, k_peak = (int(v) for v in np.unravel_index(np.argmax(wrong), wrong.shape))
        # the wrong classes that get their own curve: the peak one, then by peak probability
        ranked = sorted((k for k in range(10) if k != digit and P[:, k].max() > CURVE_THRESHOLD),
                        key=lambda k: -P[:, k].max())
        if k_peak not in ranked:
            ranked.insert(0, k_peak)
        main = [digit] + sorted(ranked[:MAX_CURVES - 1])
        others = [k for k in range(10) if k not in main]
        colors = {digit: self.theme.text}  # p(digit) is a class, not a model: no model colour
        palette = [c for c in CLASS_COLORS if c.upper() not in
                   (self.theme.softmax.upper(), self.theme.edl.upper())]
        for j, k in enumerate(k for k in main if k != digit):
            colors[k] = palette[j % len(palette)]
        names = {k: self.t("rot_series", k=k) for k in main}
        span = float(angles.max() - angles.min()) or 1.0
        step = next((st for st in (5, 10, 15, 30, 45, 60, 90) if span / st <= 6), 180)
        x_ticks = np.arange(math.floor(angles.min() / step) * step,
                            math.ceil(angles.max() / step) * step + step / 2, step)
        chart = tk.LineChart(angles, {names[k]: P[:, k] for k in main},
                             colors=[colors[k] for k in main], x_label=self.t("rot_x"),
                             y_label=self.t("rot_y"), y_range=(0.0, 1.0), x_ticks=x_ticks,
                             width=6.6,
                             height=4.3, legend="right", theme=self.theme, font_size=24)
        chart.remove(chart.series_group)  # drawn angle by angle below
        faint = VGroup()  # the other classes, thin and muted
        entry = VGroup(Line(LEFT * 0.45, RIGHT * 0.45).set_stroke(self.theme.muted, 2,
                                                                   opacity=0.6),
                       self.text(self.t("rot_others"), size=24 * 0.85))
        entry[1].next_to(entry[0], RIGHT, buff=0.15)
        entry.next_to(chart.legend, DOWN, aligned_edge=LEFT, buff=0.2)
        chart.add(entry)
        tk.fit_within(chart, 9.4, 5.1)
        chart.to_edge(RIGHT, buff=tk.MARGIN)
        chart.shift(UP * (tk.SAFE_BOTTOM + 0.65 - chart.get_bottom()[1]))  # the summary below
        self.drawn["rotation_chart"] = chart
        # class -> (colour, line style, marker) of its curve, for tests
        self.drawn["rotation_styles"] = {k: (colors[k], chart.styles[names[k]]["style"],
                                             chart.styles[names[k]]["marker"]) for k in main}

        size = 2.7
        x_img = (chart.get_left()[0] - tk.FRAME_WIDTH / 2) / 2
        frame_box = Rectangle(width=size, height=size, stroke_color=self.theme.muted,
                              stroke_width=2).move_to([x_img, 0.9, 0])

        def image(i: int) -> Mobject:
            # rotation.images[i]: the digit rotated by rotation.angles[i]
            rgb = tk.colorize(np.asarray(rot.images[i], dtype=float), tk.GRAY, 0.0, 1.0)
            return tk.image_mobject(rgb, width=size, height=size).move_to(frame_box)

        def readout(i: int) -> VGroup:
            pred = int(np.argmax(P[i]))
            a = self.value(f"rotation.angles[{i}]")
            p = self.value(f"rotation.softmax_probs[{i}][{pred}]")
            g = VGroup(self.text(self.t("rot_angle", angle=a), size=34),
                       self.text(self.t("rot_pred", pred=pred), size=28,
                                 color=colors.get(pred, self.theme.text)),
                       self.text(self.t("tile_p", **prob_parts(p)), size=28,
                                 color=colors.get(pred, self.theme.text)))
            g.arrange(DOWN, buff=0.18).next_to(frame_box, DOWN, buff=0.35)
            return g

        caption = self.text(self.t("rot_title", digit=digit), size=26, color=self.theme.muted)
        caption.next_to(frame_box, UP, buff=0.25)
        tk.keep_on_stage(caption)
        img, info = image(0), readout(0)
        self.play_p(FadeIn(chart.frame), FadeIn(chart.legend), FadeIn(entry), FadeIn(caption),
                    FadeIn(frame_box), FadeIn(img), FadeIn(info), run_time=1.0)
        self.wait_p(1.5)

        def pt(i: int, k: int) -> np.ndarray:
            return chart.c2p(angles[i], P[i, k])

        curves = VGroup()
        for i in range(n):
            segs, marks = [], []
            for k in others:
                self.value(f"rotation.softmax_probs[{i}][{k}]")
                if i > 0:
                    segs.append(Line(pt(i - 1, k), pt(i, k)).set_stroke(self.theme.muted, 1.5,
                                                                        opacity=0.45))
            for k in main:
                self.value(f"rotation.softmax_probs[{i}][{k}]")
                style = chart.styles[names[k]]
                if i > 0:
                    segs.append(tk.styled_path(np.array([pt(i - 1, k), pt(i, k)]),
                                               str(style["style"]), colors[k], 4))
                marks.append(tk.make_marker(str(style["marker"]), colors[k], 0.13,
                                            self.theme.background).move_to(pt(i, k)))
            faint.add(*segs[:len(others) if i > 0 else 0])
            curves.add(*segs[len(others) if i > 0 else 0:], *marks)
            anims = [Create(s) for s in segs] + [FadeIn(m) for m in marks]
            self.play_p(*anims, run_time=0.5)
            # the image and readout of this angle appear once its curve point is drawn
            new_img, new_info = image(i), readout(i)
            self.remove(img, info)
            self.add(new_img, new_info)
            img, info = new_img, new_info
            self.wait_p(0.25)
        self.drawn["rotation_curves"] = curves
        self.wait_p(1.0)

        # the angle where a wrong class gets its highest probability
        a_peak = self.value(f"rotation.angles[{i_peak}]")
        p_peak = self.value(f"rotation.softmax_probs[{i_peak}][{k_peak}]")
        dot = Dot(pt(i_peak, k_peak), radius=0.1, color=self.theme.accent)
        # the note sits above the plot, level with the y-axis title, right of it
        note = self.text(self.t("rot_peak", angle=a_peak, k=k_peak, **prob_parts(p_peak)), size=26,
                         color=colors[k_peak])  # the colour of that class's curve
        y_note = chart.frame.y_title.get_y()
        note.move_to([chart.c2p(a_peak, 1.0)[0], y_note, 0])
        left_limit = chart.frame.y_title.get_right()[0] + 0.3
        right_limit = chart.legend.get_right()[0]
        if note.get_left()[0] < left_limit:
            note.shift(RIGHT * (left_limit - note.get_left()[0]))
        if note.get_right()[0] > right_limit:
            note.shift(LEFT * (note.get_right()[0] - right_limit))
        guide = DashedLine(chart.c2p(a_peak, 0.0), [chart.c2p(a_peak, 0)[0],
                                                     note.get_bottom()[1] - 0.08, 0],
                           dash_length=0.08)
        guide.set_stroke(colors[k_peak], 2)
        new_img, new_info = image(i_peak), readout(i_peak)
        # out, then in: the two readouts never blend in one place
        self.play_p(FadeOut(img), FadeOut(info), run_time=0.4)
        self.play_p(Create(guide), FadeIn(dot, scale=0.5), FadeIn(note), FadeIn(new_img),
                    FadeIn(new_info), run_time=0.6)
        img, info = new_img, new_info
        self.play_p(Indicate(dot, color=self.theme.accent, scale_factor=1.8), run_time=0.8)
        self.wait_p(2.5)

        preds = P.argmax(axis=1)
        n_wrong = int(np.sum(preds != digit))
        n_conf = int(np.sum((preds != digit) & (P.max(axis=1) >= 0.9)))
        self.derive("count(argmax(rotation.softmax_probs[i]) != rotation.digit)", n_wrong)
        self.derive("count(argmax != digit and max(rotation.softmax_probs[i]) >= 0.9)", n_conf)
        summary = self.text(self.t("rot_wrong_count", n_wrong=n_wrong, n=n, n_conf=n_conf),
                            size=26)
        tk.fit_within(summary, tk.FRAME_WIDTH - 1.0, 0.6)
        summary.move_to([0, tk.SAFE_BOTTOM + 0.05 + summary.height / 2, 0])
        self.drawn["rotation_summary"] = summary
        self.play_p(FadeIn(summary), run_time=0.7)
        self.wait_p(3.0)
        key = "rotation_finding" if n_wrong else "rotation_finding_none"
        self.values["rotation_finding"] = self.t(key, angle=a_peak, k=k_peak,
                                                 p=prob_str(p_peak), n_wrong=n_wrong, n=n,
                                                 digit=digit)

    # -- 5. why: softmax always sums to one ----------------------------------------------------
    def why_example(self) -> tuple[str, str, Any, Any]:
        """(scene_data field, name, image, ModelOut) of the input whose softmax arithmetic is
        shown: the letter with the highest softmax confidence; else the most confident input of
        any shown unrelated set; else the forward pass's digit."""
        sets = self.enabled_sets()
        for pool in ([x for x in sets if x[1].key == "letters"], sets):
            cands = [(f"unrelated.sets[{i}].examples[{j}]", s, ex)
                     for i, s in pool for j, ex in enumerate(s.examples)]
            if cands:
                src, s, ex = max(cands, key=lambda c: max(c[2].softmax.probs))
                name = self.t("why_input", name=self.example_name(s.key, ex),
                              set=self.set_name(s.key))
                return src, name, ex.image, ex.softmax
        fp = self.data.forward_pass
        return "forward_pass", self.t("why_digit", label=fp.label), fp.image, fp.softmax

    def why_softmax(self) -> None:
        src, name, image, out = self.why_example()
        z = np.asarray(out.logits, dtype=float)  # <src>.softmax.logits
        probs = np.asarray(out.probs, dtype=float)  # <src>.softmax.probs
        pred = int(out.pred)  # <src>.softmax.pred
        src = f"{src}.softmax"
        ez = np.exp(z - z.max()) * math.exp(z.max()) if z.max() < 700 else np.exp(z - z.max())
        total = float(ez.sum())
        tile = self.tile(image, [name], [self.theme.text], size=1.4)
        self.uniform_captions(Group(tile), tile.image.width * 1.3)
        tile.to_corner(UP + LEFT, buff=0.5).shift(DOWN * 0.6)
        says = self.text(self.t("why_says", pred=pred,
                                **prob_parts(self.value(f"{src}.probs[{pred}]"))),
                         size=28, color=self.theme.softmax)
        formula = MathTex(r"p_k = \frac{e^{z_k}}{\sum_{j=0}^{9} e^{z_j}}", font_size=46,
                          color=self.theme.text)
        head = VGroup(says, formula).arrange(RIGHT, buff=0.9)
        tk.fit_within(head, tk.FRAME_WIDTH - tile.width - 1.6, 1.5)
        head.next_to(tile, RIGHT, buff=0.6).set_y(tile.image.get_y())
        self.play_p(FadeIn(tile), FadeIn(says), run_time=0.8)
        self.say()  # softmax in two steps
        self.play_p(Write(formula), run_time=1.0)
        self.wait_p(2.0)

        chart_w, chart_h = 11.0, 1.5
        x_c, y_c, y_title = 0.0, -0.45, 0.95

        def morph(old: VGroup, new: VGroup) -> None:
            """Numbers and title out, then bars grow into the new bars as the new numbers and
            title come in: two texts never blend in one place, no glyph soup."""
            o, n_ = old[0], new[0]
            self.play_p(FadeOut(VGroup(o.baseline, o.class_texts, o.value_texts, old[1])),
                        run_time=0.5)
            self.play_p(ReplacementTransform(o.bars, n_.bars),
                        FadeIn(VGroup(n_.baseline, n_.class_texts, n_.value_texts, new[1])),
                        run_time=0.7)
            self.remove(old)
            self.add(new)

        def titled(chart: tk.BarChart10, key: str, **values: Any) -> VGroup:
            chart.move_to([x_c, y_c, 0])
            t = self.text(self.t(key, **values), size=26).move_to([x_c, y_title, 0])
            return VGroup(chart, t)

        for k in range(10):
            self.value(f"{src}.logits[{k}]")
        logits = tk.BarChart10(z, highlight=pred, y_min=None, y_max=None, width=chart_w,
                               height=chart_h, bar_color=self.theme.muted,
                               highlight_color=self.theme.accent, number_format="{:.2f}",
                               font=self.theme.font, font_size=24, text_color=self.theme.text,
                               axis_color=self.theme.muted, label_fill=0.9)
        step1 = titled(logits, "why_logits")
        self.drawn["why_logits"] = logits
        self.say()  # logits: any real number
        self.play_p(FadeIn(step1), run_time=1.0)
        self.wait_p(2.5)

        for k in range(10):
            self.derive(f"exp({src}.logits[{k}])", ez[k])
        exps = tk.BarChart10(ez, highlight=pred, y_min=0.0, y_max=float(ez.max()) * 1.05,
                             width=chart_w, height=chart_h, bar_color=self.theme.muted,
                             highlight_color=self.theme.accent, number_format=compact,
                             font=self.theme.font, font_size=24, text_color=self.theme.text,
                             axis_color=self.theme.muted, label_fill=0.9)
        step2 = titled(exps, "why_exp")
        self.say()  # e^z: positive
        morph(step1, step2)
        self.wait_p(2.5)

        for k in range(10):
            self.value(f"{src}.probs[{k}]")
        pchart = tk.BarChart10(probs, highlight=pred, width=chart_w, height=chart_h,
                               bar_color=self.theme.softmax, highlight_color=self.theme.accent,
                               font=self.theme.font, font_size=24, text_color=self.theme.text,
                               axis_color=self.theme.muted, label_fill=0.9)
        self.derive(f"sum(exp({src}.logits))", total)
        step3 = titled(pchart, "why_probs", total=compact(total, digits=2))
        self.drawn["why_probs"] = pchart
        self.say()  # divided by the sum
        morph(step2, step3)
        self.wait_p(1.0)

        self.value(f"{src}.logits[{pred}]")
        self.derive(f"exp({src}.logits[{pred}])", ez[pred])
        # the denominator written out: the winner's term, then the next largest, then the rest
        rest = [k for k in np.argsort(-ez) if k != pred][:2]
        for k in rest:
            self.derive(f"exp({src}.logits[{k}])", ez[k])
        denominator = " + ".join([sci_tex(ez[pred])] + [sci_tex(ez[k]) for k in rest]) + r" + \dots"
        worked = MathTex(rf"p_{{{pred}}} = \frac{{e^{{{z[pred]:.2f}}}}}{{\sum_j e^{{z_j}}}}"
                         rf" = \frac{{{sci_tex(ez[pred])}}}{{{denominator}}}"
                         rf" {prob_tex(probs[pred])}", font_size=40, color=self.theme.text)
        tk.fit_within(worked, 13.2, 0.95)
        worked.move_to([0, tk.SAFE_BOTTOM + 0.05 + worked.height / 2, 0])
        self.drawn["why_worked"] = worked
        self.play_p(Write(worked), run_time=1.2)
        self.wait_p(3.0)

        # all ten share the whole: the stacked bar is always full
        s = self.derive(f"sum({src}.probs)", float(probs.sum()))
        shades = [self.theme.softmax, tk.rgb_to_hex((tk.hex_to_rgb(self.theme.softmax) * 0.55)
                                                     .astype(np.uint8))]
        parts = [(str(k), float(probs[k]), shades[k % 2]) for k in range(10)]
        stacked = tk.StackedBar(parts, width=8.0, height=0.5, theme=self.theme,
                                font_size=22,
                                min_label_fraction=1.01)  # no part labels: sum_text says it
        ghost_box = DashedVMobject(Rectangle(width=1.9, height=0.5), num_dashes=24)
        ghost_box.set_stroke(self.theme.muted, 2)
        ghost_text = self.text(self.t("why_none"), size=22, color=self.theme.muted)
        ghost = VGroup(ghost_box, ghost_text)
        ghost_text.next_to(ghost_box, DOWN, buff=0.12)
        sum_text = self.text(self.t("why_sum", s=s), size=26)
        row = VGroup(stacked, ghost).arrange(RIGHT, buff=0.35, aligned_edge=UP)
        ghost.align_to(stacked.segments, DOWN).shift(DOWN * 0 + UP * 0)
        ghost_box.align_to(stacked.segments, DOWN)
        ghost_text.next_to(ghost_box, DOWN, buff=0.12)
        block = VGroup(row, sum_text)
        sum_text.next_to(stacked.segments, DOWN, buff=0.2).align_to(stacked, LEFT)
        tk.fit_within(block, 13.2, 1.2)
        block.move_to([0, tk.SAFE_BOTTOM + 0.05 + block.height / 2, 0])
        cross = Cross(ghost_box, stroke_color=tk.VERMILION, stroke_width=5)
        self.drawn["why_stacked"] = stacked
        self.say()  # the ten share all of the probability
        self.play_p(FadeOut(worked), run_time=0.5)
        self.play_p(FadeIn(stacked), FadeIn(sum_text), run_time=1.0)
        self.wait_p(1.0)
        self.say()  # no way to say "I don't know"
        self.play_p(FadeIn(ghost), run_time=0.6)
        self.play_p(Create(cross), run_time=0.6)
        self.wait_p(1.0)
        note = self.wrapped(self.t("why_no_room"), tk.FRAME_WIDTH - 1.0, size=24,
                            color=self.theme.accent)
        # the note takes the place of the chart's title
        note.move_to(step3[1]).align_to(step3[1], DOWN)
        self.drawn["why_note"] = note
        self.play_p(FadeOut(step3[1]), run_time=0.4)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.5)


__all__ = ["Overconfidence", "prob_str", "prob_tex", "compact", "sci_tex"]
