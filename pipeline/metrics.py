"""Evaluation metrics on numpy arrays: entropy, calibration, OOD detection, rejection curves."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

LOG_K = float(np.log(10))


def entropy(p: np.ndarray) -> np.ndarray:
    """Predictive entropy in nats, row-wise; 0 log 0 = 0."""
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return terms.sum(-1)


def reliability(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10
                ) -> tuple[list[dict], float]:
    """Equal-width confidence bins (max probability) and the expected calibration error."""
    conf = probs.max(1)
    correct = probs.argmax(1) == labels
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    # the first bin is closed on the left so that a confidence of exactly 0 is counted
    which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    bins, ece = [], 0.0
    for b in range(n_bins):
        m = which == b
        n = int(m.sum())
        c = float(conf[m].mean()) if n else 0.0
        a = float(correct[m].mean()) if n else 0.0
        ece += n / max(len(conf), 1) * abs(a - c)
        bins.append({"lower": edges[b], "upper": edges[b + 1], "confidence": c, "accuracy": a,
                     "count": n})
    return bins, float(ece)


def auroc(in_scores: np.ndarray, out_scores: np.ndarray) -> float:
    """Area under the ROC curve of telling unrelated (positive, higher score) from held-out."""
    y = np.r_[np.zeros(len(in_scores)), np.ones(len(out_scores))]
    return float(roc_auc_score(y, np.r_[in_scores, out_scores]))


def ecdf(values: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """Empirical CDF of ``values`` evaluated on ``grid``."""
    v = np.sort(values)
    return np.searchsorted(v, grid, side="right") / max(len(v), 1)


def rejection_curve(uncertainty: np.ndarray, correct: np.ndarray, thresholds: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy of the samples kept (uncertainty <= threshold) and the share kept.
    Accuracy is 1 where nothing is kept (no mistake is made on no sample)."""
    acc, kept = [], []
    for t in thresholds:
        m = uncertainty <= t + 1e-12
        kept.append(m.mean())
        acc.append(correct[m].mean() if m.any() else 1.0)
    return np.asarray(acc), np.asarray(kept)
