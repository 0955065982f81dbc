"""What the app holds for its lifetime: the models, the batchers, the heavy endpoints' work queue,
the wording, the lectures."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from pipeline.inference import Predictor
from pipeline.timeline import Timeline

from . import explainer_words, lectures, wording
from . import attack_batcher
from .attack_batcher import AttackBatcher
from .batcher import Batcher
from .fairness import Limits, WorkQueue

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
    heavy: WorkQueue  # admits the attacks and sweeps, and runs them on its own threads
    attacks: dict[str, AttackBatcher]  # by method: its requests batched, on the heavy threads
    timeline: Optional[Timeline] = None  # the per-epoch weights, each epoch loaded on first use
    steps: Optional[Any] = None  # timeline steps batched (webapp.timeline.StepBatcher)
    _lectures: Optional[list[lectures.Lecture]] = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, settings: Settings, limits: Optional[Limits] = None) -> "State":
        """``limits``: the heavy endpoints' (None: read from the environment)."""
        predictor = Predictor.from_folder(settings.data)  # once, at start-up
        words = explainer_words.merged(wording.load(settings.lectures))
        heavy = WorkQueue(limits or Limits.from_env())
        timeline = Timeline.from_folder(settings.data)
        return cls(settings, predictor, Batcher(predictor), words, heavy,
                   attack_batcher.batchers(predictor, heavy.executor), timeline)

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
