"""A rep's route for a day (今日のルート)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from api.access import allow
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import DAY, SCHEMA_DAY, domain_checked, parse_day
from api.reads.models import RoutePublic, RouteWeekPublic, public
from api.reads.route import route_public
from api.reads.week import route_week_public
from api.responses import DocumentResponse
from domain.values import MAX_USER_ID, USER_ID, Role, a_user_id
from projections.records import local_date

router = APIRouter(prefix="/v1/reps", tags=["route"])
DAY_QUERY = Query(alias="date", pattern=DAY.pattern,
                  json_schema_extra={"format": "date", "pattern": SCHEMA_DAY},
                  description="The day, YYYY-MM-DD (default: today in Japan)")
DAYS_QUERY = Query(ge=1, le=14, description=(
    "Business days from `date` on (Saturdays, Sundays, Japanese public holidays and company "
    "holidays skipped): the answer is then {\"days\": [{\"date\", \"items\"}]}"))
REP_ID = Path(description="A user id", json_schema_extra={
    "minLength": 1, "maxLength": MAX_USER_ID, "pattern": f"^{USER_ID.pattern}$"})


@router.get("/me/route", response_model=RoutePublic | RouteWeekPublic,
            summary="My route for a day or for business days", dependencies=[allow(Role.REP)])
def my_route(app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
             on: Annotated[str | None, DAY_QUERY] = None,
             days: Annotated[int | None, DAYS_QUERY] = None) -> DocumentResponse:
    """Accounts due a visit, promises due within 7 days, open complaints, handovers; with
    `days`, each of the next N business days with its stops (a visit or promise due on a
    day off moves to the business day before) and what to raise at each."""
    day = parse_day(on, "date") or local_date(app.clock())
    return _route(views, settings, actor.user_id, day, days)


@router.get("/{rep_id}/route", response_model=RoutePublic | RouteWeekPublic,
            summary="A rep's route for a day or for business days",
            dependencies=[allow(Role.MANAGER)])
def rep_route(rep_id: Annotated[str, REP_ID], app: AppDep, views: ViewsDep, settings: SettingsDep,
              on: Annotated[str | None, DAY_QUERY] = None,
              days: Annotated[int | None, DAYS_QUERY] = None) -> DocumentResponse:
    """A manager looks at one rep's day, or (``days``) their next N business days as the
    rep sees them; a rep id no user could have is 422, one that names no registered rep 404
    (a rep deactivated since still has a route)."""
    if not rep_id:
        raise HTTPException(404, "no rep")
    rep_id = domain_checked(a_user_id, rep_id, ("path", "rep_id"))
    if not app.is_rep(rep_id):
        raise HTTPException(404, f"no rep {rep_id}")
    return _route(views, settings, rep_id, parse_day(on, "date") or local_date(app.clock()),
                  days)


def _route(views: ViewsDep, settings: SettingsDep, rep_id: str, day: date,
           days: int | None) -> DocumentResponse:
    if days is not None:
        return DocumentResponse(public(route_week_public(views, settings, rep_id, day, days)))
    return DocumentResponse(public(route_public(views, settings, rep_id, day)))
