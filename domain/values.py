"""Value objects and the checks every command applies to what it is given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TypeVar

from domain.errors import InvalidValue, OccursInFuture, OutOfOrder

SHORT_TEXT = 200
LONG_TEXT = 4000
MAX_ATTENDEES = 50
MAX_CADENCE_DAYS = 365
MAX_ANNUAL_VALUE_JPY = 10**13
MAX_MINUTES_LATE = 24 * 60
CLOCK_SKEW = timedelta(minutes=5)

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
    return value


def choice(enum: type[E], value: str, field: str) -> E:
    try:
        return enum(value)
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        raise InvalidValue(f"{field} must be one of: {allowed}", field=field) from None


def aware(value: datetime, field: str) -> datetime:
    if not isinstance(value, datetime):
        raise InvalidValue(f"{field} must be a date-time", field=field)
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidValue(f"{field} needs a UTC offset, e.g. +09:00", field=field)
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


def a_date(value: date, field: str) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise InvalidValue(f"{field} must be a date (YYYY-MM-DD)", field=field)
    return value


def bounded_int(value: int, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(f"{field} must be a whole number", field=field)
    if not low <= value <= high:
        raise InvalidValue(f"{field} must be between {low} and {high}", field=field)
    return value


def text_list(values: list[str], field: str, max_items: int = MAX_ATTENDEES) -> list[str]:
    if not isinstance(values, list | tuple):
        raise InvalidValue(f"{field} must be a list", field=field)
    if len(values) > max_items:
        raise InvalidValue(f"{field} has more than {max_items} entries", field=field)
    return [required_text(v, f"{field}[{i}]") for i, v in enumerate(values)]
