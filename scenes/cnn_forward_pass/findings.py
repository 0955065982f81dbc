"""The forward pass's choices (sequence 1): which cell, window, map and layer it points at,
and which sentence says whether the answer was right. Pure functions over the data.

    from scenes.cnn_forward_pass import findings
    r, c = findings.peak_cell(maps[k])          # the brightest cell of a feature map
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from scenes.findings import probability_sum


def peak_cell(values: Any) -> tuple[int, int]:
    """(row, col) of the largest value of a 2-D array (the first of equals, row by row).

        >>> peak_cell([[0.1, 0.9], [0.9, 0.2]])
        (0, 1)
    """
    a = np.asarray(values, dtype=float)
    r, c = np.unravel_index(int(np.argmax(a)), a.shape)
    return int(r), int(c)


def mixed_window(m: Any, size: int = 4) -> tuple[int, int]:
    """Top-left (row, col) of the ``size`` x ``size`` window of map ``m`` with the most negative
    AND positive values (the smaller of the two counts), then the largest total magnitude: the
    window where ReLU visibly zeroes some numbers and keeps others."""
    m = np.asarray(m, dtype=float)
    best, where = None, (0, 0)
    for r in range(m.shape[0] - size + 1):
        for c in range(m.shape[1] - size + 1):
            w = m[r:r + size, c:c + size]
            score = (min(int((w < 0).sum()), int((w > 0).sum())), float(np.abs(w).sum()))
            if best is None or score > best:
                best, where = score, (r, c)
    return where


def pool_window(m: Any, p: Any, f: int) -> tuple[int, int]:
    """(i, j) of the ``f`` x ``f`` pooling window of map ``m`` (pooled into ``p``) with the most
    distinct positive values, then the widest range: a window whose maximum is worth pointing
    at. Raises ValueError if ``p[i, j]`` is not the maximum of that window (inconsistent data)."""
    m, p = np.asarray(m, dtype=float), np.asarray(p, dtype=float)
    best, where = None, (0, 0)
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            w = m[i * f:(i + 1) * f, j * f:(j + 1) * f]
            score = (len(set(np.round(w[w > 0], 4).tolist())), float(w.max() - w.min()))
            if best is None or score > best:
                best, where = score, (i, j)
    i, j = where
    window = m[i * f:(i + 1) * f, j * f:(j + 1) * f]
    if not np.isclose(window.max(), p[i, j], rtol=1e-4, atol=1e-5):
        raise ValueError(f"pooled value [{i}][{j}] = {p[i, j]} is not the max of its "
                         f"window {window.tolist()}: scene_data is inconsistent")
    return where


def slide_stops(n_cols: int, row: int, col: int, n: int = 4) -> list[tuple[int, int]]:
    """Where a sliding window stops on its way to (row, col): ``n - 1`` evenly spaced stops
    along the first row (after column 0), then down to (row, 0), then across to (row, col).

        >>> slide_stops(24, 10, 7)
        [(0, 7), (0, 15), (0, 23), (10, 0), (10, 7)]
    """
    stops = [(0, int(c)) for c in np.linspace(0, n_cols - 1, n).astype(int)[1:]]
    return stops + [(int(row), 0), (int(row), int(col))]


def most_active_map(maps: Any) -> int:
    """Index of the map (first axis) with the largest single value."""
    a = np.asarray(maps, dtype=float)
    return int(np.argmax(a.reshape(len(a), -1).max(axis=1)))


def answer_key(pred: int, label: int) -> str:
    """Text key of the verdict on a prediction: ``'sm_correct'`` or ``'sm_wrong'``."""
    return "sm_correct" if int(pred) == int(label) else "sm_wrong"


def largest_layer(params: Sequence[float]) -> tuple[int, float]:
    """(index, share of the total) of the layer with the most parameters (share 0 if none)."""
    big = int(np.argmax(params))
    total = float(sum(params))
    return big, (params[big] / total if total else 0.0)


def conv_part(keys: Sequence[str]) -> int:
    """How many layers, from the first, belong to the convolutional part: up to and including
    ``'flatten'`` (all of them if there is no flatten layer)."""
    keys = list(keys)
    return keys.index("flatten") + 1 if "flatten" in keys else len(keys)


def layer_with_shape(layers: Sequence[Any], shape: Sequence[int],
                     with_params: Optional[bool] = None) -> Optional[int]:
    """Index in ``training.layers`` of the first layer with output ``shape`` (and, when
    ``with_params`` is given, with or without parameters); None if there is none."""
    for i, layer in enumerate(layers):
        if tuple(layer.shape) == tuple(shape) and (
                with_params is None or (layer.params > 0) == with_params):
            return i
    return None


__all__ = ["answer_key", "conv_part", "largest_layer", "layer_with_shape", "mixed_window",
           "most_active_map", "peak_cell", "pool_window", "probability_sum", "slide_stops"]
