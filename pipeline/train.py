"""Training of the softmax and the EDL model: seeded, deterministic, with per-epoch history."""
from __future__ import annotations

import copy
import time
from typing import Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from . import edl
from contract.scene_data import Kind

from .config import TrainConfig
from .datasets import Split
from .metrics import mean_or
from .models import LeNet
from .results import Dirichlet, ModelOutputs


def pick_device(name: str = "auto") -> torch.device:
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.benchmark = False


def in_precision(model: LeNet, dtype: torch.dtype) -> LeNet:
    """``model`` itself if its weights are ``dtype`` already, else an eval-mode copy in it."""
    if next(model.parameters()).dtype == dtype:
        return model.eval()
    return copy.deepcopy(model).to(dtype).eval()


def outputs(model: LeNet, kind: Kind, x: torch.Tensor, cfg: TrainConfig,
            batch: int = 1000, dtype: torch.dtype = torch.float64) -> ModelOutputs:
    """Eval-mode outputs for a batch of images: logits, probabilities, and for EDL the
    Dirichlet quantities. ``probs`` is softmax for the softmax model and p_hat for EDL.

    Probes run in float64: in float32 nearly-saturated evidence rounds to a handful of distinct
    u values, and rankings by u (AUROC, rejection) would then depend on float precision."""
    model = in_precision(model, dtype)
    dev = next(model.parameters()).device
    logits = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            logits.append(model(x[i:i + batch].to(dev, dtype)).cpu())
    z = torch.cat(logits) if logits else torch.zeros(0, 10, dtype=dtype)
    if kind == "softmax":
        return ModelOutputs(logits=z.numpy(), probs=F.softmax(z, -1).numpy())
    d = edl.dirichlet(edl.evidence_fn(cfg.evidence, cfg.evidence_clamp)(z))
    return ModelOutputs(logits=z.numpy(), probs=d["p_hat"].numpy(), dirichlet=Dirichlet(
        evidence=d["evidence"].numpy(), alpha=d["alpha"].numpy(), S=d["S"].numpy(),
        belief=d["belief"].numpy(), u=d["u"].numpy()))


def loss_fn(kind: Kind, cfg: TrainConfig, z: torch.Tensor, y: torch.Tensor, epoch: int
            ) -> tuple[torch.Tensor, dict[str, float]]:
    if kind == "softmax":
        loss = F.cross_entropy(z, y)
        return loss, {}
    alpha = edl.evidence_fn(cfg.evidence, cfg.evidence_clamp)(z) + 1.0
    lam = edl.annealing(epoch, cfg.annealing_epochs)
    loss, fit, kl = edl.edl_loss(alpha, F.one_hot(y, alpha.shape[-1]).float(), lam, cfg.edl_loss)
    return loss, {"fit": fit.item(), "kl": kl.item(), "lambda": lam}


def _epoch_metrics(model: LeNet, kind: Kind, cfg: TrainConfig, x: torch.Tensor, y: torch.Tensor,
                   epoch: int) -> dict[str, float]:
    out = outputs(model, kind, x, cfg, dtype=torch.float32)  # history only: float32 is enough
    loss, parts = loss_fn(kind, cfg, torch.from_numpy(out.logits), y, epoch)
    correct = out.pred == y.numpy()
    m = {"loss": loss.item(), "acc": float(correct.mean())}
    m.update(parts)
    if out.dirichlet is not None:
        total_ev = out.dirichlet.evidence.sum(1)
        u = out.dirichlet.u
        nan = float("nan")  # a history row holds floats only
        m["evidence_correct"] = mean_or(total_ev[correct], nan)
        m["evidence_wrong"] = mean_or(total_ev[~correct], nan)
        m["u_correct"] = mean_or(u[correct], nan)
        m["u_wrong"] = mean_or(u[~correct], nan)
    return m


class Dynamics:
    """How the weights and gradients of each layer evolve during the normal training run:
    a weight histogram per epoch (epoch 0 = the initial weights) on fixed edges (+- twice the
    largest initial weight; values beyond land in the end bins), and the mean gradient L2 norm
    per epoch over the batches."""

    LAYERS = ("conv1", "conv2", "fc1", "fc2")

    def __init__(self, model: LeNet, bins: int = 30) -> None:
        self.edges = {}
        for name in self.LAYERS:
            r = 2 * float(getattr(model, name).weight.detach().abs().max())
            self.edges[name] = np.linspace(-r, r, bins + 1)
        self.hist: dict[str, list[np.ndarray]] = {n: [] for n in self.LAYERS}
        self.grad_norm: dict[str, list[float]] = {n: [] for n in self.LAYERS}
        self._sums = {n: 0.0 for n in self.LAYERS}
        self._batches = 0
        self.weights(model)

    def weights(self, model: LeNet) -> None:
        """Histogram the current weights (call at the end of each epoch)."""
        for name in self.LAYERS:
            w = getattr(model, name).weight.detach().cpu().numpy().ravel()
            e = self.edges[name]
            self.hist[name].append(np.histogram(np.clip(w, e[0], e[-1]), e)[0])

    def gradients(self, model: LeNet) -> None:
        """Add this batch's gradient norms (call after backward)."""
        for name in self.LAYERS:
            self._sums[name] += float(getattr(model, name).weight.grad.norm())
        self._batches += 1

    def end_epoch(self, model: LeNet) -> None:
        for name in self.LAYERS:
            self.grad_norm[name].append(self._sums[name] / max(self._batches, 1))
            self._sums[name] = 0.0
        self._batches = 0
        self.weights(model)

    def to_dict(self) -> dict:
        return {"layers": list(self.LAYERS), "edges": self.edges, "weight_hist": self.hist,
                "grad_norm": self.grad_norm}


def train_model(kind: Kind, split: Split, cfg: TrainConfig, device: torch.device | None = None,
                progress: bool = True, dynamics_bins: int = 0,
                on_epoch: Optional[Callable[[int, LeNet], None]] = None
                ) -> tuple[LeNet, list[dict], float, Optional[Dynamics]]:
    """Train one model; returns it (on the CPU, eval mode), its history, the seconds taken and,
    with ``dynamics_bins`` > 0, its :class:`Dynamics` (else None). ``on_epoch(epoch, model)``
    sees the weights after each epoch (1-based; :func:`pipeline.timeline.saver` keeps them)."""
    device = device or pick_device(cfg.device)
    seed_everything(cfg.seed)
    model = LeNet(cfg.dropout).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    xt, yt = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train)
    xh, yh = torch.from_numpy(split.x_heldout), torch.from_numpy(split.y_heldout)
    xt_dev, yt_dev = xt.to(device), yt.to(device)
    gen = torch.Generator().manual_seed(cfg.seed)
    dyn = Dynamics(model, dynamics_bins) if dynamics_bins else None
    history: list[dict] = []
    start = time.perf_counter()
    bar = tqdm(range(cfg.epochs), desc=f"training {kind:7s}", unit="epoch", disable=not progress,
               leave=True)
    for epoch in bar:
        model.train()
        order = torch.randperm(len(xt), generator=gen).to(device)
        for i in range(0, len(order), cfg.batch_size):
            b = order[i:i + cfg.batch_size]
            loss, _ = loss_fn(kind, cfg, model(xt_dev[b]), yt_dev[b], epoch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if dyn is not None:
                dyn.gradients(model)
            opt.step()
        model.cpu()
        if on_epoch is not None:
            on_epoch(epoch + 1, model)
        if dyn is not None:
            dyn.end_epoch(model)
        train_m = _epoch_metrics(model, kind, cfg, xt, yt, epoch)
        held_m = _epoch_metrics(model, kind, cfg, xh, yh, epoch)
        model.to(device)
        row = {"epoch": epoch + 1}
        row.update({f"train_{k}": v for k, v in train_m.items()})
        row.update({f"heldout_{k}": v for k, v in held_m.items()})
        history.append(row)
        bar.set_postfix(loss=f"{train_m['loss']:.3f}", heldout_acc=f"{held_m['acc']:.3f}")
    seconds = time.perf_counter() - start
    return model.cpu().eval(), history, seconds, dyn
