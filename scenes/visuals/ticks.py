"""Round axis ticks, one rule for every chart.

    nice_ticks(0, 0.93)      # array([0. , 0.2, 0.4, 0.6, 0.8, 1. ])
    nice_step(13 / 5)        # 5.0
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


def ticks_to_one(lo: float, n: int = 5) -> np.ndarray:
    """About ``n`` round ticks from ``lo`` up to exactly 1, never past it (a share, an accuracy).

        ticks_to_one(0.93)   # array([0.92, 0.94, 0.96, 0.98, 1.  ])
    """
    ticks = nice_ticks(lo, 1.0, n)
    ticks = ticks[ticks <= 1.0 + 1e-9]
    if ticks[-1] < 1.0:
        ticks = np.append(ticks, 1.0)
    return ticks


def sampled_ticks(values: Sequence[float] | np.ndarray, n: int = 6) -> list[float]:
    """Every k-th of ``values`` as ticks, k chosen for about ``n`` steps, and always the last
    value (data points as ticks, e.g. the rotation angles).

        sampled_ticks([0, 30, 60, 90, 120, 150, 180, 210])   # [0.0, 60.0, 120.0, 180.0, 210.0]
    """
    values = np.asarray(values, float)
    step = max(1, math.ceil((len(values) - 1) / n))
    last = [] if (len(values) - 1) % step == 0 else [values[-1]]
    return [float(v) for v in list(values[::step]) + last]


__all__ = ["nice_step", "tick_format", "nice_ticks", "ticks_to_one", "sampled_ticks"]
