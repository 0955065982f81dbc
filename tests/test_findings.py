"""The comparison verdicts (scenes/findings.py) on constructed cases and on the tiny dump."""
from __future__ import annotations

import math
import sys
from types import SimpleNamespace as NS

import pytest

from scenes import findings as F


# -- constructed scene_data -----------------------------------------------------------------------
def model(acc: float = 0.9, ece: float = 0.05, threshold=(0.0, 0.5, 1.0),
          threshold_accuracy=(1.0, 0.95, 0.9), threshold_kept=(0.0, 0.8, 1.0)) -> NS:
    return NS(accuracy=acc, ece=ece, threshold=list(threshold),
              threshold_accuracy=list(threshold_accuracy), threshold_kept=list(threshold_kept))


def stats(auroc_entropy: float, auroc_u: float | None = None) -> NS:
    return NS(auroc_entropy=auroc_entropy, auroc_u=auroc_u)


def make_data(sm: NS | None = None, edl: NS | None = None,
              sets: dict[str, tuple[float, float, float]] | None = None,
              combined: tuple[float, float, float] = (0.9, 0.9, 0.9),
              eps=(0.0, 0.1, 0.2), acc_sm=(0.9, 0.5, 0.1), acc_edl=(0.9, 0.6, 0.4),
              digit: int = 1, rot_probs=None, rot_u=None) -> NS:
    """``sets``: key -> (softmax auroc by entropy, EDL by entropy, EDL by u);
    ``combined``: (softmax_entropy, edl_entropy, edl_u)."""
    sets = sets if sets is not None else {"letters": (0.8, 0.9, 0.85)}
    unrelated = NS(
        sets=[NS(key=k, stats={"softmax": stats(a), "edl": stats(b, c)})
              for k, (a, b, c) in sets.items()],
        combined_auroc={"softmax_entropy": combined[0], "edl_entropy": combined[1],
                        "edl_u": combined[2]})
    if rot_probs is None:
        one = [0.0] * 10
        one[digit] = 0.99
        seven = [0.0] * 10
        seven[7] = 0.95
        rot_probs = [one, seven, seven, one]
        rot_u = [0.1, 0.9, 0.8, 0.2]
    rotation = NS(digit=digit, angles=[0.0, 60.0, 120.0, 180.0][:len(rot_probs)],
                  softmax_probs=rot_probs, edl_u=rot_u)
    return NS(heldout=NS(models={"softmax": sm or model(), "edl": edl or model()}),
              unrelated=unrelated, rotation=rotation,
              fgsm=NS(eps=list(eps), accuracy={"softmax": list(acc_sm), "edl": list(acc_edl)}))


# -- Verdict ---------------------------------------------------------------------------------------
def test_compare_higher_is_better() -> None:
    assert F.compare("x", 0.8, 0.9, tolerance=0.01).winner == "edl"
    assert F.compare("x", 0.9, 0.8, tolerance=0.01).winner == "softmax"
    v = F.compare("x", 0.9, 0.8, tolerance=0.01)
    assert v.loser == "edl" and v.margin == pytest.approx(0.1) and v.diff == pytest.approx(-0.1)


def test_compare_lower_is_better_flips_the_winner() -> None:
    v = F.compare("ece", 0.018, 0.040, higher_is_better=False)
    assert v.winner == "softmax"
    assert v.fmt()["best"] == pytest.approx(0.018) and v.fmt()["worst"] == pytest.approx(0.040)
    assert F.compare("ece", 0.05, 0.02, higher_is_better=False).winner == "edl"


def test_tie_within_tolerance_and_not_beyond() -> None:
    assert F.compare("auroc", 0.930, 0.925).winner == F.TIE  # 0.005 <= 0.01
    assert F.compare("auroc", 0.930, 0.920).winner == F.TIE  # exactly at the tolerance
    assert F.compare("auroc", 0.930, 0.919).winner == "softmax"
    assert F.compare("x", 0.5, 0.5, tolerance=0.0).winner == F.TIE
    assert F.compare("x", math.nan, 0.5, tolerance=0.0).winner == F.TIE
    assert F.compare("x", 0.5, 0.5).loser == F.TIE


def test_default_tolerance_comes_from_the_table() -> None:
    assert F.compare("accuracy", 0.9, 0.9).tolerance == F.TOLERANCE["accuracy"]
    assert F.compare("unknown", 0.9, 0.9).tolerance == 0.0


# -- metrics ---------------------------------------------------------------------------------------
def test_accuracy_and_calibration_name_their_fields() -> None:
    d = make_data(sm=model(acc=0.97, ece=0.02), edl=model(acc=0.95, ece=0.01))
    a = F.accuracy(d)
    assert (a.softmax, a.edl, a.winner) == (0.97, 0.95, "softmax")
    assert a.sources == ("heldout.models.softmax.accuracy", "heldout.models.edl.accuracy")
    c = F.calibration(d)
    assert c.winner == "edl" and not c.higher_is_better


def test_auroc_softmax_beats_edl() -> None:
    d = make_data(sets={"letters": (0.95, 0.80, 0.78), "noise": (0.99, 0.70, 0.72)},
                  combined=(0.96, 0.75, 0.74))
    by_set = F.auroc_by_set(d)
    assert set(by_set) == {"letters", "noise", "all"}
    assert all(v.winner == "softmax" for v in by_set.values())
    assert by_set["noise"].sources == ("unrelated.sets[1].stats.softmax.auroc_entropy",
                                       "unrelated.sets[1].stats.edl.auroc_entropy")
    u = F.auroc(d, None, "u")
    assert u.edl == 0.74 and u.sources[1] == "unrelated.combined_auroc.edl_u"
    assert F.auroc(d, "letters", "u").edl == 0.78


def test_auroc_edl_wins_and_ties() -> None:
    d = make_data(combined=(0.80, 0.95, 0.97))
    assert F.auroc(d).winner == "edl" and F.auroc(d, edl_score="u").winner == "edl"
    d = make_data(combined=(0.930, 0.926, 0.914))  # the default dump's shape
    assert F.auroc(d).winner == F.TIE
    assert F.auroc(d, edl_score="u").winner == "softmax"
    with pytest.raises(ValueError):
        F.auroc(d, edl_score="max_prob")


def test_rejection_compares_at_an_equal_share_kept() -> None:
    # softmax keeps 90% from its first threshold on, EDL only 50%: compare where both reach 90%
    sm = model(threshold_accuracy=[1.0, 0.99, 0.97, 0.95], threshold_kept=[0.0, 0.9, 0.95, 1.0],
               threshold=[0, 0.3, 0.6, 1.0])
    edl = model(threshold_accuracy=[1.0, 1.0, 0.98, 0.95], threshold_kept=[0.0, 0.5, 0.8, 1.0],
                threshold=[0, 0.3, 0.6, 1.0])
    d = make_data(sm=sm, edl=edl)
    assert F.common_share(d) == pytest.approx(0.9)
    v = F.rejection(d)
    assert v.extra["share"] == pytest.approx(0.9)
    assert v.softmax == pytest.approx(0.99)
    assert v.edl == pytest.approx(0.98 + (0.95 - 0.98) * 0.5)  # halfway between 0.8 and 1.0
    assert v.winner == "softmax"  # 0.99 vs 0.965
    # the "1 when none kept" convention never enters
    assert F.kept_curve(sm)[0].min() > 0


def test_rejection_when_a_model_keeps_nothing_below_the_top() -> None:
    sm = model(threshold_accuracy=[1.0, 1.0, 0.6], threshold_kept=[0.0, 0.0, 1.0])
    edl = model(threshold_accuracy=[1.0, 0.9, 0.7], threshold_kept=[0.0, 0.4, 1.0])
    d = make_data(sm=sm, edl=edl)
    v = F.rejection(d)
    assert v.extra["share"] == 1.0 and v.softmax == pytest.approx(0.6)
    assert v.edl == pytest.approx(0.7) and v.winner == "edl"


def test_fgsm_strongest_and_lead() -> None:
    d = make_data(eps=(0.2, 0.0, 0.1), acc_sm=(0.1, 0.9, 0.5), acc_edl=(0.4, 0.9, 0.6))
    s = F.fgsm_strongest(d)
    assert s.extra["eps"] == 0.2 and s.winner == "edl" and s.sources[1] == "fgsm.accuracy.edl[0]"
    assert F.fgsm_first_edl_lead(d) == 0.1
    d = make_data(acc_sm=(0.9, 0.6, 0.5), acc_edl=(0.9, 0.5, 0.2))
    assert F.fgsm_strongest(d).winner == "softmax" and F.fgsm_first_edl_lead(d) is None


def test_rotation_finding() -> None:
    f = F.rotation(make_data())
    assert f.wrong_angles == [60.0, 120.0] and f.n_angles == 4
    assert f.softmax_conf_wrong == pytest.approx(0.95) and f.confident_wrong == 2
    assert f.edl_u_wrong == pytest.approx(0.85) and f.edl_u_right == pytest.approx(0.15)
    assert f.uncertain_wrong == 2 and f.edl_flags_more()
    # EDL as uncertain where softmax is right as where it is wrong: not flagged
    d = make_data()
    d.rotation.edl_u = [0.6, 0.6, 0.62, 0.6]
    assert not F.rotation(d).edl_flags_more()
    # softmax right everywhere
    one = [0.0] * 10
    one[1] = 1.0
    d = make_data(rot_probs=[one, one], rot_u=[0.1, 0.2])
    f = F.rotation(d)
    assert not f.any_wrong and math.isnan(f.softmax_conf_wrong) and not f.edl_flags_more()


def test_summary_and_tally_on_constructed_data() -> None:
    d = make_data(sm=model(acc=0.97, ece=0.018), edl=model(acc=0.969, ece=0.040),
                  combined=(0.931, 0.926, 0.914))
    rows = F.summary(d)
    assert [v.metric for v in rows] == ["accuracy", "auroc", "auroc", "ece", "rejection", "fgsm"]
    t = F.tally(rows)
    assert [v.metric for v in t["softmax"]] == ["auroc", "ece"]
    assert [v.metric for v in t["edl"]] == ["fgsm"]
    assert {v.metric for v in t[F.TIE]} == {"accuracy", "auroc", "rejection"}


def test_verdicts_on_the_tiny_dump_name_real_fields(tiny_data) -> None:
    for v in F.summary(tiny_data):
        assert v.winner in ("softmax", "edl", F.TIE)
    a = F.accuracy(tiny_data)
    assert a.softmax == tiny_data.heldout.models["softmax"].accuracy
    c = F.auroc(tiny_data)
    assert c.edl == tiny_data.unrelated.combined_auroc["edl_entropy"]


def test_findings_import_no_manim_or_torch() -> None:
    import subprocess

    code = ("import sys, scenes.findings; "
            "assert 'manim' not in sys.modules and 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_rotation_edl_miss_picks_the_wrong_angle_with_the_lowest_u() -> None:
    one, four, seven = ([0.0] * 10 for _ in range(3))
    one[1], four[4], seven[7] = 0.9, 0.9, 0.9
    d = make_data(rot_probs=[one, one, one, one], rot_u=[0.1, 0.9, 0.2, 0.4])
    d.rotation.edl_probs = [one, four, seven, four]
    miss = F.rotation_edl_miss(d)
    assert miss is not None and miss.index == 2 and miss.edl_digit == 7
    assert miss.angle == d.rotation.angles[2] and miss.u == pytest.approx(0.2)
    assert miss.softmax_digit == 1 and miss.n_wrong == 3
    d.rotation.edl_probs = [one, one, one, one]  # EDL right everywhere
    assert F.rotation_edl_miss(d) is None


def bins(*rows: tuple[float, float, int]) -> NS:
    return NS(reliability=[NS(confidence=c, accuracy=a, count=n) for c, a, n in rows])


def test_confidence_gap_and_direction_are_count_weighted() -> None:
    over = bins((0.95, 0.90, 900), (0.5, 0.6, 10))   # mostly confidence above accuracy
    assert F.confidence_gap(over) == pytest.approx((900 * -0.05 + 10 * 0.1) / 910)
    assert F.confidence_direction(over) == "over"
    under = bins((0.15, 0.5, 40), (0.99, 0.999, 800))
    assert F.confidence_gap(under) > 0 and F.confidence_direction(under) == "under"
    assert F.confidence_direction(bins((0.9, 0.902, 100))) == "balanced"
    empty = bins((0.0, 0.0, 0))
    assert math.isnan(F.confidence_gap(empty)) and F.confidence_direction(empty) == "balanced"
