"""Incremental and parallel rendering on tiny dummy scenes: what is reused, what is drawn again,
that workers change no byte, that joins copy packets, and that lectures keep to their folders."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from contract import lecture as config
from contract.manifest import load_manifest
from contract.sequences import SEQUENCES
from rendering import jobs, media, ownership, render, subtitles
from tests.conftest import ROOT
from tests.test_render import fake_registry, lecture_files, only_dummy, scene_data  # noqa: F401

pytestmark = pytest.mark.render


def digests(out: Path) -> dict[str, str]:
    """sha256 of every published file but the manifest (it carries a time stamp)."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and ".work" not in p.parts
            and p.name != "manifest.json"}


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, frozenset]]:
    """(stem, sections drawn) of every Manim job run in this process."""
    calls: list[tuple[str, frozenset]] = []
    real = jobs.run_job

    def spy(job: jobs.Job, *args: Any, **kw: Any) -> jobs.Outcome:
        calls.append((job.seq.stem, job.draw))
        return real(job, *args, **kw)

    monkeypatch.setattr(jobs, "run_job", spy)
    return calls


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def test_reuse_caption_edit_and_text_edit(lecture_files: tuple[Path, Path], scene_data: Any,
                                          fake_registry: dict, drawn: list) -> None:
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    lecture = config.load_lecture(lecture_yaml, default)
    out = lecture.render_settings.output_dir
    render.render_lecture(lecture, scene_data, workers=1)
    assert drawn == [("01_dummy", {"task", "pixels"}), ("00_title", {"title"})]
    first = digests(out)

    # nothing changed: Manim does not run and no file is rewritten
    drawn.clear()
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}
    report = render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [] and report.ok
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == mtimes

    # a manifest of the form before schema_version: written again, nothing else
    old = load_manifest(out / "manifest.json").model_dump(mode="json", exclude_unset=True,
                                                          exclude={"schema_version"})
    (out / "manifest.json").write_text(json.dumps(old))
    report = render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [] and digests(out) == first
    assert "schema_version" in load_manifest(out / "manifest.json").model_fields_set

    # a caption: only the subtitles change; Manim runs without drawing a frame
    edit(default, "Then a circle.", "Then a round circle.")
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [("01_dummy", frozenset())]
    after = digests(out)
    changed = {k for k in after if after[k] != first[k]}
    assert changed == {"01_dummy.srt", "01_dummy.vtt", "lecture.srt", "lecture.vtt", "lecture.bcc.json",
                       "lecture.transcript.md"}
    assert subtitles.parse_srt((out / "01_dummy.srt").read_text())[-1].text == "Then a round circle."

    # a scene_data file the dummy declares (DATA): all its sections are drawn again; the
    # test's title card declares no DATA, so it depends on every file
    drawn.clear()
    (scene_data.folder / "forward_pass.json").write_text('{"schema_version": 1, "x": 2}')
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert sorted(drawn) == [("00_title", {"title"}), ("01_dummy", {"task", "pixels"})]

    # a file the dummy does not read: only the title card is drawn
    drawn.clear()
    (scene_data.folder / "training.json").write_text('{"schema_version": 1, "y": 3}')
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [("00_title", {"title"})]


def test_text_edit_redraws_from_the_section_that_reads_it(
        lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict, drawn: list,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from manim import Circle, FadeIn

    dummy = fake_registry["dummy"]

    def pixels(self: Any) -> None:  # the second section draws a YAML string
        self.play_p(FadeIn(Circle(color=self.theme.text)), run_time=1.0)
        self.wait_p(0.2 if self.words.text.get("task_question", "").endswith("?") else 0.6)

    monkeypatch.setattr(dummy, "pixels", pixels)
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    out = config.load_lecture(lecture_yaml, default).render_settings.output_dir
    task_clip = (out / "01_dummy_sections" / "01_task.mp4").read_bytes()
    drawn.clear()
    edit(default, 'task_question: Which digit is this?', 'task_question: Which digit.')
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == [("01_dummy", {"pixels"})]  # task did not read it: reused
    assert (out / "01_dummy_sections" / "01_task.mp4").read_bytes() == task_clip
    assert media.probe(out / "01_dummy_sections" / "02_pixels.mp4")["duration"] == pytest.approx(
        1.0 + 0.6 + 0.5, abs=0.25)


def test_a_caption_that_needs_longer_redraws_only_its_section(
        lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict,
        drawn: list) -> None:
    """Pacing holds a section until its caption has been read: a longer caption changes the
    picture's length, so that section (and no other) is drawn again, not just its subtitles."""
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    out = config.load_lecture(lecture_yaml, default).render_settings.output_dir
    task_clip = (out / "01_dummy_sections" / "01_task.mp4").read_bytes()
    before = media.probe(out / "01_dummy_sections" / "02_pixels.mp4")["duration"]
    drawn.clear()
    long = "Then a circle, drawn slowly and carefully, so that everyone can see it."  # 4.7 s
    edit(default, "Then a circle.", long)
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    # the first run only times the sections; it finds pixels held longer and draws it
    assert drawn == [("01_dummy", frozenset()), ("01_dummy", {"pixels"})]
    assert (out / "01_dummy_sections" / "01_task.mp4").read_bytes() == task_clip
    after = media.probe(out / "01_dummy_sections" / "02_pixels.mp4")["duration"]
    assert after > before + 2.5
    cues = subtitles.parse_srt((out / "01_dummy.srt").read_text())
    assert cues[-1].text == long
    assert cues[-1].end - cues[-1].start >= len(long) / 15 - 0.01  # its reading time
    assert cues[-1].end <= media.probe(out / "01_dummy.mp4")["duration"] + 0.01

    # and it stays: the next render reuses everything
    drawn.clear()
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    assert drawn == []


def test_parallel_equals_serial_and_joins_copy_packets(lecture_files: tuple[Path, Path],
                                                       scene_data: Any, fake_registry: dict,
                                                       tmp_path: Path) -> None:
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    outs = {}
    for workers in (1, 2):
        dst = tmp_path / f"out{workers}"
        edit(lecture_yaml, f"output_dir: {tmp_path / ('out' if workers == 1 else 'out1')}",
             f"output_dir: {dst}")
        lecture = config.load_lecture(lecture_yaml, default)
        assert render.render_lecture(lecture, scene_data, workers=workers).ok
        outs[workers] = digests(dst)
    assert outs[1] == outs[2]

    out = tmp_path / "out2"
    parts = [out / "00_title.mp4", out / "01_dummy.mp4"]
    assert media.packet_digests(out / "lecture.mp4") == sum(
        (media.packet_digests(p) for p in parts), [])
    sections = sorted((out / "01_dummy_sections").glob("*.mp4"))
    assert media.packet_digests(out / "01_dummy.mp4") == sum(
        (media.packet_digests(p) for p in sections), [])


def test_a_folder_belongs_to_one_lecture(lecture_files: tuple[Path, Path], scene_data: Any,
                                         fake_registry: dict, tmp_path: Path) -> None:
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    render.render_lecture(config.load_lecture(lecture_yaml, default), scene_data, workers=1)
    out = tmp_path / "out"
    before = digests(out)
    other = tmp_path / "other.yaml"
    shutil.copy(lecture_yaml, other)
    with pytest.raises(ownership.FolderTaken, match="holds the renders of .*lecture.yaml.*--force"):
        render.render_lecture(config.load_lecture(other, default), scene_data, workers=1)
    assert digests(out) == before
    assert render.render_lecture(config.load_lecture(other, default), scene_data, workers=1,
                                 force=True).ok
    assert ownership.owner_of(out) == str(other.resolve())
    # a folder with files that no lecture rendered
    stranger = tmp_path / "stranger"
    stranger.mkdir()
    (stranger / "notes.txt").write_text("mine")
    with pytest.raises(ownership.FolderTaken, match="not empty"):
        ownership.claim(stranger, other)


def test_lecture_copied_to_the_project_root_renders_into_renders_stem(
        scene_data: Any, fake_registry: dict, tmp_path: Path) -> None:
    """The README's recipe: copy the default lecture to the project root and render it."""
    default_out = ROOT / "renders" / "default"
    before = digests(default_out) if default_out.exists() else {}
    stem = f"test_copy_{tmp_path.name}"
    copy = ROOT / f"{stem}.yaml"
    shutil.copy(config.DEFAULT_PATH, copy)
    edit(copy, f"sequences: [{', '.join(SEQUENCES)}]", "sequences: [cnn_forward_pass]")
    edit(copy, "  width: null", "  width: 160")
    edit(copy, "  height: null", "  height: 90")
    edit(copy, "  fps: null", "  fps: 5")
    out = ROOT / "renders" / stem
    try:
        lecture = config.load_lecture(copy)
        assert lecture.render_settings.output_dir == out
        assert render.render_lecture(lecture, scene_data, workers=1).ok
        assert (out / "lecture.mp4").exists() and (out / "01_dummy.mp4").exists()
        assert ownership.owner_of(out) == f"{stem}.yaml"
    finally:
        copy.unlink(missing_ok=True)
        shutil.rmtree(out, ignore_errors=True)
    assert (digests(default_out) if default_out.exists() else {}) == before
