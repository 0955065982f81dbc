"""``make bench``: train + dump the default configuration per seed in a child process and print
its wall time, peak memory and the headline numbers read back from its scene_data."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from contract import numbers
from contract.models import REGISTRY
from contract import scene_data as contract
from contract import scene_io

from .config import Config


def run_seed(cfg: Config, seed: int, out: Path) -> tuple[float, float]:
    """(seconds, peak resident MiB) of `python -m pipeline data` for one seed."""
    cmd = [sys.executable, "-m", "pipeline", "data", "--preset", "default", "--quiet",
           "--out", str(out), "--set", f"seed={seed}"]
    for k, v in cfg.to_dict()["train"].items():
        if k != "seed" and v != getattr(type(cfg.train)(), k):
            cmd += ["--set", f"{k}={v}"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed")
    return seconds, usage.ru_maxrss / 1024


def figures(data: contract.SceneData) -> dict[str, float]:
    h, u = data.heldout.models, data.unrelated
    row = {"softmax_acc": h["softmax"].accuracy, "edl_acc": h["edl"].accuracy,
           "u_correct": h["edl"].mean_u_correct, "u_wrong": h["edl"].mean_u_wrong,
           "saturated": h["edl"].saturated_share}
    for s in u.sets:
        row[f"u_{s.key}"] = s.stats["edl"].mean_u
    for s in u.sets:  # per set: softmax by entropy / EDL by entropy / EDL by u
        c = s.compare
        row[f"auroc_{s.key}"] = (c.auroc_entropy.softmax, c.auroc_entropy.edl, c.auroc_u.edl)
    return row


#: Sensoy et al. 2018, Table 1: test accuracy (%) of LeNet on the full MNIST (60,000 digits);
#: their "L2" is the plain softmax network
PAPER_ACCURACY = {"softmax": 99.4, "mc_dropout": 99.5, "ensemble": 99.3, "edl": 99.3}


def model_row(data: contract.SceneData, name: str) -> dict:
    """Accuracy, ECE, per-set AUROC (by entropy, by the model's own score) and cost of one
    registry model, read from one seed's scene_data."""
    h, sets = data.heldout, data.unrelated.sets
    if name in h.models:
        m = h.models[name]
        aurocs = [(s.stats[name].auroc_entropy, s.stats[name].auroc_u
                   if name == "edl" else s.stats[name].auroc_entropy) for s in sets]
    else:
        m = h.more.models[name]
        aurocs = [(s.more.models[name].auroc_entropy, s.more.models[name].auroc_own)
                  for s in sets]
    cost = data.models.models[name]
    return {"acc": m.accuracy, "ece": m.ece, "auroc": aurocs, "passes": cost.passes,
            "params": cost.params, "ms1": cost.ms_batch1, "ms256": cost.ms_batch256,
            "train_s": cost.training_seconds}


def models_table(datas: list[contract.SceneData]) -> str:
    """Every registry model over the seeds (mean, with min-max for accuracy), beside the
    paper's Table 1 accuracy."""
    keys = [s.key for s in datas[0].unrelated.sets]
    head = (["model", "passes", "parameters", "accuracy (min-max)", "paper, full MNIST", "ECE"]
            + [f"AUROC {k}: entropy / own" for k in keys]
            + ["ms/image, batch 1", "ms/image, batch 256", "training s"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, model in REGISTRY.items():
        rows = [model_row(d, name) for d in datas]
        mean = {k: float(np.mean([r[k] for r in rows]))
                for k in ("acc", "ece", "ms1", "ms256", "train_s")}
        accs = [r["acc"] for r in rows]
        auroc = np.mean([r["auroc"] for r in rows], axis=0)  # (sets, 2)
        cells = ([f"{model.en} ({model.own_score})", str(rows[0]["passes"]),
                  f"{rows[0]['params']:,}",
                  f"{numbers.percent(mean['acc'], 2)} ({numbers.percent(min(accs), 2)}-"
                  f"{numbers.percent(max(accs), 2)})", f"{PAPER_ACCURACY[name]:.1f}%",
                  numbers.unit(mean["ece"], 3)]
                 + [f"{numbers.unit(a[0], 3)} / {numbers.unit(a[1], 3)}" for a in auroc]
                 + [f"{mean['ms1']:.2f}", f"{mean['ms256']:.3f}", f"{mean['train_s']:.0f}"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def bench(cfg: Config, seeds: list[int], out: Path, markdown: bool = False) -> None:
    rows, datas = [], []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            sec, mib = run_seed(cfg, seed, Path(tmp))
            datas.append(scene_io.load_all(tmp))
            f = figures(datas[-1])
        f.update(seed=seed, seconds=sec, peak_mib=mib)
        rows.append(f)
        if not markdown:
            print(f"seed {seed}: train+dump {sec:.1f} s, peak memory {mib:.0f} MiB, held-out "
                  f"accuracy softmax {f['softmax_acc']:.2%} EDL {f['edl_acc']:.2%}; EDL mean u: "
                  f"correct {f['u_correct']:.3f}, wrong {f['u_wrong']:.3f}, "
                  + ", ".join(f"{k[2:]} {v:.3f}" for k, v in f.items()
                              if k.startswith("u_") and k not in ("u_correct", "u_wrong"))
                  + f"; saturated {f['saturated']:.1%}; AUROC softmax (H) / EDL (H) / EDL (u): "
                  + ", ".join(f"{k[6:]} " + " / ".join(f"{x:.3f}" for x in v)
                              for k, v in f.items() if k.startswith("auroc_")), flush=True)
    if markdown:
        sets = [k for k in rows[0] if k.startswith("u_") and k not in ("u_correct", "u_wrong")]
        aurocs = [k for k in rows[0] if k.startswith("auroc_")]
        head = (["seed", "train+dump s", "peak MiB", "softmax acc", "EDL acc", "EDL u correct",
                 "EDL u wrong", "EDL saturated"] + [f"EDL u {k[2:]}" for k in sets]
                + [f"AUROC {k[6:]}: softmax (H) / EDL (H) / EDL (u)" for k in aurocs])
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            # the one rounding rule: an AUROC of 0.9996 is not printed as 1.000
            cells = ([str(r["seed"]), f"{r['seconds']:.0f}", f"{r['peak_mib']:.0f}",
                      numbers.percent(r["softmax_acc"], 2), numbers.percent(r["edl_acc"], 2),
                      numbers.unit(r["u_correct"], 3), numbers.unit(r["u_wrong"], 3),
                      numbers.percent(r["saturated"], 1)]
                     + [numbers.unit(r[k], 3) for k in sets]
                     + [" / ".join(numbers.unit(x, 3) for x in r[k]) for k in aurocs])
            print("| " + " | ".join(cells) + " |")
        print(f"\nEvery model, mean over seeds {', '.join(map(str, seeds))} (own score: the "
              "uncertainty each method proposes; ms per image measured on this machine while "
              "`make data` ran, see models.json):\n")
        print(models_table(datas))
