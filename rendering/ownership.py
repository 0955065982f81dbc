"""Which lecture an output folder belongs to, so that one lecture never overwrites another's.

The folder's ``manifest.json`` names the lecture that rendered it (``.work/owner`` too, written
before the first file, so that an interrupted first render still counts). Rendering another
lecture into it is refused unless forced.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from contract.manifest import ManifestError, load_manifest
from rendering import files

ROOT = Path(__file__).resolve().parent.parent
OWNER = ".work/owner"
MANIFEST = "manifest.json"


class FolderTaken(RuntimeError):
    """The output folder belongs to another lecture."""


def lecture_id(source: Optional[Path]) -> str:
    """How a manifest names a lecture: relative to the project when inside it."""
    if source is None:
        return ""
    source = source.resolve()
    return source.relative_to(ROOT).as_posix() if source.is_relative_to(ROOT) else str(source)


def owner_of(out: Path) -> Optional[str]:
    """The lecture recorded for ``out`` (manifest first), None when none is."""
    try:
        name = load_manifest(out / MANIFEST).lecture
        if name:
            return lecture_id(Path(name)) if Path(name).is_absolute() else name
    except ManifestError:
        pass  # none, or not readable: the owner file written before the first render says
    try:
        return (out / OWNER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def claim(out: Path, source: Optional[Path], force: bool = False) -> bool:
    """Record ``source`` as the owner of ``out``; raise :class:`FolderTaken` when another
    lecture owns it, or when it holds other files and no owner, unless ``force``.
    Returns whether the owner changed (the manifest must then be rewritten)."""
    me = lecture_id(source)
    owner = owner_of(out)
    if not force:
        if owner is not None and owner != me:
            raise FolderTaken(f"{out} holds the renders of {owner}, not of {me}: set "
                              "render.output_dir to another folder, or pass --force "
                              "(make render FORCE=1) to replace them")
        if owner is None and out.is_dir() and any(p.name != ".work" for p in out.iterdir()):
            raise FolderTaken(f"{out} is not empty and no lecture rendered it: choose an empty "
                              "folder for render.output_dir, or pass --force (FORCE=1)")
    if not (out / OWNER).is_file() or (out / OWNER).read_text(encoding="utf-8").strip() != me:
        files.atomic_write_text(out / OWNER, me + "\n")
    return owner != me


__all__ = ["FolderTaken", "claim", "lecture_id", "owner_of"]
