"""An account's relationship view with its health, now or as it stood; the accounts list."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import HTTPException

from api.reads.common import reading_of, wait_for_views
from api.reads.models import AccountPublic, AccountSummaryPublic, HealthPublic
from api.reads.people import People
from api.reads.warnings import named_warnings
from api.settings import Settings
from domain.account import DETAILS, Account
from domain.application import Tsunagi
from domain.values import Actor, Role
from projections import health, quarantine, relationship
from projections.asof import VIEWS as AS_OF_VIEWS
from projections.asof import Basis, as_of
from projections.base import Document
from projections.health_warnings import Limits
from projections.quarantine import Reading
from projections.runner import Views

SUMMARY_FIELDS = tuple(AccountSummaryPublic.model_fields)


def account_public(app: Tsunagi, views: Views, settings: Settings, actor: Actor,
                   account: Account, at: datetime | None, basis: Basis) -> AccountPublic:
    """Owner, rhythm, open promises and complaints, contract and health: now, or as the
    account stood at ``at`` (auditors and managers)."""
    if at is not None:
        stood, reading = stood_as_of(app, views, settings, actor, account.id, at, basis)
        doc = stood["relationship"]
        fields = {**_summary(doc), "health": _health(reading, stood["dossier"]["health"], at,
                                                     settings, People(app)),
                  "as_of": at.isoformat(), "as_of_basis": basis}
    else:
        reading = Reading()
        doc, evidence = relationship_and_evidence(views, settings, account.id, account, reading)
        fields = {**_summary(doc), "health": _health(reading, evidence, app.clock(),
                                                     settings, People(app))}
    if reading.incomplete:
        fields["incomplete"] = reading.incomplete
    return AccountPublic.model_validate(fields)


def account_as_of(app: Tsunagi, views: Views, settings: Settings, actor: Actor,
                  account_id: UUID, at: datetime, basis: Basis) -> dict[str, Any]:
    """Relationship and dossier documents as they stood; 403 for reps, 404 before opening."""
    if actor.role not in (Role.AUDITOR, Role.MANAGER):
        raise HTTPException(403, "as_of is for auditors and managers")
    wait_for_views(views, settings, *AS_OF_VIEWS)
    stood = as_of(app, views.by_name, account_id, at, basis)
    if stood is None:
        raise HTTPException(404, f"account {account_id} did not exist at {at.isoformat()}")
    return stood


def stood_as_of(app: Tsunagi, views: Views, settings: Settings, actor: Actor,
                account_id: UUID, at: datetime, basis: Basis) -> tuple[dict[str, Any], Reading]:
    """The documents as they stood, and what of them the views quarantined or skipped."""
    stood = account_as_of(app, views, settings, actor, account_id, at, basis)
    reading = reading_of(views, account_id, AS_OF_VIEWS)
    reading.skipped(stood)
    return stood, reading


def relationship_and_evidence(views: Views, settings: Settings, account_id: UUID,
                              account: Account | None = None,
                              reading: Reading | None = None,
                              ) -> tuple[Document, Document]:
    """The relationship document and the health evidence, with every acknowledged write.
    A view that quarantined the account's opening has no document: the account as the
    aggregate holds it stands in, and the read says it is incomplete."""
    wait_for_views(views, settings, "relationship", "health")
    if reading is not None:
        reading.quarantined = reading_of(views, account_id, ("relationship", "health")).quarantined
    doc = views["relationship"].document(str(account_id))  # type: ignore[attr-defined]
    evidence = views["health"].document(str(account_id))  # type: ignore[attr-defined]
    if (doc is None or evidence is None) and account is not None and reading is not None \
            and reading.quarantined:
        opening = quarantine.stand_in_opening(account)
        doc = doc or relationship.evolve(None, opening)
        evidence = evidence or health.evolve(None, opening)
    if doc is None or evidence is None:
        raise HTTPException(503, "the views are catching up", headers={"Retry-After": "1"})
    return doc, evidence


def _summary(doc: Document) -> dict[str, Any]:
    """The relationship view's fields, and the account's details (null until given)."""
    return {name: doc.get(name) for name in (*SUMMARY_FIELDS, *DETAILS)}


def _health(reading: Reading, evidence: Document, at: datetime,
            settings: Settings, people: People) -> HealthPublic:
    return reading.guard(
        "health", lambda: health_summary(evidence, at, settings.ramp_up_days, people,
                                         settings.warning_limits),
        lambda: unknown_health(at))


def health_summary(evidence: Document, at: datetime, ramp_up_days: int, people: People,
                   limits: Limits | None = None) -> HealthPublic:
    """The health as everyone reads it: its warnings in words, naming people."""
    report = health.health_report(evidence, at, ramp_up_days, limits)
    return HealthPublic.model_validate({
        **report["current"],
        "tenures": [{"rep_id": t["rep_id"], "from": t["from"], "to": t["to"],
                     "status": t["status"], "score": t["health"]["score"],
                     **({"comparison": health.brief_comparison(t["comparison"])}
                        if "comparison" in t else {})}
                    for t in report["tenures"]],
        "warnings": named_warnings(report["warnings"], people),
        "as_of": report["as_of"],
    })


def unknown_health(at: datetime) -> HealthPublic:
    """Health when the stored evidence cannot be scored: said, not guessed."""
    return HealthPublic(rep_id=None, status="unknown", score=None, tenures=[], warnings=[],
                        as_of=at.isoformat())
