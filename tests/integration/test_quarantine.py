"""No stored event can stop a view: what a view cannot apply is quarantined, the view moves
on, and the account says it is incomplete. Proved with events written beneath the API, so
it holds even where the domain's value rules have a gap."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from api.bootstrap import build_views
from api.settings import Settings
from domain.account import Account
from domain.application import Tsunagi
from projections import VIEW_NAMES, quarantine
from projections.runner import Projector
from tests.conftest import Clock, 佐藤さん, 田中課長
from tests.poison import (
    a_handover_effective_at_the_end_of_time,
    a_promise_due_in_year_one,
    a_visit_in_year_one,
    an_undecodable_row,
    written_beneath,
)


def open_yamada(store: Tsunagi, name: str = "株式会社山田製作所") -> UUID:
    return store.open_account(田中課長, name=name, owner_rep_id="sato",
                              visit_cadence_days=14).account_id


def a_good_visit(store: Tsunagi, clock: Clock, account_id: UUID, purpose: str) -> None:
    clock.advance(hours=1)
    store.record_visit(佐藤さん, account_id, occurred_at=clock.now - timedelta(minutes=5),
                       purpose=purpose, summary="新ラインの件で忙しそう")


def quarantined(projector: Projector) -> list[dict[str, Any]]:
    return quarantine.listing(projector["relationship"].view)


def comparable(projector: Projector) -> dict[str, Any]:
    """Every view's rows and every quarantine row but when it was written."""
    return {"views": {name: view.dump() for name, view in projector.by_name.items()},
            "quarantine": sorted((q["view"], q["notification_id"], q["event_id"], q["error"])
                                 for q in quarantined(projector))}


def test_a_visit_dated_year_one_is_quarantined_and_every_view_moves_past_it(
        store: Tsunagi, projector: Projector, clock: Clock,
        caplog: pytest.LogCaptureFixture) -> None:
    yamada = open_yamada(store)
    tanaka_shoji = open_yamada(store, "田中商事株式会社")
    poison = a_visit_in_year_one(store, yamada)
    a_good_visit(store, clock, yamada, "カタログをお届け")
    a_good_visit(store, clock, tanaka_shoji, "定期訪問")
    with caplog.at_level(logging.ERROR, logger="projections"):
        projector.catch_up()

    head = projector.head()
    assert {name: projector.position(name) for name in VIEW_NAMES} == dict.fromkeys(VIEW_NAMES,
                                                                                  head)
    held = quarantined(projector)
    assert held, "the visit no view could apply is kept aside"
    assert {q["event_id"] for q in held} == {str(poison)}
    assert all(q["account_id"] == str(yamada) and q["kind"] == "visit_recorded"
               and "OverflowError" in q["error"] for q in held)
    relationship = projector["relationship"].document(str(yamada))  # type: ignore[attr-defined]
    assert relationship["version"] == 3, "the good visit after the poison is applied"
    alerts = [record for record in caplog.records if record.getMessage() == "event_quarantined"]
    assert alerts and all(a.levelno == logging.ERROR and a.event_id == str(poison)  # type: ignore[attr-defined]
                          for a in alerts)
    assert quarantine.for_account(projector["route"].view, str(tanaka_shoji)) == []


def test_dates_no_view_can_hold_promise_and_handover_are_quarantined_too(
        store: Tsunagi, projector: Projector, clock: Clock) -> None:
    yamada = open_yamada(store)
    promise = a_promise_due_in_year_one(store, yamada, clock.now)
    handover = a_handover_effective_at_the_end_of_time(store, yamada, clock.now)
    a_good_visit(store, clock, yamada, "定期訪問")
    projector.catch_up()
    assert all(projector.position(name) == projector.head() for name in VIEW_NAMES)
    assert {q["event_id"] for q in quarantined(projector)} <= {str(promise), str(handover)}
    assert str(handover) in {q["event_id"] for q in quarantined(projector)}
    history = projector["history"].page(str(yamada))  # type: ignore[attr-defined]
    assert [item["kind"] for item in history.items][-1] == "visit_recorded"


def test_a_row_no_one_can_decode_is_quarantined_by_every_account_view(
        store: Tsunagi, projector: Projector, clock: Clock) -> None:
    yamada = open_yamada(store)
    an_undecodable_row(store, yamada)
    other = open_yamada(store, "田中商事株式会社")
    projector.catch_up()
    assert all(projector.position(name) == projector.head() for name in VIEW_NAMES)
    held = quarantined(projector)
    account_views = [name for name in VIEW_NAMES if name != "people"]  # people: users only
    assert sorted(q["view"] for q in held) == sorted(account_views)
    assert all(q["account_id"] == str(yamada) and q["event_id"] is None for q in held)
    assert projector["relationship"].document(str(other)) is not None  # type: ignore[attr-defined]


def test_a_nul_in_a_rep_id_never_stops_a_view(store: Tsunagi, projector: Projector,
                                              settings: Settings, clock: Clock) -> None:
    """PostgreSQL refuses NUL in text: on PostgreSQL the views that store the rep id
    quarantine the opening; SQLite stores it. Either way every view moves on."""
    yamada = open_yamada(store)
    written_beneath(store, yamada, Account.HandoverInitiated,
                    occurred_at=clock.now, handover_id="h-nul", from_rep_id="sato",
                    to_rep_id="su\x00zuki", reason="異動", effective_at=clock.now)
    a_good_visit(store, clock, yamada, "定期訪問")
    projector.catch_up()
    assert all(projector.position(name) == projector.head() for name in VIEW_NAMES)
    held = quarantined(projector)
    if settings.database_url.startswith("postgresql"):
        assert {q["view"] for q in held} >= {"relationship", "route"}
        assert all("NUL" in q["error"] for q in held)
    else:
        assert held == []


def test_rebuild_completes_reports_what_it_quarantined_and_equals_the_live_views(
        store: Tsunagi, settings: Settings, clock: Clock) -> None:
    yamada, tanaka_shoji = open_yamada(store), open_yamada(store, "田中商事株式会社")
    for n in range(30):
        a_good_visit(store, clock, yamada, f"定期訪問 {n}")
        if n == 12:
            a_visit_in_year_one(store, yamada)
        if n == 20:  # the last of its account's stream: no command reads past it
            an_undecodable_row(store, tanaka_shoji)
    live = Projector(store, build_views(store, settings), batch_size=7)
    while any(live.run_batch(name) for name in VIEW_NAMES):
        pass  # following in small batches, as a running projector would
    rebuilt = Projector(store, build_views(store, settings))
    rebuilt.rebuild()
    assert comparable(rebuilt) == comparable(live)
    assert len({q["notification_id"] for q in quarantined(rebuilt)}) == 2
    live.close()
    rebuilt.close()


def test_a_following_view_never_stops_on_a_poison_event(
        store: Tsunagi, settings: Settings, clock: Clock) -> None:
    projector = Projector(store, build_views(store, settings))
    projector.start()
    yamada = open_yamada(store)
    a_visit_in_year_one(store, yamada)
    a_good_visit(store, clock, yamada, "定期訪問")
    assert projector.caught_up(VIEW_NAMES, timeout=10), "no view waits on the poison"
    assert all(thread.is_alive() for thread in projector.threads.values())
    assert projector.failures == {}
    projector.stop()
    projector.close()


@pytest.mark.parametrize("view", ["relationship", "route", "history"])
def test_one_poison_event_among_many_costs_a_few_transactions(
        store: Tsunagi, settings: Settings, clock: Clock, view: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The batch is split in halves around the event, not replayed one event at a time."""
    accounts = [open_yamada(store, f"取引先{n}") for n in range(40)]
    for n, account in enumerate(accounts):
        a_good_visit(store, clock, account, "定期訪問")
        if n == 17:
            a_visit_in_year_one(store, account)
    projector = Projector(store, build_views(store, settings))
    transactions = 0
    recorder = projector[view].view
    writing = recorder.writing

    def counted() -> Any:
        nonlocal transactions
        transactions += 1
        return writing()

    monkeypatch.setattr(recorder, "writing", counted)
    projector.catch_up([view])
    assert projector.position(view) == projector.head()
    assert transactions <= 2 * 7 + 2, transactions  # ~90 events: log2 halvings, twice
    projector.close()
