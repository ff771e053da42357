"""Events a view cannot apply: kept aside with their error, so no stored event stops a view.

When a view's batch raises anything but a database that does not answer, the batch is
rolled back and applied again in halves until the event that fails is alone; that event is
quarantined — one row in ``view_quarantine`` written in the same transaction as the view's
tracking position, so exactly once — and the view moves on. A stored row that cannot even
be decoded into a domain event is quarantined the same way by every view.

The account's reads then say they are incomplete, ``/health`` and ``tsunagi status``
count the quarantined events, and ``tsunagi quarantine`` lists them. The operator records
a correction or fixes the code and rebuilds the view (``tsunagi rebuild --view NAME``),
which empties that view's quarantine and builds it again.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from eventsourcing.persistence import InterfaceError, OperationalError, Tracking
from eventsourcing.utils import get_topic

from domain.account import Account
from projections.storage import ViewCursor, ViewRecorder

log = logging.getLogger(__name__)  # rendered by structlog, configured at the edge

TABLE = "view_quarantine"
CREATE_TABLE = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} ("
    "view_name TEXT NOT NULL, notification_id BIGINT NOT NULL, account_id TEXT, "
    "event_id TEXT, topic TEXT NOT NULL, error TEXT NOT NULL, quarantined_at TEXT NOT NULL, "
    "PRIMARY KEY (view_name, notification_id))"
)
CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {TABLE}_account ON {TABLE} (account_id)"
ERROR_CHARS = 500  # an error is kept this long: enough to act on, never a whole document
LISTED_PER_ACCOUNT = 50  # a read names at most this many of an account's quarantined events
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")

# A database that does not answer (or is locked a moment) is waited for, never blamed on an
# event: the view retries the same batch. Everything else an event's application raises —
# an overflow in the fold, a row PostgreSQL refuses (a NUL in text), a bug — is the event's.
TRANSIENT = (OperationalError, InterfaceError, psycopg.OperationalError,
             psycopg.InterfaceError, sqlite3.OperationalError, sqlite3.InterfaceError, OSError)


class CannotApply(Exception):
    """A view cannot apply these events: what they raised, for the quarantine to keep."""

    def __init__(self, cause: BaseException | str) -> None:
        super().__init__(cause if isinstance(cause, str) else describe(cause))


@dataclass(frozen=True)
class Undecodable:
    """A stored row the mapper could not turn into a domain event (kept in the batch in its
    place, so every view quarantines it instead of stopping)."""

    notification_id: int
    originator_id: UUID
    topic: str
    error: str

    @property
    def is_account_event(self) -> bool:
        return self.topic.startswith("domain.account:Account.")


def describe(exc: BaseException) -> str:
    """``OverflowError: date value out of range``, printable, bounded."""
    text = f"{type(exc).__name__}: {exc}".strip()
    return _CONTROL.sub("?", text)[:ERROR_CHARS]


def topic_of(event: Any) -> str:
    return event.topic if isinstance(event, Undecodable) else get_topic(type(event))


def kind_of_topic(topic: str) -> str:
    """domain.account:Account.VisitRecorded → visit_recorded (the history's kinds)."""
    name = topic.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
    return "account_opened" if name == "Opened" else _CAMEL.sub("_", name).lower()


def record(cursor: ViewCursor, view_name: str, position: int, event: Any, error: str) -> None:
    """The quarantine row, inside the transaction that also tracks ``position``."""
    event_id = getattr(event, "event_id", None)
    account = getattr(event, "originator_id", None)
    cursor.execute(
        f"INSERT INTO {TABLE} (view_name, notification_id, account_id, event_id, topic, "
        "error, quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (view_name, notification_id) DO UPDATE SET error = excluded.error, "
        "quarantined_at = excluded.quarantined_at",
        (view_name, position, None if account is None else str(account),
         None if event_id is None else str(event_id), topic_of(event), error,
         datetime.now(UTC).isoformat(timespec="seconds")),
    )


def quarantine(recorder: ViewRecorder, view_name: str, tracking: Tracking, event: Any,
               error: str) -> None:
    """Keep the event aside and move the view past it, in one transaction; alert."""
    position = tracking.notification_id
    with recorder.writing() as cursor:
        record(cursor, view_name, position, event, error)
        recorder.track(cursor, tracking)
    log.error("event_quarantined", extra={
        "view": view_name, "notification_id": position,
        "account_id": str(getattr(event, "originator_id", "")) or None,
        "event_id": str(getattr(event, "event_id", "")) or None,
        "topic": topic_of(event), "error": error})


def forget(cursor: ViewCursor, view_name: str) -> None:
    """A view emptied for a rebuild quarantines again whatever it still cannot apply."""
    cursor.execute(f"DELETE FROM {TABLE} WHERE view_name = ?", (view_name,))


COLUMNS = ("view", "notification_id", "account_id", "event_id", "topic", "error",
           "quarantined_at")
SELECT = (f"SELECT view_name, notification_id, account_id, event_id, topic, error, "
          f"quarantined_at FROM {TABLE}")


def _entry(row: tuple[Any, ...]) -> dict[str, Any]:
    entry = dict(zip(COLUMNS, row, strict=True))
    entry["kind"] = kind_of_topic(entry["topic"])
    return entry


def _of_views(views: tuple[str, ...] | None) -> tuple[str, list[Any]]:
    """The SQL condition (and its parameters) for these views, or for all."""
    if not views:
        return "TRUE", []
    return f"view_name IN ({','.join('?' * len(views))})", list(views)


def for_account(recorder: ViewRecorder, account_id: str,
                views: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    """The account's quarantined events (of these views, or of all), oldest first."""
    condition, params = _of_views(views)
    with recorder.reading() as cursor:
        cursor.execute(f"{SELECT} WHERE account_id = ? AND {condition} "
                       "ORDER BY notification_id, view_name LIMIT ?",
                       [account_id, *params, LISTED_PER_ACCOUNT])
        return [_entry(r) for r in cursor.fetchall()]


def listing(recorder: ViewRecorder, views: tuple[str, ...] | None = None,
            limit: int = 1_000) -> list[dict[str, Any]]:
    """Every quarantined event (of these views), in log order, for the operator."""
    condition, params = _of_views(views)
    with recorder.reading() as cursor:
        cursor.execute(f"{SELECT} WHERE {condition} ORDER BY notification_id, view_name "
                       "LIMIT ?", [*params, limit])
        return [_entry(r) for r in cursor.fetchall()]


def counts(recorder: ViewRecorder) -> dict[str, int]:
    """How many events each view has quarantined (the table's primary key index)."""
    with recorder.reading() as cursor:
        cursor.execute(f"SELECT view_name, COUNT(*) FROM {TABLE} GROUP BY view_name")
        return {name: int(count) for name, count in cursor.fetchall()}


def incomplete(quarantined: list[dict[str, Any]],
               unreadable: list[dict[str, str]] | None = None) -> dict[str, Any] | None:
    """What a read says when it is incomplete (None when it is not)."""
    if not quarantined and not unreadable:
        return None
    found: dict[str, Any] = {"quarantined_events": [
        {key: entry[key] for key in ("view", "notification_id", "event_id", "kind", "error")}
        for entry in quarantined]}
    if unreadable:
        found["unreadable"] = unreadable
    return found


T = TypeVar("T")


@dataclass
class Reading:
    """One read of an account: what its views quarantined, and what the read itself could
    not compute from the stored documents (a value no date arithmetic can hold, a cadence
    of zero…). A part that fails is shown empty, named here, and logged; the read answers."""

    quarantined: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[dict[str, str]] = field(default_factory=list)

    def guard(self, part: str, compute: Callable[[], T], fallback: Callable[[], T]) -> T:
        try:
            return compute()
        except Exception as exc:  # whatever a stored document makes read-time code raise
            error = describe(exc)
            self.unreadable.append({"part": part, "error": error})
            log.error("read_degraded", extra={"part": part, "error": error})
            return fallback()

    def skipped(self, document: dict[str, Any] | None) -> None:
        """Events an as-of replay stepped over (see projections.asof)."""
        for step in (document or {}).get("skipped", []):
            self.unreadable.append({"part": "as_of", "event_id": step["event_id"],
                                    "error": step["error"]})

    @property
    def incomplete(self) -> dict[str, Any] | None:
        return incomplete(self.quarantined, self.unreadable)


def stand_in_opening(account: Account) -> Account.Opened:
    """The account's opening as the aggregate holds it, for a view that quarantined the
    real one: the read shows the account's name and owner, and says it is incomplete."""
    return Account.Opened(  # type: ignore[call-arg]
        originator_id=account.id, originator_version=account.version,
        originator_topic=get_topic(Account),
        timestamp=account.created_on, event_id=UUID(int=0), recorded_by="",
        occurred_at=account.created_on, source=None, name=account.name,
        owner_rep_id=account.owner_rep_id,
        visit_cadence_days=account.visit_cadence_days)
