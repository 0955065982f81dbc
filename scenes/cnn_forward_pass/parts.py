"""The pictures of sequence 1 (a CNN's forward pass), built from scene_data and the lecture's
wording; :class:`scenes.cnn_forward_pass.script.CNNForwardPass` plays them, section by section.

Every number drawn is read with ``self.show(self.d...)`` or noted with
``self.record(ref, value)`` where the builder makes it, in drawing order (the behaviour snapshot
compares that order). Which cell, window, map or layer a picture points at is chosen in
:mod:`scenes.findings`.

    class CNNForwardPass(ForwardPassParts):
        def task(self) -> None:
            digit, note = self._task_digit(self.arr("image"), int(self.fp.heldout_index))
            self.play_p(FadeIn(digit), FadeIn(note))
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
    Group,
    MathTex,
    Mobject,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    VGroup,
)

from scenes import findings
from scenes import visuals as tk
from scenes.base import LectureScene
from scenes.shown import Ref, absolute, argmax, entries, largest, length, sum_over, total


#: cell of the worked patch, kernel and products: the kernel's signed two-decimal weights
#: ("−0.11") then stand 22 px high at 1080p (docs/design-rules.md)
CONV_CELL = 0.82
#: cell of the input digit's grid during the convolution (28 cells: 3.36 units)
INPUT_CELL = 0.12
#: value labels of the bar charts may fill 95% of a slot: logits like "−4.9" 22 px high
LABEL_FILL = 0.95
#: ten numbers side by side in a chart 5.7 units wide stand 22 px high only when short: logits
#: as whole numbers, probabilities with one decimal (the prediction's is written out in full)
LOGIT_FORMAT, PROB_FORMAT = "{:.0f}", "{:.2f}"
#: probabilities that print as 0.00 get no label: ten "0.0" in a row ran together (two
#: decimals: with three, the labels had to shrink below 22 px to fit a bar's width)
PROB_LABEL_MIN = 0.005
#: side of the window of a feature map zoomed in the ReLU section
RELU_ZOOM = 4
#: the training curves: train solid with circles, held-out dashed with squares
SERIES_STYLES, SERIES_MARKERS = ["solid", "dashed"], ["circle", "square"]


class ForwardPassParts(LectureScene):
    """Shared helpers and the builders of each section of the forward pass."""

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
    def small(self, key: str, size: float = 22, color: str | None = None, **values: Any) -> Mobject:
        """A YAML string in small muted type, as centred lines."""
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
        """scene_data's ``forward_pass``."""
        return self.data.forward_pass

    def arr(self, name: str) -> np.ndarray:
        """A forward_pass field as a float array."""
        return np.asarray(getattr(self.fp, name), dtype=float)

    @property
    def signed_cmap(self) -> tk.Colormap:
        """Signed values (weights, maps before ReLU): the lecture's theme.negative - white -
        theme.positive, never the models' colours."""
        return tk.diverging_colormap(self.theme.negative, self.theme.positive)

    def gray(self, values: np.ndarray, height: float) -> Group:
        """A grey image (values in [0, 1]) with a thin border."""
        img = tk.image_mobject(tk.colorize(values, tk.GRAY, 0.0, 1.0), height=height)
        return Group(img, self.frame_of(img))

    def frame_of(self, mob: Mobject) -> Rectangle:
        """A thin muted border around ``mob``."""
        return Rectangle(width=mob.width, height=mob.height, stroke_color=self.theme.muted,
                         stroke_width=1.5).move_to(mob)

    def strip(self, values: np.ndarray, height: float, width: float, vmax: float) -> Group:
        """A vector drawn as a vertical strip of cells (one image, top = index 0)."""
        rgb = tk.colorize(np.asarray(values, float)[:, None], tk.VIRIDIS, 0.0, vmax)
        img = tk.image_mobject(rgb, width=width, height=height)
        border = Rectangle(width=width, height=height, stroke_color=self.theme.muted,
                           stroke_width=1.5).move_to(img)
        return Group(img, border)

    def ten_bars(self, values: np.ndarray, pred: int, fmt: str, color: str, width: float,
                 height: float, font_size: float, y_range: tuple[float | None, float | None]
                 = (None, None), label_min: float | None = None) -> tk.BarChart10:
        """One bar per class, the prediction's in the accent colour."""
        return tk.BarChart10(values, highlight=pred, y_min=y_range[0], y_max=y_range[1],
                             width=width, height=height, bar_color=color,
                             highlight_color=self.theme.accent, number_format=fmt,
                             theme=self.theme, font_size=font_size, label_fill=LABEL_FILL,
                             label_min=label_min)

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
        """A YAML string centred above ``mob``."""
        return self.label(key, size=size, color=color, **values).next_to(mob, UP, buff=buff)

    def caption_below(self, mob: Mobject, key: str, size: float = 22, buff: float = 0.2,
                      color: str | None = None, **values: Any) -> Mobject:
        """A small YAML string centred below ``mob``."""
        return self.small(key, size=size, color=color, **values).next_to(mob, DOWN, buff=buff)

    def arrow(self, a: Mobject, b: Mobject, buff: float = 0.25) -> Arrow:
        """A muted arrow from ``a``'s right edge to ``b``'s left edge."""
        return Arrow(a.get_right(), b.get_left(), buff=buff, color=self.theme.muted)

    # -- 1. the task -------------------------------------------------------------------------
    def _task_digit(self, image: np.ndarray, index: int) -> tuple[Group, Mobject]:
        """The held-out digit, large, with its index in the held-out set."""
        digit = self.gray(image, 3.4).move_to(LEFT * 4.6 + DOWN * 0.2)
        return digit, self.caption_below(digit, "task_input", index=index)

    def _cnn_box(self) -> VGroup:
        """The network as a box with its name: what it does inside comes next."""
        box = RoundedRectangle(width=2.6, height=1.6, corner_radius=0.15,
                               stroke_color=self.theme.accent, stroke_width=3)
        box_text = self.label("cnn_box", size=30)
        return VGroup(box, box_text.move_to(box)).move_to(LEFT * 0.4 + DOWN * 0.2)

    def _class_boxes(self, n_classes: int) -> tuple[VGroup, Mobject]:
        """The possible answers, one box per class, with a note on their number."""
        classes = VGroup(*[
            VGroup(Rectangle(width=0.75, height=0.75, stroke_color=self.theme.muted,
                             stroke_width=2), self.text(str(k), size=32))
            for k in range(n_classes)])
        for c in classes:
            c[1].move_to(c[0])
        classes.arrange_in_grid(cols=5, buff=0.18).move_to(RIGHT * 4.3 + DOWN * 0.2)
        return classes, self.caption_below(classes, "task_classes", n=n_classes)

    @staticmethod
    def _brightest_probe(digit: Group, image: np.ndarray) -> list[tuple[np.ndarray, str]]:
        """The digit's brightest pixel and the grey it must be drawn in."""
        br, bc = findings.peak_cell(image)
        probe = tk.image_cell_center(digit[0], image.shape[0], image.shape[1], br, bc)
        return [(probe, tk.GRAY.hex(float(image[br, bc])))]

    # -- 2. pixels ---------------------------------------------------------------------------
    def _pixel_grid(self, image: np.ndarray, h: int, w: int) -> tuple[tk.PixelGrid, Mobject]:
        """The digit as a grid of cells, with its size in words."""
        grid = tk.PixelGrid(image, cell=0.21, font=self.theme.font, grid_color=self.theme.muted)
        grid.move_to(LEFT * 3.7 + DOWN * 0.55)
        self.parts["pixel_grid"] = grid
        return grid, self.caption_above(grid, "pixels_size", size=24, h=h, w=w, n=h * w)

    def _pixel_zoom(self, grid: tk.PixelGrid, r0: int, c0: int, kh: int,
                    kw: int) -> tuple[tk.ValueCells, Mobject, Mobject]:
        """The window at (r0, c0) enlarged with its real pixel values, a title naming its rows
        and columns, and a note on the value scale."""
        zoom = grid.zoom_numbers(r0, c0, kh, kw, cell=0.82, number_format=tk.FMT_UNIT,
                                 font=self.theme.font)
        fp = self.d.forward_pass
        for i in range(kh):
            for j in range(kw):  # the pixel values written in the zoom
                self.show(fp.image[r0 + i][c0 + j])
        zoom.move_to(RIGHT * 3.6 + DOWN * 0.1)
        self.show(fp.worked.row)
        self.show(fp.worked.col)
        title = self.caption_above(zoom, "pixels_zoom", size=24, r0=r0, r1=r0 + kh - 1,
                                   c0=c0, c1=c0 + kw - 1)
        return zoom, title, self.caption_below(zoom, "pixels_scale", size=22)

    @staticmethod
    def _pixel_probes(grid: tk.PixelGrid, zoom: tk.ValueCells, image: np.ndarray, r0: int,
                      c0: int) -> list[tuple[np.ndarray, str]]:
        """The brightest pixel of the window, in the big grid and in the zoom."""
        bi, bj = findings.peak_cell(image[r0:r0 + zoom.n_rows, c0:c0 + zoom.n_cols])
        colour = grid.color_of(r0 + bi, c0 + bj)
        corner = zoom.square(bi, bj).get_corner(UP + LEFT) + np.array([0.08, -0.08, 0])
        return [(grid.cell_center(r0 + bi, c0 + bj), colour), (corner, colour)]

    # -- 3. convolution ----------------------------------------------------------------------
    def _conv_panel(self) -> tk.MultiplyAddPanel:
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
        worked = self.d.forward_pass.worked
        for i in range(patch.shape[0]):
            for j in range(patch.shape[1]):
                self.show(worked.patch[i][j])
                self.show(worked.weights[i][j])
                self.record(worked.patch[i][j] * worked.weights[i][j], panel.products[i, j])
        self.record(total(worked.patch * worked.weights), panel.total)
        self.show(worked.bias)
        self.record(worked.value, panel.result)
        return panel

    def _conv_layout(self, panel: tk.MultiplyAddPanel) -> dict[str, Any]:
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
        self.show(self.d.forward_pass.worked.kernel)
        c["kernel_title"] = self.caption_above(c["kernel"], "conv_kernel", size=20, buff=0.12, k=k)
        c["products_title"] = self.caption_above(c["patch"], "conv_products", size=22, buff=0.12)
        panel.product_cells.move_to(c["patch"])
        panel.lines.move_to(c["kernel"]).align_to(c["kernel"], LEFT)
        self._conv_map_layout(c)
        self.on_stage(*[m for m in c.values() if isinstance(m, Mobject) and m is not panel],
                      panel.product_cells, panel.lines)
        c["window"] = c["grid"].window(0, 0, kh, kw, color=self.theme.accent)
        return c

    def _conv_map_layout(self, c: dict[str, Any]) -> None:
        """The feature map the worked value belongs to, in the input grid's place and size."""
        k, r0, c0 = c["k"], c["r0"], c["c0"]
        fmap = self.arr("conv1")[k]  # forward_pass.conv1[k]: the map this position belongs to
        lim = tk.symmetric_limit(fmap)
        out = tk.PixelGrid(fmap, cell=c["grid"].width / fmap.shape[1], cmap=self.signed_cmap,
                           vmin=-lim, vmax=lim, grid_lines=False).move_to(c["grid"])
        c["out"] = out
        c["out_frame"] = self.frame_of(out)
        # a box around the cell that stands out on orange and white: dark rim, light core
        cell_box = out.window(r0, c0, 1, 1, color=self.theme.background, stroke_width=2)
        ring = SurroundingRectangle(cell_box, buff=0.07)
        c["spot"] = VGroup(cell_box, ring.copy().set_stroke(self.theme.background, width=7),
                           ring.copy().set_stroke(self.theme.text, width=3))
        c["out_title"] = self.caption_above(out, "conv_map", size=22, k=k)
        cell = self.d.forward_pass.conv1[k][r0][c0]
        self.show(cell)  # recorded twice, as the snapshot has it: read, then written
        c["out_value"] = self.number(cell, fmt="{:.3f}", size=26,
                                     color=self.theme.accent).next_to(out, DOWN, buff=0.2)
        c["out_note"] = self.small("conv_map_at", size=20, r=r0, c=c0)
        c["out_note"].next_to(c["out_value"], DOWN, buff=0.1)

    def _product_marks(self, c: dict[str, Any], i: int, j: int) -> VGroup:
        """Accent boxes around cell (i, j) of the patch and of the kernel."""
        return VGroup(*[SurroundingRectangle(cells.square(i, j), color=self.theme.accent,
                                             buff=0.0, stroke_width=5)
                        for cells in (c["patch"], c["kernel"])])

    # -- 4. feature maps ---------------------------------------------------------------------
    def _fm_inputs(self, image: np.ndarray, kernels: np.ndarray) -> list[Mobject]:
        """The input digit ∗ the kernels of conv1, each with its note: [digit, digit_note,
        ∗, kernel atlas, kernel note]."""
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
        return [digit, digit_note, conv, k_atlas, k_note]

    def _fm_maps(self, maps: np.ndarray) -> tuple[tk.FeatureMapAtlas, tk.ColorBar]:
        """conv1's maps on one shared signed scale, with the colour bar that writes it."""
        atlas = tk.FeatureMapAtlas(maps, cols=5, width=5.6, mode="diverging", cmap=self.signed_cmap,
                                   separator_px=2)
        atlas.move_to(RIGHT * 2.55 + DOWN * 0.05)
        bar = tk.ColorBar(atlas.cmap, atlas.vmin, atlas.vmax, length=3.2, font=self.theme.font,
                          font_size=20, text_color=self.theme.muted)
        bar.next_to(atlas, RIGHT, buff=0.2)
        # the colour bar writes the shared limits: -max|conv1|, 0, +max|conv1|
        peak = largest(absolute(self.d.forward_pass.conv1))
        self.record(-peak, atlas.vmin)
        self.record(peak, atlas.vmax)
        return atlas, bar

    def _fm_pair(self, k_atlas: tk.FeatureMapAtlas, atlas: tk.FeatureMapAtlas,
                 k: int) -> list[Mobject]:
        """Kernel k and its map, boxed in the accent colour, with a note naming the pair."""
        pair = self.small("fm_pair", size=22, color=self.theme.accent, k=k)
        return [k_atlas.tile_rect(k, color=self.theme.accent, buff=0.03),
                atlas.tile_rect(k, color=self.theme.accent, buff=0.03),
                pair.next_to(k_atlas, UP, buff=0.25)]

    @staticmethod
    def _fm_probe(atlas: tk.FeatureMapAtlas, fmap: np.ndarray,
                  k: int) -> list[tuple[np.ndarray, str]]:
        """Map k's strongest cell and the colour the shared scale gives it."""
        r, c = findings.peak_cell(np.abs(fmap))
        rgb = tk.colorize(np.array([[fmap[r, c]]]), atlas.cmap, atlas.vmin, atlas.vmax)[0, 0]
        return [(atlas.pixel_center(k, r, c), tk.rgb_to_hex(rgb))]

    # -- 5. ReLU -----------------------------------------------------------------------------
    def _relu_side(self, values: np.ndarray, x: float, title_key: str, maps: Ref, k: int,
                   lim: float, at: tuple[int, int]) -> tuple[Any, ...]:
        """One side of the before/after: map k (same colours on both sides), its frame and
        title, the window at ``at`` and that window's numbers below it."""
        zr, zc = at
        grid = tk.PixelGrid(values, cell=0.075, cmap=self.signed_cmap, vmin=-lim,
                            vmax=lim, grid_lines=False)
        grid.move_to(RIGHT * x + UP * 1.65)
        title = self.caption_above(grid, title_key, size=22, k=k)
        win = grid.window(zr, zc, RELU_ZOOM, RELU_ZOOM, color=self.theme.accent, stroke_width=3)
        # cells of 0.8: signed two-decimal numbers 22 px high (docs/design-rules.md)
        zoom = grid.zoom_numbers(zr, zc, RELU_ZOOM, RELU_ZOOM, cell=0.85, number_format="{:.2f}",
                                 font=self.theme.font)
        for i in range(RELU_ZOOM):
            for j in range(RELU_ZOOM):
                self.show(maps[k][zr + i][zc + j])
        zoom.next_to(grid, DOWN, buff=0.2)
        return grid, self.frame_of(grid), title, win, zoom

    def _relu_rule(self) -> tuple[MathTex, Arrow]:
        """ReLU's formula over the arrow from before to after."""
        formula = MathTex(r"\mathrm{ReLU}(x) = \max(0,\, x)", font_size=40,
                          color=self.theme.text).move_to(UP * 1.55)
        arrow = Arrow(LEFT * 1.6 + UP * 0.8, RIGHT * 1.6 + UP * 0.8, color=self.theme.accent)
        return formula, arrow

    def _relu_count(self, before: np.ndarray, k: int) -> VGroup:
        """How many values of map k ReLU sets to zero, of how many."""
        n_neg = int((before < 0).sum())  # values of forward_pass.conv1[k] below zero
        self.record(total(self.d.forward_pass.conv1[k] < 0), n_neg)
        self.show(entries(self.d.forward_pass.conv1[k]))
        count = VGroup(*[self.text(line, size=24) for line in
                         self.t("relu_count", n=n_neg, total=before.size).split("\n")])
        count.arrange(DOWN, buff=0.12).move_to(DOWN * 1.6)
        tk.fit_within(count, 5.4, 2.0)
        return count

    def _zeroed_cells(self, zoom: tk.ValueCells, before: np.ndarray, zr: int, zc: int) -> VGroup:
        """Accent boxes on the cells of the zoomed window that were negative before ReLU."""
        return VGroup(*[SurroundingRectangle(zoom.square(i, j), color=self.theme.accent, buff=0,
                                             stroke_width=4)
                        for i in range(RELU_ZOOM) for j in range(RELU_ZOOM)
                        if before[zr + i, zc + j] < 0])

    # -- 6. max-pooling ----------------------------------------------------------------------
    def _pool_maps(self, m: np.ndarray, p: np.ndarray, k: int) -> list[Mobject]:
        """Map k after ReLU and after pooling, in its colours of the ReLU section (limits of
        forward_pass.conv1[k]), each with its title: [left, right, left title, right title]."""
        lim = tk.symmetric_limit(self.arr("conv1")[k])
        left = tk.PixelGrid(m, cell=0.19, cmap=self.signed_cmap, vmin=-lim, vmax=lim,
                            grid_opacity=0.25).move_to(LEFT * 4.3 + DOWN * 0.2)
        right = tk.PixelGrid(p, cell=0.38, cmap=self.signed_cmap, vmin=-lim, vmax=lim,
                             grid_opacity=0.35).move_to(RIGHT * 4.3 + DOWN * 0.2)
        lt = self.caption_above(left, "pool_before", size=22, k=k, h=m.shape[0], w=m.shape[1])
        rt = self.caption_above(right, "pool_after", size=22, k=k, h=p.shape[0], w=p.shape[1])
        for name, arr in (("relu1", m), ("pool1", p)):
            self.record(length(getattr(self.d.forward_pass, name)[0]), arr.shape[0])
        return [left, right, lt, rt]

    def _pool_zoom(self, left: tk.PixelGrid, m: np.ndarray, k: int, f: int,
                   at: tuple[int, int]) -> tuple[tk.ValueCells, Mobject, Mobject]:
        """The pooling window at ``at`` enlarged with its values; its largest cell boxed."""
        pi, pj = at
        zoom = left.zoom_numbers(pi * f, pj * f, f, f, cell=0.95, number_format="{:.2f}",
                                 font=self.theme.font).move_to(UP * 0.9)
        for a in range(f):
            for b in range(f):
                self.show(self.d.forward_pass.relu1[k][pi * f + a][pj * f + b])
        top = zoom.square(*findings.peak_cell(m[pi * f:(pi + 1) * f, pj * f:(pj + 1) * f]))
        best = SurroundingRectangle(top, color=self.theme.accent, buff=0, stroke_width=6)
        return zoom, top, best

    def _pool_result(self, right: tk.PixelGrid, zoom: tk.ValueCells, m: np.ndarray,
                     p: np.ndarray, k: int, at: tuple[int, int]) -> list[Mobject]:
        """The pooled value below the zoom, the arrow to it, its word ("max") and, below it,
        how much the map shrinks: [result, arrow, label, size note]."""
        pi, pj = at
        result = tk.ValueCells(np.array([[p[pi, pj]]]), cell=0.95,
                               colors=right.rgb[pi:pi + 1, pj:pj + 1], number_format="{:.2f}",
                               font=self.theme.font).move_to(DOWN * 1.6)
        self.show(self.d.forward_pass.pool1[k][pi][pj])
        down = Arrow(zoom.get_bottom(), result.get_top(), buff=0.12, color=self.theme.accent)
        max_label = self.label("pool_max", size=26, color=self.theme.accent).next_to(down, RIGHT,
                                                                                    buff=0.15)
        size_note = self.small("pool_size", size=24, color=self.theme.text, h=m.shape[0],
                               w=m.shape[1], h2=p.shape[0], w2=p.shape[1])
        return [result, down, max_label, size_note.next_to(result, DOWN, buff=0.3)]

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


__all__ = ["ForwardPassParts", "CONV_CELL", "INPUT_CELL", "LABEL_FILL", "LOGIT_FORMAT",
           "PROB_FORMAT", "PROB_LABEL_MIN", "RELU_ZOOM"]
