"""The one error type of the API: a 4xx status, a stable code and a sentence for the student."""
from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field


class ErrorBody(BaseModel):
    """What every refused request gets back."""
    error: str = Field(description="stable code, e.g. not_an_image, too_large, missing_field")
    detail: str = Field(description="what was wrong, in words")


class ApiError(Exception):
    """A request the server refuses; ``code`` names the problem for programs."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


async def api_error_handler(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return JSONResponse(ErrorBody(error=exc.code, detail=exc.detail).model_dump(),
                        status_code=exc.status)


async def validation_error_handler(_: Request, exc: Exception) -> JSONResponse:
    """FastAPI's request validation failures in the same shape: code ``invalid_request`` and
    each bad field named (``body.eps: Input should be less than or equal to 0.3``)."""
    return JSONResponse(ErrorBody(error="invalid_request",
                                  detail=describe(getattr(exc, "errors", list)())).model_dump(),
                        status_code=422)


def describe(errors: list) -> str:
    """Pydantic's error list as one sentence, each bad field by its path (the first five)."""
    parts = [f"{'.'.join(str(p) for p in e.get('loc', ())) or 'request'}: {e.get('msg', '')}"
             for e in errors]
    return "; ".join(parts[:5]) or "invalid request"


#: Documented on the image endpoints (OpenAPI ``responses``).
ERROR_RESPONSES: dict[int | str, dict] = {
    400: {"model": ErrorBody, "description": "empty body, malformed multipart, no `image` field"},
    413: {"model": ErrorBody, "description": "over 10 MB, or over 40 megapixels"},
    415: {"model": ErrorBody, "description": "not an image, or an unsupported content type"},
    422: {"model": ErrorBody, "description": "a truncated or undecodable image"},
}
