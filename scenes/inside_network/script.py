"""Sequence 6: inside the trained networks: where they look, what they respond to, how they
learned, how they arrange digits and unrelated inputs, and which digits they confuse.

Everything comes from ``inside.json`` and ``training.json``'s ``dynamics``; which layer, which
unrelated set and which pair of digits the narration names is chosen by :mod:`scenes.findings`.
Softmax is orange and EDL blue, nothing else; heat maps, histograms and counts use viridis
(perceptual, colour-blind safe) with a colour bar; unrelated sets get other Okabe-Ito colours
and their own marker shapes.

    from scenes.inside_network.script import InsideNetwork
    InsideNetwork(lecture=load_lecture("lectures/default.yaml"), data=load_all("scene_data")).render()
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
from manim import DL, DOWN, LEFT, RIGHT, UP, UR, Create, FadeIn, Group, Mobject, Rectangle, VGroup

from scenes.inside_network import findings
from scenes import visuals as tk
from scenes.base import LectureScene, join_sentences, split_sentences
from scenes.shown import length, smallest, total, trace

MODELS = ("softmax", "edl")
#: lowest y of any content: 86% of the frame height (the player's subtitles go below)
BOTTOM = 4.0 - 0.86 * 8.0
#: the sides keep 60 px of 1920 free
SIDE = 14.222 / 2 - 60 / 135
#: colour and marker of each unrelated set in the feature space (never the models' colours)
SET_STYLE = {"letters": (tk.GREEN, "triangle"), "fashion": (tk.PURPLE, "square"),
             "noise": (tk.YELLOW, "diamond"), "user": (tk.VERMILION, "circle")}
DIGIT_DOT = "#7B8496"
#: heat maps, histograms and counts: one perceptual, colour-blind-safe map throughout
HEAT = tk.VIRIDIS
#: characters a viewer reads per second: CJK scripts, everything else
READING_RATE = {"cjk": 6.0, "latin": 15.0}


def reading_seconds(text: str) -> float:
    """How long a caption takes to read: CJK characters at ``READING_RATE['cjk']`` per second,
    every other character at ``READING_RATE['latin']``.

        >>> round(reading_seconds("abc" * 10), 1), round(reading_seconds("我们" * 6), 1)
        (2.0, 2.0)
    """
    cjk = len(re.findall(r"[\u3000-\u9fff\uff00-\uffef]", text))
    return cjk / READING_RATE["cjk"] + (len(text) - cjk) / READING_RATE["latin"]


def caption_seconds(text: str) -> float:
    """The shortest section that shows every sentence of ``text`` for its reading time, given
    that :meth:`LectureScene.caption` gives each sentence a share of the section proportional
    to its length in characters (a short Chinese sentence gets less time than it needs to be
    read unless the whole section is long enough).

        >>> round(caption_seconds("One. Two."), 2), round(caption_seconds("好。Long Latin text."), 2)
        (0.53, 3.0)
    """
    sentences = split_sentences(text)
    total = sum(len(s) for s in sentences)
    return max((reading_seconds(s) * total / len(s) for s in sentences), default=0.0)



def _meet(a: Mobject, b: Mobject, gap: float) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` come closer than ``gap``."""
    (ax, ay, _), (bx, by, _) = a.get_center(), b.get_center()
    return (abs(ax - bx) < (a.width + b.width) / 2 + gap
            and abs(ay - by) < (a.height + b.height) / 2 + gap)


def separate(labels: VGroup, frame: Mobject, gap: float = 0.04) -> None:
    """Place cluster labels so that none covers another or touches ``frame``'s edge: each stays
    inside the frame, and where it would cover a label placed before it, moves down, then up,
    by its height until it clears them (two clusters side by side, or a cluster at the edge).

    >>> separate(VGroup(Text("3"), Text("5")), Square(4))  # both inside, apart"""
    left, bottom = frame.get_corner(DL)[:2]
    right, top = frame.get_corner(UR)[:2]

    def inside(lab: Mobject, point: np.ndarray) -> np.ndarray:
        w, h = lab.width / 2 + 2 * gap, lab.height / 2 + 2 * gap
        return np.array([np.clip(point[0], left + w, right - w),
                         np.clip(point[1], bottom + h, top - h), point[2]])

    placed: list[Mobject] = []
    for lab in labels:
        home = inside(lab, lab.get_center())
        step = lab.height + gap
        for k in range(0, 13):
            lab.move_to(inside(lab, home + UP * ((k + 1) // 2) * step * (-1 if k % 2 else 1)))
            if not any(_meet(lab, p, gap) for p in placed):
                break
        placed.append(lab)


class InsideNetwork(LectureScene, sequence="inside_network"):
    """Grad-CAM and saliency, activation maximization, training dynamics, the feature space and
    the confusion matrices, softmax and EDL side by side."""


    # -- shared helpers --------------------------------------------------------------------
    def caption(self, section: str, start: float) -> None:
        """Hold the finished picture until the caption can be read, then lay out its cues
        (with narration, the speech sets the section's length and its cues instead)."""
        content = self.words.captions.get(section) if self.words else None
        if content and self.speech.get(section) is None:
            need = caption_seconds(self.filled(content)) + 0.5
            extra = need - (self.renderer.time - start)
            if extra > 0:
                self.wait(extra)
        super().caption(section, start)

    def name(self, model: str) -> str:
        return self.t(f"model_{model}")

    def color(self, model: str) -> str:
        return getattr(self.theme, model)

    def tile(self, rgb: np.ndarray, size: float) -> Group:
        """An RGB image (H, W, 3) as a square tile with a thin border."""
        img = tk.image_mobject(tk.upscale(rgb, 4), height=size)
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.2).move_to(img)
        return Group(img, border)

    def gray_tile(self, image: Any, size: float) -> Group:
        return self.tile(tk.colorize(np.asarray(image, float), tk.GRAY, 0.0, 1.0), size)

    def word_bar(self, low: str, high: str, length: float, vertical: bool = True) -> Group:
        """A colour bar of :data:`HEAT` whose ends are named in words (relative scales)."""
        return tk.ColorBar(HEAT, 0.0, 1.0, length=length, vertical=vertical,
                           number_format=lambda v: high if v > 0.5 else low,
                           font=self.theme.font, font_size=20, text_color=self.theme.muted)

    def layer_label(self, layer: str) -> str:
        key = f"layer_{layer}"
        return self.t(key) if key in self.words.text else layer

    def item_name(self, name: str) -> str:
        """``'letters: B'`` -> the lecture's ``item_letters`` with ``{name}`` = ``B``."""
        set_key, _, item = name.partition(": ")
        key = f"item_{set_key}"
        return self.t(key, name=item) if item and key in self.words.text else name

    def fit_stage(self, group: Mobject, top: float = 3.2) -> Mobject:
        """Scale ``group`` into the stage (margins, title bar, subtitle band) and centre it."""
        tk.fit_within(group, 2 * SIDE, top - BOTTOM)
        return group.move_to([0, (top + BOTTOM) / 2, 0])

    # -- 1. Grad-CAM and saliency ----------------------------------------------------------
    def gradcam(self) -> None:
        rows = [self.gradcam_row(i, inp) for i, inp in enumerate(self.data.inside.inputs)]
        header = self.gradcam_header(rows[0])
        bar = self.word_bar(self.t("heat_low"), self.t("heat_high"), 3.0)
        bar_title = tk.wrap_text(self.t("heat_legend"), 2.0, self.theme.font, 20,
                                 self.theme.muted)
        legend = Group(bar_title, bar).arrange(DOWN, buff=0.2)
        stage = Group(header, *rows)
        legend.next_to(stage, RIGHT, buff=0.5)
        self.fit_stage(Group(stage, legend))
        self.values["gradcam_finding"] = self.gradcam_finding()

        self.play_p(FadeIn(header[0]), *[FadeIn(Group(r[0], r[1])) for r in rows], run_time=1.0)
        self.wait_p(1.0)
        for j, m in enumerate(MODELS):
            extra = [FadeIn(legend)] if j == 0 else []  # the colour bar comes with the first map
            self.play_p(FadeIn(header[1 + j]), *[FadeIn(r[2 + j]) for r in rows], *extra,
                        run_time=1.2)
            self.wait_p(1.5)
        self.wait_p(2.0)

    def gradcam_row(self, i: int, inp: Any) -> Group:
        """Row label, the input, then per model Grad-CAM and saliency over it and its answer."""
        size = 1.25
        label = VGroup(self.text(self.t(f"row_{inp.role}"), size=22))
        if inp.label is not None:
            label.add(self.text(self.t("true_label", label=int(
                self.show(self.d.inside.inputs[i].label))), size=22, color=self.theme.muted))
        else:
            label.add(self.text(self.item_name(inp.name), size=22, color=self.theme.muted))
        label.arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        image = self.gray_tile(inp.image, size)
        pairs = []
        for m in MODELS:
            a = getattr(inp, m)
            maps = Group(*[self.tile(tk.heat_overlay(inp.image, getattr(a, kind), HEAT), size)
                           for kind in ("gradcam", "saliency")]).arrange(RIGHT, buff=0.12)
            target = getattr(self.d.inside.inputs[i], m).target
            says = self.text(self.t("says", digit=int(self.show(target))), size=22,
                             color=self.color(m)).next_to(maps, DOWN, buff=0.08)
            pairs.append(Group(maps, says))
        row = Group(label, image, *pairs)
        image.move_to([-2.2, 0, 0])
        pairs[0].next_to(image, RIGHT, buff=0.55).align_to(image, UP)
        pairs[1].next_to(pairs[0], RIGHT, buff=0.45).align_to(image, UP)
        label.next_to(image, LEFT, buff=0.4)
        row.shift(DOWN * 1.85 * i)
        return row

    def gradcam_header(self, row: Group) -> VGroup:
        """Column titles above the first row: input, then model name over Grad-CAM | saliency."""
        heads = VGroup(self.text(self.t("col_input"), size=22, color=self.theme.muted)
                       .next_to(row[1], UP, buff=0.2))
        for j, m in enumerate(MODELS):
            maps = row[2 + j][0]
            kinds = VGroup(*[self.text(self.t(f"col_{k}"), size=20, color=self.theme.muted)
                             .next_to(maps[n], UP, buff=0.15)
                             for n, k in enumerate(("gradcam", "saliency"))])
            kinds[1].align_to(kinds[0], UP)  # same cap line, whatever the descenders
            title = self.text(self.name(m), size=26, color=self.color(m)).next_to(kinds, UP, buff=0.12)
            heads.add(VGroup(title, kinds))
        return heads

    def gradcam_finding(self) -> str:
        """What both models answer on the softmax model's mistake and on the unrelated input."""
        parts = []
        for i, inp in enumerate(self.data.inside.inputs):
            if inp.role not in ("mistake", "unrelated"):
                continue
            parts.append(self.t(f"gradcam_{inp.role}", item=self.item_name(inp.name),
                                label=inp.label if inp.label is not None else "",
                                sm=inp.softmax.target, edl=inp.edl.target))
        return join_sentences(parts)

    # -- 2. activation maximization --------------------------------------------------------
    def activation_maximization(self) -> None:
        a = self.data.inside.activation_max
        rows = Group()
        for m in MODELS:
            tiles = Group(*[self.gray_tile(img, 1.05) for img in a[m].images]).arrange(RIGHT, buff=0.14)
            title = self.text(self.t(f"actmax_{m}"), size=24, color=self.color(m))
            title.next_to(tiles, UP, buff=0.15).align_to(tiles, LEFT)
            rows.add(Group(title, tiles))
        rows.arrange(DOWN, buff=0.45)
        digits = VGroup(*[self.text(str(k), size=24, color=self.theme.muted)
                          .next_to(rows[1][1][k], DOWN, buff=0.15) for k in range(10)])
        note = self.text(self.t("actmax_classes"), size=20, color=self.theme.muted)
        note.next_to(digits, DOWN, buff=0.2)
        self.fit_stage(Group(rows, digits, note), top=3.0)

        self.play_p(FadeIn(rows[0][0]), FadeIn(rows[0][1], lag_ratio=0.1), run_time=2.0)
        self.wait_p(1.5)
        self.play_p(FadeIn(rows[1][0]), FadeIn(rows[1][1], lag_ratio=0.1),
                    FadeIn(digits), FadeIn(note), run_time=2.0)
        self.wait_p(4.0)

    # -- 3. training dynamics --------------------------------------------------------------
    def training_dynamics(self) -> None:
        layer = findings.shared_changed_layer(self.data)
        self.values["layer"] = self.layer_label(layer)
        hists = self.histogram_panels(layer)
        chart = self.grad_norm_chart(layer)
        chart.next_to(hists, RIGHT, buff=0.9)
        stage = Group(hists, chart)
        self.fit_stage(stage)
        self.values["dynamics_finding"] = self.dynamics_finding(layer)

        self.play_p(FadeIn(hists[0]), FadeIn(hists[2]), run_time=1.5)
        self.wait_p(1.5)
        self.play_p(FadeIn(hists[1]), run_time=1.2)
        self.wait_p(1.5)
        self.play_p(FadeIn(chart.frame), FadeIn(chart.legend), run_time=1.0)
        self.play_p(*[chart.create_series(self.name(m)) for m in MODELS], run_time=2.5)
        self.wait_p(3.0)

    def histogram_panels(self, layer: str) -> Group:
        """Per model: the share of ``layer``'s weights in each bin, one row per epoch (the
        initial weights on top), on one colour scale; and that scale's bar."""
        dyn = self.data.training.dynamics
        shares = {m: np.asarray(dyn[m].weight_hist[layer], float) for m in MODELS}
        shares = {m: h / np.maximum(h.sum(axis=1, keepdims=True), 1) for m, h in shares.items()}
        vmax = max(float(h.max()) for h in shares.values())
        panels = Group()
        for m in MODELS:
            rgb = tk.colorize(shares[m], HEAT, 0.0, vmax)
            img = tk.image_mobject(rgb, width=4.6, height=1.7)
            panels.add(self.histogram_axes(m, layer, img))
        panels.arrange(DOWN, buff=0.45)
        bar = self.word_bar(self.t("hist_low"), self.t("hist_high"), 3.2)
        bar.next_to(panels, RIGHT, buff=0.25)
        return Group(panels[0], panels[1], bar)

    def histogram_axes(self, m: str, layer: str, img: Mobject) -> Group:
        """One model's histogram image with its title, weight-value ends and epoch ends."""
        dyn = self.d.training.dynamics[m]
        edges = dyn.edges[layer]
        border = Rectangle(width=img.width, height=img.height, stroke_color=self.theme.muted,
                           stroke_width=1.2).move_to(img)
        title = self.text(self.t("hist_title", model=self.name(m), layer=self.layer_label(layer)),
                          size=22, color=self.color(m)).next_to(img, UP, buff=0.12)
        self.show(edges[0])  # each end is recorded twice, as the snapshot has it
        lo = self.number(edges[0], 2, 20, self.theme.muted)
        self.show(edges[-1])
        hi = self.number(edges[-1], 2, 20, self.theme.muted)
        lo.next_to(img, DOWN, buff=0.08).align_to(img, LEFT)
        hi.next_to(img, DOWN, buff=0.08).align_to(img, RIGHT)
        x_title = self.text(self.t("weight_axis"), size=20, color=self.theme.muted)
        x_title.next_to(img, DOWN, buff=0.08)
        n_epochs = int(self.show(length(dyn.grad_norm[layer])))
        start = self.text(self.t("epoch_start"), size=20, color=self.theme.muted)
        end = self.text(self.t("epoch_n", n=n_epochs), size=20, color=self.theme.muted)
        start.next_to(img, LEFT, buff=0.12).align_to(img, UP)
        end.next_to(img, LEFT, buff=0.12).align_to(img, DOWN)
        return Group(img, border, title, lo, hi, x_title, start, end)

    def grad_norm_chart(self, layer: str) -> tk.LineChart:
        """Mean gradient norm of ``layer`` per epoch, both models."""
        dyn = self.data.training.dynamics
        ys = {}
        for m in MODELS:
            g = np.asarray(dyn[m].grad_norm[layer], float)
            for e in range(len(g)):
                self.show(self.d.training.dynamics[m].grad_norm[layer][e])
            ys[self.name(m)] = g
        n = len(next(iter(ys.values())))
        x = np.arange(1, n + 1, dtype=float)
        return tk.LineChart(x, ys, colors=[self.color(m) for m in MODELS],
                            styles=["solid", "dashed"], markers=["circle", "square"],
                            x_label=self.t("epoch_axis"),
                            y_label=self.t("grad_axis", layer=self.layer_label(layer)),
                            x_ticks=tk.nice_ticks(0, n), y_range=(0, max(map(max, ys.values()))),
                            width=5.2, height=3.4, legend="top", theme=self.theme, font_size=24)

    def dynamics_finding(self, layer: str) -> str:
        """The gradient norm of ``layer`` in the first and last epoch, per model."""
        g = {m: self.d.training.dynamics[m].grad_norm[layer] for m in MODELS}
        return self.t("dynamics_norms", layer=self.layer_label(layer),
                      a0=self.show(g["softmax"][0]), a1=self.show(g["softmax"][-1]),
                      b0=self.show(g["edl"][0]), b1=self.show(g["edl"][-1]))

    # -- 4. feature space ------------------------------------------------------------------
    def feature_space(self) -> None:
        sets = [s.key for _, s in self.enabled_sets() if s.key in SET_STYLE]
        sets = [s for s in sets if s in self.data.inside.embedding.group]
        panels = Group(*[self.embedding_panel(m, sets) for m in MODELS]).arrange(RIGHT, buff=0.5)
        shares = {m: findings.embedding_overlap(self.data, m, sets) for m in MODELS}
        table = self.overlap_table(sets, shares)
        table.next_to(panels, RIGHT, buff=0.45)
        self.fit_stage(Group(panels, table))
        self.values["overlap_finding"] = self.overlap_finding(shares)

        self.play_p(*[FadeIn(p[0]) for p in panels], *[FadeIn(p[1]) for p in panels], run_time=1.0)
        self.play_p(*[FadeIn(p[2]) for p in panels], *[FadeIn(p[4]) for p in panels], run_time=1.5)
        self.wait_p(1.5)
        self.play_p(*[FadeIn(p[3]) for p in panels], FadeIn(table), run_time=1.5)
        self.wait_p(3.0)

    def embedding_panel(self, m: str, sets: list[str]) -> Group:
        """t-SNE of ``m``'s fc1 features: digits as dots with their digit written at each
        cluster's median, the unrelated sets on top in their own colours and shapes."""
        e = self.data.inside.embedding
        pts = np.asarray(e.models[m].tsne, float)
        digits = [i for i, g in enumerate(e.group) if g == "heldout"]
        others = [i for i, g in enumerate(e.group) if g in sets]
        lo, hi = pts[digits + others].min(axis=0), pts[digits + others].max(axis=0)
        pad = 0.04 * (hi - lo)
        limits = (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])
        side = 4.3

        def layer_image(idx: list[int], colors: list[str], shapes: list[str], r: float) -> Mobject:
            rgba = tk.scatter_image(pts[idx], colors, shapes, 760, r, limits=limits)
            return tk.image_mobject(rgba, width=side, height=side, nearest=False)

        dots = layer_image(digits, [DIGIT_DOT] * len(digits), ["circle"] * len(digits), 6.0)
        unrelated = layer_image(others, [SET_STYLE[e.group[i]][0] for i in others],
                                [SET_STYLE[e.group[i]][1] for i in others], 8.0)
        frame = Rectangle(width=side, height=side, stroke_color=self.theme.muted, stroke_width=1.5)
        frame.move_to(dots)
        title = self.text(self.t("tsne_title", model=self.name(m)), size=24,
                          color=self.color(m)).next_to(frame, UP, buff=0.15)
        labels = VGroup()
        for d in range(10):
            idx = [i for i in digits if e.label[i] == d]
            if not idx:
                continue
            mx, my = np.median(pts[idx], axis=0)
            x = (mx - limits[0]) / (limits[1] - limits[0]) - 0.5
            y = (my - limits[2]) / (limits[3] - limits[2]) - 0.5
            lab = self.text(str(d), size=26, weight="BOLD")
            lab.set_stroke(self.theme.background, width=5, background=True)
            labels.add(lab.move_to(frame.get_center() + np.array([x * side, y * side, 0])))
        separate(labels, frame)
        return Group(frame, dots, title, unrelated, labels)

    def overlap_table(self, sets: list[str], shares: dict[str, dict[str, float]]) -> VGroup:
        """Legend and numbers in one: marker and name of each group, and per model the share of
        the nearest neighbours of its points that are held-out digits."""
        size = 20
        head = VGroup(*[self.text(self.name(m), size=size, color=self.color(m)) for m in MODELS])
        rows = VGroup()
        for s in sets:
            color, shape = SET_STYLE[s]
            cells = [self.text(self.t("share", value=self.record(
                findings.neighbour_share(self.d, m, "tsne", s, sets), shares[m][s])), size=size)
                for m in MODELS]
            rows.add(VGroup(tk.make_marker(shape, color, 0.2, self.theme.background),
                            self.text(self.set_name(s), size=size), *cells))
        digit_row = VGroup(tk.make_marker("circle", DIGIT_DOT, 0.14, self.theme.background),
                           self.text(self.set_name("heldout"), size=size))
        name_w = max(r[1].width for r in [*rows, digit_row])
        x_cells = [0.35 + name_w + 0.5 + 0.45, 0.35 + name_w + 0.5 + 1.45]
        body = VGroup()
        for y, row in enumerate([head, *rows, digit_row]):
            if row is not head:
                row[0].move_to([0.1, 0, 0])
                row[1].move_to([0.35, 0, 0], aligned_edge=LEFT)
            cells = row if row is head else row[2:]
            for cell, x in zip(cells, x_cells):
                cell.move_to([x, 0, 0])
            body.add(row.shift(DOWN * 0.5 * y))
        title = tk.wrap_text(self.t("overlap_title"), 4.0, self.theme.font, size, self.theme.muted)
        title.next_to(body, UP, buff=0.3).align_to(body, LEFT)
        return VGroup(title, body)

    def overlap_finding(self, shares: dict[str, dict[str, float]]) -> str:
        """Which unrelated set lies most among the digits for each model, and whether one model
        mixes it in more (a difference within the tolerance is called the same)."""
        top = {m: findings.most_overlapping(shares[m]) for m in MODELS}
        if None in top.values():
            return ""
        sm, edl = shares["softmax"][top["softmax"]], shares["edl"][top["edl"]]
        if top["softmax"] == top["edl"]:
            first = self.t("overlap_same_set", set=self.set_name(top["softmax"]), sm=sm, edl=edl)
        else:
            first = self.t("overlap_other_sets", sm_set=self.set_name(top["softmax"]),
                           edl_set=self.set_name(top["edl"]), sm=sm, edl=edl)
        return join_sentences([first, self.t(f"overlap_more_{findings.compare_shares(sm, edl)}")])

    # -- 5. confusion matrices -------------------------------------------------------------
    def confusion(self) -> None:
        c = self.data.inside.confusion
        worst = {m: findings.most_confused(c[m]) for m in MODELS}
        vmax_model = max(MODELS, key=lambda m: worst[m].count)
        w = worst[vmax_model]
        counts = self.d.inside.confusion
        vmax = self.show(counts[vmax_model][w.true][w.pred])
        panels = Group(*[self.confusion_panel(m, worst[m], vmax) for m in MODELS])
        panels.arrange(RIGHT, buff=0.8)
        bar = tk.ColorBar(HEAT, self.show(smallest(counts[vmax_model])), vmax,
                          length=3.0, number_format="{:.0f}", font=self.theme.font,
                          font_size=20, text_color=self.theme.muted)
        bar_title = tk.wrap_text(self.t("scale_label"), 1.8, self.theme.font, 20, self.theme.muted)
        legend = Group(bar_title, bar).arrange(DOWN, buff=0.2).next_to(panels, RIGHT, buff=0.5)
        self.fit_stage(Group(panels, legend))
        n = int(self.show(total(counts["softmax"])))
        self.values["n_heldout"] = n
        self.values["confusion_finding"] = self.confusion_finding(worst)

        self.play_p(*[FadeIn(Group(p[0], p[1], p[2])) for p in panels], FadeIn(legend), run_time=1.5)
        self.wait_p(2.0)
        self.play_p(*[Create(p[3]) for p in panels], run_time=1.0)
        self.wait_p(4.0)

    def confusion_panel(self, m: str, worst: findings.Confused, vmax: float) -> Group:
        """One model's matrix: counts (recorded), digits on both axes, its title with the number
        of mistakes, and a frame around its most frequent mistake."""
        counts = np.asarray(self.data.inside.confusion[m], int)
        for r in range(10):
            for k in range(10):
                if counts[r, k]:
                    self.show(self.d.inside.confusion[m][r][k])
        matrix = tk.CountMatrix(counts, cell=0.42, cmap=HEAT, vmax=vmax, font=self.theme.font,
                                font_size=18, muted=self.theme.muted, text_color=self.theme.text)
        digits = matrix.axis_labels([str(d) for d in range(10)], font=self.theme.font,
                                    font_size=20, color=self.theme.muted)
        pred = self.text(self.t("pred_axis"), size=20, color=self.theme.muted)
        pred.next_to(digits, UP, buff=0.1)
        true = self.text(self.t("true_axis"), size=20, color=self.theme.muted).rotate(np.pi / 2)
        true.next_to(digits, LEFT, buff=0.1)
        shown = self.d.inside.confusion[m]
        errors = self.show(total(shown) - trace(shown))
        title = self.text(self.t("matrix_title", model=self.name(m), errors=int(errors)),
                          size=24, color=self.color(m)).next_to(pred, UP, buff=0.15)
        ring = Rectangle(width=0.5, height=0.5, stroke_color=self.theme.accent, stroke_width=5)
        ring.move_to(matrix.cell(worst.true, worst.pred))
        return Group(VGroup(matrix, digits), VGroup(pred, true), title, ring)

    def confusion_finding(self, worst: dict[str, findings.Confused]) -> str:
        """Each model's most frequent mistake (the same pair or not; ties said), and the totals."""
        s, e = worst["softmax"], worst["edl"]
        if findings.same_mistake(s, e):
            text = self.t("confused_same", t=s.true, p=s.pred, n=s.count, n2=e.count)
        else:
            text = self.t("confused_other", t=s.true, p=s.pred, n=s.count, t2=e.true, p2=e.pred,
                          n2=e.count)
        ties = [self.t("confused_tie", model=self.name(m), k=worst[m].n_tied, n=worst[m].count)
                for m in MODELS if worst[m].n_tied > 1]
        return join_sentences([text, *ties, self.t("confused_totals", e1=s.errors, e2=e.errors)])


__all__ = ["InsideNetwork", "caption_seconds", "reading_seconds"]
