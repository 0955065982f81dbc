"""The speech cache of one output folder: what a narrator said, keyed by text, engine, voice.

    <output_dir>/.work/cache/speech/<key>.wav    mono 48 kHz, normalized
    <output_dir>/.work/cache/speech/<key>.json   the sentences and their times

A key is a hash of the engine, voice, speed, language and the exact words (for recordings:
the file's bytes), so an edited sentence gets a new key and only its section is spoken again.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterable, Optional

from rendering import files, keys
from rendering.narration import audio
from rendering.narration.engines import Speech

SPEECH = "speech"
#: bump when the meaning of a speech key changes (e.g. the spoken form of symbols)
SCHEMA = 1


def speech_key(engine: str, voice: Optional[str], speed: float, language: str, text: str,
               recording: Optional[Path] = None) -> str:
    """The key of one section's speech: the engine, its voice, speed and language, the words,
    and for a recording the digest of its file."""
    voice_id = keys.file_digest(Path(voice)) if voice and Path(voice).is_file() else voice
    heard = keys.file_digest(recording) if recording is not None else None
    return keys.digest("speech", SCHEMA, engine, voice_id, speed, language, text, heard)


class SpeechStore:
    """Speech by key in ``<work>/cache/speech``."""

    def __init__(self, work: Path) -> None:
        self.root = work / "cache" / SPEECH

    def wav(self, key: str) -> Path:
        return self.root / f"{key}.wav"

    def load(self, key: str) -> Optional[Speech]:
        meta = self.root / f"{key}.json"
        if not (meta.is_file() and self.wav(key).is_file()):
            return None
        spans = json.loads(meta.read_text(encoding="utf-8"))["sentences"]
        return Speech(audio.read_wav(self.wav(key)), tuple((str(t), float(a), float(b)) for t, a, b in spans))

    def save(self, key: str, speech: Speech) -> Speech:
        """Store ``speech`` (samples as 16-bit WAV; read back as stored)."""
        audio.write_wav(self.wav(key), speech.samples)
        files.atomic_write_text(self.root / f"{key}.json",
                                json.dumps({"sentences": speech.sentences}, ensure_ascii=False) + "\n")
        return self.load(key) or speech

    def get(self, key: str, make: Callable[[], Speech]) -> Speech:
        """The stored speech of ``key``, made (and stored) when there is none."""
        found = self.load(key)
        return found if found is not None else self.save(key, make())

    def prune(self, keep: Iterable[str]) -> int:
        """Delete speech no record uses any more; returns how many."""
        keep = set(keep)
        gone = 0
        for p in self.root.glob("*.wav") if self.root.is_dir() else []:
            if p.stem not in keep:
                p.unlink(missing_ok=True)
                (self.root / f"{p.stem}.json").unlink(missing_ok=True)
                gone += 1
        return gone


__all__ = ["SpeechStore", "speech_key"]
