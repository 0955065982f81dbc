"""Micro-batching: requests that arrive while the models are busy share the next forward pass.

No timer: whatever queued up during one batch becomes the next, so a lone request is answered at
once and a crowd is answered in few, larger passes (on two cores that is what keeps p99 low)."""
from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections import deque
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from pipeline.inference import Predictor

Rows = list[dict[str, dict[str, Any]]]


class MicroBatcher(ABC):
    """The queue both batchers share: requests wait in order, a worker task takes what queued
    up (:meth:`_take`), runs it in a thread (:meth:`_compute`, one answer per job) and answers
    each waiting request; a failure goes to every request of its batch, and serving goes on."""

    def __init__(self, predictor: Predictor, max_images: int) -> None:
        self.predictor = predictor
        self.max_images = max_images
        self._pending: deque[Any] = deque()
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

    async def _submit(self, make_job: Any, *args: Any) -> Any:
        """Queue ``make_job(*args, future)`` and wait for its answer."""
        if self._wake is None:
            raise RuntimeError(f"{type(self).__name__}.start() was not called")
        job = make_job(*args, asyncio.get_running_loop().create_future())
        self._pending.append(job)
        self._wake.set()
        return await job.done

    async def _loop(self) -> None:
        assert self._wake is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self._pending:
                await self._run(self._take())

    def _take(self) -> list[Any]:
        """The oldest jobs, at least one, up to ``max_images`` of them."""
        return [self._pending.popleft() for _ in range(min(self.max_images, len(self._pending)))]

    @abstractmethod
    def _compute(self, jobs: list[Any]) -> list[Any]:
        """The answers of a batch, one per job, in order (runs in a worker thread)."""

    async def _run(self, jobs: list[Any]) -> None:
        try:
            answers = await asyncio.to_thread(self._compute, jobs)
        except Exception as exc:  # hand the failure to every waiting request, keep serving
            for j in jobs:
                if not j.done.done():
                    j.done.set_exception(exc)
            return
        for j, answer in zip(jobs, answers):
            if not j.done.done():  # a client that went away cancelled its future
                j.done.set_result(answer)


@dataclass
class _Job:
    images: np.ndarray  # (k, 28, 28)
    done: asyncio.Future


class Batcher(MicroBatcher):
    """Queues image stacks and runs them through :meth:`Predictor.predict` in batches of at most
    ``max_images`` images, one batch at a time, in a worker thread."""

    def __init__(self, predictor: Predictor, max_images: int = 256) -> None:
        super().__init__(predictor, max_images)

    async def predict(self, images: np.ndarray) -> Rows:
        """Both models' rows for ``images`` (k, 28, 28), answered with whatever else is queued."""
        return await self._submit(_Job, np.asarray(images, np.float32))

    def _take(self) -> list[_Job]:
        """The oldest jobs, at least one, up to ``max_images`` images together."""
        jobs = [self._pending.popleft()]
        n = len(jobs[0].images)
        while self._pending and n + len(self._pending[0].images) <= self.max_images:
            jobs.append(self._pending.popleft())
            n += len(jobs[-1].images)
        return jobs

    def _compute(self, jobs: list[_Job]) -> list[Rows]:
        rows = self.predictor.predict(np.concatenate([j.images for j in jobs]))
        ends = np.cumsum([len(j.images) for j in jobs])
        return [rows[e - len(j.images):e] for j, e in zip(jobs, ends)]
