"""Typed results of the pipeline: what a model outputs on a batch, and what each probe computes
before it is written to scene_data.

Two kinds of type live here:

- the pipeline's working values: :class:`ModelOutputs` (one model on N images, as
  :func:`pipeline.train.outputs` returns it), :class:`Dirichlet` (EDL's part of it),
  :class:`UnrelatedSet` / :class:`UnrelatedInputs` (the unrelated images probed) and
  :class:`Estimate` (a metric with its bootstrap replicates);
- one frozen dataclass per scene_data record, named like the ``contract.scene_data`` model it
  fills, its fields in the order the file lists them (what each field means is documented
  there). The six top-level ones name their file's model in ``CONTRACT``.

:func:`record` turns a result into the plain dict that ``scene_io.save`` validates and writes:

    out = ModelOutputs(logits=z, probs=p)              # the softmax model on N images
    out.pred, out.max_prob                             # (N,) argmax and largest probability
    scene_io.save(result.CONTRACT, {"provenance": prov, **record(result)}, folder)

numpy only (no torch), so that :mod:`pipeline.selection` can use these types too.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, ClassVar, Optional

import numpy as np

from contract import scene_data as contract

from contract import scene_io
from contract.scene_data import MODELS, Kind


def merged(of: type) -> Any:
    """A field holding an optional ``of`` whose own fields :func:`record` writes in its place
    (nothing when it is None): the EDL-only extras of a record that both models share."""
    return field(default=None, metadata={"merged": of})


def record(result: Any) -> Any:
    """``result`` as plain data for ``scene_io.save``: a dataclass becomes a dict of its fields
    in declaration order (a :func:`merged` field adds its fields in its place), dicts and lists
    are converted item by item; numpy values are left for ``scene_io.save`` to convert."""
    if is_dataclass(result) and not isinstance(result, type):
        out: dict[str, Any] = {}
        for f in fields(result):
            value = getattr(result, f.name)
            if f.metadata.get("merged"):
                out.update(record(value) if value is not None else {})
            else:
                out[f.name] = record(value)
        return out
    if isinstance(result, dict):
        return {k: record(v) for k, v in result.items()}
    if isinstance(result, (list, tuple)):
        return [record(v) for v in result]
    return result


def per_model() -> Any:
    """A field holding one empty list per model, filled as a probe goes."""
    return field(default_factory=lambda: {k: [] for k in MODELS})


# -- what a model outputs -------------------------------------------------------------------------
@dataclass(frozen=True)
class Dirichlet:
    """EDL's Dirichlet quantities (:func:`pipeline.edl.dirichlet`): for N images (N, 10) and (N,)
    arrays, or, from :meth:`row`, one image's (``S`` and ``u`` as floats)."""
    evidence: np.ndarray
    alpha: np.ndarray
    S: np.ndarray | float
    belief: np.ndarray
    u: np.ndarray | float

    def row(self, i: int) -> "Dirichlet":
        return Dirichlet(evidence=self.evidence[i], alpha=self.alpha[i], S=float(self.S[i]),
                         belief=self.belief[i], u=float(self.u[i]))


@dataclass(frozen=True)
class ModelOutputs:
    """One model's eval-mode outputs for N images: logits and probabilities (N, 10), softmax for
    the softmax model and p_hat = alpha / S for EDL, which also carries its :class:`Dirichlet`
    (None for the softmax model)."""
    logits: np.ndarray
    probs: np.ndarray
    dirichlet: Optional[Dirichlet] = None

    @property
    def pred(self) -> np.ndarray:
        """(N,) the predicted class."""
        return self.probs.argmax(1)

    @property
    def max_prob(self) -> np.ndarray:
        """(N,) the probability of the predicted class."""
        return self.probs.max(1)


@dataclass(frozen=True)
class ModelOut:
    """One model on one image."""
    logits: np.ndarray
    probs: np.ndarray
    pred: int
    entropy: float
    dirichlet: Optional[Dirichlet] = merged(Dirichlet)


@dataclass(frozen=True)
class Estimate:
    """A metric's value and its bootstrap replicates (the interval comes from these)."""
    value: float
    replicates: np.ndarray


@dataclass(frozen=True)
class Diff:
    """One metric for both models, EDL minus softmax, each with its paired bootstrap interval."""
    softmax: float
    edl: float
    diff: float
    softmax_ci: list[float]
    edl_ci: list[float]
    diff_ci: list[float]


@dataclass(frozen=True)
class Scores:
    """Per-example scores of both models, one entry per example."""
    label: list[Optional[int]]
    softmax_pred: np.ndarray
    softmax_max_prob: np.ndarray
    softmax_entropy: np.ndarray
    edl_pred: np.ndarray
    edl_max_prob: np.ndarray
    edl_entropy: np.ndarray
    edl_u: np.ndarray

    def __len__(self) -> int:
        return len(self.label)

    def ood_score(self, name: str) -> np.ndarray:
        """Column ``name`` as an OOD score, higher meaning more likely unrelated: entropy and u
        as they are, max probability as 1 - max probability."""
        column = getattr(self, name)
        return 1 - column if name.endswith("_max_prob") else column

    @classmethod
    def pooled(cls, parts: list["Scores"]) -> "Scores":
        """The examples of ``parts`` in one (their labels dropped: the classes of different
        sets are not comparable)."""
        columns = {f.name: np.concatenate([getattr(p, f.name) for p in parts])
                   for f in fields(cls) if f.name != "label"}
        return cls(label=[None] * sum(len(p) for p in parts), **columns)


# -- forward_pass.json ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkedConv:
    kernel: int
    row: int
    col: int
    patch: np.ndarray
    weights: np.ndarray
    bias: float
    value: float


@dataclass(frozen=True)
class ForwardPass:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.ForwardPass
    heldout_index: int
    selection: str
    label: int
    image: np.ndarray
    conv1_weight: np.ndarray
    conv1_bias: np.ndarray
    conv1: np.ndarray
    relu1: np.ndarray
    pool1: np.ndarray
    conv2: np.ndarray
    relu2: np.ndarray
    pool2: np.ndarray
    fc1: np.ndarray
    worked: WorkedConv
    softmax: ModelOut
    edl: ModelOut


# -- heldout.json ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeldoutEDL:
    """What only the EDL model has on the held-out digits."""
    mean_u_correct: Optional[float]
    mean_u_wrong: Optional[float]
    mean_evidence_correct: Optional[float]
    mean_evidence_wrong: Optional[float]
    saturated_share: float


@dataclass(frozen=True)
class ModelHeldout:
    accuracy: float
    accuracy_ci: list[float]
    n: int
    ece: float
    ece_ci: list[float]
    reliability: list[dict]
    mean_entropy: float
    threshold: np.ndarray
    threshold_accuracy: np.ndarray
    threshold_kept: np.ndarray
    threshold_accuracy_ci: list[list[float]]
    edl: Optional[HeldoutEDL] = merged(HeldoutEDL)


@dataclass(frozen=True)
class Mistake:
    heldout_index: int
    image: np.ndarray
    label: int
    softmax: ModelOut
    edl: ModelOut


@dataclass(frozen=True)
class HeldoutCompare:
    accuracy: Diff
    ece: Diff
    rejection: Diff
    rejection_share: float


@dataclass(frozen=True)
class Heldout:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.Heldout
    models: dict[Kind, ModelHeldout]
    compare: HeldoutCompare
    min_bin_count: int
    bootstrap_reps: int
    scores: Scores
    mistakes: list[Mistake]
    more: Optional[dict] = None  # MC dropout and the ensemble: pipeline.more_probes.heldout_more


# -- unrelated.json -------------------------------------------------------------------------------
@dataclass(frozen=True)
class UnrelatedSet:
    """One set of unrelated images: ``labels`` are class indices within the set (letter 0-9 for
    A-J, Fashion-MNIST class 0-9), None for noise and user images."""
    key: str
    source: str
    images: np.ndarray  # (N, 1, 28, 28)
    names: list[str]
    labels: list[Optional[int]]

    @property
    def pooled(self) -> bool:
        """Whether the set joins the pooled results: the user's images never do."""
        return self.key != "user"


@dataclass(frozen=True)
class UnrelatedInputs:
    """The unrelated sets probed, in order letters, fashion, noise, user; and those skipped,
    each with the reason."""
    sets: list[UnrelatedSet]
    skipped: list[str]


@dataclass(frozen=True)
class OODExample:
    name: str
    label: Optional[int]
    image: np.ndarray
    softmax: ModelOut
    edl: ModelOut


@dataclass(frozen=True)
class OODStatsEDL:
    """What only the EDL model has on an unrelated set."""
    mean_u: float
    auroc_u: float
    auroc_u_ci: list[float]


@dataclass(frozen=True)
class ModelOODStats:
    mean_max_prob: float
    mean_entropy: float
    entropy_cdf: np.ndarray
    auroc_entropy: float
    auroc_entropy_ci: list[float]
    auroc_max_prob: float
    confident_share: float
    edl: Optional[OODStatsEDL] = merged(OODStatsEDL)


@dataclass(frozen=True)
class OODCompare:
    auroc_entropy: Diff
    auroc_u: Diff


@dataclass(frozen=True)
class OODSet:
    key: str
    source: str
    n: int
    class_counts: dict[str, int]
    examples: list[OODExample]
    stats: dict[Kind, ModelOODStats]
    compare: OODCompare
    scores: Scores
    more: Optional[dict] = None  # MC dropout and the ensemble: pipeline.more_probes.ood_more


@dataclass(frozen=True)
class Unrelated:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.Unrelated
    entropy_grid: np.ndarray
    heldout_cdf: dict[Kind, np.ndarray]
    sets: list[OODSet]
    combined_auroc: dict[str, float]
    pooled_sets: list[str]
    pooled_compare: OODCompare
    skipped: list[str]


# -- rotation.json --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Rotation:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.Rotation
    digit: int
    heldout_index: int
    angles: np.ndarray
    images: np.ndarray
    softmax_probs: np.ndarray
    edl_probs: np.ndarray
    edl_u: np.ndarray
    edl_evidence: np.ndarray
    more: Optional[dict] = None  # MC dropout and the ensemble: pipeline.more_probes.rotation_more


# -- attacks.json ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attack:
    """Filled one eps at a time by :func:`pipeline.probes.attack`."""
    accuracy: dict[Kind, list[float]] = per_model()
    mean_entropy: dict[Kind, list[float]] = per_model()
    zero_grad_share: dict[Kind, list[float]] = per_model()
    edl_mean_u: list[float] = field(default_factory=list)
    compare: list[Diff] = field(default_factory=list)


@dataclass(frozen=True)
class OwnLossAttack:
    accuracy: dict[Kind, list[float]] = per_model()
    zero_grad_share: dict[Kind, list[float]] = per_model()


@dataclass(frozen=True)
class Attacks:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.Attacks
    eps: list[float]
    loss: str
    pgd_steps: int
    pgd_step_fraction: float
    fgsm: Attack
    pgd: Attack
    own_loss_fgsm: OwnLossAttack
    example_index: int
    example_images: list[np.ndarray]
    more: Optional[dict] = None  # MC dropout and the ensemble: pipeline.more_attacks.attacks_more


# -- inside.json ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Attribution:
    target: int
    gradcam: np.ndarray
    saliency: np.ndarray


@dataclass(frozen=True)
class InsideInput:
    role: str
    name: str
    label: Optional[int]
    image: np.ndarray
    softmax: Attribution
    edl: Attribution


@dataclass(frozen=True)
class ActMax:
    images: np.ndarray
    score: np.ndarray


@dataclass(frozen=True)
class EmbeddingModel:
    pca: np.ndarray
    pca_explained: np.ndarray
    tsne: np.ndarray


@dataclass(frozen=True)
class Embedding:
    group: list[str]
    label: list[Optional[int]]
    models: dict[Kind, EmbeddingModel]


@dataclass(frozen=True)
class Inside:
    CONTRACT: ClassVar[type[contract.SceneFile]] = contract.Inside
    score: dict[Kind, str]
    inputs: list[InsideInput]
    activation_max: dict[Kind, ActMax]
    actmax_method: str
    embedding: Embedding
    confusion: dict[Kind, np.ndarray]
    most_confused: dict[Kind, list[int]]
