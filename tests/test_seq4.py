"""Sequence 4 (softmax vs EDL compared), rendered small from the tiny dump: frames, the numbers it
draws against scene_data, and narration that follows the data (also when softmax wins)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pipeline import contract
from scenes import findings
from scenes.config import load_lecture
from tests import framecheck as fc
from tests.conftest import ROOT

pytestmark = pytest.mark.render

LECTURE = ROOT / "scenes" / "lectures" / "default.yaml"
SIZE = (256, 144)
FPS = 4


def lecture(sections: list[str] | None = None):
    lec = load_lecture(LECTURE)
    if sections:
        lec = lec.model_copy(update={"sections": {"comparison": sections}})
    return lec


def render(data_dir: Path, tmp: Path, sections: list[str] | None = None):
    from scenes.seq4_comparison import Comparison

    data = contract.load_all(data_dir)
    scene, movie = fc.render_scene(Comparison, tmp, lecture=lecture(sections), data=data,
                                   size=SIZE, fps=FPS)
    return scene, movie, data


def before_fade(scene) -> list[tuple[str, float]]:
    """(section, a time just before its closing fade-out) for every rendered section."""
    starts = scene.section_starts + [("end", scene.renderer.time)]
    pace = scene.lecture.pace
    return [(name, nxt - 0.5 * pace - 0.3) for (name, _), (_, nxt) in zip(starts, starts[1:])]


def lookup(data: Any, source: str) -> float:
    """The scene_data value a ``shown_numbers`` source names, e.g. ``fgsm.accuracy.edl[2]``,
    ``unrelated.sets[0].stats.softmax.auroc_entropy``; derived values are recomputed."""
    m = re.fullmatch(r"rotation\.argmax\((softmax|edl)_probs\[(\d+)\]\)", source)
    if m:
        return float(np.argmax(getattr(data.rotation, f"{m.group(1)}_probs")[int(m.group(2))]))
    m = re.fullmatch(r"heldout\.models\.(\w+)\.reliability\(mean accuracy-confidence\)", source)
    if m:
        return findings.confidence_gap(data.heldout.models[m.group(1)])
    m = re.fullmatch(r"heldout\.models\.(\w+)\.threshold_accuracy@threshold_kept=(.+)", source)
    if m:
        model = data.heldout.models[m.group(1)]
        return findings.accuracy_at_share(model, float(m.group(2)))
    obj: Any = data
    for part in source.split("."):
        name, *idx = re.findall(r"[^\[\]]+", part)
        obj = obj[name] if isinstance(obj, dict) else getattr(obj, name)
        for i in idx:
            obj = obj[int(i)]
    return float(obj)


# -- the whole sequence ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(tiny_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    return render(tiny_data_dir, tmp_path_factory.mktemp("seq4"))


def test_sections_duration_and_frames(rendered) -> None:
    from scenes.seq4_comparison import Comparison

    scene, movie, _ = rendered
    assert [n for n, _ in scene.section_starts] == list(Comparison.SECTIONS)
    assert list(Comparison.SECTIONS) == list(load_lecture(LECTURE).comparison.captions)
    duration = fc.video_duration(movie)
    assert 90 <= duration <= 160, duration
    bg = scene.theme.background
    times = before_fade(scene)
    frames = fc.frames_of(movie, [t for _, t in times])
    for (name, _), frame in zip(times, frames):
        fc.assert_not_blank(frame, bg, min_fraction=0.04)
        # the title bar corner stays free of the stage's content except the title itself
        assert fc.ink_fraction(frame, bg, box=(-7.1, 3.95, -7.0, 3.3)) == 0.0, name
        # a verdict line sits at the bottom of every section
        assert fc.ink_fraction(frame, bg, box=(-6.0, -3.9, 6.0, -2.4)) > 0.01, name
    # each section looks different from the one before
    for a, b in zip(frames, frames[1:]):
        assert np.mean(np.abs(a.astype(int) - b.astype(int))) > 2


def test_softmax_and_edl_curves_in_their_colours(rendered) -> None:
    scene, movie, _ = rendered
    times = dict(before_fade(scene))
    frame = fc.frames_of(movie, [times["rotated_digit"]])[0]
    r0, c0 = fc.pixel_of(frame, (-4.8, 2.6))  # the chart area, legend excluded
    r1, c1 = fc.pixel_of(frame, (5.8, -0.9))
    px = frame[r0:r1, c0:c1].reshape(-1, 3).astype(float)
    bg = fc.to_rgb(scene.theme.background)
    inked = np.max(np.abs(px - bg), axis=1) > 40
    for colour in (scene.theme.softmax, scene.theme.edl):
        # the direction of the colour away from the background, even where anti-aliased
        want = fc.to_rgb(colour) - bg
        cos = (px - bg) @ want / (np.linalg.norm(px - bg, axis=1) * np.linalg.norm(want) + 1e-9)
        assert np.sum(inked & (cos > 0.97)) >= 15, f"no {colour} curve in the rotated-digit chart"


def test_shown_numbers_come_from_scene_data(rendered) -> None:
    scene, _, data = rendered
    assert len(scene.shown_numbers) > 50
    for source, value in scene.shown_numbers:
        assert lookup(data, source) == pytest.approx(value, rel=1e-6, abs=1e-9), source
    sources = {s for s, _ in scene.shown_numbers}
    for m in ("softmax", "edl"):
        assert f"heldout.models.{m}.accuracy" in sources
        assert f"heldout.models.{m}.ece" in sources
    assert "unrelated.combined_auroc.edl_entropy" in sources
    # the AUROC numbers are drawn once (in the verdict), not twice
    assert "all unrelated sets" not in scene.verdicts_drawn["entropy_cdfs"]


def test_rotation_verdict_says_where_edl_fails_too(rendered) -> None:
    scene, _, data = rendered
    words = scene.lecture.comparison.text
    miss = findings.rotation_edl_miss(data)
    verdict = scene.values["rotation_finding"]
    if miss is None:
        assert verdict.endswith(words["rotation_edl_right"])
    else:
        assert words["rotation_edl_wrong"].format(
            angle=miss.angle, edl_digit=miss.edl_digit, softmax_digit=miss.softmax_digit,
            u=miss.u) in verdict
        assert (f"rotation.edl_u[{miss.index}]", pytest.approx(miss.u)) in scene.shown_numbers


def test_summary_joins_its_list_and_verdicts_are_neutral(rendered) -> None:
    scene, movie, _ = rendered
    summary = scene.values["summary_verdict"]
    assert ", ." not in summary and not re.search(r"\), \w+\.$", summary)
    # the verdict lines are drawn in the text colour, not in a model's colour
    times = dict(before_fade(scene))
    frame = fc.frames_of(movie, [times["accuracy"]])[0]
    r0, c0 = fc.pixel_of(frame, (-6.5, -1.9))
    r1, c1 = fc.pixel_of(frame, (6.5, -3.4))
    px = frame[r0:r1, c0:c1].reshape(-1, 3).astype(float)
    inked = np.max(np.abs(px - fc.to_rgb(scene.theme.background)), axis=1) > 40
    spread = px.max(axis=1) - px.min(axis=1)  # near-white text: small; orange: large
    assert inked.sum() > 20
    assert np.mean(spread[inked] > 80) < 0.05


def test_captions_are_filled_and_keep_numbers_whole(rendered) -> None:
    scene, movie, data = rendered
    subs = scene.renderer.file_writer.subcaptions
    text = " ".join(s.content for s in subs)
    assert "{" not in text and "}" not in text
    for a, b in zip(subs, subs[1:]):  # "0.93" must not be cut into "0." and "93 ..."
        cut = re.search(r"\d\.$", a.content.strip()) and re.match(r"\d", b.content.strip())
        assert not cut, f"caption cut inside a number: {a.content!r} | {b.content!r}"
    v = findings.auroc(data)
    for number in (f"{v.softmax:.3f}", f"{v.edl:.3f}"):
        assert any(number in s.content for s in subs), number


# -- what the scene draws follows the data --------------------------------------------------------
def orange_right_end(frame: np.ndarray, colour: str, y: float) -> float:
    """Scene x of the right end of the bar in ``colour`` on the row showing scene ``y``."""
    r, _ = fc.pixel_of(frame, (0, y))
    row = frame[r, :, :3].astype(float)
    hit = np.flatnonzero(np.max(np.abs(row - fc.to_rgb(colour) * 0.9
                                       - fc.to_rgb("#111318") * 0.1), axis=1) < 40)
    assert hit.size, "no bar found"
    return (hit.max() + 1) / frame.shape[1] * fc.FRAME_WIDTH - fc.FRAME_WIDTH / 2


def test_accuracy_bar_and_number_follow_scene_data(tiny_data_dir: Path, tiny_data_copy: Path,
                                                   tmp_path: Path) -> None:
    ends = {}
    for tag, folder in (("orig", tiny_data_dir), ("edit", tiny_data_copy)):
        if tag == "edit":
            path = tiny_data_copy / "heldout.json"
            raw = json.loads(path.read_text())
            raw["models"]["softmax"]["accuracy"] = 0.25
            path.write_text(json.dumps(raw))
        scene, movie, data = render(folder, tmp_path / tag, ["accuracy"])
        frame = fc.frames_of(movie, [before_fade(scene)[0][1]])[0]
        acc = data.heldout.models["softmax"].accuracy
        # the bar's track runs from x = -3.8 over 8 units (see Comparison.accuracy)
        ends[tag] = orange_right_end(frame, scene.theme.softmax, 0.9)
        assert ends[tag] == pytest.approx(-3.8 + 8 * acc, abs=0.3)
        assert ("heldout.models.softmax.accuracy", pytest.approx(acc)) in scene.shown_numbers
        assert scene.verdicts_drawn["accuracy"] == scene.values["accuracy_verdict"]
    assert ends["orig"] - ends["edit"] > 1.0
    assert scene.values["accuracy_verdict"].startswith("EDL is more accurate") or \
        findings.accuracy(data).winner != "edl"


def set_auroc(folder: Path, softmax: float, edl: float, edl_u: float) -> None:
    path = folder / "unrelated.json"
    raw = json.loads(path.read_text())
    raw["combined_auroc"].update(softmax_entropy=softmax, edl_entropy=edl, edl_u=edl_u)
    for s in raw["sets"]:
        s["stats"]["softmax"]["auroc_entropy"] = softmax
        s["stats"]["edl"]["auroc_entropy"] = edl
        s["stats"]["edl"]["auroc_u"] = edl_u
    path.write_text(json.dumps(raw))


def test_narration_says_softmax_wins_when_it_does(tiny_data_copy: Path, tmp_path: Path) -> None:
    set_auroc(tiny_data_copy, softmax=0.95, edl=0.61, edl_u=0.58)
    scene, movie, data = render(tiny_data_copy, tmp_path, ["entropy_cdfs", "summary"])
    words = scene.lecture.comparison.text
    expected = words["auroc_softmax_wins"].format(softmax=0.95, edl=0.61)
    verdict = scene.values["auroc_verdict"]
    assert verdict.startswith(expected) and "EDL tells" not in verdict
    assert scene.verdicts_drawn["entropy_cdfs"] == verdict  # the same words on screen
    captions = " ".join(s.content for s in scene.renderer.file_writer.subcaptions)
    assert expected in captions
    softmax_sentence = words["summary_softmax"].split("{")[0]
    summary = scene.values["summary_verdict"]
    assert softmax_sentence in summary and words["short_auroc"] in summary.split(softmax_sentence)[1]
    assert ("unrelated.combined_auroc.softmax_entropy", pytest.approx(0.95)) in scene.shown_numbers


def test_narration_says_edl_wins_when_it_does(tiny_data_copy: Path, tmp_path: Path) -> None:
    set_auroc(tiny_data_copy, softmax=0.70, edl=0.93, edl_u=0.95)
    scene, _, _ = render(tiny_data_copy, tmp_path, ["entropy_cdfs"])
    words = scene.lecture.comparison.text
    assert scene.values["auroc_verdict"] == words["auroc_edl_wins"].format(softmax=0.70, edl=0.93)


def test_calibration_says_over_or_underconfident_from_the_bins(tiny_data_copy: Path,
                                                               tmp_path: Path) -> None:
    """Softmax made underconfident and EDL overconfident in the bins: the sentence follows."""
    path = tiny_data_copy / "heldout.json"
    raw = json.loads(path.read_text())
    for model, delta in (("softmax", +0.2), ("edl", -0.2)):
        for b in raw["models"][model]["reliability"]:
            if b["count"] > 0:
                b["accuracy"] = float(np.clip(b["confidence"] + delta, 0.0, 1.0))
                b["confidence"] = float(b["accuracy"] - delta)
    path.write_text(json.dumps(raw))
    scene, _, data = render(tiny_data_copy, tmp_path, ["calibration"])
    words = scene.lecture.comparison.text
    verdict = scene.verdicts_drawn["calibration"]
    gaps = {m: findings.confidence_gap(data.heldout.models[m]) for m in ("softmax", "edl")}
    assert gaps["softmax"] > 0 > gaps["edl"]
    assert words["calib_under"].format(model="Softmax", pp=100 * gaps["softmax"]) in verdict
    assert words["calib_over"].format(model="EDL", pp=-100 * gaps["edl"]) in verdict
    assert scene.values["ece_verdict"] == verdict
