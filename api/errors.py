"""Every error as application/problem+json (RFC 9457); domain errors are translated here only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from domain import errors as domain
from domain.idempotency import IdempotencyKeyReused

PROBLEM = "application/problem+json"
RETRY_AFTER_SECONDS = "5"
log = structlog.get_logger("tsunagi.api")

TITLES = {
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
    412: "Precondition Failed", 413: "Content Too Large", 415: "Unsupported Media Type",
    422: "Unprocessable Content", 500: "Internal Server Error", 501: "Not Implemented",
    503: "Service Unavailable",
}

# Domain error → (status, problem type slug). The most specific class wins.
DOMAIN_STATUS: list[tuple[type[domain.DomainError], int, str]] = [
    (domain.VersionMismatch, 412, "version-mismatch"),
    (domain.ConcurrencyConflict, 409, "concurrent-write"),
    (domain.StoreUnavailable, 503, "store-unavailable"),
    (domain.AccountUnreadable, 409, "account-unreadable"),
    (domain.NotPermitted, 403, "not-permitted"),
    (domain.AccountNotFound, 404, "account-not-found"),
    (domain.UserNotFound, 404, "user-not-found"),
    (domain.ItemNotFound, 404, "item-not-found"),
    (domain.UserExists, 409, "user-exists"),
    (domain.PromiseAlreadyClosed, 409, "promise-already-closed"),
    (domain.ComplaintAlreadyResolved, 409, "complaint-already-resolved"),
    (domain.RequestAlreadyAnswered, 409, "request-already-answered"),
    (domain.StakeholderAlreadyLeft, 409, "stakeholder-already-left"),
    (domain.HandoverInProgress, 409, "handover-in-progress"),
    (domain.HandoverNotOpen, 409, "handover-not-open"),
    (IdempotencyKeyReused, 422, "idempotency-key-reused"),
    (domain.NotCorrectable, 422, "not-correctable"),
    (domain.InvalidValue, 422, "invalid-value"),
    (domain.DomainError, 422, "refused"),
]


def problem(status: int, detail: str, *, slug: str | None = None,
            errors: Sequence[dict[str, Any]] | None = None,
            headers: dict[str, str] | None = None,
            extensions: dict[str, Any] | None = None) -> JSONResponse:
    """An RFC 9457 problem; ``extensions`` are further members of the problem object."""
    body: dict[str, Any] = {
        "type": f"https://tsunagi.example/problems/{slug}" if slug else "about:blank",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **(extensions or {}),
    }
    if errors is not None:
        body["errors"] = list(errors)
    if status == 503:
        headers = {"Retry-After": RETRY_AFTER_SECONDS, **(headers or {})}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM)


def domain_problem(exc: domain.DomainError) -> JSONResponse:
    status, slug = next((s, t) for cls, s, t in DOMAIN_STATUS if isinstance(exc, cls))
    errors = None
    if status == 422 and exc.field:
        where = "header" if exc.field[0].isupper() else "body"
        errors = [{"loc": [where, *exc.field.split(".")], "msg": str(exc)}]
    return problem(status, str(exc), slug=slug, errors=errors)


def _loc(error: dict[str, Any]) -> list[Any]:
    return [part for part in error.get("loc", ()) if part != "function-after"]


def _allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route serves at this path (one path may have several routes)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match is not Match.NONE and isinstance(route, APIRoute | Route):
            methods |= set(route.methods or ())
    return sorted(methods)


def validation_problem(exc: RequestValidationError) -> JSONResponse:
    errors = [{"loc": _loc(e), "msg": e.get("msg", "invalid")} for e in exc.errors()]
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors) or "request"
    return problem(422, f"invalid {where}", slug="invalid-request", errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        return problem(exc.status_code, str(exc.detail), headers=headers or None)

    @app.exception_handler(domain.DomainError)
    async def on_domain(_: Request, exc: domain.DomainError) -> JSONResponse:
        return domain_problem(exc)

    @app.exception_handler(Exception)
    async def on_bug(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", error=repr(exc))
        return problem(500, "an unexpected error; the server log has it under this request id",
                       slug="internal")


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"},
        "status": {"type": "integer"}, "detail": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
            "msg": {"type": "string"}}}},
    },
}
EVERY_ROUTE = {401: "no or unknown bearer token", 403: "this role may not use the route",
               404: "no such account (or not yours), item or route",
               405: "method not allowed", 422: "a value is malformed; errors name it",
               503: "the store or the views did not answer in time; see Retry-After"}
WRITES = {409: "the item's state forbids it, or a concurrent write won",
          412: "If-Match names a version the account has moved past",
          413: "the body is over 1 MiB"}


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Declare the problem+json answers every operation can give (RFC 9457)."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem_content = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            codes = dict(EVERY_ROUTE) if path.startswith("/v1") else {503: EVERY_ROUTE[503]}
            if method in ("post", "put", "patch", "delete"):
                codes.update(WRITES)
            responses = operation.setdefault("responses", {})
            for code, description in codes.items():
                entry = responses.setdefault(str(code), {"description": description})
                entry["content"] = problem_content
            if path == "/health":
                responses["503"] = {"description": "the store does not answer",
                                    "content": {"application/json": {"schema": {
                                        "type": "object"}}}}
    return schema
