"""The API's response models (they appear in the OpenAPI docs at /docs)."""
from __future__ import annotations

from typing import Any, Optional

import numpy as np
from pydantic import BaseModel, Field

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


class PredictResponse(BaseModel):
    """Both models on one image, after the pipeline's MNIST-style preprocessing."""
    input: Grid = Field(description="the 28×28 input the models see, values in [0, 1]")
    softmax: SoftmaxResult
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
        edl_u=[float(r["u"]) for r in ed])
