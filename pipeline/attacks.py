"""Adversarial perturbations that a saturated loss cannot mask: FGSM and PGD through
cross-entropy on the logits, for both models alike.

Why not each model's own loss: with clamped-exp evidence the EDL loss is exactly flat wherever
the logits sit beyond the clamp, so its input gradient is 0, sign(0) = 0, and the "attack" leaves
those digits untouched. Cross-entropy on the logits is not flat for either model, and the
attacks run in float64 so that softmax cannot round to an exact one-hot either. Every result
records the share of inputs whose input gradient was exactly zero: it must stay ~0.

    adv, zero = fgsm(model, x, y, eps=0.1)          # images in [0, 1], share with zero grad
    adv, zero = pgd(model, x, y, eps=0.1, steps=10, seed=0)
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from . import edl
from .models import LeNet
from .train import in_precision

Loss = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


def cross_entropy(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Summed cross-entropy on the raw logits (summed: each input's gradient is its own)."""
    return F.cross_entropy(logits, y, reduction="sum")


def edl_own_loss(evidence: str, clamp: float, kind: str = "mse") -> Loss:
    """The EDL training loss with the KL term fully on, summed: kept only to show the masking
    beside an unmasked attack, never as the attack the lecture reports."""
    g = edl.evidence_fn(evidence, clamp)

    def loss(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        alpha = g(logits) + 1
        onehot = F.one_hot(y, alpha.shape[-1]).to(alpha.dtype)
        fit = edl.fit_term(alpha, onehot, kind)
        return (fit + edl.kl_to_uniform(onehot + (1 - onehot) * alpha)).sum()
    return loss


def input_gradient(model: LeNet, x: torch.Tensor, y: torch.Tensor, loss: Loss = cross_entropy
                   ) -> torch.Tensor:
    """d loss / d x for a batch (model in eval mode, same dtype as ``x``)."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(loss(model(x), y), x)
    return grad


def zero_share(grad: torch.Tensor) -> float:
    """Share of inputs whose whole input gradient is exactly zero (a masked attack)."""
    return float((grad.flatten(1).abs().amax(1) == 0).double().mean())


def in_pixel_range(x: torch.Tensor) -> torch.Tensor:
    """A perturbed image clipped back to the pixel range [0, 1] the models were trained on."""
    return x.clamp(0, 1)


def fgsm(model: LeNet, x: torch.Tensor, y: torch.Tensor, eps: float, loss: Loss = cross_entropy
         ) -> tuple[torch.Tensor, float]:
    """One step x + eps * sign(grad), clipped to [0, 1]; and the zero-gradient share."""
    m = in_precision(model, torch.float64)
    x = x.to(torch.float64)
    grad = input_gradient(m, x, y, loss)
    return in_pixel_range(x + eps * grad.sign()).detach(), zero_share(grad)


def random_start(shape: torch.Size | tuple[int, ...], eps: float | torch.Tensor, seed: int
                 ) -> torch.Tensor:
    """PGD's random start: uniform in [-eps, eps], drawn from a generator seeded with ``seed``."""
    gen = torch.Generator().manual_seed(seed)
    return (torch.rand(shape, generator=gen, dtype=torch.float64) * 2 - 1) * eps


def pgd(model: LeNet, x: torch.Tensor, y: torch.Tensor, eps: float | torch.Tensor,
        steps: int = 10, step_size: float | torch.Tensor | None = None, seed: int = 0,
        loss: Loss = cross_entropy, start: torch.Tensor | None = None
        ) -> tuple[torch.Tensor, float]:
    """Projected gradient ascent in the L-inf ball of radius ``eps`` from a random start
    (Madry et al. 2018): ``steps`` steps of ``step_size`` (default eps / 4). Returns the images
    and the zero-gradient share at the first step. ``eps`` and ``step_size`` may be tensors
    that broadcast per image, and ``start`` the offsets to start from (default
    :func:`random_start` of the whole batch's shape)."""
    m = in_precision(model, torch.float64)
    x0 = x.to(torch.float64)
    if not torch.is_tensor(eps) and eps == 0:
        return x0, zero_share(input_gradient(m, x0, y, loss))
    step = eps / 4 if step_size is None else step_size
    adv = in_pixel_range(x0 + (random_start(x0.shape, eps, seed) if start is None else start))
    first = None
    for _ in range(steps):
        grad = input_gradient(m, adv, y, loss)
        first = zero_share(grad) if first is None else first
        adv = adv + step * grad.sign()
        adv = in_pixel_range(torch.min(torch.max(adv, x0 - eps), x0 + eps)).detach()
    return adv, float(first)


def correct_after(model: LeNet, adv: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """Per input: does the model still name the right digit on the perturbed image?"""
    m = in_precision(model, torch.float64)
    with torch.no_grad():
        return (m(adv).argmax(1) == y).numpy()
