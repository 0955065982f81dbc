"""Sequence 2: overconfidence problems of softmax — from the models' real outputs.

Reads like the script of the video: each section is a list of beats, each beat a named builder
from :mod:`scenes.overconfidence.parts` and the animation that plays it. Every number comes from
``scene_data`` and every word from the ``overconfidence`` block of the lecture YAML.

    from scenes.overconfidence.script import Overconfidence
    Overconfidence(lecture=load_lecture("lectures/default.yaml"),
                   data=load_all("scene_data")).render()

Sections (the caption keys of ``overconfidence``): confident_mistakes, reliability,
unrelated_inputs, rotated_digit, why_softmax.

Numbers read straight from a scene_data field (``self.show(self.d...)``) are recorded in
``shown_numbers`` as (field path, value), e.g. ``("heldout.mistakes[0].softmax.probs[0]",
0.999968)``; numbers the scene computes from such fields (e^z, their sum) go to
``derived_numbers`` as (formula over field paths, value), the formula written by
:mod:`scenes.shown` (``exp(...)``, ``sum(exp(...))``).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, UP, Create, Dot, FadeIn, FadeOut, GrowFromEdge, Group, Indicate,
                   LaggedStart, Mobject, ReplacementTransform, Transform, VGroup, Write)

from scenes import findings
from scenes import visuals as tk
from scenes.base import join_sentences
from scenes.shown import Ref
from scenes.overconfidence.parts import (MAX_TILES, MAX_UNRELATED_TILES, OverconfidenceParts, RotationView,
                               prob_str, softmax_numerators)


class Overconfidence(OverconfidenceParts, sequence="overconfidence"):
    """Where softmax confidence misleads: real mistakes, calibration, unrelated inputs, rotation."""

    def _only_note(self, key: str, seconds: float) -> None:
        """Beat: a single line of text (when the data has nothing to show), held."""
        self.play_p(FadeIn(self.text(self.t(key), size=30)))
        self.wait_p(seconds)

    # -- 1. the most confident mistakes --------------------------------------------------------
    def confident_mistakes(self) -> None:
        # How many held-out digits, how many right
        title, summary = self._mistakes_heading()
        self.play_p(FadeIn(title), FadeIn(summary), run_time=0.8)
        mistakes = self.data.heldout.mistakes[:MAX_TILES]  # most confident first
        if not mistakes:
            self._only_note("mistakes_none", 3)
            return
        # The most confident mistakes, one tile each
        tiles = self._mistake_tiles(mistakes, below=summary)
        self.play_p(LaggedStart(*[FadeIn(t, shift=UP * 0.2) for t in tiles], lag_ratio=0.25),
                    run_time=2.0)
        self.wait_p(2.5)
        # The first one's ten probabilities
        box = self._highlight(tiles[0])
        label, chart = self._mistake_chart(mistakes[0], tiles)
        self.play_p(Create(box), FadeIn(label), run_time=0.8)
        self.play_p(LaggedStart(*[GrowFromEdge(b, DOWN) for b in chart.bars], lag_ratio=0.05),
                    FadeIn(chart.baseline), FadeIn(chart.class_texts), run_time=1.2)
        self.play_p(FadeIn(chart.value_texts), run_time=0.5)
        self.wait_p(3.5)

    # -- 2. reliability diagram and ECE ---------------------------------------------------------
    def reliability(self) -> None:
        sm, src = self.data.heldout.models["softmax"], self.d.heldout.models["softmax"]
        # The diagram: accuracy against confidence, bin by bin, against the diagonal
        title = self.heading(self.t("rel_title", n=int(self.show(src.n))))
        rd, ece = self._reliability_diagram(sm, src)
        self.play_p(FadeIn(title), FadeIn(rd.frame), Create(rd.diagonal), run_time=1.0)
        self.play_p(LaggedStart(*[GrowFromEdge(b, DOWN) for b in rd.bars if len(b.points)],
                                lag_ratio=0.15), run_time=1.5)
        rd.remove(rd.ece_text)  # the ECE is stated once, in the text beside the chart
        self.play_p(FadeIn(rd.gaps), FadeIn(rd.count_texts), run_time=0.8)
        self.wait_p(1.5)
        # What it says: the ECE, the bin furthest off, the most confident bin
        x_left = rd.get_right()[0] + 0.7
        width = tk.FRAME_WIDTH / 2 - 0.5 - x_left
        # the furthest bin among those full enough to mean something (heldout.min_bin_count
        # digits: a bin of five digits is noise)
        min_n = int(self.show(self.d.heldout.min_bin_count))
        gap_i = findings.largest_gap(sm, min_n)
        lines = self._reliability_lines(sm, src, ece, gap_i, min_n, width)
        self.values["rel_finding"] = self._reliability_finding(sm, ece, gap_i, min_n)
        legend = self.wrapped(self.t("rel_legend"), width, size=20, color=self.theme.muted)
        self._reliability_column(lines, legend, x_left, width)
        # One line at a time; the furthest bin's gap flashes with its line
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
            self._only_note("no_unrelated", 2.5)
            self.values["unrelated_finding"] = ""
            return
        self.values["unrelated_pages"] = join_sentences(
            [self.page_sentence(i, s) for i, s in sets])
        self.values["unrelated_finding"] = self.unrelated_finding(sets)
        # One page per set, then all sets in one table
        for page, (i, s) in enumerate(sets):
            self.unrelated_page(i, s, first=page == 0)
        self.unrelated_summary(sets)

    def unrelated_page(self, i: int, s: Any, first: bool = False) -> None:
        """One unrelated set: its examples as tiles, the softmax bars of each in turn (its
        sentence begins with the page; the first page's after the section's opening line)."""
        src = self.d.unrelated.sets[i]
        if not first:
            self.say()
        # The set, how sure softmax is of it, its examples as tiles
        title, stats = self._set_heading(s, src)
        examples = s.examples[:MAX_UNRELATED_TILES]
        tiles = self._example_tiles(s, src, examples, below=stats)
        self.play_p(FadeIn(title), FadeIn(stats), run_time=0.7)
        self.play_p(LaggedStart(*[FadeIn(t, shift=UP * 0.2) for t in tiles], lag_ratio=0.2),
                    run_time=1.4)
        self.wait_p(1.0)
        if first:
            self.say()
        # The bars of each example in turn
        shown = self._cycle_bars(s, src, examples, tiles)
        self.play_p(*[FadeOut(m) for m in (title, stats, tiles, *shown)], run_time=0.5)
        self.page_ends.append(self.renderer.time)

    def _cycle_bars(self, s: Any, src: Ref, examples: Sequence[Any],
                    tiles: Group) -> tuple[Mobject, ...]:
        """Beat: the first example's softmax bars, then each next example's, the highlight box
        and the label moving along; returns (box, label, chart)."""
        label = self._bars_label(s, examples[0], tiles)
        chart = self._example_chart(examples[0], src.examples[0].softmax, label)
        box = self._highlight(tiles[0])
        self.drawn[f"unrelated_chart_{s.key}"] = chart
        self.play_p(Create(box), FadeIn(label), FadeIn(chart), run_time=0.8)
        self.wait_p(1.2)
        for j, ex in enumerate(examples[1:], start=1):
            self._record_probs(src.examples[j].softmax, ex.softmax.probs)
            self.play_p(Transform(box, self._highlight(tiles[j])),
                        Transform(label, self._bars_label(s, ex, tiles)),
                        chart.animate_to(ex.softmax.probs, highlight=ex.softmax.pred),
                        run_time=0.7)
            self.wait_p(0.7)
        self.wait_p(0.6)
        return box, label, chart

    def unrelated_summary(self, sets: list[tuple[int, Any]]) -> None:
        """One line per set: how often softmax is at least 90% sure, and its mean top p."""
        self.say()
        self.summary_start = self.renderer.time
        # The table, header first, then a row per set
        title = self.heading(self.t("summary_title"))
        table = self._summary_table(sets)
        self.play_p(FadeIn(title), FadeIn(table.rule), FadeIn(table.row(0)), run_time=0.7)
        self.play_p(LaggedStart(*[FadeIn(table.row(r)) for r in range(1, len(sets) + 1)],
                                lag_ratio=0.3), run_time=1.2)
        self.wait_p(2.0)
        # The set softmax is most often sure of
        note = self.wrapped(self.values["unrelated_finding"], tk.FRAME_WIDTH - 1.5,
                            size=26)
        note.next_to(table, DOWN, buff=0.6)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.0)

    # -- 4. the rotated digit ---------------------------------------------------------------------
    def rotated_digit(self) -> None:
        probs = np.asarray(self.data.rotation.softmax_probs, dtype=float)  # (angle, class)
        digit = int(self.data.rotation.digit)  # rotation.digit
        i_peak, k_peak = findings.peak_wrong(probs, digit)
        # The empty chart, and the digit upright beside it
        view = self._rotation_view(probs, digit, k_peak)
        caption = self._rotation_caption(view)
        img, info = self._rotated_image(view, 0), self._rotation_readout(view, 0)
        self.play_p(FadeIn(view.chart.frame), FadeIn(view.chart.legend),
                    FadeIn(view.others_entry), FadeIn(caption), FadeIn(view.box), FadeIn(img),
                    FadeIn(info), run_time=1.0)
        self.wait_p(1.5)
        # Turn it angle by angle: the curves grow a point, the image and readout follow
        img, info = self._turn(view, img, info)
        self.wait_p(1.0)
        # The angle where a wrong class gets its highest probability
        a_peak, p_peak = self._show_peak(view, i_peak, k_peak, img, info)
        # At how many angles softmax names a wrong digit, and how sure it is
        summary, n_wrong = self._rotation_summary(view)
        self.play_p(FadeIn(summary), run_time=0.7)
        self.wait_p(3.0)
        key = "rotation_finding" if n_wrong else "rotation_finding_none"
        self.values["rotation_finding"] = self.t(key, angle=a_peak, k=k_peak,
                                                 p=prob_str(p_peak), n_wrong=n_wrong, n=view.n,
                                                 digit=digit)

    def _turn(self, view: RotationView, img: Mobject, info: Mobject) -> tuple[Mobject, Mobject]:
        """Beat: at each angle in turn, the curves' next points, then that angle's image and
        readout; returns the last image and readout."""
        curves = VGroup()
        for i in range(view.n):
            faint, segs, marks = self._curve_step(view, i)
            curves.add(*segs, *marks)
            self.play_p(*[Create(s) for s in faint + segs], *[FadeIn(m) for m in marks],
                        run_time=0.5)
            # the image and readout of this angle appear once its curve point is drawn
            self.remove(img, info)
            img, info = self._rotated_image(view, i), self._rotation_readout(view, i)
            self.add(img, info)
            self.wait_p(0.25)
        self.drawn["rotation_curves"] = curves
        return img, info

    def _show_peak(self, view: RotationView, i: int, k: int, img: Mobject,
                   info: Mobject) -> tuple[float, float]:
        """Beat: mark the ``i``-th angle, where wrong class ``k`` peaks, with a note, and show
        its image and readout; returns (angle, probability)."""
        a = self.show(self.d.rotation.angles[i])
        p = self.show(self.d.rotation.softmax_probs[i][k])
        dot = Dot(view.pt(i, k), radius=0.1, color=self.theme.accent)
        note = self._peak_note(view, a, k, p)
        guide = self._peak_guide(view, a, k, note)
        new_img, new_info = self._rotated_image(view, i), self._rotation_readout(view, i)
        # out, then in: the two readouts never blend in one place
        self.play_p(FadeOut(img), FadeOut(info), run_time=0.4)
        self.play_p(Create(guide), FadeIn(dot, scale=0.5), FadeIn(note), FadeIn(new_img),
                    FadeIn(new_info), run_time=0.6)
        self.play_p(Indicate(dot, color=self.theme.accent, scale_factor=1.8), run_time=0.8)
        self.wait_p(2.5)
        return a, p

    # -- 5. why: softmax always sums to one ----------------------------------------------------
    def why_softmax(self) -> None:
        src, name, image, out = self.why_example()
        src = src.softmax  # its logits, probs and pred
        pred = int(out.pred)
        ez = softmax_numerators(out.logits)
        # The input, what softmax says about it, and the formula
        tile, says, formula = self._why_header(src, name, image, pred)
        self.play_p(FadeIn(tile), FadeIn(says), run_time=0.8)
        self.say()  # softmax in two steps
        self.play_p(Write(formula), run_time=1.0)
        self.wait_p(2.0)
        # Logits, then e^z, then e^z over their sum: one chart that changes
        probs_step = self._softmax_steps(src, out, ez, pred)
        # One probability worked out with the real numbers
        worked = self._why_worked(src, out, ez, pred)
        self.play_p(Write(worked), run_time=1.2)
        self.wait_p(3.0)
        # All ten share the whole; there is no slot for "I don't know"
        self._no_room_for_doubt(src, out.probs, worked)
        # The note takes the place of the chart's title
        note = self._why_note(probs_step[1])
        self.play_p(FadeOut(probs_step[1]), run_time=0.4)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.5)

    def _softmax_steps(self, src: Ref, out: Any, ez: np.ndarray, pred: int) -> VGroup:
        """Beat: the logits as bars, morphed into e^z, then into the probabilities; returns the
        last (chart, title)."""
        logits = self._logit_step(src, out.logits, pred)
        self.say()  # logits: any real number
        self.play_p(FadeIn(logits), run_time=1.0)
        self.wait_p(2.5)
        exps = self._exp_step(src, ez, pred)
        self.say()  # e^z: positive
        self._morph(logits, exps)
        self.wait_p(2.5)
        probs = self._prob_step(src, out.probs, ez, pred)
        self.say()  # divided by the sum
        self._morph(exps, probs)
        self.wait_p(1.0)
        return probs

    def _morph(self, old: VGroup, new: VGroup) -> None:
        """Numbers and title out, then bars grow into the new bars as the new numbers and
        title come in: two texts never blend in one place, no glyph soup."""
        o, n = old[0], new[0]
        self.play_p(FadeOut(VGroup(o.baseline, o.class_texts, o.value_texts, old[1])),
                    run_time=0.5)
        self.play_p(ReplacementTransform(o.bars, n.bars),
                    FadeIn(VGroup(n.baseline, n.class_texts, n.value_texts, new[1])),
                    run_time=0.7)
        self.remove(old)
        self.add(new)

    def _no_room_for_doubt(self, src: Ref, probs: Any, worked: Mobject) -> None:
        """Beat: the ten probabilities as one full bar in place of the worked formula, then
        the empty slot where "I don't know" would go, crossed out."""
        stacked, sum_text, ghost, cross = self._full_bar(src, probs)
        self.say()  # the ten share all of the probability
        self.play_p(FadeOut(worked), run_time=0.5)
        self.play_p(FadeIn(stacked), FadeIn(sum_text), run_time=1.0)
        self.wait_p(1.0)
        self.say()  # no way to say "I don't know"
        self.play_p(FadeIn(ghost), run_time=0.6)
        self.play_p(Create(cross), run_time=0.6)
        self.wait_p(1.0)


__all__ = ["Overconfidence"]
