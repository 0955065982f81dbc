"""FGSM and PGD against MC dropout and the deep ensemble, through cross-entropy on each model's
mean prediction, exactly as :mod:`pipeline.probes` attacks softmax and EDL through theirs.

Each model is wrapped as a module whose "logits" are the log of its mean probabilities, so
``attacks.fgsm`` / ``attacks.pgd`` and their zero-gradient share apply unchanged: cross-entropy
on log p_bar is -log p_bar_y, the loss of the mean prediction. The log mean is taken as a
log-sum-exp of the passes' log-softmax, so it does not underflow where one pass is certain.

MC dropout's masks are random, so its gradient is an expectation over transformation (Athalye
et al. 2018): every call of the wrapper draws T fresh masks from its own seeded generator and
the gradient is that of the T-pass mean. The attacked images are then scored the way every
other MC dropout number is: ``mc_dropout.predict`` with the run's seed.

    wrapped = MeanOfPasses(softmax_model, passes=50, p=0.5, seed=0)   # or MeanOfMembers(members)
    adv, zero = attacks.fgsm(wrapped, x, y, eps=0.1)
    more = attacks_more(cfg, models, members, x, y, boot)            # Attacks.more, plain dict
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import attacks, ensemble, intervals, mc_dropout
from .config import Config
from .mc_dropout import Predictive
from .models import LeNet
from .more_probes import vs_reference
from .results import Estimate
from .train import in_precision, outputs

GRADIENT = ("cross-entropy on the mean prediction (-log of the mean probability of the true "
            "digit), in float64; MC dropout: T fresh masks per gradient (expectation over "
            "transformation)")


class MeanOfPasses(nn.Module):
    """MC dropout as one module: log of the mean softmax over ``passes`` dropout masks on the
    FC 500 activations, fresh masks from a seeded generator on every call."""

    def __init__(self, model: LeNet, passes: int, p: float, seed: int) -> None:
        super().__init__()
        self.model = in_precision(model, torch.float64)
        self.passes, self.keep = passes, 1.0 - p
        self.gen = torch.Generator().manual_seed(seed)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = mc_dropout.features(self.model, x)
        mask = (torch.rand((self.passes, *h.shape), generator=self.gen, dtype=h.dtype)
                < self.keep).to(h.dtype) / self.keep
        logp = F.log_softmax(self.model.fc2(h.unsqueeze(0) * mask), -1)
        return torch.logsumexp(logp, 0) - math.log(self.passes)


class MeanOfMembers(nn.Module):
    """The ensemble as one module: log of its members' mean softmax."""

    def __init__(self, members: list[LeNet]) -> None:
        super().__init__()
        self.members = nn.ModuleList(in_precision(m, torch.float64) for m in members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        logp = torch.stack([F.log_softmax(m(x), -1) for m in self.members])
        return torch.logsumexp(logp, 0) - math.log(len(self.members))


def _run(cfg: Config, net: nn.Module, x: torch.Tensor, y: torch.Tensor, method: str, eps: float
         ) -> tuple[torch.Tensor, float]:
    p = cfg.probe
    if method == "fgsm":
        return attacks.fgsm(net, x, y, eps)
    return attacks.pgd(net, x, y, eps, p.pgd_steps, eps * p.pgd_step_fraction, cfg.train.seed)


def _correct(pred: np.ndarray, y: torch.Tensor) -> np.ndarray:
    return pred == y.numpy()


def attack_model(cfg: Config, net: nn.Module, score: Callable[[torch.Tensor], Predictive],
                 x: torch.Tensor, y: torch.Tensor, method: str, edl_correct: list[np.ndarray],
                 idx: np.ndarray) -> dict:
    """One model under ``method`` per eps: accuracy (paired with EDL's), entropy, zero share."""
    out: dict = {"accuracy": [], "mean_entropy": [], "zero_grad_share": [], "compare": []}
    for eps, ref in zip(cfg.probe.fgsm_eps, edl_correct):
        adv, zero = _run(cfg, net, x, y, method, eps)
        pred = score(adv)
        correct = _correct(pred.pred, y)
        out["accuracy"].append(float(correct.mean()))
        out["mean_entropy"].append(float(pred.entropy.mean()))
        out["zero_grad_share"].append(zero)
        out["compare"].append(vs_reference(
            Estimate(float(correct.mean()), intervals.mean_reps(correct, idx)),
            Estimate(float(ref.mean()), intervals.mean_reps(ref, idx))))
    return out


def attacks_more(cfg: Config, models: dict[str, LeNet], members: list[LeNet], x: np.ndarray,
                 y: np.ndarray, boot: intervals.Bootstrap) -> dict:
    """``Attacks.more``: FGSM and PGD against MC dropout and the ensemble, each per eps paired
    with EDL under the same attack (recomputed here, so on the same resampled digits)."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    idx = boot.indices(len(y))
    t = cfg.train
    nets = {"mc_dropout": MeanOfPasses(models["softmax"], cfg.probe.mc_passes, t.dropout, t.seed),
            "ensemble": MeanOfMembers(members)}

    score = {"mc_dropout": lambda adv: mc_dropout.predict(models["softmax"], adv,
                                                         cfg.probe.mc_passes, t.dropout, t.seed),
             "ensemble": lambda adv: ensemble.predict(members, adv, t)}
    res: dict = {"gradient": GRADIENT}
    for method in ("fgsm", "pgd"):
        edl_correct = [_correct(outputs(models["edl"], "edl",
                                        _run(cfg, models["edl"], xt, yt, method, eps)[0], t).pred, yt)
                       for eps in cfg.probe.fgsm_eps]
        res[method] = {name: attack_model(cfg, net, score[name], xt, yt, method, edl_correct, idx)
                       for name, net in nets.items()}
    return res
