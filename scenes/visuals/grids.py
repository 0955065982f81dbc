"""Pixels and cells: the input digit as a grid, a kernel with its weights, one multiply-add.

    grid = PixelGrid(digit, cell=0.22, font=theme.font)        # digit: (28, 28) in [0, 1]
    panel = MultiplyAddPanel(digit[r:r + 5, c:c + 5], w[0, 0], b[0], font=theme.font)
    panel.check(conv1_pre[0, r, c])                           # raises if they disagree
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np
from manim import (RIGHT, UP, Group, Line, Rectangle, Square, Text,
                   VGroup)

from scenes.visuals.theme import ThemeLike, ACCENT, DEFAULT_FONT, MINUS, MUTED, NumberFormat, TEXT
from scenes.visuals.text import make_text, text_baseline
from scenes.visuals.numbers import FMT_UNIT, format_cell, format_number
from scenes.visuals.colours import SIGNED, Colormap, GRAY, image_cell_center, colorize, contrast_text_color, image_mobject, rgb_to_hex, symmetric_limit


class ValueCells(VGroup):
    """A block of square cells, each filled with a colour and labelled with its real value.

        cells = ValueCells(digit[10:15, 12:17], cell=0.7, cmap=tk.GRAY, number_format=tk.FMT_BYTE)
        cells.square(0, 0), cells.label(0, 0), cells.strings[0][0]

    Parameters
    ----------
    values
        (h, w) real values, written in the cells with ``number_format``.
    cmap, vmin, vmax
        Fill colours (``colors`` overrides with an (h, w, 3) uint8 array).
    """

    def __init__(self, values: np.ndarray, cell: float = 0.6, cmap: Colormap = GRAY,
                 vmin: float = 0.0, vmax: float = 1.0, colors: np.ndarray | None = None,
                 number_format: NumberFormat = FMT_UNIT, font: str = DEFAULT_FONT,
                 text_color: str | None = None, stroke_color: str = MUTED,
                 stroke_width: float = 1.5, label_fill: float = 0.8,
                 show_numbers: bool = True) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"ValueCells needs a 2-D array, got shape {values.shape}")
        self.values = values
        self.n_rows, self.n_cols = values.shape
        self.cell = cell
        rgb = colors if colors is not None else colorize(values, cmap, vmin, vmax)
        self.rgb = np.asarray(rgb, dtype=np.uint8)
        self.squares = VGroup()
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                sq = Square(side_length=cell, stroke_color=stroke_color, stroke_width=stroke_width,
                            fill_color=rgb_to_hex(self.rgb[r, c]), fill_opacity=1.0)
                sq.move_to(np.array([(c - (self.n_cols - 1) / 2) * cell,
                                     ((self.n_rows - 1) / 2 - r) * cell, 0]))
                self.squares.add(sq)
        # (format_cell: a value the rule writes with more decimals drops its leading zero)
        self.strings = [[format_cell(v, number_format) for v in row] for row in values]
        self.labels = VGroup(*self._numbers(font, text_color, number_format, label_fill)
                             if show_numbers else ())
        self.add(self.squares, self.labels)

    def _numbers(self, font: str, text_color: str | None, number_format: NumberFormat,
                 label_fill: float) -> list[Text]:
        """One label per cell, all at the size that fits the regular numbers (a rare longer one
        the rounding rule writes may fill its cell instead), centred on its square."""
        cell = self.cell
        texts = [make_text(self.strings[r][c], font, 24,
                           text_color or contrast_text_color(self.rgb[r, c]))
                 for r in range(self.n_rows) for c in range(self.n_cols)]
        flat = [s for row in self.strings for s in row]
        regular = [t for t, s, v in zip(texts, flat, self.values.flat)
                   if s == format_number(v, number_format)] or texts
        widest = max(t.width for t in regular)
        tallest = max(t.height for t in texts)
        factor = min(label_fill * cell / widest, 0.36 * cell / tallest)
        for t, sq in zip(texts, self.squares):
            t.scale(factor)
            if t.width > 0.96 * cell:
                t.scale(0.96 * cell / t.width)
            t.move_to(sq.get_center())
        return texts

    def square(self, r: int, c: int) -> Square:
        return self.squares[r * self.n_cols + c]

    def label(self, r: int, c: int) -> Text:
        return self.labels[r * self.n_cols + c]


class PixelGrid(Group):
    """An image drawn as ONE crisp ``ImageMobject`` (nearest resampling) plus optional grid lines.

        grid = PixelGrid(digit, cell=0.22)                 # digit: (28, 28) values in [0, 1]
        self.play(FadeIn(grid))
        box = grid.window(10, 12, 5, 5)                    # a Rectangle over rows 10-14, cols 12-16
        zoom = grid.zoom_numbers(10, 12, 5, 5, cell=0.7, number_format=tk.FMT_BYTE)
        self.play(Create(box)); self.play(TransformFromCopy(box, zoom.next_to(grid, RIGHT)))

    ``show_numbers`` writes values in every cell (``True``) or only in a region
    ``(r0, c0, h, w)``; useful only when cells are large.
    """

    def __init__(self, values: np.ndarray, cell: float = 0.2, cmap: Colormap = GRAY,
                 vmin: float = 0.0, vmax: float = 1.0, grid_lines: bool = True,
                 grid_color: str = MUTED, grid_width: float = 0.6, grid_opacity: float = 0.45,
                 show_numbers: bool | tuple[int, int, int, int] = False,
                 number_format: NumberFormat = FMT_UNIT, font: str = DEFAULT_FONT) -> None:
        super().__init__()
        values = np.asarray(values, dtype=float)
        if values.ndim != 2:
            raise ValueError(f"PixelGrid needs a 2-D array, got shape {values.shape}")
        self.values = values
        self.n_rows, self.n_cols = values.shape
        self.cmap, self.vmin, self.vmax = cmap, vmin, vmax
        self.number_format = number_format
        self.font = font
        self.rgb = colorize(values, cmap, vmin, vmax)
        self.image = image_mobject(self.rgb, width=self.n_cols * cell,
                                   height=self.n_rows * cell)
        self.add(self.image)
        self.lines = VGroup()
        if grid_lines:
            w, h = self.n_cols * cell, self.n_rows * cell
            for r in range(self.n_rows + 1):
                y = h / 2 - r * cell
                self.lines.add(Line([-w / 2, y, 0], [w / 2, y, 0]))
            for c in range(self.n_cols + 1):
                x = -w / 2 + c * cell
                self.lines.add(Line([x, h / 2, 0], [x, -h / 2, 0]))
            self.lines.set_stroke(grid_color, grid_width, opacity=grid_opacity)
            self.add(self.lines)
        self.numbers = VGroup()
        if show_numbers:
            r0, c0, hh, ww = ((0, 0, self.n_rows, self.n_cols) if show_numbers is True
                              else show_numbers)
            cells = ValueCells(values[r0:r0 + hh, c0:c0 + ww], cell=cell,
                               colors=self.rgb[r0:r0 + hh, c0:c0 + ww],
                               number_format=number_format, font=font)
            for rr in range(hh):
                for cc in range(ww):
                    self.numbers.add(cells.label(rr, cc).move_to(self.cell_center(r0 + rr, c0 + cc)))
            self.add(self.numbers)

    @property
    def cell_size(self) -> float:
        """The side of one pixel in scene units (after any scaling)."""
        return self.image.width / self.n_cols

    def cell_center(self, r: float, c: float) -> np.ndarray:
        """The scene point at the centre of pixel (row ``r``, column ``c``)."""
        return image_cell_center(self.image, self.n_rows, self.n_cols, r, c)

    def window(self, r0: int, c0: int, h: int, w: int, color: str = ACCENT,
               stroke_width: float = 4) -> Rectangle:
        """A rectangle exactly over rows r0..r0+h-1 and columns c0..c0+w-1."""
        s = self.cell_size
        rect = Rectangle(width=w * s, height=h * s, stroke_color=color, stroke_width=stroke_width)
        rect.move_to((self.cell_center(r0, c0) + self.cell_center(r0 + h - 1, c0 + w - 1)) / 2)
        return rect

    def color_of(self, r: int, c: int) -> str:
        """The hex colour pixel (r, c) is drawn with."""
        return rgb_to_hex(self.rgb[r, c])

    def zoom_numbers(self, r0: int, c0: int, h: int, w: int, cell: float = 0.6,
                     number_format: NumberFormat | None = None, font: str | None = None,
                     stroke_color: str = MUTED) -> ValueCells:
        """The window's real values as large labelled cells (centred at the origin; place it)."""
        if r0 < 0 or c0 < 0 or r0 + h > self.n_rows or c0 + w > self.n_cols:
            raise IndexError(f"window ({r0}, {c0}, {h}, {w}) outside a "
                             f"{self.n_rows}x{self.n_cols} grid")
        return ValueCells(self.values[r0:r0 + h, c0:c0 + w], cell=cell,
                          colors=self.rgb[r0:r0 + h, c0:c0 + w],
                          number_format=number_format or self.number_format,
                          font=font or self.font, stroke_color=stroke_color)


class KernelGrid(ValueCells):
    """Convolution weights on a diverging, colour-blind-safe map with their values written in.

        kernel = KernelGrid(conv1_w[3, 0], cell=0.6, vmax=tk.symmetric_limit(conv1_w))

    ``vmax`` (default ``max |weights|``) is the magnitude drawn at full colour; pass the same
    value to several kernels to compare them.
    """

    def __init__(self, weights: np.ndarray, cell: float = 0.6, vmax: float | None = None,
                 cmap: Colormap | None = None, number_format: NumberFormat = "{:.2f}",
                 font: str = DEFAULT_FONT, stroke_color: str = MUTED, **kwargs: Any) -> None:
        weights = np.asarray(weights, dtype=float)
        self.vmax = float(vmax) if vmax is not None else symmetric_limit(weights)
        super().__init__(weights, cell=cell, cmap=cmap or SIGNED, vmin=-self.vmax,
                         vmax=self.vmax, number_format=number_format, font=font,
                         stroke_color=stroke_color, **kwargs)


class MultiplyAddPanel(VGroup):
    """One convolution position worked out with the real numbers.

    Left: the 25 products ``x_ij * w_ij`` as cells; right, as a column sum: their sum, the bias
    and the result (labels ``sum_label``, ``bias_label``, ``result_label``).

        panel = MultiplyAddPanel(digit[r:r+5, c:c+5], w[k, 0], b[k], font=theme.font)
        panel.check(conv1_pre[k, r, c])          # the real feature-map value; raises if not equal
        self.play(FadeIn(panel.product_cells)); self.play(Write(panel.sum_line)) ...
        one = panel.term(2, 3)                   # Text "0.73 × (−0.31) = −0.23"

    Attributes: ``products`` (5, 5), ``total`` (sum of products), ``bias``, ``result``
    (``total + bias``), and the mobjects ``product_cells``, ``sum_line``, ``bias_line``,
    ``result_line``, ``rule`` (each line is ``VGroup(label, "=", number)``).
    """

    def __init__(self, patch: np.ndarray, weights: np.ndarray, bias: float, cell: float = 0.55,
                 font: str = DEFAULT_FONT, font_size: float = 30, text_color: str = TEXT,
                 result_color: str = ACCENT, product_format: NumberFormat = "{:.2f}",
                 number_format: NumberFormat = "{:.3f}", sum_label: str = "Σ x·w",
                 bias_label: str = "b", result_label: str = "Σ x·w + b",
                 cmap: Colormap | None = None,
                 theme: ThemeLike | None = None) -> None:
        super().__init__()
        font, text_color = (theme.font, theme.text) if theme else (font, text_color)
        patch = np.asarray(patch, dtype=float)
        weights = np.asarray(weights, dtype=float)
        if patch.shape != weights.shape:
            raise ValueError(f"patch {patch.shape} and weights {weights.shape} differ in shape")
        self.patch, self.weights, self.bias = patch, weights, float(bias)
        self.products = patch * weights
        self.total = float(self.products.sum())
        self.result = self.total + self.bias
        self.font, self.text_color = font, text_color
        self.product_format = product_format
        lim = symmetric_limit(self.products)
        self.product_cells = ValueCells(self.products, cell=cell, cmap=cmap or SIGNED,
                                        vmin=-lim, vmax=lim, number_format=product_format,
                                        font=font)
        f = lambda v: format_number(v, number_format)  # noqa: E731
        signed = number_format.replace("{:", "{:+", 1) if isinstance(number_format, str) \
            and not number_format.startswith("{:+") else number_format
        rows = [(sum_label, f(self.total), text_color, 1.0),
                (bias_label, format_number(self.bias, signed), text_color, 1.0),
                (result_label, f(self.result), result_color, 1.15)]
        lines = self._sum_lines(rows, font, font_size)
        self.sum_line, self.bias_line, self.result_line = lines
        self.rule = Line(np.array([self.sum_line.get_left()[0], 0, 0]),
                         np.array([self.sum_line.get_right()[0] + 0.05, 0, 0]))
        self.rule.set_stroke(text_color, 2).set_y(
            (self.bias_line.get_bottom()[1] + self.result_line.get_top()[1]) / 2)
        block = VGroup(*lines, self.rule)
        block.next_to(self.product_cells, RIGHT, buff=0.6)
        self.add(self.product_cells, block)
        self.lines = block

    @staticmethod
    def _sum_lines(rows: list[tuple[str, str, str, float]], font: str,
                   font_size: float) -> list[VGroup]:
        """``label = value`` lines, labels right-aligned, "=" in one column, values
        right-aligned, with room for the rule above the last line."""
        built = [[make_text(text, font, font_size * k, color) for text in (label, "=", value)]
                 for label, value, color, k in rows]
        label_w = max(r[0].width for r in built)
        value_w = max(r[2].width for r in built)
        y = 0.0
        lines = []
        for i, (lab, eq, val) in enumerate(built):
            if i == 2:
                y -= 0.25  # room for the rule
            for t in (lab, val):
                t.shift(UP * (y - text_baseline(t)))
            eq.set_y(val.get_center()[1])
            lab.shift(RIGHT * (label_w - lab.get_right()[0]))
            eq.shift(RIGHT * (label_w + 0.25 - eq.get_left()[0]))
            val.shift(RIGHT * (label_w + 0.25 + eq.width + 0.25 + value_w - val.get_right()[0]))
            lines.append(VGroup(lab, eq, val))
            y -= font_size / 48 * 0.75 + 0.2
        return lines

    def term(self, r: int, c: int, size: float = 26) -> Text:
        """The single product at (r, c) written out: ``x × w = x·w``."""
        f = lambda v: format_number(v, self.product_format)  # noqa: E731
        w = f(self.weights[r, c])
        w = f"({w})" if self.weights[r, c] < 0 and w.startswith(MINUS) else w
        return make_text(f"{f(self.patch[r, c])} × {w} = {f(self.products[r, c])}", self.font,
                         size, self.text_color)

    def check(self, feature_value: float, atol: float = 1e-3) -> None:
        """Raise ``ValueError`` unless ``result`` equals the real feature-map value."""
        if not math.isclose(self.result, float(feature_value), rel_tol=1e-4, abs_tol=atol):
            raise ValueError(f"multiply-add gives {self.result:.6f} but the feature map holds "
                             f"{float(feature_value):.6f}: patch, kernel or bias do not match")


__all__ = ["ValueCells", "PixelGrid", "KernelGrid", "MultiplyAddPanel"]
