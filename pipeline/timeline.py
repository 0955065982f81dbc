"""Both models' weights after every epoch, for watching them learn: written while training
(:func:`saver`, called from :func:`pipeline.train.train_model`'s ``on_epoch``), read back
lazily, one epoch at a time, as a :class:`pipeline.inference.Predictor` (:class:`Timeline`).

    <out>/timeline/softmax-e01.pt ... edl-e15.pt     {"kind", "epoch", "state_dict", "config_hash"}

    tl = Timeline.from_folder("scene_data")
    tl.epochs                                  # [1, ..., 15]
    tl.predictor(3).predict(images)            # the models as they were after epoch 3

The weights stay float32 as trained (about 1.7 MB a model and epoch); the predictor evaluates
them in float64 as the probes do. The last epoch's file holds the same weights as
``checkpoints/<kind>.pt``."""
from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any, Callable

import torch

from contract.scene_data import MODELS

from . import config as cfgmod
from . import edl
from .models import LeNet

FOLDER = "timeline"
NAME = re.compile(r"^(softmax|edl)-e(\d+)\.pt$")


def epoch_path(out_dir: Path | str, kind: str, epoch: int) -> Path:
    return Path(out_dir) / FOLDER / f"{kind}-e{epoch:02d}.pt"


def saver(out_dir: Path | str, kind: str, cfg: cfgmod.Config) -> Callable[[int, LeNet], None]:
    """``save(epoch, model)``: write ``model``'s weights after ``epoch`` (1-based), atomically.
    Files of an earlier, longer run beyond this configuration's epochs are removed first, so
    the folder never mixes two trainings."""
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{kind}-e*.pt"):
        m = NAME.match(old.name)
        if m and int(m.group(2)) > cfg.train.epochs:
            old.unlink()

    def save(epoch: int, model: LeNet) -> None:
        path = epoch_path(out_dir, kind, epoch)
        tmp = path.with_name(f".{path.name}.tmp")
        state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        torch.save({"kind": kind, "epoch": epoch, "state_dict": state,
                    "config_hash": cfg.hash()}, tmp)
        tmp.replace(path)
    return save


def saved_epochs(folder: Path | str) -> list[int]:
    """The epochs whose weights exist for both models, in order."""
    found: dict[str, set[int]] = {k: set() for k in MODELS}
    for f in (Path(folder) / FOLDER).glob("*.pt"):
        m = NAME.match(f.name)
        if m:
            found[m.group(1)].add(int(m.group(2)))
    return sorted(set.intersection(*found.values()))


def load_epoch(folder: Path | str, kind: str, epoch: int, cfg: cfgmod.Config) -> LeNet:
    """Model ``kind`` after ``epoch``, in eval mode; refuses weights of another configuration."""
    path = epoch_path(folder, kind, epoch)
    state = torch.load(path, map_location="cpu", weights_only=True)
    if state["config_hash"] != cfg.hash():
        raise RuntimeError(f"{path} was trained with another configuration "
                           f"({state['config_hash']} != {cfg.hash()}): run `make data` again")
    model = LeNet(cfg.train.dropout)
    model.load_state_dict(state["state_dict"])
    return model.eval()


class Timeline:
    """The saved epochs of a scene_data folder; each epoch's :class:`Predictor` is built on
    first use and kept (about 10 MB an epoch for both models in float32 and float64)."""

    def __init__(self, folder: Path | str, cfg: cfgmod.Config) -> None:
        self.folder = Path(folder)
        self.cfg = cfg
        self.epochs = saved_epochs(folder)
        self.history = _history(self.folder)
        self._cache: dict[int, Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_folder(cls, folder: Path | str) -> "Timeline":
        from .inference import read_config

        return cls(folder, read_config(Path(folder)))

    def predictor(self, epoch: int) -> Any:
        """The :class:`pipeline.inference.Predictor` of both models after ``epoch``."""
        from .inference import Predictor  # inference imports the probes; only needed here

        if epoch not in self.epochs:
            raise KeyError(f"no saved weights for epoch {epoch}; saved: {self.epochs}")
        with self._lock:
            if epoch not in self._cache:
                models = {k: load_epoch(self.folder, k, epoch, self.cfg) for k in MODELS}
                self._cache[epoch] = Predictor(models, self.cfg)
            return self._cache[epoch]

    def kl_weight(self, epoch: int) -> float:
        """λ_t of EDL's KL term during ``epoch`` (1-based), as training computed it."""
        return edl.annealing(epoch - 1, self.cfg.train.annealing_epochs)


def _history(folder: Path) -> dict[str, list[dict[str, float]]]:
    """training.json's per-epoch rows of each model ({} when it is missing)."""
    path = folder / "training.json"
    if not path.is_file():
        return {}
    return json.loads(path.read_text())["history"]
