"""Deep ensemble (Lakshminarayanan et al. 2017, without adversarial training): M softmax LeNets
trained alike from different seeds, their probabilities averaged.

Member 0 *is* the softmax model (``checkpoints/softmax.pt``, seed ``TrainConfig.seed``): it is
trained exactly like any member, so training it again would only cost time. Members 1..M-1 are
trained on the same split with seed :func:`member_seed` (their own initialisation and batch
order) and saved as ``checkpoints/ensemble-<i>.pt``.

    seconds = train_members(cfg, split, Path("scene_data/checkpoints"))   # members 1..M-1
    members = load_members(cfg, Path("scene_data/checkpoints"))           # [softmax, m1, ...]
    ens = predict(members, x, cfg.train)   # mc_dropout.Predictive: .probs, .mutual_information

The members train one after the other: :func:`measure_parallel` timed two members (default
configuration, 2 epochs) on this project's 2-core machine at 4.7 s one after the other with
torch's 2 threads against 11.2 s in two spawned processes of one thread each (start-up and
imports included), so parallel processes are not faster here and are not used. That was a
short run beside another job on the same cores; for 15 epochs the start-up share is smaller,
so measure again (``measure_parallel``) before relying on it.
"""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import torch

from .config import Config, TrainConfig
from .datasets import Split
from .mc_dropout import Predictive
from .models import LeNet
from .train import outputs, pick_device, train_model

#: member i > 0 is trained with seed ``seed + SEED_STRIDE * i``: far from the seeds 0, 1, 2, ...
#: of other runs, so that no member is another run's softmax model
SEED_STRIDE = 10_000


def member_seed(seed: int, i: int) -> int:
    """The seed of member ``i`` (member 0: the softmax model's own seed)."""
    return seed + SEED_STRIDE * i


def member_path(ckpt: Path, i: int) -> Path:
    """Where member ``i`` is saved (member 0 is the softmax model's checkpoint)."""
    return Path(ckpt) / ("softmax.pt" if i == 0 else f"ensemble-{i}.pt")


def train_member(cfg: Config, split: Split, i: int, ckpt: Path) -> float:
    """Train member ``i`` (> 0) and save it atomically; returns the seconds it took."""
    tcfg = dataclasses.replace(cfg.train, seed=member_seed(cfg.train.seed, i))
    model, history, seconds, _ = train_model("softmax", split, tcfg, pick_device(tcfg.device),
                                             progress=False)
    path = member_path(ckpt, i)
    tmp = path.with_name(f".{path.name}.tmp")
    torch.save({"kind": "softmax", "member": i, "seed": tcfg.seed,
                "state_dict": model.state_dict(), "config": cfg.to_dict(),
                "config_hash": cfg.hash(), "history": history, "seconds": seconds}, tmp)
    tmp.replace(path)
    return seconds


def train_members(cfg: Config, split: Split, ckpt: Path) -> dict[int, float]:
    """Members 1..M-1, one after the other; returns seconds per member. Members beyond M of an
    earlier, larger run are removed, so the folder never mixes two ensembles."""
    ckpt = Path(ckpt)
    ckpt.mkdir(parents=True, exist_ok=True)
    for old in ckpt.glob("ensemble-*.pt"):
        if int(old.stem.split("-")[1]) >= cfg.train.ensemble_members:
            old.unlink()
    return {i: train_member(cfg, split, i, ckpt) for i in range(1, cfg.train.ensemble_members)}


def load_members(cfg: Config, ckpt: Path) -> list[LeNet]:
    """The M members in order, eval mode; refuses checkpoints of another configuration."""
    members = []
    for i in range(cfg.train.ensemble_members):
        path = member_path(ckpt, i)
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `make data` (it trains the models)")
        state = torch.load(path, map_location="cpu", weights_only=True)
        if state["config_hash"] != cfg.hash():
            raise RuntimeError(f"{path} was trained with another configuration "
                               f"({state['config_hash']} != {cfg.hash()}): train again")
        m = LeNet(cfg.train.dropout)
        m.load_state_dict(state["state_dict"])
        members.append(m.eval())
    return members


def member_seconds(cfg: Config, ckpt: Path) -> float:
    """Training seconds of the members trained for the ensemble (1..M-1), from their files."""
    return float(sum(torch.load(member_path(ckpt, i), map_location="cpu",
                                weights_only=True)["seconds"]
                     for i in range(1, cfg.train.ensemble_members)))


def predict(members: list[LeNet], x: torch.Tensor, tcfg: TrainConfig) -> Predictive:
    """Every member's softmax probabilities on ``x`` (float64, eval mode) and their mean."""
    return Predictive(passes=np.stack([outputs(m, "softmax", x, tcfg).probs for m in members]))


def measure_parallel(cfg: Config, split: Split, workers: int = 2) -> dict[str, float]:
    """Seconds to train ``workers`` members one after the other (torch's threads) against
    ``workers`` processes of one thread each at once: the figure behind training the members
    sequentially or in parallel. Nothing is saved."""
    import multiprocessing as mp

    ids = list(range(1, workers + 1))
    t = time.perf_counter()
    for i in ids:
        _train_only(cfg, split, i, 0)
    sequential = time.perf_counter() - t
    t = time.perf_counter()
    with mp.get_context("spawn").Pool(workers) as pool:
        pool.starmap(_train_only, [(cfg, split, i, 1) for i in ids])
    parallel = time.perf_counter() - t
    return {"sequential_s": sequential, "parallel_s": parallel, "workers": workers,
            "threads": torch.get_num_threads()}


def _train_only(cfg: Config, split: Split, i: int, threads: int) -> float:
    if threads:
        torch.set_num_threads(threads)
    tcfg = dataclasses.replace(cfg.train, seed=member_seed(cfg.train.seed, i))
    return train_model("softmax", split, tcfg, torch.device("cpu"), progress=False)[2]
