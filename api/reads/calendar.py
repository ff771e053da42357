"""A rep's calendar feed (RFC 5545, built with the ``icalendar`` library): each visit due on
the business day it comes up on (in the customer's usual hour when the dossier knows it),
each promise on its due day, each contract's end, each handover review not yet held.

Every VEVENT's UID names what it is about (the account's next visit, a promise, a contract,
a checkpoint), never when it falls, so a calendar app that fetches the feed again updates
its entries instead of adding new ones."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import icalendar

from api.reads.common import wait_for_views
from api.reads.week import briefing
from api.settings import Settings
from domain.business_days import BusinessCalendar
from projections.base import AccountDocumentView
from projections.records import BUSINESS_TZ, local_date
from projections.route import VISIT, RouteView
from projections.runner import Views

LAST_DAY = date(2200, 12, 31)  # the route's rows due by the end of the domain's dates
VISIT_MINUTES = 60
UID_DOMAIN = "tsunagi"


def calendar_feed(views: Views, settings: Settings, user_id: str, now: datetime) -> bytes:
    """The user's feed as RFC 5545 text (CRLF lines, folded at 75 octets)."""
    wait_for_views(views, settings, "route", "dossier")
    route: RouteView = views["route"]  # type: ignore[assignment]
    rows = route.due_by(user_id, LAST_DAY)
    dossiers: AccountDocumentView = views["dossier"]  # type: ignore[assignment]
    accounts = sorted({account_id for account_id, kind, _, _ in rows
                       if kind in (VISIT, "handover")})
    with dossiers.view.reading() as cursor:
        documents = dossiers.load_many(cursor, accounts)
    today = local_date(now)
    feed = icalendar.Calendar()
    feed.add("prodid", "-//Tsunagi//つなぎ//JA")
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("x-wr-calname", f"つなぎ（{user_id}）")
    calendar = settings.business_calendar
    for account_id, kind, due_on, payload in rows:
        if kind == VISIT:
            feed.add_component(_visit(calendar, account_id, due_on, payload,
                                      documents.get(account_id), today, now))
        elif kind == "promise":
            feed.add_component(_promise(payload, due_on, now))
    for account_id in accounts:
        doc = documents.get(account_id)
        if doc is None:
            continue
        name = doc["account"]["name"]
        if doc["contract"] and _owns(rows, account_id):
            feed.add_component(_contract(account_id, name, doc["contract"], now))
        for checkpoint in doc["checkpoints"]:
            if not checkpoint.get("held_at"):
                feed.add_component(_checkpoint(account_id, name, checkpoint, now))
    return feed.to_ical()  # type: ignore[no-any-return]


def _owns(rows: list[tuple[str, str, str, dict[str, Any]]], account_id: str) -> bool:
    return any(a == account_id and kind == VISIT for a, kind, _, _ in rows)


def _event(uid: str, summary: str, now: datetime, description: str = "") -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("summary", summary)
    if description:
        event.add("description", description)
    return event


def _all_day(event: icalendar.Event, day: date) -> icalendar.Event:
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    return event


def _visit(calendar: BusinessCalendar, account_id: str, due_on: str, payload: dict[str, Any],
           doc: dict[str, Any] | None, today: date, now: datetime) -> icalendar.Event:
    due = date.fromisoformat(due_on)
    day = max(calendar.on_or_before(due), calendar.on_or_after(today))
    brief = briefing(doc, day)
    lines = [f"訪問期限 {due.isoformat()}"]
    lines += [f"{'禁句' if c['topic'] == 'taboo' else '注意'}: {c['text']}"
              for c in brief["cautions"]]
    lines += [f"約束: {p['description']}（期限 {p['due_date']}）" for p in brief["open_promises"]]
    lines += [f"未回答の要望: {r['detail']}" for r in brief["requests_unanswered"]]
    if brief["contract"]:
        lines.append(f"契約終了まで {brief['contract']['days_left']}日")
    event = _event(f"visit-{account_id}", f"訪問: {payload['name']}", now, "\n".join(lines))
    window = brief["preferred_window"]
    if window is None:
        return _all_day(event, day)
    start = datetime.combine(day, time(window["hour"]), BUSINESS_TZ)
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + timedelta(minutes=VISIT_MINUTES)).astimezone(UTC))
    return event


def _promise(payload: dict[str, Any], due_on: str, now: datetime) -> icalendar.Event:
    return _all_day(_event(f"promise-{payload['promise_id']}",
                           f"約束の期限: {payload['description']}（{payload['name']}）", now,
                           f"{payload['made_to']}に"), date.fromisoformat(due_on))


def _contract(account_id: str, name: str, contract: dict[str, Any],
              now: datetime) -> icalendar.Event:
    return _all_day(_event(f"contract-{account_id}", f"契約終了: {name}", now,
                           str(contract.get("terms") or "")),
                    date.fromisoformat(contract["contract_end"]))


def _checkpoint(account_id: str, name: str, checkpoint: dict[str, Any],
                now: datetime) -> icalendar.Event:
    return _all_day(_event(f"checkpoint-{checkpoint['event_ids'][0]}",
                           f"引き継ぎの振り返り: {name}", now, str(checkpoint.get("note") or "")),
                    date.fromisoformat(checkpoint["checkpoint_on"]))
