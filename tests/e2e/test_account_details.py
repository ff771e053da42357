"""An account's details change (PATCH /v1/accounts/{id}): 株式会社山田製作所 moves and becomes
株式会社ヤマダ製作所, 佐藤さん updates the phone. One event (details_changed), shown in the
account, the list, the route and the board, the dossier and the history; refused bodies and
callers append nothing."""

from __future__ import annotations

import json
from typing import Any

from tests.e2e.conftest import Office, Person

RENAMED = "株式会社ヤマダ製作所"
MOVED = "東京都大田区西蒲田1-2-3 ヤマダビル"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def appended(office: Office) -> int:
    return int(office.store.recorder.max_notification_id() or 0)


def refused(person: Person, url: str, body: Any, status: int, office: Office,
            **headers: str) -> dict[str, Any]:
    head = appended(office)
    response = person.patch(url, body, headers=headers)
    assert response.status_code == status, (body, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert appended(office) == head, f"{body} was refused, yet something was appended"
    return response.json()  # type: ignore[no-any-return]


def test_the_customer_moves_and_is_renamed_and_every_view_says_so(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    # before the rename: a promise (route rows) and a contract (board rows) name the account
    ok(sato.post(f"{url}/promises", {"description": "新住所の地図を送る",
                                     "due_date": "2026-11-25", "made_to": "山田部長"}), 201)
    ok(sato.post(f"{url}/renewals", {"renewed_at": "2026-11-20T09:00:00+09:00",
                                     "contract_end": "2027-01-31", "terms": "年間保守",
                                     "annual_value_jpy": 4_800_000}), 201)

    changed = sato.patch(url, {"name": RENAMED, "address": MOVED, "area": "城南エリア"})
    body = ok(changed)
    assert body["version"] == 4 and body["event_id"]
    assert changed.headers["ETag"] == '"4"'

    view = ok(sato.get(url))
    assert (view["name"], view["address"], view["area"], view["phone"]) == (
        RENAMED, MOVED, "城南エリア", None)
    assert view["version"] == 4

    for q in ("ヤマダ", "ﾔﾏﾀﾞ"):  # the list's search follows the rename, NFKC alike
        found = ok(sato.get("/v1/accounts", params={"q": q}))["items"]
        assert [(i["account_id"], i["name"]) for i in found] == [(account, RENAMED)], q
    assert ok(sato.get("/v1/accounts", params={"q": "山田製作所"}))["items"] == []

    promise = ok(sato.get("/v1/reps/me/route", params={"date": "2026-12-10"}))
    assert {i["name"] for i in [*promise["visits_due"], *promise["promises_due"]]} == {RENAMED}
    board = ok(office.田中課長.get("/v1/team", params={"date": "2026-12-10"}))
    assert [p["name"] for p in board["promises_overdue"]] == [RENAMED]
    assert [r["name"] for r in board["renewals"]] == [RENAMED]

    dossier = ok(sato.get(f"{url}/dossier"))["account"]
    assert (dossier["name"], dossier["address"], dossier["area"]) == (RENAMED, MOVED, "城南エリア")
    assert "phone" not in dossier, "a detail never given is not said"
    assert body["event_id"] in dossier["event_ids"]
    [former] = dossier["former_names"]
    assert (former["name"], former["author"], former["event_ids"]) == (
        "株式会社山田製作所", "sato", [body["event_id"]])
    printed = sato.get(f"{url}/dossier", headers={"Accept": "text/markdown"})
    assert printed.status_code == 200
    assert f"# 引き継ぎ資料: {RENAMED}" in printed.text
    assert "- 旧社名: 株式会社山田製作所" in printed.text
    assert f"- 所在地: {MOVED}" in printed.text
    assert "佐藤 健" in printed.text.split("旧社名")[1].splitlines()[0], "by name"

    [item] = ok(sato.get(f"{url}/history", params={"kind": "details_changed"}))["items"]
    assert (item["event_id"], item["version"], item["recorded_by"]) == (
        body["event_id"], 4, "sato")
    assert item["data"] == {"name": RENAMED, "address": MOVED, "phone": None,
                            "area": "城南エリア"}
    assert item["occurred_at"] and item["recorded_at"]


def test_sato_updates_the_phone_and_sending_it_again_appends_nothing(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    first = ok(sato.patch(url, {"phone": "03-1234-5678"}))
    assert first["version"] == 2
    view = ok(sato.get(url))
    assert (view["name"], view["phone"], view["address"]) == ("株式会社山田製作所",
                                                              "03-1234-5678", None)

    head = appended(office)
    again = sato.patch(url, {"phone": "03-1234-5678", "name": "株式会社山田製作所"})
    assert ok(again) == {"account_id": account, "version": 2, "event_id": None}
    assert again.headers["ETag"] == '"2"'
    assert appended(office) == head, "values the account already has append nothing"

    # one new value beside an unchanged one: only the new one is recorded
    third = ok(sato.patch(url, {"phone": "03-1234-5678", "area": "城南エリア"}))
    *_, item = ok(sato.get(f"{url}/history", params={"kind": "details_changed"}))["items"]
    assert item["event_id"] == third["event_id"]
    assert item["data"] == {"name": None, "address": None, "phone": None, "area": "城南エリア"}

    cleared = ok(sato.patch(url, {"phone": ""}))  # an empty detail clears it
    assert cleared["version"] == 4
    assert ok(sato.get(url))["phone"] == ""


def test_if_match_is_honoured(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    ok(sato.post(f"{url}/visits", {"occurred_at": "2026-11-20T09:00:00+09:00",
                                   "purpose": "定期訪問"}), 201)
    refused(sato, url, {"name": RENAMED}, 412, office, **{"If-Match": '"1"'})
    assert ok(sato.get(url))["name"] == "株式会社山田製作所"
    changed = ok(sato.patch(url, {"name": RENAMED}, headers={"If-Match": '"2"'}))
    assert changed["version"] == 3
    # a repeat of a request already applied, with the version it was sent against, is stale
    refused(sato, url, {"name": RENAMED}, 412, office, **{"If-Match": '"2"'})


def test_bad_bodies_are_422_naming_the_field_and_append_nothing(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    sato = office.佐藤さん
    cases: list[tuple[Any, list[str]]] = [
        ({}, ["body"]),
        ({"fax": "03-1234-5679"}, ["body", "fax"]),
        ({"name": ""}, ["body", "name"]),
        ({"name": "　 "}, ["body", "name"]),
        ({"name": None}, ["body", "name"]),
        ({"phone": 312345678}, ["body", "phone"]),
        ({"address": "東" * 201}, ["body", "address"]),
        ({"area": "城南\x00エリア"}, ["body", "area"]),
    ]
    for body, loc in cases:
        problem = refused(sato, url, body, 422, office)
        assert [e["loc"] for e in problem["errors"]][:1] == [loc], (body, problem)
    empty = sato.client.patch(url, content=b"", headers=sato.auth)
    assert empty.status_code == 422
    not_json = sato.client.patch(url, content=json.dumps({"name": RENAMED}).encode(),
                                 headers={**sato.auth, "Content-Type": "text/plain"})
    assert not_json.status_code == 415
    assert ok(sato.get(url))["version"] == 1


def test_only_the_owner_a_manager_or_an_admin_change_the_details(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    ok(office.田中課長.post(f"{url}/handovers", {
        "to_rep_id": "suzuki", "reason": "異動", "effective_at": "2026-12-01T09:00:00+09:00"}),
        201)
    # 鈴木さん reads the account being handed to him, but does not own it yet
    assert office.鈴木さん.get(url).status_code == 200
    refused(office.鈴木さん, url, {"name": RENAMED}, 403, office)
    refused(office.高橋さん, url, {"name": RENAMED}, 404, office)  # not his: no leak
    refused(office.監査の伊藤さん, url, {"name": RENAMED}, 403, office)
    refused(Person(office.client, ""), url, {"name": RENAMED}, 401, office)
    # the role and access are checked before the body
    refused(office.高橋さん, url, {"fax": "x"}, 404, office)
    refused(office.監査の伊藤さん, url, {}, 403, office)

    assert ok(office.佐藤さん.patch(url, {"phone": "03-1111-2222"}))["version"] == 3
    assert ok(office.田中課長.patch(url, {"area": "城南エリア"}))["version"] == 4
    assert ok(office.admin.patch(url, {"name": RENAMED}))["version"] == 5
    history = ok(office.監査の伊藤さん.get(f"{url}/history",
                                        params={"kind": "details_changed"}))["items"]
    assert [i["recorded_by"] for i in history] == ["sato", "tanaka", "admin"]


def test_the_audit_export_and_verify_carry_the_change(office: Office) -> None:
    account = office.open_yamada()
    url = f"/v1/accounts/{account}"
    changed = ok(office.佐藤さん.patch(url, {"name": RENAMED, "phone": "03-1234-5678"}))
    auditor = office.監査の伊藤さん
    export = auditor.get("/v1/audit/export", params={"account_id": account, "format": "jsonl"})
    assert export.status_code == 200, export.text
    lines = [json.loads(line) for line in export.text.splitlines() if line.strip()]
    [line] = [x for x in lines if x.get("kind") == "details_changed"]
    assert line["event_id"] == changed["event_id"]
    assert RENAMED in json.dumps(line, ensure_ascii=False)
    verified = ok(auditor.get("/v1/audit/verify", params={"account_id": account}))
    assert verified["ok"] is True and verified["events_checked"] == 2
