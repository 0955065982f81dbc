"""The learning platform's page in real Chromium (Debian's package, driven by Playwright).

Set WEBAPP_SCREENSHOT=path.png to keep the page's screenshot (the README's comes from here), and
WEBAPP_TEST_DATA=scene_data to serve the models of `make data` instead of the test's own."""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT

CHROMIUM = Path("/usr/lib/chromium/chromium")  # the real binary, not the /usr/bin wrapper

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    why = f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    if os.environ.get("CI"):  # in CI the browser tests must run, not vanish
        raise RuntimeError(why)
    pytest.skip(why, allow_module_level=True)


def serve(data: Path, renders: Path) -> Iterator[str]:
    """Run the app under uvicorn in a thread on a free loopback port; yield its URL."""
    import uvicorn

    from webapp.app import create_app
    from webapp.state import Settings

    app = create_app(Settings(data=data, renders=renders, lectures=ROOT / "scenes" / "lectures"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def models_dir(request: pytest.FixtureRequest) -> Path:
    """The test's own models, or WEBAPP_TEST_DATA's (then nothing is trained)."""
    given = os.environ.get("WEBAPP_TEST_DATA")
    return Path(given) if given else request.getfixturevalue("webapp_data_dir")


@pytest.fixture(scope="module")
def base_url(models_dir: Path, tiny_renders: Path) -> Iterator[str]:
    yield from serve(models_dir, tiny_renders)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as p:
        # root in a container: no sandbox; a small /dev/shm must not crash the renderer
        b = p.chromium.launch(executable_path=str(CHROMIUM),
                              args=["--no-sandbox", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture()
def page(browser, base_url: str):  # noqa: ANN001, ANN201 - Playwright objects
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base_url)
    pg.wait_for_selector("body[data-ready='1']")
    yield pg
    ctx.close()
    assert errors == [], errors  # no JavaScript error on the page


def pad_box(pg) -> dict:  # noqa: ANN001
    pg.locator("#pad").scroll_into_view_if_needed()
    return pg.locator("#pad").bounding_box()


def draw_vertical_stroke(pg) -> None:  # noqa: ANN001
    box = pad_box(pg)
    x = box["x"] + box["width"] / 2
    y0, y1 = box["y"] + box["height"] * 0.15, box["y"] + box["height"] * 0.85
    pg.mouse.move(x, y0)
    pg.mouse.down()
    for i in range(1, 21):
        pg.mouse.move(x, y0 + (y1 - y0) * i / 20)
    pg.mouse.up()


def wait_for_u(pg, previous: str = "–") -> float:  # noqa: ANN001
    pg.wait_for_function("prev => document.getElementById('edl-u').textContent !== prev",
                         arg=previous)
    return float(pg.text_content("#edl-u"))


def test_draw_a_one_both_models_answer(page, tmp_path: Path) -> None:  # noqa: ANN001
    draw_vertical_stroke(page)
    u = wait_for_u(page)
    assert 0 < u < 1
    assert page.text_content("#softmax-pred").strip().endswith("1")
    assert page.text_content("#edl-pred").strip().endswith("1")
    assert "u = " in page.text_content("#sentence")
    assert page.locator("#softmax-bars .bar").count() == 10
    assert page.locator("#edl-stack .seg.u").count() == 1
    assert page.locator("#conv1-maps canvas").count() == 20
    # the 28x28 input was drawn: some pixel of the small canvas is bright
    lit = page.evaluate("""() => { const c = document.getElementById('seen');
        const d = c.getContext('2d').getImageData(0, 0, 28, 28).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] > 128) n++; return n; }""")
    assert 10 < lit < 200
    page.click("#rotate")
    page.wait_for_selector("#rotate-plot path.line.edl")
    assert page.locator("#rotate-strip canvas").count() == page.locator("#rotate-plot circle.edl").count() >= 7
    shot = tmp_path / "platform.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("WEBAPP_SCREENSHOT"):  # 256 colours: a small PNG for the README
        with Image.open(shot) as img:
            img.convert("RGB").quantize(256).save(os.environ["WEBAPP_SCREENSHOT"], optimize=True)


def _fashion_png(path: Path) -> Path:
    from pipeline import datasets

    x, y, _ = datasets.load_fashion(10, 0)
    i = datasets.FASHION_CLASSES.index("Dress")
    k = int(np.flatnonzero(y == i)[0])
    Image.fromarray((x[k, 0] * 255).astype(np.uint8)).save(path)
    return path


def test_upload_fashion_gets_higher_u(page, tmp_path: Path) -> None:  # noqa: ANN001
    draw_vertical_stroke(page)
    u_digit = wait_for_u(page)
    page.set_input_files("#upload", str(_fashion_png(tmp_path / "dress.png")))
    u_fashion = wait_for_u(page, f"{u_digit:.3f}")
    assert u_fashion > u_digit + 0.2
    assert "u = " in page.text_content("#sentence")


def test_play_and_jump_to_a_chapter(page) -> None:  # noqa: ANN001
    assert page.is_visible("#player") and not page.is_visible("#no-lecture")
    chapters = page.locator("#chapters button")
    assert chapters.count() == 2
    page.evaluate("() => { const v = document.getElementById('video'); v.muted = true; "
                  "return v.play(); }")
    page.wait_for_function("document.getElementById('video').currentTime > 0.2")
    chapters.nth(1).click()
    page.wait_for_function("() => { const t = document.getElementById('video').currentTime; "
                           "return t >= 1.45 && t <= 3.1; }")
    tracks = page.evaluate("""() => Array.from(document.getElementById('video').textTracks)
                              .map(t => t.kind)""")
    assert "subtitles" in tracks and "chapters" in tracks
    page.locator("#sections button").first.click()
    assert "/media/default/" in page.evaluate("document.getElementById('video').src")


def test_switch_language(page) -> None:  # noqa: ANN001
    assert page.text_content("#try h2") == "Try the models"
    draw_vertical_stroke(page)
    wait_for_u(page)
    english = page.text_content("#sentence")
    page.click("#lang")
    assert page.text_content("#try h2") == "试试两个模型"
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    sentence = page.text_content("#sentence")
    assert sentence != english and "u = " in sentence and "。" in sentence
    assert page.text_content("#video-pick option") == "1. CNN 的前向传播"  # from zh.yaml
    page.click("#lang")
    assert page.text_content("#try h2") == "Try the models"
    assert page.text_content("#sentence") == english


def test_nothing_rendered_says_what_to_run(browser, models_dir: Path,  # noqa: ANN001
                                           tmp_path: Path) -> None:
    for url in serve(models_dir, tmp_path / "no_renders"):
        pg = browser.new_page()
        pg.goto(url)
        pg.wait_for_selector("body[data-ready='1']")
        assert pg.is_visible("#no-lecture") and not pg.is_visible("#player")
        assert "make render" in pg.text_content("#no-lecture")
        pg.close()


def test_bad_upload_shows_the_error(page, tmp_path: Path) -> None:  # noqa: ANN001
    text = tmp_path / "notes.png"
    text.write_bytes(b"this is not an image\n")
    page.set_input_files("#upload", str(text))
    page.wait_for_selector("#error:not([hidden])")
    assert "not an image" in page.text_content("#error")
    draw_vertical_stroke(page)  # the server still answers
    assert 0 < wait_for_u(page) < 1



def test_touch_and_pen_draw(browser, base_url: str) -> None:  # noqa: ANN001
    """Real touch and pen input through Chrome's DevTools protocol, not synthetic DOM events."""
    ctx = browser.new_context(viewport={"width": 800, "height": 900}, has_touch=True)
    pg = ctx.new_page()
    pg.goto(base_url)
    pg.wait_for_selector("body[data-ready='1']")
    cdp = ctx.new_cdp_session(pg)
    box = pad_box(pg)
    x = box["x"] + box["width"] / 2
    ys = [box["y"] + box["height"] * (0.15 + 0.7 * i / 15) for i in range(16)]
    for kind, y in (("touchStart", ys[0]), *(("touchMove", y) for y in ys[1:]), ("touchEnd", None)):
        points = [] if y is None else [{"x": x, "y": y}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
    u_touch = wait_for_u(pg)
    assert pg.text_content("#edl-pred").strip().endswith("1")
    pg.click("#clear")
    box = pad_box(pg)  # the click may have scrolled the page
    ys = [box["y"] + box["height"] * (0.15 + 0.7 * i / 15) for i in range(16)]
    x2 = box["x"] + box["width"] * 0.3
    for kind, y in (("mousePressed", ys[0]), *(("mouseMoved", y) for y in ys[1:]),
                    ("mouseReleased", ys[-1])):
        cdp.send("Input.dispatchMouseEvent", {"type": kind, "x": x2, "y": y, "button": "left",
                                              "buttons": 0 if kind == "mouseReleased" else 1,
                                              "clickCount": 1, "pointerType": "pen", "force": 0.8})
    assert 0 < wait_for_u(pg) < 1 and u_touch < 1
    ctx.close()
