"""Shared fixtures: a tiny but real training run dumped to a temporary scene_data folder."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Train the tiny configuration (a few hundred digits, two epochs) and dump scene_data."""
    from pipeline import config, probes, run

    out = tmp_path_factory.mktemp("scene_data")
    cfg = config.tiny()
    run.train(cfg, out, progress=False)
    run.probe(cfg, out, probes.Selection(), progress=False)
    return out


@pytest.fixture()
def tiny_data_copy(tiny_data_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny dump that a test may edit."""
    dst = tmp_path / "scene_data"
    shutil.copytree(tiny_data_dir, dst, ignore=shutil.ignore_patterns("checkpoints"))
    return dst


@pytest.fixture(scope="session")
def tiny_data(tiny_data_dir: Path):
    from pipeline import contract

    return contract.load_all(tiny_data_dir)
