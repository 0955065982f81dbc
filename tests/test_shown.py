"""scenes.shown: every text a Ref writes names its own value (read back by the tests' resolver,
tests/sources.py), in the spellings the scenes record; wrong names fail with the path."""
from __future__ import annotations

import math
from types import SimpleNamespace as NS

import numpy as np
import pytest

from scenes import derived
from scenes import shown as sh
from tests.sources import resolve


def refs(d: sh.Ref) -> list[sh.Ref]:
    """One of every kind of read the scenes make, on the root ``d``."""
    fp, wk = d.forward_pass, d.forward_pass.worked
    return [
        fp.edl.S, fp.image[8][8], d.rotation.edl_probs[3][1], fp.conv1[np.int64(2)][5][7],
        d.training.history["softmax"][0]["heldout_acc"], d.training.history.edl[0].train_kl,
        d.heldout.models["softmax"].ece, d.heldout.models.edl.reliability[2].count,
        d.training.dynamics["edl"].edges["fc2"][-1], d.inside.confusion["edl"][9][4],
        1 - d.rotation.edl_u[0], wk.patch[1][2] * wk.weights[1][2],
        sh.total(wk.patch * wk.weights), -sh.largest(sh.absolute(fp.conv1)),
        sh.total(fp.conv1[3] < 0), sh.total(fp.fc1 <= 0), sh.entries(fp.pool2),
        sh.length(fp.relu1[0]) // sh.length(fp.pool1[0]), sh.length(fp.conv1[0][0]),
        sh.argmax(sh.largest(fp.pool2, axis=(1, 2))), sh.sum_over(d.training.layers, "params"),
        d.training.layers[6].params / sh.sum_over(d.training.layers, "params"),
        sh.total(d.inside.confusion["softmax"]) - sh.trace(d.inside.confusion["softmax"]),
        sh.smallest(d.inside.confusion["edl"]),
        sh.rotation_argmax(d.rotation, "softmax", 4), sh.rotation_argmax(d.rotation, "edl", 2),
        derived.mean_gap(d.heldout.models.edl), sh.bin_gap(d.heldout.models.softmax.reliability[1]),
        derived.masked_share(d, "fgsm"),
        derived.neighbour_share(d, "edl", "tsne", "letters", ["letters", "fashion", "noise"]),
        sh.k_over(d.rotation.edl_u[2], 10),
    ]


def test_every_text_reads_back_its_own_value(frozen_data) -> None:
    d = sh.at(frozen_data)
    for ref in refs(d):
        text = sh.source_of(ref)
        assert math.isclose(resolve(frozen_data, text), float(ref), rel_tol=1e-12,
                            abs_tol=1e-12), text


def test_texts_keep_the_spelling_of_the_read(frozen_data) -> None:
    d = sh.at(frozen_data)
    texts = [sh.source_of(r) for r in refs(d)]
    assert texts[:6] == [
        "forward_pass.edl.S", "forward_pass.image[8][8]", "rotation.edl_probs[3][1]",
        "forward_pass.conv1[2][5][7]",  # a numpy index is written as the plain int
        "training.history['softmax'][0]['heldout_acc']", "training.history.edl[0].train_kl"]
    assert "heldout.models['softmax'].ece" in texts
    assert "training.dynamics['edl'].edges['fc2'][-1]" in texts
    assert "-max(abs(forward_pass.conv1))" in texts
    assert "sum(forward_pass.conv1[3] < 0)" in texts
    assert "argmax(max(forward_pass.pool2, axis=(1, 2)))" in texts
    assert "training.layers[6].params / sum([l.params for l in training.layers])" in texts
    assert "rotation.argmax(softmax_probs[4])" in texts
    assert "heldout.models.edl.reliability(mean accuracy-confidence)" in texts
    assert "attacks.fgsm.zero_grad_share(max over models, eps > 0)" in texts
    assert "K/rotation.edl_u[2]" in texts


def test_parentheses_follow_python_precedence() -> None:
    d = sh.at(NS(a=2.0, b=3.0, c=5.0))
    cases = {
        d.a - (d.b - d.c): "a - (b - c)", (d.a - d.b) - d.c: "a - b - c",
        d.a * (d.b - d.c): "a * (b - c)", d.a / (d.b * d.c): "a / (b * c)",
        -(d.a - d.b): "-(a - b)", 1 - d.a * d.b: "1 - a * b", 2 * d.a: "2 * a",
    }
    for ref, text in cases.items():
        assert sh.source_of(ref) == text
        assert float(ref) == eval(text, {}, {"a": 2.0, "b": 3.0, "c": 5.0})  # noqa: S307


def test_a_wrong_name_or_index_fails_with_its_path(frozen_data) -> None:
    d = sh.at(frozen_data)
    with pytest.raises(AttributeError, match=r"forward_pass\.edl has no 'Z'"):
        d.forward_pass.edl.Z  # noqa: B018
    with pytest.raises(KeyError, match=r"rotation\.edl_u\[999\]"):
        d.rotation.edl_u[999]  # noqa: B018
    with pytest.raises(AttributeError, match=r"heldout\.models has no 'dropout'"):
        d.heldout.models.dropout  # noqa: B018
    with pytest.raises(TypeError):
        d.rotation.edl_u[1.5]  # noqa: B018


def test_reading_is_not_recording_and_iterates_rows(frozen_data) -> None:
    """A Ref only reads: the numbers are recorded by the scene (LectureScene.show); its rows
    come out as Refs with their index in the text."""
    layers = list(sh.at(frozen_data).training.layers)
    assert [sh.source_of(r) for r in layers[:2]] == ["training.layers[0]", "training.layers[1]"]
    assert sh.raw(layers[0]) is frozen_data.training.layers[0]
    with pytest.raises(TypeError):
        iter(sh.at(frozen_data).forward_pass.edl)
