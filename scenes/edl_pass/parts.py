"""The builders of sequence 3 (the EDL pass): the trunk, the charts, the class table, the belief
bars, the simplex panels, the loss charts, the unrelated inputs and the rotated digit, each built
from scene_data and the lecture's wording, placed, and ready to play.

:class:`EDLPassParts` is the base of :class:`scenes.edl_pass.script.EDLPass`. Its builders record
every number they draw (``self.value``/``self.live``) but never play anything, so that each
section of the sequence reads as its storyboard:

    class EDLPass(EDLPassParts):
        def evidence_head(self) -> None:
            # Show the trunk and point at its last layer
            trunk, note, head_note = self._trunk_with_notes()
            self.play_p(FadeIn(note), FadeIn(trunk), run_time=2.0)
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Dot, Group, Line, ManimColor, MathTex, Mobject,
                   Rectangle, RoundedRectangle, SurroundingRectangle, Text, VGroup,
                   interpolate_color)

from scenes.edl_pass import findings
from scenes import visuals as tk
from scenes.base import LectureScene
from scenes.shown import Ref, source_of

#: the evidence function g of each ``training.evidence`` value, typeset
EVIDENCE_TEX = {
    "relu": r"e_k = g(z_k) = \max(0,\, z_k)",
    "softplus": r"e_k = g(z_k) = \log\left(1 + e^{z_k}\right)",
    "exp": r"e_k = g(z_k) = \exp\left(\operatorname{clip}(z_k,\, -[[c:.0f]],\, [[c:.0f]])\right)",
}

#: the fit term of each ``training.edl_loss`` value (Sensoy et al. 2018, Eqs. 3-5)
FIT_TEX = {
    "mse": (r"\mathcal{L}^{\mathrm{fit}} = \sum_{k=1}^{K} \left[(y_k - \hat p_k)^2"
            r" + \frac{\hat p_k\,(1 - \hat p_k)}{S + 1}\right]"),
    "digamma": r"\mathcal{L}^{\mathrm{fit}} = \sum_{k=1}^{K} y_k \left(\psi(S) - \psi(\alpha_k)\right)",
    "log": r"\mathcal{L}^{\mathrm{fit}} = \sum_{k=1}^{K} y_k \left(\log S - \log \alpha_k\right)",
}

#: the whole loss and the annealing schedule of its KL term
TOTAL_TEX = (r"\mathcal{L} = \mathcal{L}^{\mathrm{fit}} + \lambda_t\,"
             r"\mathrm{KL}\left(\mathrm{Dir}(\mathbf{p}\mid\tilde{\boldsymbol\alpha})"
             r"\,\middle\|\,\mathrm{Dir}(\mathbf{p}\mid\mathbf{1})\right)")
SCHEDULE_TEX = (r"\tilde{\boldsymbol\alpha} = \mathbf{y} + (1 - \mathbf{y})\odot"
                r"\boldsymbol\alpha,\qquad \lambda_t = \min\left(1,\ t/[[T:.0f]]\right)")

#: the rows of the class table: (row label, field of forward_pass.edl, number format or None
#: for :func:`table_format`)
CLASS_ROWS = (
    (r"z_k", "logits", None),
    (r"e_k", "evidence", None),
    (r"\alpha_k = e_k + 1", "alpha", None),
    (r"b_k = e_k / S", "belief", "{:.3f}"),
    (r"\hat p_k = \alpha_k / S", "probs", "{:.3f}"),
)

#: nats of log-density that the simplex colour scale spans (the same for every plot, so that a
#: Dirichlet with more evidence shows a smaller bright corner; flat ones glow all over)
SIMPLEX_LOG_RANGE = 150.0

#: belief masses below this share of the bar are merged into one "other b" segment
MIN_BELIEF_LABEL = 0.025
#: only the largest belief gets its own segment label; the others join "other b"
MAX_BELIEF_LABELS = 1


def table_format(value: float) -> str:
    """Table numbers: two decimals, none from 1000 on (exp evidence can reach e^10)."""
    return "{:.0f}" if abs(value) >= 1000 else "{:.2f}"


class EDLPassParts(LectureScene):
    """What the sections of the EDL pass draw; :class:`scenes.edl_pass.script.EDLPass` plays it."""

    # -- shared helpers ----------------------------------------------------------------------
    def live(self, template: str, values: dict[str, Ref | tuple[float, Ref]], digits: int = 2,
             size: float = 40, color: str | None = None) -> tk.LiveFormula:
        """A LiveFormula whose numbers are scene_data reads (a Ref, or the value the scene
        computed with the Ref it must equal); all recorded, their sources kept in ``sources``.

            self.live(r"u = [[u:.3f]]", {"u": self.d.forward_pass.edl.u})
        """
        pairs = {k: v if isinstance(v, tuple) else (float(v), v) for k, v in values.items()}
        f = tk.LiveFormula(template, {k: v for k, (v, _) in pairs.items()}, digits=digits,
                           font_size=size, color=color or self.theme.text)
        for value, ref in pairs.values():
            self.record(ref, value)
        f.sources = {k: source_of(ref) for k, (_, ref) in pairs.items()}
        return f

    def tex(self, tex: str, size: float = 40, color: str | None = None) -> MathTex:
        """A formula in the lecture's text colour (or ``color``)."""
        return MathTex(tex, font_size=size, color=color or self.theme.text)

    def chart_colors(self) -> dict[str, str]:
        """Train and held-out lines in greys: they are data sets, not models."""
        return {"train": self.theme.train, "heldout": self.theme.heldout}

    @staticmethod
    def clear_of(above: Mobject, below: Mobject, gap: float = 0.2) -> None:
        """Shrink ``above`` about its top edge until it ends ``gap`` over ``below``."""
        room = above.get_top()[1] - below.get_top()[1] - gap
        if above.get_bottom()[1] < below.get_top()[1] + gap and room > 0:
            above.scale(room / above.height, about_edge=UP)

    def _most_uncertain_unrelated(self) -> tuple[int, int, Any, Any] | None:
        """(set index, example index, set, example) with the largest EDL u the lecture shows."""
        return findings.most_uncertain_example(self.enabled_sets())

    # -- 1. evidence head --------------------------------------------------------------------
    def _trunk_diagram(self) -> VGroup:
        """The LeNet trunk as boxes with output shapes (training.layers)."""
        boxes = VGroup()
        layers = self.data.training.layers  # training.layers: name, shape, params
        for i, layer in enumerate(layers):
            last = i == len(layers) - 1
            # names only, "+" starts a second line: eight boxes fit the width at 22 px cap
            # height (the shapes are in the first sequence's table)
            label = VGroup(*[self.text(part, size=19, color=self.theme.text) for part in
                             self.layer_name(layer).replace(" + ", " +\n").split("\n")])
            label.arrange(DOWN, buff=0.08)
            box = RoundedRectangle(width=max(label.width + 0.25, 1.2), height=1.0,
                                   corner_radius=0.1, stroke_width=3 if last else 2,
                                   stroke_color=self.theme.edl if last else self.theme.muted)
            label.move_to(box)
            boxes.add(VGroup(box, label))
        boxes.arrange(RIGHT, buff=0.28)
        arrows = VGroup(*[Arrow(a.get_right(), b.get_left(), buff=0.03, stroke_width=2,
                                color=self.theme.muted, max_tip_length_to_length_ratio=0.5)
                          for a, b in zip(boxes[:-1], boxes[1:])])
        group = VGroup(boxes, arrows)
        tk.fit_within(group, 13.2, 1.4)
        group.boxes, group.arrows = boxes, arrows
        return group

    def _trunk_with_notes(self) -> tuple[VGroup, Text, Text]:
        """The trunk at the top, its note above it and the head's note above the head (under
        it when the two notes would touch)."""
        trunk = self._trunk_diagram().move_to(UP * 2.2)
        note = self.small("trunk_note").next_to(trunk, UP, buff=0.15).align_to(trunk, LEFT)
        head = trunk.boxes[-1]
        head_note = self.small("head_note", color=self.theme.edl).next_to(head, UP, buff=0.15)
        head_note.align_to(head, RIGHT)
        if head_note.get_left()[0] < note.get_right()[0] + 0.3:
            head_note.next_to(head, DOWN, buff=0.12).align_to(head, RIGHT)
        return trunk, note, head_note

    def _evidence_function(self, kind: str) -> tuple[MathTex, Text | None]:
        """g of ``training.evidence`` typeset under the trunk and, for exp, the note on the
        clip of its logits (else None)."""
        if kind != "exp":
            g = self.tex(EVIDENCE_TEX.get(kind, r"e_k = g(z_k) \geq 0"), size=40)
            return g.set_color(self.theme.edl).move_to(UP * 1.0), None
        # training.provenance.config.train.evidence_clamp: exp evidence clips the logits
        clamp = self.d.training.provenance.config.train.evidence_clamp
        c = float(clamp)
        g = self.live(EVIDENCE_TEX["exp"], {"c": clamp}, size=40)
        g.set_color(self.theme.edl).move_to(UP * 1.0)
        return g, self.small("clamp_note", size=20, c=c).next_to(g, DOWN, buff=0.1)

    def _ten_bars(self, values: np.ndarray, k: int, y_min: float | None,
                  number_format: str) -> tk.BarChart10:
        """Ten bars, 6 × 1.9, class ``k`` in the EDL colour, numbers 22 px high (as in
        sequence 1); the class labels just under the lowest bar or value label."""
        chart = tk.BarChart10(values, highlight=k, y_min=y_min, y_max=None, width=6.0,
                              height=1.9, bar_color=self.theme.muted,
                              highlight_color=self.theme.edl, number_format=number_format,
                              theme=self.theme, font_size=20, label_fill=0.95)
        low = min([b.get_bottom()[1] for b in chart.bars]
                  + [t.get_bottom()[1] for t in chart.value_texts if t.has_points()
                     or len(t.submobjects)])
        chart.class_texts.shift(UP * (low - 0.1 - chart.class_texts.get_top()[1]))
        return chart

    def _logit_and_evidence_charts(self) -> tuple[tk.BarChart10, tk.BarChart10]:
        """The digit's ten logits (left) and their evidence (right), labels on one line above
        the captions (forward_pass.edl.logits / .evidence)."""
        edl = self.data.forward_pass.edl  # forward_pass.edl: the EDL model on the chosen digit
        z = np.asarray(edl.logits, float)  # forward_pass.edl.logits
        e = np.asarray(edl.evidence, float)  # forward_pass.edl.evidence
        k = int(np.argmax(e))
        zc = self._ten_bars(z, k, None, "{:.0f}")  # whole logits
        ec = self._ten_bars(e, k, 0.0, "{:.0f}" if e.max() >= 100 else "{:.2f}")
        for i in range(10):
            self.show(self.d.forward_pass.edl.logits[i])
            self.show(self.d.forward_pass.edl.evidence[i])
        zc.move_to(LEFT * 3.55)
        ec.move_to(RIGHT * 3.55)
        for chart in (zc, ec):
            chart.shift(UP * (tk.SAFE_BOTTOM + 0.05 - chart.get_bottom()[1]))
        return zc, ec

    def _chart_titles_and_g(self, zc: Mobject, ec: Mobject) -> tuple[Text, Text, Arrow, MathTex]:
        """The two charts' titles on one line, and the arrow g from logits to evidence."""
        top = max(zc.get_top()[1], ec.get_top()[1]) + 0.2
        zt = self.text(self.t("logits_title"), size=24)
        et = self.text(self.t("evidence_title"), size=24, color=self.theme.edl)
        for title, chart in ((zt, zc), (et, ec)):
            title.move_to([chart.get_x(), top + title.height / 2, 0])
        y = (zc.get_top()[1] + zc.get_bottom()[1]) / 2
        arrow = Arrow([zc.get_right()[0] - 0.1, y, 0], [ec.get_left()[0] + 0.1, y, 0], buff=0.1,
                      color=self.theme.edl, stroke_width=4)
        g_label = self.tex("g", size=36, color=self.theme.edl).next_to(arrow, UP, buff=0.08)
        return zt, et, arrow, g_label

    # -- 2. the Dirichlet numbers ------------------------------------------------------------
    def _class_cells(self, k: int, size: float) -> list[list[Text]]:
        """The numbers of :data:`CLASS_ROWS`, one list per row, class ``k`` in the EDL colour."""
        edl = self.data.forward_pass.edl
        cells = []
        for _, field, fmt in CLASS_ROWS:
            vals = np.asarray(getattr(edl, field), float)
            line = []
            for c in range(10):
                f = fmt or table_format(vals[c])
                s = self.fmt(getattr(self.d.forward_pass.edl, field)[c], f)
                line.append(self.text(s, size=size,
                                      color=self.theme.edl if c == k else self.theme.text))
            cells.append(line)
        return cells

    def _class_table(self, k: int) -> VGroup:
        """All ten classes: z, e, alpha, b, p_hat (forward_pass.edl.*), class ``k`` boxed."""
        size = 22
        header = [self.text(str(c), size=size, color=self.theme.muted) for c in range(10)]
        labels = [self.tex(tex, size=30) for tex, _, _ in CLASS_ROWS]
        cells = self._class_cells(k, size)
        label_w = max(m.width for m in labels) + 0.35
        col_w = max(max(m.width for m in line) for line in cells) + 0.28
        row_h = 0.5
        title = self.text(self.t("table_class"), size=size, color=self.theme.muted)
        table = VGroup(title.move_to([label_w - 0.35 - title.width / 2, 0, 0]))
        for c, h in enumerate(header):
            table.add(h.move_to([label_w + (c + 1) * col_w - 0.14 - h.width / 2, 0, 0]))
        for r, (lab, line) in enumerate(zip(labels, cells)):
            y = -(r + 1) * row_h - 0.12
            table.add(lab.move_to([label_w - 0.35 - lab.width / 2, y, 0]))
            for c, m in enumerate(line):
                table.add(m.move_to([label_w + (c + 0.5) * col_w - m.width / 2 + col_w / 2 - 0.14,
                                     y, 0]))
        total_w = label_w + 10 * col_w
        table.add(Line([0, -0.3, 0], [total_w, -0.3, 0]).set_stroke(self.theme.muted, 1.5))
        box = Rectangle(width=col_w, height=(len(CLASS_ROWS) + 1) * row_h + 0.1,
                        stroke_color=self.theme.edl, stroke_width=3)
        box.move_to([label_w + (k + 0.5) * col_w, -(len(CLASS_ROWS)) * row_h / 2 - 0.06, 0])
        table.add(box)
        table.highlight = box
        return table

    def _worked_formulas(self, k: int) -> list[tk.LiveFormula]:
        """e, alpha, S, b, u and p-hat of class ``k``, the digit's numbers (forward_pass.edl)."""
        edl, src = self.data.forward_pass.edl, self.d.forward_pass.edl
        K = len(edl.alpha)  # number of classes (length of forward_pass.edl.alpha)
        e_k, a_k, S = float(edl.evidence[k]), float(edl.alpha[k]), float(edl.S)
        fmt_e, fmt_a, fmt_S = (table_format(v)[2:-1] for v in (e_k, a_k, S))
        return [
            self.live(rf"e_{{{k}}} = g(z_{{{k}}}) = g([[z]]) = [[e:{fmt_e}]]",
                      {"z": src.logits[k], "e": src.evidence[k]}),
            self.live(rf"\alpha_{{{k}}} = e_{{{k}}} + 1 = [[a:{fmt_a}]]",
                      {"a": src.alpha[k]}),
            self.live(rf"S = \sum_{{j=0}}^{{{K - 1}}} \alpha_j = [[S:{fmt_S}]]",
                      {"S": src.S}),
            self.live(rf"b_{{{k}}} = \frac{{e_{{{k}}}}}{{S}} = [[b:.3f]]",
                      {"b": src.belief[k]}),
            self.live(rf"u = \frac{{K}}{{S}} = \frac{{{K}}}{{[[S:{fmt_S}]]}} = [[u:.3f]]",
                      {"S": src.S, "u": src.u}),
            self.live(rf"\hat p_{{{k}}} = \frac{{\alpha_{{{k}}}}}{{S}} = [[p:.3f]]",
                      {"p": src.probs[k]}),
        ]

    @staticmethod
    def _place_formulas(formulas: Sequence[Mobject], note: Mobject) -> None:
        """Two columns under ``note`` (e, alpha, S | b, u, p-hat), shrunk to the caption line."""
        left = VGroup(*formulas[:3]).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        right = VGroup(*formulas[3:]).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block = VGroup(left, right).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        block.next_to(note, DOWN, buff=0.3)
        tk.fit_within(block, 13.0, note.get_bottom()[1] - 0.3 - (tk.SAFE_BOTTOM + 0.05))
        block.next_to(note, DOWN, buff=0.3)

    # -- 3. belief masses plus u -------------------------------------------------------------
    def _belief_row(self, image: Any, caption: str, belief: Sequence[float], u: float,
                    src: Ref) -> Group:
        """An input tile and its stacked bar b_0..b_9 + u (src: the ModelOut, read with its
        source)."""
        tile = tk.ImageTile(np.asarray(image, float), [caption], size=1.3, theme=self.theme,
                            font_size=20, border_color=self.theme.muted, caption_width=2.6)
        kept, rest = findings.belief_labels(belief, MIN_BELIEF_LABEL, MAX_BELIEF_LABELS)
        parts = [(self.t("belief_part", k=c), float(belief[c]), self.theme.edl) for c in kept]
        other = float(sum(float(belief[c]) for c in rest))
        always = [-1]
        if rest and other > 0:
            parts.append((self.t("belief_other"), other,
                          interpolate_color(ManimColor(self.theme.edl),
                                            ManimColor(self.theme.muted), 0.6)))
            always.append(-2)
        parts.append((self.t("u_part"), float(u), self.theme.muted))
        bar = tk.StackedBar(parts, width=9.2, height=0.6, font=self.theme.font, font_size=24,
                            number_format="{:.3f}", always_label=always,
                            min_label_fraction=MIN_BELIEF_LABEL)
        for c in kept:
            self.show(src.belief[c])
        if rest and other > 0:  # "other b" is the sum of these stored beliefs
            for c in rest:
                self.show(src.belief[c])
        self.show(src.u)
        bar.next_to(tile.image, RIGHT, buff=0.8).align_to(tile.image, DOWN)
        return Group(tile, bar)

    def _belief_rows(self) -> list[Group]:
        """The chosen digit's row, and the most uncertain unrelated example's when there is one."""
        fp = self.data.forward_pass
        rows = [self._belief_row(fp.image, self.t("bar_digit", label=fp.label), fp.edl.belief,
                                 fp.edl.u, self.d.forward_pass.edl)]
        pick = self._most_uncertain_unrelated()
        if pick is not None:
            i, j, s, ex = pick  # unrelated.sets[i].examples[j]: the most uncertain one shown
            caption = self.t("bar_unrelated", name=self.example_name(s.key, ex),
                             set=self.set_name(s.key))
            rows.append(self._belief_row(ex.image, caption, ex.edl.belief, ex.edl.u,
                                         self.d.unrelated.sets[i].examples[j].edl))
        return rows

    @staticmethod
    def _place_belief_rows(rows: Sequence[Group], total: Mobject) -> None:
        """The rows stacked under ``total``, their bars on one left edge, filling the room
        down to the caption line."""
        group = Group(*rows).arrange(DOWN, buff=1.3, aligned_edge=LEFT)
        x = max(row[0].get_right()[0] for row in rows) + 0.6  # one left edge for all bars
        for row in rows:
            row[1].shift(RIGHT * (x - row[1].segments.get_left()[0]))
        top, bottom = total.get_bottom()[1] - 0.5, tk.SAFE_BOTTOM + 0.05
        tk.fit_within(group, 13.2, top - bottom, upscale=True)
        group.move_to([0, (top + bottom) / 2, 0])

    # -- 6. unrelated inputs, now with u -----------------------------------------------------
    def _unrelated_tile(self, i: int, j: int, ex: Any) -> tk.ImageTile:
        """Example ``j`` of set ``i``: softmax's confidence beside EDL's certainty 1 − u (like
        with like; unrelated.sets[i].examples[j])."""
        p = float(np.max(ex.softmax.probs))
        kp = int(np.argmax(ex.softmax.probs))
        src = self.d.unrelated.sets[i].examples[j]
        self.show(src.softmax.probs[kp])
        c = self.show(1 - src.edl.u)
        return tk.ImageTile(np.asarray(ex.image, float),
                            [self.t("tile_softmax", p=p), self.t("tile_u", c=c)],
                            size=0.95, font=self.theme.font, font_size=26,
                            caption_colors=[self.theme.softmax, self.theme.edl],
                            border_color=self.theme.muted, caption_width=2.8)

    def _unrelated_means(self, i: int, s: Any) -> VGroup:
        """Set ``i``'s size and means: softmax's confidence, EDL's certainty 1 − u."""
        mc = self.show(1 - self.d.unrelated.sets[i].stats.edl.mean_u)
        mp = self.show(self.d.unrelated.sets[i].stats.softmax.mean_max_prob)
        self.show(self.d.unrelated.sets[i].n)  # unrelated.sets[i].n: set size
        means = VGroup(self.text(self.t("set_mean_over", n=s.n, set=self.set_name(s.key)),
                                 size=22, color=self.theme.muted),
                       self.text(self.t("set_mean_p", p=mp), size=26, color=self.theme.softmax),
                       self.text(self.t("set_mean_u", c=mc), size=26, color=self.theme.edl))
        return means.arrange(DOWN, aligned_edge=LEFT, buff=0.15)

    def _unrelated_lines(self, sets: Sequence[tuple[int, Any]]) -> list[Group]:
        """One line per set: its name, three examples (their numbers stay 22 px high,
        docs/design-rules.md) and its means, names right-aligned against the tiles."""
        rows = []
        for i, s in sets:  # unrelated.sets[i]
            name = self.text(self.set_name(s.key), size=26)
            tiles = [self._unrelated_tile(i, j, ex) for j, ex in enumerate(s.examples[:3])]
            tiles_g = Group(*tiles).arrange(RIGHT, buff=0.3, aligned_edge=UP)
            rows.append((name, tiles_g, self._unrelated_means(i, s)))
        name_w = max(r[0].width for r in rows)
        lines = []
        for name, tiles_g, means in rows:
            name.next_to(tiles_g, LEFT, buff=0.4 + name_w - name.width)
            means.next_to(tiles_g, RIGHT, buff=0.5)
            means.set_y(tiles_g[0].image.get_y())
            name.set_y(tiles_g[0].image.get_y())
            lines.append(Group(name, tiles_g, means))
        return lines

    def _heldout_foot(self, sets: Sequence[tuple[int, Any]]) -> VGroup:
        """The held-out digits' certainty, right and wrong, and whether every set is less
        certain (heldout.models.edl.mean_u_correct / _wrong); empty when not logged."""
        hm = self.data.heldout.models["edl"]
        foot = VGroup()
        if hm.mean_u_correct is None or hm.mean_u_wrong is None:
            return foot
        c = self.show(1 - self.d.heldout.models.edl.mean_u_correct)
        w = self.show(1 - self.d.heldout.models.edl.mean_u_wrong)
        foot.add(self.text(self.t("heldout_line", c=c, w=w), size=24, color=self.theme.edl))
        key = findings.unrelated_claim_key([s.stats["edl"].mean_u for _, s in sets],
                                           hm.mean_u_correct)
        foot.add(self.text(self.t(key), size=24))
        return foot.arrange(DOWN, buff=0.15)

    @staticmethod
    def _fit_table_and_foot(table: Mobject, foot: VGroup) -> None:
        """The table shrunk to leave room for the foot, the foot under it."""
        tk.fit_within(table, 13.2, 5.8 - (foot.height + 0.3 if len(foot) else 0))
        if len(foot):
            tk.fit_within(foot, 13.2, 1.2)
            foot.next_to(table, DOWN, buff=0.3)

    # -- 7. the rotated digit ----------------------------------------------------------------
    def _rotation_caption_values(self) -> None:
        """The caption's numbers: u at the first angle and at the angle of largest u."""
        rot = self.data.rotation
        angles, u = np.asarray(rot.angles, float), np.asarray(rot.edl_u, float)
        i_max = int(np.argmax(u))
        self.values.update(digit=rot.digit, u_first=tk.format_number(u[0], "{:.3f}"), angle_first=f"{angles[0]:.0f}",
                           u_max=tk.format_number(u[i_max], "{:.3f}"), angle_max=f"{angles[i_max]:.0f}")

    def _rotation_caveat(self, key: str, i_wrong: int | None) -> Text:
        """The sentence ``key`` on EDL's confident mistake (angle ``i_wrong``), also put in
        the caption as ``rot_caveat``, as a line under the strip."""
        rot = self.data.rotation
        if i_wrong is None:
            caveat = self.t(key, digit=rot.digit)
        else:
            k_w = int(np.argmax(rot.edl_probs[i_wrong]))
            caveat = self.t(key, angle=float(rot.angles[i_wrong]), k=k_w,
                            u=float(rot.edl_u[i_wrong]))
            self.show(self.d.rotation.angles[i_wrong])
            self.show(self.d.rotation.edl_u[i_wrong])
        self.values["rot_caveat"] = caveat
        line = self.text(caveat, size=24, color=self.theme.accent)
        return tk.fit_within(line, 13.0, 0.5)

    def _rotation_strip(self) -> tuple[Group, VGroup]:
        """Every rotated input in a row at the top (rotation.images), and their frames."""
        strip = Group(*[tk.image_mobject(tk.colorize(np.asarray(im, float), tk.GRAY, 0, 1),
                                         height=0.62) for im in self.data.rotation.images])
        strip.arrange(RIGHT, buff=0.07)
        tk.fit_within(strip, 13.0, 0.7)
        strip.move_to(UP * 2.75)
        frames = VGroup(*[Rectangle(width=m.width, height=m.height, stroke_width=1,
                                    stroke_color=self.theme.muted).move_to(m) for m in strip])
        return strip, frames

    def _rotation_chart(self) -> tk.LineChart:
        """u against the angle (rotation.edl_u). Only u: p-hat's largest value beside it would
        read the other way (high = sure); sequence 5 compares confidence with 1 - u."""
        rot = self.data.rotation
        angles = np.asarray(rot.angles, float)  # rotation.angles
        u = np.asarray(rot.edl_u, float)  # rotation.edl_u
        for i in range(len(angles)):
            self.show(self.d.rotation.edl_u[i])
        chart = tk.LineChart(angles, {self.t("rot_u_series"): u}, colors=[self.theme.edl],
                             styles=["solid"], markers=["circle"], x_label=self.t("rot_x"),
                             x_ticks=tk.stride_ticks(angles), y_range=(0.0, 1.0), width=7.2,
                             height=3.0, legend="top", theme=self.theme, font_size=22)
        chart.move_to(LEFT * 2.3)
        return chart.shift(UP * (tk.SAFE_BOTTOM + 0.05 - chart.get_bottom()[1]))

    def _angle_panel(self, i: int) -> Group:
        """Rotated input ``i`` large, with its angle, EDL's digit, p-hat and u."""
        rot = self.data.rotation
        probs = np.asarray(rot.edl_probs[i], float)
        tile = tk.ImageTile(np.asarray(rot.images[i], float), [], size=1.6,
                            border_color=self.theme.edl)
        lines = VGroup(
            self.text(self.t("rot_angle", angle=float(rot.angles[i])), size=26),
            self.text(self.t("rot_pred", k=int(np.argmax(probs))), size=24),
            self.text(self.t("rot_p", p=float(probs.max())), size=24),
            self.text(self.t("rot_u", u=float(rot.edl_u[i])), size=28, color=self.theme.edl),
        ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
        self.show(self.d.rotation.angles[i])
        panel = Group(tile, lines).arrange(DOWN, buff=0.3)
        return panel.move_to(RIGHT * 4.9 + DOWN * 0.75)

    def _angle_marker(self, i: int, strip: Group, chart: tk.LineChart) -> Group:
        """Angle ``i`` boxed in the strip, dotted on the u curve, and its panel."""
        box = SurroundingRectangle(strip[i], color=self.theme.edl, buff=0.04, stroke_width=4)
        dot = Dot(chart.point(self.t("rot_u_series"), i), radius=0.11, color=self.theme.accent)
        return Group(box, dot, self._angle_panel(i))


__all__ = ["EDLPassParts", "EVIDENCE_TEX", "FIT_TEX", "MAX_BELIEF_LABELS", "MIN_BELIEF_LABEL",
           "SIMPLEX_LOG_RANGE", "table_format"]
