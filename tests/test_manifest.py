"""The manifest schema (contract/manifest.py): a written manifest reads back the same, and a bad
one is refused with a message naming the file."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from contract.manifest import (SCHEMA_VERSION, Manifest, ManifestError, ManifestFile, RenderInfo,
                               SceneDataSource, load_manifest)
from rendering import manifest

SOURCES = [SceneDataSource(name="forward_pass.json", schema_version=2, config_hash="bb22")]


def sample() -> Manifest:
    """A manifest with every kind of row the renderer writes."""
    chapters = [{"title": "The task", "start": 0.0, "end": 1.5},
                {"title": "Pixels", "start": 1.5, "end": 3.0}]
    video = dict(bytes=2048, duration=3.0, width=160, height=90, resolution="160x90", fps=10.0,
                 codec="h264", pix_fmt="yuv420p", faststart=True, scene_data=SOURCES)
    return Manifest.new(
        lecture="lectures/default.yaml", language="zh",
        render=RenderInfo(quality="preview", width=160, height=90, fps=10),
        join="stream copy", scene_data_folder=None,
        files=[ManifestFile(path="01_cnn_forward_pass.mp4", kind="video", chapters=chapters,
                            audio={"codec": "aac", "sample_rate": 48000, "channels": 2,
                                   "profile": "LC", "duration": None},
                            sequence="cnn_forward_pass", **video),
               ManifestFile(path="01_cnn_forward_pass.vtt", kind="subtitles", bytes=80, cues=2,
                            duration=3.0, sequence="cnn_forward_pass"),
               ManifestFile(path="01_cnn_forward_pass.png", kind="thumbnail", bytes=600,
                            width=160, height=90, resolution="160x90"),
               ManifestFile(path="01_cnn_forward_pass_sections/02_max_pool.mp4", kind="section",
                            sequence="cnn_forward_pass", **video),
               ManifestFile(path="lecture.mp4", kind="lecture", sequence="lecture",
                            chapters=[{"title": "1. 卷积网络", "start": 0.0, "end": 3.0}],
                            **video),
               ManifestFile(path="lecture.transcript.md", kind="transcript", bytes=10)])


def test_a_written_manifest_reads_back_the_same(tmp_path: Path) -> None:
    written = sample()
    path = manifest.write_manifest(tmp_path / "manifest.json", written)
    text = path.read_text(encoding="utf-8")
    doc = json.loads(text)
    assert doc["schema_version"] == SCHEMA_VERSION and list(doc)[0] == "schema_version"
    assert doc["join"] == "stream copy" and doc["scene_data_folder"] is None  # set: written
    vtt = doc["files"][1]
    assert "width" not in vtt and "scene_data" not in vtt  # unset: not written
    read = load_manifest(path)
    assert read == written and read.to_json() == text
    assert read.files[0].audio is not None and read.files[0].audio.duration is None
    assert read.files[3].section_name == "max_pool" and read.files[0].section_name is None


def test_a_manifest_from_before_the_version_reads_as_version_1(tmp_path: Path) -> None:
    doc = json.loads(sample().to_json())
    del doc["schema_version"]
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(doc, indent=2) + "\n")
    read = load_manifest(path)
    assert read.schema_version == 1 and "schema_version" not in read.model_fields_set
    assert read.to_json() == path.read_text()  # a tool that rewrites it changes nothing


def test_another_schema_version_is_refused_naming_the_file(tmp_path: Path) -> None:
    doc = json.loads(sample().to_json())
    path = tmp_path / "renders" / "default" / "manifest.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({**doc, "schema_version": 2, "files": "changed"}))
    with pytest.raises(ManifestError) as err:
        load_manifest(path)
    message = str(err.value)
    assert str(path) in message and "schema_version 2" in message
    assert f"reads {SCHEMA_VERSION}" in message and "make render" in message
    assert "files" not in message  # the version is the problem, not the fields it changed


@pytest.mark.parametrize("text, says", [
    ('{"schema_version": 1, "generated_utc": "2026-01-01T00:00:00+00:00", "files": [',
     "not JSON"),
    ("[]", "not a JSON object"),
    ('{"generated_utc": "2026-01-01T00:00:00+00:00", "language": "en", "files": '
     '[{"path": "a.mp4", "kind": "movie", "bytes": "12"}]}', "files.0.kind"),
    ('{"generated_utc": "yesterday", "language": "en", "files": []}', "generated_utc"),
    ('{"generated_utc": "2026-01-01T00:00:00+00:00", "files": [], "langauge": "en"}',
     "language"),
])
def test_a_malformed_manifest_is_refused_naming_the_file(tmp_path: Path, text: str,
                                                         says: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text)
    with pytest.raises(ManifestError, match="manifest") as err:
        load_manifest(path)
    assert str(err.value).startswith(str(path)) and says in str(err.value)


def test_a_missing_manifest_is_refused_naming_the_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match=f"{tmp_path}/manifest.json is missing"):
        load_manifest(tmp_path / "manifest.json")
