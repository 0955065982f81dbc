"""The lecture languages, declared once: which ship built-in words, and the typography and
reading pace each follows.

    >>> BUILT_IN["zh"].words.name, script("zh-Hans"), script("fr"), reading_rate("fr")
    ('zh.yaml', 'cjk', 'latin', 15.0)

A lecture in a built-in language may leave any wording out (the built-in words stand in); a
lecture in another language must word every sequence, section and string itself
(:func:`contract.lecture.load_lecture` refuses it otherwise, at the ``language:`` line, with the
count of missing keys). This module imports nothing from either side.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Script = Literal["latin", "cjk"]

LECTURES = Path(__file__).resolve().parent.parent / "lectures"


@dataclass(frozen=True)
class Language:
    """A language with built-in words: its lecture file and what its typography follows."""
    code: str
    words: Path  # the built-in lecture file with its words
    script: Script  # "cjk": CJK spacing rules and per-character reading pace
    reading_rate: float  # characters per second a viewer reads comfortably


#: the languages that ship words (subtitle guidelines: about 15 Latin characters a second,
#: 6-7 Chinese characters)
BUILT_IN: dict[str, Language] = {
    "en": Language("en", LECTURES / "default.yaml", "latin", 15.0),
    "zh": Language("zh", LECTURES / "zh.yaml", "cjk", 6.5),
}
#: primary subtags written in CJK script, for languages a lecture words itself
CJK_SUBTAGS = {"zh": 6.5, "ja": 6.5, "ko": 8.0}
#: the rate of Latin letters, digits and symbols, also inside a CJK sentence ("softmax", "0.93")
LATIN_RATE = 15.0


def primary(language: str) -> str:
    """The primary subtag: ``"zh-Hans"`` -> ``"zh"``."""
    return language.split("-")[0].lower()


def built_in(language: str) -> Language | None:
    """The built-in language ``language`` (or its primary subtag) names, else None."""
    return BUILT_IN.get(language) or BUILT_IN.get(primary(language))


def script(language: str) -> Script:
    """The script whose typography rules ``language`` follows."""
    known = built_in(language)
    if known is not None:
        return known.script
    return "cjk" if primary(language) in CJK_SUBTAGS else "latin"


def reading_rate(language: str) -> float:
    """Characters per second a viewer reads ``language`` at."""
    known = built_in(language)
    if known is not None:
        return known.reading_rate
    return CJK_SUBTAGS.get(primary(language), LATIN_RATE)


__all__ = ["BUILT_IN", "LATIN_RATE", "Language", "built_in", "primary", "reading_rate", "script"]
