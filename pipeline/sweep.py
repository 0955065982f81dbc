"""``make sweep``: choose the EDL evidence function by a rule fixed before the run.

The rule (declared here, before any result is seen, and printed with the table):
1. train every candidate below on the same seeds, with everything else at the defaults;
2. keep the candidates whose mean held-out accuracy is within ``ACCURACY_MARGIN`` (0.5
   percentage points) of the softmax model's mean accuracy on the same seeds;
3. among those, choose the highest mean per-set AUROC by u (letters, Fashion-MNIST and noise
   each count once; not the pooled AUROC).

    python -m pipeline sweep --seeds 0 1 2 [--markdown]
"""
from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import numpy as np
import torch

from contract import numbers

from . import edl, metrics, probes
from .config import Config
from .run import load_split
from .selection import Selection
from .train import outputs, pick_device, train_model

#: (evidence, clamp) candidates: the three functions of the EDL paper, exp with the clamp this
#: project used (10) and a wider one (20), and exp of a smooth clamp (never exactly flat).
CANDIDATES: tuple[tuple[str, float], ...] = (
    ("relu", 10.0), ("softplus", 10.0), ("exp", 10.0), ("exp", 20.0), ("exp_tanh", 10.0))
ACCURACY_MARGIN = 0.005
RULE = ("kept: mean held-out accuracy within 0.5 points of softmax; chosen: the highest mean "
        "per-set AUROC by u (letters, Fashion-MNIST, noise, each counted once)")


@dataclass
class Row:
    evidence: str
    clamp: float
    accuracy: list[float] = dataclasses.field(default_factory=list)
    auroc_u: list[dict[str, float]] = dataclasses.field(default_factory=list)
    saturated: list[float] = dataclasses.field(default_factory=list)

    @property
    def name(self) -> str:
        return self.evidence if self.evidence in ("relu", "softplus") else \
            f"{self.evidence} (clamp {self.clamp:g})"

    def mean_set_auroc(self) -> float:
        return float(np.mean([np.mean(list(a.values())) for a in self.auroc_u]))


def run_seed(base: Config, seed: int, rows: list[Row]) -> float:
    """Train softmax and every candidate on one seed; append to ``rows``; returns softmax acc."""
    cfg = dataclasses.replace(base, train=dataclasses.replace(base.train, seed=seed))
    split = load_split(cfg)
    device = pick_device(cfg.train.device)
    xh, yh = torch.from_numpy(split.x_heldout), split.y_heldout
    inputs = probes.unrelated_sets(cfg, Selection())
    sm, _, _, _ = train_model("softmax", split, cfg.train, device, progress=False)
    sm_acc = float((outputs(sm, "softmax", xh, cfg.train).pred == yh).mean())
    for row in rows:
        t = dataclasses.replace(cfg.train, evidence=row.evidence, evidence_clamp=row.clamp)
        model, _, _, _ = train_model("edl", split, t, device, progress=False)
        held = outputs(model, "edl", xh, t)
        row.accuracy.append(float((held.pred == yh).mean()))
        row.saturated.append(float(edl.saturated(torch.from_numpy(held.logits), t.evidence,
                                                  t.evidence_clamp).double().mean()))
        row.auroc_u.append({s.key: metrics.auroc(held.dirichlet.u, outputs(
            model, "edl", torch.from_numpy(s.images), t).dirichlet.u)
            for s in inputs.sets if s.pooled})
    return sm_acc


def choose(rows: list[Row], softmax_acc: float) -> Row | None:
    """The rule of this module's docstring; None if no candidate keeps the accuracy."""
    kept = [r for r in rows if np.mean(r.accuracy) >= softmax_acc - ACCURACY_MARGIN]
    return max(kept, key=Row.mean_set_auroc) if kept else None


def table(rows: list[Row], softmax_acc: float, chosen: Row | None, seeds: list[int]) -> str:
    keys = list(rows[0].auroc_u[0])
    head = ["evidence", "held-out accuracy", *[f"AUROC by u: {k}" for k in keys],
            "mean per-set AUROC", "saturated digits", "kept", "chosen"]
    out = [f"Seeds {', '.join(map(str, seeds))}; softmax accuracy {softmax_acc:.2%} (mean). "
           f"Rule: {RULE}.", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        kept = np.mean(r.accuracy) >= softmax_acc - ACCURACY_MARGIN
        cells = [r.name, f"{numbers.percent(np.mean(r.accuracy), 2)} ± "
                         f"{numbers.percent(np.std(r.accuracy), 2)}",
                 *[numbers.unit(np.mean([a[k] for a in r.auroc_u]), 3) for k in keys],
                 numbers.unit(r.mean_set_auroc(), 3), numbers.percent(np.mean(r.saturated), 1),
                 "yes" if kept else "no", "**yes**" if r is chosen else ""]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def sweep(base: Config, seeds: list[int], progress: bool = True) -> tuple[str, Row | None]:
    rows = [Row(e, c) for e, c in CANDIDATES]
    sm = []
    for seed in seeds:
        t = time.perf_counter()
        sm.append(run_seed(base, seed, rows))
        if progress:
            print(f"  sweep: seed {seed} done in {time.perf_counter() - t:.0f} s", flush=True)
    chosen = choose(rows, float(np.mean(sm)))
    return table(rows, float(np.mean(sm)), chosen, seeds), chosen
