"""Sequence 3 (the EDL pass): rendered from the tiny dump; frames, layout and numbers checked.

The whole sequence is rendered once (256x144 @ 4 fps) with each section's start and end time
and the mobjects on stage at its end recorded; the tests then look at the frames, check that
nothing leaves the frame or overlaps, and read every number the scene drew back from scene_data.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from tests import framecheck as fc

pytestmark = pytest.mark.render


from tests.sources import resolve  # noqa: E402  (the tests' resolver of recorded sources)


# -- helpers -------------------------------------------------------------------------------------
def lecture(sections: list[str] | None = None):
    from contract.lecture import load_lecture

    lec = load_lecture(Path(__file__).resolve().parent.parent / "lectures/default.yaml")
    if sections is not None:
        lec = lec.model_copy(update={"sections": {"edl_pass": sections}})
    return lec


def timed_scene_class():
    """EDLPass that notes, per section, start/end time and the top-level mobjects at its end."""
    from scenes.edl_pass.script import EDLPass

    def wrap(name: str):
        original = getattr(EDLPass, name)

        def run(self):
            start = self.renderer.time
            original(self)
            self.section_log[name] = (start, self.renderer.time, list(self.mobjects))
        return run

    attrs = {name: wrap(name) for name in EDLPass.SECTIONS}

    def __init__(self, *a, **kw):  # noqa: N807
        self.section_log = {}
        EDLPass.__init__(self, *a, **kw)

    attrs["__init__"] = __init__
    return type("TimedEDLPass", (EDLPass,), attrs)


def text_pieces(mobjects: list) -> list:
    """Every Text / MathTex on stage (outermost only)."""
    from manim import MathTex, Text

    out = []

    def walk(m) -> None:
        if isinstance(m, (Text, MathTex)):
            if m.width > 1e-3:
                out.append(m)
            return
        for sub in m.submobjects:
            walk(sub)

    for m in mobjects:
        walk(m)
    return out


def boxes_overlap(a, b, buff: float = 0.0) -> bool:
    ax0, ay0 = a.get_corner([-1, -1, 0])[:2]
    ax1, ay1 = a.get_corner([1, 1, 0])[:2]
    bx0, by0 = b.get_corner([-1, -1, 0])[:2]
    bx1, by1 = b.get_corner([1, 1, 0])[:2]
    return not (ax1 + buff <= bx0 or bx1 + buff <= ax0 or ay1 + buff <= by0 or by1 + buff <= ay0)


@pytest.fixture(scope="module")
def rendered(tiny_data, tmp_path_factory):
    """The whole sequence rendered once from the tiny dump."""
    out = tmp_path_factory.mktemp("seq3")
    scene, movie = fc.render_scene(timed_scene_class(), out, size=(256, 144), fps=4,
                                   lecture=lecture(), data=tiny_data)
    return scene, movie


# -- tests ---------------------------------------------------------------------------------------
def test_sections_match_yaml_captions(rendered):
    from scenes.edl_pass.script import EDLPass

    scene, movie = rendered
    assert list(scene.section_log) == list(EDLPass.SECTIONS)
    # captions with placeholders got them filled from the data
    assert scene.values["evidence_name"] == scene.data.training.evidence
    assert 60 <= fc.video_duration(movie) <= 200


def test_every_section_draws_inside_the_frame(rendered):
    scene, movie = rendered
    times = [end - 0.3 for _, (_, end, _) in scene.section_log.items()]
    frames = fc.frames_of(movie, times)
    bg = scene.theme.background
    for (name, (_, _, mobs)), frame in zip(scene.section_log.items(), frames):
        fc.assert_not_blank(frame, bg, min_fraction=0.04)
        for m in mobs:
            fc.assert_inside_frame(m, margin=0.05)
        # the title bar (top-left) stays free: nothing but the title there
        others = [m for m in mobs if m is not scene.header]
        for m in text_pieces(others):
            assert not boxes_overlap(m, scene.header), f"{name}: text over the title bar"


def test_no_text_overlaps(rendered):
    scene, _ = rendered
    for name, (_, _, mobs) in scene.section_log.items():
        pieces = text_pieces([m for m in mobs if m is not scene.header])
        for i, a in enumerate(pieces):
            for b in pieces[i + 1:]:
                assert not boxes_overlap(a, b, buff=-0.02), (
                    f"{name}: {getattr(a, 'text', a.get_tex_string() if hasattr(a, 'get_tex_string') else a)!r} "
                    f"overlaps {getattr(b, 'text', b)!r}")


def test_shown_numbers_agree_with_scene_data(rendered):
    scene, _ = rendered
    data = scene.data
    assert len(scene.shown_numbers) > 100
    for source, value in scene.shown_numbers:
        expected = resolve(data, source)
        assert value == pytest.approx(expected, rel=1e-6, abs=1e-9), source
    sources = {s for s, _ in scene.shown_numbers}
    for must in ("forward_pass.edl.S", "forward_pass.edl.u", "1 - heldout.models.edl.mean_u_correct",
                 "training.history.edl[0].train_kl", "rotation.edl_u[0]"):
        assert must in sources, f"{must} is never shown"
    k = int(np.argmax(data.forward_pass.edl.alpha))
    assert f"forward_pass.edl.alpha[{k}]" in sources


def test_live_formulas_show_the_data(rendered):
    """The typeset numbers are the formatted scene_data values, and α, S, b, u, p̂ agree."""
    scene, _ = rendered
    edl = scene.data.forward_pass.edl
    seen = set()
    for f in scene.formulas:
        for name, source in f.sources.items():
            value = resolve(scene.data, source)
            spec = re.search(r"\[\[" + name + r"(?::([^\]]+))?\]\]", f.template).group(1) or ".2f"
            assert f.strings[name] == format(value, spec), (source, f.strings[name])
            seen.add(source)
    assert {"forward_pass.edl.S", "forward_pass.edl.u"} <= seen
    # the relations the formulas state hold for the shown data
    alpha, S = np.asarray(edl.alpha), float(edl.S)
    assert alpha.sum() == pytest.approx(S, rel=1e-4)
    assert len(alpha) / S == pytest.approx(edl.u, rel=1e-4)
    assert np.allclose(alpha / S, edl.probs, atol=1e-4)


def test_unrelated_sets_follow_the_lecture_booleans(tiny_data, tmp_path):
    from manim import tempconfig

    lec = lecture(["unrelated_uncertainty"])
    lec = lec.model_copy(update={"unrelated": lec.unrelated.model_copy(update={"letters": False})})
    with tempconfig(fc.tiny_config(tmp_path, dry_run=True)):
        scene = timed_scene_class()(lecture=lec, data=tiny_data)
        scene.render()
    keys = [s.key for s in tiny_data.unrelated.sets]
    shown_sets = {int(m.group(1)) for s, _ in scene.shown_numbers
                  if (m := re.match(r"unrelated\.sets\[(\d+)\]", s))}
    assert keys.index("letters") not in shown_sets
    assert shown_sets == {i for i, k in enumerate(keys) if k in ("fashion", "noise")}


def bar_point(scene, fraction: float) -> np.ndarray:
    """The scene point at ``fraction`` of the digit's stacked bar (from its left end)."""
    bar = scene.belief_rows[0][1]
    left, right = bar.segments.get_left(), bar.segments.get_right()
    return left + (right - left) * fraction


def test_changed_data_changes_the_picture(rendered, tiny_data_copy, tmp_path):
    """More evidence for the top class in forward_pass.json: u falls; bar and formulas follow."""
    from contract.scene_data import load_all

    path = Path(tiny_data_copy) / "forward_pass.json"
    raw = json.loads(path.read_text())
    edl = raw["edl"]
    e = np.asarray(edl["evidence"], float)
    k = int(np.argmax(e))
    e[k] += 300.0  # a consistent edit: every Dirichlet quantity recomputed from e
    alpha = e + 1
    S = float(alpha.sum())
    edl.update(evidence=e.tolist(), alpha=alpha.tolist(), S=S, belief=(e / S).tolist(),
               u=len(alpha) / S, probs=(alpha / S).tolist())
    path.write_text(json.dumps(raw))
    changed = load_all(tiny_data_copy)

    scene, movie = fc.render_scene(timed_scene_class(), tmp_path, size=(256, 144), fps=4,
                                   lecture=lecture(["dirichlet_numbers", "belief_bar"]),
                                   data=changed)
    # the typeset u and S are the new ones
    f_u = next(f for f in scene.formulas if "u" in f.sources)
    assert f_u.strings["u"] == format(len(alpha) / S, ".3f")
    assert ("forward_pass.edl.u", pytest.approx(len(alpha) / S, rel=1e-5)) in scene.shown_numbers

    # the picture: at 3/4 of the digit's bar, the original (u ≈ 0.6) shows the grey u segment,
    # the changed one (u ≈ 0.03) the EDL colour of the belief of class k
    old_scene, old_movie = rendered
    old_frame = fc.frames_of(old_movie, [old_scene.section_log["belief_bar"][1] - 0.3])[0]
    new_frame = fc.frames_of(movie, [scene.section_log["belief_bar"][1] - 0.3])[0]
    old_u = old_scene.data.forward_pass.edl.u
    assert old_u > 0.15, "the tiny model should be unsure of its digit"
    where = 1 - old_u / 2  # the middle of the original u segment
    fc.assert_colour_close(fc.colour_at(old_frame, bar_point(old_scene, where)),
                           old_scene.theme.muted, tol=40, what="u segment before")
    fc.assert_colour_close(fc.colour_at(new_frame, bar_point(scene, where)), scene.theme.edl,
                           tol=40, what="belief segment after")


def test_confident_mistake_is_chosen_from_the_data():
    """The rotated-digit caveat names the wrong angle with the lowest u, or says there is none."""
    from scenes.edl_pass.script import CONFIDENT_U, confident_mistake

    eye = np.eye(10)
    probs = np.array([eye[1], eye[4], eye[7], eye[1]]) * 0.9 + 0.01
    u = np.array([0.01, 0.31, 0.055, 0.02])
    assert confident_mistake(1, probs, u) == (2, "rot_wrong_confident")  # 7 with u = 0.055
    assert confident_mistake(1, probs, np.array([0.01, 0.9, 0.8, 0.02])) == (
        2, "rot_wrong_flagged")  # every mistake has u above CONFIDENT_U
    assert CONFIDENT_U == pytest.approx(0.5)
    assert confident_mistake(1, np.array([eye[1], eye[1]]), np.array([0.1, 0.9])) == (
        None, "rot_never_wrong")


def test_rotated_caption_names_the_confident_mistake(rendered):
    from scenes.edl_pass.script import confident_mistake

    scene, _ = rendered
    rot = scene.data.rotation
    i, key = confident_mistake(rot.digit, np.asarray(rot.edl_probs), np.asarray(rot.edl_u))
    caveat = scene.values["rot_caveat"]
    if i is None:
        assert caveat == scene.t(key, digit=rot.digit)
    else:
        assert f"{rot.edl_u[i]:.3f}" in caveat and f"{rot.angles[i]:.0f}" in caveat
        assert ("rotation.edl_u[%d]" % i, pytest.approx(rot.edl_u[i])) in scene.shown_numbers
