"""The account page's forms: visits, promises, complaints, requests and their answers, and a
manager starting a handover. Same model checks, same commands as the JSON API; after a
write the browser is sent back to the page (Post/Redirect/Get)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from api.access import readable_account
from api.deps import AppDep, SettingsDep, ViewsDep
from api.settings import Settings
from api.web import forms
from api.web.forms import FormSpec, FormState
from api.web.pages.accounts import ANCHORS, account_page, account_uuid
from api.web.session import PageActor, PageRefused, checked_form, require
from domain import errors as domain
from domain.application import Tsunagi
from domain.idempotency import IdempotencyKeyReused
from domain.values import Actor
from projections.runner import Views

router = APIRouter(include_in_schema=False)


async def submit(request: Request, app: Tsunagi, views: Views, settings: Settings,
                 actor: Actor, raw_account_id: str, spec: FormSpec,
                 target: tuple[str, str] | None = None) -> Response:
    """CSRF, role and access first (nothing is read before), then the model, then the
    command; a refusal re-renders the page with the author's input and says why."""
    form = await checked_form(request)
    return await run_in_threadpool(record_form, request, app, views, settings, actor,
                                   raw_account_id, spec, target, form)


def record_form(request: Request, app: Tsunagi, views: Views, settings: Settings,
                actor: Actor, raw_account_id: str, spec: FormSpec,
                target: tuple[str, str] | None, form: dict[str, str]) -> Response:
    """The store's part of a form post, on a worker thread (it waits on the database)."""
    require(actor, *spec.roles)
    account_id = account_uuid(raw_account_id)
    readable_account(app, actor, account_id)
    item_key, item_id = target or (None, None)
    payload, errors = forms.validate(spec, form)
    status, message = 422, None
    if payload is not None:
        details: dict[str, Any] = payload.model_dump()
        if item_key:
            details[item_key] = item_id
        key = forms.idempotency(actor, form.get("form_id", ""), request.url.path,
                                spec.body(form))
        try:
            app.record(actor, account_id, spec.command, idempotency=key, **details)
        except domain.NotPermitted:
            raise PageRefused(403, "この取引先に記録する権限がありません。") from None
        except IdempotencyKeyReused:
            status, message = 409, ("画面が古くなっています。読み込み直してから、"
                                    "もう一度入力してください。")
        except domain.DomainError as exc:
            status, errors, message = forms.refusal(spec, exc)
        else:
            return RedirectResponse(
                f"/accounts/{account_id}?done={spec.name}#{ANCHORS[spec.name]}", status_code=303)
    state = FormState(spec.name, item_id, values=form, errors=errors, message=message)
    return account_page(request, app, views, settings, actor, account_id, form=state,
                        status=status)


@router.post("/accounts/{account_id}/visits")
async def record_visit(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                       settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.VISIT)


@router.post("/accounts/{account_id}/promises")
async def make_promise(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                       settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.PROMISE)


@router.post("/accounts/{account_id}/promises/{promise_id}/close")
async def close_promise(request: Request, account_id: str, promise_id: str, app: AppDep,
                        views: ViewsDep, settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.PROMISE_CLOSE,
                        ("promise_id", promise_id))


@router.post("/accounts/{account_id}/complaints")
async def receive_complaint(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                            settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.COMPLAINT)


@router.post("/accounts/{account_id}/complaints/{complaint_id}/resolve")
async def resolve_complaint(request: Request, account_id: str, complaint_id: str,
                            app: AppDep, views: ViewsDep, settings: SettingsDep,
                            actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id,
                        forms.COMPLAINT_RESOLVE, ("complaint_id", complaint_id))


@router.post("/accounts/{account_id}/requests")
async def receive_request(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                          settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.REQUEST)


@router.post("/accounts/{account_id}/requests/{request_id}/answer")
async def answer_request(request: Request, account_id: str, request_id: str, app: AppDep,
                         views: ViewsDep, settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id,
                        forms.REQUEST_ANSWER, ("request_id", request_id))


@router.post("/accounts/{account_id}/handovers")
async def initiate_handover(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                            settings: SettingsDep, actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id, forms.HANDOVER)


@router.post("/accounts/{account_id}/handovers/{handover_id}/checkpoint-held")
async def record_checkpoint_held(request: Request, account_id: str, handover_id: str,
                                 app: AppDep, views: ViewsDep, settings: SettingsDep,
                                 actor: PageActor) -> Response:
    return await submit(request, app, views, settings, actor, account_id,
                        forms.CHECKPOINT_HELD, ("handover_id", handover_id))
