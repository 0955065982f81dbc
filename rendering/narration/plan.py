"""From a silent timing pass to a narrated one: each section's speech and pace.

A job first runs its scene with every section skipped (no frame drawn: seconds) to learn each
section's length at the normal pace and its words with the ``{placeholders}`` filled in; then
every section is spoken (or read from the cache) and given the factor that paces its
animation to its speech (:func:`scenes.speech_pacing.stretch`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Sequence

from rendering.narration.engines import Speech
from rendering.narration.narrator import Narrator
from scenes.speech_pacing import stretch

#: the fade-out after every section (LectureScene.clear_stage), at pace 1.0; not stretched
FADE = 0.5


@dataclass
class SpeechPlan:
    speech: dict[str, Speech] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)  # section -> speech key
    stretch: dict[str, float] = field(default_factory=dict)


def plan_speech(narrator: Narrator, sequence: str, sections: Sequence[str],
                spans: Mapping[str, tuple[float, float]], spoken: Mapping[str, str],
                pace: float) -> SpeechPlan:
    """Speak every section that has words and pace it: ``spans`` are the silent section
    times, ``spoken`` the filled words (both from the timing pass)."""
    plan = SpeechPlan()
    for name, (a, b) in spans.items():
        words = spoken.get(name)
        if not words:
            continue
        key, speech = narrator.speak(sequence, sections, name, words)
        plan.speech[name], plan.keys[name] = speech, key
        plan.stretch[name] = stretch(b - a - FADE * pace, speech.duration)
    return plan


__all__ = ["FADE", "SpeechPlan", "plan_speech"]
