"""The EDL loss (sequence 3, section 5): the fit term, the KL term and its annealing weight,
with the training history's numbers.

    charts, kl_note = self._loss_charts()
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Text, VGroup

from scenes.edl_pass import findings
from scenes import visuals as tk
from scenes.edl_pass.parts import EDLPassParts, FIT_TEX, SCHEDULE_TEX, TOTAL_TEX


class LossParts(EDLPassParts):
    """The builders of the loss section, on the shared parts of sequence 3."""

    # -- 5. the loss -------------------------------------------------------------------------
    def _loss_formulas(self) -> VGroup:
        """The loss, its fit term (``training.edl_loss``) and the KL term's schedule
        (``training.annealing_epochs``), stacked at the top of the stage."""
        tr = self.data.training
        T = float(tr.annealing_epochs)  # training.annealing_epochs
        fit = self.tex(FIT_TEX.get(tr.edl_loss, FIT_TEX["mse"]), size=36)
        total = self.tex(TOTAL_TEX, size=36)
        sched = self.live(SCHEDULE_TEX, {"T": (T, self.d.training.annealing_epochs)}, size=36)
        formulas = VGroup(total, fit, sched).arrange(DOWN, buff=0.22)
        tk.fit_within(formulas, 13.0, 2.3)
        return formulas.move_to(UP * (3.1 - formulas.height / 2))

    def _history_series(self, key: str) -> dict[str, np.ndarray]:
        """Train and held-out columns ``<part>_<key>`` of training.history.edl, where logged."""
        hist = self.data.training.history["edl"]  # training.history.edl[*]: per-epoch rows
        names = {"train": self.t("legend_train"), "heldout": self.t("legend_heldout")}
        out = {}
        for part in ("train", "heldout"):
            col = f"{part}_{key}"
            if all(col in r for r in hist):
                for i, r in enumerate(hist):
                    self.show(getattr(self.d.training.history.edl[i], col))
                out[names[part]] = np.array([r[col] for r in hist], float)
        return out

    def _kl_series(self, epochs: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray],
                                                       Text | None]:
        """The KL term's epochs, series and note: when epoch 1 dwarfs the rest it is left out
        of the chart and its value named in the note instead (else the note is None)."""
        kl = self._history_series("kl")
        if not findings.kl_skip(kl, epochs):
            return epochs, kl, None
        col = findings.kl_first_column(self.data.training.history["edl"][0])
        first = self.show(getattr(self.d.training.history.edl[0], col))
        note = self.small("kl_skip_note", size=18, epoch=int(epochs[1]), kl=first)
        return epochs[1:], {k: v[1:] for k, v in kl.items()}, note

    def _loss_chart_style(self) -> dict[str, Any]:
        """What the loss charts share: train solid, held-out dashed, 3 × 2.4, no legend."""
        c = self.chart_colors()
        return dict(colors=[c["train"], c["heldout"]], styles=["solid", "dashed"],
                    markers=["circle", "square"], x_label=self.t("chart_epoch"),
                    width=3.0, height=2.4, legend=None, theme=self.theme, font_size=22)

    def _loss_charts(self) -> tuple[list[tk.LineChart], Text | None]:
        """Fit term, KL term and (when logged) λ_t per epoch; the KL chart's note or None."""
        hist = self.data.training.history["edl"]  # training.history.edl[*]: per-epoch rows
        epochs = np.array([r["epoch"] for r in hist], float)
        common = self._loss_chart_style()
        kl_x, kl, kl_note = self._kl_series(epochs)
        charts = [tk.LineChart(epochs, self._history_series("fit"), y_label=self.t("chart_fit"),
                               **common),
                  tk.LineChart(kl_x, kl, y_label=self.t("chart_kl"), **common)]
        if all("train_lambda" in r for r in hist):
            for i, r in enumerate(hist):
                self.show(self.d.training.history.edl[i].train_lambda)
            lam = {self.t("chart_lambda"): np.array([r["train_lambda"] for r in hist], float)}
            charts.append(tk.LineChart(epochs, lam, y_label=self.t("chart_lambda"),
                                       y_range=(0.0, 1.0), **{**common,
                                                              "colors": [self.theme.muted],
                                                              "styles": ["dotted"],
                                                              "markers": ["triangle"]}))
        return charts, kl_note

    def _place_loss_charts(self, charts: Sequence[tk.LineChart],
                           kl_note: Text | None) -> VGroup:
        """The charts in a row above the captions and one note over each: the legend, the KL
        note, what t counts. Returns the notes."""
        row = VGroup(*charts).arrange(RIGHT, buff=0.9, aligned_edge=DOWN)
        legend = charts[0].legend.copy().arrange(RIGHT, buff=0.6)  # before the row shrinks
        tk.fit_within(row, 13.2, 3.6)
        row.move_to([0, tk.SAFE_BOTTOM + 0.05 + row.height / 2, 0])
        legend.next_to(charts[0], UP, buff=0.2)
        tk.fit_within(legend, charts[0].width + 0.8, 0.5)
        # centred over a narrow chart the legend can poke past the frame's margin (seed 2)
        tk.keep_on_stage(legend.next_to(charts[0], UP, buff=0.2))
        notes = VGroup(legend)
        extra = [(kl_note, charts[1])]
        if len(charts) > 2:
            extra.append((self.small("lambda_t_note", size=18), charts[2]))
        for m, ch in extra:
            if m is not None:
                tk.fit_within(m, ch.width, 0.5)
                notes.add(tk.keep_on_stage(m.next_to(ch, UP, buff=0.2)))
        return notes


__all__ = ["LossParts"]
