"""The EDL pass's choices (sequence 3): which classes, example and angles it shows, and which
sentence its data supports. Pure functions over the data.

    from scenes.edl_pass import findings
    findings.top_classes(alpha, 3)              # the three classes with the most evidence
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np


def top_classes(alpha: Sequence[float] | np.ndarray, n: int = 3) -> np.ndarray:
    """Indices of the ``n`` largest values, largest first, ties in class order: the corners of
    a simplex (``forward_pass.edl.alpha``; the same corners for every triangle shown beside it)."""
    return np.argsort(-np.asarray(alpha, float), kind="stable")[:n]


def most_uncertain_example(sets: Sequence[tuple[int, Any]]) -> Optional[tuple[int, int, Any, Any]]:
    """(set index, example index, set, example) with the largest EDL u among ``sets`` (the
    (index, set) pairs of ``unrelated.sets`` a lecture shows); the first such on a tie; None when
    no example has a u."""
    best = None
    for i, s in sets:
        for j, ex in enumerate(s.examples):
            if ex.edl.u is not None and (best is None or ex.edl.u > best[3].edl.u):
                best = (i, j, s, ex)
    return best


def belief_labels(belief: Sequence[float], min_share: float,
                  max_labels: int) -> tuple[list[int], list[int]]:
    """(classes with their own segment, the others) of a stacked belief bar: the ``max_labels``
    largest beliefs of at least ``min_share`` keep their own label (an unsure model spreads its
    belief over many classes, and ten small labelled masses would crowd the bar); both lists in
    class order."""
    largest = sorted(range(len(belief)), key=lambda c: -float(belief[c]))[:max_labels]
    kept = [c for c in range(len(belief)) if c in largest and float(belief[c]) >= min_share]
    return kept, [c for c in range(len(belief)) if c not in kept]


def sweep_indices(u: Sequence[float], n_max: int = 3) -> list[int]:
    """Rotation angles (indices into ``rotation.edl_u``) from 0° to the first angle of largest
    u, ordered as S falls (u rises, S = K/u), at most ``n_max`` of them spread evenly."""
    u = np.asarray(u, float)
    last = int(np.argmax(u))
    idx = sorted(range(last + 1), key=lambda i: (u[i], i))
    if len(idx) > n_max:
        idx = [idx[int(round(t))] for t in np.linspace(0, len(idx) - 1, n_max)]
    return idx


def sweep_alpha(probs: Sequence[float], u: float) -> np.ndarray:
    """The Dirichlet's alpha rebuilt exactly from p̂ and u (the rotated sweep stores no alpha):
    u = K/S gives S = K/u, and p̂ = alpha/S gives alpha = p̂ · S."""
    p = np.asarray(probs, float)
    return p * len(p) / float(u)


def rotation_key_indices(u: Sequence[float], i_wrong: Optional[int]) -> list[int]:
    """The rotation angles looked at up close, in order: the first, the one of largest u, the
    last, and the confident mistake when there is one (``i_wrong``)."""
    keys = {0, int(np.argmax(u)), len(u) - 1}
    return sorted(keys | ({i_wrong} if i_wrong is not None else set()))


def unrelated_claim_key(set_mean_u: Sequence[Optional[float]], heldout_mean_u: float) -> str:
    """``claim_all_higher`` when every unrelated set's mean EDL u
    (``unrelated.sets[i].stats.edl.mean_u``) is above the held-out digits' where EDL is right
    (``heldout.models.edl.mean_u_correct``), else ``claim_not_all``."""
    higher = all(m is not None and m > heldout_mean_u for m in set_mean_u)
    return "claim_all_higher" if higher else "claim_not_all"


def kl_skip(kl: dict[str, np.ndarray], epochs: np.ndarray) -> bool:
    """Whether epoch 1 of the KL term dwarfs the rest (then the chart starts at epoch 2)."""
    if len(epochs) < 3 or not kl:
        return False
    first = max(float(v[0]) for v in kl.values())
    rest = max(float(np.max(v[1:])) for v in kl.values())
    return first > 3.0 * max(rest, 1e-12)


def kl_first_column(row: dict[str, Any]) -> str:
    """The KL column of epoch 1 (a ``training.history.edl`` row) named when the chart leaves
    that epoch out: the training set's, else the held-out set's."""
    return "train_kl" if "train_kl" in row else "heldout_kl"


__all__ = ["belief_labels", "kl_first_column", "kl_skip", "most_uncertain_example",
           "rotation_key_indices", "sweep_alpha", "sweep_indices", "top_classes",
           "unrelated_claim_key"]
