"""The handover dossier (引き継ぎ資料): every section with provenance links, printable; the
successor acknowledges it here, and the frozen version he acknowledged stays readable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.access import readable_account
from api.deps import AppDep, SettingsDep, ViewsDep
from api.reads.dossier import dossier_read, frozen_dossier
from api.reads.people import People
from api.settings import Settings
from api.web.forms import local_time
from api.web.pages.accounts import READERS, account_uuid
from api.web.render import render_page
from api.web.session import PageActor, PageRefused, checked_form, require
from domain import errors as domain
from domain.account import Account
from domain.application import AccountCommand, Tsunagi
from domain.values import Actor, Role, aware
from projections.asof import Basis
from projections.runner import Views

router = APIRouter(include_in_schema=False)


def instant(text: str | None) -> datetime | None:
    """A datetime-local in JST (2026-11-20T14:30) or an RFC 3339 instant, or 400."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(local_time(text).replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise PageRefused(400, "日時は 2026-11-20T14:30 の形で指定してください。")
    try:
        return aware(moment, "as_of")
    except domain.InvalidValue:
        raise PageRefused(400, "日時は 1900年1月1日 から 2200年12月31日 までで指定してください。"
                          ) from None


def basis_of(text: str | None) -> Basis:
    return "occurred" if text == "occurred" else "recorded"


def dossier_page(request: Request, app: Tsunagi, views: Views, settings: Settings,
                 actor: Actor, account_id: UUID, *, at: datetime | None = None,
                 basis: Basis = "recorded", message: str | None = None,
                 status: int = 200) -> HTMLResponse:
    require(actor, *READERS)
    account = readable_account(app, actor, account_id)
    read = dossier_read(app, views, settings, actor, account, at, basis)
    return render_page(request, "dossier.html", {
        **dossier_context(read.presented, actor, str(account_id)),
        "incomplete": read.reading.incomplete,
        "as_of": at, "basis": basis, "frozen": None, "message": message,
    }, status=status)


def dossier_context(dossier: dict[str, Any], actor: Actor, account_id: str) -> dict[str, Any]:
    handover = dossier["handover"]
    steps = handover["steps"] if handover else {}
    successor = bool(handover and handover["to_rep_id"] == actor.user_id)
    return {
        "d": dossier, "account_id": account_id,
        "may_acknowledge": successor and "dossier_acknowledged" not in steps,
        "acknowledged": bool(handover and "dossier_acknowledged" in steps),
        "may_complete": bool(handover and "dossier_acknowledged" in steps
                             and (successor or actor.role is Role.MANAGER)),
    }


@router.get("/accounts/{account_id}/dossier")
def dossier(request: Request, account_id: str, app: AppDep, views: ViewsDep,
            settings: SettingsDep, actor: PageActor, as_of: str | None = None,
            basis: str | None = None) -> Response:
    return dossier_page(request, app, views, settings, actor, account_uuid(account_id),
                        at=instant(as_of), basis=basis_of(basis))


@dataclass(frozen=True)
class HandoverStep:
    """A handover step taken from the dossier page: who may, and where the browser goes."""

    command: AccountCommand
    roles: tuple[Role, ...]
    refused: str
    done: str  # the page to go to, with {account_id} and {handover_id}


ACKNOWLEDGE = HandoverStep(
    Account.acknowledge_dossier, (Role.REP,), "引き継ぎ資料を確認できるのは後任者だけです。",
    "/accounts/{account_id}/handovers/{handover_id}/dossier?done=1")
COMPLETE = HandoverStep(
    Account.complete_handover, (Role.REP, Role.MANAGER),
    "引き継ぎを完了できるのは後任者か課長です。",
    "/accounts/{account_id}?done=handover_completed")


@router.post("/accounts/{account_id}/handovers/{handover_id}/acknowledge")
async def acknowledge(request: Request, account_id: str, handover_id: str, app: AppDep,
                      views: ViewsDep, settings: SettingsDep, actor: PageActor) -> Response:
    """The successor has read the dossier: it is frozen as it stands now."""
    await checked_form(request)
    return await run_in_threadpool(take_step, ACKNOWLEDGE, request, account_id, handover_id,
                                   app, views, settings, actor)


@router.post("/accounts/{account_id}/handovers/{handover_id}/complete")
async def complete(request: Request, account_id: str, handover_id: str, app: AppDep,
                   views: ViewsDep, settings: SettingsDep, actor: PageActor) -> Response:
    """The successor becomes the owner; the predecessor loses access."""
    await checked_form(request)
    return await run_in_threadpool(take_step, COMPLETE, request, account_id, handover_id,
                                   app, views, settings, actor)


def take_step(step: HandoverStep, request: Request, account_id: str, handover_id: str,
              app: Tsunagi, views: Views, settings: Settings, actor: Actor) -> Response:
    """The store's part of a handover step, on a worker thread (it waits on the database)."""
    require(actor, *step.roles)
    found = account_uuid(account_id)
    readable_account(app, actor, found)
    try:
        app.record(actor, found, step.command, handover_id=handover_id)
    except domain.NotPermitted:
        raise PageRefused(403, step.refused) from None
    except (domain.HandoverNotOpen, domain.ItemNotFound):
        return dossier_page(request, app, views, settings, actor, found, status=409,
                            message="この引き継ぎはすでに完了または中止されています。")
    return RedirectResponse(step.done.format(account_id=found, handover_id=handover_id),
                            status_code=303)


@router.get("/accounts/{account_id}/handovers/{handover_id}/dossier")
def acknowledged_dossier(request: Request, account_id: str, handover_id: str, app: AppDep,
                         views: ViewsDep, settings: SettingsDep, actor: PageActor,
                         done: str | None = None) -> Response:
    """Exactly what the successor acknowledged, frozen at that moment."""
    require(actor, *READERS)
    found = account_uuid(account_id)
    readable_account(app, actor, found)
    frozen = frozen_dossier(views, settings, found, handover_id, People(app))
    if frozen is None:
        raise PageRefused(404, "この引き継ぎには確認済みの引き継ぎ資料がありません。")
    return render_page(request, "dossier.html", {
        **dossier_context(frozen["dossier"], actor, str(found)),
        "may_acknowledge": False, "may_complete": False, "acknowledged": True,
        "as_of": None, "basis": "recorded", "frozen": frozen,
        "message": None, "just_acknowledged": done == "1",
    })
