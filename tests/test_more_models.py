"""MC dropout, the deep ensemble and the cost table on the tiny configuration: the stored
per-example scores agree with the models recomputed here, the AUROCs and accuracies with
scikit-learn, and an old dump without these sections still loads."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.metrics import accuracy_score, roc_auc_score

from contract import models as registry
from contract import scene_io
from pipeline import config, ensemble, mc_dropout, run
from pipeline.models import LeNet
from pipeline.train import outputs


@pytest.fixture(scope="module")
def data(tiny_data_dir: Path):
    return scene_io.load_all(tiny_data_dir)


@pytest.fixture(scope="module")
def heldout_x() -> torch.Tensor:
    return torch.from_numpy(run.load_split(config.tiny()).x_heldout)


def _softmax(folder: Path, name: str = "softmax.pt") -> LeNet:
    state = torch.load(folder / "checkpoints" / name, map_location="cpu", weights_only=True)
    m = LeNet(config.tiny().train.dropout)
    m.load_state_dict(state["state_dict"])
    return m.eval()


def _all_scores(data) -> list:
    out = list(data.heldout.more.scores.values())
    for s in data.unrelated.sets:
        out += list(s.more.scores.values())
    return out


def test_mutual_information_lies_between_zero_and_the_entropy(data) -> None:
    for sc in _all_scores(data):
        mi, h = np.asarray(sc.mutual_information), np.asarray(sc.entropy)
        assert (mi >= 0).all() and (mi <= h + 1e-12).all()
        assert h.max() <= np.log(10) + 1e-12
    assert any(np.asarray(sc.mutual_information).max() > 0 for sc in _all_scores(data))


def test_mc_dropout_reproduces_with_its_seed_and_differs_with_another(
        tiny_data_dir: Path, data, heldout_x: torch.Tensor) -> None:
    cfg = config.tiny()
    model = _softmax(tiny_data_dir)
    T, p = cfg.probe.mc_passes, cfg.train.dropout
    a = mc_dropout.predict(model, heldout_x, T, p, cfg.train.seed)
    b = mc_dropout.predict(model, heldout_x, T, p, cfg.train.seed)
    c = mc_dropout.predict(model, heldout_x, T, p, cfg.train.seed + 1)
    assert a.passes.shape == (T, len(heldout_x), 10)
    assert np.array_equal(a.passes, b.passes) and not np.array_equal(a.passes, c.passes)
    stored = data.heldout.more.scores["mc_dropout"]
    assert np.array_equal(a.entropy, stored.entropy)  # the dump is this computation
    assert data.heldout.more.models["mc_dropout"].passes == T
    # the passes disagree with each other: dropout is really on
    assert np.ptp(a.passes, axis=0).max() > 0


def test_mc_dropout_without_dropout_is_the_softmax_model(tiny_data_dir: Path,
                                                         heldout_x: torch.Tensor) -> None:
    model = _softmax(tiny_data_dir)
    mc = mc_dropout.predict(model, heldout_x, 3, 0.0, seed=0)
    plain = outputs(model, "softmax", heldout_x, config.tiny().train)
    assert np.allclose(mc.probs, plain.probs, rtol=0, atol=1e-12)
    assert np.abs(mc.mutual_information).max() < 1e-12


def test_ensemble_mean_is_the_mean_of_its_saved_members(tiny_data_dir: Path, data,
                                                        heldout_x: torch.Tensor) -> None:
    cfg = config.tiny()
    names = ["softmax.pt"] + [f"ensemble-{i}.pt" for i in range(1, cfg.train.ensemble_members)]
    probs = []
    with torch.no_grad():  # plain torch, not the pipeline's ensemble code
        for n in names:
            m = _softmax(tiny_data_dir, n).double()
            probs.append(torch.softmax(m(heldout_x.double()), -1).numpy())
    probs = np.stack(probs)
    mean = probs.mean(0)
    stored = data.heldout.more.scores["ensemble"]
    assert np.allclose(stored.max_prob, mean.max(1), rtol=0, atol=1e-12)
    assert np.array_equal(stored.pred, mean.argmax(1))
    assert np.array_equal(stored.member_pred, probs.argmax(-1))
    ent = -(mean * np.log(mean)).sum(1)
    mi = ent - (-(probs * np.log(probs)).sum(-1)).mean(0)
    assert np.allclose(stored.entropy, ent, atol=1e-12)
    assert np.allclose(stored.mutual_information, np.maximum(mi, 0), atol=1e-12)
    # the members differ: different seeds, different networks
    assert not np.allclose(probs[0], probs[1])
    assert len({ensemble.member_seed(cfg.train.seed, i) for i in range(len(names))}) == len(names)


def test_heldout_accuracy_and_ece_recomputed_from_the_scores(data) -> None:
    more = data.heldout.more
    y = np.asarray(data.heldout.scores.label)
    bins = config.tiny().probe.reliability_bins
    for name, m in more.models.items():
        sc = more.scores[name]
        assert m.accuracy == pytest.approx(accuracy_score(y, sc.pred), rel=1e-5)
        conf, correct = np.asarray(sc.max_prob), np.asarray(sc.pred) == y
        which = np.minimum((conf * bins).astype(int), bins - 1)  # equal-width bins
        which = np.where(conf * bins == which, which - 1, which).clip(0)  # right-closed edges
        ece = sum(abs(correct[which == b].mean() - conf[which == b].mean()) * (which == b).mean()
                  for b in range(bins) if (which == b).any())
        assert m.ece == pytest.approx(ece, rel=1e-5)  # 6 digits stored
        assert m.accuracy_ci[0] <= m.accuracy <= m.accuracy_ci[1]
        cmp = m.compare["accuracy"]
        assert cmp.diff == pytest.approx(m.accuracy - data.heldout.models["edl"].accuracy)
    # EDL's interval here comes from the same resampled digits as the existing one
    edl = data.heldout.models["edl"]
    assert more.models["ensemble"].compare["accuracy"].reference_ci == edl.accuracy_ci


def test_auroc_recomputed_with_scikit_learn(data) -> None:
    held = data.heldout.more.scores
    for s in data.unrelated.sets:
        for name, m in s.more.models.items():
            for score, stored in (("entropy", m.auroc_entropy),
                                  ("mutual_information", m.auroc_own)):
                h, o = getattr(held[name], score), getattr(s.more.scores[name], score)
                y = np.r_[np.zeros(len(h)), np.ones(len(o))]
                assert stored == pytest.approx(roc_auc_score(y, np.r_[h, o]), rel=1e-5)
            ref = m.compare["auroc_own"]
            assert ref.reference == pytest.approx(s.stats["edl"].auroc_u, abs=1e-12)
            assert ref.reference_ci == s.stats["edl"].auroc_u_ci
            assert m.own_score == registry.REGISTRY[name].own_score
            assert m.auroc_entropy_ci[0] <= m.auroc_entropy <= m.auroc_entropy_ci[1]


def test_cost_table_covers_every_model_with_positive_measurements(data) -> None:
    cfg = config.tiny()
    costs = data.models
    assert costs is not None and costs.threads >= 1 and costs.machine
    assert list(costs.models) == list(registry.MODEL_NAMES)
    lenet = sum(p.numel() for p in LeNet().parameters())
    want = {"softmax": (1, lenet), "edl": (1, lenet), "mc_dropout": (cfg.probe.mc_passes, lenet),
            "ensemble": (cfg.train.ensemble_members, cfg.train.ensemble_members * lenet)}
    for name, c in costs.models.items():
        assert (c.passes, c.params) == want[name]
        assert c.ms_batch1 > 0 and c.ms_batch256 > 0 and c.training_seconds > 0
    assert costs.models["ensemble"].training_seconds > costs.models["softmax"].training_seconds


def _members(folder: Path) -> list[LeNet]:
    n = config.tiny().train.ensemble_members
    return [_softmax(folder, name).double()
            for name in ["softmax.pt"] + [f"ensemble-{i}.pt" for i in range(1, n)]]


def test_passes_and_members_disagree_on_the_rotated_digit_at_90_degrees(tiny_data_dir: Path,
                                                                         data) -> None:
    rot = data.rotation
    at = rot.angles.index(90.0)
    for name, m in rot.more.models.items():
        passes = np.asarray(m.passes)
        assert passes.shape[1:] == (len(rot.angles), 10)
        assert m.spread[at] > 0, name
        top = passes.mean(0).argmax(1)
        assert np.allclose(m.spread, passes[:, np.arange(len(top)), top].std(0), atol=1e-6)
    # the members' votes recomputed in plain torch from the saved checkpoints and the images
    imgs = torch.tensor(rot.images, dtype=torch.float64)[:, None]
    with torch.no_grad():
        votes = np.stack([torch.softmax(m(imgs), -1).numpy() for m in _members(tiny_data_dir)])
    assert np.allclose(rot.more.models["ensemble"].passes, votes, atol=1e-6)


def test_every_model_has_an_unmasked_gradient_under_both_attacks(data) -> None:
    a = data.attacks
    for method in ("fgsm", "pgd"):
        for name, m in getattr(a.more, method).items():
            assert max(m.zero_grad_share) <= 0.01, (method, name)
            assert len(m.accuracy) == len(a.eps) == len(m.compare)
            # EDL's accuracy under the same attack, recomputed in the pairing, is attacks.json's
            assert [c.reference for c in m.compare] == pytest.approx(
                getattr(a, method).accuracy["edl"], abs=1e-6)
        assert set(getattr(a.more, method)) == {"mc_dropout", "ensemble"}


def test_ensemble_fgsm_recomputed_in_plain_torch(tiny_data_dir: Path, data,
                                                 heldout_x: torch.Tensor) -> None:
    """-log of the members' mean probability of the true digit, one signed step, clipped."""
    y = torch.tensor(data.heldout.scores.label)
    members = _members(tiny_data_dir)
    x = heldout_x.double().requires_grad_(True)
    mean = torch.stack([torch.softmax(m(x), -1) for m in members]).mean(0)
    loss = -torch.log(mean[torch.arange(len(y)), y]).sum()
    (grad,) = torch.autograd.grad(loss, x)
    eps = data.attacks.eps
    stored = data.attacks.more.fgsm["ensemble"].accuracy
    for e, acc in zip(eps, stored):
        adv = (heldout_x.double() + e * grad.sign()).clamp(0, 1)
        with torch.no_grad():
            pred = torch.stack([torch.softmax(m(adv), -1) for m in members]).mean(0).argmax(1)
        assert acc == pytest.approx(float((pred == y).double().mean()), abs=1e-6)


def test_rejection_curves_recomputed_from_the_scores(data) -> None:
    more, y = data.heldout.more, np.asarray(data.heldout.scores.label)
    thresholds = np.asarray(data.heldout.models["softmax"].threshold)
    for name, m in more.models.items():
        sc = more.scores[name]
        unc, correct = np.asarray(sc.entropy) / np.log(10), np.asarray(sc.pred) == y
        for t, acc, kept in zip(thresholds, m.threshold_accuracy, m.threshold_kept):
            keep = unc <= t + 1e-12
            assert kept == pytest.approx(keep.mean(), abs=1e-6)
            assert acc == pytest.approx(correct[keep].mean() if keep.any() else 1.0, abs=1e-6)
        rej = m.compare["rejection"]
        # EDL by u on the same resampled digits as the existing softmax-vs-EDL verdict
        assert rej.reference == pytest.approx(data.heldout.compare.rejection.edl, abs=1e-12)
        assert rej.reference_ci == data.heldout.compare.rejection.edl_ci


def test_a_dump_without_the_new_sections_still_loads(tmp_path: Path) -> None:
    """A dump made before MC dropout and the ensemble: no ``more`` parts, no models.json."""
    import json
    import shutil

    from tests.frozen import FROZEN, MORE_PARTS

    old = tmp_path / "old"
    shutil.copytree(FROZEN, old)
    (old / "models.json").unlink()
    for name, items in MORE_PARTS:
        doc = json.loads((old / name).read_text(encoding="utf-8"))
        for part in (doc[items] if items else [doc]):
            del part["more"]
        (old / name).write_text(json.dumps(doc), encoding="utf-8")
    data = scene_io.load_all(old)
    assert data.heldout.more is None and data.models is None
    assert data.rotation.more is None and data.attacks.more is None
    assert all(s.more is None for s in data.unrelated.sets)
