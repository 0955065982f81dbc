"""Chinese typography and the layout helpers of the design rules (docs/design-rules.md)."""
from __future__ import annotations

import pytest

from scenes.base import fill
from scenes.wording import cjk_spacing, typography_problems
from scenes.visuals.edl import label_slot
from scenes.visuals.text import clause_tokens, wrap_text


@pytest.mark.parametrize("raw, spaced", [
    ("softmax 对 连衣裙 给出的概率", "softmax 对连衣裙给出的概率"),
    ("字母 A–J中", "字母 A–J 中"),
    ("在7个角度", "在 7 个角度"),
    ("区间 ：很好 （CDF） 。", "区间：很好（CDF）。"),
    ("T恤/上衣", "T恤/上衣"),
    ("已经正确。 很好", "已经正确。很好"),
    ("越亮（对数刻度） · 圆环", "越亮（对数刻度） · 圆环"),
])
def test_cjk_spacing(raw: str, spaced: str) -> None:
    assert cjk_spacing(raw) == spaced
    assert not typography_problems(spaced)


def test_fill_spaces_the_names_it_fills_in() -> None:
    assert fill("softmax 对 {name} 给出的概率", name="连衣裙") == "softmax 对连衣裙给出的概率"
    assert fill("{set}中有 {n} 个", set="字母 A–J", n=3) == "字母 A–J 中有 3 个"


@pytest.mark.parametrize("text, problem", [
    ("softmax 对 连衣裙", "space between Chinese characters"),
    ("字母 A–J中", "no space between Chinese and Latin"),
    ("7.15・10⁶", "full-width dot in a number"),
    ("7.15·10⁶", "full-width dot in a number"),
    ("总和（3）：得到", "double gap"),
    ("区间 ：很好", "space beside full-width punctuation"),
])
def test_typography_problems_name_the_broken_rule(text: str, problem: str) -> None:
    assert any(problem in p for p in typography_problems(text))


def test_english_and_the_dot_operator_pass() -> None:
    assert not typography_problems("7.15\u22c510⁶ and 0.93 (95% interval)")


def test_clause_tokens_keep_words_whole() -> None:
    assert clause_tokens("柱：区间的正确比例 · 阴影：差距") == [
        "柱：", "区间的正确比例", " ", "·", " ", "阴影：", "差距"]


def test_chinese_lines_break_at_punctuation_not_inside_a_word() -> None:
    text = "柱：每个区间的正确比例 · 虚线：完全校准 · 阴影：与平均置信度的差距 · 数字：区间内的样本数"
    lines = [line.text for line in wrap_text(text, 6.0, "Noto Sans CJK SC", 22, max_lines=4)]
    assert len(lines) > 1
    joined = "".join(lines)
    for word in ("阴影", "平均置信度", "样本数", "完全校准"):
        assert word in joined
    clauses = {c.strip() for c in clause_tokens(text)}
    for line in lines:  # every line is made of whole clauses
        rest = line.replace(" ", "")
        for c in sorted(clauses, key=len, reverse=True):
            rest = rest.replace(c.replace(" ", ""), "") if c else rest
        assert rest == "", (line, rest)


def test_label_slot_never_hangs_a_leader_through_a_nearer_label() -> None:
    placed: dict = {}
    assert label_slot(placed, 0.0, 0.5) == (1, 0)       # "other b", above
    assert label_slot(placed, 0.3, 0.3) == (-1, 0)      # no room above: below the bar
    assert label_slot(placed, 0.7, 0.3) == (1, 1)       # row 1 above, its leader at 0.7 ...
    assert not any(a <= 0.7 <= b for a, b in placed[(1, 0)])  # ... passes no label of row 0


def test_keep_on_stage_moves_and_shrinks_into_the_free_stage() -> None:
    from manim import Rectangle

    from scenes.visuals.layout import SAFE_BOTTOM, STAGE, keep_on_stage

    r = keep_on_stage(Rectangle(width=2, height=1).move_to([-7.0, -3.9, 0]))
    assert r.get_left()[0] >= STAGE[0] - 1e-9 and r.get_bottom()[1] >= SAFE_BOTTOM - 1e-9
    big = keep_on_stage(Rectangle(width=20, height=2))
    assert big.width <= STAGE[2] - STAGE[0] + 1e-9


def test_a_chinese_cell_sits_on_the_baseline_of_latin_text() -> None:
    """A header without Latin glyphs ("无关输入") gets the baseline the Latin letters of the same
    line would have, not the bottom of its ink (table headers on one baseline)."""
    from scenes.visuals.text import make_text, text_baseline

    alone = make_text("无关输入", "Noto Sans CJK SC", 26)
    mixed = make_text("无关输入H", "Noto Sans CJK SC", 26)
    want = mixed[4].get_bottom()[1] - mixed[0].get_bottom()[1]
    got = text_baseline(alone) - alone[0].get_bottom()[1]
    assert got == pytest.approx(want, abs=0.004)
    assert text_baseline(alone) > alone.get_bottom()[1] + 0.01  # the ink hangs below it


def test_spacing_follows_the_language_script() -> None:
    """CJK spacing is the rule of a CJK lecture, not of any string with a Chinese character."""
    from scenes.base import fill

    assert fill("数字{d}上", "cjk", d="A") == "数字 A 上"
    assert fill("数字{d}上", "latin", d="A") == "数字A上"
    assert fill("数字{d}上", d="A") == "数字 A 上"  # no language given: where Chinese is written
