"""Tables and image tiles.

    table = TextTable([["model", "accuracy"], ["softmax", "0.93"]])
    tile = ImageTile(letter, caption="A (letters)")
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from manim import DOWN, RIGHT, UP, Group, Line, Rectangle, Text, VGroup, VMobject

from scenes.visuals.theme import ThemeLike, ACCENT, DEFAULT_FONT, MUTED, TEXT
from scenes.visuals.text import make_text, text_baseline
from scenes.visuals.colours import Colormap, GRAY, colorize, image_mobject


class ImageTile(Group):
    """A small image (one crisp ImageMobject) with caption lines under it.

        tile = ImageTile(letter_a, ["A", "softmax: 7 (0.93)"], size=1.6, font=theme.font,
                         caption_colors=[theme.text, theme.softmax])
    """

    def __init__(self, values: np.ndarray, caption: str | Sequence[str] = (), size: float = 1.6,
                 cmap: Colormap = GRAY, vmin: float = 0.0, vmax: float = 1.0,
                 font: str = DEFAULT_FONT, font_size: float = 20, text_color: str = TEXT,
                 caption_colors: Sequence[str] | None = None, border_color: str = MUTED,
                 caption_width: float | None = None,
                 theme: ThemeLike | None = None) -> None:
        super().__init__()
        font, text_color = (theme.font, theme.text) if theme else (font, text_color)
        values = np.asarray(values, dtype=float)
        self.values = values
        self.image = image_mobject(colorize(values, cmap, vmin, vmax), height=size)
        self.border = Rectangle(width=self.image.width, height=self.image.height,
                                stroke_color=border_color, stroke_width=1.5).move_to(self.image)
        lines = [caption] if isinstance(caption, str) else list(caption)
        colors = list(caption_colors) if caption_colors else [text_color] * len(lines)
        self.captions = VGroup(*[make_text(s, font, font_size, colors[i % len(colors)])
                                 for i, s in enumerate(lines) if s])
        self.add(self.image, self.border)
        if len(self.captions):
            self.captions.arrange(DOWN, buff=0.08)
            limit = caption_width or self.image.width * 1.35
            if self.captions.width > limit:
                self.captions.scale_to_fit_width(limit)
            self.captions.next_to(self.image, DOWN, buff=0.12)
            self.add(self.captions)


def _align(cell: Text, baseline: float, how: str, left: float, width: float) -> Text:
    """Put ``cell`` on the row's ``baseline``, aligned ``l``/``r``/``c`` in its column."""
    cell.shift(UP * (baseline - text_baseline(cell)))
    if how == "l":
        return cell.shift(RIGHT * (left - cell.get_left()[0]))
    if how == "r":
        return cell.shift(RIGHT * (left + width - cell.get_right()[0]))
    return cell.shift(RIGHT * (left + width / 2 - cell.get_center()[0]))


class TextTable(VGroup):
    """A small table built from ``Text`` only (no LaTeX), with rules under the header.

        table = TextTable([["", "softmax", "EDL"], ["accuracy", "98.9%", "98.8%"]],
                          font=theme.font, col_align="lrr")
        table.cell(1, 2).set_color(theme.edl)

    ``col_align``: one of ``l``, ``c``, ``r`` per column (or one letter for all).
    """

    def __init__(self, rows: Sequence[Sequence[str]], header: bool = True,
                 font: str = DEFAULT_FONT, font_size: float = 26, text_color: str = TEXT,
                 header_color: str = MUTED, rule_color: str = MUTED, col_align: str = "l",
                 col_buff: float = 0.6, row_buff: float = 0.28,
                 cell_colors: Mapping[tuple[int, int], str] | None = None) -> None:
        super().__init__()
        if not rows:
            raise ValueError("TextTable needs at least one row")
        n_cols = max(len(r) for r in rows)
        align = col_align * n_cols if len(col_align) == 1 else col_align
        if len(align) < n_cols:
            align += align[-1] * (n_cols - len(align))
        colors = dict(cell_colors or {})
        self.cells: list[list[VMobject]] = []
        for r, row in enumerate(rows):
            out: list[VMobject] = []
            for c in range(n_cols):
                s = row[c] if c < len(row) else ""
                color = colors.get((r, c), header_color if (header and r == 0) else text_color)
                out.append(make_text(s, font, font_size, color) if s.strip() else VMobject())
            self.cells.append(out)
        col_w = [max((self.cells[r][c].width for r in range(len(rows))), default=0)
                 for c in range(n_cols)]
        ref = make_text("Hg", font, font_size)
        row_h = ref.height
        ref_base_offset = text_baseline(ref) - ref.get_bottom()[1]
        x_left = [sum(col_w[:c]) + c * col_buff for c in range(n_cols)]
        total_w = sum(col_w) + (n_cols - 1) * col_buff
        self.rows_group = VGroup()
        y = 0.0
        self.row_baselines: list[float] = []
        for r in range(len(rows)):
            baseline = y - row_h + ref_base_offset
            self.row_baselines.append(baseline)
            group = VGroup()
            for c in range(n_cols):
                cell = self.cells[r][c]
                if isinstance(cell, Text):
                    group.add(_align(cell, baseline, align[c], x_left[c], col_w[c]))
            self.rows_group.add(group)
            y -= row_h + row_buff
            if header and r == 0:
                rule_y = y + row_buff / 2
                self.rule = Line([0, rule_y, 0], [total_w, rule_y, 0]).set_stroke(rule_color, 1.5)
                self.add(self.rule)
        self.add(self.rows_group)
        self.center()

    def cell(self, r: int, c: int) -> VMobject:
        return self.cells[r][c]

    def row(self, r: int) -> VGroup:
        return self.rows_group[r]

    def highlight_row(self, r: int, color: str = ACCENT, buff: float = 0.12) -> Rectangle:
        """A rectangle around row ``r`` spanning the whole table width."""
        row = self.rows_group[r]
        rect = Rectangle(width=self.width + 2 * buff, height=row.height + 2 * buff,
                         stroke_color=color, stroke_width=3)
        return rect.move_to(np.array([self.get_center()[0], row.get_center()[1], 0]))


__all__ = ["ImageTile", "TextTable"]
