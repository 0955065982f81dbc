"""Which on-screen strings a scene looks up, per section: part of each section's key
(rendering/keys.py). Kept apart from the key code so that the scenes, which import this, do not
depend on how keys are computed.
"""
from __future__ import annotations

from typing import Any, Mapping


class ReadLog:
    """The text keys a scene looks up, per section (``""``: before the first section)."""

    def __init__(self) -> None:
        self.section = ""
        self.reads: dict[str, set[str]] = {"": set()}

    def begin(self, section: str) -> None:
        self.section = section
        self.reads.setdefault(section, set())

    def note(self, key: str) -> None:
        self.reads.setdefault(self.section, set()).add(key)

    def as_lists(self) -> dict[str, list[str]]:
        return {k: sorted(v) for k, v in self.reads.items()}


class RecordingDict(dict):
    """A dict that notes every key looked up in it (``d[k]``, ``d.get(k)``, ``k in d``) in a
    :class:`ReadLog`; iterating notes every key."""

    def __init__(self, data: Mapping[str, Any], log: ReadLog) -> None:
        super().__init__(data)
        self.log = log

    def __getitem__(self, key: str) -> Any:
        self.log.note(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.log.note(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.log.note(key)
        return super().__contains__(key)

    def _all(self) -> None:
        for k in super().keys():
            self.log.note(k)

    def __iter__(self):  # type: ignore[override]
        self._all()
        return super().__iter__()

    def items(self):  # type: ignore[override]
        self._all()
        return super().items()

    def values(self):  # type: ignore[override]
        self._all()
        return super().values()

    def keys(self):  # type: ignore[override]
        self._all()
        return super().keys()


__all__ = ["ReadLog", "RecordingDict"]
