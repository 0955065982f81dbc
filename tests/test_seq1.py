"""Sequence 1 (CNN forward pass), rendered small from the tiny dump and checked frame by frame.

One render of the whole sequence (480x270 at 4 fps) is shared by the checks; one more render of
the ``pixels`` section alone shows that editing scene_data changes what is drawn.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from contract.scene_data import load_all
from scenes.base import _Keep
from contract.lecture import load_lecture
from tests.sources import resolve
from tests.framecheck import (
    colour_at,
    colour_distance,
    frames_of,
    ink_fraction,
    render_scene,
)

pytestmark = pytest.mark.render

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = ROOT / "lectures" / "default.yaml"
EXAMPLE = ROOT / "lectures" / "example_digit3.yaml"
SIZE, FPS = (480, 270), 4


# -- fixtures ---------------------------------------------------------------------------------
def lecture_with(sections: list[str] | None = None):
    lec = load_lecture(DEFAULT)
    if sections is not None:
        lec = lec.model_copy(update={"sections": {"cnn_forward_pass": sections}})
    return lec


@pytest.fixture(scope="module")
def rendered(tiny_data, tmp_path_factory):
    """(scene, frames at each section's mark, movie path) of the whole sequence, tiny data."""
    from scenes.cnn_forward_pass.script import CNNForwardPass

    scene, movie = render_scene(CNNForwardPass, tmp_path_factory.mktemp("seq1"),
                                lecture=lecture_with(), data=tiny_data, size=SIZE, fps=FPS)
    names = list(scene.marks)
    frames = dict(zip(names, frames_of(movie, [scene.marks[n] + 0.01 for n in names])))
    return scene, frames, movie


# -- tests ------------------------------------------------------------------------------------
def test_example_lecture_loads():
    lec, default = load_lecture(EXAMPLE), load_lecture(DEFAULT)
    assert lec.sequences == ["cnn_forward_pass"]
    assert lec.sample.digit == 3 and lec.sample.digit != default.sample.digit
    assert lec.title_card.title != default.title_card.title
    assert lec.render.quality == "preview"
    assert lec.render.output_dir.name == "example_digit3"


def test_every_section_is_drawn_and_fits(rendered):
    scene, frames, _ = rendered
    assert list(scene.marks) == list(scene.SECTIONS)
    assert scene.layout_issues == []
    assert 90 <= scene.renderer.time <= 170
    bg = scene.theme.background
    for name, frame in frames.items():
        assert ink_fraction(frame, bg) > 0.03, f"section {name} looks empty at its mark"
        # the title bar stays visible in the top-left corner
        assert ink_fraction(frame, bg, box=(-7.0, 3.4, -3.5, 3.9)) > 0.01, name


def test_probed_colours_are_drawn(rendered):
    scene, frames, _ = rendered
    checked = 0
    for name, probes in scene.probes.items():
        for point, expected in probes:
            got = colour_at(frames[name], point)
            assert colour_distance(got, expected) <= 60, (name, point, got, expected)
            checked += 1
    assert checked >= 6


def test_shown_numbers_trace_to_scene_data(rendered, tiny_data):
    scene, _, _ = rendered
    assert len(scene.shown_numbers) > 200
    sources = {s for s, _ in scene.shown_numbers}
    for needed in ("forward_pass.worked.value", "forward_pass.worked.bias",
                   f"forward_pass.softmax.probs[{int(tiny_data.forward_pass.softmax.pred)}]",
                   "forward_pass.softmax.logits[9]",
                   "training.history['softmax'][0]['heldout_acc']", "training.layers[1].params"):
        assert needed in sources, needed
    for source, value in scene.shown_numbers:
        real = resolve(tiny_data, source)
        assert math.isclose(value, real, rel_tol=1e-6, abs_tol=1e-7), (source, value, real)


def test_worked_value_is_the_sum_shown(tiny_data):
    w = tiny_data.forward_pass.worked
    total = float(np.sum(np.asarray(w.patch) * np.asarray(w.weights)) + w.bias)
    assert math.isclose(total, w.value, rel_tol=1e-4, abs_tol=1e-4)
    assert math.isclose(np.asarray(tiny_data.forward_pass.conv1)[w.kernel, w.row, w.col],
                        w.value, rel_tol=1e-4, abs_tol=1e-4)


def test_captions_are_filled(rendered):
    scene, _, _ = rendered
    for name, caption in scene.words.captions.items():
        text = caption.format_map(_Keep(scene.values))
        assert "{" not in text, f"caption {name} keeps a placeholder: {text}"


def test_changing_scene_data_changes_the_picture(rendered, tiny_data_copy, tmp_path):
    """Darken the brightest pixel of the zoomed window: its cell and its number change."""
    from scenes.cnn_forward_pass.script import CNNForwardPass

    scene, frames, _ = rendered
    path = tiny_data_copy / "forward_pass.json"
    raw = json.loads(path.read_text())
    image = np.asarray(raw["image"], float)
    r0, c0 = raw["worked"]["row"], raw["worked"]["col"]
    win = image[r0:r0 + 5, c0:c0 + 5]
    i, j = np.unravel_index(int(np.argmax(win)), win.shape)
    r, c = r0 + i, c0 + j
    assert image[r, c] > 0.5  # the tiny dump's digit has bright strokes there
    raw["image"][r][c] = 0.0
    path.write_text(json.dumps(raw))
    changed_data = load_all(tiny_data_copy)

    changed, movie = render_scene(CNNForwardPass, tmp_path / "changed",
                                  lecture=lecture_with(["pixels"]), data=changed_data,
                                  size=SIZE, fps=FPS)
    assert list(changed.marks) == ["pixels"]
    frame = frames_of(movie, [changed.marks["pixels"] + 0.01])[0]
    point = scene.parts["pixel_grid"].cell_center(r, c)
    assert np.allclose(changed.parts["pixel_grid"].cell_center(r, c), point)
    before = colour_at(frames["pixels"], point)
    after = colour_at(frame, point)
    assert before.mean() > 110, before
    assert after.mean() < 50, after
    source = f"forward_pass.image[{r}][{c}]"
    old = dict(scene.shown_numbers)[source]
    new = dict(changed.shown_numbers)[source]
    assert old == pytest.approx(image[r, c]) and new == 0.0


def test_wording_names_the_layers_as_drawn():
    """conv2's note names the layer on its left (pool1), and kernel sizes use ×, not x."""
    text = load_lecture(DEFAULT).cnn_forward_pass.text
    assert text["deeper_pool1_name"] in text["deeper_params"]
    for key in ("layer_conv1", "layer_conv2", "fm_kernels", "pool_window"):
        assert "×" in text[key] and not any(w.endswith("x5") for w in text[key].split()), key
