"""What sequence 4 (other ways to be unsure) narrates, chosen from scene_data: the angle where
MC dropout's passes spread most, where the ensemble's members disagree most and where their
mutual information peaks, the letter the members disagree on most, and which of the four
models separates each unrelated set best, judged by intervals.

Pure Python and numpy (no manim, no torch), so every choice can be tested on constructed data.

    st = standings(data)[0]            # letters: Standing(best='ensemble', clear=False, ...)
    standing_key(st)                   # 'standing_other_best_tie'
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from contract.models import MODEL_NAMES, REFERENCE

#: the models whose AUROC against EDL comes from the ``more`` sections
MORE = ("mc_dropout", "ensemble")


def first_max(values: Any) -> int:
    """The index of the largest value (the first of equals)."""
    return int(np.argmax(np.asarray(values, dtype=float)))


def widest_spread(rotation: Any, model: str = "mc_dropout") -> int:
    """The angle index where ``model``'s passes (or members) spread most."""
    return first_max(rotation.more.models[model].spread)


def most_disagreement(rotation: Any, model: str = "ensemble") -> Optional[int]:
    """The angle index where most members vote against the mean; None if they always agree."""
    d = np.asarray(rotation.more.models[model].disagreement, dtype=float)
    return None if d.max() <= 0 else first_max(d)


def votes(rotation: Any, model: str, angle: int) -> list[int]:
    """Each member's (or pass's) own answer at one angle."""
    return [int(np.argmax(p[angle])) for p in rotation.more.models[model].passes]


def largest_mi_angle(rotation: Any, model: str = "ensemble") -> int:
    return first_max(rotation.more.models[model].mutual_information)


def disputed_example(sets: list[tuple[int, Any]], set_key: str = "letters",
                     model: str = "ensemble") -> Optional[tuple[int, int]]:
    """(set index, example index) of the shown example of ``set_key`` with the largest mutual
    information of ``model``; None when the set or its examples are absent. ``sets``: (index,
    set) of the sets the lecture shows."""
    for k, s in sets:
        if s.key == set_key and s.examples and s.more is not None:
            mi = s.more.scores[model].mutual_information[:len(s.examples)]
            return k, first_max(mi)
    return None


@dataclass(frozen=True)
class Standing:
    """Every model's AUROC on one set by its own score, and who is ahead of whom."""
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


def standing(s: Any) -> Standing:
    """One unrelated set (``unrelated.sets[i]``) with its ``more`` section."""
    c = s.compare.auroc_u  # EDL by u against softmax by entropy: edl - softmax
    auroc = {"softmax": float(c.softmax), REFERENCE: float(c.edl)}
    vs = {"softmax": (-float(c.diff_ci[1]), -float(c.diff_ci[0]))}
    for m in MORE:
        row = s.more.models[m]
        auroc[m] = float(row.auroc_own)
        vs[m] = tuple(float(v) for v in row.compare["auroc_own"].diff_ci)
    return Standing(s.key, auroc, vs)


def standings(sets: list[Any]) -> list[Standing]:
    """One :class:`Standing` per set that has the ``more`` section."""
    return [standing(s) for s in sets if s.more is not None]


def standing_key(st: Standing) -> str:
    """The YAML sentence of a standing: ``standing_<edl|other>_best_<clear|tie>``."""
    who = "edl" if st.best == REFERENCE else "other"
    return f"standing_{who}_best_{'clear' if st.clear else 'tie'}"
