"""The pipeline's two stages: ``train`` (checkpoints + training.json) and ``probe`` (the rest of
scene_data). Both are deterministic for a given configuration."""
from __future__ import annotations

import datetime as _dt
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch

from contract import scene_data as contract

from contract import scene_io

from . import (cost, datasets, ensemble, intervals, metrics, more_attacks, more_probes, probes,
               timeline)
from .selection import Selection
from .config import Config
from .models import LeNet
from .results import record
from .train import outputs, pick_device, train_model

CHECKPOINTS = "checkpoints"


def provenance(cfg: Config, split: datasets.Split, seconds: dict[str, float], device: str) -> dict:
    import torchvision

    return {"dataset": split.name, "dataset_source": split.source,
            "n_train": len(split.y_train), "n_heldout": len(split.y_heldout),
            "seed": cfg.train.seed, "config_hash": cfg.hash(), "config": cfg.to_dict(),
            "created_utc": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "training_seconds": seconds, "device": device,
            "packages": {"python": platform.python_version(), "torch": torch.__version__,
                         "torchvision": torchvision.__version__, "numpy": np.__version__}}


def load_split(cfg: Config) -> datasets.Split:
    t = cfg.train
    return datasets.load_split(t.dataset, t.n_train, t.n_heldout, t.seed)


def train(cfg: Config, out_dir: Path, progress: bool = True) -> dict[str, float]:
    """Train both models; write checkpoints and training.json. Returns seconds per model."""
    if cfg.train.threads:
        torch.set_num_threads(cfg.train.threads)
    split = load_split(cfg)
    device = pick_device(cfg.train.device)
    ckpt = Path(out_dir) / CHECKPOINTS
    ckpt.mkdir(parents=True, exist_ok=True)
    histories, seconds, dynamics = {}, {}, {}
    for kind in contract.MODELS:
        model, histories[kind], seconds[kind], dyn = train_model(
            kind, split, cfg.train, device, progress, dynamics_bins=cfg.probe.hist_bins,
            on_epoch=timeline.saver(out_dir, kind, cfg))
        dynamics[kind] = dyn.to_dict()
        tmp = ckpt / f".{kind}.pt.tmp"
        torch.save({"kind": kind, "state_dict": model.state_dict(), "config": cfg.to_dict(),
                    "config_hash": cfg.hash(), "history": histories[kind],
                    "seconds": seconds[kind], "device": device.type}, tmp)
        tmp.replace(ckpt / f"{kind}.pt")
    # after both models, so that their training (and the global RNG it reads) is as before
    members = ensemble.train_members(cfg, split, ckpt)
    seconds["ensemble"] = seconds["softmax"] + sum(members.values())
    scene_io.save(contract.Training, {
        "provenance": provenance(cfg, split, {k: seconds[k] for k in contract.MODELS},
                                 device.type),
        "layers": LeNet().layer_table(), "evidence": cfg.train.evidence,
        "edl_loss": cfg.train.edl_loss, "annealing_epochs": cfg.train.annealing_epochs,
        "history": histories, "dynamics": dynamics}, out_dir)
    return seconds


def load_models(cfg: Config, out_dir: Path) -> tuple[dict[str, LeNet], dict[str, float], str]:
    models, seconds, device = {}, {}, "cpu"
    for kind in contract.MODELS:
        path = Path(out_dir) / CHECKPOINTS / f"{kind}.pt"
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `make data` (it trains the models)")
        state = torch.load(path, map_location="cpu", weights_only=True)
        if state["config_hash"] != cfg.hash():
            raise RuntimeError(f"{path} was trained with another configuration "
                               f"({state['config_hash']} != {cfg.hash()}): train again")
        m = LeNet(cfg.train.dropout)
        m.load_state_dict(state["state_dict"])
        models[kind] = m.eval()
        seconds[kind], device = state["seconds"], state["device"]
    return models, seconds, device


def probe(cfg: Config, out_dir: Path, sel: Selection, progress: bool = True) -> list[Path]:
    """Run every probe and write the scene_data files (all but training.json)."""
    def say(msg: str) -> None:
        if progress:
            print(f"  probing: {msg}", flush=True)

    torch.manual_seed(cfg.train.seed)
    split = load_split(cfg)
    models, seconds, device = load_models(cfg, out_dir)
    prov = provenance(cfg, split, seconds, device)

    def save(result: Any) -> Path:
        """Write a probe's result as the scene_data file its type names."""
        return scene_io.save(result.CONTRACT, {"provenance": prov, **record(result)}, out_dir)

    x, y = split.x_heldout, split.y_heldout
    outs = probes.model_outputs(models, torch.from_numpy(x), cfg)
    boot = intervals.Bootstrap(cfg.probe.bootstrap_reps, cfg.train.seed)
    written = []
    say("forward pass of the chosen digit")
    fp = probes.forward_pass(models, x, y, outs, sel)
    written.append(save(fp))
    say("held-out metrics and confident mistakes")
    held = record(probes.heldout(cfg, x, y, outs, boot))
    say("unrelated inputs")
    inputs = probes.unrelated_sets(cfg, sel)
    unrel = record(probes.unrelated(cfg, models, outs, inputs, boot))
    say("rotated digit")
    rot = record(probes.rotation(cfg, models, x, y, outs, sel))
    say("adversarial perturbations (FGSM and PGD through cross-entropy)")
    adv = record(probes.adversarial(cfg, models, x, y, fp.heldout_index, boot))
    say("inside the networks: Grad-CAM, saliency, activation maximization, t-SNE, confusion")
    written.append(save(probes.inside_probe(cfg, models, x, y, outs, fp.heldout_index,
                                            inputs.sets)))
    say(f"MC dropout ({cfg.probe.mc_passes} passes) and the ensemble "
        f"({cfg.train.ensemble_members} members); cost per prediction")
    members = ensemble.load_members(cfg, Path(out_dir) / CHECKPOINTS)
    more_models(cfg, models, members, x, y, inputs, outs, held, unrel, rot, adv)
    written += [scene_io.save(cls, {"provenance": prov, **rec}, out_dir)
                for cls, rec in ((contract.Heldout, held), (contract.Unrelated, unrel),
                                 (contract.Rotation, rot), (contract.Attacks, adv))]
    seconds["ensemble"] = seconds["softmax"] + ensemble.member_seconds(
        cfg, Path(out_dir) / CHECKPOINTS)
    written.append(scene_io.save(contract.ModelCosts, {"provenance": prov, **cost.measure(
        cfg, models, members, torch.from_numpy(x), seconds)}, out_dir))
    return written


def more_models(cfg: Config, models: dict[str, LeNet], members: list[LeNet], x: np.ndarray,
                y: np.ndarray, inputs: Any, outs: dict, held: dict, unrel: dict, rot: dict,
                adv: dict) -> None:
    """Add MC dropout's and the ensemble's sections (``more``) to the records of heldout.json,
    unrelated.json, rotation.json and attacks.json. Runs after every other probe, with its own
    bootstrap (seeded and drawn like theirs: held-out, then per set), so that none of their
    numbers moves; the attacks draw last."""
    boot = intervals.Bootstrap(cfg.probe.bootstrap_reps, cfg.train.seed)
    preds = more_probes.predictives(cfg, models["softmax"], members, torch.from_numpy(x))
    held["more"] = more_probes.heldout_more(cfg, preds, outs["edl"], y, boot)
    grid = np.linspace(0, metrics.LOG_K, cfg.probe.entropy_grid)
    for s, rec in zip(inputs.sets, unrel["sets"]):
        xs = torch.from_numpy(s.images)
        rec["more"] = more_probes.ood_more(
            preds, outs["edl"], more_probes.predictives(cfg, models["softmax"], members, xs),
            outputs(models["edl"], "edl", xs, cfg.train), boot, grid)
    rot["more"] = more_probes.rotation_more(cfg, models["softmax"], members, rot["images"])
    adv["more"] = more_attacks.attacks_more(cfg, models, members, x, y, boot)


def timed(fn, *a, **kw):  # noqa: ANN001, ANN201 - tiny helper for the bench
    t = time.perf_counter()
    r = fn(*a, **kw)
    return r, time.perf_counter() - t
