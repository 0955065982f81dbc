"""Probes: run the trained models on the chosen inputs and compute every scene_data record.

Each probe returns a typed result of :mod:`pipeline.results`; :func:`pipeline.run.probe` writes
them. Both models' outputs on the held-out digits are computed once and passed in as ``outs``:

    outs = model_outputs(models, torch.from_numpy(x), cfg)      # {"softmax": ..., "edl": ...}
    fp = forward_pass(models, x, y, outs, Selection(digit=7))
    fp.heldout_index, fp.edl.dirichlet.u
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import numpy as np
import torch

from contract import scene_data as contract
from contract.scene_data import MODELS, Kind

from . import attacks, datasets, edl, inside, intervals, metrics
from .config import Config, ProbeConfig
from .models import LeNet
from .results import (ActMax, Attack, Attacks, Attribution, Diff, Embedding, Estimate,
                      ForwardPass, Heldout, HeldoutCompare, HeldoutEDL, Inside, InsideInput,
                      Mistake, ModelHeldout, ModelOODStats, ModelOut, ModelOutputs, OODCompare,
                      OODExample, OODSet, OODStatsEDL, OwnLossAttack, Rotation, Scores,
                      Unrelated, UnrelatedInputs, UnrelatedSet, WorkedConv)
from .selection import Selection, rotation_index, sample_index
from .train import outputs

Models = dict[Kind, LeNet]
Outputs = dict[Kind, ModelOutputs]

#: the stages of the softmax model's trace that forward_pass.json keeps
FEATURE_MAPS = ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1")


def model_outputs(models: Models, x: torch.Tensor, cfg: Config) -> Outputs:
    """Both models' :func:`pipeline.train.outputs` for the images ``x``."""
    return {k: outputs(models[k], k, x, cfg.train) for k in MODELS}


def model_out(out: ModelOutputs, i: int) -> ModelOut:
    """Image ``i`` of a model's outputs as one ``contract.ModelOut`` record."""
    p = out.probs[i]
    return ModelOut(logits=out.logits[i], probs=p, pred=int(p.argmax()),
                    entropy=float(metrics.entropy(p)),
                    dirichlet=out.dirichlet.row(i) if out.dirichlet is not None else None)


def both_out(outs: Outputs, i: int) -> dict[Kind, ModelOut]:
    """Image ``i`` as both models' records, to fill the ``softmax`` and ``edl`` fields."""
    return {k: model_out(outs[k], i) for k in MODELS}


# -- forward_pass.json ----------------------------------------------------------------------------
def worked_example(trace: dict[str, torch.Tensor], model: LeNet) -> WorkedConv:
    """Pick the conv1 kernel with the strongest mean response and its strongest position."""
    relu1 = trace["relu1"][0]
    k = int(relu1.mean((1, 2)).argmax())
    pre = trace["conv1"][0, k]
    r, c = divmod(int(pre.argmax()), pre.shape[1])
    patch = trace["input"][0, 0, r:r + 5, c:c + 5]
    w = model.conv1.weight[k, 0].detach()
    b = float(model.conv1.bias.detach()[k])
    return WorkedConv(kernel=k, row=r, col=c, patch=patch.numpy(), weights=w.numpy(), bias=b,
                      value=float(pre[r, c]))


def forward_pass(models: Models, x: np.ndarray, y: np.ndarray, outs: Outputs,
                 sel: Selection) -> ForwardPass:
    """The chosen held-out digit through every layer of the softmax model, and both models'
    outputs on it."""
    idx = sample_index(sel, y, outs)
    how = contract.selection_label(sel.index, sel.digit, sel.rule, sel.nth)
    m = models["softmax"]
    tr = m.trace(torch.from_numpy(x[idx:idx + 1]))
    return ForwardPass(
        heldout_index=idx, selection=how, label=int(y[idx]), image=x[idx, 0],
        conv1_weight=m.conv1.weight.detach()[:, 0].numpy(),
        conv1_bias=m.conv1.bias.detach().numpy(), **{k: tr[k][0].numpy() for k in FEATURE_MAPS},
        worked=worked_example(tr, m), **both_out(outs, idx))


# -- what several files share: per-example scores and paired differences --------------------------
def scores(outs: Outputs, labels: list[Optional[int]]) -> Scores:
    """Per-example scores of both models."""
    s, e = outs["softmax"], outs["edl"]
    return Scores(label=labels,
                  softmax_pred=s.pred, softmax_max_prob=s.max_prob,
                  softmax_entropy=metrics.entropy(s.probs),
                  edl_pred=e.pred, edl_max_prob=e.max_prob, edl_entropy=metrics.entropy(e.probs),
                  edl_u=e.dirichlet.u)


def diff(softmax: Estimate, edl: Estimate) -> Diff:
    """Both models' values of a metric and EDL minus softmax, from their paired replicates."""
    return Diff(softmax=softmax.value, edl=edl.value, diff=edl.value - softmax.value,
                softmax_ci=intervals.interval(softmax.replicates),
                edl_ci=intervals.interval(edl.replicates),
                diff_ci=intervals.interval(edl.replicates - softmax.replicates))


def uncertainty(out: ModelOutputs) -> np.ndarray:
    """What each model rejects by: u for EDL, entropy / log 10 for softmax (both in [0, 1])."""
    if out.dirichlet is not None:
        return out.dirichlet.u
    return metrics.entropy(out.probs) / metrics.LOG_K


# -- heldout.json ---------------------------------------------------------------------------------
def heldout_model(cfg: Config, out: ModelOutputs, y: np.ndarray, idx: np.ndarray
                  ) -> tuple[ModelHeldout, dict[str, Estimate]]:
    """One model on the held-out digits, and its accuracy, ECE and rejection accuracy with their
    replicates on the resampled positions ``idx`` (for the paired comparison)."""
    p = cfg.probe
    thresholds = np.linspace(0, 1, p.threshold_grid)
    correct = out.pred == y
    bins, ece = metrics.reliability(out.probs, y, p.reliability_bins)
    unc = uncertainty(out)
    acc_t, kept_t = metrics.rejection_curve(unc, correct, thresholds)
    estimates = {
        "accuracy": Estimate(float(correct.mean()), intervals.mean_reps(correct, idx)),
        "ece": Estimate(ece, intervals.ece_reps(out.max_prob, correct, idx, p.reliability_bins)),
        "rejection": Estimate(intervals.kept_accuracy(unc, correct, p.rejection_share),
                              intervals.kept_accuracy_reps(unc, correct, idx, p.rejection_share))}
    row = ModelHeldout(
        accuracy=estimates["accuracy"].value,
        accuracy_ci=intervals.interval(estimates["accuracy"].replicates), n=len(y),
        ece=ece, ece_ci=intervals.interval(estimates["ece"].replicates), reliability=bins,
        mean_entropy=float(metrics.entropy(out.probs).mean()), threshold=thresholds,
        threshold_accuracy=acc_t, threshold_kept=kept_t,
        threshold_accuracy_ci=intervals.band(intervals.threshold_accuracy_reps(
            unc, correct, idx, thresholds)),
        edl=heldout_edl(cfg, out, correct) if out.dirichlet is not None else None)
    return row, estimates


def heldout_edl(cfg: Config, out: ModelOutputs, correct: np.ndarray) -> HeldoutEDL:
    """EDL's uncertainty and evidence on the digits it gets right and wrong, and the share whose
    evidence sits where the evidence function is flat."""
    u, ev = out.dirichlet.u, out.dirichlet.evidence.sum(1)
    sat = edl.saturated(torch.from_numpy(out.logits), cfg.train.evidence, cfg.train.evidence_clamp)
    return HeldoutEDL(mean_u_correct=metrics.mean_or(u[correct]),
                      mean_u_wrong=metrics.mean_or(u[~correct]),
                      mean_evidence_correct=metrics.mean_or(ev[correct]),
                      mean_evidence_wrong=metrics.mean_or(ev[~correct]),
                      saturated_share=float(sat.double().mean()))


def confident_mistakes(out: ModelOutputs, y: np.ndarray) -> np.ndarray:
    """The positions of a model's wrong predictions, most confident first (ties in order)."""
    wrong = np.flatnonzero(out.pred != y)
    return wrong[np.argsort(-out.max_prob[wrong], kind="stable")]


def heldout(cfg: Config, x: np.ndarray, y: np.ndarray, outs: Outputs,
            boot: intervals.Bootstrap) -> Heldout:
    """Both models on the held-out digits, compared on the same resampled digits, and the
    softmax model's most confident mistakes."""
    p = cfg.probe
    idx = boot.indices(len(y))
    models, estimates = {}, {}
    for kind in MODELS:
        models[kind], estimates[kind] = heldout_model(cfg, outs[kind], y, idx)
    compare = {m: diff(estimates["softmax"][m], estimates["edl"][m])
               for m in ("accuracy", "ece", "rejection")}
    mistakes = [Mistake(heldout_index=int(i), image=x[i, 0], label=int(y[i]), **both_out(outs, i))
                for i in confident_mistakes(outs["softmax"], y)[:p.n_mistakes]]
    return Heldout(models=models,
                   compare=HeldoutCompare(**compare, rejection_share=p.rejection_share),
                   min_bin_count=p.min_bin_count, bootstrap_reps=p.bootstrap_reps,
                   scores=scores(outs, [int(v) for v in y]), mistakes=mistakes)


# -- unrelated.json -------------------------------------------------------------------------------
def unrelated_sets(cfg: Config, sel: Selection) -> UnrelatedInputs:
    """The unrelated sets: letters, Fashion-MNIST (skipped, with the reason, where it cannot be
    had), noise, and the lecture's image files."""
    p, seed = cfg.probe, cfg.train.seed
    sets, skipped = [], []
    imgs, lab = datasets.make_letters(p.n_letters, seed)
    sets.append(UnrelatedSet("letters", "letters A-J drawn with system fonts", imgs,
                             [datasets.LETTERS[i] for i in lab], [int(i) for i in lab]))
    try:
        fx, fy, src = datasets.load_fashion(p.n_fashion, seed)
        sets.append(UnrelatedSet("fashion", src, fx, [datasets.FASHION_CLASSES[i] for i in fy],
                                 [int(i) for i in fy]))
    except datasets.DatasetError as exc:
        skipped.append(f"fashion: {exc}")
    sets.append(UnrelatedSet("noise", "uniform noise in [0, 1]",
                             datasets.make_noise(p.n_noise, seed), ["noise"] * p.n_noise,
                             [None] * p.n_noise))
    if sel.images:
        ux = np.stack([datasets.load_user_image(f) for f in sel.images])[:, None]
        sets.append(UnrelatedSet("user", "image files listed in the lecture", ux,
                                 [Path(f).name for f in sel.images], [None] * len(sel.images)))
    return UnrelatedInputs(sets=sets, skipped=skipped)


#: The OOD scores compared: (name, softmax score, EDL score), each a :class:`Scores` column.
OOD_SCORES = (("auroc_entropy", "softmax_entropy", "edl_entropy"),
              ("auroc_u", "softmax_entropy", "edl_u"))

#: The :class:`Scores` columns of ``Unrelated.combined_auroc``.
COMBINED_SCORES = ("softmax_entropy", "softmax_max_prob", "edl_entropy", "edl_max_prob", "edl_u")


def ood_compare(held: Scores, out: Scores, boot: intervals.Bootstrap) -> OODCompare:
    """AUROC of held-out vs ``out`` for both models, paired bootstrap (held-out and unrelated
    examples resampled separately, the same draws for both models)."""
    i_in, i_out = boot.indices(len(held)), boot.indices(len(out))

    def auroc(name: str) -> Estimate:
        h, o = getattr(held, name), getattr(out, name)
        return Estimate(metrics.auroc(h, o), intervals.auroc_reps(h, o, i_in, i_out))

    return OODCompare(**{name: diff(auroc(sm), auroc(ed)) for name, sm, ed in OOD_SCORES})


def ood_stats(kind: Kind, held: Scores, sc: Scores, cmp: OODCompare, grid: np.ndarray
              ) -> ModelOODStats:
    """One model on one unrelated set, against the held-out digits."""
    ent, mp = getattr(sc, f"{kind}_entropy"), getattr(sc, f"{kind}_max_prob")
    extras = None
    if kind == "edl":
        extras = OODStatsEDL(mean_u=float(sc.edl_u.mean()),
                             auroc_u=metrics.auroc(held.edl_u, sc.edl_u),
                             auroc_u_ci=cmp.auroc_u.edl_ci)
    return ModelOODStats(
        mean_max_prob=float(mp.mean()), mean_entropy=float(ent.mean()),
        entropy_cdf=metrics.ecdf(ent, grid),
        auroc_entropy=metrics.auroc(getattr(held, f"{kind}_entropy"), ent),
        auroc_entropy_ci=getattr(cmp.auroc_entropy, f"{kind}_ci"),
        auroc_max_prob=metrics.auroc(held.ood_score(f"{kind}_max_prob"),
                                     sc.ood_score(f"{kind}_max_prob")),
        confident_share=float((mp >= 0.9).mean()), edl=extras)


def ood_set(cfg: Config, models: Models, s: UnrelatedSet, held: Scores,
            boot: intervals.Bootstrap, grid: np.ndarray) -> OODSet:
    """Both models on one unrelated set: statistics, comparison, examples and scores."""
    outs = model_outputs(models, torch.from_numpy(s.images), cfg)
    sc = scores(outs, s.labels)
    cmp = ood_compare(held, sc, boot)
    n_ex = len(s.images) if s.key == "user" else min(cfg.probe.n_examples, len(s.images))
    examples = [OODExample(name=s.names[i], label=s.labels[i], image=s.images[i, 0],
                           **both_out(outs, i)) for i in range(n_ex)]
    counts = {str(c): s.labels.count(c) for c in sorted({c for c in s.labels if c is not None})}
    return OODSet(key=s.key, source=s.source, n=len(s.images), class_counts=counts,
                  examples=examples, stats={k: ood_stats(k, held, sc, cmp, grid) for k in MODELS},
                  compare=cmp, scores=sc)


def unrelated(cfg: Config, models: Models, outs: Outputs, inputs: UnrelatedInputs,
              boot: intervals.Bootstrap) -> Unrelated:
    """Every unrelated set against the held-out digits (``outs``), then the pooled sets."""
    grid = np.linspace(0, metrics.LOG_K, cfg.probe.entropy_grid)
    held = scores(outs, [None] * len(outs["softmax"].probs))
    sets = [ood_set(cfg, models, s, held, boot, grid) for s in inputs.sets]
    pooled = [res for s, res in zip(inputs.sets, sets) if s.pooled]
    pool = Scores.pooled([s.scores for s in pooled])
    return Unrelated(
        entropy_grid=grid,
        heldout_cdf={k: metrics.ecdf(getattr(held, f"{k}_entropy"), grid) for k in MODELS},
        sets=sets,
        combined_auroc={name: metrics.auroc(held.ood_score(name), pool.ood_score(name))
                        for name in COMBINED_SCORES},
        pooled_sets=[s.key for s in pooled], pooled_compare=ood_compare(held, pool, boot),
        skipped=inputs.skipped)


# -- rotation.json --------------------------------------------------------------------------------
def rotation_angles(p: ProbeConfig) -> np.ndarray:
    """The rotation sweep's angles: 0 to rotation_max degrees, both ends included, by
    rotation_step (the learning platform sweeps a drawing over the same angles)."""
    return np.arange(0, p.rotation_max + 1, p.rotation_step, dtype=float)


def rotation(cfg: Config, models: Models, x: np.ndarray, y: np.ndarray, outs: Outputs,
             sel: Selection) -> Rotation:
    """Both models on the chosen digit rotated from 0 to rotation_max degrees."""
    idx = rotation_index(sel, y, outs)
    angles = rotation_angles(cfg.probe)
    imgs = np.stack([datasets.rotate(x[idx, 0], a) for a in angles])
    rot = model_outputs(models, torch.from_numpy(imgs[:, None]), cfg)
    e = rot["edl"].dirichlet
    return Rotation(digit=sel.rotation_digit, heldout_index=idx, angles=angles, images=imgs,
                    softmax_probs=rot["softmax"].probs, edl_probs=rot["edl"].probs, edl_u=e.u,
                    edl_evidence=e.evidence.sum(1))


# -- inside.json ----------------------------------------------------------------------------------
def attribution(model: LeNet, kind: Kind, cfg: Config, image: np.ndarray, out: ModelOutputs
                ) -> Attribution:
    """Grad-CAM and saliency of one model for its own prediction on one image."""
    target = int(np.argmax(out.probs))
    score = inside.score_fn(kind, cfg.train)
    return Attribution(target=target, gradcam=inside.gradcam(model, image, target, score),
                       saliency=inside.saliency(model, image, target, score))


def inside_input(cfg: Config, models: Models, role: str, name: str, image: np.ndarray,
                 label: Optional[int]) -> InsideInput:
    """Where both models look on one image."""
    outs = model_outputs(models, torch.from_numpy(image[None, None]), cfg)
    return InsideInput(role=role, name=name, label=label, image=image,
                       **{k: attribution(models[k], k, cfg, image, outs[k]) for k in MODELS})


def embedding(cfg: Config, models: Models, x: np.ndarray, y: np.ndarray,
              sets: list[UnrelatedSet]) -> Embedding:
    """The first held-out digits and the first images of each pooled unrelated set in both
    models' feature space."""
    p, seed = cfg.probe, cfg.train.seed
    held = x[:p.embed_heldout]
    pts, group, label = [held], ["heldout"] * len(held), [int(v) for v in y[:p.embed_heldout]]
    for s in sets:
        if s.pooled:
            n = min(p.embed_unrelated, len(s.images))
            pts.append(s.images[:n])
            group += [s.key] * n
            label += s.labels[:n]
    xs = np.concatenate(pts)
    return Embedding(group=group, label=label, models={
        k: inside.embed(inside.features(models[k], xs), seed, p.tsne_perplexity) for k in MODELS})


def inside_probe(cfg: Config, models: Models, x: np.ndarray, y: np.ndarray, outs: Outputs,
                 chosen: int, sets: list[UnrelatedSet]) -> Inside:
    """Attributions, activation maximization, feature space, confusion."""
    p, seed = cfg.probe, cfg.train.seed
    wrong = confident_mistakes(outs["softmax"], y)
    inputs = [inside_input(cfg, models, "chosen", f"held-out digit {chosen}", x[chosen, 0],
                           int(y[chosen]))]
    if wrong.size:
        i = int(wrong[0])
        inputs.append(inside_input(cfg, models, "mistake", f"held-out digit {i}", x[i, 0],
                                   int(y[i])))
    first = sets[0]
    inputs.append(inside_input(cfg, models, "unrelated", f"{first.key}: {first.names[0]}",
                               first.images[0, 0], None))
    actmax = {}
    for k in MODELS:
        imgs, score = inside.maximize(models[k], inside.score_fn(k, cfg.train), p, seed)
        actmax[k] = ActMax(images=imgs, score=score)
    emb = embedding(cfg, models, x, y, sets)
    conf = {k: inside.confusion(y, outs[k].pred) for k in MODELS}
    method = (f"Adam lr {p.actmax_lr}, {p.actmax_steps} steps, random jitter of up to 2 px, "
              f"3x3 blur every 10 steps, total variation x {p.actmax_tv}, pixels clamped to [0, 1]")
    return Inside(score={"softmax": "logit", "edl": f"evidence ({cfg.train.evidence})"},
                  inputs=inputs, activation_max=actmax, actmax_method=method,
                  embedding=emb, confusion=conf,
                  most_confused={k: list(inside.most_confused(c)) for k, c in conf.items()})


# -- attacks.json ---------------------------------------------------------------------------------
def attack(cfg: Config, models: Models, x: torch.Tensor, y: torch.Tensor, method: str,
           idx: np.ndarray) -> Attack:
    """Both models under FGSM or PGD through cross-entropy, per eps."""
    p = cfg.probe
    res = Attack()
    for eps in p.fgsm_eps:
        correct = {}
        for k in MODELS:
            if method == "fgsm":
                adv, zero = attacks.fgsm(models[k], x, y, eps)
            else:
                adv, zero = attacks.pgd(models[k], x, y, eps, p.pgd_steps,
                                        eps * p.pgd_step_fraction, cfg.train.seed)
            o = outputs(models[k], k, adv, cfg.train)
            correct[k] = o.pred == y.numpy()
            res.accuracy[k].append(float(correct[k].mean()))
            res.mean_entropy[k].append(float(metrics.entropy(o.probs).mean()))
            res.zero_grad_share[k].append(zero)
            if o.dirichlet is not None:
                res.edl_mean_u.append(float(o.dirichlet.u.mean()))
        acc = {k: Estimate(res.accuracy[k][-1], intervals.mean_reps(correct[k], idx))
               for k in MODELS}
        res.compare.append(diff(acc["softmax"], acc["edl"]))
    return res


def own_loss_fgsm(cfg: Config, models: Models, x: torch.Tensor, y: torch.Tensor) -> OwnLossAttack:
    """FGSM through each model's own loss (the masked attack), for comparison only."""
    t = cfg.train
    losses = {"softmax": attacks.cross_entropy,
              "edl": attacks.edl_own_loss(t.evidence, t.evidence_clamp, t.edl_loss)}
    res = OwnLossAttack()
    for eps in cfg.probe.fgsm_eps:
        for k in MODELS:
            adv, zero = attacks.fgsm(models[k], x, y, eps, losses[k])
            res.accuracy[k].append(float(attacks.correct_after(models[k], adv, y).mean()))
            res.zero_grad_share[k].append(zero)
    return res


def adversarial(cfg: Config, models: Models, x: np.ndarray, y: np.ndarray, example: int,
                boot: intervals.Bootstrap) -> Attacks:
    """FGSM and PGD against both models, the masked own-loss FGSM beside them, and the digit
    ``example`` as FGSM against the softmax model leaves it."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    idx = boot.indices(len(y))
    p = cfg.probe
    examples = [attacks.fgsm(models["softmax"], xt[example:example + 1], yt[example:example + 1],
                             eps)[0][0, 0].numpy() for eps in p.fgsm_eps]
    return Attacks(eps=list(p.fgsm_eps), loss="cross-entropy on the logits, in float64",
                   pgd_steps=p.pgd_steps, pgd_step_fraction=p.pgd_step_fraction,
                   fgsm=attack(cfg, models, xt, yt, "fgsm", idx),
                   pgd=attack(cfg, models, xt, yt, "pgd", idx),
                   own_loss_fgsm=own_loss_fgsm(cfg, models, xt, yt),
                   example_index=example, example_images=examples)
