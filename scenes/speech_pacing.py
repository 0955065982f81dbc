"""Pacing a section to its speech: how much slower its animation runs, and what is left to
wait. Pure functions (tests/test_narration.py).

    stretch(body=6.0, speech=9.0)   # 1.583...: the section's plays and waits run that much slower
"""
from __future__ import annotations

#: seconds of picture after the last word, before the stage fades out
TAIL = 0.5
#: the slowest an animation is run to meet its speech; waiting does the rest
MAX_STRETCH = 2.0


def stretch(body: float, speech: float, tail: float = TAIL, most: float = MAX_STRETCH) -> float:
    """Factor on a section's run times and waits so that its ``body`` (seconds of animation
    before the fade-out, at normal pace) lasts its ``speech`` plus ``tail``; 1.0 when it
    already does, at most ``most``."""
    if body <= 0 or speech <= 0:
        return 1.0
    return min(most, max(1.0, (speech + tail) / body))


def remaining(elapsed: float, speech: float, tail: float = TAIL) -> float:
    """Seconds to hold the picture after a section's body so that its speech ends ``tail``
    seconds before the fade-out."""
    return max(0.0, speech + tail - elapsed)


__all__ = ["MAX_STRETCH", "TAIL", "remaining", "stretch"]
