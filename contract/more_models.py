"""scene_data sections of the models beyond the lecture pair (MC dropout, the deep ensemble):
optional parts of heldout.json (``Heldout.more``) and unrelated.json (``OODSet.more``), and the
cost table of models.json.

Optional so that a dump made before these models existed (the frozen test fixture) still
loads: there ``more`` is None and models.json is absent. Every interval is a paired bootstrap
against the reference model (:data:`contract.models.REFERENCE`, EDL) on the same resampled
examples, drawn in the same order as the softmax-vs-EDL intervals, so EDL's own intervals here
equal the ones in the existing sections.

    held = scene_io.load(Heldout, "scene_data").more
    held.models["ensemble"].compare["accuracy"].diff_ci    # ensemble minus EDL, 95%
    held.scores["mc_dropout"].mutual_information           # per held-out digit, nats

Imports neither torch nor manim, nor the rest of the contract (scene_data imports this).
"""
from __future__ import annotations

from typing import Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

Interval = list[float]  # a bootstrap 95% interval [lo, hi]


class Strict(BaseModel):
    """Like ``contract.scene_data.Strict``: unknown fields refused, values frozen."""
    model_config = ConfigDict(extra="forbid", frozen=True)


class VsReference(Strict):
    """One metric of a model and of the reference (EDL), and model minus reference, each with its
    95% paired bootstrap interval."""
    value: float
    reference: float = Field(description="the reference model's value (EDL)")
    diff: float = Field(description="value - reference")
    value_ci: Interval
    reference_ci: Interval
    diff_ci: Interval = Field(description="a model is called better only where it excludes 0")


class ModelScores(Strict):
    """Per-example scores of one model, in the file's example order (stored exactly)."""
    pred: list[int] = Field(description="argmax of the mean probabilities")
    max_prob: list[float] = Field(description="largest mean probability")
    entropy: list[float] = Field(description="entropy of the mean prediction, nats")
    mutual_information: list[float] = Field(description=(
        "entropy of the mean minus the mean entropy of the passes / members, nats (>= 0)"))
    member_pred: Optional[list[list[int]]] = Field(None, description=(
        "ensemble only: per member, its own predicted class per example"))

    @model_validator(mode="after")
    def _check(self) -> "ModelScores":
        n = len(self.pred)
        for name in ("max_prob", "entropy", "mutual_information"):
            if len(getattr(self, name)) != n:
                raise ValueError(f"{name} has {len(getattr(self, name))} entries, pred has {n}")
        if self.member_pred is not None and any(len(m) != n for m in self.member_pred):
            raise ValueError("member_pred rows must have one entry per example")
        return self


class MoreHeldoutModel(Strict):
    passes: int = Field(description="forward passes (MC dropout) or members (ensemble) averaged")
    accuracy: float
    accuracy_ci: Interval
    ece: float = Field(description="expected calibration error (bins of ProbeConfig.reliability_bins)")
    ece_ci: Interval
    mean_entropy: float
    mean_mutual_information: float
    threshold_accuracy: list[float] = Field(description=(
        "rejection curve: accuracy of the digits kept (entropy / log 10 <= threshold), on "
        "ModelHeldout.threshold's grid"))
    threshold_kept: list[float] = Field(description="share of digits kept per threshold")
    compare: dict[str, VsReference] = Field(description=(
        "accuracy, ece, rejection (accuracy of the ProbeConfig.rejection_share most certain: "
        "this model by entropy, EDL by u): against EDL"))


class MoreHeldout(Strict):
    reference: str = Field(description="the model compared against (edl)")
    bootstrap_reps: int
    models: dict[str, MoreHeldoutModel] = Field(description="'mc_dropout' and 'ensemble'")
    scores: dict[str, ModelScores] = Field(description="per model, per held-out digit (order of Heldout.scores)")


class MoreOODModel(Strict):
    mean_entropy: float
    mean_mutual_information: float
    entropy_cdf: list[float] = Field(description="empirical CDF of entropy on Unrelated.entropy_grid")
    auroc_entropy: float = Field(description="held-out vs this set, score = entropy")
    auroc_entropy_ci: Interval
    own_score: str = Field(description="the model's own score (contract.models): mutual_information")
    auroc_own: float = Field(description="held-out vs this set, score = own_score")
    auroc_own_ci: Interval
    compare: dict[str, VsReference] = Field(description=(
        "auroc_entropy: both by entropy; auroc_own: this model by its own score against EDL by u"))


class MoreOOD(Strict):
    reference: str
    models: dict[str, MoreOODModel] = Field(description="'mc_dropout' and 'ensemble'")
    scores: dict[str, ModelScores] = Field(description="per model, per example of the set")


class MoreRotationModel(Strict):
    """One model on the rotated digit: every pass's (MC dropout) or member's (ensemble)
    probabilities per angle, their mean, and how far they disagree."""
    passes: list[list[list[float]]] = Field(description="(passes or members, angles, 10)")
    probs: list[list[float]] = Field(description="(angles, 10) the mean prediction")
    entropy: list[float] = Field(description="per angle, entropy of the mean, nats")
    mutual_information: list[float] = Field(description="per angle, nats")
    spread: list[float] = Field(description=(
        "per angle: standard deviation over the passes or members of the probability each gives "
        "the class the mean predicts"))
    disagreement: list[float] = Field(description=(
        "per angle: share of passes or members whose own top class differs from the mean's"))


class MoreRotation(Strict):
    models: dict[str, MoreRotationModel] = Field(description="'mc_dropout' and 'ensemble'")


class MoreAttackModel(Strict):
    """One model under one attack over the eps grid, through cross-entropy on its mean
    prediction (-log of the mean probability of the true digit)."""
    accuracy: list[float] = Field(description="held-out accuracy per eps")
    mean_entropy: list[float] = Field(description="mean entropy of the mean prediction per eps")
    zero_grad_share: list[float] = Field(description="per eps: share of digits with an exactly zero input gradient")
    compare: list[VsReference] = Field(description="per eps: accuracy against EDL's under the same attack")


class MoreAttacks(Strict):
    gradient: str = Field(description="how each model's input gradient is taken")
    fgsm: dict[str, MoreAttackModel]
    pgd: dict[str, MoreAttackModel]


class ModelCost(Strict):
    """What one prediction of one model costs, measured on the machine that made scene_data."""
    passes: int = Field(description="forward passes per prediction (T for MC dropout, M for the ensemble)")
    params: int = Field(description="learned parameters used per prediction (M LeNets for the ensemble)")
    ms_batch1: float = Field(description="milliseconds per image, one image per call (median)")
    ms_batch256: float = Field(description="milliseconds per image, 256 images per call (median)")
    training_seconds: float = Field(description="training wall clock (MC dropout: the softmax model's; ensemble: all members)")
    timed: str = Field(description="what exactly was timed")
