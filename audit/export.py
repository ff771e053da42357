"""The timeline for auditors, streamed as JSON lines or CSV, in batches: memory stays flat.

Each line names the stored event exactly (account id and version, notification id), when it
happened and when it was recorded, who recorded it, its data, and its two hashes. A row that
no longer reads as an event (truncated state, a topic that names no event class…) is still
exported as it is stored, with ``unreadable`` saying why (empty on every readable row).

JSON lines also carry ``source`` (where an imported event came from) and ``state``: the stored
state exactly as the store holds it (the transcoder's JSON, type tags and all), so that
``tsunagi import --format tsunagi-jsonl`` can put the very same event back into another store
(api/imports/tsunagi_jsonl.py). Both were appended to the line: readers of the earlier fields
keep working, and the CSV keeps its columns.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from typing import Any, Literal
from uuid import UUID

from eventsourcing.persistence import Mapper, MapperDeserialisationError, StoredEvent
from eventsourcing.utils import TopicError

from audit.chain import ChainedRecorder, ChainedRow, rows_of
from projections.records import event_data, json_safe, kind_name

Format = Literal["jsonl", "csv"]
COLUMNS = ("notification_id", "account_id", "version", "event_id", "kind", "topic",
           "occurred_at", "recorded_at", "recorded_by", "data", "chain_hash", "log_hash",
           "unreadable")  # appended last: readers of the earlier columns keep working
BOM = "\ufeff"


def timeline(recorder: ChainedRecorder, mapper: Mapper[Any], *,
             account_id: UUID | None = None) -> Iterator[dict[str, Any]]:
    for row in rows_of(recorder, originator_id=account_id):
        yield describe(row, mapper)


def describe(row: ChainedRow, mapper: Mapper[Any]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "notification_id": row.notification_id, "account_id": str(row.originator_id),
        "version": row.originator_version, "topic": row.topic,
        "chain_hash": row.chain_hash.hex() if row.chain_hash else None,
        "log_hash": row.log_hash.hex() if row.log_hash else None,
        "state": stored_text(row.state),
    }
    try:
        event = mapper.to_domain_event(StoredEvent(row.originator_id, row.originator_version,
                                                   row.topic, row.state))
        return {**line, **shown(event), "unreadable": None}
    except Exception as exc:  # a tampered row must still be exported, as it is
        return {**line, "event_id": None, "kind": None, "occurred_at": None,
                "recorded_at": None, "recorded_by": None, "data": None,
                "unreadable": why_unreadable(exc)}


def shown(event: Any) -> dict[str, Any]:
    """What a line says of a readable event besides where it is stored."""
    return {
        "event_id": str(getattr(event, "event_id", "") or "") or None,
        "kind": _kind(event),
        "occurred_at": _iso(getattr(event, "occurred_at", None)),
        "recorded_at": _iso(getattr(event, "timestamp", None)),
        "recorded_by": getattr(event, "recorded_by", None),
        "data": event_data(event),
        "source": json_safe(getattr(event, "source", None)),
    }


def stored_text(state: bytes) -> str | None:
    """The stored state as text (the transcoder writes UTF-8 JSON); None for bytes that are
    not UTF-8 (a damaged row, exported for what its other columns say)."""
    try:
        return bytes(state).decode("utf-8")
    except UnicodeDecodeError:
        return None


def why_unreadable(exc: Exception) -> str:
    """Why a stored row does not read as an event, in one line."""
    if isinstance(exc, TopicError):
        why = f"topic names no event class ({exc})"
    elif isinstance(exc, MapperDeserialisationError) and exc.__cause__ is not None:
        why = f"state does not decode ({type(exc.__cause__).__name__}: {exc.__cause__})"
    else:
        why = f"state does not read as its event ({type(exc).__name__}: {exc})"
    return why[:500]


def _kind(event: Any) -> str:
    """account events as in history (visit_recorded); others by aggregate (user_registered)."""
    owner, _, name = type(event).__qualname__.rpartition(".")
    if owner == "Account":
        return kind_name(type(event))
    return re.sub(r"(?<!^)(?=[A-Z])", "_", f"{owner}{name}").lower()


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def stream(lines: Iterator[dict[str, Any]], format: Format, *, bom: bool = False,
           lines_per_chunk: int = 200) -> Iterator[str]:
    """Text chunks of the export; CSV puts the data as JSON in one column."""
    if bom:
        yield BOM
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, extrasaction="ignore",
                            lineterminator="\r\n")
    if format == "csv":
        writer.writeheader()
    for count, line in enumerate(lines, start=1):
        if format == "csv":
            writer.writerow({**line, "data": json.dumps(line["data"], ensure_ascii=False,
                                                        sort_keys=True)})
        else:
            buffer.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
        if count % lines_per_chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.getvalue():
        yield buffer.getvalue()
