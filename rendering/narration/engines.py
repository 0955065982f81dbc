"""The voices: espeak-ng (offline draft voice), piper (a voice model file the educator
provides) and recorded files (the educator's own voice). Each turns text into a
:class:`Speech`: mono 48 kHz samples, loudness-normalized, with the time of every sentence.

    engine = make_engine(lecture.narration, lecture.language)
    speech = engine.say("It wins. Good.")        # Speech(duration ≈ 1.5 s, two sentences)
"""
from __future__ import annotations

import logging
import re
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Protocol, Sequence
from xml.sax.saxutils import escape

import numpy as np

from rendering.narration import audio
from scenes.spoken import is_chinese, sentences, speaking_rate, spoken_form

log = logging.getLogger(__name__)

#: silence between two sentences (s)
GAP = 0.3
#: espeak-ng's default speaking rate (words per minute) at speed 1.0
ESPEAK_WPM = 165
#: espeak voices by lecture language. Debian 12's espeak-ng 1.51 ``cmn`` voice spells Chinese
#: characters as pinyin read as English, tone numbers included ("juan three"); the
#: ``cmn-latn-pinyin`` voice reads the same characters as Mandarin syllables with tones
#: (卷 -> tS;'y&21n, tests/test_narration.py checks the phonemes).
ESPEAK_VOICES = {"en": "en-us", "zh": "cmn-latn-pinyin"}
_DIGITS_ZH = "零一二三四五六七八九"


class NarrationError(RuntimeError):
    """A narration engine cannot speak: a missing program, package, voice or recording."""


@dataclass(frozen=True)
class Speech:
    """What a narrator says over one section: mono samples at :data:`audio.RATE` and, per
    sentence, (text, start s, end s) on the speech's own clock."""
    samples: np.ndarray
    sentences: tuple[tuple[str, float, float], ...]

    @property
    def duration(self) -> float:
        return len(self.samples) / audio.RATE


def join_speech(parts: Sequence[tuple[str, np.ndarray]], gap: float = GAP) -> Speech:
    """Sentences spoken one after another with ``gap`` seconds between them, normalized."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[str, float, float]] = []
    t = 0
    silence = np.zeros(audio.samples_for(gap), np.float32)
    for i, (text, samples) in enumerate(parts):
        if i:
            pieces.append(silence)
            t += len(silence)
        spans.append((text, t / audio.RATE, (t + len(samples)) / audio.RATE))
        pieces.append(samples)
        t += len(samples)
    joined = np.concatenate(pieces) if pieces else np.zeros(0, np.float32)
    return Speech(audio.normalize(joined), tuple(spans))


def spread(text: str, samples: np.ndarray) -> Speech:
    """A recording of ``text`` whose sentence times are not known: sentences share its
    duration by their length (as the silent captions do)."""
    said = sentences(text) or [text]
    total = sum(len(s) for s in said) or 1
    duration, t, spans = len(samples) / audio.RATE, 0.0, []
    for s in said:
        d = duration * len(s) / total
        spans.append((s, t, t + d))
        t += d
    return Speech(audio.normalize(samples), tuple(spans))


class Engine(Protocol):
    name: str

    def say(self, text: str) -> Speech: ...


# -- espeak-ng ----------------------------------------------------------------------------------
def zh_numbers(text: str) -> str:
    """Numbers in Chinese text as espeak's Mandarin voice should read them: it drops the
    decimal point (98.6 -> "jiushiba liu"), so 98.6 -> 98点六; 86% -> 百分之86; 1/4 -> 4分之1."""
    text = re.sub(r"(\d+(?:\.\d+)?)\s*%", r"百分之\1", text)
    text = re.sub(r"(\d+)\s*/\s*(\d+)", r"\2分之\1", text)
    return re.sub(r"(\d+)\.(\d+)", lambda m: m[1] + "点" + "".join(_DIGITS_ZH[int(d)] for d in m[2]),
                  text)


def zh_ssml(text: str, voice: str) -> str:
    """Chinese text as SSML for espeak-ng (``-m``): Latin words (EDL, softmax, ReLU) in the
    en-us voice, every other run in the Mandarin ``voice``, each run in its own element (after
    a bare ``</voice>`` espeak-ng falls back to the ``cmn`` voice, which reads tone numbers)."""
    runs = re.split(r"([A-Za-z][A-Za-z'\-]*(?:\s+[A-Za-z][A-Za-z'\-]*)*)", zh_numbers(text))
    body = "".join(f'<voice name="{"en-us" if i % 2 else voice}">{escape(run)}</voice>'
                   for i, run in enumerate(runs) if run.strip())
    return f"<speak>{body}</speak>"


def spell_acronyms(text: str) -> str:
    """Upper-case words of two to five letters read letter by letter: EDL -> E D L."""
    return re.sub(r"\b([A-Z]{2,5})\b", lambda m: " ".join(m[1]), text)


def espeak_args(text: str, voice: str, wpm: int) -> list[str]:
    """The espeak-ng command line for one sentence (without the output file)."""
    text = spell_acronyms(text)
    if is_chinese(text):
        return ["espeak-ng", "-v", voice, "-s", str(wpm), "-m", zh_ssml(text, voice)]
    return ["espeak-ng", "-v", voice, "-s", str(wpm), text]


class Espeak:
    """espeak-ng, offline and robotic: a draft voice to time a lecture before recording it."""
    name = "espeak"

    def __init__(self, voice: Optional[str], language: str, speed: float) -> None:
        self.voice = voice or ESPEAK_VOICES.get(language.split("-")[0], language)
        self.wpm = speaking_rate(ESPEAK_WPM, speed)
        log.warning("narration: espeak-ng voice %s is a DRAFT voice (robotic); record your own "
                    "voice (engine: recorded) or use piper for a lecture you publish", self.voice)

    def phonemes(self, text: str) -> str:
        """What espeak-ng would say, as its phoneme mnemonics (``-x -q``)."""
        args = espeak_args(spoken_form(text), self.voice, self.wpm)
        return self._run(args[:1] + ["-q", "-x"] + args[1:]).decode("utf-8").strip()

    def sentence(self, text: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "s.wav"
            args = espeak_args(spoken_form(text), self.voice, self.wpm)
            self._run(args[:1] + ["-w", str(wav)] + args[1:])
            return audio.read_wav(wav)

    def say(self, text: str) -> Speech:
        return join_speech([(s, self.sentence(s)) for s in sentences(text)])

    @staticmethod
    def _run(args: list[str]) -> bytes:
        try:
            done = subprocess.run(args, capture_output=True, timeout=120, check=False)
        except FileNotFoundError:
            raise NarrationError("espeak-ng is not installed (Debian: apt-get install espeak-ng)") from None
        if done.returncode != 0:
            raise NarrationError(f"espeak-ng failed: {done.stderr.decode(errors='replace').strip()}")
        return done.stdout


# -- piper --------------------------------------------------------------------------------------
class Piper:
    """piper-tts with the voice model the educator provides (``voice: path/to/x.onnx`` and its
    ``x.onnx.json``). Nothing is downloaded: a missing file is an error naming it."""
    name = "piper"

    def __init__(self, voice: Optional[str], speed: float) -> None:
        if not voice:
            raise NarrationError("narration.voice: piper needs a voice model file (.onnx)")
        model, config = Path(voice), Path(voice + ".json")
        for f in (model, config):
            if not f.is_file():
                raise NarrationError(f"piper voice file not found: {f} (download a voice and "
                                     "its .onnx.json once, then name the .onnx in narration.voice)")
        try:
            from piper import PiperVoice  # optional: pip install piper-tts (extra "narration")
        except ImportError:
            raise NarrationError("the piper engine needs the piper-tts package: "
                                 "pip install -e '.[narration]' (or pip install piper-tts)") from None
        self.voice = PiperVoice.load(str(model), config_path=str(config))
        self.length_scale = 1.0 / speed

    def sentence(self, text: str) -> np.ndarray:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "s.wav"
            with wave.open(str(path), "wb") as w:
                self._synthesize(spoken_form(text), w)
            return audio.read_wav(path)

    def _synthesize(self, text: str, w: Any) -> None:
        if hasattr(self.voice, "synthesize_wav"):  # piper-tts >= 1.3
            from piper import SynthesisConfig
            self.voice.synthesize_wav(text, w, syn_config=SynthesisConfig(length_scale=self.length_scale))
        else:
            self.voice.synthesize(text, w, length_scale=self.length_scale)

    def say(self, text: str) -> Speech:
        return join_speech([(s, self.sentence(s)) for s in sentences(text)])


# -- the educator's recordings ------------------------------------------------------------------
#: the file types a recording may have, in the order they are looked for
RECORDING_TYPES = (".wav", ".mp3", ".m4a")


def recording_name(index: int, section: str) -> str:
    """``recordings/<sequence>/`` file name of a section without its extension: 01_task."""
    return f"{index:02d}_{section}"


def find_recording(folder: Path, sequence: str, index: int, section: str) -> Optional[Path]:
    """The recording of a section (``<folder>/<sequence>/<NN_section>.wav|.mp3|.m4a``)."""
    base = folder / sequence / recording_name(index, section)
    return next((base.with_suffix(ext) for ext in RECORDING_TYPES
                 if base.with_suffix(ext).is_file()), None)


def make_engine(narration: Any, language: str) -> Optional[Engine]:
    """The text-to-speech engine of a lecture's ``narration`` block (None: silent or
    recorded, which reads files instead of text)."""
    if narration.engine == "espeak":
        return Espeak(narration.voice, language, narration.speed)
    if narration.engine == "piper":
        return Piper(narration.voice, narration.speed)
    return None


__all__ = ["ESPEAK_VOICES", "Engine", "Espeak", "GAP", "NarrationError", "Piper",
           "RECORDING_TYPES", "Speech", "espeak_args", "find_recording", "join_speech",
           "make_engine", "recording_name", "spread", "zh_numbers", "zh_ssml"]
