"""Probes of MC dropout and the deep ensemble: held-out accuracy and ECE, per-set AUROC by
entropy and by mutual information, each with a paired bootstrap interval against EDL, and the
per-example scores (``Heldout.more``, ``OODSet.more``; :mod:`contract.more_models`), with each model's rejection
curve, and every pass and member on the rotated digit (``Rotation.more``).

The intervals come from their own :class:`pipeline.intervals.Bootstrap`, seeded like the
existing probes' and drawn in the same order (held-out digits; then per set: held-out, set), so
the softmax-vs-EDL numbers do not move and EDL's intervals here equal the existing ones.

    preds = predictives(cfg, models, members, torch.from_numpy(x))     # {"mc_dropout": ..., ...}
    held = heldout_more(cfg, preds, edl_out, y, boot)                  # plain dict for the file
"""
from __future__ import annotations

import numpy as np
import torch

from contract.models import REFERENCE, REGISTRY

from . import ensemble, intervals, mc_dropout, metrics
from .config import Config
from .mc_dropout import Predictive
from .models import LeNet
from .results import Estimate, ModelOutputs

#: the models these probes cover, in registry order
NAMES = ("mc_dropout", "ensemble")


def predictives(cfg: Config, softmax: LeNet, members: list[LeNet], x: torch.Tensor
                ) -> dict[str, Predictive]:
    """MC dropout (the softmax model, ``mc_passes`` masks from the run's seed) and the ensemble
    on the images ``x``."""
    return {"mc_dropout": mc_dropout.predict(softmax, x, cfg.probe.mc_passes, cfg.train.dropout,
                                             cfg.train.seed),
            "ensemble": ensemble.predict(members, x, cfg.train)}


def vs_reference(model: Estimate, ref: Estimate) -> dict:
    """A model's value against EDL's from paired replicates (model minus EDL)."""
    return {"value": model.value, "reference": ref.value, "diff": model.value - ref.value,
            "value_ci": intervals.interval(model.replicates),
            "reference_ci": intervals.interval(ref.replicates),
            "diff_ci": intervals.interval(model.replicates - ref.replicates)}


def model_scores(name: str, pred: Predictive) -> dict:
    """Per-example scores; the ensemble adds its members' own predictions."""
    out = {"pred": pred.pred, "max_prob": pred.max_prob, "entropy": pred.entropy,
           "mutual_information": pred.mutual_information}
    if REGISTRY[name].predicts == "members":
        out["member_pred"] = pred.member_pred
    return out


def _heldout_estimates(cfg: Config, probs: np.ndarray, unc: np.ndarray, y: np.ndarray,
                       idx: np.ndarray) -> dict[str, Estimate]:
    """Accuracy, ECE and rejection accuracy (the ``rejection_share`` most certain by ``unc``)
    with their replicates on the resampled positions ``idx``."""
    p = cfg.probe
    correct = probs.argmax(1) == y
    _, ece = metrics.reliability(probs, y, p.reliability_bins)
    return {"accuracy": Estimate(float(correct.mean()), intervals.mean_reps(correct, idx)),
            "ece": Estimate(ece, intervals.ece_reps(probs.max(1), correct, idx,
                                                    p.reliability_bins)),
            "rejection": Estimate(intervals.kept_accuracy(unc, correct, p.rejection_share),
                                  intervals.kept_accuracy_reps(unc, correct, idx,
                                                               p.rejection_share))}


def heldout_more(cfg: Config, preds: dict[str, Predictive], edl: ModelOutputs, y: np.ndarray,
                 boot: intervals.Bootstrap) -> dict:
    """``Heldout.more``: accuracy, ECE and rejection of each model against EDL on the same
    resampled digits, its rejection curve (by entropy / log 10, the softmax model's rule), and
    the per-digit scores."""
    idx = boot.indices(len(y))
    thresholds = np.linspace(0, 1, cfg.probe.threshold_grid)
    ref = _heldout_estimates(cfg, edl.probs, edl.dirichlet.u, y, idx)
    models = {}
    for name, pred in preds.items():
        unc = pred.entropy / metrics.LOG_K
        est = _heldout_estimates(cfg, pred.probs, unc, y, idx)
        acc_t, kept_t = metrics.rejection_curve(unc, pred.pred == y, thresholds)
        models[name] = {
            "passes": len(pred.passes),
            "accuracy": est["accuracy"].value,
            "accuracy_ci": intervals.interval(est["accuracy"].replicates),
            "ece": est["ece"].value, "ece_ci": intervals.interval(est["ece"].replicates),
            "mean_entropy": float(pred.entropy.mean()),
            "mean_mutual_information": float(pred.mutual_information.mean()),
            "threshold_accuracy": acc_t, "threshold_kept": kept_t,
            "compare": {m: vs_reference(est[m], ref[m]) for m in est}}
    return {"reference": REFERENCE, "bootstrap_reps": boot.reps, "models": models,
            "scores": {n: model_scores(n, p) for n, p in preds.items()}}


def rotation_more(cfg: Config, softmax: LeNet, members: list[LeNet], images: np.ndarray) -> dict:
    """``Rotation.more``: every pass and member on the rotated digit (``images``: angles × 28 ×
    28), the mean, and how much the passes or members disagree at each angle."""
    preds = predictives(cfg, softmax, members, torch.from_numpy(images[:, None]))
    models = {}
    for name, pred in preds.items():
        top = pred.pred  # (angles,) the mean's class
        own = pred.passes[:, np.arange(len(top)), top]  # (passes, angles) p of that class
        models[name] = {"passes": pred.passes, "probs": pred.probs, "entropy": pred.entropy,
                        "mutual_information": pred.mutual_information,
                        "spread": own.std(0),
                        "disagreement": (pred.member_pred != top).mean(0)}
    return {"models": models}


def _auroc(h: np.ndarray, o: np.ndarray, i_in: np.ndarray, i_out: np.ndarray) -> Estimate:
    return Estimate(metrics.auroc(h, o), intervals.auroc_reps(h, o, i_in, i_out))


def ood_more(held: dict[str, Predictive], held_edl: ModelOutputs, out: dict[str, Predictive],
             out_edl: ModelOutputs, boot: intervals.Bootstrap, grid: np.ndarray) -> dict:
    """``OODSet.more`` of one unrelated set against the held-out digits: AUROC by entropy and by
    mutual information, paired with EDL by entropy and by u on the same resampled examples."""
    i_in, i_out = boot.indices(len(held_edl.probs)), boot.indices(len(out_edl.probs))
    ref = {"auroc_entropy": _auroc(metrics.entropy(held_edl.probs), metrics.entropy(out_edl.probs),
                                   i_in, i_out),
           "auroc_own": _auroc(held_edl.dirichlet.u, out_edl.dirichlet.u, i_in, i_out)}
    models = {}
    for name, o in out.items():
        h = held[name]
        est = {"auroc_entropy": _auroc(h.entropy, o.entropy, i_in, i_out),
               "auroc_own": _auroc(h.mutual_information, o.mutual_information, i_in, i_out)}
        models[name] = {
            "mean_entropy": float(o.entropy.mean()),
            "mean_mutual_information": float(o.mutual_information.mean()),
            "entropy_cdf": metrics.ecdf(o.entropy, grid),
            "auroc_entropy": est["auroc_entropy"].value,
            "auroc_entropy_ci": intervals.interval(est["auroc_entropy"].replicates),
            "own_score": REGISTRY[name].own_score,
            "auroc_own": est["auroc_own"].value,
            "auroc_own_ci": intervals.interval(est["auroc_own"].replicates),
            "compare": {k: vs_reference(est[k], ref[k]) for k in est}}
    return {"reference": REFERENCE, "models": models,
            "scores": {n: model_scores(n, p) for n, p in out.items()}}
