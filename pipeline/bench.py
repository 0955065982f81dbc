"""``make bench``: train + dump the default configuration per seed in a child process and print
its wall time, peak memory and the headline numbers read back from its scene_data."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from contract import numbers
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


def bench(cfg: Config, seeds: list[int], out: Path, markdown: bool = False) -> None:
    rows = []
    for seed in seeds:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            sec, mib = run_seed(cfg, seed, Path(tmp))
            f = figures(scene_io.load_all(tmp))
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
