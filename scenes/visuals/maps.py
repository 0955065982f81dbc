"""Feature maps: many maps as one image on a shared scale, a colour bar, an arrow between layers.

    atlas = FeatureMapAtlas(conv1_pre, cols=5, width=6.0)
    bar = ColorBar(SIGNED, atlas.vmin, atlas.vmax)
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, UL, Arrow, Group, Mobject, Rectangle,
                   VGroup)

from scenes.visuals.theme import ACCENT, DEFAULT_FONT, MUTED, NumberFormat, SEPARATOR
from scenes.visuals.text import make_text, shape_text
from scenes.visuals.numbers import format_number
from scenes.visuals.colours import SIGNED, Colormap, VIRIDIS, colorize, hex_to_rgb, image_mobject, normalize, symmetric_limit


class FeatureMapAtlas(Group):
    """All N feature maps composed into ONE image (fast to render), on one shared colour scale.

        atlas = FeatureMapAtlas(conv1_pre, cols=5, width=6.0)     # (20, 24, 24); diverging
        self.play(FadeIn(atlas)); self.play(Create(atlas.tile_rect(3)))
        relu = FeatureMapAtlas(conv1_post, cols=5, width=6.0, mode="diverging",
                               vmin=atlas.vmin, vmax=atlas.vmax)  # same scale: before/after
        self.play(Transform(atlas.image, relu.image))

    ``mode``: ``"diverging"`` (zero in the middle, limit ``max |maps|``), ``"sequential"``
    (``min .. max``) or ``None`` (diverging when any value is negative). Each map is enlarged by
    a whole factor so the 1-pixel separators stay thin.
    """

    def __init__(self, maps: np.ndarray, cols: int = 5, width: float = 6.0,
                 mode: str | None = None, cmap: Colormap | None = None,
                 vmin: float | None = None, vmax: float | None = None,
                 separator_color: str = SEPARATOR, separator_px: int = 1,
                 upscale: int | None = None) -> None:
        super().__init__()
        maps = np.asarray(maps, dtype=float)
        if maps.ndim != 3:
            raise ValueError(f"FeatureMapAtlas needs (N, H, W) maps, got shape {maps.shape}")
        self.maps = maps
        self.n, self.map_h, self.map_w = maps.shape
        self.cols = max(1, min(cols, self.n))
        self.rows = math.ceil(self.n / self.cols)
        self.mode = mode or ("diverging" if np.nanmin(maps) < 0 else "sequential")
        if self.mode == "diverging":
            lim = symmetric_limit(maps)
            self.vmin = -lim if vmin is None else float(vmin)
            self.vmax = lim if vmax is None else float(vmax)
            self.cmap = cmap or SIGNED
        elif self.mode == "sequential":
            self.vmin = float(np.nanmin(maps)) if vmin is None else float(vmin)
            self.vmax = float(np.nanmax(maps)) if vmax is None else float(vmax)
            self.cmap = cmap or VIRIDIS
        else:
            raise ValueError(f"mode must be 'diverging' or 'sequential', not {mode!r}")
        self.upscale = upscale or max(1, math.ceil(64 / max(self.map_h, self.map_w)))
        self.sep = separator_px
        th, tw = self.map_h * self.upscale, self.map_w * self.upscale
        self.tile_px = (th, tw)
        H = self.rows * th + (self.rows + 1) * self.sep
        W = self.cols * tw + (self.cols + 1) * self.sep
        atlas = np.empty((H, W, 3), dtype=np.uint8)
        atlas[:] = hex_to_rgb(separator_color)
        for i in range(self.n):
            y0, x0 = self._tile_origin_px(i)
            tile = colorize(maps[i], self.cmap, self.vmin, self.vmax)
            tile = np.repeat(np.repeat(tile, self.upscale, axis=0), self.upscale, axis=1)
            atlas[y0:y0 + th, x0:x0 + tw] = tile
        self.atlas_rgb = atlas
        self.image = image_mobject(atlas, width=width)
        self.add(self.image)

    def _tile_origin_px(self, i: int) -> tuple[int, int]:
        if not 0 <= i < self.n:
            raise IndexError(f"tile {i} of {self.n}")
        r, c = divmod(i, self.cols)
        th, tw = self.tile_px
        return self.sep + r * (th + self.sep), self.sep + c * (tw + self.sep)

    @property
    def _unit_per_px(self) -> float:
        return self.image.width / self.atlas_rgb.shape[1]

    def pixel_center(self, i: int, r: float, c: float) -> np.ndarray:
        """The scene point at the centre of pixel (r, c) of map ``i``."""
        y0, x0 = self._tile_origin_px(i)
        u = self._unit_per_px
        corner = self.image.get_corner(UL)
        return corner + np.array([(x0 + (c + 0.5) * self.upscale) * u,
                                  -(y0 + (r + 0.5) * self.upscale) * u, 0])

    def tile_center(self, i: int) -> np.ndarray:
        """The scene point at the centre of map ``i``."""
        return self.pixel_center(i, (self.map_h - 1) / 2, (self.map_w - 1) / 2)

    @property
    def tile_size(self) -> tuple[float, float]:
        """(width, height) of one map in scene units."""
        u = self._unit_per_px
        return self.tile_px[1] * u, self.tile_px[0] * u

    def tile_rect(self, i: int, color: str = ACCENT, stroke_width: float = 4,
                  buff: float = 0.0) -> Rectangle:
        """A rectangle around map ``i``."""
        w, h = self.tile_size
        return Rectangle(width=w + 2 * buff, height=h + 2 * buff, stroke_color=color,
                         stroke_width=stroke_width).move_to(self.tile_center(i))


class ColorBar(Group):
    """A colour scale with its limits written: the legend of an atlas or a heat map.

        bar = ColorBar(atlas.cmap, atlas.vmin, atlas.vmax, length=3.0).next_to(atlas, RIGHT)
    """

    def __init__(self, cmap: Colormap, vmin: float, vmax: float, length: float = 3.0,
                 thickness: float = 0.18, vertical: bool = True,
                 number_format: NumberFormat = "{:.2f}", font: str = DEFAULT_FONT,
                 font_size: float = 20, text_color: str = MUTED) -> None:
        super().__init__()
        self.vmin, self.vmax = float(vmin), float(vmax)
        t = np.linspace(1, 0, 256) if vertical else np.linspace(0, 1, 256)
        strip = cmap(t)[:, None, :] if vertical else cmap(t)[None, :, :]
        self.image = image_mobject(strip, width=thickness if vertical else length,
                                   height=length if vertical else thickness, nearest=False)
        self.add(self.image)
        ticks = [self.vmin, self.vmax]
        if self.vmin < 0 < self.vmax:
            ticks.insert(1, 0.0)
        self.labels = VGroup()
        for v in ticks:
            frac = float(normalize(v, self.vmin, self.vmax))
            lab = make_text(format_number(v, number_format), font, font_size, text_color)
            if vertical:
                y = self.image.get_bottom()[1] + frac * length
                lab.next_to(np.array([self.image.get_right()[0], y, 0]), RIGHT, buff=0.1)
            else:
                x = self.image.get_left()[0] + frac * length
                lab.next_to(np.array([x, self.image.get_bottom()[1], 0]), DOWN, buff=0.1)
            self.labels.add(lab)
        self.add(self.labels)


class LayerFlow(VGroup):
    """An arrow from one layer's mobject to the next with the tensor shape written on it.

        flow = LayerFlow(conv1_atlas, pool1_atlas, shape=(20, 12, 12), font=theme.font)
    """

    def __init__(self, source: Mobject, target: Mobject, label: str | None = None,
                 shape: Sequence[int] | None = None, color: str = MUTED,
                 text_color: str | None = None, font: str = DEFAULT_FONT, font_size: float = 22,
                 buff: float = 0.15, stroke_width: float = 4) -> None:
        super().__init__()
        delta = target.get_center() - source.get_center()
        horizontal = abs(delta[0]) >= abs(delta[1])
        if horizontal:
            d = RIGHT if delta[0] >= 0 else LEFT
        else:
            d = UP if delta[1] >= 0 else DOWN
        start = source.get_critical_point(d)
        end = target.get_critical_point(-d)
        if horizontal:
            y = (max(source.get_bottom()[1], target.get_bottom()[1])
                 + min(source.get_top()[1], target.get_top()[1])) / 2
            start, end = np.array([start[0], y, 0]), np.array([end[0], y, 0])
        self.arrow = Arrow(start, end, buff=buff, color=color, stroke_width=stroke_width,
                           max_tip_length_to_length_ratio=0.25)
        self.add(self.arrow)
        text = label if label is not None else (shape_text(shape) if shape is not None else "")
        self.label = make_text(text, font, font_size, text_color or color) if text else VGroup()
        if text:
            self.label.next_to(self.arrow, UP if horizontal else RIGHT, buff=0.1)
            self.add(self.label)


__all__ = ["FeatureMapAtlas", "ColorBar", "LayerFlow"]
