"""The lecture's title card: course, title, lecturer, institution and an optional logo.

Everything shown comes from ``lecture.title_card`` and ``lecture.theme`` in the YAML:

    title_card:
      course: "Deep Learning for Computer Vision"
      title: "Inside a CNN, and teaching it to say \\"I don't know\\""
      lecturer: "Your Name"
      institution: "Your Institution"
      logo: logo.png          # or null
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from manim import DOWN, UP, FadeIn, FadeOut, Group, ImageMobject, Line, Mobject

from scenes.base import LectureScene
from scenes.spoken import title_words
from scenes.visuals import FRAME_HEIGHT, FRAME_WIDTH, fit_within, wrap_text

#: Seconds the card stays fully visible (times the lecture's pace).
HOLD_SECONDS = 3.0


class TitleCard(LectureScene, sequence="title_card"):
    """Shows the title card on the theme background for a few seconds (one section, "title")."""


    def __init__(self, lecture: Any, data: Any = None, **kwargs: Any) -> None:
        super().__init__(lecture, data, **kwargs)

    def construct(self) -> None:
        self.camera.background_color = self.theme.background
        self.begin_section("title")
        start = self.renderer.time
        self.spoken["title"] = title_words(self.lecture)
        self._stretch = self.stretch.get("title", 1.0)
        card = self.build_card()
        self.play_p(FadeIn(card, shift=0.2 * UP), run_time=1.2)
        self.wait_p(HOLD_SECONDS)
        speech = self.speech.get("title")
        if speech is not None:  # narrated: the card stays until the words are said
            self.hold_for_speech(start, speech)
            self.cue_speech(start, speech)
        self.play_p(FadeOut(card), run_time=0.8)
        self.end_section("title")

    def build_card(self) -> Mobject:
        """The card's mobjects, centred and kept inside the frame."""
        tc, theme = self.lecture.title_card, self.theme
        font = theme.font
        width = FRAME_WIDTH - 2.0
        parts: list[Mobject] = []
        logo = self.logo(tc.logo)
        if logo is not None:
            parts.append(logo)
        if tc.course:
            parts.append(wrap_text(tc.course, width, font, 30, theme.muted, max_lines=2))
        title = wrap_text(tc.title, width, font, 54, theme.text, line_buff=0.22, max_lines=3)
        parts.append(title)
        rule = Line(stroke_color=theme.accent, stroke_width=4)
        rule.set_length(min(max(title.width * 0.6, 2.5), width))
        parts.append(rule)
        people = [s for s in (tc.lecturer, tc.institution) if s]
        for i, s in enumerate(people):
            parts.append(wrap_text(s, width, font, 32 if i == 0 else 28,
                                   theme.text if i == 0 else theme.muted, max_lines=2))
        card = Group(*parts).arrange(DOWN, buff=0.35)
        # a little more air around the title and rule
        rule.shift(0.05 * DOWN)
        fit_within(card, width, FRAME_HEIGHT - 1.2)
        return card.move_to([0, 0, 0])

    @staticmethod
    def logo(path: str | Path | None, height: float = 1.3) -> ImageMobject | None:
        """The logo image scaled to ``height`` (None when no logo is set)."""
        if path is None:
            return None
        img = ImageMobject(str(path))
        img.height = height
        if img.width > 4.0:
            img.width = 4.0
        return img


__all__ = ["TitleCard", "HOLD_SECONDS"]
