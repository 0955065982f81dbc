"""Inside the trained networks: what they look at (Grad-CAM, saliency), what each class unit
wants to see (activation maximization), where the inputs land in feature space (PCA, t-SNE of
FC 500) and which digits they confuse. Real numbers for sequence 6, both models alike.

The "score" of a class is its logit for the softmax model and its evidence for the EDL model
(what each model's output head turns into belief).

    cam = gradcam(model, image, cls, score)          # (28, 28) in [0, 1]
    imgs, scores = maximize(model, score, seed=0)    # (10, 28, 28), (10,)
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.decomposition import PCA
from sklearn.manifold import TSNE
from sklearn.metrics import confusion_matrix

from . import edl
from .config import ProbeConfig, TrainConfig
from .models import LeNet
from .results import EmbeddingModel

Score = Callable[[torch.Tensor], torch.Tensor]  # logits (N, 10) -> class scores (N, 10)


def score_fn(kind: str, cfg: TrainConfig) -> Score:
    """Logits for the softmax model, evidence for EDL."""
    return (lambda z: z) if kind == "softmax" else edl.evidence_fn(cfg.evidence, cfg.evidence_clamp)


def _conv2_and_head(model: LeNet, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """conv2 after ReLU (the last convolutional maps, 50 x 8 x 8) and the logits from them."""
    a = F.relu(model.conv2(F.max_pool2d(F.relu(model.conv1(x)), 2)))
    z = model.fc2(F.relu(model.fc1(F.max_pool2d(a, 2).flatten(1))))
    return a, z


def peak_one(heat: torch.Tensor) -> np.ndarray:
    """A map of non-negative values (Grad-CAM, saliency) scaled to a peak of 1; all 0 if
    nothing is positive."""
    heat = heat.detach()
    peak = float(heat.max())
    return (heat / peak).numpy() if peak > 0 else np.zeros(tuple(heat.shape), np.float32)


def gradcam(model: LeNet, image: np.ndarray, cls: int, score: Score) -> np.ndarray:
    """Grad-CAM (Selvaraju et al. 2017) on conv2: the maps weighted by the mean gradient of the
    class score, ReLU, upsampled to 28 x 28, scaled to a peak of 1 (all 0 if nothing helps)."""
    model.eval()
    x = torch.from_numpy(np.asarray(image, np.float32))[None, None]
    a, z = _conv2_and_head(model, x)
    (g,) = torch.autograd.grad(score(z)[0, cls], a)
    cam = F.relu((g.mean((2, 3), keepdim=True) * a).sum(1, keepdim=True))
    return peak_one(F.interpolate(cam, size=(28, 28), mode="bilinear", align_corners=False)[0, 0])


def saliency(model: LeNet, image: np.ndarray, cls: int, score: Score) -> np.ndarray:
    """|d score / d pixel| (Simonyan et al. 2014), scaled to a peak of 1."""
    model.eval()
    x = torch.from_numpy(np.asarray(image, np.float32))[None, None].requires_grad_(True)
    (g,) = torch.autograd.grad(score(model(x))[0, cls], x)
    return peak_one(g.abs()[0, 0])


def _blur(x: torch.Tensor) -> torch.Tensor:
    k = torch.tensor([1.0, 2.0, 1.0])
    k = (k[:, None] * k[None, :] / 16).view(1, 1, 3, 3)
    return F.conv2d(x, k, padding=1)


def total_variation(x: torch.Tensor) -> torch.Tensor:
    return (x[..., 1:, :] - x[..., :-1, :]).abs().mean() + (x[..., 1:] - x[..., :-1]).abs().mean()


def maximize(model: LeNet, score: Score, p: ProbeConfig, seed: int
             ) -> tuple[np.ndarray, np.ndarray]:
    """Activation maximization: for each class, an input in [0, 1] that drives its score up,
    regularized with random jitter, a light blur every few steps and total variation (so the
    image shows strokes, not adversarial noise). Seeded. Returns the images and final scores."""
    model.eval()
    for q in model.parameters():
        q.requires_grad_(False)
    gen = torch.Generator().manual_seed(seed)
    x = (0.1 * torch.rand(10, 1, 28, 28, generator=gen)).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=p.actmax_lr)
    idx = torch.arange(10)
    for step in range(p.actmax_steps):
        dy, dx = (int(v) for v in torch.randint(-2, 3, (2,), generator=gen))
        s = score(model(torch.roll(x, (dy, dx), (2, 3))))[idx, idx]
        loss = -s.mean() + p.actmax_tv * total_variation(x)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            if step % 10 == 9:
                x.copy_(_blur(x))
            x.clamp_(0, 1)
    for q in model.parameters():
        q.requires_grad_(True)
    with torch.no_grad():
        final = score(model(x))[idx, idx]
    return x.detach()[:, 0].numpy(), final.numpy()


def features(model: LeNet, x: np.ndarray) -> np.ndarray:
    """FC 500 activations (after ReLU) for (N, 1, 28, 28) images."""
    with torch.no_grad():
        return model.trace(torch.from_numpy(x))["fc1"].numpy()


def embed(feats: np.ndarray, seed: int, perplexity: float) -> EmbeddingModel:
    """2-D PCA and t-SNE of feature vectors, seeded (t-SNE starts from the PCA layout)."""
    pca = PCA(n_components=2, random_state=seed)
    xy = pca.fit_transform(feats)
    tsne = TSNE(n_components=2, perplexity=min(perplexity, (len(feats) - 1) / 3),
                init="pca", random_state=seed, n_jobs=1)
    return EmbeddingModel(pca=xy, pca_explained=pca.explained_variance_ratio_,
                          tsne=tsne.fit_transform(feats))


def confusion(labels: np.ndarray, preds: np.ndarray) -> np.ndarray:
    """10 x 10 counts: row = true digit, column = prediction."""
    return confusion_matrix(labels, preds, labels=list(range(10)))


def most_confused(matrix: np.ndarray) -> tuple[int, int, int]:
    """(true, predicted, count) of the largest off-diagonal cell (ties: first in order)."""
    m = np.array(matrix, dtype=int)
    np.fill_diagonal(m, -1)
    t, p = np.unravel_index(int(np.argmax(m)), m.shape)
    return int(t), int(p), int(m[t, p])
