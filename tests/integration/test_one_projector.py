"""One projector per store: a batch that overlaps a view's stored position is refused, a
second projector is a hot standby, and two projectors beside concurrent writers leave every
view equal to a rebuild — on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.bootstrap import build_application, build_views
from api.main import create_app
from api.settings import Settings
from domain.application import Tsunagi
from projections import VIEW_NAMES
from projections.lease import SoleLease
from projections.runner import Projector, Views
from projections.storage import BatchTracking, PositionMoved
from tests.conftest import Clock, 佐藤さん, 田中課長
from tests.stories import 山田製作所の三年間

VIEWS = list(VIEW_NAMES)


def dumps(views: Views) -> dict[str, Any]:
    return {name: view.dump() for name, view in views.by_name.items()}


def another_process(settings: Settings, clock: Clock, **options: Any) -> Projector:
    """A projector as another process would have it: its own application and view pool."""
    app = build_application(settings, clock=clock)
    return Projector(app, build_views(app, settings), **options)


def closed(projector: Projector) -> None:
    projector.close()
    projector.app.close()


def equals_a_rebuild(store: Tsunagi, settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every view as it stands, and the same views emptied and built again from the log."""
    fresh = Projector(store, build_views(store, settings))
    live = dumps(fresh)
    fresh.rebuild()
    rebuilt = dumps(fresh)
    fresh.close()
    return live, rebuilt


def test_a_batch_that_overlaps_the_stored_position_is_refused_and_writes_nothing(
        store: Tsunagi, settings: Settings, clock: Clock) -> None:
    stories = [山田製作所の三年間() for _ in range(2)]
    for story in stories:
        store.save(*story.collect_events())
    first = another_process(settings, clock, batch_size=20)
    late = another_process(settings, clock, batch_size=50)  # it read position 0 at start
    first.run_batch("dossier")
    assert first.position("dossier") == 20
    before = first["dossier"].dump()

    with pytest.raises(PositionMoved, match=r"read after 0.*stored position is 20"):
        late.run_batch("dossier")  # events 1–50: ends beyond 20, but starts before it
    assert first["dossier"].dump() == before, "nothing written"
    assert first["dossier"].view.max_tracking_id(store.name) == 20

    events = list(store.events.get(stories[1].id))[:5]  # type: ignore[attr-defined]
    with pytest.raises(PositionMoved):  # straight at the recorder: a gap is refused too
        first["dossier"].process_batch(events, BatchTracking(store.name, 60, after=40))
    assert first["dossier"].dump() == before

    late._reload_position("dossier")  # what the runner does on PositionMoved
    late.run_batch("dossier")
    assert late.position("dossier") == min(20 + 50, store.recorder.max_notification_id() or 0)
    late.catch_up()
    live, rebuilt = equals_a_rebuild(store, settings)
    assert live == rebuilt
    closed(first)
    closed(late)


class Stop(threading.Event):
    """Told to stop, the writers finish the visit they are recording before the test goes
    on: a visit saved after the views were settled would be missing from them."""

    def __init__(self, writers: list[threading.Thread]) -> None:
        super().__init__()
        self.writers = writers

    def set(self) -> None:
        super().set()
        for thread in self.writers:
            thread.join(60)


@pytest.fixture
def visits_from_four_reps(store: Tsunagi, clock: Clock) -> Iterator[threading.Event]:
    """Four reps record visits at once, two of them on the same account, until told to stop."""
    accounts = [store.open_account(田中課長, name=f"株式会社山田製作所 {n}号店",
                                   owner_rep_id="sato", visit_cadence_days=14).account_id
                for n in range(3)]
    writers: list[threading.Thread] = []
    stop = Stop(writers)
    failures: list[BaseException] = []

    def write(account_id: UUID, rep: Any) -> None:
        n = 0
        while not stop.is_set() and n < 400:
            try:
                store.record_visit(rep, account_id, occurred_at=clock.now - timedelta(hours=1),
                                   purpose=f"定期訪問 {n}", summary="")
            except Exception as exc:  # a lost race is retried by the application
                failures.append(exc)
            n += 1

    writers += [threading.Thread(target=write, args=(accounts[i % 3], 佐藤さん))
                for i in range(4)]
    for thread in writers:
        thread.start()
    yield stop
    stop.set()
    for thread in writers:
        thread.join(60)
    assert not [f for f in failures if type(f).__name__ != "ConcurrencyConflict"], failures


def _settle(store: Tsunagi, settings: Settings, *projectors: Projector) -> None:
    """Wait until the views have applied the whole log, then stop the projectors."""
    reader = Views(store, build_views(store, settings))
    assert reader.caught_up(VIEWS, timeout=60), {n: reader.position(n) for n in VIEWS}
    reader.close()
    for projector in projectors:
        projector.stop()


def test_two_started_projectors_one_leads_the_other_stands_by(
        store: Tsunagi, settings: Settings, clock: Clock,
        visits_from_four_reps: threading.Event) -> None:
    one = another_process(settings, clock, idle_seconds=0.05)
    two = another_process(settings, clock, idle_seconds=0.05)
    one.start()
    two.start()
    assert one.leading and not two.leading
    assert two.leadership()["leading"] == []
    assert all(holder and "pid" in holder for holder in two.leadership()["standby"].values())
    assert one.leadership() == {"lease": one.lease.describe(), "leading": sorted(VIEWS),  # type: ignore[union-attr]
                                "standby": {}}
    assert two.caught_up(VIEWS, timeout=30), "the standby reads positions from the tables"
    visits_from_four_reps.set()
    _settle(store, settings, one, two)
    live, rebuilt = equals_a_rebuild(store, settings)
    assert live == rebuilt
    closed(one)
    closed(two)


def test_two_projectors_that_both_lead_still_apply_every_event_once(
        store: Tsunagi, settings: Settings, clock: Clock,
        visits_from_four_reps: threading.Event) -> None:
    """Even without a lease (each told it leads alone), the position compare-and-set keeps
    the dossier from counting a visit twice: the issue's 220 visits for 133 stored."""
    one = another_process(settings, clock, idle_seconds=0.01, batch_size=7, lease=SoleLease())
    two = another_process(settings, clock, idle_seconds=0.01, batch_size=11, lease=SoleLease())
    one.start()
    two.start()
    assert one.leading and two.leading
    time.sleep(3)
    visits_from_four_reps.set()
    _settle(store, settings, one, two)
    live, rebuilt = equals_a_rebuild(store, settings)
    assert live == rebuilt
    closed(one)
    closed(two)


def test_the_standby_takes_over_when_the_leader_stops(
        store: Tsunagi, settings: Settings, clock: Clock) -> None:
    leader = another_process(settings, clock, idle_seconds=0.05, lease_seconds=0.2)
    standby = another_process(settings, clock, idle_seconds=0.05, lease_seconds=0.2)
    leader.start()
    standby.start()
    store.save(*山田製作所の三年間().collect_events())
    assert standby.caught_up(VIEWS, timeout=30)
    assert not standby.leading
    leader.stop()  # its leases are released
    deadline = time.monotonic() + 5
    while not standby.leading and time.monotonic() < deadline:
        time.sleep(0.05)
    assert standby.leading, standby.leadership()
    store.save(*山田製作所の三年間().collect_events())
    assert standby.caught_up(VIEWS, timeout=30)
    standby.stop()
    live, rebuilt = equals_a_rebuild(store, settings)
    assert live == rebuilt
    closed(leader)
    closed(standby)


def test_a_second_server_reads_its_own_writes_while_another_leads(
        store: Tsunagi, settings: Settings, clock: Clock) -> None:
    """Two `tsunagi serve` with in-process projectors on one store: the second is a hot
    standby, yet 佐藤さん's visit written through it is in the next read through it."""
    settings = Settings(**{**settings.model_dump(), "admin_token": "two-servers-admin"})
    second_store = build_application(settings, clock=clock)
    admin = {"Authorization": "Bearer two-servers-admin"}
    with TestClient(create_app(settings, application=store)) as first, \
            TestClient(create_app(settings, application=second_store)) as second:
        assert first.app.state.views.leading  # type: ignore[attr-defined]
        assert not second.app.state.views.leading  # type: ignore[attr-defined]
        token = second.post("/v1/users", headers=admin, json={
            "user_id": "sato", "name": "佐藤 健", "role": "rep"}).json()["token"]
        manager = second.post("/v1/users", headers=admin, json={
            "user_id": "tanaka", "name": "田中 課長", "role": "manager"}).json()["token"]
        sato = {"Authorization": f"Bearer {token}"}
        opened = second.post("/v1/accounts", headers={"Authorization": f"Bearer {manager}"},
                             json={"name": "株式会社山田製作所", "owner_rep_id": "sato",
                                   "visit_cadence_days": 14})
        account = opened.json()["account_id"]
        for n in range(3):
            written = second.post(f"/v1/accounts/{account}/visits", headers=sato, json={
                "occurred_at": (clock.now - timedelta(hours=1)).isoformat(),
                "purpose": f"定期訪問 {n}"})
            assert written.status_code == 201, written.text
            read = second.get(f"/v1/accounts/{account}", headers=sato)
            assert read.status_code == 200, read.text
            assert read.json()["version"] == n + 2
    second_store.close()
