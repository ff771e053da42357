"""Health, split by tenure: computed from evidence, never typed, and never inherited.

The fold keeps the evidence of each owner's tenure (visit days, recent visits, promises,
complaints). Scores are computed from that evidence at a given instant, so the same
document answers "today", "at handover" and "over the first 90 days" alike. A tenure's
score is frozen when its handover completes. The successor's first period is ramp-up,
and comparisons with the predecessor are like-for-like: same length of tenure, and the
same season a year earlier.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from domain.account import Account
from projections.base import AccountDocumentView, Document, Handler, Handlers, dispatch
from projections.records import (
    event_id,
    iso,
    json_safe,
    local_date,
    parse_date,
    parse_dt,
    utc_key,
)

RAMP_UP_DAYS = 90
RECENT_VISITS_KEPT = 50
COOLING_WINDOW = 5
LATE_MINUTES = 10
EVIDENCE_LISTED = 50

WEIGHTS = {"cadence": 0.35, "promises": 0.25, "complaints": 0.2, "renewal": 0.1, "warmth": 0.1}


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
    complaint["score"] = _complaint_score(complaint, e.occurred_at)
    _keep_last(tenure["closed_complaints"], complaint)
    _count(tenure["complaint_days"], _received_day(complaint), 1, complaint["score"],
           len(complaint["event_ids"]))


def _contract_renewed(doc: Document, e: Account.ContractRenewed) -> None:
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
    doc["tenures"].append(opening)
    doc["checkpoints"] = [c for c in doc["checkpoints"] if c["handover_id"] == e.handover_id]


def _pass_on_later_evidence(closing: dict[str, Any], opening: dict[str, Any],
                            instant: datetime) -> None:
    """A completion recorded after it happened (back-dated): what the closing tenure holds
    from after that instant belongs to the successor's. Visits move by their time; open
    promises by the day they were made, complaints by the day they were received (a day
    after the handover's day; those of that very day stay with the predecessor). Promises
    already closed stay where they closed: their counts are by day, whoever made them."""
    after, day = utc_key(instant), local_date(instant).isoformat()
    later = [v for v in closing["recent_visits"] if v["utc"] >= after]
    closing["recent_visits"] = [v for v in closing["recent_visits"] if v["utc"] < after]
    opening["recent_visits"] = later
    for visit_day in [d for d in closing["visit_days"] if d > day]:
        opening["visit_days"][visit_day] = closing["visit_days"].pop(visit_day)
    later_that_day = sum(1 for v in later if v["day"] == day)
    if later_that_day:
        opening["visit_days"][day] = later_that_day
        closing["visit_days"][day] -= later_that_day
        if closing["visit_days"][day] <= 0:
            del closing["visit_days"][day]
    for items, when in (("open_promises", lambda p: p["made_on"]),
                        ("open_complaints", _received_day),
                        ("closed_complaints", _received_day)):
        opening[items] = [i for i in closing[items] if when(i) > day]
        closing[items] = [i for i in closing[items] if when(i) <= day]
    for complaint_day in [d for d in closing["complaint_days"] if d > day]:
        opening["complaint_days"][complaint_day] = closing["complaint_days"].pop(complaint_day)


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
    Account.HandoverCheckpointHeld: _checkpoints_end,
    Account.HandoverCancelled: _checkpoints_end,
    Account.HandoverCompleted: _handover_completed,
    Account.RecordCorrected: _corrected,
}
IGNORED = frozenset({  # no evidence of a tenure's health
    Account.CustomerRequestReceived, Account.CustomerRequestAnswered,
    Account.ProposalGiven, Account.ProposalReactionRecorded,
    Account.StakeholderAdded, Account.StakeholderChanged, Account.StakeholderLeft,
    Account.NoteAdded, Account.HandoverInitiated, Account.HandoverDossierAcknowledged,
    Account.HandoverJointVisitMade, Account.HandoverCustomerInformed,
})


def evolve(doc: Document | None, event: Any) -> Document | None:
    doc = dispatch(doc, event, _opened, HANDLERS)
    if doc is None:
        return None
    doc["version"] = event.originator_version
    return doc


# ---------------------------------------------------------------------- scoring


@dataclass(frozen=True)
class Period:
    """Days from ``start`` up to, not including, ``end``; ``"YYYY-MM-DD" in period``."""

    start: date
    end: date
    first: str = field(init=False)
    stop: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "first", self.start.isoformat())
        object.__setattr__(self, "stop", self.end.isoformat())

    def __contains__(self, day: object) -> bool:
        return isinstance(day, str) and self.first <= day < self.stop


def _cadence(doc: Document, tenure: dict[str, Any], period: Period) -> dict[str, Any]:
    cadence = doc["visit_cadence_days"]
    elapsed = (period.end - period.start).days
    windows = elapsed // cadence
    days = [d for d in tenure["visit_days"] if d in period]
    ids = [v["event_id"] for v in tenure["recent_visits"] if v["day"] in period]
    if windows < 1:
        return _component("cadence", None, f"{cadence}日周期に満たない期間", ids)
    covered = {(parse_date(d) - period.start).days // cadence for d in days}
    covered = {w for w in covered if w < windows}
    value = len(covered) / windows
    return _component("cadence", value,
                      f"{windows}周期中{len(covered)}周期で訪問 (約束の訪問周期 {cadence}日)", ids)


def _promises(tenure: dict[str, Any], period: Period) -> dict[str, Any]:
    kept = broken = events = 0
    for day, (kept_on_day, broken_on_day, events_on_day) in tenure["promise_days"].items():
        if day in period:
            kept, broken, events = (kept + kept_on_day, broken + broken_on_day,
                                    events + events_on_day)
    ids = [i for p in tenure["closed_promises"]
           if not p["inherited"] and p["outcome"] in ("kept", "broken")
           and p["closed_on"] in period for i in p["event_ids"]]
    for promise in tenure["open_promises"]:
        if promise["due_date"] < period.stop and promise["made_on"] >= period.first:
            broken += 1
            events += len(promise["event_ids"])
            ids.extend(promise["event_ids"])
    if kept + broken == 0:
        return _component("promises", None, "評価できる約束なし", ids, events)
    return _component("promises", kept / (kept + broken),
                      f"守った約束 {kept} / 破った・期限切れ {broken}", ids, events)


def _hours(start: str, end: str | datetime) -> float:
    finish = end if isinstance(end, datetime) else parse_dt(end)
    return (finish - parse_dt(start)).total_seconds() / 3600


def _linear(value: float, good: float, bad: float) -> float:
    return max(0.0, min(1.0, (bad - value) / (bad - good)))


def _complaint_score(complaint: dict[str, Any], at: datetime) -> float:
    """Speed of first response and of resolution, each 1 when fast and 0 when slow."""
    response = _hours(complaint["received_at"], complaint["responded_at"] or at)
    resolution = _hours(complaint["received_at"], complaint["resolved_at"] or at)
    return (_linear(response, 24, 72) + _linear(resolution, 7 * 24, 30 * 24)) / 2


def _complaints(tenure: dict[str, Any], period: Period, at: datetime) -> dict[str, Any]:
    count, total, events = 0, 0.0, 0
    for day, (on_day, score_sum, events_on_day) in tenure["complaint_days"].items():
        if day in period:
            count, total, events = count + on_day, total + score_sum, events + events_on_day
    ids = [i for c in tenure["closed_complaints"] if _received_day(c) in period
           for i in c["event_ids"]]
    for complaint in tenure["open_complaints"]:
        if _received_day(complaint) in period:
            count, total = count + 1, total + _complaint_score(complaint, at)
            events += len(complaint["event_ids"])
            ids.extend(complaint["event_ids"])
    if not count:
        return _component("complaints", None, "クレームなし", ids, events)
    return _component("complaints", total / count,
                      f"クレーム {count}件の初動と解決の速さ", ids, events)


def _received_day(complaint: dict[str, Any]) -> str:
    return local_date(parse_dt(complaint["received_at"])).isoformat()


def _renewal(doc: Document, period: Period, at: datetime) -> dict[str, Any]:
    contract = doc["contract"]
    if not contract:
        return _component("renewal", None, "契約情報なし", [])
    if contract["contract_end"] < period.first:
        return _component("renewal", None, "契約はこの担当期間の前に終了",
                          [contract["event_id"]])
    days_left = (parse_date(contract["contract_end"]) - local_date(at)).days
    value = 1.0 if days_left > 90 else 0.5 if days_left >= 0 else 0.0
    return _component("renewal", value, f"契約終了まで{days_left}日", [contract["event_id"]])


def _warmth(tenure: dict[str, Any], period: Period) -> dict[str, Any]:
    visits = [v for v in tenure["recent_visits"] if v["day"] in period][-10:]
    if not visits:
        return _component("warmth", None, "訪問なし", [])
    small_talk = sum(1 for v in visits if v["small_talk"]) / len(visits)
    on_time = sum(1 for v in visits if v["minutes_late"] < LATE_MINUTES) / len(visits)
    return _component("warmth", (small_talk + on_time) / 2,
                      f"直近{len(visits)}回: 雑談あり {small_talk:.0%}・時間通り {on_time:.0%}",
                      [v["event_id"] for v in visits])


def _component(name: str, value: float | None, detail: str, ids: list[str],
               evidence_count: int | None = None) -> dict[str, Any]:
    """One component of a score: its value, how it was reached, and the events behind it
    (the latest ``EVIDENCE_LISTED`` cited by id; ``evidence_count`` counts them all)."""
    return {"name": name, "weight": WEIGHTS[name],
            "value": None if value is None else round(value, 3), "detail": detail,
            "event_ids": ids[-EVIDENCE_LISTED:],
            "evidence_count": len(ids) if evidence_count is None else evidence_count}


def score_tenure(doc: Document, index: int, at: datetime, *, start: date | None = None,
                 end: date | None = None) -> dict[str, Any]:
    """The tenure's score at instant ``at``, over [start, end) (default: the whole tenure)."""
    tenure = doc["tenures"][index]
    start = start or local_date(parse_dt(tenure["from"]))
    closes = local_date(parse_dt(tenure["to"])) if tenure["to"] else None
    end = end or min(closes or local_date(at), local_date(at)) + timedelta(days=1)
    period = Period(start, end)
    components = [
        _cadence(doc, tenure, period),
        _promises(tenure, period),
        _complaints(tenure, period, at),
        _renewal(doc, period, at),
        _warmth(tenure, period),
    ]
    rated = [c for c in components if c["value"] is not None]
    weight = sum(c["weight"] for c in rated)
    score = round(100 * sum(c["value"] * c["weight"] for c in rated) / weight) if rated else None
    return {"score": score, "from": start.isoformat(), "to": end.isoformat(),
            "components": components}


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
            entry["comparison"] = _like_for_like(doc, index, at)
        tenures.append(entry)
    current = tenures[-1]
    return {"current": {"rep_id": current["rep_id"], "status": current["status"],
                        "score": current["health"]["score"]},
            "tenures": tenures, "warnings": warnings(doc, at), "as_of": iso(at)}


def _like_for_like(doc: Document, index: int, at: datetime) -> dict[str, Any]:
    """The predecessor over the same length of tenure, and over the same season a year before."""
    successor, predecessor = doc["tenures"][index], doc["tenures"][index - 1]
    started = local_date(parse_dt(successor["from"]))
    length = (local_date(at) - started).days + 1
    pred_start = local_date(parse_dt(predecessor["from"]))
    pred_end = local_date(parse_dt(predecessor["to"]))
    same_length_end = min(pred_start + timedelta(days=length), pred_end + timedelta(days=1))
    season_start = started - timedelta(days=365)
    season_end = started - timedelta(days=365) + timedelta(days=length)
    same_season = None
    if pred_start <= season_start and season_end <= pred_end + timedelta(days=1):
        same_season = score_tenure(doc, index - 1, at, start=season_start, end=season_end)
    return {
        "predecessor_rep_id": predecessor["rep_id"],
        "days": length,
        "same_length": score_tenure(doc, index - 1, at, start=pred_start, end=same_length_end),
        "same_season_last_year": same_season,
    }


# ---------------------------------------------------------------------- warnings


def warnings(doc: Document, at: datetime) -> list[dict[str, Any]]:
    """Early-warning flags, each citing the events that raised it."""
    today = local_date(at)
    tenure = _current(doc)
    found: list[dict[str, Any]] = []

    def flag(code: str, severity: str, message: str, ids: list[str]) -> None:
        found.append({"code": code, "severity": severity, "message": message, "event_ids": ids})

    visits = [v for t in doc["tenures"] for v in t["recent_visits"]]
    visits.sort(key=_by_time)
    if visits:
        last = visits[-1]
        overdue = (today - parse_date(last["day"])).days - doc["visit_cadence_days"]
        if overdue > 0:
            flag("visit_overdue", "medium",
                 f"訪問が{overdue}日遅れています (最終訪問 {last['day']})", [last["event_id"]])
    recent, before = visits[-COOLING_WINDOW:], visits[-2 * COOLING_WINDOW:-COOLING_WINDOW]
    if len(before) == COOLING_WINDOW:
        ratio_now = sum(v["small_talk"] for v in recent) / COOLING_WINDOW
        ratio_before = sum(v["small_talk"] for v in before) / COOLING_WINDOW
        if ratio_before - ratio_now >= 0.4:
            flag("small_talk_declining", "medium",
                 f"雑談が減っています ({ratio_before:.0%} → {ratio_now:.0%})",
                 [v["event_id"] for v in before + recent])
    late = [v for v in recent if v["minutes_late"] >= LATE_MINUTES]
    if len(late) >= 2:
        flag("lateness", "medium", f"直近{len(recent)}回の訪問のうち{len(late)}回遅刻",
             [v["event_id"] for v in late])
    for t in doc["tenures"]:
        for promise in t["open_promises"]:
            if promise["due_date"] < today.isoformat():
                flag("promise_overdue", "high",
                     f"約束の期限切れ ({promise['due_date']}, {promise['made_by']}さんの約束)",
                     promise["event_ids"])
    recent_broken = [p for p in tenure["closed_promises"] if p["outcome"] == "broken"
                     and p["closed_on"] >= (today - timedelta(days=90)).isoformat()]
    if len(recent_broken) >= 2:
        flag("promises_broken", "high", f"90日以内に約束を{len(recent_broken)}回破っています",
             [i for p in recent_broken for i in p["event_ids"]])
    for t in doc["tenures"]:
        for complaint in t["open_complaints"]:
            waited = _hours(complaint["received_at"], at)
            if complaint["responded_at"] is None and waited > 24:
                flag("complaint_unanswered", "high",
                     f"クレームに{waited:.0f}時間初動なし", complaint["event_ids"])
            elif waited > 7 * 24:
                flag("complaint_open_long", "medium",
                     f"クレームが{waited / 24:.0f}日未解決", complaint["event_ids"])
    contract = doc["contract"]
    if contract:
        days_left = (parse_date(contract["contract_end"]) - today).days
        if days_left < 0:
            flag("contract_expired", "high", f"契約が{-days_left}日前に終了",
                 [contract["event_id"]])
        elif days_left <= 90:
            flag("renewal_due", "medium", f"契約終了まで{days_left}日", [contract["event_id"]])
    for checkpoint in doc["checkpoints"]:
        days = (parse_date(checkpoint["checkpoint_on"]) - today).days
        if days <= 7:
            flag("handover_checkpoint", "low",
                 f"引き継ぎの振り返り日 {checkpoint['checkpoint_on']}", [checkpoint["event_id"]])
    return found


class HealthView(AccountDocumentView):
    name: str = "health"
    table = "health_view"
    shape = 2  # health evidence: closed promises and complaints counted by day
    evolve = staticmethod(evolve)
