"""Recompute the chains and say whether anything stored was altered, lost or unreadable,
and where.

Checks, for every stored event:
- its account's chain: versions run 1, 2, 3… with no gap, and the stored ``chain_hash``
  equals SHA-256(previous stored chain hash of the account, the event's content);
- the store-wide log (whole-store verification): the stored ``log_hash`` equals
  SHA-256(previous row's stored log hash, this row's stored chain hash);
- that it still reads as an event (given the application's mapper): a truncated state or a
  topic that names no event class is named with the reason, as the export names it.
An edited byte (state, topic, version, timestamp), a deleted event or two swapped events
breaks one of those links at the first altered event or right after it.

One account's verification also looks at the store-wide log around its rows: the log hash
of each of its rows, and every link after its last row. Deleting the account's last event
breaks no link of the account's own chain, only the log's link of the row stored next
(often another account's): when rows are missing from the log after the account's last
event and no other account's version gap explains them, the missing event may be this
account's next one, and the account does not verify. A hole the account cannot have made (a
row missing before one of its rows while its versions run on) is only noted.

An attacker who recomputes every link leaves a self-consistent store, and deleting the very
last rows of the store leaves no link broken: only a digest published earlier
(``tsunagi digest``) shows those; ``expected_digest`` compares with one.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper

from audit.chain import (
    GENESIS,
    ChainedRecorder,
    ChainedRow,
    LogLink,
    VersionGap,
    chain_link,
    event_hash,
    links_after,
    log_link,
    rows_of,
)
from audit.export import describe

LISTED = 100  # problems listed in full; the rest are counted


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
    problems: list[dict[str, Any]] = field(default_factory=list)
    problem_count: int = 0
    digest: Digest | None = None
    digest_matches: bool | None = None
    notes: list[str] = field(default_factory=list)

    def fail(self, row: ChainedRow, reason: str, unreadable: str | None = None) -> None:
        self._problem({"event_id": _event_id(row), "account_id": str(row.originator_id),
                       "version": row.originator_version,
                       "notification_id": row.notification_id, "reason": reason,
                       "unreadable": unreadable, "missing_notification_ids": None})

    def missing(self, account_id: UUID | str, version: int, reason: str,
                hole: tuple[int, int]) -> None:
        """An event that is not stored: where it would be, and the hole in the log."""
        self._problem({"event_id": f"{account_id}/{version}", "account_id": str(account_id),
                       "version": version, "notification_id": None, "reason": reason,
                       "unreadable": None, "missing_notification_ids": list(hole)})

    def _problem(self, problem: dict[str, Any]) -> None:
        self.problem_count += 1
        if len(self.problems) < LISTED:
            self.problems.append(problem)
        if self.ok:
            self.ok = False
            self.first_bad_event_id = problem["event_id"]
            self.first_bad = {key: problem[key] for key in
                              ("account_id", "version", "notification_id", "reason",
                               "unreadable", "missing_notification_ids")}

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "events_checked": self.events_checked,
                "first_bad_event_id": self.first_bad_event_id, "first_bad": self.first_bad,
                "problems": self.problems, "problem_count": self.problem_count,
                "digest": str(self.digest) if self.digest else None,
                "digest_matches": self.digest_matches, "notes": self.notes}


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


def _hole(previous: LogLink | None, following: int) -> tuple[int, int] | None:
    """The notification ids missing between two neighbouring rows, if any."""
    first = (previous.notification_id if previous else 0) + 1
    return (first, following - 1) if following > first else None


def _ids(hole: tuple[int, int]) -> str:
    """The missing notification ids, as the subject of a sentence."""
    first, last = hole
    return f"notification {first} is" if first == last else f"notifications {first}–{last} are"


def verify(recorder: ChainedRecorder, *, account_id: UUID | None = None,
           expected_digest: Digest | None = None,
           mapper: Mapper[Any] | None = None) -> Verification:
    """Check one account's chain, or the whole store's (and its log); with the mapper,
    also that every row still reads as an event."""
    result = Verification()
    heads: dict[str, tuple[int, bytes]] = {}
    recomputed_heads: dict[str, bytes] = {}
    stored_log = recomputed_log = GENESIS
    previous_row: ChainedRow | None = None
    latest: ChainedRow | None = None  # the account's row stored last
    last_version = 0
    for row in rows_of(recorder, originator_id=account_id, neighbours=account_id is not None):
        result.events_checked += 1
        key = str(row.originator_id)
        version, previous = heads.get(key, (0, GENESIS))
        content = event_hash(row.originator_id, row.originator_version, row.topic, row.state)
        reasons = []
        before = (row.neighbours.previous if row.neighbours is not None else
                  _link_of(previous_row) if previous_row is not None else None)
        hole = _hole(before, row.notification_id)
        if row.chain_hash is None or row.log_hash is None:
            reasons.append("the event carries no hash")
        elif row.originator_version != version + 1:
            reasons.append(f"version {row.originator_version} follows {version}: "
                           "an event is missing or out of order"
                           + (f" ({_ids(hole)} missing before this event)" if hole else ""))
        elif chain_link(previous, content) != row.chain_hash:
            reasons.append("content or account link altered")
        elif account_id is None and log_link(stored_log, row.chain_hash) != row.log_hash:
            reasons.append("store-wide log link altered" if hole is None else
                           f"store-wide log link altered: {_ids(hole)} missing before "
                           "this event")
        elif account_id is not None and (altered := _own_log_altered(row)):
            reasons.append(altered)
        unreadable = describe(row, mapper)["unreadable"] if mapper is not None else None
        if unreadable:
            reasons.append(f"unreadable: {unreadable}")
        if reasons:
            result.fail(row, "; ".join(reasons), unreadable)
        elif account_id is not None:
            _note_hole_before(result, row)
        heads[key] = (row.originator_version, row.chain_hash or GENESIS)
        stored_log = row.log_hash or GENESIS
        recomputed = chain_link(recomputed_heads.get(key, GENESIS), content)
        recomputed_heads[key] = recomputed
        recomputed_log = log_link(recomputed_log, recomputed)
        if expected_digest and row.notification_id == expected_digest.notification_id:
            result.digest_matches = recomputed_log.hex() == expected_digest.log_hash
        previous_row = row
        if latest is None or row.notification_id > latest.notification_id:
            latest = row
        last_version = max(last_version, row.originator_version)
    if account_id is not None and latest is not None:
        _check_log_after(result, recorder, latest, last_version)
    if expected_digest is not None:
        if account_id is not None:
            result.notes.append("a digest covers the whole store; verify without account_id")
        elif result.digest_matches is None:
            result.digest_matches = False
            result.notes.append(f"notification {expected_digest.notification_id} is gone")
        if result.digest_matches is False:
            result.ok = False
    return result


def _link_of(row: ChainedRow) -> LogLink:
    return LogLink(row.notification_id, row.originator_id, row.originator_version,
                   row.chain_hash, row.log_hash)


def _links(previous: LogLink | None, row: LogLink) -> bool:
    """Whether a row's stored log hash follows from the row stored before it."""
    return row.chain_hash is not None and log_link(
        previous.log_hash or GENESIS if previous else GENESIS, row.chain_hash) == row.log_hash


def _own_log_altered(row: ChainedRow) -> str | None:
    """The row's own log hash fits neither the row before it nor the row after it."""
    around = row.neighbours
    if around is None or _links(around.previous, _link_of(row)):
        return None
    if around.next is not None and _links(_link_of(row), around.next):
        return None  # the hole is before this row: see _note_hole_before
    if around.next is None and _hole(around.previous, row.notification_id):
        return None  # the head, after a hole: as above
    return "store-wide log hash of this event altered"


def _note_hole_before(result: Verification, row: ChainedRow) -> None:
    """A row missing right before one of the account's rows, while the account's versions
    run on: another account's row — the whole-store verify says which."""
    around = row.neighbours
    if around is None or _links(around.previous, _link_of(row)):
        return
    hole = _hole(around.previous, row.notification_id)
    if hole is not None:
        result.notes.append(
            f"the store-wide log breaks right before version {row.originator_version} of "
            f"this account (notification {row.notification_id}): {_ids(hole)} missing; "
            "this account's versions run on, so the missing row held another account's event: "
            "verify the whole store")
    elif around.previous is not None and \
            str(around.previous.originator_id) != str(row.originator_id):
        result.notes.append(
            f"the log hash of notification {around.previous.notification_id}, stored right "
            f"before version {row.originator_version} of this account, does not lead to it: "
            "verify the whole store")


def _check_log_after(result: Verification, recorder: ChainedRecorder,
                     last: ChainedRow, version: int) -> None:
    """Rows missing from the log after the account's last event may include its next one."""
    previous: LogLink | None = _link_of(last)
    gaps: list[VersionGap] | None = None
    for row in links_after(recorder, last.notification_id):
        hole = _hole(previous, row.notification_id)
        if hole is not None and not _links(previous, row):
            if gaps is None:
                gaps = recorder.version_gaps(after=last.notification_id)
            if not _explained(hole, gaps):
                result.missing(
                    last.originator_id, version + 1,
                    f"the event after version {version} of this account may be missing: "
                    f"the store-wide log breaks between notifications {hole[0] - 1} and "
                    f"{row.notification_id} ({_ids(hole)} gone), after this account's last "
                    f"stored event (notification {last.notification_id}), and no other "
                    "account's missing versions account for the hole", hole)
        previous = row


def _explained(hole: tuple[int, int], gaps: Iterable[VersionGap]) -> bool:
    """Whether other accounts' missing versions, stored across the hole, fill all of it."""
    first, last = hole
    filled = sum(gap.missing_versions for gap in gaps
                 if (gap.previous_notification_id or 0) < first
                 and gap.after.notification_id > last)
    return filled >= last - first + 1


def digest(recorder: ChainedRecorder) -> Digest | None:
    head = recorder.head()
    return None if head is None else Digest(head[0], head[1].hex())
