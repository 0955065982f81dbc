"""The network as a whole (sequence 1, sections 10 and 11): the architecture table with each
layer's parameters, and the training curves.

    table, total = self._layer_table(layers)
"""
from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    LEFT,
    RIGHT,
    UP,
    Mobject,
    VGroup,
)

from scenes import visuals as tk
from scenes.shown import length, sum_over
from scenes.cnn_forward_pass.parts import ForwardPassParts

#: the training curves: train solid with circles, held-out dashed with squares
SERIES_STYLES, SERIES_MARKERS = ["solid", "dashed"], ["circle", "square"]


class ArchitectureParts(ForwardPassParts):
    """The builders of sections 10 and 11, on the shared parts of sequence 1."""

    # -- 10. architecture --------------------------------------------------------------------
    def _layer_table(self, layers: list[Any]) -> tuple[tk.TextTable, int]:
        """Name, output shape and parameter count of every layer, then the total."""
        rows = [[self.t("arch_layer"), self.t("arch_shape"), self.t("arch_params")]]
        for i, layer in enumerate(layers):
            drawn = self.d.training.layers[i]
            self.show(drawn.params)
            for d, s in enumerate(layer.shape):
                self.show(drawn.shape[d])
            rows.append([self.layer_name(layer), tk.shape_text(layer.shape),
                         self.t("arch_count", n=int(layer.params))])
        n_params = int(sum(layer.params for layer in layers))
        self.record(sum_over(self.d.training.layers, "params"), n_params)
        rows.append([self.t("arch_total"), "", self.t("arch_count", n=n_params)])
        table = tk.TextTable(rows, font=self.theme.font, font_size=26, text_color=self.theme.text,
                             header_color=self.theme.muted, col_align="lcr", col_buff=0.9,
                             row_buff=0.2)
        tk.fit_within(table, 12.0, 5.0)
        return table.move_to(UP * 0.35), n_params

    # -- 11. training curves -----------------------------------------------------------------
    def _history(self, hist: list[Any], names: tuple[str, str]
                 ) -> tuple[np.ndarray, dict[str, list[float]], dict[str, list[float]]]:
        """Epochs, and loss and accuracy per series (train, held-out) of the softmax model."""
        epochs = np.array([row["epoch"] for row in hist], float)
        loss = {names[0]: [row["train_loss"] for row in hist],
                names[1]: [row["heldout_loss"] for row in hist]}
        acc = {names[0]: [row["train_acc"] for row in hist],
               names[1]: [row["heldout_acc"] for row in hist]}
        for i, row in enumerate(hist):
            for key in ("epoch", "train_loss", "heldout_loss", "train_acc", "heldout_acc"):
                self.show(self.d.training.history["softmax"][i][key])
        return epochs, loss, acc

    def _training_charts(self, epochs: np.ndarray, loss: dict[str, list[float]],
                         acc: dict[str, list[float]], colors: list[str]) -> list[tk.LineChart]:
        """Loss (from 0) and accuracy (from the tenth below its lowest value) against the
        epoch, on whole-epoch ticks."""
        x_ticks = tk.whole_ticks(int(epochs.min()), int(epochs.max()))
        lo = float(np.floor(np.concatenate([np.asarray(v, float) for v in acc.values()]).min()
                            * 10) / 10)
        top = float(np.concatenate([np.asarray(v, float) for v in loss.values()]).max())
        common = {"colors": colors, "styles": SERIES_STYLES, "markers": SERIES_MARKERS,
                  "width": 5.0, "height": 3.6, "x_label": self.t("chart_epoch"), "legend": None,
                  "theme": self.theme, "font_size": 22, "x_ticks": x_ticks, "x_format": "{:.0f}"}
        lc = tk.LineChart(epochs, loss, y_label=self.t("chart_loss"), y_range=(0.0, top), **common)
        ac = tk.LineChart(epochs, acc, y_label=self.t("chart_acc"), y_range=(lo, 1.0),
                          y_format=tk.percent_format(lo, 1.0), **common)
        lc.move_to(LEFT * 3.5 + UP * 0.1)
        ac.move_to(RIGHT * 3.5 + UP * 0.1)
        return [lc, ac]

    def _training_legend(self, names: tuple[str, str], colors: list[str]) -> VGroup:
        """One entry per series: a line sample in its style, its marker, its name."""
        legend = VGroup()
        for name, color, style, marker in zip(names, colors, SERIES_STYLES, SERIES_MARKERS):
            sample = tk.styled_path(np.array([[0, 0, 0], [0.9, 0, 0]], float), style, color, 4)
            legend.add(VGroup(sample, tk.make_marker(marker, color, 0.13).move_to(sample),
                              self.text(name, size=22).next_to(sample, RIGHT, buff=0.15)))
        return legend.arrange(RIGHT, buff=0.6)

    def _training_note(self, hist: list[Any]) -> Mobject:
        """What the curves came from: digits trained on and held out, epochs, final accuracy."""
        prov = self.data.training.provenance  # training.provenance: n_train, n_heldout
        tr = self.d.training
        self.show(tr.provenance.n_train)
        self.show(tr.provenance.n_heldout)
        self.record(length(tr.history["softmax"]), len(hist))
        self.show(tr.history["softmax"][len(hist) - 1]["heldout_acc"])
        note = self.small("train_note", size=22, color=self.theme.text, n_train=prov.n_train,
                          n_heldout=prov.n_heldout, epochs=len(hist), acc=hist[-1]["heldout_acc"])
        tk.fit_within(note, 13.0, 0.6)
        return note


__all__ = ["ArchitectureParts", "SERIES_MARKERS", "SERIES_STYLES"]
