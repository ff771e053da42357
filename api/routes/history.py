"""History: every event of an account, oldest first, as an auditor matches it to storage."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import StringConstraints

from api.access import allow, readable_account
from api.conditional import ETAG_HEADER, NOT_MODIFIED, IfNoneMatch, tagged
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import INSTANT, SCHEMA_INSTANT, parse_instant
from api.reads.history import history_public
from api.reads.models import HistoryPublic, public
from domain.values import Role
from projections.history import MAX_PAGE
from projections.records import KINDS

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["history"])
INSTANT_SCHEMA: dict[str, Any] = {"format": "date-time", "pattern": SCHEMA_INSTANT}
KIND_LIST = f"^({'|'.join(KINDS)})(,({'|'.join(KINDS)}))*$"


@router.get("/history", response_model=HistoryPublic,
            summary="The account's events, oldest first (or newest first)",
            dependencies=[allow(Role.REP, Role.MANAGER, Role.AUDITOR)],
            responses={200: {"headers": ETAG_HEADER}, **NOT_MODIFIED})
def history(
    account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page",
                                        pattern=r"^[0-9]{1,18}$")] = None,
    kind: Annotated[list[Annotated[str, StringConstraints(pattern=KIND_LIST)]] | None, Query(
        description="Event kinds, repeated or comma-separated, e.g. visit_recorded")] = None,
    occurred_from: Annotated[str | None, Query(alias="from", pattern=INSTANT.pattern,
                                               json_schema_extra=INSTANT_SCHEMA)] = None,
    occurred_to: Annotated[str | None, Query(alias="to", pattern=INSTANT.pattern,
                                             json_schema_extra=INSTANT_SCHEMA)] = None,
    order: Annotated[Literal["oldest", "newest"], Query(
        description="oldest first (the default) or newest first, each page further into the "
                    "past")] = "oldest",
    if_none_match: IfNoneMatch = None,
) -> Response:
    """Paged by cursor; filter by kind and by when things happened ([from, to)). The ETag
    is the account's version as the read began: a page changes only when events are added."""
    newest = order == "newest"
    kinds = [k for value in kind or [] for k in value.split(",")]
    since, until = parse_instant(occurred_from, "from"), parse_instant(occurred_to, "to")
    version = readable_account(app, actor, account_id).version
    return tagged(public(history_public(
        views, settings, account_id, limit=limit, kinds=kinds, since=since, until=until,
        newest_first=newest, after_version=0 if newest else int(cursor or 0),
        before_version=int(cursor) if newest and cursor else None)), version, if_none_match)
