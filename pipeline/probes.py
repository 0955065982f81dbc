"""Probes: run the trained models on the chosen inputs and dump every scene_data file."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import torch

from contract import scene_data as contract
from contract.scene_data import MODELS

from . import attacks, datasets, edl, inside, intervals, metrics
from .config import Config
from .models import LeNet
from .selection import Selection, SelectionError, choose
from .train import Kind, outputs


def model_out(out: dict[str, np.ndarray], i: int) -> dict:
    """One row of :func:`pipeline.train.outputs` as a ``contract.ModelOut`` dict."""
    p = out["probs"][i]
    row = {"logits": out["logits"][i], "probs": p, "pred": int(p.argmax()),
           "entropy": float(metrics.entropy(p))}
    if "u" in out:
        row.update(evidence=out["evidence"][i], alpha=out["alpha"][i], S=float(out["S"][i]),
                   belief=out["belief"][i], u=float(out["u"][i]))
    return row


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


def scores(so: dict, eo: dict, labels: list) -> dict:
    """Per-example scores of both models (``contract.Scores``)."""
    row: dict = {"label": labels}
    for kind, out in (("softmax", so), ("edl", eo)):
        p = out["probs"]
        row.update({f"{kind}_pred": p.argmax(1), f"{kind}_max_prob": p.max(1),
                    f"{kind}_entropy": metrics.entropy(p)})
    row["edl_u"] = eo["u"]
    return row


def diff(a_reps: np.ndarray, b_reps: np.ndarray, a: float, b: float) -> dict:
    """A ``contract.Diff`` from the two models' values and their paired replicates."""
    return {"softmax": a, "edl": b, "diff": b - a, "softmax_ci": intervals.interval(a_reps),
            "edl_ci": intervals.interval(b_reps), "diff_ci": intervals.interval(b_reps - a_reps)}


def uncertainty(kind: str, out: dict) -> np.ndarray:
    """What each model rejects by: u for EDL, entropy / log 10 for softmax (both in [0, 1])."""
    return out["u"] if kind == "edl" else metrics.entropy(out["probs"]) / metrics.LOG_K


def heldout(cfg: Config, x: np.ndarray, y: np.ndarray, so: dict, eo: dict,
            boot: intervals.Bootstrap) -> dict:
    p = cfg.probe
    thresholds = np.linspace(0, 1, p.threshold_grid)
    idx = boot.indices(len(y))
    models, reps = {}, {}
    for kind, out in zip(MODELS, (so, eo)):
        probs = out["probs"]
        correct = probs.argmax(1) == y
        bins, ece = metrics.reliability(probs, y, p.reliability_bins)
        ent = metrics.entropy(probs)
        unc = uncertainty(kind, out)
        acc_t, kept_t = metrics.rejection_curve(unc, correct, thresholds)
        reps[kind] = {
            "accuracy": intervals.mean_reps(correct, idx),
            "ece": intervals.ece_reps(probs.max(1), correct, idx, p.reliability_bins),
            "rejection": intervals.kept_accuracy_reps(unc, correct, idx, p.rejection_share)}
        row = {"accuracy": float(correct.mean()),
               "accuracy_ci": intervals.interval(reps[kind]["accuracy"]), "n": len(y),
               "ece": ece, "ece_ci": intervals.interval(reps[kind]["ece"]), "reliability": bins,
               "mean_entropy": float(ent.mean()), "threshold": thresholds,
               "threshold_accuracy": acc_t, "threshold_kept": kept_t,
               "threshold_accuracy_ci": intervals.band(intervals.threshold_accuracy_reps(
                   unc, correct, idx, thresholds)),
               "rejection": intervals.kept_accuracy(unc, correct, p.rejection_share)}
        if kind == "edl":
            ev = out["evidence"].sum(1)
            sat = edl.saturated(torch.from_numpy(out["logits"]), cfg.train.evidence,
                                cfg.train.evidence_clamp)
            row.update(mean_u_correct=_mean(out["u"][correct]), mean_u_wrong=_mean(out["u"][~correct]),
                       mean_evidence_correct=_mean(ev[correct]),
                       mean_evidence_wrong=_mean(ev[~correct]),
                       saturated_share=float(sat.double().mean()))
        models[kind] = row
    compare = {m: diff(reps["softmax"][m], reps["edl"][m], models["softmax"][m], models["edl"][m])
               for m in ("accuracy", "ece", "rejection")}
    for row in models.values():
        del row["rejection"]
    wrong = np.flatnonzero(so["probs"].argmax(1) != y)
    wrong = wrong[np.argsort(-so["probs"][wrong].max(1), kind="stable")][:p.n_mistakes]
    mistakes = [{"heldout_index": int(i), "image": x[i, 0], "label": int(y[i]),
                 "softmax": model_out(so, i), "edl": model_out(eo, i)} for i in wrong]
    return {"models": models, "compare": {**compare, "rejection_share": p.rejection_share},
            "min_bin_count": p.min_bin_count, "bootstrap_reps": p.bootstrap_reps,
            "scores": scores(so, eo, [int(v) for v in y]), "mistakes": mistakes}


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


def ood_score(sc: dict, name: str) -> np.ndarray:
    """A ``scores()`` column as an OOD score, higher meaning more likely unrelated: entropy and
    u as they are, max probability as 1 - max probability."""
    return 1 - sc[name] if name.endswith("_max_prob") else sc[name]


#: The OOD scores compared: (name, softmax score, EDL score), each from ``scores()`` columns.
OOD_SCORES = (("auroc_entropy", "softmax_entropy", "edl_entropy"),
              ("auroc_u", "softmax_entropy", "edl_u"))


def ood_compare(held: dict, out: dict, boot: intervals.Bootstrap) -> dict:
    """``contract.OODCompare``: AUROC of held-out vs ``out`` for both models, paired bootstrap
    (held-out and unrelated examples resampled separately, the same draws for both models)."""
    i_in, i_out = boot.indices(len(held["label"])), boot.indices(len(out["label"]))
    res = {}
    for name, sm, ed in OOD_SCORES:
        a = intervals.auroc_reps(held[sm], out[sm], i_in, i_out)
        b = intervals.auroc_reps(held[ed], out[ed], i_in, i_out)
        res[name] = diff(a, b, metrics.auroc(held[sm], out[sm]), metrics.auroc(held[ed], out[ed]))
    return res


def unrelated(cfg: Config, models: dict[str, LeNet], so: dict, eo: dict,
              sets: tuple[list[tuple], list[str]], boot: intervals.Bootstrap) -> dict:
    """``sets``: what :func:`unrelated_sets` returns."""
    p = cfg.probe
    grid = np.linspace(0, metrics.LOG_K, p.entropy_grid)
    held_sc = scores(so, eo, [None] * len(so["probs"]))
    out_sets: list[dict] = []
    pooled: list[dict] = []
    sets, skipped = sets
    for key, source, x, names, labels in sets:
        outs = {k: outputs(models[k], k, torch.from_numpy(x), cfg.train) for k in MODELS}
        sc = scores(outs["softmax"], outs["edl"], labels)
        cmp = ood_compare(held_sc, sc, boot)
        stats = {}
        for k in MODELS:
            ent, mp = sc[f"{k}_entropy"], sc[f"{k}_max_prob"]
            s = {"mean_max_prob": float(mp.mean()), "mean_entropy": float(ent.mean()),
                 "entropy_cdf": metrics.ecdf(ent, grid),
                 "auroc_entropy": metrics.auroc(held_sc[f"{k}_entropy"], ent),
                 "auroc_entropy_ci": cmp["auroc_entropy"][f"{k}_ci"],
                 "auroc_max_prob": metrics.auroc(ood_score(held_sc, f"{k}_max_prob"),
                                                 ood_score(sc, f"{k}_max_prob")),
                 "confident_share": float((mp >= 0.9).mean())}
            if k == "edl":
                s["mean_u"] = float(sc["edl_u"].mean())
                s["auroc_u"] = metrics.auroc(held_sc["edl_u"], sc["edl_u"])
                s["auroc_u_ci"] = cmp["auroc_u"]["edl_ci"]
            stats[k] = s
        n_ex = len(x) if key == "user" else min(p.n_examples, len(x))
        examples = [{"name": names[i], "label": labels[i], "image": x[i, 0],
                     "softmax": model_out(outs["softmax"], i), "edl": model_out(outs["edl"], i)}
                    for i in range(n_ex)]
        counts = {str(c): labels.count(c) for c in sorted({c for c in labels if c is not None})}
        out_sets.append({"key": key, "source": source, "n": len(x), "class_counts": counts,
                         "examples": examples, "stats": stats, "compare": cmp, "scores": sc})
        if key != "user":
            pooled.append((key, sc))
    pool = {k: np.concatenate([sc[k] for _, sc in pooled]) for k in held_sc if k != "label"}
    pool["label"] = [None] * len(pool["edl_u"])
    combined = {name: metrics.auroc(ood_score(held_sc, name), ood_score(pool, name))
                for name in ("softmax_entropy", "softmax_max_prob", "edl_entropy",
                             "edl_max_prob", "edl_u")}
    return {"entropy_grid": grid,
            "heldout_cdf": {k: metrics.ecdf(held_sc[f"{k}_entropy"], grid) for k in MODELS},
            "sets": out_sets, "combined_auroc": combined,
            "pooled_sets": [k for k, _ in pooled], "pooled_compare": ood_compare(held_sc, pool, boot),
            "skipped": skipped}


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


def attribution(models: dict[str, LeNet], cfg: Config, image: np.ndarray, outs: dict) -> dict:
    """Grad-CAM and saliency of each model for its own prediction on one image."""
    res = {}
    for k in MODELS:
        target = int(np.argmax(outs[k]["probs"]))
        score = inside.score_fn(k, cfg.train)
        res[k] = {"target": target, "gradcam": inside.gradcam(models[k], image, target, score),
                  "saliency": inside.saliency(models[k], image, target, score)}
    return res


def inside_probe(cfg: Config, models: dict[str, LeNet], x: np.ndarray, y: np.ndarray,
                 so: dict, eo: dict, chosen: int, sets: list[tuple]) -> dict:
    """``contract.Inside``: attributions, activation maximization, feature space, confusion."""
    p, seed = cfg.probe, cfg.train.seed
    wrong = np.flatnonzero(so["probs"].argmax(1) != y)
    picks = [("chosen", f"held-out digit {chosen}", x[chosen, 0], int(y[chosen]))]
    if wrong.size:
        i = int(wrong[np.argmax(so["probs"][wrong].max(1))])
        picks.append(("mistake", f"held-out digit {i}", x[i, 0], int(y[i])))
    key, _, ux, names, _ = sets[0]
    picks.append(("unrelated", f"{key}: {names[0]}", ux[0, 0], None))
    inputs = []
    for role, name, img, label in picks:
        outs = {k: outputs(models[k], k, torch.from_numpy(img[None, None]), cfg.train) for k in MODELS}
        inputs.append({"role": role, "name": name, "label": label, "image": img,
                       **attribution(models, cfg, img, outs)})
    actmax = {}
    for k in MODELS:
        imgs, score = inside.maximize(models[k], inside.score_fn(k, cfg.train), p, seed)
        actmax[k] = {"images": imgs, "score": score}
    pts = [x[:p.embed_heldout]] + [s[2][:p.embed_unrelated] for s in sets if s[0] != "user"]
    group = ["heldout"] * len(pts[0]) + [s[0] for s in sets if s[0] != "user"
                                         for _ in range(min(p.embed_unrelated, len(s[2])))]
    label = [int(v) for v in y[:p.embed_heldout]] + [s[4][i] for s in sets if s[0] != "user"
                                                      for i in range(min(p.embed_unrelated, len(s[2])))]
    xs = np.concatenate(pts)
    emb = {k: inside.embed(inside.features(models[k], xs), seed, p.tsne_perplexity) for k in MODELS}
    conf = {k: inside.confusion(y, out["probs"].argmax(1)) for k, out in (("softmax", so), ("edl", eo))}
    return {"score": {"softmax": "logit", "edl": f"evidence ({cfg.train.evidence})"},
            "inputs": inputs, "activation_max": actmax,
            "actmax_method": (f"Adam lr {p.actmax_lr}, {p.actmax_steps} steps, random jitter of "
                              f"up to 2 px, 3x3 blur every 10 steps, total variation x {p.actmax_tv}, "
                              "pixels clamped to [0, 1]"),
            "embedding": {"group": group, "label": label, "models": emb},
            "confusion": conf, "most_confused": {k: list(inside.most_confused(c)) for k, c in conf.items()}}


def attack(cfg: Config, models: dict[str, LeNet], x: torch.Tensor, y: torch.Tensor,
           method: str, idx: np.ndarray) -> dict:
    """``contract.Attack``: both models under FGSM or PGD through cross-entropy, per eps."""
    p = cfg.probe
    res: dict = {"accuracy": {k: [] for k in MODELS}, "mean_entropy": {k: [] for k in MODELS},
                 "zero_grad_share": {k: [] for k in MODELS}, "edl_mean_u": [], "compare": []}
    for eps in p.fgsm_eps:
        correct = {}
        for k in MODELS:
            if method == "fgsm":
                adv, zero = attacks.fgsm(models[k], x, y, eps)
            else:
                adv, zero = attacks.pgd(models[k], x, y, eps, p.pgd_steps,
                                        eps * p.pgd_step_fraction, cfg.train.seed)
            o = outputs(models[k], k, adv, cfg.train)
            correct[k] = o["probs"].argmax(1) == y.numpy()
            res["accuracy"][k].append(float(correct[k].mean()))
            res["mean_entropy"][k].append(float(metrics.entropy(o["probs"]).mean()))
            res["zero_grad_share"][k].append(zero)
            if k == "edl":
                res["edl_mean_u"].append(float(o["u"].mean()))
        res["compare"].append(diff(intervals.mean_reps(correct["softmax"], idx),
                                   intervals.mean_reps(correct["edl"], idx),
                                   res["accuracy"]["softmax"][-1], res["accuracy"]["edl"][-1]))
    return res


def own_loss_fgsm(cfg: Config, models: dict[str, LeNet], x: torch.Tensor, y: torch.Tensor
                  ) -> dict:
    """FGSM through each model's own loss (the masked attack), for comparison only."""
    t = cfg.train
    losses = {"softmax": attacks.cross_entropy,
              "edl": attacks.edl_own_loss(t.evidence, t.evidence_clamp, t.edl_loss)}
    res: dict = {"accuracy": {k: [] for k in MODELS}, "zero_grad_share": {k: [] for k in MODELS}}
    for eps in cfg.probe.fgsm_eps:
        for k in MODELS:
            adv, zero = attacks.fgsm(models[k], x, y, eps, losses[k])
            res["accuracy"][k].append(float(attacks.correct_after(models[k], adv, y).mean()))
            res["zero_grad_share"][k].append(zero)
    return res


def adversarial(cfg: Config, models: dict[str, LeNet], x: np.ndarray, y: np.ndarray,
                example: int, boot: intervals.Bootstrap) -> dict:
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    idx = boot.indices(len(y))
    p = cfg.probe
    examples = [attacks.fgsm(models["softmax"], xt[example:example + 1], yt[example:example + 1],
                             eps)[0][0, 0].numpy() for eps in p.fgsm_eps]
    return {"eps": list(p.fgsm_eps), "loss": "cross-entropy on the logits, in float64",
            "pgd_steps": p.pgd_steps, "pgd_step_fraction": p.pgd_step_fraction,
            "fgsm": attack(cfg, models, xt, yt, "fgsm", idx),
            "pgd": attack(cfg, models, xt, yt, "pgd", idx),
            "own_loss_fgsm": own_loss_fgsm(cfg, models, xt, yt),
            "example_index": example, "example_images": examples}
