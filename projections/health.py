"""Health, split by tenure: computed from evidence, never typed, and never inherited.

The fold keeps the evidence of each owner's tenure (visit days, recent visits, promises,
complaints). Scores are computed from that evidence at a given instant, so the same
document answers "today", "at handover" and "over the first 90 days" alike. A tenure's
score is frozen when its handover completes. The successor's first period is ramp-up,
and comparisons with the predecessor are like-for-like: same length of tenure, and the
same season a year earlier.

Here: the evidence fold and its view, and ``health_report``, what a reader gets from the
evidence. How a score is reached is in projections.health_score (one function per
component); the early warnings are in projections.health_warnings. The dossier keeps a
copy of this document, folded by this same ``evolve`` (projections.dossier says why).
"""

from __future__ import annotations

from bisect import insort
from datetime import datetime, timedelta
from typing import Any

from domain.account import Account
from projections.base import AccountDocumentView, Document, Handler, Handlers, dispatch
from projections.health_score import (
    EVIDENCE_LISTED,
    RAMP_UP_DAYS,
    complaint_score,
    like_for_like,
    received_day,
    score_tenure,
)
from projections.health_warnings import warnings
from projections.records import (
    event_id,
    iso,
    json_safe,
    local_date,
    parse_dt,
    utc_key,
)

RECENT_VISITS_KEPT = 50


# ---------------------------------------------------------------------- the fold


def _new_tenure(rep_id: str, start: datetime, handover_id: str | None) -> dict[str, Any]:
    """A tenure's evidence, bounded whatever the length of the account's history.

    Open promises and complaints are kept whole (their score depends on when one asks).
    Closed ones are final, so they are counted by day: ``promise_days[day] = [kept, broken,
    events]`` by the day they closed, ``complaint_days[day] = [count, score sum, events]``
    by the day they were received; the last ``EVIDENCE_LISTED`` of each are kept whole
    to cite as evidence.
    """
    return {
        "rep_id": rep_id, "from": iso(start), "to": None, "handover_id": handover_id,
        "frozen": None, "visit_days": {}, "recent_visits": [],
        "open_promises": [], "promise_days": {}, "closed_promises": [],
        "open_complaints": [], "complaint_days": {}, "closed_complaints": [],
    }


def _current(doc: Document) -> dict[str, Any]:
    return doc["tenures"][-1]  # type: ignore[no-any-return]


def _opened(e: Account.Opened) -> Document:
    return {
        "account_id": str(e.originator_id), "name": e.name,
        "visit_cadence_days": e.visit_cadence_days, "opened_at": iso(e.occurred_at),
        "tenures": [_new_tenure(e.owner_rep_id, e.occurred_at, None)],
        "contract": None, "checkpoints": [],
    }


def _visit(doc: Document, e: Account.VisitRecorded) -> None:
    tenure = _current(doc)
    day = local_date(e.occurred_at).isoformat()
    tenure["visit_days"][day] = tenure["visit_days"].get(day, 0) + 1
    visit = {"event_id": event_id(e), "occurred_at": iso(e.occurred_at),
             "utc": utc_key(e.occurred_at), "day": day, "small_talk": e.small_talk,
             "minutes_late": e.minutes_late}
    insort(tenure["recent_visits"], visit, key=_by_time)
    del tenure["recent_visits"][:-RECENT_VISITS_KEPT]


def _by_time(visit: dict[str, Any]) -> str:
    return visit["utc"]  # type: ignore[no-any-return]


def _keep_last(items: list[dict[str, Any]], item: dict[str, Any]) -> None:
    items.append(item)
    del items[:-EVIDENCE_LISTED]


def _count(days: dict[str, list[float]], day: str, *amounts: float) -> None:
    totals = days.setdefault(day, [0] * len(amounts))
    for index, amount in enumerate(amounts):
        totals[index] += amount


def _promise_made(doc: Document, e: Account.PromiseMade) -> None:
    _current(doc)["open_promises"].append({
        "promise_id": e.promise_id, "event_ids": [event_id(e)], "made_on":
        local_date(e.occurred_at).isoformat(), "due_date": e.due_date.isoformat(),
        "outcome": None, "closed_on": None, "inherited": False, "made_by": e.recorded_by,
    })


def _find_open(doc: Document, items: str, key: str,
               item_id: str) -> tuple[dict[str, Any], int] | None:
    """An open promise or complaint and the index of the tenure it belongs to."""
    for index in range(len(doc["tenures"]) - 1, -1, -1):
        for item in doc["tenures"][index][items]:
            if item[key] == item_id:
                return item, index
    return None


def _promise_renegotiated(doc: Document, e: Account.PromiseRenegotiated) -> None:
    found = _find_open(doc, "open_promises", "promise_id", e.promise_id)
    if found is not None:
        found[0]["due_date"] = e.new_due_date.isoformat()
        found[0]["event_ids"].append(event_id(e))


def _promise_closed(outcome: str) -> Handler:
    def close(doc: Document, e: Account.PromiseKept | Account.PromiseBroken
              | Account.PromiseCancelled) -> None:
        found = _find_open(doc, "open_promises", "promise_id", e.promise_id)
        if found is None:
            return
        promise, made_in = found
        doc["tenures"][made_in]["open_promises"].remove(promise)
        closed_on = local_date(e.occurred_at).isoformat()
        inherited = made_in < len(doc["tenures"]) - 1
        closed = {**promise, "outcome": outcome, "closed_on": closed_on,
                  "inherited": inherited, "event_ids": [*promise["event_ids"], event_id(e)]}
        current = _current(doc)
        _keep_last(current["closed_promises"], closed)
        # An inherited promise's outcome is the successor's to see, never anyone's score.
        if not inherited and outcome in ("kept", "broken"):
            _count(current["promise_days"], closed_on, outcome == "kept", outcome == "broken",
                   len(closed["event_ids"]))

    return close


def _complaint_received(doc: Document, e: Account.ComplaintReceived) -> None:
    _current(doc)["open_complaints"].append({
        "complaint_id": e.complaint_id, "event_ids": [event_id(e)], "severity": e.severity,
        "received_at": iso(e.occurred_at), "responded_at": None, "resolved_at": None,
    })


def _complaint_step(doc: Document, e: Account.ComplaintAcknowledged
                    | Account.ComplaintApologised | Account.ComplaintRemedyProposed
                    | Account.ComplaintResolved) -> None:
    found = _find_open(doc, "open_complaints", "complaint_id", e.complaint_id)
    if found is None:
        return
    complaint, received_in = found
    complaint["event_ids"].append(event_id(e))
    if complaint["responded_at"] is None:
        complaint["responded_at"] = iso(e.occurred_at)
    if not isinstance(e, Account.ComplaintResolved):
        return
    complaint["resolved_at"] = iso(e.occurred_at)
    tenure = doc["tenures"][received_in]
    tenure["open_complaints"].remove(complaint)
    complaint["score"] = complaint_score(complaint, e.occurred_at)
    _keep_last(tenure["closed_complaints"], complaint)
    _count(tenure["complaint_days"], received_day(complaint), 1, complaint["score"],
           len(complaint["event_ids"]))


def _contract_renewed(doc: Document, e: Account.ContractRenewed) -> None:
    doc["contract"] = {"contract_end": e.contract_end.isoformat(), "event_id": event_id(e),
                       "renewed_at": iso(e.occurred_at)}


def _checkpoint(doc: Document, e: Account.HandoverCheckpointScheduled) -> None:
    doc["checkpoints"].append({"handover_id": e.handover_id, "event_id": event_id(e),
                               "checkpoint_on": e.checkpoint_on.isoformat()})


def _handover_completed(doc: Document, e: Account.HandoverCompleted) -> None:
    closing = _current(doc)
    closing["to"] = iso(e.occurred_at)
    closing["frozen"] = score_tenure(doc, len(doc["tenures"]) - 1, e.occurred_at)
    doc["tenures"].append(_new_tenure(e.to_rep_id, e.occurred_at, e.handover_id))
    doc["checkpoints"] = [c for c in doc["checkpoints"] if c["handover_id"] == e.handover_id]


def _corrected(doc: Document, e: Account.RecordCorrected) -> None:
    target = str(e.corrected_event_id)
    if e.corrected_kind == "VisitRecorded":
        _correct_visit(doc, target, e)
    elif e.corrected_kind == "PromiseMade" and "due_date" in e.corrections:
        for tenure in doc["tenures"]:
            for promise in tenure["open_promises"]:
                if promise["event_ids"][0] == target:
                    promise["due_date"] = json_safe(e.corrections["due_date"])
    elif e.corrected_kind == "ContractRenewed" and doc["contract"] and (
        doc["contract"]["event_id"] == target and "contract_end" in e.corrections
    ):
        doc["contract"]["contract_end"] = json_safe(e.corrections["contract_end"])


def _correct_visit(doc: Document, target: str, e: Account.RecordCorrected) -> None:
    holding = [t for t in doc["tenures"] if any(v["event_id"] == target
                                                for v in t["recent_visits"])]
    tenure = holding[0] if holding else _tenure_of(doc, e.originals)
    if "occurred_at" in e.corrections and e.originals.get("occurred_at") is not None:
        days = tenure["visit_days"]
        old_day = local_date(e.originals["occurred_at"]).isoformat()
        new_day = local_date(e.corrections["occurred_at"]).isoformat()
        if days.get(old_day):
            days[old_day] -= 1
            if not days[old_day]:
                del days[old_day]
            days[new_day] = days.get(new_day, 0) + 1
    for visit in tenure["recent_visits"]:
        if visit["event_id"] == target:
            if "occurred_at" in e.corrections:
                visit["occurred_at"] = iso(e.corrections["occurred_at"])
                visit["utc"] = utc_key(e.corrections["occurred_at"])
                visit["day"] = local_date(e.corrections["occurred_at"]).isoformat()
            for name in ("small_talk", "minutes_late"):
                if name in e.corrections:
                    visit[name] = e.corrections[name]
    tenure["recent_visits"].sort(key=_by_time)


def _tenure_of(doc: Document, originals: dict[str, Any]) -> dict[str, Any]:
    """The tenure whose period holds the original time of a corrected visit."""
    when = originals.get("occurred_at")
    for tenure in doc["tenures"]:
        if when is not None and parse_dt(tenure["from"]) <= when and (
            tenure["to"] is None or when < parse_dt(tenure["to"])
        ):
            return tenure  # type: ignore[no-any-return]
    return _current(doc)


def _cadence_agreed(doc: Document, e: Account.VisitCadenceAgreed) -> None:
    doc.update(visit_cadence_days=e.visit_cadence_days)


HANDLERS: Handlers = {
    Account.VisitCadenceAgreed: _cadence_agreed,
    Account.VisitRecorded: _visit,
    Account.PromiseMade: _promise_made,
    Account.PromiseRenegotiated: _promise_renegotiated,
    Account.PromiseKept: _promise_closed("kept"),
    Account.PromiseBroken: _promise_closed("broken"),
    Account.PromiseCancelled: _promise_closed("cancelled"),
    Account.ComplaintReceived: _complaint_received,
    Account.ComplaintAcknowledged: _complaint_step,
    Account.ComplaintApologised: _complaint_step,
    Account.ComplaintRemedyProposed: _complaint_step,
    Account.ComplaintResolved: _complaint_step,
    Account.ContractRenewed: _contract_renewed,
    Account.HandoverCheckpointScheduled: _checkpoint,
    Account.HandoverCompleted: _handover_completed,
    Account.RecordCorrected: _corrected,
}
IGNORED = frozenset({  # no evidence of a tenure's health
    Account.CustomerRequestReceived, Account.CustomerRequestAnswered,
    Account.ProposalGiven, Account.ProposalReactionRecorded,
    Account.StakeholderAdded, Account.StakeholderChanged, Account.StakeholderLeft,
    Account.NoteAdded, Account.HandoverInitiated, Account.HandoverDossierAcknowledged,
    Account.HandoverJointVisitMade, Account.HandoverCustomerInformed,
    Account.HandoverCancelled,
})


def evolve(doc: Document | None, event: Any) -> Document | None:
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    doc["version"] = event.originator_version
    return doc

# ---------------------------------------------------------------------- the report


def health_report(doc: Document, at: datetime, ramp_up_days: int = RAMP_UP_DAYS) -> dict[str, Any]:
    """Each tenure's health as of ``at``: frozen for past owners, live for the current one."""
    tenures = []
    last = len(doc["tenures"]) - 1
    for index, tenure in enumerate(doc["tenures"]):
        started = parse_dt(tenure["from"])
        if tenure["frozen"] is not None:
            status, health = "closed", tenure["frozen"]
        else:
            ramping = at - started < timedelta(days=ramp_up_days) and index > 0
            status, health = ("ramp_up" if ramping else "active"), score_tenure(doc, index, at)
        entry = {"rep_id": tenure["rep_id"], "from": tenure["from"], "to": tenure["to"],
                 "status": status, "health": health}
        if index == last and index > 0:
            entry["comparison"] = like_for_like(doc, index, at)
        tenures.append(entry)
    current = tenures[-1]
    return {"current": {"rep_id": current["rep_id"], "status": current["status"],
                        "score": current["health"]["score"]},
            "tenures": tenures, "warnings": warnings(doc, at), "as_of": iso(at)}


class HealthView(AccountDocumentView):
    name: str = "health"
    table = "health_view"
    shape = 2  # health evidence: closed promises and complaints counted by day
    evolve = staticmethod(evolve)
