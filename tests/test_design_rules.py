"""The lecture design rules (docs/design-rules.md) on every sequence, in English and Chinese.

Each sequence is rendered with animations skipped (tests.harness); the stage is inspected after
every play and wait and halfway through every play (tests.stage): everything inside the frame
with 60 px margins, nothing below the caption-safe line, text at least 22 px cap height, no text
over other text or lines; every number drawn resolves to scene_data; the Chinese lecture
translates every chapter title.

Layout must not depend on luck with the data, so every check runs on three dumps: the frozen
one (tests/fixtures/scene_data) and two tiny models trained here from other seeds.
``python -m tests.test_design_rules [LANGUAGE [SEQUENCE ...]]`` prints the findings on the
project's own ``scene_data/`` (the layout the videos really get) without asserting.
"""
from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from rendering import publish
from contract.lecture import load_lecture
from contract.sequences import SEQUENCES, TITLE
from tests.conftest import ROOT
from tests.harness import LECTURES, SequenceLog, group, observe, shared_log
from tests.stage import Finding, findings

pytestmark = pytest.mark.render

NAMES = [TITLE.name, *SEQUENCES]
PROJECT_DATA = ROOT / "scene_data"


def project_data() -> Any | None:
    """The project's scene_data when it loads (made by ``make data``), else None."""
    from contract.scene_io import load_all

    try:
        return load_all(PROJECT_DATA)
    except Exception:  # noqa: BLE001 - absent or stale: the tiny dump stands in
        return None


def design_findings(log: SequenceLog, data: Any) -> list[Finding]:
    """Every broken layout rule of one sequence's log, plus numbers that do not resolve."""
    from tests.sources import resolve

    from scenes.wording import typography_problems

    out = findings(log.shots)
    out += [Finding("subtitles", 0.0, "cue", f"typography: {p} in {cue[:40]!r}")
            for cue in log.subtitles for p in typography_problems(cue)]
    out += false_certainties(log)
    for section, s in log.sections.items():
        for src, val in s.numbers:
            got = resolve(data, src)
            if not math.isclose(got, val, rel_tol=1e-5, abs_tol=1e-5):
                out.append(Finding(section, 0.0, "data", f"number {val} from {src} reads {got}"))
    return out


#: a drawn number that reads as an exact 0 or 1: 0.00, −0.0, +1.000, 100%, 0.0%
EXACT = re.compile(r"(?<![\d.])[+\-\u2212]?(?:[01]\.0+(?!\d)%?|100(?:\.0+)?%|0%)")


def false_certainties(log: SequenceLog) -> list[Finding]:
    """Numbers printed as an exact 0 or 1 that are not (contract.numbers.false_certainty):
    every text the formatter wrote, checked against its value; and every exact-looking number
    on stage that the formatter did not write from an exact 0 or 1 (a number put on screen
    some other way)."""
    from contract.numbers import false_certainty

    out = [Finding("printed", 0.0, "number", f"false certainty: {v!r} printed as {t!r}")
           for t, v in log.printed if false_certainty(t, v)]
    honest = {t.replace("\u2212", "-") for t, v in log.printed if not false_certainty(t, v)}
    seen = set()
    for shot in log.shots:
        for item in shot.texts:
            for token in EXACT.findall(item.text):
                plain = token.replace("\u2212", "-")
                if plain not in honest and (shot.section, plain) not in seen:
                    seen.add((shot.section, plain))
                    out.append(Finding(shot.section, shot.time, shot.moment,
                                       f"{token!r} in {item.text[:40]!r} is not a formatted "
                                       "exact 0 or 1"))
    return out


@pytest.mark.parametrize("name", [pytest.param(n, marks=group(n)) for n in NAMES])
@pytest.mark.parametrize("language", list(LECTURES))
def test_layout_follows_the_design_rules(language: str, name: str,
                                         lecture_data: tuple[str, Any], tmp_path: Path) -> None:
    dataset, data = lecture_data
    found = design_findings(shared_log(name, language, dataset, data, tmp_path), data)
    assert not found, f"{len(found)} findings:\n" + "\n".join(map(str, found))


def untranslated_chapters(lecture: Any, english: Any) -> list[str]:
    """Chapter titles of ``lecture`` that read the same as in ``english``."""
    out = []
    for name in SEQUENCES:
        ours, theirs = lecture.words(name), english.words(name)
        for section in SEQUENCES[name].sections:
            title = publish.section_title(section, ours)
            if title == publish.section_title(section, theirs):
                out.append(f"{name}.{section}: {title!r}")
        if ours.title == theirs.title:
            out.append(f"{name}: title {ours.title!r}")
    return out


def test_chinese_chapter_titles_are_translated() -> None:
    zh, en = load_lecture(LECTURES["zh"]), load_lecture(LECTURES["en"])
    assert not untranslated_chapters(zh, en)


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_chinese_wording_fills_every_placeholder(name: str) -> None:
    """The Chinese lecture has every key the scene looks up in English, placeholders matching."""
    en = load_lecture(LECTURES["en"]).words(name)
    zh = load_lecture(LECTURES["zh"]).words(name)
    assert set(zh.captions) == set(en.captions) and set(zh.text) == set(en.text)
    names = lambda s: set(re.findall(r"{(\w+)", s))  # noqa: E731
    for key, text in en.text.items():
        assert names(zh.text[key]) == names(text), key
    for key, text in en.captions.items():
        assert names(zh.captions[key]) == names(text), key
    assert zh.title != en.title


def test_the_overlap_check_catches_text_on_text_and_lines() -> None:
    """The checks themselves: two labels on top of each other, a leader line through a label,
    a label on its own marked background, a label under its underline."""
    from manim import DOWN, Line, Rectangle, Text, VGroup

    from scenes.visuals.layout import allow_overlap
    from tests.stage import Shot, check

    a, b = Text("u 0.022", font_size=28), Text("其余 b", font_size=28).shift(0.1 * DOWN)
    assert any("overlap: text" in f for f in check(Shot.of([a, b], "s", 0, "end")))
    line = Line(a.get_left(), a.get_right())
    assert any("× line" in f for f in check(Shot.of([a, line], "s", 0, "end")))
    under = Line(a.get_corner(DOWN + [-1, 0, 0]), a.get_corner(DOWN + [1, 0, 0])).shift(0.05 * DOWN)
    box = allow_overlap(Rectangle(width=a.width + 0.2, height=a.height + 0.2, fill_opacity=1))
    assert not check(Shot.of([VGroup(box, a), under], "s", 0, "end"))
    tiny = Text("15", font_size=11)
    assert any("too small" in f for f in check(Shot.of([tiny], "s", 0, "end")))
    low = Text("low").to_edge(DOWN, buff=0.1)
    assert any("caption area" in f for f in check(Shot.of([low], "s", 0, "end")))


def test_the_false_certainty_check_catches_a_printed_0_or_1() -> None:
    """The check itself: a formatted 1.00 for 0.9996, and a "0.00" put on stage without the
    formatter (an f-string), are found; an exact 1 printed as 1.00 and a bound are not."""
    from manim import Text

    from tests.stage import Shot

    def log(printed, *texts):
        shot = Shot.of([Text(t) for t in texts], "s", 1.0, "end")
        return SequenceLog(None, {}, {}, [shot], printed=printed)

    assert false_certainties(log([("1.00", 1.0), ("> 0.999", 0.9996)], "p 1.00", "> 0.999")) == []
    found = false_certainties(log([("1.00", 0.9996)], "p 1.00"))
    assert [f.what for f in found] == ["false certainty: 0.9996 printed as '1.00'",
                                       "'1.00' in 'p 1.00' is not a formatted exact 0 or 1"]
    found = false_certainties(log([], "u = 0.00", "−0.0%", "10.00"))
    assert sorted(f.what.split()[0] for f in found) == ["'0.00'", "'−0.0%'"]


if __name__ == "__main__":  # a report of the findings, without asserting
    import tempfile

    langs = [sys.argv[1]] if len(sys.argv) > 1 else list(LECTURES)
    names = sys.argv[2:] or NAMES
    data = project_data()
    if data is None:
        sys.exit(f"{PROJECT_DATA} does not load: run `make data` first")
    for lang in langs:
        lecture = load_lecture(LECTURES[lang])
        for name in names:
            with tempfile.TemporaryDirectory() as tmp:
                for f in design_findings(observe(name, lecture, data, Path(tmp)), data):
                    print(f"{lang} {name} {f}", flush=True)
        if lang == "zh":
            for t in untranslated_chapters(lecture, load_lecture(LECTURES["en"])):
                print(f"zh chapters: untranslated {t}", flush=True)
