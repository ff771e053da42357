"""Users sign in with tokens stored only as hashes; idempotency keys make retries safe."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from api.bootstrap import build_application
from api.settings import Settings
from domain import application
from domain.account import Account
from domain.application import Tsunagi
from domain.errors import NotPermitted, UserExists
from domain.idempotency import Idempotency, IdempotencyKeyReused
from domain.values import Actor, Role
from projections.runner import Projector
from tests.conftest import Clock, 佐藤さん, 田中課長

管理者 = Actor("admin", Role.ADMIN)


def test_a_registered_user_signs_in_with_their_token_only(empty_store: Tsunagi) -> None:
    store = empty_store
    user, token = store.register_user(管理者, user_id="sato", name="佐藤 健", role="rep")
    assert token is not None and token.startswith("sato.")
    assert store.authenticate(token) == Actor("sato", Role.REP)
    assert store.authenticate(token + "x") is None
    assert store.authenticate("suzuki." + token.split(".", 1)[1]) is None
    assert store.authenticate("no-dot-here") is None
    stored = b"".join(e.state for e in store.recorder.select_events(user.id))
    assert token.split(".", 1)[1].encode() not in stored, "only a hash is stored"

    fresh = store.issue_token(管理者, "sato")
    assert store.authenticate(fresh) == Actor("sato", Role.REP)
    assert store.authenticate(token) is None, "the old token stops working"


def test_another_process_stops_accepting_a_rotated_token_within_seconds(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Accepted tokens are remembered briefly, so most requests skip the user lookup."""
    monkeypatch.setattr(application, "TOKEN_MEMORY_SECONDS", 0.3)
    api_worker, admin_worker = build_application(settings), build_application(settings)
    _, token = admin_worker.register_user(管理者, user_id="sato", name="佐藤 健", role="rep")
    assert token is not None
    assert api_worker.authenticate(token) == Actor("sato", Role.REP)

    admin_worker.issue_token(管理者, "sato")
    assert api_worker.authenticate(token) == Actor("sato", Role.REP), "remembered for now"
    time.sleep(0.4)
    assert api_worker.authenticate(token) is None
    api_worker.close()
    admin_worker.close()


def test_user_ids_are_unique_and_only_admins_register(empty_store: Tsunagi) -> None:
    store = empty_store
    store.register_user(管理者, user_id="sato", name="佐藤 健", role="rep")
    with pytest.raises(UserExists):
        store.register_user(管理者, user_id="sato", name="佐藤 次郎", role="rep")
    with pytest.raises(NotPermitted):
        store.register_user(田中課長, user_id="suzuki", name="鈴木 一", role="rep")


def test_a_repeated_key_returns_the_first_result_and_records_nothing(store: Tsunagi,
                                                                   clock: Clock) -> None:
    opened = store.open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                visit_cadence_days=14)
    claim = Idempotency("sato", "visit-2026-11-20", fingerprint="abc")
    visit = {"occurred_at": clock.now - timedelta(hours=1), "purpose": "定期訪問",
             "summary": ""}
    first = store.record(佐藤さん, opened.account_id, Account.record_visit, idempotency=claim,
                         **visit)
    again = store.record(佐藤さん, opened.account_id, Account.record_visit, idempotency=claim,
                         **visit)
    assert (again.version, again.event_id, again.item_id) == (
        first.version, first.event_id, first.item_id)
    assert again.replayed and not first.replayed
    assert len(list(store.events.get(opened.account_id))) == 2

    with pytest.raises(IdempotencyKeyReused):
        store.record(佐藤さん, opened.account_id, Account.record_visit,
                     idempotency=Idempotency("sato", "visit-2026-11-20", "other"), **visit)
    other_caller = store.record(
        佐藤さん, opened.account_id, Account.record_visit,
        idempotency=Idempotency("tanaka", "visit-2026-11-20", "abc"), **visit)
    assert other_caller.version == 3, "keys belong to one caller"


@pytest.mark.postgres
def test_racing_copies_of_one_request_record_it_once(postgres_database: str,
                                                    clock: Clock) -> None:
    from api.bootstrap import build_application
    from tests.conftest import postgres_settings, register_cast

    settings = postgres_settings(postgres_database)
    apps = [build_application(settings, clock=clock) for _ in range(6)]
    register_cast(apps[0])
    opened = apps[0].open_account(田中課長, name="株式会社山田製作所", owner_rep_id="sato",
                                  visit_cadence_days=14)
    claim = Idempotency("sato", "retry-me", fingerprint="same")
    start = threading.Barrier(len(apps))
    results = []

    def send(app: Tsunagi) -> None:
        start.wait()
        results.append(app.record(佐藤さん, opened.account_id, Account.record_visit,
                                  idempotency=claim, occurred_at=clock.now, purpose="定期訪問",
                                  summary=""))

    threads = [threading.Thread(target=send, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 6
    assert len({r.event_id for r in results}) == 1
    assert len(list(apps[0].events.get(opened.account_id))) == 2
    for app in apps:
        app.close()


def test_account_views_ignore_users_and_keys(store: Tsunagi, projector: Projector) -> None:
    store.register_user(管理者, user_id="kobayashi", name="小林 誠", role="rep")
    projector.catch_up()
    assert projector.position("history") == store.recorder.max_notification_id()
    assert projector["history"].dump() == {"history_events": []}
