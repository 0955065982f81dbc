"""What the comparison data shows (sequence 5): which model is better on each metric, by how
much, or a tie.

The comparison scene picks its wording (YAML text keys such as ``auroc_edl_wins``,
``auroc_softmax_wins``, ``auroc_tie``) from these verdicts, so the lecture says whatever the
data says, also where EDL does not win.

    from scenes.comparison import findings
    v = findings.auroc(data, "letters")      # held-out vs letters, score = entropy
    v.winner                                 # 'softmax', 'edl' or 'tie' (too close to call)
    v.softmax, v.edl, v.ci                   # the two values, the 95% interval of edl - softmax
    rows = findings.summary(data)            # every verdict of the closing table, in order

Every function takes the loaded :class:`contract.scene_data.SceneData` (or anything with the same
attributes) and names the scene_data fields its values come from (``Verdict.sources``), read
through :mod:`scenes.shown`: ``Verdict.at`` is the ``Diff`` it was read from, as a
:class:`scenes.shown.Ref`, so a scene records its numbers without writing their sources.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from contract.scene_data import MODELS, SceneData
from scenes.findings import CONFIDENCE_TOLERANCE, TIE, Verdict, calibration, confidence_gap, from_diff
from scenes.shown import Ref, at


#: Only the rotated digit still uses a fixed margin (it compares two means of u over a handful
#: of angles, no resampling): EDL's mean u where softmax is wrong vs where it is right.
ROTATION_U_TOLERANCE = 0.05


def accuracy(data: SceneData) -> Verdict:
    """Held-out accuracy (higher is better)."""
    return from_diff("accuracy", at(data).heldout.compare.accuracy)


def set_keys(data: SceneData) -> list[str]:
    """The unrelated sets present, in dump order."""
    return [s.key for s in data.unrelated.sets]


def auroc(data: SceneData, set_key: Optional[str] = None, edl_score: str = "entropy") -> Verdict:
    """OOD detection AUROC, held-out digits vs unrelated inputs (higher is better).

    ``set_key``: one unrelated set, or None for the pooled sets (``unrelated.pooled_compare``:
    every example of ``unrelated.pooled_sets`` counted once). The softmax model is scored by
    its predictive entropy; EDL by its entropy (``edl_score='entropy'``, like for like) or by
    u (``'u'``).
    """
    if edl_score not in ("entropy", "u"):
        raise ValueError(f"edl_score {edl_score!r}: 'entropy' or 'u'")
    u = at(data).unrelated
    if set_key is None:
        cmp = u.pooled_compare
    else:
        cmp = u.sets[[s.key for s in data.unrelated.sets].index(set_key)].compare
    return from_diff("auroc", getattr(cmp, f"auroc_{edl_score}"), set=set_key or "pooled",
                     edl_score=edl_score)


def auroc_by_set(data: SceneData, edl_score: str = "entropy") -> dict[str, Verdict]:
    """One AUROC verdict per unrelated set (in dump order), then ``'pooled'``."""
    out = {k: auroc(data, k, edl_score) for k in set_keys(data)}
    out["pooled"] = auroc(data, None, edl_score)
    return out


def auroc_judged(data: SceneData, edl_score: str = "entropy"
                 ) -> tuple[dict[str, Verdict], Verdict]:
    """The per-set verdicts a lecture speaks (dump order, the user's own images left out: a
    handful of files, not a set to judge the models by) and the pooled verdict."""
    by_set = auroc_by_set(data, edl_score)
    pooled = by_set.pop("pooled")
    by_set.pop("user", None)
    return by_set, pooled


def kept_curve(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """(share kept, accuracy of the kept) at the thresholds that keep something, by share."""
    kept = np.asarray(model.threshold_kept, float)
    acc = np.asarray(model.threshold_accuracy, float)
    keep = kept > 0
    kept, acc = kept[keep], acc[keep]
    order = np.argsort(kept, kind="stable")
    return kept[order], acc[order]


def rejection(data: SceneData) -> Verdict:
    """Rejecting the most uncertain: accuracy of the digits kept when both models keep the same
    share (``heldout.compare.rejection_share``, the most certain by u for EDL and by entropy
    for softmax), higher is better."""
    c = data.heldout.compare
    return from_diff("rejection", at(data).heldout.compare.rejection,
                     share=float(c.rejection_share))


def rejection_floor(data: SceneData, others: tuple[str, ...] = ()) -> tuple[float, float]:
    """The lowest accuracy and the lowest share kept that the rejection charts must show: every
    point of the pair's and of ``others``' kept curves (:func:`kept_curve`), every value at the
    equal share and that share (accuracy is shown up to 1 in any case)."""
    v = rejection(data)
    rows = [data.heldout.models[m] for m in MODELS] + [data.heldout.more.models[m] for m in others]
    curves = [kept_curve(r) for r in rows]
    at_share = [v.softmax, v.edl] + [float(r.compare["rejection"].value) for r in rows[2:]]
    acc = np.concatenate([c[1] for c in curves] + [np.ones(1), at_share])
    share = min([float(c[0].min()) for c in curves if c[0].size] + [v.extra["share"]])
    return float(acc.min()), share


def entropy_cdf(values: Any, grid: Any) -> list[float]:
    """The empirical CDF of per-example entropies on the grid, as the pipeline computes the
    stored ones (share of values <= each grid point)."""
    v = np.sort(np.asarray(values, float))
    return list(np.searchsorted(v, np.asarray(grid, float), side="right") / max(len(v), 1))


@dataclass(frozen=True)
class VsEdl:
    """One model beside EDL on one metric: both values and the 95% paired interval of
    (model - EDL), stored in a ``more`` section's ``compare`` entry."""
    model: str
    value: float
    edl: float
    ci: tuple[float, float]
    higher_is_better: bool = True

    @property
    def outcome(self) -> str:
        """``ahead`` / ``behind`` of EDL beyond the interval, or ``tie`` (it holds 0)."""
        if self.ci[0] <= 0 <= self.ci[1]:
            return TIE
        return "ahead" if (self.ci[0] > 0) == self.higher_is_better else "behind"


def vs_edl(model: str, entry: Any, higher_is_better: bool = True) -> VsEdl:
    """``entry``: a ``VsReference`` (``heldout.more.models.<m>.compare['accuracy']``...)."""
    return VsEdl(model, float(entry.value), float(entry.reference),
                 (float(entry.diff_ci[0]), float(entry.diff_ci[1])), higher_is_better)


def attack(data: SceneData, method: str = "fgsm") -> list[Verdict]:
    """Accuracy under ``attacks.<method>`` (fgsm or pgd) per epsilon, higher is better."""
    a = data.attacks
    compare = getattr(at(data).attacks, method).compare
    return [from_diff(method, compare[i], eps=float(e), index=i) for i, e in enumerate(a.eps)]


def attack_strongest(data: SceneData, method: str = "fgsm") -> Verdict:
    """Accuracy under the largest perturbation."""
    return max(attack(data, method), key=lambda v: v.extra["eps"])


def masked_share(data: SceneData, method: str = "fgsm") -> float:
    """The largest share of digits, over models and eps > 0, whose input gradient was exactly
    zero under ``method``: an attack that cannot move them (must be ~0 to be trusted)."""
    a = data.attacks
    z = getattr(a, method).zero_grad_share
    return float(max(z[m][i] for m in MODELS for i, e in enumerate(a.eps) if e > 0))


#: EDL's mean u must grow by more than this from the weakest to the strongest attack for the
#: lecture to call it a rise
U_RISE = 0.02


#: a share of vanished gradients under the model's own loss worth mentioning
OWN_LOSS_MASKED = 0.01


def weakest_attack(data: SceneData) -> int:
    """Index of the smallest eps in ``attacks.eps`` (0 where the sweep starts unperturbed)."""
    return int(np.argmin(data.attacks.eps))


def u_rises(data: SceneData, i0: int, i1: int, method: str = "fgsm") -> bool:
    """Whether EDL's mean u (``attacks.<method>.edl_mean_u``) rises by more than
    :data:`U_RISE` from eps index ``i0`` to ``i1``."""
    u = getattr(data.attacks, method).edl_mean_u
    return bool(u[i1] > u[i0] + U_RISE)


def own_loss_masks(data: SceneData, i: int) -> bool:
    """Whether FGSM through EDL's own loss (``attacks.own_loss_fgsm``) would have left more
    than :data:`OWN_LOSS_MASKED` of the digits with a zero gradient at eps index ``i``: the
    masking the lecture's attack (cross-entropy on the logits) avoids."""
    return bool(data.attacks.own_loss_fgsm.zero_grad_share["edl"][i] > OWN_LOSS_MASKED)


@dataclass(frozen=True)
class RotationFinding:
    """The rotated digit: where the softmax model names a wrong digit, how sure it is, and how
    uncertain EDL is at those angles."""

    digit: int
    n_angles: int
    wrong_angles: list[float]        # softmax argmax != digit
    softmax_conf_wrong: float        # mean softmax max-probability there (nan if none)
    edl_u_wrong: float               # mean EDL u there (nan if none)
    confident_wrong: int             # of those, softmax max-probability >= confident
    uncertain_wrong: int             # of those, EDL u >= uncertain
    edl_u_right: float               # mean EDL u where softmax is right (nan if none)

    @property
    def any_wrong(self) -> bool:
        return bool(self.wrong_angles)

    def edl_flags_more(self, tolerance: Optional[float] = None) -> bool:
        """EDL is clearly more uncertain where softmax names a wrong digit than where it is
        right (by more than ``tolerance``, default ``ROTATION_U_TOLERANCE``)."""
        tol = ROTATION_U_TOLERANCE if tolerance is None else tolerance
        if not self.any_wrong:
            return False
        if not np.isfinite(self.edl_u_right):  # wrong at every angle: compare with u = 0.5
            return self.edl_u_wrong > 0.5 + tol
        return self.edl_u_wrong > self.edl_u_right + tol


def rotation(data: SceneData, confident: float = 0.9, uncertain: float = 0.5) -> RotationFinding:
    r = data.rotation
    probs = np.asarray(r.softmax_probs, float)
    u = np.asarray(r.edl_u, float)
    pred = probs.argmax(axis=1)
    conf = probs.max(axis=1)
    wrong = pred != int(r.digit)
    mean = (lambda a: float(a.mean()) if a.size else float("nan"))
    return RotationFinding(
        digit=int(r.digit), n_angles=len(r.angles),
        wrong_angles=[float(a) for a, w in zip(r.angles, wrong) if w],
        softmax_conf_wrong=mean(conf[wrong]), edl_u_wrong=mean(u[wrong]),
        confident_wrong=int(np.sum(conf[wrong] >= confident)),
        uncertain_wrong=int(np.sum(u[wrong] >= uncertain)),
        edl_u_right=mean(u[~wrong]))


def rotation_sentence(f: RotationFinding) -> str:
    """The YAML text key of what the rotated digit shows: ``rotation_no_wrong`` (softmax never
    names a wrong digit), ``rotation_edl_flags`` (EDL is clearly more uncertain where it does)
    or ``rotation_edl_misses`` (EDL is not)."""
    if not f.any_wrong:
        return "rotation_no_wrong"
    return "rotation_edl_flags" if f.edl_flags_more() else "rotation_edl_misses"


@dataclass(frozen=True)
class EdlMiss:
    """The angle where the EDL model names a wrong digit with its lowest u (most sure of itself)."""

    index: int                       # into rotation.angles
    angle: float
    edl_digit: int                   # argmax of rotation.edl_probs there
    softmax_digit: int               # argmax of rotation.softmax_probs there
    u: float                         # rotation.edl_u there
    n_wrong: int                     # angles where EDL's argmax != digit


def rotation_edl_miss(data: SceneData) -> Optional[EdlMiss]:
    """Where EDL is wrong on the rotated digit and least uncertain about it (None if EDL names
    the right digit at every angle)."""
    r = data.rotation
    edl_pred = np.asarray(r.edl_probs, float).argmax(axis=1)
    sm_pred = np.asarray(r.softmax_probs, float).argmax(axis=1)
    u = np.asarray(r.edl_u, float)
    wrong = np.flatnonzero(edl_pred != int(r.digit))
    if wrong.size == 0:
        return None
    i = int(wrong[np.argmin(u[wrong])])
    return EdlMiss(index=i, angle=float(r.angles[i]), edl_digit=int(edl_pred[i]),
                   softmax_digit=int(sm_pred[i]), u=float(u[i]), n_wrong=int(wrong.size))


def confidence_direction(model: Any, tolerance: float = CONFIDENCE_TOLERANCE) -> str:
    """``'over'`` (confidence above accuracy on average), ``'under'`` or ``'balanced'``."""
    g = confidence_gap(model)
    if not np.isfinite(g) or abs(g) <= tolerance:
        return "balanced"
    return "under" if g > 0 else "over"


@dataclass(frozen=True)
class GapSource:
    """Where a model's average calibration gap comes from: the bin that contributes most to
    it, and the gap in the fullest bin (where most digits are)."""

    main: int                        # bin index contributing most to the weighted mean gap
    main_count: int
    main_share: float                # of the weighted mean gap, the share from that bin
    main_lower: float
    main_upper: float
    full: int                        # the bin holding the most digits
    full_count: int
    full_gap: float                  # accuracy - confidence in that bin


def gap_source(model: Any) -> Optional[GapSource]:
    """Which bins make a model over- or underconfident on average (None if all empty). An
    average gap can come from a few doubtful digits while the bulk is well calibrated."""
    bins = model.reliability
    n = np.array([b.count for b in bins], float)
    if n.sum() <= 0:
        return None
    contrib = n * np.array([b.accuracy - b.confidence for b in bins], float) / n.sum()
    total = contrib.sum()
    main = int(np.argmax(np.sign(total or 1) * contrib))
    full = int(np.argmax(n))
    fb = bins[full]
    return GapSource(main, int(n[main]), float(contrib[main] / total) if total else 0.0,
                     float(bins[main].lower), float(bins[main].upper), full, int(n[full]),
                     float(fb.accuracy - fb.confidence))


def summary(data: SceneData, method: str = "fgsm") -> list[Verdict]:
    """The closing table, in order: accuracy, AUROC per unrelated set (entropy against entropy,
    user images left out), ECE, accuracy at an equal share kept, accuracy under the largest
    perturbation of ``method``."""
    per_set = [auroc(data, k, "entropy") for k in set_keys(data) if k != "user"]
    return [accuracy(data), *per_set, calibration(data), rejection(data),
            attack_strongest(data, method)]


def tally(verdicts: list[Verdict]) -> dict[str, list[Verdict]]:
    """Verdicts grouped by winner: ``{'edl': [...], 'softmax': [...], 'tie': [...]}``."""
    out: dict[str, list[Verdict]] = {"edl": [], "softmax": [], TIE: []}
    for v in verdicts:
        out[v.winner].append(v)
    return out


def mean_gap(model: Ref) -> Ref:
    """``heldout.models.<m>.reliability(mean accuracy-confidence)``: the count-weighted mean
    calibration gap (:func:`scenes.findings.confidence_gap`) of a ``heldout.models`` entry.

        gap = self.show(findings.mean_gap(self.d.heldout.models.edl))
    """
    return Ref(confidence_gap(model._obj), f"{model.reliability._text}(mean accuracy-confidence)")


def zero_grad_share(root: Ref, method: str) -> Ref:
    """``attacks.<method>.zero_grad_share(max over models, eps > 0)``: the largest share of
    digits an attack leaves with a zero input gradient (:func:`masked_share`)."""
    shares = getattr(root.attacks, method).zero_grad_share
    return Ref(masked_share(root._obj, method), f"{shares._text}(max over models, eps > 0)")


__all__ = ["accuracy", "attack", "attack_strongest", "auroc", "auroc_by_set", "auroc_judged",
           "calibration", "confidence_direction", "confidence_gap", "EdlMiss", "entropy_cdf", "from_diff",
           "gap_source", "GapSource", "kept_curve", "masked_share", "mean_gap", "OWN_LOSS_MASKED",
           "own_loss_masks", "rejection", "rejection_floor", "rotation", "rotation_edl_miss",
           "rotation_sentence", "ROTATION_U_TOLERANCE", "RotationFinding", "set_keys", "summary",
           "tally", "TIE", "U_RISE", "u_rises", "Verdict", "vs_edl", "VsEdl", "weakest_attack",
           "zero_grad_share"]
