"""Who works here, and who may be given an account: 田中課長 reads the list of people, an
admin deactivates 佐藤さん when he leaves (his token and his web session end at once), and an
account is opened for, or handed over to, only a registered rep who is still active."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from api.bootstrap import build_application
from api.settings import Settings
from api.web.session import COOKIE
from domain import application
from domain.application import Tsunagi
from domain.users import user_aggregate_id
from domain.values import Actor, Role
from tests.conftest import register_cast
from tests.e2e.conftest import Office
from tests.e2e.test_serve import run_tsunagi
from tests.in_process import invoke_tsunagi
from tests.web.conftest import WebOffice

THE_PEOPLE = [
    {"user_id": "ito", "name": "伊藤 監査", "role": "auditor", "active": True},
    {"user_id": "sato", "name": "佐藤 健", "role": "rep", "active": True},
    {"user_id": "suzuki", "name": "鈴木 一郎", "role": "rep", "active": True},
    {"user_id": "takahashi", "name": "高橋 花子", "role": "rep", "active": True},
    {"user_id": "tanaka", "name": "田中 課長", "role": "manager", "active": True},
]


def appended(office: Office) -> int:
    return office.store.recorder.max_notification_id() or 0


def test_tanaka_reads_who_works_here_and_each_person_who_they_are(office: Office) -> None:
    assert office.田中課長.get("/v1/users").json() == {"items": THE_PEOPLE}
    assert office.admin.get("/v1/users").json() == {"items": THE_PEOPLE}
    for refused in (office.佐藤さん, office.監査の伊藤さん):
        answer = refused.get("/v1/users")
        assert answer.status_code == 403
        assert answer.headers["content-type"] == "application/problem+json"
    assert office.佐藤さん.get("/v1/users/me").json() == {
        "user_id": "sato", "name": "佐藤 健", "role": "rep"}
    assert office.田中課長.get("/v1/users/me").json() == {
        "user_id": "tanaka", "name": "田中 課長", "role": "manager"}
    assert office.admin.get("/v1/users/me").json() == {
        "user_id": "admin", "name": "管理者", "role": "admin"}

    registered = office.admin.post("/v1/users", {"user_id": "kobayashi", "name": "小林 誠",
                                                 "role": "rep"})
    assert registered.status_code == 201
    listed = office.田中課長.get("/v1/users").json()["items"]
    assert {"user_id": "kobayashi", "name": "小林 誠", "role": "rep", "active": True} in listed


def test_sato_leaves_his_token_and_web_session_end_at_once(web: WebOffice) -> None:
    office = web.office
    assert office.佐藤さん.get("/v1/users/me").status_code == 200  # the token is remembered
    assert web.佐藤さん.get("/route").status_code == 200
    session_id = web.佐藤さん.client.cookies[COOKIE]
    sessions = office.client.app.state.sessions  # type: ignore[attr-defined]
    assert sessions.count("sato") == 1

    by_a_manager = office.田中課長.post("/v1/users/sato/deactivate")
    assert by_a_manager.status_code == 403
    assert office.佐藤さん.get("/v1/users/me").status_code == 200, "a manager cannot"

    left = office.admin.post("/v1/users/sato/deactivate")
    assert left.status_code == 200
    assert left.json() == {"user_id": "sato", "name": "佐藤 健", "role": "rep",
                           "active": False}
    refused = office.佐藤さん.get("/v1/users/me")
    assert refused.status_code == 401, "at once, though the token was remembered"
    assert refused.headers["content-type"] == "application/problem+json"
    assert sessions.count("sato") == 0 and sessions.find(session_id) is None
    page = web.佐藤さん.get("/route")
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    again = web.佐藤さん.client.post("/login", data={"token": office.佐藤さん.token,
                                                   "next": "/"})
    assert again.status_code != 303, "a deactivated user cannot sign in again"
    assert {"user_id": "sato", "name": "佐藤 健", "role": "rep", "active": False} in \
        office.田中課長.get("/v1/users").json()["items"]
    assert office.鈴木さん.get("/v1/users/me").status_code == 200, "only sato"

    stored = len(list(office.store.recorder.select_events(user_aggregate_id("sato"))))
    assert office.admin.post("/v1/users/sato/deactivate").status_code == 200
    assert len(list(office.store.recorder.select_events(user_aggregate_id("sato")))) == stored
    no_new_token = office.admin.post("/v1/users/sato/token")
    assert no_new_token.status_code == 409
    assert no_new_token.json()["type"].endswith("/user-inactive")
    ghost = office.admin.post("/v1/users/ghost/deactivate")
    assert ghost.status_code == 404


def test_another_process_refuses_a_deactivated_token_within_seconds(
        settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(application, "TOKEN_MEMORY_SECONDS", 0.3)
    api_worker, admin_worker = build_application(settings), build_application(settings)
    token = register_cast(admin_worker)["sato"]
    assert api_worker.authenticate(token) == Actor("sato", Role.REP)
    admin_worker.deactivate_user(Actor("admin", Role.ADMIN), "sato")
    assert api_worker.authenticate(token) == Actor("sato", Role.REP), "remembered for now"
    time.sleep(0.4)
    assert api_worker.authenticate(token) is None
    api_worker.close()
    admin_worker.close()


BAD_OWNERS = {
    "ghost": "no such user",
    "sato ": "a trailing space",
    "tanaka": "a manager",
    "ito": "an auditor",
    "takahashi": "a rep who has left",
}


@pytest.mark.parametrize("owner", BAD_OWNERS, ids=BAD_OWNERS.get)
def test_an_account_is_opened_only_for_an_active_rep(office: Office, owner: str) -> None:
    assert office.admin.post("/v1/users/takahashi/deactivate").status_code == 200
    before = appended(office)
    refused = office.田中課長.post("/v1/accounts", {
        "name": "株式会社山田製作所", "owner_rep_id": owner, "visit_cadence_days": 14})
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["loc"] == ["body", "owner_rep_id"]
    assert appended(office) == before, "nothing appended"
    assert office.田中課長.get("/v1/accounts").json()["items"] == []


@pytest.mark.parametrize("successor", BAD_OWNERS, ids=BAD_OWNERS.get)
def test_an_account_is_handed_over_only_to_an_active_rep(office: Office,
                                                         successor: str) -> None:
    yamada = office.open_yamada()
    assert office.admin.post("/v1/users/takahashi/deactivate").status_code == 200
    before = appended(office)
    refused = office.田中課長.post(f"/v1/accounts/{yamada}/handovers", {
        "to_rep_id": successor, "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"})
    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["loc"] == ["body", "to_rep_id"]
    assert appended(office) == before, "nothing appended"
    assert office.田中課長.get(f"/v1/accounts/{yamada}").json()["handover"] is None

    to_suzuki = office.田中課長.post(f"/v1/accounts/{yamada}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの大阪支店への異動",
        "effective_at": "2026-12-01T09:00:00+09:00"})
    assert to_suzuki.status_code == 201, "the refusal blocks nothing"


def test_the_handover_form_says_in_japanese_who_may_be_the_successor(web: WebOffice) -> None:
    yamada = web.office.open_yamada()
    form = {"csrf_token": web.田中課長.csrf(f"/accounts/{yamada}"), "to_rep_id": "ghost",
            "reason": "担当替え", "effective_at": "2026-12-01T09:00"}
    page = web.田中課長.client.post(f"/accounts/{yamada}/handovers", data=form)
    assert page.status_code == 422
    assert "登録済みで有効な担当者" in page.text


def test_a_left_owners_accounts_still_take_records(office: Office) -> None:
    """Only new owners are checked: an account whose owner has left (or, in an older store,
    was never registered) still takes visits, and a handover away from him."""
    yamada = office.open_yamada()
    assert office.admin.post("/v1/users/sato/deactivate").status_code == 200
    visit = office.田中課長.post(f"/v1/accounts/{yamada}/visits", {
        "occurred_at": "2026-11-20T09:00:00+09:00", "purpose": "定期訪問", "summary": "代理"})
    assert visit.status_code == 201, visit.text
    handover = office.田中課長.post(f"/v1/accounts/{yamada}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの退職", "effective_at":
        "2026-12-01T09:00:00+09:00"})
    assert handover.status_code == 201, handover.text


def test_a_route_is_read_only_for_a_registered_rep(office: Office) -> None:
    for nobody in ("nobody", "tanaka", "ito"):
        unknown = office.田中課長.get(f"/v1/reps/{nobody}/route?date=2026-11-24")
        assert unknown.status_code == 404, nobody
        assert unknown.headers["content-type"] == "application/problem+json"
    quiet = office.田中課長.get("/v1/reps/takahashi/route?date=2026-11-24")
    assert quiet.status_code == 200
    assert quiet.json()["visits_due"] == [] and quiet.json()["rep_id"] == "takahashi"
    office.open_yamada()
    assert office.admin.post("/v1/users/sato/deactivate").status_code == 200
    left = office.田中課長.get("/v1/reps/sato/route?date=2026-12-24").json()
    assert len(left["visits_due"]) == 1, "a rep who left still has the accounts he held"


def env_of(settings: Settings) -> dict[str, str]:
    return {"TSUNAGI_DATABASE_URL": settings.database_url,
            "TSUNAGI_POSTGRES_SCHEMA": settings.postgres_schema, "COLUMNS": "200"}


def test_the_admin_manages_people_from_the_command_line(
        empty_store: Tsunagi, settings: Settings, tmp_path: Path) -> None:
    def tsunagi(*args: str) -> str:
        done = invoke_tsunagi("user", *args, env=env_of(settings), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    # one command through the installed entry point, in a process of its own; the rest run
    # the same command functions in this process (a new Python costs seconds each)
    added = run_tsunagi("user", "add", "sato", "--name", "佐藤 健", env=env_of(settings),
                        cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    first = added.stdout.strip()
    tsunagi("add", "tanaka", "--name", "田中 課長", "--role", "manager")
    assert empty_store.authenticate(first) == Actor("sato", Role.REP)
    listed = tsunagi("list", "--json").splitlines()
    assert [line for line in listed] == [
        '{"user_id": "sato", "name": "佐藤 健", "role": "rep", "active": true}',
        '{"user_id": "tanaka", "name": "田中 課長", "role": "manager", "active": true}']
    assert "佐藤 健" in tsunagi("list")

    second = tsunagi("token", "sato")
    assert second != first and empty_store.authenticate(second) == Actor("sato", Role.REP)
    empty_store.forget_tokens_of("sato")  # the rotation ran in another process
    assert empty_store.authenticate(first) is None

    assert tsunagi("deactivate", "sato") == "deactivated sato"
    empty_store.forget_tokens_of("sato")
    assert empty_store.authenticate(second) is None
    assert '"active": false' in tsunagi("list", "--json").splitlines()[0]
    refused = invoke_tsunagi("user", "token", "sato", env=env_of(settings), cwd=tmp_path)
    assert refused.returncode == 2
    assert refused.stderr.strip() == "tsunagi: error: user_id: user sato is deactivated"
    ghost = invoke_tsunagi("user", "deactivate", "ghost", env=env_of(settings), cwd=tmp_path)
    assert ghost.returncode == 2 and "no user ghost" in ghost.stderr
