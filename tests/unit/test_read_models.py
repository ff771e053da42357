"""The typed reads serialise to the JSON /v1 has always sent: keys by their JSON names, in
order, nulls kept, the optional parts (as_of, incomplete) only when there is something to say."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.reads.models import AccountPublic, HistoryPublic, RoutePublic, public

RELATIONSHIP: dict[str, Any] = {
    "account_id": "0b6f3c1e-3d2a-4f8e-9c55-0f1d2e3a4b5c", "name": "株式会社山田製作所",
    "owner_rep_id": "suzuki", "successor_rep_id": None, "version": 12,
    "visit_cadence_days": 14, "last_visit_at": "2026-11-20T10:00:00+09:00",
    "next_visit_due": "2026-12-04",
    "open_promises": [{"promise_id": "p1", "description": "カタログを送る",
                       "due_date": "2026-11-27", "event_ids": ["e1"]}],
    "open_complaints": [], "contract": {}, "handover": None,
}
HEALTH: dict[str, Any] = {
    "rep_id": "suzuki", "status": "ramp_up", "score": 71,
    "tenures": [{"rep_id": "sato", "from": "2024-04-01T09:00:00+09:00",
                 "to": "2026-11-01T09:00:00+09:00", "status": "closed", "score": 80},
                {"rep_id": "suzuki", "from": "2026-11-01T09:00:00+09:00", "to": None,
                 "status": "ramp_up", "score": 71}],
    "warnings": [{"code": "visit_overdue", "severity": "medium",
                  "message": "訪問が3日遅れています (最終訪問 2026-11-10)",
                  "event_ids": ["e2"], "facts": {"days": 3, "last_visit_on": "2026-11-10"}}],
    "as_of": "2026-12-01T12:00:00+09:00",
}


def test_an_account_reads_as_the_relationship_view_with_its_health_and_nothing_more() -> None:
    answer = {**RELATIONSHIP, "health": HEALTH}

    sent = public(AccountPublic.model_validate(answer))

    assert sent == answer
    assert list(sent) == list(answer)
    assert list(sent["health"]["tenures"][0]) == ["rep_id", "from", "to", "status", "score"]


def test_an_account_as_it_stood_says_when_and_how_and_what_it_could_not_read() -> None:
    incomplete = {"quarantined_events": [{"event_id": "e9", "view": "relationship"}]}
    answer = {**RELATIONSHIP, "health": HEALTH, "as_of": "2025-06-01T00:00:00+09:00",
              "as_of_basis": "occurred", "incomplete": incomplete}

    sent = public(AccountPublic.model_validate(answer))

    assert list(sent) == list(answer)
    assert sent["incomplete"] == incomplete and sent["as_of_basis"] == "occurred"


def test_a_history_page_keeps_a_null_cursor_and_says_incomplete_only_when_it_is() -> None:
    assert public(HistoryPublic(items=[], next_cursor=None)) == {"items": [],
                                                                  "next_cursor": None}


def test_a_route_names_its_day_date_last_as_it_always_has() -> None:
    route = RoutePublic.model_validate({
        "rep_id": "sato", "visits_due": [{"account_id": "a1"}], "promises_due": [],
        "complaints_open": [], "handovers": [], "date": date(2026, 11, 24)})

    sent = public(route)

    assert list(sent) == ["rep_id", "visits_due", "promises_due", "complaints_open",
                          "handovers", "date"]
    assert sent["date"] == "2026-11-24"
