"""History: every event of an account, oldest first, as an auditor matches it to storage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from api.deps import (
    ActorDep,
    AppDep,
    SettingsDep,
    ViewsDep,
    allow,
    readable_account,
    wait_for_views,
)
from domain.values import Role
from projections.history import MAX_PAGE, HistoryView
from projections.records import KINDS, utc_key

router = APIRouter(prefix="/v1/accounts/{account_id}", tags=["history"])


def _invalid(where: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("query", where), "msg": message,
                                    "type": "value_error"}])


@router.get("/history", summary="The account's events, oldest first",
            dependencies=[allow(Role.REP, Role.MANAGER, Role.AUDITOR)])
def history(
    account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
    cursor: Annotated[str | None, Query(description="next_cursor of the previous page")] = None,
    kind: Annotated[list[str] | None, Query(
        description="Event kinds, repeated or comma-separated, e.g. visit_recorded")] = None,
    occurred_from: Annotated[datetime | None, Query(alias="from")] = None,
    occurred_to: Annotated[datetime | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Paged by cursor; filter by kind and by when things happened ([from, to))."""
    kinds = [k for value in kind or [] for k in value.split(",") if k]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise _invalid("kind", f"unknown kinds {unknown}; known: {', '.join(KINDS)}")
    if cursor is not None and not cursor.isdigit():
        raise _invalid("cursor", "use the next_cursor of the previous page")
    for where, value in (("from", occurred_from), ("to", occurred_to)):
        if value is not None and value.tzinfo is None:
            raise _invalid(where, "needs a UTC offset, e.g. +09:00")
    readable_account(app, actor, account_id)
    wait_for_views(views, settings, "history")
    view: HistoryView = views["history"]  # type: ignore[assignment]
    page = view.page(
        str(account_id), limit=limit, after_version=int(cursor or 0), kinds=kinds,
        occurred_from=utc_key(occurred_from) if occurred_from else None,
        occurred_to=utc_key(occurred_to) if occurred_to else None,
    )
    return {"items": page.items, "next_cursor": page.next_cursor}
