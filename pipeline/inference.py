"""Both trained models behind one object: load once from a scene_data folder, then answer
batches of MNIST-style 28x28 images with the same numbers the probes dump.

    predictor = Predictor.from_folder("scene_data")
    rows = predictor.predict(images)          # images: (N, 28, 28) float32 in [0, 1]
    rows[0]["edl"]["u"], rows[0]["softmax"]["probs"]

It reuses the pipeline itself: :func:`pipeline.run.load_models` (checkpoints checked against the
configuration), :func:`pipeline.train.outputs` (the eval-mode forward pass) and
:func:`pipeline.probes.model_out` (one row as the scene_data ``ModelOut``, as a dict). Calls are serialised
by a lock, so one Predictor can be shared by threads.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from contract.scene_data import MODELS

from . import config as cfgmod
from . import datasets
from .models import LeNet
from .probes import model_out, rotation_angles
from .results import record
from .train import in_precision, outputs

CONFIG_FILE = ".config.json"  # written by `make data` (python -m pipeline config)
TRAINING_FILE = "training.json"  # its provenance holds the same configuration


def read_config(folder: Path) -> cfgmod.Config:
    """The configuration the checkpoints in ``folder`` were trained with: ``.config.json`` when
    the Makefile wrote one, otherwise the copy in ``training.json``'s provenance."""
    folder = Path(folder)
    cfg_path = folder / CONFIG_FILE
    if cfg_path.is_file():
        return cfgmod.from_dict(json.loads(cfg_path.read_text()))
    training = folder / TRAINING_FILE
    if training.is_file():
        return cfgmod.from_dict(json.loads(training.read_text())["provenance"]["config"])
    raise FileNotFoundError(f"{folder} has neither {CONFIG_FILE} nor {TRAINING_FILE}: run "
                            "`make data` (it trains the models)")


class Predictor:
    """The softmax and the EDL model, loaded once, evaluated in batches."""

    def __init__(self, models: dict[str, LeNet], cfg: cfgmod.Config) -> None:
        self.models = models
        # the probes run in float64 (pipeline.train.outputs); converting once here spares a
        # copy of each model on every request
        self.models64 = {k: in_precision(m, torch.float64) for k, m in models.items()}
        self.cfg = cfg
        self._lock = threading.Lock()  # one forward pass at a time: torch threads stay busy

    @classmethod
    def from_folder(cls, folder: Path | str) -> "Predictor":
        from .run import load_models  # run imports the probes' whole data machinery

        cfg = read_config(Path(folder))
        models, _, _ = load_models(cfg, Path(folder))
        return cls(models, cfg)

    def predict(self, images: np.ndarray) -> list[dict[str, dict[str, Any]]]:
        """One ``{"softmax": ModelOut dict, "edl": ModelOut dict}`` per image of (N, 28, 28)."""
        x = _batch(images)
        with self._lock:
            outs = {k: outputs(self.models64[k], k, x, self.cfg.train) for k in MODELS}
        return [{k: record(model_out(outs[k], i)) for k in MODELS} for i in range(len(x))]

    def conv1_maps(self, image: np.ndarray) -> np.ndarray:
        """The softmax model's conv1 feature maps after ReLU, (20, 24, 24): the maps the
        lecture's forward pass shows (it follows the softmax model too)."""
        model = self.models["softmax"]
        with self._lock, torch.no_grad():
            return F.relu(model.conv1(_batch(image[None]))).numpy()[0]

    def rotations(self, image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The probes' rotation angles (:func:`pipeline.probes.rotation_angles`) and the image
        rotated to each of them with the pipeline's own :func:`pipeline.datasets.rotate`."""
        angles = rotation_angles(self.cfg.probe)
        return angles, np.stack([datasets.rotate(image, a) for a in angles])


def _batch(images: np.ndarray) -> torch.Tensor:
    arr = np.asarray(images, dtype=np.float32)
    if arr.ndim != 3 or arr.shape[1:] != (28, 28):
        raise ValueError(f"expected images of shape (N, 28, 28), got {arr.shape}")
    return torch.from_numpy(np.ascontiguousarray(arr[:, None]))
