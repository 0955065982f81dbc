"""Watch it learn: both models on the student's input as they were after each epoch of
training, with the weights ``make data`` saved per epoch (:mod:`pipeline.timeline`).

    GET  /api/timeline                    the saved epochs, λ_t and the loss curves
    POST /api/timeline/step   {"input": 28×28, "epoch": 3}
    POST /api/timeline/rotate {"input": 28×28, "epoch": 3}     (the heavy endpoints' queue)

Every number is the epoch's weights through :meth:`pipeline.inference.Predictor.predict`, the
probes' float64 forward pass; λ_t is :func:`pipeline.edl.annealing`, as training used it, and the
curves are training.json's history.
"""
from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from fastapi import APIRouter, Request

from pipeline.timeline import Timeline

from . import schemas
from . import explain_schemas as xs
from .batcher import MicroBatcher
from .errors import ApiError, ErrorBody
from .fairness import HEAVY_RESPONSES
from .state import State

router = APIRouter(prefix="/api/timeline")
NO_TIMELINE: dict[int | str, dict] = {404: {"model": ErrorBody, "description": "the checkpoints "
                                            "came without per-epoch weights"}}


@dataclass
class _Job:
    image: np.ndarray  # (28, 28)
    epoch: int
    done: asyncio.Future


class StepBatcher(MicroBatcher):
    """Timeline steps that arrive together share one forward pass per epoch they ask about (a
    class playing the timeline mostly sits on a few epochs at once)."""

    def __init__(self, timeline: Timeline, max_images: int = 256) -> None:
        super().__init__(None, max_images)  # type: ignore[arg-type]  # a predictor per epoch
        self.timeline = timeline

    async def step(self, image: np.ndarray, epoch: int) -> dict[str, dict[str, Any]]:
        """Both models' rows for one image after ``epoch``."""
        return await self._submit(_Job, np.asarray(image, np.float32), epoch)

    def _compute(self, jobs: list[_Job]) -> list[dict[str, dict[str, Any]]]:
        by_epoch: dict[int, list[int]] = defaultdict(list)
        for i, j in enumerate(jobs):
            by_epoch[j.epoch].append(i)
        answers: list[Any] = [None] * len(jobs)
        for epoch, idx in by_epoch.items():
            rows = self.timeline.predictor(epoch).predict(np.stack([jobs[i].image for i in idx]))
            for i, row in zip(idx, rows):
                answers[i] = row
        return answers


def _timeline(request: Request) -> Timeline:
    st: State = request.app.state.platform
    if st.timeline is None or not st.timeline.epochs:
        raise ApiError(404, "no_timeline", "no per-epoch weights were saved with these "
                       "checkpoints: run `make data` again (it keeps the weights of every epoch)")
    return st.timeline


def _epoch(tl: Timeline, epoch: int) -> int:
    if epoch not in tl.epochs:
        raise ApiError(422, "no_such_epoch", f"epoch {epoch} has no saved weights; saved epochs "
                       f"are {tl.epochs[0]} to {tl.epochs[-1]}")
    return epoch


def info(tl: Timeline) -> xs.TimelineInfo:
    """The saved epochs, λ_t of each and both models' recorded curves."""
    curves = {}
    for kind, rows in tl.history.items():
        by_epoch = {int(r["epoch"]): r for r in rows}
        curves[kind] = xs.Curves(**{key: [float(by_epoch[e][key]) for e in tl.epochs]
                                    for key in xs.Curves.model_fields})
    return xs.TimelineInfo(epochs=tl.epochs, kl_weight=[tl.kl_weight(e) for e in tl.epochs],
                           annealing_epochs=tl.cfg.train.annealing_epochs, curves=curves)


@router.get("", response_model=xs.TimelineInfo, responses=NO_TIMELINE, summary="The training timeline")
async def timeline_info(request: Request) -> xs.TimelineInfo:
    return info(_timeline(request))


@router.post("/step", response_model=xs.TimelineStep, responses=NO_TIMELINE, summary="Both models after one epoch")
async def step(request: Request, body: xs.TimelineRequest) -> xs.TimelineStep:
    """Both models' answers on the input with the weights saved after `epoch`, EDL's evidence
    and u among them; λ_t during that epoch; each model's losses then, and the whole curves."""
    tl = _timeline(request)
    epoch = _epoch(tl, body.epoch)
    st: State = request.app.state.platform
    assert st.steps is not None
    row = await st.steps.step(body.array(), epoch)
    about = info(tl)
    at = tl.epochs.index(epoch)
    return xs.TimelineStep(
        epoch=epoch, kl_weight=tl.kl_weight(epoch), softmax=schemas.softmax_result(row["softmax"]),
        edl=schemas.edl_result(row["edl"]), info=about,
        train_loss={k: c.train_loss[at] for k, c in about.curves.items()},
        heldout_loss={k: c.heldout_loss[at] for k, c in about.curves.items()})


@router.post("/rotate", response_model=xs.TimelineRotate,
             responses={**NO_TIMELINE, **HEAVY_RESPONSES},
             summary="The rotation sweep with the models after one epoch")
async def rotate(request: Request, body: xs.TimelineRequest) -> xs.TimelineRotate:
    """/api/rotate's sweep (the probes' angles and rotation) with the weights after `epoch`:
    the paper's figure as it forms during training. Goes through the heavy endpoints' work
    queue (429 or 503 with Retry-After when full)."""
    tl = _timeline(request)
    epoch = _epoch(tl, body.epoch)
    st: State = request.app.state.platform
    async with st.heavy.admit(request):
        angles, stack, rows = await st.heavy.run(_sweep, tl, epoch, body.array())
    return xs.TimelineRotate(epoch=epoch, **schemas.rotate_response(angles, stack, rows).model_dump())


def _sweep(tl: Timeline, epoch: int, x: np.ndarray) -> tuple[Any, np.ndarray, list]:
    p = tl.predictor(epoch)
    angles, stack = p.rotations(x)
    return angles, stack, p.predict(stack)
