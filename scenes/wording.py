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


#: full-width punctuation: no space on either side
_FULL_PUNCT = "，。！？；：、（）「」『』《》【】"
#: words written with Latin and Chinese together, left unspaced
LATIN_HAN_WORDS = ("T恤",)


def cjk_spacing(text: str) -> str:
    """One space between Chinese characters and Latin letters or digits, none between two
    Chinese characters and none beside full-width punctuation (docs/design-rules.md):
    ``在字母 A–J上`` -> ``在字母 A–J 上``, ``对 连衣裙 给出`` -> ``对连衣裙给出``,
    ``（CDF） ：`` -> ``（CDF）：``; words such as ``T恤`` stay whole."""
    text = re.sub(rf"({_HAN}) +(?={_HAN})", r"\1", text)
    text = re.sub(rf"({_HAN})(?=[A-Za-z0-9])", r"\1 ", text)
    text = re.sub(rf"([A-Za-z0-9])(?={_HAN})", r"\1 ", text)
    text = re.sub(rf" +([{_FULL_PUNCT}])", r"\1", text)
    text = re.sub(rf"([{_FULL_PUNCT}]) +(?!·)", r"\1", text)  # " · " separates list items
    for word in LATIN_HAN_WORDS:
        text = text.replace(" ".join([word[0], word[1:]]), word)
    return text


def typography_problems(text: str) -> list[str]:
    """What breaks the Chinese typography rules in ``text`` (docs/design-rules.md); empty when
    it follows them.

        >>> typography_problems("A–J中")
        ['no space between Chinese and Latin: "J中"']
    """
    out = [f'space between Chinese characters: "{m.group(0)}"'
           for m in re.finditer(rf"{_HAN} +{_HAN}", text)]
    unspaced = re.finditer(rf"{_HAN}[A-Za-z0-9]|[A-Za-z0-9]{_HAN}", text)
    out += [f'no space between Chinese and Latin: "{m.group(0)}"' for m in unspaced
            if not any(w in text[max(0, m.start() - 2):m.end() + 2] for w in LATIN_HAN_WORDS)]
    out += [f'space beside full-width punctuation: "{m.group(0)}"'
            for m in re.finditer(rf" [{_FULL_PUNCT}]|[{_FULL_PUNCT}] (?!·)", text)]
    out += [f'full-width dot in a number: "{m.group(0)}"'
            for m in re.finditer(r"\d[・·]\d", text)]
    out += [f'two full-width marks in a row (a double gap): "{m.group(0)}"'
            for m in re.finditer(r"）：", text)]
    return out


__all__ = ["cjk_spacing", "join_sentences", "split_sentences", "typography_problems"]
