"""田中課長's team board on 2026-11-20: three reps, a handover in flight, one done with its
checkpoint ahead, overdue promises (one inherited), an unanswered request, a renewal within 90
days and a concession granted — each on the board, each rep's figures beside what they
inherited."""

from __future__ import annotations

from typing import Any

from domain.account import Account
from domain.values import Actor, Role
from tests.e2e.conftest import Office, Person


def ok(response: Any, status: int = 201) -> dict[str, Any]:
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


def open_account(office: Office, name: str, owner: str, **extra: Any) -> str:
    return str(ok(office.田中課長.post("/v1/accounts", {
        "name": name, "owner_rep_id": owner, "visit_cadence_days": 14, **extra}))["account_id"])


def promise(person: Person, account_id: str, description: str, due: str) -> str:
    return str(ok(person.post(f"/v1/accounts/{account_id}/promises", {
        "description": description, "due_date": due, "made_to": "山田部長",
        "occurred_at": "2026-11-02T10:00:00+09:00"}))["promise_id"])


def the_story(office: Office) -> dict[str, str]:
    yamada = open_account(office, "株式会社山田製作所", "sato", started_on="2026-10-01")
    kawasaki = open_account(office, "川崎商事株式会社", "takahashi", started_on="2026-09-01")
    osaka = open_account(office, "大阪物産株式会社", "sato", started_on="2026-11-01")
    sato, takahashi, tanaka = office.佐藤さん, office.高橋さん, office.田中課長

    promise(sato, yamada, "見積書を再提出する", "2026-11-15")
    ok(sato.post(f"/v1/accounts/{yamada}/complaints", {
        "received_at": "2026-11-01T09:00:00+09:00", "subject": "納品遅れ",
        "severity": "high"}))
    ok(sato.post(f"/v1/accounts/{yamada}/renewals", {
        "renewed_at": "2026-02-01T10:00:00+09:00", "contract_end": "2027-01-31",
        "terms": "年間保守", "annual_value_jpy": 12_000_000}))
    request = ok(sato.post(f"/v1/accounts/{yamada}/requests", {
        "kind": "discount", "detail": "送料を負担してほしい",
        "occurred_at": "2026-11-05T10:00:00+09:00"}))
    ok(sato.post(f"/v1/accounts/{yamada}/requests/{request['request_id']}/answer", {
        "answer": "accepted", "concession": "今回限り送料無料",
        "occurred_at": "2026-11-06T10:00:00+09:00"}), 200)

    promise(takahashi, kawasaki, "サンプルを届ける", "2026-11-18")
    ok(takahashi.post(f"/v1/accounts/{kawasaki}/requests", {
        "kind": "rush_delivery", "detail": "来週納品を前倒し",
        "occurred_at": "2026-11-03T10:00:00+09:00"}))
    handover = ok(tanaka.post(f"/v1/accounts/{kawasaki}/handovers", {
        "to_rep_id": "suzuki", "reason": "担当替え", "effective_at": "2026-11-10T09:00:00+09:00",
        "occurred_at": "2026-11-09T09:00:00+09:00"}))["handover_id"]
    steps = f"/v1/accounts/{kawasaki}/handovers/{handover}"
    ok(office.鈴木さん.post(f"{steps}/acknowledge", {"occurred_at": "2026-11-09T15:00:00+09:00"}),
       200)
    ok(tanaka.post(f"{steps}/checkpoint", {"checkpoint_on": "2026-12-20",
                                           "occurred_at": "2026-11-09T16:00:00+09:00"}), 200)
    ok(tanaka.post(f"{steps}/complete", {"occurred_at": "2026-11-10T09:00:00+09:00"}), 200)

    in_flight = ok(tanaka.post(f"/v1/accounts/{osaka}/handovers", {
        "to_rep_id": "suzuki", "reason": "佐藤さんの異動", "effective_at":
        "2026-12-01T09:00:00+09:00"}))["handover_id"]
    return {"yamada": yamada, "kawasaki": kawasaki, "osaka": osaka, "in_flight": in_flight,
            "done": handover}


def test_課長のチームボードに担当者ごとの数字と引き継いだ分が並ぶ(office: Office) -> None:
    story = the_story(office)
    board = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20"}), 200)
    reps = {rep["rep_id"]: rep for rep in board["reps"]}

    assert reps["sato"]["name"] == "佐藤 健"
    assert reps["sato"]["accounts"] == 2
    assert reps["sato"]["visits_overdue"] == 2  # 山田 due 10-15, 大阪 due 11-15
    assert reps["sato"]["promises_overdue"] == 1
    assert reps["sato"]["promises_overdue_inherited"] == 0
    assert reps["sato"]["complaints_open"] == 1
    assert reps["sato"]["complaints_by_age"] == {"0-7": 0, "8-30": 1, "31+": 0}
    assert reps["sato"]["requests_unanswered"] == 0

    suzuki = reps["suzuki"]
    assert (suzuki["accounts"], suzuki["accounts_inherited"]) == (1, 1)
    assert (suzuki["promises_overdue"], suzuki["promises_overdue_inherited"]) == (1, 1)
    assert (suzuki["requests_unanswered"], suzuki["requests_unanswered_inherited"]) == (1, 1)
    assert "takahashi" not in reps or reps["takahashi"]["accounts"] == 0

    overdue = {(p["account_id"], p["owner_rep_id"], p["due_date"], p["inherited"])
               for p in board["promises_overdue"]}
    assert overdue == {(story["yamada"], "sato", "2026-11-15", False),
                       (story["kawasaki"], "suzuki", "2026-11-18", True)}

    (handover,) = board["handovers"]
    assert handover["handover_id"] == story["in_flight"]
    assert (handover["from_rep_id"], handover["to_rep_id"]) == ("sato", "suzuki")
    assert (handover["acknowledged"], handover["completed"]) == (False, False)

    (checkpoint,) = board["checkpoints"]
    assert checkpoint["handover_id"] == story["done"]
    assert (checkpoint["checkpoint_on"], checkpoint["overdue"]) == ("2026-12-20", False)

    (renewal,) = board["renewals"]
    assert (renewal["account_id"], renewal["contract_end"], renewal["annual_value_jpy"],
            renewal["days_left"]) == (story["yamada"], "2027-01-31", 12_000_000, 72)

    (concession,) = board["concessions"]
    assert (concession["account_id"], concession["concession"]) == (story["yamada"],
                                                                     "今回限り送料無料")


def test_長い一覧は急ぐものから並び_全部で何件かも分かる(office: Office) -> None:
    """With 300 reps a list can run to thousands: the board holds the most urgent of each
    (here one, as ``limit`` asks) and says how many there are; each rep's counts are all."""
    story = the_story(office)
    board = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20", "limit": 1}), 200)
    (most_overdue,) = board["promises_overdue"]
    assert (most_overdue["account_id"], most_overdue["due_date"]) == (story["yamada"],
                                                                      "2026-11-15")
    assert board["totals"] == {"promises_overdue": 2, "renewals": 1, "concessions": 1,
                               "cooling": 1}
    assert len(board["cooling"]) == 1
    reps = {rep["rep_id"]: rep for rep in board["reps"]}
    assert reps["sato"]["promises_overdue"] + reps["suzuki"]["promises_overdue"] == 2
    every = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20"}), 200)
    assert len(every["promises_overdue"]) == every["totals"]["promises_overdue"] == 2
    assert office.田中課長.get("/v1/team", params={"limit": 0}).status_code == 422


def test_ボードは課長のもの_担当者と監査担当には403(office: Office) -> None:
    for person in (office.佐藤さん, office.監査の伊藤さん):
        assert person.get("/v1/team").status_code == 403


def test_期限切れの約束が守られると一覧から消え_日付を進めるとチェックポイントは超過になる(
        office: Office) -> None:
    story = the_story(office)
    overdue = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20"}), 200)
    (yamada_promise,) = [p for p in overdue["promises_overdue"]
                         if p["account_id"] == story["yamada"]]
    ok(office.佐藤さん.post(
        f"/v1/accounts/{story['yamada']}/promises/{yamada_promise['promise_id']}/close",
        {"outcome": "kept"}), 200)
    later = ok(office.田中課長.get("/v1/team", params={"date": "2026-12-21"}), 200)
    assert story["yamada"] not in {p["account_id"] for p in later["promises_overdue"]}
    (checkpoint,) = later["checkpoints"]
    assert checkpoint["overdue"] is True
    assert later["renewals"][0]["days_left"] == 41


def test_退職した担当者と未登録の担当者の取引先は引き継ぎが必要として並ぶ(office: Office) -> None:
    story = the_story(office)
    ghost = Account.open(Actor("tanaka", Role.MANAGER), office.clock(), name="幽霊商会",
                         owner_rep_id="ghost", visit_cadence_days=30)
    office.store.save(ghost)  # as a store written before owners had to exist holds it
    ok(office.admin.post("/v1/users/sato/deactivate", {}), 200)

    board = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20"}), 200)
    reps = {rep["rep_id"]: rep for rep in board["reps"]}
    assert (reps["sato"]["name"], reps["sato"]["active"]) == ("佐藤 健", False)
    assert (reps["ghost"]["name"], reps["ghost"]["active"]) == (None, False)
    assert reps["takahashi"]["active"] and reps["takahashi"]["accounts"] == 0, \
        "every active rep is on the board, with or without accounts"
    needing = {(n["account_id"], n["owner_rep_id"], n["handover_in_flight"])
               for n in board["needing_handover"]}
    assert needing == {(story["yamada"], "sato", False), (story["osaka"], "sato", True),
                       (str(ghost.id), "ghost", False)}


def test_冷え込みの兆しのある取引先は警告とともにボードに並ぶ(office: Office) -> None:
    story = the_story(office)
    for day in range(11, 16):  # five formal visits in a row: no small talk at all
        ok(office.佐藤さん.post(f"/v1/accounts/{story['yamada']}/visits", {
            "occurred_at": f"2026-11-{day}T10:00:00+09:00", "purpose": "定期訪問",
            "small_talk": False}))
    board = ok(office.田中課長.get("/v1/team", params={"date": "2026-11-20"}), 200)
    cooling = {c["account_id"]: (c["owner_rep_id"], {w["code"] for w in c["warnings"]})
               for c in board["cooling"]}
    assert cooling.keys() == {story["yamada"], story["kawasaki"]}
    assert cooling[story["yamada"]][0] == "sato"
    assert "small_talk_low" in cooling[story["yamada"]][1]
    assert cooling[story["kawasaki"]][0] == "suzuki"
    assert "request_unanswered" in cooling[story["kawasaki"]][1], "高橋さん's, 17 days old"
    reps = {rep["rep_id"]: rep for rep in board["reps"]}
    assert (reps["sato"]["cooling"], reps["suzuki"]["cooling"]) == (1, 1)
