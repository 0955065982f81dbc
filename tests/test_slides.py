"""Slides from a rendered lecture (rendering/slides.py) on the tiny dummy scenes: sub-slides at
the caption holds, the PPTX read back with python-pptx, the HTML deck in real Chromium with
every request off the machine refused."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from contract import lecture as config
from rendering import media, render, slide_clips, slides
from rendering.cache import Cache
from tests.test_render import fake_registry, lecture_files, only_dummy, scene_data  # noqa: F401

CHROMIUM = Path("/usr/lib/chromium/chromium")


def test_beat_ranges() -> None:
    # a sub-slide ends at the end of each still; the fade after the last one is left out
    assert slide_clips.beat_ranges([[1.0, 2.5], [4.0, 6.0]], 6.5, 30, 0.5) == [(0, 75), (75, 180)]
    # a tail longer than the fade (narration goes on) is a sub-slide of its own
    assert slide_clips.beat_ranges([[1.0, 2.0]], 6.0, 10, 0.5) == [(0, 20), (20, 60)]
    assert slide_clips.beat_ranges(None, 2.0, 10, 0.5) == [(0, 20)]
    assert slide_clips.beat_ranges([], 2.0, 10, 0.5) == [(0, 20)]
    # stills at the very start or end make no empty sub-slide
    assert slide_clips.beat_ranges([[0.0, 0.0], [1.0, 2.0]], 2.0, 10, 0.0) == [(0, 20)]


@pytest.fixture
def rendered(lecture_files: tuple[Path, Path], scene_data: Any, fake_registry: dict,
             monkeypatch: pytest.MonkeyPatch) -> config.Lecture:
    """The dummy lecture rendered, its first section saying its two sentences one after the
    other (a hold between them: two sub-slides)."""
    from manim import Circle, Create, FadeIn, Square

    def task(self: Any) -> None:
        self.play_p(Create(Square(color=self.theme.accent)), run_time=1.0)
        self.say()  # "It is drawn." begins here, once "First a square." has been read
        self.play_p(FadeIn(Circle()), run_time=1.0)

    monkeypatch.setattr(fake_registry["dummy"], "task", task)
    lecture_yaml, default = lecture_files
    only_dummy(lecture_yaml)
    lecture = config.load_lecture(lecture_yaml, default)
    assert render.render_lecture(lecture, scene_data, workers=1).ok
    return lecture


@pytest.mark.render
def test_slides_reuse_the_render_and_cut_at_holds(rendered: config.Lecture,
                                                   drawn_nothing: list) -> None:
    out = rendered.render_settings.output_dir
    deck, pptx, n, n_sub = slides.make_slides(rendered)
    assert drawn_nothing == []  # no Manim job ran for the slides
    assert (n, n_sub) == (3, 4)  # title, task (2 sub-slides), pixels
    record = Cache(out / ".work").load("01_dummy")
    task = record.sections[0]
    assert len(task.stills) == 2  # the say() hold and the caption's last hold
    videos = sorted((out / "slides" / "assets").glob("*.mp4"))
    assert [v.name for v in videos] == ["00_title-01-01.mp4", "01_dummy-01-01.mp4",
                                        "01_dummy-01-02.mp4", "01_dummy-02-01.mp4"]
    fps = media.probe(out / "01_dummy.mp4")["fps"]
    first, second = (media.probe(v) for v in videos[1:3])
    assert first["frames"] == round(task.stills[0][1] * fps)  # ends where the hold ends
    assert first["frames"] + second["frames"] == round(task.stills[1][1] * fps)  # no fade-out
    for v in videos:
        info = media.probe(v)
        assert (info["codec"], info["pix_fmt"], info["width"]) == ("h264", "yuv420p", 160)
    assert deck.parent.stat().st_mode & 0o777 == 0o755  # readable by a web server
    html = deck.read_text(encoding="utf-8")
    assert "http" not in html.split("<body>")[1].split("<script>")[0]  # no remote asset
    assert 'lang="en"' in html and "First a square. It is drawn." in html
    manifest = json.loads((out / "manifest.json").read_text())
    assert {f["path"] for f in manifest["files"] if f["kind"] == "slides"} == {
        "slides/index.html", "lecture.pptx"}

    # a second run cuts nothing again and writes the same videos
    before = {v.name: hashlib.sha256(v.read_bytes()).hexdigest() for v in videos}
    mtimes = {p: p.stat().st_mtime_ns for p in (out / ".work" / "slides").glob("*.mp4")}
    slides.make_slides(rendered)
    assert {p: p.stat().st_mtime_ns for p in (out / ".work" / "slides").glob("*.mp4")} == mtimes
    assert {v.name: hashlib.sha256(v.read_bytes()).hexdigest()
            for v in sorted((out / "slides" / "assets").glob("*.mp4"))} == before


@pytest.fixture
def drawn_nothing(monkeypatch: pytest.MonkeyPatch) -> list:
    """Manim jobs started after the fixture's render (there must be none)."""
    from rendering import jobs

    calls: list = []
    monkeypatch.setattr(jobs, "run_job", lambda *a, **k: calls.append(a) or None)
    return calls


@pytest.mark.render
def test_pptx_has_a_slide_per_section_with_its_clip_and_notes(rendered: config.Lecture) -> None:
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    out = rendered.render_settings.output_dir
    _, pptx, n, _ = slides.make_slides(rendered)
    prs = Presentation(str(pptx))
    assert len(prs.slides) == n == 3
    clips = [out / "00_title.mp4", out / "01_dummy_sections" / "01_task.mp4",
             out / "01_dummy_sections" / "02_pixels.mp4"]
    notes = [rendered.title_card.title.replace("\n", " "), "First a square. It is drawn.",
             "Then a circle."]
    for slide, clip, note in zip(prs.slides, clips, notes):
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        parts = [rel.target_part for rel in slide.part.rels.values()
                 if rel.reltype.endswith("/media") or rel.reltype.endswith("/video")]
        assert any(p.blob == clip.read_bytes() for p in parts), clip
        assert note in slide.notes_slide.notes_text_frame.text


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            raise RuntimeError(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is missing")
    with api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.mark.render
def test_deck_plays_offline_in_chromium(rendered: config.Lecture, browser: Any) -> None:
    deck, _, _, n_sub = slides.make_slides(rendered)
    ctx = browser.new_context(viewport={"width": 960, "height": 540})
    remote: list[str] = []

    def block(route: Any) -> None:  # the network is blocked: only the deck's own files load
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            remote.append(route.request.url)
            route.abort()

    ctx.route("**/*", block)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(deck.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getTotalSlides()") == n_sub == 4
    seen = []
    for step in range(n_sub):
        # the current slide's background video has loaded its first frame
        page.wait_for_function("""() => {
            const v = Reveal.getCurrentSlide().slideBackgroundContentElement.querySelector('video');
            return v && v.readyState >= 2 && !v.error && v.videoWidth === 160;
        }""", timeout=15000)
        seen.append(page.evaluate("[Reveal.getIndices().h, Reveal.getIndices().v]"))
        if step + 1 < n_sub:
            page.keyboard.press("ArrowRight")
            page.wait_for_function(f"Reveal.getSlidePastCount() === {step + 1}")
    # the title, the task's two sub-slides one below the other, then pixels
    assert seen == [[0, 0], [1, 0], [1, 1], [2, 0]]
    assert remote == [] and errors == []
    ctx.close()
