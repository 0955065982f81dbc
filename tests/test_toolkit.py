"""The shared visual toolkit and the title card: geometry and values, then rendered frames."""
from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from manim.constants import RESAMPLING_ALGORITHMS
from manim import (DOWN, LEFT, RIGHT, UP, ImageMobject, Scene, Text, VGroup,
                   tempconfig)

from scenes import visuals as tk
from tests.framecheck import (assert_colour_close, assert_inside_frame, assert_not_blank,
                              colour_at, frames_of, ink_amount, mean_colour, render_last_frame,
                              render_scene, tiny_render, to_rgb)

BG = "#111318"
RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True, scope="module")
def _private_media_dir(tmp_path_factory: pytest.TempPathFactory):
    """Text and MathTex caches go to a temporary folder, not ./media."""
    with tempconfig({"media_dir": str(tmp_path_factory.mktemp("media"))}):
        yield


def images_in(mobject) -> list[ImageMobject]:
    return [m for m in mobject.get_family() if isinstance(m, ImageMobject)]


# -- numbers, colours, layout helpers -------------------------------------------------------------
def test_format_number_uses_true_minus_and_no_negative_zero() -> None:
    assert tk.format_number(-0.0) == "0.00"  # no "−0.00"
    assert tk.format_number(-0.0004) == "> \u22120.001"  # nor a false zero (contract.numbers)
    assert tk.format_number(-0.004) == "\u22120.004"
    assert tk.format_number(-1.5, "{:.1f}") == "\u22121.5"
    assert tk.format_number(0.25, "{:+.2f}") == "+0.25"
    assert tk.format_number(1.0, tk.FMT_BYTE) == "255"
    assert tk.format_number(-2.0, "{:.0f}", unicode_minus=False) == "-2"


def test_whole_ticks_are_integers_covering_the_range() -> None:
    """Epoch axes: whole numbers, at least two ticks, the last at or past the last epoch."""
    assert tk.whole_ticks(1, 2).tolist() == [1, 2]
    assert tk.whole_ticks(1, 1).tolist() == [1, 2]
    assert tk.whole_ticks(1, 12).tolist() == [0, 2, 4, 6, 8, 10, 12]
    ticks = tk.whole_ticks(3, 47)
    assert ticks.dtype.kind == "i" and ticks[0] <= 3 and ticks[-1] >= 47 and len(ticks) <= 7


def test_percent_format_keeps_a_decimal_only_when_ticks_need_it() -> None:
    assert tk.percent_format(0.8, 1.0) == "{:.0%}"
    assert tk.percent_format(0.0, 1.0) == "{:.0%}"
    assert tk.percent_format(0.9, 1.0) == "{:.1%}"  # ticks every 2.5 points


def test_stride_ticks_take_every_kth_value_and_the_last() -> None:
    angles = np.arange(0.0, 190.0, 10.0)  # 19 angles: every third, 180 among them
    assert tk.stride_ticks(angles) == [0.0, 30.0, 60.0, 90.0, 120.0, 150.0, 180.0]
    # 8 values: every second, and the last one, which the stride would miss
    assert tk.stride_ticks([0, 15, 30, 45, 60, 75, 90, 105]) == [0, 30, 60, 90, 105]
    assert tk.stride_ticks([0.0, 5.0], n=6) == [0.0, 5.0]


def test_ticks_to_one_end_at_one_and_stride_ticks_keep_the_last_value() -> None:
    assert list(tk.ticks_to_one(0.93)) == pytest.approx([0.92, 0.94, 0.96, 0.98, 1.0])
    # a step of 2 does not divide 1: nice_ticks alone runs to 2, these stop at 0 and add 1
    assert list(tk.nice_ticks(-4.0, 1.0, 5)) == [-4, -2, 0, 2]
    assert list(tk.ticks_to_one(-4.0)) == [-4, -2, 0, 1]
    assert tk.stride_ticks([0, 30, 60, 90, 120, 150, 180, 210], 6) == [0, 60, 120, 180, 210]
    assert tk.stride_ticks([0, 45, 90, 135, 180], 6) == [0, 45, 90, 135, 180]
    assert tk.stride_ticks(range(0, 13), 6) == [0, 2, 4, 6, 8, 10, 12]
    assert tk.stride_ticks([7.5], 6) == [7.5]


def test_colormaps_hit_their_stops() -> None:
    assert tk.GRAY(0.0).tolist() == [0, 0, 0] and tk.GRAY(1.0).tolist() == [255, 255, 255]
    div = tk.SIGNED
    assert tk.rgb_to_hex(div(0.5)) == "#F4F4F4"
    assert tk.rgb_to_hex(div(0.0)) == tk.SIGNED_STOPS[0] and tk.rgb_to_hex(div(1.0)) == tk.SIGNED_STOPS[-1]
    # the colour code: signed values never in a model's colour
    assert not {tk.ORANGE, tk.SKY, tk.BLUE} & set(tk.SIGNED_STOPS)
    assert tk.contrast_text_color(tk.hex_to_rgb("#FFFFFF")) != tk.contrast_text_color([0, 0, 0])


def test_fit_within_and_wrap_text() -> None:
    box = VGroup(Text("x" * 80))
    tk.fit_within(box, 4.0, 1.0)
    assert box.width <= 4.0 + 1e-6 and box.height <= 1.0 + 1e-6
    lines = tk.wrap_text("one two three four five six seven eight nine ten " * 3, 6.0, size=30)
    assert len(lines) > 1 and lines.width <= 6.0 + 1e-6
    cjk = tk.wrap_text("证据深度学习让网络学会说我不知道" * 3, 5.0, font=tk.CJK_FONT, size=30)
    assert len(cjk) > 1 and cjk.width <= 5.0 + 1e-6


# -- pixels, kernels, multiply-add ----------------------------------------------------------------
def test_pixel_grid_geometry_and_zoom_values() -> None:
    values = RNG.random((28, 28))
    grid = tk.PixelGrid(values, cell=0.2)
    assert len(images_in(grid)) == 1
    assert grid.image.resampling_algorithm == RESAMPLING_ALGORITHMS["nearest"]
    assert np.allclose(grid.cell_center(0, 0), [-2.7, 2.7, 0])
    grid.scale(0.5).shift(3 * RIGHT + UP)
    assert math.isclose(grid.cell_size, 0.1)
    assert np.allclose(grid.cell_center(27, 27), [3 + 1.35, 1 - 1.35, 0])
    box = grid.window(10, 12, 5, 5)
    assert np.allclose(box.get_center(), grid.cell_center(12, 14))
    assert math.isclose(box.width, 0.5)
    assert grid.rgb[3, 4].tolist() == [round(values[3, 4] * 255)] * 3
    zoom = grid.zoom_numbers(10, 12, 5, 5, number_format=tk.FMT_BYTE)
    assert zoom.strings[2][3] == str(round(values[12, 15] * 255))
    assert zoom.label(2, 3).text == zoom.strings[2][3]
    with pytest.raises(IndexError):
        grid.zoom_numbers(25, 25, 5, 5)


def test_kernel_grid_diverging_colours() -> None:
    w = np.linspace(-0.5, 0.3, 25).reshape(5, 5)
    k = tk.KernelGrid(w)
    assert math.isclose(k.vmax, 0.5)
    assert tk.rgb_to_hex(k.rgb[0, 0]) == tk.SIGNED_STOPS[0]  # the most negative: full purple
    pos = k.rgb[4, 4].astype(int)
    assert pos[1] > pos[0] and pos[1] > pos[2]  # positive weights lean green
    assert k.strings[0][0] == "\u22120.50"


def test_multiply_add_panel_equals_real_value() -> None:
    patch, w, b = RNG.random((5, 5)), RNG.normal(0, 0.2, (5, 5)), -0.1234
    panel = tk.MultiplyAddPanel(patch, w, b)
    expected = float((patch * w).sum() + b)
    assert math.isclose(panel.result, expected)
    panel.check(expected)
    with pytest.raises(ValueError, match="feature map"):
        panel.check(expected + 0.5)
    assert panel.result_line[2].text == tk.format_number(expected, "{:.3f}")
    assert panel.bias_line[2].text == "\u22120.123"
    assert panel.product_cells.strings[1][2] == tk.format_cell(patch[1, 2] * w[1, 2])
    assert "×" in panel.term(0, 0).text


# -- feature maps, flows ------------------------------------------------------------------------
def test_feature_map_atlas_is_one_image_with_tile_positions() -> None:
    maps = RNG.normal(size=(20, 24, 24))
    atlas = tk.FeatureMapAtlas(maps, cols=5, width=6.0)
    assert len(images_in(atlas)) == 1 and atlas.rows == 4 and atlas.mode == "diverging"
    assert math.isclose(atlas.vmax, np.abs(maps).max()) and atlas.vmin == -atlas.vmax
    c0, c1, c5 = atlas.tile_center(0), atlas.tile_center(1), atlas.tile_center(5)
    assert c1[0] > c0[0] and math.isclose(c1[1], c0[1])
    assert c5[1] < c0[1] and math.isclose(c5[0], c0[0])
    assert atlas.tile_rect(7).get_center() == pytest.approx(atlas.tile_center(7))
    # the atlas pixel under pixel (r, c) of map i has map i's colour at (r, c)
    i, r, c = 7, 3, 11
    y0, x0 = atlas._tile_origin_px(i)
    u = atlas.upscale
    got = atlas.atlas_rgb[y0 + r * u + u // 2, x0 + c * u + u // 2]
    assert got.tolist() == tk.colorize(maps[i], atlas.cmap, atlas.vmin, atlas.vmax)[r, c].tolist()
    relu = tk.FeatureMapAtlas(np.maximum(maps, 0), cols=5, mode="sequential")
    assert relu.vmin == 0.0 and relu.cmap is tk.VIRIDIS


def test_layer_flow_points_from_source_to_target() -> None:
    a = tk.FeatureMapAtlas(RNG.random((4, 8, 8)), cols=2, width=2).shift(3 * LEFT)
    b = tk.FeatureMapAtlas(RNG.random((4, 4, 4)), cols=2, width=1).shift(3 * RIGHT)
    flow = tk.LayerFlow(a, b, shape=(20, 24, 24))
    assert flow.label.text == "20×24×24"
    assert flow.arrow.get_start()[0] >= a.get_right()[0] - 1e-6
    assert flow.arrow.get_end()[0] <= b.get_left()[0] + 1e-6


# -- charts -------------------------------------------------------------------------------------
def test_bar_chart_heights_follow_values_and_animate() -> None:
    p = np.array([0.05, 0.1, 0.0, 0.3, 0.02, 0.03, 0.2, 0.25, 0.03, 0.02])
    chart = tk.BarChart10(p, highlight=3, height=3.0)
    heights = np.array([b.height for b in chart.bars])
    assert np.allclose(heights[p > 0], 3.0 * p[p > 0], atol=1e-3)
    assert chart.bars[3].get_fill_color().to_hex().upper() == tk.ACCENT
    assert [t.text for t in chart.value_texts[:2]] == ["0.05", "0.10"]
    chart.scale(0.5).to_corner(UP + LEFT)
    assert math.isclose(chart.bar_height_of(0.3), 0.45, rel_tol=1e-6)
    q = p[::-1].copy()
    anim = chart.animate_to(q, highlight=0)
    assert math.isclose(anim.target_mobject.bars[0].height, 0.5 * 3.0 * q[0], rel_tol=1e-3)
    anim.begin()
    anim.finish()
    anim.clean_up_from_scene(Scene())
    assert np.allclose(chart.values, q) and chart.highlight == 0
    assert math.isclose(chart.bars[9].height, 0.5 * 3.0 * q[9], rel_tol=1e-3)
    assert chart.value_texts[0].text == "0.02" == chart.value_strings[0]


def test_bar_chart_negative_logits_hang_below_the_baseline() -> None:
    z = np.array([-4.0, 2.0, 8.0, -1.0, 0.5, -6.0, 1.0, 3.0, -2.0, 0.0])
    chart = tk.BarChart10(z, y_min=None, y_max=None, number_format="{:.1f}")
    base = chart.baseline.get_y()
    assert chart.y_min < 0 < chart.y_max
    assert chart.bars[0].get_top()[1] == pytest.approx(base, abs=1e-3)
    assert chart.bars[2].get_bottom()[1] == pytest.approx(base, abs=1e-3)
    assert chart.value_texts[5].get_top()[1] < chart.bars[5].get_bottom()[1]
    assert chart.class_texts[5].get_top()[1] < chart.value_texts[5].get_bottom()[1]


def test_live_formula_shows_the_given_numbers() -> None:
    f = tk.LiveFormula(r"\alpha_{7} = e_{7} + 1 = [[e]] + 1 = [[alpha]]",
                       {"e": 3.2134, "alpha": 4.2134})
    assert f.numbers == {"e": 3.2134, "alpha": 4.2134}
    assert f.strings == {"e": "3.21", "alpha": "4.21"}
    assert f.part("alpha").tex_string == "4.21" and len(f.part("alpha")) == 4
    g = tk.LiveFormula(r"u = \frac{10}{[[S]]} = [[u:.3f]]", {"S": 455.25, "u": 10 / 455.25})
    assert g.strings["u"] == "0.022" and g.part("S").tex_string == "455.25"
    with pytest.raises(KeyError):
        tk.LiveFormula("[[a]] + [[b]]", {"a": 1.0})


def test_line_chart_series_differ_in_colour_style_and_marker() -> None:
    x = np.arange(0, 181, 10.0)
    ys = {"softmax": np.cos(x / 60) ** 2, "EDL u": np.sin(x / 60) ** 2, "third": x / 180}
    chart = tk.LineChart(x, ys, x_label="angle", y_label="value", y_range=(0, 1))
    assert len(chart.series) == 3 and len(chart.legend) == 3
    styles = [(s["color"], s["style"], s["marker"]) for s in chart.styles.values()]
    assert len({s[1] for s in styles}) == 3 and len({s[2] for s in styles}) == 3
    assert len(chart.lines["softmax"].submobjects) == 0  # solid: one path
    assert len(chart.lines["EDL u"].submobjects) > 5  # dashed: many dashes
    assert len(chart.markers["softmax"]) == len(x)
    assert chart.point("EDL u", 3) == pytest.approx(chart.c2p(30, ys["EDL u"][3]))
    assert [m.text for m in chart.frame.y_numbers] == ["0.00", "0.25", "0.50", "0.75", "1.00"]
    chart.create_series("EDL u")  # builds without error


def test_stacked_bar_widths_sum_to_one() -> None:
    b = np.array([0.01, 0.5, 0.002, 0.1, 0.0, 0.05, 0.0, 0.2, 0.0, 0.008])
    u = 1 - b.sum()
    parts = [(f"b{k}", v, tk.SKY) for k, v in enumerate(b)] + [("u", u, tk.MUTED)]
    bar = tk.StackedBar(parts, width=10.0, always_label=[-1])
    widths = np.array([s.width for s in bar.segments])
    assert widths.sum() == pytest.approx(10.0, abs=1e-2)
    assert widths[1] == pytest.approx(5.0, abs=1e-3)
    assert len(bar.labels[2]) == 0 and len(bar.labels[-1]) > 0  # tiny part unlabeled; u labeled
    labelled = [lab[0] for lab in bar.labels if len(lab)]
    for i, a in enumerate(labelled):  # labels never overlap
        for c in labelled[i + 1:]:
            sep = (a.get_right()[0] <= c.get_left()[0] or c.get_right()[0] <= a.get_left()[0]
                   or a.get_top()[1] <= c.get_bottom()[1] or c.get_top()[1] <= a.get_bottom()[1])
            assert sep
    with pytest.raises(ValueError, match="sum"):
        tk.StackedBar([("a", 0.5, tk.SKY), ("b", 0.2, tk.ORANGE)])


def test_dirichlet_density_matches_scipy_and_integrates_to_one() -> None:
    from scipy.stats import dirichlet

    alpha = np.array([3.0, 4.5, 1.5])
    p = np.array([0.2, 0.5, 0.3])
    assert tk.dirichlet_log_pdf(p, alpha) == pytest.approx(dirichlet.logpdf(p, alpha))
    s = tk.SimplexDensity(alpha, resolution=200)
    inside = np.isfinite(s.density)
    # over the 2-simplex (area 1/2 in (p1, p2)) a density averages 2
    assert np.nanmean(s.density) == pytest.approx(2.0, rel=0.03)
    assert inside.mean() == pytest.approx(0.5, abs=0.02)


def test_simplex_flat_is_uniform_and_large_alpha_concentrates() -> None:
    flat = tk.SimplexDensity([1, 1, 1], resolution=120)
    inside = flat.rgba[..., 3] == 255
    assert flat.density_max == pytest.approx(2.0)
    assert flat.rgba[inside, :3].std(axis=0).max() < 1.0
    peaked = tk.SimplexDensity([40, 2, 2], resolution=120)
    corner = peaked.point_of([0.9, 0.05, 0.05])
    centre = peaked.point_of([1 / 3, 1 / 3, 1 / 3])
    density = lambda p: float(np.exp(tk.dirichlet_log_pdf(np.asarray(p), peaked.alpha)))  # noqa: E731
    assert density([0.9, 0.05, 0.05]) > 100 * density([1 / 3] * 3)
    assert corner[1] > centre[1]  # class 0's corner is at the top
    assert peaked.mean_dot.get_center() == pytest.approx(peaked.point_of(peaked.mean))
    assert peaked.scale_kind == "linear"
    logged = tk.SimplexDensity([40, 2, 2], resolution=120, log_range=20.0)
    assert logged.scale_kind == "log"
    lit = lambda s: (s.rgba[..., :3].astype(int).sum(-1) > 150).sum()  # noqa: E731
    assert lit(logged) > lit(peaked)  # the log scale widens the bright spot
    spiky = tk.SimplexDensity([0.5, 0.5, 0.5], resolution=80)  # infinite at the corners
    assert np.isfinite(spiky.density_max) and spiky.color_max < spiky.density_max


def test_reliability_diagram_bars_and_counts() -> None:
    conf = np.array([np.nan, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.97])
    acc = np.array([np.nan, 0.0, 0.5, 0.3, 0.4, 0.6, 0.5, 0.8, 0.9, 0.99])
    count = np.array([0, 1, 2, 4, 8, 16, 32, 64, 128, 4000])
    rd = tk.ReliabilityDiagram(conf, acc, count, ece=0.0421, height=4.0, width=4.0)
    assert len(rd.bars[0]) == 0 and len(rd.count_texts[0]) == 0  # empty bin draws nothing
    assert rd.bars[9].height == pytest.approx(0.99 * 4.0, abs=1e-3)
    assert rd.gaps[6].height == pytest.approx(0.15 * 4.0, abs=1e-3)
    assert rd.count_texts[9].text == "4000"
    assert rd.ece_text.text == "ECE=0.042"  # Text.text drops spaces


@pytest.mark.parametrize("seed", range(20))
def test_reliability_counts_never_touch_the_diagonal(seed: int) -> None:
    """Bins whose mean confidence sits low in the bin and whose accuracy is lower still put the
    label's right half over the rising diagonal; the placement rule must clear it for any data
    (one such '1' sat on the dashes in seq2)."""
    from tests.stage import Shot, check

    rng = np.random.default_rng(seed)
    edges = np.linspace(0, 1, 11)
    conf = edges[:-1] + rng.uniform(0.0, 0.1, 10)
    acc = np.clip(conf + rng.normal(0, 0.15, 10), 0, 1)
    count = rng.choice([1, 7, 42, 318, 4000], 10)
    rd = tk.ReliabilityDiagram(conf, acc, count, ece=0.05, width=5.0, height=4.2)
    shot = Shot.of([rd.diagonal, *[t for t in rd.count_texts if isinstance(t, Text)]], "s", 0, "end")
    assert not [f for f in check(shot) if "line" in f]


def test_image_tile_and_table() -> None:
    tile = tk.ImageTile(RNG.random((28, 28)), ["A", "softmax: 7 (0.93)"], size=1.5)
    assert len(images_in(tile)) == 1 and len(tile.captions) == 2
    assert tile.captions.get_top()[1] < tile.image.get_bottom()[1]
    table = tk.TextTable([["", "softmax", "EDL"], ["accuracy", "98.9%", "98.8%"],
                          ["ECE", "0.018", "0.040"]], col_align="lrr")
    assert table.cell(1, 0).text == "accuracy"
    assert table.cell(1, 2).get_right()[0] == pytest.approx(table.cell(2, 2).get_right()[0])
    assert tk.text_baseline(table.cell(1, 0)) == pytest.approx(tk.text_baseline(table.cell(1, 1)))
    assert table.cell(1, 0).get_y() > table.cell(2, 0).get_y()


def test_pieces_fit_the_frame() -> None:
    pieces = [
        tk.PixelGrid(RNG.random((28, 28)), cell=0.25),
        tk.MultiplyAddPanel(RNG.random((5, 5)), RNG.normal(size=(5, 5)), 0.1),
        tk.FeatureMapAtlas(RNG.random((50, 8, 8)), cols=10, width=8),
        tk.BarChart10(RNG.random(10), width=8),
        tk.LineChart(np.arange(10.0), {"a": RNG.random(10), "b": RNG.random(10)}, x_label="x"),
        tk.SimplexDensity([2, 3, 4], labels=("7", "1", "other")),
    ]
    for p in pieces:
        tk.fit_within(p, tk.FRAME_WIDTH - 0.5, tk.FRAME_HEIGHT - 0.5)
        p.move_to([0, 0, 0])
        assert_inside_frame(p)
    with pytest.raises(AssertionError, match="leave the frame"):
        assert_inside_frame(tk.BarChart10(RNG.random(10), width=20))


# -- rendered frames ----------------------------------------------------------------------------
DIGIT = np.round(RNG.random((6, 6)), 2)
MAPS = RNG.normal(size=(6, 5, 5))


class ToolkitScene(Scene):
    """A pixel grid, an atlas and a bar chart side by side."""

    def construct(self) -> None:
        self.camera.background_color = BG
        self.grid = tk.PixelGrid(DIGIT, cell=0.8).to_edge(LEFT, buff=0.5)
        self.atlas = tk.FeatureMapAtlas(MAPS, cols=3, width=4.0).to_edge(RIGHT, buff=0.5)
        self.atlas.shift(UP * 1.5)
        self.chart = tk.BarChart10(np.linspace(0.1, 1.0, 10), width=4.0, height=2.0,
                                   value_labels=False).to_corner(DOWN + RIGHT, buff=0.5)
        self.add(self.grid, self.atlas, self.chart)


@pytest.mark.render
def test_rendered_pixels_match_the_array(tmp_path) -> None:
    scenes: list[ToolkitScene] = []

    def make() -> ToolkitScene:
        scenes.append(ToolkitScene())
        return scenes[-1]

    frame = render_last_frame(make, tmp_path)
    assert frame.shape == (180, 320, 3)
    assert_not_blank(frame, BG, min_fraction=0.2)
    s = scenes[0]
    for r in range(6):
        for c in range(6):
            assert_colour_close(colour_at(frame, s.grid.cell_center(r, c)), s.grid.color_of(r, c),
                                tol=6, what=f"pixel ({r}, {c})")
    for i in range(6):
        want = tk.colorize(MAPS[i], s.atlas.cmap, s.atlas.vmin, s.atlas.vmax)[2, 2]
        assert_colour_close(colour_at(frame, s.atlas.pixel_center(i, 2, 2)), want, tol=8,
                            what=f"atlas tile {i}")
    tall = s.chart.bars[9]
    box = (tall.get_left()[0] + 0.02, tall.get_bottom()[1] + 0.1,
           tall.get_right()[0] - 0.02, tall.get_top()[1] - 0.1)
    assert_colour_close(mean_colour(frame, box), tk.SKY, tol=10, what="bar fill")


class BarsMove(Scene):
    def construct(self) -> None:
        self.camera.background_color = BG
        self.chart = tk.BarChart10(np.full(10, 0.1), width=8, height=5, value_labels=False)
        self.add(self.chart)
        self.wait(0.4)
        self.play(self.chart.animate_to(np.r_[np.full(9, 0.02), 0.82]), run_time=0.6)
        self.wait(0.4)


@pytest.mark.render
def test_bar_chart_animation_changes_the_frames(tmp_path) -> None:
    scene, movie = render_scene(BarsMove, tmp_path, fps=10)
    first, last = frames_of(movie, [0.0, 99.0])
    bars = scene.chart.bars
    top9 = bars[9].get_top()
    x0 = bars[0].get_x()
    y_mid = bars[0].get_bottom()[1] + 2.5 * 0.1 * 2  # half-way up bar 0's first height (0.1)
    # bar 9 grew: a point well above its old top is background at first, bar colour at the end
    probe = (top9[0], top9[1] - 0.3)
    assert_colour_close(colour_at(first, probe), BG, tol=30, what="before")
    assert_colour_close(colour_at(last, probe), tk.SKY, tol=30, what="after")
    # bar 0 shrank from 0.5 to 0.1 units tall
    assert colour_at(first, (x0, y_mid - 0.2)).max() > 150
    assert_colour_close(colour_at(last, (x0, y_mid - 0.2)), BG, tol=30, what="bar 0 after")


def fake_lecture(title: str = "Inside a CNN", font: str = "DejaVu Sans", logo=None,
                 pace: float = 0.5) -> SimpleNamespace:
    return SimpleNamespace(
        title_card=SimpleNamespace(course="Deep Learning", title=title, lecturer="A. Lecturer",
                                   institution="Some University", logo=logo),
        theme=SimpleNamespace(background=BG, text="#ECEFF4", muted="#9AA3B2", accent="#F0C04A",
                              font=font),
        pace=pace, sections={})


def test_title_card_layout_fits_long_titles_cjk_and_a_logo(tmp_path) -> None:
    from PIL import Image

    from scenes.title_card.script import TitleCard

    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 120), (200, 30, 30)).save(logo)
    long_title = "Inside a CNN, and teaching it to say \"I don't know\" " * 3
    with tiny_render(tmp_path):
        for lec in (fake_lecture(long_title, logo=logo),
                    fake_lecture("卷积神经网络内部，以及教它说“我不知道”" * 2, font=tk.CJK_FONT)):
            card = TitleCard(lec).build_card()
            assert_inside_frame(card, margin=0.3)
            texts = [m for m in card.get_family() if isinstance(m, Text)]
            assert any("Lecturer" in t.text for t in texts)
        assert len(images_in(TitleCard(fake_lecture(logo=logo)).build_card())) == 1
        assert len(images_in(TitleCard(fake_lecture()).build_card())) == 0


@pytest.mark.render
def test_title_card_renders_on_the_theme_background(tmp_path) -> None:
    from scenes.title_card.script import HOLD_SECONDS, TitleCard

    lec = fake_lecture(pace=0.5)
    scene, movie = render_scene(TitleCard, tmp_path, lec, None, fps=10)
    assert scene.renderer.time == pytest.approx((1.2 + HOLD_SECONDS + 0.8) * 0.5, abs=0.11)
    middle, end = frames_of(movie, [1.2, 99.0])
    assert_colour_close(middle[2, 2], BG, tol=6, what="background")
    assert_not_blank(middle, BG, min_fraction=0.02)
    bg = middle[2, 2]  # as encoded
    assert ink_amount(end, bg) < 0.3 * ink_amount(middle, bg)  # fading out
    assert "title" in [s.name for s in scene.renderer.file_writer.sections]


class Simplexes(Scene):
    def construct(self) -> None:
        self.camera.background_color = BG
        self.flat = tk.SimplexDensity([1, 1, 1], side=5, resolution=100).shift(3.4 * LEFT)
        self.peak = tk.SimplexDensity([30, 2, 2], side=5, resolution=100,
                                      show_mean=False).shift(3.4 * RIGHT)
        self.add(self.flat, self.peak)


@pytest.mark.render
def test_simplex_heat_maps_render_flat_and_concentrated(tmp_path) -> None:
    scenes: list[Simplexes] = []
    frame = render_last_frame(lambda: scenes.append(Simplexes()) or scenes[-1], tmp_path)
    s = scenes[0]
    flat = [colour_at(frame, s.flat.point_of(p)) for p in ([0.6, 0.2, 0.2], [0.2, 0.6, 0.2],
                                                           [1 / 3] * 3)]
    assert max(np.abs(a - flat[0]).max() for a in flat) < 8
    top = colour_at(frame, s.peak.point_of([0.9, 0.05, 0.05])).sum()
    centre = colour_at(frame, s.peak.point_of([1 / 3] * 3)).sum()
    assert top > centre + 150
    assert colour_at(frame, s.peak.point_of([0.1, 0.45, 0.45])).sum() < to_rgb("#303030").sum()


# -- wrapping mixed Chinese / English text ----------------------------------------------------------
def _old_wrap(text: str, max_width: float, font: str, size: float, max_lines: int) -> list[str]:
    """The word wrapper as it was before CJK support: English must wrap exactly like this."""
    text = text.strip()
    whole = tk.make_text(text, font, size)
    if whole.width <= max_width:
        return [text]
    n_lines = min(max_lines, math.ceil(whole.width / max_width))
    tokens = text.split(" ")
    for n in range(n_lines, max_lines + 1):
        target = len(text) / n
        lines, current = [], ""
        for tok in tokens:
            candidate = (current + " " + tok) if current else tok
            if current and len(candidate) > target * 1.08 and len(lines) < n - 1:
                lines.append(current)
                current = tok
            else:
                current = candidate
        lines.append(current)
        if all(tk.make_text(line, font, size).width <= max_width for line in lines):
            return lines
    return lines


def test_wrap_tokens_keep_latin_runs_whole_and_glue_cjk_punctuation() -> None:
    assert tk.wrap_tokens("平均概率仍有 70%。") == ["平", "均", "概", "率", "仍", "有", " ", "70%。"]
    assert tk.wrap_tokens("EDL模型（证据）给出 u = 0.93，") == [
        "EDL", "模", "型", "（证", "据）", "给", "出", " ", "u", " ", "=", " ", "0.93，"]
    assert tk.wrap_tokens("one  two") == ["one", " ", "two"]


@pytest.mark.parametrize("width", [2.5, 3.0, 4.0, 5.0, 6.5])
def test_wrap_mixed_chinese_breaks_between_characters_not_inside_terms(width: float) -> None:
    text = ("对于这些无关的输入，softmax 模型的平均概率仍有 70%。EDL 模型的不确定度 u 平均为 0.93，"
            "而留出数字只有 0.12。")
    lines = tk.wrap_paragraph(text, width, tk.CJK_FONT, 30, 10)
    assert len(lines) > 1
    # nothing lost but spaces, and every Latin term, number and percentage stays whole
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for term in ("softmax", "70%。", "EDL", "0.93，", "0.12。"):
        assert any(term in line for line in lines), (term, lines)
    for line in lines:
        assert line == line.strip()
        assert line[0] not in tk.CJK_CLOSING, lines
        assert tk.make_text(line, tk.CJK_FONT, 30).width <= width + 1e-6, lines


def test_wrap_mixed_chinese_does_not_strand_a_number() -> None:
    """The reviewer's case: broken only at the space it read "平均概率仍有 / 70%。"."""
    text = "在无关输入上，softmax 的平均概率仍有 70%。"
    lines = tk.wrap_paragraph(text, 5.0, tk.CJK_FONT, 30, 4)
    assert len(lines) == 2 and lines[-1] != "70%。", lines
    widths = [tk.make_text(line, tk.CJK_FONT, 30).width for line in lines]
    assert max(widths) <= 5.0 and min(widths) > 0.6 * max(widths), lines  # balanced
    group = tk.wrap_text(text, 5.0, font=tk.CJK_FONT, size=30)
    assert len(group) == 2 and group.width <= 5.0 + 1e-6


def test_wrap_closing_punctuation_never_starts_a_line() -> None:
    text = "证据，证据。证据！证据？证据；证据：证据、证据）" * 3
    for width in (1.5, 2.0, 2.7, 3.3):
        for line in tk.wrap_paragraph(text, width, tk.CJK_FONT, 30, 12):
            assert line[0] not in tk.CJK_CLOSING


@pytest.mark.parametrize("text,width", [
    ("one two three four five six seven eight nine ten " * 3, 6.0),
    ("The softmax model still gives 70% to a digit for inputs that are not digits.", 5.0),
    ("Evidential deep learning: a network that can say I don't know", 4.0),
    ("supercalifragilisticexpialidocious is long", 3.0),
])
def test_english_wrapping_is_unchanged(text: str, width: float) -> None:
    assert tk.wrap_paragraph(text, width, tk.DEFAULT_FONT, 30, 4) == \
        _old_wrap(text, width, tk.DEFAULT_FONT, 30, 4)


def test_join_sentences_spaces_only_latin_sentences() -> None:
    from scenes.base import join_sentences

    assert join_sentences(["EDL wins.", "Softmax loses."]) == "EDL wins. Softmax loses."
    assert join_sentences(["EDL 更好。", "softmax 更差。"]) == "EDL 更好。softmax 更差。"
    assert join_sentences(["真的吗？", "是的！", "好"]) == "真的吗？是的！好"
    assert join_sentences(["EDL 更好。", "", "  note.  "]) == "EDL 更好。note."
    assert join_sentences([]) == ""


# -- names from the lecture YAML ------------------------------------------------------------------
def _scene(sequence: str, path: str):
    from scenes.base import LectureScene
    from contract.lecture import load_lecture

    cls = type("Probe", (LectureScene,), {"sequence": sequence})
    return cls(lecture=load_lecture(path), data=None)


@pytest.mark.parametrize("sequence", ["overconfidence", "edl_pass"])
def test_example_names_come_from_the_lecture(sequence: str) -> None:
    ex = lambda name, label: SimpleNamespace(name=name, label=label)  # noqa: E731
    en = _scene(sequence, "lectures/default.yaml")
    zh = _scene(sequence, "lectures/zh.yaml")
    assert en.example_name("fashion", ex("Ankle boot", 9)) == "Ankle boot"
    assert en.example_name("fashion", ex("T-shirt/top", 0)) == "T-shirt/top"
    assert zh.example_name("fashion", ex("Ankle boot", 9)) == "短靴"
    assert zh.example_name("fashion", ex("Sandal", 5)) == "凉鞋"
    assert en.example_name("noise", ex("noise", None)) == "noise"
    assert zh.example_name("noise", ex("noise", None)) == "噪声"
    # letters and user files stay as stored; so does a fashion example without a label
    assert zh.example_name("letters", ex("C", 2)) == "C"
    assert zh.example_name("user", ex("my cat.png", None)) == "my cat.png"
    assert zh.example_name("fashion", ex("Bag", None)) == "Bag"
    names = zh.words.text["fashion_names"].split("|")
    assert len(names) == 10 == len(en.words.text["fashion_names"].split("|"))


@pytest.mark.parametrize("sequence", ["cnn_forward_pass", "edl_pass"])
def test_layer_names_come_from_the_lecture(sequence: str) -> None:
    # the English lecture's names (the pipeline stores ASCII "5x5"; the lecture prints "5×5")
    english = {"input": "input", "conv1": "conv1 5×5", "pool1": "ReLU + max-pool 2",
               "conv2": "conv2 5×5", "pool2": "ReLU + max-pool 2", "flatten": "flatten",
               "fc1": "FC + ReLU", "fc2": "FC (logits)"}
    en = _scene(sequence, "lectures/default.yaml")
    zh = _scene(sequence, "lectures/zh.yaml")
    for key, name in english.items():
        row = SimpleNamespace(key=key, name=name.replace("×", "x"))
        assert en.layer_name(row) == name
        assert zh.layer_name(row) != name and zh.layer_name(row)
    assert zh.layer_name(SimpleNamespace(key="fc1", name="FC + ReLU")) == "全连接 + ReLU"


def test_the_package_exports_every_module_name() -> None:
    """``scenes.visuals`` lists its modules' names explicitly (no star import): none forgotten."""
    import importlib

    for name in ("theme", "text", "colours", "ticks", "grids", "maps", "bars", "formulas",
                 "lines", "edl", "tables", "heat", "layout"):
        module = importlib.import_module(f"scenes.visuals.{name}")
        missing = [n for n in module.__all__ if getattr(tk, n, None) is not getattr(module, n)]
        assert not missing, (name, missing)
