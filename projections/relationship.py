"""The relationship view: an account as its owner sees it today.

Owner, agreed cadence, last visit and when the next one is due, open promises, open
complaints, the contract, and any handover in progress. Health is its own view.
"""

from __future__ import annotations

from typing import Any, ClassVar

from domain.account import DETAILS, Account
from projections.base import (
    CHECKPOINT_EVERY,
    AccountDocumentView,
    Document,
    Handler,
    Handlers,
    dispatch,
)
from projections.records import (
    add_days,
    event_id,
    iso,
    json_safe,
    local_date,
    parse_dt,
    utc_key,
)

RECENT_VISITS_KEPT = 20


def _opened(e: Account.Opened) -> Document:
    opened_at = iso(e.occurred_at)
    return {
        "account_id": str(e.originator_id),
        "name": e.name,
        "owner_rep_id": e.owner_rep_id,
        "successor_rep_id": None,
        "visit_cadence_days": e.visit_cadence_days,
        "opened_at": opened_at,
        "last_visit_at": None,
        "last_visit_event_id": None,
        "next_visit_due": add_days(local_date(e.occurred_at).isoformat(), e.visit_cadence_days),
        "recent_visits": [],
        "open_promises": [],
        "open_complaints": [],
        "contract": {},
        "handover": None,
    }


def _visit_order(visit: dict[str, Any]) -> str:
    return str(visit["utc"])


def _remember_visit(doc: Document, visit_event_id: str, occurred_at: Any) -> None:
    visits = [v for v in doc["recent_visits"] if v["event_id"] != visit_event_id]
    visits.append({"event_id": visit_event_id, "occurred_at": iso(occurred_at),
                   "utc": utc_key(occurred_at)})
    visits.sort(key=_visit_order, reverse=True)
    doc["recent_visits"] = visits[:RECENT_VISITS_KEPT]
    _recompute_next_visit(doc)


def _recompute_next_visit(doc: Document) -> None:
    if doc["recent_visits"]:
        last = doc["recent_visits"][0]
        doc["last_visit_at"] = last["occurred_at"]
        doc["last_visit_event_id"] = last["event_id"]
        base = local_date(parse_dt(last["occurred_at"])).isoformat()
    else:
        base = local_date(parse_dt(doc["opened_at"])).isoformat()
    doc["next_visit_due"] = add_days(base, doc["visit_cadence_days"])


def _find(items: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any] | None:
    return next((item for item in items if item[key] == value), None)


def _drop(items: list[dict[str, Any]], key: str, value: Any) -> list[dict[str, Any]]:
    return [item for item in items if item[key] != value]


def _promise_made(doc: Document, e: Account.PromiseMade) -> None:
    doc["open_promises"].append({
        "promise_id": e.promise_id,
        "description": e.description,
        "due_date": e.due_date.isoformat(),
        "made_to": e.made_to,
        "made_by": e.recorded_by,
        "made_at": iso(e.occurred_at),
        "event_ids": [event_id(e)],
    })
    doc["open_promises"].sort(key=lambda p: (p["due_date"], p["made_at"]))


def _promise_renegotiated(doc: Document, e: Account.PromiseRenegotiated) -> None:
    promise = _find(doc["open_promises"], "promise_id", e.promise_id)
    if promise is not None:
        promise["due_date"] = e.new_due_date.isoformat()
        promise["event_ids"].append(event_id(e))
        doc["open_promises"].sort(key=lambda p: (p["due_date"], p["made_at"]))


def _promise_closed(doc: Document, e: Account.PromiseKept | Account.PromiseBroken
                    | Account.PromiseCancelled) -> None:
    doc["open_promises"] = _drop(doc["open_promises"], "promise_id", e.promise_id)


def _complaint_received(doc: Document, e: Account.ComplaintReceived) -> None:
    doc["open_complaints"].append({
        "complaint_id": e.complaint_id,
        "subject": e.subject,
        "severity": e.severity,
        "received_at": iso(e.occurred_at),
        "status": "received",
        "event_ids": [event_id(e)],
    })


def _complaint_step(status: str) -> Handler:
    def step(doc: Document, e: Account.ComplaintAcknowledged | Account.ComplaintApologised
             | Account.ComplaintRemedyProposed) -> None:
        complaint = _find(doc["open_complaints"], "complaint_id", e.complaint_id)
        if complaint is not None:
            complaint["status"] = status
            complaint["event_ids"].append(event_id(e))

    return step


def _complaint_resolved(doc: Document, e: Account.ComplaintResolved) -> None:
    doc["open_complaints"] = _drop(doc["open_complaints"], "complaint_id", e.complaint_id)


def _contract_renewed(doc: Document, e: Account.ContractRenewed) -> None:
    doc["contract"] = {
        "contract_end": e.contract_end.isoformat(),
        "terms": e.terms,
        "annual_value_jpy": e.annual_value_jpy,
        "renewed_at": iso(e.occurred_at),
        "event_id": event_id(e),
    }


def _cadence_agreed(doc: Document, e: Account.VisitCadenceAgreed) -> None:
    doc["visit_cadence_days"] = e.visit_cadence_days
    _recompute_next_visit(doc)


def _handover_initiated(doc: Document, e: Account.HandoverInitiated) -> None:
    doc["successor_rep_id"] = e.to_rep_id
    doc["handover"] = {
        "handover_id": e.handover_id,
        "from_rep_id": e.from_rep_id,
        "to_rep_id": e.to_rep_id,
        "reason": e.reason,
        "effective_at": iso(e.effective_at),
        "steps": {"initiated": iso(e.occurred_at)},
        "event_ids": [event_id(e)],
    }


def _handover_step(step: str) -> Handler:
    def record(doc: Document, e: Account.HandoverDossierAcknowledged
               | Account.HandoverJointVisitMade | Account.HandoverCustomerInformed
               | Account.HandoverCheckpointScheduled | Account.HandoverCheckpointHeld) -> None:
        handover = doc["handover"]
        if handover is not None and handover["handover_id"] == e.handover_id:
            handover["steps"][step] = iso(e.occurred_at)
            handover["event_ids"].append(event_id(e))
            if isinstance(e, Account.HandoverCheckpointScheduled):
                handover["checkpoint_on"] = e.checkpoint_on.isoformat()

    return record


def _handover_completed(doc: Document, e: Account.HandoverCompleted) -> None:
    doc["owner_rep_id"] = e.to_rep_id
    doc["successor_rep_id"] = None
    doc["handover"] = None


def _handover_cancelled(doc: Document, e: Account.HandoverCancelled) -> None:
    doc["successor_rep_id"] = None
    doc["handover"] = None


def _record_corrected(doc: Document, e: Account.RecordCorrected) -> None:
    target = str(e.corrected_event_id)
    fixes = json_safe(e.corrections)
    if e.corrected_kind == "VisitRecorded" and "occurred_at" in e.corrections:
        _remember_visit(doc, target, e.corrections["occurred_at"])
    elif e.corrected_kind == "PromiseMade":
        promise = next((p for p in doc["open_promises"] if p["event_ids"][0] == target), None)
        if promise is not None:
            promise.update({k: v for k, v in fixes.items()
                            if k in ("description", "due_date", "made_to")})
    elif e.corrected_kind == "ComplaintReceived":
        complaint = next((c for c in doc["open_complaints"] if c["event_ids"][0] == target), None)
        if complaint is not None and "subject" in fixes:
            complaint["subject"] = fixes["subject"]
    elif e.corrected_kind == "ContractRenewed" and doc["contract"].get("event_id") == target:
        doc["contract"].update(fixes)


def _details_changed(doc: Document, e: Account.DetailsChanged) -> None:
    """The name, and each detail given; a detail never given is not in the document."""
    for field in ("name", *DETAILS):
        value = getattr(e, field)
        if value is not None:
            doc[field] = value


def _visit_recorded(doc: Document, e: Account.VisitRecorded) -> None:
    _remember_visit(doc, event_id(e), e.occurred_at)


HANDLERS: Handlers = {
    Account.DetailsChanged: _details_changed,
    Account.VisitCadenceAgreed: _cadence_agreed,
    Account.VisitRecorded: _visit_recorded,
    Account.PromiseMade: _promise_made,
    Account.PromiseRenegotiated: _promise_renegotiated,
    Account.PromiseKept: _promise_closed,
    Account.PromiseBroken: _promise_closed,
    Account.PromiseCancelled: _promise_closed,
    Account.ComplaintReceived: _complaint_received,
    Account.ComplaintAcknowledged: _complaint_step("acknowledged"),
    Account.ComplaintApologised: _complaint_step("apologised"),
    Account.ComplaintRemedyProposed: _complaint_step("remedy_proposed"),
    Account.ComplaintResolved: _complaint_resolved,
    Account.ContractRenewed: _contract_renewed,
    Account.HandoverInitiated: _handover_initiated,
    Account.HandoverDossierAcknowledged: _handover_step("dossier_acknowledged"),
    Account.HandoverJointVisitMade: _handover_step("joint_visit"),
    Account.HandoverCustomerInformed: _handover_step("customer_informed"),
    Account.HandoverCheckpointScheduled: _handover_step("checkpoint_scheduled"),
    Account.HandoverCheckpointHeld: _handover_step("checkpoint_held"),  # while open
    Account.HandoverCompleted: _handover_completed,
    Account.HandoverCancelled: _handover_cancelled,
    Account.RecordCorrected: _record_corrected,
}
IGNORED = frozenset({  # nothing of the relationship as its owner sees it today
    Account.CustomerRequestReceived, Account.CustomerRequestAnswered,
    Account.ProposalGiven, Account.ProposalReactionRecorded,
    Account.StakeholderAdded, Account.StakeholderChanged, Account.StakeholderLeft,
    Account.NoteAdded,
})


def evolve(doc: Document | None, event: Any) -> Document | None:
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    doc["version"] = event.originator_version
    doc["updated_at"] = iso(event.timestamp)
    return doc


class RelationshipView(AccountDocumentView):
    name: str = "relationship"
    table = "relationship_view"
    shape = 2  # keeps its own checkpoints
    checkpoint_every = CHECKPOINT_EVERY
    columns: ClassVar[dict[str, str]] = {
        "owner_rep_id": "TEXT",
        "successor_rep_id": "TEXT",
        "next_visit_due": "TEXT",
    }
    indexes: ClassVar[list[str]] = [
        "CREATE INDEX IF NOT EXISTS relationship_view_owner ON relationship_view (owner_rep_id)",
        "CREATE INDEX IF NOT EXISTS relationship_view_successor "
        "ON relationship_view (successor_rep_id)",
    ]
    evolve = staticmethod(evolve)
