"""The comparison tells the truth: attacks that cannot be masked, bootstrap intervals, per-set
results, and scene_data that lets anyone recompute every metric (issue: truthful comparison)."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

from contract import scene_data as contract
from pipeline import attacks, config, datasets, edl, intervals, metrics, run


@pytest.fixture(scope="module")
def tiny_models(tiny_data_dir):
    cfg = config.tiny()
    models, _, _ = run.load_models(cfg, tiny_data_dir)
    return cfg, models, run.load_split(cfg)


# -- attacks ----------------------------------------------------------------------------------
def test_attacks_the_lecture_shows_are_not_masked(tiny_data: contract.SceneData) -> None:
    a = tiny_data.attacks
    for method in ("fgsm", "pgd"):
        for m in ("softmax", "edl"):
            shares = getattr(a, method).zero_grad_share[m]
            assert max(shares) <= 0.01, f"{method} on {m}: {shares}"
    assert "cross-entropy" in a.loss


def test_flat_edl_loss_masks_fgsm_but_cross_entropy_does_not(tiny_models) -> None:
    """Push every logit of the EDL model beyond the exp clamp (a bias of +-30, the input's part
    kept within +-5): its own loss is then flat (no gradient: the artifact behind the old "EDL
    is robust" result), while cross-entropy on the same logits still gives every digit one."""
    cfg, models, split = tiny_models
    m = copy.deepcopy(models["edl"])
    x = torch.from_numpy(split.x_heldout[:100])
    y = torch.from_numpy(split.y_heldout[:100])
    with torch.no_grad():
        m.fc2.bias.zero_()
        m.fc2.weight.mul_(5 / m(x).abs().max())
        m.fc2.bias.copy_(torch.tensor([30.0] + [-30.0] * 9))
        assert (m(x).abs() > cfg.train.evidence_clamp).all()
    own = attacks.edl_own_loss("exp", cfg.train.evidence_clamp, "mse")
    _, masked = attacks.fgsm(m, x, y, 0.2, own)
    _, honest = attacks.fgsm(m, x, y, 0.2)
    assert masked > 0.9 and honest == 0.0


def test_pgd_stays_in_the_ball_and_is_at_least_as_strong(tiny_models) -> None:
    cfg, models, split = tiny_models
    x = torch.from_numpy(split.x_heldout[:200])
    y = torch.from_numpy(split.y_heldout[:200])
    for m in models.values():
        adv_f, _ = attacks.fgsm(m, x, y, 0.2)
        adv_p, zero = attacks.pgd(m, x, y, 0.2, steps=5, seed=0)
        assert (adv_p - x.double()).abs().max() <= 0.2 + 1e-9
        assert adv_p.min() >= 0 and adv_p.max() <= 1 and zero == 0.0
        assert attacks.correct_after(m, adv_p, y).mean() <= attacks.correct_after(m, adv_f, y).mean() + 0.05
        again, _ = attacks.pgd(m, x, y, 0.2, steps=5, seed=0)
        assert torch.equal(adv_p, again)


def test_stored_attack_matches_an_independent_fgsm(tiny_data, tiny_models) -> None:
    """Plain float32 FGSM through cross-entropy, written here from scratch, agrees with the
    stored accuracy under attack within 5 points at every eps."""
    cfg, models, split = tiny_models
    x = torch.from_numpy(split.x_heldout)
    y = torch.from_numpy(split.y_heldout)
    for i, eps in enumerate(tiny_data.attacks.eps):
        for k, m in models.items():
            xi = x.clone().requires_grad_(True)
            F.cross_entropy(m(xi), y).backward()
            adv = (x + eps * xi.grad.sign()).clamp(0, 1)
            with torch.no_grad():
                acc = float((m(adv).argmax(1) == y).double().mean())
            assert acc == pytest.approx(tiny_data.attacks.fgsm.accuracy[k][i], abs=0.05)


# -- intervals --------------------------------------------------------------------------------
def test_bootstrap_auroc_replicates_match_scikit_learn() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(0, 1, 80), rng.normal(0.7, 1, 60)
    a[:10] = b[:10]  # ties across the two groups count half
    boot = intervals.Bootstrap(reps=5, seed=3)
    ia, ib = boot.indices(len(a)), boot.indices(len(b))
    reps = intervals.auroc_reps(a, b, ia, ib)
    for r in range(5):
        assert reps[r] == pytest.approx(metrics.auroc(a[ia[r]], b[ib[r]]))


def test_bootstrap_ece_replicates_match_the_reliability_bins() -> None:
    rng = np.random.default_rng(2)
    conf = rng.uniform(0.1, 1, 300)
    correct = rng.uniform(0, 1, 300) < conf
    idx = intervals.Bootstrap(reps=4, seed=0).indices(300)
    reps = intervals.ece_reps(conf, correct, idx, 10)
    for r in range(4):
        probs = np.zeros((300, 10))
        probs[:, 0] = conf[idx[r]]
        probs[:, 1] = 1 - conf[idx[r]]
        labels = np.where(correct[idx[r]], 0, 2)  # wrong unless the top class is 0
        probs[conf[idx[r]] < 0.5, 0], probs[conf[idx[r]] < 0.5, 1] = 0, 0  # keep argmax = 0
        probs[conf[idx[r]] < 0.5, 0] = conf[idx[r]][conf[idx[r]] < 0.5]
        assert reps[r] == pytest.approx(metrics.reliability(probs, labels, 10)[1])


def test_intervals_hold_the_estimate_and_are_seeded(tiny_data) -> None:
    h = tiny_data.heldout
    for m in ("softmax", "edl"):
        lo, hi = h.models[m].accuracy_ci
        assert lo <= h.models[m].accuracy <= hi and hi - lo > 0
        lo, hi = h.models[m].ece_ci
        assert lo <= hi
    for name in ("accuracy", "ece", "rejection"):
        d = getattr(h.compare, name)
        assert d.diff == pytest.approx(d.edl - d.softmax, abs=1e-5)
        assert d.diff_ci[0] <= d.diff_ci[1]
    assert h.bootstrap_reps == config.tiny().probe.bootstrap_reps
    b1, b2 = intervals.Bootstrap(50, 7), intervals.Bootstrap(50, 7)
    assert np.array_equal(b1.indices(30), b2.indices(30))
    assert intervals.excludes_zero([0.01, 0.2]) and not intervals.excludes_zero([-0.01, 0.2])


def test_kept_accuracy_does_not_depend_on_how_ties_are_broken() -> None:
    u = np.array([0.1, 0.5, 0.5, 0.5, 0.5, 0.9])
    c = np.array([1, 1, 0, 1, 0, 0])
    # keep 3 of 6: one sure digit (right) plus 2 of the four tied at 0.5 (half right)
    assert intervals.kept_accuracy(u, c, 0.5) == pytest.approx((1 + 2 * 0.5) / 3)
    perm = np.array([5, 3, 1, 0, 2, 4])
    assert intervals.kept_accuracy(u[perm], c[perm], 0.5) == pytest.approx((1 + 2 * 0.5) / 3)
    assert intervals.kept_accuracy(u, c, 1.0) == pytest.approx(c.mean())


# -- recomputing from scene_data alone ---------------------------------------------------------
def test_every_metric_recomputes_from_the_stored_scores(tiny_data) -> None:
    """AUROC per set and pooled, accuracy, ECE and the rejection curve, from heldout.json and
    unrelated.json alone, with scikit-learn."""
    h, u = tiny_data.heldout, tiny_data.unrelated
    sc = h.scores
    label = np.array(sc.label)
    for m in ("softmax", "edl"):
        pred = np.array(getattr(sc, f"{m}_pred"))
        conf = np.array(getattr(sc, f"{m}_max_prob"))
        assert (pred == label).mean() == pytest.approx(h.models[m].accuracy)
        ece = 0.0
        edges = np.linspace(0, 1, len(h.models[m].reliability) + 1)
        which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, len(edges) - 2)
        for b in range(len(edges) - 1):
            sel = which == b
            if sel.any():
                ece += sel.mean() * abs((pred[sel] == label[sel]).mean() - conf[sel].mean())
        assert ece == pytest.approx(h.models[m].ece, abs=1e-5)
        unc = (np.array(sc.edl_u) if m == "edl"
               else np.array(sc.softmax_entropy) / np.log(10))
        for t, acc in zip(h.models[m].threshold, h.models[m].threshold_accuracy):
            kept = unc <= t + 1e-9
            want = (pred[kept] == label[kept]).mean() if kept.any() else 1.0
            assert want == pytest.approx(acc, abs=1e-4)
    pooled = {"softmax_entropy": [], "edl_u": []}
    for s in u.sets:
        for score, model in (("softmax_entropy", "softmax"), ("edl_entropy", "edl")):
            ins, outs = getattr(sc, score), getattr(s.scores, score)
            y = np.r_[np.zeros(len(ins)), np.ones(len(outs))]
            auc = roc_auc_score(y, np.r_[ins, outs])
            assert auc == pytest.approx(s.stats[model].auroc_entropy, abs=1e-5)
        y = np.r_[np.zeros(len(sc.edl_u)), np.ones(len(s.scores.edl_u))]
        assert roc_auc_score(y, np.r_[sc.edl_u, s.scores.edl_u]) == pytest.approx(
            s.stats["edl"].auroc_u, abs=1e-5)
        if s.key in u.pooled_sets:
            for k in pooled:
                pooled[k].extend(getattr(s.scores, k))
    for k in pooled:
        y = np.r_[np.zeros(len(getattr(sc, k))), np.ones(len(pooled[k]))]
        assert roc_auc_score(y, np.r_[getattr(sc, k), pooled[k]]) == pytest.approx(
            u.combined_auroc[k], abs=1e-5)


def test_u_is_ranked_in_float64(tiny_data) -> None:
    """No float32 ties: u from the stored logits in float64 matches the stored u."""
    u = np.array(tiny_data.heldout.scores.edl_u)
    assert len(np.unique(u)) > 0.9 * len(u)


def test_saturation_is_reported() -> None:
    z = torch.tensor([[12.0, -11.0], [3.0, -1.0], [-0.5, -2.0]], dtype=torch.float64)
    assert edl.saturated(z, "exp", 10.0).tolist() == [True, False, False]
    assert edl.saturated(z, "relu").tolist() == [False, False, True]
    assert not edl.saturated(z, "softplus").any()
    assert not edl.saturated(z, "exp_tanh", 10.0).any()
    assert edl.evidence_fn("exp_tanh", 10.0)(torch.tensor([1e6])).item() == pytest.approx(np.exp(10))


def test_unrelated_draws_are_balanced(tiny_data) -> None:
    n = config.tiny().probe.n_letters
    for s in tiny_data.unrelated.sets:
        if s.key in ("letters", "fashion"):
            assert set(s.class_counts.values()) == {n // 10}, s.class_counts
    _, lab = datasets.make_letters(500, 0)
    assert np.bincount(lab).tolist() == [50] * 10
