"""The baseline at handover (引き継ぎ時点): the relationship as the successor received it.

Computed from the health evidence as it stood when the handover completed, and frozen in
the successor's tenure (``tenure["baseline"]``): later events never change it. The
successor is judged from it (projections.health_score: the mood he received, the promises
and complaints he inherited). Each part cites the events it came from (``event_ids``).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from projections.base import Document
from projections.health_score import (
    MOOD_WINDOW,
    SMALL_TALK_CHANNELS,
    best_contact,
    hours_between,
    replies_in,
    reply_speed,
)
from projections.records import iso, local_date, parse_date

CADENCE_DAYS = 90  # cadence kept over the last 90 days before the handover
STAKEHOLDERS_DAYS = 180  # stakeholders changed over the last 180 days


def baseline(doc: Document, at: datetime) -> dict[str, Any]:
    """What the successor received at ``at``: open promises (who made them, due), open
    complaints (severity, age), unanswered requests, standing concessions, small-talk share
    of the last visits, how soon the customer replied to the last proposals, cadence kept,
    contract days left, stakeholders changed."""
    today = local_date(at)
    parts = {
        "open_promises": _open_promises(doc, today),
        "open_complaints": _open_complaints(doc, at),
        "unanswered_requests": _unanswered_requests(doc, at),
        "concessions": [dict(c) for c in doc["concessions"]],
        "small_talk_share": _small_talk_share(doc),
        "reply_days": _reply_days(doc, at),
        "cadence_kept": _cadence_kept(doc, today),
        "contract_days_left": _contract_days_left(doc, today),
        "stakeholders_changed": _stakeholders_changed(doc, today),
    }
    cited = [i for part in parts.values() for i in _ids(part)]
    return {"at": iso(at), **parts, "event_ids": list(dict.fromkeys(cited))}


def _ids(part: Any) -> list[str]:
    if isinstance(part, list):
        return [i for item in part for i in item["event_ids"]]
    return list(part["event_ids"])


def _open_promises(doc: Document, today: date) -> list[dict[str, Any]]:
    return [{"promise_id": p["promise_id"], "made_by": p["made_by"], "made_on": p["made_on"],
             "due_date": p["due_date"], "overdue": p["due_date"] < today.isoformat(),
             "event_ids": list(p["event_ids"])}
            for t in doc["tenures"] for p in t["open_promises"]]


def _open_complaints(doc: Document, at: datetime) -> list[dict[str, Any]]:
    return [{"complaint_id": c["complaint_id"], "severity": c["severity"],
             "received_at": c["received_at"],
             "age_days": round(hours_between(c["received_at"], at) / 24, 1),
             "responded": c["responded_at"] is not None, "event_ids": list(c["event_ids"])}
            for t in doc["tenures"] for c in t["open_complaints"]]


def _unanswered_requests(doc: Document, at: datetime) -> list[dict[str, Any]]:
    return [{"request_id": r["request_id"], "kind": r["kind"], "received_at": r["received_at"],
             "age_days": round(hours_between(r["received_at"], at) / 24, 1),
             "event_ids": list(r["event_ids"])}
            for r in doc["open_requests"]]


def _visits(doc: Document) -> list[dict[str, Any]]:
    visits = [v for t in doc["tenures"] for v in t["recent_visits"]]
    visits.sort(key=lambda visit: visit["utc"])
    return visits


def _small_talk_share(doc: Document) -> dict[str, Any]:
    """Small talk on the last visits (in person, online, by phone: not e-mail)."""
    talk = [v for v in _visits(doc) if v.get("channel", "in_person") in SMALL_TALK_CHANNELS]
    last = talk[-MOOD_WINDOW:]
    value = round(sum(1 for v in last if v["small_talk"]) / len(last), 3) if last else None
    return {"value": value, "visits": len(last), "event_ids": [v["event_id"] for v in last]}


def _reply_days(doc: Document, at: datetime) -> dict[str, Any]:
    """How soon the customer reacted to the last proposals (a proposal left unanswered
    counts as no reply): the mean days, and the promptness the successor is judged from."""
    replies = sorted((r for t in doc["tenures"] for r in replies_in(doc, t, at)),
                     key=lambda reply: reply.utc)[-MOOD_WINDOW:]
    speed = reply_speed(replies)
    return {"value": round(sum(r.days for r in replies) / len(replies), 1) if replies else None,
            "replies": len(replies), "speed": None if speed is None else round(speed, 3),
            "event_ids": [i for r in replies for i in r.event_ids]}


def _cadence_kept(doc: Document, today: date) -> dict[str, Any]:
    """The agreed cadence's windows over the last 90 days, each by its best contact."""
    cadence = doc["visit_cadence_days"]
    start = today - timedelta(days=CADENCE_DAYS)
    windows = CADENCE_DAYS // cadence
    best: dict[int, float] = {}
    for tenure in doc["tenures"]:
        for day, codes in tenure["visit_days"].items():
            offset = (parse_date(day) - start).days
            if 0 <= offset < CADENCE_DAYS and offset // cadence < windows:
                best[offset // cadence] = max(best.get(offset // cadence, 0.0),
                                              best_contact(codes))
    first = start.isoformat()
    ids = [v["event_id"] for v in _visits(doc) if first <= v["day"] < today.isoformat()]
    value = round(sum(best.values()) / windows, 3) if windows else None
    return {"value": value, "windows": windows, "covered": len(best), "days": CADENCE_DAYS,
            "event_ids": ids}


def _contract_days_left(doc: Document, today: date) -> dict[str, Any]:
    contract = doc["contract"]
    if not contract:
        return {"value": None, "contract_end": None, "event_ids": []}
    return {"value": (parse_date(contract["contract_end"]) - today).days,
            "contract_end": contract["contract_end"], "event_ids": [contract["event_id"]]}


def _stakeholders_changed(doc: Document, today: date) -> list[dict[str, Any]]:
    since = (today - timedelta(days=STAKEHOLDERS_DAYS)).isoformat()
    return [dict(change) for change in doc["stakeholder_changes"] if change["on"] >= since]
