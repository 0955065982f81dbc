"""Sequence 4: the softmax model and the EDL model compared, side by side, on real data.

Every curve and number comes from scene_data (heldout, rotation, unrelated, attacks); every
claim about which model is better is a verdict of :mod:`scenes.findings`: "better" only where
the 95% bootstrap interval of the difference excludes 0, "too close to call" otherwise. Its
wording is picked from the lecture YAML by that verdict (``<metric>_edl_wins`` /
``_softmax_wins`` / ``_tie``), and the interval is drawn wherever the verdict is.
The softmax model is orange and solid with circles, EDL blue and dashed with squares
everywhere, so the curves survive a colour-blind viewer.

    from scenes.seq4_comparison import Comparison
    Comparison(lecture=load_lecture("scenes/lectures/default.yaml"), data=load_all("scene_data")).render()
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, DashedLine, FadeIn, FadeOut, GrowFromEdge, Group,
                   Mobject, Rectangle, SurroundingRectangle, Text, Transform, ValueTracker, VGroup, VMobject, Write)

from contract.scene_data import MODELS
from scenes import findings
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences

#: lowest y of any content: about 1000 px of 1080 (the player's subtitles go below)
BOTTOM = tk.SAFE_BOTTOM + 0.05  # the caption-safe line (docs/design-rules.md)
STYLE = {"softmax": "solid", "edl": "dashed"}
MARKER = {"softmax": "circle", "edl": "square"}
#: the unrelated sets' drawing order follows the dump; these are the YAML text keys of their names
SET_NAME_KEY = {"letters": "set_letters", "fashion": "set_fashion", "noise": "set_noise",
                "user": "set_user"}


class Comparison(LectureScene):
    """Softmax vs EDL: accuracy, the rotated digit, entropy CDFs and AUROC, rejection by
    uncertainty, calibration, FGSM, and a closing table of verdicts."""


    def __init__(self, lecture: Any, data: Any, **kwargs: Any) -> None:
        super().__init__(lecture, data, **kwargs)
        #: per section: the verdict sentence (subtitled) and the one takeaway line drawn
        self.verdicts: dict[str, str] = {}
        self.takeaways: dict[str, str] = {}
        #: (section, start time in seconds) of every section rendered
        self.section_starts: list[tuple[str, float]] = []

    def next_section(self, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        self.section_starts.append((name, float(self.renderer.time)))
        super().next_section(name, *args, **kwargs)

    # -- small helpers -------------------------------------------------------------------------
    def pct(self, value: float, source: str, size: float = 28, color: str | None = None) -> Text:
        """A share in [0, 1] drawn as a percentage (YAML ``percent``); records the raw value."""
        self.record(source, value)
        return self.text(self.t("percent", value=value), size=size, color=color)

    def name(self, model: str) -> str:
        return self.t(f"model_{model}")

    def color(self, model: str) -> str:
        return getattr(self.theme, model)

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

    def model_legend(self, size: float = 22) -> VGroup:
        return self.legend([(self.name(m), self.color(m), STYLE[m], MARKER[m]) for m in MODELS],
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
        return self.series(chart, x, y, self.color(model), STYLE[model], MARKER[model],
                           marker_every, **kw)

    def banner(self, content: str, verdict: str, y: float = -3.45, size: float = 26,
               color: str | None = None) -> VGroup:
        """The section's one short takeaway line, at the bottom of the stage; the subtitles
        carry the full ``verdict`` sentence (docs/design-rules.md)."""
        if self.section_starts:
            self.verdicts[self.section_starts[-1][0]] = verdict
            self.takeaways[self.section_starts[-1][0]] = content
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
        for source, model in zip(verdict.sources, MODELS):
            self.record(source, verdict.value(model))
        base = verdict.sources[1].rsplit(".", 1)[0]
        self.value(f"{base}.diff_ci[0]")
        self.value(f"{base}.diff_ci[1]")

    def auroc_table(self, panels: Sequence[tuple[str, str, Any, str]], size: float = 22
                    ) -> VGroup:
        """One column per panel: under held-out digits the row labels, under each unrelated set
        the verdict, its AUROC (by entropy) for both models (``unrelated.sets[i].compare``),
        EDL's by u, the difference and its 95% interval: the verdict stands with its numbers."""
        muted = self.theme.muted
        labels = VGroup(*[self.text(t, size=size, color=c) for t, c in (
            (self.t("verdict_row"), muted), (self.name("softmax"), self.theme.softmax),
            (self.name("edl"), self.theme.edl), (self.t("auroc_u_row"), self.theme.edl),
            (self.t("diff_row"), muted), (self.t("ci_row"), muted))])
        columns = VGroup(labels)
        for j, (key, _, _, _) in enumerate(panels[1:]):
            v, vu = findings.auroc(self.data, key, "entropy"), findings.auroc(self.data, key, "u")
            base = f"unrelated.sets[{j}].compare"
            self.record_verdict(v)
            color = self.color(v.winner) if v.winner != findings.TIE else muted
            columns.add(VGroup(
                self.text(self.t(f"ahead_{v.winner}"), size=size, color=color),
                self.number(v.softmax, f"{base}.auroc_entropy.softmax", 3, size + 2, self.theme.softmax),
                self.number(v.edl, f"{base}.auroc_entropy.edl", 3, size + 2, self.theme.edl),
                self.number(vu.edl, f"{base}.auroc_u.edl", 3, size, self.theme.edl),
                self.number(self.data.unrelated.sets[j].compare.auroc_entropy.diff,
                            f"{base}.auroc_entropy.diff", 3, size, muted, signed=True),
                self.text(self.t("ci_cell", **v.fmt()), size=size - 1, color=muted)))
        return columns

    def tile(self, image: Any, size: float) -> Group:
        """A 28x28 image (values in [0, 1]) with a thin border."""
        img = tk.image_mobject(tk.colorize(np.asarray(image, float), tk.GRAY, 0.0, 1.0),
                               height=size)
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.2).move_to(img)
        return Group(img, border)

    # -- 1. accuracy ---------------------------------------------------------------------------
    def accuracy(self) -> None:
        h = self.data.heldout
        prov = h.provenance
        v = findings.accuracy(self.data)
        # heldout.provenance.dataset / n_heldout: the set both models are evaluated on
        n = int(self.value("heldout.provenance.n_heldout"))
        self.values["n_heldout"] = n
        ds_key = f"dataset_{prov.dataset}"  # display name from the YAML, else the raw key
        dataset = self.t(ds_key) if ds_key in self.words.text else prov.dataset
        head = self.text(self.t("heldout_set", dataset=dataset, n=n), size=30,
                         color=self.theme.muted).move_to([0, 2.3, 0])
        bar_len = 8.0
        rows = VGroup()
        for i, m in enumerate(MODELS):
            acc = h.models[m].accuracy  # heldout.models.<m>.accuracy
            label = self.text(self.name(m), size=34, color=self.color(m))
            track = Rectangle(width=bar_len, height=0.7, stroke_color=self.theme.muted,
                              stroke_width=1.5, fill_opacity=0)
            bar = Rectangle(width=max(bar_len * acc, 1e-3), height=0.7, stroke_width=0,
                            fill_color=self.color(m), fill_opacity=0.9 if m == "softmax" else 0.55)
            if m == "edl":  # dashed outline: not only the colour tells the models apart
                bar = VGroup(bar, DashedVMobjectRect(bar, self.color(m)))
            number = self.pct(acc, f"heldout.models.{m}.accuracy", size=36, color=self.color(m))
            row = VGroup(label, track, bar, number)
            track.move_to([0.2, 0.9 - 1.5 * i, 0])
            bar.move_to(track, aligned_edge=LEFT)
            label.next_to(track, LEFT, buff=0.35)
            number.next_to(track, RIGHT, buff=0.35)
            rows.add(row)
        axis_label = self.text(self.t("accuracy_label"), size=24, color=self.theme.muted)
        axis_label.next_to(rows, DOWN, buff=0.35)
        tk.fit_within(rows, 13.4, 4.0)
        verdict = self.verdict_text("accuracy", v, margin_pp=100 * v.margin)
        self.values["accuracy_verdict"] = verdict
        line = self.banner(self.takeaway(self.t("short_accuracy"), v), verdict, y=-2.6, size=28)

        self.play_p(FadeIn(head), run_time=1.0)
        self.wait_p(1.0)
        self.play_p(*[FadeIn(VGroup(r[0], r[1])) for r in rows], FadeIn(axis_label), run_time=1.0)
        self.play_p(*[GrowFromEdge(r[2], LEFT) for r in rows], run_time=1.5)
        self.play_p(*[FadeIn(r[3], shift=LEFT * 0.2) for r in rows], run_time=0.8)
        self.wait_p(2.5)
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(4.0)

    # -- 2. the rotated digit ------------------------------------------------------------------
    def rotated_digit(self) -> None:
        r = self.data.rotation
        angles = np.asarray(r.angles, float)  # rotation.angles
        probs = np.asarray(r.softmax_probs, float)  # rotation.softmax_probs
        pmax = probs.max(axis=1)
        # like with like: softmax's confidence against EDL's certainty 1 - u (both high = sure)
        certainty = 1.0 - np.asarray(r.edl_u, float)  # 1 - rotation.edl_u
        n = len(angles)
        for i in range(n):
            self.value(f"1 - rotation.edl_u[{i}]")
        step = max(1, math.ceil((n - 1) / 6))
        x_ticks = list(angles[::step]) + ([] if (n - 1) % step == 0 else [angles[-1]])
        chart = self.frame_chart(x_ticks, [0, 0.25, 0.5, 0.75, 1.0], self.t("angle_label"), "",
                                 width=10.4, height=2.7, font_size=22, y_format="{:.2f}",
                                 x_format=tk.tick_format(x_ticks))
        s_sm = self.model_series(chart, "softmax", angles, pmax)
        s_edl = self.model_series(chart, "edl", angles, certainty)
        legend = self.legend([(self.t("rotation_softmax_series"), self.theme.softmax, "solid",
                               "circle"),
                              (self.t("rotation_edl_series"), self.theme.edl, "dashed", "square")])
        plot = VGroup(chart, s_sm, s_edl)
        plot.move_to([0.5, 0.6, 0])
        legend.next_to(chart.axes, UP, buff=0.3)
        # the rotated images along the angle axis, and the softmax model's digit under each
        spacing = (chart.c2p(angles[-1], 0)[0] - chart.c2p(angles[0], 0)[0]) / max(1, n - 1)
        size = min(0.62, 0.9 * spacing)
        x_title = chart.frame.x_title
        base_y = x_title.get_bottom()[1] - 0.15 - size / 2
        tiles = Group(*[self.tile(img, size).move_to([chart.c2p(a, 0)[0], base_y, 0])
                        for a, img in zip(angles, r.images)])  # rotation.images
        preds = VGroup()
        for i, a in enumerate(angles):
            d = int(probs[i].argmax())
            self.record(f"rotation.argmax(softmax_probs[{i}])", d)
            preds.add(self.text(str(d), size=22, color=self.theme.softmax)
                      .move_to([chart.c2p(a, 0)[0], base_y - size / 2 - 0.22, 0]))
        says = self.text(self.t("softmax_says"), size=21, color=self.theme.softmax)
        says.next_to(preds, LEFT, buff=0.3)
        if says.get_left()[0] < tk.STAGE[0]:
            says.shift(RIGHT * (tk.STAGE[0] - says.get_left()[0]))
        f = findings.rotation(self.data)
        vals = dict(n_wrong=len(f.wrong_angles), n=f.n_angles, conf=f.softmax_conf_wrong,
                    u_wrong=f.edl_u_wrong, u_right=f.edl_u_right)
        key = ("rotation_no_wrong" if not f.any_wrong else
               "rotation_edl_flags" if f.edl_flags_more() else "rotation_edl_misses")
        verdict = self.t(key, **vals)
        # EDL fails too? the angle where EDL names a wrong digit with its lowest u
        miss = findings.rotation_edl_miss(self.data)
        ring = VGroup()
        if miss is None:
            verdict = join_sentences([verdict, self.t("rotation_edl_right")])
        else:
            i = miss.index  # rotation.edl_probs / edl_u / angles at that angle
            self.record(f"rotation.argmax(edl_probs[{i}])", miss.edl_digit)
            self.value(f"rotation.angles[{i}]")
            verdict = join_sentences([verdict, self.t(
                "rotation_edl_wrong", angle=miss.angle, edl_digit=miss.edl_digit,
                softmax_digit=miss.softmax_digit, u=self.value(f"rotation.edl_u[{i}]"))])
            ring = VGroup(Circle(radius=0.3, stroke_color=self.theme.text, stroke_width=4)
                          .move_to(chart.c2p(miss.angle, 1.0 - miss.u)),
                          Rectangle(width=size * 1.2, height=size * 1.2, stroke_color=self.theme.text,
                                    stroke_width=4).move_to(tiles[i]))
        self.values["rotation_finding"] = verdict
        line = self.banner(self.t(f"rotation_takeaway_{'none' if miss is None else 'miss'}"),
                           verdict, y=-3.45)
        group = Group(legend, plot, tiles, preds, says, ring)
        if group.get_bottom()[1] < line.get_top()[1] + 0.2:
            shift = line.get_top()[1] + 0.2 - group.get_bottom()[1]
            group.shift(UP * shift)

        self.play_p(FadeIn(chart), FadeIn(legend), run_time=1.0)
        self.play_p(FadeIn(tiles, lag_ratio=0.1), run_time=1.5)
        self.wait_p(1.0)
        self.play_p(Create(s_sm[0]), FadeIn(s_sm[1], lag_ratio=0.5), run_time=2.0)
        self.play_p(FadeIn(says), FadeIn(preds, lag_ratio=0.2), run_time=1.5)
        self.wait_p(1.5)
        self.play_p(Create(s_edl[0]), FadeIn(s_edl[1], lag_ratio=0.5), run_time=2.0)
        self.wait_p(1.5)
        # sweep: a frame runs along the images while two dots follow the curves
        tracker = ValueTracker(float(angles[0]))
        probe = Rectangle(width=size * 1.15, height=size * 1.15 + 0.5,
                          stroke_color=self.theme.accent, stroke_width=3)

        def place(m: Mobject) -> None:
            xv = float(np.clip(tracker.get_value(), angles[0], angles[-1]))
            m.move_to([chart.c2p(xv, 0)[0], base_y - 0.2, 0])

        place(probe)
        probe.add_updater(place)
        dots = VGroup()
        for series_y, model in ((pmax, "softmax"), (certainty, "edl")):
            dot = tk.make_marker(MARKER[model], self.color(model), 0.26, self.theme.text)

            def follow(m: Mobject, ys: np.ndarray = series_y) -> None:
                xv = float(np.clip(tracker.get_value(), angles[0], angles[-1]))
                m.move_to(chart.c2p(xv, float(np.interp(xv, angles, ys))))

            follow(dot)
            dot.add_updater(follow)
            dots.add(dot)
        self.add(probe, dots)
        self.play_p(tracker.animate.set_value(float(angles[-1])), run_time=5.0)
        probe.clear_updaters()
        for d in dots:
            d.clear_updaters()
        self.play_p(FadeOut(probe), FadeOut(dots), FadeIn(line), run_time=1.0)
        self.wait_p(3.0)
        if len(ring):
            self.play_p(Create(ring), run_time=1.0)
        self.wait_p(3.0)

    # -- 3. entropy CDFs and AUROC -------------------------------------------------------------
    def entropy_cdfs(self) -> None:
        u = self.data.unrelated
        grid = np.asarray(u.entropy_grid, float)  # unrelated.entropy_grid
        h_max = float(grid[-1])
        panels: list[tuple[str, str, dict[str, list[float]], str]] = [
            ("heldout", self.t("set_heldout"), dict(u.heldout_cdf), "unrelated.heldout_cdf")]
        for i, s in enumerate(u.sets):
            key = SET_NAME_KEY.get(s.key)
            title = self.t(key) if key else s.key
            panels.append((s.key, title, {m: s.stats[m].entropy_cdf for m in MODELS},
                           f"unrelated.sets[{i}].stats"))
        k = len(panels)
        gap = 0.55
        width = min(2.9, (12.6 - gap * (k - 1)) / k - 0.5)
        every = max(1, math.ceil(len(grid) / 8))
        charts = []
        curves = []
        for key, title, cdfs, _ in panels:
            ch = self.frame_chart([0.0, 1.0, h_max], [0, 0.5, 1.0], self.t("entropy_label"),
                                  "", width=width, height=2.0, font_size=25,
                                  x_format="{:.1f}", y_format="{:.1f}")
            head = self.text(title, size=22)
            head.next_to(ch.axes, UP, buff=0.22)
            if head.width > width + 0.3:
                head.scale_to_fit_width(width + 0.3)
            # unrelated.heldout_cdf.<m> / unrelated.sets[i].stats.<m>.entropy_cdf
            sers = VGroup(*[self.model_series(ch, m, grid, cdfs[m], marker_every=every,
                                              width=3.5, marker_size=0.12) for m in MODELS])
            charts.append(VGroup(head, ch))
            curves.append(sers)
        row = VGroup(*[VGroup(c, s) for c, s in zip(charts, curves)]).arrange(RIGHT, buff=gap,
                                                                            aligned_edge=DOWN)
        y_title = self.text(self.t("cdf_label"), size=21, color=self.theme.text)
        aurocs = self.auroc_table(panels)
        legend = self.model_legend(size=22)
        hint = tk.wrap_text(self.t("cdf_hint"), 8.0, self.theme.font, 22, self.theme.muted,
                            max_lines=2)
        top = VGroup(legend, hint).arrange(DOWN, buff=0.15, aligned_edge=LEFT)
        verdict = self.auroc_verdict()
        line = self.banner(self.takeaway(self.t("short_auroc_pooled"), self.pooled_verdict), verdict)
        # layout, top to bottom
        top.move_to([0, 2.95, 0])
        tk.fit_within(top, 8.6, 1.4)
        if top.get_left()[0] < -2.0:  # keep the title bar free
            top.shift(RIGHT * (-2.0 - top.get_left()[0]))
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

        self.cdf_beats(top, charts, curves, y_title, aurocs, line)

    def cdf_beats(self, top: Mobject, charts: Sequence[VGroup], curves: Sequence[VGroup],
                  y_title: Mobject, aurocs: VGroup, line: Mobject) -> None:
        """The entropy panels on the caption's sentences: the curves (softmax, then EDL), the
        AUROC rows, one highlighted column per set's verdict, then the pooled line."""
        self.play_p(FadeIn(top), *[FadeIn(c) for c in charts], FadeIn(y_title), run_time=1.2)
        self.play_p(*[Create(c[0][0]) for c in curves],
                    *[FadeIn(c[0][1], lag_ratio=0.3) for c in curves], run_time=2.0)
        self.say()  # curves to the right: more uncertainty
        self.play_p(*[Create(c[1][0]) for c in curves],
                    *[FadeIn(c[1][1], lag_ratio=0.3) for c in curves], run_time=2.0)
        self.say()  # the AUROC
        self.play_p(*[FadeIn(VGroup(*col[:4]), lag_ratio=0.15) for col in aurocs], run_time=1.5)
        self.say()  # each set on its own, with the interval of the difference
        self.play_p(*[FadeIn(VGroup(*col[4:]), lag_ratio=0.15) for col in aurocs], run_time=1.0)
        box = None
        for col in aurocs[1:]:
            self.say()  # this set's verdict
            new_box = SurroundingRectangle(col, color=self.theme.accent, buff=0.08)
            self.play_p(Create(new_box) if box is None else Transform(box, new_box), run_time=0.6)
            box = box or new_box
        self.say()  # the pooled verdict
        self.play_p(FadeIn(line), *([FadeOut(box)] if box is not None else []), run_time=1.0)
        self.wait_p(2.0)

    def auroc_verdict(self) -> str:
        """Per set first, then the pooled number and how it is pooled. On screen, short (the
        numbers stand under each panel); spoken, every set with its values and interval."""
        by_set = findings.auroc_by_set(self.data, "entropy")
        pooled = by_set.pop("pooled")
        by_set.pop("user", None)
        groups: dict[str, list[str]] = {"edl": [], "softmax": [], findings.TIE: []}
        spoken = []
        for key, v in by_set.items():
            self.record_verdict(v)
            name = self.t(SET_NAME_KEY.get(key, key))
            groups[v.winner].append(name)
            spoken.append(self.t(f"auroc_set_{self.outcome(v)}", set=name, **v.fmt()))
        shown = [self.t(f"auroc_sets_{who}", sets=self.join_items(names, "list_and"))
                 for who, names in groups.items() if names]
        self.record_verdict(pooled)
        self.pooled_verdict = pooled
        u = self.data.unrelated
        names = [self.t(SET_NAME_KEY.get(k, k)) for k in u.pooled_sets]
        n = sum(s.n for s in u.sets if s.key in u.pooled_sets)
        pooled_text = self.t(f"auroc_pooled_{self.outcome(pooled)}", n=n,
                             sets=self.join_items(names, "list_and"), **pooled.fmt())
        self.values["auroc_verdict"] = join_sentences([*spoken, pooled_text])
        return join_sentences([*shown, pooled_text])

    @staticmethod
    def outcome(v: findings.Verdict) -> str:
        """The YAML key suffix of a verdict: ``edl_wins``, ``softmax_wins`` or ``tie``."""
        return "tie" if v.winner == findings.TIE else f"{v.winner}_wins"

    # -- 4. rejection by uncertainty -----------------------------------------------------------
    def rejection(self) -> None:
        models = self.data.heldout.models
        thr = {m: np.asarray(models[m].threshold, float) for m in MODELS}  # .threshold
        acc = {m: np.asarray(models[m].threshold_accuracy, float) for m in MODELS}
        kept = {m: np.asarray(models[m].threshold_kept, float) for m in MODELS}
        # accuracy is only measured where something is kept (it reads 1 by convention otherwise)
        v = findings.rejection(self.data)
        shown_acc = np.concatenate([acc[m][kept[m] > 0] for m in MODELS]
                                   + [np.ones(1), [v.softmax, v.edl]])
        lo = float(shown_acc.min())
        acc_ticks = tk.nice_ticks(lo, 1.0, 5)
        acc_ticks = acc_ticks[acc_ticks <= 1.0 + 1e-9]
        if acc_ticks[-1] < 1.0:
            acc_ticks = np.append(acc_ticks, 1.0)
        # left: accuracy of the kept against the share kept, a scale both models share
        # (their thresholds, u and entropy / log 10, are not comparable)
        curve = {m: findings.kept_curve(models[m]) for m in MODELS}
        share = v.extra["share"]  # heldout.compare.rejection_share
        lo_share = min([float(curve[m][0].min()) for m in MODELS if curve[m][0].size] + [share])
        share_ticks = tk.nice_ticks(min(lo_share, 0.99), 1.0, 5)
        share_ticks = share_ticks[share_ticks <= 1.0 + 1e-9]
        if share_ticks[-1] < 1.0:
            share_ticks = np.append(share_ticks, 1.0)
        w, hgt = 5.2, 3.3
        left = self.frame_chart(share_ticks, acc_ticks, self.t("kept_share_label"),
                                self.t("kept_accuracy_label"), w, hgt, font_size=22,
                                x_format=tk.tick_format(share_ticks))
        right = self.frame_chart([0, 0.25, 0.5, 0.75, 1.0], [0, 0.25, 0.5, 0.75, 1.0],
                                 self.t("threshold_label"), self.t("kept_share_label"), w, hgt,
                                 font_size=22, x_format="{:.2f}", y_format="{:.2f}")
        charts = VGroup(left, right).arrange(RIGHT, buff=1.4)
        every = max(1, math.ceil(len(thr["edl"]) / 11))
        acc_series, kept_series = VGroup(), VGroup()
        for m in MODELS:  # heldout.models.<m>.threshold_accuracy / threshold_kept
            acc_series.add(self.model_series(left, m, curve[m][0], curve[m][1],
                                             marker_every=every))
            kept_series.add(self.model_series(right, m, thr[m], kept[m], marker_every=every))
        legend = self.model_legend()
        note = self.text(self.t("uncertainty_note"), size=22, color=self.theme.muted)
        top = VGroup(legend, note).arrange(DOWN, buff=0.15).move_to([0.6, 2.85, 0])
        # the equal share kept: a grey dotted reference (not another series), labelled above
        share_line = tk.styled_path(np.array([left.c2p(share, acc_ticks[0]),
                                              left.c2p(share, acc_ticks[-1])]), "dotted",
                                    self.theme.muted, 3)
        share_text = self.text(self.t("same_share", share=share), size=20,
                               color=self.theme.muted)
        top_pt = left.c2p(share, acc_ticks[-1])
        # above the plot, starting at the line (clear of the y-axis title on the left)
        share_text.next_to(top_pt, UP, buff=0.1).align_to(top_pt + RIGHT * 0.02, LEFT)
        limit = (left.get_right()[0] + right.get_left()[0]) / 2 + 0.3
        if share_text.get_right()[0] > limit:
            share_text.shift(LEFT * (share_text.get_right()[0] - limit))
        verdict = self.verdict_text("rejection", v, share=share)
        self.values["rejection_verdict"] = verdict
        line = self.banner(self.takeaway(self.t("short_rejection"), v), verdict, y=-3.5)
        # the verdict's two values, measured exactly at that share (heldout.compare.rejection)
        at_share = VGroup(*[tk.make_marker(MARKER[m], self.color(m), 0.2, self.theme.text)
                            .move_to(left.c2p(share, v.value(m))) for m in MODELS])
        body = VGroup(charts, acc_series, kept_series, share_line, share_text, at_share)
        # between the legend above and the verdict below, never over either
        room = (top.get_bottom()[1] - 0.3) - (line.get_top()[1] + 0.15)
        tk.fit_within(body, 13.6, room)
        body.next_to(top, DOWN, buff=0.3)
        body.set_x(0)

        self.play_p(FadeIn(top), FadeIn(charts), run_time=1.2)
        self.wait_p(2.0)
        for i in range(2):
            self.play_p(Create(acc_series[i][0]), FadeIn(acc_series[i][1], lag_ratio=0.3),
                        Create(kept_series[i][0]), FadeIn(kept_series[i][1], lag_ratio=0.3),
                        run_time=2.0)
            self.wait_p(1.5)
        self.play_p(Create(share_line), FadeIn(share_text), FadeIn(at_share), run_time=1.0)
        self.wait_p(1.5)
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(5.0)

    # -- 5. calibration ------------------------------------------------------------------------
    def calibration(self) -> None:
        models = self.data.heldout.models
        diagrams = Group()
        for m in MODELS:
            bins = models[m].reliability  # heldout.models.<m>.reliability
            ece = self.value(f"heldout.models.{m}.ece")
            rd = tk.ReliabilityDiagram([b.confidence for b in bins], [b.accuracy for b in bins],
                                       [b.count for b in bins], ece, color=self.color(m),
                                       bin_edges=[bins[0].lower] + [b.upper for b in bins],
                                       width=3.3, height=3.3,
                                       x_label=self.t("confidence_label"),
                                       y_label=self.t("accuracy_label"),
                                       ece_label=self.t("ece_label"), theme=self.theme,
                                       font_size=24, gap_color=self.theme.gap)
            self.place_counts(rd)
            head = VGroup(self.legend([(self.name(m), self.color(m), STYLE[m], MARKER[m])],
                                      size=26))
            head.add(rd.ece_text)  # the ECE beside the model's name, clear of the bars
            rd.ece_text.next_to(head[0], RIGHT, buff=0.6)
            head.next_to(rd, UP, buff=0.2)
            diagrams.add(Group(head, rd))
        diagrams.arrange(RIGHT, buff=1.6).move_to([0, 0.2, 0])
        # key: the gap boxes (drawn exactly as in both diagrams: theme.gap) and the bin counts
        swatch = Rectangle(width=0.35, height=0.22, fill_color=self.theme.gap, fill_opacity=0.3,
                           stroke_color=self.theme.gap, stroke_width=2)
        key = VGroup(VGroup(swatch, self.text(self.t("gap_key"), size=22, color=self.theme.muted))
                     .arrange(RIGHT, buff=0.15),
                     self.text(self.t("count_key"), size=22, color=self.theme.muted)
                     ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)  # two lines: not the widest
        key.next_to(diagrams, DOWN, buff=0.25)
        diagrams.add(key)
        v = findings.calibration(self.data)
        # over- or underconfident: count-weighted mean of accuracy - confidence per model, and
        # which bins that average comes from (spoken; the banner keeps the ECE verdict)
        directions = [self.calibration_direction(m) for m in MODELS]
        ece_sentence = self.verdict_text("ece", v)
        self.values["ece_verdict"] = join_sentences([ece_sentence, *directions])
        line = self.banner(self.takeaway(self.t("short_ece"), v), ece_sentence, y=-3.5)
        room = 2.95 - (line.get_top()[1] + 0.15)  # between the title bar and the verdict
        tk.fit_within(diagrams, 13.4, min(6.2, room))
        diagrams.move_to([0, 2.95 - diagrams.height / 2, 0])

        for d in diagrams[:2]:
            rd = d[1]
            self.play_p(FadeIn(d[0][0]), FadeIn(rd.frame), FadeIn(rd.diagonal), run_time=1.0)
            self.play_p(*[GrowFromEdge(b, DOWN) for b in rd.bars if len(b.points)],
                        run_time=1.5)
            self.play_p(FadeIn(rd.gaps), FadeIn(rd.count_texts), run_time=1.0)
            self.play_p(Write(rd.ece_text), run_time=0.8)
            self.wait_p(2.0)
        self.play_p(FadeIn(key), run_time=0.8)
        self.wait_p(1.0)
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(6.0)

    def calibration_direction(self, m: str) -> str:
        """``EDL is underconfident by 4.0 points on average; 90% of that comes from the 64
        digits with confidence 0.2-0.5; in the fullest bin (875 digits) ...``"""
        model = self.data.heldout.models[m]
        gap = findings.confidence_gap(model)
        self.record(f"heldout.models.{m}.reliability(mean accuracy-confidence)", gap)
        name = self.name(m)
        direction = findings.confidence_direction(model)
        sentence = self.t(f"calib_{direction}", model=name[:1].upper() + name[1:], pp=100 * abs(gap))
        src = findings.gap_source(model)
        if direction == "balanced" or src is None:
            return sentence
        rel = f"heldout.models.{m}.reliability"
        self.value(f"{rel}[{src.main}].count")
        self.value(f"{rel}[{src.full}].count")
        self.record(f"{rel}[{src.full}](accuracy-confidence)", src.full_gap)
        return join_sentences([sentence, self.t(
            "calib_source", share=src.main_share, n=src.main_count, lo=src.main_lower,
            hi=src.main_upper, n_full=src.full_count, full_pp=100 * src.full_gap)])

    def place_counts(self, rd: tk.ReliabilityDiagram) -> None:
        """The bin counts in one row above the plot, labelled ``n =``, staggered where
        neighbours would touch (never on the 1.0 line)."""
        ax = rd.axes
        y0 = ax.c2p(0, 1)[1] + 0.2
        prev = None
        raised = False
        texts = [t for t in rd.count_texts if isinstance(t, Text)]
        for t in texts:
            # digits 0.21 units high (28 px before the diagrams are fitted): wider than a bin
            # when they have three digits; neighbours that would touch are staggered below
            t.scale(0.21 / max(t.height, 1e-6), about_edge=DOWN)
            t.set_y(y0)
            if prev is not None and not raised and t.get_left()[0] < prev.get_right()[0] + 0.06:
                t.set_y(y0 + 0.24)
                raised = True
            else:
                raised = False
            prev = t
        # what the numbers are: the key under the diagrams (YAML count_key, "n = ...");
        # the y-axis title goes above the row of counts
        if texts and rd.frame.y_title is not None:
            top = max(t.get_top()[1] for t in texts)
            rd.frame.y_title.set_y(top + 0.08 + rd.frame.y_title.height / 2)

    # -- 6. adversarial (FGSM) -----------------------------------------------------------------
    def adversarial(self) -> None:
        f = self.data.attacks
        a = f.fgsm  # the lecture's attack: FGSM through cross-entropy on the logits
        eps = np.asarray(f.eps, float)  # attacks.eps
        n = len(eps)
        # the perturbed examples: attacks.example_images, one per eps
        size = min(0.95, 11.0 / n - 0.25)
        tiles = Group()
        for i, img in enumerate(f.example_images):
            self.value(f"attacks.eps[{i}]")
            t = self.tile(img, size)
            # the value alone under each tile ("ε =" once, before the row): 22 px high
            lab = self.text(tk.format_number(eps[i], "{:.2f}"), size=24, color=self.theme.muted)
            lab.next_to(t, DOWN, buff=0.08)
            tiles.add(Group(t, lab))
        tiles.arrange(RIGHT, buff=0.25)
        eps_name = self.text("ε =", size=24, color=self.theme.muted)
        eps_name.next_to(tiles[0][1], LEFT, buff=0.2)
        tiles.add(eps_name)
        caption = tk.wrap_text(self.t("fgsm_examples", zero=self.record(
            "attacks.fgsm.zero_grad_share(max over models, eps > 0)",
            findings.masked_share(self.data, "fgsm"))), 11.0, self.theme.font, 24,
            self.theme.muted, max_lines=2)
        top = Group(caption, tiles).arrange(DOWN, buff=0.15)
        tk.fit_within(top, 12.0, 2.0)
        top.move_to([0.6, 2.95 - top.height / 2, 0])
        ticks = tk.nice_ticks(0.0, float(eps.max()), 4)
        x_fmt = tk.tick_format(ticks)
        w, hgt = 3.1, 2.0
        acc_chart = self.frame_chart(ticks, [0, 0.25, 0.5, 0.75, 1.0], self.t("eps_label"),
                                     self.t("fgsm_accuracy_label"), w, hgt, font_size=23,
                                     x_format=x_fmt, y_format="{:.2f}")
        ent_all = np.concatenate([np.asarray(a.mean_entropy[m], float) for m in MODELS])
        ent_ticks = tk.nice_ticks(0.0, max(float(ent_all.max()), 0.1), 4)
        ent_chart = self.frame_chart(ticks, ent_ticks, self.t("eps_label"),
                                     self.t("fgsm_entropy_label"), w, hgt, font_size=23,
                                     x_format=x_fmt)
        u_chart = self.frame_chart(ticks, [0, 0.25, 0.5, 0.75, 1.0], self.t("eps_label"),
                                   self.t("fgsm_u_label"), w, hgt, font_size=23, x_format=x_fmt,
                                   y_format="{:.2f}")
        charts = VGroup(acc_chart, ent_chart, u_chart).arrange(RIGHT, buff=1.0)
        charts.next_to(top, DOWN, buff=0.4).set_x(0.2)
        legend = self.model_legend(size=22)
        series = VGroup()
        for m in MODELS:
            acc = np.asarray(a.accuracy[m], float)  # attacks.fgsm.accuracy.<m>
            e = np.asarray(a.mean_entropy[m], float)  # attacks.fgsm.mean_entropy.<m>
            for i in range(n):
                self.value(f"attacks.fgsm.accuracy.{m}[{i}]")
                self.value(f"attacks.fgsm.mean_entropy.{m}[{i}]")
            series.add(VGroup(self.model_series(acc_chart, m, eps, acc),
                              self.model_series(ent_chart, m, eps, e)))
        mu = np.asarray(a.edl_mean_u, float)  # attacks.fgsm.edl_mean_u
        u_series = self.model_series(u_chart, "edl", eps, mu)
        verdict = self.attack_verdict()
        line = self.banner(self.takeaway(self.t("short_fgsm"), self.attack_v), verdict, y=-3.4)
        legend.next_to(charts, DOWN, buff=0.3)
        body = Group(top, charts, series, u_series, legend)
        tk.fit_within(body, 13.6, 7.0)
        if body.get_bottom()[1] < line.get_top()[1] + 0.25:
            body.shift(UP * (line.get_top()[1] + 0.25 - body.get_bottom()[1]))
        top_limit = 3.15  # clear of the title bar, which the centred caption row spans
        if body.get_top()[1] > top_limit:
            body.scale((top_limit - line.get_top()[1] - 0.25) / body.height)
            body.next_to(line, UP, buff=0.25)

        self.play_p(FadeIn(caption), FadeIn(tiles, lag_ratio=0.15), run_time=2.0)
        self.wait_p(2.0)
        self.play_p(FadeIn(charts), FadeIn(legend), run_time=1.0)
        for s in series:
            self.play_p(*[Create(p[0]) for p in s], *[FadeIn(p[1], lag_ratio=0.3) for p in s],
                        run_time=2.0)
            self.wait_p(1.0)
        self.play_p(Create(u_series[0]), FadeIn(u_series[1], lag_ratio=0.3), run_time=1.5)
        self.wait_p(2.0)
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(4.5)

    def attack_verdict(self) -> str:
        """On screen: accuracy at the largest eps with its interval, and how u and entropy rise.
        Spoken as well: the stronger PGD attack, and why no model's own loss is used."""
        f = self.data.attacks
        a = f.fgsm
        v = findings.attack_strongest(self.data, "fgsm")
        self.attack_v = v
        i0, i1 = int(np.argmin(f.eps)), v.extra["index"]
        rises = a.edl_mean_u[i1] > a.edl_mean_u[i0] + 0.02
        rise = self.t("fgsm_rise" if rises else "fgsm_no_rise", u0=self.value(f"attacks.fgsm.edl_mean_u[{i0}]"),
                      u1=self.value(f"attacks.fgsm.edl_mean_u[{i1}]"),
                      sm_h0=a.mean_entropy["softmax"][i0], sm_h1=a.mean_entropy["softmax"][i1],
                      edl_h0=a.mean_entropy["edl"][i0], edl_h1=a.mean_entropy["edl"][i1])
        shown = join_sentences([self.verdict_text("fgsm", v), rise])
        pgd = findings.attack_strongest(self.data, "pgd")
        own = f.own_loss_fgsm.zero_grad_share["edl"][i1]
        parts = [shown, self.verdict_text("pgd", pgd, steps=f.pgd_steps)]
        if own > 0.01:  # the masking this attack avoids, where it would have happened
            parts.append(self.t("own_loss_note", own=self.value(f"attacks.own_loss_fgsm.zero_grad_share.edl[{i1}]"),
                own_acc=self.value(f"attacks.own_loss_fgsm.accuracy.edl[{i1}]")))
        spoken = join_sentences(parts)
        self.values["fgsm_verdict"] = spoken
        return shown

    # -- 7. summary ----------------------------------------------------------------------------
    def summary_rows(self) -> list[tuple[str, str, findings.Verdict, str]]:
        """(row label, short name, verdict, value format) of the closing table, in the order of
        :func:`findings.summary`: per-set AUROCs come before anything pooled."""
        labels = {"accuracy": ("row_accuracy", "short_accuracy", "pct"),
                  "ece": ("row_ece", "short_ece", "{:.3f}"),
                  "rejection": ("row_rejection", "short_rejection", "pct2"),
                  "fgsm": ("row_fgsm", "short_fgsm", "pct"),
                  "auroc": ("row_auroc_set", "short_auroc_set", "{:.3f}")}
        out = []
        for v in findings.summary(self.data):
            row, short, fmt = labels[v.metric]
            names = {}
            if v.metric == "auroc":
                key = v.extra["set"]
                names = {"set": self.t(SET_NAME_KEY[key]) if key in SET_NAME_KEY else key}
            out.append((self.t(row, **v.fmt(), **names), self.t(short, **names), v, fmt))
        return out

    def summary(self) -> None:
        rows = [[self.t("col_metric"), self.name("softmax"), self.name("edl"),
                 self.t("col_diff"), self.t("col_better")]]
        colors: dict[tuple[int, int], str] = {}
        tally: dict[str, list[str]] = {"edl": [], "softmax": [], findings.TIE: []}
        for r, (label, short, v, fmt) in enumerate(self.summary_rows(), start=1):
            cells = [label]
            for c, m in enumerate(MODELS, start=1):
                val = self.record(v.sources[c - 1], v.value(m))
                if fmt == "pct":
                    cells.append(self.t("percent", value=val))
                elif fmt == "pct2":
                    cells.append(f"{val:.2%}")
                else:
                    cells.append(tk.format_number(val, fmt))
                colors[(r, c)] = self.color(m)
            self.record_verdict(v)
            cells.append(self.t("cell_diff_pct" if fmt.startswith("pct") else "cell_diff",
                                **v.fmt()))
            colors[(r, 3)] = self.theme.muted
            cells.append(self.t(f"better_{v.winner}"))
            colors[(r, 4)] = (self.color(v.winner) if v.winner != findings.TIE
                              else self.theme.muted)
            rows.append(cells)
            tally[v.winner].append(short)
        table = tk.TextTable(rows, font=self.theme.font, font_size=26, text_color=self.theme.text,
                             header_color=self.theme.muted, rule_color=self.theme.muted,
                             col_align="lrrrc", col_buff=0.6, row_buff=0.26, cell_colors=colors)
        # left column: align the labels by their text origin, not by their ink (an "A" has
        # a wider left side bearing than an "h"; ink-aligned labels look 2-3 px off)
        bearing = []
        for r in range(len(rows)):
            s = rows[r][0]
            probe = [self.text(p, size=26) for p in ("H" + s, s)]
            bearing.append(probe[0].width - probe[1].width)
        for r, b in enumerate(bearing):
            cell = table.cell(r, 0)
            if isinstance(cell, Text):
                cell.shift(RIGHT * (b - min(bearing)))
        tk.fit_within(table, 13.0, 4.6)
        table.move_to([0, 0.75, 0])
        sentences = []
        for who, key in (("edl", "summary_edl"), ("softmax", "summary_softmax"),
                         (findings.TIE, "summary_tie")):
            if tally[who]:
                sentences.append(self.t(key, items=self.join_items(tally[who])))
        verdict = join_sentences(sentences)
        self.values["summary_verdict"] = verdict
        text = self.banner(self.t("summary_takeaway", n=sum(map(len, tally.values())),
                                  edl=len(tally["edl"]), softmax=len(tally["softmax"]),
                                  tie=len(tally[findings.TIE])), verdict)
        text.next_to(table, DOWN, buff=0.45)
        if text.get_bottom()[1] < BOTTOM:
            text.shift(UP * (BOTTOM - text.get_bottom()[1]))

        self.play_p(FadeIn(table.row(0)), Create(table.rule), run_time=1.0)
        for i in range(1, len(rows)):
            self.play_p(FadeIn(table.row(i), shift=UP * 0.1), run_time=0.8)
            self.wait_p(1.2)
        self.wait_p(1.5)
        self.play_p(FadeIn(text), run_time=1.0)
        self.wait_p(8.0)

    def join_items(self, items: Sequence[str], style: str = "list") -> str:
        """``a``, ``a and on b``, ``a, on b and on c`` (YAML ``<style>_sep`` / ``<style>_last``;
        ``list_and`` joins plain names: ``a, b and c``)."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return self.t(f"{style}_sep").join(items[:-1]) + self.t(f"{style}_last") + items[-1]


class DashedVMobjectRect(VGroup):
    """A dashed outline around a rectangle (the EDL bar: told apart by more than its colour)."""

    def __init__(self, rect: Rectangle, color: str) -> None:
        super().__init__()
        corners = [rect.get_corner(d) for d in (UP + LEFT, UP + RIGHT, DOWN + RIGHT, DOWN + LEFT)]
        for a, b in zip(corners, corners[1:] + corners[:1]):
            if np.linalg.norm(b - a) > 1e-6:
                self.add(DashedLine(a, b, dash_length=0.12, color=color, stroke_width=3))


__all__ = ["Comparison"]
