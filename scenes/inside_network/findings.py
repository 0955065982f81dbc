"""Sequence 6's choices: the most confused pair, where unrelated inputs land among the digits
in feature space, and which layer changed most in training. Pure functions over the data.

    from scenes.inside_network import findings
    c = findings.most_confused(matrix)          # Confused(true, predicted, count)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Sequence

import numpy as np

from contract.scene_data import MODELS
from scenes.findings import TIE
from scenes.shown import Ref


#: two shares closer than this (e.g. of unrelated points among digits) are called "about the same"
OVERLAP_TOLERANCE = 0.05

#: nearest neighbours looked at when asking whether an unrelated point lies among the digits
NEIGHBOURS = 10


@dataclass(frozen=True)
class Confused:
    """The largest off-diagonal cell of a confusion matrix (row = true digit): which digit a
    model most often takes for which, how often, and how many cells share that count."""

    true: int
    pred: int
    count: int
    n_tied: int                      # off-diagonal cells with this same count (1: no tie)
    errors: int                      # all off-diagonal counts together


def most_confused(matrix: Any) -> Confused:
    """The most frequent mistake in ``matrix`` (``inside.confusion.<model>``); among equal
    counts the first in reading order, with ``n_tied`` saying how many share it."""
    c = np.asarray(matrix, dtype=int)
    off = c.copy()
    np.fill_diagonal(off, -1)
    top = int(off.max())
    t, p = (int(v) for v in np.unravel_index(int(np.argmax(off)), off.shape))
    return Confused(t, p, top, int(np.sum(off == top)), int(c.sum() - np.trace(c)))


def same_mistake(a: Confused, b: Confused) -> bool:
    """Both models' most frequent mistake is the same pair (true digit, prediction)."""
    return (a.true, a.pred) == (b.true, b.pred)


def digit_neighbour_share(points: Any, groups: Sequence[str], set_key: str,
                          k: int = NEIGHBOURS) -> float:
    """How far the points of unrelated set ``set_key`` lie among the held-out digits in a 2-D
    embedding: over that set's points, the mean share of their ``k`` nearest other points that
    are held-out digits (0: a cluster of its own, about the digits' share of all points: mixed
    in). ``groups`` names each point's group (``inside.embedding.group``); nan if the set has
    no points."""
    xy = np.asarray(points, dtype=float)
    g = np.asarray(groups)
    mine = np.flatnonzero(g == set_key)
    if mine.size == 0 or len(xy) < 2:
        return float("nan")
    k = min(k, len(xy) - 1)
    d = np.linalg.norm(xy[mine, None, :] - xy[None, :, :], axis=-1)
    d[np.arange(mine.size), mine] = np.inf  # a point is not its own neighbour
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    return float(np.mean(g[nearest] == "heldout"))


def embedding_overlap(data: Any, model: str, sets: Sequence[str], space: str = "tsne",
                      k: int = NEIGHBOURS) -> dict[str, float]:
    """Per unrelated set in ``sets``: :func:`digit_neighbour_share` in ``model``'s ``space``
    (``tsne`` or ``pca``) embedding, among the held-out digits and the points of ``sets`` only
    (what the scene plots)."""
    e = data.inside.embedding
    keep = [i for i, grp in enumerate(e.group) if grp == "heldout" or grp in sets]
    pts = np.asarray(getattr(e.models[model], space), dtype=float)[keep]
    groups = [e.group[i] for i in keep]
    return {s: digit_neighbour_share(pts, groups, s, k) for s in sets}


def most_overlapping(shares: dict[str, float]) -> Optional[str]:
    """The set whose points lie most among the digits (None if there is none)."""
    finite = {s: v for s, v in shares.items() if np.isfinite(v)}
    return max(finite, key=lambda s: finite[s]) if finite else None


def compare_shares(softmax: float, edl: float, tolerance: Optional[float] = None) -> str:
    """``'softmax'`` or ``'edl'``: whose share is clearly larger; ``'tie'`` within
    ``tolerance`` (default ``OVERLAP_TOLERANCE``)."""
    tol = OVERLAP_TOLERANCE if tolerance is None else tolerance
    if not (np.isfinite(softmax) and np.isfinite(edl)) or abs(edl - softmax) <= tol:
        return TIE
    return "edl" if edl > softmax else "softmax"


def histogram_change(hist: Any) -> float:
    """How much a layer's weight distribution moved during training: total variation distance
    between the first (initial weights) and last histogram of ``hist`` (rows = epochs), 0..1."""
    h = np.asarray(hist, dtype=float)
    first, last = h[0] / max(h[0].sum(), 1.0), h[-1] / max(h[-1].sum(), 1.0)
    return float(0.5 * np.abs(last - first).sum())


def most_changed_layer(dynamics: Any) -> str:
    """The layer whose weight histogram moved most (:func:`histogram_change`) in one model's
    ``training.dynamics.<model>``; the first of equals in layer order."""
    changes = [histogram_change(dynamics.weight_hist[name]) for name in dynamics.layers]
    return dynamics.layers[int(np.argmax(changes))]


def shared_changed_layer(data: Any) -> str:
    """The layer that moved most over both models together (mean :func:`histogram_change`):
    the one layer the scene shows for both."""
    dyn = data.training.dynamics
    layers = dyn[MODELS[0]].layers
    mean = [np.mean([histogram_change(dyn[m].weight_hist[name]) for m in MODELS])
            for name in layers]
    return layers[int(np.argmax(mean))]


def neighbour_share(root: Ref, model: str, space: str, set_key: str,
                    sets: Sequence[str]) -> Ref:
    """``inside.embedding.models.<m>.<space>(digit-neighbour share of <set> among <sets>)``:
    the share of ``set_key``'s points whose nearest neighbours in the 2-D embedding are
    digits (:func:`embedding_overlap`)."""
    points = getattr(getattr(root.inside.embedding.models, model), space)
    share = embedding_overlap(root._obj, model, list(sets), space)[set_key]
    return Ref(share, f"{points._text}(digit-neighbour share of {set_key} among {','.join(sets)})")


__all__ = ["compare_shares", "Confused", "digit_neighbour_share", "embedding_overlap",
           "histogram_change", "most_changed_layer", "most_confused", "most_overlapping",
           "neighbour_share", "NEIGHBOURS", "OVERLAP_TOLERANCE", "same_mistake",
           "shared_changed_layer"]
