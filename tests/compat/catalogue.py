"""What Tsunagi stores: every event class of every aggregate, and the Account snapshot's state.

The compatibility fixtures must hold each of these at least once, and the event manifest
(tests/compat/event_manifest.json) lists each with its class_version and fields.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import get_topic

from domain.account import STATE_CLASSES, Account
from domain.idempotency import IdempotentRequest
from domain.users import User
from domain.values import Actor, Role

AGGREGATES: tuple[type[Aggregate], ...] = (Account, User, IdempotentRequest)
# eventsourcing gives every aggregate these two bases; they are never stored themselves.
LIBRARY_BASES = frozenset({"Event", "Created"})


def stored_event_classes() -> dict[str, type[DomainEvent]]:
    """Every event class an aggregate triggers, by topic."""
    return {get_topic(cls): cls
            for aggregate in AGGREGATES
            for name, cls in vars(aggregate).items()
            if isinstance(cls, type) and issubclass(cls, DomainEvent)
            and name not in LIBRARY_BASES}


def event_fields(cls: type[DomainEvent]) -> dict[str, str]:
    """The event's stored fields and their annotations, as declared."""
    return {field.name: str(field.type) for field in dataclasses.fields(cls)}  # type: ignore[arg-type]


def account_snapshot_state() -> dict[str, str]:
    """What an Account snapshot stores: the aggregate's attributes (their values' types
    name only the container; the frozen item states are listed on their own)."""
    account = Account.open(Actor("tanaka", Role.MANAGER), datetime(2026, 1, 5, tzinfo=UTC),
                           name="株式会社山田製作所", owner_rep_id="sato", visit_cadence_days=14)
    snapshot = Account.Snapshot.take(account)
    return {name: "optional" if value is None else type(value).__name__
            for name, value in sorted(snapshot.state.items())}


def manifest() -> dict[str, Any]:
    """Today's manifest: each stored topic's class_version and fields."""
    entries: dict[str, Any] = {
        topic: {"class_version": getattr(cls, "class_version", 1), "fields": event_fields(cls)}
        for topic, cls in sorted(stored_event_classes().items())
    }
    entries[f"{get_topic(Account)} (snapshot state)"] = {
        "class_version": getattr(Account, "class_version", 1),
        "fields": account_snapshot_state(),
    }
    for state_class in STATE_CLASSES:  # the items inside an Account snapshot's maps
        entries[f"{get_topic(state_class)} (in Account snapshots)"] = {
            "class_version": getattr(Account, "class_version", 1),
            "fields": {field.name: str(field.type)
                       for field in dataclasses.fields(state_class)},
        }
    entries[get_topic(Account.Snapshot)] = {
        "class_version": getattr(Account.Snapshot, "class_version", 1),
        "fields": event_fields(Account.Snapshot),
    }
    return entries


MANIFEST = "tests/compat/event_manifest.json"

if __name__ == "__main__":  # after bumping a class_version: python -m tests.compat.catalogue
    import json
    from pathlib import Path

    Path(MANIFEST).write_text(json.dumps(manifest(), ensure_ascii=False, indent=1) + "\n",
                              encoding="utf-8")
    print(f"wrote {MANIFEST}")
