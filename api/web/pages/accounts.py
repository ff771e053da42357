"""The account (取引先) page: relationship header, health per tenure, charts, the timeline
(filtered by kind, paged) and the forms; the accounts list; one event, for provenance."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response

from api.access import readable_account
from api.deps import AppDep, SettingsDep, ViewsDep
from api.reads.account_list import ListAsk, list_item, list_page, people_of
from api.reads.accounts import relationship_and_evidence
from api.reads.dossier import dossier_document
from api.reads.history import history_page, promise_descriptions, recorded_event
from api.settings import Settings
from api.web import charts, labels, trends
from api.web.forms import SPECS, FormState
from api.web.render import render, render_page
from api.web.session import PageActor, PageRefused, require
from domain.application import Tsunagi
from domain.values import Actor, Role
from projections import health
from projections.dossier import unknown_health
from projections.quarantine import Reading
from projections.runner import Views

router = APIRouter(include_in_schema=False)
READERS = (Role.REP, Role.MANAGER, Role.AUDITOR)
TIMELINE_PAGE = 50
ANCHORS = {  # where the page opens after each form's write, its notice beside
    "visit": "timeline", "promise": "open-promises", "promise_close": "open-promises",
    "complaint": "open-complaints", "complaint_resolve": "open-complaints",
    "request": "open-requests", "request_answer": "open-requests",
    "handover": "relationship", "checkpoint_held": "checkpoints"}
PROMISE_CLOSED = frozenset({"promise_kept", "promise_broken", "promise_cancelled"})
DONE = {spec.name: spec.done for spec in SPECS.values()} | {
    "handover_completed": "引き継ぎが完了しました。この取引先の担当が変わりました。"}


def account_uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise PageRefused(404, "取引先が見つかりません。") from None


def timeline_filter(kind: str | None) -> tuple[str, tuple[str, ...]]:
    if kind and kind in labels.KIND_GROUPS:
        return kind, labels.KIND_GROUPS[kind][1]
    return "", ()


def cursor_of(text: str | None) -> int:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) <= 18 else 0


def timeline(views: Views, settings: Settings, account_id: UUID, kind: str | None,
             cursor: str | None, order: str | None = None) -> dict[str, Any]:
    """Newest first (a page further into the past each time), or oldest first as chosen;
    a kept, broken or cancelled promise's entry carries what the promise said."""
    group, kinds = timeline_filter(kind)
    oldest = order == "oldest"
    at = cursor_of(cursor)
    page = history_page(views, settings, account_id, limit=TIMELINE_PAGE, kinds=kinds,
                        newest_first=not oldest, after_version=at if oldest else 0,
                        before_version=None if oldest or not at else at)
    items = page.items
    if any(item["kind"] in PROMISE_CLOSED for item in items):
        said = promise_descriptions(views, account_id)
        items = [{**item, "promise": said.get(item["data"].get("promise_id"))}
                 if item["kind"] in PROMISE_CLOSED else item for item in items]
    return {"items": items, "next_cursor": page.next_cursor, "kind": group,
            "cursor": at, "order": "oldest" if oldest else "newest"}


def account_page(request: Request, app: Tsunagi, views: Views, settings: Settings,
                 actor: Actor, account_id: UUID, *, kind: str | None = None,
                 cursor: str | None = None, order: str | None = None,
                 form: FormState | None = None, done: str | None = None,
                 status: int = 200) -> HTMLResponse:
    require(actor, *READERS)
    account = readable_account(app, actor, account_id)
    reading, dossier_reading = Reading(), Reading()
    doc, evidence = relationship_and_evidence(views, settings, account_id, account, reading)
    dossier = dossier_document(views, settings, account_id, account, dossier_reading)
    reading.quarantined += [q for q in dossier_reading.quarantined
                            if q not in reading.quarantined]
    now = app.clock()
    months = trends.last_months(now)
    nothing = [charts.MonthValue(month, None) for month, _ in months]
    visits = reading.guard("visits_chart", lambda: trends.visits_by_month(dossier["rhythm"],
                                                                          months), lambda: nothing)
    scores = reading.guard("health_chart", lambda: trends.health_by_month(evidence, months),
                           lambda: nothing)
    report = reading.guard("health", lambda: health.health_report(
        evidence, now, settings.ramp_up_days, settings.warning_limits), lambda: unknown_health(now))
    handover = doc["handover"]
    return render_page(request, "account.html", {
        "doc": doc, "account_id": str(account_id), "incomplete": reading.incomplete,
        "report": report,
        "open_requests": [r for r in dossier["requests"] if r["answer"] is None],
        "checkpoints": evidence["checkpoints"],  # scheduled and not yet held
        "known": labels.known_items(dossier),
        "visits": visits, "visits_chart": charts.visits_per_month(visits),
        "scores": scores, "health_chart": charts.health_over_time(scores),
        "trend_days": trends.TREND_DAYS,
        "timeline": timeline(views, settings, account_id, kind, cursor, order),
        "may_record": account.may_record(actor),
        "is_successor": bool(handover and handover["to_rep_id"] == actor.user_id),
        "form": form or FormState(""), "form_id": uuid.uuid4().hex,
        "done": DONE.get(done or ""), "done_at": ANCHORS.get(done or ""),
        "now_local": labels.datetime_local(now),
        "week_later": (now + timedelta(days=7)).date().isoformat(),
    }, status=status)


SORTS_JA = {"name": "取引先名", "next_visit_due": "次回訪問期限", "contract_end": "契約終了日",
            "health": "健全度の低い順"}


@router.get("/accounts")
def account_list(request: Request, app: AppDep, views: ViewsDep, settings: SettingsDep,
                 actor: PageActor, q: str = "", sort: str = "name",
                 cursor: str | None = None) -> Response:
    """The accounts list: search by part of the name, sort, and page on (50 a page)."""
    require(actor, *READERS)
    ask = ListAsk(q=q[:100], sort=sort if sort in SORTS_JA else "name", cursor=cursor or None)
    try:
        rows, next_cursor = list_page(views, settings, actor, ask)
    except RequestValidationError:
        raise PageRefused(422, "ページの指定が正しくありません。一覧の最初から開き直してください。"
                          ) from None
    people, now = people_of(app), app.clock()
    return render_page(request, "accounts.html", {
        "accounts": [list_item(found, now, settings, people) for found in rows],
        "next_cursor": next_cursor, "q": ask.q, "sort": ask.sort, "sorts": SORTS_JA,
        "paged": cursor is not None})


@router.get("/accounts/{account_id}")
def account(request: Request, account_id: str, app: AppDep, views: ViewsDep,
            settings: SettingsDep, actor: PageActor, kind: str | None = None,
            cursor: str | None = None, order: str | None = None,
            done: str | None = None) -> Response:
    return account_page(request, app, views, settings, actor, account_uuid(account_id),
                        kind=kind, cursor=cursor, order=order, done=done)


@router.get("/accounts/{account_id}/timeline")
def timeline_fragment(request: Request, account_id: str, app: AppDep, views: ViewsDep,
                      settings: SettingsDep, actor: PageActor, kind: str | None = None,
                      cursor: str | None = None, order: str | None = None) -> Response:
    """The next page of the timeline, as the list items the page appends (infinite scroll)."""
    require(actor, *READERS)
    found = account_uuid(account_id)
    readable_account(app, actor, found)
    page = timeline(views, settings, found, kind, cursor, order)
    return HTMLResponse(render(request, "timeline_items.html", {
        "account_id": account_id, "timeline": page}),
        headers={"Cache-Control": "no-store"})


@router.get("/accounts/{account_id}/events/{event_id}")
def event(request: Request, account_id: str, event_id: str, app: AppDep, views: ViewsDep,
          settings: SettingsDep, actor: PageActor) -> Response:
    """One recorded event: where a dossier item's provenance link leads."""
    require(actor, *READERS)
    found = account_uuid(account_id)
    account = readable_account(app, actor, found)
    item = recorded_event(views, settings, found, event_id)
    if item is None:
        raise PageRefused(404, "この取引先にその記録はありません。")
    return render_page(request, "event.html", {
        "account_id": account_id, "name": account.name, "item": item,
        "around": max(0, item["version"] - 3),
    })
