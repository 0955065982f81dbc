"""The FastAPI application of the learning platform (``make serve``)."""
from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError

from . import api, explainer, pages, timeline
from .errors import ApiError, api_error_handler, validation_error_handler
from .fairness import Limits
from .state import Settings, State


def create_app(settings: Settings | None = None, limits: Limits | None = None) -> FastAPI:
    """Load both models once and build the app; ``settings`` says where to read from,
    ``limits`` how much heavy work it takes on (None: :meth:`Limits.from_env`)."""
    state = State.load(settings or Settings(), limits)
    state.steps = timeline.StepBatcher(state.timeline) if state.timeline else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await state.batcher.start()
        for b in state.attacks.values():
            await b.start()
        if state.steps is not None:
            await state.steps.start()
        yield
        if state.steps is not None:
            await state.steps.stop()
        await state.batcher.stop()
        for b in state.attacks.values():
            await b.stop()
        state.heavy.close()

    app = FastAPI(title="CNN and EDL learning platform", lifespan=lifespan,
                  description="Both models of the lecture on your own image: POST /api/predict.")
    app.state.platform = state
    app.add_exception_handler(ApiError, api_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.include_router(api.router)
    app.include_router(explainer.router)
    app.include_router(timeline.router)
    app.include_router(pages.router)
    return app
