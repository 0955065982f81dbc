"""Words on screen: Text, fitting, and line wrapping that keeps Chinese punctuation off the
start of a line (numbers are written by :mod:`scenes.visuals.numbers`).

    lines = wrap_text(sentence, max_width=6.0, font=CJK_FONT)  # a VGroup of Text lines
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from manim import DOWN, Mobject, Text, VGroup

from scenes.visuals.theme import DEFAULT_FONT, TEXT


def make_text(content: str, font: str = DEFAULT_FONT, size: float = 24,
              color: str = TEXT, **kwargs: Any) -> Text:
    """A ``Text`` in the given font (pass ``theme.font``; Chinese needs a CJK font)."""
    return Text(content, font=font, font_size=size, color=color, **kwargs)


def fit_within(mobject: Mobject, width: float, height: float, upscale: bool = False) -> Mobject:
    """Scale ``mobject`` (about its centre) so it fits a ``width`` x ``height`` box.

    It is only ever shrunk unless ``upscale`` is true. Returns the mobject.

        tk.fit_within(chart, tk.FRAME_WIDTH - 1.0, tk.FRAME_HEIGHT - 1.5)
    """
    if mobject.width <= 0 and mobject.height <= 0:
        return mobject
    factors = []
    if mobject.width > 0:
        factors.append(width / mobject.width)
    if mobject.height > 0:
        factors.append(height / mobject.height)
    factor = min(factors)
    if factor < 1 or upscale:
        mobject.scale(factor)
    return mobject


def wrap_text(content: str, max_width: float, font: str = DEFAULT_FONT, size: float = 24,
              color: str = TEXT, line_buff: float = 0.15, max_lines: int = 4) -> VGroup:
    """Lines of ``Text`` no wider than ``max_width``: words for spaced scripts, characters for CJK.

    Explicit ``\\n`` breaks are kept. If a single word is still too wide, the block is scaled down.
    """
    lines: list[str] = []
    for paragraph in content.split("\n"):
        lines.extend(wrap_paragraph(paragraph, max_width, font, size, max_lines))
    group = VGroup(*[make_text(line, font, size, color) for line in lines if line.strip()])
    group.arrange(DOWN, buff=line_buff)
    if group.width > max_width:
        group.scale_to_fit_width(max_width)
    return group


def wrap_paragraph(text: str, max_width: float, font: str, size: float,
                    max_lines: int) -> list[str]:
    text = text.strip()
    if not text:
        return []
    whole = make_text(text, font, size)
    if whole.width <= max_width:
        return [text]
    n_lines = min(max_lines, math.ceil(whole.width / max_width))
    if any(is_cjk(ch) for ch in text):
        return _wrap_cjk(text, max_width, font, size, n_lines, max_lines)
    spaced = " " in text
    tokens = text.split(" ") if spaced else list(text)
    joiner = " " if spaced else ""
    for n in range(n_lines, max_lines + 1):
        target = len(text) / n
        lines, current = [], ""
        for tok in tokens:
            candidate = (current + joiner + tok) if current else tok
            if current and len(candidate) > target * 1.08 and len(lines) < n - 1:
                lines.append(current)
                current = tok
            else:
                current = candidate
        lines.append(current)
        if all(make_text(line, font, size).width <= max_width for line in lines):
            return lines
    return lines


#: CJK punctuation that must not begin a line / must not end one (kinsoku shori).
CJK_CLOSING = frozenset("，。！？；：、）」』》】〕〉”’…．")
CJK_OPENING = frozenset("（「『《【〔〈“‘")


def is_cjk(ch: str) -> bool:
    """True for a Han, kana or Hangul character or CJK / full-width punctuation."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF
            or ch in "“”‘’…")


def wrap_tokens(text: str) -> list[str]:
    """Break units of mixed CJK/Latin text: a run of Latin letters, digits and punctuation stays
    whole, each CJK character is its own unit, a run of spaces is one ``" "`` unit. Closing CJK
    punctuation sticks to the unit before it and opening punctuation to the unit after it, so a
    line never starts with "。" or ends with "（".

        >>> wrap_tokens("平均概率仍有 70%。")
        ['平', '均', '概', '率', '仍', '有', ' ', '70%。']
    """
    raw: list[str] = []
    kind = ""
    for ch in text:
        k = "space" if ch.isspace() else "cjk" if is_cjk(ch) else "latin"
        if raw and k == kind and k != "cjk":
            raw[-1] += "" if k == "space" else ch
        else:
            raw.append(" " if k == "space" else ch)
        kind = k
    tokens: list[str] = []
    glue_next = False
    for tok in raw:
        if tok in CJK_CLOSING and tokens and tokens[-1] != " ":
            tokens[-1] += tok
        elif glue_next and tok != " ":
            tokens[-1] += tok
        else:
            tokens.append(tok)
        glue_next = tok[-1] in CJK_OPENING
    return tokens


def clause_tokens(text: str) -> list[str]:
    """:func:`wrap_tokens` with each run of Chinese characters kept whole up to its punctuation,
    so that lines break only at punctuation, spaces or Latin words: never inside a word.

        >>> clause_tokens("柱：区间的正确比例 · 阴影：差距")
        ['柱：', '区间的正确比例', ' ', '·', ' ', '阴影：', '差距']
    """
    out: list[str] = []
    open_run = False
    for tok in wrap_tokens(text):
        cjk = is_cjk(tok[0]) and tok[0] not in CJK_CLOSING
        if cjk and open_run:
            out[-1] += tok
        else:
            out.append(tok)
        open_run = cjk and tok[-1] not in CJK_CLOSING
    return out


def _weight(s: str) -> float:
    """Rough width of ``s`` in ems: a CJK character is a full em, a space 0.3, the rest 0.55."""
    return sum(1.0 if is_cjk(ch) else 0.3 if ch == " " else 0.55 for ch in s)


def _pack(tokens: list[str], limit: float) -> list[str]:
    """Greedy lines of ``tokens`` whose :func:`_weight` stays within ``limit`` (a unit wider
    than ``limit`` gets a line of its own); spaces at the ends of lines are dropped."""
    lines: list[str] = []
    current = ""
    for tok in tokens:
        if tok == " ":
            current += " " if current else ""
            continue
        if current.strip() and _weight(current + tok) > limit:
            lines.append(current.rstrip())
            current = tok
        else:
            current += tok
    if current.strip():
        lines.append(current.rstrip())
    return lines


def _wrap_cjk(text: str, max_width: float, font: str, size: float, n_lines: int,
              max_lines: int) -> list[str]:
    """Balanced lines of mixed CJK/Latin text, broken between the units of :func:`wrap_tokens`:
    for n lines, the narrowest line limit at which greedy packing still needs only n lines."""
    lines: list[str] = [text]
    # whole clauses first (no break inside a word); single characters only if they cannot fit
    for tokens in (clause_tokens(text), wrap_tokens(text)):
        found = _balanced(tokens, max_width, font, size, n_lines, max_lines)
        if found:
            return found
        lines = _pack(tokens, max(_weight(t) for t in tokens))
    return lines


def _balanced(tokens: list[str], max_width: float, font: str, size: float, n_lines: int,
              max_lines: int) -> list[str] | None:
    """The most balanced lines of ``tokens`` (n_lines .. max_lines of them) that all fit
    ``max_width``; None if there are none."""
    total = _weight("".join(tokens))
    widest = max(_weight(t) for t in tokens)
    for n in range(n_lines, max_lines + 1):
        lo, hi = max(widest, total / n), total
        for _ in range(30):  # bisect the limit; _pack(hi) always fits in n lines
            mid = (lo + hi) / 2
            if len(_pack(tokens, mid)) <= n:
                hi = mid
            else:
                lo = mid
        lines = _pack(tokens, hi)
        if len(lines) <= n and all(make_text(line, font, size).width <= max_width for line in lines):
            return lines
    return None


_BASELINE_CHARS = set("abcdefhiklmnorstuvwxzABCDEFGHIKLMNOPRSTUVWXYZ0123456789")


def text_baseline(text: Text) -> float:
    """The y of the baseline of a one-line ``Text`` (bottom of a glyph without descender).

    Without such a glyph (Chinese), the baseline is found from an "H" set beside the first
    glyph; the bottom of the ink when the glyphs cannot be matched to the characters.
    """
    chars = [ch for ch in text.text if not ch.isspace()]
    if len(chars) == len(text.submobjects):
        for ch, glyph in zip(chars, text.submobjects):
            if ch in _BASELINE_CHARS:
                return float(glyph.get_bottom()[1])
        if chars and text.submobjects:
            # no Latin glyph (e.g. a Chinese header): measure how far this first glyph hangs
            # below the baseline of an "H" set before it in the same font and size
            probe = Text("H" + chars[0], font=text.font, font_size=text.font_size)
            drop = probe[0].get_bottom()[1] - probe[1].get_bottom()[1]
            return float(text.submobjects[0].get_bottom()[1] + drop)
    return float(text.get_bottom()[1])


def shape_text(shape: Sequence[int]) -> str:
    """``(20, 24, 24) -> '20×24×24'``."""
    return "×".join(str(int(s)) for s in shape)


__all__ = ["make_text", "fit_within", "wrap_text", "CJK_CLOSING", "CJK_OPENING", "is_cjk", "wrap_tokens", "clause_tokens", "text_baseline", "shape_text", "wrap_paragraph"]
