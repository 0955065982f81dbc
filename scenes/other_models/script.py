"""Sequence 4: other ways to be unsure. MC dropout's passes and a deep ensemble's members on the
rotated digit, mutual information worked out with the members' numbers, and all four models of
the registry (contract.models) compared on accuracy, calibration, per-set AUROC by their own
uncertainty, and cost.

Everything comes from the ``more`` sections of rotation.json, unrelated.json and heldout.json
and from models.json; what the narration names (the angle, the letter, who is ahead) is chosen
by :mod:`scenes.other_models.findings`, and "ahead" only where the 95% interval excludes 0.
Each model keeps its registry colour, and its name is always written beside it.

    from scenes.other_models.script import OtherModels
    OtherModels(lecture=load_lecture("lectures/default.yaml"), data=load_all("scene_data")).render()
"""
from __future__ import annotations

from typing import Any

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Create, FadeIn, FadeOut, Group, Line, Rectangle,
                   SurroundingRectangle, VGroup, VMobject)

from contract.models import MODEL_NAMES, REFERENCE, REGISTRY
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences
from scenes.other_models import findings
from scenes.shown import Ref, argmax, length

#: lowest y of any content: 86% of the frame height (the player's subtitles go below)
BOTTOM = 4.0 - 0.86 * 8.0


class OtherModels(LectureScene, sequence="other_models"):
    """MC dropout's passes, the ensemble's votes, mutual information, four models compared."""

    # -- 1. MC dropout: many passes ------------------------------------------------------------
    def dropout_passes(self) -> None:
        # Set up: the passes' probability of the digit over the angles, their mean, the numbers
        rot, mc = self.d.rotation, self.d.rotation.more.models.mc_dropout
        digit, T = int(self.data.rotation.digit), int(self.show(length(mc.passes)))
        at = findings.widest_spread(self.data.rotation)
        chart = self.angle_chart(self.t("pass_y", digit=digit), "mc_dropout")
        passes = self.pass_lines(chart, np.asarray(self.data.rotation.more.models["mc_dropout"]
                                                   .passes)[:, :, digit], "mc_dropout")
        mean = self.mean_line(chart, np.asarray(self.data.rotation.more.models["mc_dropout"]
                                                .probs)[:, digit], "mc_dropout")
        legend = self.pass_legend(T, "mc_dropout")
        side = self.spread_panel(mc, at, T)
        self.values.update(drop=float(self.show(rot.provenance.config["train"]["dropout"])),
                           T=T, digit=digit, spread_finding=self.spread_finding(mc, at, T))
        self.on_stage(VGroup(chart, passes, mean), legend, side)

        # The axes, then every pass as a thin line and their mean on top
        self.play_p(FadeIn(chart), run_time=1.0)
        self.say()
        self.play_p(FadeIn(legend), Create(passes, lag_ratio=0.02), run_time=2.5)
        self.play_p(Create(mean), run_time=1.5)
        self.say()
        # Where they agree and where they spread
        self.play_p(FadeIn(side, shift=LEFT * 0.2), run_time=1.0)
        self.wait_p(2.0)

    def angle_chart(self, y_label: str, model: str) -> tk.LineChart:
        """Empty axes: rotation angle against a probability, on the left of the stage."""
        angles = np.asarray(self.data.rotation.angles, float)
        chart = tk.LineChart(angles, {}, x_label=self.t("rot_x"), y_label=y_label,
                             x_ticks=np.linspace(angles[0], angles[-1], 5),
                             y_range=(0, 1), y_ticks=[0, 0.25, 0.5, 0.75, 1.0], width=7.6,
                             height=3.9, legend=None, theme=self.theme)
        return chart.move_to([-2.6, -0.15, 0])

    def pass_lines(self, chart: tk.LineChart, ys: np.ndarray, model: str) -> VGroup:
        """One thin, faint line per pass or member (rows of ``ys``, angles along)."""
        angles = np.asarray(self.data.rotation.angles, float)
        lines = VGroup()
        for row in ys:
            pts = np.array([chart.axes.c2p(a, v) for a, v in zip(angles, row)])
            lines.add(VMobject().set_points_as_corners(pts)
                      .set_stroke(self.color(model), 1.6, opacity=0.35))
        return tk.allow_overlap(lines)

    def mean_line(self, chart: tk.LineChart, ys: np.ndarray, model: str) -> VMobject:
        angles = np.asarray(self.data.rotation.angles, float)
        pts = np.array([chart.axes.c2p(a, v) for a, v in zip(angles, ys)])
        return tk.allow_overlap(tk.styled_path(pts, "solid", self.color(model), 6))

    def pass_legend(self, T: int, model: str) -> VGroup:
        """Thin line: one pass; thick line: their mean (width, not only colour, tells them)."""
        def entry(width: float, opacity: float, words: str) -> VGroup:
            sample = Line(LEFT * 0.45, RIGHT * 0.45).set_stroke(self.color(model), width,
                                                                opacity=opacity)
            return VGroup(sample, self.text(words, size=24).next_to(sample, RIGHT, buff=0.15))
        group = VGroup(entry(1.6, 0.6, self.t("legend_pass")),
                       entry(6, 1.0, self.t("legend_mean", T=T)))
        return group.arrange(DOWN, aligned_edge=LEFT, buff=0.2).move_to([4.5, 2.2, 0])

    def spread_finding(self, mc: Ref, at: int, T: int) -> str:
        """Where the passes spread most: as the digit turns, or already upright."""
        rot = self.d.rotation
        if at == 0:
            return self.t("spread_upright", s0=self.show(mc.spread[0]))
        return self.t("spread_grows", s0=self.show(mc.spread[0]), angle=self.show(rot.angles[at]),
                      smax=self.show(mc.spread[at]), T=T,
                      n_other=round(self.show(mc.disagreement[at] * length(mc.passes))))

    def spread_panel(self, mc: Ref, at: int, T: int) -> VGroup:
        """The spread upright and at its widest, and how many passes name another digit."""
        rot = self.d.rotation
        lines = VGroup(
            self.text(self.t("passes_note", T=T), size=24, color=self.theme.muted),
            self.text(self.t("spread_at", angle=self.show(rot.angles[0]),
                             value=self.show(mc.spread[0])), size=28))
        if at != 0:
            lines.add(self.text(self.t("spread_at", angle=self.show(rot.angles[at]),
                                       value=self.show(mc.spread[at])), size=28,
                                color=self.theme.accent))
        lines.add(
            self.text(self.t("other_at", T=T, n_other=round(
                self.show(mc.disagreement[at] * length(mc.passes))),
                angle=self.show(rot.angles[at])), size=24))
        lines.arrange(DOWN, aligned_edge=LEFT, buff=0.28)
        tk.fit_within(lines, 5.2, 3.0)
        return lines.move_to([4.6, -0.4, 0])

    # -- 2. a deep ensemble votes ----------------------------------------------------------------
    def ensemble_votes(self) -> None:
        # Set up: one row of votes per member over the angles, the mean below, a letter after
        ens = self.d.rotation.more.models.ensemble
        digit, M = int(self.data.rotation.digit), int(self.show(length(ens.passes)))
        grid = self.vote_grid(ens, digit)
        note = self.small("boxed_note", digit=digit).next_to(grid, DOWN, buff=0.3)
        self.values.update(M=M, digit=digit, votes_finding=self.votes_finding(ens, M),
                           letter_finding="")
        letter = self.letter_panel(M)
        self.on_stage(grid, note)

        # The rotated digit along the top, then each member's answer, row by row
        self.play_p(FadeIn(grid.tiles, lag_ratio=0.05), FadeIn(grid.labels), run_time=1.5)
        self.say()
        self.play_p(*[FadeIn(row, lag_ratio=0.03) for row in grid.rows], run_time=2.5)
        self.play_p(Create(grid.boxes), FadeIn(note), run_time=1.0)
        self.wait_p(2.0)
        # A letter: no digit at all, and the members' votes on it
        if letter is not None:
            self.say()
            self.play_p(FadeOut(grid), FadeOut(note), run_time=0.8)
            self.on_stage(letter)
            self.play_p(FadeIn(letter), run_time=1.2)
            self.wait_p(2.0)

    def vote_grid(self, ens: Ref, digit: int) -> Group:
        """Rotated tiles along the top; a row per member and one for the mean; a box round every
        vote for another digit than ``digit``."""
        raw = self.data.rotation
        n = len(raw.angles)
        cell = min(0.62, 10.6 / n)
        x0 = -5.0 + cell / 2 + 1.6
        def x(a: int) -> float:
            return x0 + a * cell
        tiles = Group(*[tk.image_mobject(tk.colorize(np.asarray(img, float), tk.GRAY, 0, 1),
                                         height=cell * 0.92).move_to([x(a), 2.4, 0])
                        for a, img in enumerate(raw.images)])
        rows, labels, boxes = VGroup(), VGroup(), VGroup()
        refs = [ens.passes[m] for m in range(len(raw.more.models["ensemble"].passes))]
        names = [self.t("member", i=m + 1) for m in range(len(refs))] + [self.t("mean_row")]
        for r, (probs, name) in enumerate(zip(refs + [ens.probs], names)):
            y = 1.6 - r * cell * 1.15
            row = VGroup()
            for a in range(n):
                vote = int(self.show(argmax(probs[a])))
                t = self.text(str(vote), size=26 if r < len(refs) else 28,
                              color=self.theme.text if r < len(refs) else self.theme.accent)
                row.add(t.move_to([x(a), y, 0]))
                if vote != digit:
                    boxes.add(SurroundingRectangle(t, buff=0.08, color=self.theme.accent,
                                                   stroke_width=2.5))
            rows.add(row)
            labels.add(self.text(name, size=24, color=self.theme.muted)
                       .next_to([x(0) - cell / 2, y, 0], LEFT, buff=0.25))
        grid = Group(tiles, VGroup(rows, labels, boxes))
        grid.tiles, grid.rows, grid.labels, grid.boxes = tiles, rows, labels, boxes
        return grid

    def votes_finding(self, ens: Ref, M: int) -> str:
        at = findings.most_disagreement(self.data.rotation)
        if at is None:
            return self.t("votes_none", M=M)
        return self.t("votes_most", M=M, angle=self.show(self.d.rotation.angles[at]),
                      n_other=round(self.show(ens.disagreement[at] * length(ens.passes))))

    def letter_panel(self, M: int) -> Group | None:
        """The letter the members disagree on most, and each member's vote on it."""
        where = findings.disputed_example(self.enabled_sets())
        if where is None:
            return None
        k, i = where
        s = self.d.unrelated.sets[k]
        name = self.data.unrelated.sets[k].examples[i].name
        tile = tk.image_mobject(tk.colorize(np.asarray(self.data.unrelated.sets[k].examples[i]
                                                       .image, float), tk.GRAY, 0, 1), height=2.0)
        title = self.text(self.t("letter_title", letter=name), size=28).next_to(tile, UP, buff=0.2)
        votes = [int(self.show(s.more.scores.ensemble.member_pred[m][i])) for m in range(M)]
        cells = VGroup(*[VGroup(self.text(self.t("member", i=m + 1), size=22,
                                          color=self.theme.muted),
                                self.text(str(v), size=36)).arrange(DOWN, buff=0.15)
                         for m, v in enumerate(votes)]).arrange(RIGHT, buff=0.45)
        cells.next_to(tile, RIGHT, buff=0.8)
        mean = self.text(self.t("letter_mean", pred=int(self.show(s.more.scores.ensemble.pred[i])),
                                mi=self.show(s.more.scores.ensemble.mutual_information[i])),
                         size=28, color=self.theme.accent).next_to(cells, DOWN, buff=0.45)
        mean.align_to(cells, LEFT)
        self.values["letter_finding"] = self.t("letter_votes", letter=name,
                                               votes=", ".join(map(str, votes)))
        return Group(title, tile, cells, mean).move_to([0, 0.3, 0])

    # -- 3. mutual information -------------------------------------------------------------------
    def mutual_information(self) -> None:
        # Set up: every member's probabilities at the angle of largest MI, their mean, the sum
        ens = self.d.rotation.more.models.ensemble
        raw = self.data.rotation.more.models["ensemble"]
        a = findings.largest_mi_angle(self.data.rotation)
        M = int(self.show(length(ens.passes)))
        angle = self.show(self.d.rotation.angles[a])
        members = VGroup(*[self.member_bars(np.asarray(p[a]), self.t("member", i=m + 1))
                           for m, p in enumerate(raw.passes)]).arrange(RIGHT, buff=0.35,
                                                                       aligned_edge=DOWN)
        tk.fit_within(members, 13.0, 2.2)
        title = self.text(self.t("mi_title", M=M, angle=angle), size=26, color=self.theme.muted)
        top = VGroup(title, members).arrange(DOWN, buff=0.25).move_to([0, 1.55, 0])
        mean = self.member_bars(np.asarray(raw.probs[a]), self.t("mi_mean"), width=4.0,
                                height=1.6).move_to([-4.0, -1.35, 0])
        h, mi = self.show(ens.entropy[a]), self.show(ens.mutual_information[a])
        hm = self.show(ens.entropy[a] - ens.mutual_information[a])
        sums = VGroup(self.text(self.t("mi_h", h=h), size=28),
                      self.text(self.t("mi_hm", hm=hm), size=28),
                      self.text(self.t("mi_mi", h=h, hm=hm, mi=mi), size=30,
                                color=self.theme.accent)).arrange(DOWN, aligned_edge=LEFT,
                                                                  buff=0.3)
        tk.fit_within(sums, 7.4, 2.2)
        sums.move_to([2.6, -1.35, 0])
        self.values.update(mi_angle=angle, h=h, hm=hm, mi=mi)
        self.on_stage(top, mean, sums)

        # The members' answers, then their mean, then the entropies and their difference
        self.play_p(FadeIn(top, lag_ratio=0.1), run_time=1.5)
        self.say()
        self.play_p(FadeIn(mean), FadeIn(sums[0]), run_time=1.2)
        self.say()
        self.play_p(FadeIn(sums[1]), run_time=1.0)
        self.say()
        self.play_p(FadeIn(sums[2]), run_time=1.0)
        self.wait_p(2.0)

    def member_bars(self, probs: np.ndarray, label: str, width: float = 2.3,
                    height: float = 1.2) -> VGroup:
        """Ten bars of one member's (or the mean's) probabilities, named; no value labels (the
        entropies below carry the numbers)."""
        bars = tk.BarChart10(probs, highlight=int(np.argmax(probs)), width=width, height=height,
                             value_labels=False, theme=self.theme, font_size=22,
                             bar_color=self.color("ensemble"))
        # a full-height frame, so that every chart (and its name) has the same height
        frame = Rectangle(width=width, height=height, stroke_opacity=0, fill_opacity=0)
        frame.move_to(bars.baseline.get_center(), aligned_edge=DOWN)
        name = self.text(label, size=24, color=self.theme.muted).next_to(frame, UP, buff=0.12)
        return VGroup(name, frame, bars)

    # -- 4. four models compared -----------------------------------------------------------------
    def every_model(self) -> None:
        # Set up: one row per model, one column per measure, the best AUROC of each set boxed
        sets = [(k, s) for k, s in self.enabled_sets() if s.more is not None]
        table, best = self.model_table(sets)
        note = self.small("best_note").next_to(table, DOWN, buff=0.3)
        costs = self.d.models.models
        self.values.update(
            standings=join_sentences([self.standing_sentence(k) for k, _ in sets]),
            T=int(self.show(costs.mc_dropout.passes)), M=int(self.show(costs.ensemble.passes)),
            edl_ms=self.show(costs.edl.ms_batch1), mc_ms=self.show(costs.mc_dropout.ms_batch1),
            ens_ms=self.show(costs.ensemble.ms_batch1))
        self.on_stage(table, best, note)

        # The header and the model names, then the numbers column by column
        self.play_p(FadeIn(table.header), FadeIn(table.names), run_time=1.2)
        self.say()
        self.play_p(*[FadeIn(c, lag_ratio=0.1) for c in table.columns[2:]], run_time=2.0)
        self.play_p(Create(best), FadeIn(note), run_time=1.0)
        self.say()
        self.play_p(*[FadeIn(c, lag_ratio=0.1) for c in table.columns[:2]], run_time=1.5)
        self.wait_p(2.0)

    def model_rows(self) -> dict[str, Ref]:
        """Per model, the Ref its accuracy and ECE are read from."""
        h = self.d.heldout
        return {m: (h.models[m] if m in ("softmax", REFERENCE) else h.more.models[m])
                for m in MODEL_NAMES}

    def auroc_refs(self, k: int, model: str) -> tuple[Ref, Ref, Ref]:
        """(AUROC by the model's own score, its interval's ends) on set ``k``."""
        s = self.d.unrelated.sets[k]
        if model == "softmax":
            st = s.stats.softmax
            return st.auroc_entropy, st.auroc_entropy_ci[0], st.auroc_entropy_ci[1]
        if model == REFERENCE:
            st = s.stats.edl
            return st.auroc_u, st.auroc_u_ci[0], st.auroc_u_ci[1]
        row = s.more.models[model]
        return row.auroc_own, row.auroc_own_ci[0], row.auroc_own_ci[1]

    def cell(self, value: str, ci: str | None = None, color: str | None = None) -> VGroup:
        top = self.text(value, size=26, color=color)
        if ci is None:
            return VGroup(top)
        return VGroup(top, self.text(ci, size=24, color=self.theme.muted)).arrange(DOWN, buff=0.08)

    def model_table(self, sets: list[tuple[int, Any]]) -> tuple[VGroup, VGroup]:
        """The table (``.header``, ``.names``, ``.columns``) and the boxes round each set's
        highest AUROC."""
        rows, costs = self.model_rows(), self.d.models.models
        head = [self.t("col_model"), self.t("col_passes"), self.t("col_ms"),
                self.t("col_accuracy"), self.t("col_ece")]
        head += [self.t("col_auroc", set=self.set_name(s.key)) for _, s in sets]  # two lines
        columns: list[list[VGroup]] = [[] for _ in head]
        aurocs: dict[int, list[float]] = {k: [] for k, _ in sets}
        for m in MODEL_NAMES:
            r, c = rows[m], costs[m]
            columns[0].append(self.cell(self.t(f"model_{m}"), color=self.color(m)))
            columns[1].append(self.cell(str(int(self.show(c.passes)))))
            columns[2].append(self.cell(self.fmt(c.ms_batch1, "{:.2f}")))
            columns[3].append(self.cell(self.fmt(r.accuracy, "{:.1%}"), self.t(
                "ci_pct", lo=self.show(r.accuracy_ci[0]), hi=self.show(r.accuracy_ci[1]))))
            columns[4].append(self.cell(self.fmt(r.ece, "{:.3f}")))
            for j, (k, _) in enumerate(sets):
                value, lo, hi = self.auroc_refs(k, m)
                aurocs[k].append(float(value))
                columns[5 + j].append(self.cell(self.fmt(value, "{:.3f}"), self.t(
                    "ci", lo=self.show(lo), hi=self.show(hi))))
        return self.lay_out_table(head, columns, aurocs, [k for k, _ in sets])

    def lay_out_table(self, head: list[str], columns: list[list[VGroup]],
                      aurocs: dict[int, list[float]], set_ids: list[int]) -> tuple[VGroup, VGroup]:
        titles = [self.para_text(h) for h in head]
        widths = [max([t.width] + [c.width for c in col]) + 0.35
                  for t, col in zip(titles, columns)]
        scale = min(1.0, 13.0 / sum(widths))
        xs = np.cumsum([0] + widths[:-1]) + np.asarray(widths) / 2 - sum(widths) / 2
        header = VGroup(*[t.move_to([x, 1.9, 0], aligned_edge=DOWN).set_x(x)
                          for t, x in zip(titles, xs)])
        cols = VGroup()
        for col, x in zip(columns, xs):
            group = VGroup()
            for i, c in enumerate(col):
                group.add(c.move_to([x, 1.05 - i * 1.05, 0]))
            cols.add(group)
        rule = Line([xs[0] - widths[0] / 2, 1.55, 0], [xs[-1] + widths[-1] / 2, 1.55, 0])
        rule.set_stroke(self.theme.muted, 1.5)
        table = VGroup(header, rule, cols)
        best = VGroup(*[SurroundingRectangle(cols[5 + j][findings.first_max(aurocs[k])],
                                             buff=0.08, color=self.theme.accent, stroke_width=3)
                        for j, k in enumerate(set_ids)])
        if scale < 1:
            VGroup(table, best).scale(scale)
        table.header, table.names, table.columns = VGroup(header, rule), cols[0], list(cols)[1:]
        return table, best

    def para_text(self, content: str) -> VGroup:
        """A table heading: its lines (``\n`` in the YAML) centred under each other."""
        return VGroup(*[self.text(line, size=24, color=self.theme.muted)
                        for line in content.split("\n")]).arrange(DOWN, buff=0.1)

    def standing_sentence(self, k: int) -> str:
        """Who separates set ``k`` best, and where EDL stands, by the intervals."""
        s = self.data.unrelated.sets[k]
        st = findings.standing(s)
        refs = {m: self.auroc_refs(k, m)[0] for m in MODEL_NAMES}
        lo, hi = self.standing_interval(k, st)
        return self.t(findings.standing_key(st), set=self.set_name(s.key),
                      best=self.t(f"who_{st.best}"), best_auroc=self.show(refs[st.best]),
                      edl=self.show(refs[REFERENCE]), second=self.t(f"who_{st.second}"),
                      second_auroc=self.show(refs[st.second]), lo=lo, hi=hi)

    def standing_interval(self, k: int, st: findings.Standing) -> tuple[float, float]:
        """The interval the standing rests on (leader or runner-up minus EDL), recorded."""
        other = st.second if st.best == REFERENCE else st.best
        s = self.d.unrelated.sets[k]
        if other == "softmax":  # stored as edl - softmax
            return (self.show(-s.compare.auroc_u.diff_ci[1]),
                    self.show(-s.compare.auroc_u.diff_ci[0]))
        ci = s.more.models[other].compare["auroc_own"].diff_ci
        return self.show(ci[0]), self.show(ci[1])

    # -- shared ----------------------------------------------------------------------------------
    def color(self, model: str) -> str:
        """The theme's colour for the lecture pair, the registry's for the others."""
        return getattr(self.theme, model, None) or REGISTRY[model].colour
