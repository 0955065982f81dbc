"""Atomic files: written to a temporary file in the same folder, then :func:`os.replace`; a
failure or an interrupt leaves the previous good file in place. The standard library only, so
that every module that writes a finished file (media, narration, the cache) can use it.

    atomic_write_text("renders/01.srt", text)
    with atomic_path("renders/01.mp4") as tmp:   # a muxer writes tmp; it replaces 01.mp4 at the end
        ...
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Union

PathLike = Union[str, os.PathLike]


@contextmanager
def atomic_path(dst: PathLike) -> Iterator[Path]:
    """Yield a temporary path next to ``dst``; on success it replaces ``dst``, on any exception
    (KeyboardInterrupt included) it is deleted and ``dst`` is left as it was."""
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    # Same folder so os.replace is a rename; the real suffix last so muxers can guess the format.
    fd, name = tempfile.mkstemp(dir=dst.parent, prefix=f".{dst.name}.", suffix=f".tmp{dst.suffix}")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs should be readable as usual
        os.replace(tmp, dst)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(dst: PathLike, data: bytes) -> Path:
    with atomic_path(dst) as tmp:
        tmp.write_bytes(data)
    return Path(dst)


def atomic_write_text(dst: PathLike, text: str) -> Path:
    return atomic_write_bytes(dst, text.encode("utf-8"))


def atomic_copy(src: PathLike, dst: PathLike) -> Path:
    return atomic_write_bytes(dst, Path(src).read_bytes())


__all__ = ["PathLike", "atomic_copy", "atomic_path", "atomic_write_bytes", "atomic_write_text"]
