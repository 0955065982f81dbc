"""What sequence 4 (other ways to be unsure) narrates, chosen from scene_data: the angle where
MC dropout's passes spread most, where the ensemble's members disagree most and where their
mutual information peaks, the letter the members disagree on most, and which of the four
models separates each unrelated set best, judged by intervals.

Pure Python and numpy (no manim, no torch), so every choice can be tested on constructed data.

    st = standings(data)[0]            # letters: Standing(best='ensemble', clear=False, ...)
    standing_key(st)                   # 'standing_other_best_tie'
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from scenes.standings import Standing, standing, standing_key  # noqa: F401 (this sequence's)

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


def standings(sets: list[Any]) -> list[Standing]:
    """One :class:`Standing` per set that has the ``more`` section."""
    return [standing(s) for s in sets if s.more is not None]
