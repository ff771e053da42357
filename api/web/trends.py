"""Month by month: visits counted by the dossier fold, health scored from the evidence."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.web.charts import MonthValue
from projections import health_score
from projections.records import BUSINESS_TZ, parse_dt

MONTHS_SHOWN = 12


def last_months(now: datetime, count: int = MONTHS_SHOWN) -> list[tuple[str, datetime]]:
    """(YYYY-MM, the month's last instant or now) for the last ``count`` months in JST."""
    local = now.astimezone(BUSINESS_TZ)
    year, month = local.year, local.month
    found: list[tuple[str, datetime]] = []
    for _ in range(count):
        following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=BUSINESS_TZ)
        end = min(following - timedelta(microseconds=1), now)
        found.append((f"{year:04d}-{month:02d}", end))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def visits_by_month(rhythm: dict[str, Any], months: list[tuple[str, datetime]]
                    ) -> list[MonthValue]:
    counted = rhythm["visits_by_month"]
    return [MonthValue(month, counted.get(month, 0)) for month, _ in months]


def health_by_month(evidence: dict[str, Any], months: list[tuple[str, datetime]]
                    ) -> list[MonthValue]:
    """Each month's health at its end, scored for the tenure running then."""
    opened = parse_dt(evidence["opened_at"])
    points = []
    for month, at in months:
        index = _tenure_at(evidence, at)
        if at < opened or index is None:
            points.append(MonthValue(month, None))
            continue
        score = health_score.score_tenure(evidence, index, at)["score"]
        points.append(MonthValue(month, score, evidence["tenures"][index]["rep_id"]))
    return points


def _tenure_at(evidence: dict[str, Any], at: datetime) -> int | None:
    for index, tenure in enumerate(evidence["tenures"]):
        if parse_dt(tenure["from"]) <= at and (tenure["to"] is None
                                               or at < parse_dt(tenure["to"])):
            return index
    return None
