"""The base class of every lecture sequence: sections, captions, pace, theme and wording.

A sequence's storyboard is declared once, in :mod:`contract.sequences` (its name, sections and
the scene_data files it reads); the subclass bound to it gets ``sequence``, ``SECTIONS`` and
``DATA`` from that entry, and has one method per section that draws that part of the story on
an empty stage (the sequence title stays). Captions come from the lecture YAML and are spread
over the section's real duration, sentence by sentence.

    # contract/sequences.py: Sequence("my_part", 6, ("task", "pixels"), ("forward_pass",))
    # scenes/my_part/script.py:
    class MyPart(LectureScene, sequence="my_part"):
        def task(self) -> None:
            self.play_p(Write(self.para("task_intro")))
"""
from __future__ import annotations

import importlib
import math
import re
from typing import Any, ClassVar, Iterable

from manim import DOWN, LEFT, UP, Animation, FadeOut, Group, Mobject, Scene, Text, VGroup, config

from contract import languages, sequences
from contract.languages import Script
from contract.placeholders import FILLS
from contract.lecture import Lecture
from contract.scene_data import SceneData
from scenes import pacing, shown
from scenes.shown import Ref
from scenes.visuals import svgcopy  # noqa: F401  (copies share parsed glyph paths)
from scenes.visuals.formulas import TEX_TEMPLATE
from scenes.visuals.layout import MARGIN, STAGE, keep_on_stage
from scenes.visuals.text import format_number
from scenes.wording import (_HAN, cjk_spacing, join_sentences, split_sentences,  # noqa: F401
                            typography_problems)


class _Number(float):
    """A float that formats like a number on screen: a true minus sign, never ``-0.00``."""

    def __format__(self, spec: str) -> str:
        return format_number(float(self), "{:" + spec + "}")


def bound_for_equals(text: str) -> str:
    """A number written as a bound takes the place of the "=" before it.

        >>> bound_for_equals("u = < 0.001"), bound_for_equals("总和 ＝ > 0.999")
        ('u < 0.001', '总和 > 0.999')
    """
    return re.sub(r"[=＝]\s*(?=[<>] )", "", text)


def fill(template: str, script: Script | None = None, /, **values: Any) -> str:
    """``template.format(**values)`` with every float written as on screen (``−0.03``, not
    ``-0.03``; never a false 0 or 1), so sentences and drawn numbers agree. Text in a CJK
    ``script`` (:mod:`contract.languages`; None: wherever it has Chinese characters) gets
    :func:`cjk_spacing`, whatever names were filled in.

        >>> fill("{d:+.2f} to {e:+.2f}", d=-0.031, e=0.004)
        '−0.03 to +0.004'
        >>> fill("u = {u:.3f}", u=0.0002)
        'u < 0.001'
    """
    text = template.format(**{k: _Number(v) if isinstance(v, float) else v
                              for k, v in values.items()})
    text = bound_for_equals(text)
    cjk = script == "cjk" if script is not None else bool(re.search(_HAN, template))
    return cjk_spacing(text) if cjk else text


class _Keep(dict):
    """format_map helper: unknown ``{placeholders}`` stay as written."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


#: registry name -> the scene class bound to it (LectureScene.__init_subclass__)
BOUND: dict[str, type["LectureScene"]] = {}


def scene_class(entry: sequences.Sequence) -> type["LectureScene"]:
    """The scene class bound to ``entry``, importing its module (``scenes.<name>``) if need be.

        scene_class(sequences.SEQUENCES["edl_pass"])   # scenes.edl_pass.script.EDLPass

    ModuleNotFoundError when the module is not written yet; LookupError when it binds no
    class to the entry's name."""
    if entry.name not in BOUND:
        importlib.import_module(entry.module)
    try:
        return BOUND[entry.name]
    except KeyError:
        raise LookupError(f"{entry.module} binds no scene to {entry.name!r}: declare "
                          f"class ...(LectureScene, sequence={entry.name!r})") from None


class LectureScene(Scene):
    """A lecture sequence rendered from a :class:`contract.lecture.Lecture` and scene_data."""

    #: the lecture's wording block for this sequence ("" for the title card)
    sequence: ClassVar[str] = ""
    SECTIONS: ClassVar[tuple[str, ...]] = ()
    #: the scene_data files this sequence reads (for the manifest); None = all of them
    DATA: ClassVar[tuple[str, ...] | None] = None

    def __init_subclass__(cls, sequence: str | None = None, **kwargs: Any) -> None:
        """Bind a scene to its registry entry: ``class EDLPass(LectureScene,
        sequence="edl_pass")`` takes ``SECTIONS`` and ``DATA`` from that entry, and
        :func:`scene_class` finds it by that name. A class that binds nothing (a part, a
        test's scene) keeps its own."""
        super().__init_subclass__(**kwargs)
        if sequence is None:
            return
        entry = sequences.ENTRIES.get(sequence)
        if entry is None:
            raise TypeError(f"{cls.__qualname__}: sequence={sequence!r} is not in "
                            f"contract/sequences.py (known: {', '.join(sequences.ENTRIES)})")
        bound = BOUND.get(sequence)
        if bound is not None and bound.__module__ != cls.__module__:
            raise TypeError(f"{cls.__qualname__}: {sequence!r} is bound already, to "
                            f"{bound.__module__}.{bound.__qualname__}")
        cls.SECTIONS, cls.DATA = entry.sections, entry.data
        cls.sequence = entry.name if entry.name in sequences.SEQUENCES else ""
        BOUND[sequence] = cls

    def __init__(self, lecture: Lecture, data: SceneData, **kwargs: Any) -> None:
        from scenes.reads import ReadLog, RecordingDict

        self.lecture = lecture
        self.data = data
        #: the text keys each section looks up (what its frames depend on; rendering.keys)
        self.reads = ReadLog()
        self.words = getattr(lecture, self.sequence) if self.sequence else None
        if self.words is not None:
            self.words = self.words.model_copy(
                update={"text": RecordingDict(self.words.text, self.reads)})
        #: sections to draw; the others run with Manim's skip_animations (None: all)
        self.render_only: frozenset[str] | None = None
        #: section -> (start, end) in seconds of the scene's clock
        self.section_spans: dict[str, tuple[float, float]] = {}
        #: section -> the frames of each :meth:`hold`: the captions' reading times decide them,
        #: so they are part of the section's key (rendering.keys), not the caption's wording
        self.holds: dict[str, list[int]] = {}
        self.theme = lecture.theme
        #: (source, value) of every number drawn, for tests and audits: the source is the text
        #: :mod:`scenes.shown` wrote while reading it (``"rotation.edl_u[4]"``)
        self.shown_numbers: list[tuple[str, float]] = []
        #: values a section computes from scene_data for ``{placeholders}`` in its caption
        self.values: dict[str, Any] = {}
        #: narration (rendering/narration), set by the job: per section its speech (duration and
        #: sentence times) and the factor on its run times that paces it to that speech
        self.speech: dict[str, Any] = {}
        self.stretch: dict[str, float] = {}
        self._stretch = 1.0
        #: per section: the words its narrator says (narration text or caption, filled in)
        self.spoken: dict[str, str] = {}
        config.tex_template = TEX_TEMPLATE
        super().__init__(**kwargs)

    # -- storyboard ------------------------------------------------------------------------
    def enabled_sections(self) -> list[str]:
        chosen = self.lecture.sections.get(self.sequence) if self.lecture.sections else None
        return [s for s in self.SECTIONS if not chosen or s in chosen]

    def construct(self) -> None:
        self.camera.background_color = self.theme.background
        self.header = self.title_bar()
        for name in self.enabled_sections():
            self.begin_section(name)
            start = self.renderer.time
            if self.header is not None and self.header not in self.mobjects:
                self.add(self.header)
            self._stretch = self.stretch.get(name, 1.0)
            getattr(self, name)()
            self.caption(name, start)
            self._stretch = 1.0
            self.clear_stage()
            self.end_section(name)

    def begin_section(self, name: str) -> None:
        """Start section ``name``: skipped (no frames) unless it is in ``render_only``."""
        self.reads.begin(name)
        self.section_spans[name] = (self.renderer.time, self.renderer.time)
        self.holds[name] = []
        #: when each sentence of the section's caption was said to begin (see :meth:`say`)
        self.beats: list[float] = [self.renderer.time]
        self.current_section = name
        skip = self.render_only is not None and name not in self.render_only
        self.next_section(name, skip_animations=skip)

    def end_section(self, name: str) -> None:
        self.section_spans[name] = (self.section_spans[name][0], self.renderer.time)

    def title_bar(self) -> Mobject | None:
        if self.words is None:
            return None
        bar = self.text(self.words.title, size=26, color=self.theme.muted)
        return bar.to_corner(UP + LEFT, buff=MARGIN)

    def on_stage(self, *mobjects: Mobject) -> Group:
        """Move ``mobjects`` together (shrinking them only if they are too large) onto the free
        stage: inside the margins, below the title bar, above the caption-safe line
        (docs/design-rules.md). Returns them as a Group; they keep their relative layout."""
        x0, y0, x1, y1 = STAGE
        if self.header is not None:
            y1 = min(y1, self.header.get_bottom()[1] - 0.2)
        return keep_on_stage(Group(*mobjects), (x0, y0, x1, y1))

    def clear_stage(self) -> None:
        """Fade out everything but the title bar."""
        rest = [m for m in self.mobjects if m is not self.header]
        if rest:
            self.play(*[FadeOut(m) for m in rest], run_time=0.5 * self.lecture.pace)

    def caption_sentences(self, section: str) -> list[str]:
        """The sentences of ``section``'s caption, placeholders filled from ``self.values``."""
        content = self.words.captions.get(section) if self.words else None
        if not content:
            return []
        content = bound_for_equals(self.filled(content))
        if self.script == "cjk":
            content = cjk_spacing(content)
        return split_sentences(content)

    def cue_needs(self, section: str) -> list[float]:
        """Reading time of each sentence of ``section``'s caption (:mod:`scenes.pacing`)."""
        return [pacing.reading_time(s, self.lecture.language)
                for s in self.caption_sentences(section)]

    def say(self) -> None:
        """The next sentence of the current section's caption begins now: first hold the frame
        until the sentence on screen has had its reading time, so that what the next sentence
        talks about appears with it. Call it before the animations of each new sentence."""
        needs = self.cue_needs(self.current_section)
        i = len(self.beats) - 1
        if i < len(needs):
            self.hold(self.beats[-1] + needs[i] - self.renderer.time)
        self.beats.append(self.renderer.time)

    def hold(self, seconds: float) -> None:
        """Keep the frame still for at least ``seconds`` (whole frames, rounded up: Manim
        rounds a wait down to whole frames); nothing when ``seconds`` <= 0."""
        fps = float(config.frame_rate)
        frames = math.ceil(seconds * fps - 1e-6) if seconds > 1e-6 else 0
        self.holds.setdefault(getattr(self, "current_section", ""), []).append(frames)
        if frames:
            self.wait(frames / fps + 1e-9)

    def caption(self, section: str, start: float) -> None:
        """Subtitles for the section that just ended. With narration, the picture is held until
        the speech ends and the cues follow it. Otherwise sentence i starts at beat i
        (:meth:`say`), the unmarked ones spread in proportion to their reading times, and the
        last frame is held until the remaining sentences have had their reading time."""
        content = self.words.captions.get(section) if self.words else None
        said = (self.words.narration.get(section) if self.words else None) or content
        if said:
            self.spoken[section] = self.filled(said)
        speech = self.speech.get(section)
        if speech is not None:
            self.hold_for_speech(start, speech)
            self.cue_speech(start, speech)
            return
        sentences = self.caption_sentences(section)
        if not sentences:
            return
        needs = self.cue_needs(section)
        marks = [start] + list(getattr(self, "beats", [start])[1:])
        k = min(len(marks), len(sentences)) - 1
        self.hold(marks[k] + sum(needs[k:]) - self.renderer.time)
        for s, (a, b) in zip(sentences, pacing.layout_cues(needs, start, self.renderer.time, marks)):
            self.add_subcaption(s, duration=b - a, offset=a - self.renderer.time)

    def hold_for_speech(self, start: float, speech: Any) -> None:
        """Keep the picture until the speech that started at ``start`` has ended (plus a
        short tail): a section never ends before its narrator does."""
        from scenes.speech_pacing import remaining

        rest = remaining(self.renderer.time - start, speech.duration)
        if rest > 0:
            self.wait(rest)

    def cue_speech(self, start: float, speech: Any) -> None:
        """One subtitle per spoken sentence, on the speech's clock (it starts at ``start``)."""
        for text, a, b in speech.sentences:
            self.add_subcaption(text, duration=b - a, offset=start + a - self.renderer.time)

    # -- pace ------------------------------------------------------------------------------
    def play_p(self, *animations: Animation | Any, run_time: float = 1.0, **kwargs: Any) -> None:
        """Play at the lecture's pace (and slower in a section paced to longer speech)."""
        self.play(*animations, run_time=run_time * self.lecture.pace * self._stretch, **kwargs)

    def wait_p(self, seconds: float = 1.0) -> None:
        self.wait(seconds * self.lecture.pace * self._stretch)

    # -- wording ---------------------------------------------------------------------------
    @property
    def script(self) -> Script:
        """The script the lecture's language is written in: its typography rules."""
        return languages.script(self.lecture.language)

    def t(self, key: str, **values: Any) -> str:
        """The YAML string ``<sequence>.text.<key>``, formatted with ``values`` (:func:`fill`)."""
        self.declared(values, "text")
        return fill(self.words.text[key], self.script, **values)

    def filled(self, template: str) -> str:
        """A caption or narration with the values its sequence computed filled in (a name not
        computed yet stays as written)."""
        self.declared(self.values, "captions")
        return template.format_map(_Keep(self.values))

    def declared(self, names: Iterable[str], kind: str) -> None:
        """Refuse a ``{placeholder}`` name that contract/placeholders.py does not declare for
        this sequence: the lecture checker accepts a user's string by that table."""
        fills = FILLS.get(self.sequence)
        missing = sorted(set(names) - getattr(fills, kind)) if fills is not None else []
        if missing:
            raise KeyError(f"{self.sequence}: {kind} placeholder(s) {', '.join(missing)} not "
                           f"declared in contract/placeholders.py (FILLS[{self.sequence!r}].{kind})")

    def layer_name(self, layer: Any) -> str:
        """The lecture's name of a ``training.layers`` row: text key ``layer_<key>``, else the
        English name stored in scene_data."""
        key = f"layer_{getattr(layer, 'key', '')}"
        return self.t(key) if key in self.words.text else layer.name

    def example_name(self, set_key: str, example: Any) -> str:
        """The lecture's name of an unrelated example (``unrelated.sets[].examples[]``):
        Fashion-MNIST classes from text key ``fashion_names`` ("T-shirt/top|Trouser|..."),
        noise from ``noise_name``; letters and user file names as stored."""
        text = self.words.text if self.words else {}
        label = getattr(example, "label", None)
        if set_key == "fashion" and label is not None and text.get("fashion_names"):
            names = [n.strip() for n in text["fashion_names"].split("|")]
            if 0 <= label < len(names) and names[label]:
                return names[label]
        if set_key == "noise" and text.get("noise_name"):
            return text["noise_name"]
        return example.name

    def text(self, content: str, size: float = 30, color: str | None = None, **kw: Any) -> Text:
        return Text(content, font=self.theme.font, font_size=size,
                    color=color or self.theme.text, **kw)

    def para(self, key: str, size: float = 30, width: float | None = 12.0, **values: Any) -> Mobject:
        """A YAML string as lines of Text (explicit line breaks kept), scaled to fit ``width``."""
        lines = self.t(key, **values).split("\n")
        group = VGroup(*[self.text(line, size=size) for line in lines]).arrange(DOWN, buff=0.18)
        if width is not None and group.width > width:
            group.scale_to_fit_width(width)
        return group

    @property
    def d(self) -> Ref:
        """The scene data as :class:`scenes.shown.Ref`: the typed models, each step writing the
        source text of what it reaches (``self.d.forward_pass.edl.S``)."""
        return shown.at(self.data)

    def show(self, ref: Ref) -> float:
        """The number ``ref`` reaches, recorded with its source in the same step: the one way
        to put a number from the data on screen.

            s = self.show(self.d.forward_pass.edl.S)
            p = self.show(self.d.rotation.edl_probs[i][k])
            c = self.show(1 - self.d.heldout.models.edl.mean_u_correct)
        """
        return self.record(ref, float(ref))

    def record(self, ref: Ref, value: float) -> float:
        """Note a number the scene computed itself and draws, with the data it must equal
        (tests resolve ``ref``'s source and compare); returns it.

            self.record(total(self.d.forward_pass.fc1 <= 0), n_zero)
        """
        self.shown_numbers.append((shown.source_of(ref), float(value)))
        return float(value)

    def fmt(self, ref: Ref, fmt: Any = "{:.2f}") -> str:
        """The number ``ref`` reaches as a string (true minus sign, no -0.00), recorded."""
        return format_number(self.show(ref), fmt)

    def small(self, key: str, size: float = 22, color: str | None = None, **values: Any) -> Text:
        """A YAML string in small muted type (notes, axis hints)."""
        return self.text(self.t(key, **values), size=size, color=color or self.theme.muted)

    def set_name(self, key: str) -> str:
        """The display name of an unrelated set (text key ``set_<key>``), else its key."""
        return self.t(f"set_{key}") if f"set_{key}" in self.words.text else key

    def enabled_sets(self) -> list[tuple[int, Any]]:
        """(index, set) of unrelated.sets this lecture shows: the unrelated.letters/fashion/noise
        switches of the YAML; the user's images whenever the dump has them."""
        u = self.lecture.unrelated
        on = {"letters": u.letters, "fashion": u.fashion, "noise": u.noise, "user": True}
        return [(i, s) for i, s in enumerate(self.data.unrelated.sets)
                if on.get(s.key, False) and s.examples]

    def number(self, ref: Ref, digits: int = 2, size: float = 28, color: str | None = None,
               signed: bool = False, fmt: str | None = None) -> Text:
        """The number ``ref`` reaches as Text, recorded. ``fmt`` is a format string such as
        ``"{:.1%}"``; the raw value is what is recorded."""
        fmt = fmt or f"{{:{'+' if signed else ''}.{digits}f}}"
        return self.text(self.fmt(ref, fmt), size=size, color=color)


__all__ = ["LectureScene", "TEX_TEMPLATE", "cjk_spacing", "fill", "join_sentences", "split_sentences",
           "typography_problems"]
