"""Colour maps and images: values in, RGB out, with a shared scale.

    rgb = colorize(conv1[0], SIGNED, -m, m)      # (H, W, 3) uint8
    img = image_mobject(rgb, width=2.0)                      # pixel-exact, no smoothing
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import UL, ImageMobject
from manim.constants import RESAMPLING_ALGORITHMS

from scenes.visuals.theme import NEGATIVE, POSITIVE, SIGNED_STOPS


def hex_to_rgb(color: str) -> np.ndarray:
    """``'#E69F00' -> array([230, 159, 0])`` (uint8)."""
    c = str(color).lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=np.uint8)


def rgb_to_hex(rgb: Sequence[int] | np.ndarray) -> str:
    r, g, b = (int(v) for v in np.asarray(rgb)[:3])
    return f"#{r:02X}{g:02X}{b:02X}"


def contrast_text_color(rgb: Sequence[int] | np.ndarray, dark: str = "#111111",
                        light: str = "#FFFFFF") -> str:
    """The text colour (dark or light) readable on a cell of colour ``rgb`` (0-255)."""
    r, g, b = (np.asarray(rgb, dtype=float)[:3] / 255.0)
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return dark if luminance > 0.5 else light


class Colormap:
    """A piecewise-linear colour map through evenly spaced stops.

        cmap = Colormap(["#000000", "#FFFFFF"])
        rgb = cmap(np.array([0.0, 0.5, 1.0]))     # (3, 3) uint8
    """

    def __init__(self, stops: Sequence[str], name: str = "") -> None:
        if len(stops) < 2:
            raise ValueError("a colour map needs at least two stops")
        self.stops = tuple(stops)
        self.name = name
        self._rgb = np.array([hex_to_rgb(s) for s in stops], dtype=float)

    def __call__(self, t: np.ndarray | float) -> np.ndarray:
        """Map ``t`` in [0, 1] (clipped; NaN -> 0) to uint8 RGB with a trailing axis of 3."""
        t = np.nan_to_num(np.clip(np.asarray(t, dtype=float), 0.0, 1.0))
        pos = t * (len(self.stops) - 1)
        i = np.minimum(pos.astype(int), len(self.stops) - 2)
        f = (pos - i)[..., None]
        rgb = self._rgb[i] * (1 - f) + self._rgb[i + 1] * f
        return np.round(rgb).astype(np.uint8)

    def hex(self, t: float) -> str:
        return rgb_to_hex(self(t))


GRAY = Colormap(["#000000", "#FFFFFF"], "gray")
VIRIDIS = Colormap(["#440154", "#472C7A", "#3B518B", "#2C718E", "#21908D", "#27AD81",
                    "#5CC863", "#AADC32", "#FDE725"], "viridis")
MAGMA = Colormap(["#000004", "#1C1044", "#4F127B", "#812581", "#B5367A", "#E55064",
                  "#FB8761", "#FEC287", "#FCFDBF"], "magma")


def diverging_colormap(negative: str = NEGATIVE, positive: str = POSITIVE,
                       middle: str = "#F4F4F4") -> Colormap:
    """A map for signed values, zero in the middle (t = 0.5): ``negative`` - white -
    ``positive`` (a lecture's theme.negative/positive). The defaults give :data:`SIGNED`."""
    if (negative, positive, middle) == (NEGATIVE, POSITIVE, "#F4F4F4"):
        return Colormap(SIGNED_STOPS, "diverging")
    return Colormap([negative, middle, positive], "diverging")


#: purple - white - green (ColorBrewer PRGn): signed values, never the models' orange/blue
SIGNED = diverging_colormap()


def normalize(values: np.ndarray, vmin: float, vmax: float) -> np.ndarray:
    """``values`` mapped linearly so that vmin -> 0 and vmax -> 1 (not clipped)."""
    span = vmax - vmin
    if span <= 0:
        return np.ones_like(np.asarray(values, dtype=float))
    return (np.asarray(values, dtype=float) - vmin) / span


def symmetric_limit(values: np.ndarray) -> float:
    """``max |values|`` (1.0 for an all-zero array): the shared scale of a diverging map."""
    m = float(np.nanmax(np.abs(values))) if np.size(values) else 0.0
    return m if m > 0 else 1.0


def colorize(values: np.ndarray, cmap: Colormap, vmin: float, vmax: float) -> np.ndarray:
    """An (H, W) array -> (H, W, 3) uint8 image through ``cmap`` with limits vmin..vmax."""
    return cmap(normalize(values, vmin, vmax))


def image_mobject(rgb: np.ndarray, width: float | None = None, height: float | None = None,
                  nearest: bool = True) -> ImageMobject:
    """One ``ImageMobject`` from a uint8 (H, W, 3|4) array, sized in scene units.

    ``nearest`` keeps pixels crisp (no blur between neighbouring values).
    """
    img = ImageMobject(np.ascontiguousarray(rgb, dtype=np.uint8))
    if nearest:
        img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    h_px, w_px = rgb.shape[:2]
    if width is not None and height is not None:
        img.stretch_to_fit_width(width)
        img.stretch_to_fit_height(height)
    elif width is not None:
        img.stretch_to_fit_width(width)
        img.stretch_to_fit_height(width * h_px / w_px)
    elif height is not None:
        img.stretch_to_fit_height(height)
        img.stretch_to_fit_width(height * w_px / h_px)
    return img


def image_cell_center(img: ImageMobject, n_rows: int, n_cols: int, r: float,
                       c: float) -> np.ndarray:
    corner = img.get_corner(UL)
    return corner + np.array([(c + 0.5) * img.width / n_cols, -(r + 0.5) * img.height / n_rows, 0])


__all__ = [
    "hex_to_rgb", "rgb_to_hex", "contrast_text_color", "Colormap", "GRAY", "VIRIDIS", "MAGMA",
    "diverging_colormap", "SIGNED", "normalize", "symmetric_limit", "colorize",
    "image_mobject", "image_cell_center",
]
