"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from api.bootstrap import build_application, store_answers
from api.settings import Settings
from domain.application import Tsunagi


def create_app(settings: Settings | None = None, application: Tsunagi | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = application is None
        app.state.tsunagi = application or build_application(settings)
        try:
            yield
        finally:
            if owned:
                app.state.tsunagi.close()

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
