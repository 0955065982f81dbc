"""Inside the networks (sequence 5's data): Grad-CAM, saliency, activation maximization,
training dynamics, feature-space embeddings and confusion matrices, from the tiny dump."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from contract import scene_data as contract
from pipeline import config, inside, run


def test_gradcam_and_saliency_maps_are_28x28_in_0_1(tiny_data: contract.SceneData) -> None:
    ins = tiny_data.inside
    assert [i.role for i in ins.inputs][0] == "chosen"
    assert "unrelated" in [i.role for i in ins.inputs]
    for item in ins.inputs:
        for m in ("softmax", "edl"):
            a = getattr(item, m)
            for name in ("gradcam", "saliency"):
                g = np.array(getattr(a, name))
                assert g.shape == (28, 28) and g.min() >= 0 and g.max() <= 1 + 1e-6
                assert g.max() in (0.0, pytest.approx(1.0, abs=1e-5))
            assert 0 <= a.target <= 9
    chosen = ins.inputs[0]
    assert chosen.softmax.target == tiny_data.forward_pass.softmax.pred
    assert np.array_equal(chosen.image, tiny_data.forward_pass.image)


def test_a_score_that_ignores_the_input_gets_an_empty_map(tiny_data_dir) -> None:
    """Zero the class-3 row of the last layer: nothing in the image raises that score, so its
    Grad-CAM and saliency are empty, while class 7's are not."""
    import copy

    cfg = config.tiny()
    models, _, _ = run.load_models(cfg, tiny_data_dir)
    m = copy.deepcopy(models["softmax"])
    with torch.no_grad():
        m.fc2.weight[3].zero_()
    img = np.array(contract.load_all(tiny_data_dir).forward_pass.image, np.float32)
    ident = inside.score_fn("softmax", cfg.train)
    assert not inside.gradcam(m, img, 3, ident).any()
    assert not inside.saliency(m, img, 3, ident).any()
    assert inside.saliency(m, img, 7, ident).max() == pytest.approx(1.0)


def test_activation_maximization_raises_each_class_score(tiny_data_dir, tiny_data) -> None:
    am = tiny_data.inside.activation_max
    for m in ("softmax", "edl"):
        imgs = np.array(am[m].images)
        assert imgs.shape == (10, 28, 28) and imgs.min() >= 0 and imgs.max() <= 1
    cfg = config.tiny()
    models, _, _ = run.load_models(cfg, tiny_data_dir)
    score = inside.score_fn("softmax", cfg.train)
    with torch.no_grad():
        blank = score(models["softmax"](torch.zeros(10, 1, 28, 28)))[range(10), range(10)]
    assert np.mean(np.array(am["softmax"].score) > blank.numpy()) >= 0.8


def test_tsne_is_identical_for_the_same_seed() -> None:
    feats = np.random.default_rng(3).normal(size=(60, 20))
    a, b = inside.embed(feats, 0, 30.0), inside.embed(feats, 0, 30.0)
    assert np.array_equal(a.tsne, b.tsne) and np.array_equal(a.pca, b.pca)
    assert a.tsne.shape == (60, 2)


def test_embedding_and_confusion_match_the_held_out_data(tiny_data: contract.SceneData) -> None:
    ins, h = tiny_data.inside, tiny_data.heldout
    p = config.tiny().probe
    assert ins.embedding.group.count("heldout") == p.embed_heldout
    assert ins.embedding.label[:5] == h.scores.label[:5]
    for m in ("softmax", "edl"):
        c = np.array(ins.confusion[m])
        assert c.sum() == h.models[m].n
        assert np.trace(c) / c.sum() == pytest.approx(h.models[m].accuracy)
        t, pred, n = ins.most_confused[m]
        assert t != pred and c[t, pred] == n == (c - np.diag(np.diag(c))).max()


def test_training_dynamics_are_recorded_per_epoch(tiny_data: contract.SceneData) -> None:
    dyn = tiny_data.training.dynamics
    epochs = config.tiny().train.epochs
    for m in ("softmax", "edl"):
        d = dyn[m]
        assert d.layers == ["conv1", "conv2", "fc1", "fc2"]
        for layer in d.layers:
            hist = np.array(d.weight_hist[layer])
            assert hist.shape == (epochs + 1, config.tiny().probe.hist_bins)
            assert len(set(hist.sum(1))) == 1  # every weight counted every epoch
            assert len(d.grad_norm[layer]) == epochs and min(d.grad_norm[layer]) > 0
