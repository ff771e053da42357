"""Health scoring: how a tenure's evidence (kept by projections.health) becomes a score.

A score is reached at an instant, over a period of days (``Period``), from five components,
each one rule in a function of its own, weighed by ``WEIGHTS``:

- cadence (``_cadence``): the share of agreed visit-cadence windows with a visit;
- promises (``_promises``): kept against broken or overdue; inherited promises never count;
- complaints (``_complaints``, ``complaint_score``): speed of first response and resolution;
- renewal (``_renewal``): how far off the contract's end is;
- warmth (``_warmth``): small talk and punctuality over the last ten visits.

A component with nothing to rate is ``None`` and left out of the weighted mean. Every
component says how it was reached (``detail``) and cites its events (``event_ids``).
``score_tenure`` scores one tenure; ``like_for_like`` compares a successor with the
predecessor fairly (same length of tenure, same season a year earlier); ``RAMP_UP_DAYS``
is the successor's first period, shown as ramp-up. The report a reader gets, with the
warnings, is ``projections.health.health_report``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from projections.base import Document
from projections.records import local_date, parse_date, parse_dt

WEIGHTS = {"cadence": 0.35, "promises": 0.25, "complaints": 0.2, "renewal": 0.1, "warmth": 0.1}
RAMP_UP_DAYS = 90  # a successor's first days, shown as ramp-up (not yet "active")
LATE_MINUTES = 10  # a visit this late is late: less warmth, a warning when repeated
EVIDENCE_LISTED = 50  # events a component cites by id (it counts them all); the fold
# keeps as many closed promises and complaints whole, to cite


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


def like_for_like(doc: Document, index: int, at: datetime) -> dict[str, Any]:
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


# ---------------------------------------------------------------------- the components


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


def _complaints(tenure: dict[str, Any], period: Period, at: datetime) -> dict[str, Any]:
    count, total, events = 0, 0.0, 0
    for day, (on_day, score_sum, events_on_day) in tenure["complaint_days"].items():
        if day in period:
            count, total, events = count + on_day, total + score_sum, events + events_on_day
    ids = [i for c in tenure["closed_complaints"] if received_day(c) in period
           for i in c["event_ids"]]
    for complaint in tenure["open_complaints"]:
        if received_day(complaint) in period:
            count, total = count + 1, total + complaint_score(complaint, at)
            events += len(complaint["event_ids"])
            ids.extend(complaint["event_ids"])
    if not count:
        return _component("complaints", None, "クレームなし", ids, events)
    return _component("complaints", total / count,
                      f"クレーム {count}件の初動と解決の速さ", ids, events)


def complaint_score(complaint: dict[str, Any], at: datetime) -> float:
    """Speed of first response and of resolution, each 1 when fast and 0 when slow
    (response: 24 h → 72 h; resolution: 7 → 30 days), as of ``at`` while still open."""
    response = hours_between(complaint["received_at"], complaint["responded_at"] or at)
    resolution = hours_between(complaint["received_at"], complaint["resolved_at"] or at)
    return (_linear(response, 24, 72) + _linear(resolution, 7 * 24, 30 * 24)) / 2


def received_day(complaint: dict[str, Any]) -> str:
    """A complaint counts in the period holding the day it was received (the fold counts
    closed ones by that day)."""
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


def hours_between(start: str, end: str | datetime) -> float:
    """Hours from a stored instant to another, stored or given."""
    finish = end if isinstance(end, datetime) else parse_dt(end)
    return (finish - parse_dt(start)).total_seconds() / 3600


def _linear(value: float, good: float, bad: float) -> float:
    return max(0.0, min(1.0, (bad - value) / (bad - good)))
