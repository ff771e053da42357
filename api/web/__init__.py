"""The web UI (画面): server-rendered pages for reps, managers and auditors.

Same app, same application and views, same authorization as the JSON API; signed in with
the same tokens, into a server-side session whose id (never the token) is kept in an
HttpOnly cookie. Pages are left out of the OpenAPI document.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.web import errors
from api.web.pages import accounts, audit, dossier, records, route, session, team

STATIC = Path(__file__).with_name("static")
PAGES = (session, route, accounts, records, dossier, audit, team)


def install(app: FastAPI) -> None:
    """Serve the pages and their static files; errors on pages answer as pages."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in PAGES:
        app.include_router(module.router)
    errors.install(app)
