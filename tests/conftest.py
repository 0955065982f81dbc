"""Shared fixtures: a tiny but real training run dumped to a temporary scene_data folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train the tiny configuration (a few hundred digits, two epochs) and dump scene_data."""
    from pipeline import config, probes, run

    out = tmp_path_factory.mktemp("scene_data")
    cfg = config.tiny()
    run.train(cfg, out, progress=False)
    run.probe(cfg, out, probes.Selection(), progress=False)
    return out


@pytest.fixture()
def tiny_data_copy(tiny_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny dump that a test may edit."""
    dst = tmp_path / "scene_data"
    shutil.copytree(tiny_data_dir, dst, ignore=shutil.ignore_patterns("checkpoints"))
    return dst


@pytest.fixture(scope="session")
def tiny_data(tiny_data_dir: Path):
    from contract import scene_data as contract

    return contract.load_all(tiny_data_dir)


# -- the learning platform ---------------------------------------------------------------------
def vertical_stroke_png(size: int = 280, width: int = 18) -> bytes:
    """A drawn "1": one vertical white stroke on black, as the page's pad sends it."""
    import io

    from PIL import Image, ImageDraw

    img = Image.new("L", (size, size), 0)
    ImageDraw.Draw(img).line([(size // 2, size // 7), (size // 2, size - size // 7)], fill=255,
                             width=width)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="session")
def webapp_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Models for the platform's tests. The tiny preset is too weak to tell a drawn 1 from noise
    (EDL around 40% accurate, u about 0.55 for everything), so this is the tiny configuration
    with 2,000 digits and 4 epochs, probed with one user image (the drawn 1) so that the API's
    numbers can be checked against the probe's."""
    import dataclasses

    from pipeline import config, probes, run

    out = tmp_path_factory.mktemp("webapp_data")
    image = out / "drawn_one.png"
    image.write_bytes(vertical_stroke_png())
    cfg = config.tiny()
    cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, n_train=2000, epochs=4))
    run.train(cfg, out, progress=False)
    run.probe(cfg, out, probes.Selection(images=(str(image),)), progress=False)
    return out


@pytest.fixture(scope="session")
def tiny_renders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real rendered-lecture folder in miniature: a 3-second H.264 MP4 with two chapters,
    subtitles, a section clip, a thumbnail and the manifest, made with the renderer's own
    post-processing (scenes.media, no Manim)."""
    import av
    import numpy as np

    from scenes import media

    root = tmp_path_factory.mktemp("renders")
    lec = root / "default"
    raw = root / "raw.mp4"
    with av.open(str(raw), "w") as c:
        s = c.add_stream("h264", rate=10)
        s.width, s.height, s.pix_fmt = 160, 90, "yuv420p"
        for i in range(30):
            rgb = np.zeros((90, 160, 3), np.uint8)
            rgb[:, : 5 * (i + 1)] = (230, 159, 0)  # a growing orange band: frames differ
            for pkt in s.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    marks = [media.Chapter("The task", 0.0, 1.5), media.Chapter("Pixels", 1.5, 3.0)]
    video = lec / "01_cnn_forward_pass.mp4"
    media.finalize_video(raw, video, marks)
    media.chapters(marks, media.sidecar(video, ".chapters.vtt"))
    media.atomic_write_text(media.sidecar(video, ".vtt"), media.format_vtt(
        [media.Cue(0.0, 1.5, "Our task: which digit is this?"), media.Cue(1.5, 3.0, "A grid of numbers.")]))
    media.thumbnail(video, media.sidecar(video, ".png"), 0.5)
    clip = lec / "01_cnn_forward_pass_sections" / "01_pixels.mp4"
    media.finalize_video(raw, clip)
    rows = [(video, "video"), (media.sidecar(video, ".vtt"), "subtitles"),
            (media.sidecar(video, ".chapters.vtt"), "chapters"),
            (media.sidecar(video, ".png"), "thumbnail"), (clip, "section")]
    entries = [media.manifest_entry(p, k, lec, sequence="cnn_forward_pass") for p, k in rows]
    media.write_manifest(lec / "manifest.json", entries, language="en")
    raw.unlink()
    return root
