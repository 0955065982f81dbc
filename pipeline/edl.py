"""Evidential Deep Learning (Sensoy, Kaplan, Kandemir, NeurIPS 2018): evidence, Dirichlet
quantities and the three losses with the KL regulariser."""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F


def evidence_fn(name: str, clamp: float = 10.0) -> Callable[[torch.Tensor], torch.Tensor]:
    """Map logits to non-negative evidence: ``relu``, ``softplus``, ``exp`` (logits clamped to
    [-clamp, clamp]: flat, so no gradient, beyond it) or ``exp_tanh`` (exp of a smooth clamp,
    clamp * tanh(z / clamp): the same range, never exactly flat).

        >>> evidence_fn("exp_tanh", 10.0)(torch.tensor([0.0])).item()
        1.0
    """
    if name == "relu":
        return F.relu
    if name == "softplus":
        return F.softplus
    if name == "exp":
        return lambda z: torch.exp(torch.clamp(z, -clamp, clamp))
    if name == "exp_tanh":
        return lambda z: torch.exp(clamp * torch.tanh(z / clamp))
    raise ValueError(f"unknown evidence function {name!r}: choose relu, softplus, exp or exp_tanh")


def dirichlet(evidence: torch.Tensor) -> dict[str, torch.Tensor]:
    """alpha = e + 1, S = sum(alpha), belief b = e/S, uncertainty u = K/S, p_hat = alpha/S."""
    k = evidence.shape[-1]
    alpha = evidence + 1.0
    s = alpha.sum(-1, keepdim=True)
    return {"evidence": evidence, "alpha": alpha, "S": s.squeeze(-1), "belief": evidence / s,
            "u": (k / s).squeeze(-1), "p_hat": alpha / s}


def kl_to_uniform(alpha: torch.Tensor) -> torch.Tensor:
    """KL(Dir(alpha) || Dir(1,...,1)) in closed form, one value per row."""
    k = alpha.shape[-1]
    s = alpha.sum(-1, keepdim=True)
    return (torch.lgamma(s.squeeze(-1)) - torch.lgamma(torch.tensor(float(k), device=alpha.device))
            - torch.lgamma(alpha).sum(-1)
            + ((alpha - 1) * (torch.digamma(alpha) - torch.digamma(s))).sum(-1))


def fit_term(alpha: torch.Tensor, y: torch.Tensor, kind: str = "mse") -> torch.Tensor:
    """The data term per sample. ``y`` is one-hot.

    mse (Eq. 5): sum_k (y_k - p_k)^2 + p_k (1 - p_k) / (S + 1);
    digamma (Eq. 4): sum_k y_k (psi(S) - psi(alpha_k)); log (Eq. 3): sum_k y_k (log S - log alpha_k).
    """
    s = alpha.sum(-1, keepdim=True)
    if kind == "mse":
        p = alpha / s
        return ((y - p) ** 2 + p * (1 - p) / (s + 1)).sum(-1)
    if kind == "digamma":
        return (y * (torch.digamma(s) - torch.digamma(alpha))).sum(-1)
    if kind == "log":
        return (y * (torch.log(s) - torch.log(alpha))).sum(-1)
    raise ValueError(f"unknown EDL loss {kind!r}: choose mse, digamma or log")


def annealing(epoch: int, annealing_epochs: int = 10) -> float:
    """lambda_t = min(1, t / annealing_epochs), t counted from 0."""
    return min(1.0, epoch / annealing_epochs)


def edl_loss(alpha: torch.Tensor, y: torch.Tensor, lam: float, kind: str = "mse"
             ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mean loss, mean fit term and mean KL term; the KL acts on alpha_tilde = y + (1-y)*alpha,
    the evidence left for the wrong classes."""
    fit = fit_term(alpha, y, kind)
    alpha_tilde = y + (1 - y) * alpha
    kl = kl_to_uniform(alpha_tilde)
    return (fit + lam * kl).mean(), fit.mean(), kl.mean()


def saturated(logits: torch.Tensor, name: str, clamp: float = 10.0, rel: float = 1e-6
              ) -> torch.Tensor:
    """Per row: is the evidence function flat at the top logit (g'(z) <= rel * g(z), or both 0)?
    There the evidence, and so u, no longer responds to the input: beyond the exp clamp, or
    relu at or below 0. Such rows give ties in u and zero gradients through the EDL loss."""
    z = logits.detach().max(-1).values.clone().requires_grad_(True)
    e = evidence_fn(name, clamp)(z)
    (de,) = torch.autograd.grad(e.sum(), z)
    return de <= rel * e.detach()
