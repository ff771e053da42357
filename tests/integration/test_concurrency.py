"""Two writers on one account: the loser is told, never silently overwritten."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import pytest

from api.bootstrap import build_application
from api.settings import Settings
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import AccountNotFound, ConcurrencyConflict, VersionMismatch
from tests.conftest import Clock, postgres_settings, register_cast, 佐藤さん, 田中課長, 鈴木さん


def two_processes(settings: Settings, clock: Clock) -> tuple[Tsunagi, Tsunagi]:
    """Two application instances on one store, as two API workers would be."""
    first, second = build_application(settings, clock=clock), build_application(settings,
                                                                                  clock=clock)
    register_cast(first)
    return first, second


def visit(clock: Clock, purpose: str) -> dict[str, object]:
    return {"occurred_at": clock.now - timedelta(hours=1), "purpose": purpose, "summary": ""}


def test_a_stale_writer_is_refused_and_nothing_is_appended(settings: Settings,
                                                           clock: Clock) -> None:
    first, second = two_processes(settings, clock)
    opened = first.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    account_in_second = second.get_account(opened.account_id)
    first.record_visit(佐藤さん, opened.account_id, **visit(clock, "午前の訪問"))

    account_in_second.record_visit(佐藤さん, clock.now, **visit(clock, "午後の訪問"))  # type: ignore[arg-type]
    with pytest.raises(ConcurrencyConflict):
        second._save(account_in_second)

    purposes = [getattr(e, "purpose", None) for e in first.events.get(opened.account_id)]
    assert purposes == [None, "午前の訪問"]
    first.close()
    second.close()


def test_if_match_on_a_moved_account_is_refused(store: Tsunagi, clock: Clock) -> None:
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    store.record_visit(佐藤さん, opened.account_id, **visit(clock, "午前の訪問"))
    with pytest.raises(VersionMismatch) as refused:
        store.record(佐藤さん, opened.account_id, Account.record_visit, expected_version=1,
                     **visit(clock, "古い画面からの記録"))
    assert (refused.value.expected, refused.value.actual) == (1, 2)
    assert len(list(store.events.get(opened.account_id))) == 2

    recorded = store.record(佐藤さん, opened.account_id, Account.record_visit,
                            expected_version=2, **visit(clock, "最新の画面からの記録"))
    assert recorded.version == 3


@pytest.mark.postgres
def test_racing_writers_on_postgres_each_land_once_or_are_told(postgres_database: str,
                                                               clock: Clock) -> None:
    """Eight workers, each its own application, record on one account at once."""
    settings = postgres_settings(postgres_database)
    setup = build_application(settings, clock=clock)
    register_cast(setup)
    opened = setup.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    workers = [build_application(settings, clock=clock) for _ in range(8)]
    start = threading.Barrier(len(workers))
    landed: list[int] = []
    refused: list[Exception] = []

    def record(app: Tsunagi, n: int) -> None:
        start.wait()
        for i in range(5):
            try:
                result = app.record_visit(佐藤さん, opened.account_id,
                                          **visit(clock, f"worker {n} visit {i}"))
                landed.append(result.version)
            except ConcurrencyConflict as exc:
                refused.append(exc)

    threads = [threading.Thread(target=record, args=(app, n)) for n, app in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    print(f"\n8 workers × 5 visits: {len(landed)} landed, {len(refused)} told to retry (409)")
    stored = list(setup.events.get(opened.account_id))
    visits = [e for e in stored if type(e).__name__ == "VisitRecorded"]
    assert len(landed) + len(refused) == 40
    assert len(visits) == len(landed), "every acknowledged write is stored exactly once"
    assert sorted(landed) == [e.originator_version for e in visits]
    assert [e.originator_version for e in stored] == list(range(1, len(stored) + 1))
    assert len({e.purpose for e in visits}) == len(visits)  # type: ignore[attr-defined]
    for app in [setup, *workers]:
        app.close()


def test_sqlite_file_is_shared_by_two_processes(tmp_path: Path, clock: Clock) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'shared.db'}")
    first, second = two_processes(settings, clock)
    opened = first.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    second.record_visit(佐藤さん, opened.account_id, **visit(clock, "二つ目の工程から"))
    assert first.get_account(opened.account_id).version == 2
    first.close()
    second.close()


def test_a_worker_that_missed_another_workers_visit_still_lands_its_own_after_it(
        settings: Settings, clock: Clock) -> None:
    """Worker 1 remembers the account as it last wrote it; worker 2 appends meanwhile. The
    next visit through worker 1 is decided again on the stored account: nothing lost."""
    first, second = two_processes(settings, clock)
    opened = first.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    first.record_visit(佐藤さん, opened.account_id, **visit(clock, "午前の訪問"))
    second.record_visit(佐藤さん, opened.account_id, **visit(clock, "昼の電話"))

    recorded = first.record_visit(佐藤さん, opened.account_id, **visit(clock, "午後の訪問"))

    assert recorded.version == 4
    purposes = [getattr(e, "purpose", None) for e in first.events.get(opened.account_id)]
    assert purposes == [None, "午前の訪問", "昼の電話", "午後の訪問"]
    first.close()
    second.close()


def test_a_rep_who_lost_the_account_in_another_worker_is_refused_there_too(
        settings: Settings, clock: Clock) -> None:
    """佐藤さん's worker remembers him as the owner; the handover to 鈴木さん completed in
    another worker. His next visit is refused on what the store holds, not on that memory:
    the account is no longer his to see, so it is not found, as for any reader."""
    first, second = two_processes(settings, clock)
    opened = first.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    account = opened.account_id
    first.record_visit(佐藤さん, account, **visit(clock, "最後の定期訪問"))
    handover = second.initiate_handover(田中課長, account, to_rep_id="suzuki", reason="異動",
                                        effective_at=clock.now)
    second.complete_handover(田中課長, account, handover_id=str(handover.item_id))

    with pytest.raises(AccountNotFound):
        first.record_visit(佐藤さん, account, **visit(clock, "引き継ぎ後の訪問"))
    assert len(list(first.events.get(account))) == 4, "the refusal appended nothing"
    recorded = first.record_visit(鈴木さん, account, **visit(clock, "後任の初訪問"))

    stored = list(first.events.get(account))
    assert recorded.version == len(stored) == 5
    assert [getattr(e, "purpose", None) for e in stored][-1] == "後任の初訪問"
    first.close()
    second.close()


def test_a_second_command_in_one_worker_asks_the_store_nothing_before_saving(
        store: Tsunagi, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy this worker saved last is where its next command starts: the save alone
    goes to the store (it fails whole if the copy was stale, see the tests above)."""
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    store.record_visit(佐藤さん, opened.account_id, **visit(clock, "午前の訪問"))
    reads: list[object] = []
    select_events = store.recorder.select_events

    def counted(*args: object, **kwargs: object) -> object:
        reads.append(args)
        return select_events(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(store.recorder, "select_events", counted)
    recorded = store.record_visit(佐藤さん, opened.account_id, **visit(clock, "午後の訪問"))

    assert recorded.version == 3
    assert reads == []
