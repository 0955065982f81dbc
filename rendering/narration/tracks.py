"""The audio track of a finished video, from the speech of its sections (cached by key).

    track = sequence_track(store, record.sections)          # None when nothing is said
    media.concat(clips, "renders/01.mp4", marks, audio=track)
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from rendering.narration import audio
from rendering.narration.store import SpeechStore


def speech_of(store: SpeechStore, section: Any) -> Optional[np.ndarray]:
    """The samples a section record's speech key names (None: silent section)."""
    key = getattr(section, "speech", None)
    if not key:
        return None
    speech = store.load(key)
    if speech is None:
        raise FileNotFoundError(f"the speech of section {section.name} ({key}) is not in "
                                f"{store.root}; render again")
    return speech.samples


def sequence_track(store: SpeechStore, sections: Sequence[Any]) -> np.ndarray:
    """One track for sections played back to back (each starts with its speech, a section
    without words is silent), at the EBU R128 target loudness."""
    speech = [speech_of(store, s) for s in sections]
    return audio.normalize(audio.mix([(s.duration, x) for s, x in zip(sections, speech)]))


def narrated_track(lecture: Any, store: SpeechStore, sections: Sequence[Any]) -> Optional[np.ndarray]:
    """The track of a video of ``sections``: None when the lecture is silent (no audio
    stream at all), else :func:`sequence_track` (every MP4 of a narrated lecture has one)."""
    return sequence_track(store, sections) if lecture.narration.on else None


__all__ = ["narrated_track", "sequence_track", "speech_of"]
