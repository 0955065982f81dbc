"""All training and probing settings in one place.

The defaults are the measured ones (see README, "Results"); ``tiny()`` is the fast preset the
tests use. The config hash goes into every scene_data file's provenance.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal

Evidence = Literal["relu", "softplus", "exp", "exp_tanh"]
EdlLoss = Literal["mse", "digamma", "log"]
Dataset = Literal["mnist5k", "mnist"]


@dataclass(frozen=True)
class TrainConfig:
    dataset: Dataset = "mnist5k"
    n_train: int = 4000  # mnist5k: 4000 train / 1000 held-out, stratified
    n_heldout: int = 1000
    seed: int = 0
    epochs: int = 15
    batch_size: int = 64
    lr: float = 1e-3
    weight_decay: float = 0.0
    dropout: float = 0.5
    evidence: Evidence = "exp"
    evidence_clamp: float = 20.0  # exp / exp_tanh: logits clamped (hard / smooth) to [-c, c]; 20 by `make sweep`
    edl_loss: EdlLoss = "mse"
    annealing_epochs: int = 10  # lambda_t = min(1, t / annealing_epochs)
    ensemble_members: int = 5  # deep ensemble: M softmax LeNets; member 0 is the softmax model
    threads: int = 0  # 0: torch's default
    device: str = "auto"  # auto: CUDA when present, else CPU


@dataclass(frozen=True)
class ProbeConfig:
    n_letters: int = 500  # unrelated samples per set used for the statistics
    n_fashion: int = 500
    n_noise: int = 500
    n_examples: int = 6  # unrelated examples shown with their bars, per set
    n_mistakes: int = 6  # most confident held-out mistakes shown
    reliability_bins: int = 10
    rotation_step: int = 10  # degrees, 0 -> rotation_max
    rotation_max: int = 180
    fgsm_eps: tuple[float, ...] = (0.0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3)  # FGSM and PGD
    pgd_steps: int = 10
    pgd_step_fraction: float = 0.25  # PGD step = eps * this, from a random start in the ball
    bootstrap_reps: int = 1000  # resamples behind every *_ci (95% intervals)
    min_bin_count: int = 30  # reliability bins with fewer digits never make a "largest gap"
    rejection_share: float = 0.9  # the rejection verdict: accuracy of the 90% most certain
    actmax_steps: int = 150  # activation maximization: Adam steps per model (10 classes at once)
    actmax_lr: float = 0.05
    actmax_tv: float = 0.3  # total-variation weight (smooth strokes, not adversarial noise)
    embed_heldout: int = 500  # feature-space embedding: held-out digits (the first N)
    embed_unrelated: int = 100  # ... and the first N of each unrelated set
    tsne_perplexity: float = 30.0
    hist_bins: int = 30  # per-epoch weight histograms
    entropy_grid: int = 101  # points of the empirical CDFs
    threshold_grid: int = 21  # uncertainty thresholds 0..1
    mc_passes: int = 50  # MC dropout: T stochastic passes per prediction (Gal & Ghahramani 2016)
    cost_repeats: int = 20  # timed repetitions per model and batch size (the median is kept)


@dataclass(frozen=True)
class Config:
    train: TrainConfig = field(default_factory=TrainConfig)
    probe: ProbeConfig = field(default_factory=ProbeConfig)

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def hash(self) -> str:
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def from_dict(d: dict) -> Config:
    """The inverse of :meth:`Config.to_dict` (lists back to tuples)."""
    probe = {k: tuple(v) if isinstance(v, list) else v for k, v in d.get("probe", {}).items()}
    return Config(train=TrainConfig(**d.get("train", {})), probe=ProbeConfig(**probe))


def default() -> Config:
    return Config()


def tiny(seed: int = 0) -> Config:
    """A few hundred digits and two epochs: trains and dumps in seconds (tests)."""
    return Config(
        train=TrainConfig(n_train=400, n_heldout=200, epochs=2, seed=seed, batch_size=64,
                          ensemble_members=3),
        probe=ProbeConfig(n_letters=60, n_fashion=60, n_noise=60, rotation_step=30,
                          fgsm_eps=(0.0, 0.1, 0.2), entropy_grid=21, threshold_grid=11,
                          pgd_steps=3, bootstrap_reps=200, min_bin_count=10, actmax_steps=20,
                          embed_heldout=100, embed_unrelated=20, mc_passes=10, cost_repeats=3),
    )


PRESETS = {"default": default, "tiny": tiny}


def from_name(name: str, **overrides: object) -> Config:
    """A preset by name, with ``train.<field>`` overrides (e.g. ``{"seed": 1}``)."""
    if name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {sorted(PRESETS)}")
    cfg = PRESETS[name]()
    train_fields = {f.name for f in dataclasses.fields(TrainConfig)}
    bad = set(overrides) - train_fields
    if bad:
        raise ValueError(f"unknown training setting(s) {sorted(bad)}; known: {sorted(train_fields)}")
    if overrides:
        cfg = dataclasses.replace(cfg, train=dataclasses.replace(cfg.train, **overrides))
    return cfg
