"""Sequence 1: a CNN's forward pass, followed on one real held-out digit.

Reads like the script of the video: each section is a list of beats that build a picture
(:mod:`scenes.cnn_forward_pass.parts`) and play it. Every number on screen comes from ``scene_data``
(read with ``self.value``, or noted with ``self.record`` as a Python expression over
``forward_pass`` / ``training`` that the tests evaluate); every word comes from the
``cnn_forward_pass`` block of the lecture YAML.

    from scenes.cnn_forward_pass.script import CNNForwardPass
    CNNForwardPass(lecture=load_lecture("lectures/default.yaml"),
                   data=load_all("scene_data")).render()

Sections (the caption keys of ``cnn_forward_pass``): task, pixels, convolution, feature_maps,
relu, pooling, deeper, classifier, softmax, architecture, training.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    TransformFromCopy,
    VGroup,
    Write,
)

from scenes import findings
from scenes import visuals as tk
from scenes.cnn_forward_pass.parts import PROB_LABEL_MIN, RELU_ZOOM, ForwardPassParts
from scenes.shown import entries, length, sum_over


class CNNForwardPass(ForwardPassParts, sequence="cnn_forward_pass"):
    """One held-out digit through the trained LeNet (softmax model), layer by layer."""

    # -- 1. the task -------------------------------------------------------------------------
    def task(self) -> None:
        image = self.arr("image")  # forward_pass.image: the chosen held-out digit, 28x28 in [0,1]
        n_classes = len(self.fp.softmax.probs)  # forward_pass.softmax.probs: one per class
        idx = int(self.show(self.d.forward_pass.heldout_index))
        self.record(length(self.d.forward_pass.softmax.probs), n_classes)
        # The question, the digit, the network and the possible answers
        question = self.label("task_question", size=34).move_to(UP * 2.6)
        digit, digit_note = self._task_digit(image, idx)
        cnn = self._cnn_box()
        classes, classes_note = self._class_boxes(n_classes)
        a1, a2 = self.arrow(digit, cnn), self.arrow(cnn, classes)

        # Show the digit and ask which one it is
        self.play_p(FadeIn(digit), FadeIn(digit_note), run_time=1.2)
        self.play_p(Write(question), run_time=1.2)
        # The network reads it ...
        self.play_p(GrowFromEdge(a1, LEFT), FadeIn(cnn), run_time=1.0)
        # ... and answers with one of the classes
        self.play_p(GrowFromEdge(a2, LEFT),
                    LaggedStart(*[FadeIn(c) for c in classes], lag_ratio=0.1), FadeIn(classes_note),
                    run_time=1.5)
        self.mark("task", self._brightest_probe(digit, image))
        self.wait_p(2.5)

    # -- 2. pixels ---------------------------------------------------------------------------
    def pixels(self) -> None:
        image = self.arr("image")  # forward_pass.image
        h, w = image.shape
        self.values.update(h=h, w=w)
        self.record(length(self.d.forward_pass.image), h)
        self.record(length(self.d.forward_pass.image[0]), w)
        wk = self.fp.worked  # forward_pass.worked: the patch shown here is the one worked out next
        r0, c0 = int(wk.row), int(wk.col)
        kh, kw = np.asarray(wk.patch).shape
        # The digit as a grid of pixels; the window of the next section, enlarged
        grid, size_note = self._pixel_grid(image, h, w)
        window = grid.window(r0, c0, kh, kw, color=self.theme.accent)
        zoom, zoom_title, scale_note = self._pixel_zoom(grid, r0, c0, kh, kw)
        self.on_stage(grid, size_note, window, zoom, zoom_title, scale_note)

        # Show the grid and its size
        self.play_p(FadeIn(grid), FadeIn(size_note), run_time=0.8)
        self.wait_p(1.0)
        # Zoom into one window: the real pixel values
        self.play_p(Create(window), run_time=0.8)
        self.play_p(TransformFromCopy(window, zoom.squares), run_time=1.5)
        self.play_p(FadeIn(zoom.labels), FadeIn(zoom_title), run_time=1.0)
        # What the numbers mean
        self.play_p(FadeIn(scale_note), run_time=0.6)
        self.mark("pixels", self._pixel_probes(grid, zoom, image, r0, c0))
        self.wait_p(3.0)

    # -- 3. convolution ----------------------------------------------------------------------
    def convolution(self) -> None:
        """Slide the kernel, multiply one patch by it cell by cell, add up, land in the map."""
        wk = self.fp.worked  # forward_pass.worked: kernel, row, col, patch, weights, bias, value
        kh, kw = np.asarray(wk.patch, float).shape  # forward_pass.worked.patch
        self.values.update(kh=kh, kw=kw)
        c = self._conv_layout(self._conv_panel())
        self.conv_slide(c)
        self.conv_multiply(c)
        self.conv_sum(c)
        self.conv_land(c)
        self.wait_p(2.5)

    def conv_slide(self, c: dict[str, Any]) -> None:
        """The kernel next to the input; the window slides along the first row, then down."""
        grid, window, kh, kw = c["grid"], c["window"], c["kh"], c["kw"]
        # The input and one kernel
        self.play_p(FadeIn(grid), FadeIn(c["grid_title"]), run_time=1.0)
        self.play_p(FadeIn(c["kernel"]), FadeIn(c["kernel_title"]), run_time=1.0)
        self.wait_p(1.0)
        # The window slides to the worked position
        self.play_p(Create(window), run_time=0.5)
        n_cols = self.arr("image").shape[1] - kw + 1
        for r, col in findings.slide_stops(n_cols, c["r0"], c["c0"]):
            target = grid.window(r, col, kh, kw, color=self.theme.accent)
            self.play_p(window.animate.move_to(target.get_center()), run_time=0.5)
        # the window grows into the patch's cells; their numbers fade in (no squashed digits)
        self.play_p(TransformFromCopy(window, c["patch"].squares), FadeIn(c["times"]),
                    FadeIn(c["patch_title"]), run_time=1.0)
        self.play_p(FadeIn(c["patch"].labels), run_time=0.5)
        self.remove(c["patch"].squares, c["patch"].labels)
        self.add(c["patch"])
        self.wait_p(1.5)

    def conv_multiply(self, c: dict[str, Any]) -> None:
        """One product written out (the largest in magnitude), then all 25 in the patch's place."""
        panel, patch, kernel = c["panel"], c["patch"], c["kernel"]
        # One product, worked out
        i, j = findings.peak_cell(np.abs(panel.products))
        term = panel.term(i, j, size=26).next_to(VGroup(patch, kernel), DOWN, buff=0.3)
        marks = self._product_marks(c, i, j)
        self.play_p(Create(marks), FadeIn(term), run_time=1.2)
        self.wait_p(2.5)
        self.play_p(FadeOut(term), FadeOut(marks), FadeOut(c["patch_title"]), run_time=0.6)
        # All the products: out, then in, so two grids of numbers never blend in one place
        self.play_p(FadeOut(patch), run_time=0.6)
        self.play_p(FadeIn(panel.product_cells), FadeIn(c["products_title"]), run_time=0.6)
        self.wait_p(1.5)

    def conv_sum(self, c: dict[str, Any]) -> None:
        """The kernel has done its work: the sum of the products, plus the bias, in its place."""
        panel = c["panel"]
        self.play_p(FadeOut(c["kernel"]), FadeOut(c["times"]), FadeOut(c["kernel_title"]),
                    run_time=0.6)
        # Add them up, add the bias
        for line in (panel.sum_line, panel.bias_line):
            self.play_p(FadeIn(line), run_time=0.8)
        self.play_p(Create(panel.rule), FadeIn(panel.result_line), run_time=0.8)
        self.play_p(Indicate(panel.result_line[2], color=self.theme.accent), run_time=1.0)
        self.wait_p(1.5)

    def conv_land(self, c: dict[str, Any]) -> None:
        """Where the value lands: the same position of the feature map, in the input's place."""
        out, r0, c0 = c["out"], c["r0"], c["c0"]
        self.play_p(FadeOut(c["grid"]), FadeOut(c["window"]), FadeOut(c["grid_title"]), run_time=0.6)
        self.play_p(FadeIn(out), FadeIn(c["out_frame"]), FadeIn(c["out_title"]), run_time=1.0)
        self.play_p(Create(c["spot"]), TransformFromCopy(c["panel"].result_line[2], c["out_value"]),
                    FadeIn(c["out_note"]), run_time=1.2)
        self.mark("convolution", [(out.cell_center(r0, c0), out.color_of(r0, c0))])

    # -- 4. feature maps ---------------------------------------------------------------------
    def feature_maps(self) -> None:
        image = self.arr("image")  # forward_pass.image
        kernels = self.arr("conv1_weight")  # forward_pass.conv1_weight: (20, 5, 5)
        maps = self.arr("conv1")  # forward_pass.conv1: (20, 24, 24), before ReLU
        k = int(self.fp.worked.kernel)  # forward_pass.worked.kernel: the kernel worked out before
        n, mh, mw = maps.shape
        self.values.update(n_maps=n)
        fp = self.d.forward_pass
        self.record(length(fp.conv1), n)
        self.record(length(fp.conv1[0]), mh)
        self.record(length(fp.conv1_weight[0]), kernels.shape[1])
        # The input convolved with every kernel gives one map per kernel
        inputs = self._fm_inputs(image, kernels)
        k_atlas = inputs[3]  # the kernels
        atlas, bar = self._fm_maps(maps)
        flow = tk.LayerFlow(k_atlas, atlas, label="", color=self.theme.muted)
        atlas_title = self.caption_above(atlas, "fm_maps", size=22, n=n, h=mh, w=mw)
        colour_note = self.caption_below(atlas, "fm_colours", size=20)
        self.on_stage(*inputs, atlas, bar, flow, atlas_title, colour_note)

        # Show the input, then the kernels
        self.play_p(*[FadeIn(m) for m in inputs[:2]], run_time=0.8)
        self.play_p(*[FadeIn(m) for m in inputs[2:]], run_time=1.2)
        self.wait_p(1.0)
        # Their maps, on one colour scale
        self.play_p(GrowFromEdge(flow, LEFT), run_time=0.8)
        self.play_p(FadeIn(atlas), FadeIn(bar), FadeIn(atlas_title), FadeIn(colour_note),
                    run_time=1.5)
        self.wait_p(2.0)
        # The kernel worked out before, and its map
        r1, r2, pair = self._fm_pair(k_atlas, atlas, k)
        self.play_p(Create(r1), Create(r2), FadeIn(pair), run_time=1.0)
        self.mark("feature_maps", self._fm_probe(atlas, maps[k], k))
        self.wait_p(3.0)

    # -- 5. ReLU -----------------------------------------------------------------------------
    def relu(self) -> None:
        k = int(self.fp.worked.kernel)  # forward_pass.worked.kernel: the same map as before
        before = self.arr("conv1")[k]  # forward_pass.conv1[k]
        after = self.arr("relu1")[k]  # forward_pass.relu1[k]
        lim = tk.symmetric_limit(before)
        zr, zc = findings.mixed_window(before, RELU_ZOOM)
        # Map k before and after ReLU, each with the numbers of one window
        g1, f1, t1, w1, z1 = self._relu_side(before, -4.3, "relu_before", self.d.forward_pass.conv1,
                                             k, lim, (zr, zc))
        g2, f2, t2, w2, z2 = self._relu_side(after, 4.3, "relu_after", self.d.forward_pass.relu1,
                                             k, lim, (zr, zc))
        for l2, l1 in zip(z2.labels, z1.labels):  # one number size on both sides
            l2.scale(l1.height / l2.height)
        formula, arrow = self._relu_rule()
        count = self._relu_count(before, k)
        zeroed = self._zeroed_cells(z2, before, zr, zc)

        # The map before ReLU, and one window's numbers
        self.play_p(FadeIn(g1), FadeIn(f1), FadeIn(t1), run_time=1.0)
        self.play_p(Create(w1), TransformFromCopy(w1, z1.squares), run_time=1.2)
        self.play_p(FadeIn(z1.labels), run_time=0.5)
        self.wait_p(2.0)
        # ReLU keeps the positives and sets the negatives to zero
        self.play_p(Write(formula), GrowFromEdge(arrow, LEFT), run_time=1.2)
        self.play_p(TransformFromCopy(g1, g2), FadeIn(f2), FadeIn(t2), run_time=1.5)
        self.play_p(Create(w2), TransformFromCopy(z1.squares, z2.squares), run_time=1.2)
        self.play_p(FadeIn(z2.labels), run_time=0.6)
        if len(zeroed):
            self.play_p(Create(zeroed), run_time=0.8)
        # How many values it zeroed
        self.play_p(FadeIn(count), run_time=0.8)
        self.mark("relu", [(g2.cell_center(zr, zc), g2.color_of(zr, zc))])
        self.wait_p(3.0)

    # -- 6. max-pooling ----------------------------------------------------------------------
    def pooling(self) -> None:
        k = int(self.fp.worked.kernel)  # forward_pass.worked.kernel
        m = self.arr("relu1")[k]  # forward_pass.relu1[k]
        p = self.arr("pool1")[k]  # forward_pass.pool1[k]
        f = m.shape[0] // p.shape[0]  # the pooling size follows from the two shapes
        self.values.update(f=f)
        self.record(length(self.d.forward_pass.relu1[0]) // length(self.d.forward_pass.pool1[0]), f)
        at = findings.pool_window(m, p, f)
        # The map after ReLU beside the pooled map; one window of each, and its zoom
        left, right, lt, rt = self._pool_maps(m, p, k)
        w_left = left.window(0, 0, f, f, color=self.theme.accent)
        w_right = right.window(0, 0, 1, 1, color=self.theme.accent)
        zoom, top, best = self._pool_zoom(left, m, k, f, at)
        result, down, max_label, size_note = self._pool_result(right, zoom, m, p, k, at)
        zoom_title = self.small("pool_window", size=20, f=f).next_to(zoom, UP, buff=0.15)

        # Show both maps; the windows slide together
        self.play_p(FadeIn(left), FadeIn(lt), run_time=1.0)
        self.play_p(FadeIn(right), FadeIn(rt), run_time=1.0)
        self.pool_slide(left, right, w_left, w_right, f, findings.slide_stops(p.shape[1], *at))
        # Zoom into the chosen window
        self.play_p(TransformFromCopy(w_left, zoom.squares), FadeIn(zoom_title), run_time=1.0)
        self.play_p(FadeIn(zoom.labels), run_time=0.5)
        self.wait_p(1.5)
        # Keep the largest value: its square moves, its number appears in place (no digits
        # sliding over the label)
        self.play_p(Create(best), GrowFromEdge(down, UP), FadeIn(max_label), run_time=1.0)
        self.play_p(TransformFromCopy(top, result.squares), FadeIn(result.labels), run_time=1.0)
        self.play_p(Indicate(w_right, color=self.theme.accent), run_time=0.8)
        # Every window becomes one cell: the map shrinks
        self.play_p(FadeIn(size_note), run_time=0.6)
        self.mark("pooling", [(right.cell_center(*at) + np.array([0.1, 0.1, 0]),
                               right.color_of(*at))])
        self.wait_p(2.5)

    def pool_slide(self, left: tk.PixelGrid, right: tk.PixelGrid, w_left: Any, w_right: Any,
                   f: int, stops: list[tuple[int, int]]) -> None:
        """The window slides over the map, its pooled cell over the pooled map in step."""
        self.play_p(Create(w_left), Create(w_right), run_time=0.6)
        for i, j in stops:
            tl = left.window(i * f, j * f, f, f).get_center()
            tr = right.window(i, j, 1, 1).get_center()
            self.play_p(w_left.animate.move_to(tl), w_right.animate.move_to(tr), run_time=0.45)

    # -- 7. conv2 and pool2 ------------------------------------------------------------------
    def deeper(self) -> None:
        pool1 = self.arr("pool1")  # forward_pass.pool1: (20, 12, 12)
        conv2 = self.arr("conv2")  # forward_pass.conv2: (50, 8, 8), before ReLU
        pool2 = self.arr("pool2")  # forward_pass.pool2: (50, 4, 4)
        n1, n2, p = pool1.shape[0], conv2.shape[0], pool2.shape[1]
        self.values.update(n1=n1, n2=n2, p=p)
        fp = self.d.forward_pass
        for ref, v in ((length(fp.pool1), n1), (length(fp.conv2), n2), (length(fp.pool2[0]), p)):
            self.record(ref, v)
        # pool1 -> conv2 -> pool2, each named with its shape
        a1, a2, a3 = self._deeper_atlases(pool1, conv2, pool2)
        f1, f2 = self.flow(a1, a2, "deeper_conv2"), self.flow(a2, a3, "deeper_pool2")
        notes = self._deeper_notes([a1, a2, a3], (pool1, conv2, pool2))
        params_note = self._deeper_params(conv2, n1, n2, notes)
        best, best_note = self._deeper_best(pool2, VGroup(*notes) if params_note is None
                                            else params_note)
        self.on_stage(a1, a2, a3, f1, f2, *notes, *([params_note] if params_note else []), best_note)

        # A second convolution over pool1's maps, and what it costs
        self.play_p(FadeIn(a1), FadeIn(notes[0]), run_time=1.0)
        self.play_p(GrowFromEdge(f1, LEFT), run_time=0.8)
        self.play_p(FadeIn(a2), FadeIn(notes[1]), run_time=1.2)
        if params_note is not None:
            self.play_p(FadeIn(params_note), run_time=0.8)
        self.wait_p(2.0)
        # A second pooling
        self.play_p(GrowFromEdge(f2, LEFT), run_time=0.8)
        self.play_p(FadeIn(a3), FadeIn(notes[2]), run_time=1.2)
        # The most active map, followed from conv2 to pool2
        self.play_p(Create(a2.tile_rect(best, color=self.theme.accent, stroke_width=3)),
                    Create(a3.tile_rect(best, color=self.theme.accent, stroke_width=3)),
                    FadeIn(best_note), run_time=1.0)
        self.mark("deeper")
        self.wait_p(2.0)

    # -- 8. flatten, FC 500, logits ----------------------------------------------------------
    def classifier(self) -> None:
        pool2 = self.arr("pool2")  # forward_pass.pool2
        flat = pool2.reshape(-1)  # the same numbers, in the order the model flattens them
        fc = self.arr("fc1")  # forward_pass.fc1: FC 500 after ReLU
        z = np.asarray(self.fp.softmax.logits, float)  # forward_pass.softmax.logits
        pred = int(self.fp.softmax.pred)  # forward_pass.softmax.pred
        self.values.update(flat=flat.size, hidden=fc.size, classes=z.size)
        self.show(entries(self.d.forward_pass.pool2))
        self.record(length(self.d.forward_pass.fc1), fc.size)
        self.record(length(self.d.forward_pass.softmax.logits), z.size)
        # pool2's maps, flattened into one column, FC 500, then the ten logits
        atlas, a_note = self._pool2_atlas(pool2)
        s1, s2, t1, t2 = self._fc_strips(flat, fc)
        fc_note = self._fc_zero_note(fc, s2)
        scale_key = self._viridis_key(a_note)
        chart, t3 = self._logit_chart(z, pred)
        fl1, fl2, fl3 = self._classifier_arrows(atlas, s1, s2, chart)

        # Flatten: the maps become one column of numbers
        self.play_p(FadeIn(atlas), FadeIn(a_note), FadeIn(scale_key), GrowFromEdge(fl1, LEFT),
                    GrowFromEdge(s1, UP), FadeIn(t1), run_time=1.2)
        self.wait_p(1.5)
        # A fully connected layer, many of its units zeroed by ReLU
        self.play_p(GrowFromEdge(fl2, LEFT), run_time=0.6)
        self.play_p(GrowFromEdge(s2, UP), FadeIn(t2), run_time=1.5)
        self.play_p(FadeIn(fc_note), run_time=0.6)
        self.wait_p(1.5)
        # One score per class: the logits
        self.play_p(GrowFromEdge(fl3, LEFT), run_time=0.6)
        self.play_p(FadeIn(chart), FadeIn(t3), run_time=1.5)
        self.mark("classifier")
        self.wait_p(3.0)

    # -- 9. softmax and the prediction -------------------------------------------------------
    def softmax(self) -> None:
        out = self.fp.softmax  # forward_pass.softmax: logits, probs, pred
        z, probs = np.asarray(out.logits, float), np.asarray(out.probs, float)
        pred, label = int(out.pred), int(self.fp.label)  # forward_pass.softmax.pred, .label
        p = float(probs[pred])
        self.values.update(pred=pred, label=label, p=tk.format_number(p, "{:.3f}"))
        drawn = self.d.forward_pass.softmax
        for i in range(z.size):
            self.show(drawn.logits[i])
            if i == pred or probs[i] >= PROB_LABEL_MIN:  # the probabilities that get a label
                self.show(drawn.probs[i])
        # Logits on the left, probabilities on the right, the softmax formula between them
        zc, pc = self._softmax_charts(z, probs, pred)
        zt, pt, top = self._softmax_titles(zc, pc)
        formula, arrow, sum_note = self._softmax_rule(top, probs)
        digit, lines = self._prediction(pred, label, p)

        # Show the logits and the formula
        self.play_p(FadeIn(zc), FadeIn(zt), run_time=1.2)
        self.play_p(Write(formula), run_time=1.5)
        self.wait_p(1.5)
        # The probabilities grow from the logits; they sum to one
        self.play_p(GrowFromEdge(arrow, LEFT),
                    LaggedStart(*[GrowFromEdge(b, DOWN) for b in pc.bars], lag_ratio=0.05),
                    run_time=1.5)
        self.play_p(FadeIn(pc.baseline), FadeIn(pc.class_texts), FadeIn(pc.value_texts),
                    FadeIn(pt), FadeIn(sum_note), run_time=1.0)
        self.add(pc)
        self.wait_p(2.0)
        # The prediction: the most probable class, and whether it is right
        self.play_p(FadeIn(digit), FadeIn(lines[0]), run_time=0.8)
        self.play_p(FadeIn(lines[1]), Indicate(pc.bars[pred], color=self.theme.accent),
                    run_time=1.0)
        self.play_p(FadeIn(lines[2]), run_time=0.6)
        bar = pc.bars[pred]
        self.mark("softmax", [(bar.get_center(), self.theme.accent)] if bar.height > 0.15 else [])
        self.wait_p(3.0)

    # -- 10. architecture --------------------------------------------------------------------
    def architecture(self) -> None:
        layers = self.data.training.layers  # training.layers: name, shape, params
        # Every layer with its output shape and parameters, then the total
        table, total = self._layer_table(layers)
        # The largest layer's share of them
        big, share = findings.largest_layer([layer.params for layer in layers])
        rows = self.d.training.layers
        self.record(rows[big].params / sum_over(rows, "params"), share)
        note = self.small("arch_note", size=24, color=self.theme.accent,
                          name=self.layer_name(layers[big]),
                          share=share).next_to(table, DOWN, buff=0.3)
        tk.fit_within(note, 12.5, 0.6)
        self.values.update(total=f"{total:,}", big=self.layer_name(layers[big]),
                           share=tk.format_number(share, "{:.0%}"))

        self.architecture_rows(table, [layer.key for layer in layers])
        self.play_p(Create(table.highlight_row(big + 1, color=self.theme.accent, buff=0.08)),
                    FadeIn(note), run_time=1.0)
        self.mark("architecture")
        self.wait_p(3.0)

    def architecture_rows(self, table: Any, keys: list[str]) -> None:
        """The table on its sentences: header; the convolution rows; the fully connected rows;
        then the total (row len(keys) + 1) with the largest layer's share."""
        n_conv = findings.conv_part(keys)
        self.play_p(FadeIn(table.row(0)), Create(table.rule), run_time=0.8)
        for rows in (range(1, n_conv + 1), range(n_conv + 1, len(keys) + 1)):
            self.say()
            self.play_p(LaggedStart(*[FadeIn(table.row(r), shift=RIGHT * 0.2) for r in rows],
                                    lag_ratio=0.25), run_time=1.5)
            self.wait_p(1.0)
        self.say()  # the total and the largest share
        self.play_p(FadeIn(table.row(len(keys) + 1), shift=RIGHT * 0.2), run_time=0.6)

    # -- 11. training curves -----------------------------------------------------------------
    def training(self) -> None:
        hist = self.data.training.history["softmax"]  # training.history.softmax: one row an epoch
        names = (self.t("legend_train"), self.t("legend_heldout"))
        colors = [self.theme.train, self.theme.heldout]  # neutral greys, not a model's colour
        # Loss and accuracy per epoch, train and held-out, with a legend and where they came from
        epochs, loss, acc = self._history(hist, names)
        lc, ac = self._training_charts(epochs, loss, acc, colors)
        legend = self._training_legend(names, colors).next_to(VGroup(lc, ac), UP, buff=0.2)
        note = self._training_note(hist).next_to(VGroup(lc, ac), DOWN, buff=0.25)
        self.on_stage(lc, ac, legend, note)

        # The empty charts and the legend
        self.play_p(FadeIn(lc.frame), FadeIn(ac.frame), FadeIn(legend), run_time=1.2)
        # One curve after the other: train, then held-out
        for name in names:
            self.play_p(lc.create_series(name), ac.create_series(name), run_time=2.0)
        self.add(lc, ac)
        # The data and the final held-out accuracy
        self.play_p(FadeIn(note), run_time=0.8)
        self.mark("training")
        self.wait_p(3.5)


__all__ = ["CNNForwardPass"]
