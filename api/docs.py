"""/docs (Swagger UI) and /redoc from files this server serves itself, so both work with
no internet and ask no other host for anything: the assets come packaged in
`fastapi-offline` (Swagger UI and ReDoc bundles, MIT / Apache-2.0); FastAPI's own page
builders point at them instead of a CDN. The ReDoc bundle would fetch one image from
Redocly's CDN (its logo in the menu); it is served with that address pointing at our icon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

ASSETS = Path(fastapi_offline.__file__).with_name("static")
ASSETS_URL = "/docs/assets"  # not under /static, which the web pages mount
REDOCLY_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"
OUR_ICON = "/static/favicon.svg"


@cache
def redoc_bundle() -> bytes:
    return (ASSETS / "redoc.standalone.js").read_bytes().replace(REDOCLY_LOGO.encode(),
                                                                 OUR_ICON.encode())


def install(app: FastAPI) -> None:
    @app.get(f"{ASSETS_URL}/redoc.standalone.js", include_in_schema=False)
    def redoc_script() -> Response:
        return Response(redoc_bundle(), media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title=f"{app.title} — API",
            swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=OUR_ICON)

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json", title=f"{app.title} — API",
            redoc_js_url=f"{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=OUR_ICON, with_google_fonts=False)
