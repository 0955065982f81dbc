"""Behaviour unchanged: the default lecture draws the same numbers, section by section, for the
same durations as the snapshot, and sample frames match their control data at preview quality.

The scenes read the frozen dump (tests/fixtures/scene_data, see tests/frozen.py), never a model
trained on the spot: the numbers are then the same on every machine, and the comparisons can be
exact up to the scenes' own float arithmetic (rel 1e-9).

Re-take the snapshot (only when a change of behaviour is intended) with
``BEHAVIOUR_UPDATE=1 .venv/bin/python -m pytest -q tests/test_behaviour.py``.
"""
from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from contract.sequences import SEQUENCES
from tests import framecheck as fc
from tests.harness import SNAPSHOT, group, shared_log

pytestmark = pytest.mark.render

UPDATE = os.environ.get("BEHAVIOUR_UPDATE") == "1"


@pytest.mark.parametrize("name", [pytest.param(n, marks=group(n)) for n in SEQUENCES])
def test_numbers_and_durations_match_the_snapshot(name, frozen_data, tmp_path):
    # the design rules' render of the default lecture on the frozen dump (one per worker)
    log = shared_log(name, "en", "frozen", frozen_data, tmp_path)
    got = {s: {"duration": round(v.duration, 9), "numbers": [[src, val] for src, val in v.numbers]}
           for s, v in log.sections.items()}
    path = SNAPSHOT / f"{name}.json"
    if UPDATE:
        SNAPSHOT.mkdir(exist_ok=True)
        path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        for section, frame in log.frames.items():
            np.savez_compressed(SNAPSHOT / f"{name}.{section}.npz", frame=frame)
        return
    want = json.loads(path.read_text(encoding="utf-8"))
    assert list(got) == list(want), "sections differ"
    for section, w in want.items():
        g = got[section]
        assert g["duration"] == pytest.approx(w["duration"], abs=1e-6), f"{section}: duration"
        gv = [v for _, v in g["numbers"]]
        wv = [v for _, v in w["numbers"]]
        assert len(gv) == len(wv), f"{section}: {len(gv)} numbers drawn, snapshot has {len(wv)}"
        bad = [(i, a, b) for i, (a, b) in enumerate(zip(gv, wv))
               if not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)]
        assert not bad, f"{section}: numbers differ (index, now, snapshot): {bad[:5]}"
        # each number names the same scene_data as before (scenes.shown writes the text)
        moved = [(i, a, b) for i, ((a, _), (b, _)) in enumerate(zip(g["numbers"], w["numbers"]))
                 if a != b]
        assert not moved, f"{section}: sources differ (index, now, snapshot): {moved[:5]}"
    for section, frame in log.frames.items():
        fc.assert_matches_control(frame, SNAPSHOT / f"{name}.{section}.npz", tol=24,
                                  max_bad_fraction=0.002)


@pytest.mark.parametrize("name", list(SEQUENCES))
def test_every_number_of_the_snapshot_resolves_to_scene_data(name, frozen_data):
    """The tests' resolver (tests.sources.resolve) reads back every number the snapshot recorded,
    in all the source formats the scenes have written."""
    from tests.sources import resolve

    want = json.loads((SNAPSHOT / f"{name}.json").read_text(encoding="utf-8"))
    bad = [(src, val, resolve(frozen_data, src)) for s in want.values() for src, val in s["numbers"]
           if not math.isclose(resolve(frozen_data, src), val, rel_tol=1e-6, abs_tol=1e-7)]
    assert not bad, bad[:5]
