"""Every registry model behind one object: load once from a scene_data folder, then answer
batches of MNIST-style 28x28 images with the same numbers the probes dump.

    predictor = Predictor.from_folder("scene_data")
    rows = predictor.predict(images)          # images: (N, 28, 28) float32 in [0, 1]
    rows[0]["edl"]["u"], rows[0]["softmax"]["probs"]
    rows[0]["mc_dropout"]["mutual_information"], rows[0]["ensemble"]["member_pred"]

MC dropout and the deep ensemble (:func:`more_rows`) come as the probes compute them
(:mod:`pipeline.mc_dropout`, :mod:`pipeline.ensemble`, float64), with one difference for MC
dropout: every image gets the T masks that :func:`pipeline.mc_dropout.predict` draws for one
image alone from the run's seed, so an answer never depends on which other requests shared its
batch (the probes draw one stream of masks over a whole set).

It reuses the pipeline itself: :func:`pipeline.run.load_models` (checkpoints checked against the
configuration), :func:`pipeline.train.outputs` (the eval-mode forward pass) and
:func:`pipeline.probes.model_out` (one row as the scene_data ``ModelOut``, as a dict). Calls are serialised
by a lock, so one Predictor can be shared by threads.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np
import torch
import torch.nn.functional as F

from contract.models import REGISTRY
from contract.scene_data import MODELS

from . import config as cfgmod
from . import datasets, ensemble, mc_dropout
from .models import LeNet
from .probes import model_out, rotation_angles
from .results import ModelOutputs, record
from .train import in_precision, outputs

CONFIG_FILE = ".config.json"  # written by `make data` (python -m pipeline config)
TRAINING_FILE = "training.json"  # its provenance holds the same configuration


def read_config(folder: Path) -> cfgmod.Config:
    """The configuration the checkpoints in ``folder`` were trained with: ``.config.json`` when
    the Makefile wrote one, otherwise the copy in ``training.json``'s provenance."""
    folder = Path(folder)
    cfg_path = folder / CONFIG_FILE
    if cfg_path.is_file():
        return cfgmod.from_dict(json.loads(cfg_path.read_text()))
    training = folder / TRAINING_FILE
    if training.is_file():
        return cfgmod.from_dict(json.loads(training.read_text())["provenance"]["config"])
    raise FileNotFoundError(f"{folder} has neither {CONFIG_FILE} nor {TRAINING_FILE}: run "
                            "`make data` (it trains the models)")


class Predictor:
    """The softmax and the EDL model, and when given the ensemble's other members, MC dropout
    and the deep ensemble too; loaded once, evaluated in batches."""

    def __init__(self, models: dict[str, LeNet], cfg: cfgmod.Config,
                 members: Optional[list[LeNet]] = None) -> None:
        self.models = models
        # the probes run in float64 (pipeline.train.outputs); converting once here spares a
        # copy of each model on every request
        self.models64 = {k: in_precision(m, torch.float64) for k, m in models.items()}
        self.cfg = cfg
        #: members 1..M-1 of the deep ensemble (member 0 is the softmax model); None: the
        #: softmax and EDL models only (the timeline's epochs)
        self.members64 = None if members is None else \
            [in_precision(m, torch.float64) for m in members[1:]]
        self.masks = mc_masks(cfg) if members is not None else None
        self._lock = threading.Lock()  # one forward pass at a time: torch threads stay busy

    @classmethod
    def from_folder(cls, folder: Path | str) -> "Predictor":
        from .run import CHECKPOINTS, load_models  # run imports the probes' data machinery

        cfg = read_config(Path(folder))
        models, _, _ = load_models(cfg, Path(folder))
        return cls(models, cfg, ensemble.load_members(cfg, Path(folder) / CHECKPOINTS))

    @property
    def names(self) -> list[str]:
        """The registry models this predictor answers for, in registry order."""
        return [n for n in REGISTRY if n in MODELS or self.members64 is not None]

    def counts(self) -> dict[str, int]:
        """Passes or members per prediction, by model (1 for a single forward pass)."""
        n = {"passes": self.cfg.probe.mc_passes, "members": self.cfg.train.ensemble_members}
        return {k: n.get(REGISTRY[k].predicts, 1) for k in self.names}

    def predict(self, images: np.ndarray) -> list[dict[str, dict[str, Any]]]:
        """One ``{"softmax": ModelOut dict, "edl": ModelOut dict, ...}`` per image of
        (N, 28, 28), with a row of :func:`more_rows` for MC dropout and the ensemble."""
        x = _batch(images)
        with self._lock:
            if self.members64 is None:
                more: dict[str, mc_dropout.Predictive] = {}
                outs = {k: outputs(self.models64[k], k, x, self.cfg.train) for k in MODELS}
            else:  # the softmax model's trunk once, for it and MC dropout
                outs = {"edl": outputs(self.models64["edl"], "edl", x, self.cfg.train)}
                outs["softmax"], more = self._softmax_and_more(x)
        rows = [{k: record(model_out(outs[k], i)) for k in MODELS} for i in range(len(x))]
        for k, preds in more.items():
            for i, r in enumerate(more_rows(preds)):
                rows[i][k] = r
        return [{k: row[k] for k in REGISTRY if k in row} for row in rows]

    def _softmax_and_more(self, x: torch.Tensor
                          ) -> tuple[ModelOutputs, dict[str, mc_dropout.Predictive]]:
        """The softmax model's outputs, MC dropout's T passes (all in one tensor call on its
        FC 500 features, computed once for both) and the ensemble's M members (member 0: the
        softmax model), float64. The softmax logits are fc2 of those features: the same
        operations as its eval-mode forward pass (dropout off), so the same numbers."""
        assert self.members64 is not None and self.masks is not None
        sm = self.models64["softmax"]
        x64 = x.to(torch.float64)
        with torch.no_grad():
            h = mc_dropout.features(sm, x64)  # (N, 500), the same in every pass
            z = sm.fc2(h)
            passes = F.softmax(sm.fc2(h.unsqueeze(0) * self.masks), -1)  # (T, N, 10)
            probs = F.softmax(z, -1).numpy()
            members = [probs] + [F.softmax(m(x64), -1).numpy() for m in self.members64]
        return ModelOutputs(logits=z.numpy(), probs=probs), {
            "mc_dropout": mc_dropout.Predictive(passes=passes.numpy()),
            "ensemble": mc_dropout.Predictive(passes=np.stack(members))}

    def conv1_maps(self, image: np.ndarray) -> np.ndarray:
        """The softmax model's conv1 feature maps after ReLU, (20, 24, 24): the maps the
        lecture's forward pass shows (it follows the softmax model too)."""
        model = self.models["softmax"]
        with self._lock, torch.no_grad():
            return F.relu(model.conv1(_batch(image[None]))).numpy()[0]

    def rotations(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The probes' rotation angles (:func:`pipeline.probes.rotation_angles`) and the image
        rotated to each of them with the pipeline's own :func:`pipeline.datasets.rotate`."""
        angles = rotation_angles(self.cfg.probe)
        return angles, np.stack([datasets.rotate(image, a) for a in angles])


def mc_masks(cfg: cfgmod.Config) -> torch.Tensor:
    """(T, 1, 500) the dropout masks, scaled by 1 / (1 - p), that
    :func:`pipeline.mc_dropout.predict` draws for a single image from the run's seed: pass t's
    mask is the t-th draw of the seeded generator."""
    t, p, seed = cfg.probe.mc_passes, cfg.train.dropout, cfg.train.seed
    gen = torch.Generator().manual_seed(seed)
    keep = 1.0 - p
    width = LeNet(p).fc1.out_features
    return torch.stack([(torch.rand((1, width), generator=gen, dtype=torch.float64) < keep)
                        .to(torch.float64) / keep for _ in range(t)])


def more_rows(pred: mc_dropout.Predictive) -> list[dict[str, Any]]:
    """One row per image of a model averaged over passes or members: the mean ``probs``, its
    ``pred``, ``entropy`` and ``mutual_information`` (nats), each pass's or member's own
    probabilities (``passes``, (P, 10)) and top digit (``member_pred``)."""
    probs, ent, mi, own = pred.probs, pred.entropy, pred.mutual_information, pred.member_pred
    return [{"probs": probs[i], "pred": int(probs[i].argmax()), "entropy": float(ent[i]),
             "mutual_information": float(mi[i]), "passes": pred.passes[:, i],
             "member_pred": own[:, i]} for i in range(probs.shape[0])]


def _batch(images: np.ndarray) -> torch.Tensor:
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim != 3 or arr.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {arr.shape}")
    return torch.from_numpy(np.ascontiguousarray(arr[:, None]))


# -- the platform as an explainer: every stage, the arithmetic of one cell, attacks ------------
#: LeNet's stages in order, as :meth:`pipeline.models.LeNet.trace` names them
STAGES = ("input", "conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "fc1", "logits")
KERNEL = 5  # both convolutions are 5x5, stride 1, no padding
POOL = 2  # both max-pools are 2x2, stride 2


def trace(predictor: Predictor, kind: str, image: np.ndarray) -> dict[str, np.ndarray]:
    """Every stage of model ``kind`` for one 28x28 image, in float64 as the probes evaluate
    (:meth:`LeNet.trace` on the float64 copy), batch axis dropped:

        t = trace(predictor, "softmax", x)      # t["conv1"].shape == (20, 24, 24)
    """
    model = predictor.models64[kind]
    with predictor._lock:
        out = model.trace(_batch(image[None]).to(torch.float64))
    return {k: out[k][0].numpy() for k in STAGES}


def conv_cell(predictor: Predictor, kind: str, t: dict[str, np.ndarray], layer: str,
              channel: int, row: int, col: int) -> dict[str, Any]:
    """The multiply-add behind one conv1 or conv2 cell of trace ``t``: for every input channel
    its window, kernel, element-wise products and their sum; then the bias, the value before
    ReLU (read from the trace itself, not re-added) and after it.

        c = conv_cell(predictor, "softmax", t, "conv1", 3, 10, 12)
        sum(c["subtotals"]) + c["bias"]         # == c["pre"] to float64 rounding
    """
    conv = getattr(predictor.models64[kind], layer)
    source = t["input"] if layer == "conv1" else t["pool1"]  # (in_channels, h, w)
    weight = conv.weight.detach()[channel].numpy()  # (in_channels, 5, 5)
    window = source[:, row:row + KERNEL, col:col + KERNEL]
    products = window * weight
    pre = float(t[layer][channel, row, col])
    return {"window": window, "kernel": weight, "products": products,
            "subtotals": products.sum(axis=(1, 2)), "bias": float(conv.bias.detach()[channel]),
            "pre": pre, "post": float(t["relu1" if layer == "conv1" else "relu2"][channel, row, col])}


def pool_cell(t: dict[str, np.ndarray], layer: str, channel: int, row: int, col: int
              ) -> dict[str, Any]:
    """One max-pool cell: its 2x2 window of the ReLU map before it, which entry won (row-major
    index) and the pooled value the trace holds."""
    before = t["relu1" if layer == "pool1" else "relu2"][channel]
    window = before[POOL * row:POOL * row + POOL, POOL * col:POOL * col + POOL]
    return {"window": window, "winner": int(window.argmax()),
            "value": float(t[layer][channel, row, col])}


def softmax_terms(logits: np.ndarray) -> dict[str, Any]:
    """softmax(z)_k = exp(z_k - max z) / sum_j exp(z_j - max z): the terms of the formula as
    the page fills it in (the shift by max z keeps exp finite; it cancels in the ratio)."""
    z = np.asarray(logits, np.float64)
    shifted = np.exp(z - z.max())
    return {"max": float(z.max()), "exp": shifted, "total": float(shifted.sum())}


def attack(predictor: Predictor, kind: str, image: np.ndarray, label: int, method: str,
           eps: float) -> dict[str, Any]:
    """Model ``kind`` attacked on one image as the probes attack it (:mod:`pipeline.attacks`:
    FGSM, or PGD with the probe configuration's steps, step fraction and seed, through
    cross-entropy in float64), then evaluated on the perturbed image as the probes evaluate it
    (float64, :func:`pipeline.train.outputs`): the image, the zero-gradient share and the
    model's ``ModelOut`` row on it.

        a = attack(predictor, "edl", x, label=7, method="fgsm", eps=0.1)
        a["image"], a["zero_grad_share"], a["row"]["u"]
    """
    return attack_batch(predictor, kind, image[None], [label], method, [eps])[0]


def attack_batch(predictor: Predictor, kind: str, images: np.ndarray, labels: list[int],
                 method: str, eps: list[float]) -> list[dict[str, Any]]:
    """:func:`attack` for many images at once, one label and one ε per image, and each answer
    the one its image gets alone: summed cross-entropy (each image's gradient is its own), ε
    and the step broadcast per image, and for PGD every image starts from the offsets its own
    call would draw (:func:`pipeline.attacks.random_start` of one image from the probes' seed,
    times its ε). The zero-gradient share is the batch's; when it is not 0, each image is
    attacked again on its own to say which (rare: it must stay ~0).

        rows = attack_batch(predictor, "softmax", xs, labels=[7, 1], method="pgd", eps=[0.1, 0.2])
    """
    model = predictor.models64[kind]
    x = _batch(images).to(torch.float64)
    y = torch.tensor(list(labels))
    e = torch.tensor(list(eps), dtype=torch.float64).view(-1, 1, 1, 1)
    run = _attack_fn(predictor, method)
    with predictor._lock:
        adv, zero = run(model, x, y, e)
        zeros = [0.0] * len(x) if zero == 0 else \
            [run(model, x[i:i + 1], y[i:i + 1], e[i:i + 1])[1] for i in range(len(x))]
        out = outputs(model, kind, adv, predictor.cfg.train)
    return [{"image": adv[i, 0].numpy(), "zero_grad_share": zeros[i], "row": record(model_out(out, i))}
            for i in range(len(x))]


def _attack_fn(predictor: Predictor, method: str
               ) -> Callable[[LeNet, torch.Tensor, torch.Tensor, torch.Tensor], tuple[torch.Tensor, float]]:
    """``(model, x, y, eps per image) -> (adv, zero share)`` for ``method``, with the probes'
    PGD configuration."""
    from . import attacks  # only the explainer needs it

    if method == "fgsm":
        return attacks.fgsm
    if method != "pgd":
        raise ValueError(f"unknown attack {method!r}: choose fgsm or pgd")
    p, seed = predictor.cfg.probe, predictor.cfg.train.seed

    def pgd(model: LeNet, x: torch.Tensor, y: torch.Tensor, e: torch.Tensor
            ) -> tuple[torch.Tensor, float]:
        one = attacks.random_start(x[:1].shape, 1.0, seed)  # what a call of one image draws
        return attacks.pgd(model, x, y, e, p.pgd_steps, e * p.pgd_step_fraction, seed,
                           start=one.expand_as(x) * e)
    return pgd
