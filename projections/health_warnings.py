"""Early warnings (早期警告): what needs attention on an account now, from its health
evidence as of an instant (kept by projections.health), each flag citing the events that
raised it. They come with the health report (``projections.health.health_report``).

Two kinds of rule. Signs of how the relationship is kept — small talk (falling, or
staying low), lateness, broken promises, the decision-maker absent, concessions repeated —
are read within the current tenure only: a successor's formal first visits after a warm
predecessor are not cooling, and the predecessor's broken promises are not his. What
stands on the account now — a visit overdue, a promise or complaint open, a request
unanswered, a supporter gone, the contract — is read whoever's tenure it began in.

Each rule is a function of its own, named after the flags it raises; ``RULES`` lists them
in the order their flags are reported. A flag says what it found as data, never as
text: its ``code`` (a ``WarningCode``), its ``facts`` (days, dates, counts, shares, the
customer's people by name) and, where it names a user, their ``user_id``. The reads render
the Japanese message from those (``WARNING_MESSAGES_JA`` in api/web/labels.py), the user
by their registered name, wherever warnings are served.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from projections.base import Document
from projections.health_score import LATE_MINUTES, SMALL_TALK_CHANNELS, hours_between
from projections.records import attended, local_date, parse_date, parse_dt

COOLING_WINDOW = 5  # the tenure's last visits: how late, how much small talk (not e-mail)
SMALL_TALK_DROP = 0.4  # small talk falling this much against the 5 visits before: cooling
SMALL_TALK_LOW = 0.2  # small talk on at most this share of the last 5 visits: staying low
LATE_VISITS = 2  # visits in person this late (LATE_MINUTES) among the last 5
BROKEN_PROMISES_DAYS = 90  # how far back the tenure's own broken promises are counted
BROKEN_PROMISES = 2  # this many or more
REQUEST_UNANSWERED_DAYS = 7  # default of TSUNAGI_REQUEST_UNANSWERED_DAYS
DECISION_MAKER_VISITS = 3  # meetings (in person, online) a decision-maker may miss
MEETING_CHANNELS = frozenset({"in_person", "online"})  # where attendance means something
SUPPORTER_LEFT_DAYS = 90  # a supportive stakeholder who left this recently
CONCESSIONS_DAYS = 180  # concessions within the tenure over the last 180 days
CONCESSIONS_REPEATED = 2  # this many or more

Flag = dict[str, Any]
Facts = dict[str, str | int | float]


class WarningCode(StrEnum):
    """What a warning is about; each has its words in WARNING_MESSAGES_JA (api/web/labels.py)."""

    VISIT_OVERDUE = "visit_overdue"
    SMALL_TALK_DECLINING = "small_talk_declining"
    SMALL_TALK_LOW = "small_talk_low"
    LATENESS = "lateness"
    PROMISE_OVERDUE = "promise_overdue"
    PROMISES_BROKEN = "promises_broken"
    COMPLAINT_UNANSWERED = "complaint_unanswered"
    COMPLAINT_OPEN_LONG = "complaint_open_long"
    REQUEST_UNANSWERED = "request_unanswered"
    DECISION_MAKER_ABSENT = "decision_maker_absent"
    SUPPORTER_LEFT = "supporter_left"
    CONCESSIONS_REPEATED = "concessions_repeated"
    CONTRACT_EXPIRED = "contract_expired"
    RENEWAL_DUE = "renewal_due"
    HANDOVER_CHECKPOINT = "handover_checkpoint"


@dataclass(frozen=True)
class Limits:
    """The thresholds a deployment sets (api/settings.py)."""

    request_unanswered_days: int = REQUEST_UNANSWERED_DAYS


Rule = Callable[[Document, datetime, Limits], list[Flag]]


def warnings(doc: Document, at: datetime, limits: Limits | None = None) -> list[Flag]:
    """Early-warning flags, each citing the events that raised it."""
    chosen = limits or Limits()
    return [found for rule in RULES for found in rule(doc, at, chosen)]


def _flag(code: WarningCode, severity: str, facts: Facts, ids: list[str],
          user_id: str | None = None) -> Flag:
    flag: Flag = {"code": code.value, "severity": severity, "facts": facts, "event_ids": ids}
    if user_id is not None:
        flag["user_id"] = user_id
    return flag


def _visits(doc: Document) -> list[dict[str, Any]]:
    """The recent visits of every tenure, oldest first."""
    visits = [v for t in doc["tenures"] for v in t["recent_visits"]]
    visits.sort(key=lambda visit: visit["utc"])
    return visits


def _tenure_visits(doc: Document, channels: frozenset[str]) -> list[dict[str, Any]]:
    """The current tenure's recent visits by these channels, oldest first."""
    return [v for v in doc["tenures"][-1]["recent_visits"]
            if v.get("channel", "in_person") in channels]


def _tenure_start(doc: Document) -> str:
    """The day the current tenure began (JST), as stored days are written."""
    return local_date(parse_dt(doc["tenures"][-1]["from"])).isoformat()


def _visit_overdue(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    visits = _visits(doc)
    if not visits:
        return []
    last = visits[-1]
    overdue = (local_date(at) - parse_date(last["day"])).days - doc["visit_cadence_days"]
    if overdue <= 0:
        return []
    return [_flag(WarningCode.VISIT_OVERDUE, "medium",
                  {"days": overdue, "last_visit_on": last["day"]}, [last["event_id"]])]


def _share(visits: list[dict[str, Any]]) -> float:
    return sum(1 for v in visits if v["small_talk"]) / len(visits)


def _small_talk_declining_or_low(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Over the tenure's last 5 visits (not e-mail: small talk on an e-mail means nothing):
    small talk fallen against the 5 before, or, without such a fall, staying low."""
    talk = _tenure_visits(doc, SMALL_TALK_CHANNELS)
    recent, before = talk[-COOLING_WINDOW:], talk[-2 * COOLING_WINDOW:-COOLING_WINDOW]
    if len(recent) < COOLING_WINDOW:
        return []
    now = _share(recent)
    if len(before) == COOLING_WINDOW and _share(before) - now >= SMALL_TALK_DROP:
        return [_flag(WarningCode.SMALL_TALK_DECLINING, "medium",
                      {"share_before": _share(before), "share": now},
                      [v["event_id"] for v in before + recent])]
    if now <= SMALL_TALK_LOW:
        return [_flag(WarningCode.SMALL_TALK_LOW, "medium",
                      {"visits": COOLING_WINDOW, "share": now},
                      [v["event_id"] for v in recent])]
    return []


def _lateness(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    recent = _tenure_visits(doc, frozenset({"in_person"}))[-COOLING_WINDOW:]
    late = [v for v in recent if v["minutes_late"] >= LATE_MINUTES]
    if len(late) < LATE_VISITS:
        return []
    return [_flag(WarningCode.LATENESS, "medium", {"visits": len(recent), "late": len(late)},
                  [v["event_id"] for v in late])]


def _promise_overdue(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Every open promise past its due date, whoever made it (inherited ones too)."""
    today = local_date(at).isoformat()
    return [_flag(WarningCode.PROMISE_OVERDUE, "high", {"due_date": promise["due_date"]},
                  promise["event_ids"], promise["made_by"])
            for t in doc["tenures"] for promise in t["open_promises"]
            if promise["due_date"] < today]


def _promises_broken(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Two promises or more of the current tenure's own broken lately (an inherited one
    broken is scored to no one, and warns of no one)."""
    tenure = doc["tenures"][-1]
    since = (local_date(at) - timedelta(days=BROKEN_PROMISES_DAYS)).isoformat()
    broken = [p for p in tenure["closed_promises"]
              if p["outcome"] == "broken" and not p["inherited"] and p["closed_on"] >= since]
    if len(broken) < BROKEN_PROMISES:
        return []
    return [_flag(WarningCode.PROMISES_BROKEN, "high",
                  {"days": BROKEN_PROMISES_DAYS, "count": len(broken)},
                  [i for p in broken for i in p["event_ids"]], tenure["rep_id"])]


def _complaint_unanswered_or_open_long(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Each open complaint: no first response after a day, else unresolved after a week."""
    found = []
    for t in doc["tenures"]:
        for complaint in t["open_complaints"]:
            waited = hours_between(complaint["received_at"], at)
            if complaint["responded_at"] is None and waited > 24:
                found.append(_flag(WarningCode.COMPLAINT_UNANSWERED, "high",
                                   {"hours": round(waited)}, complaint["event_ids"]))
            elif waited > 7 * 24:
                found.append(_flag(WarningCode.COMPLAINT_OPEN_LONG, "medium",
                                   {"days": round(waited / 24)}, complaint["event_ids"]))
    return found


def _contract_expired_or_renewal_due(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    contract = doc["contract"]
    if not contract:
        return []
    days_left = (parse_date(contract["contract_end"]) - local_date(at)).days
    if days_left < 0:
        return [_flag(WarningCode.CONTRACT_EXPIRED, "high",
                      {"days": -days_left, "contract_end": contract["contract_end"]},
                      [contract["event_id"]])]
    if days_left <= 90:
        return [_flag(WarningCode.RENEWAL_DUE, "medium",
                      {"days": days_left, "contract_end": contract["contract_end"]},
                      [contract["event_id"]])]
    return []


def _handover_checkpoint(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """A handover's review day (振り返り日) within a week, or past."""
    today = local_date(at)
    return [_flag(WarningCode.HANDOVER_CHECKPOINT, "low",
                  {"checkpoint_on": checkpoint["checkpoint_on"],
                   "handover_id": checkpoint["handover_id"]}, [checkpoint["event_id"]])
            for checkpoint in doc["checkpoints"]
            if (parse_date(checkpoint["checkpoint_on"]) - today).days <= 7]


def _request_unanswered(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Each customer request still unanswered after ``request_unanswered_days``."""
    found = []
    for request in doc["open_requests"]:
        waited = hours_between(request["received_at"], at) / 24
        if waited > limits.request_unanswered_days:
            received = local_date(parse_dt(request["received_at"])).isoformat()
            found.append(_flag(WarningCode.REQUEST_UNANSWERED, "medium",
                               {"days": round(waited), "received_on": received},
                               request["event_ids"]))
    return found


def _decision_maker_absent(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Each decision-maker (決裁権) still there and at none of the tenure's last meetings."""
    meetings = _tenure_visits(doc, MEETING_CHANNELS)[-DECISION_MAKER_VISITS:]
    if len(meetings) < DECISION_MAKER_VISITS:
        return []
    return [_flag(WarningCode.DECISION_MAKER_ABSENT, "medium",
                  {"stakeholder": person["name"], "visits": DECISION_MAKER_VISITS},
                  [*person["event_ids"], *(v["event_id"] for v in meetings)])
            for person in doc["stakeholders"].values()
            if person["decision_power"] and person["left_on"] is None
            and not any(attended(person["name"], v.get("attendees", [])) for v in meetings)]


def _supporter_left(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """A supportive stakeholder (協力的) who left within ``SUPPORTER_LEFT_DAYS``."""
    since = (local_date(at) - timedelta(days=SUPPORTER_LEFT_DAYS)).isoformat()
    return [_flag(WarningCode.SUPPORTER_LEFT, "medium",
                  {"stakeholder": person["name"], "left_on": person["left_on"]},
                  list(person["event_ids"]))
            for person in doc["stakeholders"].values()
            if person["stance"] == "supportive" and person["left_on"] is not None
            and person["left_on"] >= since]


def _concessions_repeated(doc: Document, at: datetime, limits: Limits) -> list[Flag]:
    """Concessions (値引き, 特別対応…) repeated within the current tenure lately."""
    since = max(_tenure_start(doc),
                (local_date(at) - timedelta(days=CONCESSIONS_DAYS)).isoformat())
    given = [c for c in doc["concessions"] if c["on"] >= since]
    if len(given) < CONCESSIONS_REPEATED:
        return []
    return [_flag(WarningCode.CONCESSIONS_REPEATED, "medium",
                  {"since": since, "count": len(given)},
                  [i for c in given for i in c["event_ids"]])]


RULES: tuple[Rule, ...] = (
    _visit_overdue,
    _small_talk_declining_or_low,
    _lateness,
    _promise_overdue,
    _promises_broken,
    _complaint_unanswered_or_open_long,
    _request_unanswered,
    _decision_maker_absent,
    _supporter_left,
    _concessions_repeated,
    _contract_expired_or_renewal_due,
    _handover_checkpoint,
)
