"""Pacing from the words: how long a caption cue must stay on screen, and how cues are laid out
over a section. Pure functions (no manim), shared by the scenes, the tests and the narration.

    >>> round(reading_time("Softmax always sums to one.", "en"), 2)
    1.8
    >>> round(reading_time("softmax 总是加起来等于一。", "zh"), 2)
    1.92
    >>> layout_cues([2.0, 2.0], start=0.0, end=8.0, marks=[0.0, 6.0])
    [(0.0, 6.0), (6.0, 8.0)]

Rules (docs/design-rules.md): a cue shows for at least :func:`reading_time` of its text; no
stretch longer than :data:`MAX_GAP` seconds goes without a cue, and a cue shows at most
:data:`MAX_GAP` seconds longer than its reading time (the rest of its time nothing new is said).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from contract.languages import LATIN_RATE, reading_rate

#: no cue is shorter than this, however short its text ("Why?")
MIN_CUE = 1.5
#: the longest stretch without a cue, and the most a cue may outlast its reading time
MAX_GAP = 8.0

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def reading_time(text: str, language: str = "en") -> float:
    """Seconds a viewer needs to read ``text``: CJK characters (and full-width punctuation) at
    the language's rate, everything else at :data:`LATIN_RATE` (English: all at 15/s); spaces
    count as in subtitle guidelines; never below :data:`MIN_CUE`."""
    text = text.strip()
    n_cjk = len(_CJK.findall(text))
    rate = reading_rate(language)
    latin_rate = LATIN_RATE if rate < LATIN_RATE else rate
    seconds = n_cjk / rate + (len(text) - n_cjk) / latin_rate
    return max(MIN_CUE, seconds)


def max_cue(text: str, language: str = "en") -> float:
    """The longest a cue of ``text`` should show: its reading time plus :data:`MAX_GAP`."""
    return reading_time(text, language) + MAX_GAP


def layout_cues(needs: Sequence[float], start: float, end: float,
                marks: Sequence[float] = ()) -> list[tuple[float, float]]:
    """(start, end) of each cue in ``[start, end]``.

    ``marks[i]`` is when cue i was said to begin (a section's beats; cue 0 begins at ``start``
    whatever ``marks[0]`` says); cues after the last mark share the rest of the span in
    proportion to ``needs`` (their reading times), as do cues between two marks.
    """
    n = len(needs)
    if n == 0:
        return []
    anchors: dict[int, float] = {0: start}
    for i, t in enumerate(list(marks)[:n]):
        if i > 0:
            anchors[i] = min(max(t, anchors[max(anchors)]), end)
    keys = sorted(anchors) + [n]
    times = dict(anchors)
    times[n] = end
    for a, b in zip(keys, keys[1:]):
        total = sum(needs[a:b]) or 1.0
        t = times[a]
        for i in range(a, b):
            times[i] = t
            t += (times[b] - times[a]) * needs[i] / total
    return [(times[i], times[i + 1]) for i in range(n)]


__all__ = ["LATIN_RATE", "MIN_CUE", "MAX_GAP", "reading_rate", "reading_time",
           "max_cue", "layout_cues"]
