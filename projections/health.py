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
from projections.health_baseline import baseline
from projections.health_score import (
    EVIDENCE_LISTED,
    RAMP_UP_DAYS,
    complaint_score,
    hours_between,
    kept_value,
    like_for_like,
    received_day,
    reply_value,
    request_value,
    score_tenure,
    severity_weight,
    visit_code,
    visit_codes,
)
from projections.health_warnings import Limits, warnings
from projections.records import (
    event_id,
    iso,
    json_safe,
    local_date,
    parse_dt,
    utc_key,
)

RECENT_VISITS_KEPT = 50
REPLIES_KEPT = 20  # the customer's latest reactions to proposals, in each tenure
AWAITING_KEPT = 50  # proposals given and not yet reacted to, the latest
CHANGES_KEPT = 50  # standing concessions and stakeholder changes kept for the baseline


# ---------------------------------------------------------------------- the fold


def _new_tenure(rep_id: str, start: datetime, handover_id: str | None) -> dict[str, Any]:
    """A tenure's evidence, bounded whatever the length of the account's history.

    Open promises and complaints are kept whole (their score depends on when one asks).
    Closed ones are final, so they are counted by day: ``promise_days[day] = [kept, broken,
    events, value]`` by the day they closed (value: each promise's worth, kept late less),
    ``complaint_days[day] = [count, weighted score, events, weight]`` by the day they were
    received (or, inherited, the day the tenure began); the last ``EVIDENCE_LISTED`` of
    each are kept whole to cite as evidence. Visits are kept by day too, a few characters
    each in the order recorded (``visit_days[day] = "Ii12p"``: ``visit_code``; warmth
    weighs the last ones of a period, so their order is kept); ``request_days[day]``
    counts the customer's requests, which with visits, promises and complaints tell thin
    records. The customer's requests are scored by how fast they were answered:
    ``request_answers[day] = [count, value, events]`` by the day received (or, inherited,
    the day the tenure began), the last ``EVIDENCE_LISTED`` kept whole in
    ``answered_requests``. ``replies``: how soon the customer reacted to the proposals given
    (the last ``REPLIES_KEPT``, by the time of the reaction), the customer's mood as warmth
    reads it. ``baseline`` is the relationship as this tenure
    received it (None for the first), frozen when the handover completed.
    """
    return {
        "rep_id": rep_id, "from": iso(start), "to": None, "handover_id": handover_id,
        "frozen": None, "baseline": None, "visit_days": {}, "recent_visits": [],
        "request_days": {}, "request_answers": {}, "answered_requests": [], "replies": [],
        "renewals": [],
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
        "contract": None, "checkpoints": [], "open_requests": [], "concessions": [],
        "stakeholder_changes": [], "stakeholders": {}, "awaiting_replies": [],
    }


def _visit(doc: Document, e: Account.VisitRecorded) -> None:
    tenure = _current(doc)
    day = local_date(e.occurred_at).isoformat()
    _add_visit(tenure, day, visit_code(e.channel, e.small_talk, e.minutes_late))
    visit = {"event_id": event_id(e), "occurred_at": iso(e.occurred_at),
             "utc": utc_key(e.occurred_at), "day": day, "small_talk": e.small_talk,
             "minutes_late": e.minutes_late, "channel": e.channel,
             "attendees": list(e.attendees)}
    insort(tenure["recent_visits"], visit, key=_by_time)
    del tenure["recent_visits"][:-RECENT_VISITS_KEPT]


def _by_time(visit: dict[str, Any]) -> str:
    return visit["utc"]  # type: ignore[no-any-return]


def _keep_last(items: list[dict[str, Any]], item: dict[str, Any],
               kept: int = EVIDENCE_LISTED) -> None:
    items.append(item)
    del items[:-kept]


def _count(days: dict[str, list[float]], day: str, *amounts: float) -> None:
    totals = days.setdefault(day, [0] * len(amounts))
    for index, amount in enumerate(amounts):
        totals[index] += amount


def _promise_made(doc: Document, e: Account.PromiseMade) -> None:
    made_on = local_date(e.occurred_at).isoformat()
    _current(doc)["open_promises"].append({
        "promise_id": e.promise_id, "event_ids": [event_id(e)], "made_on": made_on,
        "due_date": e.due_date.isoformat(),
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
        value = kept_value(promise["due_date"], closed_on) if outcome == "kept" else 0.0
        # An inherited promise kept on time is the successor's credit; kept late or
        # broken, it is scored to no one (it was not his to make).
        scored = outcome in ("kept", "broken") and (not inherited or value == 1.0)
        closed = {**promise, "outcome": outcome, "closed_on": closed_on,
                  "inherited": inherited, "scored": scored, "value": round(value, 3),
                  "event_ids": [*promise["event_ids"], event_id(e)]}
        current = _current(doc)
        _keep_last(current["closed_promises"], closed)
        if scored:
            _count(current["promise_days"], closed_on, outcome == "kept", outcome == "broken",
                   len(closed["event_ids"]), value)

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
    weight = severity_weight(complaint)
    if received_in == len(doc["tenures"]) - 1:
        complaint["score"] = complaint_score(complaint, e.occurred_at)
        _keep_last(tenure["closed_complaints"], complaint)
        _count(tenure["complaint_days"], received_day(complaint), 1,
               weight * complaint["score"], len(complaint["event_ids"]), weight)
        return
    # Inherited: the one who received it answers for it until the handover (as it stood
    # then), the successor from the day he took it over.
    until = parse_dt(tenure["to"])
    mine = as_it_stood(complaint, until)
    _keep_last(tenure["closed_complaints"], mine)
    _count(tenure["complaint_days"], received_day(complaint), 1, weight * mine["score"],
           len(complaint["event_ids"]), weight)
    current = _current(doc)
    inherited = {**complaint, "inherited": True, "counted_from": current["from"]}
    inherited["score"] = complaint_score(inherited, e.occurred_at)
    _keep_last(current["closed_complaints"], inherited)
    _count(current["complaint_days"], received_day(inherited), 1, weight * inherited["score"],
           len(complaint["event_ids"]), weight)


def as_it_stood(complaint: dict[str, Any], until: datetime) -> dict[str, Any]:
    """A complaint passed on at a handover, scored as it stood then for the one who passed
    it on: what was done after the handover was the successor's."""
    stood = {**complaint}
    for step in ("responded_at", "resolved_at"):
        if stood[step] is not None and parse_dt(stood[step]) > until:
            stood[step] = None
    stood["score"] = complaint_score(stood, until)
    return stood


def _request_received(doc: Document, e: Account.CustomerRequestReceived) -> None:
    doc["open_requests"].append({"request_id": e.request_id, "kind": e.kind,
                                 "received_at": iso(e.occurred_at), "event_ids": [event_id(e)]})
    days = _current(doc)["request_days"]
    day = local_date(e.occurred_at).isoformat()
    days[day] = days.get(day, 0) + 1


def _request_answered(doc: Document, e: Account.CustomerRequestAnswered) -> None:
    request = next((r for r in doc["open_requests"] if r["request_id"] == e.request_id), None)
    if request is None:
        return
    doc["open_requests"].remove(request)
    answered = {**request, "event_ids": [*request["event_ids"], event_id(e)]}
    _count_answer(doc, answered, e.occurred_at)
    if e.concession:
        _keep_last(doc["concessions"], {
            "kind": request["kind"], "concession": e.concession, "answer": e.answer,
            "on": local_date(e.occurred_at).isoformat(),
            "event_ids": answered["event_ids"]}, CHANGES_KEPT)


def _count_answer(doc: Document, request: dict[str, Any], answered_at: datetime) -> None:
    """Each tenure that held the request answers for it while it held it: the one that
    received it from the day it came, a successor from the day his tenure began (an inherited
    request he answers is his credit, as fast as he answered it); a tenure that passed it on
    unanswered, as it stood at its handover."""
    received = parse_dt(request["received_at"])
    for tenure in doc["tenures"]:
        began = parse_dt(tenure["from"])
        ends = parse_dt(tenure["to"]) if tenure["to"] else None
        if (ends is not None and ends <= received) or began > answered_at:
            continue
        if ends is None or answered_at <= ends:
            _count_request(tenure, request, inherited=began > received,
                           answered_at=answered_at, until=answered_at)
        else:
            _count_request(tenure, request, inherited=began > received,
                           answered_at=None, until=ends)


def _count_request(tenure: dict[str, Any], request: dict[str, Any], *, inherited: bool,
                   answered_at: datetime | None, until: datetime) -> None:
    held = {**request, "inherited": inherited,
            "answered_at": iso(answered_at) if answered_at else None}
    if inherited:
        held["counted_from"] = tenure["from"]
    held["value"] = round(request_value(held, until), 3)
    _keep_last(tenure["answered_requests"], held)
    _count(tenure["request_answers"], received_day(held), 1, held["value"],
           len(held["event_ids"]))


def _complaint_concession(doc: Document, e: Account.ComplaintResolved) -> None:
    if e.concession:
        _keep_last(doc["concessions"], {
            "kind": "complaint", "concession": e.concession, "answer": "accepted",
            "on": local_date(e.occurred_at).isoformat(), "event_ids": [event_id(e)]},
            CHANGES_KEPT)


def _complaint_resolved(doc: Document, e: Account.ComplaintResolved) -> None:
    _complaint_step(doc, e)
    _complaint_concession(doc, e)


def _proposal_given(doc: Document, e: Account.ProposalGiven) -> None:
    _keep_last(doc["awaiting_replies"], {
        "proposal_id": e.proposal_id, "given_at": iso(e.occurred_at),
        "event_ids": [event_id(e)]}, AWAITING_KEPT)


def _proposal_reaction(doc: Document, e: Account.ProposalReactionRecorded) -> None:
    """The customer's first reaction to a proposal: how soon they replied (a later one
    changes nothing). The tenure holding the reaction's time keeps it."""
    given = next((p for p in doc["awaiting_replies"] if p["proposal_id"] == e.proposal_id),
                 None)
    if given is None:
        return
    doc["awaiting_replies"].remove(given)
    days = max(0.0, hours_between(given["given_at"], e.occurred_at) / 24)
    reply = {"proposal_id": e.proposal_id, "given_at": given["given_at"],
             "replied_at": iso(e.occurred_at), "utc": utc_key(e.occurred_at),
             "days": round(days, 2), "value": round(reply_value(days), 3),
             "event_ids": [*given["event_ids"], event_id(e)]}
    tenure = _tenure_of(doc, {"occurred_at": e.occurred_at})
    insort(tenure["replies"], reply, key=_by_time)
    del tenure["replies"][:-REPLIES_KEPT]


def _stakeholder(change: str) -> Handler:
    def record(doc: Document, e: Account.StakeholderAdded | Account.StakeholderChanged
               | Account.StakeholderLeft) -> None:
        _keep_last(doc["stakeholder_changes"], {
            "stakeholder_id": e.stakeholder_id, "change": change,
            "name": getattr(e, "name", None), "on": local_date(e.occurred_at).isoformat(),
            "event_ids": [event_id(e)]}, CHANGES_KEPT)
        _stakeholder_now(doc, e)

    return record


def _stakeholder_now(doc: Document, e: Account.StakeholderAdded | Account.StakeholderChanged
                     | Account.StakeholderLeft) -> None:
    """Who the stakeholder is now: name, decision power (決裁権), stance, still there or
    left (and when), with the events that said so."""
    if isinstance(e, Account.StakeholderAdded):
        doc["stakeholders"][e.stakeholder_id] = {
            "name": e.name, "decision_power": e.decision_power, "stance": e.stance,
            "added_at": iso(e.occurred_at), "left_on": None, "event_ids": [event_id(e)]}
        return
    stakeholder = doc["stakeholders"].get(e.stakeholder_id)
    if stakeholder is None:
        return
    stakeholder["event_ids"].append(event_id(e))
    if isinstance(e, Account.StakeholderLeft):
        # The stance they left with is kept: a supporter who left is the warning.
        stakeholder["left_on"] = local_date(e.occurred_at).isoformat()
        return
    if e.decision_power is not None:
        stakeholder["decision_power"] = e.decision_power
    if e.stance is not None:
        stakeholder["stance"] = e.stance


def _contract_renewed(doc: Document, e: Account.ContractRenewed) -> None:
    previous = doc["contract"]
    _keep_last(_current(doc)["renewals"], {
        "event_id": event_id(e), "renewed_on": local_date(e.occurred_at).isoformat(),
        "previous_end": previous["contract_end"] if previous else None})
    doc["contract"] = {"contract_end": e.contract_end.isoformat(), "event_id": event_id(e),
                       "renewed_at": iso(e.occurred_at)}


def _checkpoint(doc: Document, e: Account.HandoverCheckpointScheduled) -> None:
    doc["checkpoints"].append({"handover_id": e.handover_id, "event_id": event_id(e),
                               "checkpoint_on": e.checkpoint_on.isoformat()})


def _checkpoints_end(doc: Document, e: Account.HandoverCheckpointHeld
                     | Account.HandoverCancelled) -> None:
    """The review was held, or the handover cancelled: its checkpoints stop warning."""
    doc["checkpoints"] = [c for c in doc["checkpoints"] if c["handover_id"] != e.handover_id]


def _handover_completed(doc: Document, e: Account.HandoverCompleted) -> None:
    closing = _current(doc)
    opening = _new_tenure(e.to_rep_id, e.occurred_at, e.handover_id)
    _pass_on_later_evidence(closing, opening, e.occurred_at)
    closing["to"] = iso(e.occurred_at)
    closing["frozen"] = score_tenure(doc, len(doc["tenures"]) - 1, e.occurred_at)
    received = baseline(doc, e.occurred_at)
    doc["tenures"].append(opening)
    opening["baseline"] = received
    doc["checkpoints"] = [c for c in doc["checkpoints"] if c["handover_id"] == e.handover_id]


def _pass_on_later_evidence(closing: dict[str, Any], opening: dict[str, Any],
                            instant: datetime) -> None:
    """A completion recorded after it happened (back-dated): what the closing tenure holds
    from after that instant belongs to the successor's. Visits move by their time; open
    promises by the day they were made, complaints and requests by the day they were
    received (a day after the handover's day; those of that very day stay with the
    predecessor). What was closed after it — promises kept or broken, complaints resolved,
    requests answered — is judged as if the completion had been recorded in time
    (``_pass_on_closed_promises`` and the two after it). Renewals stay where they were."""
    after, day = utc_key(instant), local_date(instant).isoformat()
    opening["replies"] = [r for r in closing["replies"] if r["utc"] >= after]
    closing["replies"] = [r for r in closing["replies"] if r["utc"] < after]
    later = [v for v in closing["recent_visits"] if v["utc"] >= after]
    closing["recent_visits"] = [v for v in closing["recent_visits"] if v["utc"] < after]
    opening["recent_visits"] = later
    for visit_day in [d for d in closing["visit_days"] if d > day]:
        opening["visit_days"][visit_day] = closing["visit_days"].pop(visit_day)
    for visit in (v for v in later if v["day"] == day):
        code = _code_of(visit)
        if code in visit_codes(closing["visit_days"].get(day, "")):
            _remove_visit(closing, day, code)
            _add_visit(opening, day, code)
    for items, when in (("open_promises", lambda p: p["made_on"]),
                        ("open_complaints", received_day),
                        ("closed_complaints", received_day),
                        ("answered_requests", received_day)):
        opening[items] = [i for i in closing[items] if when(i) > day]
        closing[items] = [i for i in closing[items] if when(i) <= day]
    for days in ("complaint_days", "request_days", "request_answers"):
        for later_day in [d for d in closing[days] if d > day]:
            opening[days][later_day] = closing[days].pop(later_day)
    _pass_on_closed_promises(closing, opening, day)
    _pass_on_resolved_complaints(closing, opening, instant)
    _pass_on_answered_requests(closing, opening, instant)


def _uncount(days: dict[str, list[float]], day: str, *amounts: float) -> None:
    totals = days.get(day)
    if totals is None:
        return
    for index, amount in enumerate(amounts):
        totals[index] = round(totals[index] - amount, 9)
    if totals[0] <= 0:
        del days[day]


def _pass_on_closed_promises(closing: dict[str, Any], opening: dict[str, Any],
                             day: str) -> None:
    """Promises closed after the handover's day, recorded before its completion was: the
    successor closed them. One the predecessor made is inherited (his credit when kept on
    time, scored to no one otherwise), as if the completion had been recorded in time.
    Only those still kept whole (the last ``EVIDENCE_LISTED``) can move."""
    later = [p for p in closing["closed_promises"] if p["closed_on"] > day]
    closing["closed_promises"] = [p for p in closing["closed_promises"]
                                  if p["closed_on"] <= day]
    for promise in later:
        if promise["scored"]:
            _uncount(closing["promise_days"], promise["closed_on"],
                     promise["outcome"] == "kept", promise["outcome"] == "broken",
                     len(promise["event_ids"]), promise["value"])
        inherited = promise["inherited"] or promise["made_on"] <= day
        scored = promise["outcome"] in ("kept", "broken") and (
            not inherited or promise["value"] == 1.0)
        moved = {**promise, "inherited": inherited, "scored": scored}
        _keep_last(opening["closed_promises"], moved)
        if scored:
            _count(opening["promise_days"], moved["closed_on"], moved["outcome"] == "kept",
                   moved["outcome"] == "broken", len(moved["event_ids"]), moved["value"])


def _pass_on_resolved_complaints(closing: dict[str, Any], opening: dict[str, Any],
                                 instant: datetime) -> None:
    """Complaints received up to the handover and resolved after it, recorded before its
    completion was: the predecessor answers for them as they stood at the handover, the
    successor from the day his tenure began, as when the completion is recorded in time."""
    for complaint in [c for c in closing["closed_complaints"]
                      if not c.get("inherited") and parse_dt(c["resolved_at"]) > instant]:
        weight = severity_weight(complaint)
        day = received_day(complaint)
        _uncount(closing["complaint_days"], day, 1, weight * complaint["score"],
                 len(complaint["event_ids"]), weight)
        closing["closed_complaints"].remove(complaint)
        if parse_dt(complaint["received_at"]) >= instant:  # later the same day: his own
            _keep_last(opening["closed_complaints"], complaint)
            _count(opening["complaint_days"], day, 1, weight * complaint["score"],
                   len(complaint["event_ids"]), weight)
            continue
        mine = as_it_stood(complaint, instant)
        _keep_last(closing["closed_complaints"], mine)
        _count(closing["complaint_days"], day, 1, weight * mine["score"],
               len(complaint["event_ids"]), weight)
        inherited = {**complaint, "inherited": True, "counted_from": opening["from"]}
        inherited["score"] = complaint_score(inherited, parse_dt(complaint["resolved_at"]))
        _keep_last(opening["closed_complaints"], inherited)
        _count(opening["complaint_days"], received_day(inherited), 1,
               weight * inherited["score"], len(complaint["event_ids"]), weight)


def _pass_on_answered_requests(closing: dict[str, Any], opening: dict[str, Any],
                               instant: datetime) -> None:
    """Requests received up to the handover and answered after it, recorded before its
    completion was: split between the two tenures as ``_count_answer`` splits them."""
    for request in [r for r in closing["answered_requests"]
                    if r["answered_at"] and parse_dt(r["answered_at"]) > instant]:
        _uncount(closing["request_answers"], received_day(request), 1, request["value"],
                 len(request["event_ids"]))
        closing["answered_requests"].remove(request)
        answered_at = parse_dt(request["answered_at"])
        if parse_dt(request["received_at"]) >= instant:  # later the same day: his own
            _count_request(opening, request, inherited=False, answered_at=answered_at,
                           until=answered_at)
            continue
        _count_request(closing, request, inherited=request["inherited"], answered_at=None,
                       until=instant)
        _count_request(opening, {**request, "counted_from": opening["from"]}, inherited=True,
                       answered_at=answered_at, until=answered_at)


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
    elif e.corrected_kind == "StakeholderAdded" and "name" in e.corrections:
        for stakeholder in doc["stakeholders"].values():
            if stakeholder["event_ids"][0] == target:
                stakeholder["name"] = e.corrections["name"]


def _correct_visit(doc: Document, target: str, e: Account.RecordCorrected) -> None:
    holding = [t for t in doc["tenures"] if any(v["event_id"] == target
                                                for v in t["recent_visits"])]
    tenure = holding[0] if holding else _tenure_of(doc, e.originals)
    visit = next((v for v in tenure["recent_visits"] if v["event_id"] == target), None)
    if visit is not None:
        _move_visit_day(tenure, visit, e)
        if "occurred_at" in e.corrections:
            visit["occurred_at"] = iso(e.corrections["occurred_at"])
            visit["utc"] = utc_key(e.corrections["occurred_at"])
            visit["day"] = local_date(e.corrections["occurred_at"]).isoformat()
        for name in ("small_talk", "minutes_late", "attendees"):
            if name in e.corrections:
                visit[name] = e.corrections[name]
    elif "occurred_at" in e.corrections and e.originals.get("occurred_at") is not None:
        _move_uncited_visit(tenure, e)
    tenure["recent_visits"].sort(key=_by_time)


def _move_visit_day(tenure: dict[str, Any], visit: dict[str, Any],
                    e: Account.RecordCorrected) -> None:
    """The visit's code in ``visit_days`` (and its record count) follows the correction."""
    before = _code_of(visit)
    if before not in visit_codes(tenure["visit_days"].get(visit["day"], "")):
        return
    _remove_visit(tenure, visit["day"], before)
    after = visit_code(visit["channel"], e.corrections.get("small_talk", visit["small_talk"]),
                       e.corrections.get("minutes_late", visit["minutes_late"]))
    day = (local_date(e.corrections["occurred_at"]).isoformat()
           if "occurred_at" in e.corrections else visit["day"])
    _add_visit(tenure, day, after)


def _move_uncited_visit(tenure: dict[str, Any], e: Account.RecordCorrected) -> None:
    """A visit too old to be cited whole: its day's first visit moves to the new day."""
    old_day = local_date(e.originals["occurred_at"]).isoformat()
    new_day = local_date(e.corrections["occurred_at"]).isoformat()
    codes = visit_codes(tenure["visit_days"].get(old_day, ""))
    if not codes:
        return
    _remove_visit(tenure, old_day, codes[0])
    _add_visit(tenure, new_day, codes[0])


def _code_of(visit: dict[str, Any]) -> str:
    return visit_code(visit["channel"], visit["small_talk"], visit["minutes_late"])


def _add_visit(tenure: dict[str, Any], day: str, code: str) -> None:
    tenure["visit_days"][day] = tenure["visit_days"].get(day, "") + code


def _remove_visit(tenure: dict[str, Any], day: str, code: str) -> None:
    """The day's first visit with that code goes; the day too, when it was the last."""
    codes = visit_codes(tenure["visit_days"][day])
    codes.remove(code)
    if codes:
        tenure["visit_days"][day] = "".join(codes)
    else:
        del tenure["visit_days"][day]


def _tenure_of(doc: Document, originals: dict[str, Any]) -> dict[str, Any]:
    """The tenure whose period holds an instant: a corrected visit's original time, or the
    time a customer reacted to a proposal."""
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
    Account.ComplaintResolved: _complaint_resolved,
    Account.CustomerRequestReceived: _request_received,
    Account.CustomerRequestAnswered: _request_answered,
    Account.ProposalGiven: _proposal_given,
    Account.ProposalReactionRecorded: _proposal_reaction,
    Account.StakeholderAdded: _stakeholder("added"),
    Account.StakeholderChanged: _stakeholder("changed"),
    Account.StakeholderLeft: _stakeholder("left"),
    Account.ContractRenewed: _contract_renewed,
    Account.HandoverCheckpointScheduled: _checkpoint,
    Account.HandoverCheckpointHeld: _checkpoints_end,
    Account.HandoverCancelled: _checkpoints_end,
    Account.HandoverCompleted: _handover_completed,
    Account.RecordCorrected: _corrected,
}
IGNORED = frozenset({  # no evidence of a tenure's health
    Account.DetailsChanged,
    Account.NoteAdded, Account.HandoverInitiated, Account.HandoverDossierAcknowledged,
    Account.HandoverJointVisitMade, Account.HandoverCustomerInformed,
})


def evolve(doc: Document | None, event: Any) -> Document | None:
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    doc["version"] = event.originator_version
    return doc

# ---------------------------------------------------------------------- the report


def health_report(doc: Document, at: datetime, ramp_up_days: int = RAMP_UP_DAYS,
                  limits: Limits | None = None) -> dict[str, Any]:
    """Each tenure's health as of ``at``: frozen for past owners, live for the current one.

    Every tenure after the first carries its ``baseline`` (what it received) and its
    ``comparison`` (like-for-like with the predecessor), so no successor's score stands
    beside the predecessor's without it. A live tenure whose records are too few to score
    is ``thin_records`` (「記録が少ない」), whatever its score says."""
    tenures = []
    for index, tenure in enumerate(doc["tenures"]):
        started = parse_dt(tenure["from"])
        live = tenure["frozen"] is None
        if not live:
            status, health = "closed", tenure["frozen"]
        else:
            ramping = at - started < timedelta(days=ramp_up_days) and index > 0
            health = score_tenure(doc, index, at)
            status = ("thin_records" if health["thin_records"]
                      else "ramp_up" if ramping else "active")
        entry = {"rep_id": tenure["rep_id"], "from": tenure["from"], "to": tenure["to"],
                 "status": status, "health": health}
        if index > 0:
            entry["baseline"] = tenure["baseline"]
            entry["comparison"] = like_for_like(doc, index, at,
                                                health["score"] if live else None)
        tenures.append(entry)
    current = tenures[-1]
    summary = {"rep_id": current["rep_id"], "status": current["status"],
               "score": current["health"]["score"]}
    if "comparison" in current:
        summary["comparison"] = brief_comparison(current["comparison"])
    return {"current": summary, "tenures": tenures, "warnings": warnings(doc, at, limits),
            "as_of": iso(at)}


def brief_comparison(comparison: dict[str, Any]) -> dict[str, Any]:
    """The like-for-like figures alone, as the account's JSON shows them."""
    return {name: comparison[name] for name in (
        "predecessor_rep_id", "days", "predecessor_score", "score",
        "same_season_last_year_score")}


def handover_baseline(doc: Document, at: datetime) -> dict[str, Any]:
    """What a successor would receive were the handover completed at ``at``."""
    return baseline(doc, at)


class HealthView(AccountDocumentView):
    name: str = "health"
    table = "health_view"
    shape = 7  # 2: closed promises and complaints counted by day; 3: visits by day with
    # channel, records by day, requests, concessions, stakeholders, renewals, baselines;
    # 4: each visit's attendees, each stakeholder's decision power, stance and leaving;
    # 5: a cancelled handover's checkpoints end, a back-dated completion splits at its time;
    # 6: visits kept by day a few characters each (``visit_code``), not a list per visit;
    # 7: requests answered (``request_answers``), closed items passed on by a late completion,
    # the customer's replies to proposals (``replies``)
    evolve = staticmethod(evolve)
