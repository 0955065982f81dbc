"""The probes' typed results against the scene_data contract, and the selection's range checks.
Fast: no model is trained here (tests/test_pipeline.py checks the dumped files themselves)."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from contract import scene_data as contract
from pipeline import results
from pipeline.results import Dirichlet, ModelOut, ModelOutputs, record
from pipeline.selection import Selection, SelectionError, choose, sample_index

#: the pipeline's working types and the merged EDL extras: no contract model of their own
WORKING_TYPES = {"Dirichlet", "ModelOutputs", "Estimate", "UnrelatedSet", "UnrelatedInputs",
                 "HeldoutEDL", "OODStatsEDL"}


def _written_fields(cls: type) -> set[str]:
    """The keys :func:`record` writes for ``cls``, merged fields expanded."""
    names: set[str] = set()
    for f in dataclasses.fields(cls):
        inner = f.metadata.get("merged")
        names |= {g.name for g in dataclasses.fields(inner)} if inner else {f.name}
    return names


def _records() -> list[type]:
    return [c for c in vars(results).values() if isinstance(c, type)
            and dataclasses.is_dataclass(c) and c.__module__ == results.__name__
            and c.__name__ not in WORKING_TYPES]


@pytest.mark.parametrize("cls", _records(), ids=lambda c: c.__name__)
def test_each_record_type_writes_exactly_its_contract_fields(cls: type) -> None:
    model = getattr(contract, cls.__name__)
    expected = set(model.model_fields) - set(contract.SceneFile.model_fields)
    assert _written_fields(cls) == expected
    if issubclass(model, contract.SceneFile):
        assert cls.CONTRACT is model


def _outputs(probs: list[list[float]], u: list[float] | None = None) -> ModelOutputs:
    p = np.array(probs)
    if u is None:
        return ModelOutputs(logits=np.log(p), probs=p)
    e = p * 10
    return ModelOutputs(logits=e, probs=p, dirichlet=Dirichlet(
        evidence=e, alpha=e + 1, S=(e + 1).sum(1), belief=e / (e + 1).sum(1, keepdims=True),
        u=np.array(u)))


def test_record_merges_the_dirichlet_fields_only_for_edl() -> None:
    out = _outputs([[0.1] * 9 + [0.1]], u=[0.5])
    row = record(ModelOut(logits=out.logits[0], probs=out.probs[0], pred=0, entropy=2.3,
                          dirichlet=out.dirichlet.row(0)))
    assert list(row) == ["logits", "probs", "pred", "entropy",
                         "evidence", "alpha", "S", "belief", "u"]
    assert row["u"] == 0.5 and isinstance(row["S"], float)
    assert list(record(ModelOut(logits=out.logits[0], probs=out.probs[0], pred=0, entropy=2.3))) \
        == ["logits", "probs", "pred", "entropy"]


def test_positions_out_of_range_are_refused_with_the_lecture_key() -> None:
    labels = np.array([7, 7, 3])
    onehot = np.eye(10)[labels] * 0.9 + 0.01
    outs = {"softmax": _outputs(onehot.tolist()), "edl": _outputs(onehot.tolist(), [0.1] * 3)}
    assert choose("both_correct", 7, 1, labels, outs) == 1
    assert sample_index(Selection(index=2), labels, outs) == 2
    with pytest.raises(SelectionError, match=r"sample.nth: -1 is out of range: .* only 2 image"):
        choose("both_correct", 7, -1, labels, outs)
    with pytest.raises(SelectionError, match=r"rotation.nth: 5 is out of range"):
        choose("any", 7, 5, labels, outs, key="rotation")
    with pytest.raises(SelectionError, match=r"sample.index: 3 is out of range: .* \(0..2\)"):
        sample_index(Selection(index=3), labels, outs)
    with pytest.raises(SelectionError, match=r"sample.index: -1 is out of range"):
        sample_index(Selection(index=-1), labels, outs)
