"""The API's response models (they appear in the OpenAPI docs at /docs)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from pydantic import BaseModel, Field

from contract.models import REGISTRY

Grid = list[list[float]]


class SoftmaxResult(BaseModel):
    """The softmax model's answer."""
    logits: list[float] = Field(description="the 10 raw outputs of the last layer")
    probs: list[float] = Field(description="softmax(logits): 10 probabilities summing to 1")
    prediction: int = Field(description="argmax of probs")
    entropy: float = Field(description="predictive entropy -Σ p log p in nats (max log 10)")


class EdlResult(BaseModel):
    """The EDL model's answer (Sensoy et al. 2018)."""
    logits: list[float] = Field(description="the 10 raw outputs of the last layer")
    evidence: list[float] = Field(description="e = g(logits) ≥ 0")
    alpha: list[float] = Field(description="Dirichlet parameters α = e + 1")
    S: float = Field(description="Dirichlet strength S = Σα")
    belief: list[float] = Field(description="belief masses b = e / S")
    u: float = Field(description="uncertainty u = K / S (K = 10); Σb + u = 1")
    probs: list[float] = Field(description="expected probabilities p̂ = α / S")
    prediction: int = Field(description="argmax of p̂")
    entropy: float = Field(description="predictive entropy of p̂ in nats")


class MeanResult(BaseModel):
    """A model averaged over stochastic passes (MC dropout) or members (deep ensemble)."""
    probs: list[float] = Field(description="the mean of the passes' or members' probabilities")
    prediction: int = Field(description="argmax of the mean")
    entropy: float = Field(description="entropy of the mean in nats (total uncertainty)")
    mutual_information: float = Field(
        description="entropy of the mean minus the mean entropy of the passes or members "
                    "(the epistemic part, nats): 0 ≤ MI ≤ entropy")
    count: int = Field(description="how many passes or members were averaged")
    votes: list[int] = Field(description="per digit, how many passes or members name it")
    spread: list[float] = Field(description="per digit, the standard deviation of its "
                                            "probability across the passes or members")
    members: Optional[list["MemberVote"]] = Field(
        None, description="the ensemble only: each member's own top digit and its probability "
                          "(member 0 is the softmax model)")
    member_probs: Optional[list[list[float]]] = Field(
        None, description="the ensemble only: each member's 10 probabilities")


class MemberVote(BaseModel):
    prediction: int = Field(description="the member's own top digit")
    probability: float = Field(description="the member's probability for it")


class PredictResponse(BaseModel):
    """Every registry model on one image, after the pipeline's MNIST-style preprocessing."""
    input: Grid = Field(description="the 28×28 input the models see, values in [0, 1]")
    softmax: SoftmaxResult
    mc_dropout: Optional[MeanResult] = Field(None, description="MC dropout: T dropout passes "
                                             "of the softmax LeNet, masks from the run's seed")
    ensemble: Optional[MeanResult] = Field(None, description="the deep ensemble of M LeNets")
    edl: EdlResult
    conv1: Optional[list[Grid]] = Field(
        None, description="with ?conv1=true: the softmax model's 20 conv1 feature maps after "
                          "ReLU (20×24×24), the maps the lecture's forward pass shows")


class RotateResponse(BaseModel):
    """Both models on the input rotated from 0° to 180° (the EDL paper's Figure 1)."""
    angles: list[float] = Field(description="rotation angles in degrees, counter-clockwise")
    images: list[Grid] = Field(description="the rotated 28×28 inputs, one per angle")
    softmax_prediction: list[int] = Field(description="softmax model's digit per angle")
    softmax_confidence: list[float] = Field(description="its highest probability per angle")
    edl_prediction: list[int] = Field(description="EDL model's digit per angle")
    edl_confidence: list[float] = Field(description="EDL's highest p̂ per angle")
    edl_u: list[float] = Field(description="EDL's uncertainty u per angle")
    more: Optional[dict[str, "SweepSeries"]] = Field(
        None, description="the models averaged over passes or members (MC dropout, the deep "
                          "ensemble), by registry name")


class SweepSeries(BaseModel):
    prediction: list[int] = Field(description="the mean's digit per angle")
    confidence: list[float] = Field(description="the mean's highest probability per angle")
    entropy: list[float] = Field(description="entropy of the mean per angle (nats)")
    mutual_information: list[float] = Field(description="mutual information per angle (nats)")


class Health(BaseModel):
    status: str = Field(description="ok when both models are loaded")
    config_hash: str = Field(description="the training configuration of the loaded checkpoints")
    lectures: int = Field(description="rendered lectures found under renders/")


def softmax_result(row: dict[str, Any]) -> SoftmaxResult:
    """From a :func:`pipeline.probes.model_out` row."""
    return SoftmaxResult(logits=_floats(row["logits"]), probs=_floats(row["probs"]),
                         prediction=row["pred"], entropy=float(row["entropy"]))


def edl_result(row: dict[str, Any]) -> EdlResult:
    """From a :func:`pipeline.probes.model_out` row of the EDL model."""
    return EdlResult(logits=_floats(row["logits"]), evidence=_floats(row["evidence"]),
                     alpha=_floats(row["alpha"]), S=float(row["S"]),
                     belief=_floats(row["belief"]), u=float(row["u"]),
                     probs=_floats(row["probs"]), prediction=row["pred"],
                     entropy=float(row["entropy"]))


def mean_result(row: dict[str, Any], votes_of_members: bool) -> MeanResult:
    """From a :func:`pipeline.inference.more_rows` row (MC dropout or the ensemble);
    ``votes_of_members``: list each member's vote (the ensemble)."""
    passes = np.asarray(row["passes"])
    own = np.asarray(row["member_pred"])
    members = None
    if votes_of_members:
        members = [MemberVote(prediction=int(k), probability=float(p[k]))
                   for k, p in zip(own, passes)]
    return MeanResult(probs=_floats(row["probs"]), prediction=row["pred"],
                      entropy=float(row["entropy"]),
                      mutual_information=float(row["mutual_information"]), count=len(passes),
                      votes=np.bincount(own, minlength=passes.shape[1]).tolist(),
                      spread=_floats(passes.std(0)), members=members,
                      member_probs=[_floats(p) for p in passes] if members else None)


def results(row: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every registry model's answer in a predictor row, by name (the models the row holds)."""
    out: dict[str, Any] = {}
    for name, model in REGISTRY.items():
        if name not in row:
            continue
        if model.predicts == "single":
            out[name] = edl_result(row[name]) if "u" in model.scores else softmax_result(row[name])
        else:
            out[name] = mean_result(row[name], model.predicts == "members")
    return out


def _floats(values: Any) -> list[float]:
    return [float(v) for v in values]


def grid(a: Any, digits: int = 4) -> Grid:
    """A 2-D array as rounded lists: pixels and maps need no more precision on a page."""
    return np.round(np.asarray(a, dtype=np.float64), digits).tolist()


def rotate_response(angles: Any, stack: np.ndarray, rows: list[dict[str, Any]]) -> RotateResponse:
    """/api/rotate's answer (and the timeline's sweep at one epoch) from the rotated stack and
    both models' rows on it."""
    sm = [r["softmax"] for r in rows]
    ed = [r["edl"] for r in rows]
    return RotateResponse(
        angles=[float(a) for a in angles], images=[grid(i, 3) for i in stack],
        softmax_prediction=[r["pred"] for r in sm],
        softmax_confidence=[float(max(r["probs"])) for r in sm],
        edl_prediction=[r["pred"] for r in ed], edl_confidence=[float(max(r["probs"])) for r in ed],
        edl_u=[float(r["u"]) for r in ed], more=sweep_series(rows) or None)


def sweep_series(rows: list[dict[str, Any]]) -> dict[str, SweepSeries]:
    """The sweep of every model averaged over passes or members that the rows hold."""
    out = {}
    for name, model in REGISTRY.items():
        if model.predicts == "single" or name not in rows[0]:
            continue
        rs = [r[name] for r in rows]
        out[name] = SweepSeries(prediction=[r["pred"] for r in rs],
                                confidence=[float(max(r["probs"])) for r in rs],
                                entropy=[float(r["entropy"]) for r in rs],
                                mutual_information=[float(r["mutual_information"]) for r in rs])
    return out


MeanResult.model_rebuild()
RotateResponse.model_rebuild()
