"""Sequence 3: the EDL pass — the same trunk, its last layer read as evidence of a Dirichlet.

Reads like the script of the video; every number comes from ``scene_data`` (the field is named
next to each use) and every word from the ``edl_pass`` block of the lecture YAML.

    from scenes.seq3_edl_pass import EDLPass
    EDLPass(lecture=load_lecture("scenes/lectures/default.yaml"), data=load_all("scene_data")).render()

Sections (the caption keys of ``edl_pass``): evidence_head, dirichlet_numbers, belief_bar,
simplex, loss, unrelated_uncertainty, rotated_digit.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Arrow, Circle, Create, Dot, FadeIn, FadeOut, GrowFromEdge,
                   Group, Indicate, LaggedStart, Line, MathTex, Mobject, Rectangle,
                   ManimColor, RoundedRectangle, SurroundingRectangle, VGroup, Write,
                   interpolate_color)

from scenes import visuals as tk
from scenes.base import LectureScene

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

#: nats of log-density that the simplex colour scale spans (the same for every plot, so that a
#: Dirichlet with more evidence shows a smaller bright corner; flat ones glow all over)
SIMPLEX_LOG_RANGE = 150.0

#: an EDL mistake on the rotated digit counts as confident when its u is below this
CONFIDENT_U = 0.5


#: belief masses below this share of the bar are merged into one "other b" segment
MIN_BELIEF_LABEL = 0.025
#: only the largest belief gets its own segment label; the others join "other b"
MAX_BELIEF_LABELS = 1


def table_format(value: float) -> str:
    """Table numbers: two decimals, none from 1000 on (exp evidence can reach e^10)."""
    return "{:.0f}" if abs(value) >= 1000 else "{:.2f}"


def kl_skip(kl: dict[str, np.ndarray], epochs: np.ndarray) -> bool:
    """Whether epoch 1 of the KL term dwarfs the rest (then the chart starts at epoch 2)."""
    if len(epochs) < 3 or not kl:
        return False
    first = max(float(v[0]) for v in kl.values())
    rest = max(float(np.max(v[1:])) for v in kl.values())
    return first > 3.0 * max(rest, 1e-12)


def confident_mistake(digit: int, probs: np.ndarray, u: np.ndarray) -> tuple[int | None, str]:
    """The angle index where EDL names another digit with the lowest u, and the YAML key that
    words it: ``rot_wrong_confident`` (u below CONFIDENT_U), ``rot_wrong_flagged`` (every
    mistake has high u) or ``rot_never_wrong`` (index None: EDL names the digit everywhere)."""
    probs, u = np.asarray(probs, float), np.asarray(u, float)
    wrong = [i for i in range(len(u)) if int(np.argmax(probs[i])) != int(digit)]
    if not wrong:
        return None, "rot_never_wrong"
    i = min(wrong, key=lambda j: (u[j], j))
    return i, "rot_wrong_confident" if u[i] < CONFIDENT_U else "rot_wrong_flagged"


class EDLPass(LectureScene):
    """The EDL model's reading of the chosen digit, its Dirichlet, its loss and its uncertainty."""


    # -- helpers -----------------------------------------------------------------------------
    def live(self, template: str, values: dict[str, tuple[float, str]], digits: int = 2,
             size: float = 40, color: str | None = None) -> tk.LiveFormula:
        """A LiveFormula whose numbers are (value, scene_data field) pairs; all recorded."""
        f = tk.LiveFormula(template, {k: v for k, (v, _) in values.items()}, digits=digits,
                           font_size=size, color=color or self.theme.text)
        for name, (value, source) in values.items():
            self.record(source, value)
        f.sources = {k: s for k, (_, s) in values.items()}
        return f

    def tex(self, tex: str, size: float = 40, color: str | None = None) -> MathTex:
        return MathTex(tex, font_size=size, color=color or self.theme.text)

    def chart_colors(self) -> dict[str, str]:
        return {"train": self.theme.train, "heldout": self.theme.heldout}  # greys: not models

    def most_uncertain_unrelated(self) -> tuple[int, int, Any, Any] | None:
        """(set index, example index, set, example) with the largest EDL u among enabled sets."""
        best = None
        for i, s in self.enabled_sets():
            for j, ex in enumerate(s.examples):
                if ex.edl.u is not None and (best is None or ex.edl.u > best[3].edl.u):
                    best = (i, j, s, ex)
        return best

    # -- 1. evidence head ---------------------------------------------------------------------
    def trunk_diagram(self) -> VGroup:
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

    def evidence_head(self) -> None:
        edl = self.data.forward_pass.edl  # forward_pass.edl: the EDL model on the chosen digit
        kind = self.data.training.evidence  # training.evidence: relu / softplus / exp
        self.values["evidence_name"] = kind
        trunk = self.trunk_diagram().move_to(UP * 2.2)
        note = self.small("trunk_note").next_to(trunk, UP, buff=0.15).align_to(trunk, LEFT)
        head = trunk.boxes[-1]
        head_note = self.small("head_note", color=self.theme.edl).next_to(head, UP, buff=0.15)
        head_note.align_to(head, RIGHT)
        if head_note.get_left()[0] < note.get_right()[0] + 0.3:
            head_note.next_to(head, DOWN, buff=0.12).align_to(head, RIGHT)
        self.play_p(FadeIn(note), LaggedStart(*[FadeIn(b) for b in trunk.boxes], lag_ratio=0.15),
                    Create(trunk.arrows), run_time=2.0)
        self.play_p(Indicate(head, color=self.theme.edl), FadeIn(head_note), run_time=1.2)

        if kind == "exp":
            # training.provenance.config.train.evidence_clamp: exp evidence clips the logits
            c = float(self.data.training.provenance.config["train"]["evidence_clamp"])
            g = self.live(EVIDENCE_TEX["exp"],
                          {"c": (c, "training.provenance.config.train.evidence_clamp")}, size=40)
        else:
            g = self.tex(EVIDENCE_TEX.get(kind, r"e_k = g(z_k) \geq 0"), size=40)
        g.set_color(self.theme.edl).move_to(UP * 1.0)
        self.play_p(Write(g), run_time=1.5)
        if kind == "exp":
            clamp = self.small("clamp_note", size=20, c=c).next_to(g, DOWN, buff=0.1)
            self.play_p(FadeIn(clamp), run_time=0.6)

        z = np.asarray(edl.logits, float)  # forward_pass.edl.logits
        e = np.asarray(edl.evidence, float)  # forward_pass.edl.evidence
        k = int(np.argmax(e))
        zc = tk.BarChart10(z, highlight=k, y_min=None, y_max=None, width=6.0, height=1.9,
                           bar_color=self.theme.muted, highlight_color=self.theme.edl,
                           number_format="{:.0f}", theme=self.theme, font_size=20,
                           label_fill=0.95)  # whole logits: 22 px high, as in sequence 1
        ec = tk.BarChart10(e, highlight=k, y_min=0.0, y_max=None, width=6.0, height=1.9,
                           bar_color=self.theme.muted, highlight_color=self.theme.edl,
                           number_format="{:.0f}" if e.max() >= 100 else "{:.2f}",
                           theme=self.theme, label_fill=0.95,
                           font_size=20, axis_color=self.theme.muted)
        for chart in (zc, ec):  # class labels just under the lowest bar or value label
            low = min([b.get_bottom()[1] for b in chart.bars]
                      + [t.get_bottom()[1] for t in chart.value_texts if t.has_points()
                         or len(t.submobjects)])
            chart.class_texts.shift(UP * (low - 0.1 - chart.class_texts.get_top()[1]))
        for i in range(10):
            self.value(f"forward_pass.edl.logits[{i}]")
            self.value(f"forward_pass.edl.evidence[{i}]")
        zc.move_to(LEFT * 3.55)
        ec.move_to(RIGHT * 3.55)
        for chart in (zc, ec):  # both rows of class labels on one line, above the captions
            chart.shift(UP * (tk.SAFE_BOTTOM + 0.05 - chart.get_bottom()[1]))
        top = max(zc.get_top()[1], ec.get_top()[1]) + 0.2
        zt = self.text(self.t("logits_title"), size=24)
        et = self.text(self.t("evidence_title"), size=24, color=self.theme.edl)
        for title, chart in ((zt, zc), (et, ec)):
            title.move_to([chart.get_x(), top + title.height / 2, 0])
        y = (zc.get_top()[1] + zc.get_bottom()[1]) / 2
        arrow = Arrow([zc.get_right()[0] - 0.1, y, 0], [ec.get_left()[0] + 0.1, y, 0], buff=0.1,
                      color=self.theme.edl, stroke_width=4)
        g_label = self.tex("g", size=36, color=self.theme.edl).next_to(arrow, UP, buff=0.08)
        self.play_p(FadeIn(zt), FadeIn(zc), run_time=1.2)
        self.wait_p(1.5)
        self.play_p(GrowFromEdge(arrow, LEFT), FadeIn(g_label), run_time=0.8)
        self.play_p(FadeIn(et), FadeIn(ec), run_time=1.2)
        self.wait_p(3.0)

    # -- 2. the Dirichlet numbers -------------------------------------------------------------
    def class_table(self, k: int) -> VGroup:
        """All ten classes: z, e, alpha, b, p_hat (forward_pass.edl.*) in a small table."""
        edl = self.data.forward_pass.edl
        rows = [  # (row label, field of forward_pass.edl, number format or None for adaptive)
            (r"z_k", "logits", None),
            (r"e_k", "evidence", None),
            (r"\alpha_k = e_k + 1", "alpha", None),
            (r"b_k = e_k / S", "belief", "{:.3f}"),
            (r"\hat p_k = \alpha_k / S", "probs", "{:.3f}"),
        ]
        size = 22
        header = [self.text(str(c), size=size, color=self.theme.muted) for c in range(10)]
        labels = [self.tex(tex, size=30) for tex, _, _ in rows]
        cells: list[list[Mobject]] = []
        for tex, field, fmt in rows:
            vals = np.asarray(getattr(edl, field), float)
            line = []
            for c in range(10):
                f = fmt or table_format(vals[c])
                s = self.fmt(vals[c], f"forward_pass.edl.{field}[{c}]", f)
                line.append(self.text(s, size=size,
                                      color=self.theme.edl if c == k else self.theme.text))
            cells.append(line)
        label_w = max(m.width for m in labels) + 0.35
        col_w = max(max(m.width for m in line) for line in cells) + 0.28
        row_h = 0.5
        table = VGroup()
        title = self.text(self.t("table_class"), size=size, color=self.theme.muted)
        title.move_to([label_w - 0.35 - title.width / 2, 0, 0])
        table.add(title)
        for c, h in enumerate(header):
            h.move_to([label_w + (c + 1) * col_w - 0.14 - h.width / 2, 0, 0])
            table.add(h)
        for r, (lab, line) in enumerate(zip(labels, cells)):
            y = -(r + 1) * row_h - 0.12
            lab.move_to([label_w - 0.35 - lab.width / 2, y, 0])
            table.add(lab)
            for c, m in enumerate(line):
                m.move_to([label_w + (c + 0.5) * col_w - m.width / 2 + col_w / 2 - 0.14, y, 0])
                table.add(m)
        total_w = label_w + 10 * col_w
        rule = Line([0, -0.3, 0], [total_w, -0.3, 0]).set_stroke(self.theme.muted, 1.5)
        table.add(rule)
        box = Rectangle(width=col_w, height=(len(rows) + 1) * row_h + 0.1,
                        stroke_color=self.theme.edl, stroke_width=3)
        box.move_to([label_w + (k + 0.5) * col_w, -(len(rows)) * row_h / 2 - 0.06, 0])
        table.add(box)
        table.highlight = box
        return table

    def dirichlet_numbers(self) -> None:
        fp = self.data.forward_pass
        edl = fp.edl  # forward_pass.edl: evidence, alpha, S, belief, u, probs of the digit
        alpha = np.asarray(edl.alpha, float)
        k = int(np.argmax(alpha))  # the top class: the largest alpha
        K = len(alpha)  # number of classes (length of forward_pass.edl.alpha)
        table = self.class_table(k)
        tk.fit_within(table, 13.2, 3.3)
        table.move_to(UP * 1.45)
        note = self.small("table_note", size=20, label=fp.label, k=k)
        note.next_to(table, DOWN, buff=0.18)
        self.play_p(FadeIn(table), run_time=1.5)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.0)

        src = "forward_pass.edl"
        e_k, a_k, S = float(edl.evidence[k]), float(alpha[k]), float(edl.S)
        fmt_e = table_format(e_k)[2:-1]
        fmt_a = table_format(a_k)[2:-1]
        fmt_S = table_format(S)[2:-1]
        formulas = [
            self.live(rf"e_{{{k}}} = g(z_{{{k}}}) = g([[z]]) = [[e:{fmt_e}]]",
                      {"z": (float(edl.logits[k]), f"{src}.logits[{k}]"),
                       "e": (e_k, f"{src}.evidence[{k}]")}),
            self.live(rf"\alpha_{{{k}}} = e_{{{k}}} + 1 = [[a:{fmt_a}]]",
                      {"a": (a_k, f"{src}.alpha[{k}]")}),
            self.live(rf"S = \sum_{{j=0}}^{{{K - 1}}} \alpha_j = [[S:{fmt_S}]]",
                      {"S": (S, f"{src}.S")}),
            self.live(rf"b_{{{k}}} = \frac{{e_{{{k}}}}}{{S}} = [[b:.3f]]",
                      {"b": (float(edl.belief[k]), f"{src}.belief[{k}]")}),
            self.live(rf"u = \frac{{K}}{{S}} = \frac{{{K}}}{{[[S:{fmt_S}]]}} = [[u:.3f]]",
                      {"S": (S, f"{src}.S"), "u": (float(edl.u), f"{src}.u")}),
            self.live(rf"\hat p_{{{k}}} = \frac{{\alpha_{{{k}}}}}{{S}} = [[p:.3f]]",
                      {"p": (float(edl.probs[k]), f"{src}.probs[{k}]")}),
        ]
        self.formulas = formulas
        left = VGroup(*formulas[:3]).arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        right = VGroup(*formulas[3:]).arrange(DOWN, aligned_edge=LEFT, buff=0.25)
        block = VGroup(left, right).arrange(RIGHT, buff=1.0, aligned_edge=UP)
        block.next_to(note, DOWN, buff=0.3)
        tk.fit_within(block, 13.0, note.get_bottom()[1] - 0.3 - (tk.SAFE_BOTTOM + 0.05))
        block.next_to(note, DOWN, buff=0.3)
        self.formula_beats(formulas)

    def formula_beats(self, formulas: Sequence[Mobject]) -> None:
        """The worked formulas on their sentences: e, alpha and S together; then b; then u
        (highlighted); then p-hat."""
        self.say()  # worked out for the class with the most evidence
        for f in formulas[:3]:
            self.play_p(Write(f), run_time=1.0)
            self.wait_p(0.8)
        for i, f in enumerate(formulas[3:], start=3):
            self.say()
            self.play_p(Write(f), run_time=1.0)
            if i == 4:
                self.play_p(Indicate(f.part("u"), color=self.theme.edl), run_time=1.0)
            self.wait_p(1.2)

    # -- 3. belief masses plus u --------------------------------------------------------------
    def belief_row(self, image: Any, caption: str, belief: Sequence[float], u: float,
                   src: str) -> Any:
        """An input tile and its stacked bar b_0..b_9 + u (src: the ModelOut's field path)."""
        tile = tk.ImageTile(np.asarray(image, float), [caption], size=1.3, theme=self.theme,
                            font_size=20,
                            border_color=self.theme.muted, caption_width=2.6)
        small = MIN_BELIEF_LABEL  # beliefs below this share are merged into "other b"
        # ... and so are all but the largest: an unsure model spreads its belief over many
        # classes, and ten small labelled masses would crowd the bar below readable size
        largest = sorted(range(len(belief)), key=lambda c: -float(belief[c]))[:MAX_BELIEF_LABELS]
        kept = [c for c in range(len(belief)) if c in largest and float(belief[c]) >= small]
        rest = [c for c in range(len(belief)) if c not in kept]
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
                            min_label_fraction=small)
        for c in kept:
            self.value(f"{src}.belief[{c}]")
        if rest and other > 0:  # "other b" is the sum of these stored beliefs
            for c in rest:
                self.value(f"{src}.belief[{c}]")
        self.value(f"{src}.u")
        bar.next_to(tile.image, RIGHT, buff=0.8).align_to(tile.image, DOWN)
        return Group(tile, bar)

    def belief_bar(self) -> None:
        fp = self.data.forward_pass
        rows = [self.belief_row(fp.image, self.t("bar_digit", label=fp.label), fp.edl.belief,
                                fp.edl.u, "forward_pass.edl")]  # forward_pass.image / .edl
        pick = self.most_uncertain_unrelated()
        if pick is not None:
            i, j, s, ex = pick  # unrelated.sets[i].examples[j]: the most uncertain one shown
            rows.append(self.belief_row(ex.image, self.t("bar_unrelated",
                                                         name=self.example_name(s.key, ex),
                                                         set=self.set_name(s.key)),
                                        ex.edl.belief, ex.edl.u,
                                        f"unrelated.sets[{i}].examples[{j}].edl"))
        group = Group(*rows).arrange(DOWN, buff=1.3, aligned_edge=LEFT)
        x = max(row[0].get_right()[0] for row in rows) + 0.6  # one left edge for all bars
        for row in rows:
            row[1].shift(RIGHT * (x - row[1].segments.get_left()[0]))
        # right of centre: Indicate's growth keeps it clear of the title bar
        total = self.tex(r"\sum_{k} b_k + u = 1", size=44).move_to(UP * 2.6 + RIGHT * 1.2)
        top, bottom = total.get_bottom()[1] - 0.5, tk.SAFE_BOTTOM + 0.05
        tk.fit_within(group, 13.2, top - bottom, upscale=True)
        group.move_to([0, (top + bottom) / 2, 0])
        self.belief_rows = rows
        self.play_p(Write(total), run_time=1.0)
        for row in rows:
            tile, bar = row
            self.play_p(FadeIn(tile), run_time=0.8)
            self.play_p(LaggedStart(*[GrowFromEdge(sg, LEFT) for sg in bar.segments],
                                    lag_ratio=0.08), run_time=1.5)
            self.play_p(FadeIn(bar.labels), run_time=0.8)
            self.wait_p(2.5)
        self.play_p(Indicate(total, color=self.theme.edl), run_time=1.0)
        self.wait_p(2.0)

    @staticmethod
    def clear_of(above: Mobject, below: Mobject, gap: float = 0.2) -> None:
        """Shrink ``above`` about its top edge until it ends ``gap`` over ``below``."""
        room = above.get_top()[1] - below.get_top()[1] - gap
        if above.get_bottom()[1] < below.get_top()[1] + gap and room > 0:
            above.scale(room / above.height, about_edge=UP)

    # -- 4. the Dirichlet on the simplex ------------------------------------------------------
    def simplex_of(self, alpha: np.ndarray, side: float, top: np.ndarray | None = None,
                   color_max: float | None = None) -> tk.SimplexDensity:
        """Dir over three classes (``top``; default: the largest alphas), corners labelled by
        class; ``color_max``: the colour scale shared with the triangles beside it."""
        top = np.argsort(-alpha, kind="stable")[:3] if top is None else np.asarray(top)
        s = tk.SimplexDensity(alpha[top], labels=[str(int(c)) for c in top], side=side,
                              resolution=220, font=self.theme.font, font_size=26,
                              text_color=self.theme.text, edge_color=self.theme.muted,
                              mean_color=self.theme.accent, log_range=SIMPLEX_LOG_RANGE,
                              color_max=color_max)
        s.top = top
        return s

    def shared_simplex_scale(self, alphas: Sequence[np.ndarray], top: np.ndarray) -> float:
        """The brightest density among triangles shown together (same corners ``top``), so
        that one colour means one density in all of them: a flat Dirichlet stays dark."""
        return max(tk.SimplexDensity(np.asarray(a, float)[top], resolution=60).own_color_max
                   for a in alphas)

    def simplex_panel(self, title: str, alpha: np.ndarray, S: float, u: float, src: str,
                      side: float = 3.3, top: np.ndarray | None = None,
                      color_max: float | None = None) -> Any:
        s = self.simplex_of(alpha, side, top, color_max)
        head = self.text(title, size=24).next_to(s, UP, buff=0.2)
        top = s.top
        vals = {f"a{i}": (float(alpha[c]), f"{src}.alpha[{int(c)}]") for i, c in enumerate(top)}
        a_tex = self.live(rf"\alpha_{{{int(top[0])},{int(top[1])},{int(top[2])}}} = "
                          r"([[a0]],\ [[a1]],\ [[a2]])", vals, size=32)
        su = self.live(r"S = [[S]],\quad u = [[u:.3f]]", {"S": (S, f"{src}.S"),
                                                        "u": (u, f"{src}.u")}, size=32)
        info = VGroup(a_tex, su).arrange(DOWN, buff=0.15).next_to(s, DOWN, buff=0.2)
        return Group(head, s, info)

    def simplex(self) -> None:
        fp = self.data.forward_pass
        alpha = np.asarray(fp.edl.alpha, float)  # forward_pass.edl.alpha / S / u
        top = np.argsort(-alpha, kind="stable")[:3]  # the same corners in both triangles
        pick = self.most_uncertain_unrelated()
        alphas = [alpha] + ([np.asarray(pick[3].edl.alpha, float)] if pick else [])
        cmax = self.shared_simplex_scale(alphas, top)
        panels = [self.simplex_panel(self.t("simplex_digit", label=fp.label), alpha, fp.edl.S,
                                     fp.edl.u, "forward_pass.edl", top=top, color_max=cmax)]
        if pick is not None:
            i, j, s, ex = pick  # unrelated.sets[i].examples[j].edl.alpha
            panels.append(self.simplex_panel(
                self.t("simplex_unrelated", name=self.example_name(s.key, ex),
                       set=self.set_name(s.key)),
                alphas[1], ex.edl.S, ex.edl.u,
                f"unrelated.sets[{i}].examples[{j}].edl", top=top, color_max=cmax))
        group = Group(*panels).arrange(RIGHT, buff=1.6, aligned_edge=UP)
        tk.fit_within(group, 13.0, 4.55)
        group.move_to(UP * (2.95 - group.height / 2))
        key = self.t("simplex_note").split(" · ")  # the colour key, one item a line
        note = VGroup(*[self.text(part, size=24, color=self.theme.muted) for part in key if part])
        # the key at the bottom of the stage, the panels in the room above it
        note.arrange(DOWN, buff=0.1)
        tk.fit_within(note, 13.0, 2.0)
        note.move_to([0, tk.SAFE_BOTTOM + 0.05 + note.height / 2, 0])
        tk.fit_within(group, 13.0, 2.95 - (note.get_top()[1] + 0.2))
        group.move_to(UP * (2.95 - group.height / 2))
        self.simplex_panels = panels
        for n, p in enumerate(panels):
            self.play_p(FadeIn(p), *([FadeIn(note)] if n == 0 else []), run_time=1.2)
            self.wait_p(3.0 if n == 0 else 2.5)
        self.wait_p(1.5)
        self.simplex_sweep(group, note)

    def sweep_indices(self, n_max: int = 3) -> list[int]:
        """Rotation angles from 0° to the first angle of largest u, ordered as S falls."""
        u = np.asarray(self.data.rotation.edl_u, float)  # rotation.edl_u
        last = int(np.argmax(u))
        idx = sorted(range(last + 1), key=lambda i: (u[i], i))  # rising u = falling S = K/u
        if len(idx) > n_max:
            idx = [idx[int(round(t))] for t in np.linspace(0, len(idx) - 1, n_max)]
        return idx

    def simplex_sweep(self, previous: Mobject, note: Mobject) -> None:
        """The density flattening as S falls, through real rotated inputs."""
        rot = self.data.rotation
        idx = self.sweep_indices()
        if len(idx) < 2:
            return
        self.play_p(FadeOut(previous), FadeOut(note), run_time=0.6)
        title = self.text(self.t("sweep_title", digit=rot.digit), size=26).move_to(UP * 2.9)
        sub = self.small("sweep_note", size=20).next_to(title, DOWN, buff=0.12)
        self.play_p(FadeIn(title), FadeIn(sub), run_time=0.6)
        current = None
        # alpha is not stored for the sweep; it is rebuilt exactly: S = K / u and
        # alpha_k = p_hat_k * S (because p_hat = alpha / S and u = K / S).
        alphas = {i: np.asarray(rot.edl_probs[i], float) * len(rot.edl_probs[i]) / float(rot.edl_u[i])
                  for i in idx}  # rotation.edl_probs[i] (p_hat), rotation.edl_u[i]
        top = np.argsort(-alphas[idx[0]], kind="stable")[:3]  # fixed corners through the sweep
        cmax = self.shared_simplex_scale(list(alphas.values()), top)
        for n, i in enumerate(idx):
            probs = np.asarray(rot.edl_probs[i], float)  # rotation.edl_probs[i]: p_hat
            u = float(rot.edl_u[i])  # rotation.edl_u[i]
            S = len(probs) / u
            alpha = alphas[i]
            s = self.simplex_of(alpha, side=3.6, top=top, color_max=cmax)
            img = tk.ImageTile(np.asarray(rot.images[i], float),  # rotation.images[i]
                               [self.t("sweep_angle", angle=float(rot.angles[i]))], size=1.6,
                               font=self.theme.font, font_size=24, text_color=self.theme.text,
                               border_color=self.theme.muted)
            self.value(f"rotation.angles[{i}]")
            su = self.live(r"u = [[u:.3f]]", {"u": (u, f"rotation.edl_u[{i}]")}, size=36,
                           color=self.theme.edl)
            # S is derived: K / rotation.edl_u[i] (source written as such for the audit)
            sS = self.live(r"S = K/u = [[S:.1f]]", {"S": (S, f"K/rotation.edl_u[{i}]")},
                           size=32)
            side_panel = Group(img, su, sS).arrange(DOWN, buff=0.25)
            panel = Group(side_panel, s).arrange(RIGHT, buff=1.2).move_to(DOWN * 0.55)
            if current is not None:  # old out first, then new in: no text over text
                self.play_p(FadeOut(current), run_time=0.4)
            self.play_p(FadeIn(panel), run_time=0.7)
            current = panel
            self.wait_p(1.8 if n < len(idx) - 1 else 2.5)

    # -- 5. the loss --------------------------------------------------------------------------
    def loss(self) -> None:
        tr = self.data.training
        kind = tr.edl_loss  # training.edl_loss: mse (Eq. 5) / digamma / log
        T = float(tr.annealing_epochs)  # training.annealing_epochs
        self.values["annealing_epochs"] = tr.annealing_epochs
        fit = self.tex(FIT_TEX.get(kind, FIT_TEX["mse"]), size=36)
        total = self.tex(r"\mathcal{L} = \mathcal{L}^{\mathrm{fit}} + \lambda_t\,"
                         r"\mathrm{KL}\left(\mathrm{Dir}(\mathbf{p}\mid\tilde{\boldsymbol\alpha})"
                         r"\,\middle\|\,\mathrm{Dir}(\mathbf{p}\mid\mathbf{1})\right)", size=36)
        sched = self.live(r"\tilde{\boldsymbol\alpha} = \mathbf{y} + (1 - \mathbf{y})\odot"
                          r"\boldsymbol\alpha,\qquad \lambda_t = \min\left(1,\ t/[[T:.0f]]\right)",
                          {"T": (T, "training.annealing_epochs")}, size=36)
        formulas = VGroup(total, fit, sched).arrange(DOWN, buff=0.22)
        tk.fit_within(formulas, 13.0, 2.3)
        formulas.move_to(UP * (3.1 - formulas.height / 2))
        self.play_p(Write(total), run_time=1.5)
        self.wait_p(1.5)
        self.play_p(Write(fit), run_time=1.5)
        self.wait_p(2.0)
        self.play_p(Write(sched), run_time=1.5)
        self.wait_p(2.0)

        hist = tr.history["edl"]  # training.history.edl[*]: per-epoch rows
        epochs = np.array([r["epoch"] for r in hist], float)
        c = self.chart_colors()
        names = {"train": self.t("legend_train"), "heldout": self.t("legend_heldout")}

        def series(key: str) -> dict[str, np.ndarray]:
            out = {}
            for part in ("train", "heldout"):
                col = f"{part}_{key}"
                if all(col in r for r in hist):
                    for i, r in enumerate(hist):
                        self.value(f"training.history.edl[{i}].{col}")
                    out[names[part]] = np.array([r[col] for r in hist], float)
            return out

        common = dict(colors=[c["train"], c["heldout"]], styles=["solid", "dashed"],
                      markers=["circle", "square"], x_label=self.t("chart_epoch"),
                      width=3.0, height=2.4, legend=None, theme=self.theme, font_size=22)
        kl = series("kl")
        kl_note = None
        skip = kl_skip(kl, epochs)
        if skip:  # epoch 1 dwarfs the rest: left out of the chart, its value named instead
            first = hist[0]["train_kl"] if "train_kl" in hist[0] else next(iter(kl.values()))[0]
            self.record("training.history.edl[0].train_kl" if "train_kl" in hist[0]
                        else "training.history.edl[0].heldout_kl", first)
            kl_note = self.small("kl_skip_note", size=18, epoch=int(epochs[1]), kl=first)
            kl = {k: v[1:] for k, v in kl.items()}
        kl_x = epochs[1:] if skip else epochs
        charts = [tk.LineChart(epochs, series("fit"), y_label=self.t("chart_fit"), **common),
                  tk.LineChart(kl_x, kl, y_label=self.t("chart_kl"), **common)]
        lam = {}
        if all("train_lambda" in r for r in hist):
            for i, r in enumerate(hist):
                self.value(f"training.history.edl[{i}].train_lambda")
            lam = {self.t("chart_lambda"): np.array([r["train_lambda"] for r in hist], float)}
            charts.append(tk.LineChart(epochs, lam, y_label=self.t("chart_lambda"),
                                       y_range=(0.0, 1.0), **{**common,
                                                              "colors": [self.theme.muted],
                                                              "styles": ["dotted"],
                                                              "markers": ["triangle"]}))
        row = VGroup(*charts).arrange(RIGHT, buff=0.9, aligned_edge=DOWN)
        legend = charts[0].legend.copy().arrange(RIGHT, buff=0.6)
        tk.fit_within(row, 13.2, 3.6)
        row.move_to([0, tk.SAFE_BOTTOM + 0.05 + row.height / 2, 0])
        notes = VGroup(legend)  # one note above each chart: legend, KL note, what t counts
        legend.next_to(charts[0], UP, buff=0.2)
        tk.fit_within(legend, charts[0].width + 0.8, 0.5)
        legend.next_to(charts[0], UP, buff=0.2)
        extra = [(kl_note, charts[1])]
        if lam:
            extra.append((self.small("lambda_t_note", size=18), charts[2]))
        for m, ch in extra:
            if m is not None:
                tk.fit_within(m, ch.width, 0.5)
                m.next_to(ch, UP, buff=0.2)
                notes.add(m)
        self.clear_of(formulas, notes)
        self.play_p(FadeIn(VGroup(*[ch.frame for ch in charts])), FadeIn(notes), run_time=1.0)
        for ch in charts:
            self.play_p(*[ch.create_series(name, run_time=1.8) for name in ch.series],
                        run_time=1.8)
            self.wait_p(1.5)
        self.wait_p(2.5)

    # -- 6. unrelated inputs, now with u ------------------------------------------------------
    def unrelated_uncertainty(self) -> None:
        sets = self.enabled_sets()
        if not sets:
            msg = self.para("no_unrelated", size=28)
            self.play_p(FadeIn(msg), run_time=0.8)
            self.wait_p(2.0)
            return
        rows = []
        for i, s in sets:  # unrelated.sets[i]
            name = self.text(self.set_name(s.key), size=26)
            tiles = []
            # three examples a set: their numbers stay 22 px high (docs/design-rules.md)
            for j, ex in enumerate(s.examples[:3]):  # unrelated.sets[i].examples[j]
                p = float(np.max(ex.softmax.probs))
                kp = int(np.argmax(ex.softmax.probs))
                src = f"unrelated.sets[{i}].examples[{j}]"
                self.value(f"{src}.softmax.probs[{kp}]")
                # like with like: softmax's confidence beside EDL's certainty 1 - u
                c = self.value(f"1 - {src}.edl.u")
                tiles.append(tk.ImageTile(np.asarray(ex.image, float),
                                          [self.t("tile_softmax", p=p), self.t("tile_u", c=c)],
                                          size=0.95, font=self.theme.font, font_size=26,
                                          caption_colors=[self.theme.softmax, self.theme.edl],
                                          border_color=self.theme.muted, caption_width=2.8))
            tiles_g = Group(*tiles).arrange(RIGHT, buff=0.3, aligned_edge=UP)
            mc = self.value(f"1 - unrelated.sets[{i}].stats.edl.mean_u")
            mp = self.value(f"unrelated.sets[{i}].stats.softmax.mean_max_prob")
            self.value(f"unrelated.sets[{i}].n")  # unrelated.sets[i].n: set size
            means = VGroup(self.text(self.t("set_mean_over", n=s.n, set=self.set_name(s.key)),
                                     size=22, color=self.theme.muted),
                           self.text(self.t("set_mean_p", p=mp), size=26, color=self.theme.softmax),
                           self.text(self.t("set_mean_u", c=mc), size=26, color=self.theme.edl))
            means.arrange(DOWN, aligned_edge=LEFT, buff=0.15)
            rows.append((name, tiles_g, means))
        name_w = max(r[0].width for r in rows)
        lines = []
        for name, tiles_g, means in rows:
            name.next_to(tiles_g, LEFT, buff=0.4 + name_w - name.width)
            means.next_to(tiles_g, RIGHT, buff=0.5)
            means.set_y(tiles_g[0].image.get_y())
            name.set_y(tiles_g[0].image.get_y())
            lines.append(Group(name, tiles_g, means))
        table = Group(*lines).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        hm = self.data.heldout.models["edl"]  # heldout.models.edl.mean_u_correct / _wrong
        foot = VGroup()
        if hm.mean_u_correct is not None and hm.mean_u_wrong is not None:
            c = self.value("1 - heldout.models.edl.mean_u_correct")
            w = self.value("1 - heldout.models.edl.mean_u_wrong")
            foot.add(self.text(self.t("heldout_line", c=c, w=w),
                               size=24, color=self.theme.edl))
            higher = all(s.stats["edl"].mean_u is not None
                         and s.stats["edl"].mean_u > hm.mean_u_correct for _, s in sets)
            foot.add(self.text(self.t("claim_all_higher" if higher else "claim_not_all"),
                               size=24))
            foot.arrange(DOWN, buff=0.15)
        tk.fit_within(table, 13.2, 5.8 - (foot.height + 0.3 if len(foot) else 0))
        if len(foot):
            tk.fit_within(foot, 13.2, 1.2)
            foot.next_to(table, DOWN, buff=0.3)
        self.on_stage(table, foot)
        for line in lines:
            name, tiles_g, means = line
            self.play_p(FadeIn(name), LaggedStart(*[FadeIn(t) for t in tiles_g], lag_ratio=0.15),
                        run_time=1.5)
            self.play_p(FadeIn(means), run_time=0.6)
            self.wait_p(2.5)
        for m in foot:
            self.play_p(FadeIn(m), run_time=0.8)
            self.wait_p(2.0)
        self.wait_p(1.0)

    # -- 7. the rotated digit -----------------------------------------------------------------
    def rotated_digit(self) -> None:
        rot = self.data.rotation
        angles = np.asarray(rot.angles, float)  # rotation.angles
        u = np.asarray(rot.edl_u, float)  # rotation.edl_u
        probs = np.asarray(rot.edl_probs, float)  # rotation.edl_probs (p_hat per angle)
        pmax = probs.max(axis=1)
        i_max = int(np.argmax(u))
        self.values.update(digit=rot.digit, u_first=f"{u[0]:.3f}", angle_first=f"{angles[0]:.0f}",
                           u_max=f"{u[i_max]:.3f}", angle_max=f"{angles[i_max]:.0f}")
        i_wrong, caveat_key = confident_mistake(rot.digit, probs, u)
        if i_wrong is None:
            caveat = self.t(caveat_key, digit=rot.digit)
        else:
            k_w = int(np.argmax(probs[i_wrong]))
            caveat = self.t(caveat_key, angle=angles[i_wrong], k=k_w, u=u[i_wrong])
            self.value(f"rotation.angles[{i_wrong}]")
            self.value(f"rotation.edl_u[{i_wrong}]")
        self.values["rot_caveat"] = caveat
        strip = Group(*[tk.image_mobject(tk.colorize(np.asarray(im, float), tk.GRAY, 0, 1),
                                         height=0.62) for im in rot.images])  # rotation.images
        strip.arrange(RIGHT, buff=0.07)
        tk.fit_within(strip, 13.0, 0.7)
        strip.move_to(UP * 2.75)
        frames = VGroup(*[Rectangle(width=m.width, height=m.height, stroke_width=1,
                                    stroke_color=self.theme.muted).move_to(m) for m in strip])
        for i in range(len(angles)):
            self.value(f"rotation.edl_u[{i}]")
            self.value(f"rotation.edl_probs[{i}][{int(np.argmax(probs[i]))}]")
        step = max(1, int(np.ceil((len(angles) - 1) / 6)))
        ticks = list(angles[::step]) + ([angles[-1]] if (len(angles) - 1) % step else [])
        chart = tk.LineChart(angles, {self.t("rot_u_series"): u, self.t("rot_p_series"): pmax},
                             colors=[self.theme.edl, self.theme.text], styles=["solid", "dashed"],
                             markers=["circle", "square"], x_label=self.t("rot_x"),
                             x_ticks=ticks, y_range=(0.0, 1.0), width=7.2, height=3.3,
                             legend="top",
                             theme=self.theme, font_size=22)
        chart.move_to(LEFT * 2.3)
        chart.shift(UP * (tk.SAFE_BOTTOM + 0.05 - chart.get_bottom()[1]))
        self.play_p(LaggedStart(*[FadeIn(m) for m in strip], lag_ratio=0.05), FadeIn(frames),
                    run_time=1.5)
        self.play_p(FadeIn(chart.frame), FadeIn(chart.legend), run_time=0.8)
        self.play_p(*[chart.create_series(n, run_time=3.0) for n in chart.series], run_time=3.0)
        self.wait_p(1.5)
        keys = sorted({0, i_max, len(angles) - 1}
                      | ({i_wrong} if i_wrong is not None else set()))
        caveat_line = self.text(caveat, size=24, color=self.theme.accent)
        tk.fit_within(caveat_line, 13.0, 0.5)
        caveat_line.next_to(strip, DOWN, buff=0.25)
        marker = None
        for i in keys:
            k = int(np.argmax(probs[i]))
            tile = tk.ImageTile(np.asarray(rot.images[i], float), [], size=1.6,
                                border_color=self.theme.edl)
            lines = VGroup(
                self.text(self.t("rot_angle", angle=angles[i]), size=26),
                self.text(self.t("rot_pred", k=k), size=24),
                self.text(self.t("rot_p", p=pmax[i]), size=24),
                self.text(self.t("rot_u", u=u[i]), size=28, color=self.theme.edl),
            ).arrange(DOWN, aligned_edge=LEFT, buff=0.16)
            self.value(f"rotation.angles[{i}]")
            panel = Group(tile, lines).arrange(DOWN, buff=0.3)
            panel.move_to(RIGHT * 4.9 + DOWN * 0.75)
            box = SurroundingRectangle(strip[i], color=self.theme.edl, buff=0.04, stroke_width=4)
            dot = Dot(chart.point(self.t("rot_u_series"), i), radius=0.11,
                      color=self.theme.accent)
            new = Group(box, dot, panel)
            if marker is None:
                self.play_p(FadeIn(new), run_time=0.8)
            else:  # out, then in: two panels of text never blend in one place
                self.play_p(FadeOut(marker), run_time=0.3)
                self.play_p(FadeIn(new), run_time=0.5)
            marker = new
            if i == i_wrong:  # the confident mistake stays ringed on the chart; the panel and
                # the line under the strip say what it is (no label on the curve)
                ring = Circle(radius=0.2, color=self.theme.accent, stroke_width=4).move_to(
                    chart.point(self.t("rot_u_series"), i))
                self.play_p(Create(ring), FadeIn(caveat_line), run_time=0.8)
                self.wait_p(3.0)
            else:
                self.wait_p(2.5)
        if i_wrong is None or caveat_line not in self.mobjects:
            self.play_p(FadeIn(caveat_line), run_time=0.6)
            self.wait_p(2.5)
        self.wait_p(1.0)


__all__ = ["EDLPass", "EVIDENCE_TEX", "FIT_TEX", "confident_mistake", "kl_skip", "table_format"]
