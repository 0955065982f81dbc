"""The comparison verdicts (scenes/findings.py) on constructed cases and on the tiny dump."""
from __future__ import annotations

import math
import sys
from types import SimpleNamespace as NS

import numpy as np
import pytest

from scenes import findings as F
from scenes.shown import at


# -- constructed scene_data -----------------------------------------------------------------------
def diff(sm: float, edl: float, lo: float | None = None, hi: float | None = None) -> NS:
    """A scene_data ``Diff``; the interval of edl - softmax defaults to +-0.01 around it."""
    d = edl - sm
    lo = d - 0.01 if lo is None else lo
    hi = d + 0.01 if hi is None else hi
    return NS(softmax=sm, edl=edl, diff=d, diff_ci=[lo, hi], softmax_ci=[sm, sm], edl_ci=[edl, edl])


def at_ab(d: NS):
    """``d`` reached as ``a.b`` through scenes.shown (what from_diff reads)."""
    return at(NS(a=NS(b=d))).a.b


def make_data(accuracy: NS | None = None, ece: NS | None = None, rejection: NS | None = None,
              sets: dict[str, tuple[NS, NS]] | None = None, pooled: tuple[NS, NS] | None = None,
              eps=(0.0, 0.1, 0.2), fgsm: list[NS] | None = None, pgd: list[NS] | None = None,
              digit: int = 1, rot_probs=None, rot_u=None) -> NS:
    """``sets``: key -> (AUROC by entropy, AUROC EDL by u) as Diffs."""
    sets = sets if sets is not None else {"letters": (diff(0.8, 0.9), diff(0.8, 0.85))}
    pooled = pooled or (diff(0.9, 0.9), diff(0.9, 0.9))
    unrelated = NS(
        sets=[NS(key=k, compare=NS(auroc_entropy=h, auroc_u=u)) for k, (h, u) in sets.items()],
        pooled_compare=NS(auroc_entropy=pooled[0], auroc_u=pooled[1]),
        pooled_sets=[k for k in sets if k != "user"])
    if rot_probs is None:
        one = [0.0] * 10
        one[digit] = 0.99
        seven = [0.0] * 10
        seven[7] = 0.95
        rot_probs = [one, seven, seven, one]
        rot_u = [0.1, 0.9, 0.8, 0.2]
    rotation = NS(digit=digit, angles=[0.0, 60.0, 120.0, 180.0][:len(rot_probs)],
                  softmax_probs=rot_probs, edl_u=rot_u)
    fgsm = fgsm or [diff(0.9, 0.9), diff(0.5, 0.6), diff(0.1, 0.4)]
    pgd = pgd or [diff(0.9, 0.9), diff(0.3, 0.3), diff(0.0, 0.01, -0.005, 0.02)]
    zero = {"softmax": [0.0] * len(eps), "edl": [0.0] * len(eps)}
    attacks = NS(eps=list(eps), fgsm=NS(compare=fgsm, zero_grad_share=zero),
                 pgd=NS(compare=pgd, zero_grad_share=zero))
    heldout = NS(compare=NS(accuracy=accuracy or diff(0.97, 0.969, -0.006, 0.004),
                            ece=ece or diff(0.018, 0.040, 0.01, 0.03),
                            rejection=rejection or diff(0.99, 0.995, -0.002, 0.01),
                            rejection_share=0.9))
    return NS(heldout=heldout, unrelated=unrelated, rotation=rotation, attacks=attacks)


# -- Verdict ---------------------------------------------------------------------------------------
def test_better_only_where_the_interval_excludes_zero() -> None:
    assert F.from_diff("x", at_ab(diff(0.8, 0.9, 0.05, 0.15))).winner == "edl"
    v = F.from_diff("x", at_ab(diff(0.9, 0.8, -0.15, -0.05)))
    assert v.winner == "softmax" and v.loser == "edl"
    assert v.margin == pytest.approx(0.1) and v.diff == pytest.approx(-0.1)
    # a large difference whose interval still holds 0 is too close to call
    assert F.from_diff("x", at_ab(diff(0.8, 0.9, -0.01, 0.2))).winner == F.TIE
    # a tiny difference with a tight interval is a real one
    assert F.from_diff("x", at_ab(diff(0.800, 0.803, 0.001, 0.005))).winner == "edl"
    assert F.from_diff("x", at_ab(diff(math.nan, 0.5, 0.1, 0.2))).winner == F.TIE
    assert v.sources == ("a.b.softmax", "a.b.edl") and v.ci == (-0.15, -0.05)
    f = v.fmt()
    assert f["lo"] == -0.15 and f["hi"] == -0.05 and f["diff"] == pytest.approx(-0.1)


def test_lower_is_better_flips_the_winner() -> None:
    # ECE: EDL's is larger (interval above 0), so softmax is better
    assert F.calibration(make_data()).winner == "softmax"
    assert F.calibration(make_data(ece=diff(0.05, 0.02, -0.04, -0.02))).winner == "edl"


def test_accuracy_and_calibration_name_their_fields() -> None:
    d = make_data()
    assert F.accuracy(d).sources == ("heldout.compare.accuracy.softmax",
                                     "heldout.compare.accuracy.edl")
    assert F.accuracy(d).winner == F.TIE  # 97.0 vs 96.9 with an interval holding 0
    assert F.calibration(d).higher_is_better is False


def test_per_set_aurocs_come_first_and_can_split() -> None:
    """EDL ahead on letters, softmax on Fashion-MNIST and noise, the pooled number a tie: the
    split the pooled number used to hide."""
    d = make_data(sets={"letters": (diff(0.822, 0.867, 0.02, 0.07), diff(0.8, 0.85)),
                        "fashion": (diff(0.977, 0.947, -0.05, -0.01), diff(0.9, 0.9)),
                        "noise": (diff(1.0, 0.968, -0.04, -0.02), diff(0.9, 0.9))},
                  pooled=(diff(0.933, 0.927, -0.015, 0.004), diff(0.933, 0.916)))
    by_set = F.auroc_by_set(d)
    assert list(by_set) == ["letters", "fashion", "noise", "pooled"]
    assert [v.winner for v in by_set.values()] == ["edl", "softmax", "softmax", F.TIE]
    assert by_set["fashion"].sources[0] == "unrelated.sets[1].compare.auroc_entropy.softmax"
    assert F.auroc(d, None, "u").sources[1] == "unrelated.pooled_compare.auroc_u.edl"
    rows = F.summary(d)
    assert [v.metric for v in rows] == ["accuracy", "auroc", "auroc", "auroc", "ece",
                                        "rejection", "fgsm"]
    assert [v.extra.get("set") for v in rows[1:4]] == ["letters", "fashion", "noise"]
    with pytest.raises(ValueError):
        F.auroc(d, "letters", "max_prob")


def test_user_images_stay_out_of_the_summary() -> None:
    d = make_data(sets={"letters": (diff(0.8, 0.9), diff(0.8, 0.9)),
                        "user": (diff(0.5, 0.6), diff(0.5, 0.6))})
    assert [v.extra.get("set") for v in F.summary(d) if v.metric == "auroc"] == ["letters"]


def test_rejection_reads_the_equal_share_comparison() -> None:
    v = F.rejection(make_data())
    assert v.extra["share"] == 0.9 and v.winner == F.TIE
    assert v.sources[1] == "heldout.compare.rejection.edl"


def test_attack_table_flips_the_verdict() -> None:
    """The masked attack said "EDL is ahead" (39% vs 11%); the unmasked one does not."""
    masked = make_data(fgsm=[diff(0.97, 0.97), diff(0.5, 0.6), diff(0.108, 0.391, 0.24, 0.32)])
    honest = make_data(fgsm=[diff(0.97, 0.97), diff(0.5, 0.4), diff(0.108, 0.067, -0.07, -0.01)])
    assert F.attack_strongest(masked).winner == "edl"
    s = F.attack_strongest(honest)
    assert s.winner == "softmax" and s.extra["eps"] == 0.2
    assert s.sources[1] == "attacks.fgsm.compare[2].edl"
    assert F.attack_strongest(honest, "pgd").winner == F.TIE
    assert F.masked_share(honest) == 0.0
    honest.attacks.fgsm.zero_grad_share["edl"][2] = 0.379
    assert F.masked_share(honest) == pytest.approx(0.379)


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


def test_tally_groups_by_winner() -> None:
    t = F.tally(F.summary(make_data()))
    assert [v.metric for v in t["softmax"]] == ["ece"]
    assert [v.metric for v in t["edl"]] == ["auroc", "fgsm"]
    assert {v.metric for v in t[F.TIE]} == {"accuracy", "rejection"}


def test_verdicts_on_the_tiny_dump_name_real_fields(tiny_data) -> None:
    for v in F.summary(tiny_data):
        assert v.winner in ("softmax", "edl", F.TIE)
        assert v.ci[0] <= v.diff + 1e-9 and v.diff - 1e-9 <= v.ci[1] or v.winner == F.TIE
    a = F.accuracy(tiny_data)
    assert a.softmax == tiny_data.heldout.models["softmax"].accuracy
    c = F.auroc(tiny_data)
    assert c.edl == pytest.approx(tiny_data.unrelated.combined_auroc["edl_entropy"])


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


# -- the EDL pass (sequence 3) ----------------------------------------------------------------
def test_top_classes_are_the_largest_alphas_in_class_order_on_ties() -> None:
    assert F.top_classes([1.0, 5.0, 2.0, 5.0, 3.0]).tolist() == [1, 3, 4]
    assert F.top_classes([1.0, 1.0, 1.0, 1.0], n=2).tolist() == [0, 1]


def test_most_uncertain_example_skips_missing_u_and_keeps_the_first_of_a_tie() -> None:
    ex = lambda u: NS(edl=NS(u=u))  # noqa: E731
    letters = NS(examples=[ex(0.4), ex(None), ex(0.9)])
    noise = NS(examples=[ex(0.9), ex(0.95)])
    i, j, s, e = F.most_uncertain_example([(0, letters), (2, noise)])
    assert (i, j, s, e.edl.u) == (2, 1, noise, 0.95)
    assert F.most_uncertain_example([(0, letters), (1, NS(examples=[ex(0.9)]))])[:2] == (0, 2)
    assert F.most_uncertain_example([(0, NS(examples=[ex(None)]))]) is None


def test_belief_labels_keep_only_the_largest_clear_beliefs() -> None:
    belief = [0.02, 0.5, 0.1, 0.3]
    assert F.belief_labels(belief, 0.025, 1) == ([1], [0, 2, 3])
    assert F.belief_labels(belief, 0.025, 2) == ([1, 3], [0, 2])
    assert F.belief_labels(belief, 0.6, 2) == ([], [0, 1, 2, 3])  # none clears the share


def test_sweep_indices_run_from_sure_to_unsure_up_to_the_largest_u() -> None:
    u = [0.3, 0.1, 0.6, 0.2, 1.0, 0.4, 1.0]
    assert F.sweep_indices(u, n_max=10) == [1, 3, 0, 2, 4]  # rising u, none after the first 1.0
    assert F.sweep_indices(u) == [1, 0, 4]  # three spread evenly: first, middle, last
    assert F.sweep_indices([0.5]) == [0]


def test_sweep_alpha_rebuilds_the_dirichlet_from_p_hat_and_u() -> None:
    alpha = np.array([6.0, 2.0, 1.0, 1.0])
    S = alpha.sum()
    rebuilt = F.sweep_alpha(alpha / S, len(alpha) / S)
    assert np.allclose(rebuilt, alpha)


def test_rotation_key_indices_add_the_mistake_once() -> None:
    u = [0.1, 0.2, 0.9, 0.3]
    assert F.rotation_key_indices(u, None) == [0, 2, 3]
    assert F.rotation_key_indices(u, 1) == [0, 1, 2, 3]
    assert F.rotation_key_indices(u, 2) == [0, 2, 3]


def test_unrelated_claim_needs_every_set_above_the_digits() -> None:
    assert F.unrelated_claim_key([0.6, 0.8], 0.2) == "claim_all_higher"
    assert F.unrelated_claim_key([0.6, 0.1], 0.2) == "claim_not_all"
    assert F.unrelated_claim_key([0.6, None], 0.2) == "claim_not_all"


def test_kl_skip_only_when_epoch_one_dwarfs_the_rest() -> None:
    epochs = np.arange(1, 6, dtype=float)
    assert F.kl_skip({"train": np.array([18.0, 0.4, 0.2, 0.1, 0.05])}, epochs)
    assert not F.kl_skip({"train": np.array([0.5, 0.4, 0.2, 0.1, 0.05])}, epochs)
    assert not F.kl_skip({"train": np.array([18.0, 0.4])}, epochs[:2])
    assert not F.kl_skip({}, epochs)
    assert F.kl_first_column({"train_kl": 3.0, "heldout_kl": 2.0}) == "train_kl"
    assert F.kl_first_column({"heldout_kl": 2.0}) == "heldout_kl"


def bins(*rows: tuple[float, float, int]) -> NS:
    """Reliability bins (confidence, accuracy, count); edges from the confidence (tenths)."""
    return NS(reliability=[NS(confidence=c, accuracy=a, count=n, lower=math.floor(c * 10) / 10,
                              upper=math.floor(c * 10) / 10 + 0.1) for c, a, n in rows])


def test_largest_gap_ignores_tiny_bins() -> None:
    """The 0.47 gap of a bin of 5 digits is noise; the largest gap is taken among full bins."""
    rel = bins((0.45, 0.92, 5), (0.75, 0.70, 40), (0.98, 0.985, 875))
    assert F.largest_gap(rel, 30) == 1
    assert F.largest_gap(rel, 1) == 0
    assert F.largest_gap(rel, 1000) is None


def test_gap_source_names_the_bins_behind_the_average() -> None:
    """EDL "underconfident by 4 points": mostly 64 digits with low p_hat, while the top bin of
    875 digits is within half a point."""
    rel = bins((0.35, 0.80, 64), (0.75, 0.85, 61), (0.985, 0.9896, 875))
    src = F.gap_source(rel)
    assert src.main == 0 and src.main_count == 64 and src.main_share > 0.6
    assert src.full == 2 and src.full_count == 875
    assert src.full_gap == pytest.approx(0.0046)
    assert F.gap_source(bins((0.0, 0.0, 0))) is None


def test_confidence_gap_and_direction_are_count_weighted() -> None:
    over = bins((0.95, 0.90, 900), (0.5, 0.6, 10))   # mostly confidence above accuracy
    assert F.confidence_gap(over) == pytest.approx((900 * -0.05 + 10 * 0.1) / 910)
    assert F.confidence_direction(over) == "over"
    under = bins((0.15, 0.5, 40), (0.99, 0.999, 800))
    assert F.confidence_gap(under) > 0 and F.confidence_direction(under) == "under"
    assert F.confidence_direction(bins((0.9, 0.902, 100))) == "balanced"
    empty = bins((0.0, 0.0, 0))
    assert math.isnan(F.confidence_gap(empty)) and F.confidence_direction(empty) == "balanced"


# -- sequence 1: the forward pass's choices -------------------------------------------------------
def test_peak_cell_is_the_first_largest_value() -> None:
    assert F.peak_cell([[0.1, 0.9], [0.9, 0.2]]) == (0, 1)
    assert F.peak_cell([[0.0, 0.0], [0.0, 3.0]]) == (1, 1)
    assert all(isinstance(v, int) for v in F.peak_cell([[1.0]]))


def test_mixed_window_finds_signs_on_both_sides() -> None:
    """Only the bottom-right 2x2 window holds both signs; larger magnitudes break ties."""
    m = [[1.0, 1.0, 1.0], [1.0, 1.0, -1.0], [1.0, -1.0, 1.0]]
    assert F.mixed_window(m, size=2) == (1, 1)
    all_positive = [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 5.0]]
    assert F.mixed_window(all_positive, size=2) == (1, 1)  # no mix: the largest magnitude


def test_pool_window_prefers_distinct_positive_values_and_checks_the_max() -> None:
    m = [[1.0, 1.0, 0.1, 0.2], [1.0, 1.0, 0.3, 0.4], [0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    p = [[1.0, 0.4], [0.0, 0.0]]
    assert F.pool_window(m, p, 2) == (0, 1)  # four distinct values beat four equal ones
    with pytest.raises(ValueError, match="not the max"):
        F.pool_window(m, [[1.0, 0.3], [0.0, 0.0]], 2)


def test_slide_stops_run_along_the_first_row_then_to_the_target() -> None:
    assert F.slide_stops(24, 10, 7) == [(0, 7), (0, 15), (0, 23), (10, 0), (10, 7)]
    assert F.slide_stops(4, 2, 3)[-1] == (2, 3) and len(F.slide_stops(4, 2, 3, n=3)) == 4


def test_most_active_map_answer_key_and_layers() -> None:
    maps = [[[0.0, 1.0]], [[0.5, 2.0]], [[1.5, 0.0]]]
    assert F.most_active_map(maps) == 1
    assert F.answer_key(3, 3) == "sm_correct" and F.answer_key(3, 5) == "sm_wrong"
    assert F.largest_layer([10, 0, 30]) == (2, pytest.approx(0.75))
    assert F.largest_layer([0, 0]) == (0, 0.0)
    assert F.conv_part(["conv1", "pool1", "flatten", "fc1", "fc2"]) == 3
    assert F.conv_part(["conv1", "fc1"]) == 2
    layers = [NS(shape=[20, 24, 24], params=520), NS(shape=[20, 24, 24], params=0),
              NS(shape=[50, 8, 8], params=25050)]
    assert F.layer_with_shape(layers, (20, 24, 24)) == 0
    assert F.layer_with_shape(layers, (20, 24, 24), with_params=False) == 1
    assert F.layer_with_shape(layers, (50, 8, 8), with_params=False) is None


# -- overconfidence (sequence 2) ------------------------------------------------------------------
def unrelated_set(key: str, share: float, maxima: list[float]) -> NS:
    """An unrelated set whose examples' softmax outputs have the given largest probabilities."""
    examples = [NS(softmax=NS(probs=[m, 1.0 - m] + [0.0] * 8)) for m in maxima]
    return NS(key=key, stats={"softmax": NS(confident_share=share)}, examples=examples)


def test_bin_direction_reads_accuracy_against_confidence() -> None:
    over, under, equal = bins((0.9, 0.8, 10), (0.6, 0.7, 10), (0.5, 0.5, 10)).reliability
    assert F.bin_direction(over) == "over"
    assert F.bin_direction(under) == "under"
    assert F.bin_direction(equal) == "under"


def test_most_confident_set_takes_the_largest_share_first_of_equals() -> None:
    sets = [unrelated_set("letters", 0.3, [0.5]), unrelated_set("noise", 0.8, [0.5]),
            unrelated_set("fashion", 0.8, [0.5])]
    assert F.most_confident_set(sets) == ("noise", 0.8)
    assert F.most_confident_set(sets[:1]) == ("letters", 0.3)


def test_most_confident_example_prefers_letters_then_any_set() -> None:
    letters = unrelated_set("letters", 0.5, [0.7, 0.95, 0.95])
    noise = unrelated_set("noise", 0.9, [0.99])
    # the letters win although noise holds a more confident example; first of equals
    assert F.most_confident_example([(0, letters), (2, noise)]) == (0, 1)
    # without letters: the most confident of any set, indices into unrelated.sets
    assert F.most_confident_example([(1, unrelated_set("fashion", 0.1, [0.6])),
                                     (2, noise)]) == (2, 0)
    assert F.most_confident_example([(0, unrelated_set("letters", 0.0, []))]) is None
    assert F.most_confident_example([]) is None


def test_peak_wrong_skips_the_true_digit() -> None:
    probs = [[0.0, 0.99, 0.01] + [0.0] * 7,
             [0.0, 0.4, 0.0] + [0.0] * 4 + [0.6, 0.0, 0.0],
             [0.0, 0.2, 0.0] + [0.0] * 2 + [0.8, 0.0, 0.0, 0.0, 0.0]]
    assert F.peak_wrong(probs, 1) == (2, 5)
    assert F.peak_wrong(probs, 5) == (0, 1)


def test_curve_classes_keep_the_digit_the_peak_and_the_largest_others() -> None:
    p = [[0.0] * 10 for _ in range(3)]
    p[0][1] = 1.0
    for k, v in ((7, 0.9), (5, 0.5), (3, 0.3), (2, 0.25), (9, 0.1)):
        p[1][k] = v
    assert F.curve_classes(p, 1, 7, 0.2, 4) == [1, 3, 5, 7]
    assert F.curve_classes(p, 1, 7, 0.2, 10) == [1, 2, 3, 5, 7]
    # a peak class below the threshold still gets its curve, before the ranked ones
    assert F.curve_classes(p, 1, 9, 0.2, 3) == [1, 7, 9]
    assert F.curve_classes(p, 1, 9, 0.95, 4) == [1, 9]


def test_wrong_counts_count_wrong_and_confidently_wrong_rows() -> None:
    one = [0.0, 0.95] + [0.0] * 8
    seven_sure = [0.0] * 7 + [0.92, 0.08, 0.0]
    seven_unsure = [0.0, 0.3] + [0.0] * 5 + [0.7, 0.0, 0.0]
    assert F.wrong_counts([one, seven_sure, seven_unsure], 1) == (2, 1)
    assert F.wrong_counts([one, seven_sure, seven_unsure], 1, confident=0.5) == (2, 2)
    assert F.wrong_counts([one], 1) == (0, 0)


def test_largest_others_skip_the_winner() -> None:
    assert F.largest_others([5.0, 1.0, 9.0, 7.0], skip=2) == [3, 0]
    assert F.largest_others([5.0, 1.0, 9.0, 7.0], skip=0, n=3) == [2, 3, 1]


# -- the choices the comparison's sections leave to findings ----------------------------------------
def test_rotation_sentence_follows_the_finding() -> None:
    assert F.rotation_sentence(F.rotation(make_data())) == "rotation_edl_flags"
    d = make_data()
    d.rotation.edl_u = [0.6, 0.6, 0.62, 0.6]  # as uncertain where softmax is right
    assert F.rotation_sentence(F.rotation(d)) == "rotation_edl_misses"
    one = [0.0] * 10
    one[1] = 1.0
    d = make_data(rot_probs=[one, one], rot_u=[0.1, 0.2])
    assert F.rotation_sentence(F.rotation(d)) == "rotation_no_wrong"


def test_auroc_judged_leaves_the_user_images_out_and_pools_apart() -> None:
    d = make_data(sets={"letters": (diff(0.8, 0.9), diff(0.8, 0.9)),
                        "user": (diff(0.5, 0.6), diff(0.5, 0.6)),
                        "noise": (diff(1.0, 0.9, -0.2, -0.05), diff(0.9, 0.9))})
    by_set, pooled = F.auroc_judged(d)
    assert list(by_set) == ["letters", "noise"]
    assert by_set["noise"].winner == "softmax"
    assert pooled.extra["set"] == "pooled"
    assert pooled.sources[0] == "unrelated.pooled_compare.auroc_entropy.softmax"


def test_rejection_floor_covers_both_curves_and_the_verdict() -> None:
    d = make_data(rejection=diff(0.93, 0.95, 0.0, 0.04))
    d.heldout.models = {
        "softmax": NS(threshold_kept=[1.0, 0.8, 0.0], threshold_accuracy=[0.97, 0.985, 1.0]),
        "edl": NS(threshold_kept=[1.0, 0.6, 0.3], threshold_accuracy=[0.96, 0.99, 0.999])}
    acc, share = F.rejection_floor(d)
    assert acc == pytest.approx(0.93)  # the verdict's value, below every kept point
    assert share == pytest.approx(0.3)  # EDL keeps 30%; the empty threshold does not count
    d.heldout.compare.rejection = diff(0.99, 0.995)
    d.heldout.compare.rejection_share = 0.2
    assert F.rejection_floor(d) == (pytest.approx(0.96), pytest.approx(0.2))


def test_attack_choices_use_their_margins() -> None:
    d = make_data(eps=(0.1, 0.0, 0.2))
    assert F.weakest_attack(d) == 1
    d.attacks.fgsm.edl_mean_u = [0.30, 0.30, 0.30 + F.U_RISE]
    assert not F.u_rises(d, 1, 2)  # exactly the margin is no rise
    d.attacks.fgsm.edl_mean_u[2] = 0.30 + 2 * F.U_RISE
    assert F.u_rises(d, 1, 2) and not F.u_rises(d, 2, 1)
    d.attacks.own_loss_fgsm = NS(zero_grad_share={"edl": [0.0, F.OWN_LOSS_MASKED, 0.4]})
    assert F.own_loss_masks(d, 2) and not F.own_loss_masks(d, 1)
