"""Findings more than one sequence makes: the verdict type and its ties, calibration, the
sum of stored probabilities, wrong answers counted. Each sequence's own choices live beside it
(``scenes/<sequence>/findings.py``), which imports these and re-exports what its scenes use.

Pure Python and numpy (no manim, no torch), so every choice can be tested on constructed data.

    from scenes import findings
    v = findings.calibration(data)        # a Verdict: v.winner 'softmax', 'edl' or 'tie'
    findings.probability_sum([0.3333333] * 3)          # 1.0 (the storage's rounding dropped)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from contract.scene_data import SceneData
from scenes.shown import Ref, at, numeric, raw, source_of


TIE = "tie"


@dataclass(frozen=True)
class Verdict:
    """One metric, both models: the values, the bootstrap interval of their difference, and
    which model is better: only where that interval excludes 0, otherwise too close to call."""

    metric: str
    softmax: float
    edl: float
    higher_is_better: bool = True
    #: 95% bootstrap interval of ``edl - softmax`` (paired), from scene_data's ``diff_ci``
    ci: tuple[float, float] = (float("-inf"), float("inf"))
    #: scene_data fields the two values come from (softmax, edl); derived values say how
    sources: tuple[str, str] = ("", "")
    #: anything else that qualifies the comparison (e.g. the share kept, the epsilon)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the scene_data ``Diff`` the values come from, with its source (None: built by hand)
    at: Optional[Ref] = None

    @property
    def diff(self) -> float:
        """``edl - softmax`` in the metric's unit (positive: EDL's value is larger)."""
        return float(self.edl - self.softmax)

    @property
    def margin(self) -> float:
        return abs(self.diff)

    @property
    def winner(self) -> str:
        """``'edl'``, ``'softmax'`` or ``'tie'`` (the interval of the difference holds 0)."""
        if not (np.isfinite(self.softmax) and np.isfinite(self.edl)):
            return TIE
        if self.ci[0] <= 0 <= self.ci[1]:
            return TIE
        edl_larger = self.ci[0] > 0
        return "edl" if edl_larger == self.higher_is_better else "softmax"

    @property
    def loser(self) -> str:
        return {"edl": "softmax", "softmax": "edl"}.get(self.winner, TIE)

    def value(self, model: str) -> float:
        return float(getattr(self, model))

    def fmt(self) -> dict[str, float]:
        """Numbers for a YAML template: softmax, edl, margin, diff, lo and hi (the interval of
        edl - softmax), best and worst value."""
        best = max(self.softmax, self.edl) if self.higher_is_better else min(self.softmax, self.edl)
        worst = min(self.softmax, self.edl) if self.higher_is_better else max(self.softmax, self.edl)
        return {"softmax": float(self.softmax), "edl": float(self.edl), "diff": self.diff,
                "margin": float(self.margin), "lo": float(self.ci[0]), "hi": float(self.ci[1]),
                "best": float(best), "worst": float(worst),
                **{k: v for k, v in self.extra.items() if isinstance(v, (int, float))}}


def probability_sum(probs: Sequence[float]) -> float:
    """The sum of stored probabilities, as the screen says it: softmax (and a Dirichlet mean)
    sums to one exactly, while the stored values are rounded (6 digits), so their float sum
    misses 1 by about 1e-7; four decimals keep a real shortfall and drop that one.

        >>> probability_sum([0.3333333, 0.3333333, 0.3333333]), probability_sum([0.5, 0.4])
        (1.0, 0.9)
    """
    return round(float(np.sum(np.asarray(probs, dtype=float))), 4)


def from_diff(metric: str, diff: Ref, higher_is_better: bool = True, **extra: Any) -> Verdict:
    """A :class:`Verdict` from a scene_data ``Diff`` reached through :mod:`scenes.shown`
    (``from_diff("accuracy", at(data).heldout.compare.accuracy)``)."""
    d = raw(diff)
    return Verdict(metric, float(d.softmax), float(d.edl), higher_is_better,
                   (float(d.diff_ci[0]), float(d.diff_ci[1])),
                   (source_of(diff.softmax), source_of(diff.edl)), dict(extra), diff)


def calibration(data: SceneData) -> Verdict:
    """Expected calibration error on held-out digits (lower is better)."""
    return from_diff("ece", at(data).heldout.compare.ece, False)


#: mean |accuracy - confidence| up to this is called neither over- nor underconfident
CONFIDENCE_TOLERANCE = 0.005


def confidence_gap(model: Any) -> float:
    """Count-weighted mean of (accuracy - confidence) over the reliability bins
    (``heldout.models.<m>.reliability``): negative = overconfident, positive = underconfident,
    nan if every bin is empty."""
    bins = model.reliability
    n = np.array([b.count for b in bins], float)
    if n.sum() <= 0:
        return float("nan")
    gap = np.array([b.accuracy - b.confidence for b in bins], float)
    return float(np.sum(n * gap) / n.sum())


def wrong_counts(probs: Any, digit: int, confident: float = 0.9) -> tuple[int, int]:
    """(rows of ``probs`` whose argmax is not ``digit``, of those the ones whose largest
    probability is at least ``confident``)."""
    p = np.asarray(probs, dtype=float)
    wrong = p.argmax(axis=1) != digit
    return int(np.sum(wrong)), int(np.sum(wrong & (p.max(axis=1) >= confident)))


def probability_total(probs: Ref) -> Ref:
    """``round(sum(<probs>), 4)``: stored probabilities added up as the screen says it
    (:func:`probability_sum`: their rounding to 6 digits dropped, a real shortfall kept)."""
    return Ref(probability_sum(numeric(probs._obj)), f"round(sum({probs._text}), 4)")


__all__ = ["calibration", "confidence_gap", "CONFIDENCE_TOLERANCE", "from_diff", "probability_sum",
           "probability_total", "TIE", "Verdict", "wrong_counts"]
