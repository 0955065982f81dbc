"""Why softmax cannot say "none of these" (sequence 2, section 5): the logits, e^z, their sum,
the probabilities as one full bar and the missing slot.

    src, name, image, out = self.why_example()           # the input whose arithmetic is shown
"""
from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Cross, DashedVMobject, Group, MathTex, Mobject,
                   Rectangle, VGroup)

from scenes.overconfidence import findings
from scenes import visuals as tk
from scenes.visuals.numbers import compact, prob_parts, prob_tex, sci_tex
from scenes.shown import Ref, exp, total
from scenes.overconfidence.parts import OverconfidenceParts


#: the why-section's bar charts: width, height, centre y and the y of their title
WHY_CHART = (11.0, 1.5, -0.45, 0.95)


def softmax_numerators(logits: Sequence[float]) -> np.ndarray:
    """e^z of each logit, computed around the largest so that no term overflows to inf for
    realistic logits (past e^700 the terms are shown relative to the largest)."""
    z = np.asarray(logits, dtype=float)
    return np.exp(z - z.max()) * math.exp(z.max()) if z.max() < 700 else np.exp(z - z.max())


class WhyParts(OverconfidenceParts):
    """The builders of the why-section, on the shared parts of sequence 2."""

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
        self.keep("why_logits", chart)
        return self._titled(chart, "why_logits")

    def _exp_step(self, src: Ref, ez: np.ndarray, pred: int) -> VGroup:
        """Step 2: e^z of each logit, all positive."""
        for k in range(10):
            self.record(exp(src.logits[k]), ez[k])
        chart = self._why_chart(ez, pred, self.theme.muted, y_min=0.0,
                                y_max=float(ez.max()) * 1.05, number_format=compact)
        return self._titled(chart, "why_exp")

    def _prob_step(self, src: Ref, probs: Sequence[float], ez: np.ndarray, pred: int) -> VGroup:
        """Step 3: e^z over their sum, the probabilities ``<src>.probs``."""
        self._record_probs(src, probs)
        chart = self._why_chart(np.asarray(probs, dtype=float), pred, self.theme.softmax)
        ez_sum = self.record(total(exp(src.logits)), float(ez.sum()))
        self.keep("why_probs", chart)
        return self._titled(chart, "why_probs", total=compact(ez_sum, digits=2))

    def _why_worked(self, src: Ref, out: Any, ez: np.ndarray, pred: int) -> MathTex:
        """p_pred written out with the real numbers; the denominator shows the winner's term,
        then the next largest two, then the rest as dots."""
        z, probs = np.asarray(out.logits, dtype=float), np.asarray(out.probs, dtype=float)
        self.show(src.logits[pred])
        self.record(exp(src.logits[pred]), ez[pred])
        rest = findings.largest_others(ez, pred, n=2)
        for k in rest:
            self.record(exp(src.logits[k]), ez[k])
        denominator = " + ".join([sci_tex(ez[pred])] + [sci_tex(ez[k]) for k in rest]) + r" + \dots"
        worked = MathTex(rf"p_{{{pred}}} = \frac{{e^{{{z[pred]:.2f}}}}}{{\sum_j e^{{z_j}}}}"
                         rf" = \frac{{{sci_tex(ez[pred])}}}{{{denominator}}}"
                         rf" {prob_tex(probs[pred])}", font_size=40, color=self.theme.text)
        tk.fit_within(worked, 13.2, 0.95)
        self.keep("why_worked", self._on_bottom_line(worked))
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
        s = self.show(findings.probability_total(src.probs))
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
        self.keep("why_stacked", stacked)
        return stacked, sum_text, ghost, Cross(box, stroke_color=tk.VERMILION, stroke_width=5)

    def _why_note(self, title: Mobject) -> Mobject:
        """The closing note, in place of the probability chart's title."""
        note = self.wrapped(self.t("why_no_room"), tk.FRAME_WIDTH - 1.0, size=24,
                            color=self.theme.accent)
        note.move_to(title).align_to(title, DOWN)
        self.keep("why_note", note)
        return note


__all__ = ["WHY_CHART", "WhyParts", "softmax_numerators"]
