"""Sequence 4 (softmax vs EDL compared), rendered small from the tiny dump: frames, the numbers it
draws against scene_data, and narration that follows the data (also when softmax wins)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from contract import scene_data as contract

from contract import scene_io
from scenes import findings
from scenes.comparison import findings as compare_f
from scenes.base import fill
from contract.lecture import load_lecture
from tests.sources import resolve
from tests import framecheck as fc
from tests.conftest import ROOT

pytestmark = pytest.mark.render

LECTURE = ROOT / "lectures" / "default.yaml"
SIZE = (256, 144)
FPS = 4


def lecture(sections: list[str] | None = None):
    lec = load_lecture(LECTURE)
    if sections:
        lec = lec.model_copy(update={"sections": {"comparison": sections}})
    return lec


def render(data_dir: Path, tmp: Path, sections: list[str] | None = None):
    from scenes.comparison.script import Comparison

    data = scene_io.load_all(data_dir)
    scene, movie = fc.render_scene(Comparison, tmp, lecture=lecture(sections), data=data,
                                   size=SIZE, fps=FPS)
    return scene, movie, data


def before_fade(scene) -> list[tuple[str, float]]:
    """(section, a time just before its closing fade-out) for every rendered section."""
    pace = scene.lecture.pace
    return [(name, r.end - 0.5 * pace - 0.3) for name, r in scene.section_log.items()]


# -- the whole sequence ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(tiny_data_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    return render(tiny_data_dir, tmp_path_factory.mktemp("seq4"))


def test_sections_duration_and_frames(rendered) -> None:
    from scenes.comparison.script import Comparison

    scene, movie, _ = rendered
    assert list(scene.section_log) == list(Comparison.SECTIONS)
    duration = fc.video_duration(movie)
    # every cue shows for its reading time (pacing.py); four models say more than two
    assert 90 <= duration <= 340, duration
    bg = scene.theme.background
    times = before_fade(scene)
    frames = fc.frames_of(movie, [t for _, t in times])
    for (name, _), frame in zip(times, frames):
        fc.assert_not_blank(frame, bg, min_fraction=0.04)
        # the title bar corner stays free of the stage's content except the title itself
        assert fc.ink_fraction(frame, bg, box=(-7.1, 3.95, -7.0, 3.3)) == 0.0, name
        # a takeaway line sits at the bottom of every section's stage, above the captions'
        # band (in the summary: under the table); below that band, nothing
        box = (-6.0, -2.9, 6.0, -0.6) if name == "summary" else (-6.0, -2.85, 6.0, -2.3)
        assert fc.ink_fraction(frame, bg, box=box) > 0.003, name
        assert fc.ink_fraction(frame, bg, box=(-7.0, -3.95, 7.0, -2.95)) < 0.001, name
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
        assert resolve(data, source) == pytest.approx(value, rel=1e-6, abs=1e-9), source
    sources = {s for s, _ in scene.shown_numbers}
    for m in ("softmax", "edl"):
        assert f"heldout.models.{m}.accuracy" in sources
        assert f"heldout.models.{m}.ece" in sources
    # per set first, each with the interval of its difference; then the pooled number
    for i, s in enumerate(data.unrelated.sets):
        base = f"unrelated.sets[{i}].compare.auroc_entropy"
        assert {f"{base}.softmax", f"{base}.edl", f"{base}.diff_ci[0]", f"{base}.diff_ci[1]"} <= sources
    assert "unrelated.pooled_compare.auroc_entropy.edl" in sources
    # every verdict drawn carries its interval
    for name in ("accuracy", "rejection", "calibration", "adversarial"):
        base = {"accuracy": "heldout.compare.accuracy", "rejection": "heldout.compare.rejection",
                "calibration": "heldout.compare.ece",
                "adversarial": f"attacks.fgsm.compare[{len(data.attacks.eps) - 1}]"}[name]
        assert f"{base}.diff_ci[0]" in sources, name


def test_rotation_verdict_says_where_edl_fails_too(rendered) -> None:
    scene, _, data = rendered
    words = scene.lecture.comparison.text
    miss = compare_f.rotation_edl_miss(data)
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
    v = compare_f.auroc(data)
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
        # the bar's track runs from x = -3.8 over 8 units, the first of four rows at y = 1.4
        # (see Comparison.accuracy)
        assert len(scene.models) == 4
        ends[tag] = orange_right_end(frame, scene.theme.softmax, 1.4)
        assert ends[tag] == pytest.approx(-3.8 + 8 * acc, abs=0.3)
        assert ("heldout.models.softmax.accuracy", pytest.approx(acc)) in scene.shown_numbers
        # the banner's verdict is the pair's; the spoken one adds each other model beside EDL
        assert scene.values["accuracy_verdict"].startswith(
            scene.section_log["accuracy"].kept["verdict"])
        assert scene.t("who_ensemble") in scene.values["accuracy_verdict"]
        assert "\n" not in scene.section_log["accuracy"].kept["takeaway"] and len(scene.section_log["accuracy"].kept["takeaway"]) < 60
    assert ends["orig"] - ends["edit"] > 1.0
    assert scene.values["accuracy_verdict"].startswith("EDL is more accurate") or \
        compare_f.accuracy(data).winner != "edl"


def diff(sm: float, edl: float, lo: float, hi: float) -> dict:
    return {"softmax": sm, "edl": edl, "diff": edl - sm, "softmax_ci": [sm - 0.02, sm + 0.02],
            "edl_ci": [edl - 0.02, edl + 0.02], "diff_ci": [lo, hi]}


def set_auroc(folder: Path, per_set: dict[str, dict], pooled: dict) -> None:
    """Write per-set and pooled AUROC comparisons (by entropy) into unrelated.json."""
    path = folder / "unrelated.json"
    raw = json.loads(path.read_text())
    for s in raw["sets"]:
        if s["key"] in per_set:
            s["compare"]["auroc_entropy"] = per_set[s["key"]]
    raw["pooled_compare"]["auroc_entropy"] = pooled
    path.write_text(json.dumps(raw))


def test_per_set_verdicts_with_intervals(tiny_data_copy: Path, tmp_path: Path) -> None:
    """EDL wins on letters with an interval that excludes 0; softmax on Fashion-MNIST; on noise
    the difference lies inside its interval (too close to call); pooled, too close to call."""
    set_auroc(tiny_data_copy, {"letters": diff(0.822, 0.867, 0.021, 0.068),
                               "fashion": diff(0.977, 0.947, -0.045, -0.016),
                               "noise": diff(0.990, 0.984, -0.015, 0.004)},
              diff(0.933, 0.927, -0.014, 0.003))
    scene, movie, data = render(tiny_data_copy, tmp_path, ["entropy_cdfs", "summary"])
    words = scene.lecture.comparison.text
    verdict = scene.section_log["entropy_cdfs"].kept["verdict"]
    assert words["auroc_sets_edl"].format(sets=words["set_letters"]) in verdict
    assert words["auroc_sets_softmax"].format(sets=words["set_fashion"]) in verdict
    assert words["auroc_sets_tie"].format(sets=words["set_noise"]) in verdict
    pooled = words["auroc_pooled_tie"].split("{")[0]
    assert pooled in verdict and verdict.index(pooled) > verdict.index(words["set_noise"])
    spoken = scene.values["auroc_verdict"]
    assert fill(words["auroc_set_edl_wins"], set=words["set_letters"], edl=0.867, softmax=0.822,
                lo=0.021, hi=0.068) in spoken
    assert spoken.index(words["set_noise"]) < spoken.index(pooled)  # per set before pooled
    captions = " ".join(s.content for s in scene.renderer.file_writer.subcaptions)
    assert "+0.021" in captions and "−0.045" in captions  # each set's interval is spoken too
    summary = scene.values["summary_verdict"]
    edl_part = summary.split(words["summary_softmax"].split("{")[0])[0]
    assert words["short_auroc_set"].format(set=words["set_letters"]) in edl_part
    assert ("unrelated.sets[0].compare.auroc_entropy.diff_ci[0]", pytest.approx(0.021)) \
        in scene.shown_numbers


def test_a_difference_inside_its_interval_is_too_close_to_call(tiny_data_copy: Path,
                                                                tmp_path: Path) -> None:
    """A large-looking lead (0.70 vs 0.93) whose interval holds 0 is not called a win."""
    wide = diff(0.70, 0.93, -0.05, 0.45)
    set_auroc(tiny_data_copy, {"letters": wide, "fashion": wide, "noise": wide}, wide)
    scene, _, _ = render(tiny_data_copy, tmp_path, ["entropy_cdfs"])
    words = scene.lecture.comparison.text
    verdict = scene.section_log["entropy_cdfs"].kept["verdict"]
    assert words["auroc_sets_edl"].split("{")[0] not in verdict
    assert words["auroc_sets_tie"].split("{")[0] in verdict
    assert words["auroc_pooled_tie"].split("{")[0] in verdict
    for name in ("set_letters", "set_fashion", "set_noise"):
        assert fill(words["auroc_set_tie"], set=words[name], softmax=0.70, edl=0.93, lo=-0.05,
                    hi=0.45) in scene.values["auroc_verdict"]


def test_attack_table_flips_the_verdict(tiny_data_copy: Path, tmp_path: Path) -> None:
    """Masked numbers (EDL far ahead) against unmasked ones (softmax ahead): the words follow."""
    path = tiny_data_copy / "attacks.json"
    raw = json.loads(path.read_text())
    last = len(raw["eps"]) - 1
    verdicts = {}
    for tag, d in (("masked", diff(0.108, 0.391, 0.24, 0.32)),
                   ("honest", diff(0.108, 0.067, -0.07, -0.01))):
        raw["fgsm"]["compare"][last] = d
        path.write_text(json.dumps(raw))
        scene, _, _ = render(tiny_data_copy, tmp_path / tag, ["adversarial"])
        verdicts[tag] = scene.section_log["adversarial"].kept["verdict"]
    words = scene.lecture.comparison.text
    eps = raw["eps"][last]
    assert verdicts["masked"].startswith(fill(words["fgsm_edl_wins"],
        eps=eps, edl=0.391, softmax=0.108, lo=0.24, hi=0.32))
    assert verdicts["honest"].startswith(fill(words["fgsm_softmax_wins"],
        eps=eps, edl=0.067, softmax=0.108, lo=-0.07, hi=-0.01))


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
    drawn = scene.section_log["calibration"].kept["verdict"]  # the ECE verdict with its interval
    verdict = scene.values["ece_verdict"]  # spoken: also where the gap comes from
    assert verdict.startswith(drawn)
    gaps = {m: findings.confidence_gap(data.heldout.models[m]) for m in ("softmax", "edl")}
    assert gaps["softmax"] > 0 > gaps["edl"]
    assert words["calib_under"].format(model="Softmax", pp=100 * gaps["softmax"]) in verdict
    assert words["calib_over"].format(model="EDL", pp=-100 * gaps["edl"]) in verdict
    assert words["calib_source"].split("{")[0] in verdict
