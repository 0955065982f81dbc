"""Make's file dependencies: data is trained once, wording changes retrain nothing, a new
digit re-probes without retraining, and a bad lecture stops everything before any work."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT


def make(*args: str) -> subprocess.CompletedProcess:
    # -o: treat the set-up stamp as up to date (the test suite already runs inside the venv)
    return subprocess.run(["make", "--no-print-directory", "-o", ".venv/.setup-done", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.fixture()
def lecture(tmp_path: Path) -> Path:
    p = tmp_path / "lecture.yaml"
    shutil.copy(ROOT / "lectures" / "default.yaml", p)
    return p


def test_data_stages_rerun_only_what_changed(tmp_path: Path, lecture: Path) -> None:
    data = tmp_path / "sd"
    args = ("data", "PRESET=tiny", f"DATA={data}", f"LECTURE={lecture}")
    first = make(*args)
    assert first.returncode == 0, first.stderr
    assert "training both models" in first.stdout and "probing" in first.stdout
    assert (data / "forward_pass.json").exists() and (data / "checkpoints" / "edl.pt").exists()

    again = make(*args)
    assert again.returncode == 0 and "training" not in again.stdout and "probing" not in again.stdout

    text = lecture.read_text()
    lecture.write_text(text.replace('title: "1. A CNN\'s forward pass"', 'title: "1. Changed"'))
    wording = make(*args)
    assert wording.returncode == 0 and "training" not in wording.stdout
    assert "probing" not in wording.stdout

    lecture.write_text(lecture.read_text().replace("  digit: 7\n", "  digit: 3\n", 1))
    digit = make(*args)
    assert digit.returncode == 0, digit.stderr
    assert "training" not in digit.stdout and "probing" in digit.stdout
    assert '"label":3' in (data / "forward_pass.json").read_text()


def test_bad_lecture_stops_before_any_work(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("render:\n  quality: ultra\n")
    data = tmp_path / "sd"
    r = make("render", "PRESET=tiny", f"DATA={data}", f"LECTURE={bad}")
    assert r.returncode != 0
    assert "bad.yaml:2" in r.stdout + r.stderr and "render.quality" in r.stdout + r.stderr
    assert not data.exists()
