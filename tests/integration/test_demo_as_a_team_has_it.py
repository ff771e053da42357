"""`tsunagi demo` as a team would have it: visits on business days in working hours — never
on a Saturday, a Sunday, 勤労感謝の日 or over 年末年始 — and people named after their ids."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from api.demo import generate, people, register
from domain.account import Account
from domain.application import Tsunagi
from domain.business_days import BusinessCalendar
from projections.records import BUSINESS_TZ

UNTIL = datetime(2026, 11, 30, 18, 0, tzinfo=BUSINESS_TZ)


def every_event(app: Tsunagi) -> list[Any]:
    events, start = [], 1
    while True:
        batch = app.recorder.select_notifications(start=start, limit=500)
        if not batch:
            return events
        events += [app.mapper.to_domain_event(n) for n in batch]
        start = batch[-1].id + 1


def test_visits_fall_on_business_days_in_working_hours(store: Tsunagi) -> None:
    generate(store, accounts=6, seed=3, reps=3, until=UNTIL)
    events = every_event(store)
    visits = [e.occurred_at.astimezone(BUSINESS_TZ)
              for e in events if isinstance(e, Account.VisitRecorded)]
    assert len(visits) > 100
    calendar = BusinessCalendar()
    off = [v for v in visits if not calendar.is_business_day(v.date())]
    assert off == [], "no visit on a weekend, public holiday or company holiday"
    assert all(9 <= v.hour <= 16 and v.hour != 12 for v in visits), "working hours"
    weekdays = Counter(v.weekday() for v in visits)
    assert set(weekdays) <= {0, 1, 2, 3, 4}
    promises = [e.due_date for e in events if isinstance(e, Account.PromiseMade)]
    assert promises and all(calendar.is_business_day(d) for d in promises)
    opened = [e.occurred_at.astimezone(BUSINESS_TZ) for e in events
              if isinstance(e, Account.Opened)]
    assert all(calendar.is_business_day(o.date()) and o.hour == 9 for o in opened)


def test_each_account_has_a_usual_weekday_and_hour(store: Tsunagi) -> None:
    generate(store, accounts=3, seed=5, reps=3, until=UNTIL)
    by_account: dict[str, list[datetime]] = {}
    for e in every_event(store):
        if isinstance(e, Account.VisitRecorded):
            by_account.setdefault(str(e.originator_id), []).append(
                e.occurred_at.astimezone(BUSINESS_TZ))
    for visits in by_account.values():
        _, most = Counter(v.weekday() for v in visits).most_common(1)[0]
        assert most / len(visits) > 0.4, "a habit a dossier can learn (e.g. 火曜10時台)"


def test_demo_people_are_named_after_their_ids(store: Tsunagi) -> None:
    cast = people(20)
    register(store, cast)
    names = {user_id: store.get_user(user_id).name
             for user_id in ("tanaka", "ito", "sato", "suzuki", "takahashi", "sato2")}
    assert names["tanaka"].startswith("田中") and names["ito"].startswith("伊藤")
    assert names["sato"] == "佐藤 健" and names["suzuki"] == "鈴木 一郎"
    assert names["takahashi"] == "高橋 花子"
    assert names["sato2"].startswith("佐藤") and names["sato2"] != names["sato"]
    assert len({r.user_id for r in cast.reps}) == 20
