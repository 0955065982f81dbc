"""The image bytes of a request: multipart field ``image`` or a raw body with an image type.

Read and parsed in memory only. Starlette's own form parser spools parts over 1 MB to a
temporary file; the platform promises to write nothing to disk, so it parses the multipart body
itself with python-multipart's streaming parser, after capping the body's size.

A body over the limit is still read to its end (and thrown away, never held) up to
:data:`DRAIN_BYTES`, and only then refused with 413: a server that answers before reading the
body and closes the connection is seen by Python's urllib, and by browsers mid-upload, as a
broken connection instead of the message. Past DRAIN_BYTES it answers at once."""
from __future__ import annotations

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from .errors import ApiError
from .images import MAX_BYTES

FIELD = "image"
MULTIPART_SLACK = 64 * 1024  # boundaries and part headers around a 10 MB image
RAW_TYPES = ("application/octet-stream",)  # besides image/*
DRAIN_BYTES = 64 * 1024 * 1024  # an oversized body is read and discarded up to this, then 413


async def image_bytes(request: Request) -> bytes:
    """The uploaded image's bytes, or ApiError naming what is wrong with the request."""
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    ctype_s = ctype.decode("latin-1").lower()
    if ctype_s == "multipart/form-data":
        body = await _read_body(request, MAX_BYTES + MULTIPART_SLACK)
        return _multipart_field(body, params.get(b"boundary", b""))
    if ctype_s.startswith("image/") or ctype_s in RAW_TYPES:
        return await _read_body(request, MAX_BYTES)
    raise ApiError(415, "unsupported_content_type",
                   f"send the image as multipart/form-data (field '{FIELD}') or as the raw body "
                   f"with an image content type, not {ctype_s or 'no content type'!r}")


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 when it passes ``limit`` (never held beyond limit + one
    chunk): the rest is read and discarded first, up to :data:`DRAIN_BYTES`, so that the client
    is listening when the answer comes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_BYTES:
        raise _too_large(int(declared))  # too big even to drain: answer now
    chunks, size, over = [], 0, declared.isdigit() and int(declared) > limit
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if over or size > limit:
                over = True
                chunks.clear()  # discard: only the count is kept
                if size > DRAIN_BYTES:
                    break
                continue
            chunks.append(chunk)
    except ClientDisconnect as exc:
        if over:  # it stopped sending what we refuse anyway: the 413 is still the answer
            raise _too_large(max(size, int(declared) if declared.isdigit() else 0)) from exc
        raise ApiError(400, "incomplete_body", "the client stopped sending the body") from exc
    if over:
        raise _too_large(max(size, int(declared) if declared.isdigit() else 0))
    body = b"".join(chunks)
    if not body:
        raise ApiError(400, "empty_body", "the request has no image: the body is empty")
    return body


def _too_large(size: int) -> ApiError:
    return ApiError(413, "too_large", f"the upload is at least {size:,} bytes; the limit for "
                    f"an image is {MAX_BYTES:,} bytes (10 MB)")


def _multipart_field(body: bytes, boundary: bytes) -> bytes:
    """The content of the part named :data:`FIELD` of a complete multipart body."""
    if not boundary:
        raise ApiError(400, "malformed_multipart", "the multipart content type has no boundary")
    parts = _Parts()
    try:
        parser = MultipartParser(boundary, parts.callbacks())
        parser.write(body)
        parser.finalize()
    except MultipartParseError as exc:
        raise ApiError(400, "malformed_multipart", f"the multipart body is malformed: {exc}") from exc
    if not parts.complete:
        raise ApiError(400, "malformed_multipart", "the multipart body ends before its closing "
                       "boundary")
    if FIELD not in parts.data:
        got = ", ".join(repr(n) for n in parts.data) or "none"
        raise ApiError(400, "missing_field", f"the multipart body has no field '{FIELD}' "
                       f"(fields received: {got})")
    data = parts.data[FIELD]
    if len(data) > MAX_BYTES:
        raise _too_large(len(data))
    return data


class _Parts:
    """Collects the parts of a multipart body by field name (in memory)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self.complete = False
        self._name = ""
        self._field, self._value = b"", b""
        self._headers: dict[bytes, bytes] = {}
        self._buf: list[bytes] = []

    def callbacks(self) -> dict:
        return {"on_part_begin": self._begin, "on_header_field": self._hfield,
                "on_header_value": self._hvalue, "on_header_end": self._hend,
                "on_headers_finished": self._headers_done, "on_part_data": self._pdata,
                "on_part_end": self._pend, "on_end": self._end}

    def _begin(self) -> None:
        self._headers, self._buf, self._field, self._value = {}, [], b"", b""

    def _hfield(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _hvalue(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _hend(self) -> None:
        self._headers[self._field.lower()] = self._value
        self._field, self._value = b"", b""

    def _headers_done(self) -> None:
        _, opts = parse_options_header(self._headers.get(b"content-disposition", b""))
        self._name = opts.get(b"name", b"").decode("utf-8", "replace")

    def _pdata(self, data: bytes, start: int, end: int) -> None:
        self._buf.append(data[start:end])

    def _pend(self) -> None:
        self.data.setdefault(self._name, b"".join(self._buf))

    def _end(self) -> None:
        self.complete = True
