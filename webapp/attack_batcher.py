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
from collections import deque
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from pipeline import inference
from pipeline.inference import Predictor

KINDS = ("softmax", "edl")


@dataclass
class _Job:
    image: np.ndarray  # (28, 28)
    labels: dict[str, int]
    eps: float
    done: asyncio.Future


class AttackBatcher:
    """Queues FGSM requests and runs them through :func:`pipeline.inference.fgsm_batch`,
    at most ``max_images`` at a time, one batch at a time, in a worker thread."""

    def __init__(self, predictor: Predictor, max_images: int = 64) -> None:
        self.predictor = predictor
        self.max_images = max_images
        self._pending: deque[_Job] = deque()
        self._wake: Optional[asyncio.Event] = None
        self._task: Optional[asyncio.Task] = None

    async def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    async def fgsm(self, image: np.ndarray, labels: dict[str, int], eps: float
                   ) -> dict[str, dict[str, Any]]:
        """Both models' FGSM rows (image, zero_grad_share, row) for one image."""
        if self._wake is None:
            raise RuntimeError("AttackBatcher.start() was not called")
        job = _Job(np.asarray(image, np.float32), labels, float(eps),
                   asyncio.get_running_loop().create_future())
        self._pending.append(job)
        self._wake.set()
        return await job.done

    async def _loop(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                jobs = [self._pending.popleft()
                        for _ in range(min(self.max_images, len(self._pending)))]
                await self._run(jobs)

    def _both(self, jobs: list[_Job]) -> dict[str, list[dict[str, Any]]]:
        x = np.stack([j.image for j in jobs])
        eps = [j.eps for j in jobs]
        return {k: inference.fgsm_batch(self.predictor, k, x, [j.labels[k] for j in jobs], eps)
                for k in KINDS}

    async def _run(self, jobs: list[_Job]) -> None:
        try:
            rows = await asyncio.to_thread(self._both, jobs)
        except Exception as exc:  # hand the failure to every waiting request, keep serving
            for j in jobs:
                if not j.done.done():
                    j.done.set_exception(exc)
            return
        for i, j in enumerate(jobs):
            if not j.done.done():  # a client that went away cancelled its future
                j.done.set_result({k: rows[k][i] for k in KINDS})
