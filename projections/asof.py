"""An account as it stood at an instant.

By recorded time (the default): the account exactly as Tsunagi held it then, i.e. the
events recorded up to that instant, as an auditor replaying the log would see it. Starts
from the nearest checkpoint, so it costs the same for the 10th and the 10,000th event.

By occurred time: the account as we now know it stood then, i.e. every event whose
occurred_at is not after the instant (a visit logged a day late counts from the day it
happened), with the corrections that were recorded about those events. Computed by replay.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from domain.application import Tsunagi
from projections.base import Document
from projections.checkpoints import CheckpointView
from projections.checkpoints import evolve as evolve_both
from projections.records import utc_key

Basis = Literal["recorded", "occurred"]


def as_of(app: Tsunagi, checkpoints: CheckpointView | None, account_id: UUID, at: datetime,
          basis: Basis = "recorded") -> Document | None:
    """{"relationship": …, "dossier": …} as of ``at``; None if the account did not exist."""
    if basis == "occurred":
        return fold(_occurred_by(app.events.get(account_id), at))
    version, document, following = 0, None, None
    if checkpoints is not None:
        version, document, following = checkpoints.around(str(account_id), utc_key(at))
    # A following checkpoint was recorded after ``at`` (else it would be the start), so the
    # answer lies among the events before it: never more than a checkpoint's worth to fold.
    for event in app.events.get(account_id, gt=version, lte=following):
        if event.timestamp > at:  # type: ignore[attr-defined]
            break
        document = evolve_both(document, event)
    return document


def fold(events: Iterable[Any]) -> Document | None:
    document: Document | None = None
    for event in events:
        document = evolve_both(document, event)
    return document


def _occurred_by(events: Iterable[Any], at: datetime) -> Iterable[Any]:
    kept: set[Any] = set()
    for event in events:
        if type(event).__name__ == "RecordCorrected":
            if event.corrected_event_id in kept:
                yield event
        elif event.occurred_at <= at:
            kept.add(event.event_id)
            yield event
