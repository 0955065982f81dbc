"""Render scenes small and fast, and check their frames: helpers for the scene tests.

In the spirit of ``manim/utils/testing/frames_comparison.py`` (render at a tiny size, compare
pixels within a tolerance), but with targeted checks instead of stored control frames:

    from tests.framecheck import render_last_frame, assert_not_blank, mean_colour

    frame = render_last_frame(MyScene, tmp_path)                 # (108, 192, 3) uint8
    assert_not_blank(frame, "#111318")
    assert_colour_close(mean_colour(frame, (-1, -1, 1, 1)), "#FFFFFF", tol=10)

    movie = render_movie(MyScene, tmp_path)                       # a small mp4
    first, last = frames_of(movie, [0.0, 10.0])                   # times past the end -> last

Boxes are ``(x0, y0, x1, y1)`` in scene units (the frame is 14.22 x 8, origin at the centre).
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
from manim import Mobject, Scene, tempconfig

FRAME_WIDTH = 14.222222222222221
FRAME_HEIGHT = 8.0
TINY = (192, 108)
SMALL = (320, 180)

SceneFactory = Callable[[], Scene]


#: this process's cache of typeset glyphs (see tiny_config)
_GLYPHS = Path(tempfile.gettempdir()) / f"edl-glyphs-{os.getpid()}"
atexit.register(shutil.rmtree, _GLYPHS, ignore_errors=True)


def tiny_config(tmp_dir: str | os.PathLike[str], size: tuple[int, int] = SMALL, fps: int = 5,
                **overrides: Any) -> dict[str, Any]:
    """A manim config for a quick, quiet render into ``tmp_dir``."""
    w, h = size
    cfg: dict[str, Any] = {
        "media_dir": str(tmp_dir),
        # LaTeX output depends only on the source: one cache per test process instead of one per
        # test (each MathTex otherwise runs latex and dvisvgm again). Pango's does not: Manim lays
        # a Text out on a canvas pixel_width wide (a long line wraps on a small one) but leaves the
        # size out of the file's hash, so each frame size keeps its own texts.
        "tex_dir": str(_GLYPHS / "Tex"),
        "text_dir": str(_GLYPHS / f"texts-{w}x{h}"),
        "pixel_width": w,
        "pixel_height": h,
        "frame_rate": fps,
        "frame_width": FRAME_WIDTH,
        "frame_height": FRAME_HEIGHT,
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "preview": False,
        "write_to_movie": False,
        "save_last_frame": False,
        "format": None,
        "output_file": None,
    }
    cfg.update(overrides)
    return cfg


@contextmanager
def tiny_render(tmp_dir: str | os.PathLike[str], size: tuple[int, int] = SMALL, fps: int = 5,
                **overrides: Any) -> Iterator[None]:
    """``with tiny_render(tmp_path): scene = MyScene(); scene.render()``."""
    with tempconfig(tiny_config(tmp_dir, size, fps, **overrides)):
        yield


def _build(scene: type[Scene] | SceneFactory, args: Sequence[Any], kwargs: dict[str, Any]) -> Scene:
    return scene(*args, **kwargs)


def render_last_frame(scene: type[Scene] | SceneFactory, tmp_dir: str | os.PathLike[str],
                      *args: Any, size: tuple[int, int] = SMALL, **kwargs: Any) -> np.ndarray:
    """Render ``scene`` (a Scene class or a factory; built inside the tiny config, with ``args``)
    skipping animations, and return its last frame as an (H, W, 3) uint8 array."""
    with tiny_render(tmp_dir, size, save_last_frame=True, write_to_movie=False):
        s = _build(scene, args, kwargs)
        s.render()
        frame = np.array(s.renderer.get_frame())
    return frame[..., :3].copy()


def render_movie(scene: type[Scene] | SceneFactory, tmp_dir: str | os.PathLike[str], *args: Any,
                 size: tuple[int, int] = TINY, fps: int = 5, **kwargs: Any) -> Path:
    """Render ``scene`` to a small mp4 and return its path (see :func:`render_scene` to also
    get the scene object)."""
    return render_scene(scene, tmp_dir, *args, size=size, fps=fps, **kwargs)[1]


def render_scene(scene: type[Scene] | SceneFactory, tmp_dir: str | os.PathLike[str], *args: Any,
                 size: tuple[int, int] = TINY, fps: int = 5, **kwargs: Any) -> tuple[Scene, Path]:
    """Render ``scene`` to a small mp4; return the scene (for ``renderer.time``, sections) and
    the movie path."""
    with tiny_render(tmp_dir, size, fps, write_to_movie=True, format="mp4"):
        s = _build(scene, args, kwargs)
        s.render()
        path = Path(s.renderer.file_writer.movie_file_path)
    return s, path


def frames_of(mp4_path: str | os.PathLike[str], times: Sequence[float]) -> list[np.ndarray]:
    """The decoded frames (H, W, 3 uint8) shown at each of ``times`` (seconds).

    A time past the end gives the last frame."""
    import av

    with av.open(str(mp4_path)) as container:
        stream = container.streams.video[0]
        decoded = [(float(f.pts * f.time_base), f.to_ndarray(format="rgb24"))
                   for f in container.decode(stream)]
    if not decoded:
        raise AssertionError(f"{mp4_path} has no video frames")
    starts = np.array([t for t, _ in decoded])
    out = []
    for t in times:
        i = int(np.searchsorted(starts, t + 1e-6, side="right")) - 1
        out.append(decoded[max(0, i)][1])
    return out


def video_duration(mp4_path: str | os.PathLike[str]) -> float:
    """Duration of the video stream in seconds."""
    import av

    with av.open(str(mp4_path)) as container:
        stream = container.streams.video[0]
        if stream.duration is not None:
            return float(stream.duration * stream.time_base)
        return float(container.duration) / 1e6


# -- colours and geometry ------------------------------------------------------------------------
def to_rgb(colour: str | Sequence[int] | np.ndarray) -> np.ndarray:
    """``'#E69F00'`` or an RGB triple -> float array of 0-255 values."""
    if isinstance(colour, str):
        c = colour.lstrip("#")
        return np.array([int(c[i:i + 2], 16) for i in (0, 2, 4)], dtype=float)
    return np.asarray(colour, dtype=float)[:3]


def pixel_of(frame: np.ndarray, point: Sequence[float]) -> tuple[int, int]:
    """(row, column) of the frame pixel that shows scene ``point`` (x, y[, z])."""
    h, w = frame.shape[:2]
    col = (float(point[0]) / FRAME_WIDTH + 0.5) * w
    row = (0.5 - float(point[1]) / FRAME_HEIGHT) * h
    return int(np.clip(np.floor(row), 0, h - 1)), int(np.clip(np.floor(col), 0, w - 1))


def colour_at(frame: np.ndarray, point: Sequence[float]) -> np.ndarray:
    """The RGB (float) of the pixel showing scene ``point``."""
    r, c = pixel_of(frame, point)
    return frame[r, c, :3].astype(float)


def mean_colour(frame: np.ndarray, box: Sequence[float]) -> np.ndarray:
    """Mean RGB (float) over the scene box ``(x0, y0, x1, y1)``."""
    x0, y0, x1, y1 = box
    r0, c0 = pixel_of(frame, (min(x0, x1), max(y0, y1)))
    r1, c1 = pixel_of(frame, (max(x0, x1), min(y0, y1)))
    region = frame[r0:r1 + 1, c0:c1 + 1, :3].astype(float)
    return region.reshape(-1, 3).mean(axis=0)


def colour_distance(a: str | Sequence[int] | np.ndarray, b: str | Sequence[int] | np.ndarray) -> float:
    """Largest per-channel difference (0-255)."""
    return float(np.max(np.abs(to_rgb(a) - to_rgb(b))))


def assert_colour_close(actual: str | Sequence[int] | np.ndarray,
                        expected: str | Sequence[int] | np.ndarray, tol: float = 12.0,
                        what: str = "colour") -> None:
    d = colour_distance(actual, expected)
    assert d <= tol, (f"{what}: got {to_rgb(actual).round(1).tolist()}, expected "
                      f"{to_rgb(expected).round(1).tolist()} (difference {d:.1f} > {tol})")


def ink_fraction(frame: np.ndarray, bg: str | Sequence[int] | np.ndarray, tol: float = 16.0,
                 box: Sequence[float] | None = None) -> float:
    """Fraction of pixels (in ``box`` if given) that differ from the background by > ``tol``."""
    region = frame[..., :3].astype(float)
    if box is not None:
        x0, y0, x1, y1 = box
        r0, c0 = pixel_of(frame, (min(x0, x1), max(y0, y1)))
        r1, c1 = pixel_of(frame, (max(x0, x1), min(y0, y1)))
        region = region[r0:r1 + 1, c0:c1 + 1]
    diff = np.max(np.abs(region - to_rgb(bg)), axis=-1)
    return float(np.mean(diff > tol))


def ink_amount(frame: np.ndarray, bg: str | Sequence[int] | np.ndarray) -> float:
    """Mean absolute difference from the background (0-255): falls as things fade out."""
    return float(np.mean(np.abs(frame[..., :3].astype(float) - to_rgb(bg))))


def assert_not_blank(frame: np.ndarray, bg: str | Sequence[int] | np.ndarray,
                     min_fraction: float = 0.01, tol: float = 16.0,
                     box: Sequence[float] | None = None) -> None:
    """At least ``min_fraction`` of the pixels differ from the background colour."""
    f = ink_fraction(frame, bg, tol, box)
    assert f >= min_fraction, (f"frame looks blank: only {f:.2%} of pixels differ from the "
                               f"background {to_rgb(bg).tolist()} (need {min_fraction:.2%})")


def assert_inside_frame(mobject: Mobject, margin: float = 0.0,
                        frame_width: float = FRAME_WIDTH, frame_height: float = FRAME_HEIGHT) -> None:
    """Every drawn part of ``mobject`` lies within the frame (shrunk by ``margin``)."""
    from scenes.section_log import outside_frame

    half_w, half_h = frame_width / 2 - margin, frame_height / 2 - margin
    bad = outside_frame([mobject], margin, slack=1e-6, frame=(frame_width, frame_height))
    assert not bad, (f"{len(bad)} part(s) of {type(mobject).__name__} leave the frame "
                     f"(±{half_w:.2f}, ±{half_h:.2f}): " + "; ".join(bad[:5]))


def assert_no_overlap(a: Mobject, b: Mobject, buff: float = 0.0) -> None:
    """The bounding boxes of ``a`` and ``b`` do not intersect."""
    ax0, ay0 = a.get_corner([-1, -1, 0])[:2]
    ax1, ay1 = a.get_corner([1, 1, 0])[:2]
    bx0, by0 = b.get_corner([-1, -1, 0])[:2]
    bx1, by1 = b.get_corner([1, 1, 0])[:2]
    overlap = not (ax1 + buff <= bx0 or bx1 + buff <= ax0 or ay1 + buff <= by0 or by1 + buff <= ay0)
    assert not overlap, f"{type(a).__name__} and {type(b).__name__} overlap"


def assert_matches_control(frame: np.ndarray, control: str | os.PathLike[str],
                           tol: float = 8.0, max_bad_fraction: float = 0.002) -> None:
    """Compare with a stored control frame (``.npz``), as Manim's frames_comparison does.

    With ``FRAMECHECK_UPDATE=1`` in the environment the control file is (re)written instead.
    """
    path = Path(control)
    if os.environ.get("FRAMECHECK_UPDATE") == "1" or not path.exists():
        if os.environ.get("FRAMECHECK_UPDATE") != "1":
            raise AssertionError(f"no control data at {path}; run with FRAMECHECK_UPDATE=1")
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, frame=frame)
        return
    ref = np.load(path)["frame"]
    assert ref.shape == frame.shape, f"frame {frame.shape} vs control {ref.shape}"
    diff = np.max(np.abs(ref.astype(int) - frame.astype(int)), axis=-1)
    bad = float(np.mean(diff > tol))
    assert bad <= max_bad_fraction, f"{bad:.3%} of pixels differ from {path} by more than {tol}"


__all__ = [
    "TINY", "SMALL", "tiny_config", "tiny_render", "render_last_frame", "render_movie",
    "render_scene", "frames_of", "video_duration", "to_rgb", "pixel_of", "colour_at",
    "mean_colour", "colour_distance", "assert_colour_close", "ink_fraction", "ink_amount",
    "assert_not_blank",
    "assert_inside_frame", "assert_no_overlap", "assert_matches_control",
]
