"""The FastAPI application factory."""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import structlog
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from api import docs, errors
from api.bodies import body_schemas
from api.bootstrap import (
    STORE_DOWN,
    build_application,
    build_read_side,
    open_credentials,
)
from api.calendar_feeds import FeedStore
from api.logging import configure_logging
from api.middleware import BodyLimit, NoSniff, RequestLog
from api.protocol import guarded
from api.reads.models import ServiceHealthPublic
from api.routes import (
    accounts,
    audit,
    calendar,
    complaints,
    corrections,
    dossier,
    handovers,
    history,
    imports,
    notes,
    promises,
    proposals,
    renewals,
    requests,
    route,
    stakeholders,
    team,
    users,
    visits,
)
from api.sessions import SessionStore
from api.settings import Settings
from api.web import install as install_web
from domain.application import Tsunagi
from projections.runner import Projector, Views
from projections.status import statuses

# Net new container objects between collections of the youngest generation (CPython's
# default: 700). A collection promotes whatever a request in flight still holds — a long
# account's parsed dossier is thousands of objects — so frequent young collections brought
# the older generations' passes (2–30 ms each, measured) round often enough to double that
# dossier's p99.
YOUNG_GENERATION_THRESHOLD = 2_000

ROUTERS = (users, accounts, visits, promises, complaints, requests, proposals, renewals,
           stakeholders, notes, handovers, corrections, history, dossier, route, team, audit,
           calendar, imports)


def create_app(settings: Settings | None = None, application: Tsunagi | None = None,
               views: Views | None = None) -> FastAPI:
    """The HTTP app. Builds what it is not given; closes only what it built."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tsunagi = application or build_application(settings)
        app.state.sessions = open_credentials(SessionStore, tsunagi, settings)
        app.state.calendar_feeds = open_credentials(FeedStore, tsunagi, settings)
        read_side = views or build_read_side(tsunagi, settings)
        app.state.tsunagi, app.state.views = tsunagi, read_side
        if views is None and isinstance(read_side, Projector):
            read_side.start()
        try:
            with collector_for_serving():
                yield
        finally:
            if views is None:
                if isinstance(read_side, Projector):
                    read_side.stop()
                read_side.close()
            if application is None:
                tsunagi.close()

    app = FastAPI(
        title="Tsunagi",
        summary="Event-sourced account relationships for route sales (ルート営業).",
        description="Every visit, promise, complaint, request, renewal and handover is an "
                    "immutable event on the account. Times are RFC 3339 with offset "
                    "(clients in Japan send +09:00); dates are YYYY-MM-DD.",
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        docs_url=None, redoc_url=None,  # served from local files: api/docs.py
    )
    app.state.settings = settings
    errors.install(app)
    app.add_middleware(BodyLimit, timeout=settings.body_timeout_seconds,
                       larger={imports.PATH: imports.MAX_FILE_BYTES})
    app.add_middleware(RequestLog)
    app.add_middleware(NoSniff)
    for module in ROUTERS:
        app.include_router(module.router)
    install_web(app)
    docs.install(app)

    @app.get("/health", response_model=ServiceHealthPublic, tags=["health"],
             summary="Whether the store answers and the views keep up")
    def health() -> JSONResponse:
        """200 when the store answers and every view is live; 503 (naming the view and why)
        when a view has stopped or its oldest unapplied event was recorded more than 60 s
        ago, and 503 when the store does not answer. Each view's position, lag and
        quarantined events are listed (quarantined events are reported, not a failure:
        the view has moved past them). No authentication."""
        try:  # the head of the log is the first thing asked: a store that does not answer
            found = statuses(app.state.views)
        except STORE_DOWN:
            return JSONResponse({"status": "unavailable"}, status_code=503,
                                headers={"Retry-After": errors.RETRY_AFTER_SECONDS})
        report = {s.view: s.as_dict() for s in found}
        quarantined = sum(s.quarantined for s in found)
        problems = [s.problem for s in found if s.problem]
        if problems:
            return errors.problem(503, "; ".join(problems), slug="views-behind",
                                  extensions={"views": report, "quarantined": quarantined})
        return JSONResponse({"status": "ok", "views": report, "quarantined": quarantined})

    add_bodies = body_schemas()

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = errors.document_problems(add_bodies(get_openapi(
                title=app.title, version=app.version, summary=app.summary,
                description=app.description, routes=app.routes,
            )))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def operation_id(route: APIRoute) -> str:
    """A short camelCase operationId, from the route function's name (record_visit →
    recordVisit), for the method names of a generated client."""
    first, *rest = route.name.split("_")
    return first + "".join(word.title() for word in rest)


@contextmanager
def collector_for_serving() -> Iterator[None]:
    """While the app serves: what startup built lives as long as the app, so it is kept out
    of the collector's full passes (which walked it all and paused a request now and then,
    75 ms measured), and the youngest generation is collected less often."""
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def worker_app() -> FastAPI:
    """The app of one of several `tsunagi serve` worker processes, from the environment."""
    settings = Settings()
    configure_logging(settings.log_json)
    guarded(settings.header_timeout_seconds, settings.max_connections_per_client)
    structlog.get_logger("tsunagi").info("worker_started", pid=os.getpid())
    return create_app(settings)
