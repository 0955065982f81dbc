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


#: the default theme (the values of scenes/lectures/default.yaml)
DEFAULT_THEME = Theme()


__all__ = [
    "Theme", "ThemeLike", "DEFAULT_THEME", 
    "FRAME_WIDTH", "FRAME_HEIGHT", "DEFAULT_FONT", "CJK_FONT", "BACKGROUND", "TEXT", "MUTED",
    "ACCENT", "SEPARATOR", "ORANGE", "SKY", "GREEN", "YELLOW", "BLUE", "VERMILION", "PURPLE",
    "OKABE_ITO", "NumberFormat", "MINUS",
]
