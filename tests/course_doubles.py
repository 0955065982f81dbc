"""The test scenes of tests/test_render.py for Ray workers, plus two that kill their worker.

Ray runs ``install`` in every worker process (runtime_env ``worker_process_setup_hook``), so the
workers see the same registry and scene classes as the test's driver (which installs them with
``monkeypatch``: :func:`doubles`)."""
from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any


def doubles() -> tuple[Any, dict[str, Any], dict[str, type]]:
    """(title entry, sequence entries, scene class per sequence name)."""
    from scenes.base import LectureScene
    from tests.test_render import FakeSequence, scene_classes

    classes = scene_classes()

    class CrashOnce(classes["dummy"]):
        """The dummy; a lecture whose course is "crash once" kills its worker the first time
        (the title card's institution names the marker file that says it did)."""

        def task(self) -> None:
            card = self.lecture.title_card
            if card.course == "crash once" and not Path(card.institution).exists():
                Path(card.institution).touch()
                os.kill(os.getpid(), signal.SIGKILL)
            super().task()

    class Doomed(LectureScene):
        sequence = "edl_pass"
        SECTIONS = ("evidence",)

        def evidence(self) -> None:
            os.kill(os.getpid(), signal.SIGKILL)

    title = FakeSequence("title_card", 0, fake_stem="00_title")
    sequences = {"cnn_forward_pass": FakeSequence("cnn_forward_pass", 1, fake_stem="01_dummy"),
                 "edl_pass": FakeSequence("edl_pass", 3, fake_stem="03_doomed")}
    bound = {"title_card": classes["title"], "cnn_forward_pass": CrashOnce, "edl_pass": Doomed}
    return title, sequences, bound


def install() -> None:
    """Put the doubles in place in this process (a Ray worker)."""
    from contract import sequences as registry
    from scenes import base

    title, sequences, bound = doubles()
    registry.TITLE, registry.SEQUENCES = title, sequences
    registry.ENTRIES = {"title_card": title, **sequences}
    base.BOUND.clear()
    base.BOUND.update(bound)
