"""The explainer panels in real Chromium: a cell's arithmetic sums to the map's value as the API
reports it, an attack's flip is said, painting pixels updates the answers, everything works by
keyboard alone and on a phone, axe-core finds no serious or critical violation (en and zh), and
each panel's link seeks the lecture.

EXPLAINER_SCREENSHOTS=1 keeps the screenshots as /tmp/explainer-*.png (run it with
WEBAPP_TEST_DATA=scene_data for the models of `make data`: the test models are weak)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest

from tests.conftest import ROOT, serve
from tests.test_webapp_browser import (browser, draw_vertical_stroke, models_dir, page,  # noqa: F401
                                       pad_box, wait_for_u)
from tests.test_webapp_explainer_api import renders_with_sections

AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def base_url(models_dir: Path, tiny_renders: Path,  # noqa: F811
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    renders = renders_with_sections(tiny_renders, tmp_path_factory.mktemp("renders"))
    yield from serve(models_dir, renders)




def keep(shot: Path, name: str) -> None:
    if os.environ.get("EXPLAINER_SCREENSHOTS"):
        shutil.copy(shot, f"/tmp/explainer-{name}.png")


def layers(doc: dict) -> dict[str, np.ndarray]:
    from webapp.explain_schemas import Tensor

    return {layer["key"]: Tensor(**layer["values"]).array() for layer in doc["layers"]}


def draw_and_trace(pg, draw=draw_vertical_stroke) -> dict[str, np.ndarray]:  # noqa: ANN001
    """Draw, wait for the network view; the trace the page was sent."""
    with pg.expect_response("**/api/network**") as info:
        draw(pg)
    pg.wait_for_selector("#x-layer-conv1 canvas")
    return layers(info.value.json())


def click_cell(pg, layer: str, channel: int, row: int, col: int) -> None:  # noqa: ANN001
    canvas = pg.locator(f"#x-layer-{layer} canvas[data-channel='{channel}']")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    h, w = {"conv1": (24, 24), "relu1": (24, 24), "pool1": (12, 12), "conv2": (8, 8),
            "relu2": (8, 8), "pool2": (4, 4)}[layer]
    canvas.click(position={"x": (col + 0.5) * box["width"] / w, "y": (row + 0.5) * box["height"] / h})


def values(pg, selector: str) -> list[float]:  # noqa: ANN001
    return pg.evaluate("s => Array.from(document.querySelectorAll(s)).map((e) => +e.dataset.value)",
                       selector)


def test_a_conv1_cell_s_products_sum_to_its_value(page) -> None:  # noqa: ANN001
    t = draw_and_trace(page)
    ch, row, col = 4, 9, 11
    with page.expect_response("**/api/cell") as info:
        click_cell(page, "conv1", ch, row, col)
    page.wait_for_selector("#x-cell:not([hidden]) .x-channel")
    api = info.value.json()
    assert (api["layer"], api["channel"], api["row"], api["col"]) == ("conv1", ch, row, col)
    products = values(page, "#x-cell table.products td")
    assert len(products) == 25
    assert values(page, "#x-cell table.window td") == pytest.approx(api["shown"][0]["window"][0] +
                                                                    sum(api["shown"][0]["window"][1:], []))
    [bias] = values(page, "#x-cell .num.bias")
    [pre] = values(page, "#x-cell .num.pre")
    [on_map] = values(page, "#x-cell .num.map")
    assert sum(products) + bias == pytest.approx(t["conv1"][ch, row, col], abs=1e-12)
    assert pre == on_map == t["conv1"][ch, row, col]  # the value the map reported, exactly
    assert page.text_content("#x-cell .num.pre") == page.text_content("#x-cell .num.map")
    [post] = values(page, "#x-cell .num.post")
    assert post == t["relu1"][ch, row, col]
    assert "✓" in page.text_content("#x-cell")
    # the form names the same cell, so a keyboard user sees which one it is
    assert [page.input_value(f"#cell-{k}") for k in ("layer", "channel", "row", "col")] == \
        ["conv1", str(ch), str(row), str(col)]


def test_a_conv2_cell_shows_its_top_channels(page, tmp_path: Path) -> None:  # noqa: ANN001
    t = draw_and_trace(page)
    ch, row, col = 7, 3, 2
    with page.expect_response("**/api/cell") as info:
        click_cell(page, "conv2", ch, row, col)
    page.wait_for_selector("#x-cell:not([hidden]) .x-channel")
    api = info.value.json()
    assert page.locator("#x-cell .x-channel").count() == 3
    text = page.text_content("#x-cell")
    assert "20 pool1 maps" in text and "3 channels that contribute most" in text and "other 17" in text
    subtotals = values(page, "#x-cell .num.subtotal")
    [rest] = values(page, "#x-cell .num.rest")
    [bias] = values(page, "#x-cell .num.bias")
    for block in api["shown"]:
        got = values(page, f"#x-cell .x-channel[data-channel='{block['channel']}'] table.products td")
        assert sum(got) == pytest.approx(block["subtotal"], abs=1e-12)
    assert sum(subtotals) + rest + bias == pytest.approx(t["conv2"][ch, row, col], abs=1e-12)
    assert values(page, "#x-cell .num.map") == [t["conv2"][ch, row, col]]
    shot = tmp_path / "conv2.png"
    page.locator("#x-cell").screenshot(path=str(shot))
    keep(shot, "conv2-cell")


def test_a_pool_cell_shows_its_winner(page) -> None:  # noqa: ANN001
    t = draw_and_trace(page)
    with page.expect_response("**/api/cell") as info:
        click_cell(page, "pool1", 2, 6, 5)
    page.wait_for_selector("#x-cell:not([hidden]) table.window")
    api = info.value.json()
    assert page.locator("#x-cell td.win").count() == 1
    assert "★" in page.text_content("#x-cell td.win")  # not only a colour
    assert values(page, "#x-cell td.win") == [t["pool1"][2, 6, 5]] == [api["value"]]


def test_the_heads_show_their_formulas(page) -> None:  # noqa: ANN001
    with page.expect_response("**/api/network**") as info:
        draw_vertical_stroke(page)
    doc = info.value.json()
    page.wait_for_selector("#x-heads:not([hidden]) #x-edl-table td")
    assert "exp(z_k − max z)" in page.text_content("#x-softmax-formula")
    assert values(page, "#x-edl-formula .num.u") == [doc["edl"]["u"]]
    assert values(page, "#x-softmax-formula .num.total") == [doc["softmax_head"]["total"]]
    assert "◀" in page.text_content("#x-softmax-table tr.pred")


def raise_eps_until_flip(pg, method: str) -> dict | None:  # noqa: ANN001
    """Arrow keys on the slider, one 0.01 step at a time; the first attack that flips softmax."""
    pg.check(f"input[name=attack-method][value={method}]")
    pg.focus("#eps")
    pg.keyboard.press("Home")
    for _ in range(30):
        with pg.expect_response("**/api/attack") as info:
            pg.keyboard.press("ArrowRight")
        doc = info.value.json()
        pg.wait_for_function("eps => document.getElementById('attack-status').textContent"
                             ".includes(eps)", arg=pg.text_content("#eps-out"))
        if doc["softmax"]["flipped"]:
            return doc
    return None


def test_raising_eps_until_softmax_flips_shows_the_flip(page, tmp_path: Path) -> None:  # noqa: ANN001
    draw_and_trace(page)
    doc = raise_eps_until_flip(page, "fgsm") or raise_eps_until_flip(page, "pgd")
    assert doc is not None, "no ε up to 0.3 flipped the softmax model"
    a = doc["softmax"]
    card = page.locator("#attack-softmax")
    assert card.get_attribute("data-flipped") == "1"
    verdict = card.locator(".verdict").text_content()
    assert verdict == f"⚠ flipped: {a['clean_prediction']} → {a['prediction']}"
    assert f"flipped from {a['clean_prediction']} to {a['prediction']}" in \
        page.text_content("#attack-status")
    assert page.locator("#attack-edl dd[data-field='u']").get_attribute("data-value") == \
        str(doc["edl"]["answer"]["u"])
    assert page.is_visible("#attack-key") and "brighter" in page.text_content("#attack-key")
    shot = tmp_path / "attack.png"
    page.locator("#attack").screenshot(path=str(shot))
    keep(shot, "attack-flip")


def test_painting_pixels_updates_the_answers_debounced(page) -> None:  # noqa: ANN001
    draw_vertical_stroke(page)
    wait_for_u(page)
    page.wait_for_selector("#x-layer-conv1 canvas")
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.post_data or "") if "/api/network" in r.url else None)
    page.locator("#paint").scroll_into_view_if_needed()
    box = page.locator("#paint").bounding_box()
    cell = box["width"] / 28
    with page.expect_response("**/api/network**") as info:
        page.mouse.move(box["x"] + 3.5 * cell, box["y"] + 3.5 * cell)
        page.mouse.down()
        for c in range(4, 24):  # a bar across the top: 20 pixels in one stroke
            page.mouse.move(box["x"] + (c + 0.5) * cell, box["y"] + 3.5 * cell)
        page.mouse.up()
    doc = info.value.json()
    page.wait_for_function("v => document.getElementById('edl-u').dataset.value == v",
                           arg=str(doc["edl"]["u"]))
    assert len(sent) <= 2, "painting is debounced: one request per pause, not one per pixel"
    painted = layers(doc)["input"][0]
    assert (painted[3, 4:24] == 1.0).all()
    assert page.text_content("#softmax-pred").strip().endswith(str(doc["softmax"]["prediction"]))
    # erase the cursor's pixel (the stroke's last) by keyboard: the answers follow again
    page.check("input[name=brush][value='0']")
    page.focus("#paint")
    with page.expect_response("**/api/network**") as info:
        page.keyboard.press("Space")
    assert layers(info.value.json())["input"][0, 3, 23] == 0.0
    assert "Pixel row 3, column 23: 0.00" in page.text_content("#paint-cursor")


def test_keyboard_only_draw_predict_and_open_a_cell(page) -> None:  # noqa: ANN001
    """Tab to the input grid, paint a stroke with the arrow keys, let both models answer, Tab
    to the cell chooser, name a conv2 cell, press Enter: its arithmetic opens; then step the
    training timeline by Enter and by the epoch slider's arrow key."""
    def tab_to(element_id: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("paint")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    for _ in range(9):
        page.keyboard.press("ArrowUp")  # from the centre to row 5
    page.keyboard.press("Space")
    with page.expect_response("**/api/network**"):
        for _ in range(17):
            page.keyboard.press("Shift+ArrowDown")
    page.wait_for_function("document.getElementById('softmax-pred').textContent.includes(':')")
    assert page.text_content("#softmax-pred").strip()[-1].isdigit()
    page.wait_for_selector("#x-layer-conv2 canvas")
    tab_to("cell-layer")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # conv1 -> relu1 -> pool1 -> conv2
    assert page.input_value("#cell-layer") == "conv2"
    for field, value in (("cell-channel", "5"), ("cell-row", "2"), ("cell-col", "3")):
        tab_to(field, 3)
        page.keyboard.press("Control+A")
        page.keyboard.type(value)
    with page.expect_response("**/api/cell") as info:
        page.keyboard.press("Enter")
    page.wait_for_selector("#x-cell:not([hidden]) .x-channel")
    api = info.value.json()
    assert (api["layer"], api["channel"], api["row"], api["col"]) == ("conv2", 5, 2, 3)
    assert "conv2, map 5, row 2, column 3" in page.text_content("#x-cell h3")
    # on to the timeline: the next epoch by Enter, the one after by the slider's arrow key
    tab_to("tl-forward")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_response("**/api/timeline/step") as info:
        page.keyboard.press("Enter")
    assert info.value.json()["epoch"] == 2
    tab_to("tl-epoch", 2)
    with page.expect_response("**/api/timeline/step") as info:
        page.keyboard.press("ArrowRight")
    assert info.value.json()["epoch"] == 3
    page.wait_for_function("document.getElementById('tl-out').dataset.epoch === '3'")


def run_axe(pg) -> list[dict]:  # noqa: ANN001
    pg.add_script_tag(path=str(AXE))
    res = pg.evaluate("() => axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', "
                      "'wcag21aa', 'best-practice'] })")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]}
            for v in res["violations"]]


@pytest.mark.skipif(not AXE.exists() and not os.environ.get("CI"),
                    reason="tests/js/node_modules is missing: `make setup` installs axe-core")
def test_axe_finds_no_serious_violation_in_either_language(page) -> None:  # noqa: ANN001
    assert AXE.exists(), "tests/js/node_modules/axe-core is missing: run `make setup`"
    draw_and_trace(page)
    with page.expect_response("**/api/cell"):
        click_cell(page, "conv2", 1, 1, 1)
    page.wait_for_selector("#x-cell:not([hidden]) .x-channel")
    with page.expect_response("**/api/attack"):
        page.fill("#eps", "0.1")
        page.dispatch_event("#eps", "input")
    page.wait_for_selector("#attack-out:not([hidden])")
    for lang in ("en", "zh"):
        found = run_axe(page)
        serious = [v for v in found if v["impact"] in ("serious", "critical")]
        assert serious == [], (lang, serious)
        page.click("#lang")
        page.wait_for_function("document.documentElement.lang === 'zh-CN'" if lang == "en"
                               else "document.documentElement.lang === 'en'")
    # the chinese page has chinese panels
    page.click("#lang")
    assert page.text_content("#explain-title") == "网络内部：你的数字逐层经过"
    assert "攻击" in page.text_content("#attack-title")


def test_a_panel_s_link_seeks_the_lecture_there(page) -> None:  # noqa: ANN001
    draw_and_trace(page)
    link = page.locator("#x-layer-input .x-link button")
    assert link.count() == 1 and "Pixels" in link.text_content()
    assert page.locator("#x-layer-conv1 .x-link button").count() == 0  # not in this render
    link.click()
    page.wait_for_function("() => { const v = document.getElementById('video');"
                           " return v.readyState >= 1 && Math.abs(v.currentTime - 1.5) < 0.3; }")
    assert "/media/default/" in page.evaluate("document.getElementById('video').src")


def test_phone_viewport_touch_drawing(browser, base_url: str, tmp_path: Path) -> None:  # noqa: ANN001, F811
    """390 × 844 with touch: draw with a finger, tap a cell, paint a pixel; nothing overflows."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                              is_mobile=True, device_scale_factor=2)
    pg = ctx.new_page()
    pg.goto(base_url)
    pg.wait_for_selector("body[data-ready='1']")
    cdp = ctx.new_cdp_session(pg)

    def touch(points: list[tuple[float, float]]) -> None:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                              "touchPoints": [{"x": points[0][0], "y": points[0][1]}]})
        for x, y in points[1:]:
            cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    box = pad_box(pg)
    x = box["x"] + box["width"] / 2
    with pg.expect_response("**/api/network**"):
        touch([(x, box["y"] + box["height"] * (0.15 + 0.7 * i / 15)) for i in range(16)])
    wait_for_u(pg)
    pg.wait_for_selector("#x-layer-conv1 canvas")
    canvas = pg.locator("#x-layer-conv1 canvas[data-channel='0']")
    canvas.scroll_into_view_if_needed()
    b = canvas.bounding_box()
    with pg.expect_response("**/api/cell"):
        pg.touchscreen.tap(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    pg.wait_for_selector("#x-cell:not([hidden]) .x-channel")
    paint = pg.locator("#paint")
    paint.scroll_into_view_if_needed()
    b = paint.bounding_box()
    with pg.expect_response("**/api/network**") as info:
        touch([(b["x"] + b["width"] * 0.1, b["y"] + b["height"] * 0.1)])
    assert layers(info.value.json())["input"][0, 2, 2] == 1.0
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    pg.locator("#try").scroll_into_view_if_needed()
    pg.evaluate("document.getElementById('try').scrollIntoView()")
    shot = tmp_path / "phone.png"
    pg.screenshot(path=str(shot), full_page=False)
    keep(shot, "phone")
    pg.locator("#x-layer-input").scroll_into_view_if_needed()
    pg.screenshot(path=str(tmp_path / "phone-explainer.png"))
    keep(tmp_path / "phone-explainer.png", "phone-explainer")
    ctx.close()


def draw_seven(pg) -> None:  # noqa: ANN001
    box = pad_box(pg)
    pts = [(0.22, 0.2), (0.78, 0.2), (0.42, 0.86)]
    at = lambda f: (box["x"] + box["width"] * f[0], box["y"] + box["height"] * f[1])  # noqa: E731
    pg.mouse.move(*at(pts[0]))
    pg.mouse.down()
    for a, c in zip(pts, pts[1:]):
        for i in range(1, 16):
            pg.mouse.move(*at((a[0] + (c[0] - a[0]) * i / 15, a[1] + (c[1] - a[1]) * i / 15)))
    pg.mouse.up()


def test_the_whole_network_for_a_drawn_seven(page, tmp_path: Path) -> None:  # noqa: ANN001
    t = draw_and_trace(page, draw_seven)
    for key, n in (("conv1", 20), ("relu1", 20), ("pool1", 20), ("conv2", 50), ("relu2", 50),
                   ("pool2", 50)):
        assert page.locator(f"#x-layer-{key} canvas").count() == n, key
        assert " × ".join(map(str, t[key].shape)) in page.text_content(f"#x-layer-{key} .shape")
    assert page.locator("#x-layer-fc1 canvas").count() == 1
    assert values(page, "#x-layer-logits .v") == list(t["logits"])
    shot = tmp_path / "network.png"
    page.locator("#explain").screenshot(path=str(shot))
    keep(shot, "network-7")


def test_a_full_queue_is_said_as_busy_with_its_retry_after(page) -> None:  # noqa: ANN001
    """The server's 429 or 503 (webapp/fairness.py; filled for real in the API tests, answered
    here by the browser's router) reads as "busy, try again in N s", not as a refused input."""
    import json

    def refuse(status: int, code: str, seconds: str):  # noqa: ANN202
        body = json.dumps({"error": code, "detail": "queue full"})
        return lambda route: route.fulfill(status=status, body=body, headers={
            "Content-Type": "application/json", "Retry-After": seconds})

    page.route("**/api/attack", refuse(429, "too_many_requests", "3"))
    page.route("**/api/rotate", refuse(503, "busy", "2"))
    draw_vertical_stroke(page)  # the attack follows the new input
    page.wait_for_function("document.getElementById('attack-status').textContent.includes('3 s')")
    assert page.text_content("#attack-status") == \
        "The server is busy with other students' attacks and sweeps: try again in 3 s."
    page.click("#rotate")
    page.wait_for_selector("#error:not([hidden])")
    assert page.text_content("#error") == \
        "The server is busy with other students' attacks and sweeps: try again in 2 s."
