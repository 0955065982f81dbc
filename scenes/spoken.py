"""What the narrator says: per section its narration text or else its caption, and the title
card's words. Pure functions of the lecture (no manim), also for ``make narration-script``.

    template(lecture, "cnn_forward_pass", "pixels")   # "To the network the image is ... {h} ..."
    title_words(lecture)                              # "Deep Learning for Computer Vision. ..."
"""
from __future__ import annotations

import re
from typing import Optional

from scenes.wording import cjk_spacing, join_sentences, split_sentences
from contract.lecture import Lecture

#: the title card's only section
TITLE_SECTION = "title"
#: Han characters (CJK Unified Ideographs and extension A)
_HAN = re.compile(r"[\u3400-\u9fff]")


def template(lecture: Lecture, sequence: str, section: str) -> Optional[str]:
    """The words of a section before its ``{placeholders}`` are filled: the sequence's
    ``narration.<section>`` if written, else its caption; None when it has neither."""
    if not sequence:
        return title_words(lecture) if section == TITLE_SECTION else None
    words = lecture.words(sequence)
    text = words.narration.get(section) or words.captions.get(section)
    return text or None


def title_words(lecture: Lecture) -> str:
    """The title card said aloud: ``title_card.narration``, else course, title, lecturer and
    institution as sentences (line breaks in the title read as spaces)."""
    tc = lecture.title_card
    said_instead = getattr(tc, "narration", None)  # test doubles of a lecture may lack it
    if said_instead:
        return said_instead
    parts = [tc.course, tc.title, tc.lecturer, tc.institution]
    stop = "。" if getattr(lecture, "language", "en").startswith("zh") else "."
    said = [re.sub(r"\s*\n\s*", " " if stop == "." else "", p).strip() for p in parts if p]
    return join_sentences([p if p.endswith(tuple(".!?。！？")) else p + stop for p in said])


def is_chinese(text: str) -> bool:
    return bool(_HAN.search(text))


def sentences(text: str) -> list[str]:
    """The sentences of a narration text (cues and speech are made one per sentence)."""
    return split_sentences(text)


def spoken_form(text: str) -> str:
    """Text as it should be read: on-screen symbols in words a voice reads (× -> by, the true
    minus sign -> minus, en dashes between numbers -> to)."""
    zh = is_chinese(text)
    text = text.replace("−", "负" if zh else "minus ")
    text = re.sub(r"(\d)\s*[–-]\s*(\d)", r"\1 到 \2" if zh else r"\1 to \2", text)
    text = text.replace("×", " 乘 " if zh else " by ")
    text = re.sub(r"[ \t]+", " ", text)
    return cjk_spacing(text).strip() if zh else text.strip()


def speaking_rate(wpm: int, speed: float) -> int:
    """espeak's words per minute at ``speed`` (1.0 = its default of ``wpm``)."""
    return max(80, min(450, round(wpm * speed)))


__all__ = ["TITLE_SECTION", "is_chinese", "sentences", "speaking_rate", "spoken_form",
           "template", "title_words"]
