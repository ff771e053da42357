"""A rep's route for a day (今日のルート)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query

from api.access import allow
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import DAY, SCHEMA_DAY, domain_checked, parse_day
from api.reads import wait_for_views
from api.settings import Settings
from domain.values import MAX_USER_ID, USER_ID, Role, a_user_id
from projections.records import local_date
from projections.route import Route, RouteView
from projections.runner import Views

router = APIRouter(prefix="/v1/reps", tags=["route"])
DAY_QUERY = Query(alias="date", pattern=DAY.pattern,
                  json_schema_extra={"format": "date", "pattern": SCHEMA_DAY},
                  description="The day, YYYY-MM-DD (default: today in Japan)")
REP_ID = Path(description="A user id", json_schema_extra={
    "minLength": 1, "maxLength": MAX_USER_ID, "pattern": f"^{USER_ID.pattern}$"})


@router.get("/me/route", summary="My route for a day", dependencies=[allow(Role.REP)])
def my_route(app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
             on: Annotated[str | None, DAY_QUERY] = None) -> dict[str, Any]:
    """Accounts due a visit, promises due within 7 days, open complaints, handovers."""
    return _route(views, settings, actor.user_id, parse_day(on, "date") or local_date(app.clock()))


@router.get("/{rep_id}/route", summary="A rep's route for a day",
            dependencies=[allow(Role.MANAGER)])
def rep_route(rep_id: Annotated[str, REP_ID], app: AppDep, views: ViewsDep, settings: SettingsDep,
              on: Annotated[str | None, DAY_QUERY] = None) -> dict[str, Any]:
    """A manager looks at one rep's day; a rep id no user could have is 422."""
    if not rep_id:
        raise HTTPException(404, "no rep")
    rep_id = domain_checked(a_user_id, rep_id, ("path", "rep_id"))
    return _route(views, settings, rep_id, parse_day(on, "date") or local_date(app.clock()))


def route_of(views: Views, settings: Settings, rep_id: str, on: date) -> Route:
    """A rep's day as the route view has it, once it has applied every acknowledged write."""
    wait_for_views(views, settings, "route")
    view: RouteView = views["route"]  # type: ignore[assignment]
    return view.route(rep_id, on)


def _route(views: Views, settings: Settings, rep_id: str, on: date) -> dict[str, Any]:
    route = asdict(route_of(views, settings, rep_id, on))
    route["date"] = route.pop("on").isoformat()
    return route
