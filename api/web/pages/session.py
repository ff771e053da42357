"""Sign in with a token, sign out, and the front door that sends each role to its page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.deps import AppDep, SettingsDep
from api.web.render import render_page
from api.web.session import (
    PageActor,
    PageRefused,
    checked_form,
    local_path,
    read_form,
    same_origin,
    session_token,
    sessions,
    sign_in,
    sign_out,
    start_session,
)
from domain.values import Role

router = APIRouter(include_in_schema=False)
HOME = {Role.REP: "/route", Role.MANAGER: "/route", Role.AUDITOR: "/accounts"}


@router.get("/")
def home(actor: PageActor) -> Response:
    if actor.role is Role.ADMIN:
        raise PageRefused(403, "管理者のアカウントでは取引先を閲覧できません。"
                               "担当者・課長・監査のトークンでサインインしてください。")
    return RedirectResponse(HOME[actor.role], status_code=303)


@router.get("/login")
def login_page(request: Request, next: str | None = None) -> Response:
    return render_page(request, "login.html", {"next": local_path(next), "error": None})


@router.post("/login")
async def login(request: Request, app: AppDep, settings: SettingsDep) -> Response:
    if not same_origin(request):
        raise PageRefused(403, "別のサイトから送られたフォームは受け付けません。")
    form = await read_form(request)
    token = form.get("token", "").strip()
    target = local_path(form.get("next"))
    store = sessions(request)
    session_id = (await run_in_threadpool(start_session, app, settings, store, token)
                  if token else None)
    if session_id is None:
        error = ("トークンを入力してください。" if not token
                 else "トークンが正しくありません。もう一度確認してください。")
        return render_page(request, "login.html", {"next": target, "error": error},
                           status=401 if token else 422)
    previous = session_token(request)
    if previous is not None:  # signing in again replaces the browser's earlier session
        await run_in_threadpool(store.end, previous)
    response = RedirectResponse(target, status_code=303)
    sign_in(response, request, settings, session_id)
    return response


@router.post("/logout")
async def logout(request: Request, settings: SettingsDep, _: PageActor) -> Response:
    """Ends the session on the server, so the cookie is worthless even if kept or copied."""
    await checked_form(request)
    session_id = session_token(request)
    if session_id is not None:
        await run_in_threadpool(sessions(request).end, session_id)
    response = RedirectResponse("/login", status_code=303)
    sign_out(response, request, settings)
    return response
