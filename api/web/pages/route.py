"""My route (今日のルート): accounts due a visit, promises due, complaints open, handovers;
or the week's (週のルート): the next business days, each stop with what to raise there."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import AppDep, SettingsDep, ViewsDep
from api.reads.common import wait_for_views
from api.reads.route import route_of
from api.reads.week import route_week_public
from api.settings import Settings
from api.web.render import render_page
from api.web.session import PageActor, PageRefused, require
from domain.errors import InvalidValue
from domain.values import Role, a_date, a_user_id
from projections.people import PeopleView, Person
from projections.records import local_date
from projections.runner import Views

router = APIRouter(include_in_schema=False)
WEEK_DAYS = 5  # a working week of business days


def page_day(text: str | None, today: date) -> date:
    if not text:
        return today
    try:
        return a_date(date.fromisoformat(text), "date")
    except ValueError:
        raise PageRefused(400, "日付は 2026-11-24 の形で指定してください。") from None
    except InvalidValue:
        raise PageRefused(400, "日付は 1900-01-01 から 2200-12-31 までで指定してください。"
                          ) from None


def _rep(text: str | None) -> str:
    rep_id = (text or "").strip()
    if not rep_id:
        return rep_id
    try:
        return a_user_id(rep_id, "rep")
    except InvalidValue:
        raise PageRefused(400, "担当者はユーザーID（英小文字・数字・_ . -）で指定してください。"
                          ) from None


@router.get("/route")
def my_route(request: Request, app: AppDep, views: ViewsDep, settings: SettingsDep,
             actor: PageActor, date: str | None = None, rep: str | None = None,
             span: str | None = None) -> Response:
    if actor.role is Role.AUDITOR:
        return RedirectResponse("/accounts", status_code=303)
    require(actor, Role.REP, Role.MANAGER)
    today = local_date(app.clock())
    on = page_day(date, today)
    rep_id = actor.user_id if actor.role is Role.REP else _rep(rep)
    if rep_id and actor.role is Role.MANAGER and not app.is_rep(rep_id):
        raise PageRefused(404, "その担当者は登録されていません。")
    week = span == "week"
    route = route_of(views, settings, rep_id, on) if rep_id and not week else None
    days = route_week_public(views, settings, rep_id, on, WEEK_DAYS) if rep_id and week else None
    return render_page(request, "route.html", {
        "route": route, "week": days, "on": on, "today": today, "rep_id": rep_id,
        "is_today": on == today, "span": "week" if week else "day",
        "reps": reps_to_pick(views, settings) if actor.role is Role.MANAGER else [],
    })


def reps_to_pick(views: Views, settings: Settings) -> list[Person]:
    """The reps a 課長 picks from, by name: those still here first, then those who left."""
    wait_for_views(views, settings, "people")
    people: PeopleView = views["people"]  # type: ignore[assignment]
    return sorted(people.people(role="rep"), key=lambda p: (not p.active, p.user_id))
