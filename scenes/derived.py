"""Derived values whose rule lives in :mod:`scenes.findings`, read as :class:`scenes.shown.Ref`
with their own source (findings reads its verdicts through scenes.shown, so these sit apart
from it: no import circle).

    gap = mean_gap(self.d.heldout.models.edl)     # recorded as "...reliability(mean accuracy-confidence)"
"""
from __future__ import annotations

from collections.abc import Sequence

from scenes import findings
from scenes.shown import Ref


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


__all__ = ["masked_share", "mean_gap", "neighbour_share"]
