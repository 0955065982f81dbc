"""What a prediction costs, measured: per registry model, forward passes per prediction,
parameter count, and milliseconds per image at batch 1 and batch 256 on this machine (float32,
eval mode, one torch thread, stated), the median of ``ProbeConfig.cost_repeats`` timed
calls after one warm-up call. Written to models.json (``contract.scene_data.ModelCosts``).

    table = measure(cfg, models, members, x)     # {"softmax": {...}, ..., "edl": {...}}
    table["ensemble"]["ms_batch256"]

The figures depend on the machine and on what else runs on it: they are stated, not compared
across machines, and they are kept out of the files whose numbers must reproduce exactly.
"""
from __future__ import annotations

import os
import platform
import statistics
import time
from typing import Callable

import torch

from contract.models import MODEL_NAMES

from . import edl, mc_dropout
from .config import Config
from .models import LeNet

Predict = Callable[[torch.Tensor], torch.Tensor]
#: torch CPU threads while timing
TIMING_THREADS = 1


def n_params(model: LeNet) -> int:
    return sum(p.numel() for p in model.parameters())


def predictors(cfg: Config, models: dict[str, LeNet], members: list[LeNet]
               ) -> dict[str, tuple[Predict, int, int, str]]:
    """Per model: (x -> probabilities, passes, parameters, what is timed)."""
    t, soft = cfg.train, models["softmax"].eval()
    ev = edl.evidence_fn(t.evidence, t.evidence_clamp)
    gen = torch.Generator().manual_seed(t.seed)

    def edl_probs(x: torch.Tensor) -> torch.Tensor:
        alpha = ev(models["edl"](x)) + 1.0
        return alpha / alpha.sum(-1, keepdim=True)

    def ens_probs(x: torch.Tensor) -> torch.Tensor:
        return torch.stack([torch.softmax(m(x), -1) for m in members]).mean(0)

    T, M = cfg.probe.mc_passes, len(members)
    return {
        "softmax": (lambda x: torch.softmax(soft(x), -1), 1, n_params(soft), "one pass, softmax"),
        "mc_dropout": (lambda x: mc_dropout.predict_fast(soft, x, T, t.dropout, gen), T,
                       n_params(soft), f"trunk once, FC 10 under {T} dropout masks (dropout "
                       "sits only before FC 10, so the passes share everything before it)"),
        "ensemble": (ens_probs, M, sum(n_params(m) for m in members),
                     f"{M} members one after the other, probabilities averaged"),
        "edl": (edl_probs, 1, n_params(models["edl"]), "one pass, alpha / S")}


def ms_per_image(fn: Predict, x: torch.Tensor, repeats: int) -> float:
    """Median milliseconds per image of ``fn(x)`` over ``repeats`` calls (one warm-up first)."""
    with torch.no_grad():
        fn(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn(x)
            times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times) / len(x)


def measure(cfg: Config, models: dict[str, LeNet], members: list[LeNet], x: torch.Tensor,
            seconds: dict[str, float]) -> dict:
    """``ModelCosts`` minus provenance: every model of the registry timed on 256 images of ``x``
    (repeated if it has fewer) and on its first image. ``seconds``: training time per model
    (softmax, edl, ensemble: the members trained for it plus the softmax model)."""
    batch = x[torch.arange(256) % len(x)].float()
    rows = {}
    # one torch thread, as the platform serves (webapp --torch-threads): with two threads on two
    # busy cores a batch of one measures OpenMP's spinning rather than the model
    threads = torch.get_num_threads()
    torch.set_num_threads(TIMING_THREADS)
    try:
        for name, (fn, passes, params, timed) in predictors(cfg, models, members).items():
            rows[name] = {"passes": passes, "params": params,
                          "ms_batch1": ms_per_image(fn, batch[:1], cfg.probe.cost_repeats),
                          "ms_batch256": ms_per_image(fn, batch, cfg.probe.cost_repeats),
                          "training_seconds": seconds["softmax" if name == "mc_dropout" else name],
                          "timed": f"{timed}; float32"}
    finally:
        torch.set_num_threads(threads)
    if list(rows) != list(MODEL_NAMES):
        raise RuntimeError(f"cost predictors {list(rows)} do not match the registry {MODEL_NAMES}")
    return {"threads": TIMING_THREADS,
            "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
            "models": rows}
