"""Which of several models separates an unrelated set best, judged by intervals: shared by
sequence 4 (every model by its own score) and sequence 5 (the chosen models, by entropy).

Pure Python (no manim, no torch), so every ranking can be tested on constructed data. Every
interval is the paired 95% bootstrap of (model - EDL) that scene_data stores; softmax's is stored
as EDL - softmax and is turned round here.

    st = standing(data.unrelated.sets[0])                       # by each model's own score
    st = standing(s, score="entropy", models=("softmax", "edl"))
    st.best, st.clear, standing_key(st)     # 'edl', True, 'standing_edl_best_clear'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Sequence

from contract.models import MODEL_NAMES, REFERENCE

#: own: each model's own score (entropy, mutual information, u); entropy: every model by entropy
By = Literal["own", "entropy"]


@dataclass(frozen=True)
class Standing:
    """Every model's AUROC on one set, and who is ahead of whom."""
    set_key: str
    auroc: dict[str, float]
    #: per non-EDL model: the 95% interval of (model - EDL), paired
    vs_edl: dict[str, tuple[float, float]]

    @property
    def ranked(self) -> list[str]:
        """Models from the highest AUROC down (registry order among equals)."""
        return sorted(self.auroc, key=lambda m: (-self.auroc[m], MODEL_NAMES.index(m)))

    @property
    def best(self) -> str:
        return self.ranked[0]

    @property
    def second(self) -> str:
        return self.ranked[1]

    @property
    def clear(self) -> bool:
        """The leader is ahead of EDL (or EDL of the runner-up) beyond the interval."""
        if self.best == REFERENCE:
            return self.vs_edl[self.second][1] < 0
        return self.vs_edl[self.best][0] > 0


def standing(s: Any, score: By = "own", models: Sequence[str] = MODEL_NAMES) -> Standing:
    """One unrelated set (``unrelated.sets[i]``, with its ``more`` section) ranked over
    ``models`` (EDL among them) by ``score``."""
    if REFERENCE not in models:
        raise ValueError(f"a standing compares against {REFERENCE}: it must be among {models}")
    # EDL (by u, or by entropy) against softmax by entropy, stored as edl - softmax
    c = s.compare.auroc_u if score == "own" else s.compare.auroc_entropy
    auroc = {REFERENCE: float(c.edl)}
    vs: dict[str, tuple[float, float]] = {}
    if "softmax" in models:
        auroc["softmax"] = float(c.softmax)
        vs["softmax"] = (-float(c.diff_ci[1]), -float(c.diff_ci[0]))
    field = "auroc_own" if score == "own" else "auroc_entropy"
    for m in models:
        if m in ("softmax", REFERENCE):
            continue
        row = s.more.models[m]
        auroc[m] = float(getattr(row, field))
        lo, hi = row.compare[field].diff_ci
        vs[m] = (float(lo), float(hi))
    return Standing(s.key, auroc, vs)


def standing_key(st: Standing) -> str:
    """The YAML sentence of a standing: ``standing_<edl|other>_best_<clear|tie>``."""
    who = "edl" if st.best == REFERENCE else "other"
    return f"standing_{who}_best_{'clear' if st.clear else 'tie'}"
