"""An account's events, oldest first, as an auditor matches them to storage."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

from api.reads.common import reading_of, wait_for_views
from api.reads.models import HistoryPublic
from api.settings import Settings
from projections.history import HistoryPage, HistoryView
from projections.records import utc_key
from projections.runner import Views


def history_public(views: Views, settings: Settings, account_id: UUID, *, limit: int,
                   after_version: int = 0, kinds: Sequence[str] = (),
                   since: datetime | None = None, until: datetime | None = None,
                   newest_first: bool = False, before_version: int | None = None,
                   ) -> HistoryPublic:
    """One page of the account's events, and what the history view could not apply."""
    page = history_page(views, settings, account_id, limit=limit, after_version=after_version,
                        kinds=kinds, since=since, until=until, newest_first=newest_first,
                        before_version=before_version)
    answer: dict[str, Any] = {"items": page.items, "next_cursor": page.next_cursor}
    incomplete = reading_of(views, account_id, ("history",)).incomplete
    if incomplete:
        answer["incomplete"] = incomplete
    return HistoryPublic.model_validate(answer)


def history_page(views: Views, settings: Settings, account_id: UUID, *, limit: int,
                 after_version: int = 0, kinds: Sequence[str] = (),
                 since: datetime | None = None, until: datetime | None = None,
                 newest_first: bool = False, before_version: int | None = None) -> HistoryPage:
    """One page of the account's events, oldest first (or newest first, paging into the
    past), once the view has every acknowledged write."""
    wait_for_views(views, settings, "history")
    view: HistoryView = views["history"]  # type: ignore[assignment]
    return view.page(
        str(account_id), limit=limit, after_version=after_version, kinds=kinds,
        occurred_from=utc_key(since) if since else None,
        occurred_to=utc_key(until) if until else None,
        newest_first=newest_first, before_version=before_version,
    )


def promise_descriptions(views: Views, account_id: UUID) -> dict[str, str]:
    """What each of the account's promises said, by promise id (read after history_page,
    which has waited for the view)."""
    view: HistoryView = views["history"]  # type: ignore[assignment]
    return view.promise_descriptions(str(account_id))


def recorded_event(views: Views, settings: Settings, account_id: UUID,
                   event_id: str) -> dict[str, Any] | None:
    """One of the account's events as the history lists it, found by its event id; None
    when the account has no such event."""
    wait_for_views(views, settings, "history")
    view: HistoryView = views["history"]  # type: ignore[assignment]
    try:
        where = view.find_event(str(UUID(event_id)))
    except ValueError:
        where = None
    if where is None or where["account_id"] != str(account_id):
        return None
    item: dict[str, Any] = view.page(str(account_id), limit=1,
                                     after_version=where["version"] - 1).items[0]
    return item
