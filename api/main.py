"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api.bootstrap import build_application, build_read_side, store_answers
from api.settings import Settings
from domain.application import Tsunagi
from projections.runner import Projector, Views


def create_app(settings: Settings | None = None, application: Tsunagi | None = None,
               views: Views | None = None) -> FastAPI:
    """The HTTP app. Builds what it is not given; closes only what it built."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tsunagi = application or build_application(settings)
        read_side = views or build_read_side(tsunagi, settings)
        app.state.tsunagi, app.state.views = tsunagi, read_side
        if views is None and isinstance(read_side, Projector):
            read_side.start()
        try:
            yield
        finally:
            if views is None:
                if isinstance(read_side, Projector):
                    read_side.stop()
                read_side.close()
            if application is None:
                tsunagi.close()

    app = FastAPI(
        title="Tsunagi つなぎ",
        summary="Event-sourced account relationships for route sales (ルート営業).",
        version="0.1.0",
        lifespan=lifespan,
    )

    @app.get("/health", summary="Whether the event store answers")
    def health() -> JSONResponse:
        if store_answers(app.state.tsunagi):
            return JSONResponse({"status": "ok"})
        return JSONResponse({"status": "unavailable"}, status_code=503,
                            headers={"Retry-After": "5"})

    return app
