"""Sequence 1: a CNN's forward pass, followed on one real held-out digit.

Reads like the script of the video. Every number on screen comes from ``scene_data`` (the
field is named in a comment next to each use, and recorded in ``self.shown_numbers`` as a
Python expression over ``forward_pass`` / ``training`` that the tests evaluate); every word
comes from the ``cnn_forward_pass`` block of the lecture YAML.

    from scenes.seq1_cnn_forward_pass import CNNForwardPass
    CNNForwardPass(lecture=load_lecture("scenes/lectures/default.yaml"),
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
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    Group,
    GrowFromEdge,
    Indicate,
    LaggedStart,
    MathTex,
    Mobject,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

from scenes import visuals as tk
from scenes.base import LectureScene


#: cell of the worked patch, kernel and products: the kernel's signed two-decimal weights
#: ("−0.11") then stand 22 px high at 1080p (docs/design-rules.md)
CONV_CELL = 0.82
#: cell of the input digit's grid during the convolution (28 cells: 3.36 units)
INPUT_CELL = 0.12
#: value labels of the bar charts may fill 95% of a slot: logits like "−4.9" 22 px high
LABEL_FILL = 0.95
#: ten numbers side by side in a chart 5.7 units wide stand 22 px high only when short: logits
#: as whole numbers, probabilities with one decimal (the prediction's is written out in full)
LOGIT_FORMAT, PROB_FORMAT = "{:.0f}", "{:.1f}"


class CNNForwardPass(LectureScene):
    """One held-out digit through the trained LeNet (softmax model), layer by layer."""


    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: section -> scene time at which its main picture is complete (for frame checks)
        self.marks: dict[str, float] = {}
        #: section -> [(scene point, expected hex colour)] to probe in the frame at its mark
        self.probes: dict[str, list[tuple[np.ndarray, str]]] = {}
        #: parts that leave the frame at a mark: "section: description" (should stay empty)
        self.layout_issues: list[str] = []
        #: named mobjects whose geometry the tests read (e.g. "pixel_grid")
        self.parts: dict[str, Mobject] = {}

    # -- helpers -----------------------------------------------------------------------------
    def num(self, value: float, source: str, fmt: tk.NumberFormat = "{:.2f}", size: float = 28,
            color: str | None = None) -> Mobject:
        return self.text(self.fmt(value, source, fmt), size=size, color=color)

    def small(self, key: str, size: float = 22, color: str | None = None, **values: Any) -> Mobject:
        return self.label(key, size=size, color=color or self.theme.muted, **values)

    def flow(self, a: Mobject, b: Mobject, key: str, size: float = 20) -> VGroup:
        """An arrow from ``a`` to ``b`` (at ``a``'s height) with a YAML label above it."""
        arrow = Arrow(a.get_right(), np.array([b.get_left()[0], a.get_y(), 0]), buff=0.15,
                      color=self.theme.muted)
        lab = self.small(key, size=size).next_to(arrow, UP, buff=0.1)
        tk.fit_within(lab, max(arrow.get_length() + 0.3, 0.5), 1.0)
        return VGroup(arrow, lab)

    def label(self, key: str, size: float = 24, color: str | None = None, **values: Any) -> Mobject:
        """A YAML string as centred lines of Text (explicit ``\\n`` breaks kept)."""
        lines = [self.text(line, size=size, color=color or self.theme.text)
                 for line in self.t(key, **values).split("\n")]
        return lines[0] if len(lines) == 1 else VGroup(*lines).arrange(DOWN, buff=0.1)

    def mark(self, section: str, probes: list[tuple[np.ndarray, str]] | None = None) -> None:
        """Remember when ``section``'s picture is complete, and check that it fits the frame."""
        self.marks[section] = self.renderer.time
        self.probes[section] = list(probes or [])
        half_w, half_h = tk.FRAME_WIDTH / 2, tk.FRAME_HEIGHT / 2
        for mob in self.mobjects:
            for m in mob.get_family():
                pts = getattr(m, "points", None)
                if pts is None or len(pts) == 0:
                    continue
                x0, y0 = pts[:, 0].min(), pts[:, 1].min()
                x1, y1 = pts[:, 0].max(), pts[:, 1].max()
                if x0 < -half_w or x1 > half_w or y0 < -half_h or y1 > half_h:
                    self.layout_issues.append(
                        f"{section}: {type(m).__name__} x[{x0:.2f}, {x1:.2f}] y[{y0:.2f}, {y1:.2f}]")

    @property
    def fp(self) -> Any:
        return self.data.forward_pass

    def arr(self, name: str) -> np.ndarray:
        """A forward_pass field as a float array."""
        return np.asarray(getattr(self.fp, name), dtype=float)

    def layer_index(self, shape: tuple[int, ...], with_params: bool | None = None) -> int | None:
        """The index in training.layers of the layer with this output shape."""
        for i, layer in enumerate(self.data.training.layers):
            if tuple(layer.shape) == tuple(shape) and (
                    with_params is None or (layer.params > 0) == with_params):
                return i
        return None

    @property
    def signed_cmap(self) -> tk.Colormap:
        """Signed values (weights, maps before ReLU): the lecture's theme.negative - white -
        theme.positive, never the models' colours."""
        return tk.diverging_colormap(self.theme.negative, self.theme.positive)

    def gray(self, values: np.ndarray, height: float) -> Group:
        """A grey image (values in [0, 1]) with a thin border."""
        img = tk.image_mobject(tk.colorize(values, tk.GRAY, 0.0, 1.0), height=height)
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.5).move_to(img)
        return Group(img, border)

    def strip(self, values: np.ndarray, height: float, width: float, vmax: float) -> Group:
        """A vector drawn as a vertical strip of cells (one image, top = index 0)."""
        rgb = tk.colorize(np.asarray(values, float)[:, None], tk.VIRIDIS, 0.0, vmax)
        img = tk.image_mobject(rgb, width=width, height=height)
        border = Rectangle(width=width, height=height, stroke_color=self.theme.muted,
                           stroke_width=1.5).move_to(img)
        return Group(img, border)

    @staticmethod
    def classes_at_zero(chart: Any, values: np.ndarray, gap: float = 0.1) -> None:
        """Class labels next to the zero line (away from their bar); value labels enlarged."""
        y0 = chart.baseline.get_y()
        for t, v in zip(chart.class_texts, values):
            t.scale(0.8)
            side = -1.0 if v >= 0 else 1.0
            t.move_to([t.get_x(), y0 + side * (gap + t.height / 2), 0])
        # value labels as large as the bar slots allow
        widest = max((t.width for t in chart.value_texts), default=0.0)
        slot = chart.baseline.width / (chart.n + 0.2 / chart.slot)
        if widest > 0:
            f = min(1.3, 0.95 * slot / widest)
            for t, v in zip(chart.value_texts, values):
                if t.width > 0:
                    t.scale(f, about_point=t.get_bottom() if v >= 0 else t.get_top())

    def caption_above(self, mob: Mobject, key: str, size: float = 24, buff: float = 0.2,
                      color: str | None = None, **values: Any) -> Mobject:
        return self.label(key, size=size, color=color, **values).next_to(mob, UP, buff=buff)

    def caption_below(self, mob: Mobject, key: str, size: float = 22, buff: float = 0.2,
                      color: str | None = None, **values: Any) -> Mobject:
        return self.small(key, size=size, color=color, **values).next_to(mob, DOWN, buff=buff)

    # -- 1. the task -------------------------------------------------------------------------
    def task(self) -> None:
        image = self.arr("image")  # forward_pass.image: the chosen held-out digit, 28x28 in [0,1]
        idx = int(self.fp.heldout_index)  # forward_pass.heldout_index
        n_classes = len(self.fp.softmax.probs)  # forward_pass.softmax.probs: one per class
        self.value("forward_pass.heldout_index")
        self.record("len(forward_pass.softmax.probs)", n_classes)

        question = self.label("task_question", size=34).move_to(UP * 2.6)
        digit = self.gray(image, 3.4).move_to(LEFT * 4.6 + DOWN * 0.2)
        digit_note = self.caption_below(digit, "task_input", index=idx)
        box = RoundedRectangle(width=2.6, height=1.6, corner_radius=0.15,
                               stroke_color=self.theme.accent, stroke_width=3)
        box_text = self.label("cnn_box", size=30)
        cnn = VGroup(box, box_text.move_to(box)).move_to(LEFT * 0.4 + DOWN * 0.2)
        classes = VGroup(*[
            VGroup(Rectangle(width=0.75, height=0.75, stroke_color=self.theme.muted,
                             stroke_width=2), self.text(str(k), size=32))
            for k in range(n_classes)])
        for c in classes:
            c[1].move_to(c[0])
        classes.arrange_in_grid(cols=5, buff=0.18).move_to(RIGHT * 4.3 + DOWN * 0.2)
        classes_note = self.caption_below(classes, "task_classes", n=n_classes)
        a1 = Arrow(digit.get_right(), cnn.get_left(), buff=0.25, color=self.theme.muted)
        a2 = Arrow(cnn.get_right(), classes.get_left(), buff=0.25, color=self.theme.muted)

        self.play_p(FadeIn(digit), FadeIn(digit_note), run_time=1.2)
        self.play_p(Write(question), run_time=1.2)
        self.play_p(GrowFromEdge(a1, LEFT), FadeIn(cnn), run_time=1.0)
        self.play_p(GrowFromEdge(a2, LEFT),
                    LaggedStart(*[FadeIn(c) for c in classes], lag_ratio=0.1), FadeIn(classes_note),
                    run_time=1.5)
        br, bc = np.unravel_index(int(np.argmax(image)), image.shape)  # the brightest pixel
        probe = tk.image_cell_center(digit[0], image.shape[0], image.shape[1], br, bc)
        self.mark("task", [(probe, tk.GRAY.hex(float(image[br, bc])))])
        self.wait_p(2.5)

    # -- 2. pixels ---------------------------------------------------------------------------
    def pixels(self) -> None:
        image = self.arr("image")  # forward_pass.image
        h, w = image.shape
        self.values.update(h=h, w=w)
        self.record("len(forward_pass.image)", h)
        self.record("len(forward_pass.image[0])", w)
        wk = self.fp.worked  # forward_pass.worked: the patch shown here is the one worked out next
        r0, c0 = int(wk.row), int(wk.col)
        kh, kw = np.asarray(wk.patch).shape

        grid = tk.PixelGrid(image, cell=0.21, font=self.theme.font, grid_color=self.theme.muted)
        grid.move_to(LEFT * 3.7 + DOWN * 0.55)
        self.parts["pixel_grid"] = grid
        size_note = self.caption_above(grid, "pixels_size", size=24, h=h, w=w, n=h * w)
        window = grid.window(r0, c0, kh, kw, color=self.theme.accent)
        zoom = grid.zoom_numbers(r0, c0, kh, kw, cell=0.82, number_format=tk.FMT_UNIT,
                                 font=self.theme.font)
        for i in range(kh):
            for j in range(kw):
                # forward_pass.image[r][c]: the pixel values written in the zoom
                self.value(f"forward_pass.image[{r0 + i}][{c0 + j}]")
        zoom.move_to(RIGHT * 3.6 + DOWN * 0.1)
        self.value("forward_pass.worked.row")
        self.value("forward_pass.worked.col")
        zoom_title = self.caption_above(zoom, "pixels_zoom", size=24, r0=r0, r1=r0 + kh - 1,
                                        c0=c0, c1=c0 + kw - 1)
        scale_note = self.caption_below(zoom, "pixels_scale", size=22)
        self.on_stage(grid, size_note, window, zoom, zoom_title, scale_note)

        self.play_p(FadeIn(grid), FadeIn(size_note), run_time=0.8)
        self.wait_p(1.0)
        self.play_p(Create(window), run_time=0.8)
        self.play_p(TransformFromCopy(window, zoom.squares), run_time=1.5)
        self.play_p(FadeIn(zoom.labels), FadeIn(zoom_title), run_time=1.0)
        self.play_p(FadeIn(scale_note), run_time=0.6)
        # probe: the brightest pixel of the window, in the big grid and in the zoom
        bi, bj = np.unravel_index(int(np.argmax(image[r0:r0 + kh, c0:c0 + kw])), (kh, kw))
        self.mark("pixels", [(grid.cell_center(r0 + bi, c0 + bj), grid.color_of(r0 + bi, c0 + bj)),
                             (zoom.square(bi, bj).get_corner(UP + LEFT) + np.array([0.08, -0.08, 0]),
                              grid.color_of(r0 + bi, c0 + bj))])
        self.wait_p(3.0)

    # -- 3. convolution ----------------------------------------------------------------------
    def convolution(self) -> None:
        """Slide the kernel, multiply one patch by it cell by cell, add up, land in the map."""
        wk = self.fp.worked  # forward_pass.worked: kernel, row, col, patch, weights, bias, value
        patch = np.asarray(wk.patch, float)  # forward_pass.worked.patch
        kh, kw = patch.shape
        self.values.update(kh=kh, kw=kw)
        c = self.conv_layout(self.conv_panel())
        self.conv_slide(c)
        self.conv_multiply(c)
        self.conv_sum(c)
        self.conv_land(c)
        self.wait_p(2.5)

    def conv_panel(self) -> tk.MultiplyAddPanel:
        """The worked position's multiply-add, checked against the stored value and the map."""
        wk = self.fp.worked
        k, r0, c0 = int(wk.kernel), int(wk.row), int(wk.col)
        patch, weights = np.asarray(wk.patch, float), np.asarray(wk.weights, float)
        panel = tk.MultiplyAddPanel(patch, weights, float(wk.bias), cell=CONV_CELL, theme=self.theme,
                                    cmap=self.signed_cmap, font_size=28, result_color=self.theme.accent,
                                    sum_label=self.t("sum_label"), bias_label=self.t("bias_label"),
                                    result_label=self.t("result_label"))
        panel.check(float(wk.value))  # the stored value must be the sum shown
        panel.check(self.arr("conv1")[k][r0, c0])  # ... and the real feature-map value
        for i in range(patch.shape[0]):
            for j in range(patch.shape[1]):
                self.value(f"forward_pass.worked.patch[{i}][{j}]")
                self.value(f"forward_pass.worked.weights[{i}][{j}]")
                self.record(f"forward_pass.worked.patch[{i}][{j}] * forward_pass.worked.weights[{i}][{j}]",
                            panel.products[i, j])
        self.record("sum(forward_pass.worked.patch * forward_pass.worked.weights)", panel.total)
        self.value("forward_pass.worked.bias")
        self.record("forward_pass.worked.value", panel.result)
        return panel

    def conv_layout(self, panel: tk.MultiplyAddPanel) -> dict[str, Any]:
        """One row: input grid | patch × kernel. Later beats put the products in the patch's
        place, the sum in the kernel's, and the feature map in the input grid's."""
        wk = self.fp.worked
        k, r0, c0 = int(wk.kernel), int(wk.row), int(wk.col)
        image = self.arr("image")  # forward_pass.image
        kh, kw = np.asarray(wk.patch).shape
        c: dict[str, Any] = {"panel": panel, "k": k, "r0": r0, "c0": c0, "kh": kh, "kw": kw}
        c["grid"] = tk.PixelGrid(image, cell=INPUT_CELL, font=self.theme.font, grid_opacity=0.3)
        c["patch"] = tk.ValueCells(panel.patch, cell=CONV_CELL,
                                   colors=tk.colorize(panel.patch, tk.GRAY, 0, 1), font=self.theme.font)
        c["kernel"] = tk.KernelGrid(panel.weights, cell=CONV_CELL, font=self.theme.font,
                                    cmap=self.signed_cmap)
        c["times"] = MathTex(r"\times", font_size=44, color=self.theme.text)
        Group(c["grid"], c["patch"], c["times"], c["kernel"]).arrange(RIGHT, buff=0.3)
        c["grid_title"] = self.caption_above(c["grid"], "conv_input", size=22)
        c["patch_title"] = self.caption_above(c["patch"], "conv_patch", size=20, buff=0.12, r=r0, c=c0)
        self.value("forward_pass.worked.kernel")
        c["kernel_title"] = self.caption_above(c["kernel"], "conv_kernel", size=20, buff=0.12, k=k)
        c["products_title"] = self.caption_above(c["patch"], "conv_products", size=22, buff=0.12)
        panel.product_cells.move_to(c["patch"])
        panel.lines.move_to(c["kernel"]).align_to(c["kernel"], LEFT)
        self.conv_map_layout(c)
        self.on_stage(*[m for m in c.values() if isinstance(m, Mobject) and m is not panel],
                      panel.product_cells, panel.lines)
        c["window"] = c["grid"].window(0, 0, kh, kw, color=self.theme.accent)
        return c

    def conv_map_layout(self, c: dict[str, Any]) -> None:
        """The feature map the worked value belongs to, in the input grid's place and size."""
        k, r0, c0 = c["k"], c["r0"], c["c0"]
        fmap = self.arr("conv1")[k]  # forward_pass.conv1[k]: the map this position belongs to
        lim = tk.symmetric_limit(fmap)
        out = tk.PixelGrid(fmap, cell=c["grid"].width / fmap.shape[1], cmap=self.signed_cmap,
                           vmin=-lim, vmax=lim, grid_lines=False).move_to(c["grid"])
        c["out"] = out
        c["out_frame"] = Rectangle(width=out.width, height=out.height, stroke_color=self.theme.muted,
                                   stroke_width=1.5).move_to(out)
        # a box around the cell that stands out on orange and white: dark rim, light core
        cell_box = out.window(r0, c0, 1, 1, color=self.theme.background, stroke_width=2)
        ring = SurroundingRectangle(cell_box, buff=0.07)
        c["spot"] = VGroup(cell_box, ring.copy().set_stroke(self.theme.background, width=7),
                           ring.copy().set_stroke(self.theme.text, width=3))
        c["out_title"] = self.caption_above(out, "conv_map", size=22, k=k)
        self.value(f"forward_pass.conv1[{k}][{r0}][{c0}]")
        c["out_value"] = self.num(fmap[r0, c0], f"forward_pass.conv1[{k}][{r0}][{c0}]", "{:.3f}",
                                  size=26, color=self.theme.accent).next_to(out, DOWN, buff=0.2)
        c["out_note"] = self.small("conv_map_at", size=20, r=r0, c=c0)
        c["out_note"].next_to(c["out_value"], DOWN, buff=0.1)

    def conv_slide(self, c: dict[str, Any]) -> None:
        """The kernel next to the input; the window slides along the first row, then down."""
        grid, window, kh, kw = c["grid"], c["window"], c["kh"], c["kw"]
        self.play_p(FadeIn(grid), FadeIn(c["grid_title"]), run_time=1.0)
        self.play_p(FadeIn(c["kernel"]), FadeIn(c["kernel_title"]), run_time=1.0)
        self.wait_p(1.0)
        self.play_p(Create(window), run_time=0.5)
        n_cols = self.arr("image").shape[1] - kw + 1
        stops = [(0, col) for col in np.linspace(0, n_cols - 1, 4).astype(int)[1:]]
        stops += [(c["r0"], 0), (c["r0"], c["c0"])]
        for r, col in stops:
            target = grid.window(int(r), int(col), kh, kw, color=self.theme.accent)
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
        i, j = np.unravel_index(int(np.argmax(np.abs(panel.products))), panel.products.shape)
        term = panel.term(i, j, size=26).next_to(VGroup(patch, kernel), DOWN, buff=0.3)
        marks = VGroup(SurroundingRectangle(patch.square(i, j), color=self.theme.accent,
                                            buff=0.0, stroke_width=5),
                       SurroundingRectangle(kernel.square(i, j), color=self.theme.accent,
                                            buff=0.0, stroke_width=5))
        self.play_p(Create(marks), FadeIn(term), run_time=1.2)
        self.wait_p(2.5)
        self.play_p(FadeOut(term), FadeOut(marks), FadeOut(c["patch_title"]), run_time=0.6)
        # out, then in: two grids of numbers never blend in one place
        self.play_p(FadeOut(patch), run_time=0.6)
        self.play_p(FadeIn(panel.product_cells), FadeIn(c["products_title"]), run_time=0.6)
        self.wait_p(1.5)

    def conv_sum(self, c: dict[str, Any]) -> None:
        """The kernel has done its work: the sum of the products, plus the bias, in its place."""
        panel = c["panel"]
        self.play_p(FadeOut(c["kernel"]), FadeOut(c["times"]), FadeOut(c["kernel_title"]),
                    run_time=0.6)
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
        self.record("len(forward_pass.conv1)", n)
        self.record("len(forward_pass.conv1[0])", mh)
        self.record("len(forward_pass.conv1_weight[0])", kernels.shape[1])

        digit = self.gray(image, 2.0).move_to(LEFT * 5.7 + UP * 0.3)
        digit_note = self.caption_below(digit, "fm_input", size=20, h=image.shape[0],
                                        w=image.shape[1])
        conv = MathTex(r"\ast", font_size=60, color=self.theme.text)
        k_atlas = tk.FeatureMapAtlas(kernels, cols=5, width=2.7, mode="diverging", cmap=self.signed_cmap,
                                     separator_px=3, separator_color=self.theme.background)
        k_atlas.move_to(LEFT * 2.6 + UP * 0.3)
        conv.move_to((digit.get_right() + k_atlas.get_left()) / 2)
        k_note = self.caption_below(k_atlas, "fm_kernels", size=20, n=kernels.shape[0],
                                    kh=kernels.shape[1], kw=kernels.shape[2])
        atlas = tk.FeatureMapAtlas(maps, cols=5, width=5.6, mode="diverging", cmap=self.signed_cmap, separator_px=2)
        atlas.move_to(RIGHT * 2.55 + DOWN * 0.05)
        bar = tk.ColorBar(atlas.cmap, atlas.vmin, atlas.vmax, length=3.2, font=self.theme.font,
                          font_size=20, text_color=self.theme.muted)
        bar.next_to(atlas, RIGHT, buff=0.2)
        # the colour bar writes the shared limits: -max|conv1|, 0, +max|conv1|
        self.record("-max(abs(forward_pass.conv1))", atlas.vmin)
        self.record("max(abs(forward_pass.conv1))", atlas.vmax)
        flow = tk.LayerFlow(k_atlas, atlas, label="", color=self.theme.muted)
        atlas_title = self.caption_above(atlas, "fm_maps", size=22, n=n, h=mh, w=mw)
        colour_note = self.caption_below(atlas, "fm_colours", size=20)
        self.on_stage(digit, digit_note, conv, k_atlas, k_note, atlas, bar, flow, atlas_title,
                      colour_note)

        self.play_p(FadeIn(digit), FadeIn(digit_note), run_time=0.8)
        self.play_p(FadeIn(conv), FadeIn(k_atlas), FadeIn(k_note), run_time=1.2)
        self.wait_p(1.0)
        self.play_p(GrowFromEdge(flow, LEFT), run_time=0.8)
        self.play_p(FadeIn(atlas), FadeIn(bar), FadeIn(atlas_title), FadeIn(colour_note),
                    run_time=1.5)
        self.wait_p(2.0)
        r1 = k_atlas.tile_rect(k, color=self.theme.accent, buff=0.03)
        r2 = atlas.tile_rect(k, color=self.theme.accent, buff=0.03)
        pair = self.small("fm_pair", size=22, color=self.theme.accent, k=k)
        pair.next_to(k_atlas, UP, buff=0.25)
        self.play_p(Create(r1), Create(r2), FadeIn(pair), run_time=1.0)
        self.mark("feature_maps", [(atlas.pixel_center(k, r, c), tk.rgb_to_hex(
            tk.colorize(np.array([[maps[k, r, c]]]), atlas.cmap, atlas.vmin, atlas.vmax)[0, 0]))
            for r, c in [np.unravel_index(int(np.argmax(np.abs(maps[k]))), maps[k].shape)]])
        self.wait_p(3.0)

    # -- 5. ReLU -----------------------------------------------------------------------------
    def relu_window(self, m: np.ndarray, size: int = 4) -> tuple[int, int]:
        """A size x size window of map ``m`` with many negative AND positive values."""
        best, where = None, (0, 0)
        for r in range(m.shape[0] - size + 1):
            for c in range(m.shape[1] - size + 1):
                w = m[r:r + size, c:c + size]
                score = (min(int((w < 0).sum()), int((w > 0).sum())), float(np.abs(w).sum()))
                if best is None or score > best:
                    best, where = score, (r, c)
        return where

    def relu(self) -> None:
        k = int(self.fp.worked.kernel)  # forward_pass.worked.kernel: the same map as before
        before = self.arr("conv1")[k]  # forward_pass.conv1[k]
        after = self.arr("relu1")[k]  # forward_pass.relu1[k]
        lim = tk.symmetric_limit(before)
        zr, zc = self.relu_window(before)
        s = 4

        def side(values: np.ndarray, x: float, title_key: str, src: str) -> tuple[Any, ...]:
            grid = tk.PixelGrid(values, cell=0.075, cmap=self.signed_cmap, vmin=-lim,
                                vmax=lim, grid_lines=False)
            grid.move_to(RIGHT * x + UP * 1.65)
            frame = Rectangle(width=grid.width, height=grid.height, stroke_color=self.theme.muted,
                              stroke_width=1.5).move_to(grid)
            title = self.caption_above(grid, title_key, size=22, k=k)
            win = grid.window(zr, zc, s, s, color=self.theme.accent, stroke_width=3)
            # cells of 0.8: signed two-decimal numbers 22 px high (docs/design-rules.md)
            zoom = grid.zoom_numbers(zr, zc, s, s, cell=0.85, number_format="{:.2f}",
                                     font=self.theme.font)
            for i in range(s):
                for j in range(s):
                    self.value(f"{src}[{k}][{zr + i}][{zc + j}]")
            zoom.next_to(grid, DOWN, buff=0.2)
            return grid, frame, title, win, zoom

        g1, f1, t1, w1, z1 = side(before, -4.3, "relu_before", "forward_pass.conv1")
        g2, f2, t2, w2, z2 = side(after, 4.3, "relu_after", "forward_pass.relu1")
        for l2, l1 in zip(z2.labels, z1.labels):  # one number size on both sides
            l2.scale(l1.height / l2.height)
        formula = MathTex(r"\mathrm{ReLU}(x) = \max(0,\, x)", font_size=40,
                          color=self.theme.text).move_to(UP * 1.55)
        arrow = Arrow(LEFT * 1.6 + UP * 0.8, RIGHT * 1.6 + UP * 0.8, color=self.theme.accent)
        n_neg = int((before < 0).sum())  # values of forward_pass.conv1[k] below zero
        self.record(f"sum(forward_pass.conv1[{k}] < 0)", n_neg)
        self.value(f"forward_pass.conv1[{k}].size")
        count = VGroup(*[self.text(line, size=24) for line in
                         self.t("relu_count", n=n_neg, total=before.size).split("\n")])
        count.arrange(DOWN, buff=0.12).move_to(DOWN * 1.6)
        tk.fit_within(count, 5.4, 2.0)
        zeroed = VGroup(*[SurroundingRectangle(z2.square(i, j), color=self.theme.accent, buff=0,
                                               stroke_width=4)
                          for i in range(s) for j in range(s) if before[zr + i, zc + j] < 0])

        self.play_p(FadeIn(g1), FadeIn(f1), FadeIn(t1), run_time=1.0)
        self.play_p(Create(w1), TransformFromCopy(w1, z1.squares), run_time=1.2)
        self.play_p(FadeIn(z1.labels), run_time=0.5)
        self.wait_p(2.0)
        self.play_p(Write(formula), GrowFromEdge(arrow, LEFT), run_time=1.2)
        self.play_p(TransformFromCopy(g1, g2), FadeIn(f2), FadeIn(t2), run_time=1.5)
        self.play_p(Create(w2), TransformFromCopy(z1.squares, z2.squares), run_time=1.2)
        self.play_p(FadeIn(z2.labels), run_time=0.6)
        if len(zeroed):
            self.play_p(Create(zeroed), run_time=0.8)
        self.play_p(FadeIn(count), run_time=0.8)
        self.mark("relu", [(g2.cell_center(zr, zc), g2.color_of(zr, zc))])
        self.wait_p(3.0)

    # -- 6. max-pooling ----------------------------------------------------------------------
    def pool_window(self, m: np.ndarray, p: np.ndarray, f: int) -> tuple[int, int]:
        """The pooling window with the most distinct positive values (then the widest range)."""
        best, where = None, (0, 0)
        for i in range(p.shape[0]):
            for j in range(p.shape[1]):
                w = m[i * f:(i + 1) * f, j * f:(j + 1) * f]
                score = (len(set(np.round(w[w > 0], 4).tolist())), float(w.max() - w.min()))
                if best is None or score > best:
                    best, where = score, (i, j)
        return where

    def pooling(self) -> None:
        k = int(self.fp.worked.kernel)  # forward_pass.worked.kernel
        m = self.arr("relu1")[k]  # forward_pass.relu1[k]
        p = self.arr("pool1")[k]  # forward_pass.pool1[k]
        f = m.shape[0] // p.shape[0]  # the pooling size follows from the two shapes
        self.values.update(f=f)
        self.record("len(forward_pass.relu1[0]) // len(forward_pass.pool1[0])", f)
        pi, pj = self.pool_window(m, p, f)
        win_vals = m[pi * f:(pi + 1) * f, pj * f:(pj + 1) * f]
        if not np.isclose(win_vals.max(), p[pi, pj], rtol=1e-4, atol=1e-5):
            raise ValueError(f"pool1[{k}][{pi}][{pj}] = {p[pi, pj]} is not the max of its "
                             f"window {win_vals.tolist()}: scene_data is inconsistent")
        # the same colours as map k in the ReLU section: limits of forward_pass.conv1[k]
        lim = tk.symmetric_limit(self.arr("conv1")[k])

        left = tk.PixelGrid(m, cell=0.19, cmap=self.signed_cmap, vmin=-lim, vmax=lim,
                            grid_opacity=0.25).move_to(LEFT * 4.3 + DOWN * 0.2)
        right = tk.PixelGrid(p, cell=0.38, cmap=self.signed_cmap, vmin=-lim, vmax=lim,
                             grid_opacity=0.35).move_to(RIGHT * 4.3 + DOWN * 0.2)
        lt = self.caption_above(left, "pool_before", size=22, k=k, h=m.shape[0], w=m.shape[1])
        rt = self.caption_above(right, "pool_after", size=22, k=k, h=p.shape[0], w=p.shape[1])
        for name, arr in (("relu1", m), ("pool1", p)):
            self.record(f"len(forward_pass.{name}[0])", arr.shape[0])

        w_left = left.window(0, 0, f, f, color=self.theme.accent)
        w_right = right.window(0, 0, 1, 1, color=self.theme.accent)
        zoom = left.zoom_numbers(pi * f, pj * f, f, f, cell=0.95, number_format="{:.2f}",
                                 font=self.theme.font).move_to(UP * 0.9)
        for a in range(f):
            for b in range(f):
                self.value(f"forward_pass.relu1[{k}][{pi * f + a}][{pj * f + b}]")
        ai, bi = np.unravel_index(int(np.argmax(win_vals)), win_vals.shape)
        best = SurroundingRectangle(zoom.square(ai, bi), color=self.theme.accent, buff=0,
                                    stroke_width=6)
        result = tk.ValueCells(np.array([[p[pi, pj]]]), cell=0.95,
                               colors=right.rgb[pi:pi + 1, pj:pj + 1], number_format="{:.2f}",
                               font=self.theme.font).move_to(DOWN * 1.6)
        self.value(f"forward_pass.pool1[{k}][{pi}][{pj}]")
        down = Arrow(zoom.get_bottom(), result.get_top(), buff=0.12, color=self.theme.accent)
        max_label = self.label("pool_max", size=26, color=self.theme.accent).next_to(down, RIGHT,
                                                                                    buff=0.15)
        zoom_title = self.small("pool_window", size=20, f=f).next_to(zoom, UP, buff=0.15)

        self.play_p(FadeIn(left), FadeIn(lt), run_time=1.0)
        self.play_p(FadeIn(right), FadeIn(rt), run_time=1.0)
        self.play_p(Create(w_left), Create(w_right), run_time=0.6)
        stops = [(0, j) for j in np.linspace(0, p.shape[1] - 1, 4).astype(int)[1:]] + [(pi, 0), (pi, pj)]
        for i, j in stops:
            tl = left.window(int(i) * f, int(j) * f, f, f).get_center()
            tr = right.window(int(i), int(j), 1, 1).get_center()
            self.play_p(w_left.animate.move_to(tl), w_right.animate.move_to(tr), run_time=0.45)
        self.play_p(TransformFromCopy(w_left, zoom.squares), FadeIn(zoom_title), run_time=1.0)
        self.play_p(FadeIn(zoom.labels), run_time=0.5)
        self.wait_p(1.5)
        self.play_p(Create(best), GrowFromEdge(down, UP), FadeIn(max_label), run_time=1.0)
        # the square moves, its number appears in place (no digits sliding over the label)
        self.play_p(TransformFromCopy(zoom.square(ai, bi), result.squares), FadeIn(result.labels),
                    run_time=1.0)
        self.play_p(Indicate(w_right, color=self.theme.accent), run_time=0.8)
        size_note = self.small("pool_size", size=24, color=self.theme.text, h=m.shape[0],
                               w=m.shape[1], h2=p.shape[0], w2=p.shape[1])
        size_note.next_to(result, DOWN, buff=0.3)
        self.play_p(FadeIn(size_note), run_time=0.6)
        self.mark("pooling", [(right.cell_center(pi, pj) + np.array([0.1, 0.1, 0]),
                               right.color_of(pi, pj))])
        self.wait_p(2.5)

    # -- 7. conv2 and pool2 ------------------------------------------------------------------
    def deeper(self) -> None:
        pool1 = self.arr("pool1")  # forward_pass.pool1: (20, 12, 12)
        conv2 = self.arr("conv2")  # forward_pass.conv2: (50, 8, 8), before ReLU
        pool2 = self.arr("pool2")  # forward_pass.pool2: (50, 4, 4)
        n1, n2, p = pool1.shape[0], conv2.shape[0], pool2.shape[1]
        self.values.update(n1=n1, n2=n2, p=p)
        for src, v in (("len(forward_pass.pool1)", n1), ("len(forward_pass.conv2)", n2),
                       ("len(forward_pass.pool2[0])", p)):
            self.record(src, v)

        a1 = tk.FeatureMapAtlas(pool1, cols=5, width=2.4, mode="sequential", separator_px=2)
        a2 = tk.FeatureMapAtlas(conv2, cols=10, width=4.0, mode="diverging", cmap=self.signed_cmap, separator_px=3)
        a3 = tk.FeatureMapAtlas(pool2, cols=10, width=3.0, mode="sequential", separator_px=4)
        a1.move_to(LEFT * 5.55 + UP * 0.5)
        a2.move_to(LEFT * 0.55 + UP * 0.5)
        a3.move_to(RIGHT * 5.15 + UP * 0.5)
        f1 = self.flow(a1, a2, "deeper_conv2")
        f2 = self.flow(a2, a3, "deeper_pool2")
        notes = []
        for atlas, key, arr, src in ((a1, "deeper_pool1_name", pool1, "pool1"),
                                     (a2, "deeper_conv2_name", conv2, "conv2"),
                                     (a3, "deeper_pool2_name", pool2, "pool2")):
            name = self.label(key, size=22)
            shape = self.small("shape", size=20, shape=tk.shape_text(arr.shape))
            for d in range(3):
                self.record(f"len(forward_pass.{src}" + "[0]" * d + ")", arr.shape[d])
            notes.append(VGroup(name, shape).arrange(DOWN, buff=0.1).next_to(atlas, DOWN, buff=0.25))
        li = self.layer_index(tuple(conv2.shape), with_params=True)
        params_note = None
        if li is not None:
            params = int(self.data.training.layers[li].params)  # training.layers[li].params
            self.value(f"training.layers[{li}].params")
            self.values["params"] = f"{params:,}"  # spoken in the caption too
            params_note = self.small("deeper_params", size=24, color=self.theme.text,
                                     params=params, n1=n1, n2=n2)
            params_note.next_to(VGroup(*notes), DOWN, buff=0.3)
            tk.fit_within(params_note, 13.0, 1.0)
        # the most active pooled map, followed from conv2 to pool2
        best = int(np.argmax(pool2.reshape(len(pool2), -1).max(axis=1)))
        self.record("argmax(max(forward_pass.pool2, axis=(1, 2)))", best)
        self.values["best"] = best
        best_note = self.small("deeper_best", size=22, color=self.theme.accent, i=best)
        best_note.next_to(params_note if params_note is not None else VGroup(*notes), DOWN, buff=0.2)
        self.on_stage(a1, a2, a3, f1, f2, *notes, *([params_note] if params_note else []), best_note)

        self.play_p(FadeIn(a1), FadeIn(notes[0]), run_time=1.0)
        self.play_p(GrowFromEdge(f1, LEFT), run_time=0.8)
        self.play_p(FadeIn(a2), FadeIn(notes[1]), run_time=1.2)
        if params_note is not None:
            self.play_p(FadeIn(params_note), run_time=0.8)
        self.wait_p(2.0)
        self.play_p(GrowFromEdge(f2, LEFT), run_time=0.8)
        self.play_p(FadeIn(a3), FadeIn(notes[2]), run_time=1.2)
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
        self.value("forward_pass.pool2.size")
        self.record("len(forward_pass.fc1)", fc.size)
        self.record("len(forward_pass.softmax.logits)", z.size)

        atlas = tk.FeatureMapAtlas(pool2, cols=10, width=2.3, mode="sequential", separator_px=4)
        atlas.move_to(LEFT * 5.5 + UP * 0.3)
        a_note = VGroup(self.label("cls_pool2", size=20),
                        self.small("shape", size=18, shape=tk.shape_text(pool2.shape)))
        a_note.arrange(DOWN, buff=0.08).next_to(atlas, DOWN, buff=0.2)
        s1 = self.strip(flat, 4.6, 0.32, float(max(flat.max(), 1e-6))).move_to(LEFT * 3.3 + DOWN * 0.1)
        s2 = self.strip(fc, 4.6, 0.32, float(max(fc.max(), 1e-6))).move_to(LEFT * 1.5 + DOWN * 0.1)
        t1 = self.label("cls_flatten", size=22, n=flat.size).next_to(s1, UP, buff=0.2)
        t2 = self.label("cls_fc", size=22, n=fc.size).next_to(s2, UP, buff=0.2)
        if t2.get_left()[0] < t1.get_right()[0] + 0.45:
            t2.shift(RIGHT * (t1.get_right()[0] + 0.45 - t2.get_left()[0]))
        n_zero = int((fc <= 0).sum())  # FC units that ReLU set to zero
        self.record("sum(forward_pass.fc1 <= 0)", n_zero)
        fc_note = self.small("cls_fc_zero", size=18, n=n_zero, total=fc.size)
        fc_note.next_to(s2, RIGHT, buff=0.15).align_to(s2, DOWN)
        # the sequential map announced: a small viridis strip with its meaning
        ramp = tk.image_mobject(tk.VIRIDIS(np.linspace(0, 1, 64))[None, :, :], width=1.2,
                                height=0.16, nearest=False)
        # the ramp over its meaning in two short lines: 22 px text within the left margin
        scale_key = Group(ramp, self.small("cls_scale", size=22)).arrange(DOWN, buff=0.1)
        scale_key.next_to(a_note, DOWN, buff=0.15)

        chart = tk.BarChart10(z, highlight=pred, y_min=None, y_max=None, width=6.0, height=3.6,
                              bar_color=self.theme.muted, highlight_color=self.theme.accent,
                              number_format=LOGIT_FORMAT, theme=self.theme, font_size=30,
                              label_fill=LABEL_FILL)
        for i in range(z.size):
            self.value(f"forward_pass.softmax.logits[{i}]")
        chart.move_to(RIGHT * 3.55 + DOWN * 0.1)
        self.classes_at_zero(chart, z)
        t3 = self.label("cls_logits", size=22, n=z.size).next_to(chart, UP, buff=0.3)
        fl1 = Arrow(atlas.get_right(), s1.get_left() + UP * (atlas.get_y() - s1.get_y()),
                    buff=0.15, color=self.theme.muted)
        fl2 = Arrow(s1.get_right(), s2.get_left(), buff=0.12, color=self.theme.muted)
        fl3 = Arrow(s2.get_right() + RIGHT * 0.05, [chart.get_left()[0], s2.get_y(), 0],
                    buff=0.15, color=self.theme.muted)

        self.play_p(FadeIn(atlas), FadeIn(a_note), FadeIn(scale_key), GrowFromEdge(fl1, LEFT),
                    GrowFromEdge(s1, UP), FadeIn(t1), run_time=1.2)
        self.wait_p(1.5)
        self.play_p(GrowFromEdge(fl2, LEFT), run_time=0.6)
        self.play_p(GrowFromEdge(s2, UP), FadeIn(t2), run_time=1.5)
        self.play_p(FadeIn(fc_note), run_time=0.6)
        self.wait_p(1.5)
        self.play_p(GrowFromEdge(fl3, LEFT), run_time=0.6)
        self.play_p(FadeIn(chart), FadeIn(t3), run_time=1.5)
        self.mark("classifier")
        self.wait_p(3.0)

    # -- 9. softmax and the prediction -------------------------------------------------------
    def softmax(self) -> None:
        out = self.fp.softmax  # forward_pass.softmax: logits, probs, pred
        z = np.asarray(out.logits, float)
        probs = np.asarray(out.probs, float)
        pred, label = int(out.pred), int(self.fp.label)  # forward_pass.softmax.pred, .label
        p = float(probs[pred])
        self.values.update(pred=pred, label=label, p=f"{p:.3f}")
        for i in range(z.size):
            self.value(f"forward_pass.softmax.logits[{i}]")
            self.value(f"forward_pass.softmax.probs[{i}]")

        zc = tk.BarChart10(z, highlight=pred, y_min=None, y_max=None, width=5.7, height=2.6,
                           bar_color=self.theme.muted, highlight_color=self.theme.accent,
                           number_format=LOGIT_FORMAT, theme=self.theme, font_size=28,
                           label_fill=LABEL_FILL)
        pc = tk.BarChart10(probs, highlight=pred, y_min=0.0, y_max=1.0, width=5.7, height=2.6,
                           bar_color=self.theme.softmax, highlight_color=self.theme.accent,
                           number_format=PROB_FORMAT, theme=self.theme, font_size=28,
                           label_fill=LABEL_FILL)
        zc.move_to(LEFT * 3.7 + UP * 0.6)
        pc.move_to(RIGHT * 3.7 + UP * 0.6)
        self.classes_at_zero(zc, z)
        top = max(zc.get_top()[1], pc.get_top()[1]) + 0.35
        zt = self.label("sm_logits", size=24)
        pt = self.label("sm_probs", size=24, color=self.theme.softmax)
        for t, c in ((zt, zc), (pt, pc)):
            t.move_to([c.get_x(), top, 0])
        formula = MathTex(r"p_k = \frac{e^{z_k}}{\sum_{j} e^{z_j}}", font_size=40,
                          color=self.theme.text).move_to(UP * (top - 0.1))
        arrow = Arrow(LEFT * 0.9 + UP * 0.3, RIGHT * 0.9 + UP * 0.3, color=self.theme.accent)
        total = float(probs.sum())
        self.record("sum(forward_pass.softmax.probs)", total)
        sum_note = self.small("sm_sum", size=20, s=tk.format_number(total, "{:.2f}"))
        sum_note.next_to(arrow, DOWN, buff=0.2)

        digit = self.gray(self.arr("image"), 1.2).move_to(LEFT * 4.4 + DOWN * 2.2)
        self.value("forward_pass.label")
        self.value("forward_pass.softmax.pred")
        self.value(f"forward_pass.softmax.probs[{pred}]")
        verdict_key = "sm_correct" if pred == label else "sm_wrong"  # chosen from the data
        lines = VGroup(self.label("sm_label", size=26, label=label),
                       self.label("sm_pred", size=26, color=self.theme.accent, pred=pred,
                                  p=tk.format_number(p, "{:.3f}")),
                       self.small(verdict_key, size=22,
                                  color=self.theme.positive if pred == label else self.theme.negative))
        lines.arrange(DOWN, buff=0.12, aligned_edge=LEFT).next_to(digit, RIGHT, buff=0.4)
        tk.fit_within(lines, 8.0, 1.6)
        lines.next_to(digit, RIGHT, buff=0.4)

        self.play_p(FadeIn(zc), FadeIn(zt), run_time=1.2)
        self.play_p(Write(formula), run_time=1.5)
        self.wait_p(1.5)
        self.play_p(GrowFromEdge(arrow, LEFT),
                    LaggedStart(*[GrowFromEdge(b, DOWN) for b in pc.bars], lag_ratio=0.05),
                    run_time=1.5)
        self.play_p(FadeIn(pc.baseline), FadeIn(pc.class_texts), FadeIn(pc.value_texts),
                    FadeIn(pt), FadeIn(sum_note), run_time=1.0)
        self.add(pc)
        self.wait_p(2.0)
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
        rows = [[self.t("arch_layer"), self.t("arch_shape"), self.t("arch_params")]]
        for i, layer in enumerate(layers):
            self.value(f"training.layers[{i}].params")
            for d, s in enumerate(layer.shape):
                self.value(f"training.layers[{i}].shape[{d}]")
            rows.append([self.layer_name(layer), tk.shape_text(layer.shape),
                         self.t("arch_count", n=int(layer.params))])
        total = int(sum(layer.params for layer in layers))
        self.record("sum([l.params for l in training.layers])", total)
        rows.append([self.t("arch_total"), "", self.t("arch_count", n=total)])
        table = tk.TextTable(rows, font=self.theme.font, font_size=26, text_color=self.theme.text,
                             header_color=self.theme.muted, col_align="lcr", col_buff=0.9,
                             row_buff=0.2)
        tk.fit_within(table, 12.0, 5.0)
        table.move_to(UP * 0.35)
        big = int(np.argmax([layer.params for layer in layers]))
        share = layers[big].params / total if total else 0.0
        self.record(f"training.layers[{big}].params / sum([l.params for l in training.layers])",
                    share)
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
        n_conv = keys.index("flatten") + 1 if "flatten" in keys else len(keys)
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
        epochs = np.array([row["epoch"] for row in hist], float)
        names = (self.t("legend_train"), self.t("legend_heldout"))
        loss = {names[0]: [row["train_loss"] for row in hist],
                names[1]: [row["heldout_loss"] for row in hist]}
        acc = {names[0]: [row["train_acc"] for row in hist],
               names[1]: [row["heldout_acc"] for row in hist]}
        for i, row in enumerate(hist):
            for key in ("epoch", "train_loss", "heldout_loss", "train_acc", "heldout_acc"):
                self.value(f"training.history['softmax'][{i}]['{key}']")
        colors = [self.theme.train, self.theme.heldout]  # neutral greys, not a model's colour
        styles, markers = ["solid", "dashed"], ["circle", "square"]
        # whole epochs on the x axis: about five round ticks, never fractions of an epoch
        first, last = int(epochs.min()), int(epochs.max())
        step = max(1, int(tk.nice_step(max(1, last - first) / 5)))
        x_ticks = np.arange(first - first % step if first % step else first, last + step, step)
        x_ticks = x_ticks[x_ticks <= max(last, first + 1)]
        if x_ticks[-1] < last or len(x_ticks) < 2:
            x_ticks = np.append(x_ticks, x_ticks[-1] + step)
        all_acc = np.concatenate([np.asarray(v, float) for v in acc.values()])
        lo = float(np.floor(all_acc.min() * 10) / 10)
        all_loss = np.concatenate([np.asarray(v, float) for v in loss.values()])
        common = {"colors": colors, "styles": styles, "markers": markers, "width": 5.0, "height": 3.6,
                      "x_label": self.t("chart_epoch"), "legend": None, "theme": self.theme,
                      "font_size": 22,
                      "x_ticks": x_ticks, "x_format": "{:.0f}"}
        lc = tk.LineChart(epochs, loss, y_label=self.t("chart_loss"),
                          y_range=(0.0, float(all_loss.max())), **common)
        ac = tk.LineChart(epochs, acc, y_label=self.t("chart_acc"),
                          y_range=(lo, 1.0), y_format="{:.0%}"
                          if np.allclose(np.round(tk.nice_ticks(lo, 1.0) * 100), tk.nice_ticks(lo, 1.0) * 100)
                          else "{:.1%}", **common)
        lc.move_to(LEFT * 3.5 + UP * 0.1)
        ac.move_to(RIGHT * 3.5 + UP * 0.1)
        legend = VGroup()
        for name, color, style, marker in zip(names, colors, styles, markers):
            sample = tk.styled_path(np.array([[0, 0, 0], [0.9, 0, 0]], float), style, color, 4)
            entry = VGroup(sample, tk.make_marker(marker, color, 0.13).move_to(sample),
                           self.text(name, size=22).next_to(sample, RIGHT, buff=0.15))
            legend.add(entry)
        legend.arrange(RIGHT, buff=0.6).next_to(VGroup(lc, ac), UP, buff=0.2)
        prov = self.data.training.provenance  # training.provenance: n_train, n_heldout
        last = hist[-1]
        self.value("training.provenance.n_train")
        self.value("training.provenance.n_heldout")
        self.record("len(training.history['softmax'])", len(hist))
        self.value(f"training.history['softmax'][{len(hist) - 1}]['heldout_acc']")
        note = self.small("train_note", size=22, color=self.theme.text, n_train=prov.n_train,
                          n_heldout=prov.n_heldout, epochs=len(hist), acc=last["heldout_acc"])
        tk.fit_within(note, 13.0, 0.6)
        note.next_to(VGroup(lc, ac), DOWN, buff=0.25)
        self.on_stage(lc, ac, legend, note)

        self.play_p(FadeIn(lc.frame), FadeIn(ac.frame), FadeIn(legend), run_time=1.2)
        for name in names:
            self.play_p(lc.create_series(name), ac.create_series(name), run_time=2.0)
        self.add(lc, ac)
        self.play_p(FadeIn(note), run_time=0.8)
        self.mark("training")
        self.wait_p(3.5)


__all__ = ["CNNForwardPass"]
