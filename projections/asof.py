"""An account as it stood at an instant.

By recorded time (the default): the account exactly as Tsunagi held it then, i.e. the
events recorded up to that instant, as an auditor replaying the log would see it. Starts
from the nearest checkpoint the relationship and dossier views keep (every
CHECKPOINT_EVERY versions), so it costs the same for the 10th and the 10,000th event.

By occurred time: the account as we now know it stood then, i.e. every event whose
occurred_at is not after the instant (a visit logged a day late counts from the day it
happened), with the corrections that were recorded about those events. Computed by replay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from domain.account import Account
from domain.application import Tsunagi
from projections import dossier, relationship
from projections.base import AccountDocumentView, Document, View
from projections.quarantine import describe
from projections.records import utc_key

Basis = Literal["recorded", "occurred"]
VIEWS = ("relationship", "dossier")  # the views "as of" reads checkpoints from


def evolve(doc: Document | None, event: Any) -> Document | None:
    """Both documents of an account, one event further."""
    current = doc or {"relationship": None, "dossier": None}
    current["relationship"] = relationship.evolve(current["relationship"], event)
    current["dossier"] = dossier.evolve(current["dossier"], event)
    return current if current["relationship"] is not None else None


SKIPPED_AT_MOST = 50  # events a replay steps over before it gives up on the account


class _CannotFold(Exception):
    def __init__(self, event: Any, exc: Exception) -> None:
        super().__init__(describe(exc))
        self.event_id = str(getattr(event, "event_id", ""))
        self.error = describe(exc)


def as_of(app: Tsunagi, views: Mapping[str, View] | None, account_id: UUID, at: datetime,
          basis: Basis = "recorded") -> Document | None:
    """{"relationship": …, "dossier": …} as of ``at``; None if the account did not exist.
    Without views, a replay of the account's events from the start.

    An event the folds cannot apply is stepped over (the replay starts again without it,
    so no document half-changed by it is kept) and named under "skipped"."""
    skipped: dict[str, str] = {}
    while True:
        try:
            document = _as_of(app, views, account_id, at, basis, skipped)
        except _CannotFold as failed:
            if len(skipped) >= SKIPPED_AT_MOST or failed.event_id in skipped:
                raise
            skipped[failed.event_id] = failed.error
            continue
        if document is not None and skipped:
            document["skipped"] = [{"event_id": event_id, "error": error}
                                   for event_id, error in skipped.items()]
        return document


def _as_of(app: Tsunagi, views: Mapping[str, View] | None, account_id: UUID, at: datetime,
           basis: Basis, skipped: Mapping[str, str]) -> Document | None:
    if basis == "occurred":
        return fold(_occurred_by(app.readable_events(account_id), at), skipped)
    version, document, following = 0, None, None
    if views is not None:
        version, document, following = _checkpoint(views, str(account_id), utc_key(at))
    # A following checkpoint was recorded after ``at`` (else it would be the start), so the
    # answer lies among the events before it: never more than a checkpoint's worth to fold.
    for event in app.readable_events(account_id, gt=version, lte=following):
        if event.timestamp > at:
            break
        document = _step(document, event, skipped)
    return document


def _step(document: Document | None, event: Any, skipped: Mapping[str, str]) -> Document | None:
    if skipped and str(event.event_id) in skipped:
        return document
    try:
        return evolve(document, event)
    except Exception as exc:  # whatever a stored value makes a fold raise
        raise _CannotFold(event, exc) from exc


def _checkpoint(views: Mapping[str, View], account_id: str,
                recorded_utc: str) -> tuple[int, Document | None, int | None]:
    """Where to start folding: the last version at which both views kept a checkpoint
    recorded by that instant (0 if none), both documents then, and the next checkpoint."""
    relationships: AccountDocumentView = views["relationship"]  # type: ignore[assignment]
    dossiers: AccountDocumentView = views["dossier"]  # type: ignore[assignment]
    version, relationship_doc, following = relationships.checkpoint(account_id, recorded_utc)
    dossier_doc = dossiers.checkpoint_at(account_id, version) if version else None
    if dossier_doc is None:  # none yet, or the dossier view is behind: fold from the start
        return 0, None, following if version == 0 else None
    return version, {"relationship": relationship_doc, "dossier": dossier_doc}, following


def fold(events: Iterable[Any], skipped: Mapping[str, str] | None = None) -> Document | None:
    document: Document | None = None
    for event in events:
        document = _step(document, event, skipped or {})
    return document


def _occurred_by(events: Iterable[Any], at: datetime) -> Iterable[Any]:
    kept: set[Any] = set()
    for event in events:
        if isinstance(event, Account.RecordCorrected):
            if event.corrected_event_id in kept:
                yield event
        elif event.occurred_at <= at:
            kept.add(event.event_id)
            yield event
