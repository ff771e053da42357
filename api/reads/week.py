"""A rep's route over business days (週のルート): each day's stops, promises, complaints and
handovers; a visit or a promise falling due on a day off moves to the business day before.

Each stop carries what the rep should have in mind at the door, from the account's dossier:
the time window the customer is usually visited in, cautions and 禁句, open promises,
unanswered requests, open complaints and the renewal countdown."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from api.reads.common import wait_for_views
from api.reads.models import RouteWeekPublic
from api.settings import Settings
from domain.business_days import BusinessCalendar
from projections.base import AccountDocumentView
from projections.route import VISIT, RouteView
from projections.runner import Views

WEEKDAYS_JA = "月火水木金土日"
WINDOW_MIN_VISITS = 3  # fewer visits teach no habit


def preferred_window(rhythm: dict[str, Any]) -> dict[str, Any] | None:
    """The weekday and the hour (JST) the account is most often visited at, once it has been
    visited often enough to say (e.g. 火曜10時台)."""
    if rhythm["visits_total"] < WINDOW_MIN_VISITS or not rhythm["weekdays"] or not rhythm["hours"]:
        return None
    weekday, on_weekday = _most(rhythm["weekdays"])
    hour, at_hour = _most(rhythm["hours"])
    return {"weekday": int(weekday), "hour": int(hour),
            "label": f"{WEEKDAYS_JA[int(weekday)]}曜{int(hour)}時台",
            "visits": rhythm["visits_total"], "on_weekday": on_weekday, "at_hour": at_hour}


def _most(counts: dict[str, int]) -> tuple[str, int]:
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def briefing(dossier: dict[str, Any] | None, on: date) -> dict[str, Any]:
    """What a stop should have in mind on ``on``, from the account's dossier document."""
    if dossier is None:
        return {"preferred_window": None, "cautions": [], "open_promises": [],
                "requests_unanswered": [], "complaints_open": [], "contract": None}
    contract = dossier["contract"]
    return {
        "preferred_window": preferred_window(dossier["rhythm"]),
        "cautions": [{"topic": n["topic"], "text": n["text"], "basis": n["basis"],
                      "event_ids": n["event_ids"]}
                     for n in dossier["notes"] if n["topic"] in ("caution", "taboo")],
        "open_promises": [{"promise_id": p["promise_id"], "description": p["description"],
                           "due_date": p["due_date"], "made_to": p["made_to"],
                           "made_by": p["made_by"], "event_ids": p["event_ids"]}
                          for p in dossier["open_promises"]],
        "requests_unanswered": [{"request_id": r["request_id"], "kind": r["kind"],
                                 "detail": r["detail"], "received_at": r["received_at"],
                                 "event_ids": r["event_ids"]}
                                for r in dossier["requests"] if r["answer"] is None],
        "complaints_open": [{"complaint_id": c["complaint_id"], "subject": c["subject"],
                             "severity": c["severity"], "event_ids": c["event_ids"]}
                            for c in dossier["complaints"] if c["status"] != "resolved"],
        "contract": None if contract is None else {
            "contract_end": contract["contract_end"],
            "days_left": (date.fromisoformat(contract["contract_end"]) - on).days,
            "event_ids": contract["event_ids"]},
    }


def route_week_public(views: Views, settings: Settings, rep_id: str, start: date,
                      days: int) -> RouteWeekPublic:
    """The rep's next ``days`` business days from ``start``, each with its items."""
    calendar = settings.business_calendar
    business = calendar.business_days(start, days)
    first, last = business[0], business[-1]
    until = calendar.on_or_after(last + timedelta(days=1)) - timedelta(days=1)
    wait_for_views(views, settings, "route", "dossier")
    route: RouteView = views["route"]  # type: ignore[assignment]
    rows = route.due_by(rep_id, until)
    dossiers: AccountDocumentView = views["dossier"]  # type: ignore[assignment]
    with dossiers.view.reading() as cursor:
        documents = dossiers.load_many(
            cursor, sorted({account_id for account_id, kind, _, _ in rows if kind == VISIT}))
    by_day: dict[date, list[dict[str, Any]]] = {day: [] for day in business}
    for account_id, kind, due_on, payload in rows:
        placed = _placed(calendar, kind, due_on, first, until)
        if placed is None:
            continue
        item = _item(calendar, account_id, kind, due_on, payload, placed)
        if kind == VISIT:
            item.update(briefing(documents.get(account_id), placed))
        by_day[placed].append(item)
    closed = [{"date": day.isoformat(), "reason": calendar.closed_because(day)}
              for day in _span(start, until) if not calendar.is_business_day(day)]
    return RouteWeekPublic.model_validate({
        "rep_id": rep_id, "date": start.isoformat(),
        "days": [{"date": day.isoformat(), "items": items} for day, items in by_day.items()],
        "closed_days": closed})


def _placed(calendar: BusinessCalendar, kind: str, due_on: str, first: date,
            until: date) -> date | None:
    """The business day an item is shown on: its due day, or the business day before it;
    the first day for what is overdue (and for open complaints); None after the span."""
    if kind == "complaint":
        return first
    try:
        due = date.fromisoformat(due_on)
    except ValueError:
        return first
    if due > until:
        return None
    return max(first, calendar.on_or_before(due))


def _item(calendar: BusinessCalendar, account_id: str, kind: str, due_on: str,
          payload: dict[str, Any], placed: date) -> dict[str, Any]:
    item = {"kind": kind, "account_id": account_id, "due_on": due_on,
            **{k: v for k, v in payload.items() if k != "visits"}}
    try:
        due = date.fromisoformat(due_on)
    except ValueError:
        item.update(overdue_days=None, moved_because=None)
        return item
    item["overdue_days"] = max(0, (placed - due).days)
    item["moved_because"] = (calendar.closed_because(due)
                             if kind in (VISIT, "promise") and placed < due else None)
    return item


def _span(start: date, until: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((until - start).days + 1)]
