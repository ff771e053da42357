"""What every format's parser gives the import: one entry per source row, in the domain's
terms, or the row's errors (column and message in Japanese)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class ImportRefused(ValueError):
    """The file as a whole cannot be imported (unknown format, unreadable, no header, a
    mapping missing or bad); nothing was appended. The message is in Japanese; ``part``
    names the mapping (``users``, ``accounts``) when one is at fault."""

    def __init__(self, msg: str, part: str | None = None) -> None:
        super().__init__(msg)
        self.part = part


class NotThisFormat(ValueError):
    """The file as a whole does not read as this format (message in Japanese)."""


class Kind(StrEnum):
    """種別: what a row records."""

    VISIT = "訪問"
    PROMISE = "約束"
    PROMISE_OUTCOME = "約束結果"
    COMPLAINT = "クレーム"
    REQUEST = "要望"
    NOTE = "メモ"
    OWNER_CHANGE = "担当変更"


@dataclass(frozen=True)
class RowError:
    column: str | None  # None: the row as a whole
    msg: str

    def public(self) -> dict[str, str | None]:
        return {"column": self.column, "msg": self.msg}


@dataclass(frozen=True)
class Entry:
    """One source row as the import applies it. ``promise_ref``: the 元ID of the promise a
    promise outcome closes."""

    row: int
    external_id: str
    fingerprint: str  # of the row's content: the same row read again has the same one
    account_code: str
    account_name: str
    when: datetime
    kind: Kind
    rep_id: str
    subject: str = ""
    body: str = ""
    attendees: tuple[str, ...] = ()
    next_action: str = ""
    due: date | None = None
    outcome: str = ""
    promise_ref: str = ""
    channel: str = ""  # a visit's channel (domain.values.Channel); "" is in person
    # The source's column for each tsunagi-csv column an error may name (日時 → 日付 …)
    columns: tuple[tuple[str, str], ...] = ()

    def column(self, name: str | None) -> str | None:
        """The column of this row's source that ``name`` (a tsunagi-csv column) came from."""
        return dict(self.columns).get(name, name) if name else name

    @property
    def identity(self) -> str:
        """The row's key among every import of its format: its 元ID, or its content."""
        return f"id:{self.external_id}" if self.external_id else f"content:{self.fingerprint}"


@dataclass(frozen=True)
class BadRow:
    row: int
    errors: tuple[RowError, ...] = field(default_factory=tuple)

    def public(self) -> dict[str, object]:
        return {"row": self.row, "errors": [e.public() for e in self.errors]}


Parsed = Entry | BadRow


def fingerprint(values: dict[str, str]) -> str:
    """SHA-256 of a row's values by column (order of columns and unknown columns aside)."""
    canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
