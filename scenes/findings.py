"""What the comparison data shows: which model is better on each metric, by how much, or a tie.

Pure Python and numpy (no manim, no torch), so the verdicts can be tested on constructed data.
The comparison scene picks its wording (YAML text keys such as ``auroc_edl_wins``,
``auroc_softmax_wins``, ``auroc_tie``) from these verdicts, so the lecture says whatever the
data says, also where EDL does not win.

    from scenes import findings
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

from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

import numpy as np

from contract.scene_data import MODELS, SceneData
from scenes.shown import Ref, at, raw, source_of

TIE = "tie"

#: Only the rotated digit still uses a fixed margin (it compares two means of u over a handful
#: of angles, no resampling): EDL's mean u where softmax is wrong vs where it is right.
TOLERANCE: dict[str, float] = {"rotation_u": 0.05}


@dataclass(frozen=True)
class Verdict:
    """One metric, both models: the values, the bootstrap interval of their difference, and
    which model is better: only where that interval excludes 0, otherwise too close to call."""

    metric: str
    softmax: float
    edl: float
    higher_is_better: bool = True
    #: 95% bootstrap interval of ``edl - softmax`` (paired), from scene_data's ``diff_ci``
    ci: tuple[float, float] = (float("-inf"), float("inf"))
    #: scene_data fields the two values come from (softmax, edl); derived values say how
    sources: tuple[str, str] = ("", "")
    #: anything else that qualifies the comparison (e.g. the share kept, the epsilon)
    extra: dict[str, Any] = field(default_factory=dict)
    #: the scene_data ``Diff`` the values come from, with its source (None: built by hand)
    at: Optional[Ref] = None

    @property
    def diff(self) -> float:
        """``edl - softmax`` in the metric's unit (positive: EDL's value is larger)."""
        return float(self.edl - self.softmax)

    @property
    def margin(self) -> float:
        return abs(self.diff)

    @property
    def winner(self) -> str:
        """``'edl'``, ``'softmax'`` or ``'tie'`` (the interval of the difference holds 0)."""
        if not (np.isfinite(self.softmax) and np.isfinite(self.edl)):
            return TIE
        if self.ci[0] <= 0 <= self.ci[1]:
            return TIE
        edl_larger = self.ci[0] > 0
        return "edl" if edl_larger == self.higher_is_better else "softmax"

    @property
    def loser(self) -> str:
        return {"edl": "softmax", "softmax": "edl"}.get(self.winner, TIE)

    def value(self, model: str) -> float:
        return float(getattr(self, model))

    def fmt(self) -> dict[str, float]:
        """Numbers for a YAML template: softmax, edl, margin, diff, lo and hi (the interval of
        edl - softmax), best and worst value."""
        best = max(self.softmax, self.edl) if self.higher_is_better else min(self.softmax, self.edl)
        worst = min(self.softmax, self.edl) if self.higher_is_better else max(self.softmax, self.edl)
        return {"softmax": float(self.softmax), "edl": float(self.edl), "diff": self.diff,
                "margin": float(self.margin), "lo": float(self.ci[0]), "hi": float(self.ci[1]),
                "best": float(best), "worst": float(worst),
                **{k: v for k, v in self.extra.items() if isinstance(v, (int, float))}}


def probability_sum(probs: Sequence[float]) -> float:
    """The sum of stored probabilities, as the screen says it: softmax (and a Dirichlet mean)
    sums to one exactly, while the stored values are rounded (6 digits), so their float sum
    misses 1 by about 1e-7; four decimals keep a real shortfall and drop that one.

        >>> probability_sum([0.3333333, 0.3333333, 0.3333333]), probability_sum([0.5, 0.4])
        (1.0, 0.9)
    """
    return round(float(np.sum(np.asarray(probs, dtype=float))), 4)


def from_diff(metric: str, diff: Ref, higher_is_better: bool = True, **extra: Any) -> Verdict:
    """A :class:`Verdict` from a scene_data ``Diff`` reached through :mod:`scenes.shown`
    (``from_diff("accuracy", at(data).heldout.compare.accuracy)``)."""
    d = raw(diff)
    return Verdict(metric, float(d.softmax), float(d.edl), higher_is_better,
                   (float(d.diff_ci[0]), float(d.diff_ci[1])),
                   (source_of(diff.softmax), source_of(diff.edl)), dict(extra), diff)


# -- the metrics ------------------------------------------------------------------------------
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


def calibration(data: SceneData) -> Verdict:
    """Expected calibration error on held-out digits (lower is better)."""
    return from_diff("ece", at(data).heldout.compare.ece, False)


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


def rejection_floor(data: SceneData) -> tuple[float, float]:
    """The lowest accuracy and the lowest share kept that the rejection charts must show: every
    point of both models' kept curves (:func:`kept_curve`), the verdict's two values at the
    equal share and that share (accuracy is shown up to 1 in any case)."""
    v = rejection(data)
    curves = [kept_curve(data.heldout.models[m]) for m in MODELS]
    acc = np.concatenate([c[1] for c in curves] + [np.ones(1), [v.softmax, v.edl]])
    share = min([float(c[0].min()) for c in curves if c[0].size] + [v.extra["share"]])
    return float(acc.min()), share


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
        right (by more than ``tolerance``, default ``TOLERANCE['rotation_u']``)."""
        tol = TOLERANCE["rotation_u"] if tolerance is None else tolerance
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


# -- the EDL pass (sequence 3): which classes, which example, which angles ----------------------
def top_classes(alpha: Sequence[float] | np.ndarray, n: int = 3) -> np.ndarray:
    """Indices of the ``n`` largest values, largest first, ties in class order: the corners of
    a simplex (``forward_pass.edl.alpha``; the same corners for every triangle shown beside it)."""
    return np.argsort(-np.asarray(alpha, float), kind="stable")[:n]


def most_uncertain_example(sets: Sequence[tuple[int, Any]]) -> Optional[tuple[int, int, Any, Any]]:
    """(set index, example index, set, example) with the largest EDL u among ``sets`` (the
    (index, set) pairs of ``unrelated.sets`` a lecture shows); the first such on a tie; None when
    no example has a u."""
    best = None
    for i, s in sets:
        for j, ex in enumerate(s.examples):
            if ex.edl.u is not None and (best is None or ex.edl.u > best[3].edl.u):
                best = (i, j, s, ex)
    return best


def belief_labels(belief: Sequence[float], min_share: float,
                  max_labels: int) -> tuple[list[int], list[int]]:
    """(classes with their own segment, the others) of a stacked belief bar: the ``max_labels``
    largest beliefs of at least ``min_share`` keep their own label (an unsure model spreads its
    belief over many classes, and ten small labelled masses would crowd the bar); both lists in
    class order."""
    largest = sorted(range(len(belief)), key=lambda c: -float(belief[c]))[:max_labels]
    kept = [c for c in range(len(belief)) if c in largest and float(belief[c]) >= min_share]
    return kept, [c for c in range(len(belief)) if c not in kept]


def sweep_indices(u: Sequence[float], n_max: int = 3) -> list[int]:
    """Rotation angles (indices into ``rotation.edl_u``) from 0° to the first angle of largest
    u, ordered as S falls (u rises, S = K/u), at most ``n_max`` of them spread evenly."""
    u = np.asarray(u, float)
    last = int(np.argmax(u))
    idx = sorted(range(last + 1), key=lambda i: (u[i], i))
    if len(idx) > n_max:
        idx = [idx[int(round(t))] for t in np.linspace(0, len(idx) - 1, n_max)]
    return idx


def sweep_alpha(probs: Sequence[float], u: float) -> np.ndarray:
    """The Dirichlet's alpha rebuilt exactly from p̂ and u (the rotated sweep stores no alpha):
    u = K/S gives S = K/u, and p̂ = alpha/S gives alpha = p̂ · S."""
    p = np.asarray(probs, float)
    return p * len(p) / float(u)


def rotation_key_indices(u: Sequence[float], i_wrong: Optional[int]) -> list[int]:
    """The rotation angles looked at up close, in order: the first, the one of largest u, the
    last, and the confident mistake when there is one (``i_wrong``)."""
    keys = {0, int(np.argmax(u)), len(u) - 1}
    return sorted(keys | ({i_wrong} if i_wrong is not None else set()))


def unrelated_claim_key(set_mean_u: Sequence[Optional[float]], heldout_mean_u: float) -> str:
    """``claim_all_higher`` when every unrelated set's mean EDL u
    (``unrelated.sets[i].stats.edl.mean_u``) is above the held-out digits' where EDL is right
    (``heldout.models.edl.mean_u_correct``), else ``claim_not_all``."""
    higher = all(m is not None and m > heldout_mean_u for m in set_mean_u)
    return "claim_all_higher" if higher else "claim_not_all"


def kl_skip(kl: dict[str, np.ndarray], epochs: np.ndarray) -> bool:
    """Whether epoch 1 of the KL term dwarfs the rest (then the chart starts at epoch 2)."""
    if len(epochs) < 3 or not kl:
        return False
    first = max(float(v[0]) for v in kl.values())
    rest = max(float(np.max(v[1:])) for v in kl.values())
    return first > 3.0 * max(rest, 1e-12)


def kl_first_column(row: dict[str, Any]) -> str:
    """The KL column of epoch 1 (a ``training.history.edl`` row) named when the chart leaves
    that epoch out: the training set's, else the held-out set's."""
    return "train_kl" if "train_kl" in row else "heldout_kl"


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


def largest_gap(model: Any, min_count: int) -> Optional[int]:
    """The reliability bin with the largest |accuracy - confidence| among the bins holding at
    least ``min_count`` digits (``heldout.min_bin_count``): a bin of five digits is noise, not a
    finding. None if no bin is that full."""
    full = [i for i, b in enumerate(model.reliability) if b.count >= min_count]
    if not full:
        return None
    return max(full, key=lambda i: abs(model.reliability[i].accuracy - model.reliability[i].confidence))


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


# -- overconfidence (sequence 2) ----------------------------------------------------------------
def bin_direction(b: Any) -> str:
    """``'over'`` when a reliability bin (``heldout.models.<m>.reliability[i]``) is less often
    right than it is confident, else ``'under'``."""
    return "over" if b.accuracy < b.confidence else "under"


def most_confident_set(sets: Sequence[Any]) -> tuple[str, float]:
    """(key, share) of the unrelated set (``unrelated.sets[i]``) that softmax is most often at
    least 90% sure of: the largest ``stats['softmax'].confident_share``, the first of equals."""
    return max(((s.key, float(s.stats["softmax"].confident_share)) for s in sets),
               key=lambda ks: ks[1])


def most_confident_example(sets: Sequence[tuple[int, Any]],
                           prefer: str = "letters") -> Optional[tuple[int, int]]:
    """(set index, example index) into ``unrelated.sets`` of the example with the highest
    softmax max-probability, among the sets keyed ``prefer`` if they have examples, else among
    all of ``sets`` ((index, set) pairs); the first of equals; None without examples."""
    for pool in ([x for x in sets if x[1].key == prefer], sets):
        cands = [(i, j, max(ex.softmax.probs)) for i, s in pool for j, ex in enumerate(s.examples)]
        if cands:
            i, j, _ = max(cands, key=lambda c: c[2])
            return i, j
    return None


def peak_wrong(probs: Any, digit: int) -> tuple[int, int]:
    """(row, class) of the highest probability any class but ``digit`` gets in ``probs``
    (rows = inputs, e.g. ``rotation.softmax_probs`` by angle); the first in reading order."""
    wrong = np.array(probs, dtype=float)
    wrong[:, digit] = -1.0
    i, k = np.unravel_index(np.argmax(wrong), wrong.shape)
    return int(i), int(k)


def curve_classes(probs: Any, digit: int, peak_class: int, threshold: float,
                  max_curves: int) -> list[int]:
    """The classes that get their own curve in a chart of ``probs`` by row: ``digit``, then
    (in class order) up to ``max_curves - 1`` wrong classes whose probability ever exceeds
    ``threshold``, the highest peaks first, ``peak_class`` always among them."""
    p = np.asarray(probs, dtype=float)
    ranked = sorted((k for k in range(p.shape[1]) if k != digit and p[:, k].max() > threshold),
                    key=lambda k: -p[:, k].max())
    if peak_class not in ranked:
        ranked.insert(0, peak_class)
    return [digit] + sorted(ranked[:max_curves - 1])


def wrong_counts(probs: Any, digit: int, confident: float = 0.9) -> tuple[int, int]:
    """(rows of ``probs`` whose argmax is not ``digit``, of those the ones whose largest
    probability is at least ``confident``)."""
    p = np.asarray(probs, dtype=float)
    wrong = p.argmax(axis=1) != digit
    return int(np.sum(wrong)), int(np.sum(wrong & (p.max(axis=1) >= confident)))


def largest_others(values: Any, skip: int, n: int = 2) -> list[int]:
    """Indices of the ``n`` largest of ``values`` other than index ``skip``, largest first."""
    return [int(k) for k in np.argsort(-np.asarray(values, dtype=float)) if k != skip][:n]


# -- inside the network (sequence 5) -------------------------------------------------------------
#: two shares closer than this (e.g. of unrelated points among digits) are called "about the same"
TOLERANCE["overlap"] = 0.05
#: nearest neighbours looked at when asking whether an unrelated point lies among the digits
NEIGHBOURS = 10


@dataclass(frozen=True)
class Confused:
    """The largest off-diagonal cell of a confusion matrix (row = true digit): which digit a
    model most often takes for which, how often, and how many cells share that count."""

    true: int
    pred: int
    count: int
    n_tied: int                      # off-diagonal cells with this same count (1: no tie)
    errors: int                      # all off-diagonal counts together


def most_confused(matrix: Any) -> Confused:
    """The most frequent mistake in ``matrix`` (``inside.confusion.<model>``); among equal
    counts the first in reading order, with ``n_tied`` saying how many share it."""
    c = np.asarray(matrix, dtype=int)
    off = c.copy()
    np.fill_diagonal(off, -1)
    top = int(off.max())
    t, p = (int(v) for v in np.unravel_index(int(np.argmax(off)), off.shape))
    return Confused(t, p, top, int(np.sum(off == top)), int(c.sum() - np.trace(c)))


def same_mistake(a: Confused, b: Confused) -> bool:
    """Both models' most frequent mistake is the same pair (true digit, prediction)."""
    return (a.true, a.pred) == (b.true, b.pred)


def digit_neighbour_share(points: Any, groups: Sequence[str], set_key: str,
                          k: int = NEIGHBOURS) -> float:
    """How far the points of unrelated set ``set_key`` lie among the held-out digits in a 2-D
    embedding: over that set's points, the mean share of their ``k`` nearest other points that
    are held-out digits (0: a cluster of its own, about the digits' share of all points: mixed
    in). ``groups`` names each point's group (``inside.embedding.group``); nan if the set has
    no points."""
    xy = np.asarray(points, dtype=float)
    g = np.asarray(groups)
    mine = np.flatnonzero(g == set_key)
    if mine.size == 0 or len(xy) < 2:
        return float("nan")
    k = min(k, len(xy) - 1)
    d = np.linalg.norm(xy[mine, None, :] - xy[None, :, :], axis=-1)
    d[np.arange(mine.size), mine] = np.inf  # a point is not its own neighbour
    nearest = np.argsort(d, axis=1, kind="stable")[:, :k]
    return float(np.mean(g[nearest] == "heldout"))


def embedding_overlap(data: Any, model: str, sets: Sequence[str], space: str = "tsne",
                      k: int = NEIGHBOURS) -> dict[str, float]:
    """Per unrelated set in ``sets``: :func:`digit_neighbour_share` in ``model``'s ``space``
    (``tsne`` or ``pca``) embedding, among the held-out digits and the points of ``sets`` only
    (what the scene plots)."""
    e = data.inside.embedding
    keep = [i for i, grp in enumerate(e.group) if grp == "heldout" or grp in sets]
    pts = np.asarray(getattr(e.models[model], space), dtype=float)[keep]
    groups = [e.group[i] for i in keep]
    return {s: digit_neighbour_share(pts, groups, s, k) for s in sets}


def most_overlapping(shares: dict[str, float]) -> Optional[str]:
    """The set whose points lie most among the digits (None if there is none)."""
    finite = {s: v for s, v in shares.items() if np.isfinite(v)}
    return max(finite, key=lambda s: finite[s]) if finite else None


def compare_shares(softmax: float, edl: float, tolerance: Optional[float] = None) -> str:
    """``'softmax'`` or ``'edl'``: whose share is clearly larger; ``'tie'`` within
    ``tolerance`` (default ``TOLERANCE['overlap']``)."""
    tol = TOLERANCE["overlap"] if tolerance is None else tolerance
    if not (np.isfinite(softmax) and np.isfinite(edl)) or abs(edl - softmax) <= tol:
        return TIE
    return "edl" if edl > softmax else "softmax"


def histogram_change(hist: Any) -> float:
    """How much a layer's weight distribution moved during training: total variation distance
    between the first (initial weights) and last histogram of ``hist`` (rows = epochs), 0..1."""
    h = np.asarray(hist, dtype=float)
    first, last = h[0] / max(h[0].sum(), 1.0), h[-1] / max(h[-1].sum(), 1.0)
    return float(0.5 * np.abs(last - first).sum())


def most_changed_layer(dynamics: Any) -> str:
    """The layer whose weight histogram moved most (:func:`histogram_change`) in one model's
    ``training.dynamics.<model>``; the first of equals in layer order."""
    changes = [histogram_change(dynamics.weight_hist[name]) for name in dynamics.layers]
    return dynamics.layers[int(np.argmax(changes))]


def shared_changed_layer(data: Any) -> str:
    """The layer that moved most over both models together (mean :func:`histogram_change`):
    the one layer the scene shows for both."""
    dyn = data.training.dynamics
    layers = dyn[MODELS[0]].layers
    mean = [np.mean([histogram_change(dyn[m].weight_hist[name]) for m in MODELS])
            for name in layers]
    return layers[int(np.argmax(mean))]


# -- sequence 1: which cell, window, map and layer the forward pass points at ---------------------
def peak_cell(values: Any) -> tuple[int, int]:
    """(row, col) of the largest value of a 2-D array (the first of equals, row by row).

        >>> peak_cell([[0.1, 0.9], [0.9, 0.2]])
        (0, 1)
    """
    a = np.asarray(values, dtype=float)
    r, c = np.unravel_index(int(np.argmax(a)), a.shape)
    return int(r), int(c)


def mixed_window(m: Any, size: int = 4) -> tuple[int, int]:
    """Top-left (row, col) of the ``size`` x ``size`` window of map ``m`` with the most negative
    AND positive values (the smaller of the two counts), then the largest total magnitude: the
    window where ReLU visibly zeroes some numbers and keeps others."""
    m = np.asarray(m, dtype=float)
    best, where = None, (0, 0)
    for r in range(m.shape[0] - size + 1):
        for c in range(m.shape[1] - size + 1):
            w = m[r:r + size, c:c + size]
            score = (min(int((w < 0).sum()), int((w > 0).sum())), float(np.abs(w).sum()))
            if best is None or score > best:
                best, where = score, (r, c)
    return where


def pool_window(m: Any, p: Any, f: int) -> tuple[int, int]:
    """(i, j) of the ``f`` x ``f`` pooling window of map ``m`` (pooled into ``p``) with the most
    distinct positive values, then the widest range: a window whose maximum is worth pointing
    at. Raises ValueError if ``p[i, j]`` is not the maximum of that window (inconsistent data)."""
    m, p = np.asarray(m, dtype=float), np.asarray(p, dtype=float)
    best, where = None, (0, 0)
    for i in range(p.shape[0]):
        for j in range(p.shape[1]):
            w = m[i * f:(i + 1) * f, j * f:(j + 1) * f]
            score = (len(set(np.round(w[w > 0], 4).tolist())), float(w.max() - w.min()))
            if best is None or score > best:
                best, where = score, (i, j)
    i, j = where
    window = m[i * f:(i + 1) * f, j * f:(j + 1) * f]
    if not np.isclose(window.max(), p[i, j], rtol=1e-4, atol=1e-5):
        raise ValueError(f"pooled value [{i}][{j}] = {p[i, j]} is not the max of its "
                         f"window {window.tolist()}: scene_data is inconsistent")
    return where


def slide_stops(n_cols: int, row: int, col: int, n: int = 4) -> list[tuple[int, int]]:
    """Where a sliding window stops on its way to (row, col): ``n - 1`` evenly spaced stops
    along the first row (after column 0), then down to (row, 0), then across to (row, col).

        >>> slide_stops(24, 10, 7)
        [(0, 7), (0, 15), (0, 23), (10, 0), (10, 7)]
    """
    stops = [(0, int(c)) for c in np.linspace(0, n_cols - 1, n).astype(int)[1:]]
    return stops + [(int(row), 0), (int(row), int(col))]


def most_active_map(maps: Any) -> int:
    """Index of the map (first axis) with the largest single value."""
    a = np.asarray(maps, dtype=float)
    return int(np.argmax(a.reshape(len(a), -1).max(axis=1)))


def answer_key(pred: int, label: int) -> str:
    """Text key of the verdict on a prediction: ``'sm_correct'`` or ``'sm_wrong'``."""
    return "sm_correct" if int(pred) == int(label) else "sm_wrong"


def largest_layer(params: Sequence[float]) -> tuple[int, float]:
    """(index, share of the total) of the layer with the most parameters (share 0 if none)."""
    big = int(np.argmax(params))
    total = float(sum(params))
    return big, (params[big] / total if total else 0.0)


def conv_part(keys: Sequence[str]) -> int:
    """How many layers, from the first, belong to the convolutional part: up to and including
    ``'flatten'`` (all of them if there is no flatten layer)."""
    keys = list(keys)
    return keys.index("flatten") + 1 if "flatten" in keys else len(keys)


def layer_with_shape(layers: Sequence[Any], shape: Sequence[int],
                     with_params: Optional[bool] = None) -> Optional[int]:
    """Index in ``training.layers`` of the first layer with output ``shape`` (and, when
    ``with_params`` is given, with or without parameters); None if there is none."""
    for i, layer in enumerate(layers):
        if tuple(layer.shape) == tuple(shape) and (
                with_params is None or (layer.params > 0) == with_params):
            return i
    return None


__all__ = ["MODELS", "TIE", "TOLERANCE", "Verdict", "from_diff", "accuracy", "set_keys",
           "auroc", "auroc_by_set", "calibration", "kept_curve", "rejection", "attack",
           "attack_strongest", "masked_share", "RotationFinding", "rotation", "EdlMiss",
           "rotation_edl_miss", "CONFIDENCE_TOLERANCE", "confidence_gap", "confidence_direction",
           "largest_gap", "GapSource", "gap_source", "summary", "tally", "bin_direction",
           "most_confident_set", "most_confident_example", "peak_wrong", "curve_classes",
           "wrong_counts", "largest_others", "top_classes", "most_uncertain_example",
           "belief_labels", "sweep_indices", "sweep_alpha", "rotation_key_indices",
           "unrelated_claim_key", "kl_skip", "kl_first_column", "NEIGHBOURS", "Confused",
           "most_confused", "same_mistake", "digit_neighbour_share", "embedding_overlap",
           "most_overlapping", "compare_shares", "histogram_change", "most_changed_layer",
           "shared_changed_layer", "peak_cell", "mixed_window", "pool_window", "slide_stops",
           "most_active_map", "answer_key", "largest_layer", "conv_part", "layer_with_shape"]
