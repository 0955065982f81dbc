"""The pieces sequence 2 (overconfidence) draws: tiles, bar charts, the reliability diagram and
its reading, the unrelated inputs' table (the rotated digit's chart is in ``rotation.py``, the
softmax arithmetic in ``why.py``, each a part class on top of this one).

:class:`OverconfidenceParts` holds the builders; :mod:`scenes.overconfidence.script` plays them
beat by beat. A builder returns mobjects (and records the scene_data numbers it draws, with
:meth:`LectureScene.show`, in drawing order); it never plays an animation.

    class Overconfidence(OverconfidenceParts):
        def confident_mistakes(self) -> None:
            title, summary = self._mistakes_heading()
            self.play_p(FadeIn(title), FadeIn(summary), run_time=0.8)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Group, Mobject, SurroundingRectangle, VGroup)

from scenes.overconfidence import findings
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences
from scenes.visuals.numbers import prob_parts
from scenes.shown import Ref

#: most confident mistakes shown as tiles
MAX_TILES = 6
#: unrelated examples per set shown as tiles (and cycled through in the bar chart)
MAX_UNRELATED_TILES = 5
#: padding of the highlight box around a tile (and its captions)
BOX_BUFF = 0.18


class OverconfidenceParts(LectureScene):
    """The builders of :class:`scenes.overconfidence.script.Overconfidence`."""

    # -- shared helpers ------------------------------------------------------------------------
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
        self.keep("mistake_chart", chart)
        self.keep("mistake_tiles", tiles)
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
        self.keep("reliability", rd)
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
        self.keep("rel_lines", column)
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
        # the same verdict sequence 5 draws (ECE of both models, bootstrap interval), so this
        # section never suggests a calibration problem that sequence 5 then contradicts
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
        self.keep("unrelated_table", table)
        return table


__all__ = ["BOX_BUFF", "MAX_TILES", "MAX_UNRELATED_TILES", "OverconfidenceParts"]
