"""The team board (チームボード) for a 課長."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.access import allow
from api.deps import AppDep, SettingsDep, ViewsDep
from api.params import DAY, SCHEMA_DAY, parse_day
from api.reads.models import TeamBoardPublic
from api.reads.team import LISTED_AT_MOST, board_people, team_board, team_json
from api.responses import DocumentResponse
from domain.values import Role
from projections.records import local_date

router = APIRouter(prefix="/v1/team", tags=["team"])
DAY_QUERY = Query(alias="date", pattern=DAY.pattern,
                  json_schema_extra={"format": "date", "pattern": SCHEMA_DAY},
                  description="The day, YYYY-MM-DD (default: today in Japan)")


@router.get("", response_model=TeamBoardPublic, summary="The team board",
            dependencies=[allow(Role.MANAGER)])
def get_team_board(app: AppDep, views: ViewsDep, settings: SettingsDep,
                   on: Annotated[str | None, DAY_QUERY] = None,
                   limit: Annotated[int, Query(
                       ge=1, le=10_000, description="At most this many of each long list "
                       "(promises overdue, cooling, renewals, concessions), the most urgent "
                       "first; `totals` says how many there are")] = LISTED_AT_MOST,
                   ) -> DocumentResponse:
    """Per rep: accounts, visits and promises overdue, complaints open (by age), requests
    unanswered — each beside what they inherited; across the team: promises overdue,
    handovers in flight with their steps, checkpoints, renewals within 90 days with annual
    value, and concessions of the last 90 days."""
    day = parse_day(on, "date") or local_date(app.clock())
    board = team_board(views, settings, day, limit)
    return DocumentResponse(team_json(board, board_people(app, board)))
