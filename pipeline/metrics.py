"""Evaluation metrics on numpy arrays: entropy, calibration, OOD detection, rejection curves."""
from __future__ import annotations

from typing import Optional

import numpy as np
from sklearn.metrics import roc_auc_score

LOG_K = float(np.log(10))


def entropy(p: np.ndarray) -> np.ndarray:
    """Predictive entropy in nats, row-wise; 0 log 0 = 0."""
    p = np.clip(p, 0.0, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, -p * np.log(p), 0.0)
    return terms.sum(-1)


def mean_or(values: np.ndarray, empty: Optional[float] = None) -> Optional[float]:
    """The mean of ``values``, or ``empty`` when there are none (the mean of no digits is not
    a number: each caller says what stands for it)."""
    return float(values.mean()) if len(values) else empty


def confidence_bins(conf: np.ndarray, n_bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Equal-width bin edges on [0, 1] and, for each confidence (any shape), its bin 0..n_bins-1.
    The first bin is closed on the left so that a confidence of exactly 0 is counted."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.searchsorted(edges, conf, side="left") - 1, 0, n_bins - 1)
    return edges, which


def reliability(probs: np.ndarray, labels: np.ndarray, n_bins: int = 10
                ) -> tuple[list[dict], float]:
    """Equal-width confidence bins (max probability) and the expected calibration error."""
    conf = probs.max(1)
    correct = probs.argmax(1) == labels
    edges, which = confidence_bins(conf, n_bins)
    bins, ece = [], 0.0
    for b in range(n_bins):
        m = which == b
        n = int(m.sum())
        c = mean_or(conf[m], 0.0)
        a = mean_or(correct[m], 0.0)
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


def kept(uncertainty: np.ndarray, threshold: float) -> np.ndarray:
    """Which samples a threshold keeps: uncertainty <= threshold, with a slack of 1e-12 so that a
    value equal to the threshold up to rounding is kept."""
    return uncertainty <= threshold + 1e-12


def rejection_curve(uncertainty: np.ndarray, correct: np.ndarray, thresholds: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy of the samples kept (uncertainty <= threshold) and the share kept.
    Accuracy is 1 where nothing is kept (no mistake is made on no sample)."""
    acc, share = [], []
    for t in thresholds:
        m = kept(uncertainty, t)
        share.append(m.mean())
        acc.append(mean_or(correct[m], 1.0))
    return np.asarray(acc), np.asarray(share)
