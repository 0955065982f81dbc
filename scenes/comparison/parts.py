"""The comparison's drawing kit: model legends, line series on empty axes, image tiles, the
verdict banner and the verdict wording that every section of sequence 5 shares.

The softmax model is orange and solid with circles, EDL blue and dashed with squares
everywhere, so the curves survive a colour-blind viewer. A verdict's wording is picked from
the lecture YAML by its winner (``<metric>_edl_wins`` / ``_softmax_wins`` / ``_tie``).

    class Comparison(ComparisonParts):
        def accuracy(self) -> None:
            v = findings.accuracy(self.data)
            line = self.banner(self.takeaway(self.t("short_accuracy"), v),
                               self.verdict_text("accuracy", v, margin_pp=100 * v.margin))
            self.play_p(FadeIn(line))
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Animation, Circle, Create, DashedLine, FadeIn, Group,
                   Mobject, Rectangle, Text, ValueTracker, VGroup, VMobject)

from contract.models import REGISTRY, ordered
from contract.scene_data import MODELS
from scenes import visuals as tk
from scenes.base import LectureScene
from scenes.comparison import findings
from scenes.shown import Ref, rotation_argmax

#: lowest y of any content: about 1000 px of 1080 (the player's subtitles go below)
BOTTOM = tk.SAFE_BOTTOM + 0.05  # the caption-safe line (docs/design-rules.md)
STYLE = {"softmax": "solid", "mc_dropout": "dotted", "ensemble": "longdash", "edl": "dashed"}
MARKER = {"softmax": "circle", "mc_dropout": "triangle", "ensemble": "diamond", "edl": "square"}
#: the unrelated sets' drawing order follows the dump; these are the YAML text keys of their names
SET_NAME_KEY = {"letters": "set_letters", "fashion": "set_fashion", "noise": "set_noise",
                "user": "set_user"}
#: one entropy panel: (set key, title, entropy CDF per model, where in scene_data they are)
Panel = tuple[str, str, dict[str, list[float]], Ref]


@dataclass
class RotationPlot:
    """The rotated digit's chart: both models' curves over the angles, their legend, and the
    rotated images under the angle axis."""

    chart: tk.LineChart
    angles: np.ndarray
    curves: dict[str, np.ndarray]  # softmax's confidence, EDL's certainty 1 - u
    series: dict[str, VGroup]
    legend: VGroup
    body: VGroup  # the chart with both series
    tiles: Group
    size: float  # of one tile
    base_y: float  # the tiles' centre line, as first laid out


def lift_above(group: Mobject, line: Mobject, gap: float) -> None:
    """Shift ``group`` up until it stays ``gap`` above ``line`` (the verdict banner)."""
    if group.get_bottom()[1] < line.get_top()[1] + gap:
        group.shift(UP * (line.get_top()[1] + gap - group.get_bottom()[1]))


class ComparisonParts(LectureScene):
    """What the comparison's sections draw with, and the pictures of the rotated digit, the
    entropy CDFs and the rejection curves; the sections are in
    :class:`scenes.comparison.script.Comparison`."""

    # -- models, legends, series -----------------------------------------------------------------
    def pct(self, share: Ref, size: float = 28, color: str | None = None) -> Text:
        """A share in [0, 1] drawn as a percentage (YAML ``percent``); records the raw value."""
        return self.text(self.t("percent", value=self.show(share)), size=size, color=color)

    def name(self, model: str) -> str:
        """The lecture's name of a model (YAML ``model_<model>``)."""
        return self.t(f"model_{model}")

    def color(self, model: str) -> str:
        """The theme's colour of the lecture pair, the registry's for the other models."""
        return getattr(self.theme, model, None) or REGISTRY[model].colour

    @property
    def models(self) -> list[str]:
        """The models the accuracy, entropy and rejection sections compare, in registry order:
        the lecture's ``comparison.models``, less those the dump has no ``more`` section for
        (older dumps: the pair alone)."""
        chosen = [m.name for m in ordered(self.lecture.comparison.models)]
        if self.data.heldout.more is None or self.data.unrelated.sets and any(
                s.more is None for s in self.data.unrelated.sets):
            return [m for m in chosen if m in MODELS]
        return chosen

    @property
    def others(self) -> list[str]:
        """The chosen models beside the lecture pair (MC dropout, the ensemble)."""
        return [m for m in self.models if m not in MODELS]

    def legend(self, entries: Sequence[tuple[str, str, str, str | None]], size: float = 22) -> VGroup:
        """A row of legend entries ``(label, colour, line style, marker)``."""
        row = VGroup()
        for label, color, style, marker in entries:
            pts = np.array([[0, 0, 0], [0.9, 0, 0]], float)
            sample = tk.styled_path(pts, style, color, 4)
            entry = VGroup(sample)
            if marker:
                entry.add(tk.make_marker(marker, color, 0.16, self.theme.background)
                          .move_to(sample.get_center()))
            entry.add(self.text(label, size=size).next_to(sample, RIGHT, buff=0.15))
            row.add(entry)
        return row.arrange(RIGHT, buff=0.6)

    def clear_of_title(self, key: Mobject, gap: float = 0.6) -> Mobject:
        """``key`` (a legend beside the title bar) moved right until it starts ``gap`` after
        the title (closer, "compared" and the legend read as one line), or below the title bar
        when there is no room beside it."""
        if self.header is None:
            return key
        need = self.header.get_right()[0] + gap - key.get_left()[0]
        if need <= 0:
            return key
        if key.get_right()[0] + need <= tk.FRAME_WIDTH / 2 - tk.MARGIN:
            return key.shift(RIGHT * need)
        # no room beside it: below the title bar instead
        return key.shift(DOWN * max(0.0, key.get_top()[1] - self.header.get_bottom()[1] + 0.15))

    def model_legend(self, size: float = 22, models: Sequence[str] = MODELS) -> VGroup:
        """The legend entries of ``models`` (default: the pair): name, colour, line style and
        marker."""
        return self.legend([(self.name(m), self.color(m), STYLE[m], MARKER[m]) for m in models],
                           size=size)

    def frame_chart(self, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str,
                    y_label: str, width: float, height: float, font_size: float = 20,
                    x_format: str | None = None, y_format: str | None = None) -> tk.LineChart:
        """Empty labelled axes (series are added with :meth:`series`)."""
        return tk.LineChart(np.asarray(x_ticks, float)[:1], {}, x_label=x_label, y_label=y_label,
                            x_ticks=x_ticks, y_ticks=y_ticks, width=width, height=height,
                            legend=None, theme=self.theme, font_size=font_size,
                            x_format=x_format, y_format=y_format)

    def series(self, chart: tk.LineChart, x: Sequence[float], y: Sequence[float], color: str,
               style: str, marker: str | None, marker_every: int = 1, width: float = 4,
               marker_size: float = 0.13) -> VGroup:
        """One data series on ``chart``'s axes, in a colour AND a line style AND a marker."""
        pts = np.array([chart.c2p(a, b) for a, b in zip(x, y)])
        if len(pts) == 1:
            line: VMobject = VMobject()
        else:
            line = tk.styled_path(pts, style, color, width)
        marks = VGroup(*[tk.make_marker(marker, color, marker_size, self.theme.background).move_to(p)
                         for p in pts[::max(1, marker_every)]]) if marker else VGroup()
        return VGroup(line, marks)

    def model_series(self, chart: tk.LineChart, model: str, x: Sequence[float],
                     y: Sequence[float], marker_every: int = 1, **kw: Any) -> VGroup:
        """:meth:`series` in ``model``'s colour, line style and marker."""
        return self.series(chart, x, y, self.color(model), STYLE[model], MARKER[model],
                           marker_every, **kw)

    def draw_series(self, series: VGroup, lag: float = 0.3) -> list[Animation]:
        """Draw a :meth:`series`: the line, then its markers one after another.

            self.play_p(*self.draw_series(self.model_series(chart, "edl", x, y)), run_time=2.0)
        """
        return [Create(series[0]), FadeIn(series[1], lag_ratio=lag)]

    # -- verdicts ------------------------------------------------------------------------------
    def banner(self, content: str, verdict: str, y: float = -3.45, size: float = 26,
               color: str | None = None) -> VGroup:
        """The section's one short takeaway line, at the bottom of the stage; the subtitles
        carry the full ``verdict`` sentence (docs/design-rules.md)."""
        self.keep("verdict", verdict)
        self.keep("takeaway", content)
        # neutral colour: the verdict is about both models, not drawn in either model's colour
        group = tk.wrap_text(content, 13.0, self.theme.font, size, color or self.theme.text,
                             max_lines=1)
        group.move_to([0, y + 0.3, 0])
        if group.get_bottom()[1] < BOTTOM:  # keep the player's subtitle band free
            group.shift(UP * (BOTTOM - group.get_bottom()[1]))
        return group

    def takeaway(self, what: str, verdict: findings.Verdict) -> str:
        """``what``: who is ahead (``text.takeaway``, ``ahead_<winner>``), e.g. "accuracy: too
        close to call"."""
        return self.t("takeaway", what=what, who=self.t(f"ahead_{verdict.winner}"))

    def verdict_text(self, base: str, verdict: findings.Verdict, **extra: Any) -> str:
        """The YAML sentence ``<base>_edl_wins`` / ``<base>_softmax_wins`` / ``<base>_tie``; it
        states both values and the 95% interval of their difference."""
        self.record_verdict(verdict)
        return self.t(f"{base}_{self.outcome(verdict)}", **{**verdict.fmt(), **extra})

    def record_verdict(self, verdict: findings.Verdict) -> None:
        """Both values and the interval of the difference, as drawn or spoken."""
        diff = verdict.at  # the scene_data Diff the verdict was read from
        for model in MODELS:
            self.record(getattr(diff, model), verdict.value(model))
        self.show(diff.diff_ci[0])
        self.show(diff.diff_ci[1])


    def verdict_color(self, verdict: findings.Verdict) -> str:
        """The winner's colour; muted when the verdict is too close to call."""
        return self.color(verdict.winner) if verdict.winner != findings.TIE else self.theme.muted

    @staticmethod
    def outcome(v: findings.Verdict) -> str:
        """The YAML key suffix of a verdict: ``edl_wins``, ``softmax_wins`` or ``tie``."""
        return "tie" if v.winner == findings.TIE else f"{v.winner}_wins"

    def join_items(self, items: Sequence[str], style: str = "list") -> str:
        """``a``, ``a and on b``, ``a, on b and on c`` (YAML ``<style>_sep`` / ``<style>_last``;
        ``list_and`` joins plain names: ``a, b and c``)."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return self.t(f"{style}_sep").join(items[:-1]) + self.t(f"{style}_last") + items[-1]

    # -- pictures -------------------------------------------------------------------------------
    def tile(self, image: Any, size: float) -> Group:
        """A 28x28 image (values in [0, 1]) with a thin border."""
        img = tk.image_mobject(tk.colorize(np.asarray(image, float), tk.GRAY, 0.0, 1.0),
                               height=size)
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.2).move_to(img)
        return Group(img, border)

    # -- the section pictures: the rotated digit, entropy CDFs, rejection -------------------------
    def _rotation_plot(self) -> RotationPlot:
        """Softmax's confidence and EDL's certainty over rotation.angles, their legend above and
        the rotated images (rotation.images) under the angle axis."""
        r = self.data.rotation
        angles = np.asarray(r.angles, float)  # rotation.angles
        # like with like: softmax's confidence against EDL's certainty 1 - u (both high = sure)
        curves = {"softmax": np.asarray(r.softmax_probs, float).max(axis=1),
                  "edl": 1.0 - np.asarray(r.edl_u, float)}  # 1 - rotation.edl_u
        for i in range(len(angles)):
            self.show(1 - self.d.rotation.edl_u[i])
        x_ticks = tk.stride_ticks(angles, 6)
        chart = self.frame_chart(x_ticks, [0, 0.25, 0.5, 0.75, 1.0], self.t("angle_label"), "",
                                 width=10.4, height=2.7, font_size=22, y_format="{:.2f}",
                                 x_format=tk.tick_format(x_ticks))
        series = {m: self.model_series(chart, m, angles, curves[m]) for m in MODELS}
        legend = self.legend([(self.t("rotation_softmax_series"), self.theme.softmax, "solid",
                               "circle"),
                              (self.t("rotation_edl_series"), self.theme.edl, "dashed", "square")])
        body = VGroup(chart, *series.values()).move_to([0.5, 0.6, 0])
        legend.next_to(chart.axes, UP, buff=0.3)
        tiles, size, base_y = self._rotation_tiles(chart, angles)
        return RotationPlot(chart, angles, curves, series, legend, body, tiles, size, base_y)

    def _rotation_tiles(self, chart: tk.LineChart, angles: np.ndarray
                        ) -> tuple[Group, float, float]:
        """The rotated images, each under its angle below the axis title; with their size and
        centre line."""
        spacing = (chart.c2p(angles[-1], 0)[0] - chart.c2p(angles[0], 0)[0]) / max(1, len(angles) - 1)
        size = min(0.62, 0.9 * spacing)
        base_y = chart.frame.x_title.get_bottom()[1] - 0.15 - size / 2
        tiles = Group(*[self.tile(img, size).move_to([chart.c2p(a, 0)[0], base_y, 0])
                        for a, img in zip(angles, self.data.rotation.images)])  # rotation.images
        return tiles, size, base_y

    def _softmax_digits(self, plot: RotationPlot) -> tuple[VGroup, Text]:
        """The digit the softmax model names under each image, and "softmax says" before them."""
        probs = np.asarray(self.data.rotation.softmax_probs, float)  # rotation.softmax_probs
        preds = VGroup()
        for i, a in enumerate(plot.angles):
            d = int(probs[i].argmax())
            self.record(rotation_argmax(self.d.rotation, "softmax", i), d)
            preds.add(self.text(str(d), size=22, color=self.theme.softmax)
                      .move_to([plot.chart.c2p(a, 0)[0], plot.base_y - plot.size / 2 - 0.22, 0]))
        says = self.text(self.t("softmax_says"), size=21, color=self.theme.softmax)
        says.next_to(preds, LEFT, buff=0.3)
        if says.get_left()[0] < tk.STAGE[0]:
            says.shift(RIGHT * (tk.STAGE[0] - says.get_left()[0]))
        return preds, says

    def _miss_ring(self, plot: RotationPlot, miss: Optional[findings.EdlMiss]) -> VGroup:
        """A ring on EDL's curve and a frame around the image where EDL is wrong (empty if
        EDL is never wrong)."""
        if miss is None:
            return VGroup()
        return VGroup(Circle(radius=0.3, stroke_color=self.theme.text, stroke_width=4)
                      .move_to(plot.chart.c2p(miss.angle, 1.0 - miss.u)),
                      Rectangle(width=plot.size * 1.2, height=plot.size * 1.2,
                                stroke_color=self.theme.text, stroke_width=4)
                      .move_to(plot.tiles[miss.index]))

    def _sweep_probe(self, plot: RotationPlot) -> tuple[Rectangle, VGroup, ValueTracker]:
        """A frame over the images and a dot on each curve, all following one tracker of the
        angle (animate the tracker to sweep)."""
        angles, chart = plot.angles, plot.chart
        tracker = ValueTracker(float(angles[0]))
        probe = Rectangle(width=plot.size * 1.15, height=plot.size * 1.15 + 0.5,
                          stroke_color=self.theme.accent, stroke_width=3)

        def place(m: Mobject) -> None:
            xv = float(np.clip(tracker.get_value(), angles[0], angles[-1]))
            m.move_to([chart.c2p(xv, 0)[0], plot.base_y - 0.2, 0])

        place(probe)
        probe.add_updater(place)
        dots = VGroup()
        for model in MODELS:
            dot = tk.make_marker(MARKER[model], self.color(model), 0.26, self.theme.text)

            def follow(m: Mobject, ys: np.ndarray = plot.curves[model]) -> None:
                xv = float(np.clip(tracker.get_value(), angles[0], angles[-1]))
                m.move_to(chart.c2p(xv, float(np.interp(xv, angles, ys))))

            follow(dot)
            dot.add_updater(follow)
            dots.add(dot)
        return probe, dots, tracker

    def _cdf_panels(self) -> list[Panel]:
        """The held-out digits (unrelated.heldout_cdf), then each unrelated set in dump order
        (unrelated.sets[i].stats.<m>.entropy_cdf)."""
        u = self.data.unrelated
        held = dict(u.heldout_cdf)
        for m in self.others:  # the CDF of the held-out entropies stored per digit
            held[m] = findings.entropy_cdf(self.data.heldout.more.scores[m].entropy,
                                           u.entropy_grid)
        panels: list[Panel] = [("heldout", self.t("set_heldout"), held, self.d.unrelated.heldout_cdf)]
        for i, s in enumerate(u.sets):
            key = SET_NAME_KEY.get(s.key)
            title = self.t(key) if key else s.key
            cdfs = {m: s.stats[m].entropy_cdf for m in MODELS}
            cdfs.update({m: s.more.models[m].entropy_cdf for m in self.others})
            panels.append((s.key, title, cdfs, self.d.unrelated.sets[i].stats))
        return panels

    def _cdf_row(self, panels: Sequence[Panel]) -> tuple[list[VGroup], list[VGroup], VGroup]:
        """The panels side by side: per panel its titled axes and its two curves."""
        grid = np.asarray(self.data.unrelated.entropy_grid, float)  # unrelated.entropy_grid
        gap = 0.55
        width = min(2.9, (12.6 - gap * (len(panels) - 1)) / len(panels) - 0.5)
        every = max(1, math.ceil(len(grid) / 8))
        charts, curves = [], []
        for _, title, cdfs, _ in panels:
            # lower panels when the AUROC table under them has a row per extra model
            ch = self.frame_chart([0.0, 1.0, float(grid[-1])], [0, 0.5, 1.0],
                                  self.t("entropy_label"), "", width=width,
                                  height=2.0 if not self.others else 1.5,
                                  font_size=25, x_format="{:.1f}", y_format="{:.1f}")
            head = self.text(title, size=22)
            head.next_to(ch.axes, UP, buff=0.22)
            if head.width > width + 0.3:
                head.scale_to_fit_width(width + 0.3)
            charts.append(VGroup(head, ch))
            curves.append(VGroup(*[self.model_series(ch, m, grid, cdfs[m], marker_every=every,
                                                     width=3.5, marker_size=0.12)
                                    for m in self.models]))
        row = VGroup(*[VGroup(c, s) for c, s in zip(charts, curves)]).arrange(
            RIGHT, buff=gap, aligned_edge=DOWN)
        return charts, curves, row

    def _cdf_key(self) -> VGroup:
        """The model legend and the hint how to read the curves."""
        size = 22 if not self.others else 24  # four models: the stage is fitted smaller
        legend = self.model_legend(size=size, models=self.models)
        hint = tk.wrap_text(self.t("cdf_hint"), 8.0 if not self.others else 12.0,
                            self.theme.font, size, self.theme.muted, max_lines=2)
        return VGroup(legend, hint).arrange(DOWN, buff=0.15, aligned_edge=LEFT)

    def _layout_cdfs(self, top: Mobject, row: VGroup, charts: Sequence[VGroup],
                     y_title: Mobject, aurocs: VGroup, line: Mobject) -> None:
        """Top to bottom: the key, the panels, the AUROC table, the verdict; all of it inside
        the stage between the title bar and the caption-safe line."""
        top.move_to([0, 2.95, 0])
        tk.fit_within(top, 8.6 if not self.others else 12.4, 1.4)
        self.clear_of_title(top)
        row.next_to(top, DOWN, buff=0.3)
        row.set_x(0.25)
        y_title.rotate(math.pi / 2).next_to(row, LEFT, buff=0.1).shift(DOWN * 0.3)
        # the AUROC table: each column under its panel, the row labels under the held-out panel
        y0 = row.get_bottom()[1] - 0.3
        for c, column in zip(charts, aurocs):
            for k, cell in enumerate(column):
                cell.move_to([c[1].axes.get_center()[0], y0 - 0.34 * k, 0])
        for cell in aurocs[0]:
            cell.align_to(charts[0][1].axes.get_right() + RIGHT * 0.2, RIGHT)
        line.next_to(aurocs, DOWN, buff=0.3)
        tk.fit_within(line, 13.4, 2.0)
        everything = VGroup(top, row, y_title, aurocs, line)
        top_limit = 3.3  # below the title bar
        if everything.height > top_limit - BOTTOM:
            everything.scale((top_limit - BOTTOM) / everything.height)
        if everything.get_top()[1] > top_limit:
            everything.shift(DOWN * (everything.get_top()[1] - top_limit))
        if everything.get_bottom()[1] < BOTTOM:
            everything.shift(UP * (BOTTOM - everything.get_bottom()[1]))
        self.clear_of_title(top)  # once more: the fitting above may have moved the key back

    def _rejection_charts(self, share_ticks: np.ndarray, acc_ticks: np.ndarray
                          ) -> tuple[tk.LineChart, tk.LineChart]:
        """Left: accuracy of the kept against the share kept, a scale both models share (their
        thresholds, u and entropy / log 10, are not comparable). Right: share kept per
        threshold."""
        w, hgt = 5.2, 3.3
        left = self.frame_chart(share_ticks, acc_ticks, self.t("kept_share_label"),
                                self.t("kept_accuracy_label"), w, hgt, font_size=22,
                                x_format=tk.tick_format(share_ticks))
        right = self.frame_chart([0, 0.25, 0.5, 0.75, 1.0], [0, 0.25, 0.5, 0.75, 1.0],
                                 self.t("threshold_label"), self.t("kept_share_label"), w, hgt,
                                 font_size=22, x_format="{:.2f}", y_format="{:.2f}")
        VGroup(left, right).arrange(RIGHT, buff=1.4)
        return left, right

    def _rejection_series(self, left: tk.LineChart, right: tk.LineChart
                          ) -> tuple[VGroup, VGroup]:
        """Per model: its kept curve (:func:`findings.kept_curve`) on the left, its share kept
        per threshold on the right (heldout.models.<m>.threshold_accuracy / threshold_kept)."""
        held = self.data.heldout
        grid = np.asarray(held.models["edl"].threshold, float)  # every model's threshold grid
        every = max(1, math.ceil(len(grid) / 11))
        acc_series, kept_series = VGroup(), VGroup()
        for m in self.models:
            row = held.models[m] if m in MODELS else held.more.models[m]
            share, acc = findings.kept_curve(row)
            acc_series.add(self.model_series(left, m, share, acc, marker_every=every))
            kept_series.add(self.model_series(right, m, grid,
                                              np.asarray(row.threshold_kept, float),
                                              marker_every=every))
        return acc_series, kept_series

    def _rejection_key(self) -> VGroup:
        """The model legend and what each model's uncertainty is, above the charts."""
        legend = self.model_legend(models=self.models)
        note = self.text(self.t("uncertainty_note"), size=22, color=self.theme.muted)
        key = VGroup(legend, note).arrange(DOWN, buff=0.15).move_to([0.6, 2.85, 0])
        return self.clear_of_title(key)

    def _share_guide(self, left: tk.LineChart, right: tk.LineChart, share: float,
                     acc_ticks: np.ndarray) -> tuple[VMobject, Text]:
        """The equal share kept: a grey dotted reference (not another series), labelled above
        the plot, starting at the line (clear of the y-axis title on the left)."""
        share_line = tk.styled_path(np.array([left.c2p(share, acc_ticks[0]),
                                              left.c2p(share, acc_ticks[-1])]), "dotted",
                                    self.theme.muted, 3)
        share_text = self.text(self.t("same_share", share=share), size=20,
                               color=self.theme.muted)
        top_pt = left.c2p(share, acc_ticks[-1])
        share_text.next_to(top_pt, UP, buff=0.1).align_to(top_pt + RIGHT * 0.02, LEFT)
        limit = (left.get_right()[0] + right.get_left()[0]) / 2 + 0.3
        if share_text.get_right()[0] > limit:
            share_text.shift(LEFT * (share_text.get_right()[0] - limit))
        return share_line, share_text

    def _at_share(self, left: tk.LineChart, v: findings.Verdict) -> VGroup:
        """The verdict's two values, measured exactly at the equal share
        (heldout.compare.rejection), as large markers on the left chart."""
        share = v.extra["share"]
        values = {m: v.value(m) for m in MODELS}
        for m in self.others:  # heldout.more.models.<m>.compare.rejection: the same share
            values[m] = float(self.data.heldout.more.models[m].compare["rejection"].value)
        return VGroup(*[tk.make_marker(MARKER[m], self.color(m), 0.2, self.theme.text)
                        .move_to(left.c2p(share, values[m])) for m in self.models])


class DashedVMobjectRect(VGroup):
    """A dashed outline around a rectangle (the EDL bar: told apart by more than its colour)."""

    def __init__(self, rect: Rectangle, color: str) -> None:
        super().__init__()
        corners = [rect.get_corner(d) for d in (UP + LEFT, UP + RIGHT, DOWN + RIGHT, DOWN + LEFT)]
        for a, b in zip(corners, corners[1:] + corners[:1]):
            if np.linalg.norm(b - a) > 1e-6:
                self.add(DashedLine(a, b, dash_length=0.12, color=color, stroke_width=3))


__all__ = ["BOTTOM", "MARKER", "SET_NAME_KEY", "STYLE", "ComparisonParts", "DashedVMobjectRect",
           "Panel", "RotationPlot", "lift_above"]
