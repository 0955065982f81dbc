"""Sequence 2's choices: which mistakes, sets, classes and angles show softmax's
overconfidence. Pure functions over the data.

    from scenes.overconfidence import findings
    i, k = findings.peak_wrong(probs, digit)    # the angle and wrong class of the highest p
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from scenes.findings import calibration, probability_sum, probability_total, wrong_counts
from scenes.shown import Ref


def largest_gap(model: Any, min_count: int) -> Optional[int]:
    """The reliability bin with the largest |accuracy - confidence| among the bins holding at
    least ``min_count`` digits (``heldout.min_bin_count``): a bin of five digits is noise, not a
    finding. None if no bin is that full."""
    full = [i for i, b in enumerate(model.reliability) if b.count >= min_count]
    if not full:
        return None
    return max(full, key=lambda i: abs(model.reliability[i].accuracy - model.reliability[i].confidence))


def bin_direction(b: Any) -> str:
    """``'over'`` when a reliability bin (``heldout.models.<m>.reliability[i]``) is less often
    right than it is confident, else ``'under'``."""
    return "over" if b.accuracy < b.confidence else "under"


def most_confident_set(sets: Sequence[Any]) -> tuple[str, float]:
    """(key, share) of the unrelated set (``unrelated.sets[i]``) that softmax is most often at
    least 90% sure of: the largest ``stats['softmax'].confident_share``, the first of equals."""
    return max(((s.key, float(s.stats["softmax"].confident_share)) for s in sets),
               key=lambda ks: ks[1])


def most_confident_example(sets: Sequence[tuple[int, Any]],
                           prefer: str = "letters") -> Optional[tuple[int, int]]:
    """(set index, example index) into ``unrelated.sets`` of the example with the highest
    softmax max-probability, among the sets keyed ``prefer`` if they have examples, else among
    all of ``sets`` ((index, set) pairs); the first of equals; None without examples."""
    for pool in ([x for x in sets if x[1].key == prefer], sets):
        cands = [(i, j, max(ex.softmax.probs)) for i, s in pool for j, ex in enumerate(s.examples)]
        if cands:
            i, j, _ = max(cands, key=lambda c: c[2])
            return i, j
    return None


def peak_wrong(probs: Any, digit: int) -> tuple[int, int]:
    """(row, class) of the highest probability any class but ``digit`` gets in ``probs``
    (rows = inputs, e.g. ``rotation.softmax_probs`` by angle); the first in reading order."""
    wrong = np.array(probs, dtype=float)
    wrong[:, digit] = -1.0
    i, k = np.unravel_index(np.argmax(wrong), wrong.shape)
    return int(i), int(k)


def curve_classes(probs: Any, digit: int, peak_class: int, threshold: float,
                  max_curves: int) -> list[int]:
    """The classes that get their own curve in a chart of ``probs`` by row: ``digit``, then
    (in class order) up to ``max_curves - 1`` wrong classes whose probability ever exceeds
    ``threshold``, the highest peaks first, ``peak_class`` always among them."""
    p = np.asarray(probs, dtype=float)
    ranked = sorted((k for k in range(p.shape[1]) if k != digit and p[:, k].max() > threshold),
                    key=lambda k: -p[:, k].max())
    if peak_class not in ranked:
        ranked.insert(0, peak_class)
    return [digit] + sorted(ranked[:max_curves - 1])


def largest_others(values: Any, skip: int, n: int = 2) -> list[int]:
    """Indices of the ``n`` largest of ``values`` other than index ``skip``, largest first."""
    return [int(k) for k in np.argsort(-np.asarray(values, dtype=float)) if k != skip][:n]


def wrong_angles(rotation: Ref, model: str, confident: float | None = None) -> Ref:
    """``sum(argmax(rotation.<m>_probs, axis=1) != rotation.digit)``: the angles at which
    ``model`` names another digit; with ``confident``, only those where its largest
    probability is at least that (:func:`scenes.findings.wrong_counts`).

        n_conf = self.show(findings.wrong_angles(self.d.rotation, "softmax", confident=0.9))
    """
    probs = getattr(rotation, f"{model}_probs")
    wrong, sure = wrong_counts(probs._obj, int(rotation.digit), confident or 0.0)
    names = f"argmax({probs._text}, axis=1) != {rotation.digit._text}"
    if confident is None:
        return Ref(wrong, f"sum({names})")
    return Ref(sure, f"sum(({names}) & (max({probs._text}, axis=1) >= {confident}))")


__all__ = ["bin_direction", "calibration", "curve_classes", "largest_gap", "largest_others",
           "most_confident_example", "most_confident_set", "peak_wrong", "probability_sum",
           "probability_total", "wrong_angles", "wrong_counts"]
