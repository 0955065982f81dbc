"""Monte Carlo dropout (Gal & Ghahramani 2016): the softmax LeNet with its dropout kept on at
test time, T stochastic passes averaged.

The softmax model already trains with dropout (p = ``TrainConfig.dropout``, 0.5 as in the EDL
paper's LeNet) before its last layer, so MC dropout reuses its checkpoint: no extra training.
Because the only dropout sits between FC 500 and FC 10, everything before it is the same in
every pass; the trunk runs once and each pass draws its own mask on the FC 500 activations,
which is exactly what T full passes in train-mode dropout compute (zero with probability p,
scale the rest by 1 / (1 - p)), at a fraction of the cost.

The masks come from a private, seeded ``torch.Generator``: scene_data is reproducible and the
global RNG, which other probes read, is untouched.

    mc = predict(model, x, passes=50, p=0.5, seed=0)   # x: (N, 1, 28, 28)
    mc.probs.shape, mc.passes.shape                    # (N, 10), (50, N, 10)
    mc.mutual_information                              # (N,) nats, 0 <= MI <= entropy
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from . import metrics
from .models import LeNet
from .train import in_precision


@dataclass(frozen=True)
class Predictive:
    """A model averaged over stochastic passes or members: ``passes`` (P, N, 10) are the
    individual probability vectors, ``probs`` (N, 10) their mean."""
    passes: np.ndarray

    @property
    def probs(self) -> np.ndarray:
        """(N, 10) the predictive mean."""
        return self.passes.mean(0)

    @property
    def pred(self) -> np.ndarray:
        return self.probs.argmax(1)

    @property
    def max_prob(self) -> np.ndarray:
        return self.probs.max(1)

    @property
    def entropy(self) -> np.ndarray:
        """(N,) entropy of the mean prediction (total uncertainty, nats)."""
        return metrics.entropy(self.probs)

    @property
    def mutual_information(self) -> np.ndarray:
        """(N,) entropy of the mean minus the mean of the passes' entropies: the epistemic part.
        Clipped at 0 where rounding would leave a -1e-16 (it is >= 0 by Jensen's inequality)."""
        mean_h = metrics.entropy(self.passes).mean(0)
        return np.maximum(self.entropy - mean_h, 0.0)

    @property
    def member_pred(self) -> np.ndarray:
        """(P, N) each pass's or member's own predicted class."""
        return self.passes.argmax(-1)


def features(model: LeNet, x: torch.Tensor) -> torch.Tensor:
    """FC 500 activations after ReLU (eval mode): what the dropout mask falls on."""
    h = F.max_pool2d(F.relu(model.conv1(x)), 2)
    h = F.max_pool2d(F.relu(model.conv2(h)), 2)
    return F.relu(model.fc1(h.flatten(1)))


@torch.no_grad()
def predict(model: LeNet, x: torch.Tensor, passes: int, p: float, seed: int,
            batch: int = 1000, dtype: torch.dtype = torch.float64) -> Predictive:
    """``passes`` dropout passes over ``x``, masks drawn from ``seed``, in ``dtype`` (float64
    like the other probes). The masks of image i do not depend on how ``x`` is batched."""
    model = in_precision(model, dtype)
    gen = torch.Generator().manual_seed(seed)
    h = torch.cat([features(model, x[i:i + batch].to(dtype)) for i in range(0, len(x), batch)]) \
        if len(x) else torch.zeros(0, model.fc1.out_features, dtype=dtype)
    keep = 1.0 - p
    out = []
    for _ in range(passes):
        mask = (torch.rand(h.shape, generator=gen, dtype=dtype) < keep).to(dtype) / keep
        out.append(F.softmax(model.fc2(h * mask), -1))
    return Predictive(passes=torch.stack(out).numpy())


def predict_fast(model: LeNet, x: torch.Tensor, passes: int, p: float,
                 gen: torch.Generator) -> torch.Tensor:
    """The same computation in float32 without the bookkeeping, for timing (:mod:`pipeline.cost`):
    (N, 10) mean probabilities."""
    h = features(model, x)
    keep = 1.0 - p
    mask = (torch.rand((passes, *h.shape), generator=gen) < keep).to(h.dtype) / keep
    return F.softmax(model.fc2(h.unsqueeze(0) * mask), -1).mean(0)
