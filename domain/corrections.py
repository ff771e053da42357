"""Corrections (訂正) of earlier records: which fields of which stored events may be
corrected, and how each corrected value is checked.

A correction is a new ``Account.RecordCorrected`` event (see ``Account.correct``) that points
at the wrong one; the original stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.values import (
    LONG_TEXT,
    MAX_ANNUAL_VALUE_JPY,
    MAX_MINUTES_LATE,
    a_boolean,
    a_date,
    bounded_int,
    happened,
    optional_text,
    required_text,
    text_list,
)


@dataclass(frozen=True)
class CorrectionTarget:
    """The stored event a correction points at, as the application found it."""

    event_id: UUID
    version: int
    kind: str
    values: dict[str, Any] = field(default_factory=dict)  # the corrected event's fields


def _short(value: Any, field: str, now: datetime) -> str:
    return required_text(value, field)


def _long(value: Any, field: str, now: datetime) -> str:
    return optional_text(value, field, LONG_TEXT)


def _past(value: Any, field: str, now: datetime) -> datetime:
    return happened(value, field, now)


def _day(value: Any, field: str, now: datetime) -> date:
    return a_date(value, field)


def _people(value: Any, field: str, now: datetime) -> list[str]:
    return text_list(value, field)


def _flag(value: Any, field: str, now: datetime) -> bool:
    return a_boolean(value, field)


def _minutes(value: Any, field: str, now: datetime) -> int:
    return bounded_int(value, field, 0, MAX_MINUTES_LATE)


def _jpy(value: Any, field: str, now: datetime) -> int:
    return bounded_int(value, field, 0, MAX_ANNUAL_VALUE_JPY)


CORRECTABLE: dict[str, dict[str, Any]] = {
    "VisitRecorded": {
        "occurred_at": _past, "purpose": _short, "summary": _long, "attendees": _people,
        "small_talk": _flag, "minutes_late": _minutes, "next_action": _long,
    },
    "PromiseMade": {"description": _long, "due_date": _day, "made_to": _short},
    "ComplaintReceived": {"subject": _short, "detail": _long},
    "ComplaintResolved": {"resolution": _long, "concession": _long},
    "CustomerRequestReceived": {"detail": _long},
    "CustomerRequestAnswered": {"concession": _long, "note": _long},
    "ProposalGiven": {"title": _short, "detail": _long},
    "ContractRenewed": {"contract_end": _day, "terms": _long, "annual_value_jpy": _jpy},
    "StakeholderAdded": {"name": _short, "title": _long, "note": _long},
    "NoteAdded": {"text": _long},
}
