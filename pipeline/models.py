"""The LeNet of the EDL paper (Sensoy et al. 2018), shared by the softmax and the EDL model."""
from __future__ import annotations

import torch
from torch import nn
import torch.nn.functional as F


class LeNet(nn.Module):
    """conv 20@5x5 -> ReLU -> max-pool 2 -> conv 50@5x5 -> ReLU -> max-pool 2 -> FC 500 -> ReLU
    (dropout) -> FC 10. ``forward`` returns the 10 logits; ``trace`` returns every stage."""

    def __init__(self, dropout: float = 0.5, n_classes: int = 10) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5)
        self.conv2 = nn.Conv2d(20, 50, 5)
        self.fc1 = nn.Linear(50 * 4 * 4, 500)
        self.fc2 = nn.Linear(500, n_classes)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.dropout(F.relu(self.fc1(x.flatten(1))))
        return self.fc2(x)

    @torch.no_grad()
    def trace(self, x: torch.Tensor) -> dict[str, torch.Tensor]:
        """All intermediate tensors for a batch, in eval mode (no dropout)."""
        was_training = self.training
        self.eval()
        out: dict[str, torch.Tensor] = {"input": x}
        out["conv1"] = self.conv1(x)
        out["relu1"] = F.relu(out["conv1"])
        out["pool1"] = F.max_pool2d(out["relu1"], 2)
        out["conv2"] = self.conv2(out["pool1"])
        out["relu2"] = F.relu(out["conv2"])
        out["pool2"] = F.max_pool2d(out["relu2"], 2)
        out["flatten"] = out["pool2"].flatten(1)
        out["fc1"] = F.relu(self.fc1(out["flatten"]))
        out["logits"] = self.fc2(out["fc1"])
        self.train(was_training)
        return out

    def layer_table(self) -> list[dict]:
        """(key, name, output shape, parameter count) for the architecture overview."""
        rows = [("input", "input", (1, 28, 28), 0),
                ("conv1", "conv1 5x5", (20, 24, 24), _count(self.conv1)),
                ("pool1", "ReLU + max-pool 2", (20, 12, 12), 0),
                ("conv2", "conv2 5x5", (50, 8, 8), _count(self.conv2)),
                ("pool2", "ReLU + max-pool 2", (50, 4, 4), 0),
                ("flatten", "flatten", (800,), 0),
                ("fc1", "FC + ReLU", (500,), _count(self.fc1)),
                ("fc2", "FC (logits)", (self.fc2.out_features,), _count(self.fc2))]
        return [{"key": k, "name": n, "shape": list(s), "params": p} for k, n, s, p in rows]


def _count(m: nn.Module) -> int:
    return sum(p.numel() for p in m.parameters())
