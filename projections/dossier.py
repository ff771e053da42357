"""The handover dossier (引き継ぎ資料): derived from the log, never typed.

Every item names the events it came from (``event_ids``), who recorded it (``author``)
and whether it is fact or opinion (``basis``). The dossier is available at any moment;
when the successor acknowledges it, the dossier as it stood then is frozen in its own
table, so a reader can always get exactly what the successor acknowledged.

The dossier keeps its own copy of the health evidence (``doc["health"]``), folded event by
event by the health view's own fold (``projections.health.evolve``), rather than reading
the health view's document. The two views are never known to be at one position: each
applies the log from its own tracking position, on its own thread, possibly in another
process (leases are per view), and catching up or rebuilding applies each batch to one
view after the other. Reading the health view would therefore make:

- the dossier frozen at acknowledgement (``DossierView.before``) wrong: it is scored inside
  the dossier view's transaction from the evidence as of the event just before the
  acknowledgement, where the health view's row may be behind or ahead of that event (and
  a rebuild would freeze other scores than the live view froze);
- a read incoherent: health and warnings are scored from the same row as every other
  section, so all are of the one version that ``as_of.version`` and the ETag name.
  ``wait_for_views`` only promises that each view has reached the log's head as it was
  when asked, not that two views read one after the other are at the same version;
- "as of" dearer: it starts from the dossier's checkpoints, which hold the evidence of
  their version; the health view keeps none, and three views would have to agree on one.

The price: the evidence is about two thirds of a stored dossier (a median of 18 of 27 KB
of JSON over three-year demo accounts), and each event is folded by the health fold twice
(about a quarter of the dossier fold's time). A test holds the copy equal to the health
view's document (tests/unit/test_health_evidence.py).
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, ClassVar

from domain.account import DETAILS, Account
from projections import health, health_score
from projections.base import (
    CHECKPOINT_EVERY,
    AccountDocumentView,
    Document,
    Handler,
    Handlers,
    dispatch,
)
from projections.health_warnings import Limits
from projections.quarantine import Reading
from projections.records import (
    BUSINESS_TZ,
    account_key,
    attended,
    event_id,
    from_json,
    iso,
    json_safe,
    local_date,
    to_json,
    utc_key,
)
from projections.storage import ViewCursor

LAST_VISITS_SHOWN = 5
BROKEN_PROMISES_KEPT = 50
GENERAL_NOTES_KEPT = 50
CLOSED_PROPOSALS_KEPT = 20
REQUEST_JA = {"rush_delivery": "短納期", "discount": "値下げ",
              "special_handling": "特別対応", "other": "その他の要望"}
ANSWER_JA = {"accepted": "了承", "partly": "一部了承", "declined": "お断り"}


def _item(e: Any, **fields: Any) -> dict[str, Any]:
    """A dossier item with its provenance."""
    return {**fields, "event_ids": [event_id(e)], "author": e.recorded_by, "basis": "fact"}


def _cite(item: dict[str, Any], e: Any) -> None:
    item["event_ids"].append(event_id(e))


def _find(items: list[dict[str, Any]], key: str, value: Any) -> dict[str, Any] | None:
    return next((i for i in items if i.get(key) == value), None)


def _opened(e: Account.Opened) -> Document:
    return {
        "account": {"account_id": str(e.originator_id), "name": e.name,
                    "opened_at": iso(e.occurred_at), "event_ids": [event_id(e)]},
        "owners": [{"rep_id": e.owner_rep_id, "from": iso(e.occurred_at), "to": None,
                    "handover_id": None, "reason": None}],
        "handover": None,
        "contract": None,
        "renewals": [],
        "proposals": [],
        "rhythm": {"visit_cadence_days": e.visit_cadence_days, "visits_total": 0,
                   "visits_by_month": {}, "weekdays": {}, "hours": {}, "channels": {},
                   "small_talk_visits": 0, "late_visits": 0, "last_visits": []},
        "stakeholders": [],
        "open_promises": [],
        "promise_record": {"kept": 0, "broken": 0, "cancelled": 0},
        "broken_promises": [],
        "complaints": [],
        "requests": [],
        "notes": [],
        "checkpoints": [],
        "handover_notes": [],
        "corrections": [],
        "health": health.evolve(None, e),
    }


def _count(counter: dict[str, int], key: str, by: int = 1) -> None:
    counter[key] = counter.get(key, 0) + by
    if counter[key] <= 0:
        del counter[key]


def _visit_shape(when: datetime) -> tuple[str, str, str]:
    local = when.astimezone(BUSINESS_TZ)
    return f"{local.year:04d}-{local.month:02d}", str(local.weekday()), f"{local.hour:02d}"


def _count_visit(rhythm: dict[str, Any], when: datetime, by: int) -> None:
    month, weekday, hour = _visit_shape(when)
    _count(rhythm["visits_by_month"], month, by)
    _count(rhythm["weekdays"], weekday, by)
    _count(rhythm["hours"], hour, by)


def _visit(doc: Document, e: Account.VisitRecorded) -> None:
    rhythm = doc["rhythm"]
    rhythm["visits_total"] += 1
    _count_visit(rhythm, e.occurred_at, 1)
    _count(rhythm["channels"], e.channel)
    rhythm["small_talk_visits"] += int(e.small_talk)
    rhythm["late_visits"] += int(e.minutes_late >= health_score.LATE_MINUTES)
    rhythm["last_visits"].append(_item(
        e, occurred_at=iso(e.occurred_at), utc=utc_key(e.occurred_at), purpose=e.purpose,
        summary=e.summary, attendees=e.attendees, small_talk=e.small_talk,
        minutes_late=e.minutes_late, next_action=e.next_action))
    rhythm["last_visits"].sort(key=lambda v: v["utc"])
    del rhythm["last_visits"][:-LAST_VISITS_SHOWN]
    for stakeholder in doc["stakeholders"]:
        if attended(stakeholder["name"], e.attendees):
            stakeholder["last_contact"] = {"at": iso(e.occurred_at), "event_id": event_id(e)}


def _details_changed(doc: Document, e: Account.DetailsChanged) -> None:
    """The account's name and details as they are now, citing each change; a name it had
    before is kept (``former_names``): the customer's old papers and people still use it."""
    account = doc["account"]
    if e.name is not None and e.name != account["name"]:
        account.setdefault("former_names", []).append(
            _item(e, name=account["name"], until=iso(e.occurred_at)))
    for field in ("name", *DETAILS):
        value = getattr(e, field)
        if value is not None:
            account[field] = value
    _cite(account, e)


def _promise_made(doc: Document, e: Account.PromiseMade) -> None:
    doc["open_promises"].append(_item(
        e, promise_id=e.promise_id, description=e.description, due_date=e.due_date.isoformat(),
        made_to=e.made_to, made_by=e.recorded_by, made_at=iso(e.occurred_at), renegotiations=0))


def _promise_renegotiated(doc: Document, e: Account.PromiseRenegotiated) -> None:
    promise = _find(doc["open_promises"], "promise_id", e.promise_id)
    if promise is not None:
        promise["due_date"] = e.new_due_date.isoformat()
        promise["renegotiations"] += 1
        _cite(promise, e)


def _promise_closed(outcome: str) -> Handler:
    def close(doc: Document, e: Account.PromiseKept | Account.PromiseBroken
              | Account.PromiseCancelled) -> None:
        promise = _find(doc["open_promises"], "promise_id", e.promise_id)
        doc["open_promises"] = [p for p in doc["open_promises"] if p["promise_id"] != e.promise_id]
        doc["promise_record"][outcome] += 1
        if promise is not None and isinstance(e, Account.PromiseBroken):
            _keep_broken(doc, promise, e)

    return close


def _keep_broken(doc: Document, promise: dict[str, Any], e: Account.PromiseBroken) -> None:
    """Which promise was broken, when, to whom and by whom: the customer remembers."""
    broken = {**promise, "broken_on": local_date(e.occurred_at).isoformat(),
              "broken_by": e.recorded_by, "note": e.note,
              "event_ids": [*promise["event_ids"], event_id(e)]}
    doc["broken_promises"].append(broken)
    del doc["broken_promises"][:-BROKEN_PROMISES_KEPT]


def _complaint_received(doc: Document, e: Account.ComplaintReceived) -> None:
    doc["complaints"].append(_item(
        e, complaint_id=e.complaint_id, subject=e.subject, detail=e.detail, severity=e.severity,
        received_at=iso(e.occurred_at), status="received", acknowledged_at=None,
        apologised_at=None, remedy=None, resolved_at=None, resolution=None, concession=None,
        response_hours=None, resolution_hours=None))


def _hours_since(complaint: dict[str, Any], when: datetime) -> float:
    received = datetime.fromisoformat(complaint["received_at"])
    return round((when - received).total_seconds() / 3600, 1)


def _complaint_step(doc: Document, e: Account.ComplaintAcknowledged
                    | Account.ComplaintApologised | Account.ComplaintRemedyProposed
                    | Account.ComplaintResolved) -> None:
    complaint = _find(doc["complaints"], "complaint_id", e.complaint_id)
    if complaint is None:
        return
    _cite(complaint, e)
    if complaint["response_hours"] is None:
        complaint["response_hours"] = _hours_since(complaint, e.occurred_at)
    if isinstance(e, Account.ComplaintAcknowledged):
        complaint.update(status="acknowledged", acknowledged_at=iso(e.occurred_at))
    elif isinstance(e, Account.ComplaintApologised):
        complaint.update(status="apologised", apologised_at=iso(e.occurred_at))
    elif isinstance(e, Account.ComplaintRemedyProposed):
        complaint.update(status="remedy_proposed", remedy=e.remedy)
    else:
        complaint.update(status="resolved", resolved_at=iso(e.occurred_at),
                         resolution=e.resolution, concession=e.concession or None,
                         resolution_hours=_hours_since(complaint, e.occurred_at))


def _request_received(doc: Document, e: Account.CustomerRequestReceived) -> None:
    doc["requests"].append(_item(
        e, request_id=e.request_id, kind=e.kind, kind_ja=REQUEST_JA[e.kind], detail=e.detail,
        received_at=iso(e.occurred_at), answer=None, concession=None, answered_at=None,
        precedent=None))


def _request_answered(doc: Document, e: Account.CustomerRequestAnswered) -> None:
    request = _find(doc["requests"], "request_id", e.request_id)
    if request is None:
        return
    _cite(request, e)
    request.update(answer=e.answer, concession=e.concession or None,
                   answered_at=iso(e.occurred_at), note=e.note)
    request["precedent"] = _precedent(request, e.occurred_at)


def _precedent(request: dict[str, Any], answered: datetime) -> str:
    """How the customer will cite it: 値下げ: 値下げ 3% を了承 (一部了承, 2025-04)."""
    what = request["concession"] or "応じず"
    when = local_date(answered).strftime("%Y-%m")
    return f"{request['kind_ja']}: {what} ({ANSWER_JA[request['answer']]}, {when})"


def _proposal_given(doc: Document, e: Account.ProposalGiven) -> None:
    doc["proposals"].append(_item(
        e, proposal_id=e.proposal_id, kind=e.kind, title=e.title, detail=e.detail,
        given_at=iso(e.occurred_at), reaction=None, reaction_note=None))


def _proposal_reaction(doc: Document, e: Account.ProposalReactionRecorded) -> None:
    proposal = _find(doc["proposals"], "proposal_id", e.proposal_id)
    if proposal is not None:
        _cite(proposal, e)
        proposal.update(reaction=e.reaction, reaction_note=e.note)
        answered = [p for p in doc["proposals"] if p["reaction"] is not None]
        for old in answered[:-CLOSED_PROPOSALS_KEPT]:
            doc["proposals"].remove(old)


def _contract_renewed(doc: Document, e: Account.ContractRenewed) -> None:
    previous = doc["contract"]
    change = None
    if previous and previous["annual_value_jpy"]:
        change = round(100 * (e.annual_value_jpy / previous["annual_value_jpy"] - 1), 1)
    contract = _item(e, contract_end=e.contract_end.isoformat(), terms=e.terms,
                     annual_value_jpy=e.annual_value_jpy, renewed_at=iso(e.occurred_at),
                     change_pct=change)
    doc["contract"] = contract
    doc["renewals"].append(copy.deepcopy(contract))


def _stakeholder_added(doc: Document, e: Account.StakeholderAdded) -> None:
    notes = [] if not e.note else [{"text": e.note, "event_id": event_id(e),
                                    "author": e.recorded_by}]
    doc["stakeholders"].append(_item(
        e, stakeholder_id=e.stakeholder_id, name=e.name, title=e.title,
        decision_power=e.decision_power, stance=e.stance, notes=notes, active=True,
        left_reason=None, last_contact=None))


def _stakeholder_changed(doc: Document, e: Account.StakeholderChanged) -> None:
    person = _find(doc["stakeholders"], "stakeholder_id", e.stakeholder_id)
    if person is None:
        return
    _cite(person, e)
    for name in ("title", "decision_power", "stance"):
        if getattr(e, name) is not None:
            person[name] = getattr(e, name)
    if e.note:
        person["notes"].append({"text": e.note, "event_id": event_id(e), "author": e.recorded_by})


def _stakeholder_left(doc: Document, e: Account.StakeholderLeft) -> None:
    person = _find(doc["stakeholders"], "stakeholder_id", e.stakeholder_id)
    if person is not None:
        _cite(person, e)
        person.update(active=False, left_reason=e.reason)


def _note_added(doc: Document, e: Account.NoteAdded) -> None:
    note = _item(e, note_id=e.note_id, text=e.text, kind=e.kind, topic=e.topic,
                 recorded_at=iso(e.timestamp))
    note["basis"] = e.kind
    doc["notes"].append(note)
    general = [n for n in doc["notes"] if n["topic"] == "general"]
    for old in general[:-GENERAL_NOTES_KEPT]:
        doc["notes"].remove(old)


def _handover_initiated(doc: Document, e: Account.HandoverInitiated) -> None:
    doc["handover"] = _item(e, handover_id=e.handover_id, from_rep_id=e.from_rep_id,
                            to_rep_id=e.to_rep_id, reason=e.reason,
                            effective_at=iso(e.effective_at),
                            steps={"initiated": iso(e.occurred_at)})


def _handover_step(step: str) -> Handler:
    def record(doc: Document, e: Account.HandoverDossierAcknowledged
               | Account.HandoverJointVisitMade | Account.HandoverCustomerInformed
               | Account.HandoverCheckpointScheduled) -> None:
        handover = doc["handover"]
        if handover is None or handover["handover_id"] != e.handover_id:
            return
        _cite(handover, e)
        handover["steps"][step] = iso(e.occurred_at)
        if isinstance(e, Account.HandoverJointVisitMade | Account.HandoverCustomerInformed) \
                and e.note:
            doc["handover_notes"].append(_item(
                e, handover_id=e.handover_id, step=step, note=e.note,
                from_rep_id=handover["from_rep_id"], to_rep_id=handover["to_rep_id"],
                occurred_at=iso(e.occurred_at)))
        if isinstance(e, Account.HandoverCheckpointScheduled):
            doc["checkpoints"].append(_item(e, handover_id=e.handover_id, note=e.note,
                                            checkpoint_on=e.checkpoint_on.isoformat()))

    return record


def _checkpoint_held(doc: Document, e: Account.HandoverCheckpointHeld) -> None:
    """The handover's review was held: its checkpoints not yet held say when, and with
    what note (often after the handover completed, so also when no handover is open)."""
    handover = doc["handover"]
    if handover is not None and handover["handover_id"] == e.handover_id:
        _cite(handover, e)
        handover["steps"]["checkpoint_held"] = iso(e.occurred_at)
    for checkpoint in doc["checkpoints"]:
        if checkpoint["handover_id"] == e.handover_id and not checkpoint.get("held_at"):
            checkpoint.update(held_at=iso(e.occurred_at), held_note=e.note,
                              held_by=e.recorded_by)
            _cite(checkpoint, e)


def _handover_completed(doc: Document, e: Account.HandoverCompleted) -> None:
    reason = doc["handover"]["reason"] if doc["handover"] else None
    doc["owners"][-1]["to"] = iso(e.occurred_at)
    doc["owners"].append({"rep_id": e.to_rep_id, "from": iso(e.occurred_at), "to": None,
                          "handover_id": e.handover_id, "reason": reason})
    doc["handover"] = None


def _handover_cancelled(doc: Document, e: Account.HandoverCancelled) -> None:
    doc["checkpoints"] = [c for c in doc["checkpoints"] if c["handover_id"] != e.handover_id]
    doc["handover"] = None


CORRECTED_ITEMS = {
    "PromiseMade": ("open_promises", ("description", "due_date", "made_to")),
    "ComplaintReceived": ("complaints", ("subject", "detail")),
    "ComplaintResolved": ("complaints", ("resolution", "concession")),
    "CustomerRequestReceived": ("requests", ("detail",)),
    "CustomerRequestAnswered": ("requests", ("concession", "note")),
    "ProposalGiven": ("proposals", ("title", "detail")),
    "StakeholderAdded": ("stakeholders", ("name", "title")),
    "NoteAdded": ("notes", ("text",)),
}


def _corrected(doc: Document, e: Account.RecordCorrected) -> None:
    target = str(e.corrected_event_id)
    fixes = json_safe(e.corrections)
    doc["corrections"].append(_item(e, corrected_event_id=target, kind=e.corrected_kind,
                                    corrections=fixes, originals=json_safe(e.originals),
                                    reason=e.reason))
    if e.corrected_kind in CORRECTED_ITEMS:
        section, names = CORRECTED_ITEMS[e.corrected_kind]
        also = doc["broken_promises"] if section == "open_promises" else []
        for item in [*doc[section], *also]:
            if target in item["event_ids"]:
                item.update({k: v for k, v in fixes.items() if k in names})
                _cite(item, e)
                if section == "requests" and item.get("answer"):
                    item["precedent"] = _precedent(item, e.occurred_at)
    elif e.corrected_kind == "ContractRenewed" and doc["contract"] and (
        target in doc["contract"]["event_ids"]
    ):
        doc["contract"].update({k: v for k, v in fixes.items() if k != "event_ids"})
        for renewal in doc["renewals"]:
            if target in renewal["event_ids"]:
                renewal.update(fixes)
    elif e.corrected_kind == "VisitRecorded":
        _correct_visit(doc, target, e, fixes)


def _correct_visit(doc: Document, target: str, e: Account.RecordCorrected,
                   fixes: dict[str, Any]) -> None:
    rhythm = doc["rhythm"]
    if "occurred_at" in e.corrections and e.originals.get("occurred_at") is not None:
        _count_visit(rhythm, e.originals["occurred_at"], -1)
        _count_visit(rhythm, e.corrections["occurred_at"], 1)
    for visit in rhythm["last_visits"]:
        if target in visit["event_ids"]:
            visit.update({k: v for k, v in fixes.items()})
            if "occurred_at" in e.corrections:
                visit["utc"] = utc_key(e.corrections["occurred_at"])
            _cite(visit, e)
    rhythm["last_visits"].sort(key=lambda v: v["utc"])


def _cadence_agreed(doc: Document, e: Account.VisitCadenceAgreed) -> None:
    doc["rhythm"].update(visit_cadence_days=e.visit_cadence_days)


HANDLERS: Handlers = {
    Account.DetailsChanged: _details_changed,
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
    Account.CustomerRequestReceived: _request_received,
    Account.CustomerRequestAnswered: _request_answered,
    Account.ProposalGiven: _proposal_given,
    Account.ProposalReactionRecorded: _proposal_reaction,
    Account.ContractRenewed: _contract_renewed,
    Account.StakeholderAdded: _stakeholder_added,
    Account.StakeholderChanged: _stakeholder_changed,
    Account.StakeholderLeft: _stakeholder_left,
    Account.NoteAdded: _note_added,
    Account.HandoverInitiated: _handover_initiated,
    Account.HandoverDossierAcknowledged: _handover_step("dossier_acknowledged"),
    Account.HandoverJointVisitMade: _handover_step("joint_visit"),
    Account.HandoverCustomerInformed: _handover_step("customer_informed"),
    Account.HandoverCheckpointScheduled: _handover_step("checkpoint_scheduled"),
    Account.HandoverCheckpointHeld: _checkpoint_held,
    Account.HandoverCompleted: _handover_completed,
    Account.HandoverCancelled: _handover_cancelled,
    Account.RecordCorrected: _corrected,
}
IGNORED: frozenset[type[Account.Event]] = frozenset()  # the dossier tells every event


def evolve(doc: Document | None, event: Any) -> Document | None:
    opening = type(event) is Account.Opened
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    if not opening:  # the opened document already holds its first health evidence
        doc["health"] = health.evolve(doc["health"], event)
    doc["version"] = event.originator_version
    doc["recorded_at"] = iso(event.timestamp)
    return doc


def present(doc: Document, at: datetime, ramp_up_days: int = health_score.RAMP_UP_DAYS,
            reading: Reading | None = None, limits: Limits | None = None) -> Document:
    """The dossier as a reader gets it: health and warnings as of ``at``. Given a reading,
    health that the stored evidence cannot be scored from is shown unknown and named there
    (folding, with none, lets it raise: the event is quarantined)."""
    def report_now() -> dict[str, Any]:
        return health.health_report(doc["health"], at, ramp_up_days, limits)

    report = report_now() if reading is None else reading.guard(
        "health", report_now, lambda: unknown_health(at))
    by_rep = {t["rep_id"] + t["from"]: t for t in report["tenures"]}
    unknown = {"status": "unknown", "health": {"score": None, "components": []}}
    tenures = []
    for owner in doc["owners"]:
        found = by_rep.get(owner["rep_id"] + owner["from"], unknown)
        tenures.append({**owner, "status": found["status"], "health": found["health"],
                        **{part: found[part] for part in ("baseline", "comparison")
                           if part in found}})
    notes = doc["notes"]
    cautions = [n for n in notes if n["topic"] in ("caution", "taboo")]
    handover = doc["handover"]
    if handover is not None:  # what the successor would receive, were it completed now
        handover = {**handover, "baseline": reading.guard(
            "baseline", lambda: health.handover_baseline(doc["health"], at), lambda: None)
            if reading is not None else health.handover_baseline(doc["health"], at)}
    return {
        "account": doc["account"],
        "as_of": {"version": doc["version"], "recorded_at": doc["recorded_at"], "at": iso(at)},
        "handover": handover,
        "tenures": tenures,
        "contract": doc["contract"],
        "renewals": doc["renewals"],
        "proposals_in_flight": [p for p in doc["proposals"] if p["reaction"] is None],
        "proposals": doc["proposals"],
        "rhythm": doc["rhythm"],
        "stakeholders": doc["stakeholders"],
        "open_promises": doc["open_promises"],
        "promise_record": doc["promise_record"],
        "broken_promises": doc["broken_promises"],
        "complaints": doc["complaints"],
        "requests": doc["requests"],
        "precedents": [r for r in doc["requests"] if r["precedent"]],
        "cautions": cautions,
        "notes": [n for n in notes if n not in cautions],
        "unfinished": _unfinished(doc),
        "checkpoints": doc["checkpoints"],
        "handover_notes": doc["handover_notes"],
        "corrections": doc["corrections"],
        "health": report["current"],
        "warnings": report["warnings"],
    }


def unknown_health(at: datetime) -> dict[str, Any]:
    """A health report that says it could not be computed (shown, not guessed)."""
    return {"current": {"rep_id": None, "status": "unknown", "score": None}, "tenures": [],
            "warnings": [], "as_of": iso(at)}


def _unfinished(doc: Document) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for request in doc["requests"]:
        if request["answer"] is None:
            items.append({"what": f"未回答の要望: {request['kind_ja']} {request['detail']}",
                          "event_ids": request["event_ids"], "author": request["author"],
                          "basis": "fact"})
    for complaint in doc["complaints"]:
        if complaint["status"] != "resolved":
            items.append({"what": f"未解決のクレーム: {complaint['subject']}",
                          "event_ids": complaint["event_ids"], "author": complaint["author"],
                          "basis": "fact"})
    for proposal in doc["proposals"]:
        if proposal["reaction"] is None:
            items.append({"what": f"反応待ちの提案: {proposal['title']}",
                          "event_ids": proposal["event_ids"], "author": proposal["author"],
                          "basis": "fact"})
    last = doc["rhythm"]["last_visits"]
    if last and last[-1]["next_action"]:
        items.append({"what": f"前回訪問の次のアクション: {last[-1]['next_action']}",
                      "event_ids": last[-1]["event_ids"], "author": last[-1]["author"],
                      "basis": "fact"})
    return items


class DossierView(AccountDocumentView):
    name: str = "dossier"
    table = "dossier_view"
    shape = 10  # 2: health evidence counted by day; 3: keeps its own checkpoints; 4: health
    # evidence of shape 3 (visits by day with channel, requests, baselines…); 5: broken
    # promises and handover notes kept; 6: health evidence of shape 4 (visit attendees,
    # stakeholders' decision power and stance); 7: health evidence of shape 5; 8: of shape 6;
    # 9: frozen dossiers' warnings as facts (code, facts, user_id), their words rendered
    # when read; 10: health evidence of shape 7
    checkpoint_every = CHECKPOINT_EVERY
    tables: ClassVar[dict[str, str]] = {
        "dossier_acknowledged": (
            "CREATE TABLE IF NOT EXISTS dossier_acknowledged ("
            "account_id TEXT NOT NULL, handover_id TEXT NOT NULL, dossier_version INTEGER "
            "NOT NULL, acknowledged_by TEXT NOT NULL, acknowledged_at TEXT NOT NULL, "
            "event_id TEXT NOT NULL, dossier TEXT NOT NULL, "
            "PRIMARY KEY (account_id, handover_id))"
        ),
    }
    evolve = staticmethod(evolve)

    def before(self, cursor: ViewCursor, event: Any, document: Document | None) -> None:
        """Freeze the dossier the successor acknowledged, exactly as it stood."""
        if not isinstance(event, Account.HandoverDossierAcknowledged) or document is None:
            return
        frozen = present(document, event.occurred_at)
        cursor.execute(
            "INSERT INTO dossier_acknowledged (account_id, handover_id, dossier_version, "
            "acknowledged_by, acknowledged_at, event_id, dossier) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (account_key(event), event.handover_id, event.dossier_version, event.recorded_by,
             iso(event.occurred_at), event_id(event),
             to_json(frozen)),
        )

    def acknowledged(self, account_id: str, handover_id: str) -> Document | None:
        with self.view.reading() as cursor:
            cursor.execute(
                "SELECT dossier_version, acknowledged_by, acknowledged_at, event_id, dossier "
                "FROM dossier_acknowledged WHERE account_id = ? AND handover_id = ?",
                (account_id, handover_id),
            )
            row = cursor.fetchone()
        if row is None:
            return None
        return {"handover_id": handover_id, "dossier_version": row[0], "acknowledged_by": row[1],
                "acknowledged_at": row[2], "event_id": row[3], "dossier": from_json(row[4])}
