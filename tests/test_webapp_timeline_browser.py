"""The training timeline in real Chromium: stepping from the first epoch to the last changes
EDL's u for the drawing and the page shows the epoch, play walks the epochs by itself, and
axe-core finds no serious or critical violation with the panel open (en and zh). Stepping it
by keyboard alone is the end of the keyboard journey in tests/test_webapp_explainer_browser.py.

TIMELINE_SCREENSHOTS=1 keeps /tmp/timeline-e01.png and /tmp/timeline-eNN.png (run it with
WEBAPP_TEST_DATA=scene_data for the models of `make data`)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import serve
from tests.test_webapp_browser import browser, models_dir, page  # noqa: F401
from tests.test_webapp_explainer_api import renders_with_sections
from tests.test_webapp_explainer_browser import AXE, draw_and_trace, draw_seven, run_axe


@pytest.fixture(scope="module")
def base_url(models_dir: Path, tiny_renders: Path,  # noqa: F811
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    renders = renders_with_sections(tiny_renders, tmp_path_factory.mktemp("renders"))
    yield from serve(models_dir, renders)


def shown(pg) -> tuple[int, float, str]:  # noqa: ANN001
    """(the epoch of the cards, EDL's u as drawn, the epoch's words beside the slider)."""
    epoch = int(pg.get_attribute("#tl-out", "data-epoch"))
    u = float(pg.get_attribute("#tl-edl dd[data-field='u']", "data-value"))
    return epoch, u, pg.text_content("#tl-epoch-out")


def step_to(pg, button: str, epoch: int) -> None:  # noqa: ANN001
    with pg.expect_response("**/api/timeline/step") as info:
        pg.click(button)
    assert info.value.json()["epoch"] == epoch
    pg.wait_for_function(f"document.getElementById('tl-out').dataset.epoch === '{epoch}'")


def keep(pg, path: Path, name: str) -> None:  # noqa: ANN001
    pg.locator("#timeline").screenshot(path=str(path))
    if os.environ.get("TIMELINE_SCREENSHOTS"):
        shutil.copy(path, f"/tmp/timeline-{name}.png")


def test_stepping_from_the_first_epoch_to_the_last_changes_u(page, tmp_path: Path) -> None:  # noqa: ANN001
    with page.expect_response("**/api/timeline/step") as first:
        draw_and_trace(page, draw_seven)
    page.wait_for_selector("#tl-out:not([hidden])")
    epochs = page.evaluate("tl.info.epochs")
    assert first.value.json()["epoch"] == epochs[0]
    e, u_first, words = shown(page)
    assert e == epochs[0] and words == f"{epochs[0]} of {epochs[-1]}"
    assert u_first == pytest.approx(first.value.json()["edl"]["u"])
    page.wait_for_selector("#tl-sweep circle")
    keep(page, tmp_path / "first.png", f"e{epochs[0]:02d}")
    for epoch in epochs[1:]:
        step_to(page, "#tl-forward", epoch)
    e, u_last, words = shown(page)
    assert e == epochs[-1] and words == f"{epochs[-1]} of {epochs[-1]}"
    assert u_last != pytest.approx(u_first, rel=1e-3)
    assert f"epoch {epochs[-1]}" in page.text_content("#tl-status")
    # the curves mark the epoch shown: the marker sits at the last epoch's tick
    marker = page.get_attribute("#tl-loss line.now", "x1")
    ticks = page.locator("#tl-loss text.tick").all()
    last_tick = [t for t in ticks if t.text_content() == str(epochs[-1])][0]
    assert float(marker) == pytest.approx(float(last_tick.get_attribute("x")))
    page.wait_for_function(f"tl.sweep && tl.sweep.epoch === {epochs[-1]}")
    keep(page, tmp_path / "last.png", f"e{epochs[-1]:02d}")


def test_play_walks_the_epochs_and_pause_stops(page) -> None:  # noqa: ANN001
    with page.expect_response("**/api/timeline/step"):
        draw_and_trace(page, draw_seven)
    page.select_option("#tl-speed", "2")
    page.click("#tl-play")
    assert page.get_attribute("#tl-play", "aria-pressed") == "true"
    page.wait_for_function("+document.getElementById('tl-out').dataset.epoch >= 3", timeout=20000)
    page.click("#tl-play")
    assert page.get_attribute("#tl-play", "aria-pressed") == "false"
    stopped = page.get_attribute("#tl-out", "data-epoch")
    page.wait_for_timeout(1500)  # three epochs' time at 2×: nothing moves
    assert page.get_attribute("#tl-out", "data-epoch") == stopped


@pytest.mark.skipif(not AXE.exists() and not os.environ.get("CI"),
                    reason="tests/js/node_modules is missing: `make setup` installs axe-core")
def test_axe_with_the_timeline_open_in_either_language(page) -> None:  # noqa: ANN001
    with page.expect_response("**/api/timeline/step"):
        draw_and_trace(page, draw_seven)
    page.wait_for_selector("#tl-sweep circle")
    for lang in ("en", "zh"):
        serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
        assert serious == [], (lang, serious)
        page.click("#lang")
        page.wait_for_function("document.documentElement.lang === 'zh-CN'" if lang == "en"
                               else "document.documentElement.lang === 'en'")
    page.click("#lang")
    assert page.text_content("#tl-title") == "看它学习"
    assert page.text_content("#tl-epoch-out").startswith("第 ")
