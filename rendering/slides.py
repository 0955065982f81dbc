"""Slides from a rendered lecture, for teaching in the room: an offline HTML deck and a PowerPoint
file, made by manim-slides' converters from the clips the render left in the cache.

    python -m rendering.slides --lecture lectures/default.yaml      (make slides LECTURE=...)

writes beside the lecture's videos:

    slides/index.html       the deck (reveal.js): a column per section, its sub-slides below it;
                            the right arrow steps through them all, 's' opens the speaker notes
    slides/assets/          its videos and the reveal.js files it loads (nothing from the web)
    slides/deck.json        which render of the lecture it shows
    lecture.pptx            one slide per section: its clip (plays on entry) and speaker notes

Every section is a slide; within it, a sub-slide ends at each hold where the picture stands still
for a caption (rendering.slide_clips). The notes are the section's caption and narration with the
numbers filled in, as the render wrote them, in the lecture's language. Nothing is drawn again:
a lecture that is not rendered (or not up to date) is refused; ``make slides`` renders first,
which is a no-op when nothing changed. The deck is silent: the teacher speaks (the PPTX plays the
published clips, narration included).

reveal.js comes from the npm registry at set-up (tools/setup.sh: ``npm ci`` of rendering/js/,
into ``rendering/js/node_modules/reveal.js``; ``REVEAL_JS`` names another copy). manim-slides' own ``--offline`` would download
it at conversion time; here its ``cdn_url`` is pointed at the copy inside the deck instead.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from contract import languages, sequences as registry
from contract.lecture import Lecture, LectureError, load_lecture
from contract.manifest import ManifestError, load_manifest
from contract.titles import section_title, sequence_title
from rendering import files, keys, media, ownership, slide_clips
from rendering.cache import Cache, Record
from rendering.manifest import manifest_entry, write_manifest
from rendering.publish import LECTURE_STEM

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "templates" / "slides.html"
DECK = "slides"
PPTX = f"{LECTURE_STEM}.pptx"
#: the reveal.js files the deck loads (the theme carries its fonts inline)
REVEAL_FILES = ("dist/reveal.css", "dist/reveal.js", "dist/theme/black.css",
                "dist/plugin/notes.js", "LICENSE")


class NotRendered(RuntimeError):
    """The lecture has parts that are not rendered, or rendered from other clips."""


@dataclass(frozen=True)
class Slide:
    """One section: the clip it plays, its notes and the frame ranges of its sub-slides."""
    stem: str
    number: int  # 1-based, within its sequence
    name: str
    title: str
    clip: Path  # the published clip of the section (the sequence's own MP4 when it has one)
    key: str  # the section's key (rendering.keys)
    notes: str
    beats: list[tuple[int, int]]


def reveal_dir() -> Path:
    """The reveal.js copy the set-up installed (or ``$REVEAL_JS``)."""
    folder = Path(os.environ.get("REVEAL_JS") or HERE / "js" / "node_modules" / "reveal.js")
    missing = [f for f in REVEAL_FILES if not (folder / f).is_file()]
    if missing:
        raise FileNotFoundError(f"reveal.js is not installed at {folder} ({', '.join(missing)} "
                                "missing): run `make setup`, which installs it from the npm "
                                "registry, or set REVEAL_JS to a copy of the reveal.js package")
    return folder


def notes_of(lecture: Lecture, seq: registry.Sequence, record: Record, index: int) -> str:
    """A section's speaker notes: its captions as the subtitles show them (numbers filled in),
    then its narration when that says something else; the title card's: the title card."""
    if seq.name == registry.TITLE.name:
        card = lecture.title_card
        return "\n".join(s.replace("\n", " ") for s in (card.course, card.title, card.lecturer,
                                                         card.institution) if s)
    start = sum(s.duration for s in record.sections[:index])
    end = start + record.sections[index].duration
    joiner = "" if languages.script(lecture.language) == "cjk" else " "
    caption = joiner.join(c.text.replace("\n", " ") for c in record.subtitle_cues()
                          if start - 1e-3 <= c.start < end - 1e-3)
    spoken = record.sections[index].text.strip()

    def plain(text: str) -> str:
        return "".join(text.split())
    if spoken and plain(spoken) != plain(caption):
        return f"{caption}\n\n{spoken}" if caption else spoken
    return caption


def plan(lecture: Lecture, out: Path, cache: Cache) -> list[Slide]:
    """Every section of the lecture as rendered; raises :class:`NotRendered` naming the parts
    that are not published from the clips in the cache."""
    parts = [registry.TITLE] + [registry.SEQUENCES[n] for n in lecture.sequences]
    slides, missing = [], []
    for seq in parts:
        record = cache.load(seq.stem)
        if record.published_key is None or not record.sections or not (out / f"{seq.stem}.mp4").exists():
            missing.append(seq.stem)
            continue
        words = getattr(lecture, seq.name, None) if seq.name != registry.TITLE.name else None
        single = len(record.sections) == 1
        for i, s in enumerate(record.sections):
            clip = out / (f"{seq.stem}.mp4" if single else f"{seq.stem}_sections/{i + 1:02d}_{s.name}.mp4")
            if not clip.is_file():
                missing.append(f"{seq.stem} ({s.name})")
                continue
            title = sequence_title(lecture, seq) if single else section_title(s.name, words)
            fps = media.probe(clip)["fps"]  # as rendered (a --quality override changes it)
            ranges = slide_clips.beat_ranges(s.stills, s.duration, fps, 0.5 * lecture.pace)
            slides.append(Slide(seq.stem, i + 1, s.name, title.replace("\n", " "), clip, s.key,
                                notes_of(lecture, seq, record, i), ranges))
    if missing:
        raise NotRendered(f"not rendered yet: {', '.join(missing)}; run `make render "
                          f"LECTURE={lecture.source_path}` first (`make slides` does)")
    return slides


def sub_clips(slide: Slide, store: Path) -> list[Path]:
    """The videos of a slide's sub-slides: the section's clip itself when it has one, else the
    pieces cut from it (kept in ``store`` by clip and frames, so a second run cuts nothing)."""
    if len(slide.beats) == 1 and slide.beats[0][0] == 0 and \
            slide.beats[0][1] >= media.probe(slide.clip)["frames"]:
        return [slide.clip]
    names = [store / f"{keys.digest(slide.key, a, b, keys.ENCODER_OPTIONS)}.mp4" for a, b in slide.beats]
    if not all(p.is_file() for p in names):
        slide_clips.split(slide.clip, slide.beats, names)
    return names


def _staged(src: Path, folder: Path, name: str) -> Path:
    """``src`` under a readable, unique name (a hard link where possible): manim-slides names a
    deck's videos after their files."""
    dst = folder / name
    try:
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
    return dst


def write_deck(lecture: Lecture, slides: Sequence[Slide], store: Path, dst: Path) -> int:
    """The HTML deck into the folder ``dst`` (replaced whole, only once it is complete);
    returns the number of sub-slides."""
    from manim_slides.config import PresentationConfig, SlideConfig
    from manim_slides.convert import RevealJS

    settings = lecture.render.settings()
    reveal = reveal_dir()
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", dir=dst.parent))
    tmp.chmod(0o755)  # mkdtemp's 0700 would hide the deck from a web server or another user
    try:
        staging = tmp / ".staging"
        staging.mkdir()
        configs = []
        for s in slides:
            for k, clip in enumerate(sub_clips(s, store), 1):
                video = _staged(clip, staging, f"{s.stem}-{s.number:02d}-{k:02d}.mp4")
                configs.append(SlideConfig(file=video, rev_file=video, notes=s.notes,
                                           direction="horizontal" if k == 1 else "vertical"))
        template = staging / "slides.html"
        template.write_text(TEMPLATE.read_text(encoding="utf-8").replace(
            "__LANG__", lecture.language), encoding="utf-8")
        deck = RevealJS(
            presentation_configs=[PresentationConfig(
                slides=configs, resolution=(settings.width, settings.height),
                background_color=lecture.theme.background)],
            template=template, assets_dir="assets", cdn_url="assets/reveal.js",
            title=lecture.title_card.title.replace("\n", " "), navigation_mode="linear",
            slide_number="h.v", background_color=lecture.theme.background)
        deck.convert_to(tmp / "index.html")
        for name in REVEAL_FILES:
            (tmp / "assets" / "reveal.js" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(reveal / name, tmp / "assets" / "reveal.js" / name)
        shutil.rmtree(staging)
        _swap(tmp, dst)
        return len(configs)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _swap(new: Path, dst: Path) -> None:
    """Replace the folder ``dst`` by ``new``: renames, so a reader sees the old deck or the new."""
    old = None
    if dst.exists():
        old = dst.with_name(f".{dst.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dst, old)
    os.replace(new, dst)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_pptx(lecture: Lecture, slides: Sequence[Slide], dst: Path) -> None:
    """One PowerPoint slide per section (its clip, autoplaying, and its notes), atomically."""
    from manim_slides.config import PresentationConfig, SlideConfig
    from manim_slides.convert import PowerPoint

    settings = lecture.render.settings()
    configs = [SlideConfig(file=s.clip, rev_file=s.clip, notes=s.notes) for s in slides]
    width = 1280
    with files.atomic_path(dst) as tmp:
        PowerPoint(presentation_configs=[PresentationConfig(
            slides=configs, resolution=(settings.width, settings.height))],
            width=width, height=round(width * settings.height / settings.width)).convert_to(tmp)


def deck_key(cache: Cache) -> Optional[str]:
    """The key of the lecture's last join (rendering.render._join): the render a deck shows."""
    try:
        return json.loads((cache.root / f"{LECTURE_STEM}.json").read_text(encoding="utf-8"))["key"]
    except (OSError, ValueError, KeyError):
        return None


def update_manifest(out: Path) -> None:
    """List the deck and the PPTX (kind ``slides``) in the lecture's manifest.json (a render
    that changes the lecture writes the manifest anew, without them: its deck is then stale)."""
    path = out / ownership.MANIFEST
    doc = load_manifest(path)
    rows = [f for f in doc.files if f.kind != "slides"]
    rows += [manifest_entry(p, "slides", out, sequence="lecture")
             for p in (out / DECK / "index.html", out / PPTX) if p.is_file()]
    write_manifest(path, doc.model_copy(update={"files": rows}))


def make_slides(lecture: Lecture) -> tuple[Path, Path, int, int]:
    """Write the deck and the PPTX of a rendered lecture; returns (deck, pptx, slides,
    sub-slides)."""
    out = lecture.render.settings().output_dir
    cache = Cache(out / ".work")
    slides = plan(lecture, out, cache)
    store = out / ".work" / "slides"
    store.mkdir(parents=True, exist_ok=True)
    n_sub = write_deck(lecture, slides, store, out / DECK)
    write_pptx(lecture, slides, out / PPTX)
    files.atomic_write_text(out / DECK / "deck.json",
                            json.dumps({"key": deck_key(cache), "slides": len(slides),
                                        "sub_slides": n_sub}) + "\n")
    keep = {p.name for s in slides for p in sub_clips(s, store)}
    for old in store.glob("*.mp4"):  # pieces of clips the lecture no longer shows
        if old.name not in keep:
            old.unlink()
    update_manifest(out)
    return out / DECK / "index.html", out / PPTX, len(slides), n_sub


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rendering.slides",
                                 description=__doc__.split("\n")[0])
    ap.add_argument("--lecture", required=True, help="lecture YAML file (rendered already)")
    args = ap.parse_args(argv)
    try:
        lecture = load_lecture(args.lecture)
        deck, pptx, n, n_sub = make_slides(lecture)
    except (LectureError, NotRendered, ManifestError, FileNotFoundError) as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{n} slides, {n_sub} with their sub-slides -> {deck}\n{n} slides -> {pptx}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
