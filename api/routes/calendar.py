"""Calendar feeds: a secret URL per user (a new one revokes the old), and the feed itself,
read by calendar apps with no Authorization."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from api.access import allow
from api.calendar_feeds import FeedStore
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.reads.calendar import calendar_feed
from api.reads.models import CalendarUrlPublic
from domain.values import Role

router = APIRouter(tags=["calendar"])
FEED_KEY = Path(description="The key POST /v1/users/me/calendar gave",
                json_schema_extra={"maxLength": 200})


def feeds(request: Request) -> FeedStore:
    return request.app.state.calendar_feeds  # type: ignore[no-any-return]


@router.post("/v1/users/me/calendar", response_model=CalendarUrlPublic, status_code=201,
             summary="A secret calendar URL for me",
             dependencies=[allow(Role.REP)])
async def issue_calendar(request: Request, actor: ActorDep) -> dict[str, Any]:
    """A new secret URL of my calendar feed; the previous one stops working."""
    key = await run_in_threadpool(feeds(request).issue, actor.user_id)
    return {"url": str(request.url_for("calendar_feed", key=key))}


@router.get("/v1/calendars/{key}.ics", name="calendar_feed", summary="A calendar feed",
            response_class=Response, openapi_extra={"security": []},
            responses={200: {"content": {"text/calendar": {}},
                             "description": "RFC 5545: visits due, promises, contract ends, "
                                            "handover checkpoints"}})
def calendar(request: Request, key: Annotated[str, FEED_KEY], app: AppDep, views: ViewsDep,
             settings: SettingsDep) -> Response:
    """The feed of a secret URL, with no Authorization; unknown or revoked → 404."""
    user_id = feeds(request).holder(key) if len(key) <= 200 else None
    if user_id is None:
        raise HTTPException(404, "no such calendar")
    return Response(calendar_feed(views, settings, user_id, app.clock()),
                    media_type="text/calendar; charset=utf-8",
                    headers={"Cache-Control": "no-store"})
