"""Micro-batching for the attacks: FGSM or PGD requests that arrive while one batch runs share
the next, as :class:`webapp.batcher.Batcher` does for predictions (no timer: a lone request runs
at once). One batcher per method, so that a quick FGSM never waits behind a PGD batch; each
image's answer is the one it gets alone (:func:`pipeline.inference.attack_batch`: PGD starts
every image from its own seeded draw).

One FGSM step on 20 images costs about what 4 single ones do, and ten PGD steps on 20 images
what 5 single PGD runs do, so a class dragging ε sliders is answered in few passes.

    batcher = AttackBatcher(predictor, "pgd"); await batcher.start()
    rows = await batcher.attack(x, {"softmax": 7, "edl": 7}, eps=0.1)  # {kind: row}
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from concurrent.futures import Executor
from typing import Any, Optional

import numpy as np

from pipeline import inference
from pipeline.inference import Predictor

from .batcher import MicroBatcher

KINDS = ("softmax", "edl")
METHODS = ("fgsm", "pgd")


@dataclass
class _Job:
    image: np.ndarray  # (28, 28)
    labels: dict[str, int]
    eps: float
    done: asyncio.Future


class AttackBatcher(MicroBatcher):
    """Queues the ``method`` attacks and runs them through
    :func:`pipeline.inference.attack_batch`, at most ``max_images`` at a time, one batch at a
    time, in a thread of ``executor`` (the heavy endpoints' own,
    :class:`webapp.fairness.WorkQueue`)."""

    def __init__(self, predictor: Predictor, method: str, max_images: int = 64,
                 executor: Optional[Executor] = None) -> None:
        if method not in METHODS:
            raise ValueError(f"unknown attack {method!r}: choose one of {METHODS}")
        super().__init__(predictor, max_images, executor)
        self.method = method

    async def attack(self, image: np.ndarray, labels: dict[str, int], eps: float
                     ) -> dict[str, dict[str, Any]]:
        """Both models' attack rows (image, zero_grad_share, row) for one image."""
        return await self._submit(_Job, np.asarray(image, np.float32), labels, float(eps))

    def _compute(self, jobs: list[_Job]) -> list[dict[str, dict[str, Any]]]:
        x = np.stack([j.image for j in jobs])
        eps = [j.eps for j in jobs]
        rows = {k: inference.attack_batch(self.predictor, k, x, [j.labels[k] for j in jobs],
                                          self.method, eps) for k in KINDS}
        return [{k: rows[k][i] for k in KINDS} for i in range(len(jobs))]


def batchers(predictor: Predictor, executor: Optional[Executor] = None
             ) -> dict[str, AttackBatcher]:
    """One batcher per attack method, by method name."""
    return {m: AttackBatcher(predictor, m, executor=executor) for m in METHODS}
