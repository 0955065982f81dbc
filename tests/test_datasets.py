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
