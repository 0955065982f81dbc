"""Sequence 4 (other ways to be unsure) from the tiny dump, through the harness: every number it
draws resolves to scene_data, the narration names what the data shows (the widest spread, the
members' votes, mutual information as the difference of the two entropies, who separates each
set best), an edited rotation moves the sentence, and the standings on constructed cases: each
of the four models can come out ahead, and a lead inside the interval is too close to call.
(Layout and the design rules: tests/test_design_rules.py, on three dumps, en and zh.)"""
from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace as NS

import numpy as np
import pytest

from contract import scene_io
from contract.lecture import load_lecture
from scenes.other_models import findings as F
from tests.conftest import ROOT
from tests.harness import observe
from tests.sources import resolve

LECTURE = ROOT / "lectures" / "default.yaml"
SECTIONS = ("dropout_passes", "ensemble_votes", "mutual_information", "every_model")


def lecture(sections: list[str] | None = None):
    lec = load_lecture(LECTURE)
    if sections:
        lec = lec.model_copy(update={"sections": {"other_models": sections}})
    return lec


@pytest.fixture(scope="module")
def log(tiny_data, tmp_path_factory: pytest.TempPathFactory):
    return observe("other_models", lecture(), tiny_data, tmp_path_factory.mktemp("seq_other"))


@pytest.mark.render
def test_every_section_draws_and_every_number_resolves(log, tiny_data) -> None:
    assert list(log.sections) == list(SECTIONS)
    numbers = [n for s in log.sections.values() for n in s.numbers]
    bad = [(src, v, resolve(tiny_data, src)) for src, v in numbers
           if not math.isclose(resolve(tiny_data, src), v, rel_tol=1e-6, abs_tol=1e-9)]
    assert not bad, bad[:5]
    # every member's vote at every angle is drawn, and the mean's
    rot = tiny_data.rotation
    votes = [src for src, _ in log.sections["ensemble_votes"].numbers if src.startswith("argmax(")]
    assert len(votes) == (len(rot.more.models["ensemble"].passes) + 1) * len(rot.angles)
    # the table: every model's cost, accuracy and, per set, its AUROC and interval
    table = {src for src, _ in log.sections["every_model"].numbers}
    for m in ("softmax", "mc_dropout", "ensemble", "edl"):
        assert f"models.models['{m}'].ms_batch1" in table
    assert "unrelated.sets[0].more.models['ensemble'].auroc_own" in table
    assert "unrelated.sets[0].stats.edl.auroc_u" in table


@pytest.mark.render
def test_narration_names_what_the_data_shows(log, tiny_data) -> None:
    v, rot = log.scene.values, tiny_data.rotation
    mc, ens = rot.more.models["mc_dropout"], rot.more.models["ensemble"]
    assert v["T"] == len(mc.passes) and v["M"] == len(ens.passes)
    # mutual information is the entropy of the mean minus the members' mean entropy
    a = F.largest_mi_angle(rot)
    assert v["mi_angle"] == rot.angles[a]
    assert v["h"] - v["hm"] == pytest.approx(v["mi"], abs=1e-9)
    members = np.asarray(ens.passes)[:, a]
    mean_h = float(np.mean([-(p * np.log(p)).sum() for p in members]))
    assert v["hm"] == pytest.approx(mean_h, abs=1e-5)
    # the letter the members disagree on most, with each member's vote
    k, i = F.disputed_example(list(enumerate(tiny_data.unrelated.sets)))
    votes = [row[i] for row in tiny_data.unrelated.sets[k].more.scores["ensemble"].member_pred]
    assert ", ".join(map(str, votes)) in v["letter_finding"]
    # one standing per set, naming the model ahead
    for s in tiny_data.unrelated.sets:
        st = F.standing(s)
        assert log.scene.t(f"who_{st.best}") in v["standings"]


@pytest.mark.render
def test_a_wider_spread_at_90_degrees_moves_the_sentence(tiny_data_copy: Path,
                                                         tmp_path: Path) -> None:
    path = tiny_data_copy / "rotation.json"
    raw = json.loads(path.read_text())
    spread = raw["more"]["models"]["mc_dropout"]["spread"]
    at = raw["angles"].index(90.0)
    spread[at] = max(spread) + 0.25
    path.write_text(json.dumps(raw))
    edited = scene_io.load_all(tiny_data_copy)
    got = observe("other_models", lecture(["dropout_passes"]), edited, tmp_path)
    finding = got.scene.values["spread_finding"]
    assert "widest at 90°" in finding and f"{spread[at]:.3f}" in finding
    src = f"rotation.more.models.mc_dropout.spread[{at}]"
    assert any(s == src and math.isclose(v, spread[at])
               for s, v in got.sections["dropout_passes"].numbers)


# -- findings on constructed cases ----------------------------------------------------------------
def _set(key: str, softmax: float, edl: float, sm_ci: tuple[float, float], mc: float,
         mc_ci: tuple[float, float], ens: float, ens_ci: tuple[float, float]) -> NS:
    """An unrelated set with AUROCs and the intervals of (model - EDL) (softmax: EDL - softmax,
    as stored)."""
    def more(v: float, ci: tuple[float, float]) -> NS:
        return NS(auroc_own=v, compare={"auroc_own": NS(diff_ci=list(ci))})
    return NS(key=key, compare=NS(auroc_u=NS(softmax=softmax, edl=edl, diff_ci=list(sm_ci))),
              more=NS(models={"mc_dropout": more(mc, mc_ci), "ensemble": more(ens, ens_ci)}))


@pytest.mark.parametrize("winner, case", [
    ("softmax", _set("a", 0.95, 0.90, (-0.08, -0.02), 0.91, (-0.02, 0.04), 0.92, (-0.01, 0.05))),
    ("mc_dropout", _set("b", 0.80, 0.85, (0.01, 0.09), 0.93, (0.03, 0.12), 0.90, (0.0, 0.1))),
    ("ensemble", _set("c", 0.80, 0.85, (0.01, 0.09), 0.88, (-0.01, 0.06), 0.96, (0.05, 0.15))),
    ("edl", _set("d", 0.80, 0.97, (0.1, 0.2), 0.85, (-0.2, -0.05), 0.90, (-0.12, -0.02))),
])
def test_each_model_can_come_out_ahead_beyond_the_interval(winner: str, case: NS) -> None:
    st = F.standing(case)
    assert st.best == winner and st.clear
    who = "edl" if winner == "edl" else "other"
    assert F.standing_key(st) == f"standing_{who}_best_clear"


def test_a_lead_inside_the_interval_is_too_close_to_call() -> None:
    ahead = F.standing(_set("x", 0.80, 0.85, (0.0, 0.1), 0.86, (-0.02, 0.04), 0.84, (-0.05, 0.03)))
    assert ahead.best == "mc_dropout" and not ahead.clear
    assert F.standing_key(ahead) == "standing_other_best_tie"
    edl = F.standing(_set("y", 0.80, 0.90, (0.05, 0.15), 0.89, (-0.03, 0.01), 0.70, (-0.3, -0.1)))
    assert edl.best == "edl" and edl.second == "mc_dropout" and not edl.clear
    assert F.standing_key(edl) == "standing_edl_best_tie"
    # softmax's interval is stored as EDL - softmax: turned round for "softmax - EDL"
    assert edl.vs_edl["softmax"] == (-0.15, -0.05)


def test_equal_aurocs_rank_in_registry_order() -> None:
    st = F.standing(_set("z", 0.9, 0.9, (-0.1, 0.1), 0.9, (-0.1, 0.1), 0.9, (-0.1, 0.1)))
    assert st.ranked == ["softmax", "mc_dropout", "ensemble", "edl"] and not st.clear


def test_no_disagreement_is_said_as_such() -> None:
    rot = NS(more=NS(models={"ensemble": NS(disagreement=[0.0, 0.0, 0.0])}))
    assert F.most_disagreement(rot) is None
    rot.more.models["ensemble"].disagreement = [0.0, 0.4, 0.4]
    assert F.most_disagreement(rot) == 1  # the first of equals
