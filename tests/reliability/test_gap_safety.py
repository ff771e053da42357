"""A slow insert transaction never lets the projector skip an event (PostgreSQL).

The classic failure (Marten's daemon regression test): transaction A takes notification
id N and stalls; B takes N+1 and commits; a reader that has seen N+1 moves past N, and
when A commits, N is never read. eventsourcing's recorder locks the events table for the
insert, so B waits for A: ids are committed in order. Tsunagi's hash-chained recorder
takes the same lock in its insert function; this test holds A open after its INSERT and
checks that B waits and that the projector, reading all along, misses nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest

from api.bootstrap import build_application, build_views
from projections.runner import Projector
from tests.conftest import Clock, postgres_settings, register_cast, 佐藤さん, 田中課長


@pytest.mark.postgres
def test_a_stalled_insert_is_not_skipped(postgres_database: str, clock: Clock) -> None:
    settings = postgres_settings(postgres_database)
    slow, fast = build_application(settings, clock=clock), build_application(settings, clock=clock)
    reader = build_application(settings, clock=clock)
    register_cast(slow)
    projector = Projector(reader, build_views(reader, settings))
    accounts = [slow.open_account(田中課長, name=f"株式会社{n}", owner_rep_id="sato",
                                  visit_cadence_days=14).account_id for n in ("山田", "田中")]
    projector.catch_up()
    before = projector.position("history")

    inserted, release = threading.Event(), threading.Event()
    datastore = slow.recorder.datastore  # type: ignore[attr-defined]

    @contextmanager
    def stalling_insert() -> Iterator[Any]:
        """The chained insert, run inside a transaction that stalls before COMMIT."""
        with datastore.get_connection() as conn, conn.transaction():
            yield conn
            inserted.set()  # the INSERT has run and holds its ids
            release.wait(30)

    slow.recorder.inserting = stalling_insert  # type: ignore[attr-defined]
    visit = {"occurred_at": clock.now - timedelta(hours=1), "purpose": "定期訪問", "summary": ""}
    stalled = threading.Thread(target=slow.record_visit, args=(佐藤さん, accounts[0]),
                               kwargs=visit)
    stalled.start()
    assert inserted.wait(10)
    later = [threading.Thread(target=fast.record_visit, args=(佐藤さん, accounts[1]),
                              kwargs={**visit, "purpose": f"後の訪問 {n}"}) for n in range(3)]
    for thread in later:
        thread.start()
    for thread in later:
        thread.join(timeout=1)
    assert all(t.is_alive() for t in later), "later inserts wait for the stalled one's lock"
    projector.catch_up()
    assert projector.position("history") == before, "nothing committed, nothing read"

    release.set()
    stalled.join(10)
    for thread in later:
        thread.join(30)
    projector.catch_up()
    history = projector["history"]
    applied = sum(len(history.page(str(a), limit=500).items) for a in accounts)  # type: ignore[attr-defined]
    assert applied == 2 + 1 + 3, "every event reached the view, the stalled one too"
    head = reader.recorder.max_notification_id()
    ids = [n.id for n in reader.recorder.select_notifications(start=before + 1, limit=100)]
    assert ids == sorted(ids) and ids[-1] == head
    stalled_id = next(n.id for n in reader.recorder.select_notifications(
        start=before + 1, limit=100) if n.originator_id == accounts[0])
    assert stalled_id == min(ids), "the stalled insert kept its place: ids follow commit order"
    projector.close()
    for app in (slow, fast, reader):
        app.close()
