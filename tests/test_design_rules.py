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
import sys
from pathlib import Path
from typing import Any

import pytest

from scenes import publish
from contract.lecture import load_lecture
from contract.sequences import SEQUENCES, TITLE
from tests.conftest import ROOT
from tests.harness import observe
from tests.stage import Finding, findings

pytestmark = pytest.mark.render

LECTURES = {"en": ROOT / "scenes" / "lectures" / "default.yaml",
            "zh": ROOT / "scenes" / "lectures" / "zh.yaml"}
NAMES = [TITLE.name, *SEQUENCES]
PROJECT_DATA = ROOT / "scene_data"


def project_data() -> Any | None:
    """The project's scene_data when it loads (made by ``make data``), else None."""
    from contract.scene_data import load_all

    try:
        return load_all(PROJECT_DATA)
    except Exception:  # noqa: BLE001 - absent or stale: the tiny dump stands in
        return None


#: the seeds of the two freshly trained tiny dumps the rules also run on
SEEDS = (1, 2)
DATASETS = ["frozen", *(f"seed{s}" for s in SEEDS)]


@pytest.fixture(scope="module", params=DATASETS)
def lecture_data(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from contract.scene_data import load_all
    from pipeline import config
    from tests import frozen
    from tests.conftest import trained_dump

    if request.param == "frozen":
        return frozen.load()
    seed = int(request.param.removeprefix("seed"))
    return load_all(trained_dump(config.tiny(seed=seed), tmp_path_factory))


def design_findings(name: str, lecture: Any, data: Any, tmp: Path) -> list[Finding]:
    """Every broken layout rule of one sequence, plus numbers that do not resolve."""
    from scenes.values import resolve

    from scenes.wording import typography_problems

    log = observe(name, lecture, data, tmp)
    out = findings(log.shots)
    out += [Finding("subtitles", 0.0, "cue", f"typography: {p} in {cue[:40]!r}")
            for cue in log.subtitles for p in typography_problems(cue)]
    for section, s in log.sections.items():
        for src, val in s.numbers:
            got = resolve(data, src)
            if not math.isclose(got, val, rel_tol=1e-5, abs_tol=1e-5):
                out.append(Finding(section, 0.0, "data", f"number {val} from {src} reads {got}"))
    return out


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("language", list(LECTURES))
def test_layout_follows_the_design_rules(language: str, name: str, lecture_data: Any,
                                         tmp_path: Path) -> None:
    found = design_findings(name, load_lecture(LECTURES[language]), lecture_data, tmp_path)
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
                for f in design_findings(name, lecture, data, Path(tmp)):
                    print(f"{lang} {name} {f}", flush=True)
        if lang == "zh":
            for t in untranslated_chapters(lecture, load_lecture(LECTURES["en"])):
                print(f"zh chapters: untranslated {t}", flush=True)
