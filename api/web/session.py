"""Signing in with a token starts a server-side session; CSRF protection for every form post.

The cookie holds only a random session id (HttpOnly, SameSite=Strict, path /), never the
bearer token: the server keeps the session (see api.sessions), so signing out, a new token
or the session's lifetime ends it whatever a browser still holds. Every form carries a CSRF
token derived from the session id by HMAC, so a page on another site can neither read nor
forge it; posts must also come from our own origin when the browser says where from.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated
from urllib.parse import parse_qsl, urlsplit

from fastapi import Depends, Request
from fastapi.responses import Response

from api.auth import admin
from api.deps import AppDep, SettingsDep
from api.sessions import LIFETIME_SECONDS, Holder, SessionStore, session_valid
from api.settings import Settings
from domain.application import Tsunagi
from domain.errors import UserNotFound
from domain.users import hash_secret, split_token
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
    """The session id the browser's cookie carries (not a bearer token), if any."""
    session_id = request.cookies.get(COOKIE, "").strip()
    return session_id or None


def csrf_token(session_id: str) -> str:
    """The form token of a session: an HMAC keyed by the session's id."""
    return hmac.new(session_id.encode(), b"tsunagi web form", hashlib.sha256).hexdigest()


def sessions(request: Request) -> SessionStore:
    return request.app.state.sessions  # type: ignore[no-any-return]


def start_session(app: Tsunagi, settings: Settings, store: SessionStore,
                  token: str) -> str | None:
    """A new session for the token's holder (its id, for the cookie), or None."""
    if admin(settings, token) is not None:
        return store.start("admin", hash_secret(token))
    actor, parts = app.authenticate(token), split_token(token)
    if actor is None or parts is None:
        return None
    return store.start(actor.user_id, hash_secret(parts[1]))  # as User.token_hash keeps it


def holder(app: Tsunagi, settings: Settings, user_id: str) -> Holder | None:
    """Who a session's user is now: their role and the hash of their current token."""
    secret = settings.admin_token.get_secret_value() if settings.admin_token else None
    if user_id == "admin" and secret:
        return Holder(Actor("admin", Role.ADMIN), hash_secret(secret))
    try:
        user = app.get_user(user_id)
    except UserNotFound:
        return None
    return Holder(user.actor, user.token_hash, active=user.active)


def signed_in(request: Request, app: Tsunagi, settings: Settings) -> Actor | None:
    """The person the request's session signs in, if it is still valid; an invalid session
    is deleted on sight."""
    session_id = session_token(request)
    if session_id is None:
        return None
    store = sessions(request)
    session = store.find(session_id)
    if session is None:
        return None
    now = store.now()
    current = holder(app, settings, session.user_id)
    if current is None or not session_valid(session, current, now):
        store.end(session_id)
        return None
    store.seen(session_id, session, now)
    return current.actor


def page_actor(request: Request, app: AppDep, settings: SettingsDep) -> Actor:
    """The signed-in person, or off to the sign-in page."""
    actor = signed_in(request, app, settings)
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
    expected = csrf_token(session_token(request) or "")
    if not hmac.compare_digest(form.get(CSRF_FIELD, "").encode(), expected.encode()):
        raise PageRefused(403, "フォームの有効期限が切れたか、不正な送信です。"
                               "画面を読み込み直してからもう一度送信してください。")
    return form


def secure_cookie(request: Request, settings: Settings) -> bool:
    if settings.cookie_secure is not None:
        return settings.cookie_secure
    return request.url.scheme == "https"


def sign_in(response: Response, request: Request, settings: Settings, session_id: str) -> None:
    response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", path="/",
                        max_age=LIFETIME_SECONDS, secure=secure_cookie(request, settings))


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
