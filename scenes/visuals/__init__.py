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

Modules: ``theme`` (default colours, frame size), ``text`` (numbers, Text, CJK wrapping),
``colours`` (colour maps, images), ``ticks``, ``grids`` (pixels, kernels, multiply-add),
``maps`` (feature maps, colour bar), ``bars`` (ten-class bar chart), ``formulas``
(LiveFormula), ``lines`` (line charts), ``edl`` (stacked belief bar, simplex, reliability),
``tables``, ``heat`` (heat map over an image, scatter as one image, matrix of counts),
``layout`` (the stage the design rules leave free).
"""
from scenes.visuals.theme import *  # noqa: F401,F403
from scenes.visuals.text import *  # noqa: F401,F403
from scenes.visuals.colours import *  # noqa: F401,F403
from scenes.visuals.ticks import *  # noqa: F401,F403
from scenes.visuals.grids import *  # noqa: F401,F403
from scenes.visuals.maps import *  # noqa: F401,F403
from scenes.visuals.bars import *  # noqa: F401,F403
from scenes.visuals.formulas import *  # noqa: F401,F403
from scenes.visuals.lines import *  # noqa: F401,F403
from scenes.visuals.edl import *  # noqa: F401,F403
from scenes.visuals.tables import *  # noqa: F401,F403
from scenes.visuals.heat import *  # noqa: F401,F403
from scenes.visuals.layout import *  # noqa: F401,F403

from scenes.visuals import theme, text, colours, ticks, grids, maps, bars, formulas, lines, edl, tables, heat, layout  # noqa: E402

__all__ = [n for m in (theme, text, colours, ticks, grids, maps, bars, formulas, lines, edl, tables, heat, layout) for n in m.__all__]
