"""Pacing from the words, on every registered sequence in English and Chinese: each caption cue
shows for at least its reading time, no more than MAX_GAP seconds beyond it, and no stretch of
more than MAX_GAP seconds goes without a cue (scenes/pacing.py, docs/design-rules.md).

The checks read the same observed renders as the design rules (tests.harness.shared_log), on the
same three dumps: pacing depends on the data through the sentences the findings choose."""
from __future__ import annotations

import pytest

from scenes import pacing
from contract.sequences import SEQUENCES
from tests.harness import LECTURES, SequenceLog, group, shared_log

CASES = [pytest.param(seq, lang, marks=group(seq)) for seq in SEQUENCES for lang in LECTURES]


def _log(seq: str, lang: str, lecture_data, tmp_path) -> SequenceLog:
    dataset, data = lecture_data
    return shared_log(seq, lang, dataset, data, tmp_path)


def test_reading_time_follows_the_language():
    en = "The belief masses and u add up to one."
    assert pacing.reading_time(en, "en") == pytest.approx(len(en) / 15)
    assert pacing.reading_time("信念质量与不确定度之和为一。", "zh") == pytest.approx(14 / 6.5)
    assert pacing.reading_time("Why?", "en") == pacing.MIN_CUE
    # Latin words inside Chinese read at the Latin rate
    assert pacing.reading_time("softmax 的置信度很高。", "zh") == pytest.approx(  # 7 CJK, 8 Latin
        7 / 6.5 + 8 / 15)


def test_layout_cues_honours_marks_and_reading_times():
    assert pacing.layout_cues([1.0, 3.0], 0.0, 8.0) == [(0.0, 2.0), (2.0, 8.0)]
    assert pacing.layout_cues([1.0, 1.0, 2.0], 0.0, 10.0, marks=[0.0, 4.0]) == [
        (0.0, 4.0), (4.0, 6.0), (6.0, 10.0)]
    assert pacing.layout_cues([], 0.0, 1.0) == []


@pytest.mark.render
@pytest.mark.parametrize("seq,lang", CASES)
def test_every_cue_shows_for_its_reading_time(seq, lang, lecture_data, tmp_path):
    log = _log(seq, lang, lecture_data, tmp_path)
    short = [(name, round(c.start, 1), round(c.duration, 2),
              round(pacing.reading_time(c.text, lang), 2), c.text)
             for name, c in log.cues if c.duration < pacing.reading_time(c.text, lang) - 1e-3]
    assert not short, f"cues shorter than their reading time (section, t, shown, needed): {short}"
    long = [(name, round(c.start, 1), round(c.duration, 2), c.text) for name, c in log.cues
            if c.duration > pacing.max_cue(c.text, lang) + 1e-3]
    assert not long, f"cues that outlast their words by more than {pacing.MAX_GAP} s: {long}"


@pytest.mark.render
@pytest.mark.parametrize("seq,lang", CASES)
def test_no_stretch_without_a_cue(seq, lang, lecture_data, tmp_path):
    log = _log(seq, lang, lecture_data, tmp_path)
    gaps, t, after = [], 0.0, "start"
    for name, c in log.cues:
        if c.start - t > pacing.MAX_GAP:
            gaps.append((after, name, round(t, 1), round(c.start, 1)))
        t, after = max(t, c.end), name
    if log.end - t > pacing.MAX_GAP:
        gaps.append((after, "end", round(t, 1), round(log.end, 1)))
    assert not gaps, f"stretches over {pacing.MAX_GAP} s without a cue (after, before, from, to): {gaps}"


def test_more_beats_than_sentences_is_an_error_naming_the_section(tmp_path):
    """A section that starts three sentences (say() twice) over a two-sentence caption: the
    render stops and says which caption and how many sentences it needs."""
    from manim import Circle, FadeIn

    from contract.lecture import load_lecture
    from scenes.base import LectureScene
    from tests.framecheck import render_last_frame

    lecture = load_lecture("lectures/default.yaml")
    words = lecture.cnn_forward_pass.model_copy(update={"captions": {"task": "One. Two."}})
    lecture = lecture.model_copy(update={"cnn_forward_pass": words})

    class ThreeBeats(LectureScene):
        sequence = "cnn_forward_pass"
        SECTIONS = ("task",)

        def task(self) -> None:
            for _ in range(2):
                self.say()
                self.play_p(FadeIn(Circle()), run_time=0.2)

    with pytest.raises(ValueError, match=r"cnn_forward_pass\.captions\.task: the scene starts 3 "
                                         r"sentences .* the caption has 2"):
        render_last_frame(lambda: ThreeBeats(lecture=lecture, data=None), tmp_path)
