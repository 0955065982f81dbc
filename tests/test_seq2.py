"""Sequence 2 (overconfidence): rendered small from the tiny dump, its frames and numbers checked.

One render of the whole sequence is shared by the module; two short renders of single sections
from an edited copy of the dump show that what the scene draws follows the data.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from scenes.shown import source_of
from tests.framecheck import (assert_inside_frame, assert_not_blank, frames_of, ink_fraction,
                              mean_colour, render_scene, to_rgb)

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "lectures" / "default.yaml"
SIZE, FPS = (256, 144), 4

pytestmark = pytest.mark.render


def _lecture(sections: list[str] | None = None):
    from contract.lecture import load_lecture

    lec = load_lecture(LECTURE)
    if sections is not None:
        lec = lec.model_copy(update={"sections": {"overconfidence": sections}})
    return lec


def _render(data, tmp, sections=None):
    from scenes.overconfidence.script import Overconfidence

    lec = _lecture(sections)
    return render_scene(lambda: Overconfidence(lecture=lec, data=data), tmp, size=SIZE, fps=FPS)


def _colour_share(frame: np.ndarray, colour: str, tol: float = 40.0) -> float:
    """Share of the frame's pixels within ``tol`` (per channel) of ``colour``."""
    diff = np.max(np.abs(frame[..., :3].astype(float) - to_rgb(colour)), axis=-1)
    return float(np.mean(diff <= tol))


@pytest.fixture(scope="module")
def rendered(tiny_data_dir, tmp_path_factory):
    from contract.scene_data import load_all

    data = load_all(tiny_data_dir)
    scene, movie = _render(data, tmp_path_factory.mktemp("seq2"))
    return scene, movie, data


def test_every_section_is_drawn_in_the_softmax_colour(rendered):
    from scenes.overconfidence.script import Overconfidence

    scene, movie, _ = rendered
    assert list(scene.section_times) == list(Overconfidence.SECTIONS)
    theme = scene.theme
    for name, (start, end) in scene.section_times.items():
        assert end - start > 3.0, f"{name} lasts only {end - start:.1f} s"
        middle, last = frames_of(movie, [(start + end) / 2, end - 0.3])
        assert_not_blank(middle, theme.background, min_fraction=0.02)
        assert_not_blank(last, theme.background, min_fraction=0.02)
        # the softmax model's colour: tile captions, bars, the digit's curve, the stats
        # the softmax model's colour: tile captions, bars, stats (the rotation's thin curves
        # are checked at a larger size below); never the EDL model's colour
        # (confident_mistakes: its softmax ink is small text and short bars, under the colour
        # threshold at this 256-px render; its captions' colour is checked in test_design_rules'
        # full-size stage instead)
        if name not in ("rotated_digit", "confident_mistakes"):
            share = max(_colour_share(f, theme.softmax) for f in (middle, last))
            assert share > 0.0002, f"{name}: no softmax-coloured ink"
        assert max(_colour_share(f, theme.edl, 30) for f in (middle, last)) < 0.0002, name
        # the title bar stays at the top left, the stage below it is used
        assert ink_fraction(last, theme.background, box=(-7.0, 3.9, -2.0, 3.3)) > 0.02
        assert ink_fraction(last, theme.background, box=(-6.5, 2.5, 6.5, -3.5)) > 0.02


def test_rotation_image_is_on_the_left_and_chart_on_the_right(rendered):
    scene, movie, _ = rendered
    start, end = scene.section_times["rotated_digit"]
    frame = frames_of(movie, [end - 0.3])[0]
    chart = scene.drawn["rotation_chart"]
    assert chart.get_left()[0] > -3.5
    # the rotated digit: a black square with white strokes, left of the chart
    assert ink_fraction(frame, "#000000", tol=30, box=(-6.4, 2.0, -3.8, -0.2)) > 0.02
    assert ink_fraction(frame, scene.theme.background, box=(-6.4, 2.0, -3.8, -0.2)) > 0.5


def test_shown_numbers_are_the_scene_data_values(rendered):
    from tests.sources import read, resolve

    scene, _, data = rendered
    assert len(scene.shown_numbers) > 100
    sources = {s for s, _ in scene.shown_numbers}
    for needed in ("heldout.models['softmax'].ece", "rotation.angles[0]",
                   "unrelated.sets[0].stats['softmax'].confident_share"):
        assert needed in sources
    assert any(s.startswith("heldout.mistakes[0].softmax.probs") for s in sources)
    assert any(re.match(r"unrelated\.sets\[\d+\]\.examples\[\d+\]\.softmax\.logits", s)
               for s in sources)
    for source, value in scene.shown_numbers:
        truth = resolve(data, source)
        assert math.isclose(truth, value, rel_tol=1e-9, abs_tol=1e-12), (source, truth, value)
    # e^z and their sum, computed from the logits the why-section shows
    for formula, value in scene.derived_numbers:
        m = re.fullmatch(r"exp\((.+)\)", formula)
        if m:
            assert math.isclose(math.exp(resolve(data, m.group(1))), value, rel_tol=1e-9)
        m = re.fullmatch(r"sum\(exp\((.+\.logits)\)\)", formula)
        if m:
            z = np.asarray(read(data, m.group(1)), float)
            assert math.isclose(float(np.exp(z).sum()), value, rel_tol=1e-9)


def test_captions_are_filled_and_match_the_sections(rendered):
    from scenes.overconfidence.script import Overconfidence

    scene, _, _ = rendered
    subs = [s.content for s in scene.renderer.file_writer.subcaptions]
    assert subs and not any("{" in s or "}" in s for s in subs), subs
    assert scene.values["rotation_finding"] in " ".join(subs) or \
        scene.values["rotation_finding"].split(".")[0] in " ".join(subs)


def test_drawn_pieces_stay_inside_the_frame(rendered):
    scene, _, _ = rendered
    for key in ("mistake_chart", "reliability", "rel_lines", "unrelated_table",
                "rotation_chart", "rotation_summary", "why_probs", "why_worked", "why_stacked",
                "why_note"):
        if key in scene.drawn:
            assert_inside_frame(scene.drawn[key], margin=0.05)


def test_switched_off_sets_are_skipped(tiny_data):
    from scenes.overconfidence.script import Overconfidence

    lec = _lecture()
    lec = lec.model_copy(update={"unrelated": lec.unrelated.model_copy(
        update={"letters": False, "noise": False})})
    scene = Overconfidence(lecture=lec, data=tiny_data)
    keys = [s.key for _, s in scene.enabled_sets()]
    assert "letters" not in keys and "noise" not in keys and "fashion" in keys
    src, *_ = scene.why_example()
    assert lookup_key(tiny_data, source_of(src)) == "fashion"


def lookup_key(data, src: str) -> str:
    i = int(re.match(r"unrelated\.sets\[(\d+)\]", src).group(1))
    return data.unrelated.sets[i].key


def test_edited_data_changes_the_reliability_diagram(tiny_data_dir, tiny_data_copy, tmp_path):
    from contract.scene_data import load_all

    path = tiny_data_copy / "heldout.json"
    doc = json.loads(path.read_text())
    rel = doc["models"]["softmax"]["reliability"]
    i = max(range(len(rel)), key=lambda j: rel[j]["count"])
    old_acc = rel[i]["accuracy"]
    rel[i]["accuracy"] = 1.0 if old_acc < 0.5 else 0.05
    doc["models"]["softmax"]["ece"] = 0.4321
    path.write_text(json.dumps(doc))

    before, _ = _render(load_all(tiny_data_dir), tmp_path / "a", ["reliability"])
    after, _ = _render(load_all(tiny_data_copy), tmp_path / "b", ["reliability"])
    rd0, rd1 = before.drawn["reliability"], after.drawn["reliability"]
    assert "0.432" in rd1.ece_text.text and "0.432" not in rd0.ece_text.text
    h0, h1 = rd0.bars[i].height, rd1.bars[i].height
    assert abs(h1 - h0) > 0.3 * rd0.axes.y_length * abs(rel[i]["accuracy"] - old_acc)
    assert ("heldout.models['softmax'].ece", 0.4321) in after.shown_numbers


def test_edited_rotation_images_change_the_pixels(tiny_data_dir, tiny_data_copy, tmp_path):
    from contract.scene_data import load_all

    path = tiny_data_copy / "rotation.json"
    doc = json.loads(path.read_text())
    doc["images"] = [[[1.0] * 28 for _ in range(28)] for _ in doc["images"]]
    path.write_text(json.dumps(doc))

    def last_frame(data_dir, tmp):
        from scenes.overconfidence.script import Overconfidence

        lec = _lecture(["rotated_digit"])
        scene, movie = render_scene(lambda: Overconfidence(lecture=lec, data=load_all(data_dir)),
                                    tmp, size=(384, 216), fps=FPS)
        start, end = scene.section_times["rotated_digit"]
        return scene, frames_of(movie, [end - 0.3])[0]

    scene, frame = last_frame(tiny_data_dir, tmp_path / "a")
    original = mean_colour(frame, (-6.0, 1.6, -4.2, 0.2))
    # the rotated digit's own probability curve is drawn on the chart (in the text colour: a
    # class, not a model, so not in the softmax colour)
    chart = scene.drawn["rotation_chart"]
    box = (chart.get_left()[0], chart.get_top()[1], chart.get_right()[0], chart.get_bottom()[1])
    x0, y0, x1, y1 = box
    from tests.framecheck import pixel_of
    r0, c0 = pixel_of(frame, (x0, y0))
    r1, c1 = pixel_of(frame, (x1, y1))
    assert _colour_share(frame[r0:r1, c0:c1], scene.theme.text) > 0.0002
    white = mean_colour(last_frame(tiny_data_copy, tmp_path / "b")[1], (-6.0, 1.6, -4.2, 0.2))
    assert white.min() > 200, white  # the all-white "digit" fills the image box
    assert original.mean() < 150, original  # a real digit: mostly black


def test_probabilities_that_round_to_one_never_read_as_certain():
    from scenes.overconfidence.parts import compact, prob_parts, prob_str, sci_tex

    assert prob_str(1.0) == "> 0.99999"  # a saturated float, not a certainty
    assert prob_str(0.9999999) == "> 0.99999"
    assert prob_parts(1.0) == {"rel": ">", "p": "0.99999"}
    assert prob_str(0.99731) == "0.997"
    # the sum in the why-heading has the precision of the worked formula
    for v in (7.1534e6, 2.5e6, 9.996e6, 123456.0):
        assert compact(v, digits=2).split("\u22c5")[0] == sci_tex(v).split(r"\times")[0]


def test_rotation_curves_differ_in_colour_style_and_marker(rendered):
    scene, _, data = rendered
    styles = scene.drawn["rotation_styles"]
    assert styles[int(data.rotation.digit)][0] == scene.theme.text  # no model colour
    for i in range(3):
        values = [s[i] for s in styles.values()]
        assert len(set(values)) == len(values), (i, styles)


def test_unrelated_finding_subtitle_runs_with_the_summary_table(rendered):
    scene, _, _ = rendered
    finding = scene.values["unrelated_finding"]
    if not finding or scene.summary_start is None:
        pytest.skip("no summary table")
    first = finding.split(". ")[0]
    subs = [s for s in scene.renderer.file_writer.subcaptions if first in s.content]
    assert subs
    start = subs[0].start.total_seconds()
    assert abs(start - scene.summary_start) < 0.5, (start, scene.summary_start)
    # the sentences before the finding run with the first set page, not the whole section
    if scene.page_ends:
        ends = [x.end.total_seconds() for x in scene.renderer.file_writer.subcaptions]
        assert any(abs(e - scene.page_ends[0]) < 0.2 for e in ends), (ends, scene.page_ends)
