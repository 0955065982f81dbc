"""Untrusted image bytes -> the 28x28 MNIST-style input, in memory, with size and pixel limits.

The preprocessing is the pipeline's own (:func:`pipeline.datasets.mnist_style_opened`); this
module only decides what is refused before it runs."""
from __future__ import annotations

import io
import warnings

import numpy as np
from PIL import Image, UnidentifiedImageError

from pipeline.datasets import DatasetError, mnist_style_opened

from .errors import ApiError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
#: Raster formats Pillow decodes in-process. Left out on purpose: EPS/PS (Ghostscript runs and
#: writes temporary files) and formats no student uploads (e.g. FITS, XPM).
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP", "PPM", "ICO")


def to_mnist(data: bytes) -> np.ndarray:
    """Decode ``data`` and preprocess it exactly as the pipeline does; ApiError if refused."""
    if not data:
        raise ApiError(400, "empty_body", "the request has no image: the body is empty")
    if len(data) > MAX_BYTES:
        raise ApiError(413, "too_large", f"the image is {len(data):,} bytes; the limit is "
                                         f"{MAX_BYTES:,} bytes (10 MB)")
    with warnings.catch_warnings():
        # Pillow only warns between its own limit and twice it; we refuse at ours anyway.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        img = _open(data)
        _check_pixels(img)
        try:
            return mnist_style_opened(img)
        except DatasetError as exc:
            raise ApiError(422, "unreadable_image", str(exc)) from exc
        except Exception as exc:  # any decoder failure on untrusted bytes is the input's fault
            raise _decode_error(exc) from exc


def _open(data: bytes) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=FORMATS)  # reads the header only
    except UnidentifiedImageError as exc:
        raise ApiError(415, "not_an_image", "the file is not an image Pillow can read "
                       f"(accepted formats: {', '.join(FORMATS)})") from exc
    except Image.DecompressionBombError as exc:
        raise ApiError(413, "too_many_pixels", str(exc)) from exc
    except Exception as exc:  # a header so broken that the format plug-in itself fails
        raise _decode_error(exc) from exc


def _check_pixels(img: Image.Image) -> None:
    """Refuse decompression bombs from the header, before any pixel is decoded."""
    w, h = img.size
    if w * h > MAX_PIXELS:
        raise ApiError(413, "too_many_pixels", f"the image is {w}x{h} = {w * h:,} pixels; the "
                       f"limit is {MAX_PIXELS:,} (40 megapixels)")
    if w == 0 or h == 0:
        raise ApiError(422, "unreadable_image", f"the image has no pixels ({w}x{h})")


def _decode_error(exc: Exception) -> ApiError:
    msg = str(exc) or type(exc).__name__
    if "truncated" in msg.lower() or isinstance(exc, EOFError):
        return ApiError(422, "truncated_image", f"the image is truncated: {msg}")
    return ApiError(422, "unreadable_image", f"the image could not be decoded: {msg}")
