"""Month by month: visits counted by the dossier fold, health scored from the evidence.

Each month's health is the score, at the month's end, of the tenure running then, over its
last ``TREND_DAYS`` days and never before the tenure began: a cooling shows in the months
it happens (a whole tenure's average would hide it), and a successor's first months are
his alone, drawn as a line of their own (``MonthValue.tenure``), not as a continuation of
the predecessor's."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from api.web.charts import MonthValue
from projections import health_score
from projections.records import BUSINESS_TZ, local_date, parse_dt

MONTHS_SHOWN = 12
TREND_DAYS = 90  # each month's health is scored over the tenure's last 90 days


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
    """Each month's health at its end: the tenure running then, over its last
    ``TREND_DAYS`` days within that tenure."""
    opened = parse_dt(evidence["opened_at"])
    points = []
    for month, at in months:
        index = _tenure_at(evidence, at)
        if at < opened or index is None:
            points.append(MonthValue(month, None))
            continue
        tenure = evidence["tenures"][index]
        began = local_date(parse_dt(tenure["from"]))
        start = max(began, local_date(at) - timedelta(days=TREND_DAYS - 1))
        score = health_score.score_tenure(evidence, index, at, start=start)["score"]
        points.append(MonthValue(month, score, tenure["rep_id"], index))
    return points


def _tenure_at(evidence: dict[str, Any], at: datetime) -> int | None:
    for index, tenure in enumerate(evidence["tenures"]):
        if parse_dt(tenure["from"]) <= at and (tenure["to"] is None
                                               or at < parse_dt(tenure["to"])):
            return index
    return None
