"""Derived values whose rule lives in :mod:`scenes.findings`, read as :class:`scenes.shown.Ref`
with their own source (findings reads its verdicts through scenes.shown, so these sit apart
from it: no import circle).

    gap = mean_gap(self.d.heldout.models.edl)     # recorded as "...reliability(mean accuracy-confidence)"
"""
from __future__ import annotations

from collections.abc import Sequence

from scenes import findings
from scenes.shown import Ref, numeric


def mean_gap(model: Ref) -> Ref:
    """``heldout.models.<m>.reliability(mean accuracy-confidence)``: the count-weighted mean
    calibration gap (:func:`scenes.findings.confidence_gap`) of a ``heldout.models`` entry."""
    return Ref(findings.confidence_gap(model._obj),
               f"{model.reliability._text}(mean accuracy-confidence)")


def masked_share(root: Ref, method: str) -> Ref:
    """``attacks.<method>.zero_grad_share(max over models, eps > 0)``: the largest share of
    digits an attack leaves with a zero input gradient (:func:`scenes.findings.masked_share`)."""
    shares = getattr(root.attacks, method).zero_grad_share
    return Ref(findings.masked_share(root._obj, method),
               f"{shares._text}(max over models, eps > 0)")


def neighbour_share(root: Ref, model: str, space: str, set_key: str,
                    sets: Sequence[str]) -> Ref:
    """``inside.embedding.models.<m>.<space>(digit-neighbour share of <set> among <sets>)``:
    the share of ``set_key``'s points whose nearest neighbours in the 2-D embedding are
    digits (:func:`scenes.findings.embedding_overlap`)."""
    points = getattr(getattr(root.inside.embedding.models, model), space)
    share = findings.embedding_overlap(root._obj, model, list(sets), space)[set_key]
    return Ref(share, f"{points._text}(digit-neighbour share of {set_key} among {','.join(sets)})")


def probability_sum(probs: Ref) -> Ref:
    """``round(sum(<probs>), 4)``: stored probabilities added up as the screen says it
    (:func:`scenes.findings.probability_sum`: their rounding to 6 digits dropped, a real
    shortfall kept)."""
    return Ref(findings.probability_sum(numeric(probs._obj)), f"round(sum({probs._text}), 4)")


def wrong_angles(rotation: Ref, model: str, confident: float | None = None) -> Ref:
    """``sum(argmax(rotation.<m>_probs, axis=1) != rotation.digit)``: the angles at which
    ``model`` names another digit; with ``confident``, only those where its largest
    probability is at least that (:func:`scenes.findings.wrong_counts`).

        n_conf = self.show(wrong_angles(self.d.rotation, "softmax", confident=0.9))
    """
    probs = getattr(rotation, f"{model}_probs")
    wrong, sure = findings.wrong_counts(probs._obj, int(rotation.digit), confident or 0.0)
    names = f"argmax({probs._text}, axis=1) != {rotation.digit._text}"
    if confident is None:
        return Ref(wrong, f"sum({names})")
    return Ref(sure, f"sum(({names}) & (max({probs._text}, axis=1) >= {confident}))")


__all__ = ["masked_share", "mean_gap", "neighbour_share", "probability_sum", "wrong_angles"]
