"""Upload extras: YouTube chapter lines, JPEG thumbnails, Bilibili BCC subtitles."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from rendering import extras
from rendering.media import Chapter, Cue


def test_title_card_merges_into_the_first_chapter() -> None:
    parts = [Chapter("Title", 0, 5), Chapter("1. Forward", 5, 140), Chapter("2. Over", 140, 260),
             Chapter("3. EDL", 260, 400)]
    chosen = extras.youtube_chapters(parts)
    assert [(c.title, c.start) for c in chosen] == [("1. Forward", 0), ("2. Over", 140), ("3. EDL", 260)]
    assert extras.format_youtube(chosen) == "0:00 1. Forward\n2:20 2. Over\n4:20 3. EDL\n"


def test_short_later_chapters_join_the_one_before() -> None:
    merged = extras.merge_short([Chapter("a", 0, 30), Chapter("b", 30, 35), Chapter("c", 35, 60)])
    assert [(c.title, c.start, c.end) for c in merged] == [("a", 0, 35), ("c", 35, 60)]


def test_section_chapters_when_the_parts_are_too_few() -> None:
    parts = [Chapter("Title", 0, 5), Chapter("1. Forward", 5, 140)]
    sections = [Chapter("Task", 5, 20), Chapter("Pixels", 20, 60), Chapter("ReLU", 60, 140)]
    chosen = extras.youtube_chapters(parts, [Chapter("Title", 0, 5)] + sections)
    assert [c.title for c in chosen] == ["Task", "Pixels", "ReLU"] and chosen[0].start == 0
    assert extras.youtube_chapters([Chapter("x", 0, 8), Chapter("y", 8, 15)]) is None


def test_timestamps() -> None:
    assert extras.timestamp(0) == "0:00" and extras.timestamp(83.9) == "1:23"
    assert extras.timestamp(3725) == "1:02:05"


@pytest.mark.parametrize("size", [(1920, 1080), (854, 480), (160, 90), (1000, 1000)])
def test_jpeg_thumbnail_is_1280x720_and_small(tmp_path: Path, size: tuple[int, int]) -> None:
    import numpy as np

    rng = np.random.default_rng(0)  # noise: the worst case for JPEG size
    Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)).save(tmp_path / "t.png")
    jpg = extras.jpeg_thumbnail(tmp_path / "t.png", tmp_path / "t.jpg")
    with Image.open(jpg) as im:
        assert (im.format, im.size) == ("JPEG", (1280, 720))
    assert jpg.stat().st_size <= 2 * 1024 * 1024


def test_bcc_document(tmp_path: Path) -> None:
    path = extras.write_bcc(tmp_path / "l.bcc.json", [Cue(0.5, 2.25, "第一句。"), Cue(2.25, 4, "Two")])
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["body"] == [{"from": 0.5, "to": 2.25, "location": 2, "content": "第一句。"},
                           {"from": 2.25, "to": 4.0, "location": 2, "content": "Two"}]
    assert {"font_size", "font_color", "background_alpha", "background_color", "Stroke"} <= set(doc)
    assert "第一句" in path.read_text(encoding="utf-8")  # UTF-8, not \\u escapes
