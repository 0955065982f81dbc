"""Request and response models of the explainer endpoints (/api/network, /api/cell,
/api/attack, /api/lecture-links); they appear in the OpenAPI docs at /docs.

Every request names the 28×28 input itself (values in [0, 1], as /api/predict returns it), so a
page that paints single pixels asks about exactly what it shows:

    NetworkRequest(input=[[0.0] * 28] * 28, model="edl")
    CellRequest(input=..., model="softmax", layer="conv2", channel=7, row=3, col=2, top=3)
"""
from __future__ import annotations

import base64
import math
from typing import Literal, Optional, Union

import numpy as np
from pydantic import BaseModel, Field, field_validator

from .schemas import EdlResult, Grid, RotateResponse, SoftmaxResult

Model = Literal["softmax", "edl"]
CellLayer = Literal["conv1", "relu1", "conv2", "relu2", "pool1", "pool2"]
SIDE = 28


class GridInput(BaseModel):
    """A 28×28 input in [0, 1]."""
    input: Grid = Field(description="28 rows of 28 values in [0, 1], as /api/predict returns")

    @field_validator("input")
    @classmethod
    def _side_and_range(cls, v: Grid) -> Grid:
        if len(v) != SIDE or any(len(row) != SIDE for row in v):
            shape = f"{len(v)} rows of {sorted({len(r) for r in v})} values"
            raise ValueError(f"input must be 28 rows of 28 values, got {shape}")
        for row in v:
            for x in row:
                if not math.isfinite(x) or not 0.0 <= x <= 1.0:
                    raise ValueError(f"every input value must be in [0, 1], got {x}")
        return v

    def array(self) -> np.ndarray:
        return np.asarray(self.input, dtype=np.float32)


class NetworkRequest(GridInput):
    """The input and the model whose trunk is traced."""
    model: Model = Field("softmax", description="whose layers: the softmax or the EDL model")


class Tensor(BaseModel):
    """An array, exactly: little-endian float64, row-major, base64 (one atob() and a
    Float64Array on a page; ``np.frombuffer(base64.b64decode(data)).reshape(shape)`` in Python)."""
    shape: list[int]
    data: str = Field(description="base64 of the float64 values, little-endian, row-major")

    @classmethod
    def of(cls, a: np.ndarray) -> "Tensor":
        a = np.ascontiguousarray(a, dtype="<f8")
        return cls(shape=list(a.shape), data=base64.b64encode(a.tobytes()).decode("ascii"))

    def array(self) -> np.ndarray:
        return np.frombuffer(base64.b64decode(self.data), "<f8").reshape(self.shape)


class Layer(BaseModel):
    """One stage of the network as the model computed it for this input."""
    key: str = Field(description="input, conv1, relu1, pool1, conv2, relu2, pool2, fc1, logits")
    shape: list[int] = Field(description="the stage's output shape, e.g. [20, 24, 24]")
    params: int = Field(description="learned parameters of the layer that makes this stage")
    values: Tensor


class SoftmaxHead(BaseModel):
    """softmax(z)_k = exp(z_k − max z) / Σ_j exp(z_j − max z), filled in with the softmax
    model's logits for this input."""
    logits: list[float]
    max: float = Field(description="max z (subtracted so that exp stays finite)")
    exp: list[float] = Field(description="exp(z_k − max z)")
    total: float = Field(description="Σ_j exp(z_j − max z)")
    probs: list[float] = Field(description="the probabilities, as /api/predict reports them")
    prediction: int


class EdlHead(BaseModel):
    """The EDL model's head for this input: e = g(z), α = e + 1, S = Σα, b = e / S, u = K / S,
    p̂ = α / S; ``evidence_fn`` and ``clamp`` name g as the checkpoints were trained."""
    evidence_fn: str = Field(description="relu, softplus, exp (z clamped to ±clamp) or exp_tanh")
    clamp: float
    result: EdlResult


class NetworkResponse(BaseModel):
    """Every stage of one model's trunk for the input, and both models' answers and heads."""
    model: Model
    layers: list[Layer]
    softmax: SoftmaxResult
    edl: EdlResult
    softmax_head: SoftmaxHead
    edl_head: EdlHead


class CellRequest(NetworkRequest):
    """A cell of one map: conv1/relu1 and conv2/relu2 cells show the multiply-add, pool cells
    their window."""
    layer: CellLayer
    channel: int = Field(ge=0, description="the map (0-19 for conv1 and pool1, 0-49 after)")
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    top: int = Field(3, ge=1, le=20, description="conv2: how many input channels to show in "
                     "full (the largest contributions); the rest are summed")


class ChannelTerms(BaseModel):
    """One input channel of a convolution cell: window ⊙ kernel, and the sum of the products."""
    channel: int
    window: Grid = Field(description="the 5×5 input window (the image, or pool1's map)")
    kernel: Grid = Field(description="the learned 5×5 weights for this channel")
    products: Grid = Field(description="window × kernel, element by element")
    subtotal: float = Field(description="Σ products")


class ConvCell(BaseModel):
    """value before ReLU = Σ over input channels of Σ window ⊙ kernel, + bias; after ReLU
    max(0, ·). ``shown`` holds the ``top`` channels with the largest |subtotal| (conv1 has one);
    ``rest`` is the sum of the other channels' subtotals, so Σ shown + rest + bias = pre."""
    kind: Literal["conv"] = "conv"
    model: Model
    layer: Literal["conv1", "conv2"]
    channel: int
    row: int
    col: int
    in_channels: int
    shown: list[ChannelTerms]
    rest: float = Field(description="Σ of the subtotals of the channels not shown")
    rest_channels: int
    subtotals: list[float] = Field(description="every input channel's Σ products, by channel")
    bias: float
    pre: float = Field(description="the map's value before ReLU, as /api/network reports it")
    post: float = Field(description="after ReLU: max(0, pre)")


class PoolCell(BaseModel):
    """A max-pool cell: its 2×2 window of the ReLU map before it and which entry won."""
    kind: Literal["pool"] = "pool"
    model: Model
    layer: Literal["pool1", "pool2"]
    channel: int
    row: int
    col: int
    source: Literal["relu1", "relu2"]
    window: Grid
    winner_row: int = Field(description="the winner's row in the source map")
    winner_col: int
    value: float = Field(description="the pooled value, as /api/network reports it")


CellResponse = Union[ConvCell, PoolCell]


class AttackRequest(GridInput):
    """An attack on the input: FGSM or PGD through cross-entropy, both models each on its own
    gradient, as the pipeline's probes attack held-out digits."""
    method: Literal["fgsm", "pgd"] = "fgsm"
    eps: float = Field(ge=0.0, le=0.3, description="L∞ budget ε, 0 to 0.3 (the lecture's range)")
    label: Optional[int] = Field(None, ge=0, le=9, description="the digit the attack moves away "
                                 "from; default: each model's own answer on the clean input")


class Attacked(BaseModel):
    """One model under attack."""
    label: int = Field(description="the digit attacked (cross-entropy is raised against it)")
    clean_prediction: int
    prediction: int = Field(description="the model's answer on its perturbed image")
    flipped: bool = Field(description="prediction ≠ clean_prediction")
    image: Grid = Field(description="the perturbed 28×28 image, clipped to [0, 1]")
    perturbation: Grid = Field(description="perturbed − input, in [−ε, ε]")
    raised: int = Field(description="pixels made brighter")
    lowered: int = Field(description="pixels made darker")
    zero_grad_share: float = Field(description="1 when the input gradient was exactly zero "
                                   "(the attack could not move): must stay 0")


class AttackedSoftmax(Attacked):
    answer: SoftmaxResult


class AttackedEdl(Attacked):
    clean_u: float
    answer: EdlResult


class AttackResponse(BaseModel):
    method: Literal["fgsm", "pgd"]
    eps: float
    steps: int = Field(description="1 for FGSM; the probes' PGD steps")
    step_size: float = Field(description="ε for FGSM; ε × the probes' step fraction for PGD")
    loss: str
    softmax: AttackedSoftmax
    edl: AttackedEdl


class ChapterLink(BaseModel):
    """Where the lecture explains a panel: the video (position in /api/lectures' list of the
    lecture) and its chapter."""
    sequence: str
    section: str
    video: int
    chapter: int
    start: float = Field(description="seconds into the video")
    title: str


class LectureLinks(BaseModel):
    lecture: str = Field(description="the lecture folder, as /api/lectures names it")
    panels: dict[str, ChapterLink]


class TimelineRequest(GridInput):
    """The input and an epoch of training (1 to the last saved, as /api/timeline lists)."""
    epoch: int = Field(ge=1, description="the models as they were after this epoch")


class Curves(BaseModel):
    """One model's per-epoch loss and accuracy, as training recorded them (training.json)."""
    train_loss: list[float]
    heldout_loss: list[float]
    train_acc: list[float]
    heldout_acc: list[float]


class TimelineInfo(BaseModel):
    """What the timeline can show: the saved epochs, the KL weight and the curves per epoch."""
    epochs: list[int] = Field(description="epochs whose weights were saved, in order")
    kl_weight: list[float] = Field(description="EDL's λ_t = min(1, (t − 1) / annealing "
                                   "epochs) during each epoch")
    annealing_epochs: int
    curves: dict[str, Curves] = Field(description="softmax and edl")


class TimelineStep(BaseModel):
    """Both models after one epoch on the input, and that epoch's λ_t and losses."""
    epoch: int
    kl_weight: float = Field(description="λ_t during this epoch")
    softmax: SoftmaxResult
    edl: EdlResult
    train_loss: dict[str, float] = Field(description="each model's training loss at this epoch")
    heldout_loss: dict[str, float] = Field(description="each model's held-out loss")
    info: TimelineInfo


class TimelineRotate(RotateResponse):
    """The rotation sweep (as /api/rotate) with the models after one epoch."""
    epoch: int
