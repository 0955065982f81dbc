"""The titles of sections and sequences, one rule for the renderer (chapters, transcript, the
joined lecture's parts) and the platform (video list, section clips)::

    >>> section_title("max_pool")
    'Max pool'
    >>> section_title("relu", lecture.cnn_forward_pass)       # its text.chapter_relu
    'ReLU'
    >>> sequence_title(lecture, SEQUENCES["edl_pass"]), sequence_title(None, SEQUENCES["edl_pass"])
    ('3. Evidential deep learning', 'Edl pass')

Here in the contract because both sides need it and neither may import the other.
"""
from __future__ import annotations

from typing import Any, Optional

from contract import sequences as registry
from contract.lecture import Lecture


def readable(name: str) -> str:
    """A registry or section name as words: ``'max_pool'`` -> ``'Max pool'``."""
    return name.replace("_", " ").strip().capitalize() or name


def section_title(name: str, words: Any = None) -> str:
    """A section's chapter title: the sequence's YAML string ``text.chapter_<name>`` when its
    wording (:class:`contract.lecture.SequenceWords`, or anything with a ``text`` mapping) has
    one (translations), else the name as words."""
    custom = getattr(words, "text", {}).get(f"chapter_{name}") if words is not None else None
    return custom or readable(name)


def sequence_title(lecture: Optional[Lecture], seq: registry.Sequence) -> str:
    """A part's title as the lecture words it: the title card's title, or the sequence's
    ``title``; without a lecture (no lecture file to read) the name as words."""
    if lecture is None:
        return readable(seq.name)
    if seq.name == registry.TITLE.name:
        return lecture.title_card.title
    return lecture.words(seq.name).title


__all__ = ["readable", "section_title", "sequence_title"]
