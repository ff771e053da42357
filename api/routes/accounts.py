"""Accounts (取引先): open one, read its relationship view (now or as of an instant)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from api.access import allow, readable_account
from api.bodies import json_body, request_body
from api.deps import ActorDep, AppDep, SettingsDep, ViewsDep
from api.params import INSTANT, SCHEMA_INSTANT, parse_instant
from api.reads import wait_for_views
from api.responses import DocumentResponse
from api.schemas import AccountCreate, CadenceChange, RecordedPublic
from api.settings import Settings
from api.write_headers import IdempotencyDep
from api.writes import WriteDep, write_body, written
from domain.account import Account
from domain.application import Tsunagi
from domain.values import Actor, Role
from projections import health, quarantine, relationship
from projections.asof import VIEWS as AS_OF_VIEWS
from projections.asof import Basis, as_of
from projections.quarantine import Reading
from projections.relationship import RelationshipView
from projections.runner import Views

router = APIRouter(prefix="/v1/accounts", tags=["accounts"])
READERS = allow(Role.REP, Role.MANAGER, Role.AUDITOR)
WRITERS = allow(Role.REP, Role.MANAGER)
VIEW_FIELDS = ("account_id", "name", "owner_rep_id", "successor_rep_id", "version",
               "visit_cadence_days", "last_visit_at", "next_visit_due", "open_promises",
               "open_complaints", "contract", "handover")


@router.post("", status_code=201, response_model=RecordedPublic, summary="Open an account",
             dependencies=[allow(Role.MANAGER, Role.ADMIN)],
             openapi_extra=request_body(AccountCreate))
def open_account(payload: Annotated[AccountCreate, json_body(AccountCreate)], app: AppDep,
                 actor: ActorDep, key: IdempotencyDep) -> JSONResponse:
    """Open an account and name its first owner (担当者)."""
    recorded = app.open_account(actor, idempotency=key, **payload.model_dump())
    return written(recorded)


@router.get("", summary="List accounts", dependencies=[READERS])
def list_accounts(views: ViewsDep, settings: SettingsDep, actor: ActorDep) -> dict[str, Any]:
    """A rep's own accounts (and those being handed to them); everyone's for others."""
    wait_for_views(views, settings, "relationship")
    view: RelationshipView = views["relationship"]  # type: ignore[assignment]
    rep = actor.user_id if actor.role is Role.REP else None
    return {"items": [_public(d) for d in view.listing(rep)]}


@router.get("/{account_id}", summary="The relationship view",
            dependencies=[READERS],
            responses={200: {"headers": {"ETag": {"schema": {"type": "string"}}}}})
def get_account(
    account_id: UUID, app: AppDep, views: ViewsDep, settings: SettingsDep, actor: ActorDep,
    as_of: Annotated[str | None, INSTANT_QUERY] = None,
    as_of_basis: Annotated[Basis, Query(description=AS_OF_BASIS)] = "recorded",
) -> JSONResponse:
    """Owner, rhythm, open promises and complaints, contract and health of one account."""
    account = readable_account(app, actor, account_id)
    at = parse_instant(as_of, "as_of")
    if at is not None:
        stood = account_as_of(app, views, settings, actor, account_id, at, as_of_basis)
        reading = reading_of(views, account_id, AS_OF_VIEWS)
        reading.skipped(stood)
        doc = stood["relationship"]
        body = {**_public(doc), "health": _health(reading, stood["dossier"]["health"], at,
                                                  settings.ramp_up_days),
                "as_of": at.isoformat(), "as_of_basis": as_of_basis}
    else:
        reading = Reading()
        doc, evidence = relationship_and_evidence(views, settings, account_id, account, reading)
        body = {**_public(doc), "health": _health(reading, evidence, app.clock(),
                                                  settings.ramp_up_days)}
    if reading.incomplete:
        body["incomplete"] = reading.incomplete
    return DocumentResponse(body, headers={"ETag": f'"{doc["version"]}"'})


AS_OF = ("RFC 3339 instant (auditor, manager): the account as it stood then. By recorded "
         "time (default): exactly what Tsunagi held at that instant. By occurred time: what "
         "we now know happened by then, late records included.")
AS_OF_BASIS = "recorded (what was recorded by then) or occurred (what had happened by then)"
INSTANT_QUERY = Query(description=AS_OF, pattern=INSTANT.pattern,
                      json_schema_extra={"format": "date-time", "pattern": SCHEMA_INSTANT})


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


def reading_of(views: Views, account_id: UUID, names: tuple[str, ...]) -> Reading:
    """What the named views quarantined of this account (one indexed query), once they
    have caught up."""
    recorder = views[names[0]].view
    return Reading(quarantine.for_account(recorder, str(account_id), names))


def relationship_and_evidence(views: Views, settings: Settings, account_id: UUID,
                              account: Account | None = None,
                              reading: Reading | None = None,
                              ) -> tuple[dict[str, Any], dict[str, Any]]:
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


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {name: doc.get(name) for name in VIEW_FIELDS}


def _health(reading: Reading, evidence: dict[str, Any], at: datetime,
            ramp_up_days: int) -> dict[str, Any]:
    return reading.guard("health", lambda: health_summary(evidence, at, ramp_up_days),
                         lambda: unknown_health(at))


def health_summary(evidence: dict[str, Any], at: datetime, ramp_up_days: int) -> dict[str, Any]:
    report = health.health_report(evidence, at, ramp_up_days)
    return {
        **report["current"],
        "tenures": [{"rep_id": t["rep_id"], "from": t["from"], "to": t["to"],
                     "status": t["status"], "score": t["health"]["score"]}
                    for t in report["tenures"]],
        "warnings": report["warnings"],
        "as_of": report["as_of"],
    }


def unknown_health(at: datetime) -> dict[str, Any]:
    """Health when the stored evidence cannot be scored: said, not guessed."""
    return {"rep_id": None, "status": "unknown", "score": None, "tenures": [], "warnings": [],
            "as_of": at.isoformat()}


@router.post("/{account_id}/cadence", response_model=RecordedPublic, dependencies=[WRITERS],
             summary="Agree a new visit cadence", openapi_extra=request_body(CadenceChange))
def agree_cadence(account_id: UUID,
                  payload: Annotated[CadenceChange, write_body(CadenceChange)],
                  write: WriteDep) -> JSONResponse:
    """Record the visit rhythm agreed with the customer (訪問頻度)."""
    return write.record(account_id, Account.agree_visit_cadence, payload.model_dump(), status=200)
