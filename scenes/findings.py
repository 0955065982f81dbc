"""What the comparison data shows: which model is better on each metric, by how much, or a tie.

Pure Python and numpy (no manim, no torch), so the verdicts can be tested on constructed data.
The comparison scene picks its wording (YAML text keys such as ``auroc_edl_wins``,
``auroc_softmax_wins``, ``auroc_tie``) from these verdicts, so the lecture says whatever the
data says, also where EDL does not win.

    from scenes import findings
    v = findings.auroc(data)                 # held-out vs all unrelated sets, score = entropy
    v.winner                                 # 'softmax', 'edl' or 'tie'
    v.softmax, v.edl, v.margin               # the two values and |edl - softmax|
    rows = findings.summary(data)            # every verdict of the closing table, in order

Every function takes the loaded :class:`pipeline.contract.SceneData` (or anything with the same
attributes) and names the scene_data fields its values come from (``Verdict.sources``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np

MODELS: tuple[str, str] = ("softmax", "edl")
TIE = "tie"

#: Differences up to these are called a tie (absolute, in the metric's own unit). They are about
#: the sampling noise of the default held-out set (1,000 digits: one digit is 0.001 of accuracy).
TOLERANCE: dict[str, float] = {
    "accuracy": 0.005,   # half a percentage point
    "auroc": 0.01,
    "ece": 0.005,
    "rejection": 0.003,  # accuracy of the kept digits at an equal share kept
    "fgsm": 0.01,        # accuracy under attack
    "rotation_u": 0.05,  # EDL's mean u where softmax is wrong vs where it is right
}


@dataclass(frozen=True)
class Verdict:
    """One metric, both models: the values, which is better and by how much."""

    metric: str
    softmax: float
    edl: float
    higher_is_better: bool = True
    tolerance: float = 0.0
    #: scene_data fields the two values come from (softmax, edl); derived values say how
    sources: tuple[str, str] = ("", "")
    #: anything else that qualifies the comparison (e.g. the share kept, the epsilon)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def diff(self) -> float:
        """``edl - softmax`` in the metric's unit (positive: EDL's value is larger)."""
        return float(self.edl - self.softmax)

    @property
    def margin(self) -> float:
        return abs(self.diff)

    @property
    def winner(self) -> str:
        """``'edl'``, ``'softmax'`` or ``'tie'`` (difference within the tolerance)."""
        if not (np.isfinite(self.softmax) and np.isfinite(self.edl)):
            return TIE
        if self.margin <= self.tolerance + 1e-12:
            return TIE
        edl_larger = self.diff > 0
        return "edl" if edl_larger == self.higher_is_better else "softmax"

    @property
    def loser(self) -> str:
        return {"edl": "softmax", "softmax": "edl"}.get(self.winner, TIE)

    def value(self, model: str) -> float:
        return float(getattr(self, model))

    def fmt(self) -> dict[str, float]:
        """Numbers for a YAML template: softmax, edl, margin, best and worst value."""
        best = max(self.softmax, self.edl) if self.higher_is_better else min(self.softmax, self.edl)
        worst = min(self.softmax, self.edl) if self.higher_is_better else max(self.softmax, self.edl)
        return {"softmax": float(self.softmax), "edl": float(self.edl),
                "margin": float(self.margin), "best": float(best), "worst": float(worst),
                **{k: v for k, v in self.extra.items() if isinstance(v, (int, float))}}


def compare(metric: str, softmax: float, edl: float, higher_is_better: bool = True,
            tolerance: Optional[float] = None, sources: tuple[str, str] = ("", ""),
            **extra: Any) -> Verdict:
    """A :class:`Verdict`; ``tolerance`` defaults to ``TOLERANCE[metric]`` (0 if unknown)."""
    tol = TOLERANCE.get(metric, 0.0) if tolerance is None else float(tolerance)
    return Verdict(metric, float(softmax), float(edl), higher_is_better, tol, sources, dict(extra))


# -- the metrics ------------------------------------------------------------------------------
def accuracy(data: Any, tolerance: Optional[float] = None) -> Verdict:
    """Held-out accuracy (higher is better)."""
    m = data.heldout.models
    return compare("accuracy", m["softmax"].accuracy, m["edl"].accuracy, True, tolerance,
                   ("heldout.models.softmax.accuracy", "heldout.models.edl.accuracy"))


def set_keys(data: Any) -> list[str]:
    """The unrelated sets present, in dump order."""
    return [s.key for s in data.unrelated.sets]


def auroc(data: Any, set_key: Optional[str] = None, edl_score: str = "entropy",
          tolerance: Optional[float] = None) -> Verdict:
    """OOD detection AUROC, held-out digits vs unrelated inputs (higher is better).

    ``set_key``: one unrelated set, or None for all of them together
    (``unrelated.combined_auroc``). The softmax model is scored by its predictive entropy;
    EDL by its entropy (``edl_score='entropy'``, like for like) or by u (``'u'``).
    """
    if edl_score not in ("entropy", "u"):
        raise ValueError(f"edl_score {edl_score!r}: 'entropy' or 'u'")
    u = data.unrelated
    if set_key is None:
        comb = u.combined_auroc
        sm, edl = comb["softmax_entropy"], comb[f"edl_{edl_score}"]
        sources = ("unrelated.combined_auroc.softmax_entropy",
                   f"unrelated.combined_auroc.edl_{edl_score}")
    else:
        idx = [s.key for s in u.sets].index(set_key)
        st = u.sets[idx].stats
        sm = st["softmax"].auroc_entropy
        edl = getattr(st["edl"], f"auroc_{edl_score}")
        if edl is None:
            raise ValueError(f"unrelated.sets[{idx}].stats.edl.auroc_{edl_score} is missing")
        sources = (f"unrelated.sets[{idx}].stats.softmax.auroc_entropy",
                   f"unrelated.sets[{idx}].stats.edl.auroc_{edl_score}")
    return compare("auroc", sm, edl, True, tolerance, sources, set=set_key or "all",
                   edl_score=edl_score)


def auroc_by_set(data: Any, edl_score: str = "entropy",
                 tolerance: Optional[float] = None) -> dict[str, Verdict]:
    """One AUROC verdict per unrelated set, plus ``'all'`` for the sets together."""
    out = {k: auroc(data, k, edl_score, tolerance) for k in set_keys(data)}
    out["all"] = auroc(data, None, edl_score, tolerance)
    return out


def calibration(data: Any, tolerance: Optional[float] = None) -> Verdict:
    """Expected calibration error on held-out digits (lower is better)."""
    m = data.heldout.models
    return compare("ece", m["softmax"].ece, m["edl"].ece, False, tolerance,
                   ("heldout.models.softmax.ece", "heldout.models.edl.ece"))


def kept_curve(model: Any) -> tuple[np.ndarray, np.ndarray]:
    """(share kept, accuracy of the kept) at the thresholds that keep something, by share."""
    kept = np.asarray(model.threshold_kept, float)
    acc = np.asarray(model.threshold_accuracy, float)
    keep = kept > 0
    kept, acc = kept[keep], acc[keep]
    order = np.argsort(kept, kind="stable")
    return kept[order], acc[order]


def common_share(data: Any) -> float:
    """The smallest share kept that both models' threshold curves reach: the largest of their
    smallest non-zero shares (1.0 if a model never keeps anything below the top threshold)."""
    lows = []
    for m in MODELS:
        kept, _ = kept_curve(data.heldout.models[m])
        lows.append(float(kept.min()) if kept.size else 1.0)
    return max(lows)


def accuracy_at_share(model: Any, share: float) -> float:
    """Accuracy of the kept digits when ``share`` of them are kept (linear between thresholds)."""
    kept, acc = kept_curve(model)
    if kept.size == 0:
        return float(model.accuracy)
    return float(np.interp(share, kept, acc))


def rejection(data: Any, tolerance: Optional[float] = None) -> Verdict:
    """Rejecting the most uncertain: accuracy of the kept digits when both models keep the same
    share (:func:`common_share`), higher is better. Thresholds on different uncertainty scales
    (u for EDL, entropy / log 10 for softmax) are compared fairly at an equal share kept."""
    share = common_share(data)
    m = data.heldout.models
    sm = accuracy_at_share(m["softmax"], share)
    edl = accuracy_at_share(m["edl"], share)
    src = "heldout.models.{}.threshold_accuracy@threshold_kept={:.6g}"
    return compare("rejection", sm, edl, True, tolerance,
                   (src.format("softmax", share), src.format("edl", share)), share=share)


def fgsm(data: Any, tolerance: Optional[float] = None) -> list[Verdict]:
    """Accuracy under FGSM per epsilon (higher is better), in ``fgsm.eps`` order."""
    f = data.fgsm
    return [compare("fgsm", f.accuracy["softmax"][i], f.accuracy["edl"][i], True, tolerance,
                    (f"fgsm.accuracy.softmax[{i}]", f"fgsm.accuracy.edl[{i}]"),
                    eps=float(e), index=i)
            for i, e in enumerate(f.eps)]


def fgsm_strongest(data: Any, tolerance: Optional[float] = None) -> Verdict:
    """Accuracy under the largest perturbation."""
    vs = fgsm(data, tolerance)
    return max(vs, key=lambda v: v.extra["eps"])


def fgsm_first_edl_lead(data: Any, tolerance: Optional[float] = None) -> Optional[float]:
    """The smallest epsilon from which on EDL stays ahead (None if it is not ahead at the end)."""
    vs = sorted(fgsm(data, tolerance), key=lambda v: v.extra["eps"])
    first = None
    for v in vs:
        if v.winner == "edl":
            first = v.extra["eps"] if first is None else first
        else:
            first = None
    return first


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
        right (by more than ``tolerance``, default ``TOLERANCE['rotation_u']``)."""
        tol = TOLERANCE["rotation_u"] if tolerance is None else tolerance
        if not self.any_wrong:
            return False
        if not np.isfinite(self.edl_u_right):  # wrong at every angle: compare with u = 0.5
            return self.edl_u_wrong > 0.5 + tol
        return self.edl_u_wrong > self.edl_u_right + tol


def rotation(data: Any, confident: float = 0.9, uncertain: float = 0.5) -> RotationFinding:
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


@dataclass(frozen=True)
class EdlMiss:
    """The angle where the EDL model names a wrong digit with its lowest u (most sure of itself)."""

    index: int                       # into rotation.angles
    angle: float
    edl_digit: int                   # argmax of rotation.edl_probs there
    softmax_digit: int               # argmax of rotation.softmax_probs there
    u: float                         # rotation.edl_u there
    n_wrong: int                     # angles where EDL's argmax != digit


def rotation_edl_miss(data: Any) -> Optional[EdlMiss]:
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


#: mean |accuracy - confidence| up to this is called neither over- nor underconfident
CONFIDENCE_TOLERANCE = 0.005


def confidence_gap(model: Any) -> float:
    """Count-weighted mean of (accuracy - confidence) over the reliability bins
    (``heldout.models.<m>.reliability``): negative = overconfident, positive = underconfident,
    nan if every bin is empty."""
    bins = model.reliability
    n = np.array([b.count for b in bins], float)
    if n.sum() <= 0:
        return float("nan")
    gap = np.array([b.accuracy - b.confidence for b in bins], float)
    return float(np.sum(n * gap) / n.sum())


def confidence_direction(model: Any, tolerance: float = CONFIDENCE_TOLERANCE) -> str:
    """``'over'`` (confidence above accuracy on average), ``'under'`` or ``'balanced'``."""
    g = confidence_gap(model)
    if not np.isfinite(g) or abs(g) <= tolerance:
        return "balanced"
    return "under" if g > 0 else "over"


def summary(data: Any) -> list[Verdict]:
    """The closing table, in order: accuracy, AUROC (all sets, by entropy), AUROC with EDL's u,
    ECE, accuracy at an equal share kept, accuracy under the largest FGSM perturbation."""
    return [accuracy(data), auroc(data, None, "entropy"), auroc(data, None, "u"),
            calibration(data), rejection(data), fgsm_strongest(data)]


def tally(verdicts: list[Verdict]) -> dict[str, list[Verdict]]:
    """Verdicts grouped by winner: ``{'edl': [...], 'softmax': [...], 'tie': [...]}``."""
    out: dict[str, list[Verdict]] = {"edl": [], "softmax": [], TIE: []}
    for v in verdicts:
        out[v.winner].append(v)
    return out


__all__ = ["MODELS", "TIE", "TOLERANCE", "Verdict", "compare", "accuracy", "set_keys", "auroc",
           "auroc_by_set", "calibration", "kept_curve", "common_share", "accuracy_at_share",
           "rejection", "fgsm", "fgsm_strongest", "fgsm_first_edl_lead", "RotationFinding",
           "rotation", "EdlMiss", "rotation_edl_miss", "CONFIDENCE_TOLERANCE", "confidence_gap",
           "confidence_direction", "summary", "tally"]
