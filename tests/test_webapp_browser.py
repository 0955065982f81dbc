"""The learning platform's page in real Chromium (Debian's package, driven by Playwright).

Set WEBAPP_SCREENSHOT=path.png to keep the page's screenshot (the README's comes from here), and
WEBAPP_TEST_DATA=scene_data to serve the models of `make data` instead of the test's own."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import numpy as np
import pytest
from PIL import Image

from tests.conftest import ROOT, serve

CHROMIUM = Path("/usr/lib/chromium/chromium")  # the real binary, not the /usr/bin wrapper

playwright_api = pytest.importorskip("playwright.sync_api")
if not CHROMIUM.exists():
    why = f"{CHROMIUM} is missing: `make setup` installs Debian's chromium"
    if os.environ.get("CI"):  # in CI the browser tests must run, not vanish
        raise RuntimeError(why)
    pytest.skip(why, allow_module_level=True)


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
    """EDL's u once its text changes from ``previous``: the value drawn (data-value), since the
    text may be a bound such as "< 0.001"."""
    pg.wait_for_function("prev => document.getElementById('edl-u').textContent !== prev",
                         arg=previous)
    return float(pg.get_attribute("#edl-u", "data-value"))


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


def test_every_registry_model_has_a_panel_for_a_drawing(page) -> None:  # noqa: ANN001
    """MC dropout and the ensemble (every registry model that averages passes or members) get
    a card with mean bars, entropy ≥ MI ≥ 0, the passes' votes or the members' answers, in
    words in both languages, and their curves under the sweep."""
    from contract.models import REGISTRY

    averaged = [n for n, m in REGISTRY.items() if m.predicts != "single"]
    draw_vertical_stroke(page)
    wait_for_u(page)
    for name in averaged:
        card = f"#{name}-card"
        page.wait_for_function(f"() => document.querySelector('{card} .big').textContent !== '–'")
        assert page.text_content(f"{card} .big").strip().endswith("1")
        assert page.locator(f"{card} .bars .bar").count() == 10
        ent = float(page.get_attribute(f"#{name}-entropy", "data-value"))
        mi = float(page.get_attribute(f"#{name}-mi", "data-value"))
        assert 0 <= mi <= ent + 1e-9
        assert page.text_content(f"#{name}-name") == REGISTRY[name].en
        assert page.locator(f"{card} .swatch").count() == 1
    api = page.evaluate("() => fetch('/api/models').then((r) => r.json())")
    count = {m["name"]: m["count"] for m in api}
    votes = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#mc_dropout-votes tr:nth-child(2) td')).map((td) => +td.textContent)""")
    assert len(votes) == 10 and sum(votes) == count["mc_dropout"]
    assert page.locator("#ensemble-votes tr").count() == count["ensemble"] + 1
    with page.expect_response("**/api/rotate") as info:
        page.click("#rotate")
    sweep = info.value.json()
    page.wait_for_selector("#rotate-mi-plot path.line.more")
    for plot in ("#rotate-conf-plot", "#rotate-mi-plot"):
        assert page.locator(f"{plot} path.line.more").count() == len(averaged)
        assert page.locator(f"{plot} text.legend").count() == len(averaged)
    for name in averaged:
        got = page.evaluate(f"""() => Array.from(document.querySelectorAll(
            '#rotate-mi-plot path.dot.{name}')).map((p) => +p.dataset.value)""")
        assert np.allclose(got, sweep["more"][name]["mutual_information"], atol=1e-6)
    page.click("#lang")
    assert page.text_content("#ensemble-name") == REGISTRY["ensemble"].zh
    assert "互信息" in page.text_content("#ensemble-card")


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
    shown = page.text_content("#edl-u")
    page.set_input_files("#upload", str(_fashion_png(tmp_path / "dress.png")))
    u_fashion = wait_for_u(page, shown)
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


# -- one rounding rule: numbers.js is contract/numbers.py --------------------------------------
def _rule_rows() -> list[tuple[str, float, dict, str]]:
    """EXAMPLES, then values where rounding is easy to get wrong (exact binary ties, which
    toFixed rounds up and Python to even; values next to the bounds), then random ones."""
    from contract import numbers as cn

    rows = list(cn.EXAMPLES)
    rng = np.random.default_rng(19)
    values = [0.125, 0.375, -0.125, 0.5, 1.5, 2.5, 0.995, 0.9995, 0.99995, 0.005, 0.0005,
              -0.0005, 0.00049999, 0.9994999, 1 - 1e-16, 1e-30, 5e-324, -0.0, 12.345, 0.00095,
              *rng.random(60), *(1 - rng.random(40) ** 6), *(rng.random(40) ** 6),
              *rng.uniform(-3, 3, 40), *np.round(rng.random(40), 3)]
    for v in map(float, values):
        for rule, kw in (("unit", {}), ("unit", {"digits": 3}), ("unit", {"most": 5}),
                         ("signed", {}), ("signed", {"digits": 1, "most": 4}),
                         ("percent", {}), ("percent", {"digits": 0})):
            rows.append((rule, v, kw, getattr(cn, rule)(v, **kw)))
    return rows


def test_numbers_js_gives_the_python_rule_strings(page) -> None:  # noqa: ANN001
    from contract import numbers as cn

    rows = _rule_rows()
    for rule, v, kw, want in cn.EXAMPLES:  # the table itself is the Python rule's
        assert getattr(cn, rule)(v, **kw) == want
    got = page.evaluate("rows => rows.map(([r, v, k]) => Numbers[r](v, k))",
                        [[r, v, kw] for r, v, kw, _ in rows])
    bad = [(r, v, kw, want, g) for (r, v, kw, want), g in zip(rows, got) if g != want]
    assert bad == [], bad[:10]
    assert len(rows) > 1500
    # and its false_certainty is the Python one
    cases = [["1.00", 0.9996], ["> 0.999", 0.9996], ["0.00", 0.0], ["100.0%", 0.9999],
             [".00", 0.001], ["0.000", 0.0001], ["−0.00", -0.001], ["1", 1.0]]
    assert page.evaluate("cs => cs.map(([t, v]) => Numbers.falseCertainty(t, v))", cases) == \
        [cn.false_certainty(t, v) for t, v in cases]


def _shown_numbers(pg) -> list[tuple[str, str, float]]:  # noqa: ANN001
    """(where, text, value) of every number the result drew with its value: bars, belief
    segments, the EDL table, u; and the tooltips of bars and segments."""
    import re

    rows = pg.evaluate("""() => Array.from(document.querySelectorAll('#try [data-value]'))
        .filter((e) => e.tagName.toLowerCase() !== 'circle')
        .map((e) => [e.id || e.className, e.textContent, +e.dataset.value])""")
    out = []
    for where, text, value in rows:
        if where.startswith("seg"):
            text = re.sub(r"^(b\d|u) ", "", text)  # "b1 0.95": its label, then the number
        out.append((where, text, value))
    return out


def _check_no_false_certainty(pg, result: dict) -> list[tuple[str, str, float]]:  # noqa: ANN001
    import re

    from contract.numbers import false_certainty

    shown = _shown_numbers(pg)
    assert len(shown) >= 10 + 10 + 20 + 1  # bars of both models, the table's b and p̂, u
    values = {*result["softmax"]["probs"], *result["edl"]["probs"], *result["edl"]["belief"],
              result["edl"]["u"]}
    for name in ("mc_dropout", "ensemble"):  # the averaged models' numbers, where the API has them
        r = result.get(name) or {}
        values |= {*r.get("probs", []), *r.get("spread", []), r.get("entropy"),
                   r.get("mutual_information"), *(m["probability"] for m in r.get("members") or [])}
    values.discard(None)
    for where, text, value in shown:
        assert any(abs(value - v) < 1e-9 for v in values), (where, text, value)  # the API's
        assert not false_certainty(text, value), (where, text, value)
    tips = pg.evaluate("""() => Array.from(document.querySelectorAll(
        '#softmax-bars .bar, #edl-bars .bar')).map((e) => e.title)""")
    probs = result["softmax"]["probs"] + result["edl"]["probs"]
    for tip, value in zip(tips, probs):
        assert not false_certainty(tip.split(": ", 1)[1], value), (tip, value)
    sentence = pg.text_content("#sentence")
    p = re.search(r"\((.+?)\)", sentence).group(1)
    u = re.search(r"u = (.+?)\.?$", sentence).group(1)
    assert not false_certainty(p, max(result["softmax"]["probs"])), sentence
    assert not false_certainty(u, result["edl"]["u"]), sentence
    return shown


def test_no_false_certainty_after_a_prediction(page) -> None:  # noqa: ANN001
    """The drawn 1 as the models answer it, then the same answer pushed to the bounds (p =
    0.99996, beliefs of 0.0002, exact zeros and an exact one): nothing prints as 0.00 or 1.00
    unless the API's value is exactly 0 or 1, and exact values still print exactly."""
    with page.expect_response("**/api/predict**") as info:
        draw_vertical_stroke(page)
    real = info.value.json()
    wait_for_u(page)
    _check_no_false_certainty(page, real)

    def extreme(route) -> None:  # noqa: ANN001
        doc = route.fetch().json()
        doc["softmax"]["probs"] = [0.0, 0.99996, 0.00002, 0.00001, 0.000004, 0.000003,
                                   0.000002, 0.000001, 0.0, 0.0]
        doc["softmax"]["prediction"] = 1
        e = doc["edl"]
        e["belief"] = [0.0002, 0.9993, 0.0001, 0.0, 0.0, 0.0, 0.00004, 0.0, 0.0, 0.0]
        e["u"] = 1 - sum(e["belief"])
        e["probs"] = [0.0004, 0.9951, 0.004, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001, 0.0001,
                      0.0]
        route.fulfill(json=doc)

    page.route("**/api/predict**", extreme)
    page.click("#clear")
    with page.expect_response("**/api/predict**") as info:
        draw_vertical_stroke(page)
    pushed = info.value.json()
    wait_for_u(page)
    shown = _check_no_false_certainty(page, pushed)
    texts = {t for _, t, _ in shown}
    assert {">.999", "<.001", ".995", ".004"} <= texts, texts  # the bars' short forms
    assert "> 0.999" in page.text_content("#sentence")
    assert ".00" in texts  # the exact zeros print as zeros

    def one_hot(route) -> None:  # noqa: ANN001
        doc = route.fetch().json()
        doc["softmax"]["probs"] = [0.0, 1.0] + [0.0] * 8
        route.fulfill(json=doc)

    page.unroute("**/api/predict**")
    page.route("**/api/predict**", one_hot)
    page.click("#clear")
    with page.expect_response("**/api/predict**") as info:
        draw_vertical_stroke(page)
    wait_for_u(page)
    _check_no_false_certainty(page, info.value.json())
    assert page.text_content("#softmax-bars .bar.pred .val") == "1.00"  # exactly 1: 1.00


# -- photos of any size -------------------------------------------------------------------------
def _phone_photo(path: Path) -> Path:
    """A 4000 x 3000 JPEG of a dark 4 written on light, noisy paper: at least 12 MB."""
    from PIL import ImageDraw

    rng = np.random.default_rng(4)
    paper = Image.new("L", (4000, 3000), 228)
    ImageDraw.Draw(paper).line([(1500, 600), (1300, 1700), (2300, 1700)], fill=30, width=170,
                               joint="curve")
    ImageDraw.Draw(paper).line([(2000, 900), (2000, 2500)], fill=30, width=170)
    base = np.asarray(paper.convert("RGB"), np.float32)
    noisy = np.clip(base + rng.normal(0, 9, base.shape), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(path, "JPEG", quality=97, subsampling=0)
    assert path.stat().st_size >= 12 * 2**20, path.stat().st_size
    return path


SPY_ON_UPLOADS = """() => {
    // Chromium does not show a file body to the test: record what the page's fetch sends.
    const send = window.fetch;
    window.__sent = [];
    window.fetch = async (url, opts) => {
      const f = opts && opts.body instanceof FormData ? opts.body.get('image') : null;
      if (f) {
        const bmp = await createImageBitmap(f).catch(() => null);
        const bytes = f.size < 65536 ? Array.from(new Uint8Array(await f.arrayBuffer())) : null;
        window.__sent.push({ url: String(url), size: f.size, type: f.type, name: f.name,
                             width: bmp && bmp.width, height: bmp && bmp.height, bytes });
      }
      return send(url, opts);
    };
}"""


def test_a_12_mb_photo_through_the_page_gets_a_prediction(page, tmp_path: Path) -> None:  # noqa: ANN001
    """The server refuses over 10 MB; the page downsizes the picture in a canvas (longest side
    1024 px) before it sends it, so the photo gets an answer."""
    from webapp.images import MAX_BYTES

    photo = _phone_photo(tmp_path / "phone.jpg")
    assert photo.stat().st_size > MAX_BYTES
    page.evaluate(SPY_ON_UPLOADS)
    with page.expect_response("**/api/predict**") as resp:
        page.set_input_files("#upload", str(photo))
    assert resp.value.status == 200, resp.value.text()
    [sent] = page.evaluate("window.__sent")
    assert sent["type"] == "image/jpeg" and sent["name"] == "phone.jpg"
    assert (sent["width"], sent["height"]) == (1024, 768)  # longest side 1024, same shape
    assert sent["size"] < 2 * 2**20
    wait_for_u(page)
    assert page.is_hidden("#error")
    assert page.text_content("#softmax-pred").strip()[-1].isdigit()
    assert page.text_content("#edl-pred").strip()[-1].isdigit()
    assert "u = " in page.text_content("#sentence")


def test_a_small_picture_goes_unchanged(page, tmp_path: Path) -> None:  # noqa: ANN001
    path = _fashion_png(tmp_path / "dress.png")
    page.evaluate(SPY_ON_UPLOADS)
    with page.expect_response("**/api/predict**"):
        page.set_input_files("#upload", str(path))
    [sent] = page.evaluate("window.__sent")
    assert bytes(sent["bytes"]) == path.read_bytes() and sent["name"] == "dress.png"
    wait_for_u(page)


# -- the platform says what it draws -------------------------------------------------------------
def test_rotation_plot_draws_what_its_legend_names(page) -> None:  # noqa: ANN001
    """Each plotted EDL point is the API's u at its angle (read from the point's data-value and
    from its position on the axis), and the legend names u in the page's own words."""
    draw_vertical_stroke(page)
    wait_for_u(page)
    with page.expect_response("**/api/rotate") as info:
        page.click("#rotate")
    api = info.value.json()
    page.wait_for_selector("#rotate-plot circle.dot.edl")
    words = page.evaluate("() => fetch('/api/wording').then((r) => r.json())")
    for cls, want in (("edl", api["edl_u"]), ("softmax", api["softmax_confidence"])):
        pts = page.evaluate(f"""() => Array.from(document.querySelectorAll(
            '#rotate-plot circle.dot.{cls}')).map((c) => [+c.dataset.angle, +c.dataset.value,
            +c.getAttribute('cy')])""")
        assert [a for a, _, _ in pts] == api["angles"]
        for (_, value, cy), v in zip(pts, want):
            assert abs(value - v) < 0.01
            on_axis = 1 - (cy - 40) / (300 - 40 - 46)  # the plot's y(v), inverted
            assert abs(on_axis - v) < 0.01, (cls, on_axis, v)
    legend = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#rotate-plot text.legend')).map((t) => t.textContent)""")
    assert legend == [words["en"]["rot_softmax"], words["en"]["rot_edl"]]
    assert legend[1] == "EDL: uncertainty u" and "1 − u" not in legend[1]
    page.locator("#rotate-out").screenshot(path="/tmp/rotation.png")
    page.click("#lang")
    legend = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#rotate-plot text.legend')).map((t) => t.textContent)""")
    assert legend[1] == words["zh"]["rot_edl"] == "EDL：不确定度 u"


@pytest.mark.parametrize("locale", ["en-US", "zh-CN"])
def test_every_video_has_a_real_title(browser, models_dir: Path, tiny_renders: Path,  # noqa: ANN001
                                      tmp_path: Path, locale: str) -> None:
    """A render of every registered sequence: the video list titles each one (en and zh)."""
    import shutil

    from contract.manifest import load_manifest
    from contract.sequences import SEQUENCES

    renders = tmp_path / "renders"
    shutil.copytree(tiny_renders / "default", renders / "default")
    manifest = renders / "default" / "manifest.json"
    doc = load_manifest(manifest)
    video = next(e for e in doc.files if e.kind == "video")
    files = [e for e in doc.files if e.kind != "video"] + \
        [video.model_copy(update={"sequence": name}) for name in SEQUENCES]
    manifest.write_text(doc.model_copy(update={"files": files}).to_json())
    for url in serve(models_dir, renders):
        ctx = browser.new_context(locale=locale)
        pg = ctx.new_page()
        pg.goto(url)
        pg.wait_for_selector("body[data-ready='1']")
        words = pg.evaluate("() => fetch('/api/wording').then((r) => r.json())")
        lang = "zh" if locale.startswith("zh") else "en"
        titles = pg.evaluate("""() => Array.from(document.querySelectorAll('#video-pick option'))
                                .map((o) => o.textContent)""")
        assert titles == [words[lang][f"seq_{n}"] for n in SEQUENCES]
        for t in titles:
            assert not t.startswith("seq_") and "_" not in t, t
        assert titles[-1] == ("6. 走进训练好的网络" if lang == "zh" else "6. Inside the trained networks")
        ctx.close()


def _renders_of(tiny_renders: Path, root: Path, folders: dict[str, tuple[str, str]]) -> Path:
    """Copies of the tiny render, one per folder: {folder: (language, lecture file)}."""
    import shutil

    from contract.manifest import load_manifest

    for name, (lang, lecture) in folders.items():
        shutil.copytree(tiny_renders / "default", root / name)
        manifest = root / name / "manifest.json"
        doc = load_manifest(manifest).model_copy(update={"language": lang, "lecture": lecture})
        manifest.write_text(doc.to_json())
    return root


def test_the_page_opens_on_its_languages_default_lecture(browser, models_dir: Path,  # noqa: ANN001
                                                         tiny_renders: Path, tmp_path: Path) -> None:
    """Folders that sort before the defaults (a_first, b_zh_other) are not what the page opens."""
    renders = _renders_of(tiny_renders, tmp_path / "renders", {
        "a_first": ("en", "lectures/example_digit3.yaml"),
        "b_zh_other": ("zh", "elsewhere/my_zh.yaml"),
        "default": ("en", "lectures/default.yaml"),
        "zh": ("zh", "lectures/zh.yaml")})
    for url in serve(models_dir, renders):
        for locale, want in (("en-US", "default"), ("zh-CN", "zh")):
            ctx = browser.new_context(locale=locale)
            pg = ctx.new_page()
            pg.goto(url)
            pg.wait_for_selector("body[data-ready='1']")
            flags = pg.evaluate("""() => fetch('/api/lectures').then((r) => r.json())
                                   .then((ls) => ls.map((l) => [l.id, l.default]))""")
            assert flags == [["a_first", False], ["b_zh_other", False], ["default", True],
                             ["zh", True]]
            picked = pg.evaluate("""() => { const s = document.getElementById('lecture-pick');
                                    return s.options[s.selectedIndex].textContent; }""")
            assert picked.startswith(want + " ("), (locale, picked)
            assert f"/media/{want}/" in pg.evaluate("document.getElementById('video').src")
            pg.click("#lang")  # the other language: its default lecture
            other = "zh" if want == "default" else "default"
            assert f"/media/{other}/" in pg.evaluate("document.getElementById('video').src")
            ctx.close()
