"""Recompute the chains and say whether anything stored was altered, and where first.

Checks, for every stored event:
- its account's chain: versions run 1, 2, 3… with no gap, and the stored ``chain_hash``
  equals SHA-256(previous stored chain hash of the account, the event's content);
- the store-wide log (whole-store verification): the stored ``log_hash`` equals
  SHA-256(previous row's stored log hash, this row's stored chain hash).
An edited byte (state, topic, version, timestamp), a deleted event or two swapped events
breaks one of those links at the first altered event or right after it. An attacker who
recomputes every link leaves a self-consistent store: only a digest published earlier
(``tsunagi digest``) shows that; ``expected_digest`` compares with one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from audit.chain import (
    GENESIS,
    ChainedRecorder,
    ChainedRow,
    chain_link,
    event_hash,
    log_link,
    rows_of,
)


@dataclass(frozen=True)
class Digest:
    """The head of the store-wide log: publish it, compare with it later."""

    notification_id: int
    log_hash: str

    def __str__(self) -> str:
        return f"{self.log_hash}@{self.notification_id}"

    @classmethod
    def parse(cls, text: str) -> Digest:
        log_hash, at, position = text.strip().partition("@")
        if not at or not position.isdigit() or len(log_hash) != 64:
            raise ValueError("a digest looks like <64 hex digits>@<notification id>")
        bytes.fromhex(log_hash)
        return cls(int(position), log_hash.lower())


@dataclass
class Verification:
    ok: bool = True
    events_checked: int = 0
    first_bad_event_id: str | None = None
    first_bad: dict[str, Any] | None = None
    digest: Digest | None = None
    digest_matches: bool | None = None
    notes: list[str] = field(default_factory=list)

    def fail(self, row: ChainedRow, reason: str) -> None:
        if self.ok:
            self.ok = False
            self.first_bad_event_id = _event_id(row)
            self.first_bad = {"account_id": str(row.originator_id),
                              "version": row.originator_version,
                              "notification_id": row.notification_id, "reason": reason}

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events_checked": self.events_checked,
                "first_bad_event_id": self.first_bad_event_id, "first_bad": self.first_bad,
                "digest": str(self.digest) if self.digest else None,
                "digest_matches": self.digest_matches}


def _event_id(row: ChainedRow) -> str:
    """The event's own id if its state still reads, else where it sits."""
    try:
        value = json.loads(row.state).get("event_id")
        if isinstance(value, dict):  # eventsourcing writes UUIDs as {"_type_", "_data_"}
            value = str(UUID(value["_data_"]))
        if value:
            return str(value)
    except (ValueError, TypeError, KeyError, AttributeError):
        pass
    return f"{row.originator_id}/{row.originator_version}"


def verify(recorder: ChainedRecorder, *, account_id: UUID | None = None,
           expected_digest: Digest | None = None) -> Verification:
    """Check one account's chain, or the whole store's (and its log)."""
    result = Verification()
    heads: dict[str, tuple[int, bytes]] = {}
    recomputed_heads: dict[str, bytes] = {}
    stored_log = recomputed_log = GENESIS
    for row in rows_of(recorder, originator_id=account_id):
        result.events_checked += 1
        key = str(row.originator_id)
        version, previous = heads.get(key, (0, GENESIS))
        content = event_hash(row.originator_id, row.originator_version, row.topic, row.state)
        if row.chain_hash is None or row.log_hash is None:
            result.fail(row, "the event carries no hash")
        elif row.originator_version != version + 1:
            result.fail(row, f"version {row.originator_version} follows {version}: "
                             "an event is missing or out of order")
        elif chain_link(previous, content) != row.chain_hash:
            result.fail(row, "content or account link altered")
        elif account_id is None and log_link(stored_log, row.chain_hash) != row.log_hash:
            result.fail(row, "store-wide log link altered")
        heads[key] = (row.originator_version, row.chain_hash or GENESIS)
        stored_log = row.log_hash or GENESIS
        recomputed = chain_link(recomputed_heads.get(key, GENESIS), content)
        recomputed_heads[key] = recomputed
        recomputed_log = log_link(recomputed_log, recomputed)
        if expected_digest and row.notification_id == expected_digest.notification_id:
            result.digest_matches = recomputed_log.hex() == expected_digest.log_hash
    if expected_digest is not None:
        if account_id is not None:
            result.notes.append("a digest covers the whole store; verify without account_id")
        elif result.digest_matches is None:
            result.digest_matches = False
            result.notes.append(f"notification {expected_digest.notification_id} is gone")
        if result.digest_matches is False:
            result.ok = False
    return result


def digest(recorder: ChainedRecorder) -> Digest | None:
    head = recorder.head()
    return None if head is None else Digest(head[0], head[1].hex())
