"""Probes: run the trained models on the chosen inputs and dump every scene_data file."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import numpy as np
import torch
import torch.nn.functional as F

from . import contract, datasets, edl, metrics
from .config import Config
from .models import LeNet
from .train import Kind, outputs

KINDS: tuple[Kind, Kind] = ("softmax", "edl")


@dataclass(frozen=True)
class Selection:
    """What the lecture asks the pipeline to probe (see scenes/lectures/default.yaml)."""
    index: Optional[int] = None
    digit: int = 7
    rule: str = "both_correct"
    nth: int = 0
    rotation_digit: int = 1
    rotation_nth: int = 0
    images: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, d: dict) -> "Selection":
        return cls(index=d["sample"].get("index"), digit=d["sample"]["digit"],
                   rule=d["sample"]["rule"], nth=d["sample"]["nth"],
                   rotation_digit=d["rotation"]["digit"], rotation_nth=d["rotation"]["nth"],
                   images=tuple(i["path"] for i in d.get("images", [])))


class SelectionError(ValueError):
    """The lecture asks for a digit the held-out set does not have."""


def model_out(out: dict[str, np.ndarray], i: int) -> dict:
    """One row of :func:`pipeline.train.outputs` as a ``contract.ModelOut`` dict."""
    p = out["probs"][i]
    row = {"logits": out["logits"][i], "probs": p, "pred": int(p.argmax()),
           "entropy": float(metrics.entropy(p))}
    if "u" in out:
        row.update(evidence=out["evidence"][i], alpha=out["alpha"][i], S=float(out["S"][i]),
                   belief=out["belief"][i], u=float(out["u"][i]))
    return row


def choose(rule: str, digit: int, nth: int, labels: np.ndarray, so: dict, eo: dict,
           key: str = "sample") -> int:
    """The nth held-out image of ``digit`` satisfying ``rule``; ``key`` names the lecture YAML
    block in errors."""
    sp, ep = so["probs"].argmax(1), eo["probs"].argmax(1)
    ok = labels == digit
    if rule == "both_correct":
        ok &= (sp == labels) & (ep == labels)
    elif rule == "softmax_wrong":
        ok &= sp != labels
    elif rule != "any":
        raise SelectionError(f"unknown rule {rule!r}")
    found = np.flatnonzero(ok)
    if nth >= len(found):
        raise SelectionError(f"{key}.nth: {nth} is out of range: the held-out set has only "
                             f"{len(found)} image(s) of digit {digit} matching rule {rule!r} "
                             f"(nth counts from 0)")
    return int(found[nth])


def worked_example(trace: dict[str, torch.Tensor], model: LeNet) -> dict:
    """Pick the conv1 kernel with the strongest mean response and its strongest position."""
    relu1 = trace["relu1"][0]
    k = int(relu1.mean((1, 2)).argmax())
    pre = trace["conv1"][0, k]
    r, c = divmod(int(pre.argmax()), pre.shape[1])
    patch = trace["input"][0, 0, r:r + 5, c:c + 5]
    w = model.conv1.weight[k, 0].detach()
    b = float(model.conv1.bias.detach()[k])
    return {"kernel": k, "row": r, "col": c, "patch": patch.numpy(), "weights": w.numpy(),
            "bias": b, "value": float(pre[r, c])}


def forward_pass(models: dict[str, LeNet], cfg: Config, x: np.ndarray, y: np.ndarray, so: dict,
                 eo: dict, sel: Selection) -> dict:
    if sel.index is not None:
        if not 0 <= sel.index < len(x):
            raise SelectionError(f"sample.index: {sel.index} is out of range: the held-out set has "
                                 f"{len(x)} digits (0..{len(x) - 1})")
        idx = sel.index
    else:
        idx = choose(sel.rule, sel.digit, sel.nth, y, so, eo)
    how = contract.selection_label(sel.index, sel.digit, sel.rule, sel.nth)
    m = models["softmax"]
    tr = m.trace(torch.from_numpy(x[idx:idx + 1]))
    d = {k: v[0].numpy() for k, v in tr.items() if k not in ("input", "flatten", "logits")}
    return {
        "heldout_index": idx, "selection": how, "label": int(y[idx]), "image": x[idx, 0],
        "conv1_weight": m.conv1.weight.detach()[:, 0].numpy(),
        "conv1_bias": m.conv1.bias.detach().numpy(), **d,
        "worked": worked_example(tr, m),
        "softmax": model_out(so, idx), "edl": model_out(eo, idx),
    }


def heldout(cfg: Config, x: np.ndarray, y: np.ndarray, so: dict, eo: dict) -> dict:
    p = cfg.probe
    thresholds = np.linspace(0, 1, p.threshold_grid)
    models = {}
    for kind, out in zip(KINDS, (so, eo)):
        probs = out["probs"]
        correct = probs.argmax(1) == y
        bins, ece = metrics.reliability(probs, y, p.reliability_bins)
        ent = metrics.entropy(probs)
        unc = out["u"] if kind == "edl" else ent / metrics.LOG_K
        acc_t, kept_t = metrics.rejection_curve(unc, correct, thresholds)
        row = {"accuracy": float(correct.mean()), "n": len(y), "ece": ece, "reliability": bins,
               "mean_entropy": float(ent.mean()), "threshold": thresholds,
               "threshold_accuracy": acc_t, "threshold_kept": kept_t}
        if kind == "edl":
            ev = out["evidence"].sum(1)
            row.update(mean_u_correct=_mean(out["u"][correct]), mean_u_wrong=_mean(out["u"][~correct]),
                       mean_evidence_correct=_mean(ev[correct]),
                       mean_evidence_wrong=_mean(ev[~correct]))
        models[kind] = row
    wrong = np.flatnonzero(so["probs"].argmax(1) != y)
    wrong = wrong[np.argsort(-so["probs"][wrong].max(1), kind="stable")][:p.n_mistakes]
    mistakes = [{"heldout_index": int(i), "image": x[i, 0], "label": int(y[i]),
                 "softmax": model_out(so, i), "edl": model_out(eo, i)} for i in wrong]
    return {"models": models, "mistakes": mistakes}


def _mean(v: np.ndarray) -> Optional[float]:
    return float(v.mean()) if len(v) else None


def unrelated_sets(cfg: Config, sel: Selection) -> tuple[list[tuple], list[str]]:
    """(key, source, images (N,1,28,28), names, labels) per unrelated set, and the sets skipped.
    ``labels`` are class indices within the set (letter 0-9 for A-J, Fashion-MNIST class 0-9),
    None for noise and user images."""
    p, seed = cfg.probe, cfg.train.seed
    sets, skipped = [], []
    imgs, lab = datasets.make_letters(p.n_letters, seed)
    sets.append(("letters", "letters A-J drawn with system fonts", imgs,
                 [datasets.LETTERS[i] for i in lab], [int(i) for i in lab]))
    try:
        fx, fy, src = datasets.load_fashion(p.n_fashion, seed)
        sets.append(("fashion", src, fx, [datasets.FASHION_CLASSES[i] for i in fy],
                     [int(i) for i in fy]))
    except datasets.DatasetError as exc:
        skipped.append(f"fashion: {exc}")
    sets.append(("noise", "uniform noise in [0, 1]", datasets.make_noise(p.n_noise, seed),
                 ["noise"] * p.n_noise, [None] * p.n_noise))
    if sel.images:
        ux = np.stack([datasets.load_user_image(f) for f in sel.images])[:, None]
        sets.append(("user", "image files listed in the lecture", ux,
                     [Path(f).name for f in sel.images], [None] * len(sel.images)))
    return sets, skipped


def unrelated(cfg: Config, models: dict[str, LeNet], so: dict, eo: dict, sel: Selection) -> dict:
    p = cfg.probe
    grid = np.linspace(0, metrics.LOG_K, p.entropy_grid)
    held = {"softmax": so, "edl": eo}
    held_ent = {k: metrics.entropy(v["probs"]) for k, v in held.items()}
    sets, skipped = unrelated_sets(cfg, sel)
    out_sets: list[dict] = []
    all_scores: dict[str, list[np.ndarray]] = {k: [] for k in (
        "softmax_entropy", "softmax_max_prob", "edl_entropy", "edl_max_prob", "edl_u")}
    for key, source, x, names, labels in sets:
        outs = {k: outputs(models[k], k, torch.from_numpy(x), cfg.train) for k in KINDS}
        stats = {}
        for k in KINDS:
            probs = outs[k]["probs"]
            ent = metrics.entropy(probs)
            mp = probs.max(1)
            s = {"mean_max_prob": float(mp.mean()), "mean_entropy": float(ent.mean()),
                 "entropy_cdf": metrics.ecdf(ent, grid),
                 "auroc_entropy": metrics.auroc(held_ent[k], ent),
                 "auroc_max_prob": metrics.auroc(1 - held[k]["probs"].max(1), 1 - mp),
                 "confident_share": float((mp >= 0.9).mean())}
            all_scores[f"{k}_entropy"].append(ent)
            all_scores[f"{k}_max_prob"].append(1 - mp)
            if k == "edl":
                s["mean_u"] = float(outs[k]["u"].mean())
                s["auroc_u"] = metrics.auroc(held["edl"]["u"], outs[k]["u"])
                all_scores["edl_u"].append(outs[k]["u"])
            stats[k] = s
        n_ex = len(x) if key == "user" else min(p.n_examples, len(x))
        examples = [{"name": names[i], "label": labels[i], "image": x[i, 0],
                     "softmax": model_out(outs["softmax"], i), "edl": model_out(outs["edl"], i)}
                    for i in range(n_ex)]
        out_sets.append({"key": key, "source": source, "n": len(x), "examples": examples,
                         "stats": stats})
    held_scores = {"softmax_entropy": held_ent["softmax"], "edl_entropy": held_ent["edl"],
                   "softmax_max_prob": 1 - so["probs"].max(1), "edl_u": eo["u"],
                   "edl_max_prob": 1 - eo["probs"].max(1)}
    combined = {k: metrics.auroc(held_scores[k], np.concatenate(v)) for k, v in all_scores.items()}
    return {"entropy_grid": grid,
            "heldout_cdf": {k: metrics.ecdf(held_ent[k], grid) for k in KINDS},
            "sets": out_sets, "combined_auroc": combined, "skipped": skipped}


def rotation(cfg: Config, models: dict[str, LeNet], x: np.ndarray, y: np.ndarray, so: dict,
             eo: dict, sel: Selection) -> dict:
    idx = choose("both_correct", sel.rotation_digit, sel.rotation_nth, y, so, eo, key="rotation")
    angles = np.arange(0, cfg.probe.rotation_max + 1, cfg.probe.rotation_step, dtype=float)
    imgs = np.stack([datasets.rotate(x[idx, 0], a) for a in angles])
    t = torch.from_numpy(imgs[:, None])
    s = outputs(models["softmax"], "softmax", t, cfg.train)
    e = outputs(models["edl"], "edl", t, cfg.train)
    return {"digit": sel.rotation_digit, "heldout_index": idx, "angles": angles, "images": imgs,
            "softmax_probs": s["probs"], "edl_probs": e["probs"], "edl_u": e["u"],
            "edl_evidence": e["evidence"].sum(1)}


def _fgsm_batch(model: LeNet, kind: Kind, cfg: Config, x: torch.Tensor, y: torch.Tensor,
                eps: float) -> torch.Tensor:
    """x + eps * sign(grad_x loss), clipped to [0, 1]; each model attacked through its own loss
    (cross-entropy, or the EDL loss with the KL term fully on)."""
    if eps == 0:
        return x
    x = x.clone().requires_grad_(True)
    z = model(x)
    if kind == "softmax":
        loss = F.cross_entropy(z, y)
    else:
        alpha = edl.evidence_fn(cfg.train.evidence, cfg.train.evidence_clamp)(z) + 1
        loss, _, _ = edl.edl_loss(alpha, F.one_hot(y, 10).float(), 1.0, cfg.train.edl_loss)
    (grad,) = torch.autograd.grad(loss, x)
    return (x + eps * grad.sign()).clamp(0, 1).detach()


def fgsm(cfg: Config, models: dict[str, LeNet], x: np.ndarray, y: np.ndarray, example: int) -> dict:
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    res = {"accuracy": {k: [] for k in KINDS}, "mean_entropy": {k: [] for k in KINDS}}
    u, ex_imgs = [], []
    for eps in cfg.probe.fgsm_eps:
        for k in KINDS:
            models[k].eval()
            adv = _fgsm_batch(models[k], k, cfg, xt, yt, eps)
            o = outputs(models[k], k, adv, cfg.train)
            res["accuracy"][k].append(float((o["probs"].argmax(1) == y).mean()))
            res["mean_entropy"][k].append(float(metrics.entropy(o["probs"]).mean()))
            if k == "edl":
                u.append(float(o["u"].mean()))
            else:
                ex_imgs.append(adv[example, 0].numpy())
    return {"eps": list(cfg.probe.fgsm_eps), **res, "edl_mean_u": u, "example_index": example,
            "example_images": ex_imgs}
