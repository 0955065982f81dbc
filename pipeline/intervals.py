"""Bootstrap intervals: how much a metric, or the difference between the two models, moves when
the evaluation examples are drawn again.

Both models are scored on the same resampled examples (a paired bootstrap), so the interval of
a difference reflects the examples, not two independent draws. Held-out digits and each
unrelated set are resampled separately (stratified), keeping their sizes. Seeded.

    boot = Bootstrap(reps=1000, seed=0)
    idx = boot.indices(len(correct))                     # (reps, n) resampled positions
    lo, hi = interval(correct_edl[idx].mean(1) - correct_softmax[idx].mean(1))
"""
from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from . import metrics

LEVEL = 0.95


class Bootstrap:
    """A seeded source of resampled example positions."""

    def __init__(self, reps: int = 1000, seed: int = 0) -> None:
        self.reps = reps
        self.rng = np.random.default_rng(seed)

    def indices(self, n: int) -> np.ndarray:
        """(reps, n) positions drawn with replacement from range(n)."""
        return self.rng.integers(0, n, size=(self.reps, n))


def interval(replicates: np.ndarray, level: float = LEVEL) -> list[float]:
    """The central ``level`` percentile interval ``[lo, hi]`` of bootstrap replicates."""
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(np.asarray(replicates, float), [tail, 100 - tail])
    return [float(lo), float(hi)]


def excludes_zero(ci: list[float] | tuple[float, float]) -> bool:
    """Whether the interval of a difference lies wholly on one side of 0."""
    return bool(ci[0] > 0 or ci[1] < 0)


def mean_reps(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
    """Replicates of a mean (accuracy when ``values`` are 0/1 correctness)."""
    return np.asarray(values, float)[idx].mean(1)


def ece_reps(confidence: np.ndarray, correct: np.ndarray, idx: np.ndarray, n_bins: int
             ) -> np.ndarray:
    """Replicates of the expected calibration error, with the bins of
    :func:`pipeline.metrics.reliability`."""
    conf = np.asarray(confidence, float)[idx]
    corr = np.asarray(correct, float)[idx]
    _, which = metrics.confidence_bins(conf, n_bins)
    total = np.zeros(len(idx))
    for b in range(n_bins):
        m = which == b
        total += np.abs((corr * m).sum(1) - (conf * m).sum(1))
    return total / idx.shape[1]


def auroc_reps(in_scores: np.ndarray, out_scores: np.ndarray, idx_in: np.ndarray,
               idx_out: np.ndarray) -> np.ndarray:
    """Replicates of the AUROC of telling out (higher score) from in, by the Mann-Whitney rank
    sum with ties counted half (what scikit-learn's roc_auc_score computes)."""
    a = np.asarray(in_scores, float)[idx_in]
    b = np.asarray(out_scores, float)[idx_out]
    n_in, n_out = a.shape[1], b.shape[1]
    ranks = rankdata(np.concatenate([a, b], axis=1), axis=1)
    return (ranks[:, n_in:].sum(1) - n_out * (n_out + 1) / 2) / (n_in * n_out)


def kept_accuracy(uncertainty: np.ndarray, correct: np.ndarray, share: float) -> float:
    """Accuracy of the ``share`` most certain examples. A group of tied uncertainties straddling
    the cut counts with its mean accuracy (the expected value over any order of the ties), so
    the result never depends on how a sort breaks ties."""
    u = np.asarray(uncertainty, float)
    c = np.asarray(correct, float)
    k = share * len(u)
    if k <= 0:
        return 1.0
    order = np.argsort(u, kind="stable")
    u, c = u[order], c[order]
    cut = u[min(int(np.ceil(k)) - 1, len(u) - 1)]
    below = u < cut
    tied = u == cut
    n_below = int(below.sum())
    return float((c[below].sum() + (k - n_below) * c[tied].mean()) / k)


def kept_accuracy_reps(uncertainty: np.ndarray, correct: np.ndarray, idx: np.ndarray,
                       share: float) -> np.ndarray:
    u = np.asarray(uncertainty, float)
    c = np.asarray(correct, float)
    return np.array([kept_accuracy(u[i], c[i], share) for i in idx])


def threshold_accuracy_reps(uncertainty: np.ndarray, correct: np.ndarray, idx: np.ndarray,
                            thresholds: np.ndarray) -> np.ndarray:
    """(reps, thresholds) accuracy of the kept (uncertainty <= t); 1 where nothing is kept, as
    in :func:`pipeline.metrics.rejection_curve`."""
    u = np.asarray(uncertainty, float)[idx]
    c = np.asarray(correct, float)[idx]
    out = np.ones((len(idx), len(thresholds)))
    for j, t in enumerate(thresholds):
        m = metrics.kept(u, t)
        n = m.sum(1)
        out[:, j] = np.where(n > 0, (c * m).sum(1) / np.maximum(n, 1), 1.0)
    return out


def band(replicates: np.ndarray, level: float = LEVEL) -> list[list[float]]:
    """Per column of (reps, points) replicates, its ``[lo, hi]`` interval."""
    return [interval(replicates[:, j], level) for j in range(replicates.shape[1])]
