"""Sequence 5: the softmax model and the EDL model compared, side by side, on real data.

Every curve and number comes from scene_data (heldout, rotation, unrelated, attacks); every
claim about which model is better is a verdict of :mod:`scenes.findings`: "better" only where
the 95% bootstrap interval of the difference excludes 0, "too close to call" otherwise. Its
wording is picked from the lecture YAML by that verdict (``<metric>_edl_wins`` /
``_softmax_wins`` / ``_tie``), and the interval is drawn wherever the verdict is.
The softmax model is orange and solid with circles, EDL blue and dashed with squares
everywhere, so the curves survive a colour-blind viewer.

Each section method is the section's storyboard; what it draws with lives in
:mod:`scenes.comparison.parts` (legends, series, tiles, the verdict banner) and
:mod:`scenes.comparison.verdicts` (the verdict sentences and tables).

    from scenes.comparison.script import Comparison
    Comparison(lecture=load_lecture("lectures/default.yaml"), data=load_all("scene_data")).render()
"""
from __future__ import annotations


import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, GrowFromEdge, Group, Mobject,
                   Rectangle, SurroundingRectangle, Text, Transform, VGroup, Write)

from contract.scene_data import MODELS
from scenes.comparison import findings
from scenes import visuals as tk
from scenes.base import join_sentences
from scenes.comparison.parts import BOTTOM, lift_above, MARKER, STYLE, DashedVMobjectRect
from scenes.comparison.verdicts import ComparisonVerdicts


class Comparison(ComparisonVerdicts, sequence="comparison"):
    """Softmax vs EDL: accuracy, the rotated digit, entropy CDFs and AUROC, rejection by
    uncertainty, calibration, FGSM, and a closing table of verdicts."""

    # -- 1. accuracy ---------------------------------------------------------------------------
    def accuracy(self) -> None:
        # Set up: the test set, a bar per model, the verdict
        v = findings.accuracy(self.data)
        head = self._heldout_head()
        pair = len(self.models) <= 2  # more models: rows closer, from higher up
        top, step = (0.9, 1.5) if pair else (1.4, 0.9)
        rows = VGroup(*[self._accuracy_row(m, top - step * i) for i, m in enumerate(self.models)])
        axis_label = self.text(self.t("accuracy_label"), size=24, color=self.theme.muted)
        axis_label.next_to(rows, DOWN, buff=0.35)
        tk.fit_within(rows, 13.4, 4.0)
        verdict = self.verdict_text("accuracy", v, margin_pp=100 * v.margin)
        self.values["accuracy_verdict"] = join_sentences(
            [verdict, *self.beside_edl("accuracy", "{:.1%}")])
        line = self.banner(self.takeaway(self.t("short_accuracy"), v), verdict,
                           y=-2.6 if pair else -3.2, size=28)

        # Name the digits both models are scored on
        self.play_p(FadeIn(head), run_time=1.0)
        self.wait_p(1.0)
        # An empty track per model, then each bar grows to its accuracy
        self.play_p(*[FadeIn(VGroup(r[0], r[1])) for r in rows], FadeIn(axis_label), run_time=1.0)
        self.play_p(*[GrowFromEdge(r[2], LEFT) for r in rows], run_time=1.5)
        self.play_p(*[FadeIn(r[3], shift=LEFT * 0.2) for r in rows], run_time=0.8)
        self.wait_p(2.5)
        # The verdict: "better" only where the interval of the difference excludes 0
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(4.0)

    def _heldout_head(self) -> Text:
        """"<dataset> held-out digits, n = ..." (heldout.provenance.dataset / n_heldout): the set
        both models are evaluated on."""
        prov = self.data.heldout.provenance
        n = int(self.show(self.d.heldout.provenance.n_heldout))
        self.values["n_heldout"] = n
        ds_key = f"dataset_{prov.dataset}"  # display name from the YAML, else the raw key
        dataset = self.t(ds_key) if ds_key in self.words.text else prov.dataset
        return self.text(self.t("heldout_set", dataset=dataset, n=n), size=30,
                         color=self.theme.muted).move_to([0, 2.3, 0])

    def _accuracy_row(self, m: str, y: float, bar_len: float = 8.0) -> VGroup:
        """The row at height ``y``: model ``m``'s name, an empty track, the bar of its accuracy
        (heldout.models.<m>.accuracy, or heldout.more.models.<m>.accuracy for the models beside
        the pair) and that accuracy in percent."""
        held = self.d.heldout
        ref = getattr(held.models, m) if m in MODELS else held.more.models[m]
        acc = float(ref.accuracy)
        # four names beside the bars: a size that keeps "MC dropout" inside the margin
        label = self.text(self.name(m), size=34 if len(self.models) <= 2 else 30,
                          color=self.color(m))
        track = Rectangle(width=bar_len, height=0.7, stroke_color=self.theme.muted,
                          stroke_width=1.5, fill_opacity=0)
        bar = Rectangle(width=max(bar_len * acc, 1e-3), height=0.7, stroke_width=0,
                        fill_color=self.color(m), fill_opacity=0.55 if m == "edl" else 0.9)
        if m == "edl":  # dashed outline: not only the colour tells the models apart
            bar = VGroup(bar, DashedVMobjectRect(bar, self.color(m)))
        number = self.pct(ref.accuracy, size=36, color=self.color(m))
        track.move_to([0.2, y, 0])
        bar.move_to(track, aligned_edge=LEFT)
        label.next_to(track, LEFT, buff=0.35)
        number.next_to(track, RIGHT, buff=0.35)
        return VGroup(label, track, bar, number)

    # -- 2. the rotated digit ------------------------------------------------------------------
    def rotated_digit(self) -> None:
        # Set up: both curves over the angles, the images, what each model says, the verdict
        plot = self._rotation_plot()
        preds, says = self._softmax_digits(plot)
        verdict, miss = self.rotation_verdict()
        ring = self._miss_ring(plot, miss)
        self.values["rotation_finding"] = verdict
        line = self.banner(self.t(f"rotation_takeaway_{'none' if miss is None else 'miss'}"),
                           verdict, y=-3.45)
        lift_above(Group(plot.legend, plot.body, plot.tiles, preds, says, ring), line, 0.2)

        # The empty axes, then the rotated images along the angle axis
        self.play_p(FadeIn(plot.chart), FadeIn(plot.legend), run_time=1.0)
        self.play_p(FadeIn(plot.tiles, lag_ratio=0.1), run_time=1.5)
        self.wait_p(1.0)
        # Softmax's confidence, and the digit it names at each angle
        self.play_p(*self.draw_series(plot.series["softmax"], 0.5), run_time=2.0)
        self.play_p(FadeIn(says), FadeIn(preds, lag_ratio=0.2), run_time=1.5)
        self.wait_p(1.5)
        # EDL's certainty 1 - u on the same scale
        self.play_p(*self.draw_series(plot.series["edl"], 0.5), run_time=2.0)
        self.wait_p(1.5)
        # Sweep: a frame runs along the images while two dots follow the curves
        probe, dots, tracker = self._sweep_probe(plot)
        self.add(probe, dots)
        self.play_p(tracker.animate.set_value(float(plot.angles[-1])), run_time=5.0)
        for m in (probe, *dots):
            m.clear_updaters()
        # The verdict, then the angle where EDL names a wrong digit too
        self.play_p(FadeOut(probe), FadeOut(dots), FadeIn(line), run_time=1.0)
        self.wait_p(3.0)
        if len(ring):
            self.play_p(Create(ring), run_time=1.0)
        self.wait_p(3.0)

    # -- 3. entropy CDFs and AUROC -------------------------------------------------------------
    def entropy_cdfs(self) -> None:
        # Set up: an entropy panel per set, the AUROC table under them, the pooled verdict
        panels = self._cdf_panels()
        charts, curves, row = self._cdf_row(panels)
        y_title = self.text(self.t("cdf_label"), size=21, color=self.theme.text)
        aurocs = self.auroc_table(panels)
        top = self._cdf_key()
        verdict, pooled = self.auroc_verdict()
        line = self.banner(self.takeaway(self.t("short_auroc_pooled"), pooled), verdict)
        self._layout_cdfs(top, row, charts, y_title, aurocs, line)

        # One panel per set, the held-out digits first
        self.play_p(FadeIn(top), *[FadeIn(c) for c in charts], FadeIn(y_title), run_time=1.2)
        first = self.models.index("softmax")
        self.play_p(*[a for c in curves for a in self.draw_series(c[first])], run_time=2.0)
        self.say()  # curves to the right: more uncertainty; then every other model's
        self.play_p(*[a for c in curves for j, ser in enumerate(c) if j != first
                      for a in self.draw_series(ser)], run_time=2.0)
        self.say()  # the AUROC
        rows = 4 + len(self.others)  # verdict, one per model, EDL by u
        self.play_p(*[FadeIn(VGroup(*col[:rows]), lag_ratio=0.15) for col in aurocs],
                    run_time=1.5)
        self.say()  # each set on its own, with the interval of the difference
        self.play_p(*[FadeIn(VGroup(*col[rows:]), lag_ratio=0.15) for col in aurocs],
                    run_time=1.0)
        box = None
        for col in aurocs[1:]:
            self.say()  # this set's verdict
            new_box = SurroundingRectangle(col, color=self.theme.accent, buff=0.08)
            self.play_p(Create(new_box) if box is None else Transform(box, new_box), run_time=0.6)
            box = box or new_box
        self.say()  # the pooled verdict
        self.play_p(FadeIn(line), *([FadeOut(box)] if box is not None else []), run_time=1.0)
        self.wait_p(2.0)

    # -- 4. rejection by uncertainty -----------------------------------------------------------
    def rejection(self) -> None:
        # Set up: both charts on scales that hold every point, the equal share, the verdict
        v = findings.rejection(self.data)
        share = v.extra["share"]  # heldout.compare.rejection_share
        acc_lo, share_lo = findings.rejection_floor(self.data, tuple(self.others))
        acc_ticks = tk.ticks_to_one(acc_lo, 5)
        left, right = self._rejection_charts(tk.ticks_to_one(min(share_lo, 0.99), 5), acc_ticks)
        charts = VGroup(left, right)
        acc_series, kept_series = self._rejection_series(left, right)
        top = self._rejection_key()
        share_line, share_text = self._share_guide(left, right, share, acc_ticks)
        verdict = self.verdict_text("rejection", v, share=share)
        self.values["rejection_verdict"] = join_sentences(
            [verdict, *self.beside_edl("rejection", "{:.2%}")])
        line = self.banner(self.takeaway(self.t("short_rejection"), v), verdict, y=-3.5)
        at_share = self._at_share(left, v)
        body = VGroup(charts, acc_series, kept_series, share_line, share_text, at_share)
        # between the legend above and the verdict below, never over either
        tk.fit_within(body, 13.6, (top.get_bottom()[1] - 0.3) - (line.get_top()[1] + 0.15))
        body.next_to(top, DOWN, buff=0.3)
        body.set_x(0)

        # Accuracy of the digits kept, and the share kept at each threshold
        self.play_p(FadeIn(top), FadeIn(charts), run_time=1.2)
        self.wait_p(2.0)
        # Each model's curves in turn: softmax's first, EDL's last
        for i in range(len(acc_series)):
            self.play_p(*self.draw_series(acc_series[i]), *self.draw_series(kept_series[i]), run_time=2.0)
            self.wait_p(1.5)
        # Both models at the same share kept
        self.play_p(Create(share_line), FadeIn(share_text), FadeIn(at_share), run_time=1.0)
        self.wait_p(1.5)
        # The verdict
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(5.0)

    # -- 5. calibration ------------------------------------------------------------------------
    def calibration(self) -> None:
        # Set up: a reliability diagram per model, their key, the verdict
        diagrams = Group(*[self._reliability(m) for m in MODELS])
        diagrams.arrange(RIGHT, buff=1.6).move_to([0, 0.2, 0])
        key = self._gap_key().next_to(diagrams, DOWN, buff=0.25)
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

        # Each model's diagram: frame, bars, the gaps with the bin counts, its ECE
        for d in diagrams[:2]:
            rd = d[1]
            self.play_p(FadeIn(d[0][0]), FadeIn(rd.frame), FadeIn(rd.diagonal), run_time=1.0)
            self.play_p(*[GrowFromEdge(b, DOWN) for b in rd.bars if len(b.points)],
                        run_time=1.5)
            self.play_p(FadeIn(rd.gaps), FadeIn(rd.count_texts), run_time=1.0)
            self.play_p(Write(rd.ece_text), run_time=0.8)
            self.wait_p(2.0)
        # What the boxes and the numbers are
        self.play_p(FadeIn(key), run_time=0.8)
        self.wait_p(1.0)
        # The verdict
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(6.0)

    def _reliability(self, m: str) -> Group:
        """Model ``m``'s reliability diagram (heldout.models.<m>.reliability) under its legend
        entry and its ECE (heldout.models.<m>.ece)."""
        bins = self.data.heldout.models[m].reliability
        ece = self.show(getattr(self.d.heldout.models, m).ece)
        rd = tk.ReliabilityDiagram([b.confidence for b in bins], [b.accuracy for b in bins],
                                   [b.count for b in bins], ece, color=self.color(m),
                                   bin_edges=[bins[0].lower] + [b.upper for b in bins],
                                   width=3.3, height=3.3,
                                   x_label=self.t("confidence_label"),
                                   y_label=self.t("accuracy_label"),
                                   ece_label=self.t("ece_label"), theme=self.theme,
                                   font_size=24, gap_color=self.theme.gap)
        self.place_counts(rd)
        head = VGroup(self.legend([(self.name(m), self.color(m), STYLE[m], MARKER[m])], size=26))
        head.add(rd.ece_text)  # the ECE beside the model's name, clear of the bars
        rd.ece_text.next_to(head[0], RIGHT, buff=0.6)
        head.next_to(rd, UP, buff=0.2)
        return Group(head, rd)

    def _gap_key(self) -> VGroup:
        """Key: the gap boxes (drawn exactly as in both diagrams: theme.gap) and the bin
        counts, in two lines (not the widest thing on the stage)."""
        swatch = Rectangle(width=0.35, height=0.22, fill_color=self.theme.gap, fill_opacity=0.3,
                           stroke_color=self.theme.gap, stroke_width=2)
        return VGroup(VGroup(swatch, self.text(self.t("gap_key"), size=22, color=self.theme.muted))
                      .arrange(RIGHT, buff=0.15),
                      self.text(self.t("count_key"), size=22, color=self.theme.muted)
                      ).arrange(DOWN, buff=0.12, aligned_edge=LEFT)

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
        # Set up: the perturbed digits, three charts against eps, the verdict
        eps = np.asarray(self.data.attacks.eps, float)  # attacks.eps
        top = self._attack_examples(eps)
        caption, tiles = top.submobjects
        charts = self._attack_charts(eps).next_to(top, DOWN, buff=0.4).set_x(0.2)
        legend = self.model_legend(size=22)
        series = self._attack_series(charts, eps)
        # attacks.fgsm.edl_mean_u: EDL's u has no softmax counterpart
        u_series = self.model_series(charts[2], "edl", eps,
                                     np.asarray(self.data.attacks.fgsm.edl_mean_u, float))
        verdict, v = self.attack_verdict()
        line = self.banner(self.takeaway(self.t("short_fgsm"), v), verdict, y=-3.4)
        legend.next_to(charts, DOWN, buff=0.3)
        self._fit_above(Group(top, charts, series, u_series, legend), line)

        # The perturbed digits, one per eps
        self.play_p(FadeIn(caption), FadeIn(tiles, lag_ratio=0.15), run_time=2.0)
        self.wait_p(2.0)
        # Accuracy and mean entropy against eps: softmax, then EDL
        self.play_p(FadeIn(charts), FadeIn(legend), run_time=1.0)
        for s in series:
            self.play_p(*[Create(p[0]) for p in s], *[FadeIn(p[1], lag_ratio=0.3) for p in s],
                        run_time=2.0)
            self.wait_p(1.0)
        # EDL's u against eps
        self.play_p(*self.draw_series(u_series), run_time=1.5)
        self.wait_p(2.0)
        # The verdict at the largest eps
        self.play_p(FadeIn(line), run_time=1.0)
        self.wait_p(4.5)

    def _attack_examples(self, eps: np.ndarray) -> Group:
        """The caption (how often the attack's gradient vanished) above one perturbed digit per
        eps (attacks.example_images), each with its eps under it ("ε =" once, before the row)."""
        f = self.data.attacks
        size = min(0.95, 11.0 / len(eps) - 0.25)
        tiles = Group()
        for i, img in enumerate(f.example_images):
            self.show(self.d.attacks.eps[i])
            t = self.tile(img, size)
            # the value alone under each tile: 22 px high
            lab = self.text(tk.format_number(eps[i], "{:.2f}"), size=24, color=self.theme.muted)
            tiles.add(Group(t, lab.next_to(t, DOWN, buff=0.08)))
        tiles.arrange(RIGHT, buff=0.25)
        eps_name = self.text("ε =", size=24, color=self.theme.muted)
        tiles.add(eps_name.next_to(tiles[0][1], LEFT, buff=0.2))
        zero = self.show(findings.zero_grad_share(self.d, "fgsm"))
        caption = tk.wrap_text(self.t("fgsm_examples", zero=zero), 11.0, self.theme.font, 24,
                               self.theme.muted, max_lines=2)
        top = Group(caption, tiles).arrange(DOWN, buff=0.15)
        tk.fit_within(top, 12.0, 2.0)
        return top.move_to([0.6, 2.95 - top.height / 2, 0])

    def _attack_charts(self, eps: np.ndarray) -> VGroup:
        """Three empty charts against eps, side by side: accuracy, mean entropy (both models),
        EDL's mean u."""
        a = self.data.attacks.fgsm
        ticks = tk.nice_ticks(0.0, float(eps.max()), 4)
        x_fmt = tk.tick_format(ticks)
        unit = [0, 0.25, 0.5, 0.75, 1.0]
        ent_all = np.concatenate([np.asarray(a.mean_entropy[m], float) for m in MODELS])
        ent_ticks = tk.nice_ticks(0.0, max(float(ent_all.max()), 0.1), 4)
        charts = [self.frame_chart(ticks, y_ticks, self.t("eps_label"), self.t(y_label), 3.1,
                                   2.0, font_size=23, x_format=x_fmt, y_format=y_fmt)
                  for y_ticks, y_label, y_fmt in ((unit, "fgsm_accuracy_label", "{:.2f}"),
                                                  (ent_ticks, "fgsm_entropy_label", None),
                                                  (unit, "fgsm_u_label", "{:.2f}"))]
        return VGroup(*charts).arrange(RIGHT, buff=1.0)

    def _attack_series(self, charts: VGroup, eps: np.ndarray) -> VGroup:
        """Per model: its accuracy (attacks.fgsm.accuracy.<m>) and mean entropy
        (attacks.fgsm.mean_entropy.<m>) against eps, on the first two charts."""
        a = self.data.attacks.fgsm
        series = VGroup()
        for m in MODELS:
            for i in range(len(eps)):
                self.show(getattr(self.d.attacks.fgsm.accuracy, m)[i])
                self.show(getattr(self.d.attacks.fgsm.mean_entropy, m)[i])
            series.add(VGroup(
                self.model_series(charts[0], m, eps, np.asarray(a.accuracy[m], float)),
                self.model_series(charts[1], m, eps, np.asarray(a.mean_entropy[m], float))))
        return series

    @staticmethod
    def _fit_above(body: Mobject, line: Mobject) -> None:
        """Shrink ``body`` to the stage and keep it between the verdict and the title bar."""
        tk.fit_within(body, 13.6, 7.0)
        lift_above(body, line, 0.25)
        top_limit = 3.15  # clear of the title bar, which the centred caption row spans
        if body.get_top()[1] > top_limit:
            body.scale((top_limit - line.get_top()[1] - 0.25) / body.height)
            body.next_to(line, UP, buff=0.25)

    # -- 7. summary ----------------------------------------------------------------------------
    def summary(self) -> None:
        # Set up: the table of verdicts and the count of who is ahead
        rows, colors, tally = self.summary_cells()
        table = self.summary_table(rows, colors)
        verdict = self.summary_sentence(tally)
        self.values["summary_verdict"] = verdict
        text = self.banner(self.t("summary_takeaway", n=sum(map(len, tally.values())),
                                  edl=len(tally["edl"]), softmax=len(tally["softmax"]),
                                  tie=len(tally[findings.TIE])), verdict)
        text.next_to(table, DOWN, buff=0.45)
        if text.get_bottom()[1] < BOTTOM:
            text.shift(UP * (BOTTOM - text.get_bottom()[1]))

        # The header, then one metric per row with its verdict
        self.play_p(FadeIn(table.row(0)), Create(table.rule), run_time=1.0)
        for i in range(1, len(rows)):
            self.play_p(FadeIn(table.row(i), shift=UP * 0.1), run_time=0.8)
            self.wait_p(1.2)
        self.wait_p(1.5)
        # How often each model is ahead
        self.play_p(FadeIn(text), run_time=1.0)
        self.wait_p(8.0)


__all__ = ["Comparison"]
