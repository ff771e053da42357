"""Value objects and the checks every command applies to what it is given."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum
from typing import TypeVar
from zoneinfo import ZoneInfo

from domain.errors import (
    ForbiddenCharacter,
    InvalidValue,
    NotAUserId,
    OccursInFuture,
    OutOfOrder,
    OutOfRange,
)

SHORT_TEXT = 200
LONG_TEXT = 4000
MAX_ATTENDEES = 50
MAX_CADENCE_DAYS = 365
MAX_ANNUAL_VALUE_JPY = 10**13
MAX_MINUTES_LATE = 24 * 60
CLOCK_SKEW = timedelta(minutes=5)
# Where the teams work: a day (a due date, the day a relationship began) is a day in Japan.
BUSINESS_TZ = ZoneInfo("Asia/Tokyo")
# Every date and time the domain accepts lies on these days (inclusive), so that any
# arithmetic a view does on it (a cadence, an offset to UTC, a week ahead) stays within
# what Python and the stores can represent.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2200, 12, 31)
# The same bounds as a pattern for the year, for a schema that can say it no other way.
YEARS_WITHIN_BOUNDS = r"(19\d\d|2[01]\d\d|2200)"
# A user id (and so owner_rep_id, to_rep_id): 1-64 (see MAX_USER_ID) of a-z, 0-9, '_',
# '.', '-', not only dots, which no URL path segment can name. The whole text: fullmatch.
USER_ID = re.compile(r"[a-z0-9_.-]*[a-z0-9_-][a-z0-9_.-]*")
MAX_USER_ID = 64
# C0 control characters but tab and newline, a carriage return not followed by a newline
# (CRLF, as browsers send a textarea, is kept as sent), and lone UTF-16 surrogates (no
# UTF-8 store can hold them).
FORBIDDEN_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]|\r(?!\n)")

E = TypeVar("E", bound=StrEnum)


class Role(StrEnum):
    REP = "rep"
    MANAGER = "manager"
    AUDITOR = "auditor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Actor:
    """Who is recording: a user id and the role they act in."""

    user_id: str
    role: Role

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER


class PromiseOutcome(StrEnum):
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class RequestKind(StrEnum):
    RUSH_DELIVERY = "rush_delivery"  # 短納期
    DISCOUNT = "discount"  # 値下げ
    SPECIAL_HANDLING = "special_handling"  # 特別対応
    OTHER = "other"


class RequestAnswer(StrEnum):
    ACCEPTED = "accepted"
    PARTLY = "partly"
    DECLINED = "declined"


class ProposalKind(StrEnum):
    INFORMATION = "information"  # 情報提供
    PROPOSAL = "proposal"  # 提案


class Reaction(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class Stance(StrEnum):
    SUPPORTIVE = "supportive"
    NEUTRAL = "neutral"
    CRITICAL = "critical"


class NoteKind(StrEnum):
    FACT = "fact"
    OPINION = "opinion"


class NoteTopic(StrEnum):
    GENERAL = "general"
    PREFERENCE = "preference"  # usual days, channel, habits
    CAUTION = "caution"  # 注意点
    TABOO = "taboo"  # 禁句・地雷


class Channel(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    ONLINE = "online"
    EMAIL = "email"


def required_text(value: str, field: str, max_length: int = SHORT_TEXT) -> str:
    """Refuse empty, blank or over-long text; keep the text exactly as given."""
    if not isinstance(value, str):
        raise InvalidValue(f"{field} must be text", field=field)
    if not value.strip():
        raise InvalidValue(f"{field} must not be empty", field=field)
    return optional_text(value, field, max_length)


def optional_text(value: str, field: str, max_length: int = LONG_TEXT) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{field} must be text", field=field)
    if len(value) > max_length:
        raise InvalidValue(f"{field} is longer than {max_length} characters", field=field)
    return printable(value, field)


def printable(value: str, field: str) -> str:
    """Text without control characters but tab, newline and CRLF (see FORBIDDEN_CHARACTERS)."""
    found = FORBIDDEN_CHARACTERS.search(value)
    if found is not None:
        raise ForbiddenCharacter(f"{field} holds U+{ord(found.group()[0]):04X} at {found.start()}: "
                           "no control characters but tab, newline and CRLF", field=field)
    return value


def a_user_id(value: str, field: str) -> str:
    """A user's id, as users are registered: 1-64 of a-z, 0-9, '_', '.', '-'."""
    if not isinstance(value, str) or len(value) > MAX_USER_ID or not USER_ID.fullmatch(value):
        raise NotAUserId(f"{field} is a user id: 1-64 of a-z, 0-9, '_', '.', '-'",
                           field=field)
    return value


def an_item_id(value: str, field: str) -> str:
    """The id of an item on the account (a promise, a complaint, …), as a caller names it."""
    if not isinstance(value, str):
        raise InvalidValue(f"{field} must be text", field=field)
    return printable(value, field)


def choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidValue(f"{field} must be one of: {allowed}", field=field) from None


def aware(value: datetime, field: str) -> datetime:
    """A date-time with a UTC offset, on a day between 1900-01-01 and 2200-12-31 as written
    (its local day: checked before anything converts it, which could overflow)."""
    if not isinstance(value, datetime):
        raise InvalidValue(f"{field} must be a date-time", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{field} needs a UTC offset, e.g. +09:00", field=field)
    within_bounds(value.date(), field)
    return value


def happened(value: datetime, field: str, now: datetime) -> datetime:
    """Something that already happened: aware and not in the future (small skew allowed)."""
    aware(value, field)
    if value > now + CLOCK_SKEW:
        raise OccursInFuture(f"{field} is in the future", field=field)
    return value


def not_before(value: datetime, earlier: datetime, field: str, what: str) -> datetime:
    if value < earlier:
        raise OutOfOrder(f"{field} is before {what}", field=field)
    return value


def local_today(now: datetime) -> date:
    """Today as the teams count days: the JST date of ``now``."""
    return now.astimezone(BUSINESS_TZ).date()


def start_of_day(day: date) -> datetime:
    """The first instant of ``day`` in Japan, with its UTC offset as a store writes it
    (+09:00), so the instant reads back exactly as it was made."""
    midnight = datetime.combine(day, time(0), BUSINESS_TZ)
    return midnight.replace(tzinfo=timezone(midnight.utcoffset() or timedelta(hours=9)))


def a_date(value: date, field: str) -> date:
    """A calendar day between 1900-01-01 and 2200-12-31."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(f"{field} must be a date (YYYY-MM-DD)", field=field)
    return within_bounds(value, field)


def within_bounds(day: date, field: str) -> date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise OutOfRange(f"{field} must lie between {EARLIEST_DAY.isoformat()} and "
                           f"{LATEST_DAY.isoformat()}", field=field)
    return day


def bounded_int(value: int, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{field} must be a whole number", field=field)
    if not low <= value <= high:
        raise InvalidValue(f"{field} must be between {low} and {high}", field=field)
    return value


def a_boolean(value: bool, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{field} must be true or false", field=field)
    return value


def text_list(values: list[str], field: str, max_items: int = MAX_ATTENDEES) -> list[str]:
    if not isinstance(values, list | tuple):
        raise InvalidValue(f"{field} must be a list", field=field)
    if len(values) > max_items:
        raise InvalidValue(f"{field} has more than {max_items} entries", field=field)
    return [required_text(v, f"{field}[{i}]") for i, v in enumerate(values)]
