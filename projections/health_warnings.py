"""Early warnings (早期警告): what needs attention on an account now, from its health
evidence as of an instant (kept by projections.health), each flag citing the events that
raised it. They come with the health report (``projections.health.health_report``).

Each rule is a function of its own, named after the flags it raises; ``RULES`` lists them
in the order their flags are reported.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from projections.base import Document
from projections.health_score import LATE_MINUTES, hours_between
from projections.records import local_date, parse_date

COOLING_WINDOW = 5  # the last visits: how late, and how much small talk against the ones before
BROKEN_PROMISES_DAYS = 90  # how far back broken promises are counted

Flag = dict[str, Any]
Rule = Callable[[Document, datetime], list[Flag]]


def warnings(doc: Document, at: datetime) -> list[Flag]:
    """Early-warning flags, each citing the events that raised it."""
    return [found for rule in RULES for found in rule(doc, at)]


def _flag(code: str, severity: str, message: str, ids: list[str]) -> Flag:
    return {"code": code, "severity": severity, "message": message, "event_ids": ids}


def _visits(doc: Document) -> list[dict[str, Any]]:
    """The recent visits of every tenure, oldest first."""
    visits = [v for t in doc["tenures"] for v in t["recent_visits"]]
    visits.sort(key=lambda visit: visit["utc"])
    return visits


def _visit_overdue(doc: Document, at: datetime) -> list[Flag]:
    visits = _visits(doc)
    if not visits:
        return []
    last = visits[-1]
    overdue = (local_date(at) - parse_date(last["day"])).days - doc["visit_cadence_days"]
    if overdue <= 0:
        return []
    return [_flag("visit_overdue", "medium",
                  f"訪問が{overdue}日遅れています (最終訪問 {last['day']})", [last["event_id"]])]


def _small_talk_declining(doc: Document, at: datetime) -> list[Flag]:
    visits = _visits(doc)
    recent, before = visits[-COOLING_WINDOW:], visits[-2 * COOLING_WINDOW:-COOLING_WINDOW]
    if len(before) < COOLING_WINDOW:
        return []
    ratio_now = sum(v["small_talk"] for v in recent) / COOLING_WINDOW
    ratio_before = sum(v["small_talk"] for v in before) / COOLING_WINDOW
    if ratio_before - ratio_now < 0.4:
        return []
    return [_flag("small_talk_declining", "medium",
                  f"雑談が減っています ({ratio_before:.0%} → {ratio_now:.0%})",
                  [v["event_id"] for v in before + recent])]


def _lateness(doc: Document, at: datetime) -> list[Flag]:
    recent = _visits(doc)[-COOLING_WINDOW:]
    late = [v for v in recent if v["minutes_late"] >= LATE_MINUTES]
    if len(late) < 2:
        return []
    return [_flag("lateness", "medium", f"直近{len(recent)}回の訪問のうち{len(late)}回遅刻",
                  [v["event_id"] for v in late])]


def _promise_overdue(doc: Document, at: datetime) -> list[Flag]:
    """Every open promise past its due date, whoever made it (inherited ones too)."""
    today = local_date(at).isoformat()
    return [_flag("promise_overdue", "high",
                  f"約束の期限切れ ({promise['due_date']}, {promise['made_by']}さんの約束)",
                  promise["event_ids"])
            for t in doc["tenures"] for promise in t["open_promises"]
            if promise["due_date"] < today]


def _promises_broken(doc: Document, at: datetime) -> list[Flag]:
    """Two promises or more broken lately in the current tenure (inherited ones too)."""
    since = (local_date(at) - timedelta(days=BROKEN_PROMISES_DAYS)).isoformat()
    broken = [p for p in doc["tenures"][-1]["closed_promises"]
              if p["outcome"] == "broken" and p["closed_on"] >= since]
    if len(broken) < 2:
        return []
    return [_flag("promises_broken", "high",
                  f"{BROKEN_PROMISES_DAYS}日以内に約束を{len(broken)}回破っています",
                  [i for p in broken for i in p["event_ids"]])]


def _complaint_unanswered_or_open_long(doc: Document, at: datetime) -> list[Flag]:
    """Each open complaint: no first response after a day, else unresolved after a week."""
    found = []
    for t in doc["tenures"]:
        for complaint in t["open_complaints"]:
            waited = hours_between(complaint["received_at"], at)
            if complaint["responded_at"] is None and waited > 24:
                found.append(_flag("complaint_unanswered", "high",
                                   f"クレームに{waited:.0f}時間初動なし", complaint["event_ids"]))
            elif waited > 7 * 24:
                found.append(_flag("complaint_open_long", "medium",
                                   f"クレームが{waited / 24:.0f}日未解決", complaint["event_ids"]))
    return found


def _contract_expired_or_renewal_due(doc: Document, at: datetime) -> list[Flag]:
    contract = doc["contract"]
    if not contract:
        return []
    days_left = (parse_date(contract["contract_end"]) - local_date(at)).days
    if days_left < 0:
        return [_flag("contract_expired", "high", f"契約が{-days_left}日前に終了",
                      [contract["event_id"]])]
    if days_left <= 90:
        return [_flag("renewal_due", "medium", f"契約終了まで{days_left}日",
                      [contract["event_id"]])]
    return []


def _handover_checkpoint(doc: Document, at: datetime) -> list[Flag]:
    """A handover's review day (振り返り日) within a week, or past."""
    today = local_date(at)
    return [_flag("handover_checkpoint", "low",
                  f"引き継ぎの振り返り日 {checkpoint['checkpoint_on']}", [checkpoint["event_id"]])
            for checkpoint in doc["checkpoints"]
            if (parse_date(checkpoint["checkpoint_on"]) - today).days <= 7]


RULES: tuple[Rule, ...] = (
    _visit_overdue,
    _small_talk_declining,
    _lateness,
    _promise_overdue,
    _promises_broken,
    _complaint_unanswered_or_open_long,
    _contract_expired_or_renewal_due,
    _handover_checkpoint,
)
