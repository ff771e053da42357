"""Every error as application/problem+json (RFC 9457); domain errors are translated here only."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match, Route

from api.messages import STATUS_JA, invalid_en, invalid_ja, refused_ja, wants_japanese
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

@dataclass(frozen=True)
class DomainProblem:
    """How a refusal by the domain reaches a person: its HTTP status, its problem type, and
    what the web tells the person in Japanese (for a refusal not tied to one field)."""

    error: type[domain.DomainError]
    status: int
    slug: str
    ja: str


# The one table from domain errors to HTTP; the most specific class comes first. The web
# forms and pages take their status and Japanese message from here too.
DOMAIN_PROBLEMS: tuple[DomainProblem, ...] = (
    DomainProblem(domain.VersionMismatch, 412, "version-mismatch",
                  "ほかの人が先に更新しました。内容を確かめてもう一度送信してください。"),
    DomainProblem(domain.ConcurrencyConflict, 409, "concurrent-write",
                  "ほかの更新と重なりました。もう一度送信してください。"),
    DomainProblem(domain.StoreUnavailable, 503, "store-unavailable",
                  "記録の保存先に接続できません。少し待ってからもう一度送信してください。"),
    DomainProblem(domain.AccountUnreadable, 409, "account-unreadable",
                  "この取引先の記録の一部を読めないため、記録できません。管理者に連絡してください。"),
    DomainProblem(domain.NotPermitted, 403, "not-permitted",
                  "この取引先に記録する権限がありません。"),
    DomainProblem(domain.AccountNotFound, 404, "account-not-found", "取引先が見つかりません。"),
    DomainProblem(domain.UserNotFound, 404, "user-not-found", "ユーザーが見つかりません。"),
    DomainProblem(domain.ItemNotFound, 404, "item-not-found",
                  "対象の記録が見つかりません。画面を読み込み直してください。"),
    DomainProblem(domain.UserExists, 409, "user-exists", "このユーザーIDはすでに使われています。"),
    DomainProblem(domain.UserInactive, 409, "user-inactive", "このユーザーは無効化されています。"),
    DomainProblem(domain.PromiseAlreadyClosed, 409, "promise-already-closed",
                  "この約束はすでに結果が記録されています。"),
    DomainProblem(domain.ComplaintAlreadyResolved, 409, "complaint-already-resolved",
                  "このクレームはすでに解決済みです。"),
    DomainProblem(domain.RequestAlreadyAnswered, 409, "request-already-answered",
                  "この要望にはすでに回答が記録されています。"),
    DomainProblem(domain.StakeholderAlreadyLeft, 409, "stakeholder-already-left",
                  "この方はすでに退任として記録されています。"),
    DomainProblem(domain.HandoverInProgress, 409, "handover-in-progress",
                  "この取引先はすでに引き継ぎ中です。"),
    DomainProblem(domain.HandoverNotOpen, 409, "handover-not-open",
                  "この引き継ぎはすでに完了または中止されています。"),
    DomainProblem(domain.NoCheckpointPending, 409, "no-checkpoint-pending",
                  "この引き継ぎには振り返り待ちのチェックポイントがありません。"),
    DomainProblem(IdempotencyKeyReused, 422, "idempotency-key-reused",
                  "同じ送信IDで別の内容が送られました。新しい内容として送り直してください。"),
    DomainProblem(domain.NotCorrectable, 422, "not-correctable", "この記録は訂正できません。"),
    DomainProblem(domain.OccursInFuture, 422, "invalid-value", "未来の日時は記録できません。"),
    DomainProblem(domain.OutOfOrder, 422, "invalid-value",
                  "前の記録（受付や引き継ぎの開始など）より前の日時は記録できません。"),
    DomainProblem(domain.OutOfRange, 422, "invalid-value",
                  "1900年1月1日から2200年12月31日までの日付にしてください。"),
    DomainProblem(domain.ForbiddenCharacter, 422, "invalid-value",
                  "使えない制御文字が含まれています。"),
    DomainProblem(domain.NotAUserId, 422, "invalid-value",
                  "ユーザーID（英小文字・数字・_ . -、64文字まで）で入力してください。"),
    DomainProblem(domain.NotAnActiveRep, 422, "not-an-active-rep",
                  "登録済みで有効な担当者（営業担当）のユーザーIDを指定してください。"),
    DomainProblem(domain.InvalidValue, 422, "invalid-value", "入力内容を確認してください。"),
    DomainProblem(domain.DomainError, 422, "refused", "この操作は記録できません。"),
)


def problem_of(exc: domain.DomainError) -> DomainProblem:
    return next(rule for rule in DOMAIN_PROBLEMS if isinstance(exc, rule.error))


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


def domain_problem(exc: domain.DomainError, *, japanese: bool = False) -> JSONResponse:
    rule = problem_of(exc)
    status = rule.status
    detail = rule.ja if japanese else str(exc)
    errors = None
    if status == 422 and exc.field:
        where = "header" if exc.field[0].isupper() else "body"
        field = exc.field.split("[")[0].split(".")[0]
        message = refused_ja(rule.error, field, rule.ja) if japanese else str(exc)
        errors = [{"loc": [where, *exc.field.split(".")], "msg": message}]
        detail = message
    return problem(status, detail, slug=rule.slug, errors=errors)


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


def validation_problem(exc: RequestValidationError, *, japanese: bool = False) -> JSONResponse:
    """One entry per field refused (the first thing wrong with it), never a pattern."""
    errors: list[dict[str, Any]] = []
    for error in exc.errors():
        loc = _loc(error)
        if any(seen["loc"] == loc for seen in errors):
            continue
        errors.append({"loc": loc, "msg": invalid_ja(error) if japanese else invalid_en(error)})
    where = ", ".join(".".join(str(p) for p in e["loc"]) for e in errors) or "request"
    detail = f"入力内容を確認してください（{where}）。" if japanese else f"invalid {where}"
    return problem(422, detail, slug="invalid-request", errors=errors)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_problem(exc, japanese=wants_japanese(request))

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(_allowed_methods(app, request))
        detail = str(exc.detail)
        if wants_japanese(request):
            detail = STATUS_JA.get(exc.status_code, detail)
        return problem(exc.status_code, detail, headers=headers or None)

    @app.exception_handler(domain.DomainError)
    async def on_domain(request: Request, exc: domain.DomainError) -> JSONResponse:
        return domain_problem(exc, japanese=wants_japanese(request))

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", error=repr(exc))
        return problem(500, STATUS_JA[500] if wants_japanese(request) else
                       "an unexpected error; the server log has it under this request id",
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
RETRY_AFTER_HEADER = {"Retry-After": {
    "description": "Seconds to wait before asking again", "schema": {"type": "integer"}}}
EVERY_ROUTE = {401: "no or unknown bearer token", 403: "this role may not use the route",
               404: "no such account (or not yours), item or route",
               405: "method not allowed", 422: "a value is malformed; errors name it",
               503: "the store or the views did not answer in time; see Retry-After"}
WRITES = {409: "the item's state forbids it, or a concurrent write won",
          412: "If-Match names a version the account has moved past",
          413: "the body is over 1 MiB",
          415: "the body is not in the media type the operation takes (application/json)"}


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
                if code == 503:
                    entry["headers"] = RETRY_AFTER_HEADER
            if path == "/health":
                responses["503"] = {"description": "the store does not answer",
                                    "headers": RETRY_AFTER_HEADER,
                                    "content": {"application/json": {"schema": {
                                        "type": "object"}}}}
    return schema
