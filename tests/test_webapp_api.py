"""The learning platform's API with FastAPI's TestClient: numbers, bad input, media, wording."""
from __future__ import annotations

import asyncio
import io
import json
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from contract import scene_data as contract

from contract import scene_io
from contract.models import REGISTRY
from pipeline.inference import read_config
from tests.conftest import ROOT, serve, vertical_stroke_png

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient  # noqa: E402

from webapp import images  # noqa: E402
from webapp.app import create_app  # noqa: E402
from webapp.state import Settings  # noqa: E402


@pytest.fixture(scope="module")
def client(webapp_data_dir: Path, tiny_renders: Path) -> Iterator[TestClient]:
    app = create_app(Settings(data=webapp_data_dir, renders=tiny_renders,
                              lectures=ROOT / "lectures"))
    with TestClient(app) as c:
        yield c


def png(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG")
    return buf.getvalue()


def post_image(client: TestClient, data: bytes, path: str = "/api/predict") -> dict:
    r = client.post(path, files={"image": ("digit.png", data, "image/png")})
    assert r.status_code == 200, r.text
    return r.json()


def test_health(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["status"] == "ok" and r.json()["lectures"] == 1


def test_drawn_one_both_models_and_edl_identities(client: TestClient) -> None:
    out = post_image(client, vertical_stroke_png())
    assert np.asarray(out["input"]).shape == (28, 28)
    assert sum(out["softmax"]["probs"]) == pytest.approx(1.0, abs=1e-5)
    e = out["edl"]
    assert e["u"] == pytest.approx(10 / sum(e["alpha"]), rel=1e-5)
    assert e["S"] == pytest.approx(sum(e["alpha"]), rel=1e-5)
    assert sum(e["belief"]) + e["u"] == pytest.approx(1.0, abs=1e-5)
    assert out["softmax"]["prediction"] == 1 and e["prediction"] == 1
    assert out["conv1"] is None


def test_raw_body_same_as_multipart(client: TestClient) -> None:
    data = vertical_stroke_png()
    raw = client.post("/api/predict", content=data, headers={"content-type": "image/png"})
    assert raw.status_code == 200
    assert raw.json() == post_image(client, data)


def test_same_numbers_as_the_probe(client: TestClient, webapp_data_dir: Path) -> None:
    """The fixture probed the drawn 1 as a user image: the API must give the dump's numbers."""
    un = scene_io.load(contract.Unrelated, webapp_data_dir)
    ex = [s for s in un.sets if s.key == "user"][0].examples[0]
    out = post_image(client, (webapp_data_dir / "drawn_one.png").read_bytes())
    assert np.allclose(out["input"], ex.image, atol=1e-4)
    for kind, probe in (("softmax", ex.softmax), ("edl", ex.edl)):
        got = out[kind]
        assert got["prediction"] == probe.pred
        assert got["entropy"] == pytest.approx(probe.entropy, rel=1e-5, abs=1e-6)
        assert np.allclose(got["probs"], probe.probs, rtol=1e-5, atol=1e-6)
        assert np.allclose(got["logits"], probe.logits, rtol=1e-5, atol=1e-5)
    for field in ("evidence", "alpha", "belief"):
        assert np.allclose(out["edl"][field], getattr(ex.edl, field), rtol=1e-5, atol=1e-6), field
    assert out["edl"]["S"] == pytest.approx(ex.edl.S, rel=1e-5)
    assert out["edl"]["u"] == pytest.approx(ex.edl.u, rel=1e-5)


def test_noise_is_more_uncertain_than_a_drawn_one(client: TestClient) -> None:
    one = post_image(client, vertical_stroke_png())
    noise = (np.random.default_rng(0).random((28, 28)) * 255).astype(np.uint8)
    assert post_image(client, png(noise))["edl"]["u"] > one["edl"]["u"] + 0.2


def test_conv1_maps_on_request(client: TestClient) -> None:
    r = client.post("/api/predict?conv1=true", files={"image": ("a.png", vertical_stroke_png())})
    maps = np.asarray(r.json()["conv1"])
    assert maps.shape == (20, 24, 24) and maps.min() >= 0 and maps.max() > 0


def test_rotate_sweep_in_one_request(client: TestClient, webapp_data_dir: Path) -> None:
    out = post_image(client, vertical_stroke_png(), "/api/rotate")
    angles = out["angles"]
    probe_angles = scene_io.load(contract.Rotation, webapp_data_dir).angles
    assert angles == list(probe_angles) and angles[0] == 0 and angles[-1] == 180
    n = len(angles)
    for key in ("images", "softmax_prediction", "softmax_confidence", "edl_prediction",
                "edl_confidence", "edl_u"):
        assert len(out[key]) == n, key
    one = post_image(client, vertical_stroke_png())
    assert out["edl_u"][0] == pytest.approx(one["edl"]["u"], rel=1e-5)
    assert out["softmax_prediction"][0] == one["softmax"]["prediction"]


# -- every registry model: MC dropout and the deep ensemble beside softmax and EDL -----------
AVERAGED = [n for n, m in REGISTRY.items() if m.predicts != "single"]


def test_every_registry_model_answers(client: TestClient, webapp_data_dir: Path) -> None:
    cfg = read_config(webapp_data_dir)
    count = {"passes": cfg.probe.mc_passes, "members": cfg.train.ensemble_members}
    for data in (vertical_stroke_png(), noise_png()):
        out = post_image(client, data)
        assert set(REGISTRY) <= set(out)
        for name, model in REGISTRY.items():
            r = out[name]
            assert sum(r["probs"]) == pytest.approx(1.0, abs=1e-5), name
            assert r["prediction"] == int(np.argmax(r["probs"])), name
            assert 0.0 <= r["entropy"] <= np.log(10) + 1e-9, name
            if model.predicts == "single":
                continue
            assert 0.0 <= r["mutual_information"] <= r["entropy"] + 1e-9, name
            assert r["count"] == count[model.predicts] == sum(r["votes"]), name
            assert len(r["spread"]) == 10 and min(r["spread"]) >= 0, name
            if model.predicts == "members":
                assert len(r["members"]) == r["count"] == len(r["member_probs"])
                for vote, probs in zip(r["members"], r["member_probs"]):
                    assert vote["prediction"] == int(np.argmax(probs))
                    assert vote["probability"] == pytest.approx(max(probs), abs=1e-9)


def noise_png(seed: int = 3) -> bytes:
    rng = np.random.default_rng(seed)
    return png((rng.random((28, 28)) * 255).astype(np.uint8))


def test_ensemble_mean_is_the_members_mean_from_the_checkpoints(
        client: TestClient, webapp_data_dir: Path) -> None:
    """Recomputed in plain torch: each checkpoint's LeNet in float64, softmax, mean."""
    import torch

    from pipeline.models import LeNet

    cfg = read_config(webapp_data_dir)
    data = noise_png()
    x = torch.from_numpy(images.to_mnist(data)[None, None].astype(np.float32)).double()
    probs = []
    for i in range(cfg.train.ensemble_members):
        name = "softmax.pt" if i == 0 else f"ensemble-{i}.pt"
        state = torch.load(webapp_data_dir / "checkpoints" / name, weights_only=True)
        net = LeNet(cfg.train.dropout)
        net.load_state_dict(state["state_dict"])
        with torch.no_grad():
            probs.append(torch.softmax(net.double().eval()(x), -1)[0].numpy())
    got = post_image(client, data)["ensemble"]
    assert np.allclose(got["member_probs"], probs, atol=1e-5)
    assert np.allclose(got["probs"], np.mean(probs, 0), atol=1e-5)
    assert [m["prediction"] for m in got["members"]] == [int(p.argmax()) for p in probs]


def test_mc_dropout_is_reproducible_with_its_seed(client: TestClient,
                                                  webapp_data_dir: Path) -> None:
    """The same image, the same T masks from the run's seed: the same answer, alone or beside
    other requests, and the pipeline's own MC dropout of that image."""
    import torch

    from pipeline import mc_dropout
    from pipeline.run import load_models

    cfg = read_config(webapp_data_dir)
    data = noise_png(5)
    a, b = post_image(client, data)["mc_dropout"], post_image(client, data)["mc_dropout"]
    assert np.allclose(a["probs"], b["probs"], atol=1e-12) and a["votes"] == b["votes"]
    models, _, _ = load_models(cfg, webapp_data_dir)
    x = torch.from_numpy(images.to_mnist(data)[None, None].astype(np.float32))
    mc = mc_dropout.predict(models["softmax"], x, cfg.probe.mc_passes, cfg.train.dropout,
                            cfg.train.seed)
    assert np.allclose(a["probs"], mc.probs[0], atol=1e-5)
    assert a["mutual_information"] == pytest.approx(float(mc.mutual_information[0]), abs=1e-5)
    assert a["votes"] == np.bincount(mc.member_pred[:, 0], minlength=10).tolist()
    assert np.allclose(a["spread"], mc.passes[:, 0].std(0), atol=1e-5)


def test_the_sweep_holds_every_model(client: TestClient) -> None:
    out = post_image(client, vertical_stroke_png(), "/api/rotate")
    n = len(out["angles"])
    assert set(out["more"]) == set(AVERAGED)
    one = post_image(client, vertical_stroke_png())
    for name in AVERAGED:
        s = out["more"][name]
        for key in ("prediction", "confidence", "entropy", "mutual_information"):
            assert len(s[key]) == n, (name, key)
        assert all(0 <= m <= e + 1e-9 for m, e in zip(s["mutual_information"], s["entropy"]))
        assert s["confidence"][0] == pytest.approx(max(one[name]["probs"]), abs=1e-5)
        assert s["mutual_information"][0] == pytest.approx(one[name]["mutual_information"],
                                                           abs=1e-5)


def test_models_lists_the_registry(client: TestClient, webapp_data_dir: Path) -> None:
    cfg = read_config(webapp_data_dir)
    got = client.get("/api/models").json()
    assert [m["name"] for m in got] == list(REGISTRY)
    counts = {m["name"]: m["count"] for m in got}
    assert counts["mc_dropout"] == cfg.probe.mc_passes
    assert counts["ensemble"] == cfg.train.ensemble_members
    assert all(m["colour"] == REGISTRY[m["name"]].colour and m["zh"] for m in got)


def _multipart(body: bytes, boundary: str = "b0undary") -> dict:
    return {"content": body, "headers": {"content-type": f"multipart/form-data; boundary={boundary}"}}


def _bomb() -> bytes:
    """A small PNG whose header says 8000 x 6000 = 48 megapixels."""
    buf = io.BytesIO()
    Image.new("1", (8000, 6000)).save(buf, "PNG")
    return buf.getvalue()


BAD = {
    "empty body": ({"content": b"", "headers": {"content-type": "image/png"}}, 400, "empty_body"),
    "text file": ({"files": {"image": ("notes.txt", b"just some text\n" * 20, "text/plain")}},
                  415, "not_an_image"),
    "text content type": ({"content": b"hello", "headers": {"content-type": "text/plain"}},
                          415, "unsupported_content_type"),
    "truncated png": ({"content": vertical_stroke_png()[:300],
                       "headers": {"content-type": "image/png"}}, 422, "truncated_image"),
    "over 10 MB": ({"content": b"\x89PNG" + b"0" * (images.MAX_BYTES + 10),
                    "headers": {"content-type": "image/png"}}, 413, "too_large"),
    "over 10 MB multipart": ({"files": {"image": ("big.png", b"0" * (images.MAX_BYTES + 10))}},
                             413, "too_large"),
    "40 megapixels": ({"content": _bomb(), "headers": {"content-type": "image/png"}},
                      413, "too_many_pixels"),
    "wrong field": ({"files": {"file": ("d.png", vertical_stroke_png(), "image/png")}},
                    400, "missing_field"),
    "no closing boundary": (_multipart(b'--b0undary\r\nContent-Disposition: form-data; '
                                       b'name="image"\r\n\r\nabc'), 400, "malformed_multipart"),
    "garbage multipart": (_multipart(b"this is not multipart at all"), 400, "malformed_multipart"),
    "no boundary": ({"content": b"x", "headers": {"content-type": "multipart/form-data"}},
                    400, "malformed_multipart"),
}


def _snapshot(*folders: Path) -> set[tuple[str, float]]:
    return {(str(p), p.stat().st_mtime) for f in folders for p in Path(f).rglob("*")}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_input_is_a_4xx_json_error_and_nothing_is_written(
        client: TestClient, case: str, webapp_data_dir: Path, tiny_renders: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    kwargs, status, code = BAD[case]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # any temporary file would land here
    before = _snapshot(webapp_data_dir, tiny_renders)
    r = client.post("/api/predict", **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"] == code and r.json()["detail"]
    assert _snapshot(webapp_data_dir, tiny_renders) == before
    assert list(tmp_path.iterdir()) == []
    assert client.get("/api/health").json()["status"] == "ok"


def test_a_large_valid_upload_stays_in_memory(client: TestClient,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A 9 MB image would be spooled to a temporary file by Starlette's form parser."""
    def no_temp_files(*a, **k):  # noqa: ANN002, ANN003
        raise AssertionError("a temporary file was opened")

    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "NamedTemporaryFile", no_temp_files)
    monkeypatch.setattr(tempfile, "mkstemp", no_temp_files)
    noisy = (np.random.default_rng(1).random((1750, 1750, 3)) * 255).astype(np.uint8)
    data = png(noisy)
    assert 8 * 2**20 < len(data) < images.MAX_BYTES
    assert post_image(client, data)["edl"]["u"] > 0


# -- a real server: what common HTTP clients read -----------------------------------------------
@pytest.fixture(scope="module")
def live_url(webapp_data_dir: Path, tiny_renders: Path) -> Iterator[str]:
    """The app under uvicorn on a real loopback socket."""
    yield from serve(webapp_data_dir, tiny_renders)


def _urllib_post(url: str, body: bytes, ctype: str) -> tuple[int, dict]:
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": ctype})
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:  # a 4xx read as an answer, not a broken connection
        return exc.code, json.loads(exc.read())


@pytest.mark.parametrize("kind", ["raw", "multipart"])
def test_urllib_reads_the_413_of_an_11_mb_upload(live_url: str, kind: str) -> None:
    """Python's urllib sends the whole body before it reads: a server that answers 413 and
    closes early shows it a broken connection (ConnectionResetError / BrokenPipeError). The
    server reads and discards the body, then answers the JSON error."""
    big = b"\x89PNG\r\n\x1a\n" + bytes(np.random.default_rng(0).integers(0, 256, 11 * 2**20,
                                                                       dtype=np.uint8))
    if kind == "raw":
        body, ctype = big, "image/png"
    else:
        head = (b'--b0undary\r\nContent-Disposition: form-data; name="image"; '
                b'filename="photo.png"\r\nContent-Type: image/png\r\n\r\n')
        body, ctype = head + big + b"\r\n--b0undary--\r\n", "multipart/form-data; boundary=b0undary"
    status, doc = _urllib_post(live_url + "/api/predict", body, ctype)
    assert status == 413 and doc["error"] == "too_large", doc
    assert "10 MB" in doc["detail"]
    # the server is fine afterwards, and still answers a normal upload
    status, doc = _urllib_post(live_url + "/api/predict", vertical_stroke_png(), "image/png")
    assert status == 200 and doc["softmax"]["prediction"] == 1


def test_a_body_past_the_drain_bound_is_refused_at_once(live_url: str) -> None:
    """Past webapp.upload.DRAIN_BYTES the server does not read: it answers from the headers."""
    import http.client
    from urllib.parse import urlsplit

    from webapp.upload import DRAIN_BYTES

    u = urlsplit(live_url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    conn.putrequest("POST", "/api/predict")
    conn.putheader("Content-Type", "image/png")
    conn.putheader("Content-Length", str(DRAIN_BYTES + 1))
    conn.endheaders()
    r = conn.getresponse()
    assert r.status == 413 and json.loads(r.read())["error"] == "too_large"
    conn.close()


def test_openapi_documents_the_response_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    ok = spec["paths"]["/api/predict"]["post"]["responses"]["200"]["content"]["application/json"]
    assert ok["schema"]["$ref"].endswith("/PredictResponse")
    props = spec["components"]["schemas"]["PredictResponse"]["properties"]
    assert {"input", *REGISTRY} <= set(props)
    edl = spec["components"]["schemas"]["EdlResult"]["properties"]
    assert {"evidence", "alpha", "S", "belief", "u", "probs", "prediction", "entropy"} <= set(edl)
    body = spec["paths"]["/api/predict"]["post"]["requestBody"]["content"]
    assert "image" in body["multipart/form-data"]["schema"]["properties"]
    assert client.get("/docs").status_code == 200


# -- lectures and media -------------------------------------------------------------------------
def test_lectures_from_the_manifest(client: TestClient) -> None:
    lectures = client.get("/api/lectures").json()
    assert [lec["id"] for lec in lectures] == ["default"]
    v = lectures[0]["videos"][0]
    assert v["sequence"] == "cnn_forward_pass"
    assert [c["title"] for c in v["chapters"]] == ["The task", "Pixels"]
    assert v["subtitles"] and v["chapters_vtt"] and v["thumbnail"]
    assert [s["title"] for s in v["sections"]] == ["Pixels"]
    r = client.get(v["url"], headers={"range": "bytes=0-99"})
    assert r.status_code == 206 and len(r.content) == 100  # seeking needs ranges
    assert r.headers["content-type"] == "video/mp4"
    vtt = client.get(v["subtitles"])
    assert vtt.headers["content-type"].startswith("text/vtt") and "Our task" in vtt.text


def test_media_only_what_manifests_list(client: TestClient, tiny_renders: Path) -> None:
    from contract.manifest import ManifestFile, load_manifest

    manifest = tiny_renders / "default" / "manifest.json"
    good = load_manifest(manifest)
    secret = tiny_renders / "secret.mp4"
    secret.write_bytes(b"not for you")
    # entries the schema accepts, pointing outside the folder or at the manifest itself
    bad = [ManifestFile(path="../secret.mp4", kind="video", bytes=11),
           ManifestFile(path=str(secret), kind="video", bytes=11),
           ManifestFile(path="manifest.json", kind="chapters", bytes=1)]
    n = len(good.files) + len(bad)
    try:
        manifest.write_text(good.model_copy(update={"files": good.files + bad}).to_json())
        assert [lec["id"] for lec in client.get("/api/lectures").json()] == ["default"]  # rescan
        for i in range(n - 3, n):
            assert client.get(f"/media/default/{i}").status_code == 404
        for path in ("/media/default/99", "/media/../secret.mp4", "/media/default/..%2Fsecret.mp4",
                     "/media/nope/0", "/media/default/-1"):
            assert client.get(path).status_code in (404, 422), path
    finally:
        manifest.write_text(good.to_json())
        secret.unlink()
        client.get("/api/lectures")


@pytest.mark.parametrize("text, says", [
    ('{"schema_version": 7, "files": []}', "schema_version 7"),
    ('{"schema_version": 1, "files": [', "not JSON"),
    ('{"generated_utc": "2026-01-01T00:00:00", "language": "en", "files": [{"path": 3}]}',
     "files.0.path"),
])
def test_a_bad_manifest_skips_its_folder_and_says_why(
        webapp_data_dir: Path, tiny_renders: Path, tmp_path: Path,
        caplog: pytest.LogCaptureFixture, text: str, says: str) -> None:
    """The other lectures are still served; the log names the file and what is wrong."""
    import shutil

    renders = tmp_path / "renders"
    shutil.copytree(tiny_renders / "default", renders / "default")
    (renders / "broken").mkdir()
    (renders / "broken" / "manifest.json").write_text(text)
    (renders / "no_manifest").mkdir()
    app = create_app(Settings(data=webapp_data_dir, renders=renders, lectures=ROOT / "lectures"))
    with caplog.at_level("WARNING", logger="webapp.lectures"), TestClient(app) as c:
        assert [lec["id"] for lec in c.get("/api/lectures").json()] == ["default"]
        assert c.get("/media/broken/0").status_code == 404
        c.get("/api/lectures")  # a rescan does not say it again
    said = [r.getMessage() for r in caplog.records if r.name == "webapp.lectures"]
    assert len(said) == 1 and str(renders / "broken" / "manifest.json") in said[0], said
    assert says in said[0]


def test_nothing_rendered_still_serves(webapp_data_dir: Path, tmp_path: Path) -> None:
    app = create_app(Settings(data=webapp_data_dir, renders=tmp_path / "none"))
    with TestClient(app) as c:
        assert c.get("/api/lectures").json() == []
        assert c.get("/").status_code == 200
        assert "make render" in c.get("/api/wording").json()["en"]["render_command"]


def test_page_has_no_external_asset(client: TestClient) -> None:
    for path in ("/", "/static/app.js", "/static/numbers.js", "/static/style.css"):
        text = client.get(path).text
        assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
        assert "https://" not in text and "//cdn" not in text, path


# -- wording, start-up -------------------------------------------------------------------------
def test_wording_follows_the_lecture_yaml(client: TestClient) -> None:
    import yaml

    words = client.get("/api/wording").json()
    en = yaml.safe_load((ROOT / "lectures/default.yaml").read_text())
    zh = yaml.safe_load((ROOT / "lectures/zh.yaml").read_text())
    assert words["en"]["rot_softmax"] == en["comparison"]["text"]["rotation_softmax_series"]
    assert words["zh"]["rot_softmax"] == zh["comparison"]["text"]["rotation_softmax_series"]
    assert words["zh"]["seq_edl_pass"] == zh["edl_pass"]["title"]
    assert set(words["en"]) == set(words["zh"])


def test_rotation_legend_names_what_the_plot_draws(client: TestClient) -> None:
    """The page plots EDL's u (/api/rotate's edl_u), so its legend says u, in its own words:
    not the lecture's sequence-4 string, which names the 1 − u that the video plots."""
    words = client.get("/api/wording").json()
    assert words["en"]["rot_edl"] == "EDL: uncertainty u"
    assert words["zh"]["rot_edl"] == "EDL：不确定度 u"
    for lang in ("en", "zh"):
        assert "1 − u" not in words[lang]["rot_edl"] and "1 - u" not in words[lang]["rot_edl"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_registered_sequence_has_a_title(client: TestClient, lang: str) -> None:
    """Every sequence of contract.sequences (not a hand-kept list) is titled on the page with
    its lecture file's title, never a slug like "seq_inside_network"."""
    import yaml

    from contract.sequences import SEQUENCES, TITLE
    from webapp.wording import LECTURE_FILES

    words = client.get("/api/wording").json()[lang]
    doc = yaml.safe_load((ROOT / "lectures" / LECTURE_FILES[lang]).read_text())
    base = yaml.safe_load((ROOT / "lectures/default.yaml").read_text())
    assert "inside_network" in SEQUENCES  # the one the hand-kept list had left out
    for name in (*SEQUENCES, TITLE.name):
        title = words.get(f"seq_{name}", "")
        assert title.strip() and "_" not in title and not title.startswith("seq"), (name, title)
        if name in SEQUENCES:
            want = (doc.get(name) or {}).get("title") or base[name]["title"]
            assert title == want.replace("\n", " "), (name, title, want)
    if lang == "zh":
        assert words["seq_inside_network"] == "6. 走进训练好的网络"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_titles_every_sequence_as_the_video_does(lang: str) -> None:
    """The page's sequence titles are contract.titles' for the lecture contract.lecture loads:
    the same function and the same lecture the renderer's chapters come from."""
    from contract.lecture import load_lecture
    from contract.sequences import SEQUENCES
    from contract.titles import sequence_title
    from webapp import wording

    lectures = ROOT / "lectures"
    lecture = load_lecture(lectures / wording.LECTURE_FILES[lang], lectures / "default.yaml")
    words = wording.load(lectures)[lang]
    assert len(SEQUENCES) == 6
    for name, seq in SEQUENCES.items():
        assert words[f"seq_{name}"] == sequence_title(lecture, seq).replace("\n", " "), name
    assert words["lecture_title"] == lecture.title_card.title.replace("\n", " ")
    assert words["softmax"] == lecture.comparison.text["model_softmax"]


def test_a_lecture_file_that_does_not_load_leaves_the_platforms_words(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import shutil

    from webapp import wording

    shutil.copy(ROOT / "lectures" / "default.yaml", tmp_path / "default.yaml")
    (tmp_path / "zh.yaml").write_text("language: zh\nno_such_key: 1\n", encoding="utf-8")
    with caplog.at_level("WARNING", logger="webapp.wording"):
        words = wording.load(tmp_path)
    assert words["en"]["seq_edl_pass"] == "3. Evidential deep learning"
    assert words["zh"]["seq_edl_pass"] == "Edl pass" and words["zh"]["watch"] == "观看讲座"
    assert any("zh.yaml" in r.getMessage() and "no_such_key" in r.getMessage()
               for r in caplog.records), caplog.text


def test_a_lecture_without_titles_gets_words_not_slugs(tmp_path: Path) -> None:
    from contract.sequences import SEQUENCES
    from webapp import wording

    words = wording.load(tmp_path)  # no lecture file at all
    for lang in wording.LANGUAGES:
        for name in SEQUENCES:
            assert words[lang][f"seq_{name}"] == name.replace("_", " ").capitalize()


def test_missing_models_say_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make data"):
        create_app(Settings(data=tmp_path))


def test_public_host_warns(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture,
                           webapp_data_dir: Path) -> None:
    import uvicorn

    from webapp.__main__ import is_loopback, main

    import torch

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    monkeypatch.setattr(torch, "set_num_threads", lambda n: calls.append({"threads": n}))
    assert main(["--host", "0.0.0.0", "--port", "8123", "--data", str(webapp_data_dir)]) == 0
    assert "warning" in capsys.readouterr().err
    assert calls == [{"threads": 1}, {"host": "0.0.0.0", "port": 8123, "log_level": "warning",
                      "proxy_headers": False}]  # the client: WEBAPP_TRUSTED_PROXIES decides
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and not is_loopback("0.0.0.0")


# -- batching -----------------------------------------------------------------------------------
def test_concurrent_requests_share_batches() -> None:
    from webapp.batcher import Batcher

    class Slow:
        def __init__(self) -> None:
            self.sizes: list[int] = []

        def predict(self, x: np.ndarray) -> list[dict]:
            import time

            self.sizes.append(len(x))
            time.sleep(0.05)
            return [{"softmax": {"id": float(v[0, 0])}} for v in x]

    async def go() -> tuple[list, list[int]]:
        slow = Slow()
        b = Batcher(slow)  # type: ignore[arg-type]
        await b.start()
        jobs = [b.predict(np.full((1, 28, 28), i, np.float32)) for i in range(12)]
        rows = await asyncio.gather(*jobs)
        await b.stop()
        return rows, slow.sizes

    rows, sizes = asyncio.run(go())
    assert [r[0]["softmax"]["id"] for r in rows] == list(range(12))  # each gets its own answer
    assert sum(sizes) == 12 and len(sizes) < 12  # ... from fewer forward passes

