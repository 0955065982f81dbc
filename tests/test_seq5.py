"""Sequence 5 (inside the trained networks) from the tiny dump, through the harness: every number
it draws resolves to scene_data, the layout keeps the design rules, captions get their reading
time, an edited confusion matrix changes the picture and the narration, and the findings it
narrates, on constructed cases. (Grad-CAM shapes and ranges and the seeded t-SNE are checked
where they are made, in tests/test_inside.py.)"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace as NS

import numpy as np
import pytest

from contract import scene_data as contract

from contract import scene_io
from scenes import findings as F
from scenes.inside_network import findings as inside_f
from scenes.base import _Keep, split_sentences
from contract.lecture import load_lecture
from tests.sources import resolve
from tests.conftest import ROOT
from tests.harness import observe

LECTURE = ROOT / "lectures" / "default.yaml"
SECTIONS = ("gradcam", "activation_maximization", "training_dynamics", "feature_space",
            "confusion")


def lecture(sections: list[str] | None = None):
    lec = load_lecture(LECTURE)
    if sections:
        lec = lec.model_copy(update={"sections": {"inside_network": sections}})
    return lec


@pytest.fixture(scope="module")
def log(tiny_data, tmp_path_factory: pytest.TempPathFactory):
    return observe("inside_network", lecture(), tiny_data, tmp_path_factory.mktemp("seq5"),
                   frames={"confusion"})


# -- the whole sequence (render marker: it draws) ---------------------------------------------------
@pytest.mark.render
def test_every_section_draws_and_every_number_resolves(log, tiny_data) -> None:
    assert list(log.sections) == list(SECTIONS)
    numbers = [n for s in log.sections.values() for n in s.numbers]
    assert len(numbers) > 50
    bad = [(src, v, resolve(tiny_data, src)) for src, v in numbers
           if not math.isclose(resolve(tiny_data, src), v, rel_tol=1e-6, abs_tol=1e-9)]
    assert not bad, bad[:5]
    # the confusion section draws every non-zero cell of both matrices
    cell = re.compile(r"inside\.confusion\['\w+'\]\[\d\]\[\d\]")
    cells = {src for src, _ in log.sections["confusion"].numbers if cell.fullmatch(src)}
    nonzero = sum(int(np.count_nonzero(tiny_data.inside.confusion[m])) for m in ("softmax", "edl"))
    assert len(cells) == nonzero


@pytest.mark.render
def test_layout_keeps_margins_subtitle_band_and_text_size(log) -> None:
    """Nothing but subtitles below 86% of the frame height, 60 px margins at 1080p, and no text
    smaller than font size 18 (a cap height of about 24 px at 1080p)."""
    from manim import Text

    from scenes.inside_network.script import BOTTOM, SIDE

    for name, section in log.sections.items():
        # the sequence title bar is the base class's, shared by every sequence
        for mob in (m for m in section.mobjects if m is not log.scene.header):
            for m in mob.get_family():
                pts = getattr(m, "points", None)
                if pts is None or len(pts) == 0:
                    continue
                assert pts[:, 1].min() >= BOTTOM - 1e-6, f"{name}: {type(m).__name__} too low"
                assert np.abs(pts[:, 0]).max() <= SIDE + 1e-6, f"{name}: {type(m).__name__} in the margin"
                if isinstance(m, Text):
                    assert m.font_size >= 18 - 1e-6, f"{name}: {m.text!r} at {m.font_size:.1f}"


@pytest.mark.render
def test_each_caption_gets_its_reading_time_and_the_sequence_a_minute(log) -> None:
    from scenes.inside_network.script import reading_seconds

    scene = log.scene
    for name, section in log.sections.items():
        text = scene.words.captions[name].format_map(_Keep(scene.values))
        assert "{" not in text, f"{name}: unfilled placeholder in {text!r}"
        # cues share the section before its closing fade (0.5 s) by length, as base.caption does
        sentences = split_sentences(text)
        total = sum(len(s) for s in sentences)
        for s in sentences:
            shown = (section.duration - 0.5) * len(s) / total
            assert shown >= reading_seconds(s), f"{name}: {s!r} shown {shown:.1f} s"
            assert shown <= 12.0 or len(s) > 150, f"{name}: {s!r} stays {shown:.1f} s"
    assert sum(s.duration for s in log.sections.values()) >= 60


@pytest.mark.render
def test_narration_names_what_the_data_shows(log, tiny_data) -> None:
    v = log.scene.values
    s, e = (inside_f.most_confused(tiny_data.inside.confusion[m]) for m in ("softmax", "edl"))
    assert f"{s.true} for a {s.pred}" in v["confusion_finding"]
    assert f"softmax makes {s.errors} mistakes and EDL {e.errors}" in v["confusion_finding"]
    layer = inside_f.shared_changed_layer(tiny_data)
    assert v["layer"] == layer and layer in v["dynamics_finding"]


@pytest.mark.render
def test_an_edited_confusion_matrix_changes_the_picture_and_the_words(
        log, tiny_data_copy: Path, tmp_path: Path) -> None:
    """Both models now mostly take a 3 for a 5: the cells, the frame around the worst cell, the
    colour scale and the sentence follow the edited file."""
    path = tiny_data_copy / "inside.json"
    raw = json.loads(path.read_text())
    for m in ("softmax", "edl"):
        c = raw["confusion"][m]
        worst = max(c[r][k] for r in range(10) for k in range(10) if r != k)
        c[3][5] = worst + 7  # now the largest mistake by far
        c[3][3] = max(0, c[3][3] - 7)
    path.write_text(json.dumps(raw))
    edited = scene_io.load_all(tiny_data_copy)
    got = observe("inside_network", lecture(["confusion"]), edited, tmp_path, frames={"confusion"})
    before, after = log.frames["confusion"], got.frames["confusion"]
    assert before.shape == after.shape
    changed = np.mean(np.abs(before.astype(int) - after.astype(int)).max(axis=-1) > 24)
    assert changed > 0.002, f"only {changed:.4%} of the pixels changed"
    assert "Both models most often take a 3 for a 5" in got.scene.values["confusion_finding"]
    assert ("inside.confusion['softmax'][3][5]", float(edited.inside.confusion["softmax"][3][5])) \
        in got.sections["confusion"].numbers


# -- findings on constructed cases ----------------------------------------------------------------
def test_most_confused_reports_the_pair_the_count_and_ties() -> None:
    c = np.diag([50] * 10)
    c[4, 9], c[7, 1], c[2, 3] = 3, 3, 1
    got = inside_f.most_confused(c)
    assert (got.true, got.pred, got.count, got.n_tied, got.errors) == (4, 9, 3, 2, 7)
    assert inside_f.same_mistake(got, inside_f.most_confused(c))
    c[7, 1] = 4
    assert (inside_f.most_confused(c).true, inside_f.most_confused(c).pred, inside_f.most_confused(c).n_tied) == (7, 1, 1)


def test_neighbour_share_tells_a_separate_cluster_from_one_mixed_in() -> None:
    rng = np.random.default_rng(0)
    digits = rng.normal(0, 1, (60, 2))
    far = rng.normal(50, 1, (20, 2))        # a cluster of its own
    mixed = rng.normal(0, 1, (20, 2))       # in the middle of the digits
    pts = np.vstack([digits, far, mixed])
    groups = ["heldout"] * 60 + ["letters"] * 20 + ["noise"] * 20
    assert inside_f.digit_neighbour_share(pts, groups, "letters") == 0.0
    assert inside_f.digit_neighbour_share(pts, groups, "noise") > 0.5
    assert math.isnan(inside_f.digit_neighbour_share(pts, groups, "fashion"))
    assert inside_f.most_overlapping({"letters": 0.0, "noise": 0.6, "fashion": float("nan")}) == "noise"
    assert inside_f.most_overlapping({}) is None


def test_embedding_overlap_uses_only_the_plotted_sets() -> None:
    pts = [[0, 0], [0, 1], [1, 0], [0.5, 0.5], [0.4, 0.6], [9, 9]]
    groups = ["heldout", "heldout", "heldout", "letters", "noise", "noise"]
    data = NS(inside=NS(embedding=NS(group=groups, models={"edl": NS(tsne=pts)})))
    alone = inside_f.embedding_overlap(data, "edl", ["letters"], k=2)["letters"]
    both = inside_f.embedding_overlap(data, "edl", ["letters", "noise"], k=2)["letters"]
    assert alone == 1.0 and both == 0.5  # the noise point next to it counts once it is plotted


def test_shares_within_the_tolerance_are_called_the_same() -> None:
    assert inside_f.compare_shares(0.28, 0.30) == F.TIE
    assert inside_f.compare_shares(0.10, 0.30) == "edl"
    assert inside_f.compare_shares(0.30, 0.10) == "softmax"
    assert inside_f.compare_shares(float("nan"), 0.3) == F.TIE


def test_the_layer_that_moved_most() -> None:
    still = [[0, 10, 0], [0, 10, 0]]
    moved = [[0, 10, 0], [5, 0, 5]]
    half = [[0, 10, 0], [0, 5, 5]]
    assert inside_f.histogram_change(still) == 0.0 and inside_f.histogram_change(moved) == 1.0
    assert inside_f.histogram_change(half) == pytest.approx(0.5)
    sm = NS(layers=["a", "b"], weight_hist={"a": moved, "b": half})
    edl = NS(layers=["a", "b"], weight_hist={"a": still, "b": moved})
    assert inside_f.most_changed_layer(sm) == "a" and inside_f.most_changed_layer(edl) == "b"
    data = NS(training=NS(dynamics={"softmax": sm, "edl": edl}))
    assert inside_f.shared_changed_layer(data) == "b"  # mean 0.75 against 0.5


def test_reading_time_counts_cjk_characters_slower() -> None:
    from scenes.inside_network.script import READING_RATE, caption_seconds, reading_seconds

    assert reading_seconds("a" * 30) == pytest.approx(30 / READING_RATE["latin"])
    assert reading_seconds("数字" * 6) == pytest.approx(12 / READING_RATE["cjk"])
    assert reading_seconds("字母 B") == pytest.approx(2 / READING_RATE["cjk"] + 2 / READING_RATE["latin"])
    # a short all-Chinese sentence next to a long mostly-Latin one sets the section's length
    text = "每个模型在看哪里？Grad-CAM colours the parts of the image, conv2。"
    short = "每个模型在看哪里？"
    assert caption_seconds(text) == pytest.approx(reading_seconds(short) * len(text) / len(short))
    assert caption_seconds(text) > reading_seconds(text)


def test_cluster_labels_stay_inside_the_frame_and_apart() -> None:
    """A cluster median at the frame's edge (as t-SNE puts one on some machines) and two
    clusters on one spot: every label ends inside the frame, clear of its edge and the others."""
    from manim import Square, VGroup

    from scenes.inside_network.script import _meet, separate

    frame = Square(4.0)
    labels = VGroup(*[Square(0.3) for _ in range(4)])
    for lab, at in zip(labels, [(2.0, 0.0), (0.0, -2.0), (0.5, 0.5), (0.5, 0.5)]):
        lab.move_to([*at, 0.0])
    separate(labels, frame)
    for i, lab in enumerate(labels):
        assert all(abs(c) + 0.15 < 2.0 for c in lab.get_center()[:2]), lab.get_center()
        assert not any(_meet(lab, other, 0.04) for other in labels[:i])
