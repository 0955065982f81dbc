"""Sentence handling shared by captions and narration (no manim import): splitting captions
into sentences, joining them back, and spacing between Chinese and Latin text."""
from __future__ import annotations

import re


def split_sentences(text: str) -> list[str]:
    """Split a caption into sentences (Latin and CJK punctuation)."""
    # Latin punctuation ends a sentence only before white space, so "0.93" stays whole.
    parts = re.split(r"(?<=[.!?])\s+|(?<=[。！？])\s*", text.strip())
    return [p for p in (s.strip() for s in parts) if p]


#: sentence-ending punctuation after which Chinese/Japanese text takes no space
_CJK_SENTENCE_END = "。！？；：，、）」』"


def join_sentences(parts: list[str]) -> str:
    """Sentences as one string: one space between them, none after CJK punctuation.

        >>> join_sentences(["It wins.", "Good."]), join_sentences(["它赢了。", "很好。"])
        ('It wins. Good.', '它赢了。很好。')
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and not out.endswith(tuple(_CJK_SENTENCE_END)):
            out += " "
        out += part
    return out


_HAN = r"[\u3400-\u9fff]"


def cjk_spacing(text: str) -> str:
    """One space between Chinese characters and Latin letters or digits, none between two
    Chinese characters: ``在字母 A–J上`` -> ``在字母 A–J 上``, ``对 连衣裙 给出`` -> ``对连衣裙给出``."""
    text = re.sub(rf"({_HAN}) +(?={_HAN})", r"\1", text)
    text = re.sub(rf"({_HAN})(?=[A-Za-z0-9])", r"\1 ", text)
    return re.sub(rf"([A-Za-z0-9])(?={_HAN})", r"\1 ", text)



__all__ = ["cjk_spacing", "join_sentences", "split_sentences"]
