"""The pipeline end to end on the tiny configuration, and the scene_data contract."""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from contract import scene_data as contract
from pipeline import config, run
from pipeline.selection import Selection, SelectionError
from tests.conftest import ROOT


def test_tiny_run_dumps_every_file_and_validates(tiny_data_dir: Path) -> None:
    for cls in contract.FILES:
        assert (tiny_data_dir / cls.FILE).exists(), cls.FILE
    data = contract.load_all(tiny_data_dir)
    fp = data.forward_pass
    assert fp.label == 7 and fp.softmax.pred == 7 and fp.edl.pred == 7  # rule both_correct
    # the worked multiply-add reproduces the stored feature-map value
    w = fp.worked
    assert np.sum(np.array(w.patch) * np.array(w.weights)) + w.bias == pytest.approx(w.value, abs=1e-4)
    assert fp.arr("conv1")[w.kernel, w.row, w.col] == pytest.approx(w.value, abs=1e-4)
    assert np.array_equal(fp.arr("relu1"), np.maximum(fp.arr("conv1"), 0))
    # EDL identities hold in the dump
    e = fp.edl
    assert sum(e.belief) + e.u == pytest.approx(1.0, abs=1e-4)
    assert e.u == pytest.approx(10 / e.S, rel=1e-4)
    prov = data.training.provenance
    assert prov.n_train == 400 and prov.n_heldout == 200 and prov.config_hash == config.tiny().hash()
    assert len(data.training.history["edl"]) == 2
    assert {"train_fit", "train_kl", "train_lambda"} <= set(data.training.history["edl"][0])
    assert data.rotation.angles[0] == 0 and data.rotation.angles[-1] == 180
    assert data.rotation.softmax_probs[0][1] > 0  # a "1"
    keys = [s.key for s in data.unrelated.sets]
    assert keys[:3] == ["letters", "fashion", "noise"]
    rel = data.heldout.models["softmax"].reliability
    assert sum(b.count for b in rel) == 200
    assert data.attacks.eps == list(config.tiny().probe.fgsm_eps)


def _strip_times(folder: Path) -> dict:
    out = {}
    for cls in contract.FILES:
        d = json.loads((folder / cls.FILE).read_text())
        d["provenance"].pop("created_utc")
        d["provenance"].pop("training_seconds")
        out[cls.FILE] = d
    return out


def test_same_seed_same_dump(tiny_data_dir: Path, tmp_path: Path) -> None:
    cfg = config.tiny()
    run.train(cfg, tmp_path, progress=False)
    run.probe(cfg, tmp_path, Selection(), progress=False)
    assert _strip_times(tmp_path) == _strip_times(tiny_data_dir)


def test_user_images_and_index_selection(tiny_data_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    img = tmp_path / "x.png"
    Image.new("RGB", (40, 30), "white").save(img)
    out = tmp_path / "sd"
    (out / "checkpoints").mkdir(parents=True)
    for f in (tiny_data_dir / "checkpoints").iterdir():
        (out / "checkpoints" / f.name).write_bytes(f.read_bytes())
    run.probe(config.tiny(), out, Selection(index=5, images=(str(img),)), progress=False)
    fp = contract.load(contract.ForwardPass, out)
    assert fp.heldout_index == 5 and fp.selection == "index 5"
    un = contract.load(contract.Unrelated, out)
    user = [s for s in un.sets if s.key == "user"][0]
    assert user.n == 1 and user.examples[0].name == "x.png"


def test_selection_errors(tiny_data_dir: Path, tmp_path: Path) -> None:
    cfg = config.tiny()
    with pytest.raises(SelectionError, match="sample.index: 999 is out of range"):
        run.probe(cfg, tiny_data_dir, Selection(index=999), progress=False)
    with pytest.raises(SelectionError, match="sample.nth: 500 is out of range"):
        run.probe(cfg, tiny_data_dir, Selection(nth=500), progress=False)


def test_checkpoint_of_other_config_is_refused(tiny_data_dir: Path) -> None:
    with pytest.raises(RuntimeError, match="another configuration"):
        run.load_models(config.tiny(seed=5), tiny_data_dir)


def test_contract_errors(tiny_data_copy: Path) -> None:
    fp = tiny_data_copy / "forward_pass.json"
    good = json.loads(fp.read_text())

    fp.write_text("{not json")
    with pytest.raises(contract.ContractError, match="corrupt.*make data"):
        contract.load(contract.ForwardPass, tiny_data_copy)

    fp.write_text(json.dumps({**good, "schema_version": 0}))
    with pytest.raises(contract.ContractError, match=f"schema_version 0.*reads {contract.SCHEMA_VERSION}"):
        contract.load(contract.ForwardPass, tiny_data_copy)

    bad = {**good, "conv1": good["conv1"][:3]}
    fp.write_text(json.dumps(bad))
    with pytest.raises(contract.ContractError, match="conv1 has shape 3x24x24, expected 20x24x24"):
        contract.load(contract.ForwardPass, tiny_data_copy)

    bad = dict(good)
    bad.pop("label")
    fp.write_text(json.dumps(bad))
    with pytest.raises(contract.ContractError, match="label: Field required"):
        contract.load(contract.ForwardPass, tiny_data_copy)

    fp.unlink()
    with pytest.raises(contract.ContractError, match="missing: run `make data`"):
        contract.load_all(tiny_data_copy)


def test_cli_errors_are_clear(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "pipeline", "data", "--set", "dataset=cifar",
                        "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "unknown dataset 'cifar'" in r.stderr
    r = subprocess.run([sys.executable, "-m", "pipeline", "config", "--set", "epochz=3",
                        "--write", str(tmp_path / "c.json")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "unknown training setting(s) ['epochz']" in r.stderr


def test_scene_data_readme_is_current() -> None:
    assert (ROOT / "scene_data" / "README.md").read_text() == contract.docs(), \
        "run: python -m contract.scene_data docs > scene_data/README.md"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_one_direction_of_data() -> None:
    for f in (ROOT / "pipeline").glob("*.py"):
        assert "manim" not in _imports(f), f"{f.name} imports manim"
    for f in (ROOT / "scenes").rglob("*.py"):  # rendering/narration, scenes/visuals too
        assert not {"torch", "torchvision"} & _imports(f), f"{f.name} imports torch"
    code = ("import sys, contract.scene_data, contract.lecture; "
            "assert 'torch' not in sys.modules and 'manim' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_layer_keys_and_unrelated_labels(tiny_data: contract.SceneData) -> None:
    """Layers carry a stable key and unrelated examples their class index, so a lecture can
    name them in its own language (text keys layer_<key>, fashion_names)."""
    from pipeline import datasets

    assert [layer.key for layer in tiny_data.training.layers] == [
        "input", "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2"]
    for s in tiny_data.unrelated.sets:
        for ex in s.examples:
            if s.key == "letters":
                assert datasets.LETTERS[ex.label] == ex.name
            elif s.key == "fashion":
                assert datasets.FASHION_CLASSES[ex.label] == ex.name
            else:
                assert ex.label is None
