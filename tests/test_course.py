"""A course on a real two-node Ray cluster started on this machine (`ray start --head` and a
second `ray start --address`, one CPU each), on the tiny dummy scenes (160x90, 5 fps): the
same bytes as a local render, the shared cache, a killed worker retried once and a second
death reported while the other lectures finish."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml

from contract import lecture as config, sequences as registry
from rendering import course, render
from scenes import base
from tests.course_doubles import doubles
from tests.test_incremental import digests
from tests.test_render import lecture_files, scene_data  # noqa: F401

# one cluster per module: under xdist its tests share a worker (make test's --dist loadgroup)
pytestmark = [pytest.mark.render, pytest.mark.xdist_group("ray-cluster")]
RAY = Path(sys.executable).with_name("ray")
AUTH = ("RAY_AUTH_MODE", "RAY_AUTH_TOKEN")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a two-node cluster (joined at 127.0.0.1; Ray's servers listen on every
    interface, which multi-node Ray on Linux does not let one change); afterwards each
    `ray start` is asked to stop (SIGTERM: it drains its node and stops its processes), and
    its process group is killed only if that takes too long (a SIGTERM to the whole group
    would stop the GCS first, and the node would wait 30 s for it to drain)."""
    # its own token (Ray's token auth; set before ray is imported): a token a local ray.init()
    # left in ~/.ray would otherwise be used by some of the processes and not by others
    saved = {k: os.environ.get(k) for k in AUTH}
    os.environ.update({"RAY_AUTH_MODE": "token", "RAY_AUTH_TOKEN": secrets.token_hex(32)})
    pytest.importorskip("ray")
    port = _free_port()
    address = f"127.0.0.1:{port}"
    common = ["--num-cpus=1", "--disable-usage-stats", "--block"]
    procs = [subprocess.Popen([str(RAY), "start", "--head", f"--port={port}",
                               "--include-dashboard=false", *common],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)]
    try:
        import ray

        for _ in range(120):  # the head is up when a client can join it
            try:
                ray.init(address=address, include_dashboard=False, logging_level="ERROR")
                break
            except Exception:  # not up yet
                time.sleep(1)
        else:
            pytest.fail("the Ray head did not start")
        procs.append(subprocess.Popen([str(RAY), "start", f"--address={address}", *common],
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
        for _ in range(120):
            if len([n for n in ray.nodes() if n["Alive"]]) == 2:
                break
            time.sleep(1)
        else:
            pytest.fail("the second Ray node did not join")
        ray.shutdown()
        yield address
    finally:
        for p in reversed(procs):  # the second node first, then the head
            p.send_signal(signal.SIGTERM)
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(p.pid, signal.SIGKILL)  # whatever it left behind
            except ProcessLookupError:
                pass
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@pytest.fixture
def ray_runner(cluster: str) -> Iterator[Any]:
    """The course's runner on the cluster, its workers given the test's scenes."""
    import ray

    from rendering.ray_runner import RayRunner, connect

    connect(cluster, runtime_env={"worker_process_setup_hook": "tests.course_doubles.install"})
    yield RayRunner()
    ray.shutdown()


@pytest.fixture
def doubled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The driver's registry and scenes: the same doubles the workers install."""
    title, sequences, bound = doubles()
    monkeypatch.setattr(registry, "TITLE", title)
    monkeypatch.setattr(registry, "SEQUENCES", sequences)
    monkeypatch.setattr(registry, "ENTRIES", {"title_card": title, **sequences})
    monkeypatch.setattr(base, "BOUND", dict(bound))


def lecture_file(folder: Path, name: str, sequences: list[str], out: Path, **card: str) -> Path:
    path = folder / f"{name}.yaml"
    doc: dict[str, Any] = {"sequences": sequences,
                           "render": {"quality": "preview", "width": 160, "height": 90, "fps": 5,
                                      "output_dir": str(out)}}
    if card:
        doc["title_card"] = card
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def course_file(folder: Path, lectures: list[Path], default: Path) -> Path:
    path = folder / "course.yaml"
    path.write_text(yaml.safe_dump({"default": str(default), "cache": str(folder / "shared"),
                                    "lectures": [str(p) for p in lectures]}), encoding="utf-8")
    return path


def test_course_on_two_nodes_is_byte_identical_to_local_renders(
        lecture_files: tuple[Path, Path], scene_data: Any, doubled: None, ray_runner: Any,
        tmp_path: Path) -> None:
    _, default = lecture_files
    one = lecture_file(tmp_path, "one", ["cnn_forward_pass"], tmp_path / "one")
    results = course.render_course(course.load_course(course_file(tmp_path, [one], default)),
                                   scene_data, ray_runner)
    assert [r.failures for r in results] == [[]]
    assert len(ray_runner.nodes) == 2  # the title card and the dummy ran on both nodes

    # the same lecture rendered here, by worker processes, into another folder
    local = lecture_file(tmp_path, "local", ["cnn_forward_pass"], tmp_path / "local")
    assert render.render_lecture(config.load_lecture(local, default), scene_data, workers=2).ok
    on_ray, here = digests(tmp_path / "one"), digests(tmp_path / "local")
    assert len(on_ray) >= 15 and on_ray == here

    # a second lecture with the same scenes: nothing is drawn, its clips come from the course's
    # shared cache (its own folder is empty); its captions' subtitles are its own
    two = lecture_file(tmp_path, "two", ["cnn_forward_pass"], tmp_path / "two")
    again = course.load_course(course_file(tmp_path, [one, two], default))
    results = course.render_course(again, scene_data, ray_runner)
    assert [r.failures for r in results] == [[], []]
    log = (tmp_path / "two" / ".work" / "logs" / "course.log").read_text()
    assert "0 of 3 sections to draw" in log, log
    assert "unchanged, reused" in (tmp_path / "one" / ".work" / "logs" / "course.log").read_text()
    assert digests(tmp_path / "two") == here


def test_a_killed_worker_is_retried_once_then_reported(
        lecture_files: tuple[Path, Path], scene_data: Any, doubled: None, ray_runner: Any,
        tmp_path: Path) -> None:
    _, default = lecture_files
    marker = tmp_path / "crashed-once"
    # its dummy kills its worker the first time; the retry renders it
    shaky = lecture_file(tmp_path, "shaky", ["cnn_forward_pass"], tmp_path / "shaky",
                         course="crash once", institution=str(marker))
    # its edl_pass kills every worker that runs it
    doomed = lecture_file(tmp_path, "doomed", ["cnn_forward_pass", "edl_pass"], tmp_path / "doomed")
    results = course.render_course(course.load_course(course_file(tmp_path, [shaky, doomed],
                                                                  default)), scene_data, ray_runner)
    assert marker.exists()  # the first attempt died
    shaky_result, doomed_result = results
    assert shaky_result.failures == [] and (tmp_path / "shaky" / "lecture.mp4").is_file()
    assert len(doomed_result.failures) == 1
    assert "edl_pass (its Ray worker died 2 times (retried 1x)" in doomed_result.failures[0]
    out = tmp_path / "doomed"
    assert (out / "01_dummy.mp4").is_file()  # the other sequence of that lecture finished
    assert not (out / "03_doomed.mp4").exists() and not (out / "lecture.mp4").exists()
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or ".tmp." in p.name]


def test_bad_course_files_are_refused_before_any_work(tmp_path: Path,
                                                      lecture_files: tuple[Path, Path]) -> None:
    _, default = lecture_files
    bad = tmp_path / "course.yaml"
    bad.write_text("lectures: [nowhere.yaml]\nspeed: 2\n", encoding="utf-8")
    assert course.main(["--course", str(bad)]) == 2
    en = lecture_file(tmp_path, "en", ["cnn_forward_pass"], tmp_path / "en")
    bad.write_text(yaml.safe_dump({"default": str(default), "languages": ["en", "zh"],
                                   "lectures": [{"en": str(en)}, {"zh": str(en)}]}))
    with pytest.raises(course.CourseError) as err:
        course.load_course(bad)
    assert "lectures[1]: no file for language 'zh'" in str(err.value)
    assert "lectures[2].zh: " in str(err.value) and "is in 'en'" in str(err.value)
    twin = lecture_file(tmp_path, "twin", ["cnn_forward_pass"], tmp_path / "en")
    bad.write_text(yaml.safe_dump({"default": str(default), "lectures": [str(en), str(twin)]}))
    with pytest.raises(course.CourseError, match="share the folder"):
        course.load_course(bad)
