"""Save and reload on the embedded SQLite default and on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountNotFound
from tests.conftest import Clock, 佐藤さん, 田中課長
from tests.stories import EVERY_KIND, 山田製作所の三年間


def test_every_kind_of_event_is_read_back_exactly_as_it_was_written(store: Tsunagi) -> None:
    account = 山田製作所の三年間()
    written = list(account.collect_events())
    assert sorted({type(e).__name__ for e in written}) == sorted(EVERY_KIND)

    store.save(*written)

    read_back = list(store.events.get(account.id))
    assert read_back == written
    assert [type(e) for e in read_back] == [type(e) for e in written]
    opened = read_back[0]
    assert opened.name == "株式会社山田製作所"  # type: ignore[attr-defined]
    assert opened.occurred_at.utcoffset() == timedelta(hours=9)  # type: ignore[attr-defined]


def test_an_account_reloads_equal_with_and_without_a_snapshot(store: Tsunagi) -> None:
    account = 山田製作所の三年間()
    store.save(*account.collect_events())
    store.repository.cache = None  # read from the store every time

    replayed = store.get_account(account.id)
    assert replayed == account

    store.take_snapshot(account.id)
    from_snapshot = store.get_account(account.id)
    assert from_snapshot == account
    assert from_snapshot.owner_rep_id == "suzuki"


def test_the_application_records_and_reads_back_a_visit(store: Tsunagi, clock: Clock) -> None:
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    visited = store.record_visit(
        佐藤さん, opened.account_id, occurred_at=clock.now - timedelta(days=1),
        purpose="定期訪問", summary="「お世話になっております」🙇 雑談あり", small_talk=True,
    )
    assert (opened.version, visited.version) == (1, 2)

    (_, visit) = store.events.get(opened.account_id)
    assert isinstance(visit, Account.VisitRecorded)
    assert visit.event_id == visited.event_id
    assert visit.visit_id == visited.item_id
    assert visit.summary == "「お世話になっております」🙇 雑談あり"
    assert visit.occurred_at == clock.now - timedelta(days=1)
    assert visit.occurred_at.tzinfo is not None
    assert visit.recorded_by == "sato"


def test_an_unknown_account_is_not_found(store: Tsunagi, clock: Clock) -> None:
    with pytest.raises(AccountNotFound):
        store.get_account(uuid4())
    with pytest.raises(AccountNotFound):
        store.record_visit(佐藤さん, uuid4(), occurred_at=clock.now, purpose="定期訪問", summary="")
