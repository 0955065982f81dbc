"""Datasets: MNIST digits, the split, letters, Fashion-MNIST, noise, user images."""
from __future__ import annotations

import urllib.error
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline import datasets
from pipeline.datasets import DatasetError


@pytest.fixture(scope="module")
def mnist5k() -> tuple[np.ndarray, np.ndarray]:
    return datasets.load_mnist5k()


def test_mnist5k_shape_range_balance(mnist5k) -> None:
    x, y = mnist5k
    assert x.shape == (5000, 1, 28, 28) and x.dtype == np.float32
    assert 0.0 == x.min() and x.max() == 1.0
    assert np.bincount(y).tolist() == [500] * 10


def test_split_is_stratified_disjoint_and_deterministic() -> None:
    a = datasets.load_split("mnist5k", 4000, 1000, seed=0)
    b = datasets.load_split("mnist5k", 4000, 1000, seed=0)
    c = datasets.load_split("mnist5k", 4000, 1000, seed=1)
    assert np.bincount(a.y_train).tolist() == [400] * 10
    assert np.bincount(a.y_heldout).tolist() == [100] * 10
    assert np.array_equal(a.x_heldout, b.x_heldout) and np.array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_heldout, c.x_heldout)
    train = {x.tobytes() for x in a.x_train}
    assert not any(x.tobytes() in train for x in a.x_heldout)


def test_small_split_keeps_balance() -> None:
    s = datasets.load_split("mnist5k", 400, 200, seed=3)
    assert np.bincount(s.y_train).tolist() == [40] * 10
    assert np.bincount(s.y_heldout).tolist() == [20] * 10


def test_unknown_dataset_and_too_many() -> None:
    with pytest.raises(DatasetError, match="unknown dataset 'cifar'.*mnist5k"):
        datasets.load_split("cifar", 10, 10, 0)
    with pytest.raises(DatasetError, match="has 5000"):
        datasets.load_split("mnist5k", 4900, 1000, 0)


def test_full_mnist_offline_names_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    import torchvision.datasets

    def offline(*a, **k):
        raise urllib.error.URLError("Temporary failure in name resolution")

    monkeypatch.setattr(torchvision.datasets, "MNIST", offline)
    with pytest.raises(DatasetError, match="could not download full MNIST.*mnist5k"):
        datasets.load_split("mnist", 60000, 10000, 0)


def test_letters_are_mnist_like_and_deterministic() -> None:
    x, y = datasets.make_letters(20, seed=0)
    x2, y2 = datasets.make_letters(20, seed=0)
    assert x.shape == (20, 1, 28, 28) and np.array_equal(x, x2) and np.array_equal(y, y2)
    assert set(y.tolist()) <= set(range(10))
    for img in x[:, 0]:
        assert img.max() == pytest.approx(1.0) and img[0].max() == 0 and img[:, 0].max() == 0
        ys, xs = np.nonzero(img)
        assert 8 < np.average(ys, weights=img[ys, xs]) < 20
        assert 8 < np.average(xs, weights=img[ys, xs]) < 20


def test_fashion_and_noise() -> None:
    x, y, src = datasets.load_fashion(30, seed=0)
    assert x.shape == (30, 1, 28, 28) and 0 <= x.min() and x.max() <= 1 and src
    n = datasets.make_noise(5, 0)
    assert n.shape == (5, 1, 28, 28) and np.array_equal(n, datasets.make_noise(5, 0))


def _save(tmp: Path, name: str, img: Image.Image) -> Path:
    p = tmp / name
    img.save(p)
    return p


def _digit_like(size: int, ink: int, bg: int, mode: str = "L") -> Image.Image:
    img = Image.new("L", (size, size), bg)
    arr = np.asarray(img).copy()
    arr[size // 4: 3 * size // 4, size // 2 - size // 16: size // 2 + size // 16] = ink
    return Image.fromarray(arr).convert(mode)


def _check_mnist_style(a: np.ndarray) -> None:
    assert a.shape == (28, 28) and a.dtype == np.float32
    assert a.min() >= 0 and a.max() == pytest.approx(1.0, abs=1e-3)
    assert a[0].max() < 0.05 and a[-1].max() < 0.05  # dark background
    ys, xs = np.nonzero(a > 0.1)
    assert ys.max() - ys.min() <= 20 and xs.max() - xs.min() <= 20  # fits the 20x20 box
    cy = (a.sum(1) * np.arange(28)).sum() / a.sum()
    cx = (a.sum(0) * np.arange(28)).sum() / a.sum()
    assert abs(cy - 13.5) < 1.5 and abs(cx - 13.5) < 1.5  # centred by mass


def test_user_image_white_background_is_inverted(tmp_path: Path) -> None:
    p = _save(tmp_path, "white.png", _digit_like(200, ink=0, bg=255))
    _check_mnist_style(datasets.load_user_image(p))


def test_user_image_rgba_transparent_background(tmp_path: Path) -> None:
    rgba = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    arr = np.asarray(rgba).copy()
    arr[10:54, 28:36] = (20, 20, 20, 255)  # dark opaque stroke on transparency
    p = _save(tmp_path, "stroke.png", Image.fromarray(arr, "RGBA"))
    _check_mnist_style(datasets.load_user_image(p))


def test_user_image_huge_and_jpeg(tmp_path: Path) -> None:
    p = _save(tmp_path, "huge.jpg", _digit_like(5000, ink=255, bg=0, mode="RGB"))
    _check_mnist_style(datasets.load_user_image(p))


def test_user_image_one_pixel_and_palette(tmp_path: Path) -> None:
    one = datasets.load_user_image(_save(tmp_path, "one.png", Image.new("L", (1, 1), 200)))
    assert one.shape == (28, 28) and np.isfinite(one).all()
    pal = _digit_like(50, ink=255, bg=0).convert("P")
    _check_mnist_style(datasets.load_user_image(_save(tmp_path, "pal.gif", pal)))


def test_user_image_errors(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="not found"):
        datasets.load_user_image(tmp_path / "nope.png")
    bad = tmp_path / "corrupt.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\nthis is not a png")
    with pytest.raises(DatasetError, match="cannot read image"):
        datasets.load_user_image(bad)


def test_rotate_keeps_size_and_mass() -> None:
    x, _ = datasets.load_mnist5k()
    img = x[500, 0]
    r = datasets.rotate(img, 90)
    assert r.shape == (28, 28)
    assert r.sum() == pytest.approx(img.sum(), rel=0.15)
    assert np.allclose(datasets.rotate(img, 0), np.round(img * 255) / 255, atol=1 / 255)


# -- a digit drawn at the pad's edge keeps all its ink in the 28 x 28 frame --------------------
Strokes = list[tuple[list[tuple[int, int]], int]]  # (points, pen width)


def _pad_drawing(strokes: Strokes, dx: int, dy: int) -> Image.Image:
    """White strokes on a black 280 x 280 pad, as the platform's drawing pad sends them,
    moved by (dx, dy)."""
    from PIL import ImageDraw

    img = Image.new("L", (280, 280), 0)
    for points, width in strokes:
        ImageDraw.Draw(img).line([(x + dx, y + dy) for x, y in points], fill=255, width=width,
                                 joint="curve")
    return img


SEVEN: Strokes = [([(0, 0), (100, 0), (45, 125)], 18)]  # the bar, then the long foot
#: a 7 with a heavy bar and a thin foot: its mass sits so high that centring it would push the
#: foot 1 px past the frame's bottom edge; the clamp is what keeps the foot
HEAVY_SEVEN: Strokes = [([(0, 0), (112, 0)], 44), ([(105, 0), (55, 97)], 10)]
ONE: Strokes = [([(0, 0), (0, 150)], 18)]
FLAGGED_ONE: Strokes = [([(38, 0), (38, 122)], 10), ([(0, 0), (38, 0)], 40)]


def _ink_box(a: np.ndarray, level: float = 0.05) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(a > level)
    return int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())


@pytest.mark.parametrize("digit, strokes, corner", [
    ("7", SEVEN, (165, 146)),  # bottom-right of the pad: the foot's end 9 px from the edge
    ("7", SEVEN, (11, 146)),  # bottom-left
    ("heavy 7", HEAVY_SEVEN, (150, 175)),  # bottom-right, its foot at the pad's bottom edge
    ("1", ONE, (268, 120)),  # against the right edge
    ("1", ONE, (11, 120)),  # against the left edge
    ("1", ONE, (140, 121)),  # the bottom of the pad
    ("flagged 1", FLAGGED_ONE, (230, 150)),  # bottom-right
])
def test_a_digit_at_the_pads_edge_keeps_its_whole_box(digit: str, strokes: Strokes,
                                                      corner: tuple[int, int]) -> None:
    """The same strokes drawn in the middle of the pad and at its edge give the same 28 x 28
    input, up to the centring: the ink's bounding box is inside the frame with the same size
    (the 7's foot is all there), and the ink mass is the same within 1%."""
    xs = [x for pts, _ in strokes for x, _ in pts]
    ys = [y for pts, _ in strokes for _, y in pts]
    centred = datasets.mnist_style(_pad_drawing(strokes, 140 - (min(xs) + max(xs)) // 2,
                                                140 - (min(ys) + max(ys)) // 2))
    edge = datasets.mnist_style(_pad_drawing(strokes, *corner))
    for a in (centred, edge):
        top, bottom, left, right = _ink_box(a)
        assert 0 <= top and bottom <= 27 and 0 <= left and right <= 27
        # the digit's tall side is scaled to 20 pixels: all 20 rows of it are in the frame
        top, bottom, left, right = _ink_box(a, 0.0)
        assert max(bottom - top, right - left) + 1 == datasets.INK_BOX
    c, e = _ink_box(centred), _ink_box(edge)
    assert (e[1] - e[0], e[3] - e[2]) == (c[1] - c[0], c[3] - c[2]), (c, e)  # nothing cut
    assert abs(edge.sum() - centred.sum()) <= 0.01 * centred.sum()


def test_a_heavy_sevens_foot_is_kept_by_the_clamp() -> None:
    """Unclamped, centring the heavy 7's mass would start its 20-row box at row 9: rows 9..28,
    one past the frame. Clamped, the box ends on the last row and the foot is there."""
    seven = datasets.mnist_style(_pad_drawing(HEAVY_SEVEN, 150, 175))
    top, bottom, _, _ = _ink_box(seven)
    assert (top, bottom) == (8, 27)
    rows = seven.sum(1)
    assert rows[top:top + 4].sum() > 3 * rows[bottom - 3:bottom + 1].sum() > 0  # bar, then foot


@pytest.mark.parametrize("com, size, want", [(10.0, 20, 4), (2.0, 20, 8), (18.0, 20, 0),
                                             (0.0, 1, 14), (13.5, 28, 0), (-20.0, 3, 25)])
def test_centring_offset_is_clamped_to_the_frame(com: float, size: int, want: int) -> None:
    off = datasets.centring_offset(com, size)
    assert off == want and 0 <= off and off + size <= datasets.FRAME
    with pytest.raises(ValueError):
        datasets.centring_offset(5.0, 29)
