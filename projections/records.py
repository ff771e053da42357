"""How events read in views: kinds, JSON-safe data, dates in the business time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson

from domain.account import Account
from domain.values import BUSINESS_TZ as BUSINESS_TZ  # the views' and pages' too

ENVELOPE = ("originator_id", "originator_version", "timestamp", "event_id", "recorded_by",
            "occurred_at", "source")


def kind_name(event_class: type) -> str:
    """VisitRecorded → visit_recorded; the account's first event is account_opened."""
    if event_class.__name__ == "Opened":
        return "account_opened"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event_class.__name__).lower()


def kind_of(event: Any) -> str:
    return kind_name(type(event))


EVENT_CLASSES: tuple[type[Account.Event], ...] = tuple(
    cls for cls in vars(Account).values()
    if isinstance(cls, type) and issubclass(cls, Account.Event)
    and cls not in (Account.Event, Account.Created)
)  # every stored kind of account event: each view handles or ignores each of them
KINDS = sorted(kind_name(cls) for cls in EVENT_CLASSES)


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    return value


def event_data(event: Any) -> dict[str, Any]:
    """The event's own fields, without the envelope every event shares."""
    return {k: json_safe(v) for k, v in vars(event).items() if k not in ENVELOPE}


def to_json(value: Any) -> str:
    """A view's document or row as stored: compact JSON, keys sorted, text as it is
    (orjson: several times faster than the standard library on the documents views keep)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


def from_json(text: str | bytes) -> Any:
    return orjson.loads(text)


def event_id(event: Any) -> str:
    return str(event.event_id)


@lru_cache(maxsize=4_096)
def _account_text(account_id: UUID) -> str:
    return str(account_id)


def account_key(event: Any) -> str:
    """The account's id as text, remembered: a batch names the same few accounts again
    and again (event ids are each new, so they are not remembered)."""
    return _account_text(event.originator_id)


def iso(value: datetime) -> str:
    return value.isoformat()


def utc_key(value: datetime) -> str:
    """A fixed-width UTC text that sorts as time does, for range queries."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def local_date(value: datetime) -> date:
    """The calendar day in Japan on which something happened."""
    return value.astimezone(BUSINESS_TZ).date()


def parse_dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


def parse_date(text: str) -> date:
    return date.fromisoformat(text)


def add_days(day: str, days: int) -> str:
    return (parse_date(day) + timedelta(days=days)).isoformat()


def same_person(name: str, attendee: str) -> bool:
    """A stakeholder's name and an attendee as a rep wrote them (「山田 一郎 部長」), spaces
    (half- and full-width) ignored, one within the other."""
    name, attendee = name.replace(" ", "").replace("　", ""), attendee.replace(" ", "").replace(
        "　", "")
    return bool(name) and (name in attendee or attendee in name)


def attended(name: str, attendees: list[str]) -> bool:
    """Whether a stakeholder of that name is among a visit's attendees."""
    return any(same_person(name, attendee) for attendee in attendees)
