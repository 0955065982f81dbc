"""The default theme's colours and the frame size: the values a lecture's ``theme:`` overrides.

    from scenes.visuals import theme
    theme.FRAME_WIDTH, theme.OKABE_ITO[0]        # 14.22, '#E69F00'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from collections.abc import Callable
from typing import Union


FRAME_WIDTH: float = 14.222222222222221
FRAME_HEIGHT: float = 8.0
DEFAULT_FONT: str = "DejaVu Sans"
CJK_FONT: str = "Noto Sans CJK SC"

BACKGROUND = "#111318"
TEXT = "#ECEFF4"
MUTED = "#9AA3B2"
ACCENT = "#F0C04A"
SEPARATOR = "#4C566A"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
ORANGE = "#E69F00"
SKY = "#56B4E9"
GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILION = "#D55E00"
PURPLE = "#CC79A7"
OKABE_ITO: tuple[str, ...] = (ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION, PURPLE)

# The colour code (docs/design-rules.md): orange and sky blue mean the two MODELS and nothing
# else (theme keys softmax/edl). Signed values (weights, pre-ReLU maps) use a neutral diverging
# map, green for positive and purple for negative around a near-white zero (ColorBrewer PRGn,
# colour-blind safe), announced with a colour bar or a key. Train and held-out curves are two
# greys (light solid, mid dashed); the calibration gap has one colour of its own.
POSITIVE = "#5AAE61"
NEGATIVE = "#9970AB"
#: PRGn stops, negative -> zero -> positive
SIGNED_STOPS: tuple[str, ...] = ("#762A83", NEGATIVE, "#F4F4F4", POSITIVE, "#1B7837")
TRAIN = "#E5E9F0"
HELDOUT = "#8C95A6"
GAP = PURPLE
#: colours for classes other than the one followed (never a model's colour)
CLASS_PALETTE: tuple[str, ...] = (GREEN, YELLOW, PURPLE, "#E5E9F0", "#8C95A6", "#B39DDB")

NumberFormat = Union[str, Callable[[float], str]]
"""A ``str.format`` pattern such as ``"{:.2f}"`` or a function ``value -> str``."""

MINUS = "\u2212"  # a real minus sign, as wide as a plus



class ThemeLike(Protocol):
    """What the visuals read from a theme: the lecture's ``theme:`` block satisfies it."""

    font: str
    text: str
    muted: str


@dataclass(frozen=True)
class Theme:
    """Font and colours of the charts, passed as one object instead of one keyword per colour.

        chart = LineChart(x, ys, theme=lecture.theme)     # the lecture's ``theme:`` block
        chart = LineChart(x, ys)                          # the default theme
        Theme(font="Noto Sans CJK SC").text               # '#ECEFF4'
    """

    font: str = DEFAULT_FONT
    text: str = TEXT
    muted: str = MUTED
    accent: str = ACCENT
    background: str = BACKGROUND
    softmax: str = ORANGE
    edl: str = SKY
    positive: str = POSITIVE
    negative: str = NEGATIVE
    train: str = TRAIN
    heldout: str = HELDOUT
    gap: str = GAP


#: the default theme (the values of lectures/default.yaml)
DEFAULT_THEME = Theme()


__all__ = [
    "Theme", "ThemeLike", "DEFAULT_THEME", 
    "FRAME_WIDTH", "FRAME_HEIGHT", "DEFAULT_FONT", "CJK_FONT", "BACKGROUND", "TEXT", "MUTED",
    "ACCENT", "SEPARATOR", "ORANGE", "SKY", "GREEN", "YELLOW", "BLUE", "VERMILION", "PURPLE",
    "OKABE_ITO", "NumberFormat", "MINUS", "POSITIVE", "NEGATIVE", "SIGNED_STOPS", "TRAIN",
    "HELDOUT", "GAP", "CLASS_PALETTE",
]
