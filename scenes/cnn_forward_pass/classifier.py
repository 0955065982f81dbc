"""The forward pass's second half (sequence 1, sections 7 to 9): conv2 and pool2, flatten, FC 500
and the logits, softmax and the prediction.

    a1, a2, a3 = self._deeper_atlases(pool1, conv2, pool2)
    zc, pc = self._softmax_charts(z, probs, pred)
"""
from __future__ import annotations


import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Group,
    MathTex,
    Mobject,
    VGroup,
)

from scenes.cnn_forward_pass import findings
from scenes import visuals as tk
from scenes.shown import argmax, largest, length, total
from scenes.cnn_forward_pass.parts import LOGIT_FORMAT, PROB_FORMAT, PROB_LABEL_MIN, ForwardPassParts


class ClassifierParts(ForwardPassParts):
    """The builders of sections 7 to 9, on the shared parts of sequence 1."""

    # -- 7. conv2 and pool2 ------------------------------------------------------------------
    def _deeper_atlases(self, pool1: np.ndarray, conv2: np.ndarray,
                        pool2: np.ndarray) -> list[tk.FeatureMapAtlas]:
        """pool1, conv2 (signed, before ReLU) and pool2, left to right."""
        a1 = tk.FeatureMapAtlas(pool1, cols=5, width=2.4, mode="sequential", separator_px=2)
        a2 = tk.FeatureMapAtlas(conv2, cols=10, width=4.0, mode="diverging", cmap=self.signed_cmap,
                                separator_px=3)
        a3 = tk.FeatureMapAtlas(pool2, cols=10, width=3.0, mode="sequential", separator_px=4)
        a1.move_to(LEFT * 5.55 + UP * 0.5)
        a2.move_to(LEFT * 0.55 + UP * 0.5)
        a3.move_to(RIGHT * 5.15 + UP * 0.5)
        return [a1, a2, a3]

    def _deeper_notes(self, atlases: list[tk.FeatureMapAtlas],
                      arrays: tuple[np.ndarray, ...]) -> list[VGroup]:
        """Name and shape under each atlas."""
        notes = []
        fp = self.d.forward_pass
        for atlas, key, arr, maps in zip(atlases, ("deeper_pool1_name", "deeper_conv2_name",
                                                   "deeper_pool2_name"), arrays,
                                         (fp.pool1, fp.conv2, fp.pool2)):
            name = self.label(key, size=22)
            shape = self.small("shape", size=20, shape=tk.shape_text(arr.shape))
            for d, first in enumerate((maps, maps[0], maps[0][0])):
                self.record(length(first), arr.shape[d])
            notes.append(VGroup(name, shape).arrange(DOWN, buff=0.1).next_to(atlas, DOWN, buff=0.25))
        return notes

    def _deeper_params(self, conv2: np.ndarray, n1: int, n2: int,
                       notes: list[VGroup]) -> Mobject | None:
        """conv2's parameter count below the notes (None when no layer has conv2's shape)."""
        li = findings.layer_with_shape(self.data.training.layers, conv2.shape, with_params=True)
        if li is None:
            return None
        params = int(self.data.training.layers[li].params)  # training.layers[li].params
        self.show(self.d.training.layers[li].params)
        self.values["params"] = f"{params:,}"  # spoken in the caption too
        note = self.small("deeper_params", size=24, color=self.theme.text, params=params, n1=n1,
                          n2=n2)
        note.next_to(VGroup(*notes), DOWN, buff=0.3)
        tk.fit_within(note, 13.0, 1.0)
        return note

    def _deeper_best(self, pool2: np.ndarray, above: Mobject) -> tuple[int, Mobject]:
        """The most active pooled map (followed from conv2 to pool2) and its note."""
        best = findings.most_active_map(pool2)
        self.record(argmax(largest(self.d.forward_pass.pool2, axis=(1, 2))), best)
        self.values["best"] = best
        note = self.small("deeper_best", size=22, color=self.theme.accent, i=best)
        return best, note.next_to(above, DOWN, buff=0.2)

    # -- 8. flatten, FC 500, logits ----------------------------------------------------------
    def _pool2_atlas(self, pool2: np.ndarray) -> tuple[tk.FeatureMapAtlas, VGroup]:
        """pool2's maps with their name and shape."""
        atlas = tk.FeatureMapAtlas(pool2, cols=10, width=2.3, mode="sequential", separator_px=4)
        atlas.move_to(LEFT * 5.5 + UP * 0.3)
        note = VGroup(self.label("cls_pool2", size=20),
                      self.small("shape", size=18, shape=tk.shape_text(pool2.shape)))
        return atlas, note.arrange(DOWN, buff=0.08).next_to(atlas, DOWN, buff=0.2)

    def _fc_strips(self, flat: np.ndarray, fc: np.ndarray) -> list[Mobject]:
        """The flattened vector and FC 500 as strips with their titles: [s1, s2, t1, t2]."""
        s1 = self.strip(flat, 4.6, 0.32, float(max(flat.max(), 1e-6))).move_to(LEFT * 3.3 + DOWN * 0.1)
        s2 = self.strip(fc, 4.6, 0.32, float(max(fc.max(), 1e-6))).move_to(LEFT * 1.5 + DOWN * 0.1)
        t1 = self.label("cls_flatten", size=22, n=flat.size).next_to(s1, UP, buff=0.2)
        t2 = self.label("cls_fc", size=22, n=fc.size).next_to(s2, UP, buff=0.2)
        if t2.get_left()[0] < t1.get_right()[0] + 0.45:
            t2.shift(RIGHT * (t1.get_right()[0] + 0.45 - t2.get_left()[0]))
        return [s1, s2, t1, t2]

    def _fc_zero_note(self, fc: np.ndarray, strip: Mobject) -> Mobject:
        """How many FC units ReLU set to zero, beside the strip's foot."""
        n_zero = int((fc <= 0).sum())
        self.record(total(self.d.forward_pass.fc1 <= 0), n_zero)
        note = self.small("cls_fc_zero", size=18, n=n_zero, total=fc.size)
        return note.next_to(strip, RIGHT, buff=0.15).align_to(strip, DOWN)

    def _viridis_key(self, above: Mobject) -> Group:
        """The sequential map announced: a small viridis ramp over its meaning in two short
        lines (22 px text within the left margin)."""
        ramp = tk.image_mobject(tk.VIRIDIS(np.linspace(0, 1, 64))[None, :, :], width=1.2,
                                height=0.16, nearest=False)
        key = Group(ramp, self.small("cls_scale", size=22)).arrange(DOWN, buff=0.1)
        return key.next_to(above, DOWN, buff=0.15)

    def _logit_chart(self, z: np.ndarray, pred: int) -> tuple[tk.BarChart10, Mobject]:
        """The ten logits as bars, the prediction's highlighted, with their title."""
        chart = self.ten_bars(z, pred, LOGIT_FORMAT, self.theme.muted, 6.0, 3.6, 30)
        for i in range(z.size):
            self.show(self.d.forward_pass.softmax.logits[i])
        chart.move_to(RIGHT * 3.55 + DOWN * 0.1)
        self.classes_at_zero(chart, z)
        return chart, self.label("cls_logits", size=22, n=z.size).next_to(chart, UP, buff=0.3)

    def _classifier_arrows(self, atlas: Mobject, s1: Mobject, s2: Mobject,
                           chart: Mobject) -> list[Arrow]:
        """atlas -> flattened -> FC 500 -> logits, at the height of each source."""
        muted = self.theme.muted
        return [Arrow(atlas.get_right(), s1.get_left() + UP * (atlas.get_y() - s1.get_y()),
                      buff=0.15, color=muted),
                Arrow(s1.get_right(), s2.get_left(), buff=0.12, color=muted),
                Arrow(s2.get_right() + RIGHT * 0.05, [chart.get_left()[0], s2.get_y(), 0],
                      buff=0.15, color=muted)]

    # -- 9. softmax and the prediction -------------------------------------------------------
    def _softmax_charts(self, z: np.ndarray, probs: np.ndarray,
                        pred: int) -> tuple[tk.BarChart10, tk.BarChart10]:
        """Logits (left) and probabilities on 0..1 (right), the prediction highlighted."""
        zc = self.ten_bars(z, pred, LOGIT_FORMAT, self.theme.muted, 5.7, 2.6, 28)
        pc = self.ten_bars(probs, pred, PROB_FORMAT, self.theme.softmax, 5.7, 2.6, 28, (0.0, 1.0),
                           PROB_LABEL_MIN)
        zc.move_to(LEFT * 3.7 + UP * 0.6)
        pc.move_to(RIGHT * 3.7 + UP * 0.6)
        self.classes_at_zero(zc, z)
        return zc, pc

    def _softmax_titles(self, zc: Mobject, pc: Mobject) -> tuple[Mobject, Mobject, float]:
        """The two charts' titles on one line above both, and that line's height."""
        top = max(zc.get_top()[1], pc.get_top()[1]) + 0.35
        zt = self.label("sm_logits", size=24)
        pt = self.label("sm_probs", size=24, color=self.theme.softmax)
        for t, c in ((zt, zc), (pt, pc)):
            t.move_to([c.get_x(), top, 0])
        return zt, pt, top

    def _softmax_rule(self, top: float, probs: np.ndarray) -> tuple[MathTex, Arrow, Mobject]:
        """The softmax formula between the charts, the arrow it stands for, and the sum of
        the probabilities below the arrow."""
        formula = MathTex(r"p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}", font_size=40,
                          color=self.theme.text).move_to(UP * (top - 0.1))
        arrow = Arrow(LEFT * 0.9 + UP * 0.3, RIGHT * 0.9 + UP * 0.3, color=self.theme.accent)
        prob_sum = findings.probability_sum(probs)
        self.record(total(self.d.forward_pass.softmax.probs), prob_sum)
        sum_note = self.small("sm_sum", size=20, s=tk.format_number(prob_sum, "{:.2f}"))
        return formula, arrow, sum_note.next_to(arrow, DOWN, buff=0.2)

    def _prediction(self, pred: int, label: int, p: float) -> tuple[Group, VGroup]:
        """The digit, small, beside three lines: its label, the prediction with its
        probability, and whether that is right."""
        digit = self.gray(self.arr("image"), 1.2).move_to(LEFT * 4.4 + DOWN * 2.2)
        fp = self.d.forward_pass
        self.show(fp.label)
        self.show(fp.softmax.pred)
        self.show(fp.softmax.probs[pred])
        right = pred == label
        lines = VGroup(self.label("sm_label", size=26, label=label),
                       self.label("sm_pred", size=26, color=self.theme.accent, pred=pred,
                                  p=tk.format_number(p, "{:.3f}")),
                       self.small(findings.answer_key(pred, label), size=22,
                                  color=self.theme.positive if right else self.theme.negative))
        lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT).next_to(digit, RIGHT, buff=0.4)
        tk.fit_within(lines, 8.0, 1.6)
        return digit, lines.next_to(digit, RIGHT, buff=0.4)


__all__ = ["ClassifierParts"]
