"""One harness for every sequence: render it quietly from the tiny dump and log, per section,
the numbers drawn, the duration and (for chosen sections) the last frame before the fade-out.

    from tests.harness import observe
    log = observe("edl_pass", lecture, data, tmp_path, frames={"belief_bar"})
    log.sections["belief_bar"].numbers     # [(source, value), ...] in drawing order
    log.sections["belief_bar"].duration    # seconds (sum of the section's run times)
    log.frames["belief_bar"]               # (480, 854, 3) uint8, before the closing fade
    log.shots                              # the stage after every play and wait, and halfway
                                           # through every play (tests.stage.Shot)

Rendering skips animations (nothing is encoded), so a whole sequence takes seconds, not minutes;
``renderer.time`` still advances by every play's run time, so durations are the real ones.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from manim import config

from contract.languages import BUILT_IN
from contract.sequences import SEQUENCES, TITLE
from scenes.base import scene_class
from tests import framecheck as fc
from tests.stage import Shot

#: preview quality (manim -ql is 854x480): the size control frames are compared at
PREVIEW = (854, 480)


@dataclass(frozen=True)
class Cue:
    """One subtitle cue on the sequence's clock (seconds)."""
    start: float
    end: float
    text: str

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class SectionLog:
    numbers: list[tuple[str, float]] = field(default_factory=list)
    duration: float = 0.0
    mobjects: list[Any] = field(default_factory=list)  # what stood on stage before the fade-out
    cues: list[Cue] = field(default_factory=list)  # the section's caption cues, in time order


@dataclass
class SequenceLog:
    scene: Any  # None in a shared log (see shared_log), which keeps what the checks read
    sections: dict[str, SectionLog]
    frames: dict[str, np.ndarray]
    shots: list[Shot] = field(default_factory=list)
    subtitles: list[str] = field(default_factory=list)  # every cue, in order
    end: float = 0.0  # the sequence's duration in seconds
    printed: list[tuple[str, float]] = field(default_factory=list)  # (text, value) formatted

    @property
    def cues(self) -> list[tuple[str, Cue]]:
        """(section, cue) of the whole sequence in time order."""
        return sorted(((name, c) for name, s in self.sections.items() for c in s.cues),
                      key=lambda nc: nc[1].start)


def observed(cls: type, frames: set[str]) -> type:
    """``cls`` with hooks that log each section (numbers, duration, stage, chosen frames)."""

    class Observed(cls):  # type: ignore[misc, valid-type]
        def construct(self) -> None:
            self.observed_sections: dict[str, SectionLog] = {}
            self.frame_log: dict[str, np.ndarray] = {}
            self._current: str | None = None
            self.shots: list[Shot] = []
            self.subtitle_log: list[str] = []
            super().construct()
            self._close()

        def _close(self) -> None:
            if self._current is not None:
                log = self.observed_sections[self._current]
                record = self.section_log[self._current]  # what the base class kept
                log.numbers, log.mobjects = list(record.numbers), list(record.on_stage)
                log.duration = self.renderer.time - self._t0

        def next_section(self, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
            self._close()
            super().next_section(name, *args, **kwargs)
            self._current, self._t0 = name, self.renderer.time
            self.observed_sections[name] = SectionLog()

        def add_subcaption(self, content: str, duration: float = 1, offset: float = 0) -> None:
            self.subtitle_log.append(content)
            t = self.renderer.time + offset
            if self._current is not None:
                self.observed_sections[self._current].cues.append(Cue(t, t + duration, content))
            super().add_subcaption(content, duration=duration, offset=offset)

        def _shoot(self, moment: str) -> None:
            if self._current is not None:
                self.shots.append(Shot.of(self.mobjects, self._current, self.renderer.time, moment))

        def play(self, *args: Any, **kwargs: Any) -> None:
            # Skipping advances the clock by the exact run time; a render advances it by whole
            # frames. Keep the render's clock, so durations and cues are the video's own.
            t0, self._moving = self.renderer.time, False
            super().play(*args, **kwargs)
            dt = 1 / config.frame_rate
            frames = len(np.arange(0, self.duration, dt)) if self._moving else int(self.duration / dt)
            self.renderer.time = t0 + frames * dt

        def play_internal(self, skip_rendering: bool = False) -> None:
            self._moving = True
            if not self.is_current_animation_frozen_frame():
                for animation in self.animations:  # halfway: what a cross-fade shows
                    animation.interpolate(0.5)
                self._shoot("mid")
            super().play_internal(skip_rendering)
            self._shoot("end")

        def clear_stage(self) -> None:
            name = self._current
            if name is not None:
                if name in frames:
                    self._paint(self, ignore_skipping=True)
                    self.frame_log[name] = np.array(self.renderer.get_frame())[..., :3].copy()
            super().clear_stage()

    Observed.__name__ = cls.__name__
    return Observed


def observe(sequence: str, lecture: Any, data: Any, tmp_dir: str | os.PathLike[str],
            frames: set[str] = frozenset(), size: tuple[int, int] = PREVIEW) -> SequenceLog:
    """Render ``sequence`` (a registry name, or the title card's) skipping animations and
    return its log."""
    seq = TITLE if sequence == TITLE.name else SEQUENCES[sequence]
    cls = observed(scene_class(seq), set(frames))
    with fc.tiny_render(tmp_dir, size, fps=15, save_last_frame=False, write_to_movie=False), \
            formatted_numbers() as printed:
        scene = cls(lecture=lecture, data=data, skip_animations=True)
        # A skipped play still paints its static and frozen frames, which nothing reads here:
        # only the sampled frames are painted (clear_stage), from every mobject on stage.
        renderer = scene.renderer
        scene._paint = renderer.update_frame
        renderer.update_frame = lambda *args, **kwargs: None
        renderer.save_static_frame_data = lambda *args, **kwargs: None
        scene.render()
    return SequenceLog(scene, scene.observed_sections, scene.frame_log, scene.shots,
                       scene.subtitle_log, float(scene.renderer.time), printed)


@contextmanager
def formatted_numbers() -> Iterator[list[tuple[str, float]]]:
    """Every (text, value) that the scenes' one number formatter
    (:func:`scenes.visuals.numbers.format_number`) writes while the block runs: the design rules
    check each text against its value (no false certainty)."""
    from scenes.visuals import numbers

    original, log = numbers.format_number, []

    def logged(value: float, *args: Any, **kwargs: Any) -> str:
        out = original(value, *args, **kwargs)
        log.append((out, float(value)))
        return out

    # every scenes module that imported the function by name gets the logging one
    users = [m for name, m in list(sys.modules.items())
             if name.startswith("scenes") and getattr(m, "format_number", None) is original]
    for m in users:
        m.format_number = logged
    try:
        yield log
    finally:
        for m in users:
            m.format_number = original


#: the built-in lectures the shared logs are taken of, by language (contract.languages)
LECTURES = {code: lang.words for code, lang in BUILT_IN.items()}
_SHARED: dict[tuple[str, str, str], SequenceLog] = {}


def shared_log(sequence: str, language: str, dataset: str, data: Any,
               tmp_dir: str | os.PathLike[str]) -> SequenceLog:
    """One observed render of ``sequence`` in the built-in lecture of ``language`` on ``data``
    (named ``dataset``) per test process, shared by every check that reads the same render:
    the design rules, pacing and the behaviour snapshot. The sampled frames
    (:func:`frame_sample`) are kept; the scene and its mobjects are dropped (about 100 MB per
    sequence). Tests of one sequence share an xdist group (:func:`group`), so that one worker
    renders it once."""
    from contract.lecture import load_lecture

    key = (sequence, language, dataset)
    if key not in _SHARED:
        frames = frame_sample(sequence) if sequence in SEQUENCES else set()
        log = observe(sequence, load_lecture(LECTURES[language]), data, tmp_dir, frames=frames)
        sections = {k: replace(v, mobjects=[]) for k, v in log.sections.items()}
        _SHARED[key] = replace(log, scene=None, sections=sections)
    return _SHARED[key]


def group(sequence: str) -> pytest.MarkDecorator:
    """The xdist group of the tests that read ``sequence``'s shared logs (run with
    ``--dist loadgroup``: one worker takes them all and renders each log once)."""
    return pytest.mark.xdist_group(f"observe-{sequence}")


#: where the behaviour snapshot lives (numbers and durations of the default lecture, sample frames)
SNAPSHOT = Path(__file__).resolve().parent / "snapshot"
#: sections chosen per sequence whose last frame is kept as control data (see frame_sample)
FRAME_SAMPLE: dict[str, set[str]] = {
    "cnn_forward_pass": {"convolution", "softmax"},
    "overconfidence": {"rotated_digit"},
    "edl_pass": {"belief_bar"},
    "comparison": {"calibration"},
}


def frame_sample(sequence: str) -> set[str]:
    """The sections of ``sequence`` whose last frame is kept: :data:`FRAME_SAMPLE`'s choice, else
    its last section (so that a new sequence is covered without editing this file)."""
    return FRAME_SAMPLE.get(sequence) or {SEQUENCES[sequence].sections[-1]}
