"""The render driver, end to end on tiny dummy scenes (160x90, 5 fps), and its refusals."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from contract import lecture as config, sequences as registry
from rendering import media, render, subtitles
from scenes import base
from contract.lecture import load_lecture
from contract.manifest import (SCHEMA_VERSION, RenderInfo, SceneDataSource,
                               load_manifest)
from tests.conftest import ROOT

W, H, FPS = 160, 90, 5


@dataclass(frozen=True)
class FakeSequence(registry.Sequence):
    """A registry entry with a test's own output stem and, for one not written yet, module."""
    fake_stem: str = ""
    fake_module: str = ""

    @property
    def stem(self) -> str:
        return self.fake_stem

    @property
    def module(self) -> str:
        return self.fake_module or super().module


def scene_classes() -> dict[str, type]:
    from manim import Circle, Create, FadeIn, Square

    from scenes.base import LectureScene

    class Dummy(LectureScene):
        sequence = "cnn_forward_pass"
        SECTIONS = ("task", "pixels")
        DATA = ("forward_pass",)

        def task(self) -> None:
            self.play_p(Create(Square(color=self.theme.accent)), run_time=1.0)

        def pixels(self) -> None:
            self.play_p(FadeIn(Circle(color=self.theme.text)), run_time=1.0)
            self.wait_p(0.4)

    class Title(LectureScene):
        SECTIONS = ("title",)

        def construct(self) -> None:
            self.camera.background_color = self.theme.background
            self.begin_section("title")
            self.play(FadeIn(Square()), run_time=1.0)
            self.end_section("title")

    class Broken(LectureScene):
        sequence = "edl_pass"
        SECTIONS = ("evidence",)

        def evidence(self) -> None:
            raise RuntimeError("no evidence today")

    return {"dummy": Dummy, "title": Title, "broken": Broken}


@pytest.fixture
def lecture_files(tmp_path: Path) -> tuple[Path, Path]:
    """(lecture YAML, default YAML): the real default with captions for the dummy's sections."""
    data = yaml.safe_load(config.DEFAULT_PATH.read_text(encoding="utf-8"))
    data["cnn_forward_pass"]["captions"] = {"task": "First a square. It is drawn.",
                                            "pixels": "Then a circle."}
    data["render"]["output_dir"] = "unused"
    default = tmp_path / "default.yaml"
    default.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    lecture = tmp_path / "lecture.yaml"
    lecture.write_text(
        "sequences: [cnn_forward_pass, overconfidence, edl_pass]\n"
        f"render: {{quality: preview, width: {W}, height: {H}, fps: {FPS}, "
        f"output_dir: {tmp_path / 'out'}}}\n",
        encoding="utf-8")
    return lecture, default


@pytest.fixture
def scene_data(tmp_path: Path) -> SimpleNamespace:
    folder = tmp_path / "scene_data"
    folder.mkdir()
    for name, h in (("forward_pass", "f00d"), ("training", "7ra1")):
        (folder / f"{name}.json").write_text(json.dumps(
            {"schema_version": 1, "provenance": {"config_hash": h}}))
    return SimpleNamespace(folder=folder, files={})


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, type]:
    classes = scene_classes()
    title = FakeSequence("title_card", 0, fake_stem="00_title")
    sequences = {
        "cnn_forward_pass": FakeSequence("cnn_forward_pass", 1, fake_stem="01_dummy"),
        # a sequence whose scene file is not written yet: skipped with a warning
        "overconfidence": FakeSequence("overconfidence", 2, fake_stem="02_over",
                                       fake_module="scenes.no_such_seq"),
        "edl_pass": FakeSequence("edl_pass", 3, fake_stem="03_broken"),
    }
    monkeypatch.setattr(registry, "TITLE", title)
    monkeypatch.setattr(registry, "SEQUENCES", sequences)
    monkeypatch.setattr(registry, "ENTRIES", {"title_card": title, **sequences})
    # the test's classes are what each entry is bound to (as `sequence=` binds a real scene)
    monkeypatch.setattr(base, "BOUND", {"title_card": classes["title"],
                                        "cnn_forward_pass": classes["dummy"],
                                        "edl_pass": classes["broken"]})
    return classes


def only_dummy(lecture_yaml: Path) -> None:
    """The lecture of ``lecture_files`` limited to the sequences that render."""
    lecture_yaml.write_text(lecture_yaml.read_text().replace(
        "sequences: [cnn_forward_pass, overconfidence, edl_pass]", "sequences: [cnn_forward_pass]"))


@pytest.mark.render
def test_render_lecture_outputs(lecture_files: tuple[Path, Path], scene_data: Any,
                                fake_registry: dict, capsys: pytest.CaptureFixture[str]) -> None:
    only_dummy(lecture_files[0])
    lecture = config.load_lecture(*lecture_files)
    out = lecture.render_settings.output_dir
    assert out == lecture_files[0].parent / "out"

    report = render.render_lecture(lecture, scene_data, workers=1)
    printed = capsys.readouterr().out
    assert report.rendered == ["title_card", "cnn_forward_pass"] and report.ok
    assert "[2/2] 01_dummy ... drew 2 of 2 section(s)" in printed
    assert "joined" in printed and "by stream copy" in printed
    assert "INFO" not in printed  # Manim's log went to its file
    assert list((out / ".work").rglob("*.log"))

    expected = {f"{stem}{ext}" for stem in ("00_title", "01_dummy", "lecture")
                for ext in (".mp4", ".srt", ".vtt", ".chapters.vtt", ".chapters.txt")}
    expected |= {"00_title.png", "01_dummy.png", "00_title.jpg", "01_dummy.jpg", "manifest.json",
                 "lecture.bcc.json", "lecture.transcript.md",
                 "01_dummy_sections/01_task.mp4", "01_dummy_sections/02_pixels.mp4"}
    found = {p.relative_to(out).as_posix() for p in out.rglob("*")
             if p.is_file() and ".work" not in p.parts}
    assert found == expected  # no lecture.youtube.txt: 4 s is too short for YouTube chapters

    for name in ("00_title.mp4", "01_dummy.mp4", "lecture.mp4", "01_dummy_sections/01_task.mp4"):
        info = media.probe(out / name)
        assert (info["codec"], info["pix_fmt"], info["width"], info["height"], info["fps"]) == (
            "h264", "yuv420p", W, H, FPS), name
        assert media.is_faststart(out / name), name
    seq = media.probe(out / "01_dummy.mp4")["duration"]
    title = media.probe(out / "00_title.mp4")["duration"]
    # each section lasts its play or its captions' reading time, whichever is longer
    # (scenes.pacing: at least 1.5 s a sentence): 3.0 + 0.5 fade + 1.5 (whole frames) + 0.5 fade
    assert seq == pytest.approx(5.8, abs=0.25)
    clips = [media.probe(p)["duration"] for p in sorted((out / "01_dummy_sections").glob("*.mp4"))]
    assert sum(clips) == pytest.approx(seq, abs=0.01)
    assert media.probe(out / "lecture.mp4")["duration"] == pytest.approx(title + seq, abs=0.01)

    # subtitles: the captions of the YAML, sentence by sentence, within each section
    cues = subtitles.parse_vtt((out / "01_dummy.vtt").read_text())
    assert [c.text for c in cues] == ["First a square.", "It is drawn.", "Then a circle."]
    assert subtitles.parse_srt((out / "01_dummy.srt").read_text()) == cues
    assert cues[-1].end <= seq + 0.01
    assert subtitles.parse_vtt((out / "00_title.vtt").read_text()) == []
    joined = subtitles.parse_srt((out / "lecture.srt").read_text())
    assert [c.start for c in joined] == pytest.approx([c.start + title for c in cues])
    bcc = json.loads((out / "lecture.bcc.json").read_text())
    assert [b["content"] for b in bcc["body"]] == [c.text for c in joined]
    assert bcc["body"][0]["from"] == pytest.approx(joined[0].start, abs=1e-3)

    chapters = subtitles.parse_vtt((out / "01_dummy.chapters.vtt").read_text())
    assert [c.text for c in chapters] == ["The task", "Pixels"]
    assert [c.title for c in media.read_chapters(out / "01_dummy.mp4")] == ["The task", "Pixels"]
    assert [c.title for c in media.read_chapters(out / "00_title.mp4")] == [  # one section
        lecture.title_card.title]
    # the 1 s title card is merged into the first chapter (YouTube ignores chapters < 10 s)
    assert [(c.title, c.start) for c in media.read_chapters(out / "lecture.mp4")] == [
        (lecture.cnn_forward_pass.title, 0.0)]

    png = (out / "01_dummy.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png[16:20], "big") == W
    from PIL import Image
    with Image.open(out / "01_dummy.jpg") as jpg:
        assert (jpg.format, jpg.size) == ("JPEG", (1280, 720))
    assert (out / "01_dummy.jpg").stat().st_size <= 2 * 1024 * 1024

    manifest = load_manifest(out / "manifest.json")  # validates: the schema of contract/
    assert manifest.schema_version == SCHEMA_VERSION and manifest.language == lecture.language
    assert "schema_version" in json.loads((out / "manifest.json").read_text())
    rows = {f.path: f for f in manifest.files}
    assert set(rows) == expected - {"manifest.json"}
    assert manifest.lecture == str(lecture_files[0].resolve()) and manifest.join == "stream copy"
    assert manifest.scene_data_folder == str(scene_data.folder)
    video = rows["01_dummy.mp4"]
    assert (video.kind, video.sequence, video.codec, video.faststart) == (
        "video", "cnn_forward_pass", "h264", True)
    assert video.duration == pytest.approx(seq)
    assert video.resolution == f"{W}x{H}" and (video.width, video.height, video.fps) == (W, H, FPS)
    assert video.bytes == (out / "01_dummy.mp4").stat().st_size
    assert video.scene_data == [  # the scene's DATA only
        SceneDataSource(name="forward_pass.json", schema_version=1, config_hash="f00d")]
    assert video.audio is None and "audio" not in video.model_fields_set  # silent: not written
    assert len(rows["00_title.mp4"].scene_data or []) == 2  # no DATA declared: every file
    assert [c.title for c in video.chapters or []] == ["The task", "Pixels"]
    assert (video.chapters or [])[1].start == pytest.approx(clips[0], abs=0.01)
    assert rows["lecture.mp4"].kind == "lecture" and rows["lecture.mp4"].sequence == "lecture"
    assert [rows[f"01_dummy_sections/0{i}_{n}.mp4"].section_name
            for i, n in ((1, "task"), (2, "pixels"))] == ["task", "pixels"]
    assert (rows["01_dummy.vtt"].kind, rows["01_dummy.vtt"].cues) == ("subtitles", len(cues))
    assert (rows["01_dummy.png"].kind, rows["01_dummy.png"].resolution) == ("thumbnail", f"{W}x{H}")
    assert rows["lecture.transcript.md"].kind == "transcript"
    # the transcript: a heading per part and section, the captions as said (no audio here)
    transcript = (out / "lecture.transcript.md").read_text()
    assert "## 1. A CNN's forward pass (0:01)" in transcript and "### Pixels (0:04)" in transcript
    assert "First a square. It is drawn." in transcript and rows["lecture.mp4"].audio is None
    assert manifest.render == RenderInfo(quality="preview", width=W, height=H, fps=FPS)
    assert not [p for p in out.rglob(".*.tmp*")]  # no temporary files left behind


@pytest.mark.render
def test_failed_sequence_keeps_the_good_lecture(lecture_files: tuple[Path, Path], scene_data: Any,
                                                fake_registry: dict,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    lecture = config.load_lecture(lecture_yaml, default)
    render.render_lecture(lecture, scene_data, workers=1)
    out = lecture.render_settings.output_dir
    good = (out / "lecture.mp4").read_bytes()
    good_srt = (out / "lecture.srt").read_text()

    # now with a sequence that fails and one whose scene is not written
    lecture_yaml.write_text(lecture_yaml.read_text().replace(
        "sequences: [cnn_forward_pass]", "sequences: [cnn_forward_pass, overconfidence, edl_pass]"))
    broken = config.load_lecture(lecture_yaml, default)
    capsys.readouterr()
    report = render.render_lecture(broken, scene_data, workers=2)
    printed = capsys.readouterr().out
    assert report.failed == [("edl_pass", "RuntimeError: no evidence today")]
    assert [n for n, _ in report.skipped] == ["overconfidence"]
    assert "03_broken ... FAILED: RuntimeError: no evidence today" in printed
    assert "lecture.mp4 not joined" in printed
    assert (out / "lecture.mp4").read_bytes() == good  # not rejoined without the failed part
    assert (out / "lecture.srt").read_text() == good_srt
    assert not (out / "03_broken.mp4").exists()
    assert (out / ".work" / "logs" / "03_broken.error.log").read_text().count("no evidence today")


def test_cli_refuses_bad_lecture_before_any_work(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "01_cnn_forward_pass.mp4").write_bytes(b"a good render")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"render:\n  output_dir: {out}\n  quality: ultra\n")
    assert render.main(["--lecture", str(bad), "--data", str(tmp_path)]) == 2
    assert f"{bad}:3: render.quality: 'ultra' is not one of preview, production" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["01_cnn_forward_pass.mp4"]
    assert (out / "01_cnn_forward_pass.mp4").read_bytes() == b"a good render"


def test_cli_refuses_bad_scene_data(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lecture = tmp_path / "l.yaml"
    lecture.write_text(f"render: {{output_dir: {tmp_path / 'out'}}}\n")
    empty = tmp_path / "scene_data"
    empty.mkdir()
    assert render.main(["--lecture", str(lecture), "--data", str(empty)]) == 2
    assert "is missing" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_refuses_unknown_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lecture = tmp_path / "l.yaml"
    lecture.write_text(f"sequences: [edl_pass]\nrender: {{output_dir: {tmp_path / 'out'}}}\n")
    assert render.main(["--lecture", str(lecture), "--only", "comparison"]) == 2
    assert "--only comparison: not in this lecture" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_helpers() -> None:
    assert render.duration_text(3.14) == "3.1s"
    assert render.duration_text(190) == "3m10s"
    assert render.duration_text(3725) == "1h02m05s"
    # one rule for the renderer and the platform (contract.titles)
    from contract import titles
    assert titles.section_title("feature_maps") == "Feature maps"
    words = SimpleNamespace(text={"chapter_relu": "ReLU"})
    assert titles.section_title("relu", words) == "ReLU"
    assert titles.section_title("max_pool", words) == "Max pool"
    lecture = load_lecture(config.DEFAULT_PATH)
    edl = registry.SEQUENCES["edl_pass"]
    assert titles.sequence_title(lecture, edl) == lecture.edl_pass.title
    assert titles.sequence_title(lecture, registry.TITLE) == lecture.title_card.title
    assert titles.sequence_title(None, edl) == "Edl pass"  # no lecture file: words, not a slug


def test_scene_data_of_another_digit_is_refused(tiny_data, tmp_path: Path) -> None:
    from contract.scene_data import ContractError
    from contract.lecture_checks import check_selection

    default = ROOT / "lectures" / "default.yaml"
    check_selection(load_lecture(default), tiny_data)  # the tiny dump follows the default 7
    other = tmp_path / "other.yaml"
    other.write_text("sample:\n  digit: 3\n")
    with pytest.raises(ContractError, match="asks for 'digit 3, rule both_correct, nth 0'"):
        check_selection(load_lecture(other), tiny_data)
