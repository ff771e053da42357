"""Early warnings (早期警告): what needs attention on an account now, from its health
evidence as of an instant (kept by projections.health), each flag citing the events that
raised it. They come with the health report (``projections.health.health_report``).

Each flag is one rule in ``warnings``, named by its ``code``: visit_overdue,
small_talk_declining, lateness, promise_overdue, promises_broken, complaint_unanswered,
complaint_open_long, contract_expired, renewal_due, handover_checkpoint.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from projections.base import Document
from projections.health_score import LATE_MINUTES, hours_between
from projections.records import local_date, parse_date

COOLING_WINDOW = 5  # visits compared with the five before them, for declining small talk


def warnings(doc: Document, at: datetime) -> list[dict[str, Any]]:
    """Early-warning flags, each citing the events that raised it."""
    today = local_date(at)
    tenure = doc["tenures"][-1]
    found: list[dict[str, Any]] = []

    def flag(code: str, severity: str, message: str, ids: list[str]) -> None:
        found.append({"code": code, "severity": severity, "message": message, "event_ids": ids})

    visits = [v for t in doc["tenures"] for v in t["recent_visits"]]
    visits.sort(key=lambda visit: visit["utc"])
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
            waited = hours_between(complaint["received_at"], at)
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
