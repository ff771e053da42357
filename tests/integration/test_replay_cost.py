"""Recording the 10,000th event on an account replays about as much as recording the 10th.

Counted, not timed: we count the stored events decoded while one command runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from uuid import UUID

from domain.application import SNAPSHOT_INTERVAL, Tsunagi
from tests.conftest import Clock, 佐藤さん, 田中課長


@contextmanager
def counting_decoded_events(store: Tsunagi) -> Iterator[list[int]]:
    counted = [0]
    decode = store.mapper.to_domain_event

    def counting(stored: Any) -> Any:
        counted[0] += 1
        return decode(stored)

    store.mapper.to_domain_event = counting  # type: ignore[method-assign]
    try:
        yield counted
    finally:
        store.mapper.to_domain_event = decode  # type: ignore[method-assign]


def decoded_by_one_visit(store: Tsunagi, account_id: UUID, clock: Clock) -> int:
    with counting_decoded_events(store) as counted:
        store.record_visit(佐藤さん, account_id, occurred_at=clock.now - timedelta(hours=1),
                           purpose="定期訪問", summary="")
    return counted[0]


def grow_to(store: Tsunagi, account_id: UUID, version: int, clock: Clock) -> None:
    account = store.get_account(account_id)
    while account.version < version:
        account.add_note(佐藤さん, clock.now, text=f"メモ {account.version}")
    store.save(account)


def test_the_10000th_command_replays_no_more_than_the_10th(store: Tsunagi, clock: Clock) -> None:
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    grow_to(store, opened.account_id, 9, clock)
    store.get_account(opened.account_id)  # the worker has seen the account before
    warm_10th = decoded_by_one_visit(store, opened.account_id, clock)

    grow_to(store, opened.account_id, 9_999, clock)
    store.get_account(opened.account_id)  # the worker has seen the account before
    warm_10000th = decoded_by_one_visit(store, opened.account_id, clock)

    assert store.get_account(opened.account_id).version == 10_000
    assert warm_10000th <= warm_10th == 0, "the aggregate cache fast-forwards, never replays"


def test_a_cold_worker_replays_at_most_one_snapshot_interval(store: Tsunagi,
                                                             clock: Clock) -> None:
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    store.repository.cache = None  # as if every command ran in a freshly started worker
    grow_to(store, opened.account_id, 9, clock)
    cold_10th = decoded_by_one_visit(store, opened.account_id, clock)

    grow_to(store, opened.account_id, 9_999, clock)
    cold_10000th = decoded_by_one_visit(store, opened.account_id, clock)

    assert cold_10th == 9
    assert cold_10000th <= SNAPSHOT_INTERVAL, "a snapshot bounds the replay"


def test_a_failed_snapshot_does_not_fail_a_recorded_write(store: Tsunagi, clock: Clock,
                                                          monkeypatch: Any) -> None:
    from eventsourcing.persistence import OperationalError

    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    grow_to(store, opened.account_id, SNAPSHOT_INTERVAL - 1, clock)

    def snapshot_store_down(*_: Any, **__: Any) -> None:
        raise OperationalError("snapshot table unavailable")

    assert store.snapshots is not None
    monkeypatch.setattr(store.snapshots, "put", snapshot_store_down)
    recorded = store.record_visit(佐藤さん, opened.account_id,
                                  occurred_at=clock.now - timedelta(hours=1),
                                  purpose="定期訪問", summary="")
    assert recorded.version == SNAPSHOT_INTERVAL
    assert len(list(store.events.get(opened.account_id))) == SNAPSHOT_INTERVAL


def test_a_command_copies_the_maps_of_open_items_not_the_items(store: Tsunagi,
                                                               clock: Clock) -> None:
    """Each command works on a copy of the cached account (so a refused command leaves the
    cache as it was); the copy shares every unchanged item state with the cache."""
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    for n in range(3):
        store.make_promise(佐藤さん, opened.account_id, description=f"見積り {n}",
                           due_date=clock.now.date() + timedelta(days=7), made_to="山田部長")
    before = store.get_account(opened.account_id)
    working = store.get_account(opened.account_id)
    first, *others = working.promises
    working.close_promise(佐藤さん, clock.now, promise_id=first, outcome="kept")

    assert before.promises[first].status == "open", "an earlier copy did not change"
    assert working.promises[first].status == "kept"
    assert all(working.promises[p] is before.promises[p] for p in others)
    assert working.promises is not before.promises
    assert store.get_account(opened.account_id).promises[first].status == "open"
