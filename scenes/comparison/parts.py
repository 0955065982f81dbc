"""The comparison's drawing kit: model legends, line series on empty axes, image tiles, the
verdict banner and the verdict wording that every section of sequence 4 shares.

The softmax model is orange and solid with circles, EDL blue and dashed with squares
everywhere, so the curves survive a colour-blind viewer. A verdict's wording is picked from
the lecture YAML by its winner (``<metric>_edl_wins`` / ``_softmax_wins`` / ``_tie``).

    class Comparison(ComparisonParts):
        def accuracy(self) -> None:
            v = findings.accuracy(self.data)
            line = self.banner(self.takeaway(self.t("short_accuracy"), v),
                               self.verdict_text("accuracy", v, margin_pp=100 * v.margin))
            self.play_p(FadeIn(line))
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
from manim import (DOWN, LEFT, RIGHT, UP, Animation, Create, DashedLine, FadeIn, Group, Rectangle,
                   Text, VGroup, VMobject)

from contract.scene_data import MODELS
from scenes import findings
from scenes import visuals as tk
from scenes.base import LectureScene
from scenes.shown import Ref

#: lowest y of any content: about 1000 px of 1080 (the player's subtitles go below)
BOTTOM = tk.SAFE_BOTTOM + 0.05  # the caption-safe line (docs/design-rules.md)
STYLE = {"softmax": "solid", "edl": "dashed"}
MARKER = {"softmax": "circle", "edl": "square"}
#: the unrelated sets' drawing order follows the dump; these are the YAML text keys of their names
SET_NAME_KEY = {"letters": "set_letters", "fashion": "set_fashion", "noise": "set_noise",
                "user": "set_user"}
#: one entropy panel: (set key, title, entropy CDF per model, where in scene_data they are)
Panel = tuple[str, str, dict[str, list[float]], Ref]



class ComparisonParts(LectureScene):
    """What the comparison's sections draw with; the sections are in
    :class:`scenes.comparison.script.Comparison`."""

    def __init__(self, lecture: Any, data: Any, **kwargs: Any) -> None:
        super().__init__(lecture, data, **kwargs)
        #: per section: the verdict sentence (subtitled) and the one takeaway line drawn
        self.verdicts: dict[str, str] = {}
        self.takeaways: dict[str, str] = {}
        #: (section, start time in seconds) of every section rendered
        self.section_starts: list[tuple[str, float]] = []

    def next_section(self, name: str = "unnamed", *args: Any, **kwargs: Any) -> None:
        """Note when each section starts (the banner files its verdict under it)."""
        self.section_starts.append((name, float(self.renderer.time)))
        super().next_section(name, *args, **kwargs)

    # -- models, legends, series -----------------------------------------------------------------
    def pct(self, share: Ref, size: float = 28, color: str | None = None) -> Text:
        """A share in [0, 1] drawn as a percentage (YAML ``percent``); records the raw value."""
        return self.text(self.t("percent", value=self.show(share)), size=size, color=color)

    def name(self, model: str) -> str:
        """The lecture's name of a model (YAML ``model_<model>``)."""
        return self.t(f"model_{model}")

    def color(self, model: str) -> str:
        """The theme's colour of a model."""
        return getattr(self.theme, model)

    def legend(self, entries: Sequence[tuple[str, str, str, str | None]], size: float = 22) -> VGroup:
        """A row of legend entries ``(label, colour, line style, marker)``."""
        row = VGroup()
        for label, color, style, marker in entries:
            pts = np.array([[0, 0, 0], [0.9, 0, 0]], float)
            sample = tk.styled_path(pts, style, color, 4)
            entry = VGroup(sample)
            if marker:
                entry.add(tk.make_marker(marker, color, 0.16, self.theme.background)
                          .move_to(sample.get_center()))
            entry.add(self.text(label, size=size).next_to(sample, RIGHT, buff=0.15))
            row.add(entry)
        return row.arrange(RIGHT, buff=0.6)

    def clear_of_title(self, key: Mobject, gap: float = 0.6) -> Mobject:
        """``key`` (a legend beside the title bar) moved right until it starts ``gap`` after
        the title (closer, "compared" and the legend read as one line), or below the title bar
        when there is no room beside it."""
        if self.header is None:
            return key
        need = self.header.get_right()[0] + gap - key.get_left()[0]
        if need <= 0:
            return key
        if key.get_right()[0] + need <= tk.FRAME_WIDTH / 2 - tk.MARGIN:
            return key.shift(RIGHT * need)
        # no room beside it: below the title bar instead
        return key.shift(DOWN * max(0.0, key.get_top()[1] - self.header.get_bottom()[1] + 0.15))

    def model_legend(self, size: float = 22) -> VGroup:
        """Both models' legend entries: name, colour, line style and marker."""
        return self.legend([(self.name(m), self.color(m), STYLE[m], MARKER[m]) for m in MODELS],
                           size=size)

    def frame_chart(self, x_ticks: Sequence[float], y_ticks: Sequence[float], x_label: str,
                    y_label: str, width: float, height: float, font_size: float = 20,
                    x_format: str | None = None, y_format: str | None = None) -> tk.LineChart:
        """Empty labelled axes (series are added with :meth:`series`)."""
        return tk.LineChart(np.asarray(x_ticks, float)[:1], {}, x_label=x_label, y_label=y_label,
                            x_ticks=x_ticks, y_ticks=y_ticks, width=width, height=height,
                            legend=None, theme=self.theme, font_size=font_size,
                            x_format=x_format, y_format=y_format)

    def series(self, chart: tk.LineChart, x: Sequence[float], y: Sequence[float], color: str,
               style: str, marker: str | None, marker_every: int = 1, width: float = 4,
               marker_size: float = 0.13) -> VGroup:
        """One data series on ``chart``'s axes, in a colour AND a line style AND a marker."""
        pts = np.array([chart.c2p(a, b) for a, b in zip(x, y)])
        if len(pts) == 1:
            line: VMobject = VMobject()
        else:
            line = tk.styled_path(pts, style, color, width)
        marks = VGroup(*[tk.make_marker(marker, color, marker_size, self.theme.background).move_to(p)
                         for p in pts[::max(1, marker_every)]]) if marker else VGroup()
        return VGroup(line, marks)

    def model_series(self, chart: tk.LineChart, model: str, x: Sequence[float],
                     y: Sequence[float], marker_every: int = 1, **kw: Any) -> VGroup:
        """:meth:`series` in ``model``'s colour, line style and marker."""
        return self.series(chart, x, y, self.color(model), STYLE[model], MARKER[model],
                           marker_every, **kw)

    def drawn(self, series: VGroup, lag: float = 0.3) -> list[Animation]:
        """Draw a :meth:`series`: the line, then its markers one after another.

            self.play_p(*self.drawn(self.model_series(chart, "edl", x, y)), run_time=2.0)
        """
        return [Create(series[0]), FadeIn(series[1], lag_ratio=lag)]

    # -- verdicts ------------------------------------------------------------------------------
    def banner(self, content: str, verdict: str, y: float = -3.45, size: float = 26,
               color: str | None = None) -> VGroup:
        """The section's one short takeaway line, at the bottom of the stage; the subtitles
        carry the full ``verdict`` sentence (docs/design-rules.md)."""
        if self.section_starts:
            self.verdicts[self.section_starts[-1][0]] = verdict
            self.takeaways[self.section_starts[-1][0]] = content
        # neutral colour: the verdict is about both models, not drawn in either model's colour
        group = tk.wrap_text(content, 13.0, self.theme.font, size, color or self.theme.text,
                             max_lines=1)
        group.move_to([0, y + 0.3, 0])
        if group.get_bottom()[1] < BOTTOM:  # keep the player's subtitle band free
            group.shift(UP * (BOTTOM - group.get_bottom()[1]))
        return group

    def takeaway(self, what: str, verdict: findings.Verdict) -> str:
        """``what``: who is ahead (``text.takeaway``, ``ahead_<winner>``), e.g. "accuracy: too
        close to call"."""
        return self.t("takeaway", what=what, who=self.t(f"ahead_{verdict.winner}"))

    def verdict_text(self, base: str, verdict: findings.Verdict, **extra: Any) -> str:
        """The YAML sentence ``<base>_edl_wins`` / ``<base>_softmax_wins`` / ``<base>_tie``; it
        states both values and the 95% interval of their difference."""
        self.record_verdict(verdict)
        return self.t(f"{base}_{self.outcome(verdict)}", **{**verdict.fmt(), **extra})

    def record_verdict(self, verdict: findings.Verdict) -> None:
        """Both values and the interval of the difference, as drawn or spoken."""
        diff = verdict.at  # the scene_data Diff the verdict was read from
        for model in MODELS:
            self.record(getattr(diff, model), verdict.value(model))
        self.show(diff.diff_ci[0])
        self.show(diff.diff_ci[1])


    def verdict_color(self, verdict: findings.Verdict) -> str:
        """The winner's colour; muted when the verdict is too close to call."""
        return self.color(verdict.winner) if verdict.winner != findings.TIE else self.theme.muted

    @staticmethod
    def outcome(v: findings.Verdict) -> str:
        """The YAML key suffix of a verdict: ``edl_wins``, ``softmax_wins`` or ``tie``."""
        return "tie" if v.winner == findings.TIE else f"{v.winner}_wins"

    def join_items(self, items: Sequence[str], style: str = "list") -> str:
        """``a``, ``a and on b``, ``a, on b and on c`` (YAML ``<style>_sep`` / ``<style>_last``;
        ``list_and`` joins plain names: ``a, b and c``)."""
        items = list(items)
        if len(items) <= 1:
            return "".join(items)
        return self.t(f"{style}_sep").join(items[:-1]) + self.t(f"{style}_last") + items[-1]

    # -- pictures -------------------------------------------------------------------------------
    def tile(self, image: Any, size: float) -> Group:
        """A 28x28 image (values in [0, 1]) with a thin border."""
        img = tk.image_mobject(tk.colorize(np.asarray(image, float), tk.GRAY, 0.0, 1.0),
                               height=size)
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.2).move_to(img)
        return Group(img, border)


class DashedVMobjectRect(VGroup):
    """A dashed outline around a rectangle (the EDL bar: told apart by more than its colour)."""

    def __init__(self, rect: Rectangle, color: str) -> None:
        super().__init__()
        corners = [rect.get_corner(d) for d in (UP + LEFT, UP + RIGHT, DOWN + RIGHT, DOWN + LEFT)]
        for a, b in zip(corners, corners[1:] + corners[:1]):
            if np.linalg.norm(b - a) > 1e-6:
                self.add(DashedLine(a, b, dash_length=0.12, color=color, stroke_width=3))


__all__ = ["BOTTOM", "MARKER", "SET_NAME_KEY", "STYLE", "ComparisonParts", "DashedVMobjectRect",
           "Panel"]
