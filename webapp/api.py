"""The JSON API: predict, rotate, health, the page's wording and the rendered lectures."""
from __future__ import annotations

import asyncio
from typing import Any, Optional

import numpy as np
from fastapi import APIRouter, Query, Request

from contract.models import REGISTRY

from . import images, schemas
from .errors import ERROR_RESPONSES
from .fairness import HEAVY_RESPONSES
from .state import State
from .upload import FIELD, image_bytes

router = APIRouter(prefix="/api")

#: How the image may be sent, for the OpenAPI docs (the body is read by :mod:`webapp.upload`).
IMAGE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "multipart/form-data": {"schema": {"type": "object", "required": [FIELD], "properties": {
        FIELD: {"type": "string", "format": "binary",
                "description": "any picture: PNG, JPEG, GIF, BMP, TIFF, WebP…"}}}},
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
}}}


def _state(request: Request) -> State:
    return request.app.state.platform


async def _input(request: Request) -> np.ndarray:
    """The request's image as the 28x28 input (decoding runs off the event loop)."""
    data = await image_bytes(request)
    return await asyncio.to_thread(images.to_mnist, data)


@router.post("/predict", response_model=schemas.PredictResponse, responses=ERROR_RESPONSES,
             openapi_extra=IMAGE_BODY, summary="Every model on one image")
async def predict(request: Request, conv1: bool = Query(
        False, description="also return the conv1 feature maps")) -> schemas.PredictResponse:
    """Send an image (multipart field `image`, or the raw bytes with an image content type);
    get the MNIST-style input and every registry model's answer (softmax, MC dropout, the
    deep ensemble, EDL), the same numbers as the pipeline's probes."""
    st = _state(request)
    x = await _input(request)
    row = (await st.batcher.predict(x[None]))[0]
    maps = None
    if conv1:
        raw = await asyncio.to_thread(st.predictor.conv1_maps, x)
        maps = [schemas.grid(m, 3) for m in raw]
    return schemas.PredictResponse(input=schemas.grid(x), conv1=maps, **schemas.results(row))


@router.post("/rotate", response_model=schemas.RotateResponse,
             responses={**ERROR_RESPONSES, **HEAVY_RESPONSES}, openapi_extra=IMAGE_BODY,
             summary="Every model on the image rotated 0°-180°")
async def rotate(request: Request) -> schemas.RotateResponse:
    """The same upload as /api/predict; the server rotates the 28×28 input with the pipeline's
    own rotation at the probes' angles and answers for every angle in one batch. A sweep: it
    goes through the heavy endpoints' work queue (429 or 503 with Retry-After when full)."""
    st = _state(request)
    async with st.heavy.admit(request):
        x = await _input(request)
        angles, stack = st.predictor.rotations(x)
        rows = await st.batcher.predict(stack)
    return schemas.rotate_response(angles, stack, rows)


@router.get("/health", response_model=schemas.Health, summary="Is the server up")
async def health(request: Request) -> schemas.Health:
    st = _state(request)
    return schemas.Health(status="ok", config_hash=st.predictor.cfg.hash(),
                          lectures=len(st.lectures()))


@router.get("/models", summary="The models the page shows, from the registry")
async def models(request: Request) -> list[dict[str, Any]]:
    """contract/models.py's REGISTRY in its order: name, display names, colour, how it predicts,
    its scores, and how many passes or members a prediction takes here."""
    counts = _state(request).predictor.counts()
    return [{"name": m.name, "en": m.en, "zh": m.zh, "colour": m.colour, "predicts": m.predicts,
             "scores": list(m.scores), "count": counts[m.name]}
            for m in REGISTRY.values() if m.name in counts]


@router.get("/wording", summary="The page's words, English and Chinese")
async def wording(request: Request) -> dict[str, dict[str, str]]:
    return _state(request).wording


@router.get("/lectures", summary="The rendered lectures and their videos")
async def lecture_list(request: Request) -> list[dict[str, Any]]:
    """Each lecture says whether it is its language's default (the page opens on that one)."""
    st = _state(request)
    return [{"id": lec.id, "language": lec.language,
             "default": lec.is_default(st.settings.lectures), "videos": lec.videos,
             "slides": _slides(lec)}
            for lec in st.lectures(rescan=True)]


def _slides(lec: Any) -> dict[str, Optional[str]]:
    """The lecture's deck (opened from /slides/, where its assets lie beside it) and PPTX."""
    out: dict[str, Optional[str]] = {"deck": None, "pptx": None}
    for i, f in lec.files.items():
        if f.path.name == "index.html" and f.path.parent.name == "slides":
            out["deck"] = f"/slides/{lec.id}/index.html"
        elif f.path.suffix == ".pptx":
            out["pptx"] = f"/media/{lec.id}/{i}"
    return out

