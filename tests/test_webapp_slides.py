"""The player's "present" link: a lecture whose manifest lists a deck and a PPTX (kind
``slides``) says so in /api/lectures' terms, and /slides/ serves the deck's files, nothing
outside its folder and nothing a manifest does not list."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from fastapi import FastAPI
from fastapi.testclient import TestClient

from contract.manifest import Manifest, ManifestFile
from webapp import api, lectures, pages
from webapp.errors import ApiError, api_error_handler


def renders(tmp_path: Path, with_slides: bool) -> Path:
    out = tmp_path / "renders" / "default"
    (out / "slides" / "assets" / "reveal.js" / "dist").mkdir(parents=True)
    (out / "lecture.mp4").write_bytes(b"\0" * 8)
    (out / "slides" / "index.html").write_text("<html>deck</html>")
    (out / "slides" / "assets" / "reveal.js" / "dist" / "reveal.js").write_text("// reveal")
    (out / "slides" / "assets" / "00_title-01-01.mp4").write_bytes(b"\0" * 16)
    (out / "lecture.pptx").write_bytes(b"PK")
    (tmp_path / "renders" / "secret.txt").write_text("not for you")
    files = [ManifestFile(path="lecture.mp4", kind="lecture", bytes=8, sequence="lecture")]
    if with_slides:
        files += [ManifestFile(path="slides/index.html", kind="slides", bytes=17),
                  ManifestFile(path="lecture.pptx", kind="slides", bytes=2)]
    (out / "manifest.json").write_text(Manifest.new(language="en", files=files).to_json())
    return tmp_path / "renders"


def client(folder: Path) -> TestClient:
    app = FastAPI()
    app.add_exception_handler(ApiError, api_error_handler)
    app.include_router(pages.router)
    app.state.platform = SimpleNamespace(
        lectures=lambda rescan=False: lectures.scan(folder),
        media=lambda lid, i: next((lec.files.get(i) for lec in lectures.scan(folder)
                                   if lec.id == lid), None))
    return TestClient(app)


def test_a_lecture_with_slides_lists_its_deck_and_pptx(tmp_path: Path) -> None:
    (lec,) = lectures.scan(renders(tmp_path, with_slides=True))
    assert api._slides(lec) == {"deck": "/slides/default/index.html", "pptx": "/media/default/2"}
    c = client(tmp_path / "renders")
    assert c.get("/slides/default/index.html").text == "<html>deck</html>"
    assert c.get("/slides/default/assets/reveal.js/dist/reveal.js").text == "// reveal"
    assert c.get("/slides/default/assets/00_title-01-01.mp4").headers["content-type"] == "video/mp4"
    assert c.get("/media/default/2").content == b"PK"
    for bad in ("../../secret.txt", "..%2F..%2Fsecret.txt", "../manifest.json", "nothing.js"):
        assert c.get(f"/slides/default/{bad}").status_code == 404, bad


def test_a_lecture_without_slides_serves_no_deck(tmp_path: Path) -> None:
    (lec,) = lectures.scan(renders(tmp_path, with_slides=False))
    assert api._slides(lec) == {"deck": None, "pptx": None}
    assert client(tmp_path / "renders").get("/slides/default/index.html").status_code == 404


def test_the_present_link_has_its_words_in_both_languages() -> None:
    from webapp import wording

    page = (Path(wording.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    assert '<a id="present"' in page and 'data-w="present"' in page
    assert wording.OWN["en"]["present"] == "Present (slides)"
    assert wording.OWN["zh"]["present"] == "演示（幻灯片）"
