"""Sequence 3: the EDL pass — the same trunk, its last layer read as evidence of a Dirichlet.

Reads like the script of the video; every number comes from ``scene_data`` (the field is named
next to each use, in the builders of :mod:`scenes.edl_pass.parts`) and every word from the
``edl_pass`` block of the lecture YAML.

    from scenes.edl_pass.script import EDLPass
    EDLPass(lecture=load_lecture("lectures/default.yaml"), data=load_all("scene_data")).render()

Sections (the caption keys of ``edl_pass``): evidence_head, dirichlet_numbers, belief_bar,
simplex, loss, unrelated_uncertainty, rotated_digit.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Circle, Create, FadeIn, FadeOut, GrowFromEdge, Group,
                   Indicate, LaggedStart, Mobject, VGroup, Write)

from scenes.edl_pass import findings
from scenes import visuals as tk
from scenes.edl_pass.loss import LossParts
from scenes.edl_pass.simplex import SimplexParts

#: an EDL mistake on the rotated digit counts as confident when its u is below this
CONFIDENT_U = 0.5


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


class EDLPass(SimplexParts, LossParts, sequence="edl_pass"):
    """The EDL model's reading of the chosen digit, its Dirichlet, its loss and its uncertainty."""

    # -- 1. evidence head ---------------------------------------------------------------------
    def evidence_head(self) -> None:
        """The trunk of sequence 1, its last layer's logits read as evidence through g."""
        kind = self.data.training.evidence  # training.evidence: relu / softplus / exp
        self.values["evidence_name"] = kind
        # Show the trunk and point at its last layer
        trunk, note, head_note = self._trunk_with_notes()
        self.play_p(FadeIn(note), LaggedStart(*[FadeIn(b) for b in trunk.boxes], lag_ratio=0.15),
                    Create(trunk.arrows), run_time=2.0)
        self.play_p(Indicate(trunk.boxes[-1], color=self.theme.edl), FadeIn(head_note),
                    run_time=1.2)
        # Write the evidence function g (and the clip of exp evidence)
        g, clamp = self._evidence_function(kind)
        self.play_p(Write(g), run_time=1.5)
        if clamp is not None:
            self.play_p(FadeIn(clamp), run_time=0.6)
        # Show the logits, then g turns them into evidence
        zc, ec = self._logit_and_evidence_charts()
        zt, et, arrow, g_label = self._chart_titles_and_g(zc, ec)
        self.play_p(FadeIn(zt), FadeIn(zc), run_time=1.2)
        self.wait_p(1.5)
        self.play_p(GrowFromEdge(arrow, LEFT), FadeIn(g_label), run_time=0.8)
        self.play_p(FadeIn(et), FadeIn(ec), run_time=1.2)
        self.wait_p(3.0)

    # -- 2. the Dirichlet numbers -------------------------------------------------------------
    def dirichlet_numbers(self) -> None:
        """Every class's z, e, alpha, b and p-hat in a table; the top class worked out."""
        fp = self.data.forward_pass  # forward_pass.edl: evidence, alpha, S, belief, u, probs
        k = int(np.argmax(np.asarray(fp.edl.alpha, float)))  # the top class: the largest alpha
        # Show the table, the top class boxed
        table = self._class_table(k)
        tk.fit_within(table, 13.2, 3.3)
        table.move_to(UP * 1.45)
        note = self.small("table_note", size=20, label=fp.label, k=k)
        note.next_to(table, DOWN, buff=0.18)
        self.play_p(FadeIn(table), run_time=1.5)
        self.play_p(FadeIn(note), run_time=0.6)
        self.wait_p(3.0)
        # Work the top class out, formula by formula
        self.formulas = self._worked_formulas(k)
        self._place_formulas(self.formulas, note)
        self.formula_beats(self.formulas)

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
    def belief_bar(self) -> None:
        """The digit's beliefs and u as one bar that sums to one; then an unrelated input's."""
        # right of centre: Indicate's growth keeps it clear of the title bar
        total = self.tex(r"\sum_{k} b_k + u = 1", size=44).move_to(UP * 2.6 + RIGHT * 1.2)
        rows = self._belief_rows()
        self._place_belief_rows(rows, total)
        self.belief_rows = rows
        # Write the sum, then grow each input's bar under it
        self.play_p(Write(total), run_time=1.0)
        for tile, bar in rows:
            self.play_p(FadeIn(tile), run_time=0.8)
            self.play_p(LaggedStart(*[GrowFromEdge(sg, LEFT) for sg in bar.segments],
                                    lag_ratio=0.08), run_time=1.5)
            self.play_p(FadeIn(bar.labels), run_time=0.8)
            self.wait_p(2.5)
        # Point at the sum again: both bars fill it
        self.play_p(Indicate(total, color=self.theme.edl), run_time=1.0)
        self.wait_p(2.0)

    # -- 4. the Dirichlet on the simplex ------------------------------------------------------
    def simplex(self) -> None:
        """The digit's Dirichlet beside an unrelated input's, then flattening as S falls."""
        # Show each triangle, the colour key with the first
        group, note = self._place_simplex(self._simplex_panels())
        for n, p in enumerate(group):
            self.play_p(FadeIn(p), *([FadeIn(note)] if n == 0 else []), run_time=1.2)
            self.wait_p(3.0 if n == 0 else 2.5)
        self.wait_p(1.5)
        # Then the density flattening through the rotated digit
        self.simplex_sweep(group, note)

    def simplex_sweep(self, previous: Mobject, note: Mobject) -> None:
        """The density flattening as S falls, through real rotated inputs."""
        rot = self.data.rotation
        idx = findings.sweep_indices(rot.edl_u)  # rotation.edl_u
        if len(idx) < 2:
            return
        # Clear the triangles and title the sweep
        self.play_p(FadeOut(previous), FadeOut(note), run_time=0.6)
        title, sub = self._sweep_titles()
        self.play_p(FadeIn(title), FadeIn(sub), run_time=0.6)
        # alpha is not stored for the sweep: rebuilt exactly from p_hat and u (S = K / u)
        alphas = {i: findings.sweep_alpha(rot.edl_probs[i], rot.edl_u[i]) for i in idx}
        top = findings.top_classes(alphas[idx[0]])  # fixed corners through the sweep
        cmax = self._shared_simplex_scale(list(alphas.values()), top)
        # One rotated input after another, as u rises
        current = None
        for n, i in enumerate(idx):
            panel = self._sweep_panel(i, alphas[i], top, cmax)
            if current is not None:  # old out first, then new in: no text over text
                self.play_p(FadeOut(current), run_time=0.4)
            self.play_p(FadeIn(panel), run_time=0.7)
            current = panel
            self.wait_p(1.8 if n < len(idx) - 1 else 2.5)

    # -- 5. the loss --------------------------------------------------------------------------
    def loss(self) -> None:
        """The loss term by term, then its fit term, KL term and λ_t over the epochs."""
        self.values["annealing_epochs"] = self.data.training.annealing_epochs
        # Write the loss, its fit term, then the KL term's schedule
        formulas = self._loss_formulas()
        for f, pause in zip(formulas, (1.5, 2.0, 2.0)):
            self.play_p(Write(f), run_time=1.5)
            self.wait_p(pause)
        # Build the charts under them, a note over each
        charts, kl_note = self._loss_charts()
        notes = self._place_loss_charts(charts, kl_note)
        self.clear_of(formulas, notes)
        # Show the frames, then draw each chart's curves
        self.play_p(FadeIn(VGroup(*[ch.frame for ch in charts])), FadeIn(notes), run_time=1.0)
        for ch in charts:
            self.play_p(*[ch.create_series(name, run_time=1.8) for name in ch.series],
                        run_time=1.8)
            self.wait_p(1.5)
        self.wait_p(2.5)

    # -- 6. unrelated inputs, now with u ------------------------------------------------------
    def unrelated_uncertainty(self) -> None:
        """Each unrelated set: softmax's confidence beside EDL's certainty, then the digits'."""
        sets = self.enabled_sets()
        if not sets:  # the lecture shows none: say so
            msg = self.para("no_unrelated", size=28)
            self.play_p(FadeIn(msg), run_time=0.8)
            self.wait_p(2.0)
            return
        # Build a line per set and the held-out digits' foot under them
        lines = self._unrelated_lines(sets)
        table = Group(*lines).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        foot = self._heldout_foot(sets)
        self._fit_table_and_foot(table, foot)
        self.on_stage(table, foot)
        # Show each set: its inputs, then its means
        for name, tiles_g, means in lines:
            self.play_p(FadeIn(name), LaggedStart(*[FadeIn(t) for t in tiles_g], lag_ratio=0.15),
                        run_time=1.5)
            self.play_p(FadeIn(means), run_time=0.6)
            self.wait_p(2.5)
        # Then the digits' certainty and what it says about the sets
        for m in foot:
            self.play_p(FadeIn(m), run_time=0.8)
            self.wait_p(2.0)
        self.wait_p(1.0)

    # -- 7. the rotated digit -----------------------------------------------------------------
    def rotated_digit(self) -> None:
        """The digit turned step by step: u against the angle, a few angles up close."""
        rot = self.data.rotation
        u = np.asarray(rot.edl_u, float)  # rotation.edl_u
        self._rotation_caption_values()
        i_wrong, key = confident_mistake(rot.digit, np.asarray(rot.edl_probs, float), u)
        caveat = self._rotation_caveat(key, i_wrong)
        # Show the turned digits and draw u against the angle
        strip, frames = self._rotation_strip()
        chart = self._rotation_chart()
        self.play_p(LaggedStart(*[FadeIn(m) for m in strip], lag_ratio=0.05), FadeIn(frames),
                    run_time=1.5)
        self.play_p(FadeIn(chart.frame), FadeIn(chart.legend), run_time=0.8)
        self.play_p(*[chart.create_series(n, run_time=3.0) for n in chart.series], run_time=3.0)
        self.wait_p(1.5)
        # Look at the key angles one by one
        caveat.next_to(strip, DOWN, buff=0.25)
        marker = None
        for i in findings.rotation_key_indices(u, i_wrong):
            marker = self.visit_angle(i, marker, strip, chart)
            if i == i_wrong:
                self.ring_mistake(i, chart, caveat)
            else:
                self.wait_p(2.5)
        # Say the caveat if no angle did
        if i_wrong is None or caveat not in self.mobjects:
            self.play_p(FadeIn(caveat), run_time=0.6)
            self.wait_p(2.5)
        self.wait_p(1.0)

    def visit_angle(self, i: int, marker: Mobject | None, strip: Group,
                    chart: tk.LineChart) -> Group:
        """Angle ``i`` marked in the strip and on the curve, with its panel, in place of the
        last ``marker``: out, then in, so that two panels of text never blend in one place."""
        new = self._angle_marker(i, strip, chart)
        if marker is None:
            self.play_p(FadeIn(new), run_time=0.8)
        else:
            self.play_p(FadeOut(marker), run_time=0.3)
            self.play_p(FadeIn(new), run_time=0.5)
        return new

    def ring_mistake(self, i: int, chart: tk.LineChart, caveat: Mobject) -> None:
        """The confident mistake stays ringed on the chart; the panel and the line under the
        strip say what it is (no label on the curve)."""
        ring = Circle(radius=0.2, color=self.theme.accent, stroke_width=4).move_to(
            chart.point(self.t("rot_u_series"), i))
        self.play_p(Create(ring), FadeIn(caveat), run_time=0.8)
        self.wait_p(3.0)


__all__ = ["CONFIDENT_U", "EDLPass", "confident_mistake"]
