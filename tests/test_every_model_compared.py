"""Sequence 5 compares every model the lecture chooses (``comparison.models``): who separates each
set best by entropy and where EDL stands, on constructed cases where each model wins; each other
model beside EDL on accuracy and rejection; the YAML option refused with file and line when it
names an unknown model or leaves out the pair; the sections' cache keys follow the choice; and,
rendered from the tiny dump, every chosen model's numbers drawn and resolved, or only the pair's."""
from __future__ import annotations

import math
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from contract.lecture import LectureError, load_lecture
from contract.models import MODEL_NAMES
from scenes import standings as S
from scenes.comparison import findings as F
from tests.conftest import ROOT
from tests.harness import observe
from tests.sources import resolve

LECTURE = ROOT / "lectures" / "default.yaml"


# -- standings by entropy, on constructed sets ----------------------------------------------------
def _set(softmax: float, edl: float, sm_ci: tuple[float, float], mc: float,
         mc_ci: tuple[float, float], ens: float, ens_ci: tuple[float, float]) -> NS:
    """An unrelated set with AUROCs by entropy and the intervals of (model - EDL) (softmax's
    stored as EDL - softmax)."""
    def more(v: float, ci: tuple[float, float]) -> NS:
        return NS(auroc_entropy=v, compare={"auroc_entropy": NS(diff_ci=list(ci))})
    return NS(key="s", compare=NS(auroc_entropy=NS(softmax=softmax, edl=edl, diff_ci=list(sm_ci))),
              more=NS(models={"mc_dropout": more(mc, mc_ci), "ensemble": more(ens, ens_ci)}))


@pytest.mark.parametrize("winner, case", [
    ("softmax", _set(0.95, 0.90, (-0.08, -0.02), 0.91, (-0.02, 0.04), 0.92, (-0.01, 0.05))),
    ("mc_dropout", _set(0.80, 0.85, (0.01, 0.09), 0.93, (0.03, 0.12), 0.90, (0.0, 0.1))),
    ("ensemble", _set(0.80, 0.85, (0.01, 0.09), 0.88, (-0.01, 0.06), 0.96, (0.05, 0.15))),
    ("edl", _set(0.80, 0.97, (0.1, 0.2), 0.85, (-0.2, -0.05), 0.90, (-0.12, -0.02))),
])
def test_each_model_can_separate_a_set_best_by_entropy(winner: str, case: NS) -> None:
    st = S.standing(case, "entropy")
    assert st.best == winner and st.clear
    assert S.standing_key(st) == f"standing_{'edl' if winner == 'edl' else 'other'}_best_clear"


def test_a_standing_ranks_only_the_chosen_models() -> None:
    case = _set(0.80, 0.85, (0.01, 0.09), 0.88, (-0.01, 0.06), 0.96, (0.05, 0.15))
    st = S.standing(case, "entropy", ("softmax", "mc_dropout", "edl"))
    assert set(st.auroc) == {"softmax", "mc_dropout", "edl"}
    # MC dropout leads, but its interval against EDL holds 0
    assert st.best == "mc_dropout" and not st.clear
    assert S.standing_key(st) == "standing_other_best_tie"
    with pytest.raises(ValueError, match="edl"):
        S.standing(case, "entropy", ("softmax", "ensemble"))


@pytest.mark.parametrize("ci, higher, outcome", [
    ((0.002, 0.02), True, "ahead"), ((-0.02, -0.002), True, "behind"), ((-0.01, 0.01), True, "tie"),
    ((0.0, 0.01), True, "tie"),  # an end on 0 is inside: a tie is not a win
    ((0.002, 0.02), False, "behind"),  # ECE-like: larger is worse
])
def test_a_model_beside_edl_is_ahead_only_beyond_the_interval(ci, higher, outcome) -> None:
    entry = NS(value=0.9, reference=0.89, diff_ci=list(ci))
    assert F.vs_edl("ensemble", entry, higher).outcome == outcome


def test_the_held_out_cdf_of_stored_entropies_matches_the_pipelines_rule() -> None:
    grid = [0.0, 0.5, 1.0, 2.0]
    assert F.entropy_cdf([0.5, 0.1, 1.5, 0.5], grid) == [0.0, 0.75, 0.75, 1.0]


# -- the YAML option ------------------------------------------------------------------------------
def test_the_default_compares_every_registry_model() -> None:
    assert load_lecture(LECTURE).comparison.models == list(MODEL_NAMES)


@pytest.mark.parametrize("body, line, says", [
    ("comparison:\n  models: [softmax, dropout, edl]\n", 2, "'dropout' is not one of"),
    ("comparison:\n  models:\n    - ensemble\n    - edl\n", 2, "must include softmax and edl"),
    ("comparison:\n  models: [softmax, edl, edl]\n", 2, "more than once"),
])
def test_a_bad_model_list_is_refused_with_file_and_line(tmp_path: Path, body: str, line: int,
                                                         says: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LectureError) as err:
        load_lecture(path)
    text = str(err.value)
    assert f"mine.yaml:{line}: comparison.models" in text and says in text, text


def test_the_choice_of_models_is_part_of_the_sequences_key(tmp_path: Path) -> None:
    from contract.sequences import SEQUENCES
    from rendering import keys

    path = tmp_path / "pair.yaml"
    path.write_text("comparison:\n  models: [softmax, edl]\n", encoding="utf-8")
    default, pair = load_lecture(LECTURE), load_lecture(path)
    seq = SEQUENCES["comparison"]
    assert keys.lecture_inputs(seq, default)["models"] == list(MODEL_NAMES)
    assert keys.lecture_inputs(seq, pair)["models"] == ["softmax", "edl"]
    # the other sequences do not depend on it
    other = SEQUENCES["overconfidence"]
    assert keys.lecture_inputs(other, default) == keys.lecture_inputs(other, pair)


# -- rendered from the tiny dump ------------------------------------------------------------------
SECTIONS = ["accuracy", "entropy_cdfs", "rejection"]


def _lecture(models: list[str]):
    lec = load_lecture(LECTURE)
    block = lec.comparison.model_copy(update={"models": models})
    return lec.model_copy(update={"sections": {"comparison": SECTIONS}, "comparison": block})


@pytest.mark.render
def test_every_chosen_model_is_drawn_and_named(tiny_data, tmp_path: Path) -> None:
    log = observe("comparison", _lecture(list(MODEL_NAMES)), tiny_data, tmp_path)
    numbers = [n for s in log.sections.values() for n in s.numbers]
    bad = [(src, v) for src, v in numbers
           if not math.isclose(resolve(tiny_data, src), v, rel_tol=1e-6, abs_tol=1e-9)]
    assert not bad, bad[:5]
    srcs = {src for src, _ in numbers}
    for m in ("mc_dropout", "ensemble"):
        assert f"heldout.more.models['{m}'].accuracy" in srcs
        assert f"heldout.more.models['{m}'].compare['rejection'].diff_ci[0]" in srcs
        for i in range(len(tiny_data.unrelated.sets)):
            assert f"unrelated.sets[{i}].more.models['{m}'].auroc_entropy" in srcs
    # one standing per set, naming the model whose entropy separates it best
    said = log.scene.values["auroc_verdict"]
    for s in tiny_data.unrelated.sets:
        st = S.standing(s, "entropy")
        assert log.scene.t(f"who_{st.best}") in said


@pytest.mark.render
def test_the_pair_alone_when_the_lecture_chooses_it(tiny_data, tmp_path: Path) -> None:
    log = observe("comparison", _lecture(["softmax", "edl"]), tiny_data, tmp_path)
    srcs = {src for s in log.sections.values() for src, _ in s.numbers}
    assert not [s for s in srcs if ".more." in s]
    assert "heldout.models.softmax.accuracy" in srcs or "heldout.models['softmax'].accuracy" in srcs
    assert "By entropy" not in log.scene.values["auroc_verdict"]
    assert "For the ensemble" not in log.scene.values["accuracy_verdict"]
