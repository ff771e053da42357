"""Signing in with a token, kept in a cookie; CSRF protection for every form post.

The cookie holds the bearer token itself (HttpOnly, SameSite=Strict, path /). Every form
carries a CSRF token derived from it by HMAC, so a page on another site can neither read
nor forge it; posts must also come from our own origin when the browser says where from.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response

from api.deps import AppDep, SettingsDep, authenticate
from api.settings import Settings
from domain.values import Actor, Role

COOKIE = "tsunagi_session"
CSRF_FIELD = "csrf_token"
MAX_FORM_BYTES = 64 * 1024
Form = dict[str, str]


class SignInRequired(Exception):
    """No valid session: the page sends the browser to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class PageRefused(Exception):
    """A page answer other than the page itself: 403, 404, 400… with a Japanese message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def session_token(request: Request) -> str | None:
    token = request.cookies.get(COOKIE, "").strip()
    return token or None


def csrf_token(token: str) -> str:
    """The form token of a session: an HMAC of the session's own secret token."""
    return hmac.new(token.encode(), b"tsunagi web form", hashlib.sha256).hexdigest()


def page_actor(request: Request, app: AppDep, settings: SettingsDep) -> Actor:
    """The signed-in person, or off to the sign-in page."""
    token = session_token(request)
    actor = authenticate(app, settings, token) if token else None
    if actor is None:
        raise SignInRequired(request.url.path + (f"?{request.url.query}"
                                                 if request.url.query else ""))
    request.state.actor = actor  # the access log reads it
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


def require(actor: Actor, *roles: Role) -> None:
    if actor.role not in roles:
        raise PageRefused(403, "この画面を使う権限がありません。")


def same_origin(request: Request) -> bool:
    """When the browser names the page that sent the form, it must be one of ours."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    sent_from = urlsplit(origin)
    return sent_from.netloc == request.url.netloc


async def read_form(request: Request) -> Form:
    """The urlencoded body (the only kind our forms send), last value of each name."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/x-www-form-urlencoded":
        raise PageRefused(415, "フォームの送信形式が正しくありません。")
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        raise PageRefused(413, "入力が長すぎます。")
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        raise PageRefused(400, "フォームの文字コードが正しくありません。") from None


async def checked_form(request: Request) -> Form:
    """A form post from one of our own pages by this session, or 403."""
    if not same_origin(request):
        raise PageRefused(403, "別のサイトから送られたフォームは受け付けません。")
    form = await read_form(request)
    token = session_token(request) or ""
    expected = csrf_token(token)
    if not hmac.compare_digest(form.get(CSRF_FIELD, "").encode(), expected.encode()):
        raise PageRefused(403, "フォームの有効期限が切れたか、不正な送信です。"
                               "画面を読み込み直してからもう一度送信してください。")
    return form


def secure_cookie(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def sign_in(response: Response, request: Request, settings: Settings, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                        secure=secure_cookie(request, settings))


def sign_out(response: Response, request: Request, settings: Settings) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict",
                           secure=secure_cookie(request, settings))


def local_path(candidate: str | None, default: str = "/") -> str:
    """Only a path on this site, never another site's address (no open redirect)."""
    if not candidate or not candidate.startswith("/") or candidate.startswith("//") or (
        "\\" in candidate
    ):
        return default
    return candidate
