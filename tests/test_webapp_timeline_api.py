"""The training timeline's endpoints with FastAPI's TestClient: each step recomputed with plain
torch from the weights saved after that epoch (not the app's code path), λ_t and the curves
against training.json, the rotation sweep per epoch, and clear errors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from tests.conftest import vertical_stroke_png  # noqa: E402
from tests.test_webapp_api import client  # noqa: E402, F401 (the platform on the test models)
from tests.test_webapp_explainer_api import direct, drawn_input, error  # noqa: E402


def saved(data: Path, kind: str, epoch: int) -> dict[str, torch.Tensor]:
    state = torch.load(data / "timeline" / f"{kind}-e{epoch:02d}.pt", weights_only=True)
    assert state["kind"] == kind and state["epoch"] == epoch
    return {k: v.double() for k, v in state["state_dict"].items()}


def test_every_epoch_is_saved_and_the_last_is_the_checkpoint(webapp_data_dir: Path) -> None:
    cfg = json.loads((webapp_data_dir / "training.json").read_text())["provenance"]["config"]
    epochs = cfg["train"]["epochs"]
    for kind in ("softmax", "edl"):
        files = sorted((webapp_data_dir / "timeline").glob(f"{kind}-e*.pt"))
        assert [f.name for f in files] == [f"{kind}-e{e:02d}.pt" for e in range(1, epochs + 1)]
        final = torch.load(webapp_data_dir / "checkpoints" / f"{kind}.pt", weights_only=True)
        last = saved(webapp_data_dir, kind, epochs)
        for name, w in final["state_dict"].items():
            assert torch.equal(w.double(), last[name]), name


def test_a_step_is_that_epochs_weights(client: TestClient, webapp_data_dir: Path) -> None:  # noqa: F811
    x = np.asarray(drawn_input(client), float)
    info = client.get("/api/timeline").json()
    history = json.loads((webapp_data_dir / "training.json").read_text())["history"]
    us = []
    for epoch in info["epochs"]:
        r = client.post("/api/timeline/step", json={"input": x.tolist(), "epoch": epoch})
        assert r.status_code == 200, r.text
        doc = r.json()
        z = {k: direct(saved(webapp_data_dir, k, epoch), x)["logits"] for k in ("softmax", "edl")}
        assert np.allclose(doc["softmax"]["logits"], z["softmax"], atol=1e-6)
        p = np.exp(z["softmax"] - z["softmax"].max())
        assert np.allclose(doc["softmax"]["probs"], p / p.sum(), atol=1e-6)
        assert np.allclose(doc["edl"]["logits"], z["edl"], atol=1e-6)
        ev = np.asarray(doc["edl"]["evidence"])
        assert doc["edl"]["u"] == pytest.approx(10 / (ev.sum() + 10), rel=1e-6)
        row = history["edl"][epoch - 1]
        assert doc["kl_weight"] == pytest.approx(row["train_lambda"])
        assert doc["train_loss"]["edl"] == pytest.approx(row["train_loss"])
        assert doc["heldout_loss"]["softmax"] == pytest.approx(history["softmax"][epoch - 1]["heldout_loss"])
        us.append(doc["edl"]["u"])
    assert len(set(np.round(us, 6))) > 1, f"u did not move over the epochs: {us}"


def test_the_curves_and_kl_weight_are_trainings(client: TestClient, webapp_data_dir: Path) -> None:  # noqa: F811
    info = client.get("/api/timeline").json()
    history = json.loads((webapp_data_dir / "training.json").read_text())["history"]
    assert info["epochs"] == [r["epoch"] for r in history["edl"]]
    assert info["kl_weight"] == pytest.approx([r["train_lambda"] for r in history["edl"]])
    for kind in ("softmax", "edl"):
        assert info["curves"][kind]["heldout_acc"] == pytest.approx(
            [r["heldout_acc"] for r in history[kind]])


def test_the_sweep_per_epoch(client: TestClient) -> None:  # noqa: F811
    x = drawn_input(client)
    first = client.post("/api/timeline/rotate", json={"input": x, "epoch": 1}).json()
    last_epoch = client.get("/api/timeline").json()["epochs"][-1]
    last = client.post("/api/timeline/rotate", json={"input": x, "epoch": last_epoch}).json()
    now = client.post("/api/rotate", files={"image": ("one.png", vertical_stroke_png(),
                                                       "image/png")}).json()
    assert first["epoch"] == 1 and first["angles"] == now["angles"]
    # after the last epoch the models are the checkpoints that /api/rotate serves
    assert np.allclose(last["edl_u"], now["edl_u"], atol=1e-9)
    assert last["softmax_prediction"] == now["softmax_prediction"]
    assert not np.allclose(first["edl_u"], last["edl_u"], atol=1e-4)


def test_an_epoch_that_was_not_saved_is_refused(client: TestClient) -> None:  # noqa: F811
    x = drawn_input(client)
    detail = error(client.post("/api/timeline/step", json={"input": x, "epoch": 99}), 422,
                   "no_such_epoch")
    assert "99" in detail and "saved epochs are 1" in detail
