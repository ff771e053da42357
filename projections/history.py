"""The history view: every event of every account, in order, as an auditor reads it.

Served from this table, never by replaying an aggregate in a request. The original data
of an event never changes here; a later correction is listed beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from domain.account import Account
from projections.base import View
from projections.records import (
    account_key,
    event_data,
    event_id,
    from_json,
    iso,
    kind_of,
    to_json,
    utc_key,
)
from projections.storage import ViewCursor

MAX_PAGE = 500


@dataclass(frozen=True)
class HistoryPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def stored_data(event: Any) -> dict[str, Any]:
    """The event's data as the row keeps it; an imported event's ``source`` beside it (rows
    of events recorded live read as they always did)."""
    source = getattr(event, "source", None)
    return event_data(event) if source is None else {**event_data(event), SOURCE: source}


def read_data(stored: str) -> dict[str, Any]:
    """An item's ``data``, and its ``source`` when the event was imported."""
    data = from_json(stored)
    source = data.pop(SOURCE, None)
    return {"data": data} if source is None else {"data": data, "source": source}


SOURCE = "source"


class HistoryView(View):
    name: str = "history"
    tables: ClassVar[dict[str, str]] = {
        "history_events": (
            "CREATE TABLE IF NOT EXISTS history_events ("
            "account_id TEXT NOT NULL, version INTEGER NOT NULL, event_id TEXT NOT NULL, "
            "kind TEXT NOT NULL, occurred_at TEXT NOT NULL, occurred_utc TEXT NOT NULL, "
            "recorded_at TEXT NOT NULL, recorded_utc TEXT NOT NULL, recorded_by TEXT NOT NULL, "
            "data TEXT NOT NULL, corrected_by TEXT NOT NULL DEFAULT '[]', "
            "PRIMARY KEY (account_id, version))"
        ),
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS history_events_kind ON history_events "
        "(account_id, kind, version)",
        "CREATE UNIQUE INDEX IF NOT EXISTS history_events_event_id ON history_events (event_id)",
    ]

    def apply(self, cursor: ViewCursor, events: Sequence[Any]) -> None:
        cursor.executemany(
            "INSERT INTO history_events (account_id, version, event_id, kind, occurred_at, "
            "occurred_utc, recorded_at, recorded_utc, recorded_by, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (account_key(e), e.originator_version, event_id(e), kind_of(e),
                 iso(e.occurred_at), utc_key(e.occurred_at), iso(e.timestamp),
                 utc_key(e.timestamp), e.recorded_by,
                 to_json(stored_data(e)))
                for e in events
            ],
        )
        for e in events:
            if isinstance(e, Account.RecordCorrected):
                self._note_correction(cursor, account_key(e), e.corrected_version, event_id(e))

    def _note_correction(self, cursor: ViewCursor, account_id: str, version: int,
                         correction_id: str) -> None:
        cursor.execute(
            "SELECT corrected_by FROM history_events WHERE account_id = ? AND version = ?",
            (account_id, version),
        )
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(
                "UPDATE history_events SET corrected_by = ? WHERE account_id = ? AND version = ?",
                (to_json([*from_json(row[0]), correction_id]), account_id, version),
            )

    def page(
        self,
        account_id: str,
        *,
        limit: int = 100,
        after_version: int = 0,
        kinds: Sequence[str] = (),
        occurred_from: str | None = None,
        occurred_to: str | None = None,
        newest_first: bool = False,
        before_version: int | None = None,
    ) -> HistoryPage:
        """Oldest first, after ``after_version``; or newest first, before ``before_version``
        (None: from the newest), paging into the past. ``occurred_from``/``occurred_to`` are
        UTC keys (see records.utc_key)."""
        if not 1 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be between 1 and {MAX_PAGE}")
        where = ["account_id = ?", "version > ?"]
        params: list[Any] = [account_id, after_version]
        if before_version is not None:
            where.append("version < ?")
            params.append(before_version)
        if kinds:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            params.extend(kinds)
        if occurred_from is not None:
            where.append("occurred_utc >= ?")
            params.append(occurred_from)
        if occurred_to is not None:
            where.append("occurred_utc < ?")
            params.append(occurred_to)
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT account_id, version, event_id, kind, occurred_at, recorded_at, "
                "recorded_by, data, corrected_by FROM history_events "
                f"WHERE {' AND '.join(where)} ORDER BY version{' DESC' if newest_first else ''} "
                "LIMIT ?",
                [*params, limit + 1],
            )
            rows = cursor.fetchall()
        items = [
            {
                "account_id": r[0], "version": r[1], "event_id": r[2], "kind": r[3],
                "occurred_at": r[4], "recorded_at": r[5], "recorded_by": r[6],
                "corrected_by": from_json(r[8]), **read_data(r[7]),
            }
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return HistoryPage(items, str(items[-1]["version"]) if more else None)

    def promise_descriptions(self, account_id: str) -> dict[str, str]:
        """What each promise of the account said, by promise id (as made; for a kept or
        broken promise's entry to name it)."""
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT data FROM history_events WHERE account_id = ? AND kind = ?",
                (account_id, "promise_made"),
            )
            rows = cursor.fetchall()
        made = [from_json(row[0]) for row in rows]
        return {m["promise_id"]: m["description"] for m in made}

    def find_event(self, event_id_: str) -> dict[str, Any] | None:
        """Where an event id sits: its account and version (for corrections and provenance)."""
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT account_id, version, kind FROM history_events WHERE event_id = ?",
                (event_id_,),
            )
            row = cursor.fetchone()
        return None if row is None else {"account_id": row[0], "version": row[1], "kind": row[2]}
