"""A projector in a process of its own hears each append on PostgreSQL (LISTEN/NOTIFY):
佐藤さん's visit, recorded through an API worker, reaches the views without waiting for the
projector's next poll — also after the database dropped the listening connection."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import psycopg
import pytest

from api.bootstrap import build_application, build_views
from domain.application import Tsunagi
from projections.listening import LogListener
from projections.runner import Projector
from tests.conftest import Clock, postgres_settings, register_cast, 佐藤さん, 田中課長

pytestmark = pytest.mark.postgres
POLL_SECONDS = 120  # far longer than any wait below: only a notification can wake the views
WAIT_SECONDS = 15


@pytest.fixture
def worker_and_projector(postgres_database: str,
                         clock: Clock) -> Iterator[tuple[Tsunagi, Projector, LogListener]]:
    settings = postgres_settings(postgres_database)
    worker = build_application(settings, clock=clock)  # an API worker: it cannot wake them
    register_cast(worker)
    following = build_application(settings, clock=clock)  # `tsunagi project`'s own
    projector = Projector(following, build_views(following, settings),
                          idle_seconds=POLL_SECONDS)
    projector.catch_up()
    projector.start()
    listener = LogListener(following.recorder, projector.wake).start()  # type: ignore[arg-type]
    assert listener.listening.wait(WAIT_SECONDS)
    yield worker, projector, listener
    listener.stop()
    projector.close()
    following.close()
    worker.close()


def visit(worker: Tsunagi, clock: Clock, account_id: object, purpose: str) -> int:
    worker.record_visit(佐藤さん, account_id, occurred_at=clock.now - timedelta(hours=1),  # type: ignore[arg-type]
                        purpose=purpose, summary="")
    return worker.recorder.max_notification_id() or 0


def test_a_visit_through_another_process_reaches_the_views_without_a_poll(
        worker_and_projector: tuple[Tsunagi, Projector, LogListener], clock: Clock) -> None:
    worker, projector, _ = worker_and_projector
    opened = worker.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                 visit_cadence_days=14)
    head = visit(worker, clock, opened.account_id, "定期訪問")

    assert projector.wait_until(head, list(projector.by_name), timeout=WAIT_SECONDS)
    document = projector["relationship"].document(str(opened.account_id))  # type: ignore[attr-defined]
    assert document["version"] == 2


def test_the_listener_reconnects_after_the_database_drops_it(
        worker_and_projector: tuple[Tsunagi, Projector, LogListener], clock: Clock,
        postgres_database: str) -> None:
    worker, projector, listener = worker_and_projector
    opened = worker.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                 visit_cadence_days=14)
    assert projector.wait_until(worker.recorder.max_notification_id() or 0,
                                list(projector.by_name), timeout=WAIT_SECONDS)
    with psycopg.connect(host="127.0.0.1", port=5432, user="postgres", dbname=postgres_database,
                         autocommit=True) as admin:
        dropped = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                "WHERE datname = current_database() "
                                "AND query LIKE 'LISTEN %'").fetchall()
    assert dropped, "the listening connection was found"

    head = visit(worker, clock, opened.account_id, "再接続後の訪問")

    assert projector.wait_until(head, list(projector.by_name), timeout=WAIT_SECONDS)
    assert listener.listening.wait(WAIT_SECONDS)
