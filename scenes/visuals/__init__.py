"""Shared visual pieces for the lecture scenes, one concern per module, each drawn from real
arrays passed in.

Every piece takes the numbers it shows as arguments (arrays read from ``scene_data/``) and never
invents one; colours and font come from the lecture's theme (defaults match the default theme);
words drawn on screen are arguments too, so a lecture in another language only changes the YAML.
Nothing here imports torch, and nothing does work at import time.

    from scenes import visuals as tk

    grid = tk.PixelGrid(digit, cell=0.22, font=theme.font)        # digit: (28, 28) in [0, 1]
    kernel = tk.KernelGrid(w[0, 0], cell=0.55, font=theme.font)   # w: conv1 weights (20,1,5,5)
    atlas = tk.FeatureMapAtlas(conv1_pre, cols=5, width=6.0)      # one image, shared scale
    probs = tk.BarChart10(softmax, highlight=int(softmax.argmax()), font=theme.font)
    self.play(probs.animate_to(other_softmax))

Modules: ``theme`` (default colours, frame size), ``numbers`` (every number as written, the
rounding rule of contract.numbers), ``text`` (Text, fitting, CJK wrapping),
``colours`` (colour maps, images), ``ticks``, ``grids`` (pixels, kernels, multiply-add),
``maps`` (feature maps, colour bar), ``bars`` (ten-class bar chart), ``formulas``
(LiveFormula), ``lines`` (line charts), ``edl`` (stacked belief bar, simplex, reliability),
``tables``, ``heat`` (heat map over an image, scatter as one image, matrix of counts),
``layout`` (the stage the design rules leave free).
"""
# the package's names, module by module (each module's __all__)
from scenes.visuals.theme import (
    Theme, ThemeLike, DEFAULT_THEME, FRAME_WIDTH, FRAME_HEIGHT, DEFAULT_FONT, CJK_FONT,
    BACKGROUND, TEXT, MUTED, ACCENT, SEPARATOR, ORANGE, SKY, GREEN, YELLOW, BLUE, VERMILION,
    PURPLE, OKABE_ITO, NumberFormat, MINUS, POSITIVE, NEGATIVE, SIGNED_STOPS, TRAIN, HELDOUT,
    GAP, CLASS_PALETTE)
from scenes.visuals.numbers import (
    format_number, format_cell, fixed_decimals, FMT_BYTE, FMT_UNIT, prob_str, prob_parts, prob_tex,
    compact, sci_tex)
from scenes.visuals.text import (
    make_text, fit_within, wrap_text, CJK_CLOSING, CJK_OPENING, is_cjk, wrap_tokens, clause_tokens,
    text_baseline, shape_text, wrap_paragraph)
from scenes.visuals.colours import (
    hex_to_rgb, rgb_to_hex, contrast_text_color, Colormap, GRAY, VIRIDIS, MAGMA,
    diverging_colormap, SIGNED, normalize, symmetric_limit, colorize, image_mobject,
    image_cell_center)
from scenes.visuals.ticks import (
    nice_step, tick_format, nice_ticks, whole_ticks, percent_format, stride_ticks, ticks_to_one)
from scenes.visuals.grids import (
    ValueCells, PixelGrid, KernelGrid, MultiplyAddPanel)
from scenes.visuals.maps import (
    FeatureMapAtlas, ColorBar, LayerFlow)
from scenes.visuals.bars import (
    BarChart10)
from scenes.visuals.formulas import (
    TEX_TEMPLATE, LiveFormula)
from scenes.visuals.lines import (
    LINE_STYLES, MARKERS, styled_path, make_marker, LineChart)
from scenes.visuals.edl import (
    StackedBar, label_slot, dirichlet_log_pdf, SimplexDensity, ReliabilityDiagram)
from scenes.visuals.tables import (
    ImageTile, TextTable)
from scenes.visuals.heat import (
    upscale, heat_overlay, scatter_image, CountMatrix)
from scenes.visuals.layout import (
    MARGIN, MIN_TEXT_SIZE, MIN_TEX_SIZE, SAFE_BOTTOM, STAGE, allow_overlap, keep_on_stage)

from scenes.visuals import (theme, numbers, text, colours, ticks, grids, maps, bars,  # noqa: E402
                            formulas, lines, edl, tables, heat, layout)

__all__ = [n for m in (theme, numbers, text, colours, ticks, grids, maps, bars, formulas, lines, edl,
                       tables, heat, layout) for n in m.__all__]
