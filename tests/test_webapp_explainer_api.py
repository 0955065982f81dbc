"""The explainer endpoints with FastAPI's TestClient: shapes, values against a direct computation
with the checkpoints (plain torch on the saved weights, not the app's code path), and clear 4xx
errors on bad input."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from tests.conftest import ROOT, vertical_stroke_png

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from webapp import explain_schemas as xs  # noqa: E402
from tests.test_webapp_api import client  # noqa: E402, F401 (the platform on the test models)
from webapp.app import create_app  # noqa: E402
from webapp.state import Settings  # noqa: E402

SHAPES = {"input": [1, 28, 28], "conv1": [20, 24, 24], "relu1": [20, 24, 24],
          "pool1": [20, 12, 12], "conv2": [50, 8, 8], "relu2": [50, 8, 8], "pool2": [50, 4, 4],
          "fc1": [500], "logits": [10]}




@pytest.fixture(scope="module")
def weights(webapp_data_dir: Path) -> dict[str, dict[str, torch.Tensor]]:
    """The checkpoints' tensors in float64, read straight from the files."""
    out = {}
    for kind in ("softmax", "edl"):
        state = torch.load(webapp_data_dir / "checkpoints" / f"{kind}.pt", weights_only=True)
        out[kind] = {k: v.double() for k, v in state["state_dict"].items()}
    return out


def direct(w: dict[str, torch.Tensor], x: np.ndarray) -> dict[str, np.ndarray]:
    """LeNet written out with torch.nn.functional on the saved weights."""
    t = {"input": torch.from_numpy(np.asarray(x, np.float32)).double()[None, None]}
    t["conv1"] = F.conv2d(t["input"], w["conv1.weight"], w["conv1.bias"])
    t["relu1"] = t["conv1"].clamp(min=0)
    t["pool1"] = F.max_pool2d(t["relu1"], 2)
    t["conv2"] = F.conv2d(t["pool1"], w["conv2.weight"], w["conv2.bias"])
    t["relu2"] = t["conv2"].clamp(min=0)
    t["pool2"] = F.max_pool2d(t["relu2"], 2)
    t["fc1"] = F.linear(t["pool2"].flatten(1), w["fc1.weight"], w["fc1.bias"]).clamp(min=0)
    t["logits"] = F.linear(t["fc1"], w["fc2.weight"], w["fc2.bias"])
    return {k: v[0].numpy() for k, v in t.items()}


def drawn_input(client: TestClient) -> list[list[float]]:
    r = client.post("/api/predict", files={"image": ("one.png", vertical_stroke_png(), "image/png")})
    return r.json()["input"]


def layers_of(doc: dict) -> dict[str, np.ndarray]:
    return {layer["key"]: xs.Tensor(**layer["values"]).array() for layer in doc["layers"]}


def error(r, status: int, code: str) -> str:  # noqa: ANN001
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == code and body["detail"], body
    return body["detail"]


# -- /api/network ---------------------------------------------------------------------------------
@pytest.mark.parametrize("model", ["softmax", "edl"])
def test_network_every_layer_equals_the_checkpoints(client: TestClient, weights: dict,
                                                    model: str) -> None:
    x = drawn_input(client)
    r = client.post(f"/api/network?model={model}", json={"input": x})
    assert r.status_code == 200, r.text
    doc = r.json()
    assert doc["model"] == model
    got = layers_of(doc)
    assert list(got) == list(SHAPES)
    want = direct(weights[model], np.asarray(x))
    for key, shape in SHAPES.items():
        assert list(got[key].shape) == shape == next(
            layer["shape"] for layer in doc["layers"] if layer["key"] == key)
        assert np.allclose(got[key], want[key], rtol=1e-10, atol=1e-12), key
    params = {layer["key"]: layer["params"] for layer in doc["layers"]}
    assert params == {"input": 0, "conv1": 520, "relu1": 0, "pool1": 0, "conv2": 25050,
                      "relu2": 0, "pool2": 0, "fc1": 400500, "logits": 5010}
    # the heads: the formula's terms are the model's own logits
    own = doc["softmax_head"] if model == "softmax" else doc["edl_head"]["result"]
    assert np.allclose(own["logits"], want["logits"], rtol=1e-10, atol=1e-12)


def test_network_heads_fill_in_the_formulas(client: TestClient) -> None:
    doc = client.post("/api/network", json={"input": drawn_input(client)}).json()
    s = doc["softmax_head"]
    z = np.asarray(s["logits"])
    assert s["max"] == z.max()
    assert np.allclose(s["exp"], np.exp(z - z.max()), rtol=1e-12)
    assert s["total"] == pytest.approx(sum(s["exp"]), rel=1e-12)
    assert np.allclose(np.asarray(s["exp"]) / s["total"], s["probs"], rtol=1e-9, atol=1e-15)
    assert s["probs"] == doc["softmax"]["probs"] and s["prediction"] == doc["softmax"]["prediction"]
    e = doc["edl_head"]
    assert (e["evidence_fn"], e["clamp"]) == ("exp", 20.0)
    res = e["result"]
    assert np.allclose(res["evidence"], np.exp(np.clip(res["logits"], -20, 20)), rtol=1e-12)
    assert res["S"] == pytest.approx(sum(res["alpha"]), rel=1e-12)
    assert res["u"] == pytest.approx(10 / res["S"], rel=1e-12)
    assert res == doc["edl"]


def test_network_of_an_image_is_predict_s_input_and_answers(client: TestClient) -> None:
    """An image body is preprocessed as /api/predict does: same input, same answers."""
    png = vertical_stroke_png()
    pred = client.post("/api/predict", files={"image": ("a.png", png, "image/png")}).json()
    net = client.post("/api/network", files={"image": ("a.png", png, "image/png")}).json()
    assert np.allclose(layers_of(net)["input"][0], pred["input"], atol=5e-5)
    assert net["softmax"] == pred["softmax"] and net["edl"] == pred["edl"]
    # the exact input sent back as JSON gives the same trace, value for value
    exact = layers_of(net)["input"][0].tolist()
    again = client.post("/api/network", json={"input": exact}).json()
    assert again["layers"] == net["layers"]


NETWORK_BAD = {
    "27 rows": ({"input": [[0.0] * 28] * 27}, "28 rows of 28"),
    "a short row": ({"input": [[0.0] * 28] * 27 + [[0.0] * 5]}, "28 rows of 28"),
    "above 1": ({"input": [[0.0] * 28] * 27 + [[2.0] + [0.0] * 27]}, "[0, 1]"),
    "negative": ({"input": [[-0.5] * 28] * 28}, "[0, 1]"),
    "not numbers": ({"input": [["a"] * 28] * 28}, "input"),
    "no input": ({"pixels": []}, "input"),
}


@pytest.mark.parametrize("case", NETWORK_BAD)
def test_network_refuses_bad_input(client: TestClient, case: str) -> None:
    body, says = NETWORK_BAD[case]
    assert says in error(client.post("/api/network", json=body), 422, "invalid_request")


def test_network_refuses_bad_json_and_model(client: TestClient) -> None:
    r = client.post("/api/network", content=b"{not json", headers={"content-type": "application/json"})
    error(r, 422, "invalid_request")
    r = client.post("/api/network?model=resnet", json={"input": [[0.0] * 28] * 28})
    assert "model" in error(r, 422, "invalid_request")
    r = client.post("/api/network", content=b"hello", headers={"content-type": "text/plain"})
    error(r, 415, "unsupported_content_type")


# -- /api/cell ------------------------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["conv1", "relu1"])
def test_conv1_cell_products_sum_to_the_map(client: TestClient, weights: dict, layer: str) -> None:
    x = drawn_input(client)
    net = layers_of(client.post("/api/network", json={"input": x}).json())
    ch, row, col = 4, 9, 11
    doc = client.post("/api/cell", json={"input": x, "layer": layer, "channel": ch, "row": row,
                                         "col": col}).json()
    assert doc["kind"] == "conv" and doc["layer"] == "conv1" and doc["in_channels"] == 1
    [terms] = doc["shown"]
    window = np.asarray(x)[row:row + 5, col:col + 5]
    kernel = weights["softmax"]["conv1.weight"][ch, 0].numpy()
    assert np.allclose(terms["window"], window, atol=0) and np.allclose(terms["kernel"], kernel, atol=0)
    assert np.array_equal(terms["products"], (window.astype(np.float32).astype(np.float64) * kernel))
    assert doc["bias"] == weights["softmax"]["conv1.bias"][ch].item()
    total = np.sum(terms["products"]) + doc["bias"]
    assert doc["pre"] == net["conv1"][ch, row, col]  # exactly the number the map reports
    assert total == pytest.approx(doc["pre"], abs=1e-12)
    assert doc["post"] == net["relu1"][ch, row, col] == max(0.0, doc["pre"])
    assert doc["rest_channels"] == 0 and doc["rest"] == 0


def test_conv2_cell_top_channels_and_the_rest(client: TestClient) -> None:
    x = drawn_input(client)
    net = layers_of(client.post("/api/network?model=edl", json={"input": x}).json())
    doc = client.post("/api/cell", json={"input": x, "model": "edl", "layer": "conv2",
                                         "channel": 7, "row": 3, "col": 2, "top": 3}).json()
    assert doc["in_channels"] == 20 and len(doc["shown"]) == 3 and doc["rest_channels"] == 17
    sub = np.asarray(doc["subtotals"])
    top = [t["channel"] for t in doc["shown"]]
    assert top == list(np.argsort(-np.abs(sub), kind="stable")[:3])
    for t in doc["shown"]:
        assert np.asarray(t["window"]) == pytest.approx(net["pool1"][t["channel"], 3:8, 2:7], abs=0)
        assert np.sum(t["products"]) == pytest.approx(t["subtotal"], abs=1e-12)
    assert doc["rest"] == pytest.approx(sub.sum() - sub[top].sum(), abs=1e-12)
    shown = sum(t["subtotal"] for t in doc["shown"])
    assert shown + doc["rest"] + doc["bias"] == pytest.approx(doc["pre"], abs=1e-12)
    assert doc["pre"] == net["conv2"][7, 3, 2] and doc["post"] == net["relu2"][7, 3, 2]


@pytest.mark.parametrize("layer, src", [("pool1", "relu1"), ("pool2", "relu2")])
def test_pool_cell_window_and_winner(client: TestClient, layer: str, src: str) -> None:
    x = drawn_input(client)
    net = layers_of(client.post("/api/network", json={"input": x}).json())
    ch, row, col = 3, 2, 1
    doc = client.post("/api/cell", json={"input": x, "layer": layer, "channel": ch, "row": row,
                                         "col": col}).json()
    assert doc["kind"] == "pool" and doc["source"] == src
    window = net[src][ch, 2 * row:2 * row + 2, 2 * col:2 * col + 2]
    assert np.array_equal(doc["window"], window)
    assert doc["value"] == net[layer][ch, row, col] == window.max()
    assert net[src][ch, doc["winner_row"], doc["winner_col"]] == window.max()


CELL_BAD = {
    "channel out of range": ({"layer": "conv1", "channel": 20, "row": 0, "col": 0}, "no_such_cell", "channel 0-19"),
    "row out of range": ({"layer": "pool2", "channel": 0, "row": 4, "col": 0}, "no_such_cell", "row 0-3"),
    "unknown layer": ({"layer": "fc9", "channel": 0, "row": 0, "col": 0}, "invalid_request", "layer"),
    "negative col": ({"layer": "conv2", "channel": 0, "row": 0, "col": -1}, "invalid_request", "col"),
    "top 0": ({"layer": "conv2", "channel": 0, "row": 0, "col": 0, "top": 0}, "invalid_request", "top"),
}


@pytest.mark.parametrize("case", CELL_BAD)
def test_cell_refuses_bad_cells(client: TestClient, case: str) -> None:
    body, code, says = CELL_BAD[case]
    r = client.post("/api/cell", json={"input": [[0.0] * 28] * 28, **body})
    assert says in error(r, 422, code)


# -- /api/attack ----------------------------------------------------------------------------------
def _model(weights: dict, kind: str):  # noqa: ANN202
    from pipeline.models import LeNet

    m = LeNet()
    m.load_state_dict({k: v.float() for k, v in weights[kind].items()})
    return m.eval()


@pytest.mark.parametrize("method", ["fgsm", "pgd"])
def test_attack_is_the_pipelines_attack(client: TestClient, weights: dict, webapp_data_dir: Path,
                                        method: str) -> None:
    from pipeline import attacks
    from pipeline.inference import read_config

    x = drawn_input(client)
    eps = 0.1
    doc = client.post("/api/attack", json={"input": x, "method": method, "eps": eps}).json()
    cfg = read_config(webapp_data_dir)
    assert doc["method"] == method and doc["eps"] == eps
    assert doc["steps"] == (cfg.probe.pgd_steps if method == "pgd" else 1)
    xt = torch.tensor(x, dtype=torch.float32)[None, None]
    for kind in ("softmax", "edl"):
        a = doc[kind]
        model = _model(weights, kind)
        y = torch.tensor([a["label"]])
        if method == "fgsm":
            adv, _ = attacks.fgsm(model, xt, y, eps)
        else:
            adv, _ = attacks.pgd(model, xt, y, eps, cfg.probe.pgd_steps,
                                 eps * cfg.probe.pgd_step_fraction, cfg.train.seed)
        assert np.allclose(a["image"], adv[0, 0].numpy(), atol=5e-5)
        delta = np.asarray(a["perturbation"])
        assert np.abs(delta).max() <= eps + 1e-4 and np.abs(delta).max() > eps / 2
        assert np.allclose(np.asarray(x) + delta, a["image"], atol=2e-4)
        assert a["raised"] == int((adv[0, 0].double() > xt[0, 0].double()).sum())
        assert a["zero_grad_share"] == 0.0
        with torch.no_grad():
            logits = model.double()(adv.double())[0].numpy()
        assert np.allclose(a["answer"]["logits"], logits, rtol=1e-9, atol=1e-9)
        assert a["prediction"] == a["answer"]["prediction"] == int(np.argmax(a["answer"]["probs"]))
        assert a["flipped"] == (a["prediction"] != a["clean_prediction"])
    assert doc["edl"]["answer"]["u"] == pytest.approx(10 / sum(doc["edl"]["answer"]["alpha"]))


def test_attack_at_eps_0_changes_nothing_and_a_large_eps_flips(client: TestClient) -> None:
    x = drawn_input(client)
    calm = client.post("/api/attack", json={"input": x, "eps": 0.0}).json()
    for kind in ("softmax", "edl"):
        assert calm[kind]["raised"] == calm[kind]["lowered"] == 0 and not calm[kind]["flipped"]
    pred = client.post("/api/predict", files={"image": ("a.png", vertical_stroke_png())}).json()
    assert calm["edl"]["clean_u"] == pytest.approx(pred["edl"]["u"], rel=1e-4)
    flips = [client.post("/api/attack", json={"input": x, "eps": e, "method": "pgd"}).json()
             ["softmax"]["flipped"] for e in (0.1, 0.2, 0.3)]
    assert any(flips), "PGD at ε = 0.3 should move a weak model's drawn 1"


def test_attack_against_a_given_label(client: TestClient) -> None:
    doc = client.post("/api/attack", json={"input": drawn_input(client), "eps": 0.05,
                                           "label": 3}).json()
    assert doc["softmax"]["label"] == doc["edl"]["label"] == 3


ATTACK_BAD = {
    "eps above 0.3": ({"eps": 0.31}, "eps"),
    "negative eps": ({"eps": -0.1}, "eps"),
    "unknown method": ({"eps": 0.1, "method": "cw"}, "method"),
    "label 10": ({"eps": 0.1, "label": 10}, "label"),
    "no eps": ({}, "eps"),
}


@pytest.mark.parametrize("case", ATTACK_BAD)
def test_attack_refuses_bad_requests(client: TestClient, case: str) -> None:
    body, says = ATTACK_BAD[case]
    r = client.post("/api/attack", json={"input": [[0.0] * 28] * 28, **body})
    assert says in error(r, 422, "invalid_request")


def test_openapi_documents_the_explainer(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/network", "/api/cell", "/api/attack", "/api/lecture-links"):
        assert path in paths, path
    assert "application/json" in paths["/api/network"]["post"]["requestBody"]["content"]


# -- lecture links ----------------------------------------------------------------------------------
def test_every_panel_names_a_registered_section() -> None:
    from contract.sequences import SEQUENCES
    from webapp.links import PANELS

    for panel, (seq, section) in PANELS.items():
        assert section in SEQUENCES[seq].sections, (panel, seq, section)


def renders_with_sections(tiny_renders: Path, root: Path) -> Path:
    """The tiny render with its section clip named as a render names it: 02_pixels.mp4 is the
    second chapter ("Pixels", from 1.5 s) of the forward-pass video."""
    lec = root / "default"
    shutil.copytree(tiny_renders / "default", lec)
    manifest = lec / "manifest.json"
    doc = json.loads(manifest.read_text())
    for e in doc["files"]:
        if e["kind"] == "section":
            new = re.sub(r"01_pixels", "02_pixels", e["path"])
            (lec / e["path"]).rename(lec / new)
            e["path"] = new
    manifest.write_text(json.dumps(doc))
    return root


def test_lecture_links_read_the_chapter_off_the_clip(webapp_data_dir: Path, tiny_renders: Path,
                                                     tmp_path: Path) -> None:
    renders = renders_with_sections(tiny_renders, tmp_path / "renders")
    app = create_app(Settings(data=webapp_data_dir, renders=renders, lectures=ROOT / "lectures"))
    with TestClient(app) as c:
        [links] = c.get("/api/lecture-links").json()
        videos = c.get("/api/lectures").json()[0]["videos"]
    assert links["lecture"] == "default"
    assert set(links["panels"]) == {"input"}  # the only section this render has
    link = links["panels"]["input"]
    assert (link["sequence"], link["section"], link["chapter"]) == ("cnn_forward_pass", "pixels", 1)
    assert videos[link["video"]]["sequence"] == "cnn_forward_pass"
    assert link["start"] == videos[link["video"]]["chapters"][1]["start"] == 1.5
    assert link["title"] == "Pixels"


def test_no_render_no_links(webapp_data_dir: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data=webapp_data_dir, renders=tmp_path, lectures=ROOT / "lectures"))
    with TestClient(app) as c:
        assert c.get("/api/lecture-links").json() == []


# -- words ----------------------------------------------------------------------------------------
def test_explainer_words_in_both_languages_without_collisions(client: TestClient) -> None:
    from webapp import wording
    from webapp.explainer_words import WORDS

    assert set(WORDS["en"]) == set(WORDS["zh"])
    page = wording.load(ROOT / "lectures")
    for lang in ("en", "zh"):
        assert not set(WORDS[lang]) & set(page[lang]), "an explainer key shadows a page key"
        served = client.get("/api/wording").json()[lang]
        assert all(served[k] == v for k, v in WORDS[lang].items())
        assert all(served[k] == v for k, v in page[lang].items())
    for k, en in WORDS["en"].items():  # the same placeholders in both languages
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", WORDS["zh"][k])), k


def test_every_word_the_explainer_uses_exists() -> None:
    from webapp.explainer_words import WORDS

    static = ROOT / "webapp" / "static"
    used: set[str] = set()
    for name in ("network.js", "arithmetic.js", "attack.js", "lecture_links.js", "index.html"):
        text = (static / name).read_text(encoding="utf-8")
        used |= set(re.findall(r"""["'](x_[a-z0-9_]+)["']""", text))
        used |= {k + "_desc" for k in re.findall(r'\["\w+", "(x_\w+)", "\w+"\]', text)}
    used |= set(re.findall(r'data-w="(x_\w+)"', (static / "index.html").read_text()))
    assert used and used <= set(WORDS["en"]), sorted(used - set(WORDS["en"]))


@pytest.mark.parametrize("method", ["fgsm", "pgd"])
def test_concurrent_attacks_share_a_batch_and_match_single_attacks(
        webapp_data_dir: Path, monkeypatch: pytest.MonkeyPatch, method: str) -> None:
    """Twelve attacks at once, each with its own ε and image: fewer passes than requests, and
    every answer is what a single attack of that image gives (PGD: the same random start as
    alone)."""
    import asyncio

    from pipeline import inference
    from pipeline.inference import Predictor
    from webapp.attack_batcher import AttackBatcher

    predictor = Predictor.from_folder(webapp_data_dir)
    calls: list[int] = []
    real = inference.attack_batch

    def counting(p, kind, images, labels, how, eps):  # noqa: ANN001, ANN202
        calls.append(len(images))
        return real(p, kind, images, labels, how, eps)

    rng = np.random.default_rng(3)
    images = (rng.random((12, 28, 28)) > 0.75).astype(np.float32)
    eps = [round(float(e), 2) for e in rng.uniform(0.01, 0.3, 12)]

    async def go() -> list[dict]:
        b = AttackBatcher(predictor, method)
        await b.start()
        rows = await asyncio.gather(*(b.attack(images[i], {"softmax": i % 10, "edl": i % 10},
                                               eps[i]) for i in range(12)))
        await b.stop()
        return rows

    monkeypatch.setattr(inference, "attack_batch", counting)
    rows = asyncio.run(go())
    monkeypatch.undo()
    assert sum(calls) == 24 and len(calls) < 24  # two models, fewer passes than requests
    for i, row in enumerate(rows):
        for kind in ("softmax", "edl"):
            single = inference.attack(predictor, kind, images[i], i % 10, method, eps[i])
            assert np.abs(row[kind]["image"] - single["image"]).max() < 1e-12
            assert row[kind]["row"]["pred"] == single["row"]["pred"]
            assert np.allclose(row[kind]["row"]["probs"], single["row"]["probs"], rtol=1e-9)
