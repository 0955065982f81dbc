"""pipeline.inference gives exactly the probes' numbers for the probes' own images.

Why these tolerances hold on any CPU: both sides run in this process, on the same checkpoints,
so a CPU's float path moves both alike. What is left between them is (1) the dump's rounding to
6 significant digits (relative 5e-7) and (2) float32 sums over a different batch shape (one
image against the probe's batch: a few ulps, relative ~1e-6 after the two conv layers). rel 1e-5
is ten times both; the absolute terms cover values near zero (logits, small probabilities),
where a relative bound means nothing.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from contract import scene_data as contract
from pipeline import config, run
from pipeline.inference import Predictor, read_config


@pytest.fixture(scope="module")
def predictor(tiny_data_dir: Path) -> Predictor:
    return Predictor.from_folder(tiny_data_dir)


def _same(row: dict, probe: contract.ModelOut) -> None:
    assert row["pred"] == probe.pred
    assert np.allclose(row["probs"], probe.probs, rtol=1e-5, atol=1e-6)
    assert np.allclose(row["logits"], probe.logits, rtol=1e-5, atol=1e-5)
    assert row["entropy"] == pytest.approx(probe.entropy, rel=1e-5, abs=1e-6)
    if probe.u is not None:
        assert row["u"] == pytest.approx(probe.u, rel=1e-5)
        assert np.allclose(row["alpha"], probe.alpha, rtol=1e-5)


def test_forward_pass_digit(predictor: Predictor, tiny_data: contract.SceneData) -> None:
    fp = tiny_data.forward_pass
    row = predictor.predict(fp.arr("image")[None])[0]
    _same(row["softmax"], fp.softmax)
    _same(row["edl"], fp.edl)


def test_rotation_sweep(predictor: Predictor, tiny_data: contract.SceneData) -> None:
    rot = tiny_data.rotation
    split = run.load_split(config.tiny())
    angles, stack = predictor.rotations(split.x_heldout[rot.heldout_index, 0])
    assert list(angles) == rot.angles
    assert np.allclose(stack, rot.images, atol=1e-5)
    rows = predictor.predict(stack)
    assert np.allclose([r["softmax"]["probs"] for r in rows], rot.softmax_probs, atol=1e-6)
    assert np.allclose([r["edl"]["u"] for r in rows], rot.edl_u, rtol=1e-5)


def test_conv1_maps_are_the_forward_pass_maps(predictor: Predictor,
                                              tiny_data: contract.SceneData) -> None:
    fp = tiny_data.forward_pass
    assert np.allclose(predictor.conv1_maps(fp.arr("image")), fp.arr("relu1"), atol=1e-5)


def test_config_from_training_json_and_bad_shapes(tiny_data_dir: Path, tmp_path: Path) -> None:
    assert read_config(tiny_data_dir).hash() == config.tiny().hash()  # no .config.json there
    with pytest.raises(FileNotFoundError, match="make data"):
        read_config(tmp_path)
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        Predictor.from_folder(tiny_data_dir).predict(np.zeros((2, 32, 32)))
