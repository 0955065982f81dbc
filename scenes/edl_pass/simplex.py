"""The Dirichlet on the simplex (sequence 3, section 4): three classes' triangle, its density for
the digit and for an unrelated input, and the sweep of alpha along the evidence.

    group, note = self._place_simplex(self._simplex_panels())
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Group, Text, VGroup

from scenes.edl_pass import findings
from scenes import visuals as tk
from scenes.shown import Ref, k_over
from scenes.edl_pass.parts import EDLPassParts, SIMPLEX_LOG_RANGE


class SimplexParts(EDLPassParts):
    """The builders of the simplex section, on the shared parts of sequence 3."""

    # -- 4. the Dirichlet on the simplex -----------------------------------------------------
    def _simplex_of(self, alpha: np.ndarray, side: float, top: np.ndarray | None = None,
                    color_max: float | None = None) -> tk.SimplexDensity:
        """Dir over three classes (``top``; default: the largest alphas), corners labelled by
        class; ``color_max``: the colour scale shared with the triangles beside it."""
        top = findings.top_classes(alpha) if top is None else np.asarray(top)
        s = tk.SimplexDensity(alpha[top], labels=[str(int(c)) for c in top], side=side,
                              resolution=220, font=self.theme.font, font_size=26,
                              text_color=self.theme.text, edge_color=self.theme.muted,
                              mean_color=self.theme.accent, log_range=SIMPLEX_LOG_RANGE,
                              color_max=color_max)
        s.top = top
        return s

    @staticmethod
    def _shared_simplex_scale(alphas: Sequence[np.ndarray], top: np.ndarray) -> float:
        """The brightest density among triangles shown together (same corners ``top``), so
        that one colour means one density in all of them: a flat Dirichlet stays dark."""
        return max(tk.SimplexDensity(np.asarray(a, float)[top], resolution=60).own_color_max
                   for a in alphas)

    def _simplex_panel(self, title: str, alpha: np.ndarray, S: float, u: float, src: Ref,
                       top: np.ndarray, color_max: float, side: float = 3.3) -> Group:
        """A titled triangle with its three alphas, S and u under it (src: the ModelOut, read
        with its source)."""
        s = self._simplex_of(alpha, side, top, color_max)
        head = self.text(title, size=24).next_to(s, UP, buff=0.2)
        vals = {f"a{i}": (float(alpha[c]), src.alpha[c]) for i, c in enumerate(top)}
        a_tex = self.live(rf"\alpha_{{{int(top[0])},{int(top[1])},{int(top[2])}}} = "
                          r"([[a0]],\ [[a1]],\ [[a2]])", vals, size=32)
        su = self.live(r"S = [[S]],\quad u = [[u:.3f]]", {"S": (S, src.S), "u": (u, src.u)},
                       size=32)
        info = VGroup(a_tex, su).arrange(DOWN, buff=0.15).next_to(s, DOWN, buff=0.2)
        return Group(head, s, info)

    def _simplex_panels(self) -> list[Group]:
        """The digit's Dirichlet and the most uncertain unrelated input's, on the digit's three
        top classes and one colour scale (forward_pass.edl / unrelated.sets[i].examples[j].edl)."""
        fp = self.data.forward_pass
        alpha = np.asarray(fp.edl.alpha, float)  # forward_pass.edl.alpha / S / u
        top = findings.top_classes(alpha)  # the same corners in both triangles
        pick = self._most_uncertain_unrelated()
        alphas = [alpha] + ([np.asarray(pick[3].edl.alpha, float)] if pick else [])
        cmax = self._shared_simplex_scale(alphas, top)
        panels = [self._simplex_panel(self.t("simplex_digit", label=fp.label), alpha, fp.edl.S,
                                      fp.edl.u, self.d.forward_pass.edl, top, cmax)]
        if pick is not None:
            i, j, s, ex = pick  # unrelated.sets[i].examples[j].edl.alpha
            title = self.t("simplex_unrelated", name=self.example_name(s.key, ex),
                           set=self.set_name(s.key))
            panels.append(self._simplex_panel(title, alphas[1], ex.edl.S, ex.edl.u,
                                              self.d.unrelated.sets[i].examples[j].edl, top, cmax))
        return panels

    def _place_simplex(self, panels: Sequence[Group]) -> tuple[Group, VGroup]:
        """The panels side by side and the colour key, one item a line, at the bottom of the
        stage; the panels fill the room above it."""
        group = Group(*panels).arrange(RIGHT, buff=1.6, aligned_edge=UP)
        tk.fit_within(group, 13.0, 4.55)
        group.move_to(UP * (2.95 - group.height / 2))
        key = self.t("simplex_note").split(" · ")
        note = VGroup(*[self.text(part, size=24, color=self.theme.muted) for part in key if part])
        note.arrange(DOWN, buff=0.1)
        tk.fit_within(note, 13.0, 2.0)
        note.move_to([0, tk.SAFE_BOTTOM + 0.05 + note.height / 2, 0])
        tk.fit_within(group, 13.0, 2.95 - (note.get_top()[1] + 0.2))
        group.move_to(UP * (2.95 - group.height / 2))
        return group, note

    def _sweep_titles(self) -> tuple[Text, Text]:
        """The title of the rotated sweep and its note under it."""
        title = self.text(self.t("sweep_title", digit=self.data.rotation.digit), size=26)
        title.move_to(UP * 2.9)
        return title, self.small("sweep_note", size=20).next_to(title, DOWN, buff=0.12)

    def _sweep_panel(self, i: int, alpha: np.ndarray, top: np.ndarray, cmax: float) -> Group:
        """Rotated input ``i`` with its u and S beside the Dirichlet rebuilt from them."""
        rot = self.data.rotation
        u = float(rot.edl_u[i])  # rotation.edl_u[i]
        S = len(rot.edl_probs[i]) / u  # rotation.edl_probs[i]: K = its length
        s = self._simplex_of(alpha, side=3.6, top=top, color_max=cmax)
        img = tk.ImageTile(np.asarray(rot.images[i], float),  # rotation.images[i]
                           [self.t("sweep_angle", angle=float(rot.angles[i]))], size=1.6,
                           font=self.theme.font, font_size=24, text_color=self.theme.text,
                           border_color=self.theme.muted)
        self.show(self.d.rotation.angles[i])
        u_at = self.d.rotation.edl_u[i]
        su = self.live(r"u = [[u:.3f]]", {"u": (u, u_at)}, size=36, color=self.theme.edl)
        # S is derived: K / rotation.edl_u[i] (K: the number of classes)
        sS = self.live(r"S = K/u = [[S:.1f]]", {"S": (S, k_over(u_at, len(rot.edl_probs[i])))},
                       size=32)
        side_panel = Group(img, su, sS).arrange(DOWN, buff=0.25)
        return Group(side_panel, s).arrange(RIGHT, buff=1.2).move_to(DOWN * 0.55)


__all__ = ["SimplexParts"]
