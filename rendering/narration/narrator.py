"""The narrator of one lecture: the words of a section, spoken by the lecture's engine or read
from the educator's recording, through the speech cache.

    narrator = Narrator(lecture, SpeechStore(work))
    key, speech = narrator.speak("cnn_forward_pass", ("task", "pixels"), "pixels", words)
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

from contract.lecture import Lecture
from rendering.narration import audio
from rendering.narration.engines import (Engine, NarrationError, Speech, find_recording,
                                      make_engine, recording_name, spread)
from rendering.narration.store import SpeechStore, speech_key

#: the folder of the title card's recording (``recordings/title_card/01_title.wav``)
TITLE_FOLDER = "title_card"


def recording_folder(sequence: str) -> str:
    return sequence or TITLE_FOLDER


def expected_recording(lecture: Lecture, sequence: str, sections: Sequence[str], section: str) -> Path:
    """Where the recording of a section is expected (without its extension): NN is the
    section's place in the scene's storyboard, so selecting sections renames nothing."""
    index = list(sections).index(section) + 1
    return lecture.narration.recordings / recording_folder(sequence) / recording_name(index, section)


def recording_of(lecture: Lecture, sequence: str, sections: Sequence[str], section: str) -> Optional[Path]:
    index = list(sections).index(section) + 1
    return find_recording(lecture.narration.recordings, recording_folder(sequence), index, section)


class Narrator:
    """Speech for the sections of one lecture (engine made on first use)."""

    def __init__(self, lecture: Lecture, store: SpeechStore) -> None:
        self.lecture = lecture
        self.store = store
        self._engine: Optional[Engine] = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            made = make_engine(self.lecture.narration, self.lecture.language)
            if made is None:
                raise NarrationError(f"narration.engine {self.lecture.narration.engine!r} speaks no text")
            self._engine = made
        return self._engine

    def key(self, sequence: str, sections: Sequence[str], section: str, words: str) -> str:
        n = self.lecture.narration
        recording = (recording_of(self.lecture, sequence, sections, section)
                     if n.engine == "recorded" else None)
        if n.engine == "recorded" and recording is None:
            raise NarrationError(f"no recording for {sequence or TITLE_FOLDER}.{section}: expected "
                                 f"{expected_recording(self.lecture, sequence, sections, section)}"
                                 ".wav, .mp3 or .m4a")
        return speech_key(n.engine, n.voice, n.speed, self.lecture.language, words, recording)

    def speak(self, sequence: str, sections: Sequence[str], section: str,
              words: str) -> tuple[str, Speech]:
        """(speech key, speech) of ``words`` said over ``section`` of ``sequence``."""
        key = self.key(sequence, sections, section, words)
        if self.lecture.narration.engine == "recorded":
            path = recording_of(self.lecture, sequence, sections, section)
            assert path is not None  # self.key raised otherwise
            return key, self.store.get(key, lambda: spread(words, audio.decode(path)))
        return key, self.store.get(key, lambda: self.engine.say(words))


__all__ = ["Narrator", "TITLE_FOLDER", "expected_recording", "recording_folder", "recording_of"]


def narration_keys(lecture: Lecture, sequence: str, sections: Sequence[str],
                   names: Sequence[str]) -> dict[str, str]:
    """Per section of ``names`` what its speech depends on, for its render key (rendering.keys):
    engine, voice, speed, language and its words as written (their ``{placeholders}`` are
    filled from scene_data, which the key holds already), or the recording's digest. Empty
    when the lecture is silent, so silent keys stay as they were."""
    from scenes.spoken import template

    n = lecture.narration
    if not n.on:
        return {}
    out: dict[str, str] = {}
    for name in names:
        words = template(lecture, sequence, name)
        if not words:
            continue
        recording = recording_of(lecture, sequence, sections, name) if n.engine == "recorded" else None
        out[name] = speech_key(n.engine, n.voice, n.speed, lecture.language, words, recording)
    return out


def missing_recordings(lecture: Lecture, pieces: Sequence[tuple[str, Sequence[str], Sequence[str]]]
                       ) -> list[Path]:
    """The recordings a ``recorded`` lecture lacks: for each (sequence, storyboard, enabled
    sections) every section with words and no file (paths without extension)."""
    from scenes.spoken import template

    if lecture.narration.engine != "recorded":
        return []
    return [expected_recording(lecture, seq, sections, name)
            for seq, sections, names in pieces for name in names
            if template(lecture, seq, name) and recording_of(lecture, seq, sections, name) is None]


__all__ += ["missing_recordings", "narration_keys"]
