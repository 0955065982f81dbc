"""Round axis ticks, one rule for every chart.

    nice_ticks(0, 0.93)      # array([0. , 0.2, 0.4, 0.6, 0.8, 1. ])
    nice_step(13 / 5)        # 5.0
    whole_ticks(1, 30)       # array([ 0, 10, 20, 30]): epochs, never fractions
    percent_format(0.8, 1)   # '{:.0%}'
"""
from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def nice_step(x: float) -> float:
    """The smallest 1/2/2.5/5 x 10^k that is >= x (1.0 for 0)."""
    if x <= 0:
        return 1.0
    k = math.floor(math.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10 ** k >= x - 1e-12:
            return m * 10 ** k
    return 10 ** (k + 1)


def tick_format(ticks: Sequence[float] | np.ndarray) -> str:
    """One format for all tick labels, with just enough decimals: 0, 0.25, 0.5 -> ``{:.2f}``."""
    for d in range(0, 5):
        if np.allclose(np.round(np.asarray(ticks, float), d), ticks, atol=1e-9):
            return "{:.%df}" % d
    return "{:.4g}"


def nice_ticks(lo: float, hi: float, n: int = 5) -> np.ndarray:
    """About ``n`` round tick values covering lo..hi."""
    if hi <= lo:
        hi = lo + 1.0
    step = nice_step((hi - lo) / max(1, n - 1))
    start = math.floor(lo / step + 1e-9) * step
    stop = math.ceil(hi / step - 1e-9) * step
    return np.round(np.arange(start, stop + step / 2, step), 10)


def whole_ticks(first: int, last: int, n: int = 5) -> np.ndarray:
    """About ``n`` round whole-number ticks covering ``first``..``last`` (e.g. epochs): at least
    two, the last one at or past ``last``.

        >>> whole_ticks(1, 2).tolist(), whole_ticks(1, 12).tolist()
        ([1, 2], [0, 2, 4, 6, 8, 10, 12])
    """
    step = max(1, int(nice_step(max(1, last - first) / n)))
    ticks = np.arange(first - first % step, last + step, step)
    ticks = ticks[ticks <= max(last, first + 1)]
    if ticks[-1] < last or len(ticks) < 2:
        ticks = np.append(ticks, ticks[-1] + step)
    return ticks


def percent_format(lo: float, hi: float) -> str:
    """Format of percentage ticks from ``lo`` to ``hi``: whole percents when :func:`nice_ticks`
    falls on them, else one decimal.

        >>> percent_format(0.8, 1.0), percent_format(0.9, 1.0)
        ('{:.0%}', '{:.1%}')
    """
    ticks = nice_ticks(lo, hi) * 100
    return "{:.0%}" if np.allclose(np.round(ticks), ticks) else "{:.1%}"


def stride_ticks(values: Sequence[float] | np.ndarray, n: int = 6) -> list[float]:
    """Every k-th of ``values`` (k chosen so that about ``n`` steps span them) plus the last,
    for an axis over measured points such as rotation angles.

        stride_ticks(np.arange(0, 190, 10))   # 0, 30, ..., 180
        stride_ticks([0, 15, 30, 45, 60, 75, 90, 105], n=6)   # 0, 30, 60, 90 and 105
    """
    step = max(1, int(np.ceil((len(values) - 1) / n)))
    return list(values[::step]) + ([values[-1]] if (len(values) - 1) % step else [])


def ticks_to_one(lo: float, n: int = 5) -> np.ndarray:
    """About ``n`` round ticks from ``lo`` up to exactly 1, never past it (a share, an accuracy).

        ticks_to_one(0.93)   # array([0.92, 0.94, 0.96, 0.98, 1.  ])
    """
    ticks = nice_ticks(lo, 1.0, n)
    ticks = ticks[ticks <= 1.0 + 1e-9]
    if ticks[-1] < 1.0:
        ticks = np.append(ticks, 1.0)
    return ticks


__all__ = ["nice_step", "tick_format", "nice_ticks", "whole_ticks", "percent_format", "stride_ticks",
           "ticks_to_one"]
