"""What the app holds for its lifetime: the models, the batcher, the wording, the lectures."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from pipeline.inference import Predictor

from . import explainer_words, lectures, wording
from .attack_batcher import AttackBatcher
from .batcher import Batcher

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    """Where the app reads from (nothing is ever written)."""
    data: Path = ROOT / "scene_data"
    renders: Path = ROOT / "renders"
    lectures: Path = ROOT / "lectures"


@dataclass
class State:
    settings: Settings
    predictor: Predictor
    batcher: Batcher
    wording: dict[str, dict[str, str]]
    attacks: Optional[AttackBatcher] = None  # FGSM requests batched (made in load)
    _lectures: Optional[list[lectures.Lecture]] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, settings: Settings) -> "State":
        predictor = Predictor.from_folder(settings.data)  # once, at start-up
        words = explainer_words.merged(wording.load(settings.lectures))
        return cls(settings, predictor, Batcher(predictor), words, AttackBatcher(predictor))

    def lectures(self, rescan: bool = False) -> list[lectures.Lecture]:
        """The rendered lectures; ``rescan`` picks up a render finished while serving."""
        with self._lock:
            if rescan or self._lectures is None:
                self._lectures = lectures.scan(self.settings.renders)
            return self._lectures

    def media(self, lecture_id: str, index: int) -> Optional[lectures.MediaFile]:
        """A file a manifest lists, by lecture folder name and position; None otherwise. Looked
        up in the last scan (the page's /api/lectures call rescans), never on the disk."""
        for lec in self.lectures():
            if lec.id == lecture_id:
                return lec.files.get(index)
        return None
