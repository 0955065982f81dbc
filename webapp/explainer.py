"""The explainer endpoints: the whole network for the student's input, the arithmetic of one
cell, an attack on the student's own drawing, and where the lecture explains each panel.

Every number is the checkpoints' own computation through :mod:`pipeline.inference` (the
float64 models the probes evaluate, :meth:`pipeline.models.LeNet.trace`, :mod:`pipeline.attacks`);
nothing here does model maths of its own beyond picking cells and sorting channels.

    POST /api/network?model=edl        image bytes (as /api/predict), or {"input": 28×28}
    POST /api/cell     {"input": ..., "model": "softmax", "layer": "conv2", "channel": 7,
                        "row": 3, "col": 2}
    POST /api/attack   {"input": ..., "method": "fgsm", "eps": 0.1}
    GET  /api/lecture-links
"""
from __future__ import annotations

import asyncio
from typing import Any

import numpy as np
from fastapi import APIRouter, Query, Request
from pydantic import ValidationError

from pipeline import inference
from pipeline.inference import Predictor

from . import images, links, schemas
from . import explain_schemas as xs
from .errors import ERROR_RESPONSES, ApiError, describe
from .fairness import HEAVY_RESPONSES
from .state import State
from .upload import image_bytes

router = APIRouter(prefix="/api")

#: the module that makes each stage, for its parameter count
MAKERS = {"conv1": "conv1", "conv2": "conv2", "fc1": "fc1", "logits": "fc2"}
#: the map a cell of each layer lies in, and the layer whose arithmetic explains it
CELL_MAPS = {"conv1": "conv1", "relu1": "conv1", "conv2": "conv2", "relu2": "conv2",
             "pool1": "pool1", "pool2": "pool2"}

NETWORK_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": xs.GridInput.model_json_schema()},
    "multipart/form-data": {"schema": {"type": "object", "required": ["image"], "properties": {
        "image": {"type": "string", "format": "binary"}}}},
    "image/png": {"schema": {"type": "string", "format": "binary"}},
}}}


def _state(request: Request) -> State:
    return request.app.state.platform


async def _network_input(request: Request) -> np.ndarray:
    """A JSON body's 28×28 input, or an image's (preprocessed as /api/predict does)."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        try:
            return xs.GridInput.model_validate_json(await request.body()).array()
        except ValidationError as exc:
            raise ApiError(422, "invalid_request", describe(exc.errors())) from exc
    return await asyncio.to_thread(images.to_mnist, await image_bytes(request))


@router.post("/network", response_model=xs.NetworkResponse, responses=ERROR_RESPONSES,
             openapi_extra=NETWORK_BODY, summary="Every layer of one model for the input")
async def network(request: Request, model: xs.Model = Query(
        "softmax", description="whose trunk: softmax or edl")) -> xs.NetworkResponse:
    """Send an image (as to /api/predict) or `{"input": 28×28}`; get every stage of the model's
    trunk (input, conv1, relu1, pool1, conv2, relu2, pool2, fc1, logits) as exact float64
    tensors, both models' answers and both heads' formulas filled in."""
    st = _state(request)
    x = await _network_input(request)
    row = (await st.batcher.predict(x[None]))[0]
    t = await asyncio.to_thread(inference.trace, st.predictor, model, x)
    return _network_response(st.predictor, model, t, row)


def _network_response(p: Predictor, model: str, t: dict[str, np.ndarray],
                      row: dict[str, dict[str, Any]]) -> xs.NetworkResponse:
    net = p.models[model]
    layers = [xs.Layer(key=k, shape=list(t[k].shape), values=xs.Tensor.of(t[k]),
                       params=sum(q.numel() for q in getattr(net, MAKERS[k]).parameters())
                       if k in MAKERS else 0) for k in inference.STAGES]
    sm = schemas.softmax_result(row["softmax"])
    terms = inference.softmax_terms(row["softmax"]["logits"])
    head = xs.SoftmaxHead(logits=sm.logits, max=terms["max"], exp=[float(v) for v in terms["exp"]],
                          total=terms["total"], probs=sm.probs, prediction=sm.prediction)
    edl = schemas.edl_result(row["edl"])
    cfg = p.cfg.train
    return xs.NetworkResponse(model=model, layers=layers, softmax=sm, edl=edl, softmax_head=head,
                              edl_head=xs.EdlHead(evidence_fn=cfg.evidence,
                                                  clamp=cfg.evidence_clamp, result=edl))


@router.post("/cell", response_model=xs.CellResponse, responses=ERROR_RESPONSES,
             summary="The arithmetic behind one cell of a map")
async def cell(request: Request, body: xs.CellRequest) -> xs.CellResponse:
    """conv1/relu1 and conv2/relu2 cells: window, kernel, products, sums, bias, before and after
    ReLU (conv2: the `top` channels in full, the rest summed). pool1/pool2 cells: the 2×2
    window and its winner."""
    st = _state(request)
    t = await asyncio.to_thread(inference.trace, st.predictor, body.model, body.array())
    kind = CELL_MAPS[body.layer]
    _check_cell(t[kind].shape, body)
    if kind.startswith("pool"):
        c = inference.pool_cell(t, kind, body.channel, body.row, body.col)
        wr, wc = divmod(c["winner"], inference.POOL)
        return xs.PoolCell(model=body.model, layer=kind, channel=body.channel, row=body.row,
                           col=body.col, source="relu1" if kind == "pool1" else "relu2",
                           window=c["window"].tolist(), winner_row=inference.POOL * body.row + wr,
                           winner_col=inference.POOL * body.col + wc, value=c["value"])
    c = inference.conv_cell(st.predictor, body.model, t, kind, body.channel, body.row, body.col)
    return _conv_response(body, kind, c)


def _check_cell(shape: tuple[int, ...], body: xs.CellRequest) -> None:
    n, h, w = shape
    if body.channel >= n or body.row >= h or body.col >= w:
        raise ApiError(422, "no_such_cell", f"{body.layer} has {n} maps of {h}×{w}: channel "
                       f"0-{n - 1}, row 0-{h - 1}, col 0-{w - 1}; got channel {body.channel}, "
                       f"row {body.row}, col {body.col}")


def _conv_response(body: xs.CellRequest, kind: str, c: dict[str, Any]) -> xs.ConvCell:
    subtotals = c["subtotals"]
    order = np.argsort(-np.abs(subtotals), kind="stable")  # the largest contributions first
    top = order[:body.top]
    rest = [int(i) for i in order[body.top:]]
    shown = [xs.ChannelTerms(channel=int(i), window=c["window"][i].tolist(),
                             kernel=c["kernel"][i].tolist(), products=c["products"][i].tolist(),
                             subtotal=float(subtotals[i])) for i in top]
    return xs.ConvCell(model=body.model, layer=kind, channel=body.channel, row=body.row,
                       col=body.col, in_channels=len(subtotals), shown=shown,
                       rest=float(sum(subtotals[i] for i in rest)), rest_channels=len(rest),
                       subtotals=[float(v) for v in subtotals], bias=c["bias"], pre=c["pre"],
                       post=c["post"])


@router.post("/attack", response_model=xs.AttackResponse,
             responses={**ERROR_RESPONSES, **HEAVY_RESPONSES},
             summary="FGSM or PGD on the input, both models")
async def attack(request: Request, body: xs.AttackRequest) -> xs.AttackResponse:
    """Each model is attacked on its own input gradient of cross-entropy (as the pipeline's
    probes do), then answers on its perturbed image; `flipped` says whether its answer changed.
    Goes through the heavy endpoints' work queue (429 or 503 with Retry-After when full)."""
    st = _state(request)
    async with st.heavy.admit(request):
        x = body.array()
        clean = (await st.batcher.predict(x[None]))[0]
        labels = {k: clean[k]["pred"] if body.label is None else body.label
                  for k in ("softmax", "edl")}
        rows = await st.attacks[body.method].attack(x, labels, body.eps)  # batched with others
    probe = st.predictor.cfg.probe
    pgd = body.method == "pgd"
    return xs.AttackResponse(
        method=body.method, eps=body.eps, steps=probe.pgd_steps if pgd else 1,
        step_size=body.eps * probe.pgd_step_fraction if pgd else body.eps,
        loss="cross-entropy on the logits, in float64",
        **{k: _attacked(k, x, clean[k], labels[k], rows[k]) for k in ("softmax", "edl")})


def _attacked(kind: str, x: np.ndarray, clean: dict, label: int, a: dict) -> xs.Attacked:
    """One model's part of the answer, from its attack row and its clean answer."""
    delta = a["image"] - x.astype(np.float64)
    common = dict(label=label, clean_prediction=clean["pred"], prediction=a["row"]["pred"],
                  flipped=a["row"]["pred"] != clean["pred"], image=schemas.grid(a["image"]),
                  perturbation=schemas.grid(delta), raised=int((delta > 0).sum()),
                  lowered=int((delta < 0).sum()), zero_grad_share=a["zero_grad_share"])
    if kind == "softmax":
        return xs.AttackedSoftmax(answer=schemas.softmax_result(a["row"]), **common)
    return xs.AttackedEdl(answer=schemas.edl_result(a["row"]), clean_u=float(clean["u"]), **common)


@router.get("/lecture-links", response_model=list[xs.LectureLinks],
            summary="Where each explainer panel is explained in the lecture")
async def lecture_links(request: Request) -> list[xs.LectureLinks]:
    """For every rendered lecture: panel -> the video and chapter of the section that explains
    it (panels whose section the lecture leaves out are absent)."""
    return links.for_lectures(_state(request).lectures())
