"""Errors on pages answer as pages, in Japanese; the JSON API keeps its problem+json."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.errors import problem_of
from api.web.render import render_page
from api.web.session import PageRefused, SignInRequired
from domain import errors as domain

Handler = Callable[[Request, Exception], Response | Awaitable[Response]]
log = structlog.get_logger("tsunagi.web")
NOT_PAGES = ("/v1/", "/health", "/openapi.json", "/docs", "/redoc")

MESSAGES = {
    400: "リクエストが正しくありません。",
    401: "サインインしてください。",
    403: "この画面を使う権限がありません。",
    404: "お探しのページは見つかりませんでした。",
    405: "この操作はできません。",
    409: "ほかの更新と重なったため、記録できませんでした。画面を読み込み直してください。",
    412: "ほかの人が先に更新しました。画面を読み込み直してください。",
    413: "入力が長すぎます。",
    415: "フォームの送信形式が正しくありません。",
    422: "入力内容を確認してください。",
    500: "予期しないエラーが起きました。時間をおいてもう一度お試しください。",
    503: "ただいま混み合っています。少し待ってから読み込み直してください。",
}
TITLES = {400: "リクエストエラー", 401: "サインインが必要です", 403: "アクセスできません",
          404: "見つかりません", 409: "記録できませんでした", 412: "更新が重なりました",
          500: "エラー", 503: "一時的に利用できません"}


def is_page(request: Request) -> bool:
    path = request.url.path
    return not any(path == p.rstrip("/") or path.startswith(p) for p in NOT_PAGES)


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    response = render_page(request, "error.html", {
        "status": status, "title": TITLES.get(status, "エラー"),
        "message": message or MESSAGES.get(status, MESSAGES[500]),
    }, status=status)
    if status == 503:
        response.headers["Retry-After"] = "5"
    return response


def install(app: FastAPI) -> None:
    """Wrap the API's handlers: pages get pages, everything else what it got before."""
    handlers: dict[Any, Handler] = dict(app.exception_handlers)

    def for_pages(kind: type[Exception], page: Callable[[Request, Exception], Response]) -> None:
        api_handler = handlers[kind]

        async def handle(request: Request, exc: Exception) -> Response:
            if is_page(request):
                return page(request, exc)
            answer = api_handler(request, exc)
            return await answer if isinstance(answer, Awaitable) else answer

        app.add_exception_handler(kind, handle)

    def http_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        return error_page(request, exc.status_code)

    def domain_page(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, domain.DomainError)
        rule = problem_of(exc)
        return error_page(request, rule.status, rule.ja)

    def bug_page(request: Request, exc: Exception) -> Response:
        log.exception("unhandled_error", error=repr(exc))
        return error_page(request, 500)

    for_pages(StarletteHTTPException, http_page)
    for_pages(domain.DomainError, domain_page)
    for_pages(RequestValidationError, lambda request, exc: error_page(request, 400))
    for_pages(Exception, bug_page)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(_: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.next_path, safe='/')}", status_code=303)

    @app.exception_handler(PageRefused)
    async def refused(request: Request, exc: PageRefused) -> Response:
        return error_page(request, exc.status, exc.message)
