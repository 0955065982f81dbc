"""Post-processing of videos, on small real videos made with PyAV."""
from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from rendering import files, manifest, media, subtitles
from rendering.media import Chapter, Cue


def make_video(path: Path, frames: int = 10, fps: int = 10, size: tuple[int, int] = (64, 48),
               codec: str = "libx264", pix_fmt: str = "yuv420p", level0: int = 0) -> Path:
    """A small video whose frame i is uniformly grey at ``level0 + 20 * i`` (and moov last,
    as PyAV and Manim write it)."""
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = size[0], size[1], pix_fmt
        for i in range(frames):
            grey = np.full((size[1], size[0], 3), min(255, level0 + 20 * i), np.uint8)
            for pkt in s.encode(av.VideoFrame.from_ndarray(grey, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode(None):
            c.mux(pkt)
    return path


def grey_of_png(png: Path) -> float:
    with av.open(str(png)) as c:
        frame = next(c.decode(video=0))
        return float(frame.to_ndarray(format="rgb24").mean())


SRT = """1
00:00:00,000 --> 00:00:01,500
Hello there.

2
00:00:01,500 --> 00:00:03,250
Two lines,
of text.

"""


# -- inspecting ---------------------------------------------------------------------------------
def test_probe_and_boxes(tmp_path: Path) -> None:
    video = make_video(tmp_path / "a.mp4", frames=15, fps=5)
    info = media.probe(video)
    assert info["duration"] == pytest.approx(3.0)
    assert (info["width"], info["height"], info["fps"]) == (64, 48, 5.0)
    assert (info["codec"], info["pix_fmt"], info["frames"]) == ("h264", "yuv420p", 15)
    boxes = media.mp4_boxes(video)
    assert boxes[0] == "ftyp" and boxes.index("mdat") < boxes.index("moov")
    assert not media.is_faststart(video)


# -- finalize -----------------------------------------------------------------------------------
def test_finalize_remuxes_with_moov_first(tmp_path: Path) -> None:
    src = make_video(tmp_path / "src.mp4", frames=12, fps=6)
    dst = tmp_path / "out" / "final.mp4"
    info = media.finalize_video(src, dst)
    assert media.is_faststart(dst)
    assert media.mp4_boxes(dst).index("moov") < media.mp4_boxes(dst).index("mdat")
    assert (info["codec"], info["pix_fmt"], info["frames"]) == ("h264", "yuv420p", 12)
    assert info["duration"] == pytest.approx(2.0)

    def payloads(p: Path) -> list[bytes]:
        with av.open(str(p)) as c:
            return [bytes(k) for k in c.demux(video=0) if k.size]
    assert payloads(dst) == payloads(src)  # a stream copy, not a re-encode


@pytest.mark.parametrize("codec,pix_fmt", [("mpeg4", "yuv420p"), ("libx264", "yuv444p")])
def test_finalize_reencodes_other_formats(tmp_path: Path, codec: str, pix_fmt: str) -> None:
    src = make_video(tmp_path / "src.mp4", frames=10, fps=5, codec=codec, pix_fmt=pix_fmt)
    assert (media.probe(src)["codec"], media.probe(src)["pix_fmt"]) != ("h264", "yuv420p")
    info = media.finalize_video(src, tmp_path / "final.mp4")
    assert (info["codec"], info["pix_fmt"]) == ("h264", "yuv420p")
    assert info["frames"] == 10 and info["duration"] == pytest.approx(2.0)
    assert media.is_faststart(tmp_path / "final.mp4")


def test_finalize_embeds_chapters(tmp_path: Path) -> None:
    src = make_video(tmp_path / "src.mp4", frames=20, fps=10)
    marks = [Chapter("Pixels", 0.0, 0.8), Chapter("Kernels", 0.8, 2.0)]
    media.finalize_video(src, tmp_path / "final.mp4", marks)
    got = media.read_chapters(tmp_path / "final.mp4")
    assert [c.title for c in got] == ["Pixels", "Kernels"]
    assert [c.start for c in got] == pytest.approx([0.0, 0.8])


# -- atomic writes ------------------------------------------------------------------------------
def test_interrupted_write_keeps_previous_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dst = tmp_path / "final.mp4"
    media.finalize_video(make_video(tmp_path / "good.mp4", frames=10), dst)
    good = dst.read_bytes()
    real_packets = media._packets

    def interrupted(container, streams):  # Ctrl-C after a few real packets were written
        for i, pkt in enumerate(real_packets(container, streams)):
            if i == 5:
                raise KeyboardInterrupt
            yield pkt

    monkeypatch.setattr(media, "_packets", interrupted)
    with pytest.raises(KeyboardInterrupt):
        media.finalize_video(make_video(tmp_path / "new.mp4", frames=30, level0=100), dst)
    assert dst.read_bytes() == good
    assert sorted(p.name for p in tmp_path.iterdir()) == ["final.mp4", "good.mp4", "new.mp4"]


def test_atomic_path_replaces_only_on_success(tmp_path: Path) -> None:
    dst = tmp_path / "notes.txt"
    files.atomic_write_text(dst, "old")
    with pytest.raises(RuntimeError):
        with files.atomic_path(dst) as tmp:
            assert tmp.parent == dst.parent and tmp != dst
            tmp.write_text("half writ")
            raise RuntimeError("disk full")
    assert dst.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    files.atomic_write_text(dst, "new")
    assert dst.read_text() == "new"
    assert dst.stat().st_mode & 0o044  # readable like any other output, not mkstemp's 0600


# -- subtitles ----------------------------------------------------------------------------------
def test_srt_to_vtt(tmp_path: Path) -> None:
    (tmp_path / "a.srt").write_text(SRT, encoding="utf-8")
    cues = subtitles.srt_to_vtt(tmp_path / "a.srt", tmp_path / "a.vtt")
    vtt = (tmp_path / "a.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:01.500 --> 00:00:03.250\nTwo lines,\nof text.\n" in vtt
    assert subtitles.parse_vtt(vtt) == cues == [Cue(0.0, 1.5, "Hello there."),
                                            Cue(1.5, 3.25, "Two lines,\nof text.")]
    assert subtitles.parse_srt(subtitles.format_srt(cues)) == cues
    with pytest.raises(ValueError):
        subtitles.parse_vtt(SRT)


def test_merge_subtitles_offsets(tmp_path: Path) -> None:
    (tmp_path / "a.srt").write_text(SRT, encoding="utf-8")
    cues = subtitles.merge_subtitles([(tmp_path / "a.srt", 0.0), (None, 4.0),
                                  (tmp_path / "a.srt", 10.0)], tmp_path / "m.srt", tmp_path / "m.vtt")
    assert [c.start for c in cues] == [0.0, 1.5, 10.0, 11.5]
    assert subtitles.parse_srt((tmp_path / "m.srt").read_text()) == cues
    assert subtitles.parse_vtt((tmp_path / "m.vtt").read_text()) == cues


# -- chapters -----------------------------------------------------------------------------------
def test_chapters_from_manim_sections(tmp_path: Path) -> None:
    index = tmp_path / "sections" / "01_x.json"
    index.parent.mkdir()
    index.write_text(json.dumps([  # the format Manim 0.22 writes with save_sections=True
        {"name": "task", "type": "default.normal", "video": "01_x_0000_task.mp4", "width": 160,
         "height": 90, "nb_frames": "5", "duration": "1.000000", "avg_frame_rate": "5/1",
         "codec_name": "h264", "pix_fmt": "yuv420p"},
        {"name": "pixels", "type": "default.normal", "video": "01_x_0001_pixels.mp4", "width": 160,
         "height": 90, "nb_frames": "7", "duration": "1.400000", "avg_frame_rate": "5/1",
         "codec_name": "h264", "pix_fmt": "yuv420p"}]))
    sections = media.read_sections(index)
    assert sections[1].video == tmp_path / "sections" / "01_x_0001_pixels.mp4"
    items = media.chapters(index, tmp_path / "x.chapters.vtt", tmp_path / "x.chapters.txt")
    assert items == [Chapter("task", 0.0, 1.0), Chapter("pixels", 1.0, 2.4)]
    vtt = subtitles.parse_vtt((tmp_path / "x.chapters.vtt").read_text())
    assert [(c.text, c.start, c.end) for c in vtt] == [("task", 0.0, 1.0), ("pixels", 1.0, 2.4)]
    meta = (tmp_path / "x.chapters.txt").read_text()
    assert meta.startswith(";FFMETADATA1\n")
    assert "[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2400\ntitle=pixels\n" in meta


def test_chapters_from_list_and_escaping(tmp_path: Path) -> None:
    items = media.chapters([("a=b; #c", 0, 2)], None, tmp_path / "c.txt")
    assert items == [Chapter("a=b; #c", 0.0, 2.0)]
    assert "title=a\\=b\\; \\#c\n" in (tmp_path / "c.txt").read_text()


# -- thumbnail ----------------------------------------------------------------------------------
def test_thumbnail_is_the_frame_at_the_time(tmp_path: Path) -> None:
    video = make_video(tmp_path / "a.mp4", frames=10, fps=5)  # frame i: grey 20 i, shown at i/5 s
    png = media.thumbnail(video, tmp_path / "thumb.png", at_seconds=1.1)  # frame 5
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with av.open(str(png)) as c:
        frame = next(c.decode(video=0))
        assert (frame.width, frame.height) == (64, 48)
    assert grey_of_png(png) == pytest.approx(100, abs=4)
    media.thumbnail(video, png, at_seconds=99)  # past the end: the last frame
    assert grey_of_png(png) == pytest.approx(180, abs=4)


# -- join ---------------------------------------------------------------------------------------
def test_join_stream_copy_with_chapters_and_subtitles(tmp_path: Path) -> None:
    a = media.finalize_video(make_video(tmp_path / "ra.mp4", frames=10, fps=5), tmp_path / "a.mp4")
    b = media.finalize_video(make_video(tmp_path / "rb.mp4", frames=15, fps=5, level0=60),
                             tmp_path / "b.mp4")
    (tmp_path / "a.srt").write_text(SRT)
    (tmp_path / "b.srt").write_text(SRT)
    result = media.join([tmp_path / "a.mp4", tmp_path / "b.mp4"], tmp_path / "all.mp4",
                        ["Intro", "Part one"])
    assert result.copied
    info = media.probe(tmp_path / "all.mp4")
    assert info["duration"] == pytest.approx(a["duration"] + b["duration"], abs=0.01)
    assert info["frames"] == 25 and media.is_faststart(tmp_path / "all.mp4")
    assert result.chapters == [Chapter("Intro", 0.0, 2.0), Chapter("Part one", 2.0, 5.0)]
    embedded = media.read_chapters(tmp_path / "all.mp4")
    assert [(c.title, c.start) for c in embedded] == [("Intro", 0.0), ("Part one", 2.0)]
    vtt = subtitles.parse_vtt((tmp_path / "all.chapters.vtt").read_text())
    assert [(c.text, c.start, c.end) for c in vtt] == [("Intro", 0, 2), ("Part one", 2, 5)]
    subs = subtitles.parse_srt((tmp_path / "all.srt").read_text())
    assert [c.start for c in subs] == [0.0, 1.5, 2.0, 3.5]
    assert subtitles.parse_vtt((tmp_path / "all.vtt").read_text()) == subs
    # the second part starts with its own first frame at 2.0 s
    media.thumbnail(tmp_path / "all.mp4", tmp_path / "t.png", 2.0)
    assert grey_of_png(tmp_path / "t.png") == pytest.approx(60, abs=4)


def test_join_reencodes_mismatched_inputs(tmp_path: Path) -> None:
    make_video(tmp_path / "a.mp4", frames=10, fps=5)
    make_video(tmp_path / "b.mp4", frames=10, fps=5, codec="mpeg4")
    make_video(tmp_path / "c.mp4", frames=20, fps=10, size=(32, 24))
    result = media.join([tmp_path / n for n in ("a.mp4", "b.mp4", "c.mp4")],
                        tmp_path / "all.mp4", ["A", "B", "C"])
    assert not result.copied and result.subtitles is None
    info = media.probe(tmp_path / "all.mp4")
    assert (info["codec"], info["pix_fmt"], info["width"], info["height"], info["fps"]) == (
        "h264", "yuv420p", 64, 48, 5.0)
    assert info["duration"] == pytest.approx(6.0, abs=0.21)
    assert [c.start for c in result.chapters] == [0.0, 2.0, 4.0]
    assert not (tmp_path / "all.srt").exists()


def test_join_checks_titles(tmp_path: Path) -> None:
    make_video(tmp_path / "a.mp4")
    with pytest.raises(ValueError, match="chapter titles"):
        media.join([tmp_path / "a.mp4"], tmp_path / "all.mp4", [])


# -- manifest -----------------------------------------------------------------------------------
def test_manifest(tmp_path: Path) -> None:
    from contract.manifest import Manifest, SceneDataSource, load_manifest

    data = tmp_path / "scene_data"
    data.mkdir()
    for name, h in (("training", "aa11"), ("forward_pass", "bb22")):
        (data / f"{name}.json").write_text(json.dumps(
            {"schema_version": 1, "provenance": {"config_hash": h, "seed": 0}, "x": [1, 2]}))
    (data / "notes.json").write_text('{"schema_version": "one", "provenance": 3}')  # stray
    sources = manifest.scene_data_sources(data)
    assert sources == [
        SceneDataSource(name="forward_pass.json", schema_version=1, config_hash="bb22"),
        SceneDataSource(name="notes.json"),
        SceneDataSource(name="training.json", schema_version=1, config_hash="aa11")]
    assert manifest.scene_data_sources(data, ["training"]) == sources[2:]

    out = tmp_path / "renders"
    media.finalize_video(make_video(tmp_path / "r.mp4", frames=10, fps=5), out / "01.mp4")
    (out / "01.srt").write_text(SRT)
    media.thumbnail(out / "01.mp4", out / "01.png", 0.5)
    entries = [manifest.manifest_entry(out / "01.mp4", "video", out, sources),
               manifest.manifest_entry(out / "01.srt", "subtitles", out, sources),
               manifest.manifest_entry(out / "01.png", "thumbnail", out, sources[2:])]
    path = manifest.write_manifest(out / "manifest.json", Manifest.new(
        lecture="x.yaml", language="en", files=entries))
    doc = load_manifest(path)
    assert doc.lecture == "x.yaml"
    video, srt, png = doc.files
    assert video.path == "01.mp4" and video.kind == "video"
    assert (video.duration, video.resolution, video.codec) == (2.0, "64x48", "h264")
    assert video.faststart and video.bytes == (out / "01.mp4").stat().st_size
    assert video.scene_data is not None and video.scene_data[0] == sources[0]
    assert (srt.cues, srt.duration) == (2, 3.25) and srt.width is None
    assert png.resolution == "64x48" and png.scene_data == [sources[2]]
    assert "width" not in json.loads(path.read_text())["files"][1]  # only what applies
