"""Recompute the comparison's headline numbers independently and print them beside scene_data.

    .venv/bin/python tools/audit.py [scene_data]

Independent of the probes: the checkpoints are loaded with plain torch, FGSM is written here from
scratch (float32, mean cross-entropy, as in most tutorials), and the AUROCs come from
scikit-learn on the per-example scores stored in scene_data. A row marked "!!" differs by more
than its tolerance. Expect that for the softmax model at large eps: in float32 its confident
outputs round to almost exactly one-hot, the gradient is then dominated by rounding and its
signs are partly wrong, so the float32 attack is weaker than the float64 one the pipeline runs
(on the default run: 10.8% against 3.7% accuracy left at eps 0.3).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.metrics import roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contract import scene_data as contract  # noqa: E402

from contract import scene_io
from pipeline import config, datasets  # noqa: E402
from pipeline.models import LeNet  # noqa: E402


def load(folder: Path, kind: str, dropout: float) -> LeNet:
    state = torch.load(folder / "checkpoints" / f"{kind}.pt", map_location="cpu", weights_only=True)
    m = LeNet(dropout)
    m.load_state_dict(state["state_dict"])
    return m.eval()


def fgsm_accuracy(m: LeNet, x: torch.Tensor, y: torch.Tensor, eps: float) -> tuple[float, float]:
    """Accuracy after float32 FGSM, and the share of digits whose gradient underflowed to 0
    (float32 softmax rounds very confident outputs to exactly one-hot: those digits are masked,
    which is why the pipeline attacks in float64)."""
    x = x.clone().requires_grad_(True)
    F.cross_entropy(m(x), y).backward()
    adv = (x + eps * x.grad.sign()).clamp(0, 1)
    zero = float((x.grad.flatten(1).abs().amax(1) == 0).float().mean())
    with torch.no_grad():
        return float((m(adv).argmax(1) == y).float().mean()), zero


def row(name: str, ours: float, stored: float, tol: float) -> None:
    flag = "  " if abs(ours - stored) <= tol else "!!"
    print(f"{flag} {name:52s} independent {ours:8.4f}   scene_data {stored:8.4f}")


def main(folder: Path) -> int:
    data = scene_io.load_all(folder)
    cfg = config.from_dict(data.training.provenance.config)
    t = cfg.train
    split = datasets.load_split(t.dataset, t.n_train, t.n_heldout, t.seed)
    x, y = torch.from_numpy(split.x_heldout), torch.from_numpy(split.y_heldout)
    a = data.attacks
    for kind in ("softmax", "edl"):
        m = load(folder, kind, t.dropout)
        with torch.no_grad():
            acc = float((m(x).argmax(1) == y).float().mean())
        row(f"{kind}: held-out accuracy", acc, data.heldout.models[kind].accuracy, 1e-3)
        for i, eps in enumerate(a.eps):
            if eps > 0:
                acc, zero = fgsm_accuracy(m, x, y, eps)
                row(f"{kind}: FGSM eps {eps:g} (float32 zero-grad {zero:.1%})", acc,
                    a.fgsm.accuracy[kind][i], 0.05)
    h = data.heldout.scores
    for s in data.unrelated.sets:
        for score, model, stored in (("softmax_entropy", "softmax", s.stats["softmax"].auroc_entropy),
                                     ("edl_entropy", "edl", s.stats["edl"].auroc_entropy),
                                     ("edl_u", "edl u", s.stats["edl"].auroc_u)):
            ins, outs = getattr(h, score), getattr(s.scores, score)
            auc = roc_auc_score(np.r_[np.zeros(len(ins)), np.ones(len(outs))], np.r_[ins, outs])
            row(f"AUROC {s.key}: {model}", auc, stored, 1e-4)
    print(json.dumps({"zero_grad_share_max": {m: max(a.fgsm.zero_grad_share[m] + a.pgd.zero_grad_share[m])
                                               for m in ("softmax", "edl")}}))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scene_data"))
