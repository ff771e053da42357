"""The projector: exactly once through crashes, read-your-writes, views that fail alone."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from api.bootstrap import build_application, build_views
from api.settings import Settings
from domain.application import Tsunagi
from projections import base, quarantine
from projections.runner import BURST_EVENTS, Projector, lingering
from projections.storage import ViewCursor
from tests.conftest import Clock, 佐藤さん, 田中課長
from tests.stories import 山田製作所の三年間


class Crash(BaseException):
    """The process died here: not an error a view raises, so nothing quarantines it."""


def record_stories(store: Tsunagi, accounts: int) -> None:
    for _ in range(accounts):
        store.save(*山田製作所の三年間().collect_events())


def dumps(projector: Projector) -> dict[str, Any]:
    return {name: view.dump() for name, view in projector.by_name.items()}


def restarted(store: Tsunagi, settings: Settings, batch_size: int = 500) -> Projector:
    """A new projector process: it knows only what the view tables say."""
    return Projector(store, build_views(store, settings), batch_size=batch_size)


def test_a_crash_inside_a_view_transaction_applies_nothing(
    store: Tsunagi, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_stories(store, 3)
    first = restarted(store, settings, batch_size=40)
    first.run_batch("history")
    history = first["history"]
    before = history.dump()

    def write_rows_then_crash(cursor: Any, events: Sequence[Any]) -> None:
        type(history).apply(history, cursor, events)  # the rows are written...
        raise Crash  # ...and the process dies before the commit

    monkeypatch.setattr(history, "apply", write_rows_then_crash)
    with pytest.raises(Crash):
        first.run_batch("history")
    assert history.dump() == before, "no half-applied batch"
    assert history.view.max_tracking_id(store.name) == 40

    second = restarted(store, settings)
    second.catch_up()
    live = dumps(second)
    second.rebuild()
    assert dumps(second) == live, "no duplicate and no gap after the restart"
    first.close()
    second.close()


def test_a_crash_after_commit_is_not_applied_twice(
    store: Tsunagi, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_stories(store, 2)
    first = restarted(store, settings, batch_size=25)

    def crash_after_commit(name: str, position: int) -> None:
        raise Crash  # committed, but the process died before it noted the new position

    monkeypatch.setattr(first, "_advance", crash_after_commit)
    with pytest.raises(Crash):
        first.run_batch("relationship")

    second = restarted(store, settings)
    assert second.position("relationship") == 25
    second.catch_up()
    live = dumps(second)
    second.rebuild()
    assert dumps(second) == live
    first.close()
    second.close()


def test_a_view_with_a_bug_quarantines_what_it_cannot_apply_and_goes_on_alone(
        store: Tsunagi, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        clock: Clock) -> None:
    projector = restarted(store, settings)
    route = projector["route"]
    apply = route.apply

    def broken_on_visits(cursor: Any, events: Sequence[Any]) -> None:
        if any(type(e).__name__ == "VisitRecorded" for e in events):
            raise ValueError("a bug in the route view")
        apply(cursor, events)

    monkeypatch.setattr(route, "apply", broken_on_visits)
    projector.start()
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    visit = store.record_visit(佐藤さん, opened.account_id, occurred_at=clock.now,
                               purpose="定期訪問", summary="")
    store.agree_visit_cadence(佐藤さん, opened.account_id, visit_cadence_days=7)
    assert projector.caught_up(list(projector.by_name), timeout=10), "no view stops"
    assert projector.threads["route"].is_alive()
    held = quarantine.listing(route.view)
    assert [(q["view"], q["event_id"]) for q in held] == [("route", str(visit.event_id))]
    assert "a bug in the route view" in held[0]["error"]
    assert route.route("sato", clock.now.date() + timedelta(days=7)).visits_due[0][  # type: ignore[attr-defined]
        "visit_cadence_days"] == 7, "the events after the bad one are applied"
    assert projector["relationship"].document(  # type: ignore[attr-defined]
        str(opened.account_id))["last_visit_at"] == clock.now.isoformat(), "others unaffected"
    projector.stop()
    projector.close()


def test_a_read_sees_every_write_acknowledged_before_it(store: Tsunagi, settings: Settings,
                                                       clock: Clock) -> None:
    projector = restarted(store, settings)
    projector.start()
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    relationship = projector["relationship"]
    for n in range(20):
        clock.advance(days=1)
        store.record_visit(佐藤さん, opened.account_id, occurred_at=clock.now - timedelta(hours=1),
                           purpose=f"定期訪問 {n}", summary="")
        assert projector.caught_up(["relationship", "history"], timeout=10)
        view = relationship.document(str(opened.account_id))  # type: ignore[attr-defined]
        assert view["version"] == n + 2
        assert view["last_visit_at"] == (clock.now - timedelta(hours=1)).isoformat()
    projector.stop()
    projector.close()


def test_reads_wait_on_a_projector_in_another_process(store: Tsunagi, settings: Settings,
                                                      clock: Clock) -> None:
    """The API of the PostgreSQL deployment polls the views' positions in the database."""
    from projections.runner import Views

    writer_side = Views(store, build_views(store, settings))
    projector = restarted(store, settings)
    store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                       visit_cadence_days=14)
    assert not writer_side.caught_up(["relationship"], timeout=0.05)
    projector.catch_up()
    assert writer_side.caught_up(["relationship"], timeout=1)
    writer_side.close()
    projector.close()


def test_a_view_written_by_older_code_builds_again_on_start(store: Tsunagi,
                                                            settings: Settings) -> None:
    """New code that keeps health evidence differently does not read old documents."""
    record_stories(store, accounts=1)
    first = restarted(store, settings)
    first.catch_up()
    built = dumps(first)
    with first["health"].view.writing() as cursor:
        cursor.execute("UPDATE view_shapes SET shape = shape - 1 WHERE view_name = 'health'")
        cursor.execute("UPDATE health_view SET document = '{\"written by\": \"older code\"}'")
    first.close()

    second = restarted(store, settings)
    assert second.position("health") == 0, "emptied with its position"
    assert second.position("relationship") == first.position("relationship"), "others kept"
    second.catch_up()
    assert dumps(second) == built
    second.close()


def test_a_view_whose_table_had_fewer_columns_builds_again_with_them(
        store: Tsunagi, settings: Settings) -> None:
    """Release 0.3.0's route table had no origin_rep_id column: opened by today's code, the
    table is made again with it and built from the log."""
    record_stories(store, accounts=1)
    first = restarted(store, settings)
    first.catch_up()
    built = dumps(first)
    with first["route"].view.writing() as cursor:
        cursor.execute("DROP TABLE route_items")
        cursor.execute("CREATE TABLE route_items (account_id TEXT NOT NULL, "
                       "item_id TEXT NOT NULL, kind TEXT NOT NULL, rep_id TEXT NOT NULL, "
                       "due_on TEXT NOT NULL, payload TEXT NOT NULL, "
                       "PRIMARY KEY (account_id, item_id))")
        cursor.execute("UPDATE view_shapes SET shape = 1 WHERE view_name = 'route'")
    first.close()

    second = restarted(store, settings)
    assert second.position("route") == 0
    second.catch_up()
    assert dumps(second) == built
    second.close()


@pytest.mark.parametrize("view", ["route", "relationship", "health"])
def test_catching_up_costs_the_same_few_statements_for_one_account_or_six(
    store: Tsunagi, settings: Settings, monkeypatch: pytest.MonkeyPatch, view: str
) -> None:
    """A batch reads the accounts it touches once and writes them back once: the number of
    statements follows the batches, not the events in them."""
    restarted(store, settings)  # the view tables exist before anything is counted
    statements: list[str] = []
    for method in ("execute", "executemany"):
        original = getattr(ViewCursor, method)

        def counted(self: ViewCursor, statement: str, *args: Any,
                    _original: Any = original) -> None:
            statements.append(statement)
            _original(self, statement, *args)

        monkeypatch.setattr(ViewCursor, method, counted)

    def catching_up_after(accounts: int) -> tuple[int, int]:
        before = store.recorder.max_notification_id() or 0
        record_stories(store, accounts)
        statements.clear()
        restarted(store, settings).catch_up([view])
        return len(statements), (store.recorder.max_notification_id() or 0) - before

    one, _ = catching_up_after(1)
    six, events = catching_up_after(6)
    assert events > 150
    assert six == one


def test_a_batch_over_many_accounts_folds_them_a_few_at_a_time_to_the_same_views(
    store: Tsunagi, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    record_stories(store, 5)
    projector = restarted(store, settings)
    projector.catch_up()
    all_at_once = dumps(projector)
    monkeypatch.setattr(base, "DOCUMENTS_IN_MEMORY", 2)
    projector.rebuild()
    assert dumps(projector) == all_at_once


@pytest.mark.postgres
def test_postgres_keeps_the_documents_rewritten_on_every_event_uncompressed(
        postgres_database: str) -> None:
    settings = Settings(database_url=f"postgresql://postgres@127.0.0.1:5432/{postgres_database}",
                        postgres_schema=f"storage_{uuid.uuid4().hex[:8]}")
    app = build_application(settings)
    for _ in range(2):  # a restart finds them so and changes nothing
        views = build_views(app, settings)
        with views[0].view.reading() as cursor:
            cursor.execute("SELECT c.relname, a.attstorage FROM pg_attribute a "
                           "JOIN pg_class c ON c.oid = a.attrelid "
                           "JOIN pg_namespace n ON n.oid = c.relnamespace "
                           "WHERE n.nspname = ? AND a.attname = 'document'",
                           (settings.postgres_schema,))
            storage = dict(cursor.fetchall())
        assert {t: storage[t] for t in ("relationship_view", "dossier_view", "health_view")} \
            == dict.fromkeys(("relationship_view", "dossier_view", "health_view"), "e")
        assert storage["dossier_view_checkpoints"] == "x"  # written once each: compressed
        Projector(app, views).close()
    app.close()


def test_following_lingers_after_a_burst_only() -> None:
    """佐藤さん's one visit is in the views at once; when eight reps write together, the
    next batch gathers for a moment; a view behind by a full batch reads on at once."""
    assert not lingering(1, 500)
    assert not lingering(BURST_EVENTS - 1, 500)
    assert lingering(BURST_EVENTS, 500)
    assert lingering(499, 500)
    assert not lingering(500, 500)


def test_a_read_across_views_is_one_transaction_and_ends_with_the_outer_one(
        store: Tsunagi, settings: Settings) -> None:
    """The team board reads four views: inside an open reading on this thread, every view of
    the process (one datastore) reads in that same transaction; after it, each opens anew."""
    projector = restarted(store, settings)
    try:
        with projector["team"].view.reading() as outer:
            with projector["people"].view.reading() as inner:
                assert inner is outer
            with projector["route"].view.reading() as again:
                assert again is outer
        with projector["people"].view.reading() as later:
            assert later is not outer
            later.execute("SELECT COUNT(*) FROM people")
            assert later.fetchone() is not None
    finally:
        projector.close()
