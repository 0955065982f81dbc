"""The page and its assets (held in memory), and the lecture media (by manifest number)."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from .errors import ApiError

router = APIRouter()

JS = "text/javascript; charset=utf-8"
ASSETS = {"app.js": JS, "numbers.js": JS, "network.js": JS, "arithmetic.js": JS, "attack.js": JS,
          "lecture_links.js": JS, "timeline.js": JS, "more_models.js": JS, "style.css": "text/css; charset=utf-8"}


STATIC = Path(__file__).resolve().parent / "static"


def _read(name: str) -> bytes:
    return (STATIC / name).read_bytes()


#: Read once at import: the routes below serve these bytes, not files named by a request.
PAGE = _read("index.html")
ASSET_BYTES = {name: _read(name) for name in ASSETS}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def index() -> HTMLResponse:
    return HTMLResponse(PAGE)


@router.get("/static/{name}", include_in_schema=False)
async def asset(name: str) -> Response:
    """One of :data:`ASSETS`, from memory: a request names a key, never a path."""
    if name not in ASSET_BYTES:
        raise ApiError(404, "no_such_asset", f"there is no asset {name!r}")
    return Response(ASSET_BYTES[name], media_type=ASSETS[name])


#: what a deck of `make slides` loads: its page, reveal.js and its videos
DECK_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
              ".js": "text/javascript; charset=utf-8", ".mp4": "video/mp4"}


@router.get("/slides/{lecture_id}/{path:path}", include_in_schema=False)
async def slides(request: Request, lecture_id: str, path: str) -> FileResponse:
    """A file of the lecture's deck: only under the folder of a deck its manifest lists."""
    decks = [f.path for lec in request.app.state.platform.lectures() if lec.id == lecture_id
             for f in lec.files.values() if f.path.name == "index.html" and f.path.parent.name == "slides"]
    folder = decks[0].parent.resolve() if decks else None
    target = (folder / path).resolve() if folder is not None else None
    if target is None or not target.is_relative_to(folder) or not target.is_file() \
            or target.suffix not in DECK_TYPES:
        raise ApiError(404, "no_such_media", f"lecture {lecture_id!r} has no slide file {path!r}")
    return FileResponse(target, media_type=DECK_TYPES[target.suffix])


@router.get("/media/{lecture_id}/{index}", include_in_schema=False)
async def media(request: Request, lecture_id: str, index: int) -> FileResponse:
    """A video, subtitle, chapter or thumbnail file, with HTTP ranges (seeking needs them)."""
    found = request.app.state.platform.media(lecture_id, index)
    if found is None or not found.path.is_file():  # a re-render may have replaced it
        raise ApiError(404, "no_such_media", f"lecture {lecture_id!r} lists no file {index}")
    return FileResponse(found.path, media_type=found.media_type)
