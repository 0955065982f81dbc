"""Micro-batching for FGSM: attacks that arrive while one batch runs share the next, as
:class:`webapp.batcher.Batcher` does for predictions (no timer: a lone request runs at once).

One FGSM step on 20 images costs about what 4 single ones do, so a class dragging ε sliders is
answered in few passes. PGD is not batched: its random start is drawn per call from the probes'
seed, and a batch would change each image's start with the company it keeps.

    batcher = AttackBatcher(predictor); await batcher.start()
    rows = await batcher.fgsm(x, {"softmax": 7, "edl": 7}, eps=0.1)   # {kind: attack row}
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline import inference
from pipeline.inference import Predictor

from .batcher import MicroBatcher

KINDS = ("softmax", "edl")


@dataclass
class _Job:
    image: np.ndarray  # (28, 28)
    labels: dict[str, int]
    eps: float
    done: asyncio.Future


class AttackBatcher(MicroBatcher):
    """Queues FGSM requests and runs them through :func:`pipeline.inference.fgsm_batch`,
    at most ``max_images`` at a time, one batch at a time, in a worker thread."""

    def __init__(self, predictor: Predictor, max_images: int = 64) -> None:
        super().__init__(predictor, max_images)

    async def fgsm(self, image: np.ndarray, labels: dict[str, int], eps: float
                   ) -> dict[str, dict[str, Any]]:
        """Both models' FGSM rows (image, zero_grad_share, row) for one image."""
        return await self._submit(_Job, np.asarray(image, np.float32), labels, float(eps))

    def _compute(self, jobs: list[_Job]) -> list[dict[str, dict[str, Any]]]:
        x = np.stack([j.image for j in jobs])
        eps = [j.eps for j in jobs]
        rows = {k: inference.fgsm_batch(self.predictor, k, x, [j.labels[k] for j in jobs], eps)
                for k in KINDS}
        return [{k: rows[k][i] for k in KINDS} for i in range(len(jobs))]
